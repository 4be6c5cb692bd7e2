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

// TestLoadedAboveAfterMoveEqualsTheMovedEstate: the per-placement warning
// computed without building the moved estate says exactly what LoadedAbove
// says of the estate after the move, for every VM, target, basis and limit.
func TestLoadedAboveAfterMoveEqualsTheMovedEstate(t *testing.T) {
	s := inventory.MustNew(inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "c1"}, {Name: "c2"}},
		Hosts: []inventory.Host{
			{Name: "h1", Cluster: "c1", Kind: inventory.KindESXi, CPUCores: 10, CPUMHzPerCore: 1000, MemoryMB: 4000, Connection: inventory.Connected},
			{Name: "h2", Cluster: "c1", Kind: inventory.KindESXi, CPUCores: 8, CPUMHzPerCore: 2000, MemoryMB: 3000, Connection: inventory.Connected},
			{Name: "h3", Cluster: "c1", Kind: inventory.KindESXi, CPUCores: 10, CPUMHzPerCore: 1000, MemoryMB: 1000, Connection: inventory.Connected, Maintenance: true},
			{Name: "h4", Cluster: "c2", Kind: inventory.KindESXi, CPUCores: 4, CPUMHzPerCore: 2500, MemoryMB: 2000, Connection: inventory.Connected,
				CPUUsageMHz: 7000, MemoryUsageMB: 1500},
		},
		VMs: []inventory.VM{
			{Name: "a", Host: "h1", Power: inventory.PoweredOn, VCPU: 4, MemoryMB: 2000, CPUReservationMHz: 6000, MemoryReservationMB: 1500, CPUUsageMHz: 3000, MemoryUsageMB: 1200},
			{Name: "b", Host: "h2", Power: inventory.PoweredOn, VCPU: 2, MemoryMB: 1500, CPUReservationMHz: 9500, MemoryReservationMB: 1000, MemoryOverheadMB: 50, CPUUsageMHz: 8000, MemoryUsageMB: 1400},
			{Name: "c", Host: "h1", Power: inventory.PoweredOff, VCPU: 8, MemoryMB: 3000, CPUReservationMHz: 9000, MemoryReservationMB: 2500},
			{Name: "d", Host: "h2", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 500, CPUReservationMHz: 500, MemoryReservationMB: 100, CPUUsageMHz: 200, MemoryUsageMB: 300},
		},
	})
	for _, basis := range analysis.Bases {
		p := analysis.DefaultPolicy()
		p.Basis = basis
		for _, percent := range []float64{0, 10, 50, 80, 99.5, 200} {
			for _, v := range s.VMs() {
				for _, h := range s.Hosts() {
					var want []string
					if v.Host != h.Name {
						after, err := s.With(inventory.MoveVM{VM: v.Name, To: h.Name})
						if err != nil {
							t.Fatal(err)
						}
						want = analysis.LoadedAbove(after, p, percent, []inventory.HostName{h.Name})
					}
					got := analysis.LoadedAboveAfterMove(s, p, percent, v.Name, h.Name)
					if !slices.Equal(got, want) {
						t.Errorf("%s basis, %g %%, %s → %s: got %q, want %q", basis, percent, v.Name, h.Name, got, want)
					}
				}
			}
		}
	}
}
