package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

var (
	_ resource.ResourceWithConfigure   = &VMPlacementResource{}
	_ resource.ResourceWithModifyPlan  = &VMPlacementResource{}
	_ resource.ResourceWithImportState = &VMPlacementResource{}
	_ resource.ResourceWithIdentity    = &VMPlacementResource{}
)

// VMPlacementResource pins a VM to a host: vMotion on apply, drift in plan.
type VMPlacementResource struct {
	data *providerData
}

// NewVMPlacementResource is the estate_vm_placement factory.
func NewVMPlacementResource() resource.Resource { return &VMPlacementResource{} }

type vmPlacementModel struct {
	ID      types.String `tfsdk:"id"`
	VM      types.String `tfsdk:"vm"`
	Host    types.String `tfsdk:"host"`
	Cluster types.String `tfsdk:"cluster"`

	// pin, current_host and what is read about the VM (vm_placement_pin.go)
	vmPlacementPinModel
}

// vmPlacementIdentity is the placement's resource identity (Terraform 1.12+): the VM's name as the
// estate names it (docs/design/identity.md).
type vmPlacementIdentity struct {
	VM types.String `tfsdk:"vm"`
}

func (r *VMPlacementResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"vm": identityschema.StringAttribute{RequiredForImport: true,
				Description: "Name of the VM in vCenter, as the estate names it (a name that repeats in vCenter is `name (vm-id)`)."},
		},
	}
}

func (r *VMPlacementResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vm_placement"
}

func (r *VMPlacementResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Keeps a VM on a host. Apply moves it there with vMotion (`RelocateVM_Task`); when DRS or a person moves it, the next plan shows the drift (`current_host`) and apply moves it back; `pin` can also keep DRS from moving it. " +
			"The plan fails if the host is unknown, not connected, in maintenance, a dedicated HA failover host, lacks the VM's datastores, or is smaller than the VM's reservations; " +
			"a host with no room *now* is a warning with the numbers, since other planned moves may free it (the `estate_guard` checks the planned changes together). " +
			"In one apply, the moves of separate placements coordinate: a move whose host has no room yet waits (up to `api_timeout`) for the moves that free it, no host takes part in more than `max_vmotions_per_host` vMotions at once, and moves that wait for each other in a cycle fail naming the VMs (use one `estate_migration` resource for those). " +
			"Destroying the resource leaves the VM where it is, and removes a DRS override it wrote.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The VM name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"vm": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the VM in vCenter.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"host":    schema.StringAttribute{Required: true, MarkdownDescription: "Name of the host the VM must run on."},
			"cluster": schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster of that host."},
		},
	}
	for name, a := range pinAttributes() {
		resp.Schema.Attributes[name] = a
	}
}

func (r *VMPlacementResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the placement against the live estate, so a bad host fails
// the plan, not the apply.
func (r *VMPlacementResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan vmPlacementModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.VM.IsUnknown() || plan.Host.IsUnknown() {
		return
	}
	vm, host := inventory.VMName(plan.VM.ValueString()), inventory.HostName(plan.Host.ValueString())
	// The clusters of the VM and the host are all this check reads (provider_data.go).
	topo, diags := r.data.scopedTopology(ctx, vm, host)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if checkPlacement(topo.Estate, r.data.policy, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

// checkPlacement is ModifyPlan's check of the placement against the estate:
// its diagnostics, and the computed values it plans. It reports false when
// the plan must not be set (an error).
func checkPlacement(estate *inventory.Snapshot, policy checkPolicy, plan *vmPlacementModel, diags *diagnostics) bool {
	vm, host := inventory.VMName(plan.VM.ValueString()), inventory.HostName(plan.Host.ValueString())
	if _, ok := estate.VM(vm); !ok {
		// Not an error: the VM may be created in the same apply (by the vsphere
		// provider), and a VM deleted out of band must not fail a destroy, whose
		// first step plans this resource's re-creation. Apply fails if it is still missing.
		diags.AddAttributeWarning(path.Root("vm"), "VM not in vCenter",
			fmt.Sprintf("VM %q is not in vCenter now, so its placement cannot be checked: apply fails unless the VM exists by then. If it was deleted, remove this resource.", clip(string(vm))))
		plan.ID = plan.VM
		return true
	}
	// policy is the provider's policy block
	for _, p := range analysis.CheckMove(estate, policy.Policy, vm, host) {
		diags.AddAttributeError(path.Root(p.Field), "Invalid VM placement", p.Message)
	}
	if diags.HasError() {
		return false
	}
	for _, w := range analysis.MoveRoomWarnings(estate, policy.Policy, vm, host) {
		diags.AddAttributeWarning(path.Root("host"), "No room for the VM on the host now", w)
	}
	// The target's load after the move, without building the moved estate
	// (linear in the estate, once per placement: 25 s of a 1,000-placement plan
	// on a 10,000-VM estate, docs/performance.md).
	for _, w := range analysis.LoadedAboveAfterMove(estate, policy.Policy, policy.WarnAbovePercent, vm, host) {
		diags.AddAttributeWarning(path.Root("host"), "Placement leaves the host heavily loaded", w)
	}
	h, _ := estate.Host(host)
	plan.ID, plan.Cluster = plan.VM, types.StringValue(string(h.Cluster))
	planPin(plan, estate, h, diags)
	return !diags.HasError()
}

func (r *VMPlacementResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, resp.Private, resp.Identity, &resp.Diagnostics)
}

func (r *VMPlacementResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, &resp.State, resp.Private, resp.Identity, &resp.Diagnostics)
}

// apply places the VM and records where it runs; nothing is recorded if the move fails.
func (r *VMPlacementResource) apply(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, private privateData, identity *tfsdk.ResourceIdentity, diags *diagnostics) {
	var m vmPlacementModel
	if diags.Append(plan.Get(ctx, &m)...); diags.HasError() {
		return
	}
	r.place(ctx, &m, private, diags)
	if !diags.HasError() {
		diags.Append(state.Set(ctx, &m)...)
		setPlacementIdentity(ctx, identity, m.VM, diags)
	}
}

// setPlacementIdentity records the identity; identity is nil when Terraform does not support
// identities (before 1.12, OpenTofu).
func setPlacementIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, vm types.String, diags *diagnostics) {
	if identity != nil {
		diags.Append(identity.Set(ctx, vmPlacementIdentity{VM: vm})...)
	}
}

// place moves the VM if it is elsewhere, pins it as m.Pin says, and records where it runs.
func (r *VMPlacementResource) place(ctx context.Context, m *vmPlacementModel, private privateData, diags *diagnostics) {
	topo, d := r.data.topology(ctx)
	if diags.Append(d...); d.HasError() {
		return
	}
	vm, host := inventory.VMName(m.VM.ValueString()), inventory.HostName(m.Host.ValueString())
	v, vmOK := topo.Estate.VM(vm)
	h, hostOK := topo.Estate.Host(host)
	ok := vmOK && hostOK
	if !ok {
		// ModifyPlan checked both against this read; they vanished since.
		diags.AddError("Cannot move the VM", fmt.Sprintf("vCenter no longer has VM %q or host %q", vm, host))
		return
	}
	if v.Host != host {
		if v, h, ok = r.move(ctx, vm, host, diags); !ok {
			return
		}
	}
	if r.applyPin(ctx, m, v, h, private, diags); diags.HasError() {
		return
	}
	planned := m.vmPlacementPinModel
	r.readInto(ctx, m, false, diags)
	keepPlannedReads(m, planned)
}

// move vMotions the VM (providerData.vmotion); it returns the VM and host as moved.
func (r *VMPlacementResource) move(ctx context.Context, vm inventory.VMName, host inventory.HostName, diags *diagnostics) (inventory.VM, inventory.Host, bool) {
	v, h, err := r.data.vmotion(ctx, r.data.estate, vm, host, waitForRoom)
	if err != nil {
		diags.AddError("Cannot move the VM", err.Error())
		return inventory.VM{}, inventory.Host{}, false
	}
	return v, h, true
}

func (r *VMPlacementResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state vmPlacementModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	// The identity is set even when the VM is gone: the framework requires one after every Read
	// without errors, and a Terraform that keeps no identities (before 1.12) sends none to keep.
	setPlacementIdentity(ctx, resp.Identity, state.VM, &resp.Diagnostics)
	if !r.readInto(ctx, &state, true, &resp.Diagnostics) {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readInto sets the VM's live host; it reports false when the VM is gone.
// scoped reads only the VM's cluster (refresh); apply reads what it moved in.
func (r *VMPlacementResource) readInto(ctx context.Context, m *vmPlacementModel, scoped bool, diags *diagnostics) bool {
	var topo *vsphere.Topology
	var d diagnostics
	if scoped {
		topo, d = r.data.scopedTopology(ctx, inventory.VMName(m.VM.ValueString()), "")
	} else {
		topo, d = r.data.topology(ctx)
	}
	if diags.Append(d...); d.HasError() {
		return true
	}
	v, ok := topo.Estate.VM(inventory.VMName(m.VM.ValueString()))
	if !ok {
		return false
	}
	h, _ := topo.Estate.Host(v.Host)
	m.ID, m.Cluster = m.VM, types.StringValue(string(h.Cluster))
	if m.Host.IsNull() { // imported; otherwise host stays as configured and current_host shows drift
		m.Host = types.StringValue(string(v.Host))
	}
	readPin(m, v)
	return true
}

// Delete leaves the VM where it runs: the resource only stops pinning it,
// and removes the DRS override it wrote.
func (r *VMPlacementResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.deletePin(ctx, req, &resp.Diagnostics)
}

// ImportState takes the VM's name, as an import ID (`terraform import`, an import block's `id`) or
// as the identity's `vm` (an import block's `identity`, which `terraform query -generate-config-out` writes).
func (r *VMPlacementResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("vm"), path.Root("vm"), req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var vm types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("vm"), &vm)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), vm)...)
}
