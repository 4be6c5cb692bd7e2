package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

var (
	_ resource.ResourceWithConfigure   = &BusinessSystemResource{}
	_ resource.ResourceWithModifyPlan  = &BusinessSystemResource{}
	_ resource.ResourceWithImportState = &BusinessSystemResource{}
	_ resource.ResourceWithIdentity    = &BusinessSystemResource{}
)

// DefaultBusinessSystemTagCategory is the tag category of business systems
// unless the provider's business_system_tag_category says otherwise.
const DefaultBusinessSystemTagCategory = "estate-business-system"

// businessSystemRulePrefix starts the name of a business system's DRS anti-affinity rule.
const businessSystemRulePrefix = "estate-bs-"

func businessSystemTagCategoryAttribute() schema.StringAttribute {
	return schema.StringAttribute{Optional: true,
		Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
		MarkdownDescription: "vSphere tag category that `estate_business_system` materializes business systems in: one tag per system, attached to its VMs and ESXi hosts. " +
			"Created when missing, with cardinality `MULTIPLE` (a VM may belong to several systems) for hosts and VMs. Default `" + DefaultBusinessSystemTagCategory + "`."}
}

func businessSystemTagCategory(v types.String) string {
	if v.IsNull() || v.ValueString() == "" {
		return DefaultBusinessSystemTagCategory
	}
	return v.ValueString()
}

// BusinessSystemResource is a business system materialized as a vSphere tag.
type BusinessSystemResource struct {
	data *providerData
}

// NewBusinessSystemResource is the estate_business_system factory.
func NewBusinessSystemResource() resource.Resource { return &BusinessSystemResource{} }

type businessSystemModel struct {
	ID                    types.String `tfsdk:"id"`
	Name                  types.String `tfsdk:"name"`
	Description           types.String `tfsdk:"description"`
	Criticality           types.String `tfsdk:"criticality"`
	VMs                   types.Set    `tfsdk:"vms"`
	Hosts                 types.Set    `tfsdk:"hosts"`
	MinHosts              types.Int64  `tfsdk:"min_hosts"`
	AntiAffinity          types.Bool   `tfsdk:"anti_affinity"`
	Tag                   types.String `tfsdk:"tag"`
	Cluster               types.String `tfsdk:"cluster"`
	HostsInUse            types.List   `tfsdk:"hosts_in_use"`
	SinglePointsOfFailure types.List   `tfsdk:"single_points_of_failure"`
}

func (r *BusinessSystemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_business_system"
}

func (r *BusinessSystemResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet := setdefault.StaticValue(types.SetValueMust(types.StringType, nil))
	resp.Schema = schema.Schema{
		MarkdownDescription: "The VMs and servers that together deliver one business service, so reports name the business hit, not only the VM. " +
			"Materialized in vCenter as one tag named after the system in the provider's `business_system_tag_category`, attached to exactly its VMs and ESXi hosts; " +
			"with `anti_affinity` also as a DRS VM-VM anti-affinity rule `" + businessSystemRulePrefix + "<name>` in the cluster of its VMs. " +
			"The plan fails when the system runs on fewer hosts than `min_hosts` and warns when one host failure takes it fully down. " +
			"Refresh shows drift: a member VM deleted, the tag detached or attached by hand, the rule removed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The system's name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the business system, also the name of its vSphere tag. Changing it replaces the system.",
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 256-len(businessSystemRulePrefix))},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				MarkdownDescription: "What the system does; kept as the tag's description in vCenter. Default empty."},
			"criticality": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(inventory.CriticalityMedium)),
				Validators:          []validator.String{stringvalidator.OneOf(inventory.Strings(inventory.Criticalities)...)},
				MarkdownDescription: "How critical the system is, for reports: " + list(inventory.Criticalities) + ". Default `medium`. Not kept in vCenter: after an import, set it in the configuration."},
			"vms": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: emptySet,
				MarkdownDescription: "Names of the VMs that belong to the system; each carries the system's tag. Refresh reads the VMs that carry it, so a VM deleted or a tag detached or attached by hand shows as a change."},
			"hosts": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, Default: emptySet,
				MarkdownDescription: "Hosts that belong to the system directly, such as its physical database servers. ESXi hosts carry the system's tag. " +
					"A name vCenter does not know is taken to be a server declared with `estate_host`: the plan warns, counts it as running in the spread check and tags nothing for it."},
			"min_hosts": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: "The least number of hosts the system's running members must be spread over; the plan fails below it. Default `0` (no check). Not kept in vCenter."},
			"anti_affinity": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Also keep a DRS VM-VM anti-affinity rule `" + businessSystemRulePrefix + "<name>` over the system's VMs in their cluster, so DRS and vSphere HA keep them on separate hosts (the failure analysis respects it). " +
					"The VMs must all be in one cluster, and there must be at least two. Default `false`."},
			"tag": schema.StringAttribute{Computed: true, MarkdownDescription: "The system's vSphere tag, as `category/name`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"cluster": schema.StringAttribute{Computed: true, MarkdownDescription: "The cluster of the system's VMs when they are all in one (where the anti-affinity rule lives), else empty."},
			"hosts_in_use": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Hosts the system runs on now, sorted: those of its powered-on VMs and its available member hosts."},
			"single_points_of_failure": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Hosts whose failure alone takes every running member of the system down (its only host, when it runs on one)."},
		},
	}
}

func (r *BusinessSystemResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = nameIdentitySchema("Name of the business system, also the name of its vSphere tag.")
}

func (r *BusinessSystemResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// model converts the configured system; ok is false while a value is unknown.
func (m businessSystemModel) model(ctx context.Context, diags *diag.Diagnostics) (inventory.BusinessSystem, bool) {
	if m.Name.IsUnknown() || m.VMs.IsUnknown() || m.Hosts.IsUnknown() || m.MinHosts.IsUnknown() || m.Criticality.IsUnknown() || m.AntiAffinity.IsUnknown() {
		return inventory.BusinessSystem{}, false
	}
	var vms, hosts []string
	diags.Append(m.VMs.ElementsAs(ctx, &vms, false)...)
	diags.Append(m.Hosts.ElementsAs(ctx, &hosts, false)...)
	b := inventory.BusinessSystem{Name: inventory.SystemName(m.Name.ValueString()), Criticality: inventory.Criticality(m.Criticality.ValueString()),
		MinHosts: int(m.MinHosts.ValueInt64())}
	for _, v := range vms {
		b.VMs = append(b.VMs, inventory.VMName(v))
	}
	for _, h := range hosts {
		b.Hosts = append(b.Hosts, inventory.HostName(h))
	}
	slices.Sort(b.VMs)
	slices.Sort(b.Hosts)
	return b, !diags.HasError()
}

// businessSystemCheck is what the plan-time check of a business system finds.
type businessSystemCheck struct {
	Cluster    string
	HostsInUse []string
	SPOF       []string
}

// checkBusinessSystem checks a business system against the live estate with
// the system overlaid: its VMs and hosts exist, anti_affinity has one
// cluster, and the spread holds min_hosts.
func checkBusinessSystem(live *inventory.Snapshot, b inventory.BusinessSystem, antiAffinity bool) (businessSystemCheck, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out businessSystemCheck
	known := b
	known.VMs, known.Hosts = nil, nil
	var missingVMs, declared []string
	clusters := map[inventory.ClusterName][]string{}
	for _, v := range b.VMs {
		if _, ok := live.VM(v); !ok {
			missingVMs = append(missingVMs, strconv.Quote(clip(string(v))))
			continue
		}
		known.VMs = append(known.VMs, v)
		c := live.ClusterOf(v)
		clusters[c] = append(clusters[c], string(v))
	}
	var changes []inventory.Change
	for _, h := range b.Hosts {
		if _, ok := live.Host(h); !ok {
			declared = append(declared, strconv.Quote(clip(string(h))))
			// Declared by estate_host, so taken to run: the spread counts it.
			changes = append(changes, inventory.PutHost{Host: inventory.Host{Name: h, Kind: inventory.KindPhysical, Connection: inventory.Connected}})
		}
		known.Hosts = append(known.Hosts, h)
	}
	if len(missingVMs) > 0 {
		diags.AddAttributeWarning(path.Root("vms"), "VMs not in vCenter",
			fmt.Sprintf("Business system %q: vCenter has no VM %s now, so it is left out of the spread check and cannot be tagged: apply fails unless it exists by then. If it was deleted, remove it from vms.",
				clip(string(b.Name)), strings.Join(missingVMs, ", ")))
	}
	if len(declared) > 0 {
		diags.AddAttributeWarning(path.Root("hosts"), "Hosts not in vCenter",
			fmt.Sprintf("Business system %q: vCenter has no host %s: declare it with an estate_host resource. It is counted as running in the spread check and carries no vSphere tag.",
				clip(string(b.Name)), strings.Join(declared, ", ")))
	}
	if len(clusters) == 1 {
		for c := range clusters {
			out.Cluster = string(c)
		}
	}
	if antiAffinity {
		switch {
		case len(clusters) > 1:
			diags.AddAttributeError(path.Root("anti_affinity"), "Invalid anti_affinity",
				fmt.Sprintf("anti_affinity = true keeps a DRS rule in one cluster, but the VMs of business system %q are in several: %s. Split the system or set anti_affinity = false.",
					clip(string(b.Name)), clusterList(clusters)))
		case len(known.VMs) < 2 && len(missingVMs) == 0:
			diags.AddAttributeError(path.Root("anti_affinity"), "Invalid anti_affinity",
				fmt.Sprintf("anti_affinity = true needs at least 2 VMs for a DRS anti-affinity rule; business system %q has %d.", clip(string(b.Name)), len(known.VMs)))
		}
	}
	planned, err := live.With(append(changes, inventory.PutBusinessSystem{System: known})...)
	if err != nil {
		diags.AddError("Invalid business system", err.Error())
		return out, diags
	}
	for _, s := range analysis.BusinessSystemSpread(planned) {
		if s.System != b.Name {
			continue
		}
		out.HostsInUse, out.SPOF = strs(s.Hosts), strs(s.SinglePointsOfFailure())
		hosts := strings.Join(out.HostsInUse, ", ")
		switch {
		case !s.SpreadOK:
			diags.AddAttributeError(path.Root("min_hosts"), "Business system not spread over min_hosts",
				fmt.Sprintf("Business system %q runs on %d host(s) (%s), fewer than min_hosts = %d: place its VMs on more hosts (estate_vm_placement) or lower min_hosts.",
					clip(string(b.Name)), len(s.Hosts), hosts, s.MinHosts))
		case len(s.Hosts) == 1:
			diags.AddWarning("One host failure takes the business system down",
				fmt.Sprintf("Every running member of business system %q is on host %s: its failure takes the system fully down.", clip(string(b.Name)), hosts))
		}
	}
	return out, diags
}

// clusterList renders cluster → members as "dev (test-01), prod (web-01, web-02)".
func clusterList(m map[inventory.ClusterName][]string) string {
	keys := make([]string, 0, len(m))
	for c := range m {
		keys = append(keys, string(c))
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, c := range keys {
		members := m[inventory.ClusterName(c)]
		slices.Sort(members)
		name := c
		if name == "" {
			name = "no cluster"
		}
		parts[i] = fmt.Sprintf("%s (%s)", clip(name), strings.Join(members, ", "))
	}
	return strings.Join(parts, ", ")
}

func (r *BusinessSystemResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan businessSystemModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	b, ok := plan.model(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	topo, d := r.data.topology(ctx)
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	check, d := checkBusinessSystem(topo.Estate, b, plan.AntiAffinity.ValueBool())
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	plan.ID = plan.Name
	plan.Tag = types.StringValue(r.data.tagCategory + "/" + plan.Name.ValueString())
	plan.Cluster = types.StringValue(check.Cluster)
	plan.HostsInUse = stringList(check.HostsInUse)
	plan.SinglePointsOfFailure = stringList(check.SPOF)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func stringList(s []string) types.List {
	return types.ListValueMust(types.StringType, stringValues(s))
}

func stringSet(s []string) types.Set {
	return types.SetValueMust(types.StringType, stringValues(s))
}

func stringValues(s []string) []attr.Value {
	out := make([]attr.Value, len(s))
	for i, v := range s {
		out[i] = types.StringValue(v)
	}
	return out
}

func (r *BusinessSystemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	setNameIdentity(ctx, resp.Identity, nameFrom(ctx, req.Plan.GetAttribute, &resp.Diagnostics), &resp.Diagnostics)
	r.apply(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics)
}

func (r *BusinessSystemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	setNameIdentity(ctx, resp.Identity, nameFrom(ctx, req.Plan.GetAttribute, &resp.Diagnostics), &resp.Diagnostics)
	var prior businessSystemModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, req.Plan, &prior, &resp.State, &resp.Diagnostics)
}

// apply writes the tag with exact membership and the anti-affinity rule, and
// records the plan (whose computed values were checked against this read).
func (r *BusinessSystemResource) apply(ctx context.Context, plan tfsdk.Plan, prior *businessSystemModel, state *tfsdk.State, diags *diagnostics) {
	var m businessSystemModel
	if diags.Append(plan.Get(ctx, &m)...); diags.HasError() {
		return
	}
	b, _ := m.model(ctx, diags)
	topo, d := r.data.topology(ctx)
	if diags.Append(d...); d.HasError() {
		return
	}
	live := topo.Estate
	var vms []inventory.VM
	var hosts []inventory.Host
	for _, name := range b.VMs {
		v, ok := live.VM(name)
		if !ok {
			diags.AddAttributeError(path.Root("vms"), "Cannot tag the business system",
				fmt.Sprintf("VM %q is not in vCenter: it cannot carry the tag of business system %q. If it was deleted, remove it from vms.", clip(string(name)), clip(string(b.Name))))
			continue
		}
		vms = append(vms, v)
	}
	for _, name := range b.Hosts {
		if h, ok := live.Host(name); ok && h.Ref != "" {
			hosts = append(hosts, h)
		}
	}
	if diags.HasError() {
		return
	}
	client := r.data.cache.Client()
	defer r.data.cache.Invalidate()
	info := vsphere.TagInfo{Category: r.data.tagCategory, Name: string(b.Name), Description: m.Description.ValueString()}
	if err := client.SetTag(ctx, info, hosts, vms); err != nil {
		diags.AddError("Cannot tag the business system", err.Error())
		return
	}
	rule := businessSystemRulePrefix + string(b.Name)
	cluster := inventory.ClusterName(m.Cluster.ValueString())
	if prior != nil && prior.AntiAffinity.ValueBool() && prior.Cluster.ValueString() != "" &&
		(!m.AntiAffinity.ValueBool() || prior.Cluster.ValueString() != string(cluster)) {
		if err := client.RemoveRule(ctx, inventory.ClusterName(prior.Cluster.ValueString()), rule); err != nil {
			diags.AddError("Cannot remove the anti-affinity rule", err.Error())
			return
		}
	}
	if m.AntiAffinity.ValueBool() {
		if err := client.PutRule(ctx, cluster, inventory.Rule{Name: rule, Kind: inventory.RuleVMAntiAffinity, VMs: b.VMs}, vms); err != nil {
			diags.AddError("Cannot write the anti-affinity rule", err.Error())
			return
		}
	}
	diags.Append(state.Set(ctx, &m)...)
}

func (r *BusinessSystemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m businessSystemModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	// Set even when the system is gone: the framework requires an identity after every Read without errors.
	setNameIdentity(ctx, resp.Identity, m.Name, &resp.Diagnostics)
	topo, d := r.data.topology(ctx)
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	name := m.Name.ValueString()
	info, found, err := r.data.cache.Client().Tag(ctx, r.data.tagCategory, name)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the business system's tag", err.Error())
		return
	}
	if !found {
		// The tag is the system in vCenter: deleted by hand, the system is gone.
		resp.State.RemoveResource(ctx)
		return
	}
	live := topo.Estate
	label := r.data.tagCategory + "/" + name
	var vms, hosts []string
	for _, v := range live.VMs() {
		if slices.Contains(v.Tags, label) {
			vms = append(vms, string(v.Name))
		}
	}
	for _, h := range live.Hosts() {
		if slices.Contains(h.Tags, label) {
			hosts = append(hosts, string(h.Name))
		}
	}
	var prior []string
	resp.Diagnostics.Append(m.Hosts.ElementsAs(ctx, &prior, false)...)
	for _, h := range prior {
		if _, ok := live.Host(inventory.HostName(h)); !ok {
			hosts = append(hosts, h) // declared: vCenter cannot tell
		}
	}
	m.ID, m.Description, m.Tag = m.Name, types.StringValue(info.Description), types.StringValue(label)
	m.VMs, m.Hosts = stringSet(vms), stringSet(hosts)
	b, _ := m.model(ctx, &resp.Diagnostics)
	// Refresh never fails on the checks; the next plan reports what they find.
	check, _ := checkBusinessSystem(live, b, false)
	m.Cluster, m.HostsInUse, m.SinglePointsOfFailure = types.StringValue(check.Cluster), stringList(nonNil(check.HostsInUse)), stringList(nonNil(check.SPOF))
	// The rule, wherever it is, is the system's: anti_affinity and cluster say where.
	m.AntiAffinity = types.BoolValue(false)
	for _, c := range live.Clusters() {
		for _, rule := range c.Rules {
			if rule.Name == businessSystemRulePrefix+name && rule.Kind == inventory.RuleVMAntiAffinity {
				m.AntiAffinity, m.Cluster = types.BoolValue(true), types.StringValue(string(c.Name))
			}
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete deletes the tag (detaching it from every member) and the anti-affinity rule; the category stays.
func (r *BusinessSystemResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m businessSystemModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	client := r.data.cache.Client()
	defer r.data.cache.Invalidate()
	if m.AntiAffinity.ValueBool() && m.Cluster.ValueString() != "" {
		if err := client.RemoveRule(ctx, inventory.ClusterName(m.Cluster.ValueString()), businessSystemRulePrefix+m.Name.ValueString()); err != nil {
			resp.Diagnostics.AddError("Cannot remove the anti-affinity rule", err.Error())
			return
		}
	}
	if err := client.DeleteTag(ctx, r.data.tagCategory, m.Name.ValueString()); err != nil {
		resp.Diagnostics.AddError("Cannot delete the business system's tag", err.Error())
	}
}

// ImportState imports a business system by name (the import ID, or the identity's `name`): Read fills in its members
// from the tag. criticality and min_hosts are not kept in vCenter and start at their defaults.
func (r *BusinessSystemResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByName(ctx, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("criticality"), string(inventory.CriticalityMedium))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("min_hosts"), int64(0))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("hosts"), stringSet(nil))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("vms"), stringSet(nil))...)
}
