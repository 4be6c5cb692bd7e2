package analysis

import "slices"

// Business-system spread is a constraint on a whole placement, not on one
// host: a system with min_hosts n whose VMs move must end up on at least as
// many hosts as it ran on before, up to n. The search prefers hosts that add
// to a system's spread and checks the constraint when every VM is placed.

// spreadNeeds records, per system of the VMs to place, the hosts it keeps
// (members that stay up) and how many hosts it needs.
func (p *problem) spreadNeeds(failedDS map[int32]bool) {
	w := p.w
	moving := map[int]bool{}
	for _, v := range p.vms {
		for _, s := range w.systemsOf[v] {
			moving[s] = true
		}
	}
	for s := range moving {
		var before, after []int
		b, _ := w.snap.BusinessSystem(w.systemName(s))
		for _, name := range b.VMs {
			v := w.vmIdx[name]
			if !w.vms[v].PoweredOn() {
				continue
			}
			h := w.vmHost[v]
			before = addUnique(before, h)
			if !p.isGone(h) && !w.onFailed(v, failedDS) {
				after = addUnique(after, h)
			}
		}
		for _, name := range b.Hosts {
			h := w.hostIdx[name]
			if w.hosts[h].Available() {
				before = addUnique(before, h)
				if !p.isGone(h) {
					after = addUnique(after, h)
				}
			}
		}
		p.fixed[s] = after
		p.required[s] = min(w.minHosts[s], len(before))
	}
}

// spreadState counts, per system, how many of its VMs run on each host.
func (p *problem) spreadState() map[int]map[int]int {
	used := make(map[int]map[int]int, len(p.fixed))
	for s, hosts := range p.fixed {
		used[s] = make(map[int]int, len(hosts)+1)
		for _, h := range hosts {
			used[s][h]++
		}
	}
	return used
}

func addUnique(set []int, x int) []int {
	if slices.Contains(set, x) {
		return set
	}
	return append(set, x)
}

func (p *problem) markSpread(used map[int]map[int]int, i, h int) func() {
	systems := p.w.systemsOf[p.vms[i]]
	for _, s := range systems {
		if used[s] != nil {
			used[s][h]++
		}
	}
	return func() {
		for _, s := range systems {
			if used[s] != nil {
				if used[s][h]--; used[s][h] == 0 {
					delete(used[s], h)
				}
			}
		}
	}
}

// spreadGain is how many systems below their required spread would gain a host.
func (p *problem) spreadGain(used map[int]map[int]int, i, h int) int64 {
	var gain int64
	for _, s := range p.w.systemsOf[p.vms[i]] {
		if used[s] != nil && len(used[s]) < p.required[s] && used[s][h] == 0 {
			gain++
		}
	}
	return gain
}

func (p *problem) spreadOK(used map[int]map[int]int) bool {
	for s, need := range p.required {
		if len(used[s]) < need {
			return false
		}
	}
	return true
}
