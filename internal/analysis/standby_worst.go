package analysis

import (
	"math"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// StandbyCase is one k-subset takeover of a standby group with the numbers
// behind its verdict, for the group's worst case.
type StandbyCase struct {
	Takeover
	// Need is what the failed hosts hand over, summed: their hardware size
	// (whole_host) or their powered-on VMs' demand (consolidated; see workload).
	Need Resources `json:"need"`
	// Offer is what the available standby hosts can take in, summed: the size
	// of the idle ones (whole_host) or their free capacity (consolidated).
	Offer Resources `json:"offer"`
}

// Headroom is Offer − Need in each dimension; a negative value is the shortfall.
// The verdict is the exact check's (whole_host also needs one standby per
// failed host, each at least as large); the sums explain it.
func (c StandbyCase) Headroom() Resources { return c.Offer.sub(c.Need) }

// StandbyWorstCase is the group's worst takeover over every subset of up to
// `tolerate` active hosts failing: an unsafe one when there is one (the one
// short by most, relative to what the standby hosts offer), otherwise the
// one with the least headroom relative to the offer. ok is false when the
// snapshot has no such group.
func StandbyWorstCase(s *inventory.Snapshot, p Policy, group inventory.GroupName) (worst StandbyCase, ok bool) {
	g, ok := s.StandbyGroup(group)
	if !ok {
		return StandbyCase{}, false
	}
	w := newWorld(s, p)
	best := math.Inf(1)
	first := true
	for k := 1; k <= g.Tolerate; k++ {
		subsets(g.Active, k, func(failed []inventory.HostName) bool {
			standby := w.standbyHosts(g, failed)
			c := StandbyCase{Takeover: w.takeover(g, failed, standby)}
			c.Need, c.Offer = standbyNumbers(s, p, g, failed, standby)
			score := c.margin()
			if c.Verdict == Unsafe {
				score -= 2 // below every safe case, whose margin is at least -1
			}
			if first || score < best {
				worst, best, first = c, score, false
			}
			return true
		})
	}
	return worst, true
}

// margin is the smaller of the two headrooms as a fraction of the offer
// (from -1 upwards when Need ≤ 2·Offer); no offer at all is the worst.
func (c StandbyCase) margin() float64 {
	h := c.Headroom()
	frac := func(head, offer int64) float64 {
		if offer <= 0 {
			if head >= 0 {
				return 0
			}
			return -1
		}
		return max(float64(head)/float64(offer), -1)
	}
	return min(frac(h.CPU, c.Offer.CPU), frac(h.Memory, c.Offer.Memory))
}

func standbyNumbers(s *inventory.Snapshot, p Policy, g inventory.StandbyGroup, failed []inventory.HostName, standby []inventory.Host) (need, offer Resources) {
	var target inventory.Host
	for _, h := range standby {
		if g.Takeover == inventory.TakeoverWholeHost && loadOf(s, p, h).VMs > 0 {
			continue // a busy standby takes no whole host's role
		}
		if target.Name == "" {
			target = h
		}
		if g.Takeover == inventory.TakeoverWholeHost {
			offer = offer.add(Resources{CPU: satMul(int64(h.CPUCores), h.CPUMHzPerCore), Memory: h.MemoryMB})
		} else {
			offer = offer.add(p.Capacity(h).sub(loadOf(s, p, h).Used))
		}
	}
	for _, name := range failed {
		on := target
		if on.Name == "" {
			on, _ = s.Host(name) // no standby: the demand as on its own host
		}
		need = need.add(workload(s, p, name, g.Takeover, on))
	}
	return need, offer
}

// SinglePointsOfFailure are the hosts whose failure alone takes every running
// member of the system down: its only host, when it runs on exactly one.
func (s Spread) SinglePointsOfFailure() []inventory.HostName {
	if len(s.Hosts) == 1 {
		return []inventory.HostName{s.Hosts[0]}
	}
	return []inventory.HostName{}
}
