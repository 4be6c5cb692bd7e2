package analysis_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// replay executes a sequence wave by wave, as vMotion does: a moving VM holds
// its target before its source is released. It returns why the sequence is
// invalid, or "".
func replay(s *inventory.Snapshot, p analysis.Policy, desired map[inventory.VMName]inventory.HostName, seq analysis.Sequence) string {
	where := map[inventory.VMName]inventory.HostName{}
	load := map[inventory.HostName][2]int64{}
	for _, v := range s.VMs() {
		where[v.Name] = v.Host
		if v.PoweredOn() {
			h, _ := s.Host(v.Host)
			d := revDemand(p, v, h)
			l := load[v.Host]
			load[v.Host] = [2]int64{l[0] + d[0], l[1] + d[1]}
		}
	}
	capa := func(n inventory.HostName) [2]int64 {
		h, _ := s.Host(n)
		if !avail(h) {
			return [2]int64{}
		}
		return [2]int64{exactCap(int64(h.CPUCores)*h.CPUMHzPerCore, p.CPUOvercommit, p.HeadroomPercent), exactCap(h.MemoryMB, p.MemoryOvercommit, p.HeadroomPercent)}
	}
	for w, wave := range seq.Waves {
		var release []func()
		for _, m := range wave {
			v, _ := s.VM(m.VM)
			to, ok := s.Host(m.To)
			if !ok || where[m.VM] != m.From || m.From == m.To {
				return fmt.Sprintf("wave %d: bad move %+v (VM is on %s)", w, m, where[m.VM])
			}
			if c, _ := s.Cluster(to.Cluster); !avail(to) || (c.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts && slices.Contains(c.HA.AdmissionControl.FailoverHosts, m.To)) {
				return fmt.Sprintf("wave %d: target %s takes no VM", w, m.To)
			}
			for _, d := range v.Datastores {
				if !slices.Contains(to.Datastores, d) {
					return fmt.Sprintf("wave %d: %s does not mount %s", w, m.To, d)
				}
			}
			if v.PoweredOn() {
				d := revDemand(p, v, to)
				l := load[m.To]
				load[m.To] = [2]int64{l[0] + d[0], l[1] + d[1]}
				from, _ := s.Host(m.From)
				ds := revDemand(p, v, from)
				release = append(release, func() { l := load[m.From]; load[m.From] = [2]int64{l[0] - ds[0], l[1] - ds[1]} })
				if got, c := load[m.To], capa(m.To); got[0] > c[0] || got[1] > c[1] {
					return fmt.Sprintf("wave %d: %s carries %v of %v after %s arrives", w, m.To, got, c, m.VM)
				}
			}
			where[m.VM] = m.To
		}
		for _, r := range release {
			r()
		}
	}
	for vm, to := range desired {
		if where[vm] != to {
			return fmt.Sprintf("%s ends on %s, not %s", vm, where[vm], to)
		}
	}
	return ""
}

// TestSequencesReplayWithinCapacity: every "safe" sequence, replayed move by
// move, keeps every receiving host within capacity and ends in the desired
// layout; every desired layout that overloads a host is "unsafe" with shortfalls.
func TestSequencesReplayWithinCapacity(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 10))
	counts := map[analysis.Verdict]int{}
	parked, impossible := 0, 0
	for n := 0; n < 4000; n++ {
		e := revEstate(r)
		s := inventory.MustNew(e)
		if len(s.VMs()) == 0 {
			continue
		}
		p := analysis.Policy{Basis: analysis.Bases[r.IntN(2)], CPUOvercommit: 1, MemoryOvercommit: 1, HeadroomPercent: []float64{0, 10}[r.IntN(2)]}
		desired := map[inventory.VMName]inventory.HostName{}
		for _, v := range s.VMs() {
			from, _ := s.Host(v.Host)
			peers := s.HostsIn(from.Cluster)
			if len(peers) == 0 || r.IntN(3) == 0 {
				continue
			}
			desired[v.Name] = peers[r.IntN(len(peers))].Name
		}
		if r.IntN(2) == 0 { // rotate VMs between hosts: cycles that may need parking
			hosts := s.HostsIn("c0")[:2] // swap two hosts' VMs; the others can park
			vms := []inventory.VM{}
			for _, h := range hosts {
				vms = append(vms, s.VMsOn(h.Name)...)
			}
			desired = map[inventory.VMName]inventory.HostName{}
			for _, v := range vms {
				i := slices.IndexFunc(hosts, func(h inventory.Host) bool { return h.Name == v.Host })
				desired[v.Name] = hosts[(i+1)%len(hosts)].Name
			}
		}
		seq := analysis.SequenceMoves(s, p, desired)
		counts[seq.Verdict]++
		if seq.Verdict == analysis.Unproven && finalOverloaded(s, p, desired) {
			impossible++
		}
		if seq.Verdict == analysis.Unsafe && len(seq.Shortfalls) > 0 && !finalOverloaded(s, p, desired) {
			t.Errorf("estate %d: unsafe (%s) with shortfalls %+v, but the desired layout fits", n, seq.Reason, seq.Shortfalls)
		}
		if seq.Verdict != analysis.Safe {
			continue
		}
		for _, w := range seq.Waves {
			for _, m := range w {
				if m.Parking {
					parked++
				}
			}
		}
		if why := replay(s, p, desired, seq); why != "" {
			t.Errorf("estate %d: safe sequence %+v for %v is invalid: %s\n%s", n, seq.Waves, desired, why, dump(e))
			if t.Failed() && counts[analysis.Safe] > 20 {
				break
			}
		}
	}
	t.Logf("sequences %v, %d parking moves", counts, parked)
	if impossible > 0 {
		t.Errorf("%d desired layouts that overload a host came out unproven, not unsafe", impossible)
	}
}

// finalOverloaded: the desired layout puts more on some receiving host than it may carry.
func finalOverloaded(s *inventory.Snapshot, p analysis.Policy, desired map[inventory.VMName]inventory.HostName) bool {
	load := map[inventory.HostName][2]int64{}
	gains := map[inventory.HostName]bool{}
	for _, v := range s.VMs() {
		at := v.Host
		if to, ok := desired[v.Name]; ok {
			if to != at {
				gains[to] = true
			}
			at = to
		}
		if v.PoweredOn() {
			h, _ := s.Host(at)
			d := revDemand(p, v, h)
			l := load[at]
			load[at] = [2]int64{l[0] + d[0], l[1] + d[1]}
		}
	}
	for h := range gains {
		host, _ := s.Host(h)
		c := [2]int64{exactCap(int64(host.CPUCores)*host.CPUMHzPerCore, p.CPUOvercommit, p.HeadroomPercent), exactCap(host.MemoryMB, p.MemoryOvercommit, p.HeadroomPercent)}
		if !avail(host) {
			c = [2]int64{}
		}
		if load[h][0] > c[0] || load[h][1] > c[1] {
			return true
		}
	}
	return false
}

func TestSequenceProofs(t *testing.T) {
	p := analysis.DefaultPolicy()
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).host("h3", "c", 8, 8192).
		vm("a", "h1", 0, 4096).vm("b", "h2", 0, 6000).vm("off", "h1", 0, 8192).
		with(func(e *inventory.Estate) {
			e.VMs[2].Power = inventory.PoweredOff
			e.Datastores = []inventory.Datastore{{Name: "local-h1", CapacityMB: 1}}
			e.Hosts[0].Datastores = []inventory.DatastoreName{"local-h1"}
		}).snap()
	seq := analysis.SequenceMoves(s, p, map[inventory.VMName]inventory.HostName{"a": "h2"})
	want := []analysis.Shortfall{{Host: "h2", Dimension: analysis.Memory, Requested: 4096, Used: 6000, Capacity: 8192}}
	if seq.Verdict != analysis.Unsafe || !slices.Equal(seq.Shortfalls, want) ||
		seq.Reason != "the desired layout itself puts more on a host than it may carry, so no order of moves reaches it" {
		t.Errorf("overloading layout: %+v", seq)
	}
	// b fits on h1 only once a has left it: two waves, in that order.
	seq = analysis.SequenceMoves(s, p, map[inventory.VMName]inventory.HostName{"a": "h3", "b": "h1"})
	wantWaves := [][]analysis.Move{{{VM: "a", From: "h1", To: "h3"}}, {{VM: "b", From: "h2", To: "h1"}}}
	if seq.Verdict != analysis.Safe || !slices.EqualFunc(seq.Waves, wantWaves, slices.Equal) {
		t.Errorf("%+v", seq)
	}
	s2, err := s.With(inventory.PutHost{Host: inventory.Host{Name: "h3", Cluster: "c", CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 8192}})
	if err != nil {
		t.Fatal(err)
	}
	e := s2.Estate()
	e.VMs[0].Datastores = []inventory.DatastoreName{"local-h1"}
	s2 = inventory.MustNew(e)
	seq = analysis.SequenceMoves(s2, p, map[inventory.VMName]inventory.HostName{"a": "h3"})
	if seq.Verdict != analysis.Unsafe || seq.Reason != `VM "a": host "h3" does not mount datastore "local-h1" that VM "a" is on` {
		t.Errorf("unmounted datastore: %+v", seq)
	}
	// A powered-off VM adds nothing: it moves even onto a host already over capacity.
	over := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 4096).vm("off", "h1", 0, 1024).vm("big", "h2", 0, 5000).
		with(func(e *inventory.Estate) { e.VMs[0].Power = inventory.PoweredOff }).snap() // "off" is off; "big" overloads h2
	seq = analysis.SequenceMoves(over, p, map[inventory.VMName]inventory.HostName{"off": "h2"})
	if seq.Verdict != analysis.Safe || !slices.Equal(seq.Waves[0], []analysis.Move{{VM: "off", From: "h1", To: "h2"}}) {
		t.Errorf("powered-off move: %+v", seq)
	}
}

// A running VM may not move onto a host that is over capacity already, even
// when it asks nothing of the exhausted dimension: the desired layout is
// unsafe with that shortfall, not "blocked" (found by the oracle's generator).
func TestSequenceOntoAnOverloadedHost(t *testing.T) {
	s := newEstate("c", slot1).host("h0", "c", 2, 8192).host("h1", "c", 4, 8192).
		vm("big", "h0", 2500, 1024).vm("v", "h1", 0, 1024).snap()
	seq := analysis.SequenceMoves(s, analysis.DefaultPolicy(), map[inventory.VMName]inventory.HostName{"v": "h0"})
	want := []analysis.Shortfall{{Host: "h0", Dimension: analysis.CPU, Requested: 0, Used: 2500, Capacity: 2000}}
	if seq.Verdict != analysis.Unsafe || !slices.Equal(seq.Shortfalls, want) {
		t.Errorf("%+v", seq)
	}
}

// A parking move is the analysis's own choice of host: it never parks a VM
// next to a VM it shares an enabled anti-affinity rule with.
func TestParkingKeepsAntiAffinity(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).host("h3", "c", 4, 8192).host("h4", "c", 4, 8192).
		vm("a", "h1", 3000, 6000).vm("b", "h2", 3000, 6000).vm("c", "h3", 100, 100).
		with(func(e *inventory.Estate) {
			e.Clusters[0].Rules = []inventory.Rule{{Name: "apart", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"a", "c"}}}
		}).snap()
	seq := analysis.SequenceMoves(s, analysis.DefaultPolicy(), map[inventory.VMName]inventory.HostName{"a": "h2", "b": "h1"})
	want := [][]analysis.Move{{{VM: "a", From: "h1", To: "h4", Parking: true}}, {{VM: "b", From: "h2", To: "h1"}}, {{VM: "a", From: "h4", To: "h2"}}}
	if seq.Verdict != analysis.Safe || !slices.EqualFunc(seq.Waves, want, slices.Equal) {
		t.Errorf("%s (%s): %+v", seq.Verdict, seq.Reason, seq.Waves)
	}
}

// The report names every enabled rule the layout breaks.
func TestRuleCompliance(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).
		vm("a", "h1", 0, 1024).vm("c", "h1", 0, 1024).vm("db", "h2", 0, 1024).vm("off", "h1", 0, 1024).
		with(func(e *inventory.Estate) {
			e.VMs[3].Power = inventory.PoweredOff
			cl := &e.Clusters[0]
			cl.VMGroups = []inventory.VMGroup{{Name: "dbs", VMs: []inventory.VMName{"db", "off"}}}
			cl.HostGroups = []inventory.HostGroup{{Name: "hg", Hosts: []inventory.HostName{"h1"}}}
			cl.Rules = []inventory.Rule{{Name: "apart", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"a", "c", "off"}},
				{Name: "db-on-hg", Kind: inventory.RuleMustRunOn, VMGroup: "dbs", HostGroup: "hg"},
				{Name: "pref", Kind: inventory.RuleShouldNotRunOn, VMGroup: "dbs", HostGroup: "hg"}}
		}).snap()
	rep, err := analysis.Analyze(s, analysis.Request{Policy: analysis.DefaultPolicy()})
	want := []string{`anti-affinity rule "apart" of cluster "c" is broken: a, c run together on h1`,
		`must_run_on rule "db-on-hg" of cluster "c" is broken: db on h2`}
	if err != nil || rep.Summary.RuleViolations != 2 || rep.Summary.OK() || !slices.Equal(rep.Findings([]string{analysis.FindRules}), want) {
		t.Errorf("%v %d %v", err, rep.Summary.RuleViolations, rep.Findings([]string{analysis.FindRules}))
	}
}
