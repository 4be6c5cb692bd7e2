package provider

import (
	"context"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// TestWaveVCenterWouldRefuseFailsAtOnce: under a policy other than vSphere's
// own admission (basis usage), a wave that checkWave accepts but whose target
// has no room for the VM's reservations fails at once, saying vCenter would
// refuse it — not after waiting api_timeout for room nothing will free, nor
// as a "cycle" telling the user to use estate_migration (found by review).
func TestWaveVCenterWouldRefuseFailsAtOnce(t *testing.T) {
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
	const (
		toB02 = `host "esx-b02" cannot admit VM "crm-01"'s reservations now (needs 500 MHz and 4224 MiB; the host commits 4000 of 57600 MHz and 34848 of 34848 MiB, counting the vMotions in flight to it): vCenter would refuse the vMotion. The wave was planned under the provider's policy, whose basis or overcommit does not count reservations as vCenter's admission does, or the host filled since`
		toB01 = `host "esx-b01" cannot admit VM "crm-02"'s reservations now (needs 500 MHz and 4224 MiB; the host commits 4000 of 57600 MHz and 34848 of 34848 MiB, counting the vMotions in flight to it): vCenter would refuse the vMotion. The wave was planned under the provider's policy, whose basis or overcommit does not count reservations as vCenter's admission does, or the host filled since`
	)
	for _, tc := range []struct {
		name string
		wave []analysis.Move
		want string
	}{
		{"one move", []analysis.Move{{VM: "crm-01", From: "esx-b01", To: "esx-b02"}}, "wave 1 of 1: " + toB02},
		{"swap", []analysis.Move{{VM: "crm-01", From: "esx-b01", To: "esx-b02"}, {VM: "crm-02", From: "esx-b02", To: "esx-b01"}}, "wave 1 of 1: " + toB01 + "; " + toB02},
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
			run := r.runWaves(ctx, [][]analysis.Move{tc.wave}, func(ctx context.Context) (*vsphere.Topology, diagnostics) {
				data.cache.Invalidate()
				return data.topology(ctx)
			})
			if run.failure != tc.want {
				t.Errorf("failure:\n%s\nwant\n%s", run.failure, tc.want)
			}
			if len(run.completed) != 0 {
				t.Errorf("moves completed: %v", run.completed)
			}
		})
	}
}
