package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// Analyze checks a snapshot file for capacity and failover. Exit code 0 when
// everything checked is safe, 2 when something is unsafe or unproven (or a
// host is over capacity, admission control or a spread is violated), 1 on bad input.
func Analyze(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := analysis.DefaultPolicy()
	file := fs.String("snapshot", "", "estate.snapshot/v1 file to analyse (required)")
	var hosts, datastores listFlag
	fs.Var(&hosts, "fail-host", "fail this host (repeatable); default: every host, and every k-subset up to --tolerate")
	fs.Var(&datastores, "fail-datastore", "fail this datastore (repeatable)")
	tolerate := fs.Int("tolerate", def.Tolerate, "host failures per cluster to check")
	basis := fs.String("basis", string(def.Basis), "demand basis: reservation, configured or usage")
	headroom := fs.Float64("headroom-percent", 0, "capacity kept free on every host, in percent")
	cpuOver := fs.Float64("cpu-overcommit", 1, "CPU overcommit ratio (1 = none)")
	memOver := fs.Float64("memory-overcommit", 1, "memory overcommit ratio (1 = none)")
	format := fs.String("format", "text", "output: text, json or markdown")
	maxScenarios := fs.Int("max-scenarios", analysis.DefaultMaxScenarios, "refuse a request that checks more failure combinations than this")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		return fail(stderr, fmt.Errorf(format, a...))
	}
	if *file == "" {
		return fail("--snapshot is required: the estate.snapshot/v1 file to analyse")
	}
	render, ok := renderers[*format]
	if !ok {
		return fail("--format %q: must be text, json or markdown", *format)
	}
	snap, err := inventory.DecodeFile(*file)
	if err != nil {
		return fail("%v", err)
	}
	req := analysis.Request{
		Policy: analysis.Policy{Basis: analysis.Basis(*basis), CPUOvercommit: *cpuOver, MemoryOvercommit: *memOver,
			HeadroomPercent: *headroom, Tolerate: *tolerate, MaxScenarios: *maxScenarios},
		FailHosts: names[inventory.HostName](hosts), FailDatastores: names[inventory.DatastoreName](datastores),
	}
	// Ctrl-C stops the analysis between scenarios.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := analysis.AnalyzeContext(ctx, snap, req)
	if err != nil {
		return fail("%v", err)
	}
	logger("analyze", stderr).Debug("analysed", "scenarios", len(rep.Scenarios), "safe", rep.Summary.Safe, "unsafe", rep.Summary.Unsafe, "unproven", rep.Summary.Unproven)
	if err := render(stdout, rep); err != nil {
		return fail("writing the report: %v", err)
	}
	if !rep.Summary.OK() {
		return ExitFindings
	}
	return ExitOK
}

func names[T ~string](in []string) []T {
	out := make([]T, len(in))
	for i, s := range in {
		out[i] = T(s)
	}
	return out
}

var renderers = map[string]func(io.Writer, analysis.Report) error{
	"json":     renderJSON,
	"text":     renderText,
	"markdown": renderMarkdown,
}

func renderJSON(w io.Writer, r analysis.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
