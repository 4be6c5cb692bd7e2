package analysis_test

import (
	"fmt"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// largeEstate: clusters of 32 hosts (32 cores × 2.4 GHz, 512 GiB) sharing a
// datastore, 30 VMs per host with mixed reservations, a business system per
// cluster, and DRS rules per cluster: a must-not-run rule keeping the first VM
// of the first 8 hosts off the last 4 hosts, and an anti-affinity rule over
// the first VM of the first 4 hosts.
func largeEstate(hosts, vmsPerHost int) *inventory.Snapshot {
	s := largeEstateWithoutRules(hosts, vmsPerHost)
	e := s.Estate()
	const perCluster = 32
	for c := range e.Clusters {
		cl := &e.Clusters[c]
		first := func(h int) inventory.VMName { return inventory.VMName(fmt.Sprintf("vm-%05d-00", c*perCluster+h)) }
		var dbs, apart []inventory.VMName
		var blades []inventory.HostName
		for h := range perCluster {
			if c*perCluster+h >= hosts {
				break
			}
			switch {
			case h < 4:
				apart = append(apart, first(h))
				dbs = append(dbs, first(h))
			case h < 8:
				dbs = append(dbs, first(h))
			case h >= perCluster-4:
				blades = append(blades, inventory.HostName(fmt.Sprintf("esx-%05d", c*perCluster+h)))
			}
		}
		cl.VMGroups = []inventory.VMGroup{{Name: "dbs", VMs: dbs}}
		cl.HostGroups = []inventory.HostGroup{{Name: "blades", Hosts: blades}}
		cl.Rules = []inventory.Rule{{Name: "db-not-on-blades", Kind: inventory.RuleMustNotRunOn, VMGroup: "dbs", HostGroup: "blades"}}
		if len(apart) >= 2 {
			cl.Rules = append(cl.Rules, inventory.Rule{Name: "apart", Kind: inventory.RuleVMAntiAffinity, VMs: apart})
		}
	}
	return inventory.MustNew(e)
}

func largeEstateWithoutRules(hosts, vmsPerHost int) *inventory.Snapshot {
	var e inventory.Estate
	const perCluster = 32
	for i := range hosts {
		c := inventory.ClusterName(fmt.Sprintf("cl-%04d", i/perCluster))
		ds := inventory.DatastoreName(fmt.Sprintf("ds-%04d", i/perCluster))
		if i%perCluster == 0 {
			e.Clusters = append(e.Clusters, inventory.Cluster{Name: c, HA: inventory.HAConfig{Enabled: true, AdmissionControl: slot1}})
			e.Datastores = append(e.Datastores, inventory.Datastore{Name: ds, CapacityMB: 1 << 30})
			e.BusinessSystems = append(e.BusinessSystems, inventory.BusinessSystem{Name: inventory.SystemName("app-" + string(c)), MinHosts: 3})
		}
		h := inventory.HostName(fmt.Sprintf("esx-%05d", i))
		e.Hosts = append(e.Hosts, inventory.Host{Name: h, Cluster: c, CPUCores: 32, CPUMHzPerCore: 2400, MemoryMB: 524288,
			Datastores: []inventory.DatastoreName{ds}})
		for j := range vmsPerHost {
			n := inventory.VMName(fmt.Sprintf("vm-%05d-%02d", i, j))
			e.VMs = append(e.VMs, inventory.VM{Name: n, Host: h, VCPU: 1 + j%8, MemoryMB: int64(6144 + 1024*(j%8)),
				CPUReservationMHz: int64(250 * (j % 5)), MemoryReservationMB: int64(1024 * (j % 6)), MemoryOverheadMB: 64,
				Datastores: []inventory.DatastoreName{ds}})
			if j == 0 {
				sys := &e.BusinessSystems[len(e.BusinessSystems)-1]
				sys.VMs = append(sys.VMs, n)
			}
		}
	}
	return inventory.MustNew(e)
}

// BenchmarkSingleHostFailures checks every single-host failure of the estate.
func BenchmarkSingleHostFailures(b *testing.B) {
	for _, hosts := range []int{100, 1000, 10000} {
		s := largeEstate(hosts, 30)
		b.Run(fmt.Sprintf("hosts=%d/vms=%d", hosts, hosts*30), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				scs := analysis.HostFailures(s, analysis.DefaultPolicy())
				if len(scs) != hosts || scs[0].Verdict != analysis.Safe {
					b.Fatalf("%d scenarios, first %s: %s", len(scs), scs[0].Verdict, scs[0].Reason)
				}
			}
		})
	}
}

// BenchmarkHostPairsOneCluster checks every single and every pair of host
// failures of one 32-host cluster with 960 VMs: 32 + 496 scenarios.
func BenchmarkHostPairsOneCluster(b *testing.B) {
	s := largeEstate(32, 30)
	p := analysis.DefaultPolicy()
	p.Tolerate = 2
	b.ReportAllocs()
	for b.Loop() {
		if scs := analysis.HostFailures(s, p); len(scs) != 32+496 {
			b.Fatalf("%d scenarios", len(scs))
		}
	}
}
