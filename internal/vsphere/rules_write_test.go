package vsphere_test

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// PutRule adds a VM-VM rule, replaces it by name, and RemoveRule removes it;
// the bulk read returns exactly what was written.
func TestPutAndRemoveRule(t *testing.T) {
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
	rule := inventory.Rule{Name: "estate-bs-web shop", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"web-01", "web-02"}}
	if err := c.PutRule(ctx, "prod", rule, []inventory.VM{vm("web-01"), vm("web-02")}); err != nil {
		t.Fatal(err)
	}
	if cl, _ := read().Cluster("prod"); !equalJSON(t, cl.Rules, []inventory.Rule{rule}) {
		t.Errorf("rules after PutRule = %+v, want %+v", cl.Rules, rule)
	}
	rule.VMs = []inventory.VMName{"db-01", "web-01", "web-02"}
	if err := c.PutRule(ctx, "prod", rule, []inventory.VM{vm("db-01"), vm("web-01"), vm("web-02")}); err != nil {
		t.Fatal(err)
	}
	if cl, _ := read().Cluster("prod"); !equalJSON(t, cl.Rules, []inventory.Rule{rule}) {
		t.Errorf("rules after the second PutRule = %+v, want %+v", cl.Rules, rule)
	}
	if err := c.RemoveRule(ctx, "prod", rule.Name); err != nil {
		t.Fatal(err)
	}
	if cl, _ := read().Cluster("prod"); len(cl.Rules) != 0 {
		t.Errorf("rules after RemoveRule = %+v, want none", cl.Rules)
	}
	if err := c.RemoveRule(ctx, "prod", rule.Name); err != nil {
		t.Errorf("removing a removed rule: %v", err)
	}
	err := c.PutRule(ctx, "prod", inventory.Rule{Name: "r", Kind: inventory.RuleMustRunOn}, nil)
	want := `rule "r": only VM-VM rules (vm_affinity, vm_anti_affinity) can be written, got must_run_on`
	if err == nil || err.Error() != want {
		t.Errorf("VM-Host rule: got %v, want %s", err, want)
	}
}
