package analysis

import (
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// rules are a cluster's enabled DRS rules compiled for placement checks.
// Disabled rules are ignored by DRS and HA alike; "should" VM-Host rules are
// preferences that HA and DRS may violate, so they constrain nothing here;
// VM-VM affinity rules are not enforced by HA at failover.
type rules struct {
	hostRules [][]hostRule // per VM: the required VM-Host rules that name it
	anti      []antiRule   // VM-VM anti-affinity rules
	antiOf    [][]int      // per VM: the anti-affinity rules it is in
}

// hostRule is a required ("must") VM-Host rule as it applies to one VM.
type hostRule struct {
	name      string
	kind      inventory.RuleKind // must_run_on or must_not_run_on
	vmGroup   string
	hostGroup string
	hosts     []int // the host group's members, sorted
}

// allows reports whether the rule lets its VMs run on host h.
func (r hostRule) allows(h int) bool {
	_, in := slices.BinarySearch(r.hosts, h)
	return in == (r.kind == inventory.RuleMustRunOn)
}

// antiRule is a VM-VM anti-affinity rule: no two of its VMs on one host.
type antiRule struct {
	name    string
	cluster int
	members []int
	// duringFailover: the cluster's HA respects the rule when restarting VMs
	// (das.respectvmvmantiaffinityrules).
	duringFailover bool
}

func compileRules(w *world) rules {
	r := rules{hostRules: make([][]hostRule, len(w.vms)), antiOf: make([][]int, len(w.vms))}
	for c, cl := range w.clusters {
		groups := map[string][]int{}
		vmGroups := map[string][]int{}
		for _, g := range cl.HostGroups {
			for _, h := range g.Hosts {
				groups[g.Name] = append(groups[g.Name], w.hostIdx[h])
			}
			slices.Sort(groups[g.Name])
		}
		for _, g := range cl.VMGroups {
			for _, v := range g.VMs {
				vmGroups[g.Name] = append(vmGroups[g.Name], w.vmIdx[v])
			}
		}
		for _, rule := range cl.Rules {
			if !rule.Active() {
				continue
			}
			switch {
			case rule.Kind.Required():
				hr := hostRule{name: rule.Name, kind: rule.Kind, vmGroup: rule.VMGroup, hostGroup: rule.HostGroup, hosts: groups[rule.HostGroup]}
				for _, v := range vmGroups[rule.VMGroup] {
					r.hostRules[v] = append(r.hostRules[v], hr)
				}
			case rule.Kind == inventory.RuleVMAntiAffinity:
				id := len(r.anti)
				ar := antiRule{name: rule.Name, cluster: c, duringFailover: cl.HA.Options.RespectsVMAntiAffinity()}
				for _, v := range rule.VMs {
					i := w.vmIdx[v]
					ar.members = append(ar.members, i)
					r.antiOf[i] = append(r.antiOf[i], id)
				}
				r.anti = append(r.anti, ar)
			}
		}
	}
	return r
}
