package analysis

import (
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Spread is a business system's placement against its min_hosts.
type Spread struct {
	System   inventory.SystemName `json:"system"`
	MinHosts int                  `json:"min_hosts"`
	Hosts    []inventory.HostName `json:"hosts"`
	// SpreadOK: its powered-on VMs and available member servers are on at least min_hosts hosts.
	SpreadOK bool `json:"spread_ok"`
	// SurvivesHostFailure: no single host failure takes every running member down.
	SurvivesHostFailure bool `json:"survives_host_failure"`
	// Members counts the running members: powered-on VMs and available member servers.
	Members int `json:"members"`
}

// Concentrated reports several running members, all on one host — a single point of
// failure that placement could avoid (a one-member system cannot).
// A min_hosts of 1 allows it explicitly.
func (s Spread) Concentrated() bool { return len(s.Hosts) == 1 && s.Members > 1 && s.MinHosts != 1 }

// Violated reports fewer hosts than min_hosts, or concentration on one host.
func (s Spread) Violated() bool { return !s.SpreadOK || s.Concentrated() }

// BusinessSystemSpread checks every business system.
func BusinessSystemSpread(s *inventory.Snapshot) []Spread {
	out := make([]Spread, 0, len(s.BusinessSystems()))
	for _, b := range s.BusinessSystems() {
		hosts := map[inventory.HostName]bool{}
		members := 0
		for _, name := range b.VMs {
			if v, _ := s.VM(name); v.PoweredOn() {
				hosts[v.Host] = true
				members++
			}
		}
		for _, name := range b.Hosts {
			if h, _ := s.Host(name); h.Available() {
				hosts[name] = true
				members++
			}
		}
		list := make([]inventory.HostName, 0, len(hosts))
		for h := range hosts {
			list = append(list, h)
		}
		slices.Sort(list)
		out = append(out, Spread{System: b.Name, MinHosts: b.MinHosts, Hosts: list,
			SpreadOK: len(list) >= b.MinHosts, SurvivesHostFailure: len(list) >= 2, Members: members})
	}
	return out
}
