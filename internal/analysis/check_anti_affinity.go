package analysis

import "fmt"

// antiAffinityChecker: VM-VM anti-affinity rules keep their VMs on different
// hosts, counting the members already running there. DRS never places VMs
// against them; vSphere HA respects them at failover when the cluster's
// das.respectvmvmantiaffinityrules is true, its default since vSphere 6.5
// (vSphere Availability, "vSphere HA Advanced Options": HA does not fail over
// a VM if doing so violates a rule and reports insufficient resources).
type antiAffinityChecker struct{}

func (antiAffinityChecker) name() string                 { return "anti_affinity" }
func (antiAffinityChecker) hostOnly() bool               { return false }
func (antiAffinityChecker) static() bool                 { return false }
func (antiAffinityChecker) ok(p *problem, v, h int) bool { return p.antiConflict(v, h) < 0 }
func (antiAffinityChecker) why(p *problem, v, h int) string {
	r := p.antiConflict(v, h)
	if r < 0 {
		return ""
	}
	return fmt.Sprintf("already runs a VM of anti-affinity rule %q", p.w.rules.anti[r].name)
}

// antiConflict returns the anti-affinity rule that host h breaks for VM v, or -1.
func (p *problem) antiConflict(v, h int) int {
	k := p.w.slot[h]
	for _, r := range p.w.rules.antiOf[v] {
		if !p.enforces(r) {
			continue
		}
		if k < 0 || p.anti[r][k] > 0 {
			return r
		}
	}
	return -1
}

func (p *problem) enforces(r int) bool {
	return p.purpose != restart || p.w.rules.anti[r].duringFailover
}
