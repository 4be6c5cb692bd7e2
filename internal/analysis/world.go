package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// world is the estate indexed for repeated scenario checks: built once per
// analysis, so each scenario only touches the hosts of the failed hosts' clusters.
type world struct {
	snap   *inventory.Snapshot
	policy Policy

	hosts     []inventory.Host
	hostIdx   map[inventory.HostName]int
	load      []Resources // demand of each host's powered-on VMs
	capacity  []Resources
	mounts    []map[inventory.DatastoreName]bool
	running   [][]inventory.VM // powered-on VMs per host
	peers     map[inventory.HostName][]int
	failover  []bool // dedicated failover hosts (failover_hosts policy): restart targets only
	minHosts  map[inventory.SystemName]int
	systemsOf map[inventory.VMName][]inventory.SystemName
}

func newWorld(s *inventory.Snapshot, p Policy) *world {
	w := &world{snap: s, policy: p, hosts: s.Hosts(), hostIdx: map[inventory.HostName]int{},
		peers: map[inventory.HostName][]int{}, minHosts: map[inventory.SystemName]int{}, systemsOf: map[inventory.VMName][]inventory.SystemName{}}
	n := len(w.hosts)
	w.load, w.capacity = make([]Resources, n), make([]Resources, n)
	w.mounts, w.running = make([]map[inventory.DatastoreName]bool, n), make([][]inventory.VM, n)
	for i, h := range w.hosts {
		w.hostIdx[h.Name] = i
		l := loadOf(s, p, h)
		w.load[i], w.capacity[i] = l.Used, l.Capacity
		w.mounts[i] = map[inventory.DatastoreName]bool{}
		for _, d := range h.Datastores {
			w.mounts[i][d] = true
		}
		for _, v := range s.VMsOn(h.Name) {
			if v.PoweredOn() {
				w.running[i] = append(w.running[i], v)
			}
		}
	}
	w.failover = make([]bool, n)
	for _, c := range s.Clusters() {
		if c.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts {
			for _, h := range c.HA.AdmissionControl.FailoverHosts {
				if i, ok := w.hostIdx[h]; ok {
					w.failover[i] = true
				}
			}
		}
	}
	w.indexPeers()
	for _, b := range s.BusinessSystems() {
		if b.MinHosts > 0 {
			w.minHosts[b.Name] = b.MinHosts
			for _, v := range b.VMs {
				w.systemsOf[v] = append(w.systemsOf[v], b.Name)
			}
		}
	}
	return w
}

// indexPeers records where each host's VMs can restart: the other hosts of its
// cluster (vSphere HA) and the standby hosts of its standby group. A clustered
// host that is also an active host of a standby group keeps its HA peers.
func (w *world) indexPeers() {
	for _, c := range w.snap.Clusters() {
		var idx []int
		for _, h := range w.snap.HostsIn(c.Name) {
			idx = append(idx, w.hostIdx[h.Name])
		}
		for _, h := range w.snap.HostsIn(c.Name) {
			w.peers[h.Name] = idx
		}
	}
	for _, g := range w.snap.StandbyGroups() {
		var idx []int
		for _, s := range g.Standby {
			idx = append(idx, w.hostIdx[s])
		}
		for _, a := range g.Active {
			peers := slices.Clone(w.peers[a]) // cluster peers are shared between hosts: never append in place
			for _, s := range idx {
				if !slices.Contains(peers, s) {
					peers = append(peers, s)
				}
			}
			w.peers[a] = peers
		}
	}
}

// unknown names the hosts and datastores the estate does not have, or "".
func (w *world) unknown(hosts []inventory.HostName, datastores []inventory.DatastoreName) string {
	var bad []string
	for _, h := range hosts {
		if _, ok := w.hostIdx[h]; !ok {
			bad = append(bad, fmt.Sprintf("host %q", h))
		}
	}
	for _, d := range datastores {
		if _, ok := w.snap.Datastore(d); !ok {
			bad = append(bad, fmt.Sprintf("datastore %q", d))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return "the estate has no " + strings.Join(bad, ", no ") + ": nothing was checked"
}

// sortedKeys returns the host indices of a set in order, so that results do
// not depend on map iteration order.
func sortedKeys(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

// mountsAll reports whether host i mounts every datastore of the VM.
func (w *world) mountsAll(i int, v inventory.VM) bool {
	for _, d := range v.Datastores {
		if !w.mounts[i][d] {
			return false
		}
	}
	return true
}
