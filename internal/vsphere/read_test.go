package vsphere_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

func startLab(t testing.TB, estate string) *lab.Lab { return labtest.Start(t, estate) }

func connect(t testing.TB, l *lab.Lab) *vsphere.Client {
	t.Helper()
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func TestTopologyReadsTheSeededEstate(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	topo, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	s := topo.Estate
	if got := s.HostNames(); !slices.Equal(got, []inventory.HostName{"esx-01", "esx-02", "esx-03", "esx-04", "esx-05"}) {
		t.Errorf("hosts = %v (the physical db-phys-01 is not a vCenter host)", got)
	}
	h, _ := s.Host("esx-03")
	want := inventory.Host{Name: "esx-03", Ref: l.HostRef("esx-03"), Cluster: "prod", Kind: inventory.KindESXi, CPUCores: 24, CPUMHzPerCore: 2600,
		MemoryMB: 524288, Connection: inventory.Connected, Datastores: []inventory.DatastoreName{"san-prod"}, Tags: []string{"env/prod"}}
	if !equalJSON(t, h, want) {
		t.Errorf("esx-03 = %+v\nwant     %+v", h, want)
	}
	if h, _ := s.Host("esx-01"); h.CPUUsageMHz != 5200 || h.MemoryUsageMB != 40960 {
		t.Errorf("esx-01 usage = %d MHz, %d MiB; want 5200, 40960", h.CPUUsageMHz, h.MemoryUsageMB)
	}
	if h, _ := s.Host("esx-05"); !h.Maintenance {
		t.Errorf("esx-05 not in maintenance")
	}
	v, _ := s.VM("web-01")
	wantVM := inventory.VM{Name: "web-01", Ref: l.VMRef("web-01"), Host: "esx-01", Power: inventory.PoweredOn, VCPU: 2, MemoryMB: 4096,
		CPUReservationMHz: 500, MemoryReservationMB: 1024, MemoryOverheadMB: 64, CPUUsageMHz: 800, MemoryUsageMB: 2048,
		Datastores: []inventory.DatastoreName{"san-prod"}, Tags: []string{"tier/web"}}
	if !equalJSON(t, v, wantVM) {
		t.Errorf("web-01 = %+v\nwant     %+v", v, wantVM)
	}
	if v, _ := s.VM("batch-01"); v.Power != inventory.PoweredOff || v.Host != "esx-01" {
		t.Errorf("batch-01 = %+v", v)
	}
	var onESX01 []inventory.VMName
	for _, v := range s.VMsOn("esx-01") {
		onESX01 = append(onESX01, v.Name)
	}
	if !slices.Equal(onESX01, []inventory.VMName{"batch-01", "web-01"}) {
		t.Errorf("VMs on esx-01 = %v", onESX01)
	}
	d, _ := s.Datastore("san-prod")
	if d.CapacityMB != 2097152 || d.FreeMB != 1048576 {
		t.Errorf("san-prod = %+v", d)
	}
	prod, _ := s.Cluster("prod")
	wantProd := inventory.Cluster{Name: "prod", HA: inventory.HAConfig{Enabled: true, HostMonitoring: "enabled", DefaultRestartPriority: "medium",
		AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}},
		DRS: inventory.DRSConfig{Enabled: true, Behavior: "fullyAutomated", AutomationLevel: inventory.DRSFullyAutomated}}
	if !equalJSON(t, prod, wantProd) {
		t.Errorf("prod = %+v\nwant  %+v", prod, wantProd)
	}
	dev, _ := s.Cluster("dev")
	if ac := dev.HA.AdmissionControl; ac.Policy != inventory.PolicyPercentage || ac.CPUPercent != 25 || ac.MemoryPercent != 30 {
		t.Errorf("dev admission control = %+v", ac)
	}
}

func TestTopologyIsCachedUntilInvalidated(t *testing.T) {
	l := startLab(t, "small")
	c := vsphere.NewCache(connect(t, l))
	ctx := context.Background()
	first, err := c.Topology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.DRSMove(ctx, "web-01", "esx-02"); err != nil {
		t.Fatal(err)
	}
	cached, _ := c.Topology(ctx, "")
	if cached != first {
		t.Error("second read within a plan went to vCenter again")
	}
	c.Invalidate()
	fresh, err := c.Topology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := fresh.Estate.VM("web-01"); v.Host != "esx-02" {
		t.Errorf("after the DRS move web-01 is on %q, want esx-02", v.Host)
	}
	if got := len(fresh.Estate.VMsOn("esx-01")); got != 1 {
		t.Errorf("VMs on esx-01 after the move = %d, want 1", got)
	}
}

func TestTopologyDatacenterFilter(t *testing.T) {
	l := startLab(t, "small")
	c := connect(t, l)
	topo, err := c.ReadTopology(context.Background(), lab.DefaultDatacenter)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(topo.Estate.VMs()); got != 5 {
		t.Errorf("VMs in %s = %d, want 5", lab.DefaultDatacenter, got)
	}
	_, err = c.ReadTopology(context.Background(), "dc9")
	if err == nil || !strings.Contains(err.Error(), `datacenter "dc9"`) {
		t.Errorf("unknown datacenter: got %v", err)
	}
}

// TestRoundTripsDoNotGrowWithVMs is the one-snapshot-per-plan contract:
// the SOAP calls of a read are the same for 5 VMs and for 290.
func TestRoundTripsDoNotGrowWithVMs(t *testing.T) {
	count := func(estate string) (int64, int) {
		l := startLab(t, estate)
		c := connect(t, l)
		topo, err := c.ReadTopology(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		return topo.RoundTrips, len(topo.Estate.VMs())
	}
	small, smallVMs := count("small")
	demo, demoVMs := count("demo")
	if smallVMs != 5 || demoVMs != 290 {
		t.Fatalf("VMs read: %d and %d, want 5 and 290", smallVMs, demoVMs)
	}
	if small != 3 || demo != 3 {
		t.Errorf("SOAP round trips per read: %d for 5 VMs, %d for 290 VMs; want 3 for both (CreateContainerView, RetrieveProperties, DestroyView)", small, demo)
	}
}
