package analysis

import (
	"context"
	"fmt"
	"slices"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// ReportFormat versions the JSON report (docs/guides/analysis-report.md).
const ReportFormat = "estate.analysis/v1"

// Request says what to check.
type Request struct {
	Policy Policy
	// FailHosts and FailDatastores name one failure to check; when both are
	// empty every k-subset of hosts per cluster up to Policy.Tolerate is checked.
	FailHosts      []inventory.HostName
	FailDatastores []inventory.DatastoreName
	// Maintenance names hosts planned to enter maintenance: each must be empty
	// of powered-on VMs, and the report says where they could go.
	Maintenance []inventory.HostName
	// Clusters limits the checks to these clusters (and servers outside any
	// cluster) when set: their host failures, admission control, host loads,
	// rules and the standby groups with an active host in them. Business
	// systems are checked whole.
	Clusters []inventory.ClusterName
	// Arrivals names, per host, the VMs this change moves there, so that an
	// overloaded host's finding names the placements that cause it.
	Arrivals map[inventory.HostName][]inventory.VMName
	// OmitSafe keeps only the scenarios that are not safe in the report
	// (the summary still counts every one): for callers that need findings
	// and counts, not every restart placement.
	OmitSafe bool
}

// Report is everything one analysis found.
type Report struct {
	Format          string       `json:"format"`
	Policy          Policy       `json:"policy"`
	Summary         Summary      `json:"summary"`
	Hosts           []HostLoad   `json:"hosts"`
	Clusters        []Admission  `json:"clusters"`
	Scenarios       []Scenario   `json:"scenarios"`
	Standby         []Takeover   `json:"standby"`
	BusinessSystems []Spread     `json:"business_systems"`
	Maintenance     []Evacuation `json:"maintenance"`
	// RuleViolations are enabled DRS rules the layout breaks now.
	RuleViolations []RuleViolation `json:"rule_violations"`
	// Scope lists the clusters checked when the request limited them.
	Scope []inventory.ClusterName `json:"scope,omitempty"`

	arrivals map[inventory.HostName][]inventory.VMName
}

// Summary counts verdicts over scenarios and standby takeovers, and the other findings.
type Summary struct {
	Safe                int `json:"safe"`
	Unsafe              int `json:"unsafe"`
	Unproven            int `json:"unproven"`
	OverloadedHosts     int `json:"overloaded_hosts"`
	AdmissionViolations int `json:"admission_violations"`
	SpreadViolations    int `json:"spread_violations"`
	MaintenanceBlocked  int `json:"maintenance_blocked"`
	RuleViolations      int `json:"rule_violations"`
}

// OK reports whether nothing needs attention: every check safe, no host over
// capacity, admission control satisfied and every system spread as required.
func (s Summary) OK() bool {
	return s.Unsafe == 0 && s.Unproven == 0 && s.OverloadedHosts == 0 && s.AdmissionViolations == 0 && s.SpreadViolations == 0 && s.MaintenanceBlocked == 0 && s.RuleViolations == 0
}

// Analyze runs every check on a snapshot; see AnalyzeContext.
func Analyze(s *inventory.Snapshot, r Request) (Report, error) {
	return AnalyzeContext(context.Background(), s, r)
}

// AnalyzeContext runs every check on a snapshot. The work is bounded up
// front: a request whose failure combinations exceed the policy's
// MaxScenarios is refused, naming the count and the limit. Scenarios are
// checked one at a time and the context is checked between them, so a
// cancelled analysis stops at once with the context's error.
func AnalyzeContext(ctx context.Context, s *inventory.Snapshot, r Request) (Report, error) {
	if err := r.Policy.Validate(); err != nil {
		return Report{}, err
	}
	if err := checkNames(s, r); err != nil {
		return Report{}, err
	}
	named := len(r.FailHosts)+len(r.FailDatastores) > 0
	// Only the clusters in scope are enumerated and counted.
	if n, what := workSize(s, r.Policy, named, r.Clusters); n > r.Policy.maxScenarios() {
		return Report{}, fmt.Errorf("tolerate %d asks for %d failure combinations (the largest share from %s); the limit is %d: lower tolerate or raise the scenario limit", r.Policy.Tolerate, n, what, r.Policy.maxScenarios())
	}
	w := newWorld(s, r.Policy)
	standby, err := standbyTakeovers(ctx, w)
	if err != nil {
		return Report{}, fmt.Errorf("analysis stopped after %d standby takeover(s): %w", len(standby), err)
	}
	rep := Report{Format: ReportFormat, Policy: r.Policy, Hosts: Loads(s, r.Policy), Clusters: AdmissionControl(s),
		Standby: standby, BusinessSystems: BusinessSystemSpread(s), RuleViolations: RuleCompliance(s), arrivals: r.Arrivals}
	if len(r.Clusters) > 0 {
		rep.limitTo(s, r.Clusters)
	}
	omitted := 0
	if len(r.FailHosts)+len(r.FailDatastores) > 0 {
		rep.Scenarios = []Scenario{Fail(s, r.Policy, Failure{Hosts: r.FailHosts, Datastores: r.FailDatastores})}
	} else {
		err := eachHostFailure(ctx, w, r.Clusters, func(sc Scenario) {
			if !inScope(s, r.Clusters, sc.FailedHosts) {
				return
			}
			if r.OmitSafe && sc.Verdict == Safe {
				omitted++
				return
			}
			rep.Scenarios = append(rep.Scenarios, sc)
		})
		if err != nil {
			return Report{}, fmt.Errorf("analysis stopped after %d scenario(s): %w", len(rep.Scenarios)+omitted, err)
		}
	}
	if rep.Scenarios == nil {
		rep.Scenarios = []Scenario{}
	}
	if rep.Standby == nil {
		rep.Standby = []Takeover{}
	}
	// Hosts entering maintenance together are emptied together: none of them
	// is a target for another's VMs.
	rep.Maintenance = []Evacuation{}
	if slices.ContainsFunc(r.Maintenance, func(h inventory.HostName) bool {
		return slices.ContainsFunc(s.VMsOn(h), inventory.VM.PoweredOn)
	}) {
		rep.Maintenance = append(rep.Maintenance, Evacuate(s, r.Policy, r.Maintenance))
	}
	rep.Summary = summarize(rep)
	rep.Summary.Safe += omitted
	return rep, nil
}

func summarize(r Report) Summary {
	var s Summary
	count := func(v Verdict) {
		switch v {
		case Safe:
			s.Safe++
		case Unsafe:
			s.Unsafe++
		default:
			s.Unproven++
		}
	}
	for _, sc := range r.Scenarios {
		count(sc.Verdict)
	}
	for _, t := range r.Standby {
		count(t.Verdict)
	}
	for _, h := range r.Hosts {
		if len(h.Over) > 0 {
			s.OverloadedHosts++
		}
	}
	for _, c := range r.Clusters {
		if !c.AdmissionOK {
			s.AdmissionViolations++
		}
	}
	for _, b := range r.BusinessSystems {
		if b.Violated() {
			s.SpreadViolations++
		}
	}
	s.MaintenanceBlocked = len(r.Maintenance)
	s.RuleViolations = len(r.RuleViolations)
	return s
}
