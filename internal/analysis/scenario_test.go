package analysis_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

var slot1 = inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}

func TestFailureScenarios(t *testing.T) {
	p := analysis.DefaultPolicy()
	tests := []struct {
		name       string
		snap       *inventory.Snapshot
		policy     analysis.Policy
		fail       analysis.Failure
		verdict    analysis.Verdict
		reason     string
		placement  map[inventory.VMName]inventory.HostName
		shortfalls []analysis.Shortfall
	}{
		{name: "restart fits on the survivor",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("a", "h1", 1000, 2048).vm("b", "h2", 1000, 2048).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Safe,
			reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: map[inventory.VMName]inventory.HostName{"a": "h2"}},
		{name: "a VM larger than any host is unsafe with the shortfall",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 4096).vm("big", "h1", 1000, 6144).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason:     `VM "big" fits on none of its 1 eligible host(s)`,
			shortfalls: []analysis.Shortfall{{Host: "h2", VM: "big", Dimension: analysis.Memory, Requested: 6144, Used: 0, Capacity: 4096}}},
		{name: "total demand above what survives is unsafe",
			snap: newEstate("c", slot1).host("h1", "c", 4, 16384).host("h2", "c", 4, 8192).host("h3", "c", 4, 8192).
				vm("a", "h1", 0, 3000).vm("b", "h1", 0, 3000).vm("c", "h1", 0, 3000).vm("d", "h2", 0, 5000).vm("e", "h3", 0, 5000).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason: "the 3 VM(s) to restart need at least 9000 MiB of memory and their hosts have 6384 free",
			// First-fit decreasing placed a and b and got stuck on c: what each host lacked then.
			shortfalls: []analysis.Shortfall{
				{Host: "h2", VM: "c", Dimension: analysis.Memory, Requested: 3000, Used: 8000, Capacity: 8192},
				{Host: "h3", VM: "c", Dimension: analysis.Memory, Requested: 3000, Used: 8000, Capacity: 8192},
			}},
		{name: "bin packing that first-fit decreasing misses is found by exhaustive search",
			// Free 10000 MiB on h2 and on h3; best fit decreasing puts 5000+4000 together and
			// strands the last 2000, while 5000+3000+2000 / 4000+4000+2000 fits exactly.
			snap: newEstate("c", slot1).host("h1", "c", 16, 30000).host("h2", "c", 16, 10000).host("h3", "c", 16, 10000).
				vm("a", "h1", 0, 5000).vm("b", "h1", 0, 4000).vm("c", "h1", 0, 4000).vm("d", "h1", 0, 3000).vm("e", "h1", 0, 2000).vm("f", "h1", 0, 2000).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Safe,
			reason: "exhaustive search restarts all 6 VM(s) within capacity"},
		{name: "exhaustive search proves a packing impossible that the bounds allow",
			// 6000+6000+6000+2000 = 20000 = free, each VM fits alone, but no two 6000s share a host.
			snap: newEstate("c", slot1).host("h1", "c", 16, 30000).host("h2", "c", 16, 10000).host("h3", "c", 16, 10000).
				vm("a", "h1", 0, 6000).vm("b", "h1", 0, 6000).vm("c", "h1", 0, 6000).vm("d", "h1", 0, 2000).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason: "exhaustive search: no placement of the 4 VM(s) fits the surviving hosts' capacity within the placement rules and keeps every business system's spread"},
		{name: "a failed datastore takes its VMs down for good",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("a", "h1", 0, 1024).
				with(func(e *inventory.Estate) {
					e.Datastores = []inventory.Datastore{{Name: "ds1", CapacityMB: 100, FreeMB: 50}}
					e.VMs[0].Datastores = []inventory.DatastoreName{"ds1"}
				}).snap(),
			fail: analysis.Failure{Datastores: []inventory.DatastoreName{"ds1"}}, verdict: analysis.Unsafe,
			reason: `VM "a" stays down: its datastore "ds1" failed`},
		{name: "a standalone host has no HA",
			snap: newEstate("c", slot1).host("solo", "", 4, 8192).vm("a", "solo", 0, 1024).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"solo"}}, verdict: analysis.Unsafe,
			reason: `VM "a" stays down: host "solo" is in no cluster or standby group`},
		{name: "hosts that do not mount the VM's datastore are not targets",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("a", "h1", 0, 1024).
				with(func(e *inventory.Estate) {
					e.Datastores = []inventory.Datastore{{Name: "local-h1", CapacityMB: 100}}
					e.Hosts[0].Datastores = []inventory.DatastoreName{"local-h1"}
					e.VMs[0].Datastores = []inventory.DatastoreName{"local-h1"}
				}).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason: `VM "a" has no eligible host: h1 fails in this scenario; h2 does not mount datastore "local-h1" that VM "a" is on`},
		{name: "hosts in maintenance take nothing",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("a", "h1", 0, 1024).
				with(func(e *inventory.Estate) { e.Hosts[1].Maintenance = true }).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason: `VM "a" has no eligible host: h1 fails in this scenario; h2 is in maintenance mode`},
		{name: "every VM off is safe",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("a", "h1", 0, 1024).
				with(func(e *inventory.Estate) { e.VMs[0].Power = inventory.PoweredOff }).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Safe, reason: "no powered-on VM is affected"},
		{name: "headroom is kept free",
			snap:   newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("a", "h1", 0, 7000).snap(),
			policy: analysis.Policy{Basis: analysis.BasisReservation, CPUOvercommit: 1, MemoryOvercommit: 1, HeadroomPercent: 20, Tolerate: 1},
			fail:   analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason:     `VM "a" fits on none of its 1 eligible host(s)`,
			shortfalls: []analysis.Shortfall{{Host: "h2", VM: "a", Dimension: analysis.Memory, Requested: 7000, Used: 0, Capacity: 6553}}},
		{name: "configured basis restarts at full size",
			snap: newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 2, 8192).vm("a", "h1", 0, 0).
				with(func(e *inventory.Estate) { e.VMs[0].VCPU = 4 }).snap(),
			policy: analysis.Policy{Basis: analysis.BasisConfigured, CPUOvercommit: 1, MemoryOvercommit: 1, Tolerate: 1},
			fail:   analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason:     `VM "a" fits on none of its 1 eligible host(s)`,
			shortfalls: []analysis.Shortfall{{Host: "h2", VM: "a", Dimension: analysis.CPU, Requested: 4000, Used: 0, Capacity: 2000}}},
		{name: "business-system spread is kept on restart",
			// web-1 on h1 and web-2 on h2 must not both end on h2: h3 is the only choice.
			snap: newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).host("h3", "c", 8, 8192).
				vm("web-1", "h1", 0, 1024).vm("web-2", "h2", 0, 1024).vm("filler", "h3", 0, 4096).
				with(func(e *inventory.Estate) {
					e.BusinessSystems = []inventory.BusinessSystem{{Name: "web", VMs: []inventory.VMName{"web-1", "web-2"}, MinHosts: 2}}
				}).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Safe,
			reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: map[inventory.VMName]inventory.HostName{"web-1": "h3"}},
		{name: "spread out of reach is unsafe",
			snap: newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).
				vm("web-1", "h1", 0, 1024).vm("web-2", "h2", 0, 1024).
				with(func(e *inventory.Estate) {
					e.BusinessSystems = []inventory.BusinessSystem{{Name: "web", VMs: []inventory.VMName{"web-1", "web-2"}, MinHosts: 2}}
				}).snap(),
			fail: analysis.Failure{Hosts: []inventory.HostName{"h1"}}, verdict: analysis.Unsafe,
			reason: `business system "web" needs its VMs on 2 hosts and only 1 remain within reach`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := tt.policy
			if pol.Basis == "" {
				pol = p
			}
			sc := analysis.Fail(tt.snap, pol, tt.fail)
			if sc.Verdict != tt.verdict || sc.Reason != tt.reason {
				t.Errorf("verdict %s: %s\nwant    %s: %s", sc.Verdict, sc.Reason, tt.verdict, tt.reason)
			}
			if tt.placement != nil && !maps.Equal(sc.RestartPlacement, tt.placement) {
				t.Errorf("placement %v, want %v", sc.RestartPlacement, tt.placement)
			}
			if tt.shortfalls != nil && !slices.Equal(sc.Shortfalls, tt.shortfalls) {
				t.Errorf("shortfalls %+v\nwant       %+v", sc.Shortfalls, tt.shortfalls)
			}
		})
	}
}

func TestAffectedBusinessSystems(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 8192).host("h2", "c", 8, 8192).host("h3", "c", 8, 8192).
		vm("a1", "h1", 0, 512).vm("b1", "h1", 0, 512).vm("b2", "h2", 0, 512).vm("c1", "h1", 0, 512).vm("c2", "h2", 0, 512).vm("c3", "h3", 0, 512).
		with(func(e *inventory.Estate) {
			e.BusinessSystems = []inventory.BusinessSystem{
				{Name: "alone", VMs: []inventory.VMName{"a1"}},
				{Name: "pair", VMs: []inventory.VMName{"b1", "b2"}},
				{Name: "trio", VMs: []inventory.VMName{"c1", "c2", "c3"}},
			}
		}).snap()
	sc := analysis.Fail(s, analysis.DefaultPolicy(), analysis.Failure{Hosts: []inventory.HostName{"h1"}})
	got := map[inventory.SystemName]analysis.SystemState{}
	for _, b := range sc.AffectedBusinessSystems {
		got[b.Name] = b.State
	}
	want := map[inventory.SystemName]analysis.SystemState{"alone": analysis.Down, "pair": analysis.LostRedundancy, "trio": analysis.Degraded}
	if !maps.Equal(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
	if !slices.Equal(sc.AffectedVMs, []inventory.VMName{"a1", "b1", "c1"}) {
		t.Errorf("affected VMs %v", sc.AffectedVMs)
	}
}

func TestHostFailuresEnumeratesSubsetsPerCluster(t *testing.T) {
	b := newEstate("a", slot1).host("a1", "a", 4, 4096).host("a2", "a", 4, 4096).host("a3", "a", 4, 4096).
		host("solo", "", 4, 4096).host("a4", "a", 4, 4096).
		with(func(e *inventory.Estate) { e.Hosts[4].Maintenance = true })
	p := analysis.DefaultPolicy()
	p.Tolerate = 2
	var got [][]inventory.HostName
	for _, sc := range analysis.HostFailures(b.snap(), p) {
		got = append(got, sc.FailedHosts)
	}
	want := [][]inventory.HostName{{"a1"}, {"a2"}, {"a3"}, {"a1", "a2"}, {"a1", "a3"}, {"a2", "a3"}, {"solo"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("scenarios %v\nwant      %v", got, want)
	}
}
