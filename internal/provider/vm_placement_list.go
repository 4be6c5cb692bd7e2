package provider

import (
	"context"
	"fmt"

	fwlist "github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

var (
	_ fwlist.ListResourceWithConfigure = &VMPlacementListResource{}
)

// VMPlacementListResource lists the placements of the live estate for `terraform query`
// (Terraform 1.14+), so `terraform query -generate-config-out=…` writes the resource and import
// blocks that adopt a whole cluster.
type VMPlacementListResource struct {
	data *providerData
}

// NewVMPlacementListResource is the estate_vm_placement list resource factory.
func NewVMPlacementListResource() fwlist.ListResource { return &VMPlacementListResource{} }

type vmPlacementListModel struct {
	Cluster     types.String `tfsdk:"cluster"`
	Host        types.String `tfsdk:"host"`
	Tag         types.String `tfsdk:"tag"`
	NamePattern types.String `tfsdk:"name_pattern"`
}

func (r *VMPlacementListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vm_placement"
}

func (r *VMPlacementListResource) ListResourceConfigSchema(_ context.Context, _ fwlist.ListResourceSchemaRequest, resp *fwlist.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists where the VMs of the live estate run, one `estate_vm_placement` per VM, sorted by VM name, " +
			"so `terraform query -generate-config-out=placements.tf` writes the resource and import blocks that adopt them. " +
			"Every filter that is set must match; none lists every VM. A cluster or host the estate does not have, or a tag no VM carries, is an error naming what exists.",
		Attributes: map[string]listschema.Attribute{
			"cluster": listschema.StringAttribute{Optional: true,
				MarkdownDescription: "Only VMs that run on a host of this cluster."},
			"host": listschema.StringAttribute{Optional: true,
				MarkdownDescription: "Only VMs that run on this host."},
			"tag": listschema.StringAttribute{Optional: true,
				MarkdownDescription: "Only VMs that carry this vSphere tag, written `category/tag`: `system/web shop` selects the business system's VMs where membership is a tag."},
			"name_pattern": listschema.StringAttribute{Optional: true,
				Validators:          []validator.String{namePatternValidator{}},
				MarkdownDescription: "Only VMs whose name matches this glob: `*` any run of characters but `/`, `?` one character, `[a-c]` `[^0-9]` one of (none of) a set, `\\` quotes the next character. `web-*` matches `web-01`; the whole name must match."},
		},
	}
}

func (r *VMPlacementListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *VMPlacementListResource) List(ctx context.Context, req fwlist.ListRequest, stream *fwlist.ListResultsStream) {
	var m vmPlacementListModel
	topo, diags, ok := listStart(ctx, r.data, req, &m, stream)
	if !ok {
		return
	}
	vms, err := topo.Estate.SelectVMs(inventory.VMFilter{
		Cluster: inventory.ClusterName(m.Cluster.ValueString()), Host: inventory.HostName(m.Host.ValueString()),
		Tag: m.Tag.ValueString(), NamePattern: m.NamePattern.ValueString(),
	})
	if err != nil {
		diags.AddError("Cannot list VM placements", err.Error())
		stream.Results = fwlist.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(fwlist.ListResult) bool) {
		for i, v := range vms {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			h, _ := topo.Estate.Host(v.Host)
			result := req.NewListResult(ctx)
			if i == 0 {
				// The read's warnings, once for the whole list.
				result.Diagnostics.Append(diags...)
			}
			result.DisplayName = fmt.Sprintf("%s on %s", v.Name, v.Host)
			if h.Cluster != "" {
				result.DisplayName += fmt.Sprintf(" (%s)", h.Cluster)
			}
			name := types.StringValue(string(v.Name))
			result.Diagnostics.Append(result.Identity.Set(ctx, vmPlacementIdentity{VM: name})...)
			if req.IncludeResource {
				m := vmPlacementModel{ID: name, VM: name, Host: types.StringValue(string(v.Host)), Cluster: types.StringValue(string(h.Cluster))}
				readPin(&m, v) // as an import reads it: pin none, current_host, vcpu, memory_mb, power_state
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// namePatternValidator rejects a malformed glob when Terraform validates the query, before vCenter is read.
type namePatternValidator struct{}

func (namePatternValidator) Description(context.Context) string {
	return "a glob: * any characters, ? one character, [a-c] a set"
}

func (v namePatternValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (namePatternValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := inventory.CheckNamePattern(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid name_pattern", err.Error())
	}
}
