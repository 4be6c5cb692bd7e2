package analysis

import (
	"math"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Dimension is a resource a host has a limited amount of.
type Dimension string

const (
	CPU    Dimension = "cpu"    // MHz
	Memory Dimension = "memory" // MiB
)

// Resources is an amount of CPU (MHz) and memory (MiB).
type Resources struct {
	CPU    int64 `json:"cpu_mhz"`
	Memory int64 `json:"memory_mb"`
}

func (r Resources) add(o Resources) Resources { return Resources{r.CPU + o.CPU, r.Memory + o.Memory} }
func (r Resources) sub(o Resources) Resources { return Resources{r.CPU - o.CPU, r.Memory - o.Memory} }

// fitsIn reports whether r fits in free, and which dimensions do not.
func (r Resources) exceeds(free Resources) []Dimension {
	var over []Dimension
	if r.CPU > free.CPU {
		over = append(over, CPU)
	}
	if r.Memory > free.Memory {
		over = append(over, Memory)
	}
	return over
}

func (r Resources) get(d Dimension) int64 {
	if d == CPU {
		return r.CPU
	}
	return r.Memory
}

// Demand is what a VM asks of a host under the policy's basis. Under the
// configured basis CPU depends on the host's clock, so the host is needed.
func (p Policy) Demand(vm inventory.VM, on inventory.Host) Resources {
	switch p.Basis {
	case BasisConfigured:
		return Resources{CPU: int64(vm.VCPU) * on.CPUMHzPerCore, Memory: vm.MemoryMB + vm.MemoryOverheadMB}
	case BasisUsage:
		return Resources{CPU: vm.CPUUsageMHz, Memory: vm.MemoryUsageMB}
	default:
		return Resources{CPU: vm.CPUReservationMHz, Memory: vm.MemoryReservationMB + vm.MemoryOverheadMB}
	}
}

// Capacity is what a host may carry under the policy: its hardware times the
// overcommit ratio, less the headroom. Hosts that are not connected or are in
// maintenance carry no new load.
func (p Policy) Capacity(h inventory.Host) Resources {
	if !h.Available() {
		return Resources{}
	}
	keep := 1 - p.HeadroomPercent/100
	return Resources{
		CPU:    int64(math.Floor(float64(h.CPUCapacityMHz()) * p.CPUOvercommit * keep)),
		Memory: int64(math.Floor(float64(h.MemoryMB) * p.MemoryOvercommit * keep)),
	}
}
