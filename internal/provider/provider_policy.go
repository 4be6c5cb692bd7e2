package provider

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The provider's policy block: what every per-resource check holds the estate to.

// DefaultWarnAbovePercent is the load above which a check warns, when the policy block does not say.
const DefaultWarnAbovePercent = 90

// policyModel is the provider's `policy` block.
type policyModel struct {
	Basis            types.String  `tfsdk:"basis"`
	CPUOvercommit    types.Float64 `tfsdk:"cpu_overcommit"`
	MemoryOvercommit types.Float64 `tfsdk:"memory_overcommit"`
	HeadroomPercent  types.Float64 `tfsdk:"headroom_percent"`
	WarnAbovePercent types.Float64 `tfsdk:"warn_above_percent"`
}

// checkPolicy is the resolved policy block.
type checkPolicy struct {
	analysis.Policy
	// WarnAbovePercent: a change that leaves a host loaded above this share of its usable capacity warns.
	WarnAbovePercent float64
}

func defaultCheckPolicy() checkPolicy {
	return checkPolicy{Policy: analysis.DefaultPolicy(), WarnAbovePercent: DefaultWarnAbovePercent}
}

func policyBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "What every plan-time check holds the estate to: `estate_vm_placement` (room on the target host), `estate_host` (maintenance evacuation) and the defaults of `estate_guard` (whose own attributes override them). Without the block, vSphere HA's view: reservations, no overcommit, no headroom, warnings above 90 %.",
		Attributes: map[string]schema.Attribute{
			"basis": schema.StringAttribute{Optional: true,
				Validators:          []validator.String{stringvalidator.OneOf(inventory.Strings(analysis.Bases)...)},
				MarkdownDescription: "What a VM demands of a host: " + list(analysis.Bases) + ". `reservation` counts CPU and memory reservations plus memory overhead (what vSphere HA guarantees), `configured` the VM's full size, `usage` what it uses now. Default `reservation`."},
			"cpu_overcommit": schema.Float64Attribute{Optional: true,
				Validators:          []validator.Float64{floatRange{name: "cpu_overcommit", min: 0, minOpen: true, max: analysis.MaxOvercommit, hint: " (1 means none)"}},
				MarkdownDescription: fmt.Sprintf("Usable CPU is the host's capacity times this: greater than 0, at most %d. Default `1` (no overcommit).", analysis.MaxOvercommit)},
			"memory_overcommit": schema.Float64Attribute{Optional: true,
				Validators:          []validator.Float64{floatRange{name: "memory_overcommit", min: 0, minOpen: true, max: analysis.MaxOvercommit, hint: " (1 means none)"}},
				MarkdownDescription: fmt.Sprintf("Usable memory is the host's capacity times this: greater than 0, at most %d. Default `1` (no overcommit).", analysis.MaxOvercommit)},
			"headroom_percent": schema.Float64Attribute{Optional: true,
				Validators:          []validator.Float64{floatRange{name: "headroom_percent", min: 0, max: 100, maxOpen: true}},
				MarkdownDescription: "Share of every host's usable capacity kept free, in percent: at least 0, less than 100. Default `0`."},
			"warn_above_percent": schema.Float64Attribute{Optional: true,
				Validators:          []validator.Float64{floatRange{name: "warn_above_percent", min: 0, minOpen: true, max: 100}},
				MarkdownDescription: fmt.Sprintf("A planned change that leaves a host loaded above this share of its usable capacity (after overcommit and headroom) plans with a warning naming the host: greater than 0, at most 100. Default `%d`.", DefaultWarnAbovePercent)},
		},
	}
}

// resolve applies the defaults to the block; nil (no block) is the default policy.
func (m *policyModel) resolve() checkPolicy {
	p := defaultCheckPolicy()
	if m == nil {
		return p
	}
	if !m.Basis.IsNull() && !m.Basis.IsUnknown() {
		p.Basis = analysis.Basis(m.Basis.ValueString())
	}
	set := func(v types.Float64, to *float64) {
		if !v.IsNull() && !v.IsUnknown() {
			*to = v.ValueFloat64()
		}
	}
	set(m.CPUOvercommit, &p.CPUOvercommit)
	set(m.MemoryOvercommit, &p.MemoryOvercommit)
	set(m.HeadroomPercent, &p.HeadroomPercent)
	set(m.WarnAbovePercent, &p.WarnAbovePercent)
	return p
}

// floatRange checks a number against a range whose ends may be open, naming
// the attribute, the value and the range.
type floatRange struct {
	name             string
	min, max         float64
	minOpen, maxOpen bool
	hint             string
}

func (r floatRange) Description(context.Context) string {
	lo, hi := "at least", "at most"
	if r.minOpen {
		lo = "greater than"
	}
	if r.maxOpen {
		hi = "less than"
	}
	return fmt.Sprintf("must be %s %g and %s %g%s", lo, r.min, hi, r.max, r.hint)
}

func (r floatRange) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r floatRange) ValidateFloat64(ctx context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueFloat64()
	bad := math.IsNaN(v) || v < r.min || v > r.max || (r.minOpen && v == r.min) || (r.maxOpen && v == r.max)
	if bad {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid policy",
			fmt.Sprintf("policy.%s = %g: %s", r.name, v, r.Description(ctx)))
	}
}
