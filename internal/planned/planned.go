// Package planned turns the planned values of the estate_* resources into
// overlays of the inventory model. estate_guard (tfsdk values) and the impact
// command (plan JSON) both describe a change with Inputs, so the planned
// estate is built the same way from both. Plain Go: no Terraform imports.
package planned

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Host is an estate_host's planned value (the attributes the overlay reads).
type Host struct {
	Name           string
	Kind           string // empty or esxi: a vCenter host; else a declared server
	CPUCores       int64
	CPUMHzPerCore  int64
	MemoryMB       int64
	FailoverDomain string
	Maintenance    bool
	// Evacuation maps the VMs of a host entering maintenance to their targets (computed at plan time).
	Evacuation map[string]string
}

// System is an estate_business_system's planned value.
type System struct {
	Name        string
	Criticality string
	VMs         []string
	Hosts       []string
	MinHosts    int64
}

// Standby is an estate_standby_group's planned value.
type Standby struct {
	Name         string
	ActiveHosts  []string
	StandbyHosts []string
	Tolerate     int64
	Takeover     string
}

// Inputs are the planned values of one change.
type Inputs struct {
	// Placements maps VMs to their planned hosts (estate_vm_placement, estate_guard.placements).
	Placements map[string]string
	Hosts      []Host
	Systems    []System
	Standby    []Standby
	// MaintenanceHosts are hosts entering maintenance named directly (estate_guard.maintenance_hosts).
	MaintenanceHosts []string
	// LeaveMaintenance takes a vCenter host planned with maintenance = false out
	// of maintenance when it is in maintenance now (the impact command's view:
	// the plan turns it off). estate_guard leaves such hosts as they are.
	LeaveMaintenance bool
}

// Result is the overlay of Inputs on a live estate.
type Result struct {
	Changes []inventory.Change
	// Maintenance names the hosts entering maintenance (their evacuation is checked).
	Maintenance []inventory.HostName
	// MissingPlacements and MissingMembers quote the VMs left out because the
	// live estate does not have them (created in the same apply, or gone).
	MissingPlacements []string
	MissingMembers    []string
	// MissingHosts quotes the hosts of business systems left out because
	// neither the live estate nor the inputs have them.
	MissingHosts []string
	// Problems are declared servers that contradict vCenter, left out: a
	// name vCenter gives an ESXi host, or a failover domain named like a
	// vCenter cluster (estate_host refuses both; so must every input).
	Problems []string
}

// Overlay turns the inputs into changes of the planned estate, in the order
// they apply: declared servers (and their failover domains), hosts entering
// maintenance with the moves of their evacuation, business systems, standby
// groups, then the placements and the named maintenance hosts.
func (in Inputs) Overlay(live *inventory.Snapshot) Result {
	var r Result
	domains := map[inventory.ClusterName]bool{}
	declared := map[inventory.HostName]bool{}
	for _, h := range in.Hosts {
		name := inventory.HostName(h.Name)
		if kind := inventory.HostKind(h.Kind); kind != "" && kind != inventory.KindESXi {
			domain := inventory.ClusterName(h.FailoverDomain)
			if cur, ok := live.Host(name); ok && cur.Kind == inventory.KindESXi {
				r.Problems = append(r.Problems, fmt.Sprintf("declared server %q: vCenter has an ESXi host of that name; a declared server needs a name of its own", inventory.Clip(h.Name)))
				continue
			}
			if _, vcenter := live.Cluster(domain); vcenter && domain != "" {
				if hosts := live.HostsIn(domain); len(hosts) > 0 && hosts[0].Kind == inventory.KindESXi {
					r.Problems = append(r.Problems, fmt.Sprintf("declared server %q: failover_domain %q is a vCenter cluster; a failover domain groups declared servers only", inventory.Clip(h.Name), inventory.Clip(string(domain))))
					continue
				}
			}
			if _, vcenter := live.Cluster(domain); domain != "" && !vcenter && !domains[domain] {
				domains[domain] = true
				r.Changes = append(r.Changes, inventory.PutCluster{Cluster: FailoverDomain(domain)})
			}
			r.Changes = append(r.Changes, inventory.PutHost{Host: inventory.Host{Name: name, Kind: kind, Cluster: domain, Connection: inventory.Connected,
				CPUCores: int(h.CPUCores), CPUMHzPerCore: h.CPUMHzPerCore, MemoryMB: h.MemoryMB}})
			declared[name] = true
			continue
		}
		if !h.Maintenance {
			if cur, ok := live.Host(name); in.LeaveMaintenance && ok && cur.Maintenance {
				r.Changes = append(r.Changes, inventory.SetMaintenance{Host: name, On: false})
			}
			continue
		}
		for _, vm := range sortedKeys(h.Evacuation) {
			if _, ok := live.VM(inventory.VMName(vm)); ok {
				r.Changes = append(r.Changes, inventory.MoveVM{VM: inventory.VMName(vm), To: inventory.HostName(h.Evacuation[vm])})
			}
		}
		r.Changes = append(r.Changes, inventory.SetMaintenance{Host: name, On: true})
		r.Maintenance = append(r.Maintenance, name)
	}
	for _, s := range in.Systems {
		b := inventory.BusinessSystem{Name: inventory.SystemName(s.Name), Criticality: inventory.Criticality(s.Criticality), MinHosts: int(s.MinHosts)}
		for _, v := range s.VMs {
			if _, ok := live.VM(inventory.VMName(v)); !ok {
				r.MissingMembers = append(r.MissingMembers, strconv.Quote(inventory.Clip(v)))
				continue
			}
			b.VMs = append(b.VMs, inventory.VMName(v))
		}
		for _, h := range s.Hosts {
			if _, ok := live.Host(inventory.HostName(h)); !ok && !declared[inventory.HostName(h)] {
				r.MissingHosts = append(r.MissingHosts, strconv.Quote(inventory.Clip(h)))
				continue
			}
			b.Hosts = append(b.Hosts, inventory.HostName(h))
		}
		r.Changes = append(r.Changes, inventory.PutBusinessSystem{System: b})
	}
	for _, g := range in.Standby {
		r.Changes = append(r.Changes, inventory.PutStandbyGroup{Group: inventory.StandbyGroup{Name: inventory.GroupName(g.Name),
			Active: HostNames(g.ActiveHosts), Standby: HostNames(g.StandbyHosts), Tolerate: int(g.Tolerate),
			Takeover: inventory.Takeover(g.Takeover)}})
	}
	for _, vm := range sortedKeys(in.Placements) {
		if _, ok := live.VM(inventory.VMName(vm)); !ok {
			r.MissingPlacements = append(r.MissingPlacements, strconv.Quote(inventory.Clip(vm)))
			continue
		}
		r.Changes = append(r.Changes, inventory.MoveVM{VM: inventory.VMName(vm), To: inventory.HostName(in.Placements[vm])})
	}
	for _, h := range in.MaintenanceHosts {
		r.Changes = append(r.Changes, inventory.SetMaintenance{Host: inventory.HostName(h), On: true})
		r.Maintenance = append(r.Maintenance, inventory.HostName(h))
	}
	slices.Sort(r.MissingMembers)
	r.MissingMembers = slices.Compact(r.MissingMembers)
	slices.Sort(r.MissingHosts)
	r.MissingHosts = slices.Compact(r.MissingHosts)
	slices.Sort(r.MissingPlacements)
	return r
}

// FailoverDomain is the cluster a failover domain of declared servers becomes in the planned estate.
func FailoverDomain(name inventory.ClusterName) inventory.Cluster {
	return inventory.Cluster{Name: name, HA: inventory.HAConfig{Enabled: true,
		AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicyDisabled}}}
}

// HostNames converts names.
func HostNames(in []string) []inventory.HostName {
	out := make([]inventory.HostName, len(in))
	for i, h := range in {
		out[i] = inventory.HostName(h)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
