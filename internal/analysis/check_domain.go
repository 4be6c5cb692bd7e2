package analysis

import (
	"fmt"
	"slices"
)

// domainChecker: where a VM may go at all.
//   - restart: vSphere HA restarts a VM only on the other hosts of its cluster
//     (vSphere Availability, "How vSphere HA Works"), and only when HA and host
//     monitoring are on there (see restartDomain); a cold-standby group adds
//     its standby hosts.
//   - evacuation: the other hosts of its cluster: DRS evacuates a host
//     entering maintenance within its cluster (vSphere Resource Management,
//     "Using DRS Clusters to Manage Resources"); cold-standby hosts are not
//     DRS targets.
//   - migration: any host the user names (vMotion crosses clusters).
type domainChecker struct{}

func (domainChecker) name() string   { return "domain" }
func (domainChecker) hostOnly() bool { return false }
func (domainChecker) static() bool   { return true }
func (domainChecker) ok(p *problem, v, h int) bool {
	return p.purpose == migration || slices.Contains(p.domain(v), h)
}
func (domainChecker) why(p *problem, v, h int) string {
	return fmt.Sprintf("is outside the hosts %s places VM %q from host %q on", p.purpose, p.w.vms[v].Name, p.w.hosts[p.w.vmHost[v]].Name)
}

func (pp purpose) String() string {
	switch pp {
	case restart:
		return "vSphere HA"
	case evacuation:
		return "an evacuation"
	default:
		return "a migration"
	}
}

// domain lists the hosts a VM may be placed on for the problem's purpose.
func (p *problem) domain(v int) []int {
	if p.purpose == migration {
		return p.targets
	}
	if p.purpose == restart {
		return p.w.restartTo[p.w.vmHost[v]]
	}
	return p.w.moveTo[p.w.vmHost[v]]
}

func (w *world) indexDomains() {
	w.restartTo, w.moveTo = make([][]int, len(w.hosts)), make([][]int, len(w.hosts))
	for h := range w.hosts {
		w.restartTo[h], w.moveTo[h] = w.restartDomain(h), w.moveDomain(h)
	}
}

// restartDomain: the hosts HA (or a standby group) restarts host h's VMs on.
func (w *world) restartDomain(h int) []int {
	var out []int
	if c := w.cluster[h]; c >= 0 && w.clusters[c].HA.RestartsOnHostFailure() {
		out = w.clusterHosts[c]
	}
	if len(w.standby[h]) == 0 {
		return out
	}
	return union(out, w.standby[h])
}

// moveDomain: the hosts host h's VMs can be moved to while it stays up: the
// other hosts of its cluster.
func (w *world) moveDomain(h int) []int {
	if c := w.cluster[h]; c >= 0 {
		return w.clusterHosts[c]
	}
	return nil
}

// noRestartReason says why HA restarts nothing from host h, or "".
func (w *world) noRestartReason(h int) string {
	c := w.cluster[h]
	switch {
	case len(w.standby[h]) > 0:
		return ""
	case c < 0:
		return fmt.Sprintf("host %q is in no cluster or standby group", w.hosts[h].Name)
	case !w.clusters[c].HA.Enabled:
		// vSphere Availability, "Creating and Using vSphere HA Clusters": without HA nothing is restarted.
		return fmt.Sprintf("vSphere HA is disabled in cluster %q", w.clusters[c].Name)
	case !w.clusters[c].HA.RestartsOnHostFailure():
		// vSphere Availability, "Host Monitoring": with it off, HA does not respond to host failures.
		return fmt.Sprintf("vSphere HA host monitoring is disabled in cluster %q", w.clusters[c].Name)
	}
	return ""
}

func union(a, b []int) []int {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
