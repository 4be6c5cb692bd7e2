package lab_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

func (f *fixture) migrate(t *testing.T, vm, host string) error {
	t.Helper()
	task, err := f.vm(t, vm).Migrate(context.Background(), nil, f.host(t, host), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		t.Fatal(err)
	}
	return task.Wait(context.Background())
}

// A vMotion holds the VM's reservations on both hosts while it runs (vCenter
// admits it on the target at the start and frees the source at the end): the
// peaks show it, the committed load after it does not.
func TestVMotionPeaksHoldReservationsOnBothHosts(t *testing.T) {
	f := start(t)
	// small: web-01 (500 MHz, 1024+64 MiB) on esx-01, web-02 (the same) on esx-02.
	if err := f.migrate(t, "web-01", "esx-02"); err != nil {
		t.Fatal(err)
	}
	peaks := f.lab.Peaks()
	want := map[inventory.HostName]lab.HostPeak{
		"esx-01": {Committed: lab.Resources{CPUMHz: 500, MemoryMB: 1088}, Capacity: lab.Resources{CPUMHz: 38400, MemoryMB: 262144}, VMotions: 1},
		"esx-02": {Committed: lab.Resources{CPUMHz: 1000, MemoryMB: 2176}, Capacity: lab.Resources{CPUMHz: 38400, MemoryMB: 262144}, VMotions: 1},
		"esx-03": {Committed: lab.Resources{CPUMHz: 4000, MemoryMB: 33280}, Capacity: lab.Resources{CPUMHz: 62400, MemoryMB: 524288}},
		"esx-04": {Capacity: lab.Resources{CPUMHz: 16000, MemoryMB: 131072}}, // test-01 reserves nothing
		"esx-05": {Capacity: lab.Resources{CPUMHz: 16000, MemoryMB: 131072}},
	}
	for h, w := range want {
		if peaks[h] != w {
			t.Errorf("peak of %s = %+v, want %+v", h, peaks[h], w)
		}
	}
	if len(peaks) != len(want) {
		t.Errorf("peaks of %d hosts, want %d", len(peaks), len(want))
	}
	now := f.lab.Committed()
	if now["esx-01"] != (lab.Resources{}) || now["esx-02"] != (lab.Resources{CPUMHz: 1000, MemoryMB: 2176}) {
		t.Errorf("committed after the move: esx-01 %+v, esx-02 %+v; want {0 0} and {1000 2176}", now["esx-01"], now["esx-02"])
	}
	f.lab.ResetPeaks()
	if p := f.lab.Peaks()["esx-01"]; p != (lab.HostPeak{Capacity: lab.Resources{CPUMHz: 38400, MemoryMB: 262144}}) {
		t.Errorf("peak of esx-01 after ResetPeaks = %+v, want nothing committed", p)
	}
}

func TestPeakConcurrentVMotions(t *testing.T) {
	f := start(t)
	// The objects are found first, so both migrations go out together.
	vms := []*object.VirtualMachine{f.vm(t, "web-01"), f.vm(t, "web-02")}
	host := f.host(t, "esx-03")
	release := f.lab.HoldVMotions()
	defer release()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, vm := range vms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task, err := vm.Migrate(context.Background(), nil, host, types.VirtualMachineMovePriorityDefaultPriority, "")
			if err == nil {
				err = task.Wait(context.Background())
			}
			errs[i] = err
		}()
	}
	// Both vMotions are admitted, and held, before either ends.
	for deadline := time.Now().Add(30 * time.Second); f.lab.VMotionsInFlight() < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			release()
			wg.Wait()
			t.Fatalf("%d vMotions in flight after 30s, want 2 at once: %v", f.lab.VMotionsInFlight(), errors.Join(errs...))
		}
	}
	release()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	peaks := f.lab.Peaks()
	for h, n := range map[inventory.HostName]int{"esx-01": 1, "esx-02": 1, "esx-03": 2, "esx-04": 0} {
		if peaks[h].VMotions != n {
			t.Errorf("peak concurrent vMotions of %s = %d, want %d", h, peaks[h].VMotions, n)
		}
	}
	if got, want := peaks["esx-03"].Committed, (lab.Resources{CPUMHz: 5000, MemoryMB: 35456}); got != want {
		t.Errorf("peak committed on esx-03 = %+v, want %+v (db-01 and both web VMs)", got, want)
	}
}

// vCenter refuses a vMotion whose target cannot admit the VM's reservations.
func TestVMotionRefusedWhenTargetCannotAdmitReservations(t *testing.T) {
	f := start(t)
	// esx-01 (262144 MiB) commits 1088 MiB for web-01; web-02 would need 261057 + 64.
	if err := f.lab.SetVMMemoryReservation("web-02", 261057); err != nil {
		t.Fatal(err)
	}
	err := f.migrate(t, "web-02", "esx-01")
	if err == nil || !strings.Contains(err.Error(), "InsufficientResourcesFault") {
		t.Fatalf("move beyond esx-01's memory: got %v, want InsufficientResourcesFault", err)
	}
	if got := strings.Join(f.hostVMs(t, "esx-02"), ","); got != "web-02" {
		t.Errorf("esx-02.vm = %s after the refused move, want web-02", got)
	}
	if p := f.lab.Peaks()["esx-01"]; p.Committed.MemoryMB != 1088 || p.VMotions != 0 {
		t.Errorf("peak of esx-01 = %+v after a refused move, want 1088 MiB and no vMotion", p)
	}
	if n := f.lab.RefusedVMotions(); n != 1 {
		t.Errorf("%d refused vMotions counted, want 1", n)
	}
	// One MiB less fits exactly: 1088 + 260992 + 64 = 262144.
	if err := f.lab.SetVMMemoryReservation("web-02", 260992); err != nil {
		t.Fatal(err)
	}
	if err := f.migrate(t, "web-02", "esx-01"); err != nil {
		t.Fatalf("move that fits exactly: %v", err)
	}
	if p := f.lab.Peaks()["esx-01"]; p.Committed.MemoryMB != 262144 {
		t.Errorf("peak memory of esx-01 = %d, want 262144", p.Committed.MemoryMB)
	}
}

// Close returns promptly while a client holds a long poll open: govmomi's
// property.Wait sends WaitForUpdatesEx without a wait limit.
func TestCloseWithLongPollOpen(t *testing.T) {
	f := start(t)
	ref := f.vm(t, "web-01").Reference()
	polling := make(chan struct{})
	waited := make(chan error, 1)
	go func() {
		first := true
		waited <- property.Wait(context.Background(), property.DefaultCollector(f.client.Client), ref, []string{"name"}, func([]types.PropertyChange) bool {
			if first {
				first = false
				close(polling)
			}
			return false // never satisfied: the next call long-polls
		})
	}()
	<-polling
	time.Sleep(200 * time.Millisecond) // the long poll is in the server now
	start := time.Now()
	f.lab.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %s with a long poll open, want under 3s", d)
	}
	select {
	case <-waited: //nolint:errcheck // the poll ends with an error when the lab closes; only that it ends matters
	case <-time.After(5 * time.Second):
		t.Error("the long poll did not end with the lab")
	}
}

// A VM's properties stay readable while it is being vMotioned, as in vCenter
// (the simulator locks a task's entity while the task runs: the lab's
// vMotion task locks a stand-in), its task reports the VM as its entity, and
// a second vMotion of the VM meanwhile is refused.
func TestVMReadableDuringItsVMotion(t *testing.T) {
	f := start(t)
	vm, host := f.vm(t, "web-01"), f.host(t, "esx-03")
	release := f.lab.HoldVMotions()
	defer release()
	task, err := vm.Migrate(context.Background(), nil, host, types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); f.lab.VMotionsInFlight() < 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the vMotion was not admitted within 30 s")
		}
	}
	read := make(chan string, 1)
	go func() { read <- f.vm(t, "web-01").Reference().Value }() // a lookup reads every VM's properties
	select {
	case got := <-read:
		if got != vm.Reference().Value {
			t.Errorf("lookup of web-01 during its vMotion found %s, want %s", got, vm.Reference().Value)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a lookup of web-01 waited 30 s for its held vMotion")
	}
	second, err := vm.Migrate(context.Background(), nil, f.host(t, "esx-02"), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "InvalidState") {
		t.Errorf("a second vMotion of web-01 during the first: %v, want InvalidState", err)
	}
	release()
	info, err := task.WaitForResult(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Entity == nil || *info.Entity != vm.Reference() {
		t.Errorf("the vMotion task's entity is %v, want %v", info.Entity, vm.Reference())
	}
	if got := strings.Join(f.hostVMs(t, "esx-03"), ","); !strings.Contains(got, "web-01") {
		t.Errorf("esx-03.vm = %s after the move, want web-01 among them", got)
	}
}
