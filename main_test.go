package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

// TestPlansDoNotLeaveSessionsOnVCenter runs the real binary as Terraform runs
// it — one provider process per command — and checks that every process logs
// out when Terraform shuts it down (the vsphere provider leaks one session per run).
func TestPlansDoNotLeaveSessionsOnVCenter(t *testing.T) {
	l := labtest.Start(t, "small")
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-estate"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	write(t, rc, `provider_installation {
  dev_overrides { "estate-tf/estate" = "`+bin+`" }
  direct {}
}
`)
	work := filepath.Join(dir, "work")
	write(t, filepath.Join(work, "main.tf"), `terraform {
  required_providers { estate = { source = "estate-tf/estate" } }
}
data "estate_topology" "live" {}
output "hosts" { value = length(data.estate_topology.live.hosts) }
`)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "ESTATE_SESSION_DIR="+filepath.Join(dir, "sessions"))
	for k, v := range l.Env() {
		env = append(env, k+"="+v)
	}
	for run := 1; run <= 2; run++ {
		plan := exec.Command(terraformCLI(), "plan", "-input=false", "-no-color")
		plan.Dir, plan.Env = work, env
		out, err := plan.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform plan #%d: %v\n%s", run, err, out)
		}
		if !strings.Contains(string(out), "+ hosts = 5") {
			t.Fatalf("terraform plan #%d did not read the 5 hosts:\n%s", run, out)
		}
		if n, err := l.Sessions(); err != nil || n != 0 {
			t.Errorf("after terraform plan #%d, %d sessions are left on vCenter (%v), want 0", run, n, err)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
