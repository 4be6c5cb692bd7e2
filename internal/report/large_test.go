package report_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/report"
	"github.com/estate-tf/terraform-provider-estate/internal/report/mermaidcheck"
	"github.com/estate-tf/terraform-provider-estate/internal/safetext"
)

// largeEstate: 4 clusters of 16 hosts, 50 VMs per host (3,200), 24 business
// systems (one with a hostile name); the change moves the 2,000 VMs of hosts
// 0–9 of every cluster onto hosts 10–15, which it overloads.
func largeEstate(t *testing.T) (before, after *inventory.Snapshot, moved int) {
	t.Helper()
	var e inventory.Estate
	systems := map[inventory.SystemName][]inventory.VMName{}
	sysName := func(i int) inventory.SystemName {
		if i == 7 {
			return `web "shop" #1; [eu] <b>|x|</b>`
		}
		return inventory.SystemName(fmt.Sprintf("system-%02d", i))
	}
	for c := 0; c < 4; c++ {
		cl := inventory.ClusterName(fmt.Sprintf("cl-%d", c))
		ds := inventory.DatastoreName(fmt.Sprintf("ds-%d", c))
		e.Clusters = append(e.Clusters, inventory.Cluster{Name: cl, HA: inventory.HAConfig{Enabled: true,
			AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}}})
		e.Datastores = append(e.Datastores, inventory.Datastore{Name: ds, CapacityMB: 8 << 20, FreeMB: 4 << 20})
		for h := 0; h < 16; h++ {
			host := inventory.HostName(fmt.Sprintf("esx-%d-%02d", c, h))
			e.Hosts = append(e.Hosts, inventory.Host{Name: host, Cluster: cl, Kind: inventory.KindESXi, Connection: inventory.Connected,
				CPUCores: 32, CPUMHzPerCore: 2400, MemoryMB: 524288, Datastores: []inventory.DatastoreName{ds}})
			for v := 0; v < 50; v++ {
				name := inventory.VMName(fmt.Sprintf("vm-%d-%02d-%02d", c, h, v))
				e.VMs = append(e.VMs, inventory.VM{Name: name, Host: host, Power: inventory.PoweredOn, VCPU: 2, MemoryMB: 8192,
					CPUReservationMHz: 100, MemoryReservationMB: 4096, Datastores: []inventory.DatastoreName{ds}})
				s := sysName((c*16*50 + h*50 + v) % 24)
				systems[s] = append(systems[s], name)
			}
		}
	}
	for i := 0; i < 24; i++ {
		e.BusinessSystems = append(e.BusinessSystems, inventory.BusinessSystem{Name: sysName(i), VMs: systems[sysName(i)], MinHosts: 2})
	}
	before = inventory.MustNew(e)
	var changes []inventory.Change
	for _, v := range before.VMs() {
		var c, h, n int
		if _, err := fmt.Sscanf(string(v.Name), "vm-%d-%02d-%02d", &c, &h, &n); err != nil {
			t.Fatalf("VM name %q: %v", v.Name, err)
		}
		if h < 10 {
			to := inventory.HostName(fmt.Sprintf("esx-%d-%02d", c, 10+(h*50+n)%6))
			changes = append(changes, inventory.MoveVM{VM: v.Name, To: to})
		}
	}
	after, err := before.With(changes...)
	if err != nil {
		t.Fatal(err)
	}
	return before, after, len(changes)
}

// TestLargeChangeStaysWithinLimits: the report of a change touching 2,000 VMs
// stays within Mermaid's limits (50,000 characters, 500 edges) and a GitHub
// comment (65,536 characters), says that it aggregated, and still names
// every failing host and every affected business system.
func TestLargeChangeStaysWithinLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("large estate")
	}
	before, after, moved := largeEstate(t)
	if moved != 2000 {
		t.Fatalf("the change moves %d VMs, want 2000", moved)
	}
	r, err := report.Build(before, after, report.Change{}, analysis.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := report.RenderMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	text := md.String()
	diagram := r.Diagram.Mermaid
	edges := strings.Count(diagram, " --> ") + strings.Count(diagram, " -.->")
	t.Logf("2,000 VMs moved: Markdown %d characters (limit %d), diagram %d characters (limit %d), %d edges (limit %d), %d nodes; aggregated: %v",
		len(text), report.GitHubCommentMax, len(diagram), report.MermaidMaxText, edges, report.MermaidMaxEdges, r.Diagram.Nodes, r.Diagram.Aggregated)
	if len(text) > report.GitHubCommentMax {
		t.Errorf("Markdown is %d characters, a GitHub comment holds %d", len(text), report.GitHubCommentMax)
	}
	if len(diagram) > report.MermaidMaxText || edges > report.MermaidMaxEdges {
		t.Errorf("diagram %d characters, %d edges: above Mermaid's defaults", len(diagram), edges)
	}
	if len(r.Diagram.Aggregated) == 0 || !strings.Contains(text, "The diagram is aggregated") {
		t.Error("the diagram of 2,000 moves must aggregate and say so")
	}
	// Every overloaded host, computed here independently of the report, is named and failing.
	overloaded := 0
	for _, l := range analysis.Loads(after, analysis.DefaultPolicy()) {
		if len(l.Over) == 0 {
			continue
		}
		overloaded++
		if !strings.Contains(text, "| "+safetext.MD(string(l.Host))+" |") {
			t.Errorf("failing host %s is not named in the Markdown", l.Host)
		}
		if !strings.Contains(diagram, `["`+safetext.Mermaid(string(l.Host))) {
			t.Errorf("failing host %s is not a node of the diagram", l.Host)
		}
	}
	if overloaded != 24 {
		t.Errorf("%d hosts overloaded, want the 24 targets", overloaded)
	}
	// Every business system with a moved VM is affected and named.
	for _, b := range after.BusinessSystems() {
		if !strings.Contains(text, "| "+safetext.MD(string(b.Name))+" |") {
			t.Errorf("affected business system %q is not named in the Markdown", b.Name)
		}
	}
	if len(r.BusinessSystems) != 24 {
		t.Errorf("%d business systems affected, want 24", len(r.BusinessSystems))
	}
	if tool, missing := mermaidcheck.Find(); missing != "" {
		if mermaidcheck.Required() {
			t.Fatal("ESTATE_REQUIRE_MERMAID=1 and " + missing)
		}
		t.Log("not rendering the large diagram with Mermaid (the limits are checked): " + missing)
	} else {
		svg, err := tool.Render(context.Background(), diagram, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(svg), `class="node default failing`) || !strings.Contains(string(svg), "fill:"+report.FillFailing) {
			t.Error("the rendered large diagram has no failing node")
		}
	}
}
