package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/report"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

var impactRenderers = map[string]func(io.Writer, report.Report) error{
	"markdown": report.RenderMarkdown,
	"json":     report.RenderJSON,
	"text":     report.RenderText,
}

// Impact reports what a saved plan (or, with --drift, the drift a
// refresh-only plan found) does to capacity, failover and the business
// systems. Exit 0 safe, 2 blocked (the policy is violated after the change),
// 1 on an error.
func Impact(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("impact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := analysis.DefaultPolicy()
	planFile := fs.String("plan", "", "JSON of a saved plan: terraform show -json PLANFILE (required)")
	drift := fs.Bool("drift", false, "report the plan's resource_drift (a refresh-only plan) instead of its changes")
	file := fs.String("snapshot", "", "estate.snapshot/v1 file of the estate; without it the estate is read from vCenter with VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_CA_FILE, VSPHERE_ALLOW_UNVERIFIED_SSL, VSPHERE_API_TIMEOUT")
	format := fs.String("format", "markdown", "output: markdown (the pull-request comment), json (estate.impact/v1) or text")
	tolerate := fs.Int("tolerate", def.Tolerate, "host failures per cluster to check (the plan's estate_guard overrides it)")
	basis := fs.String("basis", string(def.Basis), "demand basis: reservation, configured or usage (the plan's provider policy block and estate_guard override it)")
	headroom := fs.Float64("headroom-percent", 0, "capacity kept free on every host, in percent")
	cpuOver := fs.Float64("cpu-overcommit", 1, "CPU overcommit ratio (1 = none)")
	memOver := fs.Float64("memory-overcommit", 1, "memory overcommit ratio (1 = none)")
	var clusters listFlag
	fs.Var(&clusters, "cluster", "check only this cluster (repeatable); default: the plan's estate_guard clusters, else all")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if *planFile == "" {
		return fail(stderr, fmt.Errorf("--plan is required: the JSON of a saved plan (terraform plan -out P && terraform show -json P)"))
	}
	render, ok := impactRenderers[*format]
	if !ok {
		return fail(stderr, fmt.Errorf("--format %q: must be markdown, json or text", *format))
	}
	plan, err := readPlan(*planFile)
	if err != nil {
		return fail(stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	live, err := impactEstate(ctx, *file, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	base := analysis.Policy{Basis: analysis.Basis(*basis), CPUOvercommit: *cpuOver, MemoryOvercommit: *memOver, HeadroomPercent: *headroom, Tolerate: *tolerate}
	rep, err := impactReport(ctx, plan, live, *drift, base, names[inventory.ClusterName](clusters))
	if err != nil {
		return fail(stderr, err)
	}
	if err := render(stdout, rep); err != nil {
		return fail(stderr, fmt.Errorf("writing the report: %w", err))
	}
	if rep.Headline.Verdict == report.Blocked {
		return ExitFindings
	}
	return ExitOK
}

// impactReport overlays both sides of the plan on the live estate and builds the report.
func impactReport(ctx context.Context, plan *tfjson.Plan, live *inventory.Snapshot, drift bool, base analysis.Policy, clusters []inventory.ClusterName) (report.Report, error) {
	pc := fromPlan(plan, drift)
	policy, guardClusters, failOn, source := pc.policyOf(plan, base)
	if len(clusters) == 0 {
		clusters = guardClusters
	}
	pc.before.inputs.LeaveMaintenance, pc.after.inputs.LeaveMaintenance = true, true
	rb := pc.before.inputs.Overlay(live)
	before, err := live.With(rb.Changes...)
	if err != nil {
		return report.Report{}, fmt.Errorf("the estate before the change: %w", err)
	}
	ra := pc.after.inputs.Overlay(live)
	if len(ra.Problems) > 0 {
		return report.Report{}, fmt.Errorf("the planned estate: %s", strings.Join(ra.Problems, "; "))
	}
	after, err := live.With(ra.Changes...)
	if err != nil {
		return report.Report{}, fmt.Errorf("the estate after the change: %w", err)
	}
	ch := report.Change{Kind: report.KindChange, Resources: pc.resources, Clusters: clusters, FailOn: failOn}
	if drift {
		ch.Kind = report.KindDrift
	}
	ch.Notes = append(ch.Notes, "Policy from "+source+".")
	if len(clusters) > 0 {
		ch.Notes = append(ch.Notes, "Checked clusters: "+strings.Join(inventory.Strings(clusters), ", ")+" (and servers outside any cluster).")
	}
	for _, h := range after.Hosts() {
		if was, ok := before.Host(h.Name); h.Maintenance && (!ok || !was.Maintenance) {
			ch.Maintenance = append(ch.Maintenance, h.Name)
		}
	}
	missing := slices.Compact(append(append([]string{}, ra.MissingPlacements...), ra.MissingMembers...))
	if len(missing) > 0 {
		ch.Notes = append(ch.Notes, "Not in the estate, left out: VM "+strings.Join(missing, ", ")+".")
	}
	if len(ra.MissingHosts) > 0 {
		ch.Notes = append(ch.Notes, "Not in the estate, left out of business systems: host "+strings.Join(ra.MissingHosts, ", ")+".")
	}
	ch.Notes = append(ch.Notes, pc.notes...)
	return report.BuildContext(ctx, before, after, ch, policy)
}

// impactEstate reads the estate: the snapshot file, or vCenter.
func impactEstate(ctx context.Context, file string, stderr io.Writer) (*inventory.Snapshot, error) {
	if file != "" {
		return inventory.DecodeFile(file)
	}
	if os.Getenv("VSPHERE_SERVER") == "" {
		return nil, fmt.Errorf("no estate: pass --snapshot FILE, or set VSPHERE_SERVER, VSPHERE_USER and VSPHERE_PASSWORD to read vCenter")
	}
	var timeout time.Duration
	if t := os.Getenv("VSPHERE_API_TIMEOUT"); t != "" {
		d, err := vsphere.ParseTimeout(t)
		if err != nil {
			return nil, fmt.Errorf("VSPHERE_API_TIMEOUT %w", err)
		}
		timeout = d
	}
	c, err := vsphere.Connect(ctx, vsphere.Config{Server: os.Getenv("VSPHERE_SERVER"), User: os.Getenv("VSPHERE_USER"), Password: os.Getenv("VSPHERE_PASSWORD"),
		CAFile: os.Getenv("VSPHERE_CA_FILE"), Insecure: envBool("VSPHERE_ALLOW_UNVERIFIED_SSL"), Timeout: timeout})
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close(ctx) }()
	topo, err := c.ReadTopology(ctx, os.Getenv("VSPHERE_DATACENTER"))
	if err != nil {
		return nil, err
	}
	for _, w := range topo.Warnings {
		fmt.Fprintln(stderr, "Warning:", oneLine(w))
	}
	return topo.Estate, nil
}
