package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwlist "github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

var _ fwlist.ListResourceWithConfigure = &HostListResource{}

// HostListResource lists the ESXi hosts of the live estate for `terraform query` (Terraform 1.14+).
type HostListResource struct {
	data *providerData
}

// NewHostListResource is the estate_host list resource factory.
func NewHostListResource() fwlist.ListResource { return &HostListResource{} }

type hostListModel struct {
	Cluster     types.String `tfsdk:"cluster"`
	NamePattern types.String `tfsdk:"name_pattern"`
}

func (r *HostListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_host"
}

func (r *HostListResource) ListResourceConfigSchema(_ context.Context, _ fwlist.ListResourceSchemaRequest, resp *fwlist.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the ESXi hosts vCenter manages, one `estate_host` per host, sorted by name, " +
			"so `terraform query -generate-config-out=hosts.tf` writes the resource and import blocks that adopt them (`name` and `kind` only: capacity is read from vCenter, and `maintenance` is left unset, so the adopted host stays as it is). " +
			"Declared servers are not in vCenter and are not listed. Every filter that is set must match; a cluster the estate does not have is an error naming the clusters.",
		Attributes: map[string]listschema.Attribute{
			"cluster": listschema.StringAttribute{Optional: true,
				MarkdownDescription: "Only the hosts of this cluster."},
			"name_pattern": listschema.StringAttribute{Optional: true,
				Validators:          []validator.String{namePatternValidator{}},
				MarkdownDescription: "Only hosts whose name matches this glob: `*` any run of characters but `/`, `?` one character, `[a-c]` `[^0-9]` one of (none of) a set, `\\` quotes the next character."},
		},
	}
}

func (r *HostListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *HostListResource) List(ctx context.Context, req fwlist.ListRequest, stream *fwlist.ListResultsStream) {
	var m hostListModel
	topo, diags, ok := listStart(ctx, r.data, req, &m, stream)
	if !ok {
		return
	}
	hosts, err := topo.Estate.SelectHosts(inventory.HostFilter{Cluster: inventory.ClusterName(m.Cluster.ValueString()),
		Kind: inventory.KindESXi, NamePattern: m.NamePattern.ValueString()})
	if err != nil {
		diags.AddError("Cannot list hosts", err.Error())
		stream.Results = fwlist.ListResultsStreamDiagnostics(diags)
		return
	}
	hr := &HostResource{data: r.data}
	stream.Results = func(push func(fwlist.ListResult) bool) {
		for i, h := range hosts {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			if i == 0 {
				result.Diagnostics.Append(diags...)
			}
			result.DisplayName = fmt.Sprintf("%s (%s, %d VMs)", h.Name, h.Cluster, len(topo.Estate.VMsOn(h.Name)))
			if h.Cluster == "" {
				result.DisplayName = fmt.Sprintf("%s (%d VMs)", h.Name, len(topo.Estate.VMsOn(h.Name)))
			}
			name := types.StringValue(string(h.Name))
			result.Diagnostics.Append(result.Identity.Set(ctx, nameIdentity{Name: name})...)
			if req.IncludeResource {
				var hm hostResourceModel
				hr.fillLive(ctx, &hm, topo.Estate, h, &result.Diagnostics)
				// What the generated configuration must not set for an ESXi host: vCenter reports the
				// capacity, and unset maintenance leaves the host as it is.
				hm.CPUCores, hm.CPUMHzPerCore, hm.MemoryMB = types.Int64Null(), types.Int64Null(), types.Int64Null()
				hm.Maintenance, hm.FailoverDomain = types.BoolNull(), types.StringNull()
				hm.Labels = types.MapNull(types.StringType)
				hm.Evacuation = types.MapValueMust(types.StringType, nil)
				result.Diagnostics.Append(result.Resource.Set(ctx, &hm)...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// listStart is the start every list resource shares: decode the list block's
// configuration into m and read the live estate, or stream the diagnostics
// and report false.
func listStart(ctx context.Context, data *providerData, req fwlist.ListRequest, m any, stream *fwlist.ListResultsStream) (*vsphere.Topology, diag.Diagnostics, bool) {
	diags := req.Config.Get(ctx, m)
	if !diags.HasError() && data == nil {
		diags.AddError("Provider not configured", "The estate provider has no vCenter connection: its configuration has values not known yet.")
	}
	if diags.HasError() {
		stream.Results = fwlist.ListResultsStreamDiagnostics(diags)
		return nil, diags, false
	}
	topo, d := data.topology(ctx)
	if diags.Append(d...); diags.HasError() {
		stream.Results = fwlist.ListResultsStreamDiagnostics(diags)
		return nil, diags, false
	}
	return topo, diags, true
}
