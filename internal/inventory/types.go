// Package inventory is the estate model: clusters, hosts, VMs, datastores,
// business systems and standby groups, an immutable indexed Snapshot of them,
// overlays of planned changes, and the estate.snapshot/v1 file codec.
//
// It imports neither Terraform nor govmomi: the provider, the vSphere client,
// the lab and the analysis all speak this model.
package inventory

// Typed names keep a host name from being passed where a VM name is expected.
type (
	ClusterName   string
	HostName      string
	VMName        string
	DatastoreName string
	SystemName    string
	GroupName     string
)

// Cluster is a vSphere cluster (or a declared grouping of physical servers).
type Cluster struct {
	Name ClusterName `json:"name"`
	HA   HAConfig    `json:"ha"`
	DRS  DRSConfig   `json:"drs"`
	// VMGroups, HostGroups and Rules are the cluster's DRS groups and rules
	// (ClusterConfigInfoEx.group and .rule).
	VMGroups   []VMGroup   `json:"vm_groups,omitempty"`
	HostGroups []HostGroup `json:"host_groups,omitempty"`
	Rules      []Rule      `json:"rules,omitempty"`
}

// HAConfig is the vSphere HA configuration relevant to failover capacity.
type HAConfig struct {
	Enabled bool `json:"enabled"`
	// HostMonitoring off means HA does not respond to host failures; default enabled.
	HostMonitoring HostMonitoring `json:"host_monitoring,omitempty"`
	// DefaultRestartPriority applies to VMs without an override; default medium.
	DefaultRestartPriority RestartPriority  `json:"default_restart_priority,omitempty"`
	AdmissionControl       AdmissionControl `json:"admission_control"`
	Options                HAOptions        `json:"options,omitzero"`
}

// HAOptions are the vSphere HA advanced options (das.*) that change failover.
// Unset means vSphere's default; see the accessors.
type HAOptions struct {
	// RespectVMAntiAffinityRules is das.respectvmvmantiaffinityrules.
	RespectVMAntiAffinityRules *bool `json:"respect_vm_anti_affinity_rules,omitempty"`
	// VMCPUMinMHz is das.vmcpuminmhz: the CPU a VM without reservation counts for in slot sizing.
	VMCPUMinMHz *int64 `json:"vm_cpu_min_mhz,omitempty"`
	// VMMemoryMinMB is das.vmmemoryminmb: the memory a VM without reservation counts for in slot sizing.
	VMMemoryMinMB *int64 `json:"vm_memory_min_mb,omitempty"`
}

// vSphere's defaults for the advanced options (vSphere Availability, "vSphere HA Advanced Options").
const (
	DefaultVMCPUMinMHz   = 32
	DefaultVMMemoryMinMB = 0
)

// RespectsVMAntiAffinity reports whether HA keeps VM-VM anti-affinity rules
// during failover: das.respectvmvmantiaffinityrules, true unless set false.
func (o HAOptions) RespectsVMAntiAffinity() bool {
	return o.RespectVMAntiAffinityRules == nil || *o.RespectVMAntiAffinityRules
}

// MinCPUMHz is das.vmcpuminmhz, 32 MHz unless set.
func (o HAOptions) MinCPUMHz() int64 {
	if o.VMCPUMinMHz == nil {
		return DefaultVMCPUMinMHz
	}
	return *o.VMCPUMinMHz
}

// MinMemoryMB is das.vmmemoryminmb, 0 MiB unless set.
func (o HAOptions) MinMemoryMB() int64 {
	if o.VMMemoryMinMB == nil {
		return DefaultVMMemoryMinMB
	}
	return *o.VMMemoryMinMB
}

// RestartsOnHostFailure reports whether HA responds to a host failure at all.
func (c HAConfig) RestartsOnHostFailure() bool {
	return c.Enabled && c.HostMonitoring != HostMonitoringDisabled
}

// VMGroup is a DRS VM group.
type VMGroup struct {
	Name string   `json:"name"`
	VMs  []VMName `json:"vms"`
}

// HostGroup is a DRS host group.
type HostGroup struct {
	Name  string     `json:"name"`
	Hosts []HostName `json:"hosts"`
}

// Rule is a DRS rule. VM-VM rules (vm_affinity, vm_anti_affinity) list VMs;
// VM-Host rules relate VMGroup to HostGroup. Enabled defaults to true.
type Rule struct {
	Name      string   `json:"name"`
	Kind      RuleKind `json:"kind"`
	Enabled   *bool    `json:"enabled,omitempty"`
	VMs       []VMName `json:"vms,omitempty"`
	VMGroup   string   `json:"vm_group,omitempty"`
	HostGroup string   `json:"host_group,omitempty"`
}

// Active reports whether the rule is enabled (unset means enabled).
func (r Rule) Active() bool { return r.Enabled == nil || *r.Enabled }

// AdmissionControl mirrors vSphere's three admission-control policies.
// Only the fields of the selected Policy are meaningful.
type AdmissionControl struct {
	Policy        AdmissionPolicy `json:"policy"`
	HostFailures  int             `json:"host_failures,omitempty"`
	CPUPercent    int             `json:"cpu_percent,omitempty"`
	MemoryPercent int             `json:"memory_percent,omitempty"`
	FailoverHosts []HostName      `json:"failover_hosts,omitempty"`
	// SlotCPUMHz and SlotMemoryMB fix the slot size of the slot policy; zero
	// means vSphere computes it from the largest reservations.
	SlotCPUMHz   int64 `json:"slot_cpu_mhz,omitempty"`
	SlotMemoryMB int64 `json:"slot_memory_mb,omitempty"`
}

// DRSConfig is the part of the DRS configuration that is read for context.
type DRSConfig struct {
	Enabled bool `json:"enabled"`
	// Behavior is vSphere's own spelling of the automation level (DrsBehavior), kept for v1 readers.
	Behavior        string        `json:"behavior,omitempty"`
	AutomationLevel DRSAutomation `json:"automation_level,omitempty"`
}

// Host is a hypervisor host or a declared physical server.
type Host struct {
	Name HostName `json:"name"`
	// Ref is vCenter's managed object id (host-42), empty for declared servers; writes address hosts by it.
	Ref           string          `json:"ref,omitempty"`
	Cluster       ClusterName     `json:"cluster,omitempty"`
	Kind          HostKind        `json:"kind"`
	CPUCores      int             `json:"cpu_cores"`
	CPUMHzPerCore int64           `json:"cpu_mhz_per_core"`
	MemoryMB      int64           `json:"memory_mb"`
	Connection    Connection      `json:"connection"`
	Maintenance   bool            `json:"maintenance"`
	Datastores    []DatastoreName `json:"datastores,omitempty"`
	CPUUsageMHz   int64           `json:"cpu_usage_mhz"`
	MemoryUsageMB int64           `json:"memory_usage_mb"`
	Tags          []string        `json:"tags,omitempty"`
}

// CPUCapacityMHz is the host's CPU capacity as vSphere counts it.
func (h Host) CPUCapacityMHz() int64 { return int64(h.CPUCores) * h.CPUMHzPerCore }

// Available reports whether the host can run workloads now.
func (h Host) Available() bool { return h.Connection == Connected && !h.Maintenance }

// VM is a virtual machine (or a logical partition of a declared server).
type VM struct {
	Name VMName `json:"name"`
	// Ref is vCenter's managed object id (vm-42); writes address VMs by it, as names may repeat.
	Ref                 string          `json:"ref,omitempty"`
	Host                HostName        `json:"host"`
	Power               Power           `json:"power"`
	VCPU                int             `json:"vcpu"`
	MemoryMB            int64           `json:"memory_mb"`
	CPUReservationMHz   int64           `json:"cpu_reservation_mhz"`
	MemoryReservationMB int64           `json:"memory_reservation_mb"`
	MemoryOverheadMB    int64           `json:"memory_overhead_mb"`
	CPUUsageMHz         int64           `json:"cpu_usage_mhz"`
	MemoryUsageMB       int64           `json:"memory_usage_mb"`
	Datastores          []DatastoreName `json:"datastores,omitempty"`
	Tags                []string        `json:"tags,omitempty"`
	// RestartPriority overrides the cluster's default HA restart priority; empty uses it.
	RestartPriority RestartPriority `json:"ha_restart_priority,omitempty"`
	// DRSAutomation overrides the cluster's DRS automation level; empty uses it.
	DRSAutomation DRSAutomation `json:"drs_automation,omitempty"`
}

// PoweredOn reports whether the VM consumes host resources.
func (v VM) PoweredOn() bool { return v.Power == PoweredOn }

// Datastore is shared or local storage.
type Datastore struct {
	Name       DatastoreName `json:"name"`
	CapacityMB int64         `json:"capacity_mb"`
	FreeMB     int64         `json:"free_mb"`
}

// BusinessSystem groups the VMs and servers that together deliver one service.
type BusinessSystem struct {
	Name        SystemName  `json:"name"`
	Criticality Criticality `json:"criticality,omitempty"`
	VMs         []VMName    `json:"vms,omitempty"`
	Hosts       []HostName  `json:"hosts,omitempty"`
	MinHosts    int         `json:"min_hosts,omitempty"`
}

// StandbyGroup is an N+M cold-standby pairing of active and standby hosts.
type StandbyGroup struct {
	Name     GroupName  `json:"name"`
	Active   []HostName `json:"active"`
	Standby  []HostName `json:"standby"`
	Tolerate int        `json:"tolerate"`
	Takeover Takeover   `json:"takeover"`
}

// Estate is the plain, mutable description of everything a Snapshot indexes.
type Estate struct {
	Clusters        []Cluster        `json:"clusters"`
	Hosts           []Host           `json:"hosts"`
	VMs             []VM             `json:"vms"`
	Datastores      []Datastore      `json:"datastores"`
	BusinessSystems []BusinessSystem `json:"business_systems"`
	StandbyGroups   []StandbyGroup   `json:"standby_groups"`
}
