package analysis_test

import (
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestStandbyWorstCase(t *testing.T) {
	p := analysis.DefaultPolicy()
	tests := []struct {
		name        string
		snap        *inventory.Snapshot
		failed      []inventory.HostName
		verdict     analysis.Verdict
		need, offer analysis.Resources
	}{
		// Blades of 8 × 1000 MHz and 64 GiB; two idle standbys of the same size: any two failures fit exactly.
		{"whole host, safe: the first subset of the largest size", blades(inventory.TakeoverWholeHost, 2, 8, false),
			[]inventory.HostName{"b1", "b2"}, analysis.Safe, analysis.Resources{CPU: 16000, Memory: 131072}, analysis.Resources{CPU: 16000, Memory: 131072}},
		// Standbys of 4 cores: the sums fit (8000 MHz offered against 8000), but no standby alone is as large
		// as a blade, so every single failure is unsafe; the first is reported.
		{"whole host, unsafe: the single failure short by most", blades(inventory.TakeoverWholeHost, 1, 4, false),
			[]inventory.HostName{"b1"}, analysis.Unsafe, analysis.Resources{CPU: 8000, Memory: 65536}, analysis.Resources{CPU: 8000, Memory: 131072}},
		// LPARs of 2000, 3000 and 4000 MHz; each standby has 6000 MHz free: b2 and b3 together need 7000, the most.
		{"consolidated, safe: the pair needing most", blades(inventory.TakeoverConsolidated, 2, 6, true),
			[]inventory.HostName{"b2", "b3"}, analysis.Safe, analysis.Resources{CPU: 7000, Memory: 32768}, analysis.Resources{CPU: 12000, Memory: 131072}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := analysis.StandbyWorstCase(tt.snap, p, "blades")
			if !ok {
				t.Fatal("no group blades")
			}
			if !slices.Equal(got.FailedHosts, tt.failed) || got.Verdict != tt.verdict || got.Need != tt.need || got.Offer != tt.offer {
				t.Errorf("worst case = %v %s need %+v offer %+v\nwant         %v %s need %+v offer %+v", got.FailedHosts, got.Verdict, got.Need, got.Offer, tt.failed, tt.verdict, tt.need, tt.offer)
			}
			if h := got.Headroom(); h != (analysis.Resources{CPU: tt.offer.CPU - tt.need.CPU, Memory: tt.offer.Memory - tt.need.Memory}) {
				t.Errorf("headroom = %+v", h)
			}
		})
	}
	if _, ok := analysis.StandbyWorstCase(blades(inventory.TakeoverWholeHost, 1, 8, false), p, "nope"); ok {
		t.Error("an unknown group has a worst case")
	}
}

func TestSpreadSinglePointsOfFailure(t *testing.T) {
	for _, tt := range []struct {
		hosts []inventory.HostName
		want  []inventory.HostName
	}{
		{nil, []inventory.HostName{}},
		{[]inventory.HostName{"h1"}, []inventory.HostName{"h1"}},
		{[]inventory.HostName{"h1", "h2"}, []inventory.HostName{}},
	} {
		if got := (analysis.Spread{Hosts: tt.hosts}).SinglePointsOfFailure(); !slices.Equal(got, tt.want) {
			t.Errorf("hosts %v: got %v, want %v", tt.hosts, got, tt.want)
		}
	}
}
