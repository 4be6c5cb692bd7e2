package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// GitHubCommentMax is the most characters a GitHub comment holds; the Markdown report stays below it.
const GitHubCommentMax = 65536

// markdownBudget leaves room for what CI adds around the report.
const markdownBudget = 60000

// RenderJSON writes the report as estate.impact/v1.
func RenderJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// limits bound the rows of the long sections; failing hosts and every
// affected business system are always listed.
type limits struct{ rows, moves, findings int }

// RenderMarkdown writes the pull-request comment. Its first line is Marker.
// It stays within markdownBudget characters: the long sections shrink (and
// say how many rows they leave out; the JSON report has them all).
func RenderMarkdown(w io.Writer, r Report) error {
	var text string
	for _, l := range []limits{{200, 100, 100}, {50, 30, 40}, {20, 10, 20}, {0, 0, 10}} {
		text = markdown(r, l)
		if len(text) <= markdownBudget {
			break
		}
	}
	_, err := io.WriteString(w, text)
	return err
}

func verdictLine(r Report) string {
	h := r.Headline
	what := "change"
	if r.Kind == KindDrift {
		what = "drift"
	}
	if h.Verdict == Safe {
		return fmt.Sprintf("✅ the %s is safe", what)
	}
	return fmt.Sprintf("❌ the %s is blocked: %s", what, countsText(h))
}

func countsText(h Headline) string {
	var parts []string
	for _, k := range analysis.FindingKinds {
		if n := h.Blocking[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s (%d new)", n, k, h.NewBlocking[k]))
		}
	}
	return strings.Join(parts, ", ")
}

func summaryLine(h Headline) string {
	return fmt.Sprintf("%s moved · %s changed · %s affected · N-k: %d unsafe / %d unproven before → %d unsafe / %d unproven after (%d newly unsafe)",
		count(h.VMsMoved, "VM"), count(h.HostsChanged, "host"), count(h.BusinessSystemsAffected, "business system"),
		h.Before.Unsafe, h.Before.Unproven, h.After.Unsafe, h.After.Unproven, h.NewUnsafe)
}

func statusMark(s Status) string {
	switch s {
	case StatusFailing:
		return "🟥 failing"
	case StatusDegraded:
		return "🟨 degraded"
	}
	return "ok"
}

func verdictMark(v analysis.Verdict) string {
	if v == "" {
		return "—"
	}
	return string(v)
}

func markdown(r Report, l limits) string {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	title := "Review report"
	if r.Kind == KindDrift {
		title = "Drift report"
	}
	fmt.Fprintf(&b, "## %s: %s\n\n", title, verdictLine(r))
	fmt.Fprintf(&b, "%s\n\n", summaryLine(r.Headline))
	fmt.Fprintf(&b, "Policy: basis `%s`, headroom %g%%, tolerate %d host failure(s) per cluster.\n", r.Policy.Basis, r.Policy.HeadroomPercent, r.Policy.Tolerate)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> %s\n", md(n))
	}
	if len(r.Resources) > 0 {
		b.WriteString("\n<details><summary>" + count(len(r.Resources), "resource") + " in this " + string(r.Kind) + "</summary>\n\n| resource | action | what |\n|---|---|---|\n")
		rows(&b, r.Resources, l.rows, func(x Resource) string {
			return fmt.Sprintf("| %s | %s | %s |\n", md(x.Address), md(x.Action), md(x.Summary))
		}, nil)
		b.WriteString("\n</details>\n")
	}
	if blocking := filter(r.Findings, func(f Finding) bool { return f.Blocking }); len(blocking) > 0 {
		b.WriteString("\n### Findings that block\n\n")
		rows(&b, blocking, l.findings, func(f Finding) string {
			mark := ""
			if f.New {
				mark = "**new** "
			}
			return fmt.Sprintf("- %s%s: %s\n", mark, f.Kind, md(f.Text))
		}, nil)
	}
	if len(r.Hosts) > 0 {
		b.WriteString("\n### Hosts\n\n| host | cluster | status | CPU % | memory % | VMs | change |\n|---|---|---|---|---|---|---|\n")
		rows(&b, r.Hosts, l.rows, func(h HostDelta) string {
			return fmt.Sprintf("| %s | %s | %s | %s | %s | %d → %d | %s |\n", md(h.Host), md(h.Cluster), statusMark(h.Status),
				arrow(h.Before.CPUPercent, h.After.CPUPercent), arrow(h.Before.MemoryPercent, h.After.MemoryPercent), h.Before.VMs, h.After.VMs, hostChange(h))
		}, func(h HostDelta) bool { return h.Status == StatusFailing })
	}
	if len(r.Clusters) > 0 {
		b.WriteString("\n### HA admission control\n\n| cluster | policy | before | after |\n|---|---|---|---|\n")
		for _, c := range r.Clusters {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(c.Cluster), c.Policy, admissionText(c.Before), admissionText(c.After))
		}
	}
	if len(r.Scenarios)+len(r.Standby) > 0 {
		b.WriteString("\n### Failover (N-k)\n\n| failure | before | after | reason | business systems hit |\n|---|---|---|---|---|\n")
		rows(&b, r.Scenarios, l.rows, func(sc ScenarioDelta) string {
			v := verdictMark(sc.After)
			if sc.New {
				v = "**" + v + " (new)**"
			}
			return fmt.Sprintf("| %s | %s | %s | %s | %s |\n", md(failureText(sc.FailedHosts, sc.FailedDatastores)), verdictMark(sc.Before), v, md(sc.Reason), hitText(sc.AffectedBusinessSystems))
		}, func(sc ScenarioDelta) bool { return sc.New })
		for _, t := range r.Standby {
			v := verdictMark(t.After)
			if t.New {
				v = "**" + v + " (new)**"
			}
			fmt.Fprintf(&b, "| standby group %s loses %s | %s | %s | %s | |\n", md(t.Group), md(joinHosts(t.FailedHosts)), verdictMark(t.Before), v, md(t.Reason))
		}
	}
	if len(r.BusinessSystems) > 0 {
		b.WriteString("\n### Business systems\n\n| system | criticality | status | hosts | how |\n|---|---|---|---|---|\n")
		// Every affected system is named: the "how" shortens first.
		for _, s := range r.BusinessSystems {
			how := s.How
			if l.rows < 50 && len(how) > 2 {
				how = append(slices.Clone(how[:2]), fmt.Sprintf("and %d more", len(how)-2))
			}
			parts := make([]string, len(how))
			for i, h := range how {
				parts[i] = md(h)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d → %d | %s |\n", md(s.System), orDash(string(s.Criticality)), statusMark(s.Status), len(s.HostsBefore), len(s.HostsAfter), strings.Join(parts, "; "))
		}
	}
	if len(r.Maintenance) > 0 {
		b.WriteString("\n### Maintenance\n\n")
		for _, e := range r.Maintenance {
			fmt.Fprintf(&b, "- %s still run powered-on VMs: evacuation %s. %s\n", md(joinHosts(e.Occupied)), e.Verdict, md(e.Reason))
		}
	}
	if n := movesIn(r.Waves); n > 0 {
		title := "Moves in wave order"
		if r.Kind == KindDrift {
			title = "What moved"
		}
		fmt.Fprintf(&b, "\n### %s\n\n%s in %s: %s. %s\n\n", title, count(n, "move"), count(len(r.Waves.Waves), "wave"), r.Waves.Verdict, md(r.Waves.Reason))
		shown := 0
		for i, wave := range r.Waves.Waves {
			if shown >= l.moves {
				break
			}
			fmt.Fprintf(&b, "%d. ", i+1)
			parts := []string{}
			for _, m := range wave {
				if shown >= l.moves {
					parts = append(parts, fmt.Sprintf("… %d more in this wave", len(wave)-len(parts)))
					break
				}
				p := fmt.Sprintf("%s: %s → %s", md(m.VM), md(m.From), md(m.To))
				if m.Parking {
					p += " (parking)"
				}
				parts = append(parts, p)
				shown++
			}
			b.WriteString(strings.Join(parts, " · ") + "\n")
		}
		if shown < n {
			fmt.Fprintf(&b, "\n%d more moves are in the JSON report (`--format json`).\n", n-shown)
		}
	}
	b.WriteString("\n### Affected neighbourhood\n\n```mermaid\n" + r.Diagram.Mermaid + "```\n")
	if len(r.Diagram.Aggregated) > 0 {
		b.WriteString("\nThe diagram is aggregated to stay within what Mermaid renders: " + md(strings.Join(r.Diagram.Aggregated, "; ")) + ".\n")
	}
	if others := filter(r.Findings, func(f Finding) bool { return !f.Blocking }); len(others) > 0 {
		b.WriteString("\n<details><summary>Other findings (not blocking)</summary>\n\n")
		rows(&b, others, l.findings, func(f Finding) string { return fmt.Sprintf("- %s: %s\n", f.Kind, md(f.Text)) }, nil)
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

// rows writes up to limit rows, and always the rows keep says must stay; it
// says how many it left out.
func rows[T any](b *strings.Builder, items []T, limit int, row func(T) string, keep func(T) bool) {
	left := 0
	for i, it := range items {
		if i < limit || (keep != nil && keep(it)) {
			b.WriteString(row(it))
			continue
		}
		left++
	}
	if left > 0 {
		fmt.Fprintf(b, "\n%d more rows are in the JSON report (`--format json`).\n", left)
	}
}

func filter[T any](in []T, ok func(T) bool) []T {
	var out []T
	for _, x := range in {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

func arrow(a, b float64) string {
	if a == b {
		return fmt.Sprintf("%.1f", a)
	}
	return fmt.Sprintf("%.1f → %.1f", a, b)
}

func hostChange(h HostDelta) string {
	var parts []string
	switch {
	case !h.Before.Present:
		parts = append(parts, "declared by this change")
	case !h.After.Present:
		parts = append(parts, "removed")
	case !h.Before.Maintenance && h.After.Maintenance:
		parts = append(parts, "enters maintenance")
	case h.Before.Maintenance && !h.After.Maintenance:
		parts = append(parts, "leaves maintenance")
	}
	if n := len(h.Arrivals); n > 0 {
		parts = append(parts, fmt.Sprintf("+%d: %s", n, md(names3(h.Arrivals))))
	}
	if n := len(h.Departures); n > 0 {
		parts = append(parts, fmt.Sprintf("−%d: %s", n, md(names3(h.Departures))))
	}
	if len(h.After.Over) > 0 {
		parts = append(parts, fmt.Sprintf("over capacity in %v", h.After.Over))
	}
	return strings.Join(parts, "; ")
}

func admissionText(a AdmissionState) string {
	if a.OK {
		return "ok"
	}
	return "VIOLATED: " + md(a.Reason)
}

func hitText(hits []analysis.SystemImpact) string {
	parts := []string{}
	for _, h := range hits {
		parts = append(parts, fmt.Sprintf("%s (%s)", md(h.Name), strings.ReplaceAll(string(h.State), "_", " ")))
	}
	return strings.Join(parts, ", ")
}

func joinHosts(hs []inventory.HostName) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = string(h)
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func movesIn(w Waves) int {
	n := 0
	for _, wave := range w.Waves {
		n += len(wave)
	}
	return n
}

// RenderText writes the terminal report: the headline, then what changes.
func RenderText(w io.Writer, r Report) error {
	var b strings.Builder
	h := r.Headline
	title := "review report"
	if r.Kind == KindDrift {
		title = "drift report"
	}
	verdict := "SAFE"
	if h.Verdict == Blocked {
		verdict = "BLOCKED: " + countsText(h)
	}
	fmt.Fprintf(&b, "estate %s: %s\n%s\n", title, verdict, summaryLine(h))
	fmt.Fprintf(&b, "policy: %s basis, headroom %g%%, tolerate %d\n", r.Policy.Basis, r.Policy.HeadroomPercent, r.Policy.Tolerate)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", clean(n))
	}
	if len(r.Resources) > 0 {
		b.WriteString("\nresources:\n")
		for _, x := range r.Resources {
			fmt.Fprintf(&b, "  %-7s %s: %s\n", x.Action, clean(x.Address), clean(x.Summary))
		}
	}
	if len(r.Findings) > 0 {
		b.WriteString("\nfindings:\n")
		for _, f := range r.Findings {
			tag := "  "
			if f.Blocking {
				tag = "! "
			}
			nw := ""
			if f.New {
				nw = " [new]"
			}
			fmt.Fprintf(&b, "%s%s%s: %s\n", tag, f.Kind, nw, clean(f.Text))
		}
	}
	if len(r.Hosts) > 0 {
		b.WriteString("\nhosts:\n")
		for _, d := range r.Hosts {
			fmt.Fprintf(&b, "  %-8s %s (%s): cpu %s%%, memory %s%%, VMs %d → %d %s\n", d.Status, quote(d.Host), clean(d.Cluster),
				arrow(d.Before.CPUPercent, d.After.CPUPercent), arrow(d.Before.MemoryPercent, d.After.MemoryPercent), d.Before.VMs, d.After.VMs, clean(hostChangeText(d)))
		}
	}
	for _, c := range r.Clusters {
		fmt.Fprintf(&b, "admission control of %s (%s): %s → %s\n", quote(c.Cluster), c.Policy, okText(c.Before), okText(c.After))
	}
	if len(r.Scenarios)+len(r.Standby) > 0 {
		b.WriteString("\nfailover:\n")
		for _, sc := range r.Scenarios {
			nw := ""
			if sc.New {
				nw = " [new]"
			}
			fmt.Fprintf(&b, "  fail %s: %s → %s%s %s\n", clean(failureText(sc.FailedHosts, sc.FailedDatastores)), verdictMark(sc.Before), verdictMark(sc.After), nw, clean(sc.Reason))
		}
		for _, t := range r.Standby {
			fmt.Fprintf(&b, "  standby group %s loses %s: %s → %s %s\n", quote(t.Group), clean(joinHosts(t.FailedHosts)), verdictMark(t.Before), verdictMark(t.After), clean(t.Reason))
		}
	}
	if len(r.BusinessSystems) > 0 {
		b.WriteString("\nbusiness systems:\n")
		for _, s := range r.BusinessSystems {
			fmt.Fprintf(&b, "  %-8s %s: %s\n", s.Status, quote(s.System), clean(strings.Join(s.How, "; ")))
		}
	}
	if n := movesIn(r.Waves); n > 0 {
		fmt.Fprintf(&b, "\nmoves (%d in %s, %s):\n", n, count(len(r.Waves.Waves), "wave"), r.Waves.Verdict)
		for i, wave := range r.Waves.Waves {
			for _, m := range wave {
				fmt.Fprintf(&b, "  wave %d: %s %s → %s\n", i+1, quote(m.VM), quote(m.From), quote(m.To))
			}
		}
	}
	if len(r.Diagram.Aggregated) > 0 {
		fmt.Fprintf(&b, "\ndiagram aggregated: %s\n", clean(strings.Join(r.Diagram.Aggregated, "; ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hostChangeText(h HostDelta) string {
	var parts []string
	if !h.Before.Maintenance && h.After.Maintenance {
		parts = append(parts, "enters maintenance")
	}
	if h.Before.Maintenance && !h.After.Maintenance {
		parts = append(parts, "leaves maintenance")
	}
	if n := len(h.Arrivals); n > 0 {
		parts = append(parts, fmt.Sprintf("+%d (%s)", n, names3(h.Arrivals)))
	}
	if n := len(h.Departures); n > 0 {
		parts = append(parts, fmt.Sprintf("-%d (%s)", n, names3(h.Departures)))
	}
	return strings.Join(parts, ", ")
}

func okText(a AdmissionState) string {
	if a.OK {
		return "ok"
	}
	return "VIOLATED (" + clean(a.Reason) + ")"
}
