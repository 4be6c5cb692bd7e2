package analysis

import (
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// problem is one placement: VMs to put on hosts, each only where the
// placement rule allows, keeping business systems spread over enough hosts.
// It owns the world's host scratch (slot) until release.
type problem struct {
	w       *world
	purpose purpose
	gone    []int // hosts failing or being emptied
	targets []int // migration: the hosts the user named
	vms     []int // VM ids to place; i indexes this slice

	freed map[int]Resources // demand of VMs that stop on hosts that stay up

	hosts []int       // local index → host id
	free  []Resources // per local host
	cands [][]int     // per i: host ids that pass the static checkers
	anti  map[int][]int32

	// spread: per system id, the hosts it keeps running on and how many it needs.
	fixed    map[int][]int
	required map[int]int
}

// newProblem indexes the hosts the VMs could go to and their free capacity;
// freed is demand of VMs that stop on hosts that stay up.
// For a migration, targets are the hosts the user named.
func (w *world) newProblem(why purpose, vms, gone []int, freed map[int]Resources, targets ...int) *problem {
	p := &problem{w: w, purpose: why, gone: gone, vms: vms, freed: freed, targets: targets,
		fixed: map[int][]int{}, required: map[int]int{}}
	for _, v := range vms {
		for _, h := range p.domain(v) {
			p.addHost(h, freed[h])
		}
	}
	p.indexAnti()
	return p
}

func (p *problem) addHost(h int, freed Resources) {
	if p.w.slot[h] >= 0 {
		return
	}
	p.w.slot[h] = int32(len(p.hosts))
	p.hosts = append(p.hosts, h)
	p.free = append(p.free, p.w.capacity[h].sub(p.w.load[h]).add(freed))
}

// release hands the world's scratch back; the problem is unusable afterwards.
func (p *problem) release() {
	for _, h := range p.hosts {
		p.w.slot[h] = -1
	}
	p.hosts = nil
}

// candidates computes, per VM, the hosts the static checkers allow.
func (p *problem) candidates() {
	p.cands = make([][]int, len(p.vms))
	hostOK := make([]bool, len(p.hosts))
	for k, h := range p.hosts {
		hostOK[k] = p.hostOK(h)
	}
	// VMs from one host with the same datastores and no VM-Host rule have
	// the same candidates: compute them once.
	type shape struct {
		src int
		ds  []int32
		c   []int
	}
	var seen []shape
	for i, v := range p.vms {
		plain := len(p.w.rules.hostRules[v]) == 0
		if plain {
			if j := slices.IndexFunc(seen, func(s shape) bool { return s.src == p.w.vmHost[v] && slices.Equal(s.ds, p.w.vmDS[v]) }); j >= 0 {
				p.cands[i] = seen[j].c
				continue
			}
		}
		for _, h := range p.domain(v) {
			if hostOK[p.w.slot[h]] && p.vmOKInDomain(v, h) {
				p.cands[i] = append(p.cands[i], h)
			}
		}
		if plain {
			seen = append(seen, shape{p.w.vmHost[v], p.w.vmDS[v], p.cands[i]})
		}
	}
}

func (p *problem) isGone(h int) bool { return slices.Contains(p.gone, h) }

// indexAnti counts, per anti-affinity rule of the VMs to place, its members
// already running on each host: those that stay where they are.
func (p *problem) indexAnti() {
	var moving map[int]bool
	for _, v := range p.vms {
		for _, r := range p.w.rules.antiOf[v] {
			if p.anti[r] != nil || !p.enforces(r) {
				continue
			}
			if moving == nil {
				moving = make(map[int]bool, len(p.vms))
				for _, m := range p.vms {
					moving[m] = true
				}
				p.anti = map[int][]int32{}
			}
			counts := make([]int32, len(p.hosts))
			for _, m := range p.w.rules.anti[r].members {
				hm := p.w.vmHost[m]
				if moving[m] || !p.w.vms[m].PoweredOn() || p.isGone(hm) {
					continue
				}
				if k := p.w.slot[hm]; k >= 0 {
					counts[k]++
				}
			}
			p.anti[r] = counts
		}
	}
}

func (p *problem) demand(v, h int) Resources { return p.w.demandOn(v, h) }

// demandOn is what VM v takes on host h: nothing while it is powered off,
// even on a full host.
func (w *world) demandOn(v, h int) Resources {
	if !w.hostClocked {
		return w.vmDemand[v]
	}
	if !w.vms[v].PoweredOn() {
		return Resources{}
	}
	return w.policy.Demand(w.vms[v], w.hosts[h])
}

// place puts VM i on host h in the search state; unplace undoes it.
func (p *problem) place(i, h int) {
	v, k := p.vms[i], p.w.slot[h]
	p.free[k] = p.free[k].sub(p.demand(v, h))
	for _, r := range p.w.rules.antiOf[v] {
		if c := p.anti[r]; c != nil {
			c[k]++
		}
	}
}

func (p *problem) unplace(i, h int) {
	v, k := p.vms[i], p.w.slot[h]
	p.free[k] = p.free[k].add(p.demand(v, h))
	for _, r := range p.w.rules.antiOf[v] {
		if c := p.anti[r]; c != nil {
			c[k]--
		}
	}
}

// fits runs the dynamic checkers: the static ones already chose the candidates.
func (p *problem) fits(i, h int) bool {
	v := p.vms[i]
	return capacityChecker{}.ok(p, v, h) && antiAffinityChecker{}.ok(p, v, h)
}

func (p *problem) vmName(i int) inventory.VMName { return p.w.vms[p.vms[i]].Name }
