package vsphere_test

import (
	"context"
	"maps"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// An apply of N moves costs one full read plus the moves' own calls: a move
// updates the cached estate through the overlay instead of discarding it.
func TestMovesUpdateTheCacheWithoutReading(t *testing.T) {
	l := startLab(t, "small")
	client := connect(t, l)
	c := vsphere.NewCache(client)
	ctx := context.Background()
	before := client.Calls()
	first, err := c.Topology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	moves := []inventory.MoveVM{{VM: "web-01", To: "esx-03"}, {VM: "web-02", To: "esx-03"}, {VM: "db-01", To: "esx-01"}, {VM: "web-01", To: "esx-02"}}
	for _, m := range moves {
		topo, err := c.Topology(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := topo.Estate.VM(m.VM)
		h, _ := topo.Estate.Host(m.To)
		if err := client.MoveVM(ctx, v, h); err != nil {
			t.Fatal(err)
		}
		c.Moved(m.VM, m.To)
	}
	after, err := c.Topology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if after == first {
		t.Error("the cached read did not change with the moves")
	}
	for vm, want := range map[inventory.VMName]inventory.HostName{"web-01": "esx-02", "web-02": "esx-03", "db-01": "esx-01", "batch-01": "esx-01"} {
		if v, _ := after.Estate.VM(vm); v.Host != want {
			t.Errorf("cached: %s on %s, want %s", vm, v.Host, want)
		}
	}
	calls := client.Calls()
	for k, v := range before {
		calls[k] -= v
	}
	maps.DeleteFunc(calls, func(_ string, n int64) bool { return n == 0 })
	n := int64(len(moves))
	polls := calls["WaitForUpdatesEx"] // as many as the task takes: at least one per move
	delete(calls, "WaitForUpdatesEx")
	want := map[string]int64{
		// the one full read
		"CreateContainerView": 1, "DestroyView": 1,
		"RetrieveProperties": 1,
		// per move: the host's parent and its resource pool, the vMotion, and govmomi's
		// task.Wait (a collector and a filter, made and destroyed, and the polls)
		"RetrievePropertiesEx": 2 * n, "RelocateVM_Task": n,
		"CreatePropertyCollector": n, "CreateFilter": n, "DestroyPropertyFilter": n, "DestroyPropertyCollector": n,
	}
	if !maps.Equal(calls, want) || polls < n || polls > 4*n {
		t.Errorf("SOAP calls of a read and %d moves: %v and %d WaitForUpdatesEx\nwant %v and %d to %d WaitForUpdatesEx", n, calls, polls, want, n, 4*n)
	}
	// A fresh read agrees with the overlay.
	c.Invalidate()
	fresh, err := c.Topology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range fresh.Estate.VMs() {
		if cached, _ := after.Estate.VM(v.Name); cached.Host != v.Host {
			t.Errorf("%s: cached on %s, vCenter has it on %s", v.Name, cached.Host, v.Host)
		}
	}
}
