package analysis

import (
	"math"
	"math/big"
	"strconv"

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

// add and sub saturate at the int64 limits instead of wrapping: the snapshot
// format bounds no field from above, and a wrapped sum would turn an absurdly
// overloaded host into an empty one (a wrong "safe").
func (r Resources) add(o Resources) Resources {
	return Resources{satAdd(r.CPU, o.CPU), satAdd(r.Memory, o.Memory)}
}
func (r Resources) sub(o Resources) Resources {
	return Resources{satSub(r.CPU, o.CPU), satSub(r.Memory, o.Memory)}
}

func satAdd(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

func satSub(a, b int64) int64 {
	if b == math.MinInt64 {
		return satAdd(satAdd(a, math.MaxInt64), 1)
	}
	return satAdd(a, -b)
}

// satMul multiplies non-negative numbers, saturating at math.MaxInt64.
func satMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// fits reports whether r fits in free in every dimension.
func (r Resources) fits(free Resources) bool { return r.CPU <= free.CPU && r.Memory <= free.Memory }

// exceeds lists the dimensions in which r does not fit in free.
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
		return Resources{CPU: satMul(int64(vm.VCPU), on.CPUMHzPerCore), Memory: satAdd(vm.MemoryMB, vm.MemoryOverheadMB)}
	case BasisUsage:
		return Resources{CPU: vm.CPUUsageMHz, Memory: vm.MemoryUsageMB}
	default:
		return Resources{CPU: vm.CPUReservationMHz, Memory: satAdd(vm.MemoryReservationMB, vm.MemoryOverheadMB)}
	}
}

// Capacity is what a host may carry under the policy: its hardware times the
// overcommit ratio, less the headroom. Hosts that are not connected or are in
// maintenance carry no new load.
func (p Policy) Capacity(h inventory.Host) Resources {
	if !h.Available() {
		return Resources{}
	}
	return Resources{
		CPU:    capacityShare(satMul(int64(h.CPUCores), h.CPUMHzPerCore), p.CPUOvercommit, p.HeadroomPercent),
		Memory: capacityShare(h.MemoryMB, p.MemoryOvercommit, p.HeadroomPercent),
	}
}

// decimal is the number a user wrote, as the shortest decimal that reads back
// as x: 0.3 is 3/10, not the binary double just below it. nil for NaN or ±Inf.
func decimal(x float64) *big.Rat {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	return r
}

// capacityShare is ⌊x × overcommit × (100 − headroom) / 100⌋ in exact
// rational arithmetic, clamped to [0, MaxInt64]. In floating point, 5000 MiB
// with 31 % headroom came to 3449 instead of 3450 (0.69 is not a binary
// fraction): a VM that fits exactly was refused, a wrong "unsafe".
func capacityShare(x int64, overcommit, headroom float64) int64 {
	if overcommit == 1 && headroom == 0 {
		return max(x, 0)
	}
	over, room := decimal(overcommit), decimal(headroom)
	if over == nil || room == nil {
		return 0 // NaN or infinite: Policy.Validate refuses them
	}
	r := new(big.Rat).SetInt64(x)
	r.Mul(r, over)
	r.Mul(r, room.Sub(big.NewRat(1, 1), room.Quo(room, big.NewRat(100, 1))))
	q := new(big.Int).Div(r.Num(), r.Denom()) // Euclidean: the floor for a positive denominator
	switch {
	case q.Sign() <= 0:
		return 0
	case !q.IsInt64():
		return math.MaxInt64
	}
	return q.Int64()
}
