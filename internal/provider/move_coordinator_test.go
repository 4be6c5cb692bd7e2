package provider

import (
	"context"
	"testing"
	"time"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func coordEstate(t *testing.T) *inventory.Snapshot {
	t.Helper()
	s, err := inventory.New(inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "c"}},
		Hosts: []inventory.Host{
			{Name: "h1", Cluster: "c", Kind: inventory.KindESXi, CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 65536},
			{Name: "h2", Cluster: "c", Kind: inventory.KindESXi, CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 65536},
		},
		VMs: []inventory.VM{
			{Name: "a", Host: "h1", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 32768, MemoryReservationMB: 32768},
			{Name: "b", Host: "h2", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 49152, MemoryReservationMB: 49152},
			{Name: "c", Host: "h2", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 4096, MemoryReservationMB: 4096, CPUReservationMHz: 500},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A move whose target never gets room fails after the timeout, with the numbers
// and the moves it waited for.
func TestMoveWaitsThenTimesOutNamingTheBlockingVMs(t *testing.T) {
	s := coordEstate(t)
	estate := func(context.Context) (*inventory.Snapshot, error) { return s, nil }
	c := newMoveCoordinator(4, 600*time.Millisecond)
	c.cycleGrace = time.Hour // no cycle report in this test
	// c waits to leave h2 (for a host of its own): a waits for it.
	c.waiting["c"] = &move{vm: "c", from: "h2", to: "h2x"}
	_, err := c.admit(context.Background(), estate, "a", "h2", waitForRoom)
	want := `VM "a" waited 1s for room on host "h2" (needs 0 MHz and 32768 MiB of reservations; the host commits 500 of 8000 MHz and 53248 of 65536 MiB): it waited for the moves of VMs "c" off that host, which did not free enough room in time. Free room on the host, or apply the moves as one estate_migration resource`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	c.mu.Lock()
	delete(c.waiting, "c")
	c.mu.Unlock()
	_, err = c.admit(context.Background(), estate, "a", "h2", waitForRoom)
	want = `VM "a" waited 1s for room on host "h2" (needs 0 MHz and 32768 MiB of reservations; the host commits 500 of 8000 MHz and 53248 of 65536 MiB): no move of this apply frees room there. Free room on the host, or apply the moves as one estate_migration resource`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// The per-host vMotion limit holds a move that fits until a slot is free.
func TestMoveAdmissionKeepsTheVMotionLimit(t *testing.T) {
	s := coordEstate(t)
	estate := func(context.Context) (*inventory.Snapshot, error) { return s, nil }
	c := newMoveCoordinator(1, 5*time.Second)
	done, err := c.admit(context.Background(), estate, "c", "h1", waitForRoom) // 4096 MiB: fits on h1
	if err != nil {
		t.Fatal(err)
	}
	admitted := make(chan time.Time, 1)
	go func() {
		// a stays on h1: not a vMotion, admitted whatever the limit
		if d, err := c.admit(context.Background(), estate, "a", "h1", waitForRoom); err == nil {
			d()
		}
		// A second vMotion to h1 (as the estate still shows it, c from h2) fits in
		// room but not in h1's one slot, which c's own vMotion holds.
		d, err := c.admit(context.Background(), estate, "c", "h1", waitForRoom)
		if err != nil {
			t.Error(err)
			admitted <- time.Now()
			return
		}
		d()
		admitted <- time.Now()
	}()
	time.Sleep(300 * time.Millisecond)
	released := time.Now()
	done()
	if at := <-admitted; at.Before(released) {
		t.Error("a second vMotion of h1 was admitted while the first held h1's only slot")
	}
}
