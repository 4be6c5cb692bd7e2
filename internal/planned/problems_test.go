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
