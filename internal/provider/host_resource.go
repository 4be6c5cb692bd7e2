package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

var (
	_ resource.ResourceWithConfigure      = &HostResource{}
	_ resource.ResourceWithModifyPlan     = &HostResource{}
	_ resource.ResourceWithValidateConfig = &HostResource{}
	_ resource.ResourceWithImportState    = &HostResource{}
	_ resource.ResourceWithIdentity       = &HostResource{}
)

// HostResource adopts an ESXi host (maintenance mode with a capacity-safe
// evacuation) or declares a server vCenter does not manage.
type HostResource struct {
	data *providerData
}

// NewHostResource is the estate_host factory.
func NewHostResource() resource.Resource { return &HostResource{} }

type hostResourceModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Kind              types.String `tfsdk:"kind"`
	CPUCores          types.Int64  `tfsdk:"cpu_cores"`
	CPUMHzPerCore     types.Int64  `tfsdk:"cpu_mhz_per_core"`
	MemoryMB          types.Int64  `tfsdk:"memory_mb"`
	FailoverDomain    types.String `tfsdk:"failover_domain"`
	Maintenance       types.Bool   `tfsdk:"maintenance"`
	Labels            types.Map    `tfsdk:"labels"`
	Cluster           types.String `tfsdk:"cluster"`
	ConnectionState   types.String `tfsdk:"connection_state"`
	CPUCapacityMHz    types.Int64  `tfsdk:"cpu_capacity_mhz"`
	MemoryCapacityMB  types.Int64  `tfsdk:"memory_capacity_mb"`
	CPUCommittedMHz   types.Int64  `tfsdk:"cpu_committed_mhz"`
	MemoryCommittedMB types.Int64  `tfsdk:"memory_committed_mb"`
	CPUUsedMHz        types.Int64  `tfsdk:"cpu_used_mhz"`
	MemoryUsedMB      types.Int64  `tfsdk:"memory_used_mb"`
	VMs               types.List   `tfsdk:"vms"`
	Evacuation        types.Map    `tfsdk:"evacuation"`
}

// declaredKinds are the kinds of servers vCenter does not manage.
func declaredKinds() []inventory.HostKind {
	return slices.DeleteFunc(slices.Clone(inventory.HostKinds), func(k inventory.HostKind) bool { return k == inventory.KindESXi })
}

func (m hostResourceModel) declared() bool { return m.Kind.ValueString() != string(inventory.KindESXi) }

func (r *HostResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_host"
}

func (r *HostResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	capacity := func(what string) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, Computed: true,
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
			MarkdownDescription: what + " Required for a declared server; read from vCenter for `esxi`, where setting it is an error."}
	}
	computed := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A host of the estate. With `kind = \"esxi\"` (the default) it adopts a vSphere host by name: its capacity, load, VMs and connection state are read from vCenter, and `maintenance` puts it into maintenance mode after moving its powered-on VMs, in a capacity-safe order, onto the rest of its cluster. " +
			"With another kind (" + list(declaredKinds()) + ") it declares a server vCenter does not manage, with its capacity, so physical database servers and other platforms take part in business systems and failure analysis; " +
			"a declared server lives only in Terraform state and in the estate the other resources of the same plan check. " +
			"Destroying the resource changes nothing in vCenter: an ESXi host stays in or out of maintenance mode as it is.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The host name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true,
				MarkdownDescription: "Name of the host: as vCenter names it for `esxi`, any unique name for a declared server.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"kind": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(inventory.KindESXi)),
				Validators:          []validator.String{stringvalidator.OneOf(inventory.Strings(inventory.HostKinds)...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "What the host is: " + list(inventory.HostKinds) + ". `esxi` hosts must exist in vCenter; the others are declared servers. Default `esxi`."},
			"cpu_cores":        capacity("Physical CPU cores."),
			"cpu_mhz_per_core": capacity("Clock of one core in MHz."),
			"memory_mb":        capacity("Memory in MiB."),
			"failover_domain": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Declared servers only: the set of servers that can take over for each other, by name. " +
					"In the planned estate a failover domain is a cluster of declared servers with vSphere HA semantics (its servers restart each other's workloads) and no admission control; it must not be the name of a vCenter cluster."},
			"maintenance": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Maintenance mode. `true` on an ESXi host: the plan computes where its powered-on VMs go (`evacuation`) and fails, naming the shortfall and the rule, if they do not fit on the rest of its cluster under the provider's policy; " +
					"apply moves them in a capacity-safe order and then enters maintenance mode. If a move fails, the state records what really happened and the error says which VMs moved and which did not. " +
					"`false` exits maintenance mode. Unset: left as it is, and reported. A declared server in maintenance carries no load in the planned estate."},
			"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Free-form labels, kept in Terraform state (never written to vCenter); a declared server carries them as `key/value` tags in the planned estate."},
			"cluster":             schema.StringAttribute{Computed: true, MarkdownDescription: "The host's vCenter cluster; for a declared server its `failover_domain`."},
			"connection_state":    schema.StringAttribute{Computed: true, MarkdownDescription: "Connection state as vCenter reports it: " + list(inventory.Connections) + ". Always `connected` for a declared server."},
			"cpu_capacity_mhz":    computed("CPU capacity in MHz: cores × MHz per core."),
			"memory_capacity_mb":  computed("Memory capacity in MiB."),
			"cpu_committed_mhz":   computed("CPU the host's powered-on VMs demand under the provider policy's `basis`, in MHz."),
			"memory_committed_mb": computed("Memory the host's powered-on VMs demand under the provider policy's `basis`, in MiB."),
			"cpu_used_mhz":        computed("CPU in use as vCenter measures it, in MHz; `0` for a declared server. Unknown in a plan that moves VMs."),
			"memory_used_mb":      computed("Memory in use as vCenter measures it, in MiB; `0` for a declared server. Unknown in a plan that moves VMs."),
			"vms": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Names of the VMs registered on the host, sorted; in a plan that evacuates the host, those that stay (powered off)."},
			"evacuation": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "VM → host: where the last maintenance evacuation moves (in a plan) or moved (in state) each powered-on VM. Empty when no evacuation happened."},
		},
	}
}

func (r *HostResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = nameIdentitySchema("Name of the host: as vCenter names it for `esxi` (a name that repeats in vCenter is `name (host-id)`), the declared name for a declared server.")
}

func (r *HostResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses capacity on an ESXi host: it belongs to declared servers; vCenter reports an ESXi host's.
func (r *HostResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m hostResourceModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() || m.Kind.IsUnknown() {
		return
	}
	kind := m.Kind.ValueString()
	if m.Kind.IsNull() {
		kind = string(inventory.KindESXi)
	}
	if !slices.Contains(inventory.HostKinds, inventory.HostKind(kind)) {
		return // the kind's own validator says so
	}
	fields := []struct {
		name string
		set  bool
	}{
		{"cpu_cores", !m.CPUCores.IsNull()}, {"cpu_mhz_per_core", !m.CPUMHzPerCore.IsNull()}, {"memory_mb", !m.MemoryMB.IsNull()},
	}
	if kind == string(inventory.KindESXi) {
		var set []string
		for _, f := range fields {
			if f.set {
				set = append(set, f.name)
			}
		}
		if !m.FailoverDomain.IsNull() {
			set = append(set, "failover_domain")
		}
		if len(set) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root(set[0]), "Invalid attributes for an ESXi host",
				fmt.Sprintf("%s must not be set when kind = \"esxi\": vCenter reports an ESXi host's capacity and cluster. They describe declared servers (kind %s).",
					strings.Join(set, ", "), strings.Join(inventory.Strings(declaredKinds()), ", ")))
		}
		return
	}
	var missing []string
	for _, f := range fields {
		if !f.set {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root(missing[0]), "Missing capacity of a declared server",
			fmt.Sprintf("kind = %q declares a server vCenter does not manage: set cpu_cores, cpu_mhz_per_core and memory_mb (missing: %s).", kind, strings.Join(missing, ", ")))
	}
}

// ModifyPlan checks the host against the live estate and computes the evacuation of a host entering maintenance.
func (r *HostResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		var state hostResourceModel
		if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); !resp.Diagnostics.HasError() && state.declared() {
			r.data.ForgetHost(inventory.HostName(state.Name.ValueString()))
		}
		return
	}
	var plan, config hostResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() || plan.Kind.IsUnknown() {
		return
	}
	var prior *hostResourceModel
	if !req.State.Raw.IsNull() {
		prior = &hostResourceModel{}
		if resp.Diagnostics.Append(req.State.Get(ctx, prior)...); resp.Diagnostics.HasError() {
			return
		}
	}
	estate, diags := r.data.PlannedEstate(ctx)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	name := inventory.HostName(plan.Name.ValueString())
	plan.ID = plan.Name
	if plan.declared() {
		if h, ok := estate.Host(name); ok && h.Kind == inventory.KindESXi {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Invalid declared server",
				fmt.Sprintf("vCenter manages a host named %q: adopt it with kind = \"esxi\", or give the declared server another name.", clip(string(name))))
			return
		}
		if d := plan.FailoverDomain.ValueString(); d != "" {
			if _, ok := estate.Cluster(inventory.ClusterName(d)); ok && !r.isDomain(estate, inventory.ClusterName(d)) {
				resp.Diagnostics.AddAttributeError(path.Root("failover_domain"), "Invalid failover domain",
					fmt.Sprintf("failover_domain = %q is a vCenter cluster: a failover domain groups declared servers only; choose another name.", clip(d)))
				return
			}
		}
		if plan.Maintenance.IsUnknown() {
			plan.Maintenance = types.BoolValue(prior != nil && prior.Maintenance.ValueBool())
		}
		plan.fillDeclared(ctx, &resp.Diagnostics)
		if !plan.CPUCores.IsUnknown() && !plan.CPUMHzPerCore.IsUnknown() && !plan.MemoryMB.IsUnknown() && !plan.FailoverDomain.IsUnknown() && !plan.Labels.IsUnknown() {
			r.data.DeclareHost(plan.host(ctx))
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	h, ok := estate.Host(name)
	if !ok || h.Kind != inventory.KindESXi {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Unknown ESXi host",
			fmt.Sprintf("vCenter has no host %q: %s. To declare a server vCenter does not manage, set kind to one of %s.",
				clip(string(name)), inventory.KnownList("hosts", esxiHosts(estate)), strings.Join(inventory.Strings(declaredKinds()), ", ")))
		return
	}
	r.fillLive(ctx, &plan, estate, h, &resp.Diagnostics)
	plan.Evacuation = emptyMapOr(prior)
	if !config.Maintenance.IsNull() {
		plan.Maintenance = config.Maintenance // unset: as it is
	}
	if plan.Maintenance.IsUnknown() {
		// Known only at apply: so is what moves.
		plan.Evacuation, plan.VMs = types.MapUnknown(types.StringType), types.ListUnknown(types.StringType)
		plan.CPUCommittedMHz, plan.MemoryCommittedMB = types.Int64Unknown(), types.Int64Unknown()
		plan.CPUUsedMHz, plan.MemoryUsedMB = types.Int64Unknown(), types.Int64Unknown()
	} else if plan.Maintenance.ValueBool() && !h.Maintenance {
		r.planEvacuation(ctx, &plan, estate, h, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// isDomain reports whether a cluster of the planned estate is a failover domain of declared servers.
func (r *HostResource) isDomain(s *inventory.Snapshot, c inventory.ClusterName) bool {
	hosts := s.HostsIn(c)
	for _, h := range hosts {
		if h.Kind == inventory.KindESXi {
			return false
		}
	}
	return len(hosts) > 0
}

// planEvacuation computes where the host's powered-on VMs go and what stays, or fails the plan saying why they do not fit.
func (r *HostResource) planEvacuation(ctx context.Context, plan *hostResourceModel, estate *inventory.Snapshot, h inventory.Host, diags *diagnostics) {
	policy := r.data.policy
	e := analysis.Evacuate(estate, policy.Policy, []inventory.HostName{h.Name})
	if e.Verdict != analysis.Safe {
		diags.AddAttributeError(path.Root("maintenance"), "Host cannot enter maintenance",
			fmt.Sprintf("The powered-on VMs of host %q do not fit on the rest of cluster %q (evacuation %s): %s%s",
				clip(string(h.Name)), clip(string(h.Cluster)), e.Verdict, e.Reason, shortfallText(e.Shortfalls, policy.Policy)))
		return
	}
	moves := map[string]string{}
	var changes []inventory.Change
	var targets []inventory.HostName
	for vm, to := range e.Moves {
		moves[string(vm)] = string(to)
		changes = append(changes, inventory.MoveVM{VM: vm, To: to})
		if !slices.Contains(targets, to) {
			targets = append(targets, to)
		}
	}
	var stay []string
	for _, v := range estate.VMsOn(h.Name) {
		if _, moved := e.Moves[v.Name]; !moved {
			stay = append(stay, string(v.Name))
		}
	}
	slices.Sort(stay)
	var d diagnostics
	plan.Evacuation, d = types.MapValueFrom(ctx, types.StringType, moves)
	diags.Append(d...)
	plan.VMs, d = types.ListValueFrom(ctx, types.StringType, nonNil(stay))
	diags.Append(d...)
	plan.CPUCommittedMHz, plan.MemoryCommittedMB = types.Int64Value(0), types.Int64Value(0)
	plan.CPUUsedMHz, plan.MemoryUsedMB = types.Int64Unknown(), types.Int64Unknown()
	if after, err := estate.With(changes...); err == nil {
		for _, w := range analysis.LoadedAbove(after, policy.Policy, policy.WarnAbovePercent, targets) {
			diags.AddAttributeWarning(path.Root("maintenance"), "Evacuation leaves a host heavily loaded", w)
		}
	}
}

// shortfallText lists the shortfalls and the policy they were measured under.
func shortfallText(sf []analysis.Shortfall, p analysis.Policy) string {
	if len(sf) == 0 {
		return ""
	}
	lines := make([]string, 0, len(sf))
	for _, s := range sf {
		unit := "MHz"
		if s.Dimension == analysis.Memory {
			unit = "MiB"
		}
		vm := ""
		if s.VM != "" {
			vm = fmt.Sprintf(" for VM %q", clip(string(s.VM)))
		}
		lines = append(lines, fmt.Sprintf("host %q has no room%s: %s requested %d %s, used %d of %d", clip(string(s.Host)), vm, s.Dimension, s.Requested, unit, s.Used, s.Capacity))
	}
	return fmt.Sprintf("\n%s\n(policy: basis %s, cpu overcommit %g, memory overcommit %g, headroom %g %%)",
		strings.Join(lines, "\n"), p.Basis, p.CPUOvercommit, p.MemoryOvercommit, p.HeadroomPercent)
}

// fillLive sets the attributes vCenter reports.
func (r *HostResource) fillLive(ctx context.Context, m *hostResourceModel, estate *inventory.Snapshot, h inventory.Host, diags *diagnostics) {
	m.ID, m.Name = types.StringValue(string(h.Name)), types.StringValue(string(h.Name))
	m.Kind = types.StringValue(string(inventory.KindESXi))
	m.Cluster, m.ConnectionState = types.StringValue(string(h.Cluster)), types.StringValue(string(h.Connection))
	m.CPUCores, m.CPUMHzPerCore, m.MemoryMB = types.Int64Value(int64(h.CPUCores)), types.Int64Value(h.CPUMHzPerCore), types.Int64Value(h.MemoryMB)
	m.CPUCapacityMHz, m.MemoryCapacityMB = types.Int64Value(h.CPUCapacityMHz()), types.Int64Value(h.MemoryMB)
	p := r.data.policy.Policy
	var committed analysis.Resources
	var vms []string
	for _, v := range estate.VMsOn(h.Name) {
		vms = append(vms, string(v.Name))
		if v.PoweredOn() {
			d := p.Demand(v, h)
			committed.CPU += d.CPU
			committed.Memory += d.Memory
		}
	}
	slices.Sort(vms)
	m.CPUCommittedMHz, m.MemoryCommittedMB = types.Int64Value(committed.CPU), types.Int64Value(committed.Memory)
	m.CPUUsedMHz, m.MemoryUsedMB = types.Int64Value(h.CPUUsageMHz), types.Int64Value(h.MemoryUsageMB)
	var d diagnostics
	m.VMs, d = types.ListValueFrom(ctx, types.StringType, nonNil(vms))
	diags.Append(d...)
	m.Maintenance = types.BoolValue(h.Maintenance)
}

// fillDeclared sets the computed attributes of a declared server from its configuration.
func (m *hostResourceModel) fillDeclared(_ context.Context, _ *diagnostics) {
	m.ID = m.Name
	m.Cluster = m.FailoverDomain
	m.ConnectionState = types.StringValue(string(inventory.Connected))
	if m.CPUCores.IsUnknown() || m.CPUMHzPerCore.IsUnknown() {
		m.CPUCapacityMHz = types.Int64Unknown()
	} else {
		m.CPUCapacityMHz = types.Int64Value(m.CPUCores.ValueInt64() * m.CPUMHzPerCore.ValueInt64())
	}
	m.MemoryCapacityMB = m.MemoryMB
	m.CPUCommittedMHz, m.MemoryCommittedMB = types.Int64Value(0), types.Int64Value(0)
	m.CPUUsedMHz, m.MemoryUsedMB = types.Int64Value(0), types.Int64Value(0)
	m.VMs = types.ListValueMust(types.StringType, nil)
	m.Evacuation = types.MapValueMust(types.StringType, nil)
}

// host is the declared server as the planned estate holds it.
func (m hostResourceModel) host(ctx context.Context) inventory.Host {
	h := inventory.Host{Name: inventory.HostName(m.Name.ValueString()), Kind: inventory.HostKind(m.Kind.ValueString()),
		Cluster: inventory.ClusterName(m.FailoverDomain.ValueString()), CPUCores: int(m.CPUCores.ValueInt64()),
		CPUMHzPerCore: m.CPUMHzPerCore.ValueInt64(), MemoryMB: m.MemoryMB.ValueInt64(),
		Connection: inventory.Connected, Maintenance: m.Maintenance.ValueBool()}
	labels := map[string]string{}
	_ = m.Labels.ElementsAs(ctx, &labels, false)
	for k, v := range labels {
		h.Tags = append(h.Tags, k+"/"+v)
	}
	slices.Sort(h.Tags)
	return h
}

func esxiHosts(s *inventory.Snapshot) map[inventory.HostName]bool {
	out := map[inventory.HostName]bool{}
	for _, h := range s.Hosts() {
		if h.Kind == inventory.KindESXi {
			out[h.Name] = true
		}
	}
	return out
}

// emptyMapOr keeps the evacuation recorded in state, or starts an empty one.
func emptyMapOr(prior *hostResourceModel) types.Map {
	if prior != nil && !prior.Evacuation.IsNull() && !prior.Evacuation.IsUnknown() {
		return prior.Evacuation
	}
	return types.MapValueMust(types.StringType, nil)
}

func (r *HostResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	setNameIdentity(ctx, resp.Identity, nameFrom(ctx, req.Plan.GetAttribute, &resp.Diagnostics), &resp.Diagnostics)
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *HostResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	setNameIdentity(ctx, resp.Identity, nameFrom(ctx, req.Plan.GetAttribute, &resp.Diagnostics), &resp.Diagnostics)
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *HostResource) apply(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diagnostics) {
	var m hostResourceModel
	if diags.Append(plan.Get(ctx, &m)...); diags.HasError() {
		return
	}
	if m.declared() {
		r.data.DeclareHost(m.host(ctx))
		diags.Append(state.Set(ctx, &m)...)
		return
	}
	r.applyMaintenance(ctx, &m, state, diags)
}

func (r *HostResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m hostResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	// Set even when the host is gone: the framework requires an identity after every Read without errors.
	setNameIdentity(ctx, resp.Identity, m.Name, &resp.Diagnostics)
	if m.declared() {
		// Declared servers live in state: Read keeps it, and the planned estate gets the server.
		r.data.DeclareHost(m.host(ctx))
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	// What a refresh reports of the host (its load, its VMs) is in its cluster.
	name := inventory.HostName(m.Name.ValueString())
	topo, d := r.data.readScope(ctx, scope{hosts: []inventory.HostName{name}})
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	h, ok := topo.Estate.Host(name)
	if !ok || h.Kind != inventory.KindESXi {
		resp.State.RemoveResource(ctx)
		return
	}
	r.fillLive(ctx, &m, topo.Estate, h, &resp.Diagnostics)
	if m.Evacuation.IsNull() {
		m.Evacuation = types.MapValueMust(types.StringType, nil)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete changes nothing in vCenter; a declared server leaves the planned estate.
func (r *HostResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m hostResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if m.declared() && r.data != nil {
		r.data.ForgetHost(inventory.HostName(m.Name.ValueString()))
	}
}

// ImportState adopts an ESXi host by its name (the import ID, or the identity's `name`); Read fills in
// the rest from vCenter.
func (r *HostResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByName(ctx, req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("kind"), string(inventory.KindESXi))...)
}
