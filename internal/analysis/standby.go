package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Takeover is one k-subset of a standby group's active hosts failing.
type Takeover struct {
	Group       inventory.GroupName  `json:"group"`
	Mode        inventory.Takeover   `json:"takeover"`
	FailedHosts []inventory.HostName `json:"failed_hosts"`
	Verdict     Verdict              `json:"verdict"`
	Reason      string               `json:"reason"`
	// Assignment maps each failed host to the standby host that takes its role.
	Assignment map[inventory.HostName]inventory.HostName `json:"assignment"`
}

// StandbyGroups checks every standby group: every subset of up to `tolerate`
// active hosts failing must be absorbed by the available standby hosts.
// whole_host: each failed host needs its own standby, at least as large in CPU
// and memory. consolidated: a standby may take several failed hosts whose
// workloads fit in it together. Both are decided exactly (the groups are small).
func StandbyGroups(s *inventory.Snapshot, p Policy) []Takeover {
	out, _ := standbyTakeovers(context.Background(), newWorld(s, p))
	return out
}

// standbyTakeovers checks every takeover, stopping with the context's error
// when it is cancelled.
func standbyTakeovers(ctx context.Context, w *world) ([]Takeover, error) {
	var out []Takeover
	var err error
	for _, g := range w.snap.StandbyGroups() {
		for k := 1; k <= g.Tolerate && err == nil; k++ {
			subsets(g.Active, k, func(failed []inventory.HostName) bool {
				if err = ctx.Err(); err != nil {
					return false
				}
				out = append(out, w.takeover(g, failed, w.standbyHosts(g, failed)))
				return true
			})
		}
	}
	return out, err
}

// standbyHosts are the group's standby hosts the placement rule's host
// checkers accept (connected, out of maintenance, not failing).
func (w *world) standbyHosts(g inventory.StandbyGroup, failed []inventory.HostName) []inventory.Host {
	gone := make([]int, len(failed))
	for i, h := range failed {
		gone[i] = w.hostIdx[h]
	}
	p := &problem{w: w, purpose: restart, gone: gone}
	var out []inventory.Host
	for _, name := range g.Standby {
		if h := w.hostIdx[name]; p.hostOK(h) {
			out = append(out, w.hosts[h])
		}
	}
	return out
}

// refusal is the placement rule's first refusal of a powered-on VM of failed
// host a on standby host sb (its datastores, required VM-Host rules), or "":
// such a standby cannot take a's role.
func (w *world) refusal(a inventory.HostName, sb inventory.HostName) string {
	h, to := w.hostIdx[a], w.hostIdx[sb]
	for _, v := range w.running[h] {
		if r := w.staticRefusals(restart, v, to, h); len(r) > 0 {
			return fmt.Sprintf("%s for VM %q", r[0], r[0].VM)
		}
	}
	return ""
}

func (w *world) takeover(g inventory.StandbyGroup, failed []inventory.HostName, standby []inventory.Host) Takeover {
	s, p := w.snap, w.policy
	t := Takeover{Group: g.Name, Mode: g.Takeover, FailedHosts: failed, Assignment: map[inventory.HostName]inventory.HostName{}}
	busy := ""
	if g.Takeover == inventory.TakeoverWholeHost {
		// A standby that already runs VMs cannot assume a whole host's role.
		var idle []inventory.Host
		var names []string
		for _, h := range standby {
			if n := loadOf(s, p, h).VMs; n > 0 {
				names = append(names, fmt.Sprintf("%s runs %d powered-on VM(s)", h.Name, n))
				continue
			}
			idle = append(idle, h)
		}
		standby = idle
		if len(names) > 0 {
			busy = "; not idle, so no whole-host standby: " + strings.Join(names, ", ")
		}
	}
	// need[i][j]: what failed host i hands to standby j. Under the configured
	// basis a VM's CPU demand depends on the clock of the host it runs on.
	need := make([][]Resources, len(failed))
	allowed := make([][]bool, len(failed))
	var refusals []string
	for i, name := range failed {
		need[i], allowed[i] = make([]Resources, len(standby)), make([]bool, len(standby))
		for j, sb := range standby {
			need[i][j] = workload(s, p, name, g.Takeover, sb)
			why := w.refusal(name, sb.Name)
			if why == "" {
				if r := w.rivalRule(name, sb.Name); r != "" {
					why = fmt.Sprintf("%s already runs a VM of anti-affinity rule %q with a VM of %s", sb.Name, r, name)
				}
			}
			allowed[i][j] = why == ""
			if why != "" {
				refusals = append(refusals, why)
			}
		}
	}
	free := make([]Resources, len(standby))
	for j, h := range standby {
		free[j] = Resources{CPU: satMul(int64(h.CPUCores), h.CPUMHzPerCore), Memory: h.MemoryMB}
		if g.Takeover == inventory.TakeoverConsolidated {
			free[j] = p.Capacity(h).sub(loadOf(s, p, h).Used)
		}
	}
	// Failed hosts whose VMs share an anti-affinity rule cannot be taken
	// over by one standby together.
	rivals := make([][]bool, len(failed))
	for i := range failed {
		rivals[i] = make([]bool, len(failed))
		for k := range failed {
			rivals[i][k] = k != i && w.rivalRule(failed[i], failed[k]) != ""
		}
	}
	assign := make([]int, len(failed))
	if packs(need, allowed, rivals, free, assign, 0, g.Takeover == inventory.TakeoverWholeHost, make([]bool, len(standby))) {
		for i, j := range assign {
			t.Assignment[failed[i]] = standby[j].Name
		}
		t.Verdict, t.Reason = Safe, fmt.Sprintf("%d standby host(s) take over the %d failed host(s)", len(standby), len(failed))
		return t
	}
	t.Verdict = Unsafe
	if g.Takeover == inventory.TakeoverWholeHost {
		t.Reason = fmt.Sprintf("no assignment gives each of the %d failed host(s) its own available standby at least as large in CPU and memory (%d standby host(s) available%s)", len(failed), len(standby), busy)
	} else {
		t.Reason = fmt.Sprintf("the workloads of the %d failed host(s) do not fit together in the %d available standby host(s)", len(failed), len(standby))
	}
	if len(refusals) > 0 {
		t.Reason += "; the placement rule refuses: " + strings.Join(refusals, "; ")
	}
	return t
}

// workload is what a failed active host hands to its standby: for whole_host
// its hardware size; for consolidated its powered-on VMs' demand on the standby, or, for a
// server without VMs, its measured usage (its whole size when none is known).
func workload(s *inventory.Snapshot, p Policy, name inventory.HostName, mode inventory.Takeover, on inventory.Host) Resources {
	h, _ := s.Host(name)
	size := Resources{CPU: satMul(int64(h.CPUCores), h.CPUMHzPerCore), Memory: h.MemoryMB}
	if mode == inventory.TakeoverWholeHost {
		return size
	}
	if len(s.VMsOn(name)) > 0 {
		var r Resources
		for _, v := range s.VMsOn(name) {
			if v.PoweredOn() {
				r = r.add(p.Demand(v, on))
			}
		}
		return r
	}
	if h.CPUUsageMHz > 0 || h.MemoryUsageMB > 0 {
		return Resources{CPU: h.CPUUsageMHz, Memory: h.MemoryUsageMB}
	}
	return size
}

// packs assigns items to bins exhaustively; exclusive means one item per bin;
// rival items never share a bin.
func packs(need [][]Resources, allowed, rivals [][]bool, free []Resources, assign []int, i int, exclusive bool, taken []bool) bool {
	if i == len(need) {
		return true
	}
	for j := range free {
		if !allowed[i][j] || (exclusive && taken[j]) || !need[i][j].fits(free[j]) || sharesBin(rivals[i], assign[:i], j) {
			continue
		}
		free[j], taken[j], assign[i] = free[j].sub(need[i][j]), true, j
		if packs(need, allowed, rivals, free, assign, i+1, exclusive, taken) {
			return true
		}
		free[j], taken[j] = free[j].add(need[i][j]), slices.Contains(assign[:i], j)
	}
	return false
}

func sharesBin(rivals []bool, assigned []int, j int) bool {
	for k, b := range assigned {
		if b == j && rivals[k] {
			return true
		}
	}
	return false
}

// rivalRule names an anti-affinity rule, enforced at failover, that a
// powered-on VM of host a shares with one of host b, or "".
func (w *world) rivalRule(a, b inventory.HostName) string {
	hb := w.hostIdx[b]
	for _, v := range w.running[w.hostIdx[a]] {
		for _, r := range w.rules.antiOf[v] {
			if !w.rules.anti[r].duringFailover {
				continue
			}
			for _, m := range w.rules.anti[r].members {
				if m != v && w.vms[m].PoweredOn() && w.vmHost[m] == hb {
					return w.rules.anti[r].name
				}
			}
		}
	}
	return ""
}
