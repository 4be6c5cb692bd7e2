package analysis_test

import (
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// vSphereExample is the cluster of the vSphere Availability guide's worked
// examples: H1 9 GHz / 9 GB, H2 9 GHz / 6 GB, H3 6 GHz / 6 GB, and five
// powered-on VMs with reservations 2 GHz/1 GB, 2 GHz/1 GB, 1 GHz/2 GB,
// 1 GHz/1 GB, 1 GHz/1 GB (memory reservations include overhead).
func vSphereExample(ac inventory.AdmissionControl) *inventory.Snapshot {
	return newEstate("c", ac).
		host("H1", "c", 9, 9*1024).host("H2", "c", 9, 6*1024).host("H3", "c", 6, 6*1024).
		vm("VM1", "H1", 2000, 1024).vm("VM2", "H1", 2000, 1024).vm("VM3", "H2", 1000, 2048).
		vm("VM4", "H2", 1000, 1024).vm("VM5", "H3", 1000, 1024).snap()
}

func TestSlotPolicyMatchesTheVSphereExample(t *testing.T) {
	// The guide: slot size 2 GHz / 2 GB; H1 holds 4 slots, H2 3, H3 3; with one
	// host failure tolerated the current failover capacity is 1.
	a := analysis.AdmissionControl(vSphereExample(inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}))[0]
	if a.SlotCPUMHz != 2000 || a.SlotMemoryMB != 2048 {
		t.Errorf("slot = %d MHz / %d MiB, want 2000 / 2048", a.SlotCPUMHz, a.SlotMemoryMB)
	}
	if a.SlotsPerHost["H1"] != 4 || a.SlotsPerHost["H2"] != 3 || a.SlotsPerHost["H3"] != 3 {
		t.Errorf("slots per host = %v, want H1 4, H2 3, H3 3", a.SlotsPerHost)
	}
	if a.SlotsTotal != 10 || a.SlotsUsed != 5 || a.SlotsAvailable != 1 || a.CurrentFailoverCapacity != 1 || !a.AdmissionOK {
		t.Errorf("total %d used %d available %d current failover capacity %d ok %t; want 10, 5, 1, 1, true",
			a.SlotsTotal, a.SlotsUsed, a.SlotsAvailable, a.CurrentFailoverCapacity, a.AdmissionOK)
	}
}

func TestPercentagePolicyMatchesTheVSphereExample(t *testing.T) {
	// The guide: 24 GHz and 21 GB in all, 7 GHz and 6 GB reserved:
	// current CPU failover capacity 70% ((24-7)/24), memory 71% ((21-6)/21).
	a := analysis.AdmissionControl(vSphereExample(inventory.AdmissionControl{Policy: inventory.PolicyPercentage, CPUPercent: 25, MemoryPercent: 25}))[0]
	if a.CPUFailoverPercent != 70 || a.MemoryFailoverPercent != 71 || !a.AdmissionOK {
		t.Errorf("cpu %d%% memory %d%% ok %t; want 70, 71, true", a.CPUFailoverPercent, a.MemoryFailoverPercent, a.AdmissionOK)
	}
	a = analysis.AdmissionControl(vSphereExample(inventory.AdmissionControl{Policy: inventory.PolicyPercentage, CPUPercent: 75, MemoryPercent: 25}))[0]
	if a.AdmissionOK || a.Reason != "current failover capacity CPU 70% (configured 75%), memory 71% (configured 25%)" {
		t.Errorf("75%% CPU reserved: ok %t, reason %q", a.AdmissionOK, a.Reason)
	}
}

func TestAdmissionControlEdgeCases(t *testing.T) {
	slot1 := inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}
	tests := []struct {
		name  string
		snap  *inventory.Snapshot
		check func(t *testing.T, a analysis.Admission)
	}{
		{"empty cluster", newEstate("c", slot1).snap(), func(t *testing.T, a analysis.Admission) {
			if a.SlotsTotal != 0 || a.SlotsUsed != 0 || a.CurrentFailoverCapacity != 0 || a.AdmissionOK {
				t.Errorf("%+v: want no slots and admission refused (nothing survives a host failure)", a)
			}
		}},
		{"zero reservations use the 32 MHz minimum", newEstate("c", slot1).host("h1", "c", 2, 4096).host("h2", "c", 2, 4096).
			vm("a", "h1", 0, 0).vm("b", "h2", 0, 0).snap(), func(t *testing.T, a analysis.Admission) {
			if a.SlotCPUMHz != 32 || a.SlotMemoryMB != 0 || a.SlotsPerHost["h1"] != 62 || a.SlotsUsed != 2 || a.CurrentFailoverCapacity != 1 {
				t.Errorf("%+v", a)
			}
		}},
		{"one host tolerates no failure", newEstate("c", slot1).host("h1", "c", 8, 8192).vm("a", "h1", 1000, 1024).snap(), func(t *testing.T, a analysis.Admission) {
			if a.SlotsTotal != 8 || a.CurrentFailoverCapacity != 0 || a.AdmissionOK {
				t.Errorf("%+v", a)
			}
		}},
		{"every VM off", newEstate("c", slot1).host("h1", "c", 4, 4096).host("h2", "c", 4, 4096).vm("a", "h1", 1000, 1024).
			with(func(e *inventory.Estate) { e.VMs[0].Power = inventory.PoweredOff }).snap(), func(t *testing.T, a analysis.Admission) {
			if a.SlotCPUMHz != 32 || a.SlotsUsed != 0 || a.CurrentFailoverCapacity != 2 || !a.AdmissionOK {
				t.Errorf("%+v", a)
			}
		}},
		{"fixed slot: a large VM takes several slots", newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1, SlotCPUMHz: 500, SlotMemoryMB: 1024}).
			host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("big", "h1", 1200, 3000).snap(), func(t *testing.T, a analysis.Admission) {
			if a.SlotsPerHost["h1"] != 8 || a.SlotsUsed != 3 || a.SlotsAvailable != 5 || a.CurrentFailoverCapacity != 1 {
				t.Errorf("%+v", a)
			}
		}},
		{"hosts in maintenance do not count", newEstate("c", slot1).host("h1", "c", 4, 4096).host("h2", "c", 4, 4096).vm("a", "h1", 1000, 1024).
			with(func(e *inventory.Estate) { e.Hosts[1].Maintenance = true }).snap(), func(t *testing.T, a analysis.Admission) {
			if a.SlotsTotal != 4 || a.CurrentFailoverCapacity != 0 || a.AdmissionOK {
				t.Errorf("%+v", a)
			}
		}},
		{"failover host running a VM", newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, HostFailures: 1, FailoverHosts: []inventory.HostName{"h2"}}).
			host("h1", "c", 4, 4096).host("h2", "c", 4, 4096).vm("a", "h2", 0, 0).snap(), func(t *testing.T, a analysis.Admission) {
			if a.AdmissionOK || a.Reason != `failover host "h2" runs 1 powered-on VM(s); vSphere keeps failover hosts empty` {
				t.Errorf("%+v", a)
			}
		}},
		{"disabled", newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicyDisabled}).snap(), func(t *testing.T, a analysis.Admission) {
			if !a.AdmissionOK || a.Policy != inventory.PolicyDisabled {
				t.Errorf("%+v", a)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, analysis.AdmissionControl(tt.snap)[0]) })
	}
}

// das.vmcpuminmhz and das.vmmemoryminmb raise what a VM with a smaller
// reservation counts for in slot sizing and in the percentage policy
// (vSphere Availability, "Slot Size Calculation", "vSphere HA Advanced Options").
func TestAdmissionHonoursHAMinimums(t *testing.T) {
	cpu, mem := int64(100), int64(512)
	build := func(ac inventory.AdmissionControl, options bool) analysis.Admission {
		s := newEstate("c", ac).host("h1", "c", 4, 4096).host("h2", "c", 4, 4096).vm("a", "h1", 0, 0).vm("b", "h2", 50, 256).
			with(func(e *inventory.Estate) {
				if options {
					e.Clusters[0].HA.Options = inventory.HAOptions{VMCPUMinMHz: &cpu, VMMemoryMinMB: &mem}
				}
			}).snap()
		return analysis.AdmissionControl(s)[0]
	}
	slot := inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}
	if a := build(slot, false); a.SlotCPUMHz != 50 || a.SlotMemoryMB != 256 || a.SlotsPerHost["h1"] != 16 {
		t.Errorf("defaults: slot %d MHz / %d MiB, %d per host", a.SlotCPUMHz, a.SlotMemoryMB, a.SlotsPerHost["h1"])
	}
	if a := build(slot, true); a.SlotCPUMHz != 100 || a.SlotMemoryMB != 512 || a.SlotsPerHost["h1"] != 8 {
		t.Errorf("options: slot %d MHz / %d MiB, %d per host", a.SlotCPUMHz, a.SlotMemoryMB, a.SlotsPerHost["h1"])
	}
	pct := inventory.AdmissionControl{Policy: inventory.PolicyPercentage, CPUPercent: 25, MemoryPercent: 25}
	if a := build(pct, false); a.CPUFailoverPercent != 98 || a.MemoryFailoverPercent != 96 {
		t.Errorf("defaults: CPU %d%%, memory %d%%", a.CPUFailoverPercent, a.MemoryFailoverPercent)
	}
	if a := build(pct, true); a.CPUFailoverPercent != 97 || a.MemoryFailoverPercent != 87 {
		t.Errorf("options: CPU %d%%, memory %d%%", a.CPUFailoverPercent, a.MemoryFailoverPercent)
	}
}
