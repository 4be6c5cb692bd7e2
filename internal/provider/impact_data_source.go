package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

var (
	_ datasource.DataSourceWithConfigure        = &ImpactDataSource{}
	_ datasource.DataSourceWithConfigValidators = &ImpactDataSource{}
)

// ImpactDataSource is a what-if: it fails hosts and datastores, or puts hosts
// into maintenance, in a copy of the estate and reports what that does,
// without changing anything.
type ImpactDataSource struct {
	data *providerData
}

// NewImpactDataSource is the estate_impact factory.
func NewImpactDataSource() datasource.DataSource { return &ImpactDataSource{} }

type impactModel struct {
	FailedHosts      []types.String `tfsdk:"failed_hosts"`
	FailedDatastores []types.String `tfsdk:"failed_datastores"`
	MaintenanceHosts []types.String `tfsdk:"maintenance_hosts"`
	Tolerate         types.Int64    `tfsdk:"tolerate"`
	Hosts            types.List     `tfsdk:"hosts"`
	BusinessSystems  types.List     `tfsdk:"business_systems"`
	StandbyGroups    types.List     `tfsdk:"standby_groups"`
	Basis            types.String   `tfsdk:"basis"`
	HeadroomPercent  types.Float64  `tfsdk:"headroom_percent"`

	Verdict                 types.String          `tfsdk:"verdict"`
	Reason                  types.String          `tfsdk:"reason"`
	AffectedVMs             []string              `tfsdk:"affected_vms"`
	AffectedBusinessSystems []impactSystem        `tfsdk:"affected_business_systems"`
	StaysDown               []impactDown          `tfsdk:"stays_down"`
	RestartPlacement        map[string]string     `tfsdk:"restart_placement"`
	Shortfalls              []impactShortfall     `tfsdk:"shortfalls"`
	Refusals                []impactRefusal       `tfsdk:"refusals"`
	Evacuation              *impactEvacuation     `tfsdk:"evacuation"`
	Scenarios               []impactScenarioModel `tfsdk:"scenarios"`
	Safe                    types.Int64           `tfsdk:"safe"`
	Unsafe                  types.Int64           `tfsdk:"unsafe"`
	Unproven                types.Int64           `tfsdk:"unproven"`
}

type impactSystem struct {
	Name        string   `tfsdk:"name"`
	Criticality string   `tfsdk:"criticality"`
	State       string   `tfsdk:"state"`
	HitVMs      []string `tfsdk:"hit_vms"`
	HitHosts    []string `tfsdk:"hit_hosts"`
}

type impactDown struct {
	VM              string   `tfsdk:"vm"`
	Host            string   `tfsdk:"host"`
	Reason          string   `tfsdk:"reason"`
	BusinessSystems []string `tfsdk:"business_systems"`
}

type impactShortfall struct {
	Host      string `tfsdk:"host"`
	VM        string `tfsdk:"vm"`
	Dimension string `tfsdk:"dimension"`
	Requested int64  `tfsdk:"requested"`
	Used      int64  `tfsdk:"used"`
	Capacity  int64  `tfsdk:"capacity"`
}

type impactRefusal struct {
	VM      string `tfsdk:"vm"`
	Host    string `tfsdk:"host"`
	Checker string `tfsdk:"checker"`
	Reason  string `tfsdk:"reason"`
}

type impactEvacuation struct {
	Hosts      []string          `tfsdk:"hosts"`
	Verdict    string            `tfsdk:"verdict"`
	Reason     string            `tfsdk:"reason"`
	Moves      map[string]string `tfsdk:"moves"`
	Shortfalls []impactShortfall `tfsdk:"shortfalls"`
	Refusals   []impactRefusal   `tfsdk:"refusals"`
}

type impactScenarioModel struct {
	FailedHosts             []string       `tfsdk:"failed_hosts"`
	Verdict                 string         `tfsdk:"verdict"`
	Reason                  string         `tfsdk:"reason"`
	AffectedBusinessSystems []impactSystem `tfsdk:"affected_business_systems"`
}

func (d *ImpactDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_impact"
}

func shortfallAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"host":      computedString("The host that has no room."),
		"vm":        computedString("The VM that does not fit (empty when the shortfall is the host's alone)."),
		"dimension": computedString("`cpu` (MHz) or `memory` (MiB)."),
		"requested": computedInt("What the VM requests, in the dimension's unit."),
		"used":      computedInt("What the host already carries."),
		"capacity":  computedInt("What the host may carry, after overcommit and headroom."),
	}
}

func refusalAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"vm":      computedString("The VM that could not be placed."),
		"host":    computedString("The host that refused it."),
		"checker": computedString("The rule that refused: `domain`, `available`, `failover_host`, `datastores`, `vm_host_rule`, `anti_affinity` or `capacity`."),
		"reason":  computedString("Why, in words."),
	}
}

func impactSystemAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":        computedString("The business system."),
		"criticality": computedString("Its criticality: " + list(inventory.Criticalities) + " (empty when not set)."),
		"state": computedString("What the failure does to it before anything restarts: `down` (every running member is hit), " +
			"`lost_redundancy` (the survivors run on fewer than max(2, `min_hosts`) hosts) or `degraded` (some members are hit)."),
		"hit_vms":   computedStrings("Its VMs the failure hits, sorted."),
		"hit_hosts": computedStrings("Its member hosts the failure hits, sorted."),
	}
}

func listOf(attrs map[string]schema.Attribute, desc string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: attrs}, MarkdownDescription: desc}
}

func (d *ImpactDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A what-if that changes nothing: fails hosts and datastores, or puts hosts into maintenance, in a copy of the live estate " +
			"and says which VMs and business systems are hit, where vSphere HA (or a standby group) restarts them, what stays down and why, with the " +
			"numbers behind every verdict. Usable in `check` blocks (a warning when a host's failure would take a critical business system down) " +
			"and in runbooks (`terraform plan` with the host that is about to be serviced).",
		Attributes: map[string]schema.Attribute{
			"failed_hosts": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Hosts that fail together, by name: ESXi hosts from vCenter or servers declared with `estate_host` and passed in `hosts`."},
			"failed_datastores": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Datastores that fail together with `failed_hosts`, by name: their VMs go down and nothing restarts them."},
			"maintenance_hosts": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Hosts that enter maintenance mode first: `evacuation` says where their powered-on VMs go (as DRS would move them). " +
					"The failures are then analysed with these hosts in maintenance and, when the evacuation found a target for every VM, with the VMs moved; " +
					"when it did not, the VMs stay where they are, as they do when vCenter's evacuation stops."},
			"tolerate": schema.Int64Attribute{Optional: true,
				Validators: []validator.Int64{int64validator.Between(0, maxGuardTolerate)},
				MarkdownDescription: fmt.Sprintf("Also check every failure of up to this many hosts per cluster (after the maintenance), from `0` to `%d`: "+
					"the ones that are not safe are in `scenarios`, and every one is counted in `safe`, `unsafe` and `unproven`. Default `0`.", maxGuardTolerate)},
			"hosts": schema.ListAttribute{Optional: true, ElementType: guardHostType,
				MarkdownDescription: "`estate_host` resources (`values(estate_host.all)`), as for `estate_guard`: declared servers join the analysed estate, " +
					"and hosts with `maintenance = true` carry no load, with their planned `evacuation` applied."},
			"business_systems": schema.ListAttribute{Optional: true, ElementType: guardSystemType,
				MarkdownDescription: "`estate_business_system` resources, as for `estate_guard`: the result names the business systems each failure hits, with their criticality."},
			"standby_groups": schema.ListAttribute{Optional: true, ElementType: guardStandbyType,
				MarkdownDescription: "`estate_standby_group` resources, as for `estate_guard`: a failed active server is taken over by its group's standby."},
			"basis": schema.StringAttribute{Optional: true, Computed: true,
				Validators:          []validator.String{stringvalidator.OneOf(inventory.Strings(analysis.Bases)...)},
				MarkdownDescription: "What a VM demands: " + list(analysis.Bases) + ". Default: the provider's `policy.basis`, else `reservation` (what vSphere HA guarantees)."},
			"headroom_percent": schema.Float64Attribute{Optional: true, Computed: true,
				Validators:          []validator.Float64{float64validator.AtLeast(0), float64validator.AtMost(99)},
				MarkdownDescription: "Capacity kept free on every host, in percent. Default: the provider's `policy.headroom_percent`, else `0`."},

			"verdict": computedString("The worst verdict of the evacuation, the named failure and the `tolerate` scenarios: `safe` (a placement exists and was checked), " +
				"`unsafe` (proven: VMs stay down or do not fit) or `unproven` (neither found nor ruled out)."),
			"reason":       computedString("Why, one part per check: `maintenance of host …: …`, `failure of host … and datastore …: …`, and the counts of the `tolerate` scenarios."),
			"affected_vms": computedStrings("Powered-on VMs the named failure takes down (before any restart), sorted. Empty when no failure is named."),
			"affected_business_systems": listOf(impactSystemAttributes(),
				"Business systems the named failure hits, by name, each with its criticality and state."),
			"stays_down": listOf(map[string]schema.Attribute{
				"vm":               computedString("The VM."),
				"host":             computedString("The host it ran on."),
				"reason":           computedString("Why nothing restarts it: its storage failed, vSphere HA is off in its cluster, or its restart is disabled."),
				"business_systems": computedStrings("The business systems it belongs to."),
			}, "VMs of the named failure that nothing restarts, sorted by VM."),
			"restart_placement": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Where each VM hit by the named failure restarts, VM → host: a placement checked against every rule vSphere HA obeys. " +
					"Empty when the verdict is not `safe`."},
			"shortfalls": listOf(shortfallAttributes(), "Why the VMs of the named failure do not fit, when they do not: every host and dimension that is short."),
			"refusals":   listOf(refusalAttributes(), "Per host, why the placement rule refused a VM of the named failure that could not be placed."),
			"evacuation": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "The evacuation of `maintenance_hosts` (null without them).",
				Attributes: map[string]schema.Attribute{
					"hosts":   computedStrings("The hosts entering maintenance, sorted."),
					"verdict": computedString("`safe` when every powered-on VM has a target, else `unsafe` or `unproven`."),
					"reason":  computedString("Why."),
					"moves": schema.MapAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Where each powered-on VM goes, VM → host."},
					"shortfalls": listOf(shortfallAttributes(), "Why the VMs do not fit, when they do not."),
					"refusals":   listOf(refusalAttributes(), "Per host, why the placement rule refused a VM that could not be moved."),
				}},
			"scenarios": listOf(map[string]schema.Attribute{
				"failed_hosts":              computedStrings("The hosts that fail together."),
				"verdict":                   computedString("`unsafe` or `unproven`."),
				"reason":                    computedString("Why."),
				"affected_business_systems": listOf(impactSystemAttributes(), "Business systems the failure hits."),
			}, "The failures checked for `tolerate` that are not safe, in the order checked (per cluster, one host, then two, …)."),
			"safe":     computedInt("Failures checked (the named one and those of `tolerate`) proven survivable."),
			"unsafe":   computedInt("Failures checked proven not survivable."),
			"unproven": computedInt("Failures checked neither proven nor disproven."),
		},
	}
}

func (d *ImpactDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.AtLeastOneOf(path.MatchRoot("failed_hosts"), path.MatchRoot("failed_datastores"),
		path.MatchRoot("maintenance_hosts"), path.MatchRoot("tolerate"))}
}

func (d *ImpactDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *ImpactDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m impactModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "estate_impact needs a configured provider to read vCenter.")
		return
	}
	if m.HeadroomPercent.IsNull() {
		m.HeadroomPercent = types.Float64Value(d.data.policy.HeadroomPercent)
	}
	if m.Basis.IsNull() {
		m.Basis = types.StringValue(string(d.data.policy.Basis))
	}
	live, diags := d.data.PlannedEstate(ctx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	in := decodeInputs(ctx, m.Hosts, m.BusinessSystems, m.StandbyGroups, &resp.Diagnostics)
	changes, entering := in.overlay(live, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	estate, err := live.With(changes...)
	if err != nil {
		resp.Diagnostics.AddError("Invalid inputs", err.Error())
		return
	}
	failHosts, failDS, maintenance := names[inventory.HostName](m.FailedHosts), names[inventory.DatastoreName](m.FailedDatastores), names[inventory.HostName](m.MaintenanceHosts)
	checkImpactNames(estate, failHosts, failDS, maintenance, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	policy := d.data.policy.Policy
	policy.HeadroomPercent, policy.Basis = m.HeadroomPercent.ValueFloat64(), analysis.Basis(m.Basis.ValueString())
	if err := policy.Validate(); err != nil {
		resp.Diagnostics.AddError("Invalid policy", err.Error())
		return
	}
	m.fill(ctx, estate, policy, failHosts, failDS, slices.Concat(entering, maintenance), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func names[T ~string](in []types.String) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v.ValueString())
	}
	return out
}

// checkImpactNames fails on every name the estate does not have, naming the
// attribute, the value and the names it does have.
func checkImpactNames(s *inventory.Snapshot, failHosts []inventory.HostName, failDS []inventory.DatastoreName, maintenance []inventory.HostName, diags *diagnostics) {
	hosts := map[inventory.HostName]bool{}
	for _, h := range s.Hosts() {
		hosts[h.Name] = true
	}
	datastores := map[inventory.DatastoreName]bool{}
	for _, ds := range s.Datastores() {
		datastores[ds.Name] = true
	}
	for _, in := range []struct {
		attr string
		list []inventory.HostName
	}{{"failed_hosts", failHosts}, {"maintenance_hosts", maintenance}} {
		for i, h := range in.list {
			if !hosts[h] {
				diags.AddAttributeError(path.Root(in.attr).AtListIndex(i), "Unknown host",
					fmt.Sprintf("%s[%d] is %q, which the estate does not have: %s.", in.attr, i, clip(string(h)), inventory.KnownList("hosts", hosts)))
			}
		}
	}
	for i, ds := range failDS {
		if !datastores[ds] {
			diags.AddAttributeError(path.Root("failed_datastores").AtListIndex(i), "Unknown datastore",
				fmt.Sprintf("failed_datastores[%d] is %q, which the estate does not have: %s.", i, clip(string(ds)), inventory.KnownList("datastores", datastores)))
		}
	}
}

// fill runs the what-if: the evacuation of the hosts entering maintenance,
// then, on the estate after it, the named failure and the tolerate scenarios.
func (m *impactModel) fill(ctx context.Context, estate *inventory.Snapshot, policy analysis.Policy, failHosts []inventory.HostName,
	failDS []inventory.DatastoreName, maintenance []inventory.HostName, diags *diagnostics) {
	verdict := analysis.Safe
	var reasons []string
	worse := func(v analysis.Verdict) {
		if v == analysis.Unsafe || (v == analysis.Unproven && verdict == analysis.Safe) {
			verdict = v
		}
	}
	after := estate
	if len(maintenance) > 0 {
		e := analysis.Evacuate(estate, policy, maintenance)
		m.Evacuation = &impactEvacuation{Hosts: strs(e.Hosts), Verdict: string(e.Verdict), Reason: e.Reason, Moves: placementMap(e.Moves),
			Shortfalls: shortfallsOf(e.Shortfalls), Refusals: refusalsOf(e.Refusals)}
		worse(e.Verdict)
		reasons = append(reasons, fmt.Sprintf("maintenance of host %s: %s", joinPlain(e.Hosts), e.Reason))
		var changes []inventory.Change
		if e.Verdict == analysis.Safe {
			for _, vm := range sortedKeysOf(m.Evacuation.Moves) {
				changes = append(changes, inventory.MoveVM{VM: inventory.VMName(vm), To: inventory.HostName(m.Evacuation.Moves[vm])})
			}
		}
		for _, h := range e.Hosts {
			changes = append(changes, inventory.SetMaintenance{Host: h, On: true})
		}
		var err error
		if after, err = estate.With(changes...); err != nil {
			diags.AddError("Cannot apply the evacuation", err.Error())
			return
		}
	}
	m.AffectedVMs, m.AffectedBusinessSystems, m.StaysDown = []string{}, []impactSystem{}, []impactDown{}
	m.RestartPlacement, m.Shortfalls, m.Refusals = map[string]string{}, []impactShortfall{}, []impactRefusal{}
	counts := map[analysis.Verdict]int64{}
	if len(failHosts)+len(failDS) > 0 {
		sc := analysis.Fail(after, policy, analysis.Failure{Hosts: failHosts, Datastores: failDS})
		counts[sc.Verdict]++
		worse(sc.Verdict)
		reasons = append(reasons, fmt.Sprintf("failure of %s: %s", failureOf(sc), sc.Reason))
		m.AffectedVMs, m.AffectedBusinessSystems = strs(sc.AffectedVMs), systemsOf(sc.AffectedBusinessSystems)
		m.RestartPlacement, m.Shortfalls, m.Refusals = placementMap(sc.RestartPlacement), shortfallsOf(sc.Shortfalls), refusalsOf(sc.Refusals)
		for _, v := range sc.StaysDown {
			m.StaysDown = append(m.StaysDown, impactDown{VM: string(v.VM), Host: string(v.Host), Reason: v.Reason, BusinessSystems: strs(v.BusinessSystems)})
		}
		slices.SortFunc(m.StaysDown, func(a, b impactDown) int { return strings.Compare(a.VM, b.VM) })
	}
	m.Scenarios = []impactScenarioModel{}
	if k := int(m.Tolerate.ValueInt64()); k > 0 {
		p := policy
		p.Tolerate = k
		rep, err := analysis.AnalyzeContext(ctx, after, analysis.Request{Policy: p, OmitSafe: true})
		if err != nil {
			diags.AddAttributeError(path.Root("tolerate"), "Cannot check the failures of tolerate", err.Error())
			return
		}
		// The summary counts standby takeovers too: only host failures count here.
		scenarios := int64(rep.Summary.Safe)
		for _, t := range rep.Standby {
			if t.Verdict == analysis.Safe {
				scenarios--
			}
		}
		counts[analysis.Safe] += scenarios
		for _, sc := range rep.Scenarios {
			counts[sc.Verdict]++
			worse(sc.Verdict)
			m.Scenarios = append(m.Scenarios, impactScenarioModel{FailedHosts: strs(sc.FailedHosts), Verdict: string(sc.Verdict), Reason: sc.Reason,
				AffectedBusinessSystems: systemsOf(sc.AffectedBusinessSystems)})
		}
		reasons = append(reasons, fmt.Sprintf("failures of up to %d host(s) per cluster: %d safe, %d unsafe, %d unproven",
			k, scenarios, len(rep.Scenarios)-countOf(rep.Scenarios, analysis.Unproven), countOf(rep.Scenarios, analysis.Unproven)))
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "nothing fails and no host enters maintenance")
	}
	m.Verdict, m.Reason = types.StringValue(string(verdict)), types.StringValue(strings.Join(reasons, "; "))
	m.Safe, m.Unsafe = types.Int64Value(counts[analysis.Safe]), types.Int64Value(counts[analysis.Unsafe])
	m.Unproven = types.Int64Value(counts[analysis.Unproven])
}

func countOf(scs []analysis.Scenario, v analysis.Verdict) int {
	n := 0
	for _, sc := range scs {
		if sc.Verdict == v {
			n++
		}
	}
	return n
}

func failureOf(sc analysis.Scenario) string {
	var parts []string
	if len(sc.FailedHosts) > 0 {
		parts = append(parts, "host "+joinPlain(sc.FailedHosts))
	}
	if len(sc.FailedDatastores) > 0 {
		parts = append(parts, "datastore "+joinPlain(sc.FailedDatastores))
	}
	return strings.Join(parts, " and ")
}

func joinPlain[T ~string](in []T) string { return strings.Join(strs(in), ", ") }

func placementMap(in map[inventory.VMName]inventory.HostName) map[string]string {
	out := make(map[string]string, len(in))
	for vm, h := range in {
		out[string(vm)] = string(h)
	}
	return out
}

func shortfallsOf(in []analysis.Shortfall) []impactShortfall {
	out := make([]impactShortfall, len(in))
	for i, s := range in {
		out[i] = impactShortfall{Host: string(s.Host), VM: string(s.VM), Dimension: string(s.Dimension), Requested: s.Requested, Used: s.Used, Capacity: s.Capacity}
	}
	return out
}

func refusalsOf(in []analysis.Refusal) []impactRefusal {
	out := make([]impactRefusal, len(in))
	for i, r := range in {
		out[i] = impactRefusal{VM: string(r.VM), Host: string(r.Host), Checker: r.Checker, Reason: r.Reason}
	}
	return out
}

func systemsOf(in []analysis.SystemImpact) []impactSystem {
	out := make([]impactSystem, len(in))
	for i, s := range in {
		out[i] = impactSystem{Name: string(s.Name), Criticality: string(s.Criticality), State: string(s.State), HitVMs: strs(s.HitVMs), HitHosts: strs(s.HitHosts)}
	}
	return out
}
