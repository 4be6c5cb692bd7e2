package analysis

import (
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Evacuation is where the VMs of hosts entering maintenance go.
type Evacuation struct {
	Hosts []inventory.HostName `json:"hosts"`
	// Occupied are the hosts among them that run powered-on VMs.
	Occupied   []inventory.HostName                    `json:"occupied"`
	Verdict    Verdict                                 `json:"verdict"`
	Reason     string                                  `json:"reason"`
	Moves      map[inventory.VMName]inventory.HostName `json:"moves"`
	Shortfalls []Shortfall                             `json:"shortfalls"`
	Refusals   []Refusal                               `json:"refusals,omitempty"`
}

// Evacuate computes targets for every powered-on VM of the hosts entering
// maintenance, on the other available hosts of their clusters, under the
// placement rule: DRS never violates a required VM-Host rule or a VM-VM
// anti-affinity rule to evacuate a host (vSphere Resource Management, "Using
// VM-Host Affinity Rules"), and migrates nothing onto a dedicated failover host.
func Evacuate(s *inventory.Snapshot, p Policy, hosts []inventory.HostName) Evacuation {
	w := newWorld(s, p)
	e := Evacuation{Hosts: slices.Compact(sorted(hosts)), Moves: map[inventory.VMName]inventory.HostName{}, Shortfalls: []Shortfall{}, Occupied: []inventory.HostName{}}
	if bad := w.unknown(hosts, nil); bad != "" {
		e.Verdict, e.Reason = Unproven, bad
		return e
	}
	var gone, vms []int
	for _, h := range hosts {
		i := w.hostIdx[h]
		if slices.Contains(gone, i) {
			continue
		}
		gone = append(gone, i)
		vms = append(vms, w.running[i]...)
		if len(w.running[i]) > 0 {
			e.Occupied = append(e.Occupied, h)
		}
	}
	slices.Sort(e.Occupied)
	if len(vms) == 0 {
		e.Verdict, e.Reason = Safe, "no powered-on VM to move"
		return e
	}
	sc := Scenario{RestartPlacement: e.Moves, Shortfalls: []Shortfall{}}
	pb := w.newProblem(evacuation, vms, gone, nil)
	pb.spreadNeeds(nil)
	w.decide(pb, &sc, "moves")
	pb.release()
	e.Verdict, e.Reason, e.Shortfalls, e.Refusals = sc.Verdict, sc.Reason, sc.Shortfalls, sc.Refusals
	if e.Verdict == Safe {
		e.Reason = fmt.Sprintf("all %d powered-on VM(s) have a target", len(vms))
	}
	return e
}
