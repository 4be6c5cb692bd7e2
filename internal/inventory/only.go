package inventory

import "fmt"

// Only returns the part of the estate in one cluster: the cluster, its hosts,
// the VMs on them and the datastores they use. Business systems keep only
// their members in that part (and are dropped if none remain); standby groups
// are kept only if all their hosts are in it.
func (s *Snapshot) Only(c ClusterName) (*Snapshot, error) {
	cluster, ok := s.Cluster(c)
	if !ok {
		known := map[ClusterName]bool{}
		for _, cl := range s.Clusters() {
			known[cl.Name] = true
		}
		return nil, fmt.Errorf("unknown cluster %q: %s", c, KnownList("clusters", known))
	}
	e := Estate{Clusters: []Cluster{cluster}}
	hosts, vms, datastores := map[HostName]bool{}, map[VMName]bool{}, map[DatastoreName]bool{}
	for _, h := range s.HostsIn(c) {
		e.Hosts = append(e.Hosts, h)
		hosts[h.Name] = true
		for _, d := range h.Datastores {
			datastores[d] = true
		}
		for _, v := range s.VMsOn(h.Name) {
			e.VMs = append(e.VMs, v)
			vms[v.Name] = true
			for _, d := range v.Datastores {
				datastores[d] = true
			}
		}
	}
	for _, d := range s.Datastores() {
		if datastores[d.Name] {
			e.Datastores = append(e.Datastores, d)
		}
	}
	for _, b := range s.BusinessSystems() {
		b.VMs, b.Hosts = keep(b.VMs, vms), keep(b.Hosts, hosts)
		if len(b.VMs)+len(b.Hosts) > 0 {
			e.BusinessSystems = append(e.BusinessSystems, b)
		}
	}
	for _, g := range s.StandbyGroups() {
		if len(keep(g.Active, hosts)) == len(g.Active) && len(keep(g.Standby, hosts)) == len(g.Standby) {
			e.StandbyGroups = append(e.StandbyGroups, g)
		}
	}
	return New(e)
}

func keep[K comparable](items []K, in map[K]bool) []K {
	var out []K
	for _, it := range items {
		if in[it] {
			out = append(out, it)
		}
	}
	return out
}
