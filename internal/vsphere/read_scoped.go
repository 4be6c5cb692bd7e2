package vsphere

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// IndexProperties is what the index read of ReadClusters fetches: only what
// locates objects (which host a VM runs on, which cluster a host is in) and
// names them, plus the datastores in full (few, and any VM may use any).
var IndexProperties = map[string][]string{
	"ClusterComputeResource": {"name"},
	"HostSystem":             {"name", "parent"},
	"VirtualMachine":         {"name", "runtime.host", "config.template"},
	"Datastore":              Properties["Datastore"],
}

var readKinds = []string{"ClusterComputeResource", "HostSystem", "VirtualMachine", "Datastore"}

// ReadClusters reads only the given clusters — their hosts, the VMs on those
// hosts, and every datastore — in a constant number of SOAP calls, whatever
// the number of clusters or VMs: CreateContainerView, an index
// RetrieveProperties over the view with IndexProperties, one
// RetrieveProperties with one ObjectSpec per object of the clusters and the
// full Properties, and DestroyView. Objects are named from the index of the
// whole inventory, so a name does not depend on the scope (names.go).
// Standalone hosts (in no cluster) and their VMs are not read. Unknown
// cluster names are an error naming the known ones.
//
// It is the first half of the scoped read of docs/design/topology-cache.md;
// the provider does not use it yet.
func (c *Client) ReadClusters(ctx context.Context, datacenter string, clusters []inventory.ClusterName) (*Topology, error) {
	before := c.roundTrips.Load()
	contents, n, err := c.retrieveClusters(ctx, datacenter, clusters)
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	d, err := decode(contents)
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s: %w", c.Server(), err)
	}
	estate, warnings := convertNamed(d, n)
	slices.Sort(warnings)
	if err := c.readTags(ctx, &estate, n); err != nil {
		return nil, fmt.Errorf("reading tags from vCenter %s: %w", c.Server(), err)
	}
	snap, err := inventory.New(estate)
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s is inconsistent: %w", c.Server(), err)
	}
	return &Topology{Estate: snap, Datacenter: datacenter, ReadAt: time.Now(), RoundTrips: c.roundTrips.Load() - before, Warnings: warnings}, nil
}

func (c *Client) retrieveClusters(ctx context.Context, datacenter string, clusters []inventory.ClusterName) ([]types.ObjectContent, names, error) {
	vc := c.vim
	root := vc.ServiceContent.RootFolder
	if datacenter != "" {
		dc, err := find.NewFinder(vc).Datacenter(ctx, datacenter)
		if err != nil {
			return nil, names{}, fmt.Errorf("datacenter %q: %w", datacenter, err)
		}
		root = dc.Reference()
	}
	v, err := view.NewManager(vc).CreateContainerView(ctx, root, readKinds, true)
	if err != nil {
		return nil, names{}, err
	}
	defer func() { _ = v.Destroy(context.WithoutCancel(ctx)) }()

	index := types.PropertyFilterSpec{ObjectSet: []types.ObjectSpec{{
		Obj: v.Reference(), Skip: types.NewBool(true),
		SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view", Skip: types.NewBool(false)}},
	}}}
	for _, kind := range readKinds {
		index.PropSet = append(index.PropSet, types.PropertySpec{Type: kind, PathSet: IndexProperties[kind]})
	}
	res, err := methods.RetrieveProperties(ctx, vc, &types.RetrieveProperties{This: vc.ServiceContent.PropertyCollector, SpecSet: []types.PropertyFilterSpec{index}})
	if err != nil {
		return nil, names{}, err
	}
	idx, err := decode(res.Returnval)
	if err != nil {
		return nil, names{}, err
	}
	n := nameAll(idx)

	want := map[inventory.ClusterName]bool{}
	for _, name := range clusters {
		want[name] = true
	}
	scoped := types.PropertyFilterSpec{}
	inScope := map[types.ManagedObjectReference]bool{}
	add := func(ref types.ManagedObjectReference) {
		scoped.ObjectSet = append(scoped.ObjectSet, types.ObjectSpec{Obj: ref, Skip: types.NewBool(false)})
	}
	found := map[inventory.ClusterName]bool{}
	for _, cl := range idx.clusters {
		if name := n.clusters[cl.Self]; want[name] {
			found[name] = true
			inScope[cl.Self] = true
			add(cl.Self)
		}
	}
	var missing []string
	for _, name := range clusters {
		if !found[name] {
			missing = append(missing, string(name))
		}
	}
	if len(missing) > 0 {
		known := make([]string, 0, len(idx.clusters))
		for _, cl := range idx.clusters {
			known = append(known, string(n.clusters[cl.Self]))
		}
		slices.Sort(known)
		return nil, names{}, fmt.Errorf("unknown clusters %q: the clusters are %q", missing, known)
	}
	hosts := map[types.ManagedObjectReference]bool{}
	for _, h := range idx.hosts {
		if h.Parent != nil && inScope[*h.Parent] {
			hosts[h.Self] = true
			add(h.Self)
		}
	}
	for _, vm := range idx.vms { // decode kept only VMs that run somewhere
		if hosts[*vm.Runtime.Host] {
			add(vm.Self)
		}
	}
	var out []types.ObjectContent
	for _, oc := range res.Returnval {
		if oc.Obj.Type == "Datastore" {
			out = append(out, oc)
		}
	}
	if len(scoped.ObjectSet) == 0 {
		return out, n, nil
	}
	for _, kind := range readKinds[:3] {
		scoped.PropSet = append(scoped.PropSet, types.PropertySpec{Type: kind, PathSet: Properties[kind]})
	}
	full, err := methods.RetrieveProperties(ctx, vc, &types.RetrieveProperties{This: vc.ServiceContent.PropertyCollector, SpecSet: []types.PropertyFilterSpec{scoped}})
	if err != nil {
		return nil, names{}, err
	}
	return append(out, full.Returnval...), n, nil
}
