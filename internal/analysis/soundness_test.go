package analysis_test

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Regression tests for verdicts that were wrong: each scenario here used to
// come out "safe" (or garbage) and must not.

func TestConsolidatedStandbySizesVMsOnTheStandby(t *testing.T) {
	// Configured basis: v has 2 vCPU. On a1 (1000 MHz cores) that is 2000 MHz,
	// on the standby s1 (one 3000 MHz core) 6000 MHz: it does not fit.
	s := newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicyDisabled}).
		host("a1", "", 2, 8192).host("s1", "", 1, 8192).vm("v", "a1", 0, 1024).
		with(func(e *inventory.Estate) {
			e.Hosts[1].CPUMHzPerCore = 3000
			e.VMs[0].VCPU = 2
			e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"a1"}, Standby: []inventory.HostName{"s1"}, Tolerate: 1, Takeover: inventory.TakeoverConsolidated}}
		}).snap()
	p := analysis.DefaultPolicy()
	p.Basis = analysis.BasisConfigured
	got := analysis.StandbyGroups(s, p)
	if len(got) != 1 || got[0].Verdict != analysis.Unsafe || got[0].Reason != "the workloads of the 1 failed host(s) do not fit together in the 1 available standby host(s)" {
		t.Errorf("%+v", got)
	}
	// With two cores on s1 (6000 MHz) it fits.
	s2, err := s.With(inventory.PutHost{Host: inventory.Host{Name: "s1", CPUCores: 2, CPUMHzPerCore: 3000, MemoryMB: 8192}})
	if err != nil {
		t.Fatal(err)
	}
	if got := analysis.StandbyGroups(s2, p); got[0].Verdict != analysis.Safe || got[0].Assignment["a1"] != "s1" {
		t.Errorf("%+v", got)
	}
}

func TestDedicatedFailoverHostsTakeNoPlannedVM(t *testing.T) {
	ac := inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, FailoverHosts: []inventory.HostName{"h3"}}
	s := newEstate("c", ac).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).host("h3", "c", 8, 8192).
		vm("a", "h1", 0, 4096).vm("full", "h2", 0, 8000).snap()
	p := analysis.DefaultPolicy()

	t.Run("evacuation", func(t *testing.T) {
		e := analysis.Evacuate(s, p, []inventory.HostName{"h1"})
		want := []analysis.Shortfall{{Host: "h2", VM: "a", Dimension: analysis.Memory, Requested: 4096, Used: 8000, Capacity: 8192}}
		if e.Verdict != analysis.Unsafe || e.Reason != `VM "a" fits on none of its 1 eligible host(s)` || len(e.Moves) != 0 || !slices.Equal(e.Shortfalls, want) {
			t.Errorf("%+v", e)
		}
	})
	t.Run("a failure still restarts on the failover host", func(t *testing.T) {
		sc := analysis.Fail(s, p, analysis.Failure{Hosts: []inventory.HostName{"h1"}})
		if sc.Verdict != analysis.Safe || !maps.Equal(sc.RestartPlacement, map[inventory.VMName]inventory.HostName{"a": "h3"}) {
			t.Errorf("%s (%s): %v", sc.Verdict, sc.Reason, sc.RestartPlacement)
		}
	})
	t.Run("sequencing onto it", func(t *testing.T) {
		seq := analysis.SequenceMoves(s, p, map[inventory.VMName]inventory.HostName{"a": "h3"})
		if seq.Verdict != analysis.Unsafe || seq.Reason != `VM "a": host "h3" is a dedicated HA failover host of cluster "c": vSphere keeps it empty` || len(seq.Waves) != 0 {
			t.Errorf("%+v", seq)
		}
	})
	t.Run("sequencing onto a host in maintenance", func(t *testing.T) {
		m, err := s.With(inventory.SetMaintenance{Host: "h2", On: true})
		if err != nil {
			t.Fatal(err)
		}
		seq := analysis.SequenceMoves(m, p, map[inventory.VMName]inventory.HostName{"a": "h2"})
		if seq.Verdict != analysis.Unsafe || seq.Reason != `VM "a": host "h2" is in maintenance mode` {
			t.Errorf("%+v", seq)
		}
	})
	t.Run("parking avoids it", func(t *testing.T) {
		// a and b swap between full hosts; only h3 (the failover host) and h4 have room.
		s := newEstate("c", ac).host("h1", "c", 8, 4096).host("h2", "c", 8, 4096).host("h3", "c", 8, 8192).host("h4", "c", 8, 8192).
			vm("a", "h1", 0, 4096).vm("b", "h2", 0, 4096).snap()
		seq := analysis.SequenceMoves(s, p, map[inventory.VMName]inventory.HostName{"a": "h2", "b": "h1"})
		for _, w := range seq.Waves {
			for _, m := range w {
				if m.To == "h3" {
					t.Errorf("move onto the failover host: %+v", seq.Waves)
				}
			}
		}
		if seq.Verdict != analysis.Safe || seq.Waves[0][0] != (analysis.Move{VM: "a", From: "h1", To: "h4", Parking: true}) {
			t.Errorf("%+v", seq)
		}
	})
}

func TestUnknownNamesAreNeverSomeOtherHost(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).vm("a", "h1", 0, 1024).snap()
	p := analysis.DefaultPolicy()
	sc := analysis.Fail(s, p, analysis.Failure{Hosts: []inventory.HostName{"typo"}, Datastores: []inventory.DatastoreName{"nods"}})
	if sc.Verdict != analysis.Unproven || sc.Reason != `the estate has no host "typo", no datastore "nods": nothing was checked` || len(sc.AffectedVMs) != 0 {
		t.Errorf("%+v", sc)
	}
	e := analysis.Evacuate(s, p, []inventory.HostName{"typo"})
	if e.Verdict != analysis.Unproven || len(e.Moves) != 0 || e.Reason != `the estate has no host "typo": nothing was checked` {
		t.Errorf("%+v", e)
	}
	// An estate without hosts used to panic (index 0 of an empty slice).
	e = analysis.Evacuate(newEstate("c", slot1).snap(), p, []inventory.HostName{"x"})
	if e.Verdict != analysis.Unproven {
		t.Errorf("%+v", e)
	}
}

func TestPolicyRejectsNaNInfAndAbsurdOvercommit(t *testing.T) {
	tests := []struct {
		name string
		mut  func(p *analysis.Policy)
		want string
	}{
		{"NaN and Inf", func(p *analysis.Policy) {
			p.CPUOvercommit, p.MemoryOvercommit, p.HeadroomPercent = math.NaN(), math.Inf(1), math.NaN()
		}, "invalid policy: cpu overcommit NaN: must be greater than 0 and at most 1000 (1 means none); memory overcommit +Inf: must be greater than 0 and at most 1000 (1 means none); headroom percent NaN: must be at least 0 and less than 100"},
		{"1e19", func(p *analysis.Policy) { p.CPUOvercommit = 1e19 },
			"invalid policy: cpu overcommit 1e+19: must be greater than 0 and at most 1000 (1 means none)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := analysis.DefaultPolicy()
			tt.mut(&p)
			if err := p.Validate(); err == nil || err.Error() != tt.want {
				t.Errorf("got %v\nwant %s", err, tt.want)
			}
		})
	}
	// Capacity itself never goes negative, whatever it is handed.
	h := inventory.Host{Name: "h", CPUCores: 8, CPUMHzPerCore: 2000, MemoryMB: 8192, Connection: inventory.Connected}
	p := analysis.Policy{Basis: analysis.BasisReservation, CPUOvercommit: math.NaN(), MemoryOvercommit: 1e30}
	if c := p.Capacity(h); c != (analysis.Resources{CPU: 0, Memory: math.MaxInt64}) {
		t.Errorf("capacity %+v", c)
	}
}

func TestHugeReservationsSaturateInsteadOfWrapping(t *testing.T) {
	// Three reservations of 2^62 MiB on h2 used to sum to -2^62: h2 looked
	// empty and the restart onto it was "safe".
	const huge = int64(1) << 62
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).vm("a", "h1", 0, 1024).
		vm("x1", "h2", 0, 0).vm("x2", "h2", 0, 0).vm("x3", "h2", 0, 0).
		with(func(e *inventory.Estate) {
			for i := 1; i <= 3; i++ {
				e.VMs[i].MemoryMB, e.VMs[i].MemoryReservationMB = huge, huge
			}
		}).snap()
	p := analysis.DefaultPolicy()
	sc := analysis.Fail(s, p, analysis.Failure{Hosts: []inventory.HostName{"h1"}})
	if sc.Verdict != analysis.Unsafe || sc.Reason != `VM "a" fits on none of its 1 eligible host(s)` {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
	for _, l := range analysis.Loads(s, p) {
		if l.Host == "h2" && (l.Used.Memory != math.MaxInt64 || !slices.Equal(l.Over, []analysis.Dimension{analysis.Memory})) {
			t.Errorf("h2: used %+v, over %v", l.Used, l.Over)
		}
	}
}

func TestPercentagePolicyRoundsDownBelowZero(t *testing.T) {
	// 1001 MHz reserved of 1000: -0.1 % is -1 %, not 0 %, so even a 0 % policy is violated.
	s := newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicyPercentage}).host("h1", "c", 1, 8192).vm("a", "h1", 1001, 1024).snap()
	a := analysis.AdmissionControl(s)[0]
	if a.CPUFailoverPercent != -1 || a.MemoryFailoverPercent != 87 || a.AdmissionOK {
		t.Errorf("cpu %d%% memory %d%% ok %t; want -1, 87, false", a.CPUFailoverPercent, a.MemoryFailoverPercent, a.AdmissionOK)
	}
}

func TestRestartPlacementIsDeterministic(t *testing.T) {
	// Three failed hosts: the VMs to restart used to be collected in map order.
	b := newEstate("c", slot1)
	for i := range 6 {
		b.host(inventory.HostName(fmt.Sprintf("h%d", i)), "c", 16, 16384)
	}
	for i := range 6 {
		b.vm(inventory.VMName(fmt.Sprintf("a%d", i)), "h0", 1000, 2048).vm(inventory.VMName(fmt.Sprintf("b%d", i)), "h1", 1000, 2048).vm(inventory.VMName(fmt.Sprintf("c%d", i)), "h2", 1000, 2048)
	}
	s := b.snap()
	f := analysis.Failure{Hosts: []inventory.HostName{"h2", "h0", "h1"}}
	first := analysis.Fail(s, analysis.DefaultPolicy(), f)
	if first.Verdict != analysis.Safe {
		t.Fatalf("%s: %s", first.Verdict, first.Reason)
	}
	for range 50 {
		if got := analysis.Fail(s, analysis.DefaultPolicy(), f); !maps.Equal(got.RestartPlacement, first.RestartPlacement) {
			t.Fatalf("placements differ between runs:\n%v\n%v", first.RestartPlacement, got.RestartPlacement)
		}
	}
}

func TestTolerateZeroChecksNoHostFailure(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).vm("a", "h1", 0, 1024).snap()
	p := analysis.DefaultPolicy()
	p.Tolerate = 0
	if got := analysis.HostFailures(s, p); len(got) != 0 {
		t.Errorf("tolerate 0 checked %d scenario(s)", len(got))
	}
	p.Tolerate = 1
	if got := analysis.HostFailures(s, p); len(got) != 2 {
		t.Errorf("tolerate 1 checked %d scenario(s), want 2", len(got))
	}
}

func TestStandbyMembershipKeepsHAPeers(t *testing.T) {
	// h1 is in an HA cluster and also the active host of a standby group whose
	// standby is too small: HA still restarts its VMs on h2.
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 65536).host("s1", "", 1, 1024).
		vm("a", "h1", 0, 4096).
		with(func(e *inventory.Estate) {
			e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"h1"}, Standby: []inventory.HostName{"s1"}, Tolerate: 1}}
		}).snap()
	sc := analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"h1"}})
	if sc.Verdict != analysis.Safe || !maps.Equal(sc.RestartPlacement, map[inventory.VMName]inventory.HostName{"a": "h2"}) {
		t.Errorf("%s (%s): %v", sc.Verdict, sc.Reason, sc.RestartPlacement)
	}
	// h2's own peers are still only the cluster's.
	sc = analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"h2", "h1"}})
	if sc.Verdict != analysis.Unsafe || sc.Reason != `VM "a" fits on none of its 1 eligible host(s)` {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
}

func TestWholeHostStandbyMustBeIdle(t *testing.T) {
	s := newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicyDisabled}).host("a1", "", 8, 8192).host("s1", "", 8, 8192).
		vm("v", "a1", 0, 6000).vm("busy", "s1", 0, 6000).
		with(func(e *inventory.Estate) {
			e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"a1"}, Standby: []inventory.HostName{"s1"}, Tolerate: 1}}
		}).snap()
	tk := analysis.StandbyGroups(s, analysis.DefaultPolicy())
	want := "no assignment gives each of the 1 failed host(s) its own available standby at least as large in CPU and memory (0 standby host(s) available; not idle, so no whole-host standby: s1 runs 1 powered-on VM(s))"
	if len(tk) != 1 || tk[0].Verdict != analysis.Unsafe || tk[0].Reason != want {
		t.Errorf("%+v", tk)
	}
	off, err := s.With(inventory.PutHost{Host: inventory.Host{Name: "s2", CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 8192}},
		inventory.PutStandbyGroup{Group: inventory.StandbyGroup{Name: "g", Active: []inventory.HostName{"a1"}, Standby: []inventory.HostName{"s1", "s2"}, Tolerate: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if tk := analysis.StandbyGroups(off, analysis.DefaultPolicy()); tk[0].Verdict != analysis.Safe || tk[0].Assignment["a1"] != "s2" {
		t.Errorf("%+v", tk)
	}
}

func TestLosingAServerMemberWithoutStandbyIsUnsafe(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("db1", "", 16, 65536).host("db2", "", 16, 65536).host("sb", "", 16, 65536).
		with(func(e *inventory.Estate) {
			e.BusinessSystems = []inventory.BusinessSystem{{Name: "erp", Hosts: []inventory.HostName{"db1", "db2"}}}
			e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"db2"}, Standby: []inventory.HostName{"sb"}, Tolerate: 1}}
		}).snap()
	sc := analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"db1"}})
	if sc.Verdict != analysis.Unsafe || sc.Reason != `server "db1" of business system(s) erp fails and nothing takes over: host "db1" is in no cluster or standby group` {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
	// db2 has a standby: the standby check decides; no VM restarts here.
	if sc := analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"db2"}}); sc.Verdict != analysis.Safe {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
}

// The capacity bound sums what the surviving hosts have free. Two hosts with
// a CPU capacity at the int64 limit used to wrap that sum to -2, proving a
// safe failure "unsafe … their hosts have -2 free"; the sum saturates now.
func TestCapacityBoundSumsSaturate(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 16, 30000).host("h2", "c", 16, 10000).host("h3", "c", 16, 10000).
		vm("a", "h1", 0, 5000).vm("b", "h1", 0, 4000).vm("c", "h1", 0, 4000).vm("d", "h1", 0, 3000).vm("e", "h1", 0, 2000).vm("f", "h1", 0, 2000).
		with(func(e *inventory.Estate) {
			for i := 1; i <= 2; i++ {
				e.Hosts[i].CPUCores, e.Hosts[i].CPUMHzPerCore = math.MaxInt32, math.MaxInt64/2
			}
		}).snap()
	sc := analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"h1"}})
	if sc.Verdict != analysis.Safe || sc.Reason != "exhaustive search restarts all 6 VM(s) within capacity" {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
}

// A VM's HA and DRS overrides and its DRS group memberships belong to its
// cluster (dasVmConfig, drsVmConfig, ClusterVmGroup): moved to another
// cluster it takes the new cluster's defaults and leaves the old rules.
func TestAVMLeavingItsClusterLeavesItsOverridesAndRules(t *testing.T) {
	disabled := inventory.AdmissionControl{Policy: inventory.PolicyDisabled}
	s := newEstate("A", disabled).host("a1", "A", 8, 65536).host("a2", "A", 8, 65536).
		host("b1", "B", 8, 65536).host("b2", "B", 8, 65536).vm("app", "a1", 1000, 4096).vm("db", "a2", 1000, 4096).
		with(func(e *inventory.Estate) {
			e.Clusters = append(e.Clusters, inventory.Cluster{Name: "B", HA: inventory.HAConfig{Enabled: true,
				DefaultRestartPriority: inventory.RestartDisabled, AdmissionControl: disabled}})
			e.VMs[0].RestartPriority = inventory.RestartHigh
			a := &e.Clusters[0]
			a.VMGroups = []inventory.VMGroup{{Name: "dbs", VMs: []inventory.VMName{"db"}}}
			a.HostGroups = []inventory.HostGroup{{Name: "hg", Hosts: []inventory.HostName{"a1", "a2"}}}
			a.Rules = []inventory.Rule{{Name: "db-on-hg", Kind: inventory.RuleMustRunOn, VMGroup: "dbs", HostGroup: "hg"},
				{Name: "apart", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"app", "db"}}}
		}).snap()
	planned, err := s.With(inventory.MoveVM{VM: "app", To: "b1"}, inventory.MoveVM{VM: "db", To: "b2"})
	if err != nil {
		t.Fatal(err)
	}
	// app's "high" override stayed in cluster A: in B the default "disabled" applies.
	sc := analysis.Fail(planned, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"b1"}})
	if sc.Verdict != analysis.Unsafe || sc.Reason != `VM "app" stays down: its HA restart priority is disabled` {
		t.Errorf("app: %s: %s", sc.Verdict, sc.Reason)
	}
	a, _ := planned.Cluster("A")
	if len(a.Rules) != 1 || len(a.VMGroups[0].VMs) != 0 {
		t.Errorf("cluster A keeps %+v and group %+v", a.Rules, a.VMGroups)
	}
	// A VM group naming a VM of another cluster is refused, as vSphere keeps groups to their cluster.
	e := s.Estate()
	e.Clusters[0].VMGroups[0].VMs = []inventory.VMName{"db", "x"}
	e.VMs = append(e.VMs, inventory.VM{Name: "x", Host: "b1", Power: inventory.PoweredOn})
	if _, err := inventory.New(e); err == nil || err.Error() != `clusters[0] "A".vm_groups[0] "dbs".vms[1]: VM "x" runs in cluster "B", not in "A": DRS groups and rules hold VMs of their own cluster` {
		t.Errorf("got %v", err)
	}
}

// Capacity takes the overcommit and headroom the user wrote as decimals:
// 7,000 MHz × 0.3 × 0.69 is exactly 1,449 MHz, not the 1,448 the binary
// double below 0.3 gave (a wrong unsafe).
func TestDecimalOvercommitIsExact(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 7, 8192).host("h2", "c", 7, 8192).vm("a", "h1", 1449, 1024).snap()
	p := analysis.DefaultPolicy()
	p.CPUOvercommit, p.HeadroomPercent = 0.3, 31
	sc := analysis.Fail(s, p, analysis.Failure{Hosts: []inventory.HostName{"h1"}})
	if sc.Verdict != analysis.Safe || sc.RestartPlacement["a"] != "h2" {
		t.Errorf("%s: %s %v", sc.Verdict, sc.Reason, sc.Shortfalls)
	}
}

// A host disconnected from vCenter has vSphere HA unconfigured: naming it as
// failed leaves its VMs down rather than restarting them.
func TestAFailedDisconnectedHostProtectsNothing(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).vm("a", "h1", 0, 1024).
		with(func(e *inventory.Estate) { e.Hosts[0].Connection = inventory.Disconnected }).snap()
	sc := analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"h1"}})
	if sc.Verdict != analysis.Unsafe || sc.Reason != `VM "a" stays down: host "h1" is disconnected from vCenter, so vSphere HA does not protect its VMs` {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
}

// DRS evacuates a host entering maintenance within its cluster: the cold
// standby of a standby group the host is active in is no target.
func TestEvacuationStaysInTheCluster(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 1024).host("s1", "", 8, 65536).vm("a", "h1", 0, 4096).
		with(func(e *inventory.Estate) {
			e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"h1"}, Standby: []inventory.HostName{"s1"}, Tolerate: 1}}
		}).snap()
	ev := analysis.Evacuate(s, analysis.DefaultPolicy(), []inventory.HostName{"h1"})
	if ev.Verdict != analysis.Unsafe || ev.Reason != `VM "a" fits on none of its 1 eligible host(s)` {
		t.Errorf("%+v", ev)
	}
}

// Review findings on the late changes: a scope naming no cluster is refused;
// a declared server in a failover domain stays in scope; min_hosts 1 allows a
// system on one host; an evacuation that spreading strands is placed by best fit.
func TestLateReviewFindings(t *testing.T) {
	s := newEstate("prod", slot1).host("h1", "prod", 8, 8192).host("h2", "prod", 8, 8192).
		vm("a", "h1", 0, 6000).vm("b", "h2", 0, 6000).snap()
	_, err := analysis.Analyze(s, analysis.Request{Policy: analysis.DefaultPolicy(), Clusters: []inventory.ClusterName{"prdo"}})
	if err == nil || err.Error() != `unknown cluster "prdo": known clusters are prod` {
		t.Errorf("unknown scope: %v", err)
	}

	d := newEstate("prod", slot1).host("h1", "prod", 8, 8192).host("h2", "prod", 8, 8192).host("db1", "db-phys", 8, 8192).
		vm("app", "h1", 0, 1024).
		with(func(e *inventory.Estate) {
			e.Clusters = append(e.Clusters, inventory.Cluster{Name: "db-phys", HA: inventory.HAConfig{Enabled: true}})
			e.Hosts[2].Kind = inventory.KindPhysical
			e.BusinessSystems = []inventory.BusinessSystem{{Name: "erp", VMs: []inventory.VMName{"app"}, Hosts: []inventory.HostName{"db1"}}}
		}).snap()
	rep, err := analysis.Analyze(d, analysis.Request{Policy: analysis.DefaultPolicy(), Clusters: []inventory.ClusterName{"prod"}})
	if err != nil || rep.Summary.Unsafe != 1 {
		t.Errorf("declared server out of scope: %v, %d unsafe", err, rep.Summary.Unsafe)
	}

	one := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).vm("a", "h1", 0, 1024).vm("b", "h1", 0, 1024).
		with(func(e *inventory.Estate) {
			e.BusinessSystems = []inventory.BusinessSystem{{Name: "s", VMs: []inventory.VMName{"a", "b"}, MinHosts: 1}}
		}).snap()
	if rep, _ := analysis.Analyze(one, analysis.Request{Policy: analysis.DefaultPolicy()}); rep.Summary.SpreadViolations != 0 {
		t.Errorf("min_hosts 1 counted as a spread violation")
	}

	ev := newEstate("c", slot1).host("m", "c", 16, 65536).host("A", "c", 8, 10240).host("B", "c", 8, 6144).
		vm("x6", "m", 0, 6144).vm("y5", "m", 0, 5120).vm("z5", "m", 0, 5120).snap()
	p := analysis.DefaultPolicy()
	p.SearchBudget = 1
	if e := analysis.Evacuate(ev, p, []inventory.HostName{"m"}); e.Verdict != analysis.Safe {
		t.Errorf("evacuation: %s: %s", e.Verdict, e.Reason)
	}
}
