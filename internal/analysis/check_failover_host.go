package analysis

import "fmt"

// failoverHostChecker: a dedicated failover host (admission control policy
// "failover hosts") is kept empty: vSphere prevents powering on VMs on it and
// migrating VMs to it with vMotion; only HA restarts VMs there
// (vSphere Availability, "Dedicated Failover Hosts Admission Control").
type failoverHostChecker struct{}

func (failoverHostChecker) name() string   { return "failover_host" }
func (failoverHostChecker) hostOnly() bool { return true }
func (failoverHostChecker) static() bool   { return true }
func (failoverHostChecker) ok(p *problem, _, h int) bool {
	return p.purpose == restart || !p.w.failover[h]
}
func (failoverHostChecker) why(p *problem, _, h int) string {
	return fmt.Sprintf("is a dedicated HA failover host of cluster %q: vSphere keeps it empty", p.w.hosts[h].Cluster)
}
