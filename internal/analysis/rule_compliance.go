package analysis

import (
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// RuleViolation is an enabled rule that the layout breaks now: VMs of a
// VM-VM anti-affinity rule running together, or a VM on a host a required
// VM-Host rule keeps it off. DRS never makes such a layout itself; a manual
// vMotion or a planned placement can, and DRS (when fully automated) fights it.
type RuleViolation struct {
	Cluster inventory.ClusterName `json:"cluster"`
	Rule    string                `json:"rule"`
	Kind    inventory.RuleKind    `json:"kind"`
	Host    inventory.HostName    `json:"host"`
	VMs     []inventory.VMName    `json:"vms"`
}

func (v RuleViolation) String() string {
	if v.Kind == inventory.RuleVMAntiAffinity {
		return fmt.Sprintf("anti-affinity rule %q of cluster %q is broken: %s run together on %s", v.Rule, v.Cluster, joinNames(v.VMs), v.Host)
	}
	return fmt.Sprintf("%s rule %q of cluster %q is broken: %s on %s", v.Kind, v.Rule, v.Cluster, joinNames(v.VMs), v.Host)
}

// RuleCompliance checks every enabled anti-affinity and required VM-Host rule
// against where the powered-on VMs run. "should" rules are preferences and
// affinity rules are not checked.
func RuleCompliance(s *inventory.Snapshot) []RuleViolation {
	out := []RuleViolation{}
	for _, c := range s.Clusters() {
		for _, r := range c.Rules {
			if !r.Active() {
				continue
			}
			switch {
			case r.Kind == inventory.RuleVMAntiAffinity:
				out = append(out, antiAffinityBroken(s, c.Name, r)...)
			case r.Kind.Required():
				out = append(out, hostRuleBroken(s, c, r)...)
			}
		}
	}
	return out
}

func antiAffinityBroken(s *inventory.Snapshot, c inventory.ClusterName, r inventory.Rule) []RuleViolation {
	on := map[inventory.HostName][]inventory.VMName{}
	for _, name := range r.VMs {
		if v, ok := s.VM(name); ok && v.PoweredOn() {
			on[v.Host] = append(on[v.Host], name)
		}
	}
	var out []RuleViolation
	for _, h := range sortedHostNames(on) {
		if vms := on[h]; len(vms) > 1 {
			slices.Sort(vms)
			out = append(out, RuleViolation{Cluster: c, Rule: r.Name, Kind: r.Kind, Host: h, VMs: vms})
		}
	}
	return out
}

func hostRuleBroken(s *inventory.Snapshot, c inventory.Cluster, r inventory.Rule) []RuleViolation {
	var group []inventory.HostName
	for _, g := range c.HostGroups {
		if g.Name == r.HostGroup {
			group = g.Hosts
		}
	}
	off := map[inventory.HostName][]inventory.VMName{}
	for _, g := range c.VMGroups {
		if g.Name != r.VMGroup {
			continue
		}
		for _, name := range g.VMs {
			v, ok := s.VM(name)
			if ok && v.PoweredOn() && slices.Contains(group, v.Host) != (r.Kind == inventory.RuleMustRunOn) {
				off[v.Host] = append(off[v.Host], name)
			}
		}
	}
	var out []RuleViolation
	for _, h := range sortedHostNames(off) {
		slices.Sort(off[h])
		out = append(out, RuleViolation{Cluster: c.Name, Rule: r.Name, Kind: r.Kind, Host: h, VMs: off[h]})
	}
	return out
}

func sortedHostNames[T any](m map[inventory.HostName]T) []inventory.HostName {
	out := make([]inventory.HostName, 0, len(m))
	for h := range m {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}
