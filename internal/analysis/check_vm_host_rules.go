package analysis

import "fmt"

// vmHostRuleChecker: required ("must") VM-Host rules. DRS, vSphere HA and
// vSphere DPM never take an action that violates a required affinity rule
// (vSphere Resource Management, "Using VM-Host Affinity Rules"), so HA does not
// restart a VM on a host the rule forbids; "should" rules are preferences and
// constrain nothing.
type vmHostRuleChecker struct{}

func (vmHostRuleChecker) name() string   { return "vm_host_rule" }
func (vmHostRuleChecker) hostOnly() bool { return false }
func (vmHostRuleChecker) static() bool   { return true }
func (vmHostRuleChecker) ok(p *problem, v, h int) bool {
	for _, r := range p.w.rules.hostRules[v] {
		if !r.allows(h) {
			return false
		}
	}
	return true
}
func (vmHostRuleChecker) why(p *problem, v, h int) string {
	for _, r := range p.w.rules.hostRules[v] {
		if !r.allows(h) {
			verb := "must not run on"
			if r.kind == "must_run_on" {
				verb = "must run on"
			}
			return fmt.Sprintf("is forbidden by %s rule %q (VM group %q %s host group %q)", r.kind, r.name, r.vmGroup, verb, r.hostGroup)
		}
	}
	return ""
}
