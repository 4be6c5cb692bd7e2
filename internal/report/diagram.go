package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// Mermaid's defaults (mermaid.initialize: maxTextSize 50,000, maxEdges 500).
// The diagram stays below them with a margin.
const (
	MermaidMaxText  = 50000
	MermaidMaxEdges = 500
	diagramText     = 40000
	diagramEdges    = 400
	diagramVMs      = 60 // VM nodes before VMs are aggregated
)

type node struct {
	id, label string
	layer     int // 0 systems, 1 VMs, 2 hosts, 3 datastores
	status    Status
}

type edge struct {
	from, to string
	dashed   bool
	label    string
}

type graph struct {
	nodes []node
	index map[string]int
	edges map[[2]string]edge
	order [][2]string
	note  []string
	folds map[string]map[string]bool
}

func newGraph() *graph { return &graph{index: map[string]int{}, edges: map[[2]string]edge{}} }

func (g *graph) add(key string, layer int, label string, st Status) string {
	if i, ok := g.index[key]; ok {
		if statusRank(st) > statusRank(g.nodes[i].status) {
			g.nodes[i].status = st
		}
		return g.nodes[i].id
	}
	id := fmt.Sprintf("%c%d", "svhd"[layer], len(g.nodes)+1)
	g.index[key] = len(g.nodes)
	g.nodes = append(g.nodes, node{id: id, label: label, layer: layer, status: st})
	return id
}

func (g *graph) link(from, to string, dashed bool, label string) {
	k := [2]string{from, to}
	if _, ok := g.edges[k]; ok {
		return
	}
	g.edges[k] = edge{from, to, dashed, label}
	g.order = append(g.order, k)
}

// diagram draws the affected neighbourhood; it aggregates step by step until
// the text and the edges are within budget, and says what it folded.
func diagram(before, after *inventory.Snapshot, r Report, moves map[inventory.VMName]inventory.HostName) Diagram {
	var d Diagram
	for level := 0; level <= 4; level++ {
		g := draw(before, after, r, moves, level)
		text := g.mermaid()
		d = Diagram{Mermaid: text, Nodes: len(g.nodes), Edges: len(g.edges), Aggregated: nonNil(g.note)}
		if len(text) <= diagramText && len(g.edges) <= diagramEdges {
			return d
		}
	}
	return d
}

func draw(before, after *inventory.Snapshot, r Report, moves map[inventory.VMName]inventory.HostName, level int) *graph {
	g := newGraph()
	hostStatus := map[inventory.HostName]Status{}
	for _, h := range r.Hosts {
		hostStatus[h.Host] = h.Status
	}
	sysStatus := map[inventory.SystemName]Status{}
	for _, s := range r.BusinessSystems {
		sysStatus[s.System] = s.Status
	}
	// VMs shown: the moved ones, and those named by the new shortfalls.
	vmSet := map[inventory.VMName]bool{}
	for vm := range moves {
		vmSet[vm] = true
	}
	for _, sc := range r.Scenarios {
		if sc.New {
			for _, f := range sc.Shortfalls {
				if f.VM != "" {
					vmSet[f.VM] = true
				}
			}
		}
	}
	for _, e := range r.Maintenance {
		for vm := range e.Moves {
			vmSet[vm] = true
		}
	}
	vms := sortedKeys(vmSet)
	aggregateVMs := level >= 1 || len(vms) > diagramVMs
	// Hosts: folded per cluster at level 3 unless failing.
	hostNode := func(h inventory.HostName) string {
		host, ok := after.Host(h)
		if !ok {
			host, _ = before.Host(h)
		}
		st := hostStatus[h]
		if level >= 3 && st != StatusFailing {
			key := "hosts of " + string(host.Cluster)
			n := g.foldCount(key, string(h))
			label := fmt.Sprintf("%s of %s", count(n, "other host"), orNone(string(host.Cluster)))
			id := g.add(key, 2, label, st)
			g.nodes[g.index[key]].label = label
			return id
		}
		return g.add("h:"+string(h), 2, hostLabel(h, r), st)
	}
	systemsOf := func(vm inventory.VMName) []inventory.SystemName {
		out := after.SystemsOfVM(vm)
		if len(out) == 0 {
			out = before.SystemsOfVM(vm)
		}
		return out
	}
	sysNode := func(s inventory.SystemName) string {
		st := sysStatus[s]
		if level >= 4 && st == StatusOK {
			key := "systems"
			n := g.foldCount(key, string(s))
			id := g.add(key, 0, "", st)
			g.nodes[g.index[key]].label = count(n, "other business system")
			return id
		}
		return g.add("s:"+string(s), 0, esc(string(s)), st)
	}
	type group struct {
		sys      inventory.SystemName
		from, to inventory.HostName
	}
	groups := map[group][]inventory.VMName{}
	for _, vm := range vms {
		v, _ := after.VM(vm)
		was, _ := before.VM(vm)
		sys := inventory.SystemName("")
		if s := systemsOf(vm); len(s) > 0 {
			sys = s[0]
		}
		st := StatusOK
		if hs := hostStatus[v.Host]; hs != StatusOK {
			st = hs
		}
		if !aggregateVMs {
			id := g.add("v:"+string(vm), 1, esc(string(vm)), st)
			for _, s := range systemsOf(vm) {
				g.link(sysNode(s), id, false, "")
			}
			g.linkVM(id, was.Host, v.Host, hostNode)
			for _, ds := range v.Datastores {
				g.link(hostNode(v.Host), g.add("d:"+string(ds), 3, esc(string(ds)), StatusOK), false, "")
			}
			continue
		}
		k := group{sys: sys, from: was.Host, to: v.Host}
		switch {
		case level >= 3:
			k.from, k.to = "", ""
		case level >= 2:
			k.from = ""
		}
		groups[k] = append(groups[k], vm)
	}
	if aggregateVMs && len(vms) > 0 {
		g.note = append(g.note, fmt.Sprintf("%d VMs drawn as %d groups (VMs of one business system moving the same way); the tables name every host and business system", len(vms), len(groups)))
	}
	keys := make([]group, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b group) int {
		return cmp.Or(cmp.Compare(a.sys, b.sys), cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to))
	})
	for _, k := range keys {
		members := groups[k]
		label := fmt.Sprintf("%s of %s", count(len(members), "VM"), orNone(esc(string(k.sys))))
		if k.sys == "" {
			label = count(len(members), "VM") + " in no business system"
		}
		if len(members) == 1 {
			label = esc(string(members[0]))
		}
		st := StatusOK
		for _, vm := range members {
			v, _ := after.VM(vm)
			if hs := hostStatus[v.Host]; statusRank(hs) > statusRank(st) {
				st = hs
			}
		}
		id := g.add(fmt.Sprintf("g:%s\x00%s\x00%s", k.sys, k.from, k.to), 1, label, st)
		if k.sys != "" {
			g.link(sysNode(k.sys), id, false, "")
		}
		hosts := map[[2]inventory.HostName]bool{}
		dss := map[[2]string]bool{}
		for _, vm := range members {
			v, _ := after.VM(vm)
			was, _ := before.VM(vm)
			from := was.Host
			if level >= 2 {
				from = v.Host // departures not drawn
			}
			hosts[[2]inventory.HostName{from, v.Host}] = true
			if level < 3 {
				for _, ds := range v.Datastores {
					dss[[2]string{string(v.Host), string(ds)}] = true
				}
			}
		}
		for _, hk := range sortedPairs(hosts) {
			g.linkVM(id, hk[0], hk[1], hostNode)
		}
		for _, dk := range sortedPairs(dss) {
			g.link(hostNode(inventory.HostName(dk[0])), g.add("d:"+dk[1], 3, esc(dk[1]), StatusOK), false, "")
		}
	}
	if level >= 2 {
		g.note = append(g.note, "moves drawn to their target hosts only (the hosts they leave are in the tables)")
	}
	if level >= 3 {
		g.note = append(g.note, "hosts that are not failing folded per cluster; datastores left out")
	}
	if level >= 4 {
		g.note = append(g.note, "business systems that are not degraded or failing folded into one node")
	}
	// Hosts and systems of the report not reached through a VM (maintenance, declared servers, scenarios).
	for _, h := range r.Hosts {
		if h.Status != StatusOK || len(h.Arrivals)+len(h.Departures) > 0 {
			hostNode(h.Host)
		}
	}
	for _, s := range r.BusinessSystems {
		id := sysNode(s.System)
		if b, ok := after.BusinessSystem(s.System); ok {
			for _, h := range b.Hosts {
				if _, shown := g.index["h:"+string(h)]; shown {
					g.link(id, g.nodes[g.index["h:"+string(h)]].id, false, "")
				}
			}
		}
	}
	return g
}

// foldCount counts one more member of a folded node and returns the count.
func (g *graph) foldCount(key, member string) int {
	if g.folds == nil {
		g.folds = map[string]map[string]bool{}
	}
	if g.folds[key] == nil {
		g.folds[key] = map[string]bool{}
	}
	g.folds[key][member] = true
	return len(g.folds[key])
}

func (g *graph) linkVM(id string, from, to inventory.HostName, hostNode func(inventory.HostName) string) {
	if from != to && from != "" {
		g.link(id, hostNode(from), true, "from")
	}
	g.link(id, hostNode(to), false, "")
}

func sortedPairs[T ~string](m map[[2]T]bool) [][2]T {
	out := make([][2]T, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b [2]T) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func hostLabel(h inventory.HostName, r Report) string {
	for _, d := range r.Hosts {
		if d.Host == h {
			return fmt.Sprintf("%s<br/>cpu %.0f%% → %.0f%%, mem %.0f%% → %.0f%%", esc(string(h)), d.Before.CPUPercent, d.After.CPUPercent, d.Before.MemoryPercent, d.After.MemoryPercent)
		}
	}
	return esc(string(h))
}

var layerTitles = []string{"Business systems", "VMs", "Hosts", "Datastores"}

// Class definitions: failing red, degraded yellow (the test checks these fills in the SVG).
const (
	FillFailing  = "#f8d7da"
	FillDegraded = "#fff3cd"
)

func (g *graph) mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	fmt.Fprintf(&b, "  classDef failing fill:%s,stroke:#c0392b,color:#000\n", FillFailing)
	fmt.Fprintf(&b, "  classDef degraded fill:%s,stroke:#b7950b,color:#000\n", FillDegraded)
	for layer, title := range layerTitles {
		first := true
		for _, n := range g.nodes {
			if n.layer != layer {
				continue
			}
			if first {
				fmt.Fprintf(&b, "  subgraph L%d[\"%s\"]\n", layer, title)
				first = false
			}
			fmt.Fprintf(&b, "    %s[\"%s\"]\n", n.id, n.label)
		}
		if !first {
			b.WriteString("  end\n")
		}
	}
	for _, k := range g.order {
		e := g.edges[k]
		arrow := "-->"
		if e.dashed {
			arrow = "-.->"
		}
		if e.label != "" {
			fmt.Fprintf(&b, "  %s %s|%s| %s\n", e.from, arrow, e.label, e.to)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", e.from, arrow, e.to)
		}
	}
	for _, st := range []Status{StatusFailing, StatusDegraded} {
		var ids []string
		for _, n := range g.nodes {
			if n.status == st {
				ids = append(ids, n.id)
			}
		}
		if len(ids) > 0 {
			fmt.Fprintf(&b, "  class %s %s\n", strings.Join(ids, ","), st)
		}
	}
	return b.String()
}
