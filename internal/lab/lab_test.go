package lab_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// fixture starts the small estate and logs in over HTTPS with the lab's CA.
type fixture struct {
	lab    *lab.Lab
	client *govmomi.Client
	finder *find.Finder
}

func start(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	snap, err := lab.BuiltIn("small")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lab.Start(ctx, snap, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	u := *l.URL
	u.User = url.UserPassword(l.User, l.Password)
	sc := soap.NewClient(&u, false)
	if err := sc.SetRootCAs(l.CAFile); err != nil {
		t.Fatal(err)
	}
	vc, err := vim25.NewClient(ctx, sc) // TLS verified against the lab CA
	if err != nil {
		t.Fatal(err)
	}
	c := &govmomi.Client{Client: vc, SessionManager: session.NewManager(vc)}
	if err := c.Login(ctx, u.User); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Logout(context.Background()) })
	f := find.NewFinder(c.Client)
	dc, err := f.Datacenter(ctx, lab.DefaultDatacenter)
	if err != nil {
		t.Fatal(err)
	}
	f.SetDatacenter(dc)
	return &fixture{lab: l, client: c, finder: f}
}

func (f *fixture) vm(t *testing.T, name string) *object.VirtualMachine {
	vm, err := f.finder.VirtualMachine(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return vm
}

func (f *fixture) host(t *testing.T, name string) *object.HostSystem {
	h, err := f.finder.HostSystem(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) hostVMs(t *testing.T, name string) []string {
	var h mo.HostSystem
	if err := property.DefaultCollector(f.client.Client).RetrieveOne(context.Background(), f.host(t, name).Reference(), []string{"vm"}, &h); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ref := range h.Vm {
		var vm mo.VirtualMachine
		_ = property.DefaultCollector(f.client.Client).RetrieveOne(context.Background(), ref, []string{"name"}, &vm)
		names = append(names, vm.Name)
	}
	return names
}

func TestMigrateVMKeepsHostVMListsConsistent(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	task, err := f.vm(t, "web-01").Migrate(ctx, nil, f.host(t, "esx-02"), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	var vm mo.VirtualMachine
	if err := property.DefaultCollector(f.client.Client).RetrieveOne(ctx, f.vm(t, "web-01").Reference(), []string{"runtime.host"}, &vm); err != nil {
		t.Fatal(err)
	}
	if *vm.Runtime.Host != f.host(t, "esx-02").Reference() {
		t.Errorf("web-01 runtime.host = %v, want esx-02", vm.Runtime.Host)
	}
	if got := strings.Join(f.hostVMs(t, "esx-01"), ","); got != "batch-01" {
		t.Errorf("esx-01.vm = %s, want batch-01", got)
	}
	if got := strings.Join(f.hostVMs(t, "esx-02"), ","); got != "web-02,web-01" {
		t.Errorf("esx-02.vm = %s, want web-02,web-01", got)
	}
}

func TestMigrateRefusesHostInMaintenanceOrFailed(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	task, err := f.vm(t, "test-01").Migrate(ctx, nil, f.host(t, "esx-05"), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err == nil || !strings.Contains(err.Error(), "InvalidState") {
		t.Errorf("move to a host in maintenance: got %v, want InvalidState", err)
	}
	if err := f.lab.FailHost("esx-03"); err != nil {
		t.Fatal(err)
	}
	task, err = f.vm(t, "web-01").Relocate(ctx, types.VirtualMachineRelocateSpec{Host: types.NewReference(f.host(t, "esx-03").Reference())}, types.VirtualMachineMovePriorityDefaultPriority)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err == nil || !strings.Contains(err.Error(), "HostNotConnected") {
		t.Errorf("move to a failed host: got %v, want HostNotConnected", err)
	}
}

func TestMaintenanceRefusedWhilePoweredOnVMsRemain(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	task, err := f.host(t, "esx-02").EnterMaintenanceMode(ctx, 0, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err == nil || !strings.Contains(err.Error(), "InvalidState") {
		t.Fatalf("maintenance with web-02 powered on: got %v, want InvalidState", err)
	}
	off, err := f.vm(t, "web-02").PowerOff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := off.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	task, _ = f.host(t, "esx-02").EnterMaintenanceMode(ctx, 0, false, nil)
	if err := task.Wait(ctx); err != nil {
		t.Errorf("maintenance of an empty host: %v", err)
	}
}

func TestReconfigurePersistsAdmissionControl(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	cluster, err := f.finder.ClusterComputeResource(ctx, "prod")
	if err != nil {
		t.Fatal(err)
	}
	spec := &types.ClusterConfigSpecEx{DasConfig: &types.ClusterDasConfigInfo{
		AdmissionControlPolicy: &types.ClusterFailoverResourcesAdmissionControlPolicy{CpuFailoverResourcesPercent: 33, MemoryFailoverResourcesPercent: 40},
	}}
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
	p, ok := c.ConfigurationEx.(*types.ClusterConfigInfoEx).DasConfig.AdmissionControlPolicy.(*types.ClusterFailoverResourcesAdmissionControlPolicy)
	if !ok || p.CpuFailoverResourcesPercent != 33 || p.MemoryFailoverResourcesPercent != 40 {
		t.Errorf("admission control after reconfigure = %#v", c.ConfigurationEx.(*types.ClusterConfigInfoEx).DasConfig.AdmissionControlPolicy)
	}
}

func TestFailNextTask(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	f.lab.FailNextTask("MigrateVM_Task", "web-01", &types.InsufficientResourcesFault{})
	task, err := f.vm(t, "web-01").Migrate(ctx, nil, f.host(t, "esx-02"), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx); err == nil || !strings.Contains(err.Error(), "InsufficientResourcesFault") {
		t.Errorf("injected fault: got %v", err)
	}
	task, _ = f.vm(t, "web-01").Migrate(ctx, nil, f.host(t, "esx-02"), types.VirtualMachineMovePriorityDefaultPriority, "")
	if err := task.Wait(ctx); err != nil {
		t.Errorf("the fault is for the next task only; second try: %v", err)
	}
}

func TestBuiltInEstates(t *testing.T) {
	demo, err := lab.BuiltIn("demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(demo.Clusters()) != 3 || len(demo.VMs()) != 290 || len(demo.StandbyGroups()) != 1 {
		t.Errorf("demo: %d clusters, %d VMs, %d standby groups; want 3, 290, 1", len(demo.Clusters()), len(demo.VMs()), len(demo.StandbyGroups()))
	}
	esxi := 0
	for _, h := range demo.Hosts() {
		if h.Kind == "esxi" {
			esxi++
		}
	}
	if esxi != 15 {
		t.Errorf("demo ESXi hosts = %d, want 15", esxi)
	}
	if _, err := lab.BuiltIn("huge"); err == nil || err.Error() != `unknown built-in estate "huge": built-in estates are demo, small` {
		t.Errorf("unknown estate: %v", err)
	}
}

// TestDemoRequiredRuleHolds: the demo's required rule is satisfied by the
// demo's placement, as vCenter would insist for a must rule.
func TestDemoRequiredRuleHolds(t *testing.T) {
	demo, err := lab.BuiltIn("demo")
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := demo.Cluster("prod-a")
	if len(prod.Rules) != 1 || prod.Rules[0].Name != "db-not-on-blades" || prod.Rules[0].Kind != "must_not_run_on" || !prod.Rules[0].Active() {
		t.Fatalf("prod-a rules = %+v, want the one enabled must_not_run_on rule db-not-on-blades", prod.Rules)
	}
	want := map[string]string{"dwh-01": "esx-a01", "dwh-02": "esx-a02", "dwh-03": "esx-a03", "dwh-04": "esx-a04"}
	for _, name := range prod.VMGroups[0].VMs {
		v, _ := demo.VM(name)
		if string(v.Host) != want[string(name)] {
			t.Errorf("%s runs on %s, want %s (a rack host, not a blade)", name, v.Host, want[string(name)])
		}
	}
	if got := prod.HostGroups[0].Hosts; len(got) != 2 || got[0] != "esx-a05" || got[1] != "esx-a06" {
		t.Errorf("blade-hosts = %v, want [esx-a05 esx-a06]", got)
	}
}
