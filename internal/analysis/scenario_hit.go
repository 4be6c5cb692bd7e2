package analysis

import (
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// hit collects the powered-on VMs a failure takes down: those HA restarts,
// and those that stay down with the reason (storage gone, HA or host
// monitoring off, restart priority disabled). It touches only the failed
// hosts and datastores, so a scenario costs what it affects.
func (w *world) hit(gone []int, failedDS map[int32]bool, sc *Scenario) ([]int, []string, map[int]Resources) {
	var restart []int
	var lost []string
	down := func(v int, reason string) {
		vm := w.vms[v]
		sc.StaysDown = append(sc.StaysDown, DownVM{VM: vm.Name, Host: vm.Host, Reason: reason, BusinessSystems: w.snap.SystemsOfVM(vm.Name)})
		lost = append(lost, fmt.Sprintf("VM %q stays down: %s", vm.Name, reason))
	}
	for _, h := range gone {
		noHA := w.noRestartReason(h)
		if w.hosts[h].Connection == inventory.Disconnected {
			// A host disconnected from vCenter has vSphere HA unconfigured: its VMs are not protected.
			noHA = fmt.Sprintf("host %q is disconnected from vCenter, so vSphere HA does not protect its VMs", w.hosts[h].Name)
		}
		for _, v := range w.running[h] {
			sc.AffectedVMs = append(sc.AffectedVMs, w.vms[v].Name)
			if d, ok := w.firstFailed(v, failedDS); ok {
				down(v, fmt.Sprintf("its datastore %q failed", d))
				continue
			}
			if noHA != "" {
				down(v, noHA)
				continue
			}
			if w.restartDisabled(v) {
				// vSphere Availability, "Virtual Machine Restart Priority": "disabled" means HA does not restart the VM.
				down(v, "its HA restart priority is disabled")
				continue
			}
			restart = append(restart, v)
		}
	}
	freed := map[int]Resources{} // demand of VMs down on hosts that survive
	seen := map[int]bool{}
	for d := range failedDS {
		for _, vm := range w.snap.VMsOnDatastore(w.snap.Datastores()[d].Name) {
			v := w.vmIdx[vm.Name]
			h := w.vmHost[v]
			if !vm.PoweredOn() || slices.Contains(gone, h) || seen[v] {
				continue
			}
			seen[v] = true
			sc.AffectedVMs = append(sc.AffectedVMs, vm.Name)
			name, _ := w.firstFailed(v, failedDS)
			down(v, fmt.Sprintf("its datastore %q failed", name))
			freed[h] = freed[h].add(w.policy.Demand(vm, w.hosts[h]))
		}
	}
	// A server that is itself a business-system member (a physical database
	// server, say) and that nothing takes over leaves its systems down.
	for _, h := range gone {
		name := w.hosts[h].Name
		if systems := w.snap.SystemsOfHost(name); len(systems) > 0 && !w.survivingPeer(h, gone) {
			why := w.noRestartReason(h)
			if why == "" {
				why = "no other available host of its cluster or standby group survives"
			}
			lost = append(lost, fmt.Sprintf("server %q of business system(s) %s fails and nothing takes over: %s", name, joinNames(systems), why))
		}
	}
	slices.Sort(sc.AffectedVMs)
	slices.SortFunc(sc.StaysDown, func(a, b DownVM) int { return compareStrings(string(a.VM), string(b.VM)) })
	slices.Sort(lost)
	return restart, lost, freed
}

// survivingPeer reports whether a host of h's restart domain that is
// available and not failing could take over h's role.
func (w *world) survivingPeer(h int, gone []int) bool {
	return slices.ContainsFunc(w.restartDomain(h), func(p int) bool {
		return p != h && !slices.Contains(gone, p) && w.hosts[p].Available()
	})
}

// restartDisabled: the VM's effective HA restart priority is "disabled".
func (w *world) restartDisabled(v int) bool {
	return w.snap.RestartPriority(w.vms[v]) == inventory.RestartDisabled
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
