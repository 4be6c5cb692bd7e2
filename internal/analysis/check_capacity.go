package analysis

import "fmt"

// capacityChecker: the host has room for the VM's demand under the policy,
// given what the search has placed so far. For vSphere HA the basis
// "reservation" is what HA itself checks before a restart.
type capacityChecker struct{}

func (capacityChecker) name() string   { return "capacity" }
func (capacityChecker) hostOnly() bool { return false }
func (capacityChecker) static() bool   { return false }
func (capacityChecker) ok(p *problem, v, h int) bool {
	k := p.w.slot[h]
	return k >= 0 && p.demand(v, h).fits(p.free[k])
}
func (capacityChecker) why(p *problem, v, h int) string {
	k := p.w.slot[h]
	if k < 0 {
		return "is not a target here"
	}
	d := p.demand(v, h)
	for _, dim := range d.exceeds(p.free[k]) {
		return fmt.Sprintf("has no room for VM %q: %s requested %d, free %d of %d", p.w.vms[v].Name, dim, d.get(dim), p.free[k].get(dim), p.w.capacity[h].get(dim))
	}
	return ""
}
