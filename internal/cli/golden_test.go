package cli_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
)

// update rewrites the golden files from what the code prints:
//
//	go test ./internal/cli/ -run Golden -update
//
// then `make generate` renders the guides that embed them.
var update = flag.Bool("update", false, "rewrite the golden files from the code's output")

// golden compares got with the committed file at path, or rewrites the file under -update.
func golden(t *testing.T, path string, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./internal/cli/ -update' to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (if the change is intended, run 'go test ./internal/cli/ -update', review the diff and 'make generate'):\n%s",
			path, lineDiff(string(want), got))
	}
}

// lineDiff names the first line that differs and shows both versions of it.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q\n--- got in full:\n%s", i+1, wl, gl, got)
		}
	}
	return "(identical lines; the files differ in their last newline)"
}

// exampleEstate is the estate the analysis report guide shows: a cluster that
// survives a host failure, one that does not, a physical database server with
// nothing to take over, and a cold-standby group whose standby is too small for
// one of its blades.
const exampleEstate = "../../examples/analyze/estate.json"

// exampleReports are the report files of the example, one per --format, as the
// guide embeds them (templates/guides/analysis-report.md.tmpl).
var exampleReports = []struct{ format, file, fence string }{
	{"text", "../../examples/analyze/report.txt", "text"},
	{"markdown", "../../examples/analyze/report.md", "markdown"},
	{"json", "../../examples/analyze/report.json", "json"},
}

func TestGoldenExampleReports(t *testing.T) {
	for _, r := range exampleReports {
		t.Run(r.format, func(t *testing.T) {
			code, out, errOut := run("--snapshot", exampleEstate, "--format", r.format)
			if code != cli.ExitFindings || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want 2 (the example has unsafe scenarios) and nothing on stderr", code, errOut)
			}
			golden(t, r.file, out)
		})
	}
}

// TestAnalysisGuideEmbedsTheGoldenReports fails when docs/guides/analysis-report.md
// shows another report than the code prints: the guide is rendered from the
// golden files by `make generate`.
func TestAnalysisGuideEmbedsTheGoldenReports(t *testing.T) {
	if *update {
		t.Skip("goldens are being rewritten: run 'make generate' to render the guide")
	}
	guide, err := os.ReadFile("../../docs/guides/analysis-report.md")
	if err != nil {
		t.Fatal(err)
	}
	shown := []struct{ file, fence string }{{exampleEstate, "json"}}
	for _, r := range exampleReports {
		shown = append(shown, struct{ file, fence string }{r.file, r.fence})
	}
	for _, f := range shown {
		content, err := os.ReadFile(f.file)
		if err != nil {
			t.Fatal(err)
		}
		block := "```" + f.fence + "\n" + strings.TrimSpace(string(content)) + "\n```"
		if !bytes.Contains(guide, []byte(block)) {
			t.Errorf("docs/guides/analysis-report.md does not show %s as it is: run 'make generate'", f.file)
		}
	}
}
