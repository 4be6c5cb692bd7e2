package analysis

import (
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// impacts says what the failure does to each business system before any
// restart. Only systems with a member among the affected VMs or failed hosts are looked at.
func (w *world) impacts(affected []inventory.VMName, gone []int, failedDS map[int32]bool) []SystemImpact {
	touched := map[inventory.SystemName]bool{}
	for _, v := range affected {
		for _, s := range w.snap.SystemsOfVM(v) {
			touched[s] = true
		}
	}
	for _, h := range gone {
		for _, s := range w.snap.SystemsOfHost(w.hosts[h].Name) {
			touched[s] = true
		}
	}
	names := make([]inventory.SystemName, 0, len(touched))
	for s := range touched {
		names = append(names, s)
	}
	slices.Sort(names)
	out := []SystemImpact{}
	for _, name := range names {
		b, _ := w.snap.BusinessSystem(name)
		if imp, hit := w.impact(b, gone, failedDS); hit {
			out = append(out, imp)
		}
	}
	return out
}

func (w *world) impact(b inventory.BusinessSystem, gone []int, failedDS map[int32]bool) (SystemImpact, bool) {
	imp := SystemImpact{Name: b.Name, Criticality: b.Criticality}
	var survivors []int
	members := 0
	for _, name := range b.VMs {
		v := w.vmIdx[name]
		if !w.vms[v].PoweredOn() {
			continue
		}
		members++
		h := w.vmHost[v]
		if slices.Contains(gone, h) || w.onFailed(v, failedDS) {
			imp.HitVMs = append(imp.HitVMs, name)
		} else {
			survivors = addUnique(survivors, h)
		}
	}
	for _, name := range b.Hosts {
		h := w.hostIdx[name]
		if !w.hosts[h].Available() {
			continue
		}
		members++
		if slices.Contains(gone, h) {
			imp.HitHosts = append(imp.HitHosts, name)
		} else {
			survivors = addUnique(survivors, h)
		}
	}
	hit := len(imp.HitVMs) + len(imp.HitHosts)
	switch {
	case hit == 0:
		return imp, false
	case hit == members:
		imp.State = Down
	case len(survivors) < max(2, b.MinHosts):
		imp.State = LostRedundancy
	default:
		imp.State = Degraded
	}
	return imp, true
}

func sorted[T ~string](in []T) []T {
	out := slices.Clone(in)
	if out == nil {
		out = []T{}
	}
	slices.Sort(out)
	return out
}
