package vsphere

import (
	"fmt"

	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

const mib = 1024 * 1024

// names resolves managed object references to the names the estate uses.
type names struct {
	clusters   map[types.ManagedObjectReference]inventory.ClusterName
	hosts      map[types.ManagedObjectReference]inventory.HostName
	datastores map[types.ManagedObjectReference]inventory.DatastoreName
	vms        map[types.ManagedObjectReference]inventory.VMName
}

// convert turns one bulk read into an estate. Objects are decoded by type in
// dependency order so every reference resolves to a name.
func convert(contents []types.ObjectContent) (inventory.Estate, names, error) {
	byKind := map[string][]types.ObjectContent{}
	for _, oc := range contents {
		byKind[oc.Obj.Type] = append(byKind[oc.Obj.Type], oc)
	}
	n := names{
		clusters:   map[types.ManagedObjectReference]inventory.ClusterName{},
		hosts:      map[types.ManagedObjectReference]inventory.HostName{},
		datastores: map[types.ManagedObjectReference]inventory.DatastoreName{},
		vms:        map[types.ManagedObjectReference]inventory.VMName{},
	}
	var e inventory.Estate
	var clusters []mo.ClusterComputeResource
	for _, oc := range byKind["ClusterComputeResource"] {
		c, err := load[mo.ClusterComputeResource](oc)
		if err != nil {
			return e, n, err
		}
		n.clusters[c.Self] = inventory.ClusterName(c.Name)
		clusters = append(clusters, c)
	}
	for _, oc := range byKind["Datastore"] {
		d, err := load[mo.Datastore](oc)
		if err != nil {
			return e, n, err
		}
		n.datastores[d.Self] = inventory.DatastoreName(d.Name)
		e.Datastores = append(e.Datastores, datastore(d))
	}
	for _, oc := range byKind["HostSystem"] {
		h, err := load[mo.HostSystem](oc)
		if err != nil {
			return e, n, err
		}
		n.hosts[h.Self] = inventory.HostName(h.Name)
		e.Hosts = append(e.Hosts, host(h, n))
	}
	for _, c := range clusters {
		e.Clusters = append(e.Clusters, cluster(c, n))
	}
	seen := map[inventory.VMName]bool{}
	for _, oc := range byKind["VirtualMachine"] {
		v, err := load[mo.VirtualMachine](oc)
		if err != nil {
			return e, n, err
		}
		if v.Config == nil || v.Config.Template || v.Runtime.Host == nil {
			continue // templates and orphaned VMs run nowhere
		}
		vm := virtualMachine(v, n)
		if seen[vm.Name] {
			// vCenter allows equal names in different folders; the estate needs unique ones.
			vm.Name = inventory.VMName(fmt.Sprintf("%s (%s)", vm.Name, v.Self.Value))
		}
		seen[vm.Name] = true
		n.vms[v.Self] = vm.Name
		e.VMs = append(e.VMs, vm)
	}
	return e, n, nil
}

func datastore(d mo.Datastore) inventory.Datastore {
	return inventory.Datastore{
		Name:       inventory.DatastoreName(d.Name),
		CapacityMB: d.Summary.Capacity / mib,
		FreeMB:     d.Summary.FreeSpace / mib,
	}
}

func host(h mo.HostSystem, n names) inventory.Host {
	out := inventory.Host{
		Name:        inventory.HostName(h.Name),
		Kind:        inventory.KindESXi,
		Connection:  connection(h.Runtime.ConnectionState),
		Maintenance: h.Runtime.InMaintenanceMode,
	}
	if h.Parent != nil {
		out.Cluster = n.clusters[*h.Parent] // empty for a standalone host
	}
	if hw := h.Summary.Hardware; hw != nil {
		out.CPUCores = int(hw.NumCpuCores)
		out.CPUMHzPerCore = int64(hw.CpuMhz)
		out.MemoryMB = hw.MemorySize / mib
	}
	out.CPUUsageMHz = int64(h.Summary.QuickStats.OverallCpuUsage)
	out.MemoryUsageMB = int64(h.Summary.QuickStats.OverallMemoryUsage)
	for _, ref := range h.Datastore {
		if name, ok := n.datastores[ref]; ok {
			out.Datastores = append(out.Datastores, name)
		}
	}
	return out
}

func connection(s types.HostSystemConnectionState) inventory.Connection {
	switch s {
	case types.HostSystemConnectionStateConnected:
		return inventory.Connected
	case types.HostSystemConnectionStateNotResponding:
		return inventory.NotResponding
	default:
		return inventory.Disconnected
	}
}

func virtualMachine(v mo.VirtualMachine, n names) inventory.VM {
	out := inventory.VM{
		Name:          inventory.VMName(v.Name),
		Host:          n.hosts[*v.Runtime.Host],
		Power:         power(v.Runtime.PowerState),
		VCPU:          int(v.Config.Hardware.NumCPU),
		MemoryMB:      int64(v.Config.Hardware.MemoryMB),
		CPUUsageMHz:   int64(v.Summary.QuickStats.OverallCpuUsage),
		MemoryUsageMB: int64(v.Summary.QuickStats.GuestMemoryUsage),
	}
	if a := v.Config.CpuAllocation; a != nil && a.Reservation != nil {
		out.CPUReservationMHz = *a.Reservation
	}
	if a := v.Config.MemoryAllocation; a != nil && a.Reservation != nil {
		out.MemoryReservationMB = *a.Reservation
	}
	if o := v.Config.InitialOverhead; o != nil {
		out.MemoryOverheadMB = o.InitialMemoryReservation / mib
	}
	for _, ref := range v.Datastore {
		if name, ok := n.datastores[ref]; ok {
			out.Datastores = append(out.Datastores, name)
		}
	}
	return out
}

func power(s types.VirtualMachinePowerState) inventory.Power {
	switch s {
	case types.VirtualMachinePowerStatePoweredOn:
		return inventory.PoweredOn
	case types.VirtualMachinePowerStateSuspended:
		return inventory.Suspended
	default:
		return inventory.PoweredOff
	}
}

func cluster(c mo.ClusterComputeResource, n names) inventory.Cluster {
	out := inventory.Cluster{Name: inventory.ClusterName(c.Name)}
	cfg, ok := c.ConfigurationEx.(*types.ClusterConfigInfoEx)
	if !ok {
		out.HA.AdmissionControl.Policy = inventory.PolicyDisabled
		return out
	}
	out.HA = HAFromDas(cfg.DasConfig, n.hosts)
	out.DRS = inventory.DRSConfig{
		Enabled:  cfg.DrsConfig.Enabled != nil && *cfg.DrsConfig.Enabled,
		Behavior: string(cfg.DrsConfig.DefaultVmBehavior),
	}
	return out
}
