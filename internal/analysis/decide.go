package analysis

import (
	"fmt"
	"slices"
)

// decide finds a placement, certified, or proves there is none. verb says
// what the placement does ("restarts", "moves") in the reason.
func (w *world) decide(p *problem, sc *Scenario, verb string) {
	noun := map[string]string{"restarts": "to restart", "moves": "to move"}[verb]
	p.candidates()
	if reason := w.noCandidates(p, sc); reason != "" {
		sc.Verdict, sc.Reason = Unsafe, reason
		return
	}
	// An evacuation spreads the load, as DRS balances a cluster; when
	// spreading strands a VM, best fit (what a restart uses) may still place
	// everything, before the exhaustive search is needed.
	spread := p.purpose == evacuation
	chosen, stuck, undo := p.greedy(spread)
	if chosen == nil && spread {
		undo()
		chosen, stuck, undo = p.greedy(false)
	}
	if chosen != nil && p.certify(chosen) {
		w.accept(p, chosen, sc, "first-fit decreasing", verb)
		return
	}
	if stuck >= 0 {
		w.explainStuck(p, stuck, sc)
	}
	undo()
	if reason := w.capacityBound(p, sc, noun); reason != "" {
		sc.Verdict, sc.Reason = Unsafe, reason
		return
	}
	chosen, complete := p.exhaustive()
	switch {
	case chosen != nil && p.certify(chosen):
		sc.Shortfalls, sc.Refusals = []Shortfall{}, nil
		w.accept(p, chosen, sc, "exhaustive search", verb)
	case complete:
		sc.Verdict, sc.Reason = Unsafe, fmt.Sprintf("exhaustive search: no placement of the %d VM(s) fits the surviving hosts' capacity within the placement rules and keeps every business system's spread", len(p.vms))
	default:
		sc.Verdict, sc.Reason = Unproven, fmt.Sprintf("first-fit decreasing placed not every one of the %d VM(s), the capacity bounds do not rule a placement out, and exhaustive search stopped after %d steps", len(p.vms), w.policy.budget())
	}
}

func (w *world) accept(p *problem, chosen assignment, sc *Scenario, how, verb string) {
	for i, h := range chosen {
		sc.RestartPlacement[p.vmName(i)] = w.hosts[h].Name
	}
	sc.Verdict, sc.Reason = Safe, fmt.Sprintf("%s %s all %d VM(s) within capacity", how, verb, len(p.vms))
}

// noCandidates proves "unsafe" when some VM has no allowed host at all, and
// records why each host of its domain refused it.
func (w *world) noCandidates(p *problem, sc *Scenario) string {
	for i, c := range p.cands {
		if len(c) > 0 {
			continue
		}
		v := p.vms[i]
		refusals := p.refusals(v)
		sc.Refusals = append(sc.Refusals, refusals...)
		if len(refusals) == 0 {
			return fmt.Sprintf("VM %q has no host to go to from %q", p.vmName(i), w.vms[v].Host)
		}
		return fmt.Sprintf("VM %q has no eligible host: %s", p.vmName(i), joinRefusals(refusals))
	}
	return ""
}

// explainStuck records, for the VM the greedy search could not place, what
// each of its candidate hosts lacked at that point: capacity shortfalls and
// anti-affinity refusals.
func (w *world) explainStuck(p *problem, i int, sc *Scenario) {
	v := p.vms[i]
	for _, h := range p.domain(v) {
		if !slices.Contains(p.cands[i], h) && !p.isGone(h) {
			sc.Refusals = append(sc.Refusals, w.staticRefusals(p.purpose, v, h, p.gone...)...)
		}
	}
	for _, h := range p.cands[i] {
		k := w.slot[h]
		d := p.demand(v, h)
		for _, dim := range d.exceeds(p.free[k]) {
			sc.Shortfalls = append(sc.Shortfalls, Shortfall{Host: w.hosts[h].Name, VM: w.vms[v].Name, Dimension: dim,
				Requested: d.get(dim), Used: satSub(w.capacity[h].get(dim), p.free[k].get(dim)), Capacity: w.capacity[h].get(dim)})
		}
		if c := (antiAffinityChecker{}); !c.ok(p, v, h) {
			sc.Refusals = append(sc.Refusals, Refusal{VM: w.vms[v].Name, Host: w.hosts[h].Name, Checker: c.name(), Reason: c.why(p, v, h)})
		}
	}
}

// capacityBound proves "unsafe" when a VM fits on none of its hosts even
// empty of the others, or when the VMs together need more than all their
// hosts have free (in one dimension), or when a system's spread is out of reach.
func (w *world) capacityBound(p *problem, sc *Scenario, noun string) string {
	for i := range p.vms {
		if !slices.ContainsFunc(p.cands[i], func(h int) bool { return p.fits(i, h) }) {
			sc.Shortfalls, sc.Refusals = sc.Shortfalls[:0], nil
			w.explainStuck(p, i, sc)
			return fmt.Sprintf("VM %q fits on none of its %d eligible host(s)%s", p.vmName(i), len(p.cands[i]), antiAffinityNote(sc.Refusals))
		}
	}
	if reason := w.totalDemandBound(p, noun); reason != "" {
		return reason
	}
	return w.spreadBound(p)
}

// totalDemandBound: per dimension, the least each VM needs against all that
// its hosts have free. Sums saturate: a wrapped sum would invent a shortfall.
func (w *world) totalDemandBound(p *problem, noun string) string {
	for _, d := range []Dimension{CPU, Memory} {
		var need, have int64
		union := map[int]bool{}
		for i, v := range p.vms {
			small := int64(-1)
			for _, h := range p.cands[i] {
				union[h] = true
				if x := p.demand(v, h).get(d); small < 0 || x < small {
					small = x
				}
			}
			need = satAdd(need, small)
		}
		for h := range union {
			have = satAdd(have, max(0, p.free[w.slot[h]].get(d)))
		}
		if need > have {
			return fmt.Sprintf("the %d VM(s) %s need at least %d %s and their hosts have %d free", len(p.vms), noun, need, unit(d), have)
		}
	}
	return ""
}

func (w *world) spreadBound(p *problem) string {
	for _, s := range sortedKeys(keysOfInt(p.required)) {
		need := p.required[s]
		reach := map[int]bool{}
		for _, h := range p.fixed[s] {
			reach[h] = true
		}
		for i, v := range p.vms {
			if slices.Contains(w.systemsOf[v], s) {
				for _, h := range p.cands[i] {
					reach[h] = true
				}
			}
		}
		if len(reach) < need {
			return fmt.Sprintf("business system %q needs its VMs on %d hosts and only %d remain within reach", w.systemName(s), need, len(reach))
		}
	}
	return ""
}

// antiAffinityNote names the anti-affinity refusals, so a VM kept off hosts
// by a rule does not read as a capacity problem.
func antiAffinityNote(rs []Refusal) string {
	var anti []Refusal
	for _, r := range rs {
		if r.Checker == (antiAffinityChecker{}).name() {
			anti = append(anti, r)
		}
	}
	if len(anti) == 0 {
		return ""
	}
	return ": " + joinRefusals(anti)
}

func keysOfInt(m map[int]int) map[int]bool {
	out := make(map[int]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func unit(d Dimension) string {
	if d == CPU {
		return "MHz of CPU"
	}
	return "MiB of memory"
}
