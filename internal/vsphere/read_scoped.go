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
// ReadScoped (one RetrieveProperties from the clusters through their hosts'
// VM lists, with the full Properties). Objects are named from the index of the
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

// ReadScoped reads the given clusters of the index as they are now: the
// clusters, their hosts and the VMs running on those hosts, found through each
// host's VM list at the time of the call rather than through the index, so a
// VM that DRS or a person moved into or out of the clusters since the index is
// where vCenter says, and one deleted since is gone. One RetrieveProperties
// whatever the number of clusters, plus the vAPI tag calls. Datastores come
// from the index. Names are the full read's: the index's, and for an object
// the index does not have (created or moved in since), the name the naming
// rule gives it among the index's objects (names.go). Unknown cluster names
// are an error naming the known ones.
func (c *Client) ReadScoped(ctx context.Context, ix *Index, clusters []inventory.ClusterName) (*Topology, error) {
	before := c.roundTrips.Load()
	want, err := ix.clusterSet(clusters)
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	d, err := c.readScope(ctx, ix, want, false)
	if err != nil {
		return nil, err
	}
	tags, err := c.fetchTags(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading tags from vCenter %s: %w", c.Server(), err)
	}
	t, err := c.assemble(ix, d, tags)
	if err != nil {
		return nil, err
	}
	t.RoundTrips = c.roundTrips.Load() - before
	return t, nil
}

// readScope reads the clusters (and, with standalone, the hosts in no
// cluster) through their hosts' VM lists, decoded, keeping the VMs that run on
// a host read.
func (c *Client) readScope(ctx context.Context, ix *Index, clusters map[inventory.ClusterName]bool, standalone bool) (decoded, error) {
	spec := types.PropertyFilterSpec{ReportMissingObjectsInResults: types.NewBool(true)}
	hostVMs := func() *types.TraversalSpec {
		return &types.TraversalSpec{Type: "HostSystem", Path: "vm", Skip: types.NewBool(false)}
	}
	for _, cl := range ix.idx.clusters {
		if clusters[ix.n.clusters[cl.Self]] {
			spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: cl.Self, Skip: types.NewBool(false),
				SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ClusterComputeResource", Path: "host", Skip: types.NewBool(false),
					SelectSet: []types.BaseSelectionSpec{hostVMs()}}}})
		}
	}
	for _, h := range ix.idx.hosts {
		if _, clustered := ix.clusterOf[ptrOr(h.Parent)]; standalone && !clustered {
			spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: h.Self, Skip: types.NewBool(false),
				SelectSet: []types.BaseSelectionSpec{hostVMs()}})
		}
	}
	contents, err := c.retrieve(ctx, spec)
	if err != nil {
		return decoded{}, fmt.Errorf("reading clusters from vCenter %s: %w", c.Server(), err)
	}
	d, err := c.decodeScoped(contents)
	if err != nil {
		return d, err
	}
	return onHostsRead(d), nil
}

// readVMs reads VMs by reference (those the index has that no scope read
// found: moved or deleted since); deleted ones are left out.
func (c *Client) readVMs(ctx context.Context, refs []types.ManagedObjectReference) (decoded, error) {
	if len(refs) == 0 {
		return decoded{}, nil
	}
	spec := types.PropertyFilterSpec{ReportMissingObjectsInResults: types.NewBool(true)}
	for _, ref := range refs {
		spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: ref, Skip: types.NewBool(false)})
	}
	contents, err := c.retrieve(ctx, spec)
	if err != nil {
		return decoded{}, fmt.Errorf("reading VMs from vCenter %s: %w", c.Server(), err)
	}
	return c.decodeScoped(contents)
}

// retrieve runs one RetrieveProperties with the full Properties; objects
// vCenter reports missing (deleted since the index) are left out.
func (c *Client) retrieve(ctx context.Context, spec types.PropertyFilterSpec) ([]types.ObjectContent, error) {
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
	return slices.DeleteFunc(res.Returnval, func(oc types.ObjectContent) bool { return len(oc.MissingSet) > 0 && len(oc.PropSet) == 0 }), nil
}

// Clusters lists the clusters of the index.
func (ix *Index) Clusters() []inventory.ClusterName {
	out := make([]inventory.ClusterName, 0, len(ix.idx.clusters))
	for _, cl := range ix.idx.clusters {
		out = append(out, ix.n.clusters[cl.Self])
	}
	slices.Sort(out)
	return out
}

// assemble builds the topology of objects read in scope (decoded), with
// every datastore of the index, named as the full read names them
// (Index.namesWith) and tagged.
func (c *Client) assemble(ix *Index, d decoded, tags tagAttachments) (*Topology, error) {
	n := ix.namesWith(d)
	d.datastores = ix.idx.datastores
	estate, warnings := convertNamed(d, n)
	slices.Sort(warnings)
	tags.apply(&estate, n)
	snap, err := inventory.New(estate)
	if err != nil {
		return nil, fmt.Errorf("inventory of vCenter %s is inconsistent: %w", c.Server(), err)
	}
	return &Topology{Estate: snap, Datacenter: ix.Datacenter, ReadAt: time.Now(), Warnings: warnings}, nil
}

// decodeScoped decodes objects read in scope, with a clear error.
func (c *Client) decodeScoped(objs []types.ObjectContent) (decoded, error) {
	d, err := decode(objs)
	if err != nil {
		return d, fmt.Errorf("inventory of vCenter %s: %w", c.Server(), err)
	}
	return d, nil
}
