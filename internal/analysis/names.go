package analysis

import (
	"errors"
	"fmt"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// checkNames rejects failures of hosts or datastores the estate does not have.
func checkNames(s *inventory.Snapshot, r Request) error {
	var errs []error
	hosts := map[inventory.HostName]bool{}
	for _, h := range s.Hosts() {
		hosts[h.Name] = true
	}
	datastores := map[inventory.DatastoreName]bool{}
	for _, d := range s.Datastores() {
		datastores[d.Name] = true
	}
	for _, h := range append(append([]inventory.HostName{}, r.FailHosts...), r.Maintenance...) {
		if !hosts[h] {
			errs = append(errs, fmt.Errorf("unknown host %q: %s", h, inventory.KnownList("hosts", hosts)))
		}
	}
	clusters := map[inventory.ClusterName]bool{}
	for _, c := range s.Clusters() {
		clusters[c.Name] = true
	}
	for _, c := range r.Clusters {
		if !clusters[c] {
			errs = append(errs, fmt.Errorf("unknown cluster %q: %s", c, inventory.KnownList("clusters", clusters)))
		}
	}
	for _, d := range r.FailDatastores {
		if !datastores[d] {
			errs = append(errs, fmt.Errorf("unknown datastore %q: %s", d, inventory.KnownList("datastores", datastores)))
		}
	}
	return errors.Join(errs...)
}
