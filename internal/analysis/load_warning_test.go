package analysis_test

import (
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestLoadedAbove(t *testing.T) {
	s := inventory.MustNew(inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "c"}},
		Hosts: []inventory.Host{
			{Name: "h1", Cluster: "c", Kind: inventory.KindESXi, CPUCores: 10, CPUMHzPerCore: 1000, MemoryMB: 1000, Connection: inventory.Connected},
			{Name: "h2", Cluster: "c", Kind: inventory.KindESXi, CPUCores: 10, CPUMHzPerCore: 1000, MemoryMB: 1000, Connection: inventory.Connected, Maintenance: true},
		},
		VMs: []inventory.VM{
			{Name: "a", Host: "h1", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 1000, CPUReservationMHz: 9000, MemoryReservationMB: 900},
			{Name: "b", Host: "h2", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 1000, CPUReservationMHz: 9500, MemoryReservationMB: 1000},
		},
	})
	p := analysis.DefaultPolicy()
	tests := []struct {
		percent float64
		want    []string
	}{
		// Exactly at the limit is not above it.
		{90, nil},
		{89.99, []string{`host "h1" would carry cpu 9000 of 10000 MHz (90 %), above 89.99 %`, `host "h1" would carry memory 900 of 1000 MiB (90 %), above 89.99 %`}},
		{100, nil},
	}
	for _, tt := range tests {
		if got := analysis.LoadedAbove(s, p, tt.percent, []inventory.HostName{"h2", "h1", "nope"}); !slices.Equal(got, tt.want) {
			t.Errorf("LoadedAbove(%g) = %q, want %q", tt.percent, got, tt.want)
		}
	}
	// Headroom shrinks what a host may carry: 900 MiB of 1000 × 80 % is 112 %.
	p.HeadroomPercent = 20
	want := []string{`host "h1" would carry cpu 9000 of 8000 MHz (112 %), above 100 %`, `host "h1" would carry memory 900 of 800 MiB (112 %), above 100 %`}
	if got := analysis.LoadedAbove(s, p, 100, []inventory.HostName{"h1"}); !slices.Equal(got, want) {
		t.Errorf("with 20 %% headroom: %q, want %q", got, want)
	}
}
