package analysis

import "github.com/estate-tf/terraform-provider-estate/internal/inventory"

// HostLoad is one host's load and capacity under a policy.
type HostLoad struct {
	Host      inventory.HostName    `json:"host"`
	Cluster   inventory.ClusterName `json:"cluster,omitempty"`
	Available bool                  `json:"available"`
	Used      Resources             `json:"used"`
	Capacity  Resources             `json:"capacity"`
	VMs       int                   `json:"powered_on_vms"`
	// Over lists the dimensions in which the host carries more than its capacity now.
	Over []Dimension `json:"over,omitempty"`
}

// Free is what is left on the host; negative when it is over capacity.
func (l HostLoad) Free() Resources { return l.Capacity.sub(l.Used) }

// Loads computes every host's load from its powered-on VMs.
func Loads(s *inventory.Snapshot, p Policy) []HostLoad {
	out := make([]HostLoad, 0, len(s.Hosts()))
	for _, h := range s.Hosts() {
		out = append(out, loadOf(s, p, h))
	}
	return out
}

func loadOf(s *inventory.Snapshot, p Policy, h inventory.Host) HostLoad {
	l := HostLoad{Host: h.Name, Cluster: h.Cluster, Available: h.Available(), Capacity: p.Capacity(h)}
	if p.Basis == BasisUsage && len(s.VMsOn(h.Name)) == 0 {
		// A declared server without VMs reports its own usage.
		l.Used = Resources{CPU: h.CPUUsageMHz, Memory: h.MemoryUsageMB}
	}
	for _, v := range s.VMsOn(h.Name) {
		if v.PoweredOn() {
			l.Used = l.Used.add(p.Demand(v, h))
			l.VMs++
		}
	}
	if l.Available {
		l.Over = l.Used.exceeds(l.Capacity)
	}
	return l
}
