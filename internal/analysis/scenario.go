package analysis

import (
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Verdict is the outcome of a check.
type Verdict string

const (
	Safe     Verdict = "safe"     // a placement exists and was checked
	Unsafe   Verdict = "unsafe"   // proven: no placement exists, or VMs stay down
	Unproven Verdict = "unproven" // neither found nor ruled out
)

// Shortfall says why a VM does not fit on a host: the dimension, what the VM
// requests, what the host already carries and what it may carry.
type Shortfall struct {
	Host      inventory.HostName `json:"host"`
	VM        inventory.VMName   `json:"vm,omitempty"`
	Dimension Dimension          `json:"dimension"`
	Requested int64              `json:"requested"`
	Used      int64              `json:"used"`
	Capacity  int64              `json:"capacity"`
}

// SystemState is what a failure does to a business system, before HA restarts anything.
type SystemState string

const (
	Down           SystemState = "down"            // every running member is hit
	LostRedundancy SystemState = "lost_redundancy" // the survivors run on fewer than max(2, min_hosts) hosts
	Degraded       SystemState = "degraded"        // some members are hit
)

// SystemImpact is one business system hit by a scenario.
type SystemImpact struct {
	Name        inventory.SystemName  `json:"name"`
	Criticality inventory.Criticality `json:"criticality,omitempty"`
	State       SystemState           `json:"state"`
	HitVMs      []inventory.VMName    `json:"hit_vms,omitempty"`
	HitHosts    []inventory.HostName  `json:"hit_hosts,omitempty"`
}

// DownVM is a VM that a failure takes down and nothing restarts.
type DownVM struct {
	VM              inventory.VMName       `json:"vm"`
	Host            inventory.HostName     `json:"host"`
	Reason          string                 `json:"reason"`
	BusinessSystems []inventory.SystemName `json:"business_systems,omitempty"`
}

// Scenario is the result of failing a set of hosts and datastores.
type Scenario struct {
	FailedHosts      []inventory.HostName      `json:"failed_hosts"`
	FailedDatastores []inventory.DatastoreName `json:"failed_datastores"`
	Verdict          Verdict                   `json:"verdict"`
	Reason           string                    `json:"reason"`
	// RestartPlacement maps each VM that restarts to its new host.
	RestartPlacement map[inventory.VMName]inventory.HostName `json:"restart_placement"`
	// StaysDown lists the VMs nothing restarts (storage lost, HA off, restart disabled).
	StaysDown  []DownVM    `json:"stays_down"`
	Shortfalls []Shortfall `json:"shortfalls"`
	// Refusals say, per host, why the placement rule refused a VM that could not be placed.
	Refusals                []Refusal          `json:"refusals,omitempty"`
	AffectedVMs             []inventory.VMName `json:"affected_vms"`
	AffectedBusinessSystems []SystemImpact     `json:"affected_business_systems"`
}

// Failure names what fails in a scenario.
type Failure struct {
	Hosts      []inventory.HostName
	Datastores []inventory.DatastoreName
}

// Fail analyses one failure: which VMs go down, where HA (or a standby group)
// restarts them, and the verdict.
func Fail(s *inventory.Snapshot, p Policy, f Failure) Scenario {
	return newWorld(s, p).fail(f)
}

func (w *world) fail(f Failure) Scenario {
	sc := Scenario{FailedHosts: sorted(f.Hosts), FailedDatastores: sorted(f.Datastores),
		RestartPlacement: map[inventory.VMName]inventory.HostName{}, StaysDown: []DownVM{}, Shortfalls: []Shortfall{},
		AffectedVMs: []inventory.VMName{}, AffectedBusinessSystems: []SystemImpact{}}
	if bad := w.unknown(f.Hosts, f.Datastores); bad != "" {
		sc.Verdict, sc.Reason = Unproven, bad
		return sc
	}
	var gone []int
	for _, h := range f.Hosts {
		if i := w.hostIdx[h]; !slices.Contains(gone, i) {
			gone = append(gone, i)
		}
	}
	slices.Sort(gone)
	failedDS := map[int32]bool{}
	for _, d := range f.Datastores {
		failedDS[w.dsIdx[d]] = true
	}
	toRestart, lost, freed := w.hit(gone, failedDS, &sc)
	sc.AffectedBusinessSystems = w.impacts(sc.AffectedVMs, gone, failedDS)
	if len(toRestart) == 0 {
		sc.Verdict, sc.Reason = Safe, "no powered-on VM is affected"
	} else {
		p := w.newProblem(restart, toRestart, gone, freed)
		p.spreadNeeds(failedDS)
		w.decide(p, &sc, "restarts")
		p.release()
	}
	if len(lost) > 0 {
		reason := strings.Join(lost, "; ")
		if sc.Verdict != Safe && len(toRestart) > 0 {
			reason += "; and of the VMs HA restarts: " + sc.Reason
		}
		sc.Verdict, sc.Reason = Unsafe, reason
	}
	return sc
}
