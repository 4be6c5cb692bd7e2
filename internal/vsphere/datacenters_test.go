package vsphere_test

import (
	"context"
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// twoDatacenters runs the small estate in dc1 and again, every name repeated,
// in dc2: as a vCenter that manages two sites built from one template.
func twoDatacenters(t testing.TB) (*lab.Lab, *lab.Datacenter) {
	t.Helper()
	l := startLab(t, "small")
	small, err := lab.BuiltIn("small")
	if err != nil {
		t.Fatal(err)
	}
	dc2, err := l.AddDatacenter(context.Background(), "dc2", small)
	if err != nil {
		t.Fatal(err)
	}
	return l, dc2
}

// TestTopologyRepeatedNamesAcrossDatacenters: without a datacenter filter
// every repeated name is disambiguated as `name (id)`, the older object (dc1's)
// keeping the plain name; with the filter, dc2's objects read plain.
func TestTopologyRepeatedNamesAcrossDatacenters(t *testing.T) {
	l, dc2 := twoDatacenters(t)
	c := connect(t, l)
	topo, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	s := topo.Estate
	var datastores []inventory.DatastoreName
	for _, d := range s.Datastores() {
		datastores = append(datastores, d.Name)
	}
	wantDS := []inventory.DatastoreName{"san-dev", inventory.DatastoreName("san-dev (" + dc2.DatastoreRef("san-dev") + ")"),
		"san-prod", inventory.DatastoreName("san-prod (" + dc2.DatastoreRef("san-prod") + ")")}
	if !slices.Equal(datastores, wantDS) {
		t.Errorf("datastores = %q, want %q", datastores, wantDS)
	}
	prod2 := inventory.ClusterName("prod (" + dc2.ClusterRef("prod") + ")")
	esx01 := inventory.HostName("esx-01 (" + dc2.HostRef("esx-01") + ")")
	web01 := inventory.VMName("web-01 (" + dc2.VMRef("web-01") + ")")
	sanProd2 := inventory.DatastoreName("san-prod (" + dc2.DatastoreRef("san-prod") + ")")
	h, _ := s.Host(esx01)
	if h.Cluster != prod2 || h.Ref != dc2.HostRef("esx-01") || !slices.Equal(h.Datastores, []inventory.DatastoreName{sanProd2}) {
		t.Errorf("%s = %+v, want cluster %q, ref %q, datastores [%s]", esx01, h, prod2, dc2.HostRef("esx-01"), sanProd2)
	}
	v, _ := s.VM(web01)
	if v.Host != esx01 || v.Ref != dc2.VMRef("web-01") || !slices.Equal(v.Datastores, []inventory.DatastoreName{sanProd2}) {
		t.Errorf("%s = %+v, want host %q, ref %q, datastores [%s]", web01, v, esx01, dc2.VMRef("web-01"), sanProd2)
	}
	if v, _ := s.VM("web-01"); v.Host != "esx-01" || v.Ref != l.VMRef("web-01") {
		t.Errorf("dc1's web-01 = %+v, want the plain name on esx-01", v)
	}
	if len(s.Clusters()) != 4 || len(s.Hosts()) != 10 || len(s.VMs()) != 10 || len(topo.Warnings) != 0 {
		t.Errorf("%d clusters, %d hosts, %d VMs, warnings %q; want 4, 10, 10, none", len(s.Clusters()), len(s.Hosts()), len(s.VMs()), topo.Warnings)
	}

	only, err := c.ReadTopology(context.Background(), "dc2")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := only.Estate.VM("web-01"); v.Ref != dc2.VMRef("web-01") || v.Host != "esx-01" {
		t.Errorf("dc2 alone: web-01 = %+v, want ref %s on esx-01", v, dc2.VMRef("web-01"))
	}
}

// TestMoveVMWithRepeatedName: a VM is moved by its ref, so a repeated name is no obstacle.
func TestMoveVMWithRepeatedName(t *testing.T) {
	l, dc2 := twoDatacenters(t)
	c := connect(t, l)
	ctx := context.Background()
	topo, err := c.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	web01 := inventory.VMName("web-01 (" + dc2.VMRef("web-01") + ")")
	esx02 := inventory.HostName("esx-02 (" + dc2.HostRef("esx-02") + ")")
	v, _ := topo.Estate.VM(web01)
	h, _ := topo.Estate.Host(esx02)
	if err := c.MoveVM(ctx, v, h); err != nil {
		t.Fatal(err)
	}
	after, err := c.ReadTopology(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := after.Estate.VM(web01); v.Host != esx02 {
		t.Errorf("%s is on %q, want %q", web01, v.Host, esx02)
	}
	if v, _ := after.Estate.VM("web-01"); v.Host != "esx-01" {
		t.Errorf("dc1's web-01 moved too: on %q, want esx-01", v.Host)
	}
}

// TestTopologyKeepsObjectsWithImpossibleFigures: one odd figure costs a
// warning and that figure, not the whole read.
func TestTopologyKeepsObjectsWithImpossibleFigures(t *testing.T) {
	l := startLab(t, "small")
	for _, err := range []error{
		l.SetDatastoreSpace("san-dev", 1000, 3000),
		l.SetDatastoreSpace("san-prod", -5, -1),
		l.SetHostUsage("esx-02", -100, 2048),
		l.SetVMMemoryReservation("test-01", 9000),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	topo, err := connect(t, l).ReadTopology(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	s := topo.Estate
	ds := func(n string) inventory.Datastore { d, _ := s.Datastore(inventory.DatastoreName(n)); return d }
	if d := ds("san-dev"); d.CapacityMB != 1000 || d.FreeMB != 1000 {
		t.Errorf("san-dev = %+v, want capacity 1000, free 1000", d)
	}
	if d := ds("san-prod"); d.CapacityMB != 0 || d.FreeMB != 0 {
		t.Errorf("san-prod = %+v, want capacity 0, free 0", d)
	}
	if h, _ := s.Host("esx-02"); h.CPUUsageMHz != 0 || h.MemoryUsageMB != 2048 {
		t.Errorf("esx-02 usage = %d MHz, %d MiB; want 0, 2048", h.CPUUsageMHz, h.MemoryUsageMB)
	}
	if v, _ := s.VM("test-01"); v.MemoryReservationMB != 8192 || v.MemoryMB != 8192 {
		t.Errorf("test-01 = %+v, want reservation clamped to its 8192 MiB", v)
	}
	want := []string{
		`VM "test-01" (` + l.VMRef("test-01") + `): vCenter reports a memory reservation of 9000 MiB above its 8192 MiB of memory; using 8192 MiB`,
		`datastore "san-dev" (` + l.DatastoreRef("san-dev") + `): vCenter reports free space 3000 MiB above capacity 1000 MiB; using free space = capacity`,
		`datastore "san-prod" (` + l.DatastoreRef("san-prod") + `): vCenter reports capacity = -5; using 0`,
		`datastore "san-prod" (` + l.DatastoreRef("san-prod") + `): vCenter reports free space = -1; using 0`,
		`host "esx-02" (` + l.HostRef("esx-02") + `): vCenter reports CPU usage MHz = -100; using 0`,
	}
	if !slices.Equal(topo.Warnings, want) {
		t.Errorf("warnings:\n%q\nwant\n%q", topo.Warnings, want)
	}
}
