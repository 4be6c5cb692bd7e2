package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
	"github.com/estate-tf/terraform-provider-estate/internal/report"
	"github.com/estate-tf/terraform-provider-estate/internal/report/mermaidcheck"
)

// The impact golden files: the review report of the sample change and the
// drift report of the same change made outside Terraform, on the demo estate,
// from real plans (testdata/impact/*.plan.json, scripts/impact-fixtures.sh).
//
//	go test ./internal/cli/ -run Impact -update
var impactCases = []struct{ name, plan, estate string }{
	{"change", "change.plan.json", "change.estate.json"},
	{"drift", "drift.plan.json", "drift.estate.json"},
}

var impactFormats = map[string]string{"markdown": "md", "json": "json", "text": "txt"}

func impactArgs(name, plan, estate, format string) []string {
	args := []string{"--plan", filepath.Join("testdata", "impact", plan), "--snapshot", filepath.Join("testdata", "impact", estate),
		"--format", format, "--cluster", "prod-a", "--cluster", "prod-b", "--cluster", "db-phys"}
	if name == "drift" {
		args = append(args, "--drift")
	}
	return args
}

func TestImpactGolden(t *testing.T) {
	for _, c := range impactCases {
		for format, ext := range impactFormats {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				code := cli.Impact(impactArgs(c.name, c.plan, c.estate, format), &stdout, &stderr)
				// Both leave prod-a unable to survive a host failure: blocked.
				if code != cli.ExitFindings {
					t.Fatalf("exit %d, want %d (blocked); stderr: %s", code, cli.ExitFindings, stderr.String())
				}
				golden(t, filepath.Join("testdata", "impact", c.name+"."+ext), stdout.String())
			})
		}
	}
}

func TestImpactReportContent(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli.Impact(impactArgs("change", "change.plan.json", "change.estate.json", "json"), &stdout, &stderr); code != cli.ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r report.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Format != report.Format || r.Kind != report.KindChange || r.Headline.Verdict != report.Blocked {
		t.Fatalf("format %q kind %q verdict %q", r.Format, r.Kind, r.Headline.Verdict)
	}
	// The policy comes from the plan's provider policy block.
	if r.Policy.Basis != "configured" || r.Policy.CPUOvercommit != 4 {
		t.Errorf("policy %+v: want the provider block's configured basis and 4:1 CPU overcommit", r.Policy)
	}
	// The migration and the evacuation of esx-a06 (from the plan's evacuation) are the moves.
	if r.Headline.VMsMoved != 23 || r.Headline.NewUnsafe == 0 {
		t.Errorf("moved %d, new unsafe %d: want 23 moved (2 migrated, 21 evacuated) and new unsafe scenarios", r.Headline.VMsMoved, r.Headline.NewUnsafe)
	}
	if len(r.Scenarios) == 0 || !r.Scenarios[0].New {
		t.Errorf("new unsafe scenarios must come first: %+v", r.Scenarios)
	}
	md := stdoutOf(t, "change", "markdown")
	if !strings.HasPrefix(md, report.Marker+"\n") {
		t.Errorf("the Markdown must start with the marker line %q", report.Marker)
	}
	if len(md) > report.GitHubCommentMax {
		t.Errorf("Markdown is %d characters, more than a GitHub comment holds", len(md))
	}
}

func TestImpactErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no plan":      {"--snapshot", "testdata/impact/change.estate.json"},
		"bad format":   {"--plan", "testdata/impact/change.plan.json", "--snapshot", "testdata/impact/change.estate.json", "--format", "html"},
		"not a plan":   {"--plan", "testdata/impact/change.estate.json", "--snapshot", "testdata/impact/change.estate.json"},
		"missing plan": {"--plan", "testdata/impact/nope.json", "--snapshot", "testdata/impact/change.estate.json"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("VSPHERE_SERVER", "")
			var stdout, stderr bytes.Buffer
			if code := cli.Impact(args, &stdout, &stderr); code != cli.ExitBadInput {
				t.Errorf("exit %d, want 1; stderr %s", code, stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), "Error: ") {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}
}

func stdoutOf(t *testing.T, name, format string) string {
	t.Helper()
	for _, c := range impactCases {
		if c.name == name {
			var stdout, stderr bytes.Buffer
			cli.Impact(impactArgs(c.name, c.plan, c.estate, format), &stdout, &stderr)
			return stdout.String()
		}
	}
	t.Fatalf("no case %s", name)
	return ""
}

var mermaidBlock = regexp.MustCompile("(?s)```mermaid\n(.*?)```")

// TestImpactMermaidRenders renders the diagram of every golden Markdown
// report with Mermaid itself in headless chromium and checks the SVG: the
// expected nodes, and the failing (red) and degraded (yellow) classes with
// their fills.
func TestImpactMermaidRenders(t *testing.T) {
	tool, missing := mermaidcheck.Find()
	if missing != "" {
		if mermaidcheck.Required() {
			t.Fatal("ESTATE_REQUIRE_MERMAID=1 and " + missing)
		}
		t.Skip("not rendering the diagrams with Mermaid: " + missing)
	}
	want := map[string][]string{
		"change": {"esx-a01", "esx-a06", "esx-b02", "order management", "crm-01"},
		"drift":  {"esx-a05", "esx-a06", "order management", "mail-01"},
	}
	for _, c := range impactCases {
		t.Run(c.name, func(t *testing.T) {
			md, err := os.ReadFile(filepath.Join("testdata", "impact", c.name+".md"))
			if err != nil {
				t.Fatal(err)
			}
			m := mermaidBlock.FindSubmatch(md)
			if m == nil {
				t.Fatal("no mermaid block in the golden Markdown")
			}
			svg, err := tool.Render(context.Background(), string(m[1]), "")
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, string(svg), want[c.name])
		})
	}
}

func checkSVG(t *testing.T, svg string, labels []string) {
	t.Helper()
	for _, l := range labels {
		if !strings.Contains(svg, l) {
			t.Errorf("the SVG has no node %q", l)
		}
	}
	for class, fill := range map[string]string{"failing": report.FillFailing, "degraded": report.FillDegraded} {
		if !strings.Contains(svg, `class="node default `+class) {
			t.Errorf("no node of class %s in the SVG", class)
		}
		if !strings.Contains(svg, "fill:"+fill) {
			t.Errorf("the SVG does not fill class %s with %s", class, fill)
		}
	}
}
