package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// scope is what a check reads: the clusters its VMs and hosts live in (found
// in the index of the whole inventory), and clusters it names itself
// (docs/design/topology-cache.md).
type scope struct {
	vms      []inventory.VMName
	hosts    []inventory.HostName
	clusters []inventory.ClusterName
	// named: a VM or host the index does not have needs the full read, whose
	// errors list what the whole inventory has (analysis.CheckMove's known
	// VMs and hosts). A placement's check says "not in vCenter" itself.
	named bool
}

// clustersIn resolves the scope with the index. It reports false when no
// scoped read can stand for the full one: a standalone VM or host (no scoped
// read covers it), a named cluster the index does not have (whose error must
// list the full read's clusters), and with named, an unknown VM or host.
func (s scope) clustersIn(ix *vsphere.Index) ([]inventory.ClusterName, bool) {
	var out []inventory.ClusterName
	add := func(cl inventory.ClusterName) bool {
		if cl == "" {
			return false
		}
		if !slices.Contains(out, cl) {
			out = append(out, cl)
		}
		return true
	}
	for _, vm := range s.vms {
		at, ok := ix.VM(vm)
		if !ok && s.named {
			return nil, false
		}
		if ok {
			if cl, _ := ix.Host(at); !add(cl) {
				return nil, false
			}
		}
	}
	for _, h := range s.hosts {
		cl, ok := ix.Host(h)
		if !ok && s.named || ok && !add(cl) {
			return nil, false
		}
	}
	known := ix.Clusters()
	for _, cl := range s.clusters {
		if !slices.Contains(known, cl) {
			return nil, false
		}
		add(cl)
	}
	slices.Sort(out)
	return out, true
}

// agrees reports whether a read of the scope has its VMs and hosts as the
// index has them (a VM the index does not have is not in the read either):
// otherwise something moved or was created in between, and only the full read
// can say what the check must say. With anywhere, a VM may run on any host of
// the read (an apply re-reading what its own moves changed).
func (s scope) agrees(ix *vsphere.Index, t *vsphere.Topology, anywhere bool) bool {
	for _, vm := range s.vms {
		at, inIndex := ix.VM(vm)
		v, inRead := t.Estate.VM(vm)
		if inIndex != inRead || inRead && !anywhere && v.Host != at {
			return false
		}
	}
	for _, h := range s.hosts {
		_, inIndex := ix.Host(h)
		if _, inRead := t.Estate.Host(h); inIndex != inRead {
			return false
		}
	}
	return true
}

// readScope is the read a check of the scope needs: the clusters of its VMs
// and hosts, read once per command and shared (vsphere.Cache.Scoped). What the
// check says from it is what it says from the full read: the VMs and hosts
// are in it as in the full read, and their clusters are read whole. It falls
// back to the full read (topology) when that read is already made or when the
// scope cannot say the same: a standalone host, the scoped reads used up
// (vsphere.MaxScopedReads), a read that disagrees with the index (something
// moved in between), or any error.
func (d *providerData) readScope(ctx context.Context, s scope) (*vsphere.Topology, diag.Diagnostics) {
	if d.cache.Wide(d.datacenter) {
		return d.topology(ctx)
	}
	ix, err := d.cache.Index(ctx, d.datacenter)
	if err != nil {
		return d.topology(ctx)
	}
	clusters, ok := s.clustersIn(ix)
	if !ok {
		return d.topology(ctx)
	}
	t, err := d.cache.Scoped(ctx, ix, clusters)
	if err != nil || !s.agrees(ix, t, false) {
		return d.topology(ctx)
	}
	return t, d.report(ctx, t, fmt.Sprint(clusters))
}

// freshScope is an apply's re-read of the scope: the clusters of its VMs and
// hosts as vCenter has them now, read afresh at every call (not cached), with
// the index ix the apply started from. Its VMs may run anywhere in those
// clusters (the apply moved them). It falls back to a fresh full read when
// the scope cannot stand for it: a VM that left the clusters or was deleted, a
// standalone host, any error.
func (d *providerData) freshScope(ctx context.Context, ix *vsphere.Index, s scope) (*vsphere.Topology, diag.Diagnostics) {
	if ix != nil {
		if clusters, ok := s.clustersIn(ix); ok {
			t, err := d.cache.Client().ReadScoped(ctx, ix, clusters)
			if err == nil && s.agrees(ix, t, true) {
				return t, d.report(ctx, t, fmt.Sprint(clusters))
			}
		}
	}
	d.cache.Invalidate()
	return d.topology(ctx)
}
