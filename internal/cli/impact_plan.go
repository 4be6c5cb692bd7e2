package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/planned"
	"github.com/estate-tf/terraform-provider-estate/internal/report"
)

// Reading `terraform show -json` of a saved plan: the estate_* resources'
// values before and after, as planned.Inputs for each side.

// maxPlanBytes bounds the plan file read.
const maxPlanBytes = 512 << 20

// rawPolicy is the provider's policy block as the plan's configuration
// records it: terraform-json reads a nested block written as one object
// (SingleNestedBlock) as no expression, so it is read here.
type rawPolicy map[string]struct {
	ConstantValue any `json:"constant_value"`
}

func policyBlockOf(data []byte) rawPolicy {
	var doc struct {
		Configuration struct {
			ProviderConfig map[string]struct {
				Name        string `json:"name"`
				Expressions struct {
					Policy json.RawMessage `json:"policy"`
				} `json:"expressions"`
			} `json:"provider_config"`
		} `json:"configuration"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	for _, pc := range doc.Configuration.ProviderConfig {
		if pc.Name != "estate" || len(pc.Expressions.Policy) == 0 {
			continue
		}
		var one rawPolicy
		if json.Unmarshal(pc.Expressions.Policy, &one) == nil {
			return one
		}
		var list []rawPolicy // a block list, as older Terraform writes it
		if json.Unmarshal(pc.Expressions.Policy, &list) == nil && len(list) > 0 {
			return list[0]
		}
	}
	return nil
}

func readPlan(path string) (*tfjson.Plan, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxPlanBytes {
		return nil, fmt.Errorf("%s: %d bytes; a plan above %d MiB is not read", path, st.Size(), maxPlanBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s is not the JSON of a plan (terraform show -json PLANFILE): %w", path, err)
	}
	if p.FormatVersion == "" {
		return nil, fmt.Errorf("%s has no format_version: not the JSON of a plan (terraform show -json PLANFILE)", path)
	}
	planPolicies.Store(&p, policyBlockOf(data))
	return &p, nil
}

// planPolicies keeps the provider policy block read with each plan.
var planPolicies sync.Map

// planSide is one side of the change read from a plan.
type planSide struct {
	inputs planned.Inputs
	// maintenance names the hosts planned in maintenance on this side.
	maintenance map[string]bool
}

// planChange is what a plan says, as two sides and the resources.
type planChange struct {
	before, after planSide
	resources     []report.Resource
	guard         map[string]any // the estate_guard's values, when the plan has one
	guardAddress  string
	notes         []string
}

// estateTypes are the resources whose values overlay the estate.
var estateTypes = []string{"estate_vm_placement", "estate_host", "estate_business_system", "estate_standby_group", "estate_guard"}

// fromPlan reads resource_changes (drift false) or resource_drift (drift true).
// Change: before is each resource's prior value, after its planned value.
// Drift: before is the value Terraform recorded, after the value refreshed
// from the estate; the resources that did not drift count on both sides.
func fromPlan(p *tfjson.Plan, drift bool) planChange {
	var pc planChange
	pc.before.maintenance, pc.after.maintenance = map[string]bool{}, map[string]bool{}
	drifted := map[string]*tfjson.ResourceChange{}
	if drift {
		for _, rc := range p.ResourceDrift {
			if slices.Contains(estateTypes, rc.Type) && rc.Change != nil {
				drifted[rc.Address] = rc
			}
		}
	}
	seen := map[string]bool{}
	each := func(rc *tfjson.ResourceChange) {
		if rc.Change == nil || !slices.Contains(estateTypes, rc.Type) || rc.Mode == tfjson.DataResourceMode {
			return
		}
		seen[rc.Address] = true
		before, after := asMap(rc.Change.Before), asMap(rc.Change.After)
		unknown := asMap(rc.Change.AfterUnknown)
		action := actionOf(rc.Change.Actions)
		if drift {
			d, ok := drifted[rc.Address]
			if !ok {
				// Not drifted: the recorded value is the refreshed one.
				after, unknown, action = before, nil, "no-op"
			} else {
				before, after, unknown, action = asMap(d.Change.Before), asMap(d.Change.After), nil, "drift"
			}
		}
		if action == "delete" {
			after = nil
		}
		if rc.Type == "estate_guard" {
			pc.guardAddress = rc.Address
			pc.guard = after
			if pc.guard == nil {
				pc.guard = before
			}
		}
		// Where VMs run: the recorded or refreshed values say (current_host, a
		// host's vms); a planned value says where they go (host, evacuation).
		pc.before.add(rc.Type, before, nil, false, true)
		pc.after.add(rc.Type, after, unknown, !drift && !pc.before.maintenance[str(after, "name")], drift)
		if action != "no-op" {
			pc.resources = append(pc.resources, report.Resource{Address: rc.Address, Type: rc.Type, Action: action, Summary: summary(rc.Type, before, after)})
		}
		if len(unknown) > 0 && action != "no-op" && action != "delete" {
			if keys := unknownKeys(unknown); len(keys) > 0 {
				pc.notes = append(pc.notes, fmt.Sprintf("%s: %s known only at apply", rc.Address, strings.Join(keys, ", ")))
			}
		}
	}
	for _, rc := range p.ResourceChanges {
		each(rc)
	}
	if drift {
		for _, rc := range p.ResourceDrift {
			if !seen[rc.Address] {
				each(rc)
			}
		}
	}
	// The resources the plan does not list (a refresh-only plan lists none)
	// are as the (refreshed) prior state has them, on both sides.
	if p.PriorState != nil && p.PriorState.Values != nil {
		var walk func(m *tfjson.StateModule)
		walk = func(m *tfjson.StateModule) {
			if m == nil {
				return
			}
			for _, r := range m.Resources {
				if r.Mode == tfjson.DataResourceMode || !slices.Contains(estateTypes, r.Type) || seen[r.Address] {
					continue
				}
				seen[r.Address] = true
				each(&tfjson.ResourceChange{Address: r.Address, Type: r.Type, Mode: r.Mode,
					Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionNoop}, Before: r.AttributeValues, After: r.AttributeValues}})
			}
			for _, c := range m.ChildModules {
				walk(c)
			}
		}
		walk(p.PriorState.Values.RootModule)
	}
	return pc
}

func actionOf(a tfjson.Actions) string {
	switch {
	case a.Replace():
		return "replace"
	case a.Create():
		return "create"
	case a.Delete():
		return "delete"
	case a.Update():
		return "update"
	case a.Read():
		return "read"
	}
	return "no-op"
}

// add records one resource's value on this side. evacuate applies the
// planned evacuation of a host entering maintenance (a change, not drift).
// actual places the VMs where the value says they run now.
func (s *planSide) add(typ string, v, unknown map[string]any, evacuate, actual bool) {
	if v == nil {
		return
	}
	switch typ {
	case "estate_vm_placement":
		host := str(v, "host")
		if cur := str(v, "current_host"); actual && cur != "" {
			host = cur
		}
		if vm := str(v, "vm"); vm != "" && host != "" {
			s.place(vm, host)
		}
	case "estate_host":
		h := planned.Host{Name: str(v, "name"), Kind: str(v, "kind"), CPUCores: num(v, "cpu_cores"), CPUMHzPerCore: num(v, "cpu_mhz_per_core"),
			MemoryMB: num(v, "memory_mb"), FailoverDomain: str(v, "failover_domain"), Maintenance: boolean(v, "maintenance")}
		if evacuate && unknown["evacuation"] != true {
			h.Evacuation = strMap(v, "evacuation")
		}
		if h.Maintenance {
			s.maintenance[h.Name] = true
		}
		if actual && (h.Kind == "" || h.Kind == "esxi") {
			for _, vm := range strList(v, "vms") {
				s.place(vm, h.Name)
			}
		}
		s.inputs.Hosts = append(s.inputs.Hosts, h)
	case "estate_business_system":
		s.inputs.Systems = append(s.inputs.Systems, planned.System{Name: str(v, "name"), Criticality: str(v, "criticality"),
			VMs: strList(v, "vms"), Hosts: strList(v, "hosts"), MinHosts: num(v, "min_hosts")})
	case "estate_standby_group":
		s.inputs.Standby = append(s.inputs.Standby, planned.Standby{Name: str(v, "name"), ActiveHosts: strList(v, "active_hosts"),
			StandbyHosts: strList(v, "standby_hosts"), Tolerate: num(v, "tolerate"), Takeover: str(v, "takeover")})
	case "estate_guard":
		// The guard's own placements and maintenance hosts are part of the change, as the guard analyses them.
		for vm, host := range strMap(v, "placements") {
			s.place(vm, host)
		}
		s.inputs.MaintenanceHosts = append(s.inputs.MaintenanceHosts, strList(v, "maintenance_hosts")...)
	}
}

func (s *planSide) place(vm, host string) {
	if s.inputs.Placements == nil {
		s.inputs.Placements = map[string]string{}
	}
	s.inputs.Placements[vm] = host
}

func summary(typ string, before, after map[string]any) string {
	name := func(v map[string]any) string { return str(v, "name") }
	switch typ {
	case "estate_vm_placement":
		vm := str(after, "vm")
		if vm == "" {
			vm = str(before, "vm")
		}
		switch {
		case before == nil:
			return fmt.Sprintf("%s placed on %s", vm, orUnknown(str(after, "host")))
		case after == nil:
			return vm + ": placement no longer managed (the VM stays)"
		}
		if b, a := str(before, "current_host"), str(after, "current_host"); str(before, "host") == str(after, "host") && a != "" && b != a {
			return fmt.Sprintf("%s: runs on %s, was on %s (desired %s)", vm, a, b, str(after, "host"))
		}
		return fmt.Sprintf("%s: %s → %s", vm, str(before, "host"), orUnknown(str(after, "host")))
	case "estate_host":
		v := after
		if v == nil {
			return name(before) + ": no longer declared"
		}
		var parts []string
		if boolean(before, "maintenance") != boolean(after, "maintenance") || (before == nil && boolean(after, "maintenance")) {
			if boolean(after, "maintenance") {
				parts = append(parts, "enters maintenance")
			} else {
				parts = append(parts, "leaves maintenance")
			}
		}
		if k := str(v, "kind"); before == nil && k != "" && k != "esxi" {
			parts = append(parts, fmt.Sprintf("declared %s server, %d × %d MHz, %d MiB", k, num(v, "cpu_cores"), num(v, "cpu_mhz_per_core"), num(v, "memory_mb")))
		}
		if len(parts) == 0 {
			parts = append(parts, "updated")
		}
		return name(v) + ": " + strings.Join(parts, "; ")
	case "estate_business_system":
		if after == nil {
			return name(before) + ": removed"
		}
		b, a := strList(before, "vms"), strList(after, "vms")
		var parts []string
		if gone := minusStrings(b, a); len(gone) > 0 {
			parts = append(parts, fmt.Sprintf("VMs leave: %s", strings.Join(first(gone, 5), ", ")))
		}
		if added := minusStrings(a, b); len(added) > 0 {
			parts = append(parts, fmt.Sprintf("VMs join: %s", strings.Join(first(added, 5), ", ")))
		}
		if hb, ha := strList(before, "hosts_in_use"), strList(after, "hosts_in_use"); before != nil && !slices.Equal(hb, ha) {
			parts = append(parts, fmt.Sprintf("runs on %d → %d hosts", len(hb), len(ha)))
		}
		if before == nil {
			parts = []string{fmt.Sprintf("declared with %d VMs", len(a))}
		}
		if len(parts) == 0 {
			parts = append(parts, "updated")
		}
		return name(after) + ": " + strings.Join(parts, "; ")
	case "estate_standby_group":
		if after == nil {
			return name(before) + ": removed"
		}
		return fmt.Sprintf("%s: %d active, %d standby, tolerate %d", name(after), len(strList(after, "active_hosts")), len(strList(after, "standby_hosts")), num(after, "tolerate"))
	case "estate_guard":
		return "the guard: its policy is the report's"
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(known at apply)"
	}
	return s
}

func first(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clone(s[:n]), fmt.Sprintf("… %d more", len(s)-n))
}

func minusStrings(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func unknownKeys(u map[string]any) []string {
	var out []string
	for k, v := range u {
		if v == true {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// policyOf is the report's policy: the flags' policy, with the plan's
// provider policy block and estate_guard's attributes over it, as the guard
// computes it. It also returns the guard's clusters and fail_on.
func (pc planChange) policyOf(p *tfjson.Plan, base analysis.Policy) (analysis.Policy, []inventory.ClusterName, []string, string) {
	source := "the command's flags"
	if v, ok := planPolicies.Load(p); ok {
		if blk, _ := v.(rawPolicy); len(blk) > 0 {
			if x, ok := blk["cpu_overcommit"].ConstantValue.(float64); ok {
				base.CPUOvercommit = x
			}
			if x, ok := blk["memory_overcommit"].ConstantValue.(float64); ok {
				base.MemoryOvercommit = x
			}
			if x, ok := blk["headroom_percent"].ConstantValue.(float64); ok {
				base.HeadroomPercent = x
			}
			if x, ok := blk["basis"].ConstantValue.(string); ok {
				base.Basis = analysis.Basis(x)
			}
			source = "the provider's policy block (constant values) over the command's flags"
		}
	}
	if pc.guard == nil {
		return base, nil, nil, source
	}
	g := pc.guard
	if _, ok := g["tolerate_host_failures"].(float64); ok {
		base.Tolerate = int(num(g, "tolerate_host_failures"))
	}
	if v, ok := g["headroom_percent"].(float64); ok {
		base.HeadroomPercent = v
	}
	if s := str(g, "basis"); s != "" {
		base.Basis = analysis.Basis(s)
	}
	var clusters []inventory.ClusterName
	for _, c := range strList(g, "clusters") {
		clusters = append(clusters, inventory.ClusterName(c))
	}
	var failOn []string
	if _, ok := g["fail_on"].([]any); ok {
		failOn = strList(g, "fail_on")
	}
	return base, clusters, failOn, pc.guardAddress + " (tolerate, headroom, basis, clusters, fail_on) over " + source
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func str(v map[string]any, k string) string {
	s, _ := v[k].(string)
	return s
}

func num(v map[string]any, k string) int64 {
	f, _ := v[k].(float64)
	return int64(f)
}

func boolean(v map[string]any, k string) bool {
	b, _ := v[k].(bool)
	return b
}

func strList(v map[string]any, k string) []string {
	l, _ := v[k].([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func strMap(v map[string]any, k string) map[string]string {
	m, _ := v[k].(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for key, x := range m {
		if s, ok := x.(string); ok {
			out[key] = s
		}
	}
	return out
}
