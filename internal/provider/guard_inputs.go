package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/planned"
)

// The guard's object inputs take the resources themselves: Terraform converts
// an estate_host (estate_business_system, estate_standby_group) object to
// these object types by dropping the attributes the guard does not read, so
// `hosts = values(estate_host.all)` works.
var (
	guardHostType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "kind": types.StringType, "cpu_cores": types.Int64Type, "cpu_mhz_per_core": types.Int64Type,
		"memory_mb": types.Int64Type, "failover_domain": types.StringType, "maintenance": types.BoolType,
		"evacuation": types.MapType{ElemType: types.StringType}}}
	guardSystemType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "criticality": types.StringType, "vms": types.SetType{ElemType: types.StringType},
		"hosts": types.SetType{ElemType: types.StringType}, "min_hosts": types.Int64Type}}
	guardStandbyType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "active_hosts": types.SetType{ElemType: types.StringType},
		"standby_hosts": types.SetType{ElemType: types.StringType}, "tolerate": types.Int64Type, "takeover": types.StringType}}
)

type guardHost struct {
	Name           types.String            `tfsdk:"name"`
	Kind           types.String            `tfsdk:"kind"`
	CPUCores       types.Int64             `tfsdk:"cpu_cores"`
	CPUMHzPerCore  types.Int64             `tfsdk:"cpu_mhz_per_core"`
	MemoryMB       types.Int64             `tfsdk:"memory_mb"`
	FailoverDomain types.String            `tfsdk:"failover_domain"`
	Maintenance    types.Bool              `tfsdk:"maintenance"`
	Evacuation     map[string]types.String `tfsdk:"evacuation"`
}

type guardSystem struct {
	Name        types.String   `tfsdk:"name"`
	Criticality types.String   `tfsdk:"criticality"`
	VMs         []types.String `tfsdk:"vms"`
	Hosts       []types.String `tfsdk:"hosts"`
	MinHosts    types.Int64    `tfsdk:"min_hosts"`
}

type guardStandby struct {
	Name         types.String   `tfsdk:"name"`
	ActiveHosts  []types.String `tfsdk:"active_hosts"`
	StandbyHosts []types.String `tfsdk:"standby_hosts"`
	Tolerate     types.Int64    `tfsdk:"tolerate"`
	Takeover     types.String   `tfsdk:"takeover"`
}

// guardInputs are the guard's inputs decoded from the plan.
type guardInputs struct {
	hosts    []guardHost
	systems  []guardSystem
	standby  []guardStandby
	clusters []inventory.ClusterName
}

func (m guardModel) inputs(ctx context.Context, diags *diagnostics) guardInputs {
	in := decodeInputs(ctx, m.Hosts, m.BusinessSystems, m.StandbyGroups, diags)
	for _, c := range m.Clusters {
		in.clusters = append(in.clusters, inventory.ClusterName(c.ValueString()))
	}
	return in
}

// decodeInputs decodes the object inputs that estate_guard and estate_impact
// share: `hosts`, `business_systems` and `standby_groups`.
func decodeInputs(ctx context.Context, hosts, systems, standby types.List, diags *diagnostics) guardInputs {
	var in guardInputs
	if !hosts.IsNull() {
		diags.Append(hosts.ElementsAs(ctx, &in.hosts, false)...)
	}
	if !systems.IsNull() {
		diags.Append(systems.ElementsAs(ctx, &in.systems, false)...)
	}
	if !standby.IsNull() {
		diags.Append(standby.ElementsAs(ctx, &in.standby, false)...)
	}
	return in
}

// unknownInputs names the inputs Terraform does not know at plan time.
func (m guardModel) unknownInputs() []string {
	var out []string
	for vm, h := range m.Placements {
		if h.IsUnknown() {
			out = append(out, fmt.Sprintf("placements[%q]", vm))
		}
	}
	for i, h := range m.MaintenanceHosts {
		if h.IsUnknown() {
			out = append(out, fmt.Sprintf("maintenance_hosts[%d]", i))
		}
	}
	for name, v := range map[string]attr.Value{"hosts": m.Hosts, "business_systems": m.BusinessSystems, "standby_groups": m.StandbyGroups,
		"tolerate_host_failures": m.TolerateHostFailures, "headroom_percent": m.HeadroomPercent, "basis": m.Basis, "fail_on": m.FailOn} {
		if unknownWithin(v) {
			out = append(out, name)
		}
	}
	for i, c := range m.Clusters {
		if c.IsUnknown() {
			out = append(out, fmt.Sprintf("clusters[%d]", i))
		}
	}
	slices.Sort(out)
	return out
}

// unknownWithin reports whether a value is unknown or holds an unknown value.
func unknownWithin(v attr.Value) bool {
	if v == nil || v.IsNull() {
		return false
	}
	if v.IsUnknown() {
		return true
	}
	switch x := v.(type) {
	case types.List:
		return slices.ContainsFunc(x.Elements(), unknownWithin)
	case types.Set:
		return slices.ContainsFunc(x.Elements(), unknownWithin)
	case types.Map:
		for _, e := range x.Elements() {
			if unknownWithin(e) {
				return true
			}
		}
	case types.Object:
		for _, e := range x.Attributes() {
			if unknownWithin(e) {
				return true
			}
		}
	}
	return false
}

// overlay turns the object inputs into changes of the planned estate
// (internal/planned, shared with the impact command): declared servers (and
// their failover domains), hosts entering maintenance with the moves of their
// evacuation, business systems and standby groups. It returns the hosts
// entering maintenance; business-system members the estate does not have
// are left out with a warning (a VM may be created in the same apply).
func (in guardInputs) overlay(live *inventory.Snapshot, diags *diagnostics) ([]inventory.Change, []inventory.HostName) {
	r := in.planned().Overlay(live)
	for _, p := range r.Problems {
		diags.AddAttributeError(path.Root("hosts"), "Invalid declared server", p)
	}
	if len(r.MissingMembers) > 0 {
		diags.AddAttributeWarning(path.Root("business_systems"), "Business-system VMs not in vCenter are left out",
			fmt.Sprintf("vCenter has no VM %s now; the business systems are analysed without them.", strings.Join(r.MissingMembers, ", ")))
	}
	if len(r.MissingHosts) > 0 {
		diags.AddAttributeWarning(path.Root("business_systems"), "Business-system hosts not in the estate are left out",
			fmt.Sprintf("Neither vCenter nor the declared servers have host %s; the business systems are analysed without them.", strings.Join(r.MissingHosts, ", ")))
	}
	return r.Changes, r.Maintenance
}

// planned converts the tfsdk values to the plain planned values.
func (in guardInputs) planned() planned.Inputs {
	var out planned.Inputs
	for _, h := range in.hosts {
		ph := planned.Host{Name: h.Name.ValueString(), Kind: h.Kind.ValueString(), CPUCores: h.CPUCores.ValueInt64(),
			CPUMHzPerCore: h.CPUMHzPerCore.ValueInt64(), MemoryMB: h.MemoryMB.ValueInt64(), FailoverDomain: h.FailoverDomain.ValueString(),
			Maintenance: h.Maintenance.ValueBool()}
		if len(h.Evacuation) > 0 {
			ph.Evacuation = map[string]string{}
			for vm, to := range h.Evacuation {
				ph.Evacuation[vm] = to.ValueString()
			}
		}
		out.Hosts = append(out.Hosts, ph)
	}
	for _, s := range in.systems {
		out.Systems = append(out.Systems, planned.System{Name: s.Name.ValueString(), Criticality: s.Criticality.ValueString(),
			VMs: stringsOf(s.VMs), Hosts: stringsOf(s.Hosts), MinHosts: s.MinHosts.ValueInt64()})
	}
	for _, g := range in.standby {
		out.Standby = append(out.Standby, planned.Standby{Name: g.Name.ValueString(), ActiveHosts: stringsOf(g.ActiveHosts),
			StandbyHosts: stringsOf(g.StandbyHosts), Tolerate: g.Tolerate.ValueInt64(), Takeover: g.Takeover.ValueString()})
	}
	return out
}

func stringsOf(in []types.String) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = v.ValueString()
	}
	return out
}

// outOfScope names the clusters the guard leaves out, for a visible warning.
func outOfScope(estate *inventory.Snapshot, scope []inventory.ClusterName) string {
	if len(scope) == 0 {
		return ""
	}
	var out []string
	for _, c := range estate.Clusters() {
		if !slices.Contains(scope, c.Name) {
			out = append(out, strconv.Quote(string(c.Name)))
		}
	}
	return strings.Join(out, ", ")
}
