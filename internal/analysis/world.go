package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// world is the estate indexed densely for repeated placement checks: built
// once per analysis, so each scenario only touches the hosts and VMs it affects.
// Hosts and VMs are numbered by their position in the snapshot.
type world struct {
	snap   *inventory.Snapshot
	policy Policy

	hosts    []inventory.Host
	hostIdx  map[inventory.HostName]int
	load     []Resources // demand of each host's powered-on VMs
	capacity []Resources
	mounts   [][]int32 // datastore ids each host mounts, sorted
	running  [][]int   // powered-on VM ids per host
	cluster  []int     // cluster id per host, -1 outside clusters
	failover []bool    // dedicated failover hosts (failover_hosts policy)
	standby  [][]int   // per host: the standby hosts of the groups it is active in
	// restartTo and moveTo: per host, where its VMs restart after a failure
	// and where they can move while it stays up (see check_domain.go).
	restartTo, moveTo [][]int

	vms    []inventory.VM
	vmIdx  map[inventory.VMName]int
	vmHost []int
	vmDS   [][]int32 // datastore ids per VM
	// vmDemand is each VM's demand when it does not depend on the host (every
	// basis but "configured"); hostClocked says it does.
	vmDemand    []Resources
	hostClocked bool
	dsIdx       map[inventory.DatastoreName]int32

	clusters     []inventory.Cluster
	clusterHosts [][]int

	rules rules

	minHosts    []int // per business system with min_hosts > 0
	systemIDs   map[inventory.SystemName]int
	systemNames []inventory.SystemName
	systemsOf   [][]int // per VM: systems with min_hosts > 0

	slot []int32 // scratch: global host → local index in the current problem, -1 otherwise
}

func newWorld(s *inventory.Snapshot, p Policy) *world {
	w := &world{snap: s, policy: p, hosts: s.Hosts(), vms: s.VMs(), clusters: s.Clusters(),
		hostIdx: make(map[inventory.HostName]int, len(s.Hosts())), vmIdx: make(map[inventory.VMName]int, len(s.VMs())),
		dsIdx: make(map[inventory.DatastoreName]int32, len(s.Datastores())), systemIDs: map[inventory.SystemName]int{}}
	for i, d := range s.Datastores() {
		w.dsIdx[d.Name] = int32(i)
	}
	for i, h := range w.hosts {
		w.hostIdx[h.Name] = i
	}
	for i, v := range w.vms {
		w.vmIdx[v.Name] = i
	}
	w.indexHosts()
	w.indexVMs()
	w.indexClusters()
	w.indexStandby()
	w.indexDomains()
	w.indexSystems()
	w.rules = compileRules(w)
	return w
}

func (w *world) indexHosts() {
	n := len(w.hosts)
	w.load, w.capacity = make([]Resources, n), make([]Resources, n)
	w.mounts, w.running = make([][]int32, n), make([][]int, n)
	w.cluster, w.failover, w.standby = make([]int, n), make([]bool, n), make([][]int, n)
	w.slot = make([]int32, n)
	for i, h := range w.hosts {
		l := loadOf(w.snap, w.policy, h)
		w.load[i], w.capacity[i] = l.Used, l.Capacity
		for _, d := range h.Datastores {
			w.mounts[i] = append(w.mounts[i], w.dsIdx[d])
		}
		slices.Sort(w.mounts[i])
		w.cluster[i] = -1
		w.slot[i] = -1
	}
}

func (w *world) indexVMs() {
	w.vmHost, w.vmDS, w.vmDemand = make([]int, len(w.vms)), make([][]int32, len(w.vms)), make([]Resources, len(w.vms))
	w.hostClocked = w.policy.Basis == BasisConfigured
	for i, v := range w.vms {
		if v.PoweredOn() && !w.hostClocked {
			w.vmDemand[i] = w.policy.Demand(v, inventory.Host{})
		}
		h := w.hostIdx[v.Host]
		w.vmHost[i] = h
		for _, d := range v.Datastores {
			w.vmDS[i] = append(w.vmDS[i], w.dsIdx[d])
		}
		if v.PoweredOn() {
			w.running[h] = append(w.running[h], i)
		}
	}
}

func (w *world) indexClusters() {
	w.clusterHosts = make([][]int, len(w.clusters))
	for c, cl := range w.clusters {
		for _, h := range w.snap.HostsIn(cl.Name) {
			i := w.hostIdx[h.Name]
			w.cluster[i] = c
			w.clusterHosts[c] = append(w.clusterHosts[c], i)
		}
		if cl.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts {
			for _, h := range cl.HA.AdmissionControl.FailoverHosts {
				if i, ok := w.hostIdx[h]; ok {
					w.failover[i] = true
				}
			}
		}
	}
}

// indexStandby records, per active host of a standby group, its standby hosts.
func (w *world) indexStandby() {
	for _, g := range w.snap.StandbyGroups() {
		for _, a := range g.Active {
			i := w.hostIdx[a]
			for _, s := range g.Standby {
				if j := w.hostIdx[s]; !slices.Contains(w.standby[i], j) {
					w.standby[i] = append(w.standby[i], j)
				}
			}
		}
	}
}

func (w *world) indexSystems() {
	w.systemsOf = make([][]int, len(w.vms))
	for _, b := range w.snap.BusinessSystems() {
		if b.MinHosts <= 0 {
			continue
		}
		id := len(w.minHosts)
		w.systemIDs[b.Name] = id
		w.minHosts = append(w.minHosts, b.MinHosts)
		w.systemNames = append(w.systemNames, b.Name)
		for _, v := range b.VMs {
			i := w.vmIdx[v]
			w.systemsOf[i] = append(w.systemsOf[i], id)
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
		if _, ok := w.dsIdx[d]; !ok {
			bad = append(bad, fmt.Sprintf("datastore %q", d))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return "the estate has no " + strings.Join(bad, ", no ") + ": nothing was checked"
}

// mountsAll reports whether host h mounts every datastore of VM v.
func (w *world) mountsAll(h, v int) bool {
	for _, d := range w.vmDS[v] {
		if _, ok := slices.BinarySearch(w.mounts[h], d); !ok {
			return false
		}
	}
	return true
}

func (w *world) systemName(s int) inventory.SystemName { return w.systemNames[s] }

// onFailed returns the first failed datastore of VM v, and whether there is one.
func (w *world) onFailed(v int, failedDS map[int32]bool) bool {
	_, ok := w.firstFailed(v, failedDS)
	return ok
}

func (w *world) firstFailed(v int, failedDS map[int32]bool) (inventory.DatastoreName, bool) {
	for j, d := range w.vmDS[v] {
		if failedDS[d] {
			return w.vms[v].Datastores[j], true
		}
	}
	return "", false
}

// sortedKeys returns the indices of a set in order, so that results do not
// depend on map iteration order.
func sortedKeys(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}
