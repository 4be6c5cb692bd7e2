package vsphere_test

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// TestReviewVMDeletedAfterTheIndexBreaksTheFullRead: a VM deleted after the
// index read (out of band, or by the vsphere provider in the same apply)
// must not make the command's reads fail: the plain full read (a
// ContainerView) does not. The scoped read and the read of the rest list
// objects by reference from the index, and RetrieveProperties without
// ReportMissingObjectsInResults fails the whole call with
// ManagedObjectNotFound. The failure repeats on every later read of the
// command: the stale index is kept.
func TestReviewVMDeletedAfterTheIndexBreaksTheFullRead(t *testing.T) {
	l := startLab(t, "small")
	client := connect(t, l)
	ctx := context.Background()
	c := vsphere.NewCache(client)
	ix, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Scoped(ctx, ix, []inventory.ClusterName{"prod"}); err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteVM(ctx, "test-01"); err != nil { // in dev, not read yet
		t.Fatal(err)
	}
	want, err := client.ReadTopology(ctx, "")
	if err != nil {
		t.Fatalf("the plain full read fails: %v", err)
	}
	for i := range 2 {
		got, err := c.Topology(ctx, "")
		if err != nil {
			t.Errorf("full read %d after scoped reads: %v (the plain full read succeeds)", i+1, err)
			continue
		}
		if !equalJSON(t, got.Estate.Estate(), want.Estate.Estate()) {
			t.Errorf("full read %d differs from the plain full read", i+1)
		}
	}
}

// TestReviewVMDeletedAfterTheIndexBreaksScopedReads: the same, for the
// scoped read of the deleted VM's cluster: it fails, and so does the
// fallback scopedTopology takes (the full read, which reads the rest by the
// same stale index).
func TestReviewVMDeletedAfterTheIndexBreaksScopedReads(t *testing.T) {
	l := startLab(t, "small")
	client := connect(t, l)
	ctx := context.Background()
	c := vsphere.NewCache(client)
	ix, err := c.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteVM(ctx, "batch-01"); err != nil { // in prod
		t.Fatal(err)
	}
	if _, err := c.Scoped(ctx, ix, []inventory.ClusterName{"prod"}); err != nil {
		t.Errorf("scoped read of prod after a VM of prod was deleted: %v", err)
	}
	if _, err := c.Topology(ctx, ""); err != nil {
		t.Errorf("full read after a VM was deleted: %v", err)
	}
}
