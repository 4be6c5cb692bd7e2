package analysis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func fortyHosts() *inventory.Snapshot {
	b := newEstate("c", slot1)
	for i := range 40 {
		b.host(inventory.HostName(fmt.Sprintf("h%02d", i)), "c", 8, 8192)
		b.vm(inventory.VMName(fmt.Sprintf("v%02d", i)), inventory.HostName(fmt.Sprintf("h%02d", i)), 100, 512)
	}
	return b.snap()
}

// The work is bounded up front: tolerate 5 on one 40-host cluster is
// 40 + 780 + 9,880 + 91,390 + 658,008 combinations, refused before any is checked.
func TestAnalyzeRefusesUnboundedWork(t *testing.T) {
	s := fortyHosts()
	for _, tt := range []struct {
		tolerate, max int
		want          string
	}{
		{5, 0, `tolerate 5 asks for 760098 failure combinations (the largest share from cluster "c": 40 hosts, up to 5 failing); the limit is 100000: lower tolerate or raise the scenario limit`},
		{100, 0, `tolerate 100 asks for 1099511627775 failure combinations (the largest share from cluster "c": 40 hosts, up to 40 failing); the limit is 100000: lower tolerate or raise the scenario limit`},
		{2, 500, `tolerate 2 asks for 820 failure combinations (the largest share from cluster "c": 40 hosts, up to 2 failing); the limit is 500: lower tolerate or raise the scenario limit`},
	} {
		p := analysis.DefaultPolicy()
		p.Tolerate, p.MaxScenarios = tt.tolerate, tt.max
		_, err := analysis.Analyze(s, analysis.Request{Policy: p})
		if err == nil || err.Error() != tt.want {
			t.Errorf("tolerate %d: %v\nwant %s", tt.tolerate, err, tt.want)
		}
	}
	p := analysis.DefaultPolicy()
	p.Tolerate = 2
	rep, err := analysis.Analyze(s, analysis.Request{Policy: p, OmitSafe: true})
	if err != nil || rep.Summary.Safe != 820 || len(rep.Scenarios) != 0 {
		t.Errorf("tolerate 2: %v, %d safe, %d kept", err, rep.Summary.Safe, len(rep.Scenarios))
	}
}

// cancelAfter is a context cancelled after n calls of Err: the analysis
// checks it before every scenario.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestAnalyzeHonoursCancellation(t *testing.T) {
	p := analysis.DefaultPolicy()
	p.Tolerate = 2
	_, err := analysis.AnalyzeContext(&cancelAfter{Context: context.Background(), n: 7}, fortyHosts(), analysis.Request{Policy: p})
	if err == nil || err.Error() != "analysis stopped after 7 scenario(s): context canceled" {
		t.Errorf("got %v", err)
	}
}

// A scoped request enumerates and counts only the failures of its clusters:
// tolerate 4 of a 40-host cluster (102,090 combinations) is beyond the limit,
// but a check of a 3-host cluster next to it is not refused for it.
func TestScopedAnalysisCountsOnlyItsClusters(t *testing.T) {
	s := fortyHosts().Estate()
	s.Clusters = append(s.Clusters, inventory.Cluster{Name: "small", HA: inventory.HAConfig{Enabled: true, AdmissionControl: slot1}})
	for i := range 3 {
		h := inventory.HostName(fmt.Sprintf("s%d", i))
		s.Hosts = append(s.Hosts, inventory.Host{Name: h, Cluster: "small", Kind: inventory.KindESXi, CPUCores: 8, CPUMHzPerCore: 1000,
			MemoryMB: 8192, Connection: inventory.Connected})
		s.VMs = append(s.VMs, inventory.VM{Name: inventory.VMName(fmt.Sprintf("sv%d", i)), Host: h, Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 512})
	}
	snap := inventory.MustNew(s)
	p := analysis.DefaultPolicy()
	p.Tolerate = 4
	want := `tolerate 4 asks for 102097 failure combinations (the largest share from cluster "c": 40 hosts, up to 4 failing); the limit is 100000: lower tolerate or raise the scenario limit`
	if _, err := analysis.Analyze(snap, analysis.Request{Policy: p}); err == nil || err.Error() != want {
		t.Errorf("unscoped: %v\nwant %s", err, want)
	}
	rep, err := analysis.Analyze(snap, analysis.Request{Policy: p, Clusters: []inventory.ClusterName{"small"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Scenarios); n != 7 { // 3 + 3 + 1 subsets of the 3 hosts
		t.Errorf("%d scenarios, want 7", n)
	}
	for _, sc := range rep.Scenarios {
		for _, h := range sc.FailedHosts {
			if h[0] != 's' {
				t.Errorf("scenario %v fails a host outside the scope", sc.FailedHosts)
			}
		}
	}
}
