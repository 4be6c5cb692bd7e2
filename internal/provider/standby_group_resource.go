package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
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
	_ resource.ResourceWithConfigure  = &StandbyGroupResource{}
	_ resource.ResourceWithModifyPlan = &StandbyGroupResource{}
)

// Standby group modes: vsphere_ha writes the cluster's HA admission control, record only models.
const (
	StandbyModeVSphereHA = "vsphere_ha"
	StandbyModeRecord    = "record"
)

// StandbyModes lists every standby group mode.
var StandbyModes = []string{StandbyModeVSphereHA, StandbyModeRecord}

// privatePreviousAdmission keeps, in vsphere_ha mode, the admission control
// the cluster had before the group was created, which Delete restores.
const privatePreviousAdmission = "previous_admission_control"

// StandbyGroupResource is an N+M standby pairing.
type StandbyGroupResource struct {
	data *providerData
}

// NewStandbyGroupResource is the estate_standby_group factory.
func NewStandbyGroupResource() resource.Resource { return &StandbyGroupResource{} }

type standbyGroupModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	ActiveHosts  types.Set    `tfsdk:"active_hosts"`
	StandbyHosts types.Set    `tfsdk:"standby_hosts"`
	Tolerate     types.Int64  `tfsdk:"tolerate"`
	Takeover     types.String `tfsdk:"takeover"`
	Mode         types.String `tfsdk:"mode"`
	Cluster      types.String `tfsdk:"cluster"`
	WorstCase    types.Object `tfsdk:"worst_case"`
	Headroom     types.Object `tfsdk:"headroom"`
}

var (
	worstCaseTypes = map[string]attr.Type{
		"failed_hosts": types.ListType{ElemType: types.StringType}, "verdict": types.StringType, "reason": types.StringType,
		"need_cpu_mhz": types.Int64Type, "need_memory_mb": types.Int64Type, "offer_cpu_mhz": types.Int64Type, "offer_memory_mb": types.Int64Type,
	}
	headroomTypes = map[string]attr.Type{"cpu_mhz": types.Int64Type, "memory_mb": types.Int64Type}
)

func (r *StandbyGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_standby_group"
}

func (r *StandbyGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedInt64 := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	hostSet := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "N+M standby: active hosts share standby hosts that take over when an active one fails — blade-style N+1 cold standby, or vSphere HA dedicated failover hosts. " +
			"The plan checks every subset of up to `tolerate` active hosts failing against the standby hosts and fails naming the worst subset and its shortfall. " +
			"In `vsphere_ha` mode apply writes the cluster's HA admission control (dedicated failover hosts), refresh shows when someone changed it, and destroy restores the policy the cluster had before.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The group's name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the standby group. Changing it replaces the group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"active_hosts": hostSet("Hosts that run the workloads. Names vCenter does not know are servers declared with `estate_host` (only in `record` mode)."),
			"standby_hosts": hostSet("Hosts that take over when active ones fail. In `vsphere_ha` mode the cluster's dedicated failover hosts; refresh reads them from the cluster. " +
				"A standby host that runs VMs of its own gets a warning: a `whole_host` takeover cannot use it."),
			"tolerate": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "How many active hosts may fail at once, at most the number of active hosts. Default `1`."},
			"takeover": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(inventory.TakeoverWholeHost)),
				Validators: []validator.String{stringvalidator.OneOf(inventory.Strings(inventory.Takeovers)...)},
				MarkdownDescription: "How a standby absorbs failed hosts: " + list(inventory.Takeovers) + ". `whole_host`: each failed host needs its own idle standby at least as large in CPU and memory. " +
					"`consolidated`: one standby takes the workloads of several failed hosts if they fit in its free capacity. Default `whole_host`."},
			"mode": schema.StringAttribute{Required: true,
				Validators: []validator.String{stringvalidator.OneOf(StandbyModes...)},
				MarkdownDescription: "`vsphere_ha`: write the cluster's HA admission control to use the standby hosts as dedicated failover hosts (every host an ESXi host of one cluster). " +
					"`record`: model only, for physical servers; nothing is written. Changing it replaces the group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"cluster": schema.StringAttribute{Computed: true, MarkdownDescription: "The cluster whose admission control the group writes (`vsphere_ha`), else empty."},
			"worst_case": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "The worst subset of failing active hosts: an unsafe one if any (short by most), else the one with the least headroom. Null when a host is not in vCenter (declared servers: `estate_guard` checks them).",
				Attributes: map[string]schema.Attribute{
					"failed_hosts":    schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The failing active hosts."},
					"verdict":         schema.StringAttribute{Computed: true, MarkdownDescription: "`safe` or `unsafe`."},
					"reason":          schema.StringAttribute{Computed: true, MarkdownDescription: "Why, as the analysis explains it."},
					"need_cpu_mhz":    computedInt64("CPU the failed hosts hand over, in MHz: their size (`whole_host`) or their powered-on VMs' reservations (`consolidated`)."),
					"need_memory_mb":  computedInt64("Memory the failed hosts hand over, in MiB, likewise."),
					"offer_cpu_mhz":   computedInt64("CPU the available standby hosts offer, in MHz: the size of the idle ones (`whole_host`) or their free capacity (`consolidated`)."),
					"offer_memory_mb": computedInt64("Memory the available standby hosts offer, in MiB, likewise."),
				}},
			"headroom": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "Offer minus need of the worst case; negative is the shortfall. Null with `worst_case`.",
				Attributes: map[string]schema.Attribute{
					"cpu_mhz":   computedInt64("CPU headroom, in MHz."),
					"memory_mb": computedInt64("Memory headroom, in MiB."),
				}},
		},
	}
}

func (r *StandbyGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m standbyGroupModel) group(ctx context.Context, diags *diag.Diagnostics) (inventory.StandbyGroup, bool) {
	if m.Name.IsUnknown() || m.ActiveHosts.IsUnknown() || m.StandbyHosts.IsUnknown() || m.Tolerate.IsUnknown() || m.Takeover.IsUnknown() || m.Mode.IsUnknown() {
		return inventory.StandbyGroup{}, false
	}
	var active, standby []string
	diags.Append(m.ActiveHosts.ElementsAs(ctx, &active, false)...)
	diags.Append(m.StandbyHosts.ElementsAs(ctx, &standby, false)...)
	g := inventory.StandbyGroup{Name: inventory.GroupName(m.Name.ValueString()), Tolerate: int(m.Tolerate.ValueInt64()),
		Takeover: inventory.Takeover(m.Takeover.ValueString())}
	for _, h := range active {
		g.Active = append(g.Active, inventory.HostName(h))
	}
	for _, h := range standby {
		g.Standby = append(g.Standby, inventory.HostName(h))
	}
	slices.Sort(g.Active)
	slices.Sort(g.Standby)
	return g, !diags.HasError()
}

// standbyCheck is what the plan-time check of a standby group finds.
type standbyCheck struct {
	Cluster   inventory.ClusterName
	Admission inventory.AdmissionControl // vsphere_ha: the policy to write
	Worst     *analysis.StandbyCase
}

// checkStandbyGroup checks a standby group against the live estate with the
// group (and, in vsphere_ha mode, the admission control it writes) overlaid.
func checkStandbyGroup(live *inventory.Snapshot, g inventory.StandbyGroup, mode string) (standbyCheck, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out standbyCheck
	name := clip(string(g.Name))
	if g.Tolerate > len(g.Active) {
		diags.AddAttributeError(path.Root("tolerate"), "Invalid tolerate",
			fmt.Sprintf("tolerate = %d: must be between 1 and the number of active hosts (%d) of standby group %q.", g.Tolerate, len(g.Active), name))
	}
	for _, h := range g.Standby {
		if slices.Contains(g.Active, h) {
			diags.AddAttributeError(path.Root("standby_hosts"), "Invalid standby_hosts",
				fmt.Sprintf("Host %q is listed in both active_hosts and standby_hosts of standby group %q.", clip(string(h)), name))
		}
	}
	if diags.HasError() {
		return out, diags
	}
	all := append(slices.Clone(g.Active), g.Standby...)
	var unknown []string
	clusters := map[inventory.ClusterName][]string{}
	for _, h := range all {
		host, ok := live.Host(h)
		if !ok {
			unknown = append(unknown, clip(string(h)))
			continue
		}
		clusters[host.Cluster] = append(clusters[host.Cluster], string(h))
	}
	if mode == StandbyModeVSphereHA {
		switch {
		case len(unknown) > 0:
			diags.AddAttributeError(path.Root("mode"), "Invalid standby group for vsphere_ha",
				fmt.Sprintf("mode = %q writes the HA admission control of one cluster, so every active and standby host must be an ESXi host of it: vCenter has no host %s. Use mode = %q for declared servers.",
					StandbyModeVSphereHA, strings.Join(unknown, ", "), StandbyModeRecord))
			return out, diags
		case len(clusters) > 1:
			diags.AddAttributeError(path.Root("mode"), "Invalid standby group for vsphere_ha",
				fmt.Sprintf("mode = %q writes the HA admission control of one cluster, but the hosts of standby group %q are in several: %s.",
					StandbyModeVSphereHA, name, clusterList(clusters)))
			return out, diags
		}
		for c := range clusters {
			out.Cluster = c
		}
	}
	if len(unknown) > 0 {
		diags.AddWarning("Hosts not in vCenter",
			fmt.Sprintf("Standby group %q: vCenter has no host %s: declare it with an estate_host resource. Its capacity is not known here, so the takeover is not checked at plan; estate_guard checks it with the declared hosts.",
				name, strings.Join(unknown, ", ")))
		return out, diags
	}
	for _, h := range g.Standby {
		var running []string
		for _, v := range live.VMsOn(h) {
			if v.PoweredOn() {
				running = append(running, string(v.Name))
			}
		}
		if len(running) > 0 {
			diags.AddAttributeWarning(path.Root("standby_hosts"), "Standby host runs VMs of its own",
				fmt.Sprintf("Standby host %s of standby group %q runs %d powered-on VM(s) of its own (%s): a whole_host takeover cannot use it, a consolidated one only with the room left.",
					clip(string(h)), name, len(running), strings.Join(running, ", ")))
		}
	}
	changes := []inventory.Change{inventory.PutStandbyGroup{Group: g}}
	if mode == StandbyModeVSphereHA {
		out.Admission = inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, HostFailures: g.Tolerate, FailoverHosts: g.Standby}
		changes = append(changes, inventory.SetAdmissionControl{Cluster: out.Cluster, Policy: out.Admission})
	}
	planned, err := live.With(changes...)
	if err != nil {
		diags.AddError("Invalid standby group", err.Error())
		return out, diags
	}
	worst, ok := analysis.StandbyWorstCase(planned, analysis.DefaultPolicy(), g.Name)
	if !ok {
		return out, diags
	}
	out.Worst = &worst
	if worst.Verdict == analysis.Unsafe {
		h := worst.Headroom()
		diags.AddAttributeError(path.Root("standby_hosts"), "Standby hosts cannot absorb the failures",
			fmt.Sprintf("Standby group %q cannot absorb the failure of %s: %s. They hand over %d MHz CPU and %d MiB memory; the available standby hosts offer %d MHz and %d MiB (headroom %d MHz, %d MiB).",
				name, strings.Join(strs(worst.FailedHosts), ", "), worst.Reason, worst.Need.CPU, worst.Need.Memory, worst.Offer.CPU, worst.Offer.Memory, h.CPU, h.Memory))
	}
	return out, diags
}

// setWorst fills worst_case and headroom; null when nothing was checked.
func (m *standbyGroupModel) setWorst(c standbyCheck) {
	m.Cluster = types.StringValue(string(c.Cluster))
	if c.Worst == nil {
		m.WorstCase, m.Headroom = types.ObjectNull(worstCaseTypes), types.ObjectNull(headroomTypes)
		return
	}
	w, h := c.Worst, c.Worst.Headroom()
	m.WorstCase = types.ObjectValueMust(worstCaseTypes, map[string]attr.Value{
		"failed_hosts": stringList(strs(w.FailedHosts)), "verdict": types.StringValue(string(w.Verdict)), "reason": types.StringValue(w.Reason),
		"need_cpu_mhz": types.Int64Value(w.Need.CPU), "need_memory_mb": types.Int64Value(w.Need.Memory),
		"offer_cpu_mhz": types.Int64Value(w.Offer.CPU), "offer_memory_mb": types.Int64Value(w.Offer.Memory),
	})
	m.Headroom = types.ObjectValueMust(headroomTypes, map[string]attr.Value{"cpu_mhz": types.Int64Value(h.CPU), "memory_mb": types.Int64Value(h.Memory)})
}

func (r *StandbyGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan standbyGroupModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	g, ok := plan.group(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	topo, d := r.data.topology(ctx)
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	check, d := checkStandbyGroup(topo.Estate, g, plan.Mode.ValueString())
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	plan.ID = plan.Name
	plan.setWorst(check)
	if !req.State.Raw.IsNull() {
		var state standbyGroupModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.Cluster.ValueString() != plan.Cluster.ValueString() {
			// The admission control of another cluster: restore the old one, write the new one.
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("cluster"))
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *StandbyGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, resp.Private, true, &resp.Diagnostics)
}

func (r *StandbyGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, &resp.State, resp.Private, false, &resp.Diagnostics)
}

// privateState is the part of the framework's private state the resource uses.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// apply writes, in vsphere_ha mode, the admission control and reads it back;
// record mode writes nothing. The state is the plan, checked against this command's read.
func (r *StandbyGroupResource) apply(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, private privateState, create bool, diags *diagnostics) {
	var m standbyGroupModel
	if diags.Append(plan.Get(ctx, &m)...); diags.HasError() {
		return
	}
	if m.Mode.ValueString() == StandbyModeVSphereHA {
		g, _ := m.group(ctx, diags)
		if !r.writeFailoverHosts(ctx, inventory.ClusterName(m.Cluster.ValueString()), g, private, create, diags) {
			return
		}
	}
	diags.Append(state.Set(ctx, &m)...)
}

func (r *StandbyGroupResource) writeFailoverHosts(ctx context.Context, cluster inventory.ClusterName, g inventory.StandbyGroup, private privateState, create bool, diags *diagnostics) bool {
	topo, d := r.data.topology(ctx)
	if diags.Append(d...); d.HasError() {
		return false
	}
	c, ok := topo.Estate.Cluster(cluster)
	if !ok {
		diags.AddError("Cannot write the standby group", fmt.Sprintf("vCenter no longer has cluster %q", clip(string(cluster))))
		return false
	}
	if create {
		prev, err := json.Marshal(c.HA.AdmissionControl)
		if err != nil {
			diags.AddError("Cannot keep the cluster's admission control", err.Error())
			return false
		}
		if diags.Append(private.SetKey(ctx, privatePreviousAdmission, prev)...); diags.HasError() {
			return false
		}
	}
	ha := c.HA
	ha.AdmissionControl = inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, HostFailures: g.Tolerate, FailoverHosts: g.Standby}
	err := r.data.cache.Client().SetHA(ctx, cluster, ha)
	r.data.cache.Invalidate()
	if err != nil {
		diags.AddError("Cannot write the standby group", err.Error())
		return false
	}
	topo, d = r.data.topology(ctx)
	if diags.Append(d...); d.HasError() {
		return false
	}
	c, _ = topo.Estate.Cluster(cluster)
	got := slices.Sorted(slices.Values(c.HA.AdmissionControl.FailoverHosts))
	if c.HA.AdmissionControl.Policy != inventory.PolicyFailoverHosts || !slices.Equal(got, g.Standby) {
		diags.AddError("vCenter did not keep the standby group",
			fmt.Sprintf("After writing, cluster %q reports admission control %s with failover hosts [%s], not failover_hosts with [%s].",
				clip(string(cluster)), c.HA.AdmissionControl.Policy, strings.Join(strs(got), ", "), strings.Join(strs(g.Standby), ", ")))
		return false
	}
	return true
}

// Read shows drift in vsphere_ha mode: standby_hosts become the cluster's
// failover hosts (none when its policy is no longer failover_hosts).
func (r *StandbyGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m standbyGroupModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if m.Mode.ValueString() == StandbyModeVSphereHA {
		topo, d := r.data.topology(ctx)
		if resp.Diagnostics.Append(d...); d.HasError() {
			return
		}
		c, ok := topo.Estate.Cluster(inventory.ClusterName(m.Cluster.ValueString()))
		if !ok {
			resp.State.RemoveResource(ctx)
			return
		}
		var failover []string
		if ac := c.HA.AdmissionControl; ac.Policy == inventory.PolicyFailoverHosts {
			failover = strs(ac.FailoverHosts)
		}
		m.StandbyHosts = stringSet(failover)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete restores, in vsphere_ha mode, the admission control the cluster had
// before the group was created; record mode only forgets the group.
func (r *StandbyGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m standbyGroupModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() || m.Mode.ValueString() != StandbyModeVSphereHA {
		return
	}
	prev, d := req.Private.GetKey(ctx, privatePreviousAdmission)
	if resp.Diagnostics.Append(d...); d.HasError() || prev == nil {
		return
	}
	var ac inventory.AdmissionControl
	if err := json.Unmarshal(prev, &ac); err != nil {
		resp.Diagnostics.AddError("Cannot restore the cluster's admission control", err.Error())
		return
	}
	cluster := inventory.ClusterName(m.Cluster.ValueString())
	topo, d := r.data.topology(ctx)
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	c, ok := topo.Estate.Cluster(cluster)
	if !ok {
		return
	}
	ha := c.HA
	ha.AdmissionControl = ac
	err := r.data.cache.Client().SetHA(ctx, cluster, ha)
	r.data.cache.Invalidate()
	if err != nil {
		resp.Diagnostics.AddError("Cannot restore the cluster's admission control", err.Error())
	}
}
