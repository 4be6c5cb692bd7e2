package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The DRS groups and rules of estate_topology's clusters, converter and
// schema side by side.

type vmGroupModel struct {
	Name types.String `tfsdk:"name"`
	VMs  []string     `tfsdk:"vms"`
}

type hostGroupModel struct {
	Name  types.String `tfsdk:"name"`
	Hosts []string     `tfsdk:"hosts"`
}

type ruleModel struct {
	Name      types.String `tfsdk:"name"`
	Kind      types.String `tfsdk:"kind"`
	Enabled   types.Bool   `tfsdk:"enabled"`
	VMs       []string     `tfsdk:"vms"`
	VMGroup   types.String `tfsdk:"vm_group"`
	HostGroup types.String `tfsdk:"host_group"`
}

func groupAndRuleAttributes() map[string]schema.Attribute {
	nested := func(desc string, attrs map[string]schema.Attribute) schema.ListNestedAttribute {
		return schema.ListNestedAttribute{Computed: true, MarkdownDescription: desc, NestedObject: schema.NestedAttributeObject{Attributes: attrs}}
	}
	return map[string]schema.Attribute{
		"vm_groups": nested("DRS VM groups of the cluster.", map[string]schema.Attribute{
			"name": computedString("Group name."),
			"vms":  computedStrings("VMs in the group (templates are left out)."),
		}),
		"host_groups": nested("DRS host groups of the cluster.", map[string]schema.Attribute{
			"name":  computedString("Group name."),
			"hosts": computedStrings("Hosts in the group."),
		}),
		"rules": nested("DRS rules of the cluster. `must_*` rules are required: neither DRS nor vSphere HA ever violates them. `should_*` rules are preferences that HA may violate to restart a VM.", map[string]schema.Attribute{
			"name":       computedString("Rule name."),
			"kind":       computedString("Rule kind: " + list(inventory.RuleKinds) + "."),
			"enabled":    computedBool("Whether the rule is enabled; a disabled rule constrains nothing."),
			"vms":        computedStrings("VMs of a `vm_affinity` / `vm_anti_affinity` rule; empty for VM-Host rules."),
			"vm_group":   computedString("VM group of a VM-Host rule; empty for VM-VM rules."),
			"host_group": computedString("Host group of a VM-Host rule; empty for VM-VM rules."),
		}),
	}
}

func vmGroupsOf(c inventory.Cluster) []vmGroupModel {
	out := make([]vmGroupModel, 0, len(c.VMGroups))
	for _, g := range c.VMGroups {
		out = append(out, vmGroupModel{Name: types.StringValue(g.Name), VMs: strs(g.VMs)})
	}
	return out
}

func hostGroupsOf(c inventory.Cluster) []hostGroupModel {
	out := make([]hostGroupModel, 0, len(c.HostGroups))
	for _, g := range c.HostGroups {
		out = append(out, hostGroupModel{Name: types.StringValue(g.Name), Hosts: strs(g.Hosts)})
	}
	return out
}

func rulesOf(c inventory.Cluster) []ruleModel {
	out := make([]ruleModel, 0, len(c.Rules))
	for _, r := range c.Rules {
		out = append(out, ruleModel{Name: types.StringValue(r.Name), Kind: types.StringValue(string(r.Kind)),
			Enabled: types.BoolValue(r.Active()), VMs: strs(r.VMs),
			VMGroup: types.StringValue(r.VMGroup), HostGroup: types.StringValue(r.HostGroup)})
	}
	return out
}
