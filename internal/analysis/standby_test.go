package analysis_test

import (
	"maps"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func blades(mode inventory.Takeover, tolerate int, standbyCores int, lpars bool) *inventory.Snapshot {
	b := newEstate("c", slot1).with(func(e *inventory.Estate) {
		for _, n := range []inventory.HostName{"b1", "b2", "b3"} {
			e.Hosts = append(e.Hosts, inventory.Host{Name: n, Kind: inventory.KindPhysical, CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 65536})
		}
		for _, n := range []inventory.HostName{"sb1", "sb2"} {
			e.Hosts = append(e.Hosts, inventory.Host{Name: n, Kind: inventory.KindPhysical, CPUCores: standbyCores, CPUMHzPerCore: 1000, MemoryMB: 65536})
		}
		e.StandbyGroups = []inventory.StandbyGroup{{Name: "blades", Active: []inventory.HostName{"b1", "b2", "b3"},
			Standby: []inventory.HostName{"sb1", "sb2"}, Tolerate: tolerate, Takeover: mode}}
		if lpars {
			for i, n := range []inventory.HostName{"b1", "b2", "b3"} {
				e.VMs = append(e.VMs, inventory.VM{Name: inventory.VMName("lpar-" + string(n)), Host: n, VCPU: 2,
					MemoryMB: 16384, CPUReservationMHz: int64(2000 + 1000*i), MemoryReservationMB: 16384})
			}
		}
	})
	return b.snap()
}

func TestStandbyTakeover(t *testing.T) {
	p := analysis.DefaultPolicy()
	tests := []struct {
		name     string
		snap     *inventory.Snapshot
		want     map[string]analysis.Verdict // failed hosts → verdict
		assigned map[inventory.HostName]inventory.HostName
	}{
		{"whole host: two standbys absorb any two failures", blades(inventory.TakeoverWholeHost, 2, 8, false),
			map[string]analysis.Verdict{"b1": analysis.Safe, "b2": analysis.Safe, "b3": analysis.Safe, "b1,b2": analysis.Safe, "b1,b3": analysis.Safe, "b2,b3": analysis.Safe},
			map[inventory.HostName]inventory.HostName{"b1": "sb1", "b2": "sb2"}},
		{"whole host: a smaller standby cannot replace a blade", blades(inventory.TakeoverWholeHost, 1, 4, false),
			map[string]analysis.Verdict{"b1": analysis.Unsafe, "b2": analysis.Unsafe, "b3": analysis.Unsafe}, nil},
		{"consolidated: a small standby carries the LPARs of two blades", blades(inventory.TakeoverConsolidated, 2, 6, true),
			// lpar-b1 2000 MHz, lpar-b2 3000, lpar-b3 4000; each standby 6000 MHz, 64 GiB.
			map[string]analysis.Verdict{"b1": analysis.Safe, "b2": analysis.Safe, "b3": analysis.Safe, "b1,b2": analysis.Safe, "b1,b3": analysis.Safe, "b2,b3": analysis.Safe},
			map[inventory.HostName]inventory.HostName{"b1": "sb1", "b2": "sb1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]analysis.Verdict{}
			for _, tk := range analysis.StandbyGroups(tt.snap, p) {
				key := ""
				for i, h := range tk.FailedHosts {
					if i > 0 {
						key += ","
					}
					key += string(h)
				}
				got[key] = tk.Verdict
				if key == "b1,b2" && tt.assigned != nil && !maps.Equal(tk.Assignment, tt.assigned) {
					t.Errorf("assignment for b1,b2 = %v, want %v", tk.Assignment, tt.assigned)
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("verdicts %v\nwant     %v", got, tt.want)
			}
		})
	}
}

// A standby takes over a failed host's VMs only where the placement rule
// allows them: a required VM-Host rule that keeps the VM off the standby
// host makes the takeover impossible, and the reason names the rule.
func TestStandbyTakeoverFollowsThePlacementRule(t *testing.T) {
	ac := inventory.AdmissionControl{Policy: inventory.PolicyDisabled}
	build := func(rule bool) *inventory.Snapshot {
		return newEstate("c", ac).host("a1", "c", 8, 8192).host("s1", "c", 8, 8192).vm("v", "a1", 0, 2048).
			with(func(e *inventory.Estate) {
				e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"a1"}, Standby: []inventory.HostName{"s1"}, Tolerate: 1, Takeover: inventory.TakeoverConsolidated}}
				if rule {
					c := &e.Clusters[0]
					c.VMGroups = []inventory.VMGroup{{Name: "apps", VMs: []inventory.VMName{"v"}}}
					c.HostGroups = []inventory.HostGroup{{Name: "spares", Hosts: []inventory.HostName{"s1"}}}
					c.Rules = []inventory.Rule{{Name: "apps-not-on-spares", Kind: inventory.RuleMustNotRunOn, VMGroup: "apps", HostGroup: "spares"}}
				}
			}).snap()
	}
	if tk := analysis.StandbyGroups(build(false), analysis.DefaultPolicy()); len(tk) != 1 || tk[0].Verdict != analysis.Safe || tk[0].Assignment["a1"] != "s1" {
		t.Errorf("without the rule: %+v", tk)
	}
	want := `the workloads of the 1 failed host(s) do not fit together in the 1 available standby host(s); the placement rule refuses: s1 is forbidden by must_not_run_on rule "apps-not-on-spares" (VM group "apps" must not run on host group "spares") for VM "v"`
	if tk := analysis.StandbyGroups(build(true), analysis.DefaultPolicy()); len(tk) != 1 || tk[0].Verdict != analysis.Unsafe || tk[0].Reason != want {
		t.Errorf("with the rule: %+v", tk)
	}
}

// A consolidated standby does not take two failed hosts whose VMs share an
// anti-affinity rule that HA keeps at failover.
func TestConsolidatedTakeoverKeepsAntiAffinity(t *testing.T) {
	ac := inventory.AdmissionControl{Policy: inventory.PolicyDisabled}
	s := newEstate("c", ac).host("a1", "c", 8, 8192).host("a2", "c", 8, 8192).host("s1", "c", 16, 65536).
		vm("w1", "a1", 0, 1024).vm("w2", "a2", 0, 1024).
		with(func(e *inventory.Estate) {
			e.Clusters[0].HA.Enabled = false
			e.Clusters[0].Rules = []inventory.Rule{{Name: "apart", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"w1", "w2"}}}
			e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"a1", "a2"}, Standby: []inventory.HostName{"s1"}, Tolerate: 2, Takeover: inventory.TakeoverConsolidated}}
		}).snap()
	tk := analysis.StandbyGroups(s, analysis.DefaultPolicy())
	if len(tk) != 3 || tk[0].Verdict != analysis.Safe || tk[1].Verdict != analysis.Safe || tk[2].Verdict != analysis.Unsafe ||
		tk[2].Reason != "the workloads of the 2 failed host(s) do not fit together in the 1 available standby host(s)" {
		t.Errorf("%+v", tk)
	}
}
