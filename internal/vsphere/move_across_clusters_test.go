package vsphere_test

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// TestMoveAcrossClustersLeavesTheClusterAsTheModelSays: a VM that vMotion
// takes to another cluster loses its old cluster's DRS group and rule
// memberships and overrides, as vCenter does (the lab makes the simulator do
// it); what the read says afterwards is what inventory.MoveVM predicts.
func TestMoveAcrossClustersLeavesTheClusterAsTheModelSays(t *testing.T) {
	l := startLab(t, "demo")
	client := connect(t, l)
	ctx := context.Background()
	before, err := client.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	const vm = inventory.VMName("dwh-01")
	v, _ := before.Estate.VM(vm)
	from, _ := before.Estate.Host(v.Host)
	cl, _ := before.Estate.Cluster(from.Cluster)
	member := false
	for _, g := range cl.VMGroups {
		for _, m := range g.VMs {
			member = member || m == vm
		}
	}
	if !member {
		t.Fatalf("%s is in no VM group of %s: the test needs one", vm, cl.Name)
	}
	var to inventory.Host
	for _, h := range before.Estate.Hosts() {
		if h.Cluster != from.Cluster && h.Cluster != "" {
			to = h
			break
		}
	}
	want, err := before.Estate.With(inventory.MoveVM{VM: vm, To: to.Name})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.MoveVM(ctx, v, to); err != nil {
		t.Fatal(err)
	}
	after, err := client.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !equalJSON(t, after.Estate.Estate(), want.Estate()) {
		t.Errorf("after moving %s from %s to %s (cluster %s), the read differs from inventory.MoveVM's estate", vm, from.Name, to.Name, to.Cluster)
	}
}
