package analysis

import (
	"fmt"
	"math/big"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// LoadedAbove says, one line per host and dimension, which of the given hosts
// carry more than percent of what they may carry under the policy (capacity
// after overcommit and headroom): the plan-time warning of a change that fits
// but leaves a host nearly full. Unavailable hosts carry nothing and are skipped.
// The comparison is exact (used × 100 > percent × capacity, in rationals).
func LoadedAbove(s *inventory.Snapshot, p Policy, percent float64, hosts []inventory.HostName) []string {
	var out []string
	limit := new(big.Rat)
	if limit.SetFloat64(percent) == nil {
		return nil
	}
	for _, name := range sorted(hosts) {
		h, ok := s.Host(name)
		if !ok || !h.Available() {
			continue
		}
		out = append(out, loadedAbove(name, loadOf(s, p, h), limit, percent)...)
	}
	return out
}

// loadedAbove is LoadedAbove's verdict on one host's load.
func loadedAbove(name inventory.HostName, l HostLoad, limit *big.Rat, percent float64) []string {
	var out []string
	for _, d := range []struct {
		dim           Dimension
		used, limitOf int64
		unit          string
	}{{CPU, l.Used.CPU, l.Capacity.CPU, "MHz"}, {Memory, l.Used.Memory, l.Capacity.Memory, "MiB"}} {
		used := new(big.Rat).SetInt64(d.used)
		used.Mul(used, big.NewRat(100, 1))
		bound := new(big.Rat).Mul(limit, new(big.Rat).SetInt64(d.limitOf))
		if used.Cmp(bound) > 0 {
			share := 100.0
			if d.limitOf > 0 {
				share = float64(d.used) * 100 / float64(d.limitOf)
			}
			out = append(out, fmt.Sprintf("host %q would carry %s %d of %d %s (%.0f %%), above %g %%", name, d.dim, d.used, d.limitOf, d.unit, share, percent))
		}
	}
	return out
}

// LoadedAboveAfterMove is LoadedAbove of the target host after moving one VM
// there (s.With(inventory.MoveVM{vm, host})), computed from the target's load
// without building the moved estate: that rebuild is linear in the estate
// (30 ms at 10,000 VMs), and every estate_vm_placement of a plan asked for it.
// A VM already on the host, an unknown VM or host, or an unavailable host
// gives no warning.
func LoadedAboveAfterMove(s *inventory.Snapshot, p Policy, percent float64, vm inventory.VMName, host inventory.HostName) []string {
	limit := new(big.Rat)
	if limit.SetFloat64(percent) == nil {
		return nil
	}
	v, ok := s.VM(vm)
	h, hok := s.Host(host)
	if !ok || !hok || v.Host == host || !h.Available() {
		return nil
	}
	l := loadOf(s, p, h)
	if p.Basis == BasisUsage && len(s.VMsOn(host)) == 0 {
		// loadOf counted a declared server's own usage because it had no VMs; now it has one.
		l.Used = Resources{}
	}
	if v.PoweredOn() {
		v.Host = host
		l.Used = l.Used.add(p.Demand(v, h))
		l.VMs++
	}
	return loadedAbove(host, l, limit, percent)
}
