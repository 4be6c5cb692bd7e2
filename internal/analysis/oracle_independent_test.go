package analysis_test

// The brute-force oracle. It is independent of the package under test: it
// re-derives the semantics of vSphere HA at failure time (restart domains, HA
// off, host monitoring off, restart priority disabled, required VM-Host rules,
// VM-VM anti-affinity and das.respectvmvmantiaffinityrules, dedicated failover
// hosts, datastore failures, business-system spread) and capacity in exact
// arithmetic (exact rationals for overcommit and headroom instead of
// Policy.Capacity/Demand), and tries every assignment. Two generators feed it:
// revEstate (several clusters, standalone servers, standby groups, datastore
// failures, hosts disconnected / not responding / in maintenance, dedicated
// failover hosts, every demand basis, physical business-system members, HA
// settings and DRS groups and rules) and randomEstate (one cluster with
// partially mounted datastores and a spread business system).

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

type rev struct {
	s        *inventory.Snapshot
	p        analysis.Policy
	fh       map[inventory.HostName]bool
	fd       map[inventory.DatastoreName]bool
	evacuate bool // DRS moves: targets exclude dedicated failover hosts, HA settings do not matter, anti-affinity always holds
	restart  []inventory.VM
	down     map[inventory.VMName]inventory.HostName // VMs nothing restarts
	lost     []inventory.HostName                    // business-system member servers nothing takes over
	affected []inventory.VMName
	free     map[inventory.HostName][2]int64
	capa     map[inventory.HostName][2]int64
	// Anti-affinity: the enabled rules, which of them bind each VM to restart,
	// and how many of each rule's VMs already run (and stay up) on each host.
	aaRules [][]inventory.VMName
	aaBinds map[inventory.VMName][]int
	aaUp    []map[inventory.HostName]int
}

// asWritten is the decimal a user typed (0.3 is 3/10), via its shortest printed form.
func asWritten(x float64) *big.Rat {
	r, ok := new(big.Rat).SetString(fmt.Sprint(x))
	if !ok {
		panic(fmt.Sprintf("not a number: %v", x))
	}
	return r
}

// someoneTakesOver: another host of n's domain is available and not failing.
func (o *rev) someoneTakesOver(n inventory.HostName) bool {
	for p := range o.domain(n) {
		if h, _ := o.s.Host(p); p != n && !o.fh[p] && avail(h) {
			return true
		}
	}
	return false
}

// exactCap is floor(x × overcommit × (100 − headroom) / 100) in exact arithmetic.
func exactCap(x int64, over, headroom float64) int64 {
	r := new(big.Rat).SetInt64(x)
	r.Mul(r, asWritten(over))
	r.Mul(r, new(big.Rat).Sub(big.NewRat(1, 1), new(big.Rat).Quo(asWritten(headroom), big.NewRat(100, 1))))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	return q.Int64()
}

func revDemand(p analysis.Policy, v inventory.VM, on inventory.Host) [2]int64 {
	switch p.Basis {
	case analysis.BasisConfigured:
		return [2]int64{int64(v.VCPU) * on.CPUMHzPerCore, v.MemoryMB + v.MemoryOverheadMB}
	case analysis.BasisUsage:
		return [2]int64{v.CPUUsageMHz, v.MemoryUsageMB}
	}
	return [2]int64{v.CPUReservationMHz, v.MemoryReservationMB + v.MemoryOverheadMB}
}

func avail(h inventory.Host) bool { return h.Connection == inventory.Connected && !h.Maintenance }

func ruleOn(r inventory.Rule) bool { return r.Enabled == nil || *r.Enabled }

// haRestarts: HA on and host monitoring not off.
func haRestarts(c inventory.Cluster) bool {
	return c.HA.Enabled && c.HA.HostMonitoring != inventory.HostMonitoringDisabled
}

// domain is where the VMs of host h may go: its cluster's hosts (for a
// failure only if HA restarts there; DRS evacuates regardless) plus, for a
// failure, the standby hosts of every standby group that lists h as active
// (DRS never evacuates onto cold standby).
func (o *rev) domain(h inventory.HostName) map[inventory.HostName]bool {
	d := map[inventory.HostName]bool{}
	host, _ := o.s.Host(h)
	if c, ok := o.s.Cluster(host.Cluster); ok && host.Cluster != "" && (o.evacuate || haRestarts(c)) {
		for _, x := range o.s.Hosts() {
			if x.Cluster == host.Cluster {
				d[x.Name] = true
			}
		}
	}
	for _, g := range o.s.StandbyGroups() {
		if !o.evacuate && slices.Contains(g.Active, h) {
			for _, sb := range g.Standby {
				d[sb] = true
			}
		}
	}
	return d
}

// restartDisabled re-derives the effective HA restart priority: the VM's
// override, else its cluster's default (medium when unset or outside clusters).
func (o *rev) restartDisabled(v inventory.VM) bool {
	p := v.RestartPriority
	if p == "" {
		h, _ := o.s.Host(v.Host)
		if c, ok := o.s.Cluster(h.Cluster); ok && h.Cluster != "" {
			p = c.HA.DefaultRestartPriority
		}
	}
	return p == inventory.RestartDisabled
}

func newRev(s *inventory.Snapshot, p analysis.Policy, hosts []inventory.HostName, dss []inventory.DatastoreName, evacuate bool) *rev {
	o := &rev{s: s, p: p, evacuate: evacuate, fh: map[inventory.HostName]bool{}, fd: map[inventory.DatastoreName]bool{},
		down: map[inventory.VMName]inventory.HostName{}, free: map[inventory.HostName][2]int64{}, capa: map[inventory.HostName][2]int64{},
		aaBinds: map[inventory.VMName][]int{}}
	for _, h := range hosts {
		o.fh[h] = true
	}
	for _, d := range dss {
		o.fd[d] = true
	}
	stayUp := map[inventory.VMName]inventory.HostName{}
	for _, h := range s.Hosts() {
		var c [2]int64
		if avail(h) {
			c = [2]int64{exactCap(int64(h.CPUCores)*h.CPUMHzPerCore, p.CPUOvercommit, p.HeadroomPercent), exactCap(h.MemoryMB, p.MemoryOvercommit, p.HeadroomPercent)}
		}
		o.capa[h.Name] = c
		f := c
		vms := s.VMsOn(h.Name)
		if p.Basis == analysis.BasisUsage && len(vms) == 0 {
			f[0] -= h.CPUUsageMHz
			f[1] -= h.MemoryUsageMB
		}
		dom := o.domain(h.Name)
		for _, v := range vms {
			if v.Power != inventory.PoweredOn {
				continue
			}
			onDead := false
			for _, d := range v.Datastores {
				onDead = onDead || o.fd[d]
			}
			if onDead || o.fh[h.Name] {
				o.affected = append(o.affected, v.Name)
			}
			switch {
			case onDead:
				o.down[v.Name] = h.Name // storage gone: nothing restarts it; it frees its host
			case o.fh[h.Name] && !evacuate && (len(dom) == 0 || o.restartDisabled(v) || h.Connection == inventory.Disconnected):
				o.down[v.Name] = h.Name
			case o.fh[h.Name]:
				o.restart = append(o.restart, v)
			default:
				d := revDemand(p, v, h)
				f[0] -= d[0]
				f[1] -= d[1]
				stayUp[v.Name] = h.Name
			}
		}
		o.free[h.Name] = f
	}
	// A failed business-system member server with nothing to take over — no
	// other available, surviving host in its domain — is down for good.
	for _, b := range s.BusinessSystems() {
		for _, n := range b.Hosts {
			if o.fh[n] && !evacuate && !o.someoneTakesOver(n) && !slices.Contains(o.lost, n) {
				o.lost = append(o.lost, n)
			}
		}
	}
	slices.Sort(o.affected)
	// Anti-affinity rules bind the VMs to restart when their cluster respects
	// them at failover (das.respectvmvmantiaffinityrules, default true), and
	// always for DRS.
	for _, c := range s.Clusters() {
		for _, r := range c.Rules {
			if r.Kind != inventory.RuleVMAntiAffinity || !ruleOn(r) {
				continue
			}
			i := len(o.aaRules)
			o.aaRules = append(o.aaRules, r.VMs)
			up := map[inventory.HostName]int{}
			for _, m := range r.VMs {
				if h, ok := stayUp[m]; ok {
					up[h]++
				}
			}
			o.aaUp = append(o.aaUp, up)
			for _, v := range o.restart {
				if slices.Contains(r.VMs, v.Name) && (evacuate || o.respectsAntiAffinity(v)) {
					o.aaBinds[v.Name] = append(o.aaBinds[v.Name], i)
				}
			}
		}
	}
	return o
}

func (o *rev) respectsAntiAffinity(v inventory.VM) bool {
	h, _ := o.s.Host(v.Host)
	c, ok := o.s.Cluster(h.Cluster)
	if !ok || h.Cluster == "" {
		return true
	}
	r := c.HA.Options.RespectVMAntiAffinityRules
	return r == nil || *r
}

// hostRulesAllow: every enabled required VM-Host rule whose VM group holds the VM allows the host.
func (o *rev) hostRulesAllow(v inventory.VMName, to inventory.HostName) bool {
	for _, c := range o.s.Clusters() {
		for _, r := range c.Rules {
			if !ruleOn(r) || (r.Kind != inventory.RuleMustRunOn && r.Kind != inventory.RuleMustNotRunOn) {
				continue
			}
			inGroup := false
			for _, g := range c.VMGroups {
				inGroup = inGroup || (g.Name == r.VMGroup && slices.Contains(g.VMs, v))
			}
			if !inGroup {
				continue
			}
			inHosts := false
			for _, g := range c.HostGroups {
				inHosts = inHosts || (g.Name == r.HostGroup && slices.Contains(g.Hosts, to))
			}
			if inHosts != (r.Kind == inventory.RuleMustRunOn) {
				return false
			}
		}
	}
	return true
}

func (o *rev) target(v inventory.VM, to inventory.HostName) bool {
	h, ok := o.s.Host(to)
	if !ok || o.fh[to] || !avail(h) || !o.domain(v.Host)[to] {
		return false
	}
	if c, _ := o.s.Cluster(h.Cluster); o.evacuate && h.Cluster != "" && c.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts && slices.Contains(c.HA.AdmissionControl.FailoverHosts, to) {
		return false
	}
	for _, d := range v.Datastores {
		if !slices.Contains(h.Datastores, d) {
			return false
		}
	}
	return o.hostRulesAllow(v.Name, to)
}

func (o *rev) spreadOK(place map[inventory.VMName]inventory.HostName) bool {
	for _, b := range o.s.BusinessSystems() {
		if b.MinHosts == 0 {
			continue
		}
		before, after, moving := map[inventory.HostName]bool{}, map[inventory.HostName]bool{}, false
		for _, n := range b.VMs {
			v, _ := o.s.VM(n)
			if v.Power != inventory.PoweredOn {
				continue
			}
			before[v.Host] = true
			if to, ok := place[n]; ok {
				after[to], moving = true, true
			} else if !o.fh[v.Host] {
				after[v.Host] = true
			}
		}
		for _, n := range b.Hosts {
			if h, _ := o.s.Host(n); avail(h) {
				before[n] = true
				if !o.fh[n] {
					after[n] = true
				}
			}
		}
		if moving && len(after) < min(b.MinHosts, len(before)) {
			return false
		}
	}
	return true
}

// placer tracks free capacity and anti-affinity counts while VMs are placed one by one.
type placer struct {
	o    *rev
	free map[inventory.HostName][2]int64
	aa   []map[inventory.HostName]int
}

func (o *rev) placer() *placer {
	pl := &placer{o: o, free: map[inventory.HostName][2]int64{}}
	for k, v := range o.free {
		pl.free[k] = v
	}
	for _, up := range o.aaUp {
		m := map[inventory.HostName]int{}
		for k, v := range up {
			m[k] = v
		}
		pl.aa = append(pl.aa, m)
	}
	return pl
}

// fits says why v cannot go to host to now ("" if it can).
func (pl *placer) fits(v inventory.VM, to inventory.HostName) string {
	if !pl.o.target(v, to) {
		return "not a target"
	}
	h, _ := pl.o.s.Host(to)
	d := revDemand(pl.o.p, v, h)
	if f := pl.free[to]; f[0]-d[0] < 0 || f[1]-d[1] < 0 {
		return fmt.Sprintf("over capacity (free %v, demand %v, capacity %v)", f, d, pl.o.capa[to])
	}
	for _, i := range pl.o.aaBinds[v.Name] {
		if pl.aa[i][to] > 0 {
			return fmt.Sprintf("anti-affinity %v: %d of its VMs already there", pl.o.aaRules[i], pl.aa[i][to])
		}
	}
	return ""
}

func (pl *placer) put(v inventory.VM, to inventory.HostName, sign int64) {
	h, _ := pl.o.s.Host(to)
	d := revDemand(pl.o.p, v, h)
	f := pl.free[to]
	pl.free[to] = [2]int64{f[0] - sign*d[0], f[1] - sign*d[1]}
	for i, vms := range pl.o.aaRules {
		if slices.Contains(vms, v.Name) {
			pl.aa[i][to] += int(sign)
		}
	}
}

// valid checks a complete placement of the VMs to restart; "" if it is valid.
func (o *rev) valid(place map[inventory.VMName]inventory.HostName) string {
	if len(place) != len(o.restart) {
		return fmt.Sprintf("placement has %d VMs, %d to restart", len(place), len(o.restart))
	}
	pl := o.placer()
	for _, v := range o.restart {
		to, ok := place[v.Name]
		if !ok {
			return fmt.Sprintf("VM %s is not placed", v.Name)
		}
		if why := pl.fits(v, to); why != "" {
			return fmt.Sprintf("VM %s on %s: %s", v.Name, to, why)
		}
		pl.put(v, to, 1)
	}
	if !o.spreadOK(place) {
		return "spread"
	}
	return ""
}

// search returns whether any valid placement exists (never when something stays down).
func (o *rev) search() bool {
	if len(o.down) > 0 || len(o.lost) > 0 {
		return false
	}
	place := map[inventory.VMName]inventory.HostName{}
	pl := o.placer()
	var rec func(i int) bool
	rec = func(i int) bool {
		if i == len(o.restart) {
			return o.spreadOK(place)
		}
		v := o.restart[i]
		for _, h := range o.s.Hosts() {
			if pl.fits(v, h.Name) != "" {
				continue
			}
			pl.put(v, h.Name, 1)
			place[v.Name] = h.Name
			if rec(i + 1) {
				return true
			}
			delete(place, v.Name)
			pl.put(v, h.Name, -1)
		}
		return false
	}
	return rec(0)
}

// stillDown compares the scenario's StaysDown with the oracle's: the same VMs,
// hosts, and each VM's business systems; "" when they agree.
func (o *rev) stillDown(got []analysis.DownVM) string {
	want := map[inventory.VMName]inventory.HostName{}
	for k, v := range o.down {
		want[k] = v
	}
	for _, d := range got {
		h, ok := want[d.VM]
		if !ok || h != d.Host {
			return fmt.Sprintf("StaysDown has %s on %s, the oracle does not", d.VM, d.Host)
		}
		delete(want, d.VM)
		var sys []inventory.SystemName
		for _, b := range o.s.BusinessSystems() {
			if slices.Contains(b.VMs, d.VM) {
				sys = append(sys, b.Name)
			}
		}
		got := slices.Clone(d.BusinessSystems)
		slices.Sort(got)
		slices.Sort(sys)
		if !slices.Equal(got, sys) {
			return fmt.Sprintf("StaysDown %s: business systems %v, want %v", d.VM, d.BusinessSystems, sys)
		}
	}
	if len(want) > 0 {
		return fmt.Sprintf("StaysDown misses %v", want)
	}
	return ""
}

// refusalsTrue checks what the oracle can check of each refusal without
// replaying the implementation's search: a host refused as unavailable is
// failed (or being emptied) or not available, one refused by a VM-Host rule is
// forbidden by an enabled required rule, one refused for datastores does not
// mount one of the VM's, one refused as a failover host is a
// dedicated failover host at evacuation, and an anti-affinity refusal binds
// the VM (never when its cluster ignores anti-affinity at failover); "" if so.
func (o *rev) refusalsTrue(refusals []analysis.Refusal) string {
	for _, f := range refusals {
		h, _ := o.s.Host(f.Host)
		var ok bool
		switch f.Checker {
		case "available":
			ok = o.fh[f.Host] || !avail(h)
		case "vm_host_rule":
			ok = !o.hostRulesAllow(f.VM, f.Host)
		case "datastores":
			v, _ := o.s.VM(f.VM)
			for _, d := range v.Datastores {
				ok = ok || !slices.Contains(h.Datastores, d)
			}
		case "failover_host":
			c, _ := o.s.Cluster(h.Cluster)
			ok = o.evacuate && c.HA.AdmissionControl.Policy == inventory.PolicyFailoverHosts && slices.Contains(c.HA.AdmissionControl.FailoverHosts, f.Host)
		case "anti_affinity":
			ok = len(o.aaBinds[f.VM]) > 0
		default:
			ok = true
		}
		if !ok {
			return fmt.Sprintf("untrue refusal %+v", f)
		}
	}
	return ""
}

func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	var out []T
	for _, i := range r.Perm(len(xs))[:n] {
		out = append(out, xs[i])
	}
	return out
}

func revEstate(r *rand.Rand) inventory.Estate {
	var e inventory.Estate
	e.Datastores = []inventory.Datastore{{Name: "shared", CapacityMB: 10}}
	policies := []inventory.AdmissionControl{{Policy: inventory.PolicySlot, HostFailures: 1}, {Policy: inventory.PolicyPercentage, CPUPercent: 25, MemoryPercent: 25}, {Policy: inventory.PolicyDisabled}}
	priorities := []inventory.RestartPriority{"", inventory.RestartLowest, inventory.RestartLow, inventory.RestartMedium, inventory.RestartHigh, inventory.RestartHighest}
	for c := range 1 + r.IntN(2) {
		cn := inventory.ClusterName(fmt.Sprintf("c%d", c))
		ha := inventory.HAConfig{Enabled: r.IntN(8) > 0, AdmissionControl: policies[r.IntN(len(policies))]}
		if r.IntN(8) == 0 {
			ha.HostMonitoring = inventory.HostMonitoringDisabled
		} else if r.IntN(2) == 0 {
			ha.HostMonitoring = inventory.HostMonitoringEnabled
		}
		if r.IntN(10) == 0 {
			ha.DefaultRestartPriority = inventory.RestartDisabled
		} else {
			ha.DefaultRestartPriority = priorities[r.IntN(len(priorities))]
		}
		switch r.IntN(6) {
		case 0, 1:
			ha.Options.RespectVMAntiAffinityRules = new(bool)
		case 2:
			yes := true
			ha.Options.RespectVMAntiAffinityRules = &yes
		}
		e.Clusters = append(e.Clusters, inventory.Cluster{Name: cn, HA: ha})
		for i := range 2 + r.IntN(3) {
			hn := inventory.HostName(fmt.Sprintf("%s-h%d", cn, i))
			local := inventory.DatastoreName("local-" + string(hn))
			e.Datastores = append(e.Datastores, inventory.Datastore{Name: local, CapacityMB: 10})
			h := inventory.Host{Name: hn, Cluster: cn, CPUCores: 1 + r.IntN(4), CPUMHzPerCore: int64(1000 * (1 + r.IntN(3))),
				MemoryMB: int64(1000 * (1 + r.IntN(8))), Connection: inventory.Connected, Datastores: []inventory.DatastoreName{local}}
			if r.IntN(5) > 0 {
				h.Datastores = append(h.Datastores, "shared")
			}
			switch r.IntN(12) {
			case 0:
				h.Maintenance = true
			case 1:
				h.Connection = inventory.NotResponding
			case 2:
				h.Connection = inventory.Disconnected
			}
			h.CPUUsageMHz, h.MemoryUsageMB = int64(r.IntN(3000)), int64(r.IntN(3000))
			e.Hosts = append(e.Hosts, h)
		}
		if r.IntN(4) == 0 {
			last := &e.Clusters[len(e.Clusters)-1].HA.AdmissionControl
			*last = inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, FailoverHosts: []inventory.HostName{e.Hosts[len(e.Hosts)-1].Name}}
		}
	}
	if r.IntN(3) == 0 {
		e.Hosts = append(e.Hosts, inventory.Host{Name: "solo", CPUCores: 2, CPUMHzPerCore: 2000, MemoryMB: 4000, Connection: inventory.Connected, Kind: inventory.KindPhysical})
	}
	if r.IntN(5) == 0 {
		// A cold standby for one or two hosts (clustered or not).
		spare := inventory.Host{Name: "spare", CPUCores: 1 + r.IntN(4), CPUMHzPerCore: 2000, MemoryMB: int64(1000 * (1 + r.IntN(8))), Connection: inventory.Connected, Kind: inventory.KindPhysical}
		if r.IntN(2) == 0 {
			spare.Datastores = []inventory.DatastoreName{"shared"}
		}
		active := pickN(r, e.Hosts, 1+r.IntN(min(2, len(e.Hosts))))
		e.Hosts = append(e.Hosts, spare)
		g := inventory.StandbyGroup{Name: "g", Standby: []inventory.HostName{"spare"}, Tolerate: 1, Takeover: inventory.Takeovers[r.IntN(2)]}
		for _, h := range active {
			g.Active = append(g.Active, h.Name)
		}
		e.StandbyGroups = []inventory.StandbyGroup{g}
	}
	var sys []inventory.VMName
	for i := range r.IntN(8) {
		h := e.Hosts[r.IntN(len(e.Hosts))]
		mem := int64(250 * r.IntN(12))
		v := inventory.VM{Name: inventory.VMName(fmt.Sprintf("v%d", i)), Host: h.Name, Power: inventory.PoweredOn, VCPU: 1 + r.IntN(3),
			MemoryMB: mem + int64(250*r.IntN(4)), CPUReservationMHz: int64(250 * r.IntN(10)), MemoryReservationMB: mem,
			MemoryOverheadMB: int64(20 * r.IntN(3)), CPUUsageMHz: int64(r.IntN(3000)), MemoryUsageMB: int64(r.IntN(3000))}
		if len(h.Datastores) > 0 {
			v.Datastores = []inventory.DatastoreName{h.Datastores[r.IntN(len(h.Datastores))]}
		}
		switch r.IntN(8) {
		case 0:
			v.Power = inventory.PoweredOff
		case 1:
			v.Power = inventory.Suspended
		}
		switch r.IntN(8) {
		case 0:
			v.RestartPriority = inventory.RestartDisabled
		case 1, 2:
			v.RestartPriority = priorities[r.IntN(len(priorities))]
		}
		if r.IntN(2) == 0 {
			sys = append(sys, v.Name)
		}
		e.VMs = append(e.VMs, v)
	}
	if len(sys) > 0 {
		b := inventory.BusinessSystem{Name: "sys", VMs: sys, MinHosts: r.IntN(4)}
		if r.IntN(3) == 0 {
			b.Hosts = []inventory.HostName{e.Hosts[r.IntN(len(e.Hosts))].Name}
		}
		e.BusinessSystems = []inventory.BusinessSystem{b}
	}
	revRules(r, &e)
	return e
}

// revRules gives clusters DRS groups and rules: VM-Host rules of every kind,
// VM-VM anti-affinity over 2–3 VMs, occasionally affinity; some disabled.
func revRules(r *rand.Rand, e *inventory.Estate) {
	enabled := func() *bool {
		switch r.IntN(5) {
		case 0:
			return new(bool)
		case 1:
			yes := true
			return &yes
		}
		return nil
	}
	for ci := range e.Clusters {
		c := &e.Clusters[ci]
		var hosts []inventory.HostName
		for _, h := range e.Hosts {
			if h.Cluster == c.Name {
				hosts = append(hosts, h.Name)
			}
		}
		var vms []inventory.VMName
		for _, v := range e.VMs {
			if slices.Contains(hosts, v.Host) {
				vms = append(vms, v.Name)
			}
		}
		if len(vms) == 0 {
			continue
		}
		kinds := []inventory.RuleKind{inventory.RuleMustRunOn, inventory.RuleMustNotRunOn, inventory.RuleMustRunOn, inventory.RuleMustNotRunOn, inventory.RuleShouldRunOn, inventory.RuleShouldNotRunOn}
		for g := range r.IntN(3) {
			vg, hg := fmt.Sprintf("vms%d", g), fmt.Sprintf("hosts%d", g)
			c.VMGroups = append(c.VMGroups, inventory.VMGroup{Name: vg, VMs: pickN(r, vms, 1+r.IntN(len(vms)))})
			c.HostGroups = append(c.HostGroups, inventory.HostGroup{Name: hg, Hosts: pickN(r, hosts, 1+r.IntN(len(hosts)))})
			c.Rules = append(c.Rules, inventory.Rule{Name: fmt.Sprintf("host-rule%d", g), Kind: kinds[r.IntN(len(kinds))], Enabled: enabled(), VMGroup: vg, HostGroup: hg})
		}
		if len(vms) < 2 {
			continue
		}
		for a := range r.IntN(3) {
			kind := inventory.RuleVMAntiAffinity
			if r.IntN(5) == 0 {
				kind = inventory.RuleVMAffinity
			}
			c.Rules = append(c.Rules, inventory.Rule{Name: fmt.Sprintf("vm-rule%d", a), Kind: kind, Enabled: enabled(), VMs: pickN(r, vms, 2+r.IntN(min(2, len(vms)-1)))})
		}
	}
}

// randomEstate is a small cluster: 2–4 hosts, up to 7 VMs, some VMs on a
// datastore only some hosts mount, a business system with a spread, some
// hosts in maintenance, some VMs off.
func randomEstate(r *rand.Rand) *inventory.Snapshot {
	b := newEstate("c", slot1)
	b.e.Datastores = []inventory.Datastore{{Name: "shared", CapacityMB: 1}, {Name: "partial", CapacityMB: 1}}
	hosts := 2 + r.IntN(3)
	for i := range hosts {
		name := inventory.HostName(fmt.Sprintf("h%d", i))
		b.host(name, "c", 1+r.IntN(4), int64(1024*(2+r.IntN(6))))
		h := &b.e.Hosts[len(b.e.Hosts)-1]
		h.Datastores = []inventory.DatastoreName{"shared"}
		if r.IntN(2) == 0 {
			h.Datastores = append(h.Datastores, "partial")
		}
		h.Maintenance = r.IntN(8) == 0
	}
	var web []inventory.VMName
	for i := range r.IntN(8) {
		name := inventory.VMName(fmt.Sprintf("v%d", i))
		host := b.e.Hosts[r.IntN(hosts)]
		b.vm(name, host.Name, int64(250*r.IntN(6)), int64(512*r.IntN(6)))
		v := &b.e.VMs[len(b.e.VMs)-1]
		v.VCPU = 1 + r.IntN(3)
		v.MemoryOverheadMB = int64(32 * r.IntN(3))
		v.Datastores = []inventory.DatastoreName{"shared"}
		if r.IntN(4) == 0 && len(host.Datastores) == 2 {
			v.Datastores = append(v.Datastores, "partial")
		}
		if r.IntN(6) == 0 {
			v.Power = inventory.PoweredOff
		}
		if r.IntN(3) == 0 {
			web = append(web, name)
		}
	}
	if len(web) > 0 {
		b.e.BusinessSystems = []inventory.BusinessSystem{{Name: "web", VMs: web, MinHosts: 1 + r.IntN(3)}}
	}
	return b.snap()
}

// TestUnprovenShareWithASmallSearchBudget measures how conservative "unproven"
// is. With the default budget small estates never run out of search (0
// unproven), so the search is cut to one step: every scenario that first-fit
// decreasing and the bounds leave open comes out unproven, and the oracle
// tries each. Both generators are used.
func TestUnprovenShareWithASmallSearchBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(44, 9))
	counts := map[analysis.Verdict]int{}
	unproven, placeable := map[string]int{}, map[string]int{} // by generator
	for n := 0; n < 6000; n++ {
		s, gen := randomEstate(r), "randomEstate"
		if n%2 == 1 {
			s, gen = inventory.MustNew(revEstate(r)), "revEstate"
		}
		p := analysis.Policy{Basis: analysis.Bases[r.IntN(2)], CPUOvercommit: 1, MemoryOvercommit: 1, Tolerate: 2, SearchBudget: 1}
		for _, sc := range analysis.HostFailures(s, p) {
			counts[sc.Verdict]++
			o := newRev(s, p, sc.FailedHosts, sc.FailedDatastores, false)
			found := o.search()
			switch {
			case sc.Verdict == analysis.Safe && (len(o.down) > 0 || len(o.lost) > 0 || o.valid(sc.RestartPlacement) != ""):
				t.Errorf("estate %d: safe with an invalid placement", n)
			case sc.Verdict == analysis.Unsafe && found:
				t.Errorf("estate %d: unsafe (%s) but placeable", n, sc.Reason)
			case sc.Verdict == analysis.Unproven && (len(o.down) > 0 || len(o.lost) > 0):
				t.Errorf("estate %d: unproven (%s) though VMs stay down", n, sc.Reason)
			case sc.Verdict == analysis.Unproven:
				unproven[gen]++
				if found {
					placeable[gen]++
				}
			}
		}
	}
	if counts[analysis.Unproven] == 0 {
		t.Fatalf("a 1-step budget left nothing unproven: %v", counts)
	}
	all := placeable["randomEstate"] + placeable["revEstate"]
	t.Logf("search budget 1: %v; the oracle placed %d of the %d unproven (%.0f%%): randomEstate %d of %d, revEstate %d of %d",
		counts, all, counts[analysis.Unproven], share(all, counts[analysis.Unproven]),
		placeable["randomEstate"], unproven["randomEstate"], placeable["revEstate"], unproven["revEstate"])
}

// oracleEstates is how many random estates TestVerdictsAgainstIndependentOracle
// draws from revEstate (randomEstate adds a fifth as many).
const oracleEstates = 10000

// TestVerdictsAgainstIndependentOracle: on thousands of random small estates,
// every "safe" comes with a placement the oracle accepts and nothing staying
// down, every "unsafe" is one the oracle cannot place either, StaysDown is
// exactly what the oracle says stays down, and the share of "unproven" the
// oracle could place is recorded (docs/guides/analysis-report.md).
func TestVerdictsAgainstIndependentOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	counts := map[analysis.Verdict]int{}
	estates, scenarios, unprovenPlaceable, byExhaustive, bad := 0, 0, 0, 0, 0
	// What the generator exercised, so a regression in it shows.
	seen := map[string]int{}
	for n := 0; n < oracleEstates+oracleEstates/5 && bad < 15; n++ {
		var e inventory.Estate
		var s *inventory.Snapshot
		var p analysis.Policy
		if n%6 == 5 {
			s = randomEstate(r)
			e = s.Estate()
			p = analysis.DefaultPolicy()
			p.Tolerate = 2
			if n%12 == 11 {
				p.Basis, p.CPUOvercommit = analysis.BasisConfigured, 2
			}
		} else {
			e = revEstate(r)
			var err error
			if s, err = inventory.New(e); err != nil {
				t.Fatalf("estate %d: %v", n, err)
			}
			p = analysis.Policy{Basis: analysis.Bases[r.IntN(3)], CPUOvercommit: []float64{1, 1.5, 2, 0.9}[r.IntN(4)],
				MemoryOvercommit: []float64{1, 1.25, 0.7}[r.IntN(3)], HeadroomPercent: []float64{0, 10, 15, 20, 30, 33}[r.IntN(6)], Tolerate: 2}
		}
		estates++
		scs := analysis.HostFailures(s, p)
		// plus named failures: a host with a datastore, or a datastore alone
		hosts := s.Hosts()
		named := []analysis.Failure{{Datastores: []inventory.DatastoreName{"shared"}},
			{Hosts: []inventory.HostName{hosts[r.IntN(len(hosts))].Name}, Datastores: []inventory.DatastoreName{s.Datastores()[r.IntN(len(s.Datastores()))].Name}}}
		for _, f := range named {
			scs = append(scs, analysis.Fail(s, p, f))
		}
		for _, sc := range scs {
			scenarios++
			o := newRev(s, p, sc.FailedHosts, sc.FailedDatastores, false)
			counts[sc.Verdict]++
			report := func(format string, a ...any) {
				bad++
				t.Errorf("estate %d policy %+v fail %v %v: %s %s\n%s", n, p, sc.FailedHosts, sc.FailedDatastores, sc.Verdict, fmt.Sprintf(format, a...), dump(e))
			}
			if !slices.Equal(sc.AffectedVMs, o.affected) {
				report("affected VMs %v, oracle %v", sc.AffectedVMs, o.affected)
			}
			if why := o.stillDown(sc.StaysDown); why != "" {
				report("(%s): %s", sc.Reason, why)
			}
			if why := o.refusalsTrue(sc.Refusals); why != "" {
				report("(%s): %s", sc.Reason, why)
			}
			for _, f := range sc.Refusals {
				seen["refusal by "+f.Checker]++
			}
			if len(o.down) > 0 {
				seen["VMs stay down"]++
			}
			if len(o.lost) > 0 {
				seen["member server lost"]++
			}
			if len(o.aaBinds) > 0 {
				seen["anti-affinity binds a restart"]++
				for _, rules := range o.aaBinds {
					for _, i := range rules {
						for _, n := range o.aaUp[i] {
							if n > 1 {
								seen["anti-affinity rule already broken on a survivor"]++
							}
						}
					}
				}
			}
			switch sc.Verdict {
			case analysis.Safe:
				if strings.HasPrefix(sc.Reason, "exhaustive search") {
					byExhaustive++
				}
				if len(o.down) > 0 || len(o.lost) > 0 {
					report("(%s) though %v stay down and servers %v are lost", sc.Reason, o.down, o.lost)
				} else if why := o.valid(sc.RestartPlacement); why != "" {
					report("(%s) with an invalid placement %v: %s", sc.Reason, sc.RestartPlacement, why)
				}
			case analysis.Unsafe:
				if o.search() {
					report("(%s) but the oracle finds a placement", sc.Reason)
				}
			default:
				if len(o.down) > 0 || len(o.lost) > 0 {
					report("(%s) though %v stay down and servers %v are lost", sc.Reason, o.down, o.lost)
				} else if o.search() {
					unprovenPlaceable++
				}
			}
		}
		for _, c := range e.Clusters {
			if !c.HA.Enabled {
				seen["HA off"]++
			}
			if c.HA.HostMonitoring == inventory.HostMonitoringDisabled {
				seen["host monitoring off"]++
			}
			if c.HA.DefaultRestartPriority == inventory.RestartDisabled {
				seen["restart disabled by default"]++
			}
			if r := c.HA.Options.RespectVMAntiAffinityRules; r != nil && !*r {
				seen["anti-affinity ignored at failover"]++
			}
			for _, rule := range c.Rules {
				seen[string(rule.Kind)]++
			}
		}
		for _, v := range e.VMs {
			if v.RestartPriority == inventory.RestartDisabled {
				seen["VM restart disabled"]++
			}
		}
		if len(e.StandbyGroups) > 0 {
			seen["standby group"]++
		}
	}
	if counts[analysis.Safe] == 0 || counts[analysis.Unsafe] == 0 {
		t.Errorf("the generator must produce both safe and unsafe scenarios: %v", counts)
	}
	for _, k := range []string{"VMs stay down", "member server lost", "anti-affinity binds a restart", "HA off", "host monitoring off",
		"restart disabled by default", "anti-affinity ignored at failover", "VM restart disabled", "standby group",
		"must_run_on", "must_not_run_on", "should_run_on", "should_not_run_on", "vm_anti_affinity", "vm_affinity"} {
		if seen[k] == 0 {
			t.Errorf("the generator never produced %q", k)
		}
	}
	t.Logf("failures: %d estates, %d scenarios: %d safe (%d found only by exhaustive search), %d unsafe, %d unproven; unproven the oracle could place: %d (%.1f%% of unproven)",
		estates, scenarios, counts[analysis.Safe], byExhaustive, counts[analysis.Unsafe], counts[analysis.Unproven], unprovenPlaceable, share(unprovenPlaceable, counts[analysis.Unproven]))
	t.Logf("generator coverage: %v", seen)

	// Maintenance evacuation of every available host, one at a time.
	r = rand.New(rand.NewPCG(43, 8))
	evac := map[analysis.Verdict]int{}
	evacPlaceable := 0
	for n := 0; n < oracleEstates/4 && bad < 15; n++ {
		e := revEstate(r)
		s := inventory.MustNew(e)
		p := analysis.Policy{Basis: analysis.Bases[r.IntN(3)], CPUOvercommit: 1, MemoryOvercommit: 1, HeadroomPercent: []float64{0, 10, 25}[r.IntN(3)]}
		for _, h := range s.Hosts() {
			if !avail(h) {
				continue
			}
			ev := analysis.Evacuate(s, p, []inventory.HostName{h.Name})
			o := newRev(s, p, []inventory.HostName{h.Name}, nil, true)
			evac[ev.Verdict]++
			if why := o.refusalsTrue(ev.Refusals); why != "" {
				bad++
				t.Errorf("estate %d: evacuating %s: %s (%s)\n%s", n, h.Name, ev.Verdict, why, dump(e))
			}
			switch ev.Verdict {
			case analysis.Safe:
				if why := o.valid(ev.Moves); why != "" {
					bad++
					t.Errorf("estate %d: evacuating %s: safe with invalid moves %v: %s\n%s", n, h.Name, ev.Moves, why, dump(e))
				}
			case analysis.Unsafe:
				if o.search() {
					bad++
					t.Errorf("estate %d: evacuating %s: unsafe (%s) but the oracle finds targets\n%s", n, h.Name, ev.Reason, dump(e))
				}
			default:
				if o.search() {
					evacPlaceable++
				}
			}
		}
	}
	t.Logf("evacuations: %v; unproven the oracle could place: %d", evac, evacPlaceable)
}

func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func dump(e inventory.Estate) string {
	s := ""
	for _, c := range e.Clusters {
		s += fmt.Sprintf("  cluster %s ha=%t monitoring=%q default-restart=%q respect-anti-affinity=%v admission=%+v\n", c.Name, c.HA.Enabled, c.HA.HostMonitoring,
			c.HA.DefaultRestartPriority, c.HA.Options.RespectsVMAntiAffinity(), c.HA.AdmissionControl)
		for _, g := range c.VMGroups {
			s += fmt.Sprintf("    vm group %s %v\n", g.Name, g.VMs)
		}
		for _, g := range c.HostGroups {
			s += fmt.Sprintf("    host group %s %v\n", g.Name, g.Hosts)
		}
		for _, r := range c.Rules {
			s += fmt.Sprintf("    rule %s %s enabled=%t vms=%v %s→%s\n", r.Name, r.Kind, ruleOn(r), r.VMs, r.VMGroup, r.HostGroup)
		}
	}
	for _, h := range e.Hosts {
		s += fmt.Sprintf("  host %s cluster=%s %dx%d MHz %d MiB %s maint=%t ds=%v usage=%d/%d\n", h.Name, h.Cluster, h.CPUCores, h.CPUMHzPerCore, h.MemoryMB, h.Connection, h.Maintenance, h.Datastores, h.CPUUsageMHz, h.MemoryUsageMB)
	}
	for _, v := range e.VMs {
		s += fmt.Sprintf("  vm %s on %s %s vcpu=%d mem=%d res=%d/%d+%d usage=%d/%d ds=%v restart=%q\n", v.Name, v.Host, v.Power, v.VCPU, v.MemoryMB, v.CPUReservationMHz, v.MemoryReservationMB, v.MemoryOverheadMB, v.CPUUsageMHz, v.MemoryUsageMB, v.Datastores, v.RestartPriority)
	}
	for _, b := range e.BusinessSystems {
		s += fmt.Sprintf("  system %s vms=%v hosts=%v min=%d\n", b.Name, b.VMs, b.Hosts, b.MinHosts)
	}
	for _, g := range e.StandbyGroups {
		s += fmt.Sprintf("  standby group %s active=%v standby=%v %s\n", g.Name, g.Active, g.Standby, g.Takeover)
	}
	return s
}
