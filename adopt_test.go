package main

import (
	"encoding/json"
	"flag"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	goversion "github.com/hashicorp/go-version"

	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

var update = flag.Bool("update", false, "rewrite examples/adopt/output (the adopt guide shows it) from a run against the demo lab")

// terraformCLI is the CLI the acceptance tests drive: TF_ACC_TERRAFORM_PATH (make testacc-matrix), else terraform on PATH.
func terraformCLI() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// TestAdoptExistingEstate is the adopt guide, run: `terraform query` lists every placement of the
// demo lab's dmz cluster, -generate-config-out writes a resource and an import block for each, the
// plan imports all 60 and the cluster's 4 hosts with nothing to change, and after apply the plan is empty. What the guide shows
// is the captured output in examples/adopt/output (-update rewrites it), so the guide cannot go stale.
func TestAdoptExistingEstate(t *testing.T) {
	cli := terraformCLI()
	requireQuery(t, cli)
	l := labtest.Start(t, "demo")
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-estate"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	write(t, rc, `provider_installation {
  dev_overrides { "estate-tf/estate" = "`+bin+`" }
  direct {}
}
`)
	work := filepath.Join(dir, "work")
	for _, f := range []string{"main.tf", "adopt.tfquery.hcl"} {
		b, err := os.ReadFile(filepath.Join("examples", "adopt", f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(work, f), string(b))
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "ESTATE_SESSION_DIR="+filepath.Join(dir, "sessions"))
	for k, v := range l.Env() {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, append(args, "-no-color")...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return withoutDevOverridesWarning(string(out))
	}

	golden(t, "query.txt", "$ terraform query\n"+byListBlock(run("query")))

	run("query", "-generate-config-out=placements.tf")
	generated, err := os.ReadFile(filepath.Join(work, "placements.tf"))
	if err != nil {
		t.Fatal(err)
	}
	vms, hosts, imports := strings.Count(string(generated), "\nresource \"estate_vm_placement\" "),
		strings.Count(string(generated), "\nresource \"estate_host\" "), strings.Count(string(generated), "\nimport {")
	if vms != 60 || hosts != 4 || imports != 64 {
		t.Errorf("placements.tf has %d placements, %d hosts and %d import blocks, want the dmz cluster's 60 VMs and 4 hosts, and 64 imports", vms, hosts, imports)
	}
	golden(t, "placements.tf", string(generated))
	// The guide shows the first two placements.
	cut := strings.Index(string(generated), "\nresource \"estate_vm_placement\" \"dmz_2\"")
	if cut < 0 {
		t.Fatalf("placements.tf has no estate_vm_placement.dmz_2:\n%s", generated)
	}
	golden(t, "placements-excerpt.tf", string(generated[:cut]))

	plan := run("plan", "-input=false")
	golden(t, "plan.txt", "$ terraform plan\n…\n"+planBlock(t, plan, "estate_host.dmz_0")+"…\n"+planBlock(t, plan, "estate_vm_placement.dmz_0")+"…\n\n"+lineOf(t, plan, "Plan: ")+"\n")

	apply := run("apply", "-input=false", "-auto-approve")
	final := run("plan", "-input=false", "-detailed-exitcode") // exit code 2 would mean changes: run fails the test
	_, noChanges, ok := strings.Cut(final, "No changes.")
	if !ok {
		t.Fatalf("the plan after apply is not empty:\n%s", final)
	}
	golden(t, "apply.txt", "$ terraform apply\n…\n"+lineOf(t, apply, "Apply complete!")+"\n\n$ terraform plan\n…\nNo changes."+noChanges)
}

// requireQuery skips unless the CLI has `terraform query` and resource identity (Terraform 1.14+).
func requireQuery(t *testing.T, cli string) {
	t.Helper()
	out, err := exec.Command(cli, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v\n%s", cli, err, out)
	}
	human, _ := exec.Command(cli, "version").Output()
	got, err := goversion.NewVersion(v.Version)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(human), "OpenTofu") || got.LessThan(goversion.Must(goversion.NewVersion("1.14.0"))) {
		t.Skipf("%s %s has no `terraform query` (Terraform 1.14+)", cli, v.Version)
	}
}

// withoutDevOverridesWarning drops the warning every command prints under dev_overrides, and
// the CLI configuration warning of a machine without ~/.terraformrc.
func withoutDevOverridesWarning(s string) string {
	s = regexp.MustCompile(`(?s)\n*Warning: Provider development overrides are in effect.*?published\nreleases\.\n`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`(?s)There are some problems with the CLI configuration:.*?╵\n`).ReplaceAllString(s, "")
	return strings.TrimLeft(s, "\n")
}

// byListBlock orders query output by list block: Terraform lists the blocks concurrently, so their
// order varies between runs (the results of one block keep the provider's order).
func byListBlock(out string) string {
	groups := map[string][]string{}
	var rest []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if addr, _, ok := strings.Cut(l, " "); ok && strings.HasPrefix(addr, "list.") {
			groups[addr] = append(groups[addr], l)
		} else if strings.TrimSpace(l) != "" {
			rest = append(rest, l)
		}
	}
	var parts []string
	for _, addr := range slices.Sorted(maps.Keys(groups)) {
		parts = append(parts, strings.Join(groups[addr], "\n")+"\n")
	}
	if len(rest) > 0 {
		parts = append(parts, strings.Join(rest, "\n")+"\n")
	}
	return strings.Join(parts, "\n")
}

// planBlock is one resource's block of a plan's output, from its `# address` comment to its closing brace.
func planBlock(t *testing.T, plan, address string) string {
	t.Helper()
	m := regexp.MustCompile(`(?ms)^  # ` + regexp.QuoteMeta(address) + ` .*?^    }\n`).FindString(plan)
	if m == "" {
		t.Fatalf("the plan has no block for %s:\n%s", address, plan)
	}
	return m
}

func lineOf(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line starting %q in:\n%s", prefix, out)
	return ""
}

// golden compares got with examples/adopt/output/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("examples", "adopt", "output", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s is stale (go test -run TestAdoptExistingEstate -update . with Terraform 1.14+ rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
