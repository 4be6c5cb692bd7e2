package provider_test

import (
	"fmt"
	"maps"
	"slices"
	stdstrings "strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

// fullHosts is the small estate with hosts of 65,536 MiB and the given VMs
// (memory reservation = memory, no overhead) added; web-01 and web-02 reserve
// nothing and db-01 is off, so the added VMs alone make the numbers.
func fullHosts(t *testing.T, hosts []inventory.HostName, vms map[inventory.VMName][2]any) *lab.Lab {
	return labtest.StartWith(t, "small", func(e *inventory.Estate) {
		for i := range e.Hosts {
			for _, h := range hosts {
				if e.Hosts[i].Name == h {
					e.Hosts[i].MemoryMB = 65536
				}
			}
		}
		for i := range e.VMs {
			switch e.VMs[i].Name {
			case "web-01", "web-02":
				e.VMs[i].CPUReservationMHz, e.VMs[i].MemoryReservationMB, e.VMs[i].MemoryOverheadMB = 0, 0, 0
			case "db-01":
				e.VMs[i].Power = inventory.PoweredOff
			}
		}
		for name, spec := range vms {
			mem := int64(spec[1].(int))
			e.VMs = append(e.VMs, inventory.VM{Name: name, Host: spec[0].(inventory.HostName), Power: inventory.PoweredOn,
				VCPU: 2, MemoryMB: mem, MemoryReservationMB: mem, Datastores: []inventory.DatastoreName{"san-prod"}})
		}
	})
}

func placements(moves ...[2]string) string {
	var b stdstrings.Builder
	for _, m := range moves {
		fmt.Fprintf(&b, "\nresource \"estate_vm_placement\" %q {\n  vm   = %q\n  host = %q\n}\n", m[0], m[0], m[1])
	}
	return b.String()
}

// A swap of two VMs between two nearly full hosts, as two placements: each is
// refused alone today (swap-a does not fit on esx-02 while swap-b is there:
// 49,152 + 32,768 = 81,920 MiB of 65,536), both fit before and after. The
// plan warns, the apply moves swap-b first and swap-a once swap-b has left,
// and at no moment does a host commit more than its 65,536 MiB — vMotions take
// 300 ms in the lab, so moves run at once would overlap (and the lab, as
// vCenter, would refuse swap-a).
func TestAccVMPlacementSwapOnFullHosts(t *testing.T) {
	l := fullHosts(t, []inventory.HostName{"esx-01", "esx-02"}, map[inventory.VMName][2]any{
		"swap-a": {inventory.HostName("esx-01"), 32768}, "fill-1": {inventory.HostName("esx-01"), 16384},
		"swap-b": {inventory.HostName("esx-02"), 16384}, "fill-2": {inventory.HostName("esx-02"), 32768},
	})
	l.SetVMotionDuration(300 * time.Millisecond)
	config := providerBlock(l) + placements([2]string{"swap-a", "esx-02"}, [2]string{"swap-b", "esx-01"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			PreConfig: l.ResetPeaks,
			Config:    config,
			Check: resource.ComposeAggregateTestCheckFunc(
				expectLive(l, "swap-a", "esx-02"), expectLive(l, "swap-b", "esx-01"),
				expectPeaks(l, map[inventory.HostName]lab.HostPeak{
					"esx-01": {Committed: lab.Resources{MemoryMB: 65536}, Capacity: lab.Resources{CPUMHz: 38400, MemoryMB: 65536}, VMotions: 1},
					"esx-02": {Committed: lab.Resources{MemoryMB: 65536}, Capacity: lab.Resources{CPUMHz: 38400, MemoryMB: 65536}, VMotions: 1},
				}),
			),
		}},
	})
}

func expectPeaks(l *lab.Lab, want map[inventory.HostName]lab.HostPeak) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := l.Peaks()
		for h, w := range want {
			if got[h] != w {
				return fmt.Errorf("peak of %s during the apply = %+v, want %+v", h, got[h], w)
			}
		}
		return nil
	}
}

// Three full hosts, each VM to the next host: no order of these moves alone
// can run, and the apply says so at once, naming the VMs, instead of waiting
// for the timeout.
func TestAccVMPlacementCycleOnFullHosts(t *testing.T) {
	l := fullHosts(t, []inventory.HostName{"esx-01", "esx-02", "esx-03"}, map[inventory.VMName][2]any{
		"cyc-a": {inventory.HostName("esx-01"), 32768}, "fill-1": {inventory.HostName("esx-01"), 32768},
		"cyc-b": {inventory.HostName("esx-02"), 32768}, "fill-2": {inventory.HostName("esx-02"), 32768},
		"cyc-c": {inventory.HostName("esx-03"), 32768}, "fill-3": {inventory.HostName("esx-03"), 32768},
	})
	config := providerBlock(l) + placements([2]string{"cyc-a", "esx-02"}, [2]string{"cyc-b", "esx-03"}, [2]string{"cyc-c", "esx-01"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			PreConfig: l.ResetPeaks,
			Config:    config,
			ExpectError: wrapped(`the moves of VMs "cyc-a", "cyc-b", "cyc-c" wait for each other in a cycle: ` +
				`VM "cyc-a" to host "esx-02" waits for VM "cyc-b" to leave it; VM "cyc-b" to host "esx-03" waits for VM "cyc-c" to leave it; VM "cyc-c" to host "esx-01" waits for VM "cyc-a" to leave it. ` +
				`Each host is too full to admit its VM's reservations while the VM leaving it is still there, and vCenter holds a moving VM's reservations on both hosts, so no order of these moves alone can run. ` +
				`Apply them as one estate_migration resource, which plans the moves in waves through hosts with free room, or free room on one of the hosts first`),
			Check: resource.ComposeAggregateTestCheckFunc(
				expectLive(l, "cyc-a", "esx-01"), expectLive(l, "cyc-b", "esx-02"), expectLive(l, "cyc-c", "esx-03")),
		}},
	})
	for h, p := range l.Peaks() {
		if p.VMotions != 0 {
			t.Errorf("host %s took part in %d vMotions, want none", h, p.VMotions)
		}
	}
}

// The rebalance of TestAccMigrationRebalance (41 moves) as 41 separate
// placements. Separate resources cannot park a VM, so the moves among the
// full hosts rb-07..rb-09 (a 3-cycle and 3 swaps, no room on any of them)
// fail as cycles, naming the set resource, and moves among rb-01..rb-05 may
// too, depending on the order Terraform starts them in (in every run so far
// all 32 others ran). Whatever that order: vCenter (the lab) refuses no
// vMotion for want of room — moves started as Terraform schedules them would
// be — no host takes part in more than 4 vMotions at once, and the state holds
// exactly the moves that ran.
func TestAccVMPlacementRebalanceAsSeparatePlacements(t *testing.T) {
	l := labtest.StartWith(t, "small", rbEstate(rebalanceHosts))
	l.SetVMotionDuration(20 * time.Millisecond) // vMotions overlap
	var moves [][2]string
	for _, vm := range slices.Sorted(maps.Keys(rebalance)) {
		moves = append(moves, [2]string{vm, rebalance[vm]})
	}
	initial := initialLayout(rebalanceHosts)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				PreConfig:   l.ResetPeaks,
				Config:      providerBlock(l) + placements(moves...),
				ExpectError: wrapped(`wait for each other in a cycle`),
				Check:       expectPeaksWithin(l, 4, ""),
			},
			{
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(expectPeaksWithin(l, 4, ""), placementsTruthful(l, initial)),
			},
		},
	})
}

// placementsTruthful checks the placements in state against vCenter: a VM
// that moved has its placement in state, on the host it runs on; a placement
// in state names the host its VM runs on; the VMs of rb-07..rb-09 never moved.
func placementsTruthful(l *lab.Lab, initial map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		live, err := liveLayout(l)
		if err != nil {
			return err
		}
		moved := 0
		for _, vm := range slices.Sorted(maps.Keys(rebalance)) {
			rs, inState := s.RootModule().Resources["estate_vm_placement."+vm]
			switch {
			case stdstrings.HasPrefix(vm, "db-") && live[vm] != initial[vm]:
				return fmt.Errorf("%s moved to %s, but no host of rb-07..rb-09 ever had room", vm, live[vm])
			case live[vm] != initial[vm] && !inState:
				return fmt.Errorf("%s moved to %s, and its placement is not in state", vm, live[vm])
			case inState && rs.Primary.Attributes["host"] != live[vm]:
				return fmt.Errorf("state: placement of %s on %s, vCenter runs it on %s", vm, rs.Primary.Attributes["host"], live[vm])
			}
			if live[vm] != initial[vm] {
				moved++
			}
		}
		if moved == 0 {
			return fmt.Errorf("no move ran")
		}
		return nil
	}
}
