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
}

// BusinessSystemSpread checks every business system.
func BusinessSystemSpread(s *inventory.Snapshot) []Spread {
	out := make([]Spread, 0, len(s.BusinessSystems()))
	for _, b := range s.BusinessSystems() {
		hosts := map[inventory.HostName]bool{}
		for _, name := range b.VMs {
			if v, _ := s.VM(name); v.PoweredOn() {
				hosts[v.Host] = true
			}
		}
		for _, name := range b.Hosts {
			if h, _ := s.Host(name); h.Available() {
				hosts[name] = true
			}
		}
		list := make([]inventory.HostName, 0, len(hosts))
		for h := range hosts {
			list = append(list, h)
		}
		slices.Sort(list)
		out = append(out, Spread{System: b.Name, MinHosts: b.MinHosts, Hosts: list,
			SpreadOK: len(list) >= b.MinHosts, SurvivesHostFailure: len(list) >= 2})
	}
	return out
}
