// Package analysis checks an estate for capacity and failover: host load,
// vSphere HA admission control, host and datastore failures, cold standby,
// business-system spread, maintenance evacuation and migration sequencing.
//
// It is plain Go over internal/inventory. Every verdict is explained and
// sound: "safe" only with a concrete placement that was checked against every
// constraint, "unsafe" only with a proof, otherwise "unproven" with the reason.
package analysis

import (
	"fmt"
	"slices"
	"strings"
)

// Basis is what a VM is taken to demand of a host.
type Basis string

const (
	// BasisReservation counts CPU reservation and memory reservation + overhead: what vSphere HA uses.
	BasisReservation Basis = "reservation"
	// BasisConfigured counts vCPU × the host's MHz per core and configured memory + overhead: restart at full size.
	BasisConfigured Basis = "configured"
	// BasisUsage counts measured CPU and memory usage.
	BasisUsage Basis = "usage"
)

// Bases lists every basis.
var Bases = []Basis{BasisReservation, BasisConfigured, BasisUsage}

// Policy is what the checks hold the estate to.
type Policy struct {
	Basis            Basis   `json:"basis"`
	CPUOvercommit    float64 `json:"cpu_overcommit"`    // usable CPU = capacity × this
	MemoryOvercommit float64 `json:"memory_overcommit"` // usable memory = capacity × this
	HeadroomPercent  float64 `json:"headroom_percent"`  // kept free on every host, after overcommit
	Tolerate         int     `json:"tolerate"`          // host failures per cluster to check (k-subsets up to this)
	// SearchBudget bounds the exhaustive placement search per scenario, in
	// steps; 0 means the default (200,000). Past it a verdict is "unproven".
	SearchBudget int `json:"search_budget,omitempty"`
	// MaxScenarios bounds the failure combinations one analysis checks; 0
	// means the default (100,000). A request above it is refused up front.
	MaxScenarios int `json:"max_scenarios,omitempty"`
}

// DefaultPolicy is vSphere HA's view: reservations, no overcommit, no headroom, one host failure.
func DefaultPolicy() Policy {
	return Policy{Basis: BasisReservation, CPUOvercommit: 1, MemoryOvercommit: 1, Tolerate: 1}
}

// MaxOvercommit bounds the overcommit ratios: far above any real estate, far
// below where capacities stop being exact integers.
const MaxOvercommit = 1000

// Validate reports every bad field, naming it, its value and what is valid.
func (p Policy) Validate() error {
	var errs []string
	if !slices.Contains(Bases, p.Basis) {
		errs = append(errs, fmt.Sprintf("basis %q: must be one of reservation, configured, usage", p.Basis))
	}
	// Written so that NaN fails every check (comparisons with NaN are false).
	if !(p.CPUOvercommit > 0 && p.CPUOvercommit <= MaxOvercommit) {
		errs = append(errs, fmt.Sprintf("cpu overcommit %g: must be greater than 0 and at most %d (1 means none)", p.CPUOvercommit, MaxOvercommit))
	}
	if !(p.MemoryOvercommit > 0 && p.MemoryOvercommit <= MaxOvercommit) {
		errs = append(errs, fmt.Sprintf("memory overcommit %g: must be greater than 0 and at most %d (1 means none)", p.MemoryOvercommit, MaxOvercommit))
	}
	if !(p.HeadroomPercent >= 0 && p.HeadroomPercent < 100) {
		errs = append(errs, fmt.Sprintf("headroom percent %g: must be at least 0 and less than 100", p.HeadroomPercent))
	}
	if p.SearchBudget < 0 {
		errs = append(errs, fmt.Sprintf("search budget %d: must not be negative (0 means the default, %d)", p.SearchBudget, searchBudget))
	}
	if p.MaxScenarios < 0 {
		errs = append(errs, fmt.Sprintf("max scenarios %d: must not be negative (0 means the default, %d)", p.MaxScenarios, DefaultMaxScenarios))
	}
	if p.Tolerate < 0 {
		errs = append(errs, fmt.Sprintf("tolerate %d: must not be negative", p.Tolerate))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid policy: %s", strings.Join(errs, "; "))
	}
	return nil
}
