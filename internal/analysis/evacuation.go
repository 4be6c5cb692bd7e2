package analysis

import (
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Evacuation is where the VMs of hosts entering maintenance go.
type Evacuation struct {
	Hosts      []inventory.HostName                    `json:"hosts"`
	Verdict    Verdict                                 `json:"verdict"`
	Reason     string                                  `json:"reason"`
	Moves      map[inventory.VMName]inventory.HostName `json:"moves"`
	Shortfalls []Shortfall                             `json:"shortfalls"`
}

// Evacuate computes targets for every powered-on VM of the hosts entering
// maintenance, on the other available hosts of their clusters, with the same
// constraints and proofs as a failure — but the hosts' datastores stay up.
func Evacuate(s *inventory.Snapshot, p Policy, hosts []inventory.HostName) Evacuation {
	w := newWorld(s, p)
	if bad := w.unknown(hosts, nil); bad != "" {
		return Evacuation{Hosts: sorted(hosts), Verdict: Unproven, Reason: bad, Moves: map[inventory.VMName]inventory.HostName{}, Shortfalls: []Shortfall{}}
	}
	leaving := map[int]bool{}
	var vms []inventory.VM
	for _, h := range hosts {
		i := w.hostIdx[h]
		leaving[i] = true
		vms = append(vms, w.running[i]...)
	}
	e := Evacuation{Hosts: sorted(hosts), Moves: map[inventory.VMName]inventory.HostName{}, Shortfalls: []Shortfall{}}
	if len(vms) == 0 {
		e.Verdict, e.Reason = Safe, "no powered-on VM to move"
		return e
	}
	sc := Scenario{RestartPlacement: e.Moves, Shortfalls: []Shortfall{}}
	pl := w.problem(vms, leaving, nil, nil)
	// vSphere powers on and migrates no VM onto a dedicated failover host.
	for i := range pl.cands {
		pl.cands[i] = slices.DeleteFunc(pl.cands[i], func(h int) bool { return w.failover[h] })
	}
	w.decide(pl, &sc)
	e.Verdict, e.Reason, e.Shortfalls = sc.Verdict, sc.Reason, sc.Shortfalls
	if e.Verdict == Safe {
		e.Reason = fmt.Sprintf("all %d powered-on VM(s) have a target", len(vms))
	}
	return e
}
