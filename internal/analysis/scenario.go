package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Verdict is the outcome of a check.
type Verdict string

const (
	Safe     Verdict = "safe"     // a placement exists and was checked
	Unsafe   Verdict = "unsafe"   // proven: no placement exists
	Unproven Verdict = "unproven" // neither found nor ruled out
)

// Shortfall says why a VM does not fit on a host: the dimension, what the VM
// requests, what the host already carries and what it may carry.
type Shortfall struct {
	Host      inventory.HostName `json:"host"`
	VM        inventory.VMName   `json:"vm,omitempty"`
	Dimension Dimension          `json:"dimension"`
	Requested int64              `json:"requested"`
	Used      int64              `json:"used"`
	Capacity  int64              `json:"capacity"`
}

// SystemState is what a failure does to a business system, before HA restarts anything.
type SystemState string

const (
	Down           SystemState = "down"            // every running member is hit
	LostRedundancy SystemState = "lost_redundancy" // the survivors run on fewer than max(2, min_hosts) hosts
	Degraded       SystemState = "degraded"        // some members are hit
)

// SystemImpact is one business system hit by a scenario.
type SystemImpact struct {
	Name        inventory.SystemName  `json:"name"`
	Criticality inventory.Criticality `json:"criticality,omitempty"`
	State       SystemState           `json:"state"`
	HitVMs      []inventory.VMName    `json:"hit_vms,omitempty"`
	HitHosts    []inventory.HostName  `json:"hit_hosts,omitempty"`
}

// Scenario is the result of failing a set of hosts and datastores.
type Scenario struct {
	FailedHosts      []inventory.HostName      `json:"failed_hosts"`
	FailedDatastores []inventory.DatastoreName `json:"failed_datastores"`
	Verdict          Verdict                   `json:"verdict"`
	Reason           string                    `json:"reason"`
	// RestartPlacement maps each VM that restarts to its new host.
	RestartPlacement        map[inventory.VMName]inventory.HostName `json:"restart_placement"`
	Shortfalls              []Shortfall                             `json:"shortfalls"`
	AffectedVMs             []inventory.VMName                      `json:"affected_vms"`
	AffectedBusinessSystems []SystemImpact                          `json:"affected_business_systems"`
}

// Failure names what fails in a scenario.
type Failure struct {
	Hosts      []inventory.HostName
	Datastores []inventory.DatastoreName
}

// Fail analyses one failure: which VMs go down, where HA (or a standby group)
// restarts them, and the verdict.
func Fail(s *inventory.Snapshot, p Policy, f Failure) Scenario {
	return newWorld(s, p).fail(f)
}

func (w *world) fail(f Failure) Scenario {
	sc := Scenario{FailedHosts: sorted(f.Hosts), FailedDatastores: sorted(f.Datastores),
		RestartPlacement: map[inventory.VMName]inventory.HostName{}, Shortfalls: []Shortfall{},
		AffectedVMs: []inventory.VMName{}, AffectedBusinessSystems: []SystemImpact{}}
	if bad := w.unknown(f.Hosts, f.Datastores); bad != "" {
		sc.Verdict, sc.Reason = Unproven, bad
		return sc
	}
	failedHost := map[int]bool{}
	for _, h := range f.Hosts {
		failedHost[w.hostIdx[h]] = true
	}
	failedDS := map[inventory.DatastoreName]bool{}
	for _, d := range f.Datastores {
		failedDS[d] = true
	}
	restart, lost, freed := w.hit(failedHost, failedDS, &sc)
	sc.AffectedBusinessSystems = w.impacts(sc.AffectedVMs, failedHost, failedDS)
	if len(lost) > 0 {
		sc.Verdict = Unsafe
		sc.Reason = strings.Join(lost, "; ")
		return sc
	}
	if len(restart) == 0 {
		sc.Verdict, sc.Reason = Safe, "no powered-on VM is affected"
		return sc
	}
	p := w.problem(restart, failedHost, failedDS, freed)
	w.decide(p, &sc)
	return sc
}

// hit collects the powered-on VMs a failure takes down: those to restart, and
// why any cannot be restarted at all (storage gone, no HA). It touches only
// the failed hosts and datastores, so a scenario costs what it affects.
func (w *world) hit(failedHost map[int]bool, failedDS map[inventory.DatastoreName]bool, sc *Scenario) ([]inventory.VM, []string, map[int]Resources) {
	var restart []inventory.VM
	var lost []string
	freed := map[int]Resources{} // demand of VMs down on hosts that survive
	for _, i := range sortedKeys(failedHost) {
		for _, v := range w.running[i] {
			sc.AffectedVMs = append(sc.AffectedVMs, v.Name)
			switch d := firstFailed(v.Datastores, failedDS); {
			case d != "":
				lost = append(lost, fmt.Sprintf("VM %q cannot restart: its datastore %q failed", v.Name, d))
			case len(w.peers[w.hosts[i].Name]) == 0:
				lost = append(lost, fmt.Sprintf("VM %q cannot restart: host %q is in no cluster or standby group", v.Name, w.hosts[i].Name))
			default:
				restart = append(restart, v)
			}
		}
	}
	seen := map[inventory.VMName]bool{}
	for d := range failedDS {
		for _, v := range w.snap.VMsOnDatastore(d) {
			i := w.hostIdx[v.Host]
			if !v.PoweredOn() || failedHost[i] || seen[v.Name] {
				continue
			}
			seen[v.Name] = true
			sc.AffectedVMs = append(sc.AffectedVMs, v.Name)
			lost = append(lost, fmt.Sprintf("VM %q cannot restart: its datastore %q failed", v.Name, firstFailed(v.Datastores, failedDS)))
			freed[i] = freed[i].add(w.policy.Demand(v, w.hosts[i]))
		}
	}
	// A server that is itself a business-system member (a physical database
	// server, say) and that nothing takes over leaves its systems down.
	for _, i := range sortedKeys(failedHost) {
		name := w.hosts[i].Name
		if systems := w.snap.SystemsOfHost(name); len(systems) > 0 && len(w.peers[name]) == 0 {
			lost = append(lost, fmt.Sprintf("server %q of business system(s) %s fails and nothing takes over: it is in no cluster or standby group", name, joinNames(systems)))
		}
	}
	slices.Sort(sc.AffectedVMs)
	slices.Sort(lost)
	return restart, lost, freed
}

func firstFailed(ds []inventory.DatastoreName, failed map[inventory.DatastoreName]bool) inventory.DatastoreName {
	for _, d := range ds {
		if failed[d] {
			return d
		}
	}
	return ""
}

// problem builds the restart placement for the VMs of failed hosts: eligible
// are the available, surviving peers of their host that mount their datastores.
func (w *world) problem(vms []inventory.VM, failedHost map[int]bool, failedDS map[inventory.DatastoreName]bool, freed map[int]Resources) *placement {
	p := &placement{w: w, vms: vms, cands: make([][]int, len(vms)), free: map[int]Resources{},
		fixed: map[inventory.SystemName]map[int]bool{}, required: map[inventory.SystemName]int{}}
	for i, v := range vms {
		for _, h := range w.peers[v.Host] {
			if failedHost[h] || !w.hosts[h].Available() || !w.mountsAll(h, v) {
				continue
			}
			p.cands[i] = append(p.cands[i], h)
			if _, ok := p.free[h]; !ok {
				p.free[h] = w.capacity[h].sub(w.load[h]).add(freed[h])
			}
		}
	}
	w.spreadNeeds(p, failedHost, failedDS)
	return p
}

// spreadNeeds: a system with min_hosts n whose VMs restart must end up on at
// least as many hosts as it ran on before, up to n.
func (w *world) spreadNeeds(p *placement, failedHost map[int]bool, failedDS map[inventory.DatastoreName]bool) {
	moving := map[inventory.SystemName]bool{}
	for _, v := range p.vms {
		for _, s := range w.systemsOf[v.Name] {
			moving[s] = true
		}
	}
	for s := range moving {
		b, _ := w.snap.BusinessSystem(s)
		before, after := map[int]bool{}, map[int]bool{}
		for _, name := range b.VMs {
			v, _ := w.snap.VM(name)
			if !v.PoweredOn() {
				continue
			}
			h := w.hostIdx[v.Host]
			before[h] = true
			if !failedHost[h] && firstFailed(v.Datastores, failedDS) == "" {
				after[h] = true
			}
		}
		for _, name := range b.Hosts {
			h := w.hostIdx[name]
			if w.hosts[h].Available() {
				before[h] = true
				if !failedHost[h] {
					after[h] = true
				}
			}
		}
		p.fixed[s] = after
		p.required[s] = min(w.minHosts[s], len(before))
	}
}

// decide finds a placement or proves there is none.
func (w *world) decide(p *placement, sc *Scenario) {
	if reason := w.noCandidates(p, sc); reason != "" {
		sc.Verdict, sc.Reason = Unsafe, reason
		return
	}
	chosen, stuck, free := p.greedy()
	if chosen != nil && p.valid(chosen) {
		w.accept(p, chosen, sc, "first-fit decreasing")
		return
	}
	if stuck >= 0 {
		w.shortfalls(p, stuck, free, sc)
	}
	if reason := w.capacityBound(p, sc); reason != "" {
		sc.Verdict, sc.Reason = Unsafe, reason
		return
	}
	chosen, complete := p.exhaustive()
	switch {
	case chosen != nil && p.valid(chosen):
		sc.Shortfalls = []Shortfall{}
		w.accept(p, chosen, sc, "exhaustive search")
	case complete:
		sc.Verdict, sc.Reason = Unsafe, fmt.Sprintf("exhaustive search: no placement of the %d VM(s) fits the surviving hosts' capacity and keeps every business system's spread", len(p.vms))
	default:
		sc.Verdict, sc.Reason = Unproven, fmt.Sprintf("first-fit decreasing placed not every one of the %d VM(s), the capacity bounds do not rule a placement out, and exhaustive search stopped after %d steps", len(p.vms), w.policy.budget())
	}
}

func (w *world) accept(p *placement, chosen map[int]int, sc *Scenario, how string) {
	for i, h := range chosen {
		sc.RestartPlacement[p.vms[i].Name] = w.hosts[h].Name
	}
	sc.Verdict, sc.Reason = Safe, fmt.Sprintf("%s restarts all %d VM(s) within capacity", how, len(p.vms))
}

// noCandidates proves "unsafe" when some VM has no eligible host at all.
func (w *world) noCandidates(p *placement, sc *Scenario) string {
	for i, c := range p.cands {
		if len(c) == 0 {
			return fmt.Sprintf("VM %q has no surviving, available host that mounts its datastores among the peers of %q", p.vms[i].Name, p.vms[i].Host)
		}
	}
	return ""
}

// capacityBound proves "unsafe" when a VM fits on none of its hosts even
// empty of the others, or when the VMs together need more than all their
// hosts have free (in one dimension), or when a system's spread is out of reach.
func (w *world) capacityBound(p *placement, sc *Scenario) string {
	for i, v := range p.vms {
		fitsSomewhere := false
		for _, h := range p.cands[i] {
			if len(p.demand(v, h).exceeds(p.free[h])) == 0 {
				fitsSomewhere = true
			}
		}
		if !fitsSomewhere {
			sc.Shortfalls = sc.Shortfalls[:0]
			w.shortfalls(p, i, p.free, sc)
			return fmt.Sprintf("VM %q fits on none of its %d eligible host(s)", v.Name, len(p.cands[i]))
		}
	}
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
			need += small
		}
		for h := range union {
			have += max(0, p.free[h].get(d))
		}
		if need > have {
			return fmt.Sprintf("the %d VM(s) to restart need at least %d %s and their hosts have %d free", len(p.vms), need, unit(d), have)
		}
	}
	for _, s := range sortedSystems(p.required) {
		need := p.required[s]
		reach := map[int]bool{}
		for h := range p.fixed[s] {
			reach[h] = true
		}
		for i, v := range p.vms {
			if slices.Contains(w.systemsOf[v.Name], s) {
				for _, h := range p.cands[i] {
					reach[h] = true
				}
			}
		}
		if len(reach) < need {
			return fmt.Sprintf("business system %q needs its VMs on %d hosts and only %d remain within reach", s, need, len(reach))
		}
	}
	return ""
}

// shortfalls explains what each eligible host lacks for VM i, given the free
// capacity at the point the VM could not be placed.
func (w *world) shortfalls(p *placement, i int, free map[int]Resources, sc *Scenario) {
	v := p.vms[i]
	for _, h := range p.cands[i] {
		d := p.demand(v, h)
		for _, dim := range d.exceeds(free[h]) {
			used := w.capacity[h].get(dim) - free[h].get(dim)
			sc.Shortfalls = append(sc.Shortfalls, Shortfall{Host: w.hosts[h].Name, VM: v.Name, Dimension: dim,
				Requested: d.get(dim), Used: used, Capacity: w.capacity[h].get(dim)})
		}
	}
}

func unit(d Dimension) string {
	if d == CPU {
		return "MHz of CPU"
	}
	return "MiB of memory"
}

// impacts says what the failure does to each business system before any
// restart. Only systems with a member among the affected VMs or failed hosts are looked at.
func (w *world) impacts(affected []inventory.VMName, failedHost map[int]bool, failedDS map[inventory.DatastoreName]bool) []SystemImpact {
	touched := map[inventory.SystemName]bool{}
	for _, v := range affected {
		for _, s := range w.snap.SystemsOfVM(v) {
			touched[s] = true
		}
	}
	for i := range failedHost {
		for _, s := range w.snap.SystemsOfHost(w.hosts[i].Name) {
			touched[s] = true
		}
	}
	names := make([]inventory.SystemName, 0, len(touched))
	for s := range touched {
		names = append(names, s)
	}
	slices.Sort(names)
	out := []SystemImpact{}
	for _, name := range names {
		b, _ := w.snap.BusinessSystem(name)
		if imp, hit := w.impact(b, failedHost, failedDS); hit {
			out = append(out, imp)
		}
	}
	return out
}

func (w *world) impact(b inventory.BusinessSystem, failedHost map[int]bool, failedDS map[inventory.DatastoreName]bool) (SystemImpact, bool) {
	imp := SystemImpact{Name: b.Name, Criticality: b.Criticality}
	survivors, members := map[int]bool{}, 0
	for _, name := range b.VMs {
		v, _ := w.snap.VM(name)
		if !v.PoweredOn() {
			continue
		}
		members++
		h := w.hostIdx[v.Host]
		if failedHost[h] || firstFailed(v.Datastores, failedDS) != "" {
			imp.HitVMs = append(imp.HitVMs, name)
		} else {
			survivors[h] = true
		}
	}
	for _, name := range b.Hosts {
		h := w.hostIdx[name]
		if !w.hosts[h].Available() {
			continue
		}
		members++
		if failedHost[h] {
			imp.HitHosts = append(imp.HitHosts, name)
		} else {
			survivors[h] = true
		}
	}
	hit := len(imp.HitVMs) + len(imp.HitHosts)
	switch {
	case hit == 0:
		return imp, false
	case hit == members:
		imp.State = Down
	case len(survivors) < max(2, b.MinHosts):
		imp.State = LostRedundancy
	default:
		imp.State = Degraded
	}
	return imp, true
}

func sorted[T ~string](in []T) []T {
	out := slices.Clone(in)
	if out == nil {
		out = []T{}
	}
	slices.Sort(out)
	return out
}

func sortedSystems(m map[inventory.SystemName]int) []inventory.SystemName {
	out := make([]inventory.SystemName, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
