package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
)

// renderText is the terminal report: findings first, then the detail.
func renderText(w io.Writer, r analysis.Report) error {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "estate analysis (%s basis, headroom %g%%, tolerate %d)\n", r.Policy.Basis, r.Policy.HeadroomPercent, r.Policy.Tolerate)
	fmt.Fprintf(&b, "scenarios: %d safe, %d unsafe, %d unproven; %d host(s) over capacity; %d admission-control and %d spread violation(s)\n\n",
		s.Safe, s.Unsafe, s.Unproven, s.OverloadedHosts, s.AdmissionViolations, s.SpreadViolations)
	for _, c := range r.Clusters {
		fmt.Fprintf(&b, "cluster %-12s %-15s %s %s\n", quote(c.Cluster), c.Policy, okMark(c.AdmissionOK), clean(c.Reason))
	}
	for _, h := range r.Hosts {
		if len(h.Over) > 0 {
			fmt.Fprintf(&b, "host %s over capacity in %v: uses %d MHz / %d MiB of %d MHz / %d MiB\n", quote(h.Host), h.Over, h.Used.CPU, h.Used.Memory, h.Capacity.CPU, h.Capacity.Memory)
		}
	}
	for _, sp := range r.BusinessSystems {
		switch {
		case !sp.SpreadOK:
			fmt.Fprintf(&b, "business system %s runs on %d host(s), needs %d\n", quote(sp.System), len(sp.Hosts), sp.MinHosts)
		case sp.Concentrated():
			fmt.Fprintf(&b, "business system %s runs all its %d members on host %s\n", quote(sp.System), sp.Members, quote(sp.Hosts[0]))
		}
	}
	b.WriteString("\n")
	for _, sc := range r.Scenarios {
		if sc.Verdict == analysis.Safe {
			continue
		}
		fmt.Fprintf(&b, "%s: fail %s: %s\n", strings.ToUpper(string(sc.Verdict)), failed(sc, quote[string]), clean(sc.Reason))
		for _, d := range sc.StaysDown {
			fmt.Fprintf(&b, "  stays down: VM %s on %s: %s%s\n", quote(d.VM), quote(d.Host), clean(d.Reason), systemsSuffix(d.BusinessSystems, quote[string]))
		}
		for _, f := range sc.Refusals {
			fmt.Fprintf(&b, "  refused: %s %s for VM %s (%s)\n", quote(f.Host), clean(f.Reason), quote(f.VM), clean(f.Checker))
		}
		for _, f := range sc.Shortfalls {
			fmt.Fprintf(&b, "  host %s %s: %s requests %d, used %d of %d\n", quote(f.Host), f.Dimension, quote(f.VM), f.Requested, f.Used, f.Capacity)
		}
		for _, sys := range sc.AffectedBusinessSystems {
			fmt.Fprintf(&b, "  business system %s: %s\n", quote(sys.Name), sys.State)
		}
	}
	for _, t := range r.Standby {
		if t.Verdict != analysis.Safe {
			fmt.Fprintf(&b, "%s: standby group %s loses %s: %s\n", strings.ToUpper(string(t.Verdict)), quote(t.Group), list(t.FailedHosts, quote[string]), clean(t.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// renderMarkdown is the review comment.
func renderMarkdown(w io.Writer, r analysis.Report) error {
	var b strings.Builder
	s := r.Summary
	status := "✅ every checked failure is survivable"
	if !s.OK() {
		status = "❌ the estate does not meet the policy"
	}
	fmt.Fprintf(&b, "## Estate analysis: %s\n\n", status)
	fmt.Fprintf(&b, "%d safe · %d unsafe · %d unproven scenarios · %d host(s) over capacity · basis `%s`, headroom %g%%, tolerate %d\n\n",
		s.Safe, s.Unsafe, s.Unproven, s.OverloadedHosts, r.Policy.Basis, r.Policy.HeadroomPercent, r.Policy.Tolerate)
	b.WriteString("| cluster | admission control | ok | detail |\n|---|---|---|---|\n")
	for _, c := range r.Clusters {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(string(c.Cluster)), c.Policy, okMark(c.AdmissionOK), md(c.Reason))
	}
	b.WriteString("\n| failure | verdict | reason | business systems hit |\n|---|---|---|---|\n")
	for _, sc := range r.Scenarios {
		if sc.Verdict == analysis.Safe && len(sc.AffectedBusinessSystems) == 0 {
			continue
		}
		var hit []string
		for _, sys := range sc.AffectedBusinessSystems {
			hit = append(hit, fmt.Sprintf("%s (%s)", md(string(sys.Name)), sys.State))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", failed(sc, md), sc.Verdict, md(sc.Reason), strings.Join(hit, ", "))
	}
	for _, t := range r.Standby {
		fmt.Fprintf(&b, "\nStandby group **%s** (%s) losing %s: %s — %s\n", md(string(t.Group)), t.Mode, list(t.FailedHosts, md), t.Verdict, md(t.Reason))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func systemsSuffix[T ~string](systems []T, name func(string) string) string {
	if len(systems) == 0 {
		return ""
	}
	parts := make([]string, len(systems))
	for i, s := range systems {
		parts[i] = name(string(s))
	}
	return " (business systems: " + strings.Join(parts, ", ") + ")"
}

// list renders names as [a b c], each through name (quote or md).
func list[T ~string](names []T, name func(string) string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = name(string(n))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func failed(sc analysis.Scenario, name func(string) string) string {
	var parts []string
	for _, h := range sc.FailedHosts {
		parts = append(parts, name(string(h)))
	}
	for _, d := range sc.FailedDatastores {
		parts = append(parts, "datastore "+name(string(d)))
	}
	return strings.Join(parts, " + ")
}

func okMark(ok bool) string {
	if ok {
		return "ok"
	}
	return "VIOLATED"
}
