package analysis

import (
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// inScope reports whether a failure of these hosts belongs to the checks:
// hosts of the named clusters (all of them when none are named), servers
// outside any cluster and declared servers (in their failover domains) — a
// scope leaves out other vCenter clusters, not declared servers.
func inScope(s *inventory.Snapshot, clusters []inventory.ClusterName, hosts []inventory.HostName) bool {
	if len(clusters) == 0 {
		return true
	}
	return slices.ContainsFunc(hosts, func(h inventory.HostName) bool {
		host, _ := s.Host(h)
		return host.Cluster == "" || host.Kind != inventory.KindESXi || slices.Contains(clusters, host.Cluster)
	})
}

// limitTo keeps what belongs to the named clusters: their admission control,
// their hosts' loads, their rules and the standby groups with an active host
// there. Business systems and maintenance are kept whole.
func (r *Report) limitTo(s *inventory.Snapshot, clusters []inventory.ClusterName) {
	r.Scope = slices.Clone(clusters)
	slices.Sort(r.Scope)
	in := func(c inventory.ClusterName) bool { return c == "" || slices.Contains(clusters, c) }
	r.Clusters = slices.DeleteFunc(r.Clusters, func(a Admission) bool { return !in(a.Cluster) })
	r.Hosts = slices.DeleteFunc(r.Hosts, func(h HostLoad) bool { return !in(h.Cluster) })
	r.RuleViolations = slices.DeleteFunc(r.RuleViolations, func(v RuleViolation) bool { return !in(v.Cluster) })
	r.Standby = slices.DeleteFunc(r.Standby, func(t Takeover) bool {
		g, _ := s.StandbyGroup(t.Group)
		return !inScope(s, clusters, g.Active)
	})
}
