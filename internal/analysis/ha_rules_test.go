package analysis_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// ha3 is one HA cluster "c" of three 4-core 8 GiB hosts; a runs on h1, b on h2.
func ha3() *estate {
	return newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).host("h3", "c", 4, 8192).
		vm("a", "h1", 1000, 2048).vm("b", "h2", 1000, 2048)
}

// ha2 is ha3 without h3.
func ha2() *estate {
	return newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).
		vm("a", "h1", 1000, 2048).vm("b", "h2", 1000, 2048)
}

var (
	off = func() *bool { f := false; return &f }
	on  = func() *bool { t := true; return &t }
)

// hostRule relates VM group "g-vms" (the VMs) to host group "g-hosts" (the hosts) in cluster "c".
func hostRule(kind inventory.RuleKind, enabled *bool, vms []inventory.VMName, hosts []inventory.HostName) func(e *inventory.Estate) {
	return func(e *inventory.Estate) {
		c := &e.Clusters[0]
		c.VMGroups = append(c.VMGroups, inventory.VMGroup{Name: "g-vms", VMs: vms})
		c.HostGroups = append(c.HostGroups, inventory.HostGroup{Name: "g-hosts", Hosts: hosts})
		c.Rules = append(c.Rules, inventory.Rule{Name: "pin", Kind: kind, Enabled: enabled, VMGroup: "g-vms", HostGroup: "g-hosts"})
	}
}

// vmRule adds a VM-VM rule "apart" (or "together") over the VMs in cluster "c".
func vmRule(kind inventory.RuleKind, enabled *bool, vms ...inventory.VMName) func(e *inventory.Estate) {
	return func(e *inventory.Estate) {
		name := "apart"
		if kind == inventory.RuleVMAffinity {
			name = "together"
		}
		e.Clusters[0].Rules = append(e.Clusters[0].Rules, inventory.Rule{Name: name, Kind: kind, Enabled: enabled, VMs: vms})
	}
}

func ignoreAntiAffinity(e *inventory.Estate) {
	e.Clusters[0].HA.Options.RespectVMAntiAffinityRules = off()
}

type place = map[inventory.VMName]inventory.HostName

func TestHARulesAtFailover(t *testing.T) {
	p := analysis.DefaultPolicy()
	h1 := analysis.Failure{Hosts: []inventory.HostName{"h1"}}
	tests := []struct {
		name      string
		snap      *inventory.Snapshot
		fail      analysis.Failure
		verdict   analysis.Verdict
		reason    string
		placement place
		down      []analysis.DownVM
		refusals  []analysis.Refusal
	}{
		{name: "HA disabled: vSphere restarts nothing, VMs stay down",
			snap: ha3().with(func(e *inventory.Estate) { e.Clusters[0].HA.Enabled = false }).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" stays down: vSphere HA is disabled in cluster "c"`,
			down: []analysis.DownVM{{VM: "a", Host: "h1", Reason: `vSphere HA is disabled in cluster "c"`}}},
		{name: "host monitoring off: HA does not respond to host failures",
			snap: ha3().with(func(e *inventory.Estate) { e.Clusters[0].HA.HostMonitoring = inventory.HostMonitoringDisabled }).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" stays down: vSphere HA host monitoring is disabled in cluster "c"`,
			down: []analysis.DownVM{{VM: "a", Host: "h1", Reason: `vSphere HA host monitoring is disabled in cluster "c"`}}},
		{name: "restart priority disabled: the VM stays down, its business system reported",
			snap: ha3().vm("c", "h1", 0, 1024).with(func(e *inventory.Estate) {
				e.VMs[0].RestartPriority = inventory.RestartDisabled
				e.BusinessSystems = []inventory.BusinessSystem{{Name: "erp", VMs: []inventory.VMName{"a", "b"}}}
			}).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" stays down: its HA restart priority is disabled`, placement: place{"c": "h2"},
			down: []analysis.DownVM{{VM: "a", Host: "h1", Reason: "its HA restart priority is disabled", BusinessSystems: []inventory.SystemName{"erp"}}}},
		{name: "cluster default restart priority disabled: only a VM with its own priority restarts",
			snap: ha3().vm("c", "h1", 0, 1024).with(func(e *inventory.Estate) {
				e.Clusters[0].HA.DefaultRestartPriority = inventory.RestartDisabled
				e.VMs[2].RestartPriority = inventory.RestartHigh
			}).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" stays down: its HA restart priority is disabled`, placement: place{"c": "h2"},
			down: []analysis.DownVM{{VM: "a", Host: "h1", Reason: "its HA restart priority is disabled"}}},
		{name: "restart priority disabled matters only when the VM's host fails",
			snap:    ha3().with(func(e *inventory.Estate) { e.VMs[0].RestartPriority = inventory.RestartDisabled }).snap(),
			fail:    analysis.Failure{Hosts: []inventory.HostName{"h2"}},
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"b": "h1"}},
		{name: "must_not_run_on: HA never restarts a VM on a forbidden host (refusal names the rule)",
			snap: ha2().with(hostRule(inventory.RuleMustNotRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h2"})).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" has no eligible host: h1 fails in this scenario; h2 is forbidden by must_not_run_on rule "pin" (VM group "g-vms" must not run on host group "g-hosts")`,
			refusals: []analysis.Refusal{{VM: "a", Host: "h1", Checker: "available", Reason: "fails in this scenario"},
				{VM: "a", Host: "h2", Checker: "vm_host_rule", Reason: `is forbidden by must_not_run_on rule "pin" (VM group "g-vms" must not run on host group "g-hosts")`}}},
		{name: "must_not_run_on: HA restarts the VM on an allowed host",
			snap: ha3().with(hostRule(inventory.RuleMustNotRunOn, on(), []inventory.VMName{"a"}, []inventory.HostName{"h2"})).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h3"}},
		{name: "must_run_on with no allowed survivor: the VM cannot restart",
			snap: ha3().with(hostRule(inventory.RuleMustRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h1"})).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" has no eligible host: h1 fails in this scenario; h2 is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts"); h3 is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts")`,
			refusals: []analysis.Refusal{{VM: "a", Host: "h1", Checker: "available", Reason: "fails in this scenario"},
				{VM: "a", Host: "h2", Checker: "vm_host_rule", Reason: `is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts")`},
				{VM: "a", Host: "h3", Checker: "vm_host_rule", Reason: `is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts")`}}},
		{name: "must_run_on: HA restarts the VM inside its host group",
			snap: ha3().with(hostRule(inventory.RuleMustRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h1", "h3"})).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h3"}},
		{name: "should rules are preferences: ignored (should_run_on)",
			snap: ha2().with(hostRule(inventory.RuleShouldRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h1"})).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
		{name: "should rules are preferences: ignored (should_not_run_on)",
			snap: ha2().with(hostRule(inventory.RuleShouldNotRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h2"})).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
		{name: "disabled rule ignored: must_not_run_on",
			snap: ha2().with(hostRule(inventory.RuleMustNotRunOn, off(), []inventory.VMName{"a"}, []inventory.HostName{"h2"})).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
		{name: "disabled rule ignored: vm_anti_affinity",
			snap: ha2().with(vmRule(inventory.RuleVMAntiAffinity, off(), "a", "b")).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
		{name: "anti-affinity respected during failover: no two VMs of the rule on one host, counting those already running",
			snap: ha3().with(vmRule(inventory.RuleVMAntiAffinity, nil, "a", "b")).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h3"}},
		{name: "anti-affinity respected during failover: no survivor without a VM of the rule, the VM cannot restart",
			snap: ha2().with(vmRule(inventory.RuleVMAntiAffinity, on(), "a", "b")).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `VM "a" fits on none of its 1 eligible host(s): h2 already runs a VM of anti-affinity rule "apart"`,
			refusals: []analysis.Refusal{{VM: "a", Host: "h2", Checker: "anti_affinity", Reason: `already runs a VM of anti-affinity rule "apart"`}}},
		{name: "anti-affinity respected during failover: two VMs of the rule restart on different hosts",
			snap: ha3().vm("c", "h1", 1000, 2048).with(vmRule(inventory.RuleVMAntiAffinity, nil, "a", "c")).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 2 VM(s) within capacity", placement: place{"a": "h2", "c": "h3"}},
		{name: "das.respectvmvmantiaffinityrules=false: anti-affinity ignored at failover",
			snap: ha2().with(vmRule(inventory.RuleVMAntiAffinity, nil, "a", "b")).with(ignoreAntiAffinity).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
		{name: "dedicated failover hosts are restart targets",
			snap: ha2().with(func(e *inventory.Estate) {
				e.Clusters[0].HA.AdmissionControl = inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, FailoverHosts: []inventory.HostName{"h2"}}
			}).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
		{name: "HA disabled: a failed business-system member server is lost",
			snap: ha2().with(func(e *inventory.Estate) {
				e.Clusters[0].HA.Enabled = false
				e.VMs = nil
				e.BusinessSystems = []inventory.BusinessSystem{{Name: "erp", Hosts: []inventory.HostName{"h1"}}}
			}).snap(), fail: h1,
			verdict: analysis.Unsafe, reason: `server "h1" of business system(s) erp fails and nothing takes over: vSphere HA is disabled in cluster "c"`},
		{name: "HA disabled: a standby group still takes over, its standby is the restart target",
			snap: ha2().host("sb", "", 4, 8192).with(func(e *inventory.Estate) {
				e.Clusters[0].HA.Enabled = false
				e.StandbyGroups = []inventory.StandbyGroup{{Name: "g", Active: []inventory.HostName{"h1"}, Standby: []inventory.HostName{"sb"}, Tolerate: 1}}
			}).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "sb"}},
		{name: "vm_affinity rules constrain nothing at failover",
			snap: ha3().vm("c", "h3", 0, 1024).with(vmRule(inventory.RuleVMAffinity, nil, "a", "c")).snap(), fail: h1,
			verdict: analysis.Safe, reason: "first-fit decreasing restarts all 1 VM(s) within capacity", placement: place{"a": "h2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := analysis.Fail(tt.snap, p, tt.fail)
			if sc.Verdict != tt.verdict || sc.Reason != tt.reason {
				t.Errorf("%s (%s), want %s (%s)", sc.Verdict, sc.Reason, tt.verdict, tt.reason)
			}
			if !maps.Equal(sc.RestartPlacement, tt.placement) {
				t.Errorf("placement %v, want %v", sc.RestartPlacement, tt.placement)
			}
			if !slices.EqualFunc(sc.StaysDown, tt.down, func(a, b analysis.DownVM) bool {
				return a.VM == b.VM && a.Host == b.Host && a.Reason == b.Reason && slices.Equal(a.BusinessSystems, b.BusinessSystems)
			}) {
				t.Errorf("stays down %#v, want %#v", sc.StaysDown, tt.down)
			}
			if !slices.Equal(sc.Refusals, tt.refusals) {
				t.Errorf("refusals %#v, want %#v", sc.Refusals, tt.refusals)
			}
		})
	}
}

func TestEvacuationKeepsRules(t *testing.T) {
	p := analysis.DefaultPolicy()
	tests := []struct {
		name     string
		snap     *inventory.Snapshot
		verdict  analysis.Verdict
		reason   string
		moves    place
		refusals []analysis.Refusal
	}{
		{name: "evacuation keeps anti-affinity even when HA ignores it",
			snap:    ha2().with(vmRule(inventory.RuleVMAntiAffinity, nil, "a", "b")).with(ignoreAntiAffinity).snap(),
			verdict: analysis.Unsafe, reason: `VM "a" fits on none of its 1 eligible host(s): h2 already runs a VM of anti-affinity rule "apart"`,
			refusals: []analysis.Refusal{{VM: "a", Host: "h2", Checker: "anti_affinity", Reason: `already runs a VM of anti-affinity rule "apart"`}}},
		{name: "evacuation keeps anti-affinity even when HA ignores it: the VM goes to the host without a VM of the rule",
			snap:    ha3().with(vmRule(inventory.RuleVMAntiAffinity, nil, "a", "b")).with(ignoreAntiAffinity).snap(),
			verdict: analysis.Safe, reason: "all 1 powered-on VM(s) have a target", moves: place{"a": "h3"}},
		{name: "evacuation keeps required VM-Host rules: must_run_on",
			snap:    ha3().with(hostRule(inventory.RuleMustRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h1"})).snap(),
			verdict: analysis.Unsafe, reason: `VM "a" has no eligible host: h1 is being emptied; h2 is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts"); h3 is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts")`,
			refusals: []analysis.Refusal{{VM: "a", Host: "h1", Checker: "available", Reason: "is being emptied"},
				{VM: "a", Host: "h2", Checker: "vm_host_rule", Reason: `is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts")`},
				{VM: "a", Host: "h3", Checker: "vm_host_rule", Reason: `is forbidden by must_run_on rule "pin" (VM group "g-vms" must run on host group "g-hosts")`}}},
		{name: "evacuation ignores should rules and disabled rules",
			snap: ha2().with(hostRule(inventory.RuleShouldNotRunOn, nil, []inventory.VMName{"a"}, []inventory.HostName{"h2"})).
				with(vmRule(inventory.RuleVMAntiAffinity, off(), "a", "b")).snap(),
			verdict: analysis.Safe, reason: "all 1 powered-on VM(s) have a target", moves: place{"a": "h2"}},
		{name: "evacuation moves nothing onto a dedicated failover host",
			snap: ha2().with(func(e *inventory.Estate) {
				e.Clusters[0].HA.AdmissionControl = inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, FailoverHosts: []inventory.HostName{"h2"}}
			}).snap(),
			verdict: analysis.Unsafe, reason: `VM "a" has no eligible host: h1 is being emptied; h2 is a dedicated HA failover host of cluster "c": vSphere keeps it empty`,
			refusals: []analysis.Refusal{{VM: "a", Host: "h1", Checker: "available", Reason: "is being emptied"},
				{VM: "a", Host: "h2", Checker: "failover_host", Reason: `is a dedicated HA failover host of cluster "c": vSphere keeps it empty`}}},
		{name: "evacuation does not depend on HA: DRS moves VMs with HA off and restart disabled",
			snap: ha2().with(func(e *inventory.Estate) {
				e.Clusters[0].HA.Enabled = false
				e.VMs[0].RestartPriority = inventory.RestartDisabled
			}).snap(),
			verdict: analysis.Safe, reason: "all 1 powered-on VM(s) have a target", moves: place{"a": "h2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := analysis.Evacuate(tt.snap, p, []inventory.HostName{"h1"})
			if ev.Verdict != tt.verdict || ev.Reason != tt.reason {
				t.Errorf("%s (%s), want %s (%s)", ev.Verdict, ev.Reason, tt.verdict, tt.reason)
			}
			if !maps.Equal(ev.Moves, tt.moves) {
				t.Errorf("moves %v, want %v", ev.Moves, tt.moves)
			}
			if !slices.Equal(ev.Refusals, tt.refusals) {
				t.Errorf("refusals %#v, want %#v", ev.Refusals, tt.refusals)
			}
		})
	}
}
