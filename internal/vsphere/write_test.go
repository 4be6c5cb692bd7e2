package vsphere_test

import (
	"context"
	"testing"

	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestWrites(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	ctx := context.Background()
	read := func() *inventory.Snapshot {
		topo, err := c.ReadTopology(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return topo.Estate
	}
	live := read()
	vm := func(name inventory.VMName) inventory.VM { v, _ := live.VM(name); return v }
	host := func(name inventory.HostName) inventory.Host { h, _ := live.Host(name); return h }

	if err := c.MoveVM(ctx, vm("web-01"), host("esx-03")); err != nil {
		t.Fatal(err)
	}
	if v, _ := read().VM("web-01"); v.Host != "esx-03" {
		t.Errorf("after MoveVM web-01 is on %q, want esx-03", v.Host)
	}

	err := c.MoveVM(ctx, vm("test-01"), host("esx-05"))
	want := `moving VM "test-01" to host "esx-05": vCenter refused: InvalidState`
	if err == nil || err.Error() != want {
		t.Errorf("move to a host in maintenance: got %v, want %s", err, want)
	}
	err = c.MoveVM(ctx, inventory.VM{Name: "web-9"}, host("esx-01"))
	want = `VM "web-9" has no vCenter managed object id (ref): only objects read from vCenter can be changed there`
	if err == nil || err.Error() != want {
		t.Errorf("VM without a ref: got %v, want %s", err, want)
	}
	err = c.SetMaintenance(ctx, inventory.Host{Name: "blade-01", Kind: inventory.KindPhysical}, true)
	want = `host "blade-01" has no vCenter managed object id (ref): only objects read from vCenter can be changed there`
	if err == nil || err.Error() != want {
		t.Errorf("declared host: got %v, want %s", err, want)
	}

	err = c.SetMaintenance(ctx, host("esx-02"), true)
	want = `setting maintenance mode of host "esx-02" to true: vCenter refused: InvalidState`
	if err == nil || err.Error() != want {
		t.Errorf("maintenance with a powered-on VM: got %v, want %s", err, want)
	}
	if err := c.SetMaintenance(ctx, host("esx-05"), false); err != nil {
		t.Fatal(err)
	}
	if h, _ := read().Host("esx-05"); h.Maintenance {
		t.Error("esx-05 is still in maintenance")
	}

	// Host monitoring and the default restart priority are left unset: vCenter keeps its values.
	ha := inventory.HAConfig{Enabled: true, AdmissionControl: inventory.AdmissionControl{
		Policy: inventory.PolicyFailoverHosts, HostFailures: 1, FailoverHosts: []inventory.HostName{"esx-03"}}}
	if err := c.SetHA(ctx, "prod", ha); err != nil {
		t.Fatal(err)
	}
	ha.HostMonitoring, ha.DefaultRestartPriority = inventory.HostMonitoringEnabled, inventory.RestartMedium
	if cl, _ := read().Cluster("prod"); !equalJSON(t, cl.HA, ha) {
		t.Errorf("prod HA after SetHA = %+v, want %+v", cl.HA, ha)
	}

	l.FailNextTask("RelocateVM_Task", "db-01", &types.InsufficientResourcesFault{})
	err = c.MoveVM(ctx, vm("db-01"), host("esx-01"))
	want = `moving VM "db-01" to host "esx-01": vCenter refused: InsufficientResourcesFault`
	if err == nil || err.Error() != want {
		t.Errorf("failed task: got %v, want %s", err, want)
	}
}
