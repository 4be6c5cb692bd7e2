package vsphere

import (
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// DRS automation levels: vSphere's DrsBehavior and the estate's spelling.
var drsBehaviors = map[types.DrsBehavior]inventory.DRSAutomation{
	types.DrsBehaviorManual:             inventory.DRSManual,
	types.DrsBehaviorPartiallyAutomated: inventory.DRSPartiallyAutomated,
	types.DrsBehaviorFullyAutomated:     inventory.DRSFullyAutomated,
}

// DRSFromConfig converts a cluster's DRS configuration. Behavior keeps
// vSphere's own spelling (as snapshot/v1 always had it); an unknown behaviour
// leaves AutomationLevel unset, with a warning.
func DRSFromConfig(drs types.ClusterDrsConfigInfo) (inventory.DRSConfig, []string) {
	out := inventory.DRSConfig{
		Enabled:  drs.Enabled != nil && *drs.Enabled,
		Behavior: string(drs.DefaultVmBehavior),
	}
	if drs.DefaultVmBehavior == "" {
		return out, nil
	}
	level, ok := drsBehaviors[drs.DefaultVmBehavior]
	if !ok {
		return out, []string{invalidValue("drsConfig.defaultVmBehavior", string(drs.DefaultVmBehavior),
			inventory.DRSClusterAutomations, "fully_automated")}
	}
	out.AutomationLevel = level
	return out, nil
}

// DrsBehavior is the vSphere spelling of an automation level; "" for none or "disabled".
func DrsBehavior(level inventory.DRSAutomation) types.DrsBehavior {
	for b, l := range drsBehaviors {
		if l == level {
			return b
		}
	}
	return ""
}

// DRSConfigFrom converts the estate's DRS configuration for writes and the
// lab; AutomationLevel wins over the legacy Behavior when both are set.
func DRSConfigFrom(drs inventory.DRSConfig) types.ClusterDrsConfigInfo {
	out := types.ClusterDrsConfigInfo{Enabled: types.NewBool(drs.Enabled), DefaultVmBehavior: types.DrsBehavior(drs.Behavior)}
	if b := DrsBehavior(drs.AutomationLevel); b != "" {
		out.DefaultVmBehavior = b
	}
	return out
}

// vmOverride is one VM's HA and DRS overrides read from its cluster.
type vmOverride struct {
	restart inventory.RestartPriority
	drs     inventory.DRSAutomation
}

// vmOverridesFrom reads dasVmConfig and drsVmConfig, keyed by VM reference.
func vmOverridesFrom(cfg *types.ClusterConfigInfoEx) (map[types.ManagedObjectReference]vmOverride, []string) {
	out := map[types.ManagedObjectReference]vmOverride{}
	var warnings []string
	for _, c := range cfg.DasVmConfig {
		// dasSettings has precedence over the deprecated restartPriority (vSphere API reference).
		value, property := string(c.RestartPriority), "dasVmConfig.restartPriority"
		if c.DasSettings != nil && c.DasSettings.RestartPriority != "" {
			value, property = c.DasSettings.RestartPriority, "dasVmConfig.dasSettings.restartPriority"
		}
		p, ok := restartPriorityFrom(value)
		if !ok {
			warnings = append(warnings, "VM "+c.Key.Value+": "+invalidValue(property, value, inventory.RestartPriorities, "the cluster's default"))
		}
		o := out[c.Key]
		o.restart = p
		out[c.Key] = o
	}
	for _, c := range cfg.DrsVmConfig {
		o := out[c.Key]
		if c.Enabled != nil && !*c.Enabled {
			o.drs = inventory.DRSDisabledForVM
		} else if c.Behavior != "" {
			level, ok := drsBehaviors[c.Behavior]
			if !ok {
				warnings = append(warnings, "VM "+c.Key.Value+": "+invalidValue("drsVmConfig.behavior", string(c.Behavior), inventory.DRSVMAutomations, "the cluster's level"))
			}
			o.drs = level
		}
		out[c.Key] = o
	}
	return out, warnings
}

// VMOverrideSpecs turns the VMs' HA restart priority and DRS automation
// overrides into add operations of a ClusterConfigSpecEx. VMs without a
// reference (not in vCenter) are skipped.
func VMOverrideSpecs(vms []inventory.VM, refs map[inventory.VMName]types.ManagedObjectReference) ([]types.ClusterDasVmConfigSpec, []types.ClusterDrsVmConfigSpec) {
	var das []types.ClusterDasVmConfigSpec
	var drs []types.ClusterDrsVmConfigSpec
	add := types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}
	for _, v := range vms {
		ref, ok := refs[v.Name]
		if !ok {
			continue
		}
		if v.RestartPriority != "" {
			das = append(das, types.ClusterDasVmConfigSpec{ArrayUpdateSpec: add, Info: &types.ClusterDasVmConfigInfo{
				Key: ref, DasSettings: &types.ClusterDasVmSettings{RestartPriority: string(v.RestartPriority)}}})
		}
		switch v.DRSAutomation {
		case "":
		case inventory.DRSDisabledForVM:
			drs = append(drs, types.ClusterDrsVmConfigSpec{ArrayUpdateSpec: add, Info: &types.ClusterDrsVmConfigInfo{
				Key: ref, Enabled: types.NewBool(false)}})
		default:
			drs = append(drs, types.ClusterDrsVmConfigSpec{ArrayUpdateSpec: add, Info: &types.ClusterDrsVmConfigInfo{
				Key: ref, Enabled: types.NewBool(true), Behavior: DrsBehavior(v.DRSAutomation)}})
		}
	}
	return das, drs
}
