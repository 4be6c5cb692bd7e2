package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The nested objects of estate_topology: each model's converter and schema
// sit side by side so a new field is added in one place.

type clusterModel struct {
	Name                   types.String `tfsdk:"name"`
	HAEnabled              types.Bool   `tfsdk:"ha_enabled"`
	AdmissionControlPolicy types.String `tfsdk:"admission_control_policy"`
	HostFailures           types.Int64  `tfsdk:"host_failures"`
	DRSEnabled             types.Bool   `tfsdk:"drs_enabled"`
	Hosts                  []string     `tfsdk:"hosts"`
	CPUCapacityMHz         types.Int64  `tfsdk:"cpu_capacity_mhz"`
	MemoryMB               types.Int64  `tfsdk:"memory_mb"`

	HostMonitoring             types.String     `tfsdk:"host_monitoring"`
	DefaultRestartPriority     types.String     `tfsdk:"default_restart_priority"`
	RespectVMAntiAffinityRules types.Bool       `tfsdk:"respect_vm_anti_affinity_rules"`
	VMCPUMinMHz                types.Int64      `tfsdk:"vm_cpu_min_mhz"`
	VMMemoryMinMB              types.Int64      `tfsdk:"vm_memory_min_mb"`
	DRSAutomationLevel         types.String     `tfsdk:"drs_automation_level"`
	VMGroups                   []vmGroupModel   `tfsdk:"vm_groups"`
	HostGroups                 []hostGroupModel `tfsdk:"host_groups"`
	Rules                      []ruleModel      `tfsdk:"rules"`
}

func clusterAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"host_monitoring": computedString("vSphere HA host monitoring: " + list(inventory.HostMonitorings) +
			". With `disabled`, HA restarts nothing when a host fails."),
		"default_restart_priority": computedString("HA restart priority of VMs without an override: " + list(inventory.RestartPriorities) +
			" (`disabled`: HA does not restart them)."),
		"respect_vm_anti_affinity_rules": computedBool("HA advanced option `das.respectvmvmantiaffinityrules`: whether HA keeps VM-VM anti-affinity rules when it restarts VMs (vSphere's default `true`)."),
		"vm_cpu_min_mhz":                 computedInt("HA advanced option `das.vmcpuminmhz`: the CPU, in MHz, a VM without a CPU reservation counts for in slot sizing (vSphere's default 32)."),
		"vm_memory_min_mb":               computedInt("HA advanced option `das.vmmemoryminmb`: the memory, in MiB, a VM without a memory reservation counts for in slot sizing (vSphere's default 0)."),
		"drs_automation_level":           computedString("DRS automation level: " + list(inventory.DRSClusterAutomations) + "; empty if vCenter reports none."),
	}
	for k, v := range groupAndRuleAttributes() {
		attrs[k] = v
	}
	for k, v := range map[string]schema.Attribute{
		"name":                     computedString("Cluster name."),
		"ha_enabled":               computedBool("Whether vSphere HA is enabled."),
		"admission_control_policy": computedString("HA admission-control policy: " + list(inventory.AdmissionPolicies) + "."),
		"host_failures":            computedInt("Host failures the admission-control policy tolerates."),
		"drs_enabled":              computedBool("Whether DRS is enabled."),
		"hosts":                    computedStrings("Names of the cluster's hosts."),
		"cpu_capacity_mhz":         computedInt("Σ host CPU capacity (cores × MHz per core), in MHz."),
		"memory_mb":                computedInt("Σ host memory, in MiB."),
	} {
		attrs[k] = v
	}
	return attrs
}

func clustersOf(s *inventory.Snapshot) []clusterModel {
	out := make([]clusterModel, 0, len(s.Clusters()))
	for _, c := range s.Clusters() {
		m := clusterModel{
			Name: types.StringValue(string(c.Name)), HAEnabled: types.BoolValue(c.HA.Enabled),
			AdmissionControlPolicy: types.StringValue(string(c.HA.AdmissionControl.Policy)),
			HostFailures:           types.Int64Value(int64(c.HA.AdmissionControl.HostFailures)),
			DRSEnabled:             types.BoolValue(c.DRS.Enabled), Hosts: []string{},
			HostMonitoring:         types.StringValue(string(c.HA.HostMonitoring)),
			DefaultRestartPriority: types.StringValue(string(c.HA.DefaultRestartPriority)),
			// The options' effective values: vSphere's default when the option is not set.
			RespectVMAntiAffinityRules: types.BoolValue(c.HA.Options.RespectsVMAntiAffinity()),
			VMCPUMinMHz:                types.Int64Value(c.HA.Options.MinCPUMHz()),
			VMMemoryMinMB:              types.Int64Value(c.HA.Options.MinMemoryMB()),
			DRSAutomationLevel:         types.StringValue(string(c.DRS.AutomationLevel)),
			VMGroups:                   vmGroupsOf(c), HostGroups: hostGroupsOf(c), Rules: rulesOf(c),
		}
		var cpu, mem int64
		for _, h := range s.HostsIn(c.Name) {
			m.Hosts = append(m.Hosts, string(h.Name))
			cpu += h.CPUCapacityMHz()
			mem += h.MemoryMB
		}
		m.CPUCapacityMHz, m.MemoryMB = types.Int64Value(cpu), types.Int64Value(mem)
		out = append(out, m)
	}
	return out
}

type hostModel struct {
	Name              types.String `tfsdk:"name"`
	Cluster           types.String `tfsdk:"cluster"`
	Connection        types.String `tfsdk:"connection"`
	Maintenance       types.Bool   `tfsdk:"maintenance"`
	CPUCores          types.Int64  `tfsdk:"cpu_cores"`
	CPUMHzPerCore     types.Int64  `tfsdk:"cpu_mhz_per_core"`
	CPUCapacityMHz    types.Int64  `tfsdk:"cpu_capacity_mhz"`
	MemoryMB          types.Int64  `tfsdk:"memory_mb"`
	CPUCommittedMHz   types.Int64  `tfsdk:"cpu_committed_mhz"`
	MemoryCommittedMB types.Int64  `tfsdk:"memory_committed_mb"`
	CPUReservedMHz    types.Int64  `tfsdk:"cpu_reserved_mhz"`
	MemoryReservedMB  types.Int64  `tfsdk:"memory_reserved_mb"`
	CPUUsageMHz       types.Int64  `tfsdk:"cpu_usage_mhz"`
	MemoryUsageMB     types.Int64  `tfsdk:"memory_usage_mb"`
	Datastores        []string     `tfsdk:"datastores"`
	VMs               []string     `tfsdk:"vms"`
	Tags              []string     `tfsdk:"tags"`
}

func hostAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":                computedString("Host name as registered in vCenter."),
		"cluster":             computedString("Cluster of the host; empty for a standalone host."),
		"connection":          computedString("Connection state: " + list(inventory.Connections) + "."),
		"maintenance":         computedBool("Whether the host is in maintenance mode."),
		"cpu_cores":           computedInt("Physical CPU cores."),
		"cpu_mhz_per_core":    computedInt("Clock of one core, in MHz."),
		"cpu_capacity_mhz":    computedInt("CPU capacity: cores × MHz per core."),
		"memory_mb":           computedInt("Physical memory, in MiB."),
		"cpu_committed_mhz":   computedInt("Σ vCPU × MHz per core of the powered-on VMs on the host."),
		"memory_committed_mb": computedInt("Σ configured memory of the powered-on VMs on the host, in MiB."),
		"cpu_reserved_mhz":    computedInt("Σ CPU reservations of the powered-on VMs on the host, in MHz."),
		"memory_reserved_mb":  computedInt("Σ memory reservation + overhead of the powered-on VMs on the host, in MiB (what HA admission control counts)."),
		"cpu_usage_mhz":       computedInt("Measured CPU usage, in MHz (vCenter quick stats)."),
		"memory_usage_mb":     computedInt("Measured memory usage, in MiB (vCenter quick stats)."),
		"datastores":          computedStrings("Datastores the host mounts."),
		"vms":                 computedStrings("VMs registered on the host (any power state), sorted by name."),
		"tags":                computedStrings("vSphere tags on the host, as `category/tag`."),
	}
}

func hostsOf(s *inventory.Snapshot) []hostModel {
	out := make([]hostModel, 0, len(s.Hosts()))
	for _, h := range s.Hosts() {
		a := s.Allocation(h.Name)
		m := hostModel{
			Name: types.StringValue(string(h.Name)), Cluster: types.StringValue(string(h.Cluster)),
			Connection: types.StringValue(string(h.Connection)), Maintenance: types.BoolValue(h.Maintenance),
			CPUCores: types.Int64Value(int64(h.CPUCores)), CPUMHzPerCore: types.Int64Value(h.CPUMHzPerCore),
			CPUCapacityMHz: types.Int64Value(h.CPUCapacityMHz()), MemoryMB: types.Int64Value(h.MemoryMB),
			CPUCommittedMHz: types.Int64Value(a.CPUCommittedMHz), MemoryCommittedMB: types.Int64Value(a.MemoryCommittedMB),
			CPUReservedMHz: types.Int64Value(a.CPUReservedMHz), MemoryReservedMB: types.Int64Value(a.MemoryReservedMB),
			CPUUsageMHz: types.Int64Value(h.CPUUsageMHz), MemoryUsageMB: types.Int64Value(h.MemoryUsageMB),
			Datastores: strs(h.Datastores), Tags: strs(h.Tags), VMs: []string{},
		}
		for _, v := range s.VMsOn(h.Name) {
			m.VMs = append(m.VMs, string(v.Name))
		}
		out = append(out, m)
	}
	return out
}

type vmModel struct {
	Name                types.String `tfsdk:"name"`
	Host                types.String `tfsdk:"host"`
	Cluster             types.String `tfsdk:"cluster"`
	Power               types.String `tfsdk:"power"`
	VCPU                types.Int64  `tfsdk:"vcpu"`
	MemoryMB            types.Int64  `tfsdk:"memory_mb"`
	CPUReservationMHz   types.Int64  `tfsdk:"cpu_reservation_mhz"`
	MemoryReservationMB types.Int64  `tfsdk:"memory_reservation_mb"`
	MemoryOverheadMB    types.Int64  `tfsdk:"memory_overhead_mb"`
	Datastores          []string     `tfsdk:"datastores"`
	Tags                []string     `tfsdk:"tags"`
	HARestartPriority   types.String `tfsdk:"ha_restart_priority"`
	DRSAutomation       types.String `tfsdk:"drs_automation"`
}

func vmAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":                  computedString("VM name. vCenter allows equal names in different folders; such VMs are named `name (vm-id)`."),
		"host":                  computedString("Host the VM is registered on."),
		"cluster":               computedString("Cluster of that host."),
		"power":                 computedString("Power state: " + list(inventory.Powers) + "."),
		"vcpu":                  computedInt("Virtual CPUs."),
		"memory_mb":             computedInt("Configured memory, in MiB."),
		"cpu_reservation_mhz":   computedInt("CPU reservation, in MHz."),
		"memory_reservation_mb": computedInt("Memory reservation, in MiB."),
		"memory_overhead_mb":    computedInt("Memory overhead needed to power on, in MiB."),
		"datastores":            computedStrings("Datastores holding the VM's files."),
		"tags":                  computedStrings("vSphere tags on the VM, as `category/tag`."),
		"ha_restart_priority": computedString("The VM's HA restart priority override: " + list(inventory.RestartPriorities) +
			"; empty when the VM uses its cluster's `default_restart_priority`."),
		"drs_automation": computedString("The VM's DRS automation override: " + list(inventory.DRSVMAutomations) +
			" (`disabled`: DRS leaves the VM alone); empty when the VM uses its cluster's level."),
	}
}

func vmsOf(s *inventory.Snapshot) []vmModel {
	out := make([]vmModel, 0, len(s.VMs()))
	for _, v := range s.VMs() {
		out = append(out, vmModel{
			Name: types.StringValue(string(v.Name)), Host: types.StringValue(string(v.Host)),
			Cluster: types.StringValue(string(s.ClusterOf(v.Name))), Power: types.StringValue(string(v.Power)),
			VCPU: types.Int64Value(int64(v.VCPU)), MemoryMB: types.Int64Value(v.MemoryMB),
			CPUReservationMHz: types.Int64Value(v.CPUReservationMHz), MemoryReservationMB: types.Int64Value(v.MemoryReservationMB),
			MemoryOverheadMB: types.Int64Value(v.MemoryOverheadMB), Datastores: strs(v.Datastores), Tags: strs(v.Tags),
			HARestartPriority: types.StringValue(string(v.RestartPriority)), DRSAutomation: types.StringValue(string(v.DRSAutomation)),
		})
	}
	return out
}

type datastoreModel struct {
	Name       types.String `tfsdk:"name"`
	CapacityMB types.Int64  `tfsdk:"capacity_mb"`
	FreeMB     types.Int64  `tfsdk:"free_mb"`
	Hosts      []string     `tfsdk:"hosts"`
	VMs        []string     `tfsdk:"vms"`
}

func datastoreAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":        computedString("Datastore name."),
		"capacity_mb": computedInt("Capacity, in MiB."),
		"free_mb":     computedInt("Free space, in MiB."),
		"hosts":       computedStrings("Hosts that mount the datastore."),
		"vms":         computedStrings("VMs with files on the datastore."),
	}
}

func datastoresOf(s *inventory.Snapshot) []datastoreModel {
	out := make([]datastoreModel, 0, len(s.Datastores()))
	for _, d := range s.Datastores() {
		m := datastoreModel{Name: types.StringValue(string(d.Name)), CapacityMB: types.Int64Value(d.CapacityMB),
			FreeMB: types.Int64Value(d.FreeMB), Hosts: strs(s.HostsOnDatastore(d.Name)), VMs: []string{}}
		for _, v := range s.VMsOnDatastore(d.Name) {
			m.VMs = append(m.VMs, string(v.Name))
		}
		out = append(out, m)
	}
	return out
}
