package analysis

import (
	"cmp"
	"slices"
)

// searchBudget bounds the exhaustive search; past it a verdict is "unproven".
const searchBudget = 200_000

func (p Policy) budget() int {
	if p.SearchBudget > 0 {
		return p.SearchBudget
	}
	return searchBudget
}

// assignment maps each VM to place (by index i) to a host id.
type assignment []int

// greedy is first-fit decreasing: the largest VMs first, each on the allowed
// host that keeps a needed business-system spread and then, for a restart,
// leaves the least memory free (best fit: room stays for the large VMs still
// to come) or, for an evacuation, the most (worst fit: the load spreads, as
// DRS balances a cluster). When a VM does not fit it returns nil and that VM, with
// the search state left at that point to explain the shortfall (undo with
// the returned function).
func (p *problem) greedy(spread bool) (assignment, int, func()) {
	order := p.order(func(a, b int) int {
		va, vb := &p.w.vms[p.vms[a]], &p.w.vms[p.vms[b]]
		return cmp.Or(cmp.Compare(vb.MemoryReservationMB+vb.MemoryMB, va.MemoryReservationMB+va.MemoryMB),
			cmp.Compare(vb.CPUReservationMHz, va.CPUReservationMHz))
	})
	used := p.spreadState()
	chosen := p.emptyAssignment()
	undo := func() {
		for i, h := range chosen {
			if h >= 0 {
				p.unplace(i, h)
			}
		}
	}
	for _, i := range order {
		best, bestScore := -1, [2]int64{}
		for _, h := range p.cands[i] {
			if !p.fits(i, h) {
				continue
			}
			left := p.free[p.w.slot[h]].Memory - p.demand(p.vms[i], h).Memory
			if spread {
				left = -left // the host left with the most memory free
			}
			score := [2]int64{-p.spreadGain(used, i, h), left}
			if best < 0 || score[0] < bestScore[0] || (score[0] == bestScore[0] && score[1] < bestScore[1]) {
				best, bestScore = h, score
			}
		}
		if best < 0 {
			return nil, i, undo
		}
		chosen[i] = best
		p.place(i, best)
		p.markSpread(used, i, best)
	}
	undo()
	if !p.spreadOK(used) {
		return nil, -1, func() {}
	}
	return chosen, -1, func() {}
}

// exhaustive tries every assignment (VMs with the fewest candidates first)
// until one satisfies every constraint. It returns the assignment, or nil and
// whether the search was complete (nil and complete is a proof that none exists).
func (p *problem) exhaustive() (assignment, bool) {
	order := p.order(func(a, b int) int { return cmp.Compare(len(p.cands[a]), len(p.cands[b])) })
	used := p.spreadState()
	chosen := p.emptyAssignment()
	nodes, budget := 0, p.w.policy.budget()
	var dfs func(k int) bool
	dfs = func(k int) bool {
		if nodes++; nodes > budget {
			return false
		}
		if k == len(order) {
			return p.spreadOK(used)
		}
		i := order[k]
		for _, h := range p.cands[i] {
			if !p.fits(i, h) {
				continue
			}
			p.place(i, h)
			undo := p.markSpread(used, i, h)
			chosen[i] = h
			found := dfs(k + 1)
			undo()
			p.unplace(i, h)
			if found {
				return true
			}
			chosen[i] = -1
		}
		return false
	}
	if dfs(0) {
		return chosen, true
	}
	return nil, nodes <= budget
}

func (p *problem) order(by func(a, b int) int) []int {
	order := make([]int, len(p.vms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, by)
	return order
}

func (p *problem) emptyAssignment() assignment {
	a := make(assignment, len(p.vms))
	for i := range a {
		a[i] = -1
	}
	return a
}
