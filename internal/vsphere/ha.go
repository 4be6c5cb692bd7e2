package vsphere

import (
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// HAFromDas converts vSphere's HA configuration to the estate's. A value the
// estate cannot hold (an unknown host monitoring state or restart priority, an
// unparsable advanced option) is left unset, so vSphere's default applies, and
// reported in the returned warnings.
func HAFromDas(das types.ClusterDasConfigInfo, hosts map[types.ManagedObjectReference]inventory.HostName) (inventory.HAConfig, []string) {
	out := inventory.HAConfig{
		Enabled:          das.Enabled != nil && *das.Enabled,
		AdmissionControl: admissionFromDas(das, hosts),
	}
	var warnings []string
	warn := func(w string) { warnings = append(warnings, w) }
	if m, ok := hostMonitoringFrom(das.HostMonitoring); ok {
		out.HostMonitoring = m
	} else {
		warn(invalidValue("dasConfig.hostMonitoring", das.HostMonitoring, inventory.HostMonitorings, "enabled"))
	}
	if s := das.DefaultVmSettings; s != nil {
		if p, ok := restartPriorityFrom(s.RestartPriority); ok {
			out.DefaultRestartPriority = p
		} else {
			warn(invalidValue("dasConfig.defaultVmSettings.restartPriority", s.RestartPriority, inventory.RestartPriorities, "medium"))
		}
	}
	opts, optWarnings := haOptionsFrom(das.Option)
	out.Options = opts
	warnings = append(warnings, optWarnings...)
	return out, warnings
}

func admissionFromDas(das types.ClusterDasConfigInfo, hosts map[types.ManagedObjectReference]inventory.HostName) inventory.AdmissionControl {
	ac := inventory.AdmissionControl{Policy: inventory.PolicyDisabled}
	if das.AdmissionControlEnabled != nil && !*das.AdmissionControlEnabled {
		return ac
	}
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
	return ac
}

// hostMonitoringFrom maps ClusterDasConfigInfoServiceState; empty (not
// reported) is accepted as unset.
func hostMonitoringFrom(s string) (inventory.HostMonitoring, bool) {
	switch s {
	case "":
		return "", true
	case string(types.ClusterDasConfigInfoServiceStateEnabled):
		return inventory.HostMonitoringEnabled, true
	case string(types.ClusterDasConfigInfoServiceStateDisabled):
		return inventory.HostMonitoringDisabled, true
	}
	return "", false
}

// restartPriorityFrom maps ClusterDasVmSettingsRestartPriority (and the
// deprecated DasVmPriority, which spells the shared values the same way).
// "clusterRestartPriority" means "use the cluster's default": no value.
func restartPriorityFrom(s string) (inventory.RestartPriority, bool) {
	switch s {
	case "", string(types.ClusterDasVmSettingsRestartPriorityClusterRestartPriority):
		return "", true
	}
	for _, p := range inventory.RestartPriorities {
		if string(p) == s {
			return p, true
		}
	}
	return "", false
}

// DasFromHA converts the estate's HA configuration to vSphere's, for writes
// and for seeding the lab. Unset fields stay unset, so a reconfiguration with
// modify=true leaves vCenter's value alone.
func DasFromHA(ha inventory.HAConfig, hosts map[inventory.HostName]types.ManagedObjectReference) types.ClusterDasConfigInfo {
	ac := ha.AdmissionControl
	das := types.ClusterDasConfigInfo{
		Enabled:                 types.NewBool(ha.Enabled),
		AdmissionControlEnabled: types.NewBool(ac.Policy != inventory.PolicyDisabled && ac.Policy != ""),
		HostMonitoring:          string(ha.HostMonitoring),
		Option:                  haOptionValues(ha.Options),
	}
	if ha.DefaultRestartPriority != "" {
		das.DefaultVmSettings = &types.ClusterDasVmSettings{RestartPriority: string(ha.DefaultRestartPriority)}
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
