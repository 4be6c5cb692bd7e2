package provider_test

import (
	"fmt"
	"maps"
	"slices"
	stdstrings "strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The estates of the estate_migration tests: one cluster "rb" of hosts with
// 64 GiB (8 slots) or more, and VMs that each reserve 8000 MiB (7936 + 64 of
// overhead), so a host with 8 of them is full (1536 MiB free).

const (
	slotMB    = 8000
	reserveMB = slotMB - 64
)

type rbHost struct {
	name  inventory.HostName
	slots int64 // capacity in VMs of 8000 MiB: memory = slots × 8000 + 1536
	vms   []inventory.VMName
	extra []inventory.VM // VMs of other sizes
}

// rbEstate replaces the lab's estate with the cluster "rb".
func rbEstate(hosts []rbHost) func(e *inventory.Estate) {
	return func(e *inventory.Estate) {
		ds := inventory.DatastoreName("san-rb")
		*e = inventory.Estate{
			Clusters: []inventory.Cluster{{Name: "rb", HA: inventory.HAConfig{Enabled: true,
				AdmissionControl: inventory.AdmissionControl{Policy: inventory.PolicyDisabled}}}},
			Datastores: []inventory.Datastore{{Name: ds, CapacityMB: 4 << 20, FreeMB: 2 << 20}},
		}
		for _, h := range hosts {
			e.Hosts = append(e.Hosts, inventory.Host{Name: h.name, Cluster: "rb", Kind: inventory.KindESXi,
				CPUCores: 16, CPUMHzPerCore: 2000, MemoryMB: h.slots*slotMB + 1536,
				Connection: inventory.Connected, Datastores: []inventory.DatastoreName{ds}})
			for _, vm := range h.vms {
				e.VMs = append(e.VMs, inventory.VM{Name: vm, Host: h.name, Power: inventory.PoweredOn, VCPU: 2,
					MemoryMB: 8192, MemoryReservationMB: reserveMB, MemoryOverheadMB: 64, Datastores: []inventory.DatastoreName{ds}})
			}
			for _, vm := range h.extra {
				vm.Host, vm.Datastores = h.name, []inventory.DatastoreName{ds}
				e.VMs = append(e.VMs, vm)
			}
		}
	}
}

func vmNames(prefix string, from, to int) []inventory.VMName {
	var out []inventory.VMName
	for i := from; i <= to; i++ {
		out = append(out, inventory.VMName(fmt.Sprintf("%s-%02d", prefix, i)))
	}
	return out
}

// The rebalance: rb-01..rb-05 full with app-01..app-40 (8 each), rb-06 a
// new host with 20 slots, rb-07..rb-09 full with db-01..db-24.
var rebalanceHosts = []rbHost{
	{name: "rb-01", slots: 8, vms: vmNames("app", 1, 8)},
	{name: "rb-02", slots: 8, vms: vmNames("app", 9, 16)},
	{name: "rb-03", slots: 8, vms: vmNames("app", 17, 24)},
	{name: "rb-04", slots: 8, vms: vmNames("app", 25, 32)},
	{name: "rb-05", slots: 8, vms: vmNames("app", 33, 40)},
	{name: "rb-06", slots: 20},
	{name: "rb-07", slots: 8, vms: vmNames("db", 1, 8)},
	{name: "rb-08", slots: 8, vms: vmNames("db", 9, 16)},
	{name: "rb-09", slots: 8, vms: vmNames("db", 17, 24)},
}

// rebalance is the layout to reach, 41 moves:
//   - 15 onto the new host rb-06 (3 from each of rb-01..rb-05), which lets the rest fit;
//   - 7 swaps between full hosts: app-03↔app-11, app-04↔app-12 (rb-01↔rb-02),
//     app-19↔app-27, app-20↔app-28 (rb-03↔rb-04), app-05↔app-35 (rb-01↔rb-05),
//     app-21↔app-36 (rb-03↔rb-05), app-29↔app-37 (rb-04↔rb-05);
//   - a 3-cycle rb-01 → rb-02 → rb-03 → rb-01: app-06, app-13, app-22;
//   - on the full hosts rb-07..rb-09, which nothing drains, a 3-cycle
//     (db-01 → rb-08, db-09 → rb-09, db-17 → rb-07) and 3 swaps
//     (db-02↔db-10, db-03↔db-18, db-11↔db-19): only parking a VM untangles them.
var rebalance = map[string]string{
	"app-01": "rb-06", "app-02": "rb-06", "app-07": "rb-06",
	"app-09": "rb-06", "app-10": "rb-06", "app-14": "rb-06",
	"app-17": "rb-06", "app-18": "rb-06", "app-23": "rb-06",
	"app-25": "rb-06", "app-26": "rb-06", "app-30": "rb-06",
	"app-33": "rb-06", "app-34": "rb-06", "app-38": "rb-06",

	"app-03": "rb-02", "app-11": "rb-01", "app-04": "rb-02", "app-12": "rb-01",
	"app-19": "rb-04", "app-27": "rb-03", "app-20": "rb-04", "app-28": "rb-03",
	"app-05": "rb-05", "app-35": "rb-01", "app-21": "rb-05", "app-36": "rb-03",
	"app-29": "rb-05", "app-37": "rb-04",

	"app-06": "rb-02", "app-13": "rb-03", "app-22": "rb-01",

	"db-01": "rb-08", "db-09": "rb-09", "db-17": "rb-07",
	"db-02": "rb-08", "db-10": "rb-07", "db-03": "rb-09", "db-18": "rb-07", "db-11": "rb-09", "db-19": "rb-08",
}

// hcl renders a map of strings as an HCL object.
func hcl(m map[string]string) string {
	var b stdstrings.Builder
	b.WriteString("{\n")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "    %q = %q\n", k, m[k])
	}
	b.WriteString("  }")
	return b.String()
}

func migration(name string, placements map[string]string, extra string) string {
	return fmt.Sprintf(`
resource "estate_migration" "this" {
  name       = %q
  placements = %s
%s
}
`, name, hcl(placements), extra)
}
