package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// diagnostics is the framework's diagnostics collection.
type diagnostics = diag.Diagnostics

// providerData is what Configure hands to resources and data sources: the
// per-command topology cache over the process's shared session.
type providerData struct {
	cache      *vsphere.Cache
	datacenter string
	// policy is the provider's policy block, resolved: every per-resource check uses it.
	policy checkPolicy
	// overlay holds what this command declares beyond vCenter (estate_overlay.go).
	overlay plannedOverlay
	// tagCategory is the vSphere tag category of business systems.
	tagCategory string
	// maxVMotionsPerHost is max_vmotions_per_host: how many vMotions a host
	// takes part in at once (as source or target). The move coordinator and
	// the estate_migration set resource (its waves) keep to it.
	maxVMotionsPerHost int
	// moves coordinates the vMotions of this command's placements (move_coordinator.go).
	moves *moveCoordinator
}

// estate is the live estate as this command knows it now: the cached read,
// kept up to date by the command's own moves.
func (d *providerData) estate(ctx context.Context) (*inventory.Snapshot, error) {
	t, err := d.cache.Topology(ctx, d.datacenter)
	if err != nil {
		return nil, err
	}
	return t.Estate, nil
}

// topology reads (once per command) the live estate.
func (d *providerData) topology(ctx context.Context) (*vsphere.Topology, diag.Diagnostics) {
	var diags diag.Diagnostics
	t, err := d.cache.Topology(ctx, d.datacenter)
	if err != nil {
		diags.AddError("Cannot read the estate from vCenter", err.Error())
		return nil, diags
	}
	return t, d.report(ctx, t, "")
}

// scopedTopology is the read a per-resource check of one VM and its target
// host needs (host "" for none): readScope of them (provider_scope.go).
func (d *providerData) scopedTopology(ctx context.Context, vm inventory.VMName, host inventory.HostName) (*vsphere.Topology, diag.Diagnostics) {
	var hosts []inventory.HostName
	if host != "" {
		hosts = append(hosts, host)
	}
	return d.readScope(ctx, scope{vms: []inventory.VMName{vm}, hosts: hosts})
}

// report is what every read says: the values vCenter reported that the read
// had to correct, and a debug line. scope is "" for the full read.
func (d *providerData) report(ctx context.Context, t *vsphere.Topology, scope string) diag.Diagnostics {
	var diags diag.Diagnostics
	// Every resource and data source reads through here, so each sees what the
	// read had to correct (a Terraform command shows a repeated warning once per
	// object that reports it).
	for _, w := range t.Warnings {
		diags.AddWarning("vCenter reported a value the estate could not use as is", w)
	}
	tflog.Debug(ctx, "estate topology", map[string]any{
		"datacenter": d.datacenter, "hosts": len(t.Estate.Hosts()), "vms": len(t.Estate.VMs()),
		"soap_round_trips": t.RoundTrips, "read_at": t.ReadAt, "warnings": len(t.Warnings), "scope": scope,
	})
	return diags
}

// providerDataFrom converts the framework's opaque provider data.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil // not configured yet (validation) or configured with unknown values
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; please report this issue to the provider developers", data))
	}
	return pd
}

// warningsOnly turns errors into warnings, for Read: refresh and destroy
// never fail on checks meant for creating or changing things.
func warningsOnly(in diag.Diagnostics) diag.Diagnostics {
	out := make(diag.Diagnostics, 0, len(in))
	for _, d := range in {
		if d.Severity() == diag.SeverityError {
			out.AddWarning(d.Summary(), d.Detail())
			continue
		}
		out.Append(d)
	}
	return out
}

// clip shortens a name echoed in a message to 64 bytes.
func clip(s string) string { return inventory.Clip(s) }
