package main

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
	"github.com/estate-tf/terraform-provider-estate/internal/report"
)

// The CI examples are documentation that people copy: each must be valid
// YAML of its CI system's shape, and every command of this binary it runs
// must exist with the flags it passes.
func TestCIExamples(t *testing.T) {
	for _, c := range []struct {
		file string
		jobs []string // the jobs that must exist
		// jobsOf returns the jobs of the parsed document.
		jobsOf func(doc map[string]any) map[string]any
	}{
		{"examples/ci/github-actions.yml", []string{"review", "drift"}, func(doc map[string]any) map[string]any {
			on, _ := doc["on"].(map[string]any)
			for _, trigger := range []string{"pull_request", "schedule"} {
				if _, ok := on[trigger]; !ok {
					t.Errorf("github-actions.yml: no %q trigger", trigger)
				}
			}
			jobs, _ := doc["jobs"].(map[string]any)
			return jobs
		}},
		{"examples/ci/gitlab-ci.yml", []string{"estate-impact", "estate-drift"}, func(doc map[string]any) map[string]any { return doc }},
	} {
		t.Run(c.file, func(t *testing.T) {
			content, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(content, &doc); err != nil {
				t.Fatalf("not valid YAML: %v", err)
			}
			jobs := c.jobsOf(doc)
			for _, j := range c.jobs {
				if _, ok := jobs[j].(map[string]any); !ok {
					t.Errorf("no job %q", j)
				}
			}
			var scripts []string
			collect(doc, &scripts)
			all := strings.Join(scripts, "\n")
			for _, want := range []string{"terraform plan -input=false -out=", "terraform plan -refresh-only", "terraform show -json", report.Marker} {
				if !strings.Contains(all, want) {
					t.Errorf("no %q in its scripts", want)
				}
			}
			calls := invocations(all)
			if len(calls) < 2 {
				t.Fatalf("runs terraform-provider-estate %d time(s), want the review and the drift check", len(calls))
			}
			var drift bool
			for _, call := range calls {
				flags := knownFlags(t, call[0])
				for i, arg := range call[1:] {
					name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
					if !strings.HasPrefix(arg, "-") {
						continue
					}
					if !slices.Contains(flags, name) {
						t.Errorf("terraform-provider-estate %s has no flag %s (it has %v)", call[0], arg, flags)
					}
					if !hasValue && i+2 < len(call) {
						value = call[i+2]
					}
					if name == "format" && !slices.Contains([]string{"markdown", "json", "text"}, value) {
						t.Errorf("--format %q: valid are markdown, json, text", value)
					}
					drift = drift || name == "drift"
				}
			}
			if !drift {
				t.Error("no nightly drift check (impact --drift)")
			}
		})
	}
}

// collect appends every string of the document: the scripts are among them.
func collect(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case []any:
		for _, e := range x {
			collect(e, out)
		}
	case map[string]any:
		for _, e := range x {
			collect(e, out)
		}
	}
}

// invocations finds each run of the binary: its subcommand and arguments, up
// to a redirection, pipe or end of the command.
func invocations(script string) [][]string {
	var out [][]string
	for _, line := range strings.Split(script, "\n") {
		fields := strings.Fields(line)
		for i, f := range fields {
			if f != "terraform-provider-estate" || i+1 >= len(fields) {
				continue
			}
			call := []string{}
			for _, a := range fields[i+1:] {
				if strings.ContainsAny(a[:1], "><|;&") {
					break
				}
				call = append(call, a)
			}
			out = append(out, call)
		}
	}
	return out
}

// usageFlag is a flag line of the flag package's usage: "  -name type".
var usageFlag = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// knownFlags lists a subcommand's flags from its --help.
func knownFlags(t *testing.T, sub string) []string {
	t.Helper()
	run, ok := cli.Commands[sub]
	if !ok && sub == "impact" {
		// Until the impact command lands: the flags its design promises.
		t.Log("no impact command in this build: checking against the flags of its design (--plan, --snapshot, --drift, --format)")
		return []string{"plan", "snapshot", "drift", "format"}
	}
	if !ok {
		t.Fatalf("terraform-provider-estate has no subcommand %q", sub)
	}
	var stdout, stderr bytes.Buffer
	run([]string{"--help"}, &stdout, &stderr)
	var flags []string
	for _, m := range usageFlag.FindAllStringSubmatch(stdout.String()+stderr.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) == 0 {
		t.Fatalf("terraform-provider-estate %s --help lists no flags", sub)
	}
	return flags
}
