package vsphere_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// rulesEstate is the small estate with every HA/DRS setting the read knows,
// none at its vSphere default.
func rulesEstate(t testing.TB) *inventory.Snapshot {
	t.Helper()
	small, err := lab.BuiltIn("small")
	if err != nil {
		t.Fatal(err)
	}
	e := small.Estate()
	i := slices.IndexFunc(e.Clusters, func(c inventory.Cluster) bool { return c.Name == "prod" })
	off, cpuMin, memMin := false, int64(100), int64(256)
	e.Clusters[i].HA.HostMonitoring = inventory.HostMonitoringDisabled
	e.Clusters[i].HA.DefaultRestartPriority = inventory.RestartHigh
	e.Clusters[i].HA.Options = inventory.HAOptions{RespectVMAntiAffinityRules: &off, VMCPUMinMHz: &cpuMin, VMMemoryMinMB: &memMin}
	e.Clusters[i].DRS = inventory.DRSConfig{Enabled: true, Behavior: "partiallyAutomated", AutomationLevel: inventory.DRSPartiallyAutomated}
	e.Clusters[i].VMGroups = []inventory.VMGroup{{Name: "dbs", VMs: []inventory.VMName{"db-01"}}}
	e.Clusters[i].HostGroups = []inventory.HostGroup{{Name: "big", Hosts: []inventory.HostName{"esx-03"}}}
	e.Clusters[i].Rules = []inventory.Rule{
		{Name: "db-on-big", Kind: inventory.RuleMustRunOn, VMGroup: "dbs", HostGroup: "big"},
		{Name: "db-avoid-big", Kind: inventory.RuleShouldNotRunOn, VMGroup: "dbs", HostGroup: "big", Enabled: &off},
		{Name: "web-apart", Kind: inventory.RuleVMAntiAffinity, VMs: []inventory.VMName{"web-01", "web-02"}},
		{Name: "web-together", Kind: inventory.RuleVMAffinity, VMs: []inventory.VMName{"web-01", "batch-01"}, Enabled: &off},
	}
	for j := range e.VMs {
		switch e.VMs[j].Name {
		case "db-01":
			e.VMs[j].RestartPriority, e.VMs[j].DRSAutomation = inventory.RestartHighest, inventory.DRSDisabledForVM
		case "web-01":
			e.VMs[j].RestartPriority, e.VMs[j].DRSAutomation = inventory.RestartDisabled, inventory.DRSManual
		}
	}
	return inventory.MustNew(e)
}

func startLabWith(t testing.TB, snap *inventory.Snapshot) *lab.Lab {
	t.Helper()
	l, err := lab.Start(context.Background(), snap, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// TestTopologyReadsHAAndDRSRules: every HA/DRS setting seeded through
// ReconfigureComputeResource_Task comes back from the bulk read as it went
// in, and the read still costs 3 SOAP calls.
func TestTopologyReadsHAAndDRSRules(t *testing.T) {
	want := rulesEstate(t)
	l := startLabWith(t, want)
	topo, err := connect(t, l).ReadTopology(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	wantProd, _ := want.Cluster("prod")
	if got, _ := topo.Estate.Cluster("prod"); !equalJSON(t, got, wantProd) {
		t.Errorf("prod = %+v\nwant   %+v", got, wantProd)
	}
	wantDev := inventory.Cluster{Name: "dev", HA: inventory.HAConfig{Enabled: true, HostMonitoring: "enabled", DefaultRestartPriority: "medium",
		AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicyPercentage, CPUPercent: 25, MemoryPercent: 30}},
		DRS: inventory.DRSConfig{Behavior: "fullyAutomated", AutomationLevel: inventory.DRSFullyAutomated}}
	if got, _ := topo.Estate.Cluster("dev"); !equalJSON(t, got, wantDev) {
		t.Errorf("dev (vCenter's defaults) = %+v\nwant  %+v", got, wantDev)
	}
	for _, c := range []struct {
		vm      inventory.VMName
		restart inventory.RestartPriority
		drs     inventory.DRSAutomation
	}{{"db-01", "highest", "disabled"}, {"web-01", "disabled", "manual"}, {"web-02", "", ""}} {
		v, _ := topo.Estate.VM(c.vm)
		if v.RestartPriority != c.restart || v.DRSAutomation != c.drs || v.Ref != l.VMRef(c.vm) {
			t.Errorf("%s: restart %q, drs %q, ref %q; want %q, %q, %q", c.vm, v.RestartPriority, v.DRSAutomation, v.Ref, c.restart, c.drs, l.VMRef(c.vm))
		}
	}
	if h, _ := topo.Estate.Host("esx-03"); h.Ref != l.HostRef("esx-03") || h.Ref == "" {
		t.Errorf("esx-03 ref = %q, want %q", h.Ref, l.HostRef("esx-03"))
	}
	if topo.RoundTrips != 3 || len(topo.Warnings) != 0 {
		t.Errorf("round trips %d, warnings %q; want 3 and none", topo.RoundTrips, topo.Warnings)
	}
}

// TestTopologyHAOptionsAsVCenterKeepsThem: keys in any case, values as
// strings; an unparsable value keeps vSphere's default and warns.
func TestTopologyHAOptionsAsVCenterKeepsThem(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	ctx := context.Background()
	cluster, err := find.NewFinder(c.VimClient()).ClusterComputeResource(ctx, "/"+lab.DefaultDatacenter+"/host/prod")
	if err != nil {
		t.Fatal(err)
	}
	spec := &types.ClusterConfigSpecEx{DasConfig: &types.ClusterDasConfigInfo{Option: []types.BaseOptionValue{
		&types.OptionValue{Key: "das.RespectVmVmAntiAffinityRules", Value: "FALSE"},
		&types.OptionValue{Key: "das.vmCpuMinMhz", Value: "lots"},
		&types.OptionValue{Key: "das.vmmemoryminmb", Value: "512"},
		&types.OptionValue{Key: "das.isolationaddress0", Value: "10.0.0.1"},
	}}}
	task, err := cluster.Reconfigure(ctx, spec, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	topo, err := c.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := topo.Estate.Cluster("prod")
	off, mem := false, int64(512)
	if want := (inventory.HAOptions{RespectVMAntiAffinityRules: &off, VMMemoryMinMB: &mem}); !equalJSON(t, prod.HA.Options, want) {
		t.Errorf("prod HA options = %+v, want %+v", prod.HA.Options, want)
	}
	wantWarnings := []string{`cluster "prod" (` + l.ClusterRef("prod") + `): HA option das.vmCpuMinMhz = "lots" is not a whole number of MHz ≥ 0; using vSphere's default 32`}
	if !slices.Equal(topo.Warnings, wantWarnings) {
		t.Errorf("warnings = %q\nwant       %q", topo.Warnings, wantWarnings)
	}
}

// A VM-Host rule may name an affine and an anti-affine host group at once
// (vSphere API, ClusterVmHostRuleInfo); both halves are kept, or hosts the
// anti-affine group forbids would look eligible.
func TestVMHostRuleWithBothGroupsKeepsBothHalves(t *testing.T) {
	r := &types.ClusterVmHostRuleInfo{ClusterRuleInfo: types.ClusterRuleInfo{Name: "r", Enabled: types.NewBool(true), Mandatory: types.NewBool(true)},
		VmGroupName: "vms", AffineHostGroupName: "fast", AntiAffineHostGroupName: "broken"}
	got, warnings := vsphere.RulesFrom([]types.BaseClusterRuleInfo{r}, nil, map[string]bool{"vms": true, "fast": true, "broken": true})
	want := []inventory.Rule{
		{Name: "r", Kind: inventory.RuleMustRunOn, VMGroup: "vms", HostGroup: "fast"},
		{Name: "r (anti-affine)", Kind: inventory.RuleMustNotRunOn, VMGroup: "vms", HostGroup: "broken"},
	}
	if len(warnings) != 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v %v\nwant %+v", got, warnings, want)
	}
}
