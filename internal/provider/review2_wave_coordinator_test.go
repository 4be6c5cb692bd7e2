package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// TestReview2WaveRefusedByVCenterFailsAtOnce: under a policy other than
// vSphere's own admission (basis usage), a wave that checkWave accepts but
// whose target has no room for the VM's reservations is refused by vCenter
// at once (InsufficientResourcesFault) — as the wave did before it went
// through the move coordinator. Through the coordinator it waits the whole
// api_timeout for room nothing will free (a swap: a "cycle" error telling
// the user to use estate_migration, which they do).
func TestReview2WaveRefusedByVCenterFailsAtOnce(t *testing.T) {
	// esx-b01 and esx-b02 are full by reservations.
	l := labtest.StartWith(t, "demo", func(e *inventory.Estate) {
		for i, h := range e.Hosts {
			if h.Name == "esx-b01" || h.Name == "esx-b02" {
				e.Hosts[i].MemoryMB = 0
				for _, v := range e.VMs {
					if v.Host == h.Name && v.PoweredOn() {
						e.Hosts[i].MemoryMB += v.MemoryReservationMB + v.MemoryOverheadMB
					}
				}
			}
		}
	})
	for _, tc := range []struct {
		name string
		wave []analysis.Move
	}{
		{"one move", []analysis.Move{{VM: "crm-01", From: "esx-b01", To: "esx-b02"}}},
		{"swap", []analysis.Move{{VM: "crm-01", From: "esx-b01", To: "esx-b02"}, {VM: "crm-02", From: "esx-b02", To: "esx-b01"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			data, _ := scopeTestData(t, l)
			data.policy.Policy.Basis = analysis.BasisUsage // the plan counts measured usage
			const apiTimeout = 20 * time.Second
			data.moves = newMoveCoordinator(DefaultMaxVMotionsPerHost, apiTimeout)
			r := &MigrationResource{data: data}
			topo, d := data.topology(ctx)
			if d.HasError() {
				t.Fatal(d)
			}
			if msg := r.checkWave(topo.Estate, tc.wave); msg != "" {
				t.Fatalf("checkWave refuses the wave: %s", msg)
			}
			start := time.Now()
			run := r.runWaves(ctx, [][]analysis.Move{tc.wave}, func(ctx context.Context) (*vsphere.Topology, diagnostics) {
				data.cache.Invalidate()
				return data.topology(ctx)
			})
			took := time.Since(start)
			t.Logf("failure after %s: %s", took.Round(time.Millisecond), run.failure)
			if run.failure == "" {
				t.Fatal("the wave succeeded: the test needs vCenter to refuse it")
			}
			if took > apiTimeout/2 {
				t.Errorf("the wave vCenter refuses at once took %s to fail (api_timeout %s)", took.Round(time.Second), apiTimeout)
			}
			if strings.Contains(run.failure, "estate_migration") {
				t.Errorf("a migration's wave failure tells the user to use estate_migration: %s", run.failure)
			}
		})
	}
}
