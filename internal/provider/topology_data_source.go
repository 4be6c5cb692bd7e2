package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

var _ datasource.DataSourceWithConfigure = &TopologyDataSource{}

// TopologyDataSource exposes the live estate read from vCenter.
type TopologyDataSource struct {
	data *providerData
}

// NewTopologyDataSource is the estate_topology factory.
func NewTopologyDataSource() datasource.DataSource { return &TopologyDataSource{} }

type topologyModel struct {
	Cluster      types.String     `tfsdk:"cluster"`
	Server       types.String     `tfsdk:"server"`
	Clusters     []clusterModel   `tfsdk:"clusters"`
	Hosts        []hostModel      `tfsdk:"hosts"`
	VMs          []vmModel        `tfsdk:"vms"`
	Datastores   []datastoreModel `tfsdk:"datastores"`
	SnapshotJSON types.String     `tfsdk:"snapshot_json"`
}

func (d *TopologyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_topology"
}

func (d *TopologyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The live topology of the estate as vCenter reports it: clusters, hosts with capacity and load, VMs with placement, datastores. " +
			"Read once per Terraform command (one bulk read for every data source and resource), so it is cheap to use several times.",
		Attributes: map[string]schema.Attribute{
			"cluster": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Limit the topology to this cluster (its hosts, their VMs and datastores). Omit for the whole estate."},
			"server": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The vCenter (`host:port`) the topology was read from."},
			"clusters":      schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: clusterAttributes()}, MarkdownDescription: "Clusters, sorted by name."},
			"hosts":         schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: hostAttributes()}, MarkdownDescription: "ESXi hosts, sorted by name."},
			"vms":           schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: vmAttributes()}, MarkdownDescription: "Virtual machines (templates excluded), sorted by name."},
			"datastores":    schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: datastoreAttributes()}, MarkdownDescription: "Datastores, sorted by name."},
			"snapshot_json": schema.StringAttribute{Computed: true, MarkdownDescription: "The same estate as an `estate.snapshot/v1` document (see the snapshot format guide), for `terraform-provider-estate analyze` or `local_file`."},
		},
	}
}

func (d *TopologyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *TopologyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m topologyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "estate_topology needs a configured provider to read vCenter.")
		return
	}
	topo, diags := d.data.topology(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	snap := topo.Estate
	if c := m.Cluster.ValueString(); c != "" {
		var err error
		if snap, err = snap.Only(inventory.ClusterName(c)); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("cluster"), "Unknown cluster", err.Error())
			return
		}
	}
	doc, err := inventory.EncodeString(snap)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the snapshot", err.Error())
		return
	}
	m.Server = types.StringValue(d.data.cache.Client().Server())
	m.Clusters, m.Hosts, m.VMs, m.Datastores = clustersOf(snap), hostsOf(snap), vmsOf(snap), datastoresOf(snap)
	m.SnapshotJSON = types.StringValue(doc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
