package lab

import (
	"fmt"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Synthetic is a uniform estate for benchmarks: clusters of 16 hosts sharing a
// datastore, VMs spread round-robin, every tenth VM powered off.
func Synthetic(hosts, vms int) *inventory.Snapshot {
	var e inventory.Estate
	const perCluster = 16
	for i := 0; i < hosts; i++ {
		c := i / perCluster
		cluster := inventory.ClusterName(fmt.Sprintf("cl-%03d", c))
		ds := inventory.DatastoreName(fmt.Sprintf("ds-%03d", c))
		if i%perCluster == 0 {
			e.Clusters = append(e.Clusters, inventory.Cluster{Name: cluster, HA: inventory.HAConfig{Enabled: true,
				AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}}})
			e.Datastores = append(e.Datastores, inventory.Datastore{Name: ds, CapacityMB: 8 << 20, FreeMB: 4 << 20})
		}
		e.Hosts = append(e.Hosts, inventory.Host{Name: inventory.HostName(fmt.Sprintf("esx-%05d", i)), Cluster: cluster,
			CPUCores: 32, CPUMHzPerCore: 2400, MemoryMB: 524288, Datastores: []inventory.DatastoreName{ds}})
	}
	for i := 0; i < vms; i++ {
		h := e.Hosts[i%hosts]
		power := inventory.PoweredOn
		if i%10 == 9 {
			power = inventory.PoweredOff
		}
		e.VMs = append(e.VMs, inventory.VM{Name: inventory.VMName(fmt.Sprintf("vm-%06d", i)), Host: h.Name, Power: power,
			VCPU: 1 + i%8, MemoryMB: int64(1024 * (1 + i%16)), MemoryReservationMB: int64(256 * (i % 4)),
			Datastores: h.Datastores})
	}
	return inventory.MustNew(e)
}
