package analysis

import (
	"cmp"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// placement is one restart (or evacuation) problem: VMs to put on hosts with
// free capacity, each VM only on its eligible hosts, keeping business systems
// spread over enough hosts.
type placement struct {
	w     *world
	vms   []inventory.VM
	cands [][]int           // eligible host indices per VM
	free  map[int]Resources // free capacity of every candidate host
	// spread: per system, the hosts it keeps running on and how many it needs.
	fixed    map[inventory.SystemName]map[int]bool
	required map[inventory.SystemName]int
}

// searchBudget bounds the exhaustive search; past it a verdict is "unproven".
const searchBudget = 200_000

func (p Policy) budget() int {
	if p.SearchBudget > 0 {
		return p.SearchBudget
	}
	return searchBudget
}

func (p *placement) demand(vm inventory.VM, h int) Resources {
	return p.w.policy.Demand(vm, p.w.hosts[h])
}

// greedy is first-fit decreasing with best fit: the largest VMs first, each on
// the eligible host that keeps a needed business-system spread and leaves the
// least memory free. When a VM does not fit it returns nil, that VM and the
// free capacity at that point, to explain the shortfall.
func (p *placement) greedy() (map[int]int, int, map[int]Resources) {
	order := make([]int, len(p.vms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(p.vms[b].MemoryReservationMB+p.vms[b].MemoryMB, p.vms[a].MemoryReservationMB+p.vms[a].MemoryMB),
			cmp.Compare(p.vms[b].CPUReservationMHz, p.vms[a].CPUReservationMHz))
	})
	free := maps(p.free)
	used := p.spreadState()
	chosen := map[int]int{}
	for _, i := range order {
		best, bestScore := -1, [2]int64{}
		for _, h := range p.cands[i] {
			d := p.demand(p.vms[i], h)
			if len(d.exceeds(free[h])) > 0 {
				continue
			}
			score := [2]int64{-p.spreadGain(used, p.vms[i].Name, h), free[h].Memory - d.Memory}
			if best < 0 || score[0] < bestScore[0] || (score[0] == bestScore[0] && score[1] < bestScore[1]) {
				best, bestScore = h, score
			}
		}
		if best < 0 {
			return nil, i, free
		}
		chosen[i] = best
		free[best] = free[best].sub(p.demand(p.vms[i], best))
		p.markSpread(used, p.vms[i].Name, best)
	}
	if !p.spreadOK(used) {
		return nil, -1, nil
	}
	return chosen, -1, nil
}

// exhaustive tries every assignment (VMs with the fewest candidates first)
// until one satisfies every constraint. It returns the placement, or nil and
// whether the search was complete (nil and complete is a proof that none exists).
func (p *placement) exhaustive() (map[int]int, bool) {
	order := make([]int, len(p.vms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(p.cands[a]), len(p.cands[b])) })
	free := maps(p.free)
	used := p.spreadState()
	chosen := map[int]int{}
	nodes := 0
	var dfs func(k int) bool
	dfs = func(k int) bool {
		if nodes++; nodes > p.w.policy.budget() {
			return false
		}
		if k == len(order) {
			return p.spreadOK(used)
		}
		i := order[k]
		for _, h := range p.cands[i] {
			d := p.demand(p.vms[i], h)
			if len(d.exceeds(free[h])) > 0 {
				continue
			}
			free[h] = free[h].sub(d)
			undo := p.markSpread(used, p.vms[i].Name, h)
			chosen[i] = h
			if dfs(k + 1) {
				return true
			}
			delete(chosen, i)
			undo()
			free[h] = free[h].add(d)
		}
		return false
	}
	if dfs(0) {
		return chosen, true
	}
	return nil, nodes <= p.w.policy.budget()
}

// spreadState counts, per system, how many of its VMs run on each host.
func (p *placement) spreadState() map[inventory.SystemName]map[int]int {
	used := map[inventory.SystemName]map[int]int{}
	for s, hosts := range p.fixed {
		used[s] = map[int]int{}
		for h := range hosts {
			used[s][h]++
		}
	}
	return used
}

func (p *placement) markSpread(used map[inventory.SystemName]map[int]int, vm inventory.VMName, h int) func() {
	systems := p.w.systemsOf[vm]
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
func (p *placement) spreadGain(used map[inventory.SystemName]map[int]int, vm inventory.VMName, h int) int64 {
	var gain int64
	for _, s := range p.w.systemsOf[vm] {
		if used[s] != nil && len(used[s]) < p.required[s] && used[s][h] == 0 {
			gain++
		}
	}
	return gain
}

func (p *placement) spreadOK(used map[inventory.SystemName]map[int]int) bool {
	for s, need := range p.required {
		if len(used[s]) < need {
			return false
		}
	}
	return true
}

// valid checks a placement against every constraint independently of how it
// was found: the certificate behind a "safe" verdict.
func (p *placement) valid(chosen map[int]int) bool {
	if len(chosen) != len(p.vms) {
		return false
	}
	free := maps(p.free)
	used := p.spreadState()
	for i, h := range chosen {
		if !slices.Contains(p.cands[i], h) {
			return false
		}
		free[h] = free[h].sub(p.demand(p.vms[i], h))
		if free[h].CPU < 0 || free[h].Memory < 0 {
			return false
		}
		p.markSpread(used, p.vms[i].Name, h)
	}
	return p.spreadOK(used)
}

func maps(m map[int]Resources) map[int]Resources {
	out := make(map[int]Resources, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
