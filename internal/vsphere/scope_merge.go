package vsphere

import (
	"fmt"
	"slices"

	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

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

func ptrOr(r *types.ManagedObjectReference) types.ManagedObjectReference {
	if r == nil {
		return types.ManagedObjectReference{}
	}
	return *r
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
	var extra decoded
	for _, h := range d.hosts {
		if _, ok := ix.n.hosts[h.Self]; !ok {
			extra.hosts = append(extra.hosts, h)
		}
	}
	for _, v := range d.vms {
		if _, ok := ix.n.vms[v.Self]; !ok {
			extra.vms = append(extra.vms, v)
		}
	}
	if len(extra.hosts)+len(extra.vms) == 0 {
		return ix.n
	}
	return nameAll(ix.idx.newer(extra))
}

// newer is d with the objects of later replacing d's objects of the same
// reference (a VM read twice, before and after it moved): a copy.
func (d decoded) newer(later decoded) decoded {
	return decoded{
		clusters:   replaceBySelf(d.clusters, later.clusters, func(o mo.ClusterComputeResource) types.ManagedObjectReference { return o.Self }),
		hosts:      replaceBySelf(d.hosts, later.hosts, func(o mo.HostSystem) types.ManagedObjectReference { return o.Self }),
		datastores: replaceBySelf(d.datastores, later.datastores, func(o mo.Datastore) types.ManagedObjectReference { return o.Self }),
		vms:        replaceBySelf(d.vms, later.vms, func(o mo.VirtualMachine) types.ManagedObjectReference { return o.Self }),
	}
}

func replaceBySelf[T any](old, later []T, self func(T) types.ManagedObjectReference) []T {
	seen := make(map[types.ManagedObjectReference]bool, len(later))
	for _, o := range later {
		seen[self(o)] = true
	}
	out := make([]T, 0, len(old)+len(later))
	for _, o := range old {
		if !seen[self(o)] {
			out = append(out, o)
		}
	}
	return append(out, later...)
}

// unseenVMs lists the VMs the index has that d does not: moved out of what was
// read, or deleted, since the index.
func (ix *Index) unseenVMs(d decoded) []types.ManagedObjectReference {
	have := make(map[types.ManagedObjectReference]bool, len(d.vms))
	for _, v := range d.vms {
		have[v.Self] = true
	}
	var out []types.ManagedObjectReference
	for _, v := range ix.idx.vms {
		if !have[v.Self] {
			out = append(out, v.Self)
		}
	}
	return out
}
