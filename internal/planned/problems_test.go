package planned_test

import (
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/planned"
)

// A declared server may neither take an ESXi host's name nor join a vCenter
// cluster as its failover domain: either would silently change the estate
// vCenter reports (estate_host refuses both; the guard's and impact's inputs too).
func TestDeclaredServersThatContradictVCenter(t *testing.T) {
	live := inventory.MustNew(inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "prod", HA: inventory.HAConfig{Enabled: true}}},
		Hosts:    []inventory.Host{{Name: "h1", Cluster: "prod", CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 8192}},
	})
	r := planned.Inputs{Hosts: []planned.Host{
		{Name: "h1", Kind: "physical", CPUCores: 1, CPUMHzPerCore: 1, MemoryMB: 1},
		{Name: "big", Kind: "physical", CPUCores: 64, CPUMHzPerCore: 3000, MemoryMB: 1 << 20, FailoverDomain: "prod"},
		{Name: "db1", Kind: "physical", CPUCores: 8, CPUMHzPerCore: 3000, MemoryMB: 65536, FailoverDomain: "db"},
	}}.Overlay(live)
	want := []string{
		`declared server "h1": vCenter has an ESXi host of that name; a declared server needs a name of its own`,
		`declared server "big": failover_domain "prod" is a vCenter cluster; a failover domain groups declared servers only`,
	}
	if !slices.Equal(r.Problems, want) || len(r.Changes) != 2 { // db1's domain and db1
		t.Errorf("problems %q, %d changes", r.Problems, len(r.Changes))
	}
}

// A business system's host that neither vCenter nor the inputs have is left
// out and named, as a member VM vCenter does not have is: the planned estate
// stays valid (it used to fail the guard with the estate's validation error).
func TestBusinessSystemHostsNotInTheEstate(t *testing.T) {
	live := inventory.MustNew(inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "prod", HA: inventory.HAConfig{Enabled: true}}},
		Hosts:    []inventory.Host{{Name: "h1", Cluster: "prod", CPUCores: 8, CPUMHzPerCore: 1000, MemoryMB: 8192}},
		VMs:      []inventory.VM{{Name: "vm1", Host: "h1", Power: inventory.PoweredOn, VCPU: 1, MemoryMB: 1024}},
	})
	r := planned.Inputs{
		Hosts: []planned.Host{{Name: "db1", Kind: "physical", CPUCores: 8, CPUMHzPerCore: 3000, MemoryMB: 65536, FailoverDomain: "db"}},
		Systems: []planned.System{{Name: "erp", Criticality: "high", VMs: []string{"vm1", "vm-gone"},
			Hosts: []string{"h1", "db1", "db2", "esx-99"}, MinHosts: 1}},
	}.Overlay(live)
	if want := []string{`"db2"`, `"esx-99"`}; !slices.Equal(r.MissingHosts, want) {
		t.Errorf("missing hosts %q, want %q", r.MissingHosts, want)
	}
	if want := []string{`"vm-gone"`}; !slices.Equal(r.MissingMembers, want) {
		t.Errorf("missing members %q, want %q", r.MissingMembers, want)
	}
	after, err := live.With(r.Changes...)
	if err != nil {
		t.Fatalf("the planned estate is invalid: %v", err)
	}
	erp, _ := after.BusinessSystem("erp")
	if !slices.Equal(erp.Hosts, []inventory.HostName{"h1", "db1"}) || !slices.Equal(erp.VMs, []inventory.VMName{"vm1"}) {
		t.Errorf("erp = %+v, want hosts h1, db1 and VM vm1", erp)
	}
}
