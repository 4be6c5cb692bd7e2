package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// migrationVerdict is what estate_migration's ModifyPlan says from a read:
// checkPlacements' diagnostics, then the sequencing and the load warning.
func migrationVerdict(topo *vsphere.Topology, topoDiags diag.Diagnostics, p checkPolicy, cluster string, desired map[inventory.VMName]inventory.HostName) []string {
	d := topoDiags
	checkPlacements(topo.Estate, cluster, desired, &d)
	out := fullDiags(d)
	if d.HasError() {
		return out
	}
	seq := analysis.SequenceMoves(topo.Estate, p.Policy, desired)
	out = append(out, fmt.Sprintf("verdict=%s reason=%s waves=%v", seq.Verdict, seq.Reason, seq.Waves))
	if seq.Verdict == analysis.Safe {
		out = append(out, analysis.LoadedAbove(mustWith(topo.Estate, desired), p.Policy, p.WarnAbovePercent, targets(seq))...)
	}
	return out
}

// TestScopedMigrationPlanEqualsFullRead: estate_migration's plan from
// readScope says what it says from the full read, for placements naming a VM
// vCenter does not have (a typo): the error lists the known VMs.
func TestScopedMigrationPlanEqualsFullRead(t *testing.T) {
	l := labtest.Start(t, "demo")
	ctx := context.Background()
	full, _ := scopeTestData(t, l)
	fullTopo, fd := full.topology(ctx)
	if fd.HasError() {
		t.Fatal(fd)
	}
	cases := []struct {
		cluster string
		desired map[inventory.VMName]inventory.HostName
	}{
		{"", map[inventory.VMName]inventory.HostName{"no-such-vm": "esx-b01"}},
		{"", map[inventory.VMName]inventory.HostName{"crm-01": "esx-b02", "crm-0l": "esx-b03"}},
		{"prod-b", map[inventory.VMName]inventory.HostName{"crm-0l": "esx-b03"}},
		{"", map[inventory.VMName]inventory.HostName{"no-such-vm": "no-such-host"}},
	}
	for _, c := range cases {
		want := migrationVerdict(fullTopo, fd, full.policy, c.cluster, c.desired)
		scoped, _ := scopeTestData(t, l)
		m := migrationModel{Cluster: types.StringValue(c.cluster)}
		topo, sd := scoped.readScope(ctx, migrationScope(m, c.desired))
		if sd.HasError() {
			t.Fatal(sd)
		}
		got := migrationVerdict(topo, sd, scoped.policy, c.cluster, c.desired)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("migration %v (cluster %q):\nscoped %q\nfull   %q", c.desired, c.cluster, got, want)
		}
	}
}
