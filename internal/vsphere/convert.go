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

// decoded is one bulk read decoded into govmomi's mo types, by kind.
type decoded struct {
	clusters   []mo.ClusterComputeResource
	hosts      []mo.HostSystem
	datastores []mo.Datastore
	vms        []mo.VirtualMachine
}

// convert turns one bulk read into an estate, with a warning for every value
// it had to correct or leave out (see sanitize.go). Names are made unique
// first (names.go), so every reference resolves to the name the estate uses.
func convert(contents []types.ObjectContent) (inventory.Estate, names, []string, error) {
	var e inventory.Estate
	d, err := decode(contents)
	if err != nil {
		return e, names{}, nil, err
	}
	n := nameAll(d)
	est, w := convertNamed(d, n)
	return est, n, w, nil
}

// convertNamed is convert with the names given: a scoped read (ReadClusters)
// names its objects from the index of the whole inventory, so a name is the
// same whatever the scope.
func convertNamed(d decoded, n names) (inventory.Estate, warnings) {
	var e inventory.Estate
	var w warnings
	for _, ds := range d.datastores {
		out := datastore(ds, n)
		w.datastore(ds.Self.Value, &out)
		e.Datastores = append(e.Datastores, out)
	}
	for _, h := range d.hosts {
		out := host(h, n)
		w.host(&out)
		e.Hosts = append(e.Hosts, out)
	}
	for _, v := range d.vms {
		out := virtualMachine(v, n)
		w.vm(&out)
		e.VMs = append(e.VMs, out)
	}
	for _, c := range d.clusters {
		out, overrides, cw := cluster(c, n)
		for _, msg := range cw {
			w.addf("cluster %q (%s): %s", out.Name, c.Self.Value, msg)
		}
		applyOverrides(e.VMs, inClusterOf(e.Hosts, out.Name), overrides)
		e.Clusters = append(e.Clusters, out)
	}
	return e, w
}

func decode(contents []types.ObjectContent) (decoded, error) {
	var d decoded
	for _, oc := range contents {
		var err error
		switch oc.Obj.Type {
		case "ClusterComputeResource":
			err = appendLoaded(&d.clusters, oc)
		case "HostSystem":
			err = appendLoaded(&d.hosts, oc)
		case "Datastore":
			err = appendLoaded(&d.datastores, oc)
		case "VirtualMachine":
			var v mo.VirtualMachine
			if v, err = load[mo.VirtualMachine](oc); err == nil && runs(v) {
				d.vms = append(d.vms, v)
			}
		}
		if err != nil {
			return d, fmt.Errorf("decoding %s %s: %w", oc.Obj.Type, oc.Obj.Value, err)
		}
	}
	return d, nil
}

// runs leaves out templates and orphaned VMs: they run nowhere.
func runs(v mo.VirtualMachine) bool {
	return v.Config != nil && !v.Config.Template && v.Runtime.Host != nil
}

func appendLoaded[T any](dst *[]T, oc types.ObjectContent) error {
	v, err := load[T](oc)
	if err == nil {
		*dst = append(*dst, v)
	}
	return err
}

// nameAll gives every object of each kind a unique name.
func nameAll(d decoded) names {
	n := names{
		clusters:   map[types.ManagedObjectReference]inventory.ClusterName{},
		hosts:      map[types.ManagedObjectReference]inventory.HostName{},
		datastores: map[types.ManagedObjectReference]inventory.DatastoreName{},
		vms:        map[types.ManagedObjectReference]inventory.VMName{},
	}
	fill(n.clusters, d.clusters, func(c mo.ClusterComputeResource) (types.ManagedObjectReference, string) { return c.Self, c.Name })
	fill(n.hosts, d.hosts, func(h mo.HostSystem) (types.ManagedObjectReference, string) { return h.Self, h.Name })
	fill(n.datastores, d.datastores, func(s mo.Datastore) (types.ManagedObjectReference, string) { return s.Self, s.Name })
	fill(n.vms, d.vms, func(v mo.VirtualMachine) (types.ManagedObjectReference, string) { return v.Self, v.Name })
	return n
}

func fill[N ~string, T any](dst map[types.ManagedObjectReference]N, objects []T, key func(T) (types.ManagedObjectReference, string)) {
	plain := make(map[types.ManagedObjectReference]string, len(objects))
	for _, o := range objects {
		ref, name := key(o)
		plain[ref] = name
	}
	for ref, name := range uniqueNames(plain) {
		dst[ref] = N(name)
	}
}

func datastore(d mo.Datastore, n names) inventory.Datastore {
	return inventory.Datastore{
		Name:       n.datastores[d.Self],
		CapacityMB: d.Summary.Capacity / mib,
		FreeMB:     d.Summary.FreeSpace / mib,
	}
}

func host(h mo.HostSystem, n names) inventory.Host {
	out := inventory.Host{
		Name:        n.hosts[h.Self],
		Ref:         h.Self.Value,
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
		Name:          n.vms[v.Self],
		Ref:           v.Self.Value,
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

// cluster converts a cluster's configuration; the per-VM overrides it holds
// are returned for the VMs, keyed by reference.
func cluster(c mo.ClusterComputeResource, n names) (inventory.Cluster, map[types.ManagedObjectReference]vmOverride, []string) {
	out := inventory.Cluster{Name: n.clusters[c.Self]}
	cfg, ok := c.ConfigurationEx.(*types.ClusterConfigInfoEx)
	if !ok {
		out.HA.AdmissionControl.Policy = inventory.PolicyDisabled
		return out, nil, nil
	}
	var all []string
	ha, w := HAFromDas(cfg.DasConfig, n.hosts)
	out.HA, all = ha, append(all, w...)
	drs, w := DRSFromConfig(cfg.DrsConfig)
	out.DRS, all = drs, append(all, w...)
	out.VMGroups, out.HostGroups = GroupsFrom(cfg.Group, n.hosts, n.vms)
	groups := map[string]bool{}
	for _, g := range out.VMGroups {
		groups[g.Name] = true
	}
	for _, g := range out.HostGroups {
		groups[g.Name] = true
	}
	rules, w := RulesFrom(cfg.Rule, n.vms, groups)
	out.Rules, all = rules, append(all, w...)
	overrides, w := vmOverridesFrom(cfg)
	return out, overrides, append(all, w...)
}

// applyOverrides gives a cluster's per-VM overrides to the VMs running in
// that cluster only: a stale entry for a VM that has left the cluster is not
// its override any more (the new cluster's defaults apply).
func applyOverrides(vms []inventory.VM, inCluster map[inventory.HostName]bool, overrides map[types.ManagedObjectReference]vmOverride) {
	if len(overrides) == 0 {
		return
	}
	for i := range vms {
		if !inCluster[vms[i].Host] {
			continue
		}
		if o, ok := overrides[types.ManagedObjectReference{Type: "VirtualMachine", Value: vms[i].Ref}]; ok {
			vms[i].RestartPriority, vms[i].DRSAutomation = o.restart, o.drs
		}
	}
}

func inClusterOf(hosts []inventory.Host, c inventory.ClusterName) map[inventory.HostName]bool {
	out := map[inventory.HostName]bool{}
	for _, h := range hosts {
		if h.Cluster == c {
			out[h.Name] = true
		}
	}
	return out
}
