package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// estate_migration: many placements as one reviewed change, applied in
// capacity-safe waves (docs/design/migration.md).

var (
	_ resource.ResourceWithConfigure  = &MigrationResource{}
	_ resource.ResourceWithModifyPlan = &MigrationResource{}
)

// MigrationResource places a set of VMs in one change.
type MigrationResource struct {
	data *providerData
}

// NewMigrationResource is the estate_migration factory.
func NewMigrationResource() resource.Resource { return &MigrationResource{} }

type migrationModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	Cluster    types.String `tfsdk:"cluster"`
	Placements types.Map    `tfsdk:"placements"`
	Waves      types.List   `tfsdk:"waves"`
	Moved      types.Map    `tfsdk:"moved"`
	Current    types.Map    `tfsdk:"current"`
}

// waveMove is one element of a wave in the waves attribute.
type waveMove struct {
	VM      string `tfsdk:"vm"`
	From    string `tfsdk:"from"`
	To      string `tfsdk:"to"`
	Parking bool   `tfsdk:"parking"`
}

var (
	moveType = types.ObjectType{AttrTypes: map[string]attr.Type{"vm": types.StringType, "from": types.StringType, "to": types.StringType, "parking": types.BoolType}}
	waveType = types.ListType{ElemType: moveType}
)

func (r *MigrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_migration"
}

func (r *MigrationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Places many VMs as one reviewed change: a map of VM → host, applied in an order in which no host is ever above its capacity. " +
			"The plan checks the end state and every intermediate step with the placement rule under the provider's `policy`, shows the order in `waves` (a VM that only makes room is *parked* and moves on later), and fails naming the step, the host and the shortfall when it finds no safe order. " +
			"Apply runs the waves one after the other; the moves of a wave run in parallel, at most the provider's `max_vmotions_per_host` vMotions at once on any host, as source or target (default 4, vSphere's limit on a 1 GbE vMotion network). " +
			"Before each wave it reads the migration's clusters again and stops, starting nothing of that wave, if a VM is not where the plan expects or the wave no longer fits. " +
			"If the estate changed between `terraform plan` and `terraform apply` so that the order changes (DRS moved one of the VMs), Terraform stops before any move with *Provider produced inconsistent final plan*, naming the wave entry that changed: the saved plan no longer describes what would happen; plan again. " +
			"If the apply stops (a failed task, Ctrl-C, a change under it), the state records exactly which moves happened (`moved`, `current`) and the error lists the VMs moved and not moved; the next plan shows what is left. " +
			"Destroying the resource moves nothing.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The migration's name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the change, for people: it appears in errors.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"cluster": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Keeps the migration inside one vCenter cluster: every VM must run there and every target host belong to it. Unset: VMs and hosts anywhere (parking stays within each VM's cluster)."},
			"placements": schema.MapAttribute{Required: true, ElementType: types.StringType,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
				MarkdownDescription: "The layout to reach: VM name → host name, as vCenter names them. VMs already on their host are kept there (and checked)."},
			"waves": schema.ListAttribute{Computed: true, ElementType: waveType,
				MarkdownDescription: "The order of the moves of the change planned (or last applied): a list of waves, each a list of moves `{vm, from, to, parking}`. " +
					"The moves of a wave run together and only count capacity free before the wave starts. `parking = true`: the VM only makes room for a blocked move and goes on in a later wave. Empty when nothing has to move."},
			"moved": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "VM → host reached, for every VM the last apply moved (a parked VM that did not go on shows its parking host). Unknown in a plan that moves VMs."},
			"current": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "VM → host each VM of `placements` runs on, as vCenter reports it; a VM not where `placements` says shows as drift in the next plan."},
		},
	}
}

func (r *MigrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// maxVMotionsPerHost is the per-host bound on concurrent vMotions.
func (r *MigrationResource) maxVMotionsPerHost() int {
	if r.data.maxVMotionsPerHost > 0 {
		return r.data.maxVMotionsPerHost
	}
	return DefaultMaxVMotionsPerHost
}

// desiredOf reads the placements map.
func desiredOf(ctx context.Context, m migrationModel, diags *diagnostics) map[inventory.VMName]inventory.HostName {
	var raw map[string]string
	diags.Append(m.Placements.ElementsAs(ctx, &raw, false)...)
	out := make(map[inventory.VMName]inventory.HostName, len(raw))
	for vm, h := range raw {
		out[inventory.VMName(vm)] = inventory.HostName(h)
	}
	return out
}

// ModifyPlan checks the placements against the live estate and sequences them.
func (r *MigrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan migrationModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	var prior *migrationModel
	if !req.State.Raw.IsNull() {
		prior = &migrationModel{}
		if resp.Diagnostics.Append(req.State.Get(ctx, prior)...); resp.Diagnostics.HasError() {
			return
		}
	}
	plan.ID = plan.Name
	if plan.Placements.IsUnknown() || plan.Cluster.IsUnknown() || !allKnown(plan.Placements) {
		plan.Waves, plan.Moved, plan.Current = types.ListUnknown(waveType), types.MapUnknown(types.StringType), types.MapUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	desired := desiredOf(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The clusters of its VMs and targets are all the migration's check reads.
	topo, diags := r.data.readScope(ctx, migrationScope(plan, desired))
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if checkPlacements(topo.Estate, plan.Cluster.ValueString(), desired, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	policy := r.data.policy.Policy
	seq := analysis.SequenceMoves(topo.Estate, policy, desired)
	if seq.Verdict != analysis.Safe {
		resp.Diagnostics.AddAttributeError(path.Root("placements"), "No capacity-safe order for migration "+fmt.Sprintf("%q", clip(plan.Name.ValueString())),
			noSafeOrder(topo.Estate, policy, desired, seq))
		return
	}
	current := map[string]string{}
	for vm := range desired {
		v, _ := topo.Estate.VM(vm)
		current[string(vm)] = string(v.Host)
	}
	if len(seq.Waves) > 0 {
		var d diagnostics
		plan.Waves, d = wavesValue(ctx, seq.Waves)
		resp.Diagnostics.Append(d...)
		plan.Moved = types.MapUnknown(types.StringType)
		plan.Current = plan.Placements // where apply leaves every VM
		for _, w := range analysis.LoadedAbove(mustWith(topo.Estate, desired), policy, r.data.policy.WarnAbovePercent, targets(seq)) {
			resp.Diagnostics.AddAttributeWarning(path.Root("placements"), "Migration leaves a host heavily loaded", w)
		}
	} else {
		// Nothing to move: keep the record of the last change, so an applied migration plans no change.
		plan.Waves, plan.Moved = types.ListValueMust(waveType, nil), types.MapValueMust(types.StringType, map[string]attr.Value{})
		if prior != nil && !prior.Waves.IsNull() && !prior.Waves.IsUnknown() {
			plan.Waves = prior.Waves
		}
		if prior != nil && !prior.Moved.IsNull() && !prior.Moved.IsUnknown() {
			plan.Moved = prior.Moved
		}
		var d diagnostics
		plan.Current, d = types.MapValueFrom(ctx, types.StringType, current)
		resp.Diagnostics.Append(d...)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func allKnown(m types.Map) bool {
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// checkPlacements reports every VM and host that does not exist, and, with a
// cluster scope, every VM and host outside it.
func checkPlacements(s *inventory.Snapshot, cluster string, desired map[inventory.VMName]inventory.HostName, diags *diagnostics) {
	if cluster != "" {
		if _, ok := s.Cluster(inventory.ClusterName(cluster)); !ok {
			known := map[inventory.ClusterName]bool{}
			for _, c := range s.Clusters() {
				known[c.Name] = true
			}
			diags.AddAttributeError(path.Root("cluster"), "Invalid migration scope",
				fmt.Sprintf("cluster = %q: vCenter has no such cluster: %s.", clip(cluster), inventory.KnownList("clusters", known)))
			return
		}
	}
	for _, vm := range slices.Sorted(maps.Keys(desired)) {
		host, at := desired[vm], path.Root("placements").AtMapKey(string(vm))
		v, vmOK := s.VM(vm)
		_, hostOK := s.Host(host)
		if !vmOK || !hostOK {
			for _, p := range analysis.CheckMove(s, analysis.DefaultPolicy(), vm, host) {
				diags.AddAttributeError(at, "Invalid placement", fmt.Sprintf("placements[%q] = %q: %s", clip(string(vm)), clip(string(host)), p.Message))
				break
			}
			continue
		}
		if cluster == "" {
			continue
		}
		h, _ := s.Host(host)
		vc := s.ClusterOf(vm)
		if string(vc) != cluster {
			diags.AddAttributeError(at, "Invalid placement", fmt.Sprintf("placements[%q]: VM %q runs in cluster %q (on host %q), outside cluster = %q: keep the migration to VMs of that cluster, or remove cluster.",
				clip(string(vm)), clip(string(vm)), clip(string(vc)), clip(string(v.Host)), clip(cluster)))
		}
		if string(h.Cluster) != cluster {
			known := map[inventory.HostName]bool{}
			for _, x := range s.HostsIn(inventory.ClusterName(cluster)) {
				known[x.Name] = true
			}
			diags.AddAttributeError(at, "Invalid placement", fmt.Sprintf("placements[%q] = %q: host %q is in cluster %q, outside cluster = %q: %s in cluster %q.",
				clip(string(vm)), clip(string(host)), clip(string(host)), clip(string(h.Cluster)), clip(cluster), inventory.KnownList("hosts", known), clip(cluster)))
		}
	}
}

// noSafeOrder explains why no order was found: the step at which it stops,
// and for each move that cannot start there, the host and its shortfall.
func noSafeOrder(s *inventory.Snapshot, p analysis.Policy, desired map[inventory.VMName]inventory.HostName, seq analysis.Sequence) string {
	switch {
	case len(seq.Refusals) > 0:
		return fmt.Sprintf("The placement rule refuses a target: %s.", seq.Reason)
	case len(seq.Shortfalls) > 0:
		return fmt.Sprintf("The end state (after the last step) puts more on a host than it may carry, so no order of moves reaches it:%s",
			shortfallText(seq.Shortfalls, p))
	case seq.Verdict == analysis.Unsafe:
		return seq.Reason
	}
	step := len(seq.Waves) + 1
	var done []string
	var moves []inventory.Change
	for i, w := range seq.Waves {
		var names []string
		for _, m := range w {
			names = append(names, moveText(m))
			moves = append(moves, inventory.MoveVM{VM: m.VM, To: m.To})
		}
		done = append(done, fmt.Sprintf("wave %d: %s", i+1, strings.Join(names, ", ")))
	}
	at, err := s.With(moves...)
	if err != nil {
		return fmt.Sprintf("step %d (wave %d): %s", step, step, seq.Reason)
	}
	var blocked []string
	for _, vm := range slices.Sorted(maps.Keys(desired)) {
		v, _ := at.VM(vm)
		if v.Host == desired[vm] {
			continue
		}
		why := roomShortfalls(at, p, v, desired[vm])
		if len(why) == 0 {
			why = append(why, "blocked by the other moves")
		}
		blocked = append(blocked, fmt.Sprintf("VM %q %s → %s: %s", clip(string(vm)), clip(string(v.Host)), clip(string(desired[vm])), strings.Join(why, "; ")))
	}
	before := "no wave can run before it"
	if len(done) > 0 {
		before = "the waves before it: " + strings.Join(done, "; ")
	}
	return fmt.Sprintf("Step %d (wave %d) cannot start: the moves left block each other and no host outside their targets has room to park one of them (%s).\n%s\n(policy: basis %s, cpu overcommit %g, memory overcommit %g, headroom %g %%)\nMake room on one of these hosts, or move fewer VMs in this change.",
		step, step, before, strings.Join(blocked, "\n"), p.Basis, p.CPUOvercommit, p.MemoryOvercommit, p.HeadroomPercent)
}

// roomShortfalls says, with the numbers, in which dimensions host h lacks room for VM v now.
func roomShortfalls(s *inventory.Snapshot, p analysis.Policy, v inventory.VM, to inventory.HostName) []string {
	h, ok := s.Host(to)
	if !ok || !v.PoweredOn() {
		return nil
	}
	need := p.Demand(v, h)
	var out []string
	for _, l := range analysis.Loads(s, p) {
		if l.Host != to {
			continue
		}
		free := l.Free()
		if need.CPU > free.CPU {
			out = append(out, fmt.Sprintf("host %q has no room for VM %q: cpu requested %d MHz, used %d of %d", clip(string(to)), clip(string(v.Name)), need.CPU, l.Used.CPU, l.Capacity.CPU))
		}
		if need.Memory > free.Memory {
			out = append(out, fmt.Sprintf("host %q has no room for VM %q: memory requested %d MiB, used %d of %d", clip(string(to)), clip(string(v.Name)), need.Memory, l.Used.Memory, l.Capacity.Memory))
		}
	}
	return out
}

func moveText(m analysis.Move) string {
	s := fmt.Sprintf("%s %s → %s", clip(string(m.VM)), clip(string(m.From)), clip(string(m.To)))
	if m.Parking {
		s += " (parking)"
	}
	return s
}

func mustWith(s *inventory.Snapshot, desired map[inventory.VMName]inventory.HostName) *inventory.Snapshot {
	var moves []inventory.Change
	for _, vm := range slices.Sorted(maps.Keys(desired)) {
		moves = append(moves, inventory.MoveVM{VM: vm, To: desired[vm]})
	}
	after, err := s.With(moves...)
	if err != nil {
		return s
	}
	return after
}

func targets(seq analysis.Sequence) []inventory.HostName {
	set := map[inventory.HostName]bool{}
	for _, w := range seq.Waves {
		for _, m := range w {
			set[m.To] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func wavesValue(ctx context.Context, waves [][]analysis.Move) (types.List, diagnostics) {
	out := make([][]waveMove, len(waves))
	for i, w := range waves {
		out[i] = make([]waveMove, len(w))
		for j, m := range w {
			out[i][j] = waveMove{VM: string(m.VM), From: string(m.From), To: string(m.To), Parking: m.Parking}
		}
	}
	return types.ListValueFrom(ctx, waveType, out)
}

func wavesOf(ctx context.Context, l types.List, diags *diagnostics) [][]analysis.Move {
	var in [][]waveMove
	diags.Append(l.ElementsAs(ctx, &in, false)...)
	out := make([][]analysis.Move, len(in))
	for i, w := range in {
		for _, m := range w {
			out[i] = append(out[i], analysis.Move{VM: inventory.VMName(m.VM), From: inventory.HostName(m.From), To: inventory.HostName(m.To), Parking: m.Parking})
		}
	}
	return out
}

func (r *MigrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *MigrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// apply runs the planned waves and records what vCenter reports afterwards,
// whatever stopped it.
func (r *MigrationResource) apply(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diagnostics) {
	var m migrationModel
	if diags.Append(plan.Get(ctx, &m)...); diags.HasError() {
		return
	}
	desired := desiredOf(ctx, m, diags)
	if diags.HasError() {
		return
	}
	name := clip(m.Name.ValueString())
	// The apply re-reads the migration's clusters afresh before each wave and
	// at the end, located with the index it starts from.
	ix, _ := r.data.cache.Index(ctx, r.data.datacenter) // nil: full reads
	sc := migrationScope(m, desired)
	var waves [][]analysis.Move
	if m.Waves.IsUnknown() {
		// The placements were unknown at plan: sequence them now.
		topo, d := r.data.freshScope(ctx, ix, sc)
		if diags.Append(d...); d.HasError() {
			return
		}
		if checkPlacements(topo.Estate, m.Cluster.ValueString(), desired, diags); diags.HasError() {
			return
		}
		seq := analysis.SequenceMoves(topo.Estate, r.data.policy.Policy, desired)
		if seq.Verdict != analysis.Safe {
			diags.AddError(fmt.Sprintf("No capacity-safe order for migration %q", name), noSafeOrder(topo.Estate, r.data.policy.Policy, desired, seq))
			return
		}
		waves = seq.Waves
		var d2 diagnostics
		m.Waves, d2 = wavesValue(ctx, waves)
		diags.Append(d2...)
	} else {
		waves = wavesOf(ctx, m.Waves, diags)
	}
	if diags.HasError() {
		return
	}
	run := r.runWaves(ctx, waves, func(ctx context.Context) (*vsphere.Topology, diagnostics) { return r.data.freshScope(ctx, ix, sc) })

	// Record what vCenter reports now, even when the context was cancelled after a move completed.
	wctx := context.WithoutCancel(ctx)
	r.data.cache.Invalidate() // the cached reads predate the moves
	after, d := r.data.freshScope(wctx, ix, sc)
	diags.Append(d...)
	if d.HasError() {
		return
	}
	current, moved := map[string]string{}, map[string]string{}
	for vm := range desired {
		if v, ok := after.Estate.VM(vm); ok {
			current[string(vm)] = string(v.Host)
		}
	}
	for vm, to := range run.completed {
		moved[string(vm)] = string(to)
	}
	for vm, to := range run.uncertain {
		// A task whose wait failed (the session timed out, say) may still have completed: vCenter says.
		if v, ok := after.Estate.VM(vm); ok && v.Host == to {
			moved[string(vm)] = string(to)
		}
	}
	if len(waves) > 0 || m.Moved.IsUnknown() {
		var d1 diagnostics
		m.Moved, d1 = types.MapValueFrom(wctx, types.StringType, moved)
		diags.Append(d1...)
	}
	var d2 diagnostics
	m.Current, d2 = types.MapValueFrom(wctx, types.StringType, current)
	diags.Append(d2...)
	m.ID = m.Name
	diags.Append(state.Set(wctx, &m)...)

	failure := run.failure
	if failure == "" {
		var off []string
		for _, vm := range slices.Sorted(maps.Keys(desired)) {
			if at := inventory.HostName(current[string(vm)]); at != desired[vm] {
				off = append(off, fmt.Sprintf("VM %q is on %q, the plan expected %q", clip(string(vm)), clip(string(at)), clip(string(desired[vm]))))
			}
		}
		if len(off) > 0 {
			failure = "the estate changed under the apply: " + strings.Join(off, "; ")
		}
	}
	if failure != "" {
		diags.AddError(fmt.Sprintf("Migration %q stopped", name), migrationReport(failure, desired, run, after.Estate))
	}
}

// beforeWave, when set (by tests only), runs before each wave is checked
// against vCenter: tests change the estate there, as DRS does during a long apply.
var beforeWave func(wave int)

// waveRun is what an apply did.
type waveRun struct {
	waves     int
	completed map[inventory.VMName]inventory.HostName // moves whose task completed
	uncertain map[inventory.VMName]inventory.HostName // moves whose task failed or whose wait did
	failure   string
}

// runWaves runs the waves in order; before each it re-reads vCenter (read)
// and checks the wave against it.
func (r *MigrationResource) runWaves(ctx context.Context, waves [][]analysis.Move, read func(context.Context) (*vsphere.Topology, diagnostics)) waveRun {
	run := waveRun{waves: len(waves), completed: map[inventory.VMName]inventory.HostName{}, uncertain: map[inventory.VMName]inventory.HostName{}}
	var mu sync.Mutex
	for i, wave := range waves {
		n := i + 1
		if err := ctx.Err(); err != nil {
			run.failure = fmt.Sprintf("interrupted before wave %d of %d (%v); nothing of wave %d was started", n, len(waves), err, n)
			return run
		}
		if beforeWave != nil {
			beforeWave(n)
		}
		topo, d := read(ctx)
		if d.HasError() {
			run.failure = fmt.Sprintf("cannot read vCenter before wave %d of %d: %s; nothing of wave %d was started", n, len(waves), d[0].Detail(), n)
			return run
		}
		if msg := r.checkWave(topo.Estate, wave); msg != "" {
			run.failure = fmt.Sprintf("the estate changed under the apply: %s; nothing of wave %d of %d was started", msg, n, len(waves))
			return run
		}
		var errs []string
		// What the wave knows of its clusters: the read before it, with its
		// completed moves; the move coordinator counts hosts' load from it.
		live := &waveEstate{now: topo.Estate}
		runWave(ctx, wave, r.maxVMotionsPerHost(), func(mv analysis.Move) error {
			_, _, err := r.data.vmotion(ctx, live.get, mv.VM, mv.To, plannedWave)
			if err == nil {
				live.moved(mv.VM, mv.To)
			}
			return err
		}, func(res waveResult) {
			mu.Lock()
			defer mu.Unlock()
			if res.Err != nil {
				run.uncertain[res.Move.VM] = res.Move.To
				errs = append(errs, res.Err.Error())
				return
			}
			run.completed[res.Move.VM] = res.Move.To
		})
		if len(errs) > 0 {
			slices.Sort(errs)
			run.failure = fmt.Sprintf("wave %d of %d: %s", n, len(waves), strings.Join(errs, "; "))
			return run
		}
		if err := ctx.Err(); err != nil && !waveDone(wave, run.completed) {
			run.failure = fmt.Sprintf("interrupted during wave %d of %d (%v)", n, len(waves), err)
			return run
		}
	}
	return run
}

func waveDone(wave []analysis.Move, completed map[inventory.VMName]inventory.HostName) bool {
	for _, m := range wave {
		if completed[m.VM] != m.To {
			return false
		}
	}
	return true
}

// checkWave checks a wave against the live estate: every VM is where the plan
// expects, and the wave's moves, run together, fit under the placement rule.
func (r *MigrationResource) checkWave(live *inventory.Snapshot, wave []analysis.Move) string {
	desired := map[inventory.VMName]inventory.HostName{}
	for _, m := range wave {
		v, ok := live.VM(m.VM)
		if !ok {
			return fmt.Sprintf("VM %q is no longer in vCenter", clip(string(m.VM)))
		}
		if v.Host != m.From {
			return fmt.Sprintf("VM %q is on %q, the plan expected %q", clip(string(m.VM)), clip(string(v.Host)), clip(string(m.From)))
		}
		desired[m.VM] = m.To
	}
	p := r.data.policy.Policy
	seq := analysis.SequenceMoves(live, p, desired)
	if seq.Verdict != analysis.Safe || len(seq.Waves) > 1 {
		why := seq.Reason
		if seq.Verdict == analysis.Safe {
			why = "its moves no longer fit together"
		}
		return fmt.Sprintf("the wave no longer fits: %s%s", why, shortfallText(seq.Shortfalls, p))
	}
	return ""
}

// migrationReport says what stopped the apply, which VMs moved and which did not.
func migrationReport(failure string, desired map[inventory.VMName]inventory.HostName, run waveRun, now *inventory.Snapshot) string {
	var moved, not []string
	for _, vm := range slices.Sorted(maps.Keys(desired)) {
		v, ok := now.VM(vm)
		_, did := run.completed[vm]
		switch {
		case !ok:
			not = append(not, fmt.Sprintf("%s (no longer in vCenter)", clip(string(vm))))
		case did:
			moved = append(moved, fmt.Sprintf("%s → %s", clip(string(vm)), clip(string(v.Host))))
		case v.Host != desired[vm]:
			not = append(not, fmt.Sprintf("%s (on %s, planned %s)", clip(string(vm)), clip(string(v.Host)), clip(string(desired[vm]))))
		}
	}
	return fmt.Sprintf("%s\nMoved: %s.\nNot moved: %s.\nThe state records where every VM runs (current, moved); run terraform plan to see what is left, and terraform apply to finish.",
		failure, orNone(moved), orNone(not))
}

func (r *MigrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state migrationModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	desired := desiredOf(ctx, state, &resp.Diagnostics)
	topo, d := r.data.readScope(ctx, scope{vms: slices.Collect(maps.Keys(desired))})
	if resp.Diagnostics.Append(d...); d.HasError() {
		return
	}
	current := map[string]string{}
	for vm := range desired {
		if v, ok := topo.Estate.VM(vm); ok {
			current[string(vm)] = string(v.Host)
		}
	}
	var d2 diagnostics
	state.Current, d2 = types.MapValueFrom(ctx, types.StringType, current)
	resp.Diagnostics.Append(d2...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete forgets the migration: VMs stay where they run.
func (r *MigrationResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// migrationScope is what the migration's checks read: the clusters of its VMs
// and target hosts, and its cluster argument.
func migrationScope(m migrationModel, desired map[inventory.VMName]inventory.HostName) scope {
	s := scope{vms: slices.Sorted(maps.Keys(desired)), named: true}
	for _, vm := range s.vms {
		if !slices.Contains(s.hosts, desired[vm]) {
			s.hosts = append(s.hosts, desired[vm])
		}
	}
	if cl := m.Cluster.ValueString(); cl != "" {
		s.clusters = []inventory.ClusterName{inventory.ClusterName(cl)}
	}
	return s
}

// waveEstate is a wave's view of its clusters as its moves complete.
type waveEstate struct {
	mu  sync.Mutex
	now *inventory.Snapshot
}

func (w *waveEstate) get(context.Context) (*inventory.Snapshot, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now, nil
}

func (w *waveEstate) moved(vm inventory.VMName, to inventory.HostName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if next, err := w.now.With(inventory.MoveVM{VM: vm, To: to}); err == nil {
		w.now = next
	}
}
