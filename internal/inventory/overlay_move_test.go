package inventory_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// A move within a cluster (With's fast path) gives the snapshot a full
// rebuild gives — every accessor — for every VM to every host of its cluster,
// and leaves the snapshot it came from unchanged.
func TestMoveWithinAClusterEqualsARebuild(t *testing.T) {
	checked := 0
	for _, path := range []string{"testdata/fixture.snapshot.json", "../../examples/analyze/estate.json", "../lab/estates/small.json"} {
		s, err := inventory.DecodeFile(path)
		if err != nil {
			t.Fatal(err)
		}
		before := s.Estate()
		for _, v := range s.VMs() {
			from, _ := s.Host(v.Host)
			for _, to := range s.Hosts() {
				if to.Cluster != from.Cluster {
					continue
				}
				got, err := s.With(inventory.MoveVM{VM: v.Name, To: to.Name})
				if err != nil {
					t.Fatal(err)
				}
				e := s.Estate()
				for i := range e.VMs {
					if e.VMs[i].Name == v.Name {
						e.VMs[i].Host = to.Name
					}
				}
				want, err := inventory.New(e)
				if err != nil {
					t.Fatal(err)
				}
				if diff := snapshotDiff(got, want); diff != "" {
					t.Fatalf("%s: moving %s from %s to %s: %s", path, v.Name, v.Host, to.Name, diff)
				}
				checked++
			}
		}
		if !reflect.DeepEqual(s.Estate(), before) {
			t.Errorf("%s: the moves changed the snapshot they came from", path)
		}
	}
	if checked < 20 {
		t.Errorf("%d moves checked, the comparison needs more", checked)
	}
	t.Logf("%d moves checked", checked)
}

// snapshotDiff compares two snapshots through every accessor.
func snapshotDiff(got, want *inventory.Snapshot) string {
	if !reflect.DeepEqual(got.Estate(), want.Estate()) {
		return "estates differ"
	}
	for _, h := range want.Hosts() {
		if !reflect.DeepEqual(got.VMsOn(h.Name), want.VMsOn(h.Name)) {
			return "VMs on " + string(h.Name) + " differ"
		}
		if !reflect.DeepEqual(got.Allocation(h.Name), want.Allocation(h.Name)) {
			return "allocation of " + string(h.Name) + " differs"
		}
		if !reflect.DeepEqual(got.SystemsOfHost(h.Name), want.SystemsOfHost(h.Name)) {
			return "systems of " + string(h.Name) + " differ"
		}
	}
	for _, c := range want.Clusters() {
		if !reflect.DeepEqual(got.HostsIn(c.Name), want.HostsIn(c.Name)) {
			return "hosts in " + string(c.Name) + " differ"
		}
	}
	for _, d := range want.Datastores() {
		if !reflect.DeepEqual(got.VMsOnDatastore(d.Name), want.VMsOnDatastore(d.Name)) {
			return "VMs on datastore " + string(d.Name) + " differ"
		}
		if !reflect.DeepEqual(got.HostsOnDatastore(d.Name), want.HostsOnDatastore(d.Name)) {
			return "hosts on datastore " + string(d.Name) + " differ"
		}
	}
	for _, v := range want.VMs() {
		g, _ := got.VM(v.Name)
		if !reflect.DeepEqual(g, v) || got.ClusterOf(v.Name) != want.ClusterOf(v.Name) || got.RestartPriority(g) != want.RestartPriority(v) ||
			!reflect.DeepEqual(got.SystemsOfVM(v.Name), want.SystemsOfVM(v.Name)) {
			return "VM " + string(v.Name) + " differs"
		}
	}
	return ""
}

// BenchmarkMoveVM is what an apply's cache pays per vMotion (Cache.Moved) on
// a 10,000-VM estate: a move within a cluster, and one to another cluster
// (which re-validates and re-indexes the estate).
func BenchmarkMoveVM(b *testing.B) {
	var e inventory.Estate
	e.Datastores = []inventory.Datastore{{Name: "ds", CapacityMB: 1 << 30, FreeMB: 1 << 29}}
	for c := range 20 {
		cl := inventory.ClusterName(fmt.Sprintf("cl-%02d", c))
		e.Clusters = append(e.Clusters, inventory.Cluster{Name: cl, HA: inventory.HAConfig{Enabled: true}})
		for h := range 16 {
			e.Hosts = append(e.Hosts, inventory.Host{Name: inventory.HostName(fmt.Sprintf("esx-%02d-%02d", c, h)), Cluster: cl,
				CPUCores: 32, CPUMHzPerCore: 2400, MemoryMB: 1 << 20, Datastores: []inventory.DatastoreName{"ds"}})
		}
	}
	for i := range 10000 {
		e.VMs = append(e.VMs, inventory.VM{Name: inventory.VMName(fmt.Sprintf("vm-%05d", i)), Host: e.Hosts[i%len(e.Hosts)].Name,
			Power: inventory.PoweredOn, VCPU: 2, MemoryMB: 4096, Datastores: []inventory.DatastoreName{"ds"}})
	}
	s := inventory.MustNew(e)
	for name, to := range map[string]inventory.HostName{"within a cluster": "esx-00-01", "to another cluster": "esx-01-00"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.With(inventory.MoveVM{VM: "vm-00000", To: to}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
