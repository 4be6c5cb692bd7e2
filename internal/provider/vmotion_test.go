package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

// TestEveryMoverSharesOneCoordinator: a migration's wave and another
// resource's move (a host's evacuation, a placement) in one apply go through
// the same move coordinator, so a host never takes part in more than
// max_vmotions_per_host vMotions at once however many resources move VMs to
// it. The lab holds every admitted vMotion until released, so the moves
// overlap for certain.
func TestEveryMoverSharesOneCoordinator(t *testing.T) {
	l := labtest.Start(t, "demo")
	ctx := context.Background()
	data, _ := scopeTestData(t, l)
	release := l.HoldVMotions()
	defer release()

	wave := []analysis.Move{
		{VM: "crm-06", From: "esx-b01", To: "esx-b03"}, {VM: "crm-11", From: "esx-b01", To: "esx-b03"},
		{VM: "crm-16", From: "esx-b01", To: "esx-b03"}, {VM: "crm-21", From: "esx-b01", To: "esx-b03"},
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(wave)+1)
	wg.Add(2)
	go func() { // the migration's wave: up to 4 at once on any host
		defer wg.Done()
		runWave(ctx, wave, DefaultMaxVMotionsPerHost, func(mv analysis.Move) error {
			_, _, err := data.vmotion(ctx, data.estate, mv.VM, mv.To, plannedWave)
			return err
		}, func(r waveResult) { errs <- r.Err })
	}()
	go func() { // another resource's move to the same host
		defer wg.Done()
		_, _, err := data.vmotion(ctx, data.estate, "mail-02", "esx-b03", waitForRoom)
		errs <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for l.VMotionsInFlight() < DefaultMaxVMotionsPerHost && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a fifth vMotion, if admitted, is in flight by now
	if n := l.VMotionsInFlight(); n != DefaultMaxVMotionsPerHost {
		t.Errorf("%d vMotions in flight with esx-b03 at its limit, want %d", n, DefaultMaxVMotionsPerHost)
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if p := l.Peaks()["esx-b03"]; p.VMotions != DefaultMaxVMotionsPerHost {
		t.Errorf("esx-b03 took part in %d vMotions at once, want the limit %d", p.VMotions, DefaultMaxVMotionsPerHost)
	}
	topo, _ := data.topology(ctx)
	for _, vm := range []inventory.VMName{"crm-06", "crm-11", "crm-16", "crm-21", "mail-02"} {
		if v, _ := topo.Estate.VM(vm); v.Host != "esx-b03" {
			t.Errorf("%s is on %s in the cached read, want esx-b03", vm, v.Host)
		}
	}
}
