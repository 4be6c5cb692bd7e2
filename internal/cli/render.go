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
		fmt.Fprintf(&b, "cluster %-12s %-15s %s %s\n", c.Cluster, c.Policy, okMark(c.AdmissionOK), c.Reason)
	}
	for _, h := range r.Hosts {
		if len(h.Over) > 0 {
			fmt.Fprintf(&b, "host %s over capacity in %v: uses %d MHz / %d MiB of %d MHz / %d MiB\n", h.Host, h.Over, h.Used.CPU, h.Used.Memory, h.Capacity.CPU, h.Capacity.Memory)
		}
	}
	for _, sp := range r.BusinessSystems {
		if !sp.SpreadOK {
			fmt.Fprintf(&b, "business system %q runs on %d host(s), needs %d\n", sp.System, len(sp.Hosts), sp.MinHosts)
		}
	}
	b.WriteString("\n")
	for _, sc := range r.Scenarios {
		if sc.Verdict == analysis.Safe {
			continue
		}
		fmt.Fprintf(&b, "%s: fail %s: %s\n", strings.ToUpper(string(sc.Verdict)), failed(sc), sc.Reason)
		for _, d := range sc.StaysDown {
			fmt.Fprintf(&b, "  stays down: VM %s on %s: %s%s\n", d.VM, d.Host, d.Reason, systemsSuffix(d.BusinessSystems))
		}
		for _, f := range sc.Refusals {
			fmt.Fprintf(&b, "  refused: %s for VM %s (%s)\n", f, f.VM, f.Checker)
		}
		for _, f := range sc.Shortfalls {
			fmt.Fprintf(&b, "  host %s %s: %s requests %d, used %d of %d\n", f.Host, f.Dimension, f.VM, f.Requested, f.Used, f.Capacity)
		}
		for _, sys := range sc.AffectedBusinessSystems {
			fmt.Fprintf(&b, "  business system %q: %s\n", sys.Name, sys.State)
		}
	}
	for _, t := range r.Standby {
		if t.Verdict != analysis.Safe {
			fmt.Fprintf(&b, "%s: standby group %s loses %v: %s\n", strings.ToUpper(string(t.Verdict)), t.Group, t.FailedHosts, t.Reason)
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
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Cluster, c.Policy, okMark(c.AdmissionOK), c.Reason)
	}
	b.WriteString("\n| failure | verdict | reason | business systems hit |\n|---|---|---|---|\n")
	for _, sc := range r.Scenarios {
		if sc.Verdict == analysis.Safe && len(sc.AffectedBusinessSystems) == 0 {
			continue
		}
		var hit []string
		for _, sys := range sc.AffectedBusinessSystems {
			hit = append(hit, fmt.Sprintf("%s (%s)", sys.Name, sys.State))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", failed(sc), sc.Verdict, sc.Reason, strings.Join(hit, ", "))
	}
	for _, t := range r.Standby {
		fmt.Fprintf(&b, "\nStandby group **%s** (%s) losing %v: %s — %s\n", t.Group, t.Mode, t.FailedHosts, t.Verdict, t.Reason)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func systemsSuffix[T ~string](systems []T) string {
	if len(systems) == 0 {
		return ""
	}
	parts := make([]string, len(systems))
	for i, s := range systems {
		parts[i] = string(s)
	}
	return " (business systems: " + strings.Join(parts, ", ") + ")"
}

func failed(sc analysis.Scenario) string {
	var parts []string
	for _, h := range sc.FailedHosts {
		parts = append(parts, string(h))
	}
	for _, d := range sc.FailedDatastores {
		parts = append(parts, "datastore "+string(d))
	}
	return strings.Join(parts, " + ")
}

func okMark(ok bool) string {
	if ok {
		return "ok"
	}
	return "VIOLATED"
}
