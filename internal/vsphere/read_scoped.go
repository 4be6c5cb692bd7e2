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

// ReadScoped reads the given clusters of the index — the clusters, their
// hosts, the VMs the index has on those hosts — in one RetrieveProperties
// (plus the vAPI tag calls), named from the index; every datastore comes from
// the index. Unknown cluster names are an error naming the known ones.
func (c *Client) ReadScoped(ctx context.Context, ix *Index, clusters []inventory.ClusterName) (*Topology, error) {
	before := c.roundTrips.Load()
	want, err := ix.clusterSet(clusters)
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	objs, err := c.retrieveObjects(ctx, ix.objectsIn(want, false))
	if err != nil {
		return nil, fmt.Errorf("reading clusters %v from vCenter %s: %w", clusters, c.Server(), err)
	}
	tags, err := c.fetchTags(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading tags from vCenter %s: %w", c.Server(), err)
	}
	d, err := c.decodeScoped(objs)
	if err != nil {
		return nil, err
	}
	t, err := c.assemble(ix, d, tags)
	if err != nil {
		return nil, err
	}
	t.RoundTrips = c.roundTrips.Load() - before
	return t, nil
}

// clusterSet checks cluster names against the index.
func (ix *Index) clusterSet(clusters []inventory.ClusterName) (map[inventory.ClusterName]bool, error) {
	want := map[inventory.ClusterName]bool{}
	var missing []string
	for _, name := range clusters {
		if !ix.hasCluster(name) {
			missing = append(missing, string(name))
		}
		want[name] = true
	}
	if len(missing) > 0 {
		known := make([]string, 0, len(ix.idx.clusters))
		for _, cl := range ix.idx.clusters {
			known = append(known, string(ix.n.clusters[cl.Self]))
		}
		slices.Sort(known)
		return nil, fmt.Errorf("unknown clusters %q: the clusters are %q", missing, known)
	}
	return want, nil
}

func (ix *Index) hasCluster(name inventory.ClusterName) bool {
	for _, cl := range ix.idx.clusters {
		if ix.n.clusters[cl.Self] == name {
			return true
		}
	}
	return false
}

// objectsIn lists the objects of the index in the given clusters: the
// clusters, their hosts and the VMs the index has on those hosts; with
// standalone, the hosts in no cluster and their VMs too.
func (ix *Index) objectsIn(clusters map[inventory.ClusterName]bool, standalone bool) []types.ManagedObjectReference {
	var out []types.ManagedObjectReference
	inScope := map[types.ManagedObjectReference]bool{}
	for _, cl := range ix.idx.clusters {
		if clusters[ix.n.clusters[cl.Self]] {
			inScope[cl.Self] = true
			out = append(out, cl.Self)
		}
	}
	hosts := map[types.ManagedObjectReference]bool{}
	for _, h := range ix.idx.hosts {
		_, clustered := ix.clusterOf[ptrOr(h.Parent)]
		if clustered && inScope[*h.Parent] || !clustered && standalone {
			hosts[h.Self] = true
			out = append(out, h.Self)
		}
	}
	for _, vm := range ix.idx.vms { // decode kept only VMs that run somewhere
		if hosts[*vm.Runtime.Host] {
			out = append(out, vm.Self)
		}
	}
	return out
}

func ptrOr(r *types.ManagedObjectReference) types.ManagedObjectReference {
	if r == nil {
		return types.ManagedObjectReference{}
	}
	return *r
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

// retrieveObjects reads the objects with the full Properties in one
// RetrieveProperties, one ObjectSpec each (none: no call).
func (c *Client) retrieveObjects(ctx context.Context, refs []types.ManagedObjectReference) ([]types.ObjectContent, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	spec := types.PropertyFilterSpec{ObjectSet: make([]types.ObjectSpec, 0, len(refs))}
	for _, ref := range refs {
		spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: ref, Skip: types.NewBool(false)})
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

// assemble builds the topology of objects read in scope (retrieveObjects,
// decoded), with every datastore of the index, named from the index and tagged.
func (c *Client) assemble(ix *Index, d decoded, tags tagAttachments) (*Topology, error) {
	return c.assembleNamed(ix, d, ix.n, tags)
}

// assembleNamed is assemble with the names given (ReadLive).
func (c *Client) assembleNamed(ix *Index, d decoded, n names, tags tagAttachments) (*Topology, error) {
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

// plus is d with more objects of each kind (a copy: d is not changed).
func (d decoded) plus(more decoded) decoded {
	return decoded{
		clusters:   slices.Concat(d.clusters, more.clusters),
		hosts:      slices.Concat(d.hosts, more.hosts),
		datastores: slices.Concat(d.datastores, more.datastores),
		vms:        slices.Concat(d.vms, more.vms),
	}
}
