package provider

import (
	"context"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/planned"
)

// The planned-estate overlay: what a Terraform command declares beyond what
// vCenter reports. Declared servers (estate_host with a kind other than esxi)
// exist only in Terraform state; each estate_host records its server here as
// Terraform plans or refreshes it, and everything that checks the estate reads
// plannedEstate instead of the bare topology. Terraform plans a resource after
// the resources its configuration references, so a resource that references
// an estate_host (a business system listing it, a guard depending on it) sees it.

// plannedOverlay is the declared part of the estate, per provider process (one Terraform command).
type plannedOverlay struct {
	mu    sync.Mutex
	hosts map[inventory.HostName]inventory.Host
}

// DeclareHost adds (or replaces) a declared server in the planned estate.
func (d *providerData) DeclareHost(h inventory.Host) {
	d.overlay.mu.Lock()
	defer d.overlay.mu.Unlock()
	if d.overlay.hosts == nil {
		d.overlay.hosts = map[inventory.HostName]inventory.Host{}
	}
	d.overlay.hosts[h.Name] = h
}

// ForgetHost removes a declared server from the planned estate (it is being destroyed).
func (d *providerData) ForgetHost(name inventory.HostName) {
	d.overlay.mu.Lock()
	defer d.overlay.mu.Unlock()
	delete(d.overlay.hosts, name)
}

// OverlayChanges lists the overlay as changes to the live estate, in name
// order: each failover domain that vCenter does not have becomes a cluster
// with vSphere HA semantics (its servers take over for each other) and no
// admission control (nothing enforces it), then each declared server.
func (d *providerData) OverlayChanges(live *inventory.Snapshot) []inventory.Change {
	d.overlay.mu.Lock()
	defer d.overlay.mu.Unlock()
	names := make([]inventory.HostName, 0, len(d.overlay.hosts))
	for n := range d.overlay.hosts {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]inventory.Change, 0, len(names))
	domains := map[inventory.ClusterName]bool{}
	for _, n := range names {
		c := d.overlay.hosts[n].Cluster
		if _, vcenter := live.Cluster(c); c == "" || vcenter || domains[c] {
			continue
		}
		domains[c] = true
		out = append(out, inventory.PutCluster{Cluster: FailoverDomain(c)})
	}
	for _, n := range names {
		out = append(out, inventory.PutHost{Host: d.overlay.hosts[n]})
	}
	return out
}

// PlannedEstate is the live estate plus the declared servers: what the guard
// and every check of the whole estate analyse.
func (d *providerData) PlannedEstate(ctx context.Context) (*inventory.Snapshot, diag.Diagnostics) {
	topo, diags := d.topology(ctx)
	if diags.HasError() {
		return nil, diags
	}
	planned, err := topo.Estate.With(d.OverlayChanges(topo.Estate)...)
	if err != nil {
		diags.AddError("Invalid declared servers", err.Error())
		return nil, diags
	}
	return planned, diags
}

// FailoverDomain is the cluster a failover domain of declared servers becomes in the planned estate.
func FailoverDomain(name inventory.ClusterName) inventory.Cluster {
	return planned.FailoverDomain(name)
}
