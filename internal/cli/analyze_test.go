package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
)

// twoHosts: web-1 (6 GiB reserved) on h1 cannot restart on h2 (4 GiB free).
const twoHosts = `{"format":"estate.snapshot/v1",
 "clusters":[{"name":"c","ha":{"enabled":true,"admission_control":{"policy":"slot","host_failures":1}}}],
 "hosts":[{"name":"h1","cluster":"c","cpu_cores":4,"cpu_mhz_per_core":1000,"memory_mb":8192},
          {"name":"h2","cluster":"c","cpu_cores":4,"cpu_mhz_per_core":1000,"memory_mb":8192}],
 "vms":[{"name":"web-1","host":"h1","vcpu":1,"memory_mb":8192,"memory_reservation_mb":6144},
        {"name":"web-2","host":"h2","vcpu":1,"memory_mb":4096,"memory_reservation_mb":4096}],
 "business_systems":[{"name":"web","vms":["web-1","web-2"]}]}`

func file(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "estate.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Analyze(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestAnalyzeJSON(t *testing.T) {
	code, out, errOut := run("--snapshot", file(t, twoHosts), "--format", "json", "--fail-host", "h1")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
	}
	var rep struct {
		Format    string
		Scenarios []struct {
			FailedHosts             []string `json:"failed_hosts"`
			Verdict                 string
			Reason                  string
			Shortfalls              []map[string]any
			AffectedBusinessSystems []map[string]any `json:"affected_business_systems"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	sc := rep.Scenarios[0]
	if rep.Format != "estate.analysis/v1" || len(rep.Scenarios) != 1 || sc.Verdict != "unsafe" ||
		sc.Reason != `VM "web-1" fits on none of its 1 eligible host(s)` {
		t.Fatalf("%+v", rep)
	}
	want := map[string]any{"host": "h2", "vm": "web-1", "dimension": "memory", "requested": 6144.0, "used": 4096.0, "capacity": 8192.0}
	if len(sc.Shortfalls) != 1 || !equalMaps(sc.Shortfalls[0], want) {
		t.Errorf("shortfalls %v, want [%v]", sc.Shortfalls, want)
	}
	if len(sc.AffectedBusinessSystems) != 1 || sc.AffectedBusinessSystems[0]["state"] != "lost_redundancy" {
		t.Errorf("business systems %v", sc.AffectedBusinessSystems)
	}
}

func TestAnalyzeExitCodes(t *testing.T) {
	safe := strings.Replace(twoHosts, `"memory_reservation_mb":6144`, `"memory_reservation_mb":2048`, 1)
	code, out, _ := run("--snapshot", file(t, safe))
	if code != cli.ExitOK {
		t.Errorf("safe estate: exit %d, want 0\n%s", code, out)
	}
	golden(t, "testdata/two-hosts-safe.txt", out)
	code, out, _ = run("--snapshot", file(t, twoHosts))
	if code != cli.ExitFindings {
		t.Errorf("unsafe estate: exit %d, want 2\n%s", code, out)
	}
	golden(t, "testdata/two-hosts-unsafe.txt", out)
	code, out, _ = run("--snapshot", file(t, twoHosts), "--format", "markdown")
	if code != cli.ExitFindings {
		t.Errorf("unsafe estate: exit %d, want 2\n%s", code, out)
	}
	golden(t, "testdata/two-hosts-unsafe.md", out)
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"--snapshot", file(t, twoHosts), "h1"}, "Error: unexpected argument \"h1\": analyze takes only flags (see --help)\n"},
		{[]string{}, "Error: --snapshot is required: the estate.snapshot/v1 file to analyse\n"},
		{[]string{"--snapshot", file(t, twoHosts), "--fail-host", "h9"}, "Error: unknown host \"h9\": known hosts are h1, h2\n"},
		{[]string{"--snapshot", file(t, twoHosts), "--basis", "guess"}, "Error: invalid policy: basis \"guess\": must be one of reservation, configured, usage\n"},
		{[]string{"--snapshot", file(t, twoHosts), "--format", "html"}, "Error: --format \"html\": must be text, json or markdown\n"},
		{[]string{"--snapshot", file(t, `{"format":"estate.snapshot/v2"}`)}, ""},
	}
	for _, b := range bad {
		code, _, errOut := run(b.args...)
		if code != cli.ExitBadInput || (b.want != "" && errOut != b.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1, %q", b.args, code, errOut, b.want)
		}
	}
}

func equalMaps(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
