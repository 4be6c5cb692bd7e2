package vsphere

import (
	"context"
	"fmt"
	"slices"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// ReadLive reads the given clusters of the index as they are now: the
// clusters, their hosts and the VMs running on those hosts, found through
// each host's VM list at the time of the call rather than through the index,
// so a VM that DRS or a person moved into or out of the clusters since the
// index is where vCenter says. One RetrieveProperties whatever the number of
// clusters, plus the vAPI tag calls. Datastores come from the index. Names
// are the full read's: the index's, and for an object the index does not
// have (created or moved in since), the name the naming rule gives it among
// the index's objects (names.go). It is what an apply re-checks before each
// step of a migration (docs/design/topology-cache.md).
func (c *Client) ReadLive(ctx context.Context, ix *Index, clusters []inventory.ClusterName) (*Topology, error) {
	before := c.roundTrips.Load()
	want, err := ix.clusterSet(clusters)
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	contents, err := c.retrieveLive(ctx, ix, want)
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	d, err := c.decodeScoped(contents)
	if err != nil {
		return nil, err
	}
	d = onHostsRead(d)
	tags, err := c.fetchTags(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading tags from vCenter %s: %w", c.Server(), err)
	}
	t, err := c.assembleNamed(ix, d, ix.namesWith(d), tags)
	if err != nil {
		return nil, err
	}
	t.RoundTrips = c.roundTrips.Load() - before
	return t, nil
}

func (c *Client) retrieveLive(ctx context.Context, ix *Index, clusters map[inventory.ClusterName]bool) ([]types.ObjectContent, error) {
	spec := types.PropertyFilterSpec{}
	for _, cl := range ix.idx.clusters {
		if !clusters[ix.n.clusters[cl.Self]] {
			continue
		}
		spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: cl.Self, Skip: types.NewBool(false),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ClusterComputeResource", Path: "host", Skip: types.NewBool(false),
				SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "HostSystem", Path: "vm", Skip: types.NewBool(false)}}}}})
	}
	if len(spec.ObjectSet) == 0 {
		return nil, nil
	}
	for _, kind := range readKinds[:3] {
		spec.PropSet = append(spec.PropSet, types.PropertySpec{Type: kind, PathSet: Properties[kind]})
	}
	res, err := methods.RetrieveProperties(ctx, c.vim, &types.RetrieveProperties{This: c.vim.ServiceContent.PropertyCollector, SpecSet: []types.PropertyFilterSpec{spec}})
	if err != nil {
		return nil, err
	}
	return res.Returnval, nil
}

// onHostsRead keeps the VMs whose runtime.host is one of the hosts read: a
// VM listed by a host while it moves away may already name its new host.
func onHostsRead(d decoded) decoded {
	hosts := map[types.ManagedObjectReference]bool{}
	for _, h := range d.hosts {
		hosts[h.Self] = true
	}
	d.vms = slices.DeleteFunc(d.vms, func(v mo.VirtualMachine) bool { return !hosts[*v.Runtime.Host] })
	return d
}

// namesWith is the index's names, plus names for the objects of d the index
// does not have, given by the naming rule among the index's objects.
func (ix *Index) namesWith(d decoded) names {
	all := ix.idx.plus(decoded{})
	added := false
	for _, h := range d.hosts {
		if _, ok := ix.n.hosts[h.Self]; !ok {
			all.hosts, added = append(all.hosts, h), true
		}
	}
	for _, v := range d.vms {
		if _, ok := ix.n.vms[v.Self]; !ok {
			all.vms, added = append(all.vms, v), true
		}
	}
	if !added {
		return ix.n
	}
	return nameAll(all)
}
