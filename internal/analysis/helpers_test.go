package analysis_test

import (
	"fmt"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// estate builds test estates tersely: hosts as "name:GHz:GB" in one cluster,
// VMs as (name, host, cpu reservation MHz, memory reservation MiB).
type estate struct{ e inventory.Estate }

func newEstate(cluster inventory.ClusterName, ac inventory.AdmissionControl) *estate {
	return &estate{e: inventory.Estate{Clusters: []inventory.Cluster{{Name: cluster, HA: inventory.HAConfig{Enabled: true, AdmissionControl: ac}}}}}
}

// host adds a host with cores × 1000 MHz and memory in MiB.
func (b *estate) host(name inventory.HostName, cluster inventory.ClusterName, cores int, memoryMB int64) *estate {
	b.e.Hosts = append(b.e.Hosts, inventory.Host{Name: name, Cluster: cluster, CPUCores: cores, CPUMHzPerCore: 1000, MemoryMB: memoryMB})
	return b
}

func (b *estate) vm(name inventory.VMName, host inventory.HostName, cpuMHz, memMB int64) *estate {
	b.e.VMs = append(b.e.VMs, inventory.VM{Name: name, Host: host, VCPU: 1, MemoryMB: max(memMB, 1024),
		CPUReservationMHz: cpuMHz, MemoryReservationMB: memMB})
	return b
}

func (b *estate) with(f func(e *inventory.Estate)) *estate {
	f(&b.e)
	return b
}

func (b *estate) snap() *inventory.Snapshot {
	s, err := inventory.New(b.e)
	if err != nil {
		panic(fmt.Sprintf("bad test estate: %v", err))
	}
	return s
}
