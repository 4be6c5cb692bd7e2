package provider

import (
	"context"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

// TestMigrationApplyReadsOnlyItsCluster: an estate_migration's apply re-reads
// vCenter before every wave, and that read is of the migration's cluster
// alone, afresh each time — one RetrieveProperties per wave after the index,
// never the whole inventory — and still sees what its own moves did.
func TestMigrationApplyReadsOnlyItsCluster(t *testing.T) {
	// esx-b01 and esx-b02 are full, so the swap of crm-01 and crm-02 takes a parking step.
	l := labtest.StartWith(t, "demo", func(e *inventory.Estate) {
		for i, h := range e.Hosts {
			if h.Name == "esx-b01" || h.Name == "esx-b02" {
				e.Hosts[i].MemoryMB = 0
				for _, v := range e.VMs {
					if v.Host == h.Name && v.PoweredOn() {
						e.Hosts[i].MemoryMB += v.MemoryReservationMB + v.MemoryOverheadMB
					}
				}
			}
		}
	})
	ctx := context.Background()
	data, client := scopeTestData(t, l)
	r := &MigrationResource{data: data}
	// The example's rebalance of prod-b: a swap, a 3-cycle, two moves onto one host.
	desired := map[inventory.VMName]inventory.HostName{
		"crm-01": "esx-b02", "crm-02": "esx-b01",
		"crm-03": "esx-b04", "crm-04": "esx-b05", "crm-05": "esx-b03",
		"mail-01": "esx-b05", "mail-06": "esx-b05",
	}
	m := migrationModel{Cluster: types.StringValue("prod-b")}
	sc := migrationScope(m, desired)
	before := client.Calls()
	ix, err := data.cache.Index(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	first, d := data.freshScope(ctx, ix, sc)
	if d.HasError() {
		t.Fatal(d)
	}
	if got := first.Estate.Clusters(); len(got) != 1 || got[0].Name != "prod-b" {
		t.Fatalf("the migration read clusters %v, want prod-b alone", got)
	}
	seq := analysis.SequenceMoves(first.Estate, data.policy.Policy, desired)
	if seq.Verdict != analysis.Safe || len(seq.Waves) < 2 {
		t.Fatalf("sequencing: %s %s, %d waves; the test needs a safe order of several waves", seq.Verdict, seq.Reason, len(seq.Waves))
	}
	reads := 0
	run := r.runWaves(ctx, seq.Waves, func(ctx context.Context) (*vsphere.Topology, diagnostics) {
		reads++
		return data.freshScope(ctx, ix, sc)
	})
	if run.failure != "" {
		t.Fatal(run.failure)
	}
	after, d := data.freshScope(ctx, ix, sc)
	if d.HasError() {
		t.Fatal(d)
	}
	for vm, want := range desired {
		if v, _ := after.Estate.VM(vm); v.Host != want {
			t.Errorf("after the apply the fresh read has %s on %s, want %s", vm, v.Host, want)
		}
	}
	calls := callsSince(client.Calls(), before)
	moves := int64(len(desired))
	for _, w := range seq.Waves {
		for _, mv := range w {
			if mv.Parking {
				moves++
			}
		}
	}
	want := map[string]int64{
		"CreateContainerView": 1, "DestroyView": 1, // the index: no full read
		"RetrievePropertiesEx": 2 * moves, "RelocateVM_Task": moves,
		"CreatePropertyCollector": moves, "CreateFilter": moves, "DestroyPropertyFilter": moves, "DestroyPropertyCollector": moves,
		// the index, the first read, one per wave, the read after
		"RetrieveProperties": int64(1 + 1 + reads + 1),
	}
	delete(calls, "WaitForUpdatesEx") // as many as each task takes
	if !maps.Equal(calls, want) {
		t.Errorf("calls %v\nwant  %v", calls, want)
	}
	t.Logf("%d waves, %d moves (parking included)", len(seq.Waves), moves)
	if reads != len(seq.Waves) {
		t.Errorf("%d reads for %d waves", reads, len(seq.Waves))
	}
}

func callsSince(now, before map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range now {
		if n := v - before[k]; n != 0 {
			out[k] = n
		}
	}
	return out
}
