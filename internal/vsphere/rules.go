package vsphere

import (
	"fmt"

	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Refs maps estate names to vCenter references, for conversions towards vSphere.
type Refs struct {
	Hosts map[inventory.HostName]types.ManagedObjectReference
	VMs   map[inventory.VMName]types.ManagedObjectReference
}

// GroupsFrom converts ClusterConfigInfoEx.group. Members that are not in the
// read (templates, VMs outside it) are left out: a group lists what can run.
func GroupsFrom(groups []types.BaseClusterGroupInfo, hosts map[types.ManagedObjectReference]inventory.HostName,
	vms map[types.ManagedObjectReference]inventory.VMName) ([]inventory.VMGroup, []inventory.HostGroup) {
	var vmGroups []inventory.VMGroup
	var hostGroups []inventory.HostGroup
	for _, g := range groups {
		switch g := g.(type) {
		case *types.ClusterVmGroup:
			out := inventory.VMGroup{Name: g.Name, VMs: []inventory.VMName{}}
			for _, ref := range g.Vm {
				if name, ok := vms[ref]; ok {
					out.VMs = append(out.VMs, name)
				}
			}
			vmGroups = append(vmGroups, out)
		case *types.ClusterHostGroup:
			out := inventory.HostGroup{Name: g.Name, Hosts: []inventory.HostName{}}
			for _, ref := range g.Host {
				if name, ok := hosts[ref]; ok {
					out.Hosts = append(out.Hosts, name)
				}
			}
			hostGroups = append(hostGroups, out)
		}
	}
	return vmGroups, hostGroups
}

// RulesFrom converts ClusterConfigInfoEx.rule. Rule kinds that do not restrict
// placement (VM-to-VM restart dependencies) are not part of the estate. A
// VM-VM rule left with fewer than two known VMs, or a VM-Host rule naming a
// group the cluster does not have, is dropped with a warning.
func RulesFrom(rules []types.BaseClusterRuleInfo, vms map[types.ManagedObjectReference]inventory.VMName, groups map[string]bool) ([]inventory.Rule, []string) {
	var out []inventory.Rule
	var warnings []string
	for _, r := range rules {
		for _, rule := range rulesFrom(r, vms) {
			if problem := ruleProblem(rule, groups); problem != "" {
				warnings = append(warnings, fmt.Sprintf("DRS rule %q left out: %s", rule.Name, problem))
				continue
			}
			out = append(out, rule)
		}
	}
	return out, warnings
}

// rulesFrom converts one vSphere rule. A VM-Host rule may name both an
// affine and an anti-affine host group (vSphere API, ClusterVmHostRuleInfo):
// it becomes two rules, the second named "<name> (anti-affine)", so neither
// half is lost.
func rulesFrom(r types.BaseClusterRuleInfo, vms map[types.ManagedObjectReference]inventory.VMName) []inventory.Rule {
	rule, ok := ruleFrom(r, vms)
	if !ok {
		return nil
	}
	out := []inventory.Rule{rule}
	if h, isVMHost := r.(*types.ClusterVmHostRuleInfo); isVMHost && h.AffineHostGroupName != "" && h.AntiAffineHostGroupName != "" {
		anti := rule
		anti.Name += " (anti-affine)"
		anti.Kind = pick(rule.Kind.Required(), inventory.RuleMustNotRunOn, inventory.RuleShouldNotRunOn)
		anti.HostGroup = h.AntiAffineHostGroupName
		out = append(out, anti)
	}
	return out
}

func ruleFrom(r types.BaseClusterRuleInfo, vms map[types.ManagedObjectReference]inventory.VMName) (inventory.Rule, bool) {
	info := r.GetClusterRuleInfo()
	out := inventory.Rule{Name: info.Name}
	// The API reference gives false as the default of an unset enabled flag.
	if info.Enabled == nil || !*info.Enabled {
		out.Enabled = types.NewBool(false)
	}
	mandatory := info.Mandatory != nil && *info.Mandatory
	switch r := r.(type) {
	case *types.ClusterAffinityRuleSpec:
		out.Kind, out.VMs = inventory.RuleVMAffinity, vmNames(r.Vm, vms)
	case *types.ClusterAntiAffinityRuleSpec:
		out.Kind, out.VMs = inventory.RuleVMAntiAffinity, vmNames(r.Vm, vms)
	case *types.ClusterVmHostRuleInfo:
		out.VMGroup = r.VmGroupName
		switch {
		case r.AffineHostGroupName != "":
			out.Kind, out.HostGroup = pick(mandatory, inventory.RuleMustRunOn, inventory.RuleShouldRunOn), r.AffineHostGroupName
		default:
			out.Kind, out.HostGroup = pick(mandatory, inventory.RuleMustNotRunOn, inventory.RuleShouldNotRunOn), r.AntiAffineHostGroupName
		}
	default:
		return out, false
	}
	return out, true
}

func ruleProblem(r inventory.Rule, groups map[string]bool) string {
	switch {
	case r.Kind.VMHost() && (!groups[r.VMGroup] || !groups[r.HostGroup]):
		return fmt.Sprintf("it relates VM group %q to host group %q and the cluster does not have both", r.VMGroup, r.HostGroup)
	case !r.Kind.VMHost() && len(r.VMs) < 2:
		return fmt.Sprintf("a %s rule needs at least 2 VMs and only %d are in the read", r.Kind, len(r.VMs))
	}
	return ""
}

func pick(mandatory bool, must, should inventory.RuleKind) inventory.RuleKind {
	if mandatory {
		return must
	}
	return should
}

func vmNames(refs []types.ManagedObjectReference, vms map[types.ManagedObjectReference]inventory.VMName) []inventory.VMName {
	var out []inventory.VMName
	for _, ref := range refs {
		if name, ok := vms[ref]; ok {
			out = append(out, name)
		}
	}
	return out
}

// GroupSpecs turns the cluster's groups into add operations.
func GroupSpecs(c inventory.Cluster, refs Refs) []types.ClusterGroupSpec {
	var out []types.ClusterGroupSpec
	add := types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}
	for _, g := range c.VMGroups {
		info := &types.ClusterVmGroup{ClusterGroupInfo: types.ClusterGroupInfo{Name: g.Name}}
		for _, m := range g.VMs {
			if ref, ok := refs.VMs[m]; ok {
				info.Vm = append(info.Vm, ref)
			}
		}
		out = append(out, types.ClusterGroupSpec{ArrayUpdateSpec: add, Info: info})
	}
	for _, g := range c.HostGroups {
		info := &types.ClusterHostGroup{ClusterGroupInfo: types.ClusterGroupInfo{Name: g.Name}}
		for _, h := range g.Hosts {
			if ref, ok := refs.Hosts[h]; ok {
				info.Host = append(info.Host, ref)
			}
		}
		out = append(out, types.ClusterGroupSpec{ArrayUpdateSpec: add, Info: info})
	}
	return out
}

// RuleSpecs turns the cluster's rules into add operations, with enabled and
// mandatory always set (vSphere's unset enabled means disabled).
func RuleSpecs(c inventory.Cluster, refs Refs) []types.ClusterRuleSpec {
	var out []types.ClusterRuleSpec
	for _, r := range c.Rules {
		out = append(out, types.ClusterRuleSpec{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}, Info: RuleInfo(r, refs)})
	}
	return out
}

// RuleInfo is one rule in vSphere's shape.
func RuleInfo(r inventory.Rule, refs Refs) types.BaseClusterRuleInfo {
	info := types.ClusterRuleInfo{Name: r.Name, Enabled: types.NewBool(r.Active()), Mandatory: types.NewBool(r.Kind.Required())}
	var vms []types.ManagedObjectReference
	for _, m := range r.VMs {
		if ref, ok := refs.VMs[m]; ok {
			vms = append(vms, ref)
		}
	}
	switch r.Kind {
	case inventory.RuleVMAffinity:
		return &types.ClusterAffinityRuleSpec{ClusterRuleInfo: info, Vm: vms}
	case inventory.RuleVMAntiAffinity:
		return &types.ClusterAntiAffinityRuleSpec{ClusterRuleInfo: info, Vm: vms}
	case inventory.RuleMustRunOn, inventory.RuleShouldRunOn:
		return &types.ClusterVmHostRuleInfo{ClusterRuleInfo: info, VmGroupName: r.VMGroup, AffineHostGroupName: r.HostGroup}
	default:
		return &types.ClusterVmHostRuleInfo{ClusterRuleInfo: info, VmGroupName: r.VMGroup, AntiAffineHostGroupName: r.HostGroup}
	}
}

// ClusterSpec is the whole cluster configuration of the estate as one
// reconfiguration: HA (with options and the default restart priority), DRS,
// groups, rules and the per-VM overrides of the cluster's VMs. The lab seeds
// clusters with it, through the same call a write would make.
func ClusterSpec(c inventory.Cluster, vms []inventory.VM, refs Refs) *types.ClusterConfigSpecEx {
	das := DasFromHA(c.HA, refs.Hosts)
	drs := DRSConfigFrom(c.DRS)
	spec := &types.ClusterConfigSpecEx{DasConfig: &das, DrsConfig: &drs, GroupSpec: GroupSpecs(c, refs), RulesSpec: RuleSpecs(c, refs)}
	spec.DasVmConfigSpec, spec.DrsVmConfigSpec = VMOverrideSpecs(vms, refs.VMs)
	return spec
}
