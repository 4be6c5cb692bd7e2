package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// TestPlanCost measures what real `terraform plan` and `terraform apply` runs
// cost on synthetic labs: wall time, vCenter calls (SOAP methods and vAPI
// requests) and bytes on the wire, counted by a proxy between Terraform's
// provider process and the lab. It is a benchmark, not a test: it runs only
// with ESTATE_PLAN_COST=1 (minutes on 2 cores) and asserts nothing about time.
// docs/performance.md has its numbers and the command.
//
// ESTATE_PLAN_COST_PROVIDER, when set, is a provider binary to measure instead
// of one built from this tree (for a before/after comparison).
// ESTATE_PLAN_COST_ONLY, when set, is a regular expression: only the plans and
// applies whose names match run.
func TestPlanCost(t *testing.T) {
	if os.Getenv("ESTATE_PLAN_COST") == "" {
		t.Skip("benchmark: set ESTATE_PLAN_COST=1 to run")
	}
	rounds := 2
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if p := os.Getenv("ESTATE_PLAN_COST_PROVIDER"); p != "" {
		if err := os.MkdirAll(bin, 0o700); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bin, "terraform-provider-estate"), data, 0o700); err != nil {
			t.Fatal(err)
		}
	} else {
		build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-estate"), ".")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	rc := filepath.Join(dir, "terraformrc")
	write(t, rc, `provider_installation {
  dev_overrides { "estate-tf/estate" = "`+bin+`" }
  direct {}
}
`)
	var rows []string
	report := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		rows = append(rows, line)
		t.Log(line)
	}
	defer func() {
		if out := os.Getenv("ESTATE_PLAN_COST_OUT"); out != "" {
			_ = os.WriteFile(out, []byte(strings.Join(rows, "\n")+"\n"), 0o600)
		}
	}()

	selected := func(string) bool { return true }
	small := startCountedLab(t, 16, 100)
	big := startCountedLab(t, 320, 10000)
	type plan struct {
		name string
		lab  *countedLab
		tf   string
	}
	plans := []plan{
		{"10 estate_vm_placement, 100-VM lab", small, placementsTF(10, 16)},
		{"10 estate_vm_placement, 10,000-VM lab", big, placementsTF(10, 320)},
		{"1,000 estate_vm_placement, 10,000-VM lab", big, placementsTF(1000, 320)},
		{"1,000 placements as one estate_migration, 10,000-VM lab", big, migrationTF(1000, 320)},
		{"1,000 terraform_data, 10,000-VM lab", big, terraformDataTF(1000, 320)},
	}
	type result struct {
		wall        []time.Duration
		calls, vapi int64
		bytes       int64
		methods     map[string]int64
	}
	if only := os.Getenv("ESTATE_PLAN_COST_ONLY"); only != "" {
		re := regexp.MustCompile(only)
		plans = slices.DeleteFunc(plans, func(p plan) bool { return !re.MatchString(p.name) })
		selected = re.MatchString
	}
	results := make([]result, len(plans))
	for i, p := range plans {
		write(t, filepath.Join(dir, fmt.Sprint("plan", i), "main.tf"), p.tf)
	}
	for round := 0; round < rounds; round++ {
		for i, p := range plans {
			p.lab.reset()
			start := time.Now()
			terraform(t, rc, p.lab, filepath.Join(dir, fmt.Sprint("plan", i)), "plan", "-input=false", "-no-color", "-refresh=true")
			r := &results[i]
			r.wall = append(r.wall, time.Since(start))
			r.calls, r.vapi, r.bytes, r.methods = p.lab.counts()
		}
	}
	report("| plan | wall (each round) | SOAP calls | vAPI requests | bytes on the wire |")
	report("|---|---|---|---|---|")
	for i, p := range plans {
		r := results[i]
		walls := make([]string, len(r.wall))
		for j, w := range r.wall {
			walls[j] = fmt.Sprintf("%.2f s", w.Seconds())
		}
		report("| %s | %s | %d | %d | %.1f MB |", p.name, strings.Join(walls, ", "), r.calls, r.vapi, float64(r.bytes)/1e6)
		report("<!-- %s: %s -->", p.name, methodList(r.methods))
	}

	// apply of 200 moves as estate_vm_placement resources, then as one estate_migration.
	for _, a := range []struct {
		name, tf string
		first    int
	}{
		{"apply 200 estate_vm_placement moves, 10,000-VM lab", placementsFromTF(0, 200, 320), 0},
		{"apply 200 moves as one estate_migration, 10,000-VM lab", migrationFromTF(200, 200, 320), 200},
	} {
		if !selected(a.name) {
			continue
		}
		work := filepath.Join(dir, "apply-"+fmt.Sprint(a.first))
		write(t, filepath.Join(work, "main.tf"), a.tf)
		big.reset()
		start := time.Now()
		terraform(t, rc, big, work, "apply", "-input=false", "-no-color", "-auto-approve")
		wall := time.Since(start)
		calls, vapi, b, methods := big.counts()
		report("| %s | %.2f s | %d | %d | %.1f MB |", a.name, wall.Seconds(), calls, vapi, float64(b)/1e6)
		report("<!-- %s: %s -->", a.name, methodList(methods))
		// The same configuration planned again, applied: every resource is
		// refreshed from its state first (the nightly drift job, a pull request's plan).
		big.reset()
		start = time.Now()
		terraform(t, rc, big, work, "plan", "-input=false", "-no-color", "-detailed-exitcode")
		wall = time.Since(start)
		calls, vapi, b, methods = big.counts()
		name := "plan again with it applied (refresh): " + a.name[len("apply "):]
		report("| %s | %.2f s | %d | %d | %.1f MB |", name, wall.Seconds(), calls, vapi, float64(b)/1e6)
		report("<!-- %s: %s -->", name, methodList(methods))
	}
}

func methodList(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func terraform(t *testing.T, rc string, l *countedLab, work string, args ...string) {
	t.Helper()
	cmd := exec.Command("terraform", args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"VSPHERE_SERVER="+l.proxy.Listener.Addr().String(), "VSPHERE_USER="+l.lab.User, "VSPHERE_PASSWORD="+l.lab.Password,
		"VSPHERE_ALLOW_UNVERIFIED_SSL=true", "VSPHERE_CA_FILE=", "VSPHERE_API_TIMEOUT=10m")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", args[0], err, tail(out))
	}
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}

const tfHeader = `terraform {
  required_providers { estate = { source = "estate-tf/estate" } }
}
`

// moves returns n moves of VMs first.. to the next host of their cluster of 16
// (lab.Synthetic puts VM i on host i mod hosts).
func moves(first, n, hosts int) map[string]string {
	out := map[string]string{}
	for i := first; i < first+n; i++ {
		h := i % hosts
		to := h/16*16 + (h%16+1)%16
		out[fmt.Sprintf("vm-%06d", i)] = fmt.Sprintf("esx-%05d", to)
	}
	return out
}

func hcl(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "    %q = %q\n", k, m[k])
	}
	b.WriteString("  }")
	return b.String()
}

func placementsTF(n, hosts int) string { return placementsFromTF(0, n, hosts) }

func placementsFromTF(first, n, hosts int) string {
	return tfHeader + "locals {\n  moves = " + hcl(moves(first, n, hosts)) + "\n}\n" +
		`resource "estate_vm_placement" "p" {
  for_each = local.moves
  vm       = each.key
  host     = each.value
}
`
}

func migrationTF(n, hosts int) string { return migrationFromTF(0, n, hosts) }

func migrationFromTF(first, n, hosts int) string {
	return tfHeader + `resource "estate_migration" "m" {
  name       = "benchmark"
  placements = ` + hcl(moves(first, n, hosts)) + "\n}\n"
}

func terraformDataTF(n, hosts int) string {
	return "locals {\n  moves = " + hcl(moves(0, n, hosts)) + "\n}\n" +
		`resource "terraform_data" "p" {
  for_each = local.moves
  input    = each.value
}
`
}

// countedLab is a lab behind a counting HTTPS proxy.
type countedLab struct {
	lab   *lab.Lab
	proxy *httptest.Server
	mu    sync.Mutex
	soap  map[string]int64
	vapi  int64
	bytes int64
}

func startCountedLab(t *testing.T, hosts, vms int) *countedLab {
	t.Helper()
	l, err := lab.Start(context.Background(), lab.Synthetic(hosts, vms), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	pem, err := os.ReadFile(l.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &countedLab{lab: l, soap: map[string]int64{}}
	target := *l.URL
	target.Path = ""
	rp := httputil.NewSingleHostReverseProxy(&target)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: l.URL.Hostname()}, MaxIdleConnsPerHost: 16}
	rp.ModifyResponse = func(r *http.Response) error {
		r.Body = &countingBody{ReadCloser: r.Body, c: c}
		return nil
	}
	c.proxy = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		c.mu.Lock()
		c.bytes += int64(len(body))
		if strings.HasPrefix(r.URL.Path, "/sdk") {
			c.soap[soapMethod(body)]++
		} else {
			c.vapi++
		}
		c.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(c.proxy.Close)
	return c
}

func (c *countedLab) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.soap, c.vapi, c.bytes = map[string]int64{}, 0, 0
}

func (c *countedLab) counts() (calls, vapi, bytes int64, methods map[string]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	methods = map[string]int64{}
	for k, v := range c.soap {
		calls += v
		methods[k] = v
	}
	return calls, c.vapi, c.bytes, methods
}

type countingBody struct {
	io.ReadCloser
	c *countedLab
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.c.mu.Lock()
	b.c.bytes += int64(n)
	b.c.mu.Unlock()
	return n, err
}

// soapMethod is the first element inside the SOAP Body.
func soapMethod(body []byte) string {
	s := string(body)
	i := strings.Index(s, "Body>")
	if i < 0 {
		return "?"
	}
	s = s[i+5:]
	j := strings.Index(s, "<")
	if j < 0 {
		return "?"
	}
	s = s[j+1:]
	end := strings.IndexAny(s, " >/")
	if end < 0 {
		return "?"
	}
	name := s[:end]
	if k := strings.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return name
}
