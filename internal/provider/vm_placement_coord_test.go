package provider_test

import (
	"fmt"
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
