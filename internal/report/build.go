package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Build analyses before and after under the policy and returns the report; see BuildContext.
func Build(before, after *inventory.Snapshot, ch Change, p analysis.Policy) (Report, error) {
	return BuildContext(context.Background(), before, after, ch, p)
}

// BuildContext analyses before and after under the policy (every N-k failure
// up to p.Tolerate in the change's clusters, admission control, standby
// groups, spread, rules, the evacuation of the hosts entering maintenance)
// and reports what differs. Cancelling the context stops the analyses.
func BuildContext(ctx context.Context, before, after *inventory.Snapshot, ch Change, p analysis.Policy) (Report, error) {
	if ch.Kind == "" {
		ch.Kind = KindChange
	}
	moves, arrivals, departures := movesOf(before, after)
	// Hosts entering maintenance that are not in before cannot be checked there.
	bRep, err := analysis.AnalyzeContext(ctx, before, analysis.Request{Policy: p, Clusters: known(before, ch.Clusters), OmitSafe: true})
	if err != nil {
		return Report{}, fmt.Errorf("analysing the estate before the change: %w", err)
	}
	aRep, err := analysis.AnalyzeContext(ctx, after, analysis.Request{Policy: p, Clusters: known(after, ch.Clusters), OmitSafe: true,
		Maintenance: ch.Maintenance, Arrivals: arrivals})
	if err != nil {
		return Report{}, fmt.Errorf("analysing the estate after the change: %w", err)
	}
	r := Report{Format: Format, Kind: ch.Kind, Policy: p, Resources: nonNil(ch.Resources), Notes: nonNil(ch.Notes),
		Maintenance: aRep.Maintenance}
	r.Scenarios = scenarioDeltas(before, after, bRep, aRep)
	r.Standby = takeoverDeltas(bRep, aRep)
	r.Clusters = admissionDeltas(bRep, aRep)
	r.Findings = findings(bRep, aRep, ch.FailOn)
	r.Hosts = hostDeltas(before, after, bRep, aRep, r.Scenarios, arrivals, departures)
	r.BusinessSystems = systemDeltas(before, after, bRep, aRep, r.Scenarios, moves)
	r.Waves = waves(before, p, moves, ch.Kind)
	r.Headline = headline(r, bRep, aRep, moves)
	r.Diagram = diagram(before, after, r, moves)
	return r, nil
}

func known(s *inventory.Snapshot, clusters []inventory.ClusterName) []inventory.ClusterName {
	var out []inventory.ClusterName
	for _, c := range clusters {
		if _, ok := s.Cluster(c); ok {
			out = append(out, c)
		}
	}
	if len(clusters) > 0 && len(out) == 0 {
		// None of the scope exists on this side: check nothing rather than everything.
		return []inventory.ClusterName{"\x00none"}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// movesOf finds the VMs on another host in after than in before.
func movesOf(before, after *inventory.Snapshot) (map[inventory.VMName]inventory.HostName, map[inventory.HostName][]inventory.VMName, map[inventory.HostName][]inventory.VMName) {
	moves := map[inventory.VMName]inventory.HostName{}
	arr, dep := map[inventory.HostName][]inventory.VMName{}, map[inventory.HostName][]inventory.VMName{}
	for _, v := range after.VMs() {
		if b, ok := before.VM(v.Name); ok && b.Host != v.Host {
			moves[v.Name] = v.Host
			arr[v.Host] = append(arr[v.Host], v.Name)
			dep[b.Host] = append(dep[b.Host], v.Name)
		}
	}
	return moves, arr, dep
}

func failureKey(hosts []inventory.HostName, ds []inventory.DatastoreName) string {
	parts := make([]string, 0, len(hosts)+len(ds))
	for _, h := range hosts {
		parts = append(parts, "h\x00"+string(h))
	}
	for _, d := range ds {
		parts = append(parts, "d\x00"+string(d))
	}
	return strings.Join(parts, "\x01")
}

func scenarioDeltas(before, after *inventory.Snapshot, b, a analysis.Report) []ScenarioDelta {
	was := map[string]analysis.Scenario{}
	for _, sc := range b.Scenarios {
		was[failureKey(sc.FailedHosts, sc.FailedDatastores)] = sc
	}
	exists := func(s *inventory.Snapshot, hosts []inventory.HostName) bool {
		for _, h := range hosts {
			if _, ok := s.Host(h); !ok {
				return false
			}
		}
		return true
	}
	out := []ScenarioDelta{}
	seen := map[string]bool{}
	for _, sc := range a.Scenarios {
		k := failureKey(sc.FailedHosts, sc.FailedDatastores)
		seen[k] = true
		d := ScenarioDelta{FailedHosts: sc.FailedHosts, FailedDatastores: nonNil(sc.FailedDatastores), After: sc.Verdict, Reason: sc.Reason,
			Shortfalls: nonNil(sc.Shortfalls), AffectedBusinessSystems: nonNil(sc.AffectedBusinessSystems)}
		switch old, ok := was[k]; {
		case ok:
			d.Before = old.Verdict
		case exists(before, sc.FailedHosts):
			d.Before = analysis.Safe
		}
		d.New = d.Before == analysis.Safe || d.Before == ""
		if d.Before == d.After && !d.New && sc.Verdict == analysis.Safe {
			continue
		}
		out = append(out, d)
	}
	for _, sc := range b.Scenarios {
		k := failureKey(sc.FailedHosts, sc.FailedDatastores)
		if seen[k] {
			continue
		}
		d := ScenarioDelta{FailedHosts: sc.FailedHosts, FailedDatastores: nonNil(sc.FailedDatastores), Before: sc.Verdict,
			Reason: "", Shortfalls: []analysis.Shortfall{}, AffectedBusinessSystems: []analysis.SystemImpact{}}
		if exists(after, sc.FailedHosts) && inScope(after, a.Scope, sc.FailedHosts) {
			d.After = analysis.Safe
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(x, y ScenarioDelta) int {
		return cmp.Or(-cmpBool(x.New, y.New), verdictRank(y.After)-verdictRank(x.After),
			cmp.Compare(failureKey(x.FailedHosts, x.FailedDatastores), failureKey(y.FailedHosts, y.FailedDatastores)))
	})
	return out
}

func inScope(s *inventory.Snapshot, scope []inventory.ClusterName, hosts []inventory.HostName) bool {
	if len(scope) == 0 {
		return true
	}
	for _, h := range hosts {
		if host, ok := s.Host(h); ok && slices.Contains(scope, host.Cluster) {
			return true
		}
	}
	return false
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	default:
		return -1
	}
}

func verdictRank(v analysis.Verdict) int {
	switch v {
	case analysis.Unsafe:
		return 3
	case analysis.Unproven:
		return 2
	case analysis.Safe:
		return 1
	}
	return 0
}

func takeoverDeltas(b, a analysis.Report) []TakeoverDelta {
	key := func(t analysis.Takeover) string { return string(t.Group) + "\x00" + failureKey(t.FailedHosts, nil) }
	was := map[string]analysis.Takeover{}
	for _, t := range b.Standby {
		was[key(t)] = t
	}
	now := map[string]bool{}
	out := []TakeoverDelta{}
	for _, t := range a.Standby {
		now[key(t)] = true
		d := TakeoverDelta{Group: t.Group, FailedHosts: t.FailedHosts, After: t.Verdict, Reason: t.Reason}
		if old, ok := was[key(t)]; ok {
			d.Before = old.Verdict
		}
		d.New = t.Verdict != analysis.Safe && (d.Before == analysis.Safe || d.Before == "")
		if d.Before == d.After && t.Verdict == analysis.Safe {
			continue
		}
		out = append(out, d)
	}
	for _, t := range b.Standby {
		if !now[key(t)] && t.Verdict != analysis.Safe {
			out = append(out, TakeoverDelta{Group: t.Group, FailedHosts: t.FailedHosts, Before: t.Verdict})
		}
	}
	slices.SortStableFunc(out, func(x, y TakeoverDelta) int {
		return cmp.Or(-cmpBool(x.New, y.New), verdictRank(y.After)-verdictRank(x.After), cmp.Compare(x.Group, y.Group))
	})
	return out
}

func admissionDeltas(b, a analysis.Report) []AdmissionDelta {
	state := func(x analysis.Admission) AdmissionState {
		return AdmissionState{OK: x.AdmissionOK, Reason: x.Reason, CurrentFailoverCapacity: x.CurrentFailoverCapacity,
			CPUFailoverPercent: x.CPUFailoverPercent, MemoryFailoverPercent: x.MemoryFailoverPercent}
	}
	was := map[inventory.ClusterName]analysis.Admission{}
	for _, c := range b.Clusters {
		was[c.Cluster] = c
	}
	out := []AdmissionDelta{}
	for _, c := range a.Clusters {
		d := AdmissionDelta{Cluster: c.Cluster, Policy: c.Policy, After: state(c)}
		if old, ok := was[c.Cluster]; ok {
			d.Before = state(old)
		}
		if d.Before == d.After && d.After.OK {
			continue
		}
		out = append(out, d)
	}
	return out
}

// findingKey drops what only the after report says (the arrivals) so the same finding matches.
func findingKey(f string) string {
	if i := strings.Index(f, " (moved there by this change:"); i >= 0 {
		return f[:i]
	}
	return f
}

func findings(b, a analysis.Report, failOn []string) []Finding {
	out := []Finding{}
	for _, k := range analysis.FindingKinds {
		was := map[string]bool{}
		for _, f := range b.Findings([]string{k}) {
			was[findingKey(f)] = true
		}
		blocking := failOn == nil || slices.Contains(failOn, k)
		for _, f := range a.Findings([]string{k}) {
			out = append(out, Finding{Kind: k, Text: f, New: !was[findingKey(f)], Blocking: blocking})
		}
	}
	slices.SortStableFunc(out, func(x, y Finding) int { return cmp.Or(-cmpBool(x.Blocking, y.Blocking), -cmpBool(x.New, y.New)) })
	return out
}

func percent(used, capacity int64) float64 {
	if capacity <= 0 {
		if used > 0 {
			return 999.9
		}
		return 0
	}
	return math.Round(1000*float64(used)/float64(capacity)) / 10
}

func hostStates(s *inventory.Snapshot, rep analysis.Report, p analysis.Policy) map[inventory.HostName]HostState {
	out := map[inventory.HostName]HostState{}
	for _, l := range analysis.Loads(s, p) {
		h, _ := s.Host(l.Host)
		out[l.Host] = HostState{Present: true, Available: l.Available, Maintenance: h.Maintenance, VMs: l.VMs,
			CPUPercent: percent(l.Used.CPU, l.Capacity.CPU), MemoryPercent: percent(l.Used.Memory, l.Capacity.Memory),
			Used: l.Used, Capacity: l.Capacity, Over: l.Over}
	}
	return out
}

func hostDeltas(before, after *inventory.Snapshot, b, a analysis.Report, scenarios []ScenarioDelta,
	arrivals, departures map[inventory.HostName][]inventory.VMName) []HostDelta {
	bs, as := hostStates(before, b, b.Policy), hostStates(after, a, a.Policy)
	failing := map[inventory.HostName]bool{}
	touched := map[inventory.HostName]bool{}
	for _, sc := range scenarios {
		if sc.After == analysis.Unsafe || sc.After == analysis.Unproven {
			for _, h := range sc.FailedHosts {
				failing[h] = true
				if sc.New {
					touched[h] = true
				}
			}
		}
		if sc.New {
			for _, f := range sc.Shortfalls {
				touched[f.Host] = true
			}
		}
	}
	for _, e := range a.Maintenance {
		if e.Verdict != analysis.Safe {
			for _, h := range e.Occupied {
				failing[h], touched[h] = true, true
			}
		}
	}
	out := []HostDelta{}
	for _, h := range after.Hosts() {
		x, y := bs[h.Name], as[h.Name]
		changed := x.Available != y.Available || x.Maintenance != y.Maintenance || x.VMs != y.VMs || x.Used != y.Used ||
			x.Capacity != y.Capacity || !slices.Equal(x.Over, y.Over) || !x.Present
		if !changed && !touched[h.Name] && len(arrivals[h.Name])+len(departures[h.Name]) == 0 {
			continue
		}
		d := HostDelta{Host: h.Name, Cluster: h.Cluster, Before: x, After: y, Arrivals: sorted(arrivals[h.Name]), Departures: sorted(departures[h.Name])}
		switch {
		case len(y.Over) > 0 || failing[h.Name]:
			d.Status = StatusFailing
		case (x.Available && !y.Available) || y.CPUPercent > x.CPUPercent || y.MemoryPercent > x.MemoryPercent || touched[h.Name]:
			d.Status = StatusDegraded
		default:
			d.Status = StatusOK
		}
		out = append(out, d)
	}
	for _, h := range before.Hosts() {
		if _, ok := after.Host(h.Name); !ok {
			out = append(out, HostDelta{Host: h.Name, Cluster: h.Cluster, Status: StatusDegraded, Before: bs[h.Name], Departures: sorted(departures[h.Name])})
		}
	}
	slices.SortStableFunc(out, func(x, y HostDelta) int {
		return cmp.Or(statusRank(y.Status)-statusRank(x.Status), cmp.Compare(x.Cluster, y.Cluster), cmp.Compare(x.Host, y.Host))
	})
	return out
}

func statusRank(s Status) int {
	switch s {
	case StatusFailing:
		return 2
	case StatusDegraded:
		return 1
	}
	return 0
}

func sorted[T cmp.Ordered](in []T) []T {
	if len(in) == 0 {
		return nil
	}
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

func systemDeltas(before, after *inventory.Snapshot, b, a analysis.Report, scenarios []ScenarioDelta, moves map[inventory.VMName]inventory.HostName) []SystemDelta {
	spreadOf := func(rep analysis.Report) map[inventory.SystemName]analysis.Spread {
		m := map[inventory.SystemName]analysis.Spread{}
		for _, s := range rep.BusinessSystems {
			m[s.System] = s
		}
		return m
	}
	bs, as := spreadOf(b), spreadOf(a)
	names := map[inventory.SystemName]bool{}
	for _, s := range before.BusinessSystems() {
		names[s.Name] = true
	}
	for _, s := range after.BusinessSystems() {
		names[s.Name] = true
	}
	out := []SystemDelta{}
	for _, name := range sortedKeys(names) {
		was, inBefore := before.BusinessSystem(name)
		now, inAfter := after.BusinessSystem(name)
		d := SystemDelta{System: name, Criticality: cmp.Or(now.Criticality, was.Criticality), Status: StatusOK,
			HostsBefore: nonNil(bs[name].Hosts), HostsAfter: nonNil(as[name].Hosts)}
		worse := func(s Status) {
			if statusRank(s) > statusRank(d.Status) {
				d.Status = s
			}
		}
		switch {
		case !inBefore:
			d.How = append(d.How, "declared by this change")
		case !inAfter:
			d.How = append(d.How, "removed by this change")
			worse(StatusDegraded)
		}
		if inBefore && inAfter {
			if gone := minus(was.VMs, now.VMs); len(gone) > 0 {
				d.How = append(d.How, fmt.Sprintf("%s leave the system: %s", count(len(gone), "VM"), names3(gone)))
				worse(StatusDegraded)
			}
			if added := minus(now.VMs, was.VMs); len(added) > 0 {
				d.How = append(d.How, fmt.Sprintf("%s join the system: %s", count(len(added), "VM"), names3(added)))
			}
			if gone := minus(was.Hosts, now.Hosts); len(gone) > 0 {
				d.How = append(d.How, fmt.Sprintf("%s leave the system: %s", count(len(gone), "server"), names3(gone)))
				worse(StatusDegraded)
			}
			if was.MinHosts != now.MinHosts {
				d.How = append(d.How, fmt.Sprintf("min_hosts %d → %d", was.MinHosts, now.MinHosts))
			}
		}
		for _, v := range now.VMs {
			if _, ok := moves[v]; ok {
				d.MovedVMs = append(d.MovedVMs, v)
			}
		}
		if len(d.MovedVMs) > 0 {
			d.How = append(d.How, fmt.Sprintf("%s move", count(len(d.MovedVMs), "VM")))
		}
		for _, h := range now.Hosts {
			x, _ := before.Host(h)
			y, _ := after.Host(h)
			if x.Available() && !y.Available() {
				d.How = append(d.How, fmt.Sprintf("server %s leaves service", h))
				worse(StatusDegraded)
			}
		}
		if len(d.HostsBefore) != len(d.HostsAfter) && inBefore && inAfter {
			d.How = append(d.How, fmt.Sprintf("runs on %d → %d hosts", len(d.HostsBefore), len(d.HostsAfter)))
			if len(d.HostsAfter) < len(d.HostsBefore) {
				worse(StatusDegraded)
			}
		}
		if sp, ok := as[name]; ok && sp.Violated() {
			was := bs[name]
			switch {
			case !sp.SpreadOK:
				d.How = append(d.How, fmt.Sprintf("spread below min_hosts: %d of %d hosts", len(sp.Hosts), sp.MinHosts))
			default:
				d.How = append(d.How, fmt.Sprintf("all %d running members on one host", sp.Members))
			}
			if _, had := bs[name]; !had || !was.Violated() || len(d.How) > 1 {
				worse(StatusFailing)
			}
		}
		for _, sc := range scenarios {
			if !sc.New {
				continue
			}
			for _, hit := range sc.AffectedBusinessSystems {
				if hit.Name == name {
					d.How = append(d.How, fmt.Sprintf("%s if %s fails (%s, now %s)", strings.ReplaceAll(string(hit.State), "_", " "), failureText(sc.FailedHosts, sc.FailedDatastores), sc.After, "new"))
					if hit.State == analysis.Down {
						worse(StatusFailing)
					} else {
						worse(StatusDegraded)
					}
				}
			}
		}
		if len(d.How) == 0 {
			continue
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(x, y SystemDelta) int {
		return cmp.Or(statusRank(y.Status)-statusRank(x.Status), critRank(y.Criticality)-critRank(x.Criticality), cmp.Compare(x.System, y.System))
	})
	return out
}

func critRank(c inventory.Criticality) int {
	switch c {
	case inventory.CriticalityCritical:
		return 3
	case inventory.CriticalityHigh:
		return 2
	case inventory.CriticalityMedium:
		return 1
	}
	return 0
}

func failureText(hosts []inventory.HostName, ds []inventory.DatastoreName) string {
	parts := []string{}
	for _, h := range hosts {
		parts = append(parts, string(h))
	}
	for _, d := range ds {
		parts = append(parts, "datastore "+string(d))
	}
	return strings.Join(parts, " + ")
}

func minus[T comparable](a, b []T) []T {
	var out []T
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func names3[T ~string](in []T) string {
	parts := []string{}
	for _, x := range in[:min(3, len(in))] {
		parts = append(parts, string(x))
	}
	s := strings.Join(parts, ", ")
	if len(in) > 3 {
		s += fmt.Sprintf(" and %d more", len(in)-3)
	}
	return s
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func waves(before *inventory.Snapshot, p analysis.Policy, moves map[inventory.VMName]inventory.HostName, kind Kind) Waves {
	if len(moves) == 0 {
		return Waves{Verdict: analysis.Safe, Reason: "no VM moves", Waves: [][]analysis.Move{}}
	}
	if kind == KindDrift {
		// What drifted already happened: there is no order to give.
		w := Waves{Verdict: analysis.Safe, Reason: "these moves already happened (drift)", Waves: [][]analysis.Move{{}}}
		for _, vm := range sortedKeys(moves) {
			v, _ := before.VM(vm)
			w.Waves[0] = append(w.Waves[0], analysis.Move{VM: vm, From: v.Host, To: moves[vm]})
		}
		return w
	}
	seq := analysis.SequenceMoves(before, p, moves)
	return Waves{Verdict: seq.Verdict, Reason: seq.Reason, Waves: nonNil(seq.Waves)}
}

func headline(r Report, b, a analysis.Report, moves map[inventory.VMName]inventory.HostName) Headline {
	h := Headline{Verdict: Safe, Blocking: map[string]int{}, NewBlocking: map[string]int{}, Before: b.Summary, After: a.Summary, VMsMoved: len(moves)}
	for _, f := range r.Findings {
		if f.Blocking {
			h.Blocking[f.Kind]++
			h.Verdict = Blocked
			if f.New {
				h.NewBlocking[f.Kind]++
			}
		}
	}
	for _, d := range r.Hosts {
		if d.Status != StatusOK || len(d.Arrivals)+len(d.Departures) > 0 || d.Before.Available != d.After.Available {
			h.HostsChanged++
		}
	}
	h.BusinessSystemsAffected = len(r.BusinessSystems)
	for _, sc := range r.Scenarios {
		if sc.New && sc.After == analysis.Unsafe {
			h.NewUnsafe++
		}
	}
	for _, t := range r.Standby {
		if t.New && t.After == analysis.Unsafe {
			h.NewUnsafe++
		}
	}
	return h
}
