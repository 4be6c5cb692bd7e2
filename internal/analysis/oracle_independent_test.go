package analysis_test

// A second oracle, independent of the package's arithmetic (exact rationals
// for overcommit and headroom instead of Policy.Capacity/Demand), over a wider
// generator than oracle_test.go: several clusters, standalone servers,
// datastore failures, hosts disconnected / not responding / in maintenance,
// dedicated failover hosts, every demand basis, physical business-system
// members; and maintenance evacuations as well as failures.

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

type rev struct {
	s        *inventory.Snapshot
	p        analysis.Policy
	fh       map[inventory.HostName]bool
	fd       map[inventory.DatastoreName]bool
	restart  []inventory.VM
	lost     []inventory.VMName
	affected []inventory.VMName
	free     map[inventory.HostName][2]int64
	capa     map[inventory.HostName][2]int64
	evacuate bool // targets exclude dedicated failover hosts
}

// exactCap is floor(x × overcommit × (100 − headroom) / 100) in exact arithmetic.
func exactCap(x int64, over, headroom float64) int64 {
	r := new(big.Rat).SetInt64(x)
	r.Mul(r, new(big.Rat).SetFloat64(over))
	r.Mul(r, new(big.Rat).Sub(big.NewRat(1, 1), new(big.Rat).Quo(new(big.Rat).SetFloat64(headroom), big.NewRat(100, 1))))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	return q.Int64()
}

func revDemand(p analysis.Policy, v inventory.VM, on inventory.Host) [2]int64 {
	switch p.Basis {
	case analysis.BasisConfigured:
		return [2]int64{int64(v.VCPU) * on.CPUMHzPerCore, v.MemoryMB + v.MemoryOverheadMB}
	case analysis.BasisUsage:
		return [2]int64{v.CPUUsageMHz, v.MemoryUsageMB}
	}
	return [2]int64{v.CPUReservationMHz, v.MemoryReservationMB + v.MemoryOverheadMB}
}

func avail(h inventory.Host) bool { return h.Connection == inventory.Connected && !h.Maintenance }

func newRev(s *inventory.Snapshot, p analysis.Policy, hosts []inventory.HostName, dss []inventory.DatastoreName) *rev {
	o := &rev{s: s, p: p, fh: map[inventory.HostName]bool{}, fd: map[inventory.DatastoreName]bool{},
		free: map[inventory.HostName][2]int64{}, capa: map[inventory.HostName][2]int64{}}
	for _, h := range hosts {
		o.fh[h] = true
	}
	for _, d := range dss {
		o.fd[d] = true
	}
	for _, h := range s.Hosts() {
		var c [2]int64
		if avail(h) {
			c = [2]int64{exactCap(int64(h.CPUCores)*h.CPUMHzPerCore, p.CPUOvercommit, p.HeadroomPercent), exactCap(h.MemoryMB, p.MemoryOvercommit, p.HeadroomPercent)}
		}
		o.capa[h.Name] = c
		f := c
		vms := s.VMsOn(h.Name)
		if p.Basis == analysis.BasisUsage && len(vms) == 0 {
			f[0] -= h.CPUUsageMHz
			f[1] -= h.MemoryUsageMB
		}
		for _, v := range vms {
			if v.Power != inventory.PoweredOn {
				continue
			}
			onDead := false
			for _, d := range v.Datastores {
				onDead = onDead || o.fd[d]
			}
			if onDead || o.fh[h.Name] {
				o.affected = append(o.affected, v.Name)
			}
			switch {
			case onDead:
				o.lost = append(o.lost, v.Name) // gone for good; frees its host
			case o.fh[h.Name]:
				o.restart = append(o.restart, v)
			default:
				d := revDemand(p, v, h)
				f[0] -= d[0]
				f[1] -= d[1]
			}
		}
		o.free[h.Name] = f
	}
	// A failed server that is a business-system member, outside any cluster
	// (the generator makes no standby groups), is down for good.
	for _, b := range s.BusinessSystems() {
		for _, n := range b.Hosts {
			if h, _ := s.Host(n); o.fh[n] && h.Cluster == "" {
				o.lost = append(o.lost, inventory.VMName("server "+string(n)))
			}
		}
	}
	slices.Sort(o.affected)
	return o
}

func (o *rev) target(v inventory.VM, to inventory.HostName) bool {
	from, _ := o.s.Host(v.Host)
	h, ok := o.s.Host(to)
	if !ok || o.fh[to] || !avail(h) || from.Cluster == "" || h.Cluster != from.Cluster {
		return false
	}
	if c, _ := o.s.Cluster(h.Cluster); o.evacuate && c.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts && slices.Contains(c.HA.AdmissionControl.FailoverHosts, to) {
		return false
	}
	for _, d := range v.Datastores {
		if !slices.Contains(h.Datastores, d) {
			return false
		}
	}
	return true
}

func (o *rev) spreadOK(place map[inventory.VMName]inventory.HostName) bool {
	for _, b := range o.s.BusinessSystems() {
		if b.MinHosts == 0 {
			continue
		}
		before, after, moving := map[inventory.HostName]bool{}, map[inventory.HostName]bool{}, false
		for _, n := range b.VMs {
			v, _ := o.s.VM(n)
			if v.Power != inventory.PoweredOn {
				continue
			}
			before[v.Host] = true
			if to, ok := place[n]; ok {
				after[to], moving = true, true
			} else if !o.fh[v.Host] {
				after[v.Host] = true
			}
		}
		for _, n := range b.Hosts {
			if h, _ := o.s.Host(n); avail(h) {
				before[n] = true
				if !o.fh[n] {
					after[n] = true
				}
			}
		}
		if moving && len(after) < min(b.MinHosts, len(before)) {
			return false
		}
	}
	return true
}

func (o *rev) valid(place map[inventory.VMName]inventory.HostName) string {
	if len(place) != len(o.restart) {
		return fmt.Sprintf("placement has %d VMs, %d to restart", len(place), len(o.restart))
	}
	free := map[inventory.HostName][2]int64{}
	for k, v := range o.free {
		free[k] = v
	}
	for _, v := range o.restart {
		to, ok := place[v.Name]
		if !ok || !o.target(v, to) {
			return fmt.Sprintf("VM %s: bad target %q", v.Name, to)
		}
		h, _ := o.s.Host(to)
		d := revDemand(o.p, v, h)
		f := free[to]
		f[0] -= d[0]
		f[1] -= d[1]
		if f[0] < 0 || f[1] < 0 {
			return fmt.Sprintf("VM %s on %s: over capacity (free after %v, capacity %v)", v.Name, to, f, o.capa[to])
		}
		free[to] = f
	}
	if !o.spreadOK(place) {
		return "spread"
	}
	return ""
}

func (o *rev) search() bool {
	if len(o.lost) > 0 {
		return false
	}
	place := map[inventory.VMName]inventory.HostName{}
	free := map[inventory.HostName][2]int64{}
	for k, v := range o.free {
		free[k] = v
	}
	var rec func(i int) bool
	rec = func(i int) bool {
		if i == len(o.restart) {
			return o.spreadOK(place)
		}
		v := o.restart[i]
		for _, h := range o.s.Hosts() {
			if !o.target(v, h.Name) {
				continue
			}
			d := revDemand(o.p, v, h)
			f := free[h.Name]
			if f[0]-d[0] < 0 || f[1]-d[1] < 0 {
				continue
			}
			free[h.Name] = [2]int64{f[0] - d[0], f[1] - d[1]}
			place[v.Name] = h.Name
			if rec(i + 1) {
				return true
			}
			delete(place, v.Name)
			free[h.Name] = f
		}
		return false
	}
	return rec(0)
}

func revEstate(r *rand.Rand) inventory.Estate {
	var e inventory.Estate
	e.Datastores = []inventory.Datastore{{Name: "shared", CapacityMB: 10}}
	policies := []inventory.AdmissionControl{{Policy: inventory.PolicySlot, HostFailures: 1}, {Policy: inventory.PolicyPercentage, CPUPercent: 25, MemoryPercent: 25}, {Policy: inventory.PolicyDisabled}}
	for c := range 1 + r.IntN(2) {
		cn := inventory.ClusterName(fmt.Sprintf("c%d", c))
		e.Clusters = append(e.Clusters, inventory.Cluster{Name: cn, HA: inventory.HAConfig{Enabled: true, AdmissionControl: policies[r.IntN(len(policies))]}})
		for i := range 2 + r.IntN(3) {
			hn := inventory.HostName(fmt.Sprintf("%s-h%d", cn, i))
			local := inventory.DatastoreName("local-" + string(hn))
			e.Datastores = append(e.Datastores, inventory.Datastore{Name: local, CapacityMB: 10})
			h := inventory.Host{Name: hn, Cluster: cn, CPUCores: 1 + r.IntN(4), CPUMHzPerCore: int64(1000 * (1 + r.IntN(3))),
				MemoryMB: int64(1000 * (1 + r.IntN(8))), Connection: inventory.Connected, Datastores: []inventory.DatastoreName{local}}
			if r.IntN(5) > 0 {
				h.Datastores = append(h.Datastores, "shared")
			}
			switch r.IntN(12) {
			case 0:
				h.Maintenance = true
			case 1:
				h.Connection = inventory.NotResponding
			case 2:
				h.Connection = inventory.Disconnected
			}
			h.CPUUsageMHz, h.MemoryUsageMB = int64(r.IntN(3000)), int64(r.IntN(3000))
			e.Hosts = append(e.Hosts, h)
		}
		if r.IntN(4) == 0 {
			last := &e.Clusters[len(e.Clusters)-1].HA.AdmissionControl
			*last = inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, FailoverHosts: []inventory.HostName{e.Hosts[len(e.Hosts)-1].Name}}
		}
	}
	if r.IntN(3) == 0 {
		e.Hosts = append(e.Hosts, inventory.Host{Name: "solo", CPUCores: 2, CPUMHzPerCore: 2000, MemoryMB: 4000, Connection: inventory.Connected, Kind: inventory.KindPhysical})
	}
	var sys []inventory.VMName
	for i := range r.IntN(8) {
		h := e.Hosts[r.IntN(len(e.Hosts))]
		mem := int64(250 * r.IntN(12))
		v := inventory.VM{Name: inventory.VMName(fmt.Sprintf("v%d", i)), Host: h.Name, Power: inventory.PoweredOn, VCPU: 1 + r.IntN(3),
			MemoryMB: mem + int64(250*r.IntN(4)), CPUReservationMHz: int64(250 * r.IntN(10)), MemoryReservationMB: mem,
			MemoryOverheadMB: int64(20 * r.IntN(3)), CPUUsageMHz: int64(r.IntN(3000)), MemoryUsageMB: int64(r.IntN(3000))}
		if len(h.Datastores) > 0 {
			v.Datastores = []inventory.DatastoreName{h.Datastores[r.IntN(len(h.Datastores))]}
		}
		switch r.IntN(8) {
		case 0:
			v.Power = inventory.PoweredOff
		case 1:
			v.Power = inventory.Suspended
		}
		if r.IntN(2) == 0 {
			sys = append(sys, v.Name)
		}
		e.VMs = append(e.VMs, v)
	}
	if len(sys) > 0 {
		b := inventory.BusinessSystem{Name: "sys", VMs: sys, MinHosts: r.IntN(4)}
		if r.IntN(3) == 0 {
			b.Hosts = []inventory.HostName{e.Hosts[r.IntN(len(e.Hosts))].Name}
		}
		e.BusinessSystems = []inventory.BusinessSystem{b}
	}
	return e
}

// TestUnprovenShareWithASmallSearchBudget measures how conservative "unproven"
// is. With the default budget small estates never run out of search (0
// unproven), so the search is cut to one step: every scenario that first-fit
// decreasing and the bounds leave open comes out unproven, and the oracle
// tries each. Both generators (oracle_test.go's and this file's) are used.
func TestUnprovenShareWithASmallSearchBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(44, 9))
	counts := map[analysis.Verdict]int{}
	placeable := 0
	for n := 0; n < 6000; n++ {
		s := randomEstate(r)
		if n%2 == 1 {
			s = inventory.MustNew(revEstate(r))
		}
		p := analysis.Policy{Basis: analysis.Bases[r.IntN(2)], CPUOvercommit: 1, MemoryOvercommit: 1, Tolerate: 2, SearchBudget: 1}
		for _, sc := range analysis.HostFailures(s, p) {
			counts[sc.Verdict]++
			o := newRev(s, p, sc.FailedHosts, sc.FailedDatastores)
			switch found := o.search(); {
			case sc.Verdict == analysis.Safe && o.valid(sc.RestartPlacement) != "":
				t.Errorf("estate %d: safe with an invalid placement", n)
			case sc.Verdict == analysis.Unsafe && found:
				t.Errorf("estate %d: unsafe (%s) but placeable", n, sc.Reason)
			case sc.Verdict == analysis.Unproven && found:
				placeable++
			}
		}
	}
	if counts[analysis.Unproven] == 0 {
		t.Fatalf("a 1-step budget left nothing unproven: %v", counts)
	}
	t.Logf("search budget 1: %v; the oracle placed %d of the %d unproven (%.0f%%)", counts, placeable, counts[analysis.Unproven], 100*float64(placeable)/float64(counts[analysis.Unproven]))
}

func TestVerdictsAgainstIndependentOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	counts := map[analysis.Verdict]int{}
	unprovenPlaceable, bad := 0, 0
	for n := 0; n < 3000 && bad < 15; n++ {
		e := revEstate(r)
		s, err := inventory.New(e)
		if err != nil {
			t.Fatalf("estate %d: %v", n, err)
		}
		p := analysis.Policy{Basis: analysis.Bases[r.IntN(3)], CPUOvercommit: []float64{1, 1.5, 2, 0.9}[r.IntN(4)],
			MemoryOvercommit: []float64{1, 1.25, 0.7}[r.IntN(3)], HeadroomPercent: []float64{0, 10, 15, 20, 30, 33}[r.IntN(6)], Tolerate: 2}
		scs := analysis.HostFailures(s, p)
		// plus named failures: a host with a datastore, or a datastore alone
		hosts := s.Hosts()
		named := []analysis.Failure{{Datastores: []inventory.DatastoreName{"shared"}},
			{Hosts: []inventory.HostName{hosts[r.IntN(len(hosts))].Name}, Datastores: []inventory.DatastoreName{s.Datastores()[r.IntN(len(s.Datastores()))].Name}}}
		for _, f := range named {
			scs = append(scs, analysis.Fail(s, p, f))
		}
		for _, sc := range scs {
			o := newRev(s, p, sc.FailedHosts, sc.FailedDatastores)
			counts[sc.Verdict]++
			report := func(format string, a ...any) {
				bad++
				t.Errorf("estate %d policy %+v fail %v %v: %s\n%s", n, p, sc.FailedHosts, sc.FailedDatastores, fmt.Sprintf(format, a...), dump(e))
			}
			if !slices.Equal(sc.AffectedVMs, o.affected) {
				report("affected VMs %v, oracle %v", sc.AffectedVMs, o.affected)
			}
			switch sc.Verdict {
			case analysis.Safe:
				if len(o.lost) > 0 {
					report("safe though %v are lost", o.lost)
				} else if why := o.valid(sc.RestartPlacement); why != "" {
					report("safe (%s) with an invalid placement %v: %s", sc.Reason, sc.RestartPlacement, why)
				}
			case analysis.Unsafe:
				if o.search() {
					report("unsafe (%s) but the oracle finds a placement", sc.Reason)
				}
			default:
				if o.search() {
					unprovenPlaceable++
				}
			}
		}
	}
	// Maintenance evacuation of every available clustered host, one at a time.
	r = rand.New(rand.NewPCG(43, 8))
	evac := map[analysis.Verdict]int{}
	for n := 0; n < 1500 && bad < 15; n++ {
		e := revEstate(r)
		s := inventory.MustNew(e)
		p := analysis.Policy{Basis: analysis.Bases[r.IntN(3)], CPUOvercommit: 1, MemoryOvercommit: 1, HeadroomPercent: []float64{0, 10, 25}[r.IntN(3)]}
		for _, h := range s.Hosts() {
			if h.Cluster == "" || !avail(h) {
				continue
			}
			ev := analysis.Evacuate(s, p, []inventory.HostName{h.Name})
			o := newRev(s, p, []inventory.HostName{h.Name}, nil)
			o.evacuate = true
			evac[ev.Verdict]++
			switch ev.Verdict {
			case analysis.Safe:
				if why := o.valid(ev.Moves); why != "" {
					bad++
					t.Errorf("estate %d: evacuating %s: safe with invalid moves %v: %s\n%s", n, h.Name, ev.Moves, why, dump(e))
				}
			case analysis.Unsafe:
				if o.search() {
					bad++
					t.Errorf("estate %d: evacuating %s: unsafe (%s) but the oracle finds targets\n%s", n, h.Name, ev.Reason, dump(e))
				}
			default:
				if o.search() {
					unprovenPlaceable++
				}
			}
		}
	}
	t.Logf("failures %v; evacuations %v; unproven the oracle could place: %d", counts, evac, unprovenPlaceable)
}

func dump(e inventory.Estate) string {
	s := ""
	for _, h := range e.Hosts {
		s += fmt.Sprintf("  host %s cluster=%s %dx%d MHz %d MiB %s maint=%t ds=%v usage=%d/%d\n", h.Name, h.Cluster, h.CPUCores, h.CPUMHzPerCore, h.MemoryMB, h.Connection, h.Maintenance, h.Datastores, h.CPUUsageMHz, h.MemoryUsageMB)
	}
	for _, v := range e.VMs {
		s += fmt.Sprintf("  vm %s on %s %s vcpu=%d mem=%d res=%d/%d+%d usage=%d/%d ds=%v\n", v.Name, v.Host, v.Power, v.VCPU, v.MemoryMB, v.CPUReservationMHz, v.MemoryReservationMB, v.MemoryOverheadMB, v.CPUUsageMHz, v.MemoryUsageMB, v.Datastores)
	}
	for _, b := range e.BusinessSystems {
		s += fmt.Sprintf("  system %s vms=%v hosts=%v min=%d\n", b.Name, b.VMs, b.Hosts, b.MinHosts)
	}
	return s
}
