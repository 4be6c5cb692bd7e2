package analysis

import (
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Problem is one reason a planned change cannot go ahead, for plan-time errors.
type Problem struct {
	Field   string `json:"field"` // "vm" or "host": what the user should change
	Message string `json:"message"`
}

// CheckMove checks moving (or keeping) a VM on a host against the live estate,
// as a placement resource checks its own change at plan time: the VM and the
// host exist; the host is connected, not in maintenance, not a dedicated HA
// failover host, mounts the VM's datastores, and has room for the VM under the
// policy. Every problem is reported, not the first.
func CheckMove(s *inventory.Snapshot, p Policy, vm inventory.VMName, host inventory.HostName) []Problem {
	v, ok := s.VM(vm)
	if !ok {
		return []Problem{{"vm", fmt.Sprintf("unknown VM %q: %s", vm, inventory.KnownList("VMs", nameSet(s.VMs(), func(v inventory.VM) inventory.VMName { return v.Name })))}}
	}
	h, ok := s.Host(host)
	if !ok {
		return []Problem{{"host", unknownHost(s, v, host)}}
	}
	var out []Problem
	add := func(format string, args ...any) { out = append(out, Problem{"host", fmt.Sprintf(format, args...)}) }
	if h.Connection != inventory.Connected {
		add("host %q is %s", host, h.Connection)
	}
	if h.Maintenance {
		add("host %q is in maintenance mode", host)
	}
	if c, ok := s.Cluster(h.Cluster); ok && c.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts &&
		slices.Contains(c.HA.AdmissionControl.FailoverHosts, host) {
		add("host %q is a dedicated HA failover host of cluster %q: vSphere keeps it empty", host, c.Name)
	}
	for _, d := range v.Datastores {
		if !slices.Contains(h.Datastores, d) {
			add("host %q does not mount datastore %q that VM %q is on", host, d, vm)
		}
	}
	if v.Host != host && v.PoweredOn() && h.Available() {
		used := loadOf(s, p, h)
		need := p.Demand(v, h)
		for _, d := range need.exceeds(used.Free()) {
			add("host %q has no room for VM %q: %s requested %d, used %d of %d", host, vm, d, need.get(d), used.Used.get(d), used.Capacity.get(d))
		}
	}
	return out
}

// unknownHost names the hosts of the VM's cluster, the likely intended targets.
func unknownHost(s *inventory.Snapshot, v inventory.VM, host inventory.HostName) string {
	if c := s.ClusterOf(v.Name); c != "" {
		known := nameSet(s.HostsIn(c), func(h inventory.Host) inventory.HostName { return h.Name })
		return fmt.Sprintf("unknown host %q: %s in cluster %q", host, inventory.KnownList("hosts", known), c)
	}
	return fmt.Sprintf("unknown host %q: %s", host, inventory.KnownList("hosts", nameSet(s.Hosts(), func(h inventory.Host) inventory.HostName { return h.Name })))
}

func nameSet[T any, K comparable](items []T, name func(T) K) map[K]bool {
	out := make(map[K]bool, len(items))
	for _, it := range items {
		out[name(it)] = true
	}
	return out
}
