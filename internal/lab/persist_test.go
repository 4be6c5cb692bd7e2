package lab_test

import (
	"context"
	"testing"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func (f *fixture) reconfigure(t *testing.T, spec *types.ClusterConfigSpecEx) *types.ClusterConfigInfoEx {
	t.Helper()
	ctx := context.Background()
	cluster, err := f.finder.ClusterComputeResource(ctx, "prod")
	if err != nil {
		t.Fatal(err)
	}
	task, err := cluster.Reconfigure(ctx, spec, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	var c mo.ClusterComputeResource
	if err := property.DefaultCollector(f.client.Client).RetrieveOne(ctx, cluster.Reference(), []string{"configurationEx"}, &c); err != nil {
		t.Fatal(err)
	}
	return c.ConfigurationEx.(*types.ClusterConfigInfoEx)
}

// TestReconfigurePersistsHASettingsAndRules: options merge by key (any case)
// and an empty value removes one; default VM settings persist; rules are
// added, edited and removed by key; VM overrides added with only the
// deprecated restart priority can be edited.
func TestReconfigurePersistsHASettingsAndRules(t *testing.T) {
	f := start(t)
	db := f.vm(t, "db-01").Reference()
	add := types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}
	cfg := f.reconfigure(t, &types.ClusterConfigSpecEx{
		DasConfig: &types.ClusterDasConfigInfo{
			HostMonitoring:    "disabled",
			DefaultVmSettings: &types.ClusterDasVmSettings{RestartPriority: "low"},
			Option: []types.BaseOptionValue{&types.OptionValue{Key: "das.vmcpuminmhz", Value: "64"},
				&types.OptionValue{Key: "das.vmmemoryminmb", Value: "128"}},
		},
		GroupSpec: []types.ClusterGroupSpec{
			{ArrayUpdateSpec: add, Info: &types.ClusterVmGroup{ClusterGroupInfo: types.ClusterGroupInfo{Name: "dbs"}, Vm: []types.ManagedObjectReference{db}}},
			{ArrayUpdateSpec: add, Info: &types.ClusterHostGroup{ClusterGroupInfo: types.ClusterGroupInfo{Name: "big"}, Host: []types.ManagedObjectReference{f.host(t, "esx-03").Reference()}}},
		},
		RulesSpec: []types.ClusterRuleSpec{{ArrayUpdateSpec: add, Info: &types.ClusterVmHostRuleInfo{
			ClusterRuleInfo: types.ClusterRuleInfo{Name: "db-on-big", Enabled: types.NewBool(true), Mandatory: types.NewBool(true)},
			VmGroupName:     "dbs", AffineHostGroupName: "big"}}},
		DasVmConfigSpec: []types.ClusterDasVmConfigSpec{{ArrayUpdateSpec: add, Info: &types.ClusterDasVmConfigInfo{Key: db, RestartPriority: "high"}}},
	})
	if cfg.DasConfig.HostMonitoring != "disabled" || cfg.DasConfig.DefaultVmSettings.RestartPriority != "low" || len(cfg.DasConfig.Option) != 2 {
		t.Fatalf("after the first reconfigure: host monitoring %q, default restart %q, %d options; want disabled, low, 2",
			cfg.DasConfig.HostMonitoring, cfg.DasConfig.DefaultVmSettings.RestartPriority, len(cfg.DasConfig.Option))
	}
	key := cfg.Rule[0].GetClusterRuleInfo().Key
	cfg = f.reconfigure(t, &types.ClusterConfigSpecEx{
		DasConfig: &types.ClusterDasConfigInfo{Option: []types.BaseOptionValue{
			&types.OptionValue{Key: "das.VmCpuMinMhz", Value: "100"}, &types.OptionValue{Key: "das.vmmemoryminmb", Value: ""}}},
		RulesSpec: []types.ClusterRuleSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationEdit}, Info: &types.ClusterVmHostRuleInfo{
			ClusterRuleInfo: types.ClusterRuleInfo{Key: key, Name: "db-on-big", Enabled: types.NewBool(false), Mandatory: types.NewBool(true)},
			VmGroupName:     "dbs", AffineHostGroupName: "big"}}},
		DasVmConfigSpec: []types.ClusterDasVmConfigSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationEdit},
			Info: &types.ClusterDasVmConfigInfo{Key: db, DasSettings: &types.ClusterDasVmSettings{RestartPriority: "highest"}}}},
	})
	if o := cfg.DasConfig.Option; len(o) != 1 || o[0].GetOptionValue().Key != "das.VmCpuMinMhz" || o[0].GetOptionValue().Value != "100" {
		t.Errorf("options after merge = %#v, want only das.VmCpuMinMhz = 100", o)
	}
	if cfg.DasConfig.HostMonitoring != "disabled" || cfg.DasConfig.DefaultVmSettings.RestartPriority != "low" {
		t.Errorf("unset fields changed: host monitoring %q, default restart %q", cfg.DasConfig.HostMonitoring, cfg.DasConfig.DefaultVmSettings.RestartPriority)
	}
	if r := cfg.Rule[0].GetClusterRuleInfo(); len(cfg.Rule) != 1 || *r.Enabled || r.Key != key {
		t.Errorf("rule after edit = %#v, want db-on-big disabled with key %d", cfg.Rule[0], key)
	}
	if s := cfg.DasVmConfig[0].DasSettings; s == nil || s.RestartPriority != "highest" {
		t.Errorf("db-01 HA override after edit = %#v, want highest", s)
	}
	cfg = f.reconfigure(t, &types.ClusterConfigSpecEx{
		RulesSpec: []types.ClusterRuleSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationRemove, RemoveKey: key}}},
		GroupSpec: []types.ClusterGroupSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationRemove, RemoveKey: "dbs"}}},
	})
	if len(cfg.Rule) != 0 || len(cfg.Group) != 1 || cfg.Group[0].GetClusterGroupInfo().Name != "big" {
		t.Errorf("after removal: %d rules, groups %#v; want 0 rules and group big", len(cfg.Rule), cfg.Group)
	}
}
