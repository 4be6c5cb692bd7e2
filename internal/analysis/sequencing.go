package analysis

import (
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Move is one VM migration.
type Move struct {
	VM   inventory.VMName   `json:"vm"`
	From inventory.HostName `json:"from"`
	To   inventory.HostName `json:"to"`
	// Parking is set when the move only makes room: the VM goes on later.
	Parking bool `json:"parking,omitempty"`
}

// Sequence is an ordered migration plan.
type Sequence struct {
	Verdict Verdict  `json:"verdict"`
	Reason  string   `json:"reason"`
	Waves   [][]Move `json:"waves"`
	// Shortfalls prove an unsafe verdict when the desired layout itself puts
	// more on a host than it may carry: requested is what moves in, used what stays.
	Shortfalls []Shortfall `json:"shortfalls,omitempty"`
	// Refusals say why the placement rule refuses a desired target.
	Refusals []Refusal `json:"refusals,omitempty"`
}

// SequenceMoves turns the current layout into the desired one (VM → host) in
// waves. The moves of a wave run together, so a wave only counts capacity that
// is free before it starts: no host is over capacity at any step. When the
// remaining moves block each other (a cycle), one VM is parked on a host that
// has room for it and is not a target, and moves on in a later wave.
func SequenceMoves(s *inventory.Snapshot, p Policy, desired map[inventory.VMName]inventory.HostName) Sequence {
	w := newWorld(s, p)
	free := make([]Resources, len(w.hosts))
	for i := range w.hosts {
		free[i] = w.capacity[i].sub(w.load[i])
	}
	where := map[inventory.VMName]int{}
	var pending []inventory.VMName
	for vm, to := range desired {
		v, ok := s.VM(vm)
		if !ok {
			return Sequence{Verdict: Unsafe, Reason: fmt.Sprintf("unknown VM %q", vm), Waves: [][]Move{}}
		}
		if _, ok := w.hostIdx[to]; !ok {
			return Sequence{Verdict: Unsafe, Reason: fmt.Sprintf("VM %q: unknown host %q", vm, to), Waves: [][]Move{}}
		}
		where[vm] = w.hostIdx[v.Host]
		if v.Host != to {
			pending = append(pending, vm)
		}
	}
	slices.Sort(pending)
	for _, vm := range pending {
		// The placement rule's static checkers: available, not a dedicated
		// failover host, datastores mounted, required VM-Host rules kept.
		if r := w.staticRefusals(migration, w.vmIdx[vm], w.hostIdx[desired[vm]]); len(r) > 0 {
			return Sequence{Verdict: Unsafe, Waves: [][]Move{}, Refusals: r, Reason: fmt.Sprintf("VM %q: host %q %s", vm, desired[vm], joinReasons(r))}
		}
	}
	if sf := w.finalShortfalls(desired, where); len(sf) > 0 {
		return Sequence{Verdict: Unsafe, Waves: [][]Move{}, Shortfalls: sf,
			Reason: "the desired layout itself puts more on a host than it may carry, so no order of moves reaches it"}
	}
	seq := Sequence{Waves: [][]Move{}}
	for len(pending) > 0 {
		if len(seq.Waves) > 2*len(desired)+1 {
			seq.Verdict, seq.Reason = Unproven, fmt.Sprintf("parking did not untangle %d move(s) within %d waves: %v", len(pending), len(seq.Waves), pending)
			return seq
		}
		wave, rest := w.wave(pending, desired, where, free)
		if len(wave) == 0 {
			park, ok := w.park(rest, desired, where, free)
			if !ok {
				seq.Verdict = Unproven
				seq.Reason = fmt.Sprintf("%d move(s) block each other and no host outside their targets has room to park one of them: %v", len(rest), rest)
				return seq
			}
			wave = []Move{park}
		}
		seq.Waves = append(seq.Waves, wave)
		pending = rest
	}
	seq.Verdict, seq.Reason = Safe, fmt.Sprintf("%d wave(s); no host exceeds its capacity at any step", len(seq.Waves))
	return seq
}

// wave picks every pending move whose target has room now, reserving it on the
// target; the source's capacity is released only after the wave.
func (w *world) wave(pending []inventory.VMName, desired map[inventory.VMName]inventory.HostName, where map[inventory.VMName]int, free []Resources) ([]Move, []inventory.VMName) {
	var moves []Move
	var rest []inventory.VMName
	var released []func()
	for _, vm := range pending {
		v, _ := w.snap.VM(vm)
		from, to := where[vm], w.hostIdx[desired[vm]]
		d := w.demandOf(v, to)
		if v.PoweredOn() && !d.fits(free[to]) { // a powered-off VM adds nothing, even to a full host
			rest = append(rest, vm)
			continue
		}
		free[to] = free[to].sub(d)
		src := w.demandOf(v, from)
		released = append(released, func() { free[from] = free[from].add(src) })
		moves = append(moves, Move{VM: vm, From: w.hosts[from].Name, To: w.hosts[to].Name})
		where[vm] = to
	}
	for _, r := range released {
		r()
	}
	return moves, rest
}

// park moves one blocked VM to a host that is no pending move's target and has room.
func (w *world) park(blocked []inventory.VMName, desired map[inventory.VMName]inventory.HostName, where map[inventory.VMName]int, free []Resources) (Move, bool) {
	targets := map[int]bool{}
	for _, vm := range blocked {
		targets[w.hostIdx[desired[vm]]] = true
	}
	for _, vm := range blocked {
		v, _ := w.snap.VM(vm)
		from := where[vm]
		for _, h := range w.moveDomain(from) {
			if h == from || targets[h] || len(w.staticRefusals(evacuation, w.vmIdx[vm], h, from)) > 0 || w.parksNextToRival(vm, h, where) {
				continue
			}
			d := w.demandOf(v, h)
			if len(d.exceeds(free[h])) > 0 {
				continue
			}
			free[h] = free[h].sub(d)
			free[from] = free[from].add(w.demandOf(v, from))
			where[vm] = h
			return Move{VM: vm, From: w.hosts[from].Name, To: w.hosts[h].Name, Parking: true}, true
		}
	}
	return Move{}, false
}

// parksNextToRival reports whether host h runs (now, mid-sequence) a
// powered-on VM that shares an enabled anti-affinity rule with vm: a parking
// host is the analysis's own choice, and DRS would not choose it either.
func (w *world) parksNextToRival(vm inventory.VMName, h int, where map[inventory.VMName]int) bool {
	v := w.vmIdx[vm]
	for _, r := range w.rules.antiOf[v] {
		for _, m := range w.rules.anti[r].members {
			if m == v || !w.vms[m].PoweredOn() {
				continue
			}
			at, moving := where[w.vms[m].Name]
			if !moving {
				at = w.vmHost[m]
			}
			if at == h {
				return true
			}
		}
	}
	return false
}

// demandOf is what a VM takes on a host: nothing while it is powered off.
func (w *world) demandOf(v inventory.VM, h int) Resources {
	if !v.PoweredOn() {
		return Resources{}
	}
	return w.policy.Demand(v, w.hosts[h])
}

// finalShortfalls: for every host the desired layout moves powered-on VMs
// onto, what stays and what arrives, where that exceeds the host's capacity
// in a dimension — also when the arrivals ask nothing of it but the host is
// over already: no step may put a running VM on an overloaded host, as the
// placement rule's capacity checker refuses it.
func (w *world) finalShortfalls(desired map[inventory.VMName]inventory.HostName, where map[inventory.VMName]int) []Shortfall {
	stays := map[int]Resources{}
	arrives := map[int]Resources{}
	for vm, to := range desired {
		v, _ := w.snap.VM(vm)
		from, t := where[vm], w.hostIdx[to]
		if from == t || !v.PoweredOn() {
			continue
		}
		stays[from] = stays[from].sub(w.demandOf(v, from))
		arrives[t] = arrives[t].add(w.demandOf(v, t))
	}
	var out []Shortfall
	for _, h := range sortedKeys(keysOf(arrives)) {
		used := w.load[h].add(stays[h])
		for _, d := range []Dimension{CPU, Memory} {
			if req := arrives[h].get(d); satAdd(used.get(d), req) > w.capacity[h].get(d) {
				out = append(out, Shortfall{Host: w.hosts[h].Name, Dimension: d, Requested: req, Used: used.get(d), Capacity: w.capacity[h].get(d)})
			}
		}
	}
	return out
}

func keysOf(m map[int]Resources) map[int]bool {
	out := make(map[int]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
