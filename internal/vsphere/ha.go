package vsphere

import (
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// HAFromDas converts vSphere's HA configuration to the estate's.
func HAFromDas(das types.ClusterDasConfigInfo, hosts map[types.ManagedObjectReference]inventory.HostName) inventory.HAConfig {
	out := inventory.HAConfig{
		Enabled:          das.Enabled != nil && *das.Enabled,
		AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicyDisabled},
	}
	if das.AdmissionControlEnabled != nil && !*das.AdmissionControlEnabled {
		return out
	}
	ac := &out.AdmissionControl
	switch p := das.AdmissionControlPolicy.(type) {
	case *types.ClusterFailoverLevelAdmissionControlPolicy:
		ac.Policy, ac.HostFailures = inventory.PolicySlot, int(p.FailoverLevel)
		if fixed, ok := p.SlotPolicy.(*types.ClusterFixedSizeSlotPolicy); ok {
			ac.SlotCPUMHz, ac.SlotMemoryMB = int64(fixed.Cpu), int64(fixed.Memory)
		}
	case *types.ClusterFailoverResourcesAdmissionControlPolicy:
		ac.Policy, ac.HostFailures = inventory.PolicyPercentage, int(p.FailoverLevel)
		ac.CPUPercent, ac.MemoryPercent = int(p.CpuFailoverResourcesPercent), int(p.MemoryFailoverResourcesPercent)
	case *types.ClusterFailoverHostAdmissionControlPolicy:
		ac.Policy, ac.HostFailures = inventory.PolicyFailoverHosts, int(p.FailoverLevel)
		for _, ref := range p.FailoverHosts {
			if name, ok := hosts[ref]; ok {
				ac.FailoverHosts = append(ac.FailoverHosts, name)
			}
		}
	}
	return out
}

// DasFromHA converts the estate's HA configuration to vSphere's, for writes
// and for seeding the lab.
func DasFromHA(ha inventory.HAConfig, hosts map[inventory.HostName]types.ManagedObjectReference) types.ClusterDasConfigInfo {
	ac := ha.AdmissionControl
	das := types.ClusterDasConfigInfo{
		Enabled:                 types.NewBool(ha.Enabled),
		AdmissionControlEnabled: types.NewBool(ac.Policy != inventory.PolicyDisabled && ac.Policy != ""),
	}
	switch ac.Policy {
	case inventory.PolicySlot:
		p := &types.ClusterFailoverLevelAdmissionControlPolicy{FailoverLevel: int32(ac.HostFailures)}
		if ac.SlotCPUMHz > 0 || ac.SlotMemoryMB > 0 {
			p.SlotPolicy = &types.ClusterFixedSizeSlotPolicy{Cpu: int32(ac.SlotCPUMHz), Memory: int32(ac.SlotMemoryMB)}
		}
		das.AdmissionControlPolicy = p
	case inventory.PolicyPercentage:
		das.AdmissionControlPolicy = &types.ClusterFailoverResourcesAdmissionControlPolicy{
			CpuFailoverResourcesPercent:    int32(ac.CPUPercent),
			MemoryFailoverResourcesPercent: int32(ac.MemoryPercent),
			FailoverLevel:                  int32(ac.HostFailures),
		}
	case inventory.PolicyFailoverHosts:
		p := &types.ClusterFailoverHostAdmissionControlPolicy{FailoverLevel: int32(ac.HostFailures)}
		for _, h := range ac.FailoverHosts {
			p.FailoverHosts = append(p.FailoverHosts, hosts[h])
		}
		das.AdmissionControlPolicy = p
	}
	return das
}
