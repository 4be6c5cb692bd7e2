package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmware/govmomi/object"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Datacenter is a datacenter added to a running lab, with the managed object
// ids vCenter gave its objects.
type Datacenter struct{ s *seeded }

// AddDatacenter seeds a second (third, …) datacenter with an estate, as a
// vCenter that manages several sites. Names may repeat those of other
// datacenters — vCenter allows it, and that is what it is for. Clusters are
// configured as in Start; tags are not seeded (category names would clash).
// Call it before clients read the lab: the seeding writes simulator objects
// directly.
func (l *Lab) AddDatacenter(ctx context.Context, name string, snap *inventory.Snapshot) (*Datacenter, error) {
	dc, err := object.NewRootFolder(l.client).CreateDatacenter(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("datacenter %q: %w", name, err)
	}
	// Each datacenter keeps its datastores' files apart: their names may repeat.
	dir := filepath.Join(l.dataDir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s, err := seedInto(ctx, l.client, l.model.Map(), snap, dc, dir)
	if err != nil {
		return nil, fmt.Errorf("seeding datacenter %q: %w", name, err)
	}
	if err := configureClusters(ctx, l.client, snap, s); err != nil {
		return nil, fmt.Errorf("seeding datacenter %q: %w", name, err)
	}
	return &Datacenter{s}, nil
}

// HostRef returns the managed object id of a host of the datacenter, empty if unknown.
func (d *Datacenter) HostRef(name inventory.HostName) string { return d.s.hosts[name].Value }

// VMRef returns the managed object id of a VM of the datacenter, empty if unknown.
func (d *Datacenter) VMRef(name inventory.VMName) string { return d.s.vms[name].Value }

// ClusterRef returns the managed object id of a cluster of the datacenter, empty if unknown.
func (d *Datacenter) ClusterRef(name inventory.ClusterName) string { return d.s.clusters[name].Value }

// DatastoreRef returns the managed object id of a datastore of the datacenter, empty if unknown.
func (d *Datacenter) DatastoreRef(name inventory.DatastoreName) string {
	return d.s.datastores[name].Value
}
