package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Finding kinds a policy can fail on.
const (
	FindUnsafe     = "unsafe"     // a failure scenario or standby takeover proven not survivable
	FindUnproven   = "unproven"   // neither proven survivable nor not
	FindOverloaded = "overloaded" // a host carries more than its capacity now
	FindAdmission  = "admission"  // a cluster does not meet its HA admission control
	FindSpread     = "spread"     // a business system runs on fewer hosts than min_hosts, or on one host only
	// FindMaintenance: a host planned into maintenance still runs powered-on VMs.
	FindMaintenance = "maintenance"
	// FindRules: the layout breaks an enabled anti-affinity or required VM-Host rule.
	FindRules = "rules"
)

// FindingKinds lists every finding kind.
var FindingKinds = []string{FindUnsafe, FindUnproven, FindOverloaded, FindAdmission, FindSpread, FindMaintenance, FindRules}

// Findings explains, one line each, what the report found of the given kinds.
func (r Report) Findings(kinds []string) []string {
	var out []string
	on := func(k string) bool { return slices.Contains(kinds, k) }
	for _, sc := range r.Scenarios {
		if (sc.Verdict == Unsafe && on(FindUnsafe)) || (sc.Verdict == Unproven && on(FindUnproven)) {
			out = append(out, fmt.Sprintf("failure of %s is %s: %s%s%s", failureName(sc), sc.Verdict, sc.Reason, shortOf(sc.Shortfalls), hitSystems(sc)))
		}
	}
	for _, t := range r.Standby {
		if (t.Verdict == Unsafe && on(FindUnsafe)) || (t.Verdict == Unproven && on(FindUnproven)) {
			out = append(out, fmt.Sprintf("standby group %q losing %s is %s: %s", t.Group, joinNames(t.FailedHosts), t.Verdict, t.Reason))
		}
	}
	if on(FindOverloaded) {
		for _, h := range r.Hosts {
			if len(h.Over) > 0 {
				out = append(out, fmt.Sprintf("host %q is over capacity in %v: uses %d MHz / %d MiB of %d MHz / %d MiB%s", h.Host, h.Over, h.Used.CPU, h.Used.Memory, h.Capacity.CPU, h.Capacity.Memory, r.movedThere(h.Host)))
			}
		}
	}
	if on(FindAdmission) {
		for _, c := range r.Clusters {
			if !c.AdmissionOK {
				out = append(out, fmt.Sprintf("cluster %q does not meet HA admission control (%s): %s", c.Cluster, c.Policy, c.Reason))
			}
		}
	}
	if on(FindSpread) {
		for _, b := range r.BusinessSystems {
			switch {
			case !b.SpreadOK:
				out = append(out, fmt.Sprintf("business system %q runs on %d host(s), needs %d", b.System, len(b.Hosts), b.MinHosts))
			case b.Concentrated():
				out = append(out, fmt.Sprintf("business system %q runs all its %d members on host %s: its failure takes the system down", b.System, b.Members, b.Hosts[0]))
			}
		}
	}
	if on(FindRules) {
		for _, v := range r.RuleViolations {
			out = append(out, v.String())
		}
	}
	if on(FindMaintenance) {
		for _, e := range r.Maintenance {
			out = append(out, maintenanceFinding(e))
		}
	}
	return out
}

// shortOf gives the numbers behind a verdict: the first shortfalls.
func shortOf(sf []Shortfall) string {
	const shown = 3
	if len(sf) == 0 {
		return ""
	}
	parts := make([]string, 0, shown)
	for _, f := range sf[:min(shown, len(sf))] {
		parts = append(parts, fmt.Sprintf("%s %s: %s requests %d, %d used of %d", f.Host, f.Dimension, f.VM, f.Requested, f.Used, f.Capacity))
	}
	more := ""
	if len(sf) > shown {
		more = fmt.Sprintf(" (and %d more)", len(sf)-shown)
	}
	return " [" + strings.Join(parts, "; ") + more + "]"
}

// movedThere names the VMs this change moves onto a host, for its finding.
func (r Report) movedThere(h inventory.HostName) string {
	vms := slices.Clone(r.arrivals[h])
	if len(vms) == 0 {
		return ""
	}
	slices.Sort(vms)
	return " (moved there by this change: " + joinNames(vms) + ")"
}

// maintenanceFinding says which VMs still run on a host entering maintenance and where they could go.
func maintenanceFinding(e Evacuation) string {
	vms := make([]string, 0, len(e.Moves))
	for vm, to := range e.Moves {
		vms = append(vms, fmt.Sprintf("%s → %s", vm, to))
	}
	slices.Sort(vms)
	if e.Verdict == Safe {
		return fmt.Sprintf("%s with powered-on VMs still on it (vCenter refuses): place them first, for example %s", entering(e.Occupied), strings.Join(vms, ", "))
	}
	return fmt.Sprintf("%s with powered-on VMs still on it (vCenter refuses), and they cannot all move: %s", entering(e.Occupied), e.Reason)
}

func entering(hosts []inventory.HostName) string {
	if len(hosts) == 1 {
		return "host " + string(hosts[0]) + " enters maintenance"
	}
	return "hosts " + joinNames(hosts) + " enter maintenance"
}

func failureName(sc Scenario) string {
	parts := []string{}
	if len(sc.FailedHosts) > 0 {
		parts = append(parts, "host "+joinNames(sc.FailedHosts))
	}
	if len(sc.FailedDatastores) > 0 {
		parts = append(parts, "datastore "+joinNames(sc.FailedDatastores))
	}
	return strings.Join(parts, " and ")
}

func hitSystems(sc Scenario) string {
	if len(sc.AffectedBusinessSystems) == 0 {
		return ""
	}
	var parts []string
	for _, b := range sc.AffectedBusinessSystems {
		parts = append(parts, fmt.Sprintf("%s %s", b.Name, b.State))
	}
	return " (business systems: " + strings.Join(parts, ", ") + ")"
}

func joinNames[T ~string](names []T) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}
