package analysis

import (
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// vmMinimums are the CPU and memory a VM counts for at least in admission
// control: das.vmcpuminmhz (default 32 MHz) and das.vmmemoryminmb (default
// 0 MiB), applied when the reservation is smaller (vSphere Availability,
// "Slot Size Calculation" and "vSphere HA Advanced Options").
type vmMinimums struct{ cpuMHz, memoryMB int64 }

func minimumsOf(c inventory.Cluster) vmMinimums {
	return vmMinimums{c.HA.Options.MinCPUMHz(), c.HA.Options.MinMemoryMB()}
}

func (m vmMinimums) cpu(v inventory.VM) int64 { return max(v.CPUReservationMHz, m.cpuMHz) }

// memory is the reservation (at least the minimum) plus the VM's overhead.
func (m vmMinimums) memory(v inventory.VM) int64 {
	return satAdd(max(v.MemoryReservationMB, m.memoryMB), v.MemoryOverheadMB)
}

// Admission is a cluster's HA admission control, computed as vSphere defines
// it for the cluster's policy (vSphere Availability guide, "Admission control
// policies"). Fields of the other policies stay zero.
type Admission struct {
	Cluster      inventory.ClusterName     `json:"cluster"`
	Policy       inventory.AdmissionPolicy `json:"policy"`
	HostFailures int                       `json:"host_failures"`

	// Slot policy.
	SlotCPUMHz              int64                      `json:"slot_cpu_mhz"`
	SlotMemoryMB            int64                      `json:"slot_memory_mb"`
	SlotsPerHost            map[inventory.HostName]int `json:"slots_per_host"`
	SlotsTotal              int                        `json:"slots_total"`
	SlotsUsed               int                        `json:"slots_used"`
	SlotsAvailable          int                        `json:"slots_available"`
	CurrentFailoverCapacity int                        `json:"current_failover_capacity"`

	// Percentage policy: current failover capacity in percent of the cluster's resources.
	CPUFailoverPercent    int `json:"cpu_failover_percent"`
	MemoryFailoverPercent int `json:"memory_failover_percent"`

	AdmissionOK bool   `json:"admission_ok"`
	Reason      string `json:"reason"`
}

// AdmissionControl computes HA admission control for every cluster.
func AdmissionControl(s *inventory.Snapshot) []Admission {
	out := make([]Admission, 0, len(s.Clusters()))
	for _, c := range s.Clusters() {
		out = append(out, admissionOf(s, c))
	}
	return out
}

func admissionOf(s *inventory.Snapshot, c inventory.Cluster) Admission {
	ac := c.HA.AdmissionControl
	a := Admission{Cluster: c.Name, Policy: ac.Policy, HostFailures: ac.HostFailures}
	hosts, vms := clusterMembers(s, c.Name)
	switch ac.Policy {
	case inventory.PolicySlot:
		slotPolicy(&a, ac, minimumsOf(c), hosts, vms)
	case inventory.PolicyPercentage:
		percentagePolicy(&a, ac, minimumsOf(c), hosts, vms)
	case inventory.PolicyFailoverHosts:
		failoverHostsPolicy(&a, s, ac)
	default:
		a.AdmissionOK, a.Reason = true, "admission control is disabled: vSphere powers VMs on without checking failover capacity"
	}
	return a
}

// clusterMembers returns the hosts HA counts (connected, not in maintenance)
// and the powered-on VMs of a cluster.
func clusterMembers(s *inventory.Snapshot, c inventory.ClusterName) ([]inventory.Host, []inventory.VM) {
	var hosts []inventory.Host
	var vms []inventory.VM
	for _, h := range s.HostsIn(c) {
		if h.Available() {
			hosts = append(hosts, h)
		}
		for _, v := range s.VMsOn(h.Name) {
			if v.PoweredOn() {
				vms = append(vms, v)
			}
		}
	}
	return hosts, vms
}

// slotPolicy: the slot is the largest CPU reservation (at least
// das.vmcpuminmhz) and the largest memory reservation (at least
// das.vmmemoryminmb) plus overhead of the powered-on VMs, unless a fixed slot
// size is set. A host holds as many slots as fit in both its CPU
// and its memory. The current failover capacity is how many hosts can fail,
// largest (most slots) first, while the rest still hold a slot for every
// powered-on VM; the slots of the `host_failures` largest hosts are reserved.
func slotPolicy(a *Admission, ac inventory.AdmissionControl, m vmMinimums, hosts []inventory.Host, vms []inventory.VM) {
	a.SlotCPUMHz, a.SlotMemoryMB = ac.SlotCPUMHz, ac.SlotMemoryMB
	if a.SlotCPUMHz == 0 {
		a.SlotCPUMHz = m.cpuMHz
		for _, v := range vms {
			a.SlotCPUMHz = max(a.SlotCPUMHz, m.cpu(v))
		}
	}
	if a.SlotMemoryMB == 0 {
		for _, v := range vms {
			a.SlotMemoryMB = max(a.SlotMemoryMB, m.memory(v))
		}
	}
	a.SlotsPerHost = map[inventory.HostName]int{}
	slots := make([]int, 0, len(hosts))
	for _, h := range hosts {
		n := slotsOn(h, a.SlotCPUMHz, a.SlotMemoryMB)
		a.SlotsPerHost[h.Name] = n
		a.SlotsTotal = int(satAdd(int64(a.SlotsTotal), int64(n)))
		slots = append(slots, n)
	}
	for _, v := range vms {
		a.SlotsUsed = int(satAdd(int64(a.SlotsUsed), int64(slotsFor(v, a.SlotCPUMHz, a.SlotMemoryMB))))
	}
	slices.SortFunc(slots, func(x, y int) int { return y - x })
	remaining := a.SlotsTotal
	a.CurrentFailoverCapacity = 0
	for _, n := range slots {
		if remaining-n < a.SlotsUsed {
			break
		}
		remaining -= n
		a.CurrentFailoverCapacity++
	}
	if a.SlotsTotal < a.SlotsUsed {
		a.CurrentFailoverCapacity = 0
	}
	reserved := 0
	for i := 0; i < ac.HostFailures && i < len(slots); i++ {
		reserved += slots[i]
	}
	a.SlotsAvailable = max(0, a.SlotsTotal-a.SlotsUsed-reserved)
	a.AdmissionOK = a.CurrentFailoverCapacity >= ac.HostFailures && a.SlotsTotal >= a.SlotsUsed
	a.Reason = fmt.Sprintf("slot %d MHz / %d MiB; %d of %d slots used; %d host failure(s) can be tolerated, %d configured",
		a.SlotCPUMHz, a.SlotMemoryMB, a.SlotsUsed, a.SlotsTotal, a.CurrentFailoverCapacity, ac.HostFailures)
}

func slotsOn(h inventory.Host, cpu, mem int64) int {
	n := satMul(int64(h.CPUCores), h.CPUMHzPerCore) / max(cpu, 1)
	if mem > 0 {
		n = min(n, h.MemoryMB/mem)
	}
	return int(n)
}

// slotsFor is how many slots a VM takes: one, or more when a fixed slot size
// is smaller than its reservation (vSphere 6.5 and later).
func slotsFor(v inventory.VM, cpu, mem int64) int {
	n := ceilDiv(max(v.CPUReservationMHz, 1), max(cpu, 1))
	if mem > 0 {
		n = max(n, ceilDiv(satAdd(v.MemoryReservationMB, v.MemoryOverheadMB), mem))
	}
	return int(max(n, 1))
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

// percentagePolicy: current failover capacity is the share of the cluster's
// CPU and memory not reserved by powered-on VMs (reservations count at least
// das.vmcpuminmhz and das.vmmemoryminmb; memory adds the overhead), rounded
// down like the vSphere client shows it, against the configured percentages.
func percentagePolicy(a *Admission, ac inventory.AdmissionControl, m vmMinimums, hosts []inventory.Host, vms []inventory.VM) {
	var cpuTotal, memTotal, cpuUsed, memUsed int64
	for _, h := range hosts {
		cpuTotal = satAdd(cpuTotal, satMul(int64(h.CPUCores), h.CPUMHzPerCore))
		memTotal = satAdd(memTotal, h.MemoryMB)
	}
	for _, v := range vms {
		cpuUsed = satAdd(cpuUsed, m.cpu(v))
		memUsed = satAdd(memUsed, m.memory(v))
	}
	a.CPUFailoverPercent = percentFree(cpuTotal, cpuUsed)
	a.MemoryFailoverPercent = percentFree(memTotal, memUsed)
	a.AdmissionOK = a.CPUFailoverPercent >= ac.CPUPercent && a.MemoryFailoverPercent >= ac.MemoryPercent
	a.Reason = fmt.Sprintf("current failover capacity CPU %d%% (configured %d%%), memory %d%% (configured %d%%)",
		a.CPUFailoverPercent, ac.CPUPercent, a.MemoryFailoverPercent, ac.MemoryPercent)
}

// percentFree is ⌊(total − used) × 100 / total⌋, rounded down also below zero
// (reservations above capacity must not show as 0 %), without overflow.
func percentFree(total, used int64) int {
	if total <= 0 {
		return 0
	}
	q := new(big.Int).Sub(big.NewInt(total), big.NewInt(used))
	q.Mul(q, big.NewInt(100))
	q.Div(q, big.NewInt(total)) // Euclidean: the floor for a positive divisor
	if !q.IsInt64() {
		return math.MinInt32
	}
	return int(q.Int64())
}

// failoverHostsPolicy: the dedicated failover hosts must be available and run
// no powered-on VMs (vSphere keeps them empty).
func failoverHostsPolicy(a *Admission, s *inventory.Snapshot, ac inventory.AdmissionControl) {
	a.AdmissionOK = len(ac.FailoverHosts) > 0
	a.Reason = fmt.Sprintf("%d dedicated failover host(s), all available and empty", len(ac.FailoverHosts))
	if len(ac.FailoverHosts) == 0 {
		a.Reason = "no dedicated failover host is configured"
	}
	for _, name := range ac.FailoverHosts {
		h, _ := s.Host(name)
		running := 0
		for _, v := range s.VMsOn(name) {
			if v.PoweredOn() {
				running++
			}
		}
		switch {
		case !h.Available():
			a.AdmissionOK, a.Reason = false, fmt.Sprintf("failover host %q is not available (%s, maintenance %t)", name, h.Connection, h.Maintenance)
		case running > 0:
			a.AdmissionOK, a.Reason = false, fmt.Sprintf("failover host %q runs %d powered-on VM(s); vSphere keeps failover hosts empty", name, running)
		}
		if !a.AdmissionOK {
			return
		}
	}
}
