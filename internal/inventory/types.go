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
}

// HAConfig is the vSphere HA configuration relevant to failover capacity.
type HAConfig struct {
	Enabled          bool             `json:"enabled"`
	AdmissionControl AdmissionControl `json:"admission_control"`
}

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
	Enabled  bool   `json:"enabled"`
	Behavior string `json:"behavior,omitempty"`
}

// Host is a hypervisor host or a declared physical server.
type Host struct {
	Name          HostName        `json:"name"`
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
	Name                VMName          `json:"name"`
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
