package inventory

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// ValidationError is one problem in an estate, located by its path in the
// snapshot file (for example `vms[3] "web-01".host`).
type ValidationError struct {
	Path    string
	Message string
}

func (e *ValidationError) Error() string { return e.Path + ": " + e.Message }

// Limits on what a validation error echoes, so a hostile or broken file (a
// 1 MiB name, thousands of problems) gives a readable message.
const (
	// MaxEchoedName is how many bytes of a name an error message repeats.
	MaxEchoedName = 64
	// MaxListedProblems is how many problems an error lists before counting the rest.
	MaxListedProblems = 20
)

// Clip shortens s to at most MaxEchoedName bytes (at a rune boundary),
// marking the cut with an ellipsis and the full length.
func Clip(s string) string {
	if len(s) <= MaxEchoedName {
		return s
	}
	cut := MaxEchoedName
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// clipArgs clips every string argument a format quotes (%q): those are the
// names read from the file; paths and lists built here are passed with %s.
func clipArgs(format string, args []any) []any {
	out := slices.Clone(args)
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) || format[i] == '%' {
			continue
		}
		if format[i] == 'q' && arg < len(out) {
			if rv := reflect.ValueOf(out[arg]); rv.IsValid() && rv.Kind() == reflect.String {
				out[arg] = Clip(rv.String())
			}
		}
		arg++
	}
	return out
}

// sprintf is fmt.Sprintf with every quoted name clipped.
func sprintf(format string, args ...any) string {
	return fmt.Sprintf(format, clipArgs(format, args)...)
}

type validator struct{ errs []error }

func (v *validator) addf(path, format string, args ...any) {
	v.errs = append(v.errs, &ValidationError{Path: path, Message: sprintf(format, args...)})
}

// err joins the problems, one per line, listing at most MaxListedProblems.
func (v *validator) err() error {
	if len(v.errs) <= MaxListedProblems {
		return errors.Join(v.errs...)
	}
	shown := make([]error, 0, MaxListedProblems+1)
	shown = append(shown, v.errs[:MaxListedProblems]...)
	shown = append(shown, fmt.Errorf("… and %d more problems (%d in all)", len(v.errs)-MaxListedProblems, len(v.errs)))
	return errors.Join(shown...)
}

func (v *validator) nonNegative(path string, fields map[string]int64) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if fields[k] < 0 {
			v.addf(path+"."+k, "must not be negative, got %d", fields[k])
		}
	}
}

// names records one collection's names, reporting duplicates and empty names.
func names[K ~string, T any](v *validator, kind string, items []T, name func(T) K) map[K]bool {
	seen := make(map[K]bool, len(items))
	for i, it := range items {
		n := name(it)
		path := sprintf("%s[%d]", kind, i)
		switch {
		case n == "":
			v.addf(path+".name", "must not be empty")
		case seen[n]:
			v.addf(sprintf("%s %q", path, n), "duplicate name: %s names must be unique", strings.TrimSuffix(kind, "s"))
		}
		seen[n] = true
	}
	return seen
}

// reference reports a name that is not in the known set, listing what is.
func reference[K ~string](v *validator, path, what string, ref K, known map[K]bool) {
	if !known[ref] {
		v.addf(path, "unknown %s %q: %s", what, ref, KnownList(what+"s", known))
	}
}

// KnownList renders a set of names for an error message: `known hosts are a, b, c … (12 in all)`.
func KnownList[K ~string](what string, known map[K]bool) string {
	if len(known) == 0 {
		return "there are no " + what
	}
	list := make([]string, 0, len(known))
	for k := range known {
		if k != "" {
			list = append(list, Clip(string(k)))
		}
	}
	slices.Sort(list)
	const shown = 8
	if len(list) > shown {
		return sprintf("known %s are %s … (%d in all)", what, strings.Join(list[:shown], ", "), len(list))
	}
	return sprintf("known %s are %s", what, strings.Join(list, ", "))
}

func oneOf[T ~string](v *validator, path string, value T, valid []T) {
	if !slices.Contains(valid, value) {
		v.addf(path, "invalid value %q: must be one of %s", value, strings.Join(Strings(valid), ", "))
	}
}

func (e Estate) validate() error {
	v := &validator{}
	clusters := names(v, "clusters", e.Clusters, func(c Cluster) ClusterName { return c.Name })
	hosts := names(v, "hosts", e.Hosts, func(h Host) HostName { return h.Name })
	vms := names(v, "vms", e.VMs, func(m VM) VMName { return m.Name })
	datastores := names(v, "datastores", e.Datastores, func(d Datastore) DatastoreName { return d.Name })
	names(v, "business_systems", e.BusinessSystems, func(b BusinessSystem) SystemName { return b.Name })
	names(v, "standby_groups", e.StandbyGroups, func(g StandbyGroup) GroupName { return g.Name })

	hostCluster := make(map[HostName]ClusterName, len(e.Hosts))
	for _, h := range e.Hosts {
		hostCluster[h.Name] = h.Cluster
	}
	vmCluster := make(map[VMName]ClusterName, len(e.VMs))
	for _, m := range e.VMs {
		vmCluster[m.Name] = hostCluster[m.Host]
	}
	for i, c := range e.Clusters {
		validateCluster(v, sprintf("clusters[%d] %q", i, c.Name), c, hosts, vmCluster, hostCluster)
	}
	for i, h := range e.Hosts {
		path := sprintf("hosts[%d] %q", i, h.Name)
		if h.Cluster != "" {
			reference(v, path+".cluster", "cluster", h.Cluster, clusters)
		}
		oneOf(v, path+".kind", h.Kind, HostKinds)
		oneOf(v, path+".connection", h.Connection, Connections)
		v.nonNegative(path, map[string]int64{"cpu_cores": int64(h.CPUCores), "cpu_mhz_per_core": h.CPUMHzPerCore,
			"memory_mb": h.MemoryMB, "cpu_usage_mhz": h.CPUUsageMHz, "memory_usage_mb": h.MemoryUsageMB})
		for j, d := range h.Datastores {
			reference(v, sprintf("%s.datastores[%d]", path, j), "datastore", d, datastores)
		}
	}
	for i, m := range e.VMs {
		path := sprintf("vms[%d] %q", i, m.Name)
		if m.Host == "" {
			v.addf(path+".host", "must name the host the VM is registered on")
		} else {
			reference(v, path+".host", "host", m.Host, hosts)
		}
		oneOf(v, path+".power", m.Power, Powers)
		if m.RestartPriority != "" {
			oneOf(v, path+".ha_restart_priority", m.RestartPriority, RestartPriorities)
		}
		if m.DRSAutomation != "" {
			oneOf(v, path+".drs_automation", m.DRSAutomation, DRSVMAutomations)
		}
		v.nonNegative(path, map[string]int64{"vcpu": int64(m.VCPU), "memory_mb": m.MemoryMB,
			"cpu_reservation_mhz": m.CPUReservationMHz, "memory_reservation_mb": m.MemoryReservationMB,
			"memory_overhead_mb": m.MemoryOverheadMB, "cpu_usage_mhz": m.CPUUsageMHz, "memory_usage_mb": m.MemoryUsageMB})
		if m.MemoryReservationMB > m.MemoryMB {
			v.addf(path+".memory_reservation_mb", "reservation %d MiB exceeds the VM's configured memory %d MiB", m.MemoryReservationMB, m.MemoryMB)
		}
		for j, d := range m.Datastores {
			reference(v, sprintf("%s.datastores[%d]", path, j), "datastore", d, datastores)
		}
	}
	for i, d := range e.Datastores {
		path := sprintf("datastores[%d] %q", i, d.Name)
		v.nonNegative(path, map[string]int64{"capacity_mb": d.CapacityMB, "free_mb": d.FreeMB})
		if d.FreeMB > d.CapacityMB {
			v.addf(path+".free_mb", "free space %d MiB exceeds capacity %d MiB", d.FreeMB, d.CapacityMB)
		}
	}
	for i, b := range e.BusinessSystems {
		path := sprintf("business_systems[%d] %q", i, b.Name)
		if b.Criticality != "" {
			oneOf(v, path+".criticality", b.Criticality, Criticalities)
		}
		for j, m := range b.VMs {
			reference(v, sprintf("%s.vms[%d]", path, j), "VM", m, vms)
		}
		for j, h := range b.Hosts {
			reference(v, sprintf("%s.hosts[%d]", path, j), "host", h, hosts)
		}
		if b.MinHosts < 0 {
			v.addf(path+".min_hosts", "must not be negative, got %d", b.MinHosts)
		}
	}
	for i, g := range e.StandbyGroups {
		validateStandbyGroup(v, sprintf("standby_groups[%d] %q", i, g.Name), g, hosts)
	}
	return v.err()
}

func validateCluster(v *validator, path string, c Cluster, hosts map[HostName]bool, vmCluster map[VMName]ClusterName, hostCluster map[HostName]ClusterName) {
	ac := c.HA.AdmissionControl
	oneOf(v, path+".ha.admission_control.policy", ac.Policy, AdmissionPolicies)
	v.nonNegative(path+".ha.admission_control", map[string]int64{"host_failures": int64(ac.HostFailures),
		"slot_cpu_mhz": ac.SlotCPUMHz, "slot_memory_mb": ac.SlotMemoryMB})
	for name, pct := range map[string]int{"cpu_percent": ac.CPUPercent, "memory_percent": ac.MemoryPercent} {
		if pct < 0 || pct > 100 {
			v.addf(path+".ha.admission_control."+name, "must be between 0 and 100, got %d", pct)
		}
	}
	if c.HA.HostMonitoring != "" {
		oneOf(v, path+".ha.host_monitoring", c.HA.HostMonitoring, HostMonitorings)
	}
	if c.HA.DefaultRestartPriority != "" {
		oneOf(v, path+".ha.default_restart_priority", c.HA.DefaultRestartPriority, RestartPriorities)
	}
	o := c.HA.Options
	v.nonNegative(path+".ha.options", map[string]int64{"vm_cpu_min_mhz": o.MinCPUMHz(), "vm_memory_min_mb": o.MinMemoryMB()})
	if c.DRS.AutomationLevel != "" {
		oneOf(v, path+".drs.automation_level", c.DRS.AutomationLevel, DRSClusterAutomations)
	}
	validateRules(v, path, c, vmCluster, hostCluster)
	for j, h := range ac.FailoverHosts {
		p := sprintf("%s.ha.admission_control.failover_hosts[%d]", path, j)
		if !hosts[h] {
			reference(v, p, "host", h, hosts)
		} else if hostCluster[h] != c.Name {
			v.addf(p, "host %q is in cluster %q, not in %q", h, hostCluster[h], c.Name)
		}
	}
}

func validateStandbyGroup(v *validator, path string, g StandbyGroup, hosts map[HostName]bool) {
	oneOf(v, path+".takeover", g.Takeover, Takeovers)
	if len(g.Active) == 0 {
		v.addf(path+".active", "must list at least one active host")
	}
	if len(g.Standby) == 0 {
		v.addf(path+".standby", "must list at least one standby host")
	}
	for j, h := range g.Active {
		reference(v, sprintf("%s.active[%d]", path, j), "host", h, hosts)
	}
	for j, h := range g.Standby {
		reference(v, sprintf("%s.standby[%d]", path, j), "host", h, hosts)
		if slices.Contains(g.Active, h) {
			v.addf(sprintf("%s.standby[%d]", path, j), "host %q is listed as both active and standby", h)
		}
	}
	if g.Tolerate < 1 || g.Tolerate > len(g.Active) {
		v.addf(path+".tolerate", "must be between 1 and the number of active hosts (%d), got %d", len(g.Active), g.Tolerate)
	}
}
