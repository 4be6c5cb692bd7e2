package analysis_test

import (
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestFindings(t *testing.T) {
	s := newEstate("c", inventory.AdmissionControl{Policy: inventory.PolicyPercentage, CPUPercent: 50, MemoryPercent: 50}).
		host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).vm("big", "h1", 0, 6144).vm("small", "h2", 0, 4096).
		with(func(e *inventory.Estate) {
			e.BusinessSystems = []inventory.BusinessSystem{{Name: "web", VMs: []inventory.VMName{"big"}, MinHosts: 2}}
		}).snap()
	rep, err := analysis.Analyze(s, analysis.Request{Policy: analysis.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Findings(analysis.FindingKinds)
	want := []string{
		`failure of host h1 is unsafe: VM "big" fits on none of its 1 eligible host(s) [h2 memory: big requests 6144, 4096 used of 8192] (business systems: web down)`,
		`failure of host h2 is unsafe: VM "small" fits on none of its 1 eligible host(s) [h1 memory: small requests 4096, 6144 used of 8192]`,
		`cluster "c" does not meet HA admission control (percentage): current failover capacity CPU 99% (configured 50%), memory 37% (configured 50%)`,
		`business system "web" runs on 1 host(s), needs 2`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%q\nwant:\n%q", got, want)
	}
	if got := rep.Findings([]string{analysis.FindOverloaded}); len(got) != 0 {
		t.Errorf("overloaded findings %q, want none", got)
	}
}

func TestMaintenanceFindings(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 4, 8192).host("h2", "c", 4, 8192).host("h3", "c", 4, 8192).
		vm("a", "h1", 0, 2048).vm("b", "h2", 0, 2048).snap()
	planned, err := s.With(inventory.SetMaintenance{Host: "h1", On: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analysis.Analyze(planned, analysis.Request{Policy: analysis.DefaultPolicy(), Maintenance: []inventory.HostName{"h1", "h3"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`host h1 enters maintenance with powered-on VMs still on it (vCenter refuses): place them first, for example a → h2`}
	if got := rep.Findings([]string{analysis.FindMaintenance}); !slices.Equal(got, want) || rep.Summary.MaintenanceBlocked != 1 {
		t.Errorf("findings %q (blocked %d)\nwant %q", got, rep.Summary.MaintenanceBlocked, want)
	}
	if _, err := analysis.Analyze(s, analysis.Request{Policy: analysis.DefaultPolicy(), Maintenance: []inventory.HostName{"h9"}}); err == nil ||
		err.Error() != `unknown host "h9": known hosts are h1, h2, h3` {
		t.Errorf("unknown maintenance host: %v", err)
	}
}

// An overloaded host's finding names the VMs the change moves there.
func TestOverloadedFindingNamesTheArrivals(t *testing.T) {
	s := newEstate("c", slot1).host("h1", "c", 8, 4096).host("h2", "c", 8, 8192).vm("a", "h1", 0, 3072).vm("b", "h2", 0, 2048).snap()
	planned, err := s.With(inventory.MoveVM{VM: "b", To: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analysis.Analyze(planned, analysis.Request{Policy: analysis.DefaultPolicy(),
		Arrivals: map[inventory.HostName][]inventory.VMName{"h1": {"b"}}})
	want := []string{`host "h1" is over capacity in [memory]: uses 0 MHz / 5120 MiB of 8000 MHz / 4096 MiB (moved there by this change: b)`}
	if got := rep.Findings([]string{analysis.FindOverloaded}); err != nil || !slices.Equal(got, want) {
		t.Errorf("%v %q", err, got)
	}
}
