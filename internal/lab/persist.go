package lab

import (
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// persistDropped applies the parts of a cluster spec the simulator ignores.
// The simulator itself applies das/drs enabled, admissionControlEnabled,
// drsConfig.defaultVmBehavior, groupSpec, rulesSpec, dasVmConfigSpec and
// drsVmConfigSpec; everything else vCenter would keep is merged here as
// vCenter merges a reconfiguration with modify=true: a field left unset in
// the spec keeps its current value.
func persistDropped(cfg *types.ClusterConfigInfoEx, spec *types.ClusterConfigSpecEx) {
	if das := spec.DasConfig; das != nil {
		persistDas(&cfg.DasConfig, das)
	}
	if drs := spec.DrsConfig; drs != nil {
		if drs.VmotionRate != 0 {
			cfg.DrsConfig.VmotionRate = drs.VmotionRate
		}
		if drs.EnableVmBehaviorOverrides != nil {
			cfg.DrsConfig.EnableVmBehaviorOverrides = drs.EnableVmBehaviorOverrides
		}
	}
}

func persistDas(cfg, das *types.ClusterDasConfigInfo) {
	if das.AdmissionControlPolicy != nil {
		cfg.AdmissionControlPolicy = das.AdmissionControlPolicy
	}
	if das.FailoverLevel != 0 {
		cfg.FailoverLevel = das.FailoverLevel
	}
	if das.HostMonitoring != "" {
		cfg.HostMonitoring = das.HostMonitoring
	}
	if das.VmMonitoring != "" {
		cfg.VmMonitoring = das.VmMonitoring
	}
	if s := das.DefaultVmSettings; s != nil {
		if cfg.DefaultVmSettings == nil {
			cfg.DefaultVmSettings = &types.ClusterDasVmSettings{}
		}
		if s.RestartPriority != "" {
			cfg.DefaultVmSettings.RestartPriority = s.RestartPriority
		}
		if s.IsolationResponse != "" {
			cfg.DefaultVmSettings.IsolationResponse = s.IsolationResponse
		}
	}
	cfg.Option = mergeOptions(cfg.Option, das.Option)
}

// mergeOptions applies HA advanced options by key, which vCenter treats
// case-insensitively: a given option replaces the one with the same key, and
// an option with an empty value removes it.
func mergeOptions(current, changes []types.BaseOptionValue) []types.BaseOptionValue {
	for _, change := range changes {
		c := change.GetOptionValue()
		i := optionIndex(current, c.Key)
		remove := c.Value == nil || c.Value == ""
		switch {
		case i >= 0 && remove:
			current = append(current[:i], current[i+1:]...)
		case i >= 0:
			current[i] = change
		case !remove:
			current = append(current, change)
		}
	}
	return current
}

func optionIndex(options []types.BaseOptionValue, key string) int {
	for i, o := range options {
		if strings.EqualFold(o.GetOptionValue().Key, key) {
			return i
		}
	}
	return -1
}

// prepareVMOverrideEdits guards an edit of a VM's HA override that was added
// with only the deprecated restartPriority: the simulator's edit writes
// through the entry's dasSettings, which is then nil, and would panic; vCenter
// edits such an entry.
func prepareVMOverrideEdits(cfg *types.ClusterConfigInfoEx, spec *types.ClusterConfigSpecEx) {
	for _, s := range spec.DasVmConfigSpec {
		if s.Operation != types.ArrayUpdateOperationEdit || s.Info == nil {
			continue
		}
		for i := range cfg.DasVmConfig {
			if cfg.DasVmConfig[i].Key == s.Info.Key && cfg.DasVmConfig[i].DasSettings == nil {
				cfg.DasVmConfig[i].DasSettings = &types.ClusterDasVmSettings{}
			}
		}
	}
}
