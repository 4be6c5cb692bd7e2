package inventory

// Allocation is what the VMs registered on a host ask of it, counted the way
// vCenter's host summary counts them: only powered-on VMs consume resources.
type Allocation struct {
	VMs               int   // registered VMs, any power state
	PoweredOn         int   // powered-on VMs
	CPUCommittedMHz   int64 // Σ vCPU × the host's MHz per core
	MemoryCommittedMB int64 // Σ configured memory
	CPUReservedMHz    int64 // Σ CPU reservation
	MemoryReservedMB  int64 // Σ memory reservation + overhead (what HA admission control counts)
}

// Allocation sums what the powered-on VMs on a host commit and reserve.
func (s *Snapshot) Allocation(h HostName) Allocation {
	host, _ := s.Host(h)
	var a Allocation
	for _, v := range s.VMsOn(h) {
		a.VMs++
		if !v.PoweredOn() {
			continue
		}
		a.PoweredOn++
		a.CPUCommittedMHz += int64(v.VCPU) * host.CPUMHzPerCore
		a.MemoryCommittedMB += v.MemoryMB
		a.CPUReservedMHz += v.CPUReservationMHz
		a.MemoryReservedMB += v.MemoryReservationMB + v.MemoryOverheadMB
	}
	return a
}
