package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

var (
	_ resource.ResourceWithConfigure  = &GuardResource{}
	_ resource.ResourceWithModifyPlan = &GuardResource{}
)

// GuardResource checks the whole planned change: live estate plus every
// planned placement and maintenance, against a failover policy.
type GuardResource struct {
	data *providerData
}

// NewGuardResource is the estate_guard factory.
func NewGuardResource() resource.Resource { return &GuardResource{} }

type guardModel struct {
	ID                   types.String            `tfsdk:"id"`
	Placements           map[string]types.String `tfsdk:"placements"`
	MaintenanceHosts     []types.String          `tfsdk:"maintenance_hosts"`
	Hosts                types.List              `tfsdk:"hosts"`
	BusinessSystems      types.List              `tfsdk:"business_systems"`
	StandbyGroups        types.List              `tfsdk:"standby_groups"`
	Clusters             []types.String          `tfsdk:"clusters"`
	TolerateHostFailures types.Int64             `tfsdk:"tolerate_host_failures"`
	HeadroomPercent      types.Float64           `tfsdk:"headroom_percent"`
	Basis                types.String            `tfsdk:"basis"`
	FailOn               types.List              `tfsdk:"fail_on"`
	Safe                 types.Int64             `tfsdk:"safe"`
	Unsafe               types.Int64             `tfsdk:"unsafe"`
	Unproven             types.Int64             `tfsdk:"unproven"`
	Findings             types.List              `tfsdk:"findings"`
	ReportJSON           types.String            `tfsdk:"report_json"`
}

func (r *GuardResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_guard"
}

func (r *GuardResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks the whole planned change for capacity and failover. Its inputs reference the other resources " +
			"(`placements = { for p in estate_vm_placement.all : p.vm => p.host }`), which Terraform evaluates to their planned values, " +
			"so the plan fails with explained errors when the estate after the change would not survive the configured host failures. " +
			"On refresh it analyses the live estate again, so a nightly `terraform plan` shows when the estate drifted out of policy.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `guard`."},
			"placements": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Planned placements, VM name → host name, usually from `estate_vm_placement` resources."},
			"maintenance_hosts": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Hosts planned to be in maintenance mode: they carry no load and their VMs must have moved."},
			"hosts": schema.ListAttribute{Optional: true, ElementType: guardHostType,
				MarkdownDescription: "`estate_host` resources (`values(estate_host.all)`): declared servers join the analysed estate, and hosts with `maintenance = true` carry no load, with their planned `evacuation` applied."},
			"business_systems": schema.ListAttribute{Optional: true, ElementType: guardSystemType,
				MarkdownDescription: "`estate_business_system` resources: every finding names the business systems it hits, and their spread is checked."},
			"standby_groups": schema.ListAttribute{Optional: true, ElementType: guardStandbyType,
				MarkdownDescription: "`estate_standby_group` resources: every takeover of up to `tolerate` active hosts is checked."},
			"clusters": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Check only these clusters (a team's own, or all but a cluster kept without HA on purpose). The plan warns which clusters are left out. Default: every cluster."},
			"tolerate_host_failures": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1),
				Validators: []validator.Int64{int64validator.Between(0, maxGuardTolerate)},
				MarkdownDescription: fmt.Sprintf("Check every failure of up to this many hosts per cluster, from `0` to `%d` (a 32-host cluster at %d is %d combinations; the analysis refuses more than %d in all). Default `1`.",
					maxGuardTolerate, maxGuardTolerate, 41_448, analysis.DefaultMaxScenarios)},
			"headroom_percent": schema.Float64Attribute{Optional: true, Computed: true,
				Validators:          []validator.Float64{float64validator.AtLeast(0), float64validator.AtMost(99)},
				MarkdownDescription: "Capacity kept free on every host, in percent. Default: the provider's `policy.headroom_percent`, else `0`."},
			"basis": schema.StringAttribute{Optional: true, Computed: true,
				Validators:          []validator.String{stringvalidator.OneOf(inventory.Strings(analysis.Bases)...)},
				MarkdownDescription: "What a VM demands: " + list(analysis.Bases) + ". Default: the provider's `policy.basis`, else `reservation` (what vSphere HA guarantees)."},
			"fail_on": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				Default:             listdefault.StaticValue(types.ListValueMust(types.StringType, stringValues(analysis.FindingKinds))),
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(analysis.FindingKinds...))},
				MarkdownDescription: "Findings that fail the plan: " + list(analysis.FindingKinds) + ". Default: every kind — each means trouble; leave one out on purpose."},
			"safe":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Failure scenarios and standby takeovers proven survivable."},
			"unsafe":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Failure scenarios and standby takeovers proven not survivable."},
			"unproven": schema.Int64Attribute{Computed: true, MarkdownDescription: "Failure scenarios and standby takeovers neither proven nor disproven."},
			"findings": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Every finding of every kind, one line each."},
			"report_json": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The analysis as an `estate.analysis/v1` document (see the analysis report guide). Safe failure scenarios are counted in `safe` but left out, so the state stays small."},
		},
	}
}

func (r *GuardResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan analyses live + planned and fails the plan on the chosen findings.
func (r *GuardResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan, config guardModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Unset: the provider's policy block.
	if config.HeadroomPercent.IsNull() {
		plan.HeadroomPercent = types.Float64Value(r.data.policy.HeadroomPercent)
	}
	if config.Basis.IsNull() {
		plan.Basis = types.StringValue(string(r.data.policy.Basis))
	}
	if unknown := plan.unknownInputs(); len(unknown) > 0 {
		// Known only at apply: the check runs then, and a finding fails the apply.
		resp.Diagnostics.AddWarning("The guard checks this change at apply",
			"Terraform does not know "+strings.Join(unknown, ", ")+" yet, so the estate is analysed during apply; a finding will fail the apply.")
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	failOn := r.analyse(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, f := range failOn {
		resp.Diagnostics.AddError("The planned estate does not meet the failover policy", f)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// maxGuardTolerate bounds tolerate_host_failures so the combinations stay tractable.
const maxGuardTolerate = 4

// changes converts the planned inputs into overlays on the live estate; it
// leaves out (and lists, quoted) the placements of VMs the estate does not have.
func (m guardModel) changes(live *inventory.Snapshot) ([]inventory.Change, []string) {
	var out []inventory.Change
	var missing []string
	for _, vm := range sortedKeysOf(m.Placements) {
		if _, ok := live.VM(inventory.VMName(vm)); !ok {
			missing = append(missing, strconv.Quote(clip(vm)))
			continue
		}
		out = append(out, inventory.MoveVM{VM: inventory.VMName(vm), To: inventory.HostName(m.Placements[vm].ValueString())})
	}
	slices.Sort(missing)
	for _, h := range m.MaintenanceHosts {
		out = append(out, inventory.SetMaintenance{Host: inventory.HostName(h.ValueString()), On: true})
	}
	return out, missing
}

// analyse fills the computed attributes and returns the findings that fail.
func (r *GuardResource) analyse(ctx context.Context, m *guardModel, diags *diagnostics) []string {
	// The live estate plus the servers declared by estate_host resources (estate_overlay.go).
	estate, d := r.data.PlannedEstate(ctx)
	if diags.Append(d...); d.HasError() {
		return nil
	}
	changes, missing := m.changes(estate)
	if len(missing) > 0 {
		// A VM being created in the same apply, or deleted out of band: nothing to analyse for it.
		diags.AddAttributeWarning(path.Root("placements"), "Placements of VMs not in vCenter are not analysed",
			fmt.Sprintf("vCenter has no VM %s now; the guard analyses the other placements.", strings.Join(missing, ", ")))
	}
	in := m.inputs(ctx, diags)
	more, entering := in.overlay(estate, diags)
	if diags.HasError() {
		return nil
	}
	if out := outOfScope(estate, in.clusters); out != "" {
		diags.AddAttributeWarning(path.Root("clusters"), "Clusters left out of the check",
			fmt.Sprintf("The guard checks only %s; it does not check cluster(s) %s.", joinQuoted(in.clusters), out))
	}
	planned, err := estate.With(append(more, changes...)...)
	if err != nil {
		diags.AddError("Invalid planned change", err.Error())
		return nil
	}
	policy := r.data.policy.Policy // the provider's policy block; the guard's own attributes override it
	policy.Tolerate, policy.HeadroomPercent, policy.Basis = int(m.TolerateHostFailures.ValueInt64()), m.HeadroomPercent.ValueFloat64(), analysis.Basis(m.Basis.ValueString())
	maintenance := entering
	for _, h := range m.MaintenanceHosts {
		maintenance = append(maintenance, inventory.HostName(h.ValueString()))
	}
	rep, err := analysis.AnalyzeContext(ctx, planned, analysis.Request{Policy: policy, Maintenance: maintenance, OmitSafe: true,
		Clusters: in.clusters, Arrivals: arrivals(estate, planned)})
	if err != nil {
		diags.AddError("Invalid guard policy", err.Error())
		return nil
	}
	doc, err := json.Marshal(rep)
	if err != nil {
		diags.AddError("Cannot encode the analysis", err.Error())
		return nil
	}
	var failOn []string
	diags.Append(m.FailOn.ElementsAs(ctx, &failOn, false)...)
	all := rep.Findings(analysis.FindingKinds)
	findings, d2 := types.ListValueFrom(ctx, types.StringType, nonNil(all))
	diags.Append(d2...)
	m.ID = types.StringValue("guard")
	m.Safe, m.Unsafe, m.Unproven = types.Int64Value(int64(rep.Summary.Safe)), types.Int64Value(int64(rep.Summary.Unsafe)), types.Int64Value(int64(rep.Summary.Unproven))
	m.Findings, m.ReportJSON = findings, types.StringValue(string(doc))
	return rep.Findings(failOn)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (r *GuardResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *GuardResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// save records the plan. The analysis already ran at plan time; it runs again
// only when inputs were unknown then, because a second result that differs
// from the plan (DRS moved a VM in between) would be an inconsistent apply —
// the next refresh shows such drift instead.
func (r *GuardResource) save(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diagnostics) {
	var m guardModel
	if diags.Append(plan.Get(ctx, &m)...); diags.HasError() {
		return
	}
	if m.ReportJSON.IsUnknown() {
		// Inputs were unknown at plan: the check runs now and its findings fail the apply.
		for _, f := range r.analyse(ctx, &m, diags) {
			diags.AddError("The planned estate does not meet the failover policy", f)
		}
		if diags.HasError() {
			return
		}
	}
	diags.Append(state.Set(ctx, &m)...)
}

// Read analyses the live estate again with the guard's inputs, so drift out of
// policy shows in the next plan, and warns about what would now fail.
func (r *GuardResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state guardModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	// Refresh (and destroy, which refreshes first) never fails on the checks:
	// what the analysis cannot do against the live estate is a warning, and the
	// state keeps the last analysis.
	var d diagnostics
	failing := r.analyse(ctx, &state, &d)
	resp.Diagnostics.Append(warningsOnly(d)...)
	if d.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if len(failing) > 0 {
		resp.Diagnostics.AddWarning("The live estate no longer meets the failover policy", strings.Join(failing, "\n"))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete only forgets the guard.
func (r *GuardResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// arrivals names, per host, the powered-on VMs the change moves there.
func arrivals(live, planned *inventory.Snapshot) map[inventory.HostName][]inventory.VMName {
	out := map[inventory.HostName][]inventory.VMName{}
	for _, v := range planned.VMs() {
		if before, ok := live.VM(v.Name); ok && before.Host != v.Host && v.PoweredOn() {
			out[v.Host] = append(out[v.Host], v.Name)
		}
	}
	return out
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func joinQuoted[T ~string](in []T) string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strconv.Quote(string(s))
	}
	return strings.Join(out, ", ")
}
