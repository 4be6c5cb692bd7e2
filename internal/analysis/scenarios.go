package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// DefaultMaxScenarios bounds the failure combinations one analysis checks
// when the policy sets no limit: far above what tolerate 2 costs on a
// 1,000-host estate in 32-host clusters (16,896), far below what runs for
// minutes or fills memory.
const DefaultMaxScenarios = 100_000

func (p Policy) maxScenarios() int64 {
	if p.MaxScenarios > 0 {
		return int64(p.MaxScenarios)
	}
	return DefaultMaxScenarios
}

// HostFailures checks every k-subset of the available hosts of each cluster,
// for k = 1 … tolerate, and every available host outside clusters on its own.
// Tolerate 0 checks no host failure.
// Failures in different clusters are independent for vSphere HA, so subsets
// do not mix clusters. It is unbounded: callers with untrusted input use
// AnalyzeContext, which checks the size of the work first and can be cancelled.
func HostFailures(s *inventory.Snapshot, p Policy) []Scenario {
	var out []Scenario
	_ = eachHostFailure(context.Background(), newWorld(s, p), nil, func(sc Scenario) { out = append(out, sc) })
	return out
}

// eachHostFailure hands every host-failure scenario of the failure domains in
// scope (inScope: all when clusters is empty) to keep, one at a time, and
// stops with the context's error when it is cancelled.
func eachHostFailure(ctx context.Context, w *world, clusters []inventory.ClusterName, keep func(Scenario)) error {
	for _, group := range failureDomainsIn(w.snap, clusters) {
		for k := 1; k <= w.policy.Tolerate && k <= len(group); k++ {
			var err error
			subsets(group, k, func(hosts []inventory.HostName) bool {
				if err = ctx.Err(); err != nil {
					return false
				}
				keep(w.fail(Failure{Hosts: hosts}))
				return true
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// failureDomainsIn is failureDomains in scope (inScope).
func failureDomainsIn(s *inventory.Snapshot, clusters []inventory.ClusterName) [][]inventory.HostName {
	out := failureDomains(s)
	return slices.DeleteFunc(out, func(group []inventory.HostName) bool { return !inScope(s, clusters, group) })
}

// failureDomains lists, per cluster, its available hosts; each available host
// outside any cluster is a domain of its own.
func failureDomains(s *inventory.Snapshot) [][]inventory.HostName {
	var out [][]inventory.HostName
	for _, c := range s.Clusters() {
		var hosts []inventory.HostName
		for _, h := range s.HostsIn(c.Name) {
			if h.Available() {
				hosts = append(hosts, h.Name)
			}
		}
		if len(hosts) > 0 {
			out = append(out, hosts)
		}
	}
	for _, h := range s.Hosts() {
		if h.Cluster == "" && h.Available() {
			out = append(out, []inventory.HostName{h.Name})
		}
	}
	return out
}

// workSize counts the scenarios an analysis would check — host-failure
// subsets per cluster (unless one failure is named) and standby-group
// subsets — saturating at MaxInt64, and names the largest contributor.
func workSize(s *inventory.Snapshot, p Policy, namedFailure bool, clusters []inventory.ClusterName) (int64, string) {
	var total, largest int64
	var what string
	add := func(n, k int, name string) {
		c := combinationsUpTo(n, k)
		total = satAdd(total, c)
		if c > largest {
			largest, what = c, fmt.Sprintf("%s: %d hosts, up to %d failing", name, n, min(n, k))
		}
	}
	for i, group := range failureDomainsIn(s, clusters) {
		if namedFailure {
			break
		}
		name := fmt.Sprintf("failure domain %d", i+1)
		if h, ok := s.Host(group[0]); ok && h.Cluster != "" {
			name = fmt.Sprintf("cluster %q", h.Cluster)
		}
		add(len(group), p.Tolerate, name)
	}
	for _, g := range s.StandbyGroups() {
		add(len(g.Active), g.Tolerate, fmt.Sprintf("standby group %q", g.Name)) // computed whole: a report keeps the groups in scope
	}
	return total, what
}

// combinationsUpTo is C(n,1) + … + C(n,k), saturating at MaxInt64.
func combinationsUpTo(n, k int) int64 {
	var sum int64
	c := int64(1) // C(n, 0)
	for i := 1; i <= k && i <= n; i++ {
		// C(n,i) = C(n,i-1) × (n-i+1) / i; exact while it fits, since C(n,i-1) × (n-i+1) is divisible by i.
		if c > math.MaxInt64/int64(n-i+1) {
			return math.MaxInt64
		}
		c = c * int64(n-i+1) / int64(i)
		sum = satAdd(sum, c)
	}
	return sum
}

// subsets calls f with every k-element subset of items, in lexicographic
// order, until f returns false. The slice passed to f is a fresh copy.
func subsets[T any](items []T, k int, f func([]T) bool) {
	pick := make([]T, k)
	var rec func(start, depth int) bool
	rec = func(start, depth int) bool {
		if depth == k {
			return f(append([]T(nil), pick...))
		}
		for i := start; i <= len(items)-(k-depth); i++ {
			pick[depth] = items[i]
			if !rec(i+1, depth+1) {
				return false
			}
		}
		return true
	}
	rec(0, 0)
}
