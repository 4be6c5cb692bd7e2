package lab

import (
	"slices"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// leaveCluster drops what a cluster holds for a VM that vMotion moved to a
// host of another cluster, as vCenter does: its HA and DRS overrides
// (dasVmConfig, drsVmConfig) and its DRS group and VM-VM rule memberships
// ("If a virtual machine is removed from the cluster, it loses its DRS group
// affiliation", vSphere API reference, ClusterVmGroup); a VM-VM rule left
// with fewer than two VMs is removed. The simulator keeps them, and the
// cluster's configuration then names a VM that runs elsewhere.
// inventory.MoveVM models the same (overlay.go).
func leaveCluster(ctx *simulator.Context, from, to, vm types.ManagedObjectReference) {
	src, ok := ctx.Map.Get(from).(*simulator.HostSystem)
	if !ok || src.Parent == nil {
		return
	}
	dst, ok := ctx.Map.Get(to).(*simulator.HostSystem)
	if !ok || dst.Parent != nil && *dst.Parent == *src.Parent {
		return
	}
	cluster, ok := ctx.Map.Get(*src.Parent).(*simulator.ClusterComputeResource)
	if !ok {
		return
	}
	ctx.WithLock(cluster, func() {
		cfg, ok := cluster.ConfigurationEx.(*types.ClusterConfigInfoEx)
		if !ok {
			return
		}
		cfg.DasVmConfig = slices.DeleteFunc(cfg.DasVmConfig, func(c types.ClusterDasVmConfigInfo) bool { return c.Key == vm })
		cfg.DrsVmConfig = slices.DeleteFunc(cfg.DrsVmConfig, func(c types.ClusterDrsVmConfigInfo) bool { return c.Key == vm })
		without := func(vms []types.ManagedObjectReference) []types.ManagedObjectReference {
			return slices.DeleteFunc(slices.Clone(vms), func(r types.ManagedObjectReference) bool { return r == vm })
		}
		for _, g := range cfg.Group {
			if vg, ok := g.(*types.ClusterVmGroup); ok {
				vg.Vm = without(vg.Vm)
			}
		}
		cfg.Rule = slices.DeleteFunc(cfg.Rule, func(r types.BaseClusterRuleInfo) bool {
			switch rule := r.(type) {
			case *types.ClusterAffinityRuleSpec:
				rule.Vm = without(rule.Vm)
				return len(rule.Vm) < 2
			case *types.ClusterAntiAffinityRuleSpec:
				rule.Vm = without(rule.Vm)
				return len(rule.Vm) < 2
			}
			return false
		})
	})
}
