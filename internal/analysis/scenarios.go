package analysis

import "github.com/estate-tf/terraform-provider-estate/internal/inventory"

// HostFailures checks every k-subset of the available hosts of each cluster,
// for k = 1 … tolerate, and every available host outside clusters on its own.
// Tolerate 0 checks no host failure.
// Failures in different clusters are independent for vSphere HA, so subsets
// do not mix clusters.
func HostFailures(s *inventory.Snapshot, p Policy) []Scenario {
	w := newWorld(s, p)
	var out []Scenario
	for _, group := range failureDomains(s) {
		for k := 1; k <= p.Tolerate && k <= len(group); k++ {
			subsets(group, k, func(hosts []inventory.HostName) {
				out = append(out, w.fail(Failure{Hosts: hosts}))
			})
		}
	}
	return out
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

// subsets calls f with every k-element subset of items, in lexicographic order.
// The slice passed to f is reused; f must copy it to keep it.
func subsets[T any](items []T, k int, f func([]T)) {
	pick := make([]T, k)
	var rec func(start, depth int)
	rec = func(start, depth int) {
		if depth == k {
			f(append([]T(nil), pick...))
			return
		}
		for i := start; i <= len(items)-(k-depth); i++ {
			pick[depth] = items[i]
			rec(i+1, depth+1)
		}
	}
	rec(0, 0)
}
