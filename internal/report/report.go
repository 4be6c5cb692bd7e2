// Package report builds the review report of a change: what a planned change
// (or the drift a refresh found) does to capacity, failover and the business
// systems, before → after, with a Mermaid diagram of the affected
// neighbourhood. It is plain Go over internal/inventory and internal/analysis:
// the impact command (plan JSON) and the estate_impact data source (Terraform
// values) both turn their input into a Change and two snapshots, and call Build.
//
// The API is written down in docs/design/review-report.md.
package report

import (
	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Format versions the JSON report (docs/guides/review-report.md). Fields may
// be added within v1, never renamed or removed.
const Format = "estate.impact/v1"

// Marker is the first line of the Markdown report, so CI can find and update
// its one comment on a pull request instead of adding one per push.
const Marker = "<!-- estate-impact-report -->"

// Kind says what the report is about.
type Kind string

const (
	// KindChange: a planned change (resource_changes of a plan); before is the estate now.
	KindChange Kind = "change"
	// KindDrift: what changed outside Terraform (resource_drift of a refresh-only
	// plan); before is the estate as Terraform last recorded it, after the estate now.
	KindDrift Kind = "drift"
)

// Change is what turned before into after, as the caller read it.
type Change struct {
	Kind Kind `json:"kind"`
	// Resources are the planned (or drifted) resources, one line each, in the caller's order.
	Resources []Resource `json:"resources"`
	// Maintenance names the hosts entering maintenance in after; their
	// evacuation is checked (analysis.Request.Maintenance).
	Maintenance []inventory.HostName `json:"maintenance,omitempty"`
	// Clusters limits the checks (analysis.Request.Clusters), as the guard's clusters do; empty checks all.
	Clusters []inventory.ClusterName `json:"clusters,omitempty"`
	// FailOn are the finding kinds (analysis.FindingKinds) that block the change; nil means every kind.
	FailOn []string `json:"fail_on,omitempty"`
	// Notes are caller remarks shown in the report (values Terraform does not
	// know until apply, VMs not in vCenter left out, where the policy came from).
	Notes []string `json:"notes,omitempty"`
}

// Resource is one resource of the change, as Terraform names it.
type Resource struct {
	Address string `json:"address"` // estate_vm_placement.web["web-01"]
	Type    string `json:"type"`    // estate_vm_placement
	Action  string `json:"action"`  // create, update, delete, replace, read, no-op (drift: update)
	// Summary says in words what changes: "web-01: esx-a01 → esx-a02".
	Summary string `json:"summary"`
}

// Verdict is the headline: safe or blocked.
type Verdict string

const (
	Safe    Verdict = "safe"    // after has no finding of the FailOn kinds
	Blocked Verdict = "blocked" // after has at least one
)

// Report is the review report of one change. JSON: estate.impact/v1.
type Report struct {
	Format   string          `json:"format"`
	Kind     Kind            `json:"kind"`
	Policy   analysis.Policy `json:"policy"`
	Headline Headline        `json:"headline"`
	// Resources is the change as Terraform put it.
	Resources []Resource `json:"resources"`
	// Hosts whose load, VM count, state or overload changes, worst after first.
	Hosts []HostDelta `json:"hosts"`
	// Clusters: HA admission control before → after, for every checked cluster whose numbers change.
	Clusters []AdmissionDelta `json:"clusters"`
	// Scenarios: failure scenarios whose verdict changes, or that are not safe after (new unsafe first).
	Scenarios []ScenarioDelta `json:"scenarios"`
	// Standby: standby takeovers whose verdict changes or that are not safe after.
	Standby []TakeoverDelta `json:"standby"`
	// BusinessSystems affected by the change, and how.
	BusinessSystems []SystemDelta `json:"business_systems"`
	// Waves orders the VM moves of the change so that no host is over capacity mid-way.
	Waves Waves `json:"waves"`
	// Maintenance is the evacuation of the hosts entering maintenance, when they still run VMs.
	Maintenance []analysis.Evacuation `json:"maintenance"`
	// Findings are the after findings, one line each; New marks those not found before.
	Findings []Finding `json:"findings"`
	// Diagram is the Mermaid text of the affected neighbourhood.
	Diagram Diagram  `json:"diagram"`
	Notes   []string `json:"notes"`
}

// Headline decides the report: the verdict and the counts behind it.
type Headline struct {
	Verdict Verdict `json:"verdict"`
	// Blocking counts the after findings of the FailOn kinds, by kind.
	Blocking map[string]int `json:"blocking"`
	// NewBlocking counts those not found before, by kind.
	NewBlocking map[string]int   `json:"new_blocking"`
	Before      analysis.Summary `json:"before"`
	After       analysis.Summary `json:"after"`
	// Counts of what changes.
	VMsMoved                int `json:"vms_moved"`
	HostsChanged            int `json:"hosts_changed"`
	BusinessSystemsAffected int `json:"business_systems_affected"`
	NewUnsafe               int `json:"new_unsafe"`
}

// HostState is one host's load at one side of the change.
type HostState struct {
	Present       bool                 `json:"present"`
	Available     bool                 `json:"available"`
	Maintenance   bool                 `json:"maintenance"`
	VMs           int                  `json:"powered_on_vms"`
	CPUPercent    float64              `json:"cpu_percent"` // used / capacity under the policy, one decimal
	MemoryPercent float64              `json:"memory_percent"`
	Used          analysis.Resources   `json:"used"`
	Capacity      analysis.Resources   `json:"capacity"`
	Over          []analysis.Dimension `json:"over,omitempty"`
}

// HostDelta is a host whose state changes. Status: failing (over capacity, or
// in a not-safe scenario or evacuation after), degraded (load up or leaving
// service), ok.
type HostDelta struct {
	Host    inventory.HostName    `json:"host"`
	Cluster inventory.ClusterName `json:"cluster,omitempty"`
	Status  Status                `json:"status"`
	Before  HostState             `json:"before"`
	After   HostState             `json:"after"`
	// Arrivals and Departures are the VMs the change moves onto and off the host.
	Arrivals   []inventory.VMName `json:"arrivals,omitempty"`
	Departures []inventory.VMName `json:"departures,omitempty"`
}

// Status colours a part of the estate in the report and the diagram.
type Status string

const (
	StatusOK       Status = "ok"
	StatusDegraded Status = "degraded" // yellow
	StatusFailing  Status = "failing"  // red
)

// AdmissionDelta is a cluster's HA admission control before and after.
type AdmissionDelta struct {
	Cluster inventory.ClusterName     `json:"cluster"`
	Policy  inventory.AdmissionPolicy `json:"policy"`
	Before  AdmissionState            `json:"before"`
	After   AdmissionState            `json:"after"`
}

// AdmissionState is admission control at one side.
type AdmissionState struct {
	OK                      bool   `json:"ok"`
	Reason                  string `json:"reason"`
	CurrentFailoverCapacity int    `json:"current_failover_capacity"`
	CPUFailoverPercent      int    `json:"cpu_failover_percent"`
	MemoryFailoverPercent   int    `json:"memory_failover_percent"`
}

// ScenarioDelta is an N-k failure scenario whose verdict changes or that is
// not safe after. Before is empty when the scenario did not exist (a new host).
type ScenarioDelta struct {
	FailedHosts      []inventory.HostName      `json:"failed_hosts"`
	FailedDatastores []inventory.DatastoreName `json:"failed_datastores"`
	Before           analysis.Verdict          `json:"before"`
	After            analysis.Verdict          `json:"after"`
	// New: not safe after, and safe (or absent) before.
	New                     bool                    `json:"new"`
	Reason                  string                  `json:"reason"`
	Shortfalls              []analysis.Shortfall    `json:"shortfalls"`
	AffectedBusinessSystems []analysis.SystemImpact `json:"affected_business_systems"`
}

// TakeoverDelta is a standby takeover whose verdict changes or that is not safe after.
type TakeoverDelta struct {
	Group       inventory.GroupName  `json:"group"`
	FailedHosts []inventory.HostName `json:"failed_hosts"`
	Before      analysis.Verdict     `json:"before"`
	After       analysis.Verdict     `json:"after"`
	New         bool                 `json:"new"`
	Reason      string               `json:"reason"`
}

// SystemDelta is a business system the change affects, and how.
type SystemDelta struct {
	System      inventory.SystemName  `json:"system"`
	Criticality inventory.Criticality `json:"criticality,omitempty"`
	Status      Status                `json:"status"`
	// How says what the change does to it, one phrase each: "2 VMs move",
	// "spread 3 → 2 hosts (needs 3)", "down if esx-a01 fails".
	How         []string             `json:"how"`
	HostsBefore []inventory.HostName `json:"hosts_before"`
	HostsAfter  []inventory.HostName `json:"hosts_after"`
	MovedVMs    []inventory.VMName   `json:"moved_vms,omitempty"`
}

// Waves is the migration sequence of the VMs the change moves.
type Waves struct {
	Verdict analysis.Verdict  `json:"verdict"`
	Reason  string            `json:"reason"`
	Waves   [][]analysis.Move `json:"waves"`
}

// Finding is one after finding.
type Finding struct {
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	New      bool   `json:"new"`
	Blocking bool   `json:"blocking"`
}

// Diagram is the Mermaid flowchart of the affected neighbourhood: business
// systems → VMs → hosts → datastores, failing parts red, degraded yellow.
type Diagram struct {
	Mermaid string `json:"mermaid"`
	Nodes   int    `json:"nodes"`
	Edges   int    `json:"edges"`
	// Aggregated says what was folded to stay within the limits ("14 VMs of web shop"); empty when nothing was.
	Aggregated []string `json:"aggregated"`
}
