package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

// TestPlacementCheckAfterAVMWasDeleted: a VM deleted out of band while
// a plan runs (after the first placement read the index) does not turn the
// other placements' checks into "Cannot read the estate from vCenter": they
// say what the full read says, and so does every later read of the command.
// (Scoped reads once listed objects by reference from the index, and one
// deleted object failed the whole RetrieveProperties.)
func TestPlacementCheckAfterAVMWasDeleted(t *testing.T) {
	l := labtest.Start(t, "small")
	ctx := context.Background()
	data, _ := scopeTestData(t, l)
	if _, d := data.scopedTopology(ctx, "test-01", "esx-05"); d.HasError() { // reads the index and dev
		t.Fatal(d)
	}
	if err := l.DeleteVM(ctx, "batch-01"); err != nil { // in prod
		t.Fatal(err)
	}
	fresh, _ := scopeTestData(t, l)
	fullTopo, fd := fresh.topology(ctx)
	if fd.HasError() {
		t.Fatal(fd)
	}
	want := checkWith(fullTopo, fd, fresh.policy, "web-01", "esx-02")
	topo, sd := data.scopedTopology(ctx, "web-01", "esx-02") // needs prod
	var got []string
	if sd.HasError() {
		got = fullDiags(sd)
	} else {
		got = checkWith(topo, sd, data.policy, "web-01", "esx-02")
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("placement of web-01 on esx-02 after batch-01 was deleted:\nscoped %q\nfull   %q", got, want)
	}
	// and every other read of the command works.
	if _, d := data.topology(ctx); d.HasError() {
		t.Errorf("the full read of the command: %q", fullDiags(d))
	}
}

// TestPlacementCheckAfterAVMMovedIntoTheCluster: a VM that moved into the
// target's cluster after the index read (a manual vMotion, another tool) is
// on the target host in the scoped read, as in the full read at the same
// moment, so the check's numbers and verdict are the full read's. (Scoped
// reads once took a cluster's VMs from the index, which left it out.)
func TestPlacementCheckAfterAVMMovedIntoTheCluster(t *testing.T) {
	l := labtest.Start(t, "small")
	ctx := context.Background()
	if err := l.SetVMMemoryReservation("test-01", 8192); err != nil {
		t.Fatal(err)
	}
	data, _ := scopeTestData(t, l)
	data.policy.WarnAbovePercent = 1                     // the load warning shows the target's numbers
	if _, err := data.cache.Index(ctx, ""); err != nil { // the first placement's read
		t.Fatal(err)
	}
	if err := l.DRSMove(ctx, "test-01", "esx-01"); err != nil { // dev -> prod
		t.Fatal(err)
	}
	fresh, _ := scopeTestData(t, l)
	fresh.policy.WarnAbovePercent = 1
	fullTopo, fd := fresh.topology(ctx)
	if fd.HasError() {
		t.Fatal(fd)
	}
	want := checkWith(fullTopo, fd, fresh.policy, "web-02", "esx-01")
	topo, sd := data.scopedTopology(ctx, "web-02", "esx-01")
	if sd.HasError() {
		t.Fatal(sd)
	}
	got := checkWith(topo, sd, data.policy, "web-02", "esx-01")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("placement of web-02 on esx-01 after test-01 moved there:\nscoped %q\nfull   %q", got, want)
	}
	if _, ok := topo.Estate.VM("test-01"); !ok {
		t.Errorf("the read used for the check has no test-01 at all (running on esx-01 since before the read)")
	}
}
