package vsphere_test

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// TestSetDRSOverride: a VM's DRS override is written in its host's cluster,
// reads back exactly through the bulk read, is changed in place, and removed;
// each call reports what was there before.
func TestSetDRSOverride(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	ctx := context.Background()
	read := func() *inventory.Snapshot {
		t.Helper()
		topo, err := c.ReadTopology(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return topo.Estate
	}
	live := read()
	web01, _ := live.VM("web-01")
	web02, _ := live.VM("web-02")
	esx01, _ := live.Host("esx-01")
	esx02, _ := live.Host("esx-02")

	steps := []struct {
		level, previous inventory.DRSAutomation
	}{
		{inventory.DRSManual, ""},
		{inventory.DRSManual, inventory.DRSManual}, // unchanged: not written again
		{inventory.DRSDisabledForVM, inventory.DRSManual},
		{inventory.DRSFullyAutomated, inventory.DRSDisabledForVM},
		{"", inventory.DRSFullyAutomated},
		{"", ""}, // already gone: not an error
	}
	for _, s := range steps {
		previous, err := c.SetDRSOverride(ctx, web01, esx01, s.level)
		if err != nil {
			t.Fatalf("SetDRSOverride(%q): %v", s.level, err)
		}
		if previous != s.previous {
			t.Errorf("SetDRSOverride(%q) reported previous %q, want %q", s.level, previous, s.previous)
		}
		after := read()
		if v, _ := after.VM("web-01"); v.DRSAutomation != s.level {
			t.Errorf("after SetDRSOverride(%q) web-01 reads DRS automation %q", s.level, v.DRSAutomation)
		}
		if v, _ := after.VM("web-02"); v.DRSAutomation != "" {
			t.Errorf("after SetDRSOverride(%q) of web-01, web-02 has override %q", s.level, v.DRSAutomation)
		}
	}
	// Two VMs of one cluster: each has its own entry.
	if _, err := c.SetDRSOverride(ctx, web01, esx01, inventory.DRSManual); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetDRSOverride(ctx, web02, esx02, inventory.DRSDisabledForVM); err != nil {
		t.Fatal(err)
	}
	after := read()
	for name, want := range map[inventory.VMName]inventory.DRSAutomation{"web-01": inventory.DRSManual, "web-02": inventory.DRSDisabledForVM, "db-01": ""} {
		if v, _ := after.VM(name); v.DRSAutomation != want {
			t.Errorf("%s reads DRS automation %q, want %q", name, v.DRSAutomation, want)
		}
	}

	for _, tc := range []struct {
		vm    inventory.VM
		host  inventory.Host
		level inventory.DRSAutomation
		want  string
	}{
		{inventory.VM{Name: "web-9"}, esx01, inventory.DRSManual,
			`VM "web-9" has no vCenter managed object id (ref): only objects read from vCenter can be changed there`},
		{web01, inventory.Host{Name: "db-phys-01", Kind: inventory.KindPhysical}, inventory.DRSManual,
			`host "db-phys-01" has no vCenter managed object id (ref): only objects read from vCenter can be changed there`},
		{web01, esx01, "sometimes",
			`DRS override of VM "web-01": unknown automation level "sometimes": valid are [manual partially_automated fully_automated disabled]`},
	} {
		_, err := c.SetDRSOverride(ctx, tc.vm, tc.host, tc.level)
		if err == nil || err.Error() != tc.want {
			t.Errorf("SetDRSOverride(%s, %s, %q): got %v, want %s", tc.vm.Name, tc.host.Name, tc.level, err, tc.want)
		}
	}
}
