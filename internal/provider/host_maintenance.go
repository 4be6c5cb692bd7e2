package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// applyMaintenance brings an ESXi host to the planned maintenance mode: to
// enter it, the planned evacuation runs in capacity-safe waves, then the host
// enters maintenance mode. Whatever happens, the state written is what vCenter
// reports afterwards, and an error says which VMs moved and which did not.
func (r *HostResource) applyMaintenance(ctx context.Context, m *hostResourceModel, state *tfsdk.State, diags *diagnostics) {
	topo, d := r.data.topology(ctx)
	if diags.Append(d...); d.HasError() {
		return
	}
	name := inventory.HostName(m.Name.ValueString())
	h, ok := topo.Estate.Host(name)
	if !ok {
		diags.AddError("Cannot change the host", fmt.Sprintf("vCenter no longer has host %q", clip(string(name))))
		return
	}
	want := m.Maintenance.ValueBool()
	planned := map[inventory.VMName]inventory.HostName{}
	if !m.Evacuation.IsUnknown() {
		var moves map[string]string
		diags.Append(m.Evacuation.ElementsAs(ctx, &moves, false)...)
		for vm, to := range moves {
			planned[inventory.VMName(vm)] = inventory.HostName(to)
		}
	}
	client := r.data.cache.Client()
	var failure string
	var done map[inventory.VMName]bool
	switch {
	case want && !h.Maintenance:
		if m.Evacuation.IsUnknown() {
			// maintenance was unknown at plan: compute the evacuation now.
			e := analysis.Evacuate(topo.Estate, r.data.policy.Policy, []inventory.HostName{name})
			if e.Verdict != analysis.Safe {
				diags.AddError("Host cannot enter maintenance", fmt.Sprintf("The powered-on VMs of host %q do not fit on the rest of cluster %q (evacuation %s): %s%s",
					clip(string(name)), clip(string(h.Cluster)), e.Verdict, e.Reason, shortfallText(e.Shortfalls, r.data.policy.Policy)))
				return
			}
			planned = e.Moves
		}
		if msg := r.checkEvacuation(topo.Estate, h, planned); msg != "" {
			diags.AddError("Host cannot enter maintenance", msg)
			return
		}
		done, failure = r.runEvacuation(ctx, topo.Estate, h, planned)
		if failure == "" {
			err := client.SetMaintenance(ctx, h, true)
			r.data.cache.Invalidate()
			if err != nil {
				failure = err.Error()
			}
		}
	case !want && h.Maintenance:
		err := client.SetMaintenance(ctx, h, false)
		r.data.cache.Invalidate()
		if err != nil {
			diags.AddError("Cannot exit maintenance mode", err.Error())
			return
		}
	}
	// Record what vCenter reports now, even when the context was cancelled after a move completed.
	after, d := r.data.topology(context.WithoutCancel(ctx))
	diags.Append(d...)
	if d.HasError() {
		return
	}
	now, ok := after.Estate.Host(name)
	if !ok {
		diags.AddError("Cannot read the host back", fmt.Sprintf("vCenter no longer has host %q", clip(string(name))))
		return
	}
	r.fillLive(ctx, m, after.Estate, now, diags)
	if done != nil {
		record := map[string]string{}
		for vm := range done {
			if v, ok := after.Estate.VM(vm); ok {
				record[string(vm)] = string(v.Host)
			}
		}
		var d2 diagnostics
		m.Evacuation, d2 = types.MapValueFrom(ctx, types.StringType, record)
		diags.Append(d2...)
	}
	diags.Append(state.Set(ctx, m)...)
	if failure != "" {
		diags.AddError("Host did not enter maintenance", evacuationReport(name, planned, after.Estate, failure))
	}
}

// checkEvacuation checks the planned evacuation against the estate at apply:
// the host's powered-on VMs are still those the plan moves, and the planned
// layout is still reachable without overloading a host. It returns why not.
func (r *HostResource) checkEvacuation(live *inventory.Snapshot, h inventory.Host, planned map[inventory.VMName]inventory.HostName) string {
	var running []string
	for _, v := range live.VMsOn(h.Name) {
		if v.PoweredOn() {
			running = append(running, string(v.Name))
		}
	}
	slices.Sort(running)
	plannedVMs := inventory.Strings(slices.Sorted(maps.Keys(planned)))
	if !slices.Equal(running, plannedVMs) {
		return fmt.Sprintf("The powered-on VMs of host %q changed since the plan: now %s, the plan moves %s. Nothing was moved; run terraform plan again.",
			clip(string(h.Name)), orNone(running), orNone(plannedVMs))
	}
	seq := analysis.SequenceMoves(live, r.data.policy.Policy, planned)
	if seq.Verdict != analysis.Safe {
		return fmt.Sprintf("The planned evacuation of host %q is no longer feasible (%s): %s%s\nNothing was moved; run terraform plan again.",
			clip(string(h.Name)), seq.Verdict, seq.Reason, shortfallText(seq.Shortfalls, r.data.policy.Policy))
	}
	return ""
}

// runEvacuation runs the planned moves wave by wave, one at a time, and stops
// at the first failure. It returns the VMs whose move completed and the failure.
func (r *HostResource) runEvacuation(ctx context.Context, live *inventory.Snapshot, h inventory.Host, planned map[inventory.VMName]inventory.HostName) (map[inventory.VMName]bool, string) {
	done := map[inventory.VMName]bool{}
	seq := analysis.SequenceMoves(live, r.data.policy.Policy, planned)
	// Whatever stops it, the state is written from a fresh read of vCenter.
	defer r.data.cache.Invalidate()
	for _, wave := range seq.Waves {
		for _, mv := range wave {
			if err := ctx.Err(); err != nil {
				return done, fmt.Sprintf("interrupted before moving VM %q: %v", mv.VM, err)
			}
			// Through the apply's move coordinator, like every move of this provider.
			if _, _, err := r.data.vmotion(ctx, r.data.estate, mv.VM, mv.To, waitForRoom); err != nil {
				return done, err.Error()
			}
			done[mv.VM] = true
		}
	}
	return done, ""
}

// evacuationReport says what failed, which VMs moved (and where they run) and which did not.
func evacuationReport(host inventory.HostName, planned map[inventory.VMName]inventory.HostName, now *inventory.Snapshot, failure string) string {
	var moved, stayed []string
	for _, vm := range slices.Sorted(maps.Keys(planned)) {
		v, ok := now.VM(vm)
		switch {
		case !ok:
			stayed = append(stayed, fmt.Sprintf("%s (no longer in vCenter)", vm))
		case v.Host == host:
			stayed = append(stayed, string(vm))
		default:
			moved = append(moved, fmt.Sprintf("%s → %s", vm, v.Host))
		}
	}
	return fmt.Sprintf("%s\nMoved: %s.\nNot moved (still on host %q): %s.\nHost %q is not in maintenance mode; the state records where every VM runs. Run terraform apply again to finish.",
		failure, orNone(moved), host, orNone(stayed), host)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
