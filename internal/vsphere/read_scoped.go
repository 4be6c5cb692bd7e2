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
// the number of clusters or VMs: ReadIndex (CreateContainerView, an index
// RetrieveProperties over the view with IndexProperties, DestroyView) and
// ReadScoped (one RetrieveProperties with one ObjectSpec per object of the
// clusters and the full Properties). Objects are named from the index of the
// whole inventory, so a name does not depend on the scope (names.go).
// Standalone hosts (in no cluster) and their VMs are not read. Unknown
// cluster names are an error naming the known ones.
func (c *Client) ReadClusters(ctx context.Context, datacenter string, clusters []inventory.ClusterName) (*Topology, error) {
	before := c.roundTrips.Load()
	ix, err := c.ReadIndex(ctx, datacenter)
	if err != nil {
		return nil, err
	}
	t, err := c.ReadScoped(ctx, ix, clusters)
	if err != nil {
		return nil, err
	}
	t.RoundTrips = c.roundTrips.Load() - before
	return t, nil
}

// Index is the index read of the whole inventory (IndexProperties): where
// every VM runs, which cluster every host is in, and the names the full read
// gives them. The provider reads it once per command (Cache.Index) and scopes
// its reads with it.
type Index struct {
	Datacenter string
	RoundTrips int64 // SOAP calls the index read cost
	idx        decoded
	n          names
	datastores []types.ObjectContent
	vmHost     map[inventory.VMName]inventory.HostName
	hostIn     map[inventory.HostName]inventory.ClusterName // "" for a standalone host
	clusterOf  map[types.ManagedObjectReference]inventory.ClusterName
}

// VM says whether the inventory has the VM (running somewhere, not a
// template: what the full read keeps) and the host it runs on.
func (ix *Index) VM(vm inventory.VMName) (inventory.HostName, bool) {
	h, ok := ix.vmHost[vm]
	return h, ok
}

// Host says whether the inventory has the host and its cluster ("" for a
// standalone host, which no scoped read covers).
func (ix *Index) Host(host inventory.HostName) (inventory.ClusterName, bool) {
	c, ok := ix.hostIn[host]
	return c, ok
}

// ReadIndex reads the index of the inventory in 3 SOAP calls:
// CreateContainerView, one RetrieveProperties, DestroyView.
func (c *Client) ReadIndex(ctx context.Context, datacenter string) (*Index, error) {
	before := c.roundTrips.Load()
	ix, err := c.readIndex(ctx, datacenter)
	if err != nil {
		return nil, fmt.Errorf("reading the index of vCenter %s: %w", c.Server(), err)
	}
	ix.RoundTrips = c.roundTrips.Load() - before
	return ix, nil
}

func (c *Client) readIndex(ctx context.Context, datacenter string) (*Index, error) {
	vc := c.vim
	root := vc.ServiceContent.RootFolder
	if datacenter != "" {
		dc, err := find.NewFinder(vc).Datacenter(ctx, datacenter)
		if err != nil {
			return nil, fmt.Errorf("datacenter %q: %w", datacenter, err)
		}
		root = dc.Reference()
	}
	v, err := view.NewManager(vc).CreateContainerView(ctx, root, readKinds, true)
	if err != nil {
		return nil, err
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
		return nil, err
	}
	idx, err := decode(res.Returnval)
	if err != nil {
		return nil, err
	}
	ix := &Index{Datacenter: datacenter, idx: idx, n: nameAll(idx),
		vmHost: map[inventory.VMName]inventory.HostName{}, hostIn: map[inventory.HostName]inventory.ClusterName{},
		clusterOf: map[types.ManagedObjectReference]inventory.ClusterName{}}
	for _, oc := range res.Returnval {
		if oc.Obj.Type == "Datastore" {
			ix.datastores = append(ix.datastores, oc)
		}
	}
	for _, cl := range idx.clusters {
		ix.clusterOf[cl.Self] = ix.n.clusters[cl.Self]
	}
	for _, h := range idx.hosts {
		cl := inventory.ClusterName("")
		if h.Parent != nil {
			cl = ix.clusterOf[*h.Parent]
		}
		ix.hostIn[ix.n.hosts[h.Self]] = cl
	}
	for _, vm := range idx.vms { // decode kept only VMs that run somewhere
		ix.vmHost[ix.n.vms[vm.Self]] = ix.n.hosts[*vm.Runtime.Host]
	}
	return ix, nil
}

// ReadScoped reads the given clusters of the index — the clusters, their
// hosts, the VMs the index has on those hosts — in one RetrieveProperties
// (plus the vAPI tag calls), named from the index; every datastore comes from
// the index. Unknown cluster names are an error naming the known ones.
func (c *Client) ReadScoped(ctx context.Context, ix *Index, clusters []inventory.ClusterName) (*Topology, error) {
	before := c.roundTrips.Load()
	contents, err := c.retrieveScoped(ctx, ix, clusters)
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	d, err := decode(contents)
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s: %w", c.Server(), err)
	}
	estate, warnings := convertNamed(d, ix.n)
	slices.Sort(warnings)
	if err := c.readTags(ctx, &estate, ix.n); err != nil {
		return nil, fmt.Errorf("reading tags from vCenter %s: %w", c.Server(), err)
	}
	snap, err := inventory.New(estate)
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s is inconsistent: %w", c.Server(), err)
	}
	return &Topology{Estate: snap, Datacenter: ix.Datacenter, ReadAt: time.Now(), RoundTrips: c.roundTrips.Load() - before, Warnings: warnings}, nil
}

func (c *Client) retrieveScoped(ctx context.Context, ix *Index, clusters []inventory.ClusterName) ([]types.ObjectContent, error) {
	vc := c.vim
	idx, n := ix.idx, ix.n
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
		return nil, fmt.Errorf("unknown clusters %q: the clusters are %q", missing, known)
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
	out := slices.Clone(ix.datastores)
	if len(scoped.ObjectSet) == 0 {
		return out, nil
	}
	for _, kind := range readKinds[:3] {
		scoped.PropSet = append(scoped.PropSet, types.PropertySpec{Type: kind, PathSet: Properties[kind]})
	}
	full, err := methods.RetrieveProperties(ctx, vc, &types.RetrieveProperties{This: vc.ServiceContent.PropertyCollector, SpecSet: []types.PropertyFilterSpec{scoped}})
	if err != nil {
		return nil, err
	}
	return append(out, full.Returnval...), nil
}
