package inventory_test

import (
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func fixture() inventory.Estate {
	return inventory.Estate{
		Clusters: []inventory.Cluster{{Name: "prod", HA: inventory.HAConfig{Enabled: true,
			AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}}}},
		Hosts: []inventory.Host{
			{Name: "esx-02", Cluster: "prod", CPUCores: 16, CPUMHzPerCore: 2400, MemoryMB: 262144, Datastores: []inventory.DatastoreName{"san-01"}},
			{Name: "esx-01", Cluster: "prod", CPUCores: 16, CPUMHzPerCore: 2400, MemoryMB: 262144, Datastores: []inventory.DatastoreName{"san-01"}},
			{Name: "db-phys-01", Kind: inventory.KindPhysical, CPUCores: 32, CPUMHzPerCore: 3000, MemoryMB: 524288},
		},
		VMs: []inventory.VM{
			{Name: "web-02", Host: "esx-02", VCPU: 2, MemoryMB: 4096, Datastores: []inventory.DatastoreName{"san-01"}},
			{Name: "web-01", Host: "esx-01", VCPU: 2, MemoryMB: 4096, Datastores: []inventory.DatastoreName{"san-01"}},
			{Name: "batch-01", Host: "esx-01", Power: inventory.PoweredOff, VCPU: 8, MemoryMB: 32768},
		},
		Datastores:      []inventory.Datastore{{Name: "san-01", CapacityMB: 1048576, FreeMB: 524288}},
		BusinessSystems: []inventory.BusinessSystem{{Name: "web shop", VMs: []inventory.VMName{"web-01", "web-02"}, Hosts: []inventory.HostName{"db-phys-01"}, MinHosts: 2}},
	}
}

func TestNewIndexesAndDefaults(t *testing.T) {
	s, err := inventory.New(fixture())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.HostNames(); !slices.Equal(got, []inventory.HostName{"db-phys-01", "esx-01", "esx-02"}) {
		t.Errorf("hosts sorted: got %v", got)
	}
	var onESX01 []inventory.VMName
	for _, v := range s.VMsOn("esx-01") {
		onESX01 = append(onESX01, v.Name)
	}
	if !slices.Equal(onESX01, []inventory.VMName{"batch-01", "web-01"}) {
		t.Errorf("VMsOn(esx-01) = %v", onESX01)
	}
	h, ok := s.Host("esx-01")
	if !ok || h.Kind != inventory.KindESXi || h.Connection != inventory.Connected || h.CPUCapacityMHz() != 38400 {
		t.Errorf("esx-01 = %+v (capacity %d)", h, h.CPUCapacityMHz())
	}
	if v, _ := s.VM("web-01"); v.Power != inventory.PoweredOn {
		t.Errorf("web-01 power defaulted to %q, want on", v.Power)
	}
	if got := len(s.VMsOnDatastore("san-01")); got != 2 {
		t.Errorf("VMs on san-01 = %d, want 2", got)
	}
	if got := s.HostsOnDatastore("san-01"); !slices.Equal(got, []inventory.HostName{"esx-01", "esx-02"}) {
		t.Errorf("hosts on san-01 = %v", got)
	}
	if got := s.SystemsOfVM("web-02"); !slices.Equal(got, []inventory.SystemName{"web shop"}) {
		t.Errorf("systems of web-02 = %v", got)
	}
	if got := s.SystemsOfHost("db-phys-01"); !slices.Equal(got, []inventory.SystemName{"web shop"}) {
		t.Errorf("systems of db-phys-01 = %v", got)
	}
	if got := s.ClusterOf("web-02"); got != "prod" {
		t.Errorf("ClusterOf(web-02) = %q", got)
	}
	if got := len(s.HostsIn("prod")); got != 2 {
		t.Errorf("hosts in prod = %d", got)
	}
}

func TestNewCopiesItsInput(t *testing.T) {
	e := fixture()
	s := inventory.MustNew(e)
	e.VMs[0].Host = "esx-01"
	e.Hosts[0].Datastores[0] = "changed"
	if v, _ := s.VM("web-02"); v.Host != "esx-02" {
		t.Errorf("snapshot changed with its input: web-02 on %q", v.Host)
	}
	if h, _ := s.Host("esx-02"); h.Datastores[0] != "san-01" {
		t.Errorf("snapshot shares slices with its input: %v", h.Datastores)
	}
}

func TestWithLeavesTheLiveSnapshotAlone(t *testing.T) {
	live := inventory.MustNew(fixture())
	planned, err := live.With(inventory.MoveVM{VM: "web-02", To: "esx-01"}, inventory.SetMaintenance{Host: "esx-02", On: true})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := live.VM("web-02"); v.Host != "esx-02" {
		t.Errorf("live web-02 on %q, want esx-02", v.Host)
	}
	if v, _ := planned.VM("web-02"); v.Host != "esx-01" {
		t.Errorf("planned web-02 on %q, want esx-01", v.Host)
	}
	if got := len(planned.VMsOn("esx-01")); got != 3 {
		t.Errorf("planned VMs on esx-01 = %d, want 3", got)
	}
	if got := len(planned.VMsOn("esx-02")); got != 0 {
		t.Errorf("planned VMs on esx-02 = %d, want 0", got)
	}
	if h, _ := planned.Host("esx-02"); !h.Maintenance || h.Available() {
		t.Errorf("planned esx-02 = %+v, want in maintenance", h)
	}
}

func TestWithRejectsBadChanges(t *testing.T) {
	live := inventory.MustNew(fixture())
	tests := []struct {
		name   string
		change inventory.Change
		want   string
	}{
		{"unknown VM", inventory.MoveVM{VM: "web-9", To: "esx-01"},
			`move VM "web-9" to host "esx-01": unknown VM "web-9": known VMs are batch-01, web-01, web-02`},
		{"unknown target host", inventory.MoveVM{VM: "web-01", To: "esx-7"},
			`vms[1] "web-01".host: unknown host "esx-7": known hosts are db-phys-01, esx-01, esx-02`},
		{"unknown host for maintenance", inventory.SetMaintenance{Host: "esx-9", On: true},
			`set maintenance of host "esx-9" to true: unknown host "esx-9": known hosts are db-phys-01, esx-01, esx-02`},
		{"unknown cluster", inventory.SetAdmissionControl{Cluster: "dev", Policy: inventory.AdmissionControl{Policy: inventory.PolicyDisabled}},
			`set admission control of cluster "dev" to disabled: unknown cluster "dev": known clusters are prod`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := live.With(tt.change)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestPutChangesAddAndReplace(t *testing.T) {
	live := inventory.MustNew(fixture())
	planned, err := live.With(
		inventory.PutHost{Host: inventory.Host{Name: "lpar-01", Kind: inventory.KindLPAR, CPUCores: 8, CPUMHzPerCore: 3500, MemoryMB: 65536}},
		inventory.PutBusinessSystem{System: inventory.BusinessSystem{Name: "web shop", VMs: []inventory.VMName{"web-01"}}},
		inventory.PutStandbyGroup{Group: inventory.StandbyGroup{Name: "blades", Active: []inventory.HostName{"esx-01", "esx-02"}, Standby: []inventory.HostName{"lpar-01"}, Tolerate: 1}},
		inventory.SetConnection{Host: "esx-01", State: inventory.NotResponding},
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(planned.Hosts()); got != 4 {
		t.Errorf("planned hosts = %d, want 4", got)
	}
	if b, _ := planned.BusinessSystem("web shop"); !slices.Equal(b.VMs, []inventory.VMName{"web-01"}) || len(b.Hosts) != 0 {
		t.Errorf("replaced system = %+v", b)
	}
	if g, ok := planned.StandbyGroup("blades"); !ok || g.Takeover != inventory.TakeoverWholeHost {
		t.Errorf("standby group = %+v, %t", g, ok)
	}
	if h, _ := planned.Host("esx-01"); h.Connection != inventory.NotResponding {
		t.Errorf("esx-01 connection = %q", h.Connection)
	}
	if len(live.Hosts()) != 3 || len(live.StandbyGroups()) != 0 {
		t.Error("live snapshot changed")
	}
}

func TestAllocationCountsPoweredOnVMs(t *testing.T) {
	e := fixture()
	e.VMs[1].CPUReservationMHz, e.VMs[1].MemoryReservationMB, e.VMs[1].MemoryOverheadMB = 1000, 2048, 64
	s := inventory.MustNew(e)
	got := s.Allocation("esx-01")
	want := inventory.Allocation{VMs: 2, PoweredOn: 1, CPUCommittedMHz: 4800, MemoryCommittedMB: 4096, CPUReservedMHz: 1000, MemoryReservedMB: 2112}
	if got != want {
		t.Errorf("Allocation(esx-01) = %+v\nwant %+v", got, want)
	}
	if got := s.Allocation("db-phys-01"); got != (inventory.Allocation{}) {
		t.Errorf("Allocation of an empty host = %+v", got)
	}
}

func TestOnlyOneCluster(t *testing.T) {
	e := fixture()
	e.Clusters = append(e.Clusters, inventory.Cluster{Name: "dev"})
	e.Hosts = append(e.Hosts, inventory.Host{Name: "esx-09", Cluster: "dev", CPUCores: 4, CPUMHzPerCore: 2000, MemoryMB: 8192})
	e.VMs = append(e.VMs, inventory.VM{Name: "dev-01", Host: "esx-09", VCPU: 1, MemoryMB: 1024})
	s := inventory.MustNew(e)
	prod, err := s.Only("prod")
	if err != nil {
		t.Fatal(err)
	}
	if got := prod.HostNames(); !slices.Equal(got, []inventory.HostName{"esx-01", "esx-02"}) {
		t.Errorf("hosts = %v", got)
	}
	if len(prod.VMs()) != 3 || len(prod.Datastores()) != 1 {
		t.Errorf("prod has %d VMs and %d datastores, want 3 and 1", len(prod.VMs()), len(prod.Datastores()))
	}
	if b, _ := prod.BusinessSystem("web shop"); len(b.Hosts) != 0 || len(b.VMs) != 2 {
		t.Errorf("web shop in prod = %+v (db-phys-01 is outside the cluster)", b)
	}
	if _, err := s.Only("test"); err == nil || err.Error() != `unknown cluster "test": known clusters are dev, prod` {
		t.Errorf("unknown cluster: %v", err)
	}
}
