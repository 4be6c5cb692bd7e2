package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The pin of estate_vm_placement: what keeps DRS from moving the VM back, and
// what the resource reads about the VM (docs/design/pin.md).

// PlacementPin is how estate_vm_placement keeps DRS from moving the VM away.
type PlacementPin string

const (
	// PinNone writes nothing: DRS may move the VM, and the next plan shows the drift.
	PinNone PlacementPin = "none"
	// PinDRSOverride writes a per-VM DRS override (automation level PinLevel) in the VM's cluster.
	PinDRSOverride PlacementPin = "drs_override"
)

// PlacementPins lists every pin, for the validator and the description.
var PlacementPins = []PlacementPin{PinNone, PinDRSOverride}

// PinLevel is the DRS automation override pin = "drs_override" writes:
// manual, not disabled (docs/design/pin.md says why).
const PinLevel = inventory.DRSManual

// pinKey is the private state key that records an override this resource wrote.
const pinKey = "drs_override"

// pinRecord is what the resource remembers of an override it wrote: the
// override the VM had before ("" for none), which removal restores.
type pinRecord struct {
	Previous inventory.DRSAutomation `json:"previous"`
}

// vmPlacementPinModel is the pin and what the resource reads about the VM.
type vmPlacementPinModel struct {
	Pin         types.String `tfsdk:"pin"`
	CurrentHost types.String `tfsdk:"current_host"`
	VCPU        types.Int64  `tfsdk:"vcpu"`
	MemoryMB    types.Int64  `tfsdk:"memory_mb"`
	PowerState  types.String `tfsdk:"power_state"`
}

// pinAttributes are the schema of vmPlacementPinModel.
func pinAttributes() map[string]schema.Attribute {
	sameVM := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	return map[string]schema.Attribute{
		"pin": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(PinNone)),
			Validators: []validator.String{stringvalidator.OneOf(inventory.Strings(PlacementPins)...)},
			MarkdownDescription: "What keeps DRS from moving the VM away again: " + list(PlacementPins) + ". Default `none`.\n" +
				"  - `drs_override` writes a per-VM DRS override in the cluster of the VM's host (`drsVmConfig`; the host must be in a cluster) with automation level `" + string(PinLevel) + "`: " +
				"DRS no longer moves the VM by itself but still recommends moves for it, so a maintenance evacuation can still be approved; " +
				"turning DRS off for the VM (`disabled`) would also stop those recommendations. " +
				"If the override is changed or removed by hand, the next plan shows `pin` as `none` and apply writes it again. " +
				"Another override the VM already had is replaced, and restored when the pin goes; a `" + string(PinLevel) + "` override someone else set is left as it is and never removed by this resource.\n" +
				"  - `none` writes nothing, and removes an override this resource wrote (restoring what the VM had before), unless someone has changed it since. Destroying the resource does the same."},
		"current_host": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The host vCenter runs the VM on now. It differs from `host` only when the VM drifted (DRS or a person moved it); the plan then shows it changing back to `host`."},
		"vcpu": schema.Int64Attribute{Computed: true, PlanModifiers: sameVM,
			MarkdownDescription: "The VM's virtual CPUs, as vCenter reports them. This resource never changes them."},
		"memory_mb": schema.Int64Attribute{Computed: true, PlanModifiers: sameVM,
			MarkdownDescription: "The VM's configured memory in MiB, as vCenter reports it. This resource never changes it."},
		"power_state": schema.StringAttribute{Computed: true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			MarkdownDescription: "The VM's power state: " + list(inventory.Powers) + ". This resource never changes it (a vMotion keeps it)."},
	}
}

// planPin fills the plan of what the resource writes or reads: the VM will
// run on host; a pin needs the host's cluster.
func planPin(m *vmPlacementModel, topo *inventory.Snapshot, h inventory.Host, diags *diagnostics) {
	m.CurrentHost = m.Host
	if PlacementPin(m.Pin.ValueString()) != PinDRSOverride {
		return
	}
	if h.Cluster == "" {
		diags.AddAttributeError(path.Root("pin"), "Invalid VM pin",
			fmt.Sprintf(`pin = %q needs a cluster, and host %q is in none: DRS overrides live in a cluster. Use pin = %q.`, PinDRSOverride, clip(string(h.Name)), PinNone))
		return
	}
	if c, ok := topo.Cluster(h.Cluster); ok && !c.DRS.Enabled {
		diags.AddAttributeWarning(path.Root("pin"), "DRS is off in the cluster",
			fmt.Sprintf("DRS is disabled in cluster %q, so it moves no VM and the override has no effect until DRS is enabled. It is written anyway.", clip(string(h.Cluster))))
	}
}

// readPin sets what the resource reads about the VM. A pinned VM whose
// override is not PinLevel any more reads as pin "none": the plan shows the drift.
func readPin(m *vmPlacementModel, v inventory.VM) {
	m.CurrentHost = types.StringValue(string(v.Host))
	m.VCPU, m.MemoryMB = types.Int64Value(int64(v.VCPU)), types.Int64Value(v.MemoryMB)
	m.PowerState = types.StringValue(string(v.Power))
	if m.Pin.IsNull() || m.Pin.IsUnknown() || v.DRSAutomation != PinLevel {
		// Imported, from a version without pin, or drifted. An import never adopts an override.
		m.Pin = types.StringValue(string(PinNone))
	}
}

// privateData is the resource's private state (the framework's type is internal).
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// applyPin writes or removes the VM's DRS override as m.Pin says; vm is the
// VM as the command read it, host the one it runs on now.
func (r *VMPlacementResource) applyPin(ctx context.Context, m *vmPlacementModel, vm inventory.VM, host inventory.Host, private privateData, diags *diagnostics) {
	owned, d := pinRecordOf(ctx, private)
	if diags.Append(d...); d.HasError() {
		return
	}
	if PlacementPin(m.Pin.ValueString()) == PinDRSOverride {
		previous, err := r.data.cache.Client().SetDRSOverride(ctx, vm, host, PinLevel)
		r.data.cache.Invalidate()
		if err != nil {
			diags.AddAttributeError(path.Root("pin"), "Cannot pin the VM", err.Error())
			return
		}
		if previous == PinLevel || owned != nil {
			// Someone else's override, left to them; or ours, and what it replaced is already recorded.
			return
		}
		diags.Append(savePinRecord(ctx, private, &pinRecord{Previous: previous})...)
		return
	}
	if owned != nil {
		r.unpin(ctx, vm, host, *owned, diags)
		if !diags.HasError() {
			diags.Append(savePinRecord(ctx, private, nil)...)
		}
	}
}

// unpin restores what the VM had before this resource wrote its override,
// unless someone changed the override since: then it is theirs.
func (r *VMPlacementResource) unpin(ctx context.Context, vm inventory.VM, host inventory.Host, owned pinRecord, diags *diagnostics) {
	if vm.DRSAutomation != PinLevel {
		return
	}
	_, err := r.data.cache.Client().SetDRSOverride(ctx, vm, host, owned.Previous)
	r.data.cache.Invalidate()
	if err != nil {
		diags.AddAttributeError(path.Root("pin"), "Cannot remove the VM's DRS override", err.Error())
	}
}

// deletePin removes the override the resource wrote, as pin = "none" does.
func (r *VMPlacementResource) deletePin(ctx context.Context, req resource.DeleteRequest, diags *diagnostics) {
	owned, d := pinRecordOf(ctx, req.Private)
	if diags.Append(d...); d.HasError() || owned == nil || r.data == nil {
		return
	}
	var m vmPlacementModel
	if diags.Append(req.State.Get(ctx, &m)...); diags.HasError() {
		return
	}
	topo, d := r.data.topology(ctx)
	if diags.Append(d...); d.HasError() {
		return
	}
	vm, ok := topo.Estate.VM(inventory.VMName(m.VM.ValueString()))
	if !ok {
		return // gone, and its override with it
	}
	host, _ := topo.Estate.Host(vm.Host)
	r.unpin(ctx, vm, host, *owned, diags)
}

func pinRecordOf(ctx context.Context, private privateData) (*pinRecord, diag.Diagnostics) {
	if private == nil {
		return nil, nil
	}
	raw, diags := private.GetKey(ctx, pinKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var rec pinRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		diags.AddError("Unreadable private state", fmt.Sprintf("the record of the DRS override this resource wrote is not valid (%v); please report this issue to the provider developers", err))
		return nil, diags
	}
	return &rec, diags
}

// savePinRecord records an override this resource wrote; nil forgets it.
func savePinRecord(ctx context.Context, private privateData, rec *pinRecord) diag.Diagnostics {
	if rec == nil {
		return private.SetKey(ctx, pinKey, nil)
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the DRS override", err.Error())
		return diags
	}
	return private.SetKey(ctx, pinKey, raw)
}

// keepPlannedReads keeps the VM's vcpu, memory and power state the plan knew
// (from state: apply never changes them): if someone changed them between
// plan and apply, recording the new values would fail the apply as an
// inconsistent result; the next refresh reads them.
func keepPlannedReads(m *vmPlacementModel, planned vmPlacementPinModel) {
	if !planned.VCPU.IsUnknown() {
		m.VCPU = planned.VCPU
	}
	if !planned.MemoryMB.IsUnknown() {
		m.MemoryMB = planned.MemoryMB
	}
	if !planned.PowerState.IsUnknown() {
		m.PowerState = planned.PowerState
	}
}
