// Package provider is the Terraform layer: it converts between Terraform
// values and the estate model and delegates to internal/vsphere and
// internal/analysis. It holds no logic of its own.
package provider

import (
	"context"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwlist "github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

var (
	_ provider.Provider                  = &EstateProvider{}
	_ provider.ProviderWithListResources = &EstateProvider{}
)

// EstateProvider is the estate provider.
type EstateProvider struct {
	version string
}

// New returns a provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &EstateProvider{version: version} }
}

type providerModel struct {
	Server             types.String `tfsdk:"server"`
	User               types.String `tfsdk:"user"`
	Password           types.String `tfsdk:"password"`
	AllowUnverifiedSSL types.Bool   `tfsdk:"allow_unverified_ssl"`
	CAFile             types.String `tfsdk:"ca_file"`
	Datacenter         types.String `tfsdk:"datacenter"`
	APITimeout         types.String `tfsdk:"api_timeout"`
	Policy             *policyModel `tfsdk:"policy"`
	// BusinessSystemTagCategory: see businessSystemTagCategoryAttribute.
	BusinessSystemTagCategory types.String `tfsdk:"business_system_tag_category"`
	MaxVMotionsPerHost        types.Int64  `tfsdk:"max_vmotions_per_host"`
}

// DefaultMaxVMotionsPerHost is vSphere's limit of concurrent vMotions per host
// on a 1 GbE vMotion network ("vCenter Server and Host Management", Limits on
// Simultaneous Migrations: network limits 4 on 1GigE, 8 on 10GigE; the host
// limit is 8). 4 is right for any network; a 10 GbE network may set 8.
const DefaultMaxVMotionsPerHost = 4

// MaxMaxVMotionsPerHost is vSphere's host limit: no host runs more than 8 vMotions at once.
const MaxMaxVMotionsPerHost = 8

// Environment variables the provider reads, the same ones the vsphere provider uses.
const (
	EnvServer             = "VSPHERE_SERVER"
	EnvUser               = "VSPHERE_USER"
	EnvPassword           = "VSPHERE_PASSWORD"
	EnvAllowUnverifiedSSL = "VSPHERE_ALLOW_UNVERIFIED_SSL"
	EnvCAFile             = "VSPHERE_CA_FILE"
	EnvDatacenter         = "VSPHERE_DATACENTER"
	EnvAPITimeout         = "VSPHERE_API_TIMEOUT"
)

func (p *EstateProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "estate"
	resp.Version = p.version
}

func (p *EstateProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Models a virtualized estate (vSphere clusters and physical servers) and checks every plan for capacity and failover. Connects to one vCenter; one session is shared by everything in a provider process and logged out when it ends. A run killed before it could log out (SIGKILL) leaves its session to the next run, which reuses it: the session cookie is kept in a file private to the user under the user cache directory (`ESTATE_SESSION_DIR` moves it, `off` disables it).",
		Attributes: map[string]schema.Attribute{
			"server": schema.StringAttribute{Optional: true,
				MarkdownDescription: "vCenter server: `host`, `host:port` or an `https://` URL. Defaults to `" + EnvServer + "`."},
			"user": schema.StringAttribute{Optional: true,
				MarkdownDescription: "vCenter user name. Defaults to `" + EnvUser + "`."},
			"password": schema.StringAttribute{Optional: true, Sensitive: true,
				MarkdownDescription: "vCenter password. Defaults to `" + EnvPassword + "`. Never logged."},
			"allow_unverified_ssl": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Skip verification of vCenter's TLS certificate. Only for labs; prefer `ca_file`. Defaults to `" + EnvAllowUnverifiedSSL + "`, else `false`."},
			"ca_file": schema.StringAttribute{Optional: true,
				MarkdownDescription: "PEM file with the CA certificates that signed vCenter's certificate, trusted in addition to the system's. Defaults to `" + EnvCAFile + "`."},
			"datacenter": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Read only this datacenter. Defaults to `" + EnvDatacenter + "`, else every datacenter."},
			"api_timeout": schema.StringAttribute{Optional: true,
				Validators: []validator.String{timeoutValidator{}},
				MarkdownDescription: "How long to wait for vCenter on each call — connect, login, every read and write — as a duration such as `90s`, `5m` or `1h` (from `1s` to `24h`). " +
					"A call that takes longer fails the command with an error naming the server and what timed out, instead of hanging it. The TCP connect and the TLS handshake get at most `30s` of it. " +
					"Defaults to `" + EnvAPITimeout + "`, else `5m`."},
			"business_system_tag_category": businessSystemTagCategoryAttribute(),
			"max_vmotions_per_host": schema.Int64Attribute{Optional: true,
				Validators: []validator.Int64{int64validator.Between(1, MaxMaxVMotionsPerHost)},
				MarkdownDescription: "How many vMotions a host may take part in at once, as source or target, when this provider moves VMs: from `1` to `8`. " +
					"Defaults to `4`, vSphere's limit per host on a 1 GbE vMotion network; set `8` on a 10 GbE network (vSphere: *vCenter Server and Host Management*, \"Limits on Simultaneous Migrations\": 4 concurrent vMotions per host on 1GigE, 8 on 10GigE, and never more than 8 per host). " +
					"Every vMotion of one apply keeps to it, whichever resource makes it: placements, host evacuations and migration waves."},
		},
		Blocks: map[string]schema.Block{"policy": policyBlock()},
	}
}

func (p *EstateProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if anyUnknown(m.Server, m.User, m.Password, m.CAFile, m.Datacenter, m.APITimeout, m.BusinessSystemTagCategory) || m.AllowUnverifiedSSL.IsUnknown() || m.MaxVMotionsPerHost.IsUnknown() {
		// Values from resources not yet created: the provider is configured again once they are known.
		return
	}
	cfg, datacenter, ok := resolveConfig(m, resp)
	if !ok {
		return
	}
	ctx = tflog.SetField(ctx, "vcenter", cfg.Server)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "password")
	client, err := vsphere.Shared(ctx, cfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to vCenter", err.Error())
		return
	}
	tflog.Debug(ctx, "connected to vCenter", map[string]any{"user": cfg.User})
	maxVMotions := DefaultMaxVMotionsPerHost
	if !m.MaxVMotionsPerHost.IsNull() {
		maxVMotions = int(m.MaxVMotionsPerHost.ValueInt64())
	}
	moveTimeout := cfg.Timeout
	if moveTimeout == 0 {
		moveTimeout = vsphere.DefaultTimeout
	}
	data := &providerData{cache: vsphere.NewCache(client), datacenter: datacenter, policy: m.Policy.resolve(),
		tagCategory:        businessSystemTagCategory(m.BusinessSystemTagCategory),
		maxVMotionsPerHost: maxVMotions,
		// A move waits for room at most api_timeout, as long as any one call to vCenter may take.
		moves: newMoveCoordinator(maxVMotions, moveTimeout)}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
}

// resolveConfig applies the environment fallbacks and checks what is required.
func resolveConfig(m providerModel, resp *provider.ConfigureResponse) (vsphere.Config, string, bool) {
	cfg := vsphere.Config{
		Server:   stringOr(m.Server, EnvServer),
		User:     stringOr(m.User, EnvUser),
		Password: stringOr(m.Password, EnvPassword),
		CAFile:   stringOr(m.CAFile, EnvCAFile),
		// A run killed with SIGKILL leaves its session for the next run to reuse (docs/design/sessions.md).
		SessionDir: vsphere.DefaultSessionDir(),
	}
	insecure, err := boolOr(m.AllowUnverifiedSSL, EnvAllowUnverifiedSSL)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("allow_unverified_ssl"), "Invalid "+EnvAllowUnverifiedSSL, err.Error())
		return cfg, "", false
	}
	cfg.Insecure = insecure
	if s := stringOr(m.APITimeout, EnvAPITimeout); s != "" {
		d, err := vsphere.ParseTimeout(s)
		if err != nil {
			what := "api_timeout"
			if m.APITimeout.IsNull() {
				what = EnvAPITimeout
			}
			resp.Diagnostics.AddAttributeError(path.Root("api_timeout"), "Invalid "+what, what+" = "+err.Error())
			return cfg, "", false
		}
		cfg.Timeout = d
	}
	for _, req := range []struct{ value, attr, env string }{
		{cfg.Server, "server", EnvServer}, {cfg.User, "user", EnvUser}, {cfg.Password, "password", EnvPassword},
	} {
		if req.value == "" {
			resp.Diagnostics.AddAttributeError(path.Root(req.attr), "Missing vCenter "+req.attr,
				"Set "+req.attr+" in the provider block or the "+req.env+" environment variable.")
		}
	}
	return cfg, stringOr(m.Datacenter, EnvDatacenter), !resp.Diagnostics.HasError()
}

func stringOr(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func boolOr(v types.Bool, env string) (bool, error) {
	if !v.IsNull() {
		return v.ValueBool(), nil
	}
	s := os.Getenv(env)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, &envError{env: env, value: s}
	}
	return b, nil
}

type envError struct{ env, value string }

func (e *envError) Error() string {
	return e.env + "=" + strconv.Quote(e.value) + " is not a boolean: use true or false"
}

// timeoutValidator checks api_timeout when Terraform validates the configuration (plan, validate).
type timeoutValidator struct{}

func (timeoutValidator) Description(context.Context) string {
	return "a duration such as 90s, 5m or 1h, from 1s to 24h"
}

func (v timeoutValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (timeoutValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := vsphere.ParseTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid api_timeout", "api_timeout = "+err.Error())
	}
}

func anyUnknown(vs ...types.String) bool {
	for _, v := range vs {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

func (p *EstateProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewVMPlacementResource, NewGuardResource, NewHostResource,
		NewBusinessSystemResource, NewStandbyGroupResource, NewMigrationResource}
}

func (p *EstateProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewTopologyDataSource, NewImpactDataSource}
}

// ListResources are what `terraform query` lists (Terraform 1.14+).
func (p *EstateProvider) ListResources(_ context.Context) []func() fwlist.ListResource {
	return []func() fwlist.ListResource{NewVMPlacementListResource, NewHostListResource}
}
