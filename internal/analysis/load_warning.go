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
		l := loadOf(s, p, h)
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
	}
	return out
}
