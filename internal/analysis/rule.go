package analysis

import (
	"fmt"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// purpose is what a placement is for; vSphere applies different rules to each.
type purpose int

const (
	// restart: vSphere HA restarts the VMs of failed hosts.
	restart purpose = iota
	// evacuation: VMs leave hosts entering maintenance, or make room (DRS / vMotion).
	evacuation
	// migration: a vMotion the user asked for, to a host the user chose.
	migration
)

// checker is one rule of "may host h take VM v here". The placement rule is
// the conjunction of the checkers in placementRule, shared by failure
// scenarios, standby, evacuation, sequencing and CheckMove (modelled on
// Nomad's scheduler/feasible). Static checkers depend only on the estate and
// the problem, so candidates are computed once; the others depend on what the
// search has placed so far.
type checker interface {
	name() string
	static() bool
	// hostOnly checkers do not look at the VM, so candidates ask them once per host.
	hostOnly() bool
	ok(p *problem, v, h int) bool    // v: VM id, h: host id (positions in the snapshot)
	why(p *problem, v, h int) string // the refusal, when !ok
}

// placementRule is every checker, cheapest first.
var placementRule = []checker{
	domainChecker{}, availableChecker{}, failoverHostChecker{}, datastoreChecker{}, vmHostRuleChecker{},
	antiAffinityChecker{}, capacityChecker{},
}

// Refusal says why a host cannot take a VM: which checker refused and how.
type Refusal struct {
	VM      inventory.VMName   `json:"vm"`
	Host    inventory.HostName `json:"host"`
	Checker string             `json:"checker"`
	Reason  string             `json:"reason"`
}

func (r Refusal) String() string { return fmt.Sprintf("%s %s", r.Host, r.Reason) }

// allows runs every checker on (v, h) in the problem's current state.
func (p *problem) allows(v, h int) bool {
	for _, c := range placementRule {
		if !c.ok(p, v, h) {
			return false
		}
	}
	return true
}

// The static checkers split by what they look at, for candidates: those of
// the host alone run once per host, the others per VM and host. The domain
// checker is left out: candidates come from the domain.
var hostCheckers, vmCheckers = splitStatic(placementRule[1:])

func splitStatic(cs []checker) (host, vm []checker) {
	for _, c := range cs {
		switch {
		case c.static() && c.hostOnly():
			host = append(host, c)
		case c.static():
			vm = append(vm, c)
		}
	}
	return host, vm
}

// hostOK runs the static checkers that look only at the host.
func (p *problem) hostOK(h int) bool {
	for _, c := range hostCheckers {
		if !c.ok(p, -1, h) {
			return false
		}
	}
	return true
}

// vmOKInDomain runs the static checkers that look at the VM, for a host
// taken from the VM's domain.
func (p *problem) vmOKInDomain(v, h int) bool {
	for _, c := range vmCheckers {
		if !c.ok(p, v, h) {
			return false
		}
	}
	return true
}

// refusals explains, per host of the VM's domain, why it cannot take the VM
// now; hosts that could take it are left out.
func (p *problem) refusals(v int) []Refusal {
	var out []Refusal
	for _, h := range p.domain(v) {
		for _, c := range placementRule {
			if !c.ok(p, v, h) {
				out = append(out, Refusal{VM: p.w.vms[v].Name, Host: p.w.hosts[h].Name, Checker: c.name(), Reason: c.why(p, v, h)})
				break
			}
		}
	}
	return out
}

// staticRefusals runs the static checkers for VM v on host h outside any
// search, for a purpose, and returns every refusal.
func (w *world) staticRefusals(why purpose, v, h int, gone ...int) []Refusal {
	p := &problem{w: w, purpose: why, gone: gone, targets: []int{h}}
	var out []Refusal
	for _, c := range placementRule {
		if c.static() && !c.ok(p, v, h) {
			out = append(out, Refusal{VM: w.vms[v].Name, Host: w.hosts[h].Name, Checker: c.name(), Reason: c.why(p, v, h)})
		}
	}
	return out
}

func joinReasons(rs []Refusal) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Reason
	}
	return strings.Join(parts, ", and ")
}

func joinRefusals(rs []Refusal) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; ")
}
