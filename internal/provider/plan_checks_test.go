package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// liveSmall is the small estate as vCenter shows it: no declared servers, no business systems.
func liveSmall(t *testing.T) *inventory.Snapshot {
	t.Helper()
	snap, err := lab.BuiltIn("small")
	if err != nil {
		t.Fatal(err)
	}
	e := snap.Estate()
	e.BusinessSystems = nil
	e.Hosts = slicesDelete(e.Hosts, func(h inventory.Host) bool { return h.Kind != inventory.KindESXi })
	return inventory.MustNew(e)
}

func slicesDelete[T any](s []T, del func(T) bool) []T {
	var out []T
	for _, x := range s {
		if !del(x) {
			out = append(out, x)
		}
	}
	return out
}

func details(d diag.Diagnostics) []string {
	var out []string
	for _, x := range d {
		out = append(out, x.Severity().String()+": "+x.Detail())
	}
	return out
}

func expectDiags(t *testing.T, got diag.Diagnostics, want ...string) {
	t.Helper()
	g := details(got)
	if len(g) != len(want) {
		t.Fatalf("diagnostics = %q\nwant %q", g, want)
	}
	for i := range want {
		if g[i] != want[i] {
			t.Errorf("diagnostic %d = %q\nwant           %q", i, g[i], want[i])
		}
	}
}

// The warnings of estate_business_system's plan, which the terraform CLI
// tests cannot assert, with their exact text.
func TestCheckBusinessSystemWarnings(t *testing.T) {
	live := liveSmall(t)
	check, d := checkBusinessSystem(live, inventory.BusinessSystem{Name: "shop", VMs: []inventory.VMName{"web-01", "web-09"}, Hosts: []inventory.HostName{"db-phys-01"}}, false)
	expectDiags(t, d,
		`Warning: Business system "shop": vCenter has no VM "web-09" now, so it is left out of the spread check and cannot be tagged: apply fails unless it exists by then. If it was deleted, remove it from vms.`,
		`Warning: Business system "shop": vCenter has no host "db-phys-01": declare it with an estate_host resource. It is counted as running in the spread check and carries no vSphere tag.`)
	if got := check.HostsInUse; len(got) != 2 || got[0] != "db-phys-01" || got[1] != "esx-01" {
		t.Errorf("hosts in use = %v", got)
	}

	check, d = checkBusinessSystem(live, inventory.BusinessSystem{Name: "shop", VMs: []inventory.VMName{"web-01"}}, true)
	expectDiags(t, d,
		`Error: anti_affinity = true needs at least 2 VMs for a DRS anti-affinity rule; business system "shop" has 1.`,
		`Warning: Every running member of business system "shop" is on host esx-01: its failure takes the system fully down.`)
	if len(check.SPOF) != 1 || check.SPOF[0] != "esx-01" || check.Cluster != "prod" {
		t.Errorf("check = %+v", check)
	}
}

// The warnings of estate_standby_group's plan, with their exact text.
func TestCheckStandbyGroupWarnings(t *testing.T) {
	live := liveSmall(t)
	check, d := checkStandbyGroup(live, inventory.StandbyGroup{Name: "blades", Active: []inventory.HostName{"blade-01", "blade-02"},
		Standby: []inventory.HostName{"blade-sb"}, Tolerate: 1, Takeover: inventory.TakeoverWholeHost}, StandbyModeRecord)
	expectDiags(t, d,
		`Warning: Standby group "blades": vCenter has no host blade-01, blade-02, blade-sb: declare it with an estate_host resource. Its capacity is not known here, so the takeover is not checked at plan; estate_guard checks it with the declared hosts.`)
	if check.Worst != nil {
		t.Errorf("worst case of undeclared hosts = %+v", check.Worst)
	}

	check, d = checkStandbyGroup(live, inventory.StandbyGroup{Name: "prod", Active: []inventory.HostName{"esx-01"},
		Standby: []inventory.HostName{"esx-03"}, Tolerate: 1, Takeover: inventory.TakeoverWholeHost}, StandbyModeRecord)
	expectDiags(t, d,
		`Warning: Standby host esx-03 of standby group "prod" runs 1 powered-on VM(s) of its own (db-01): a whole_host takeover cannot use it, a consolidated one only with the room left.`,
		`Error: Standby group "prod" cannot absorb the failure of esx-01: no assignment gives each of the 1 failed host(s) its own available standby at least as large in CPU and memory (0 standby host(s) available; not idle, so no whole-host standby: esx-03 runs 1 powered-on VM(s)). They hand over 38400 MHz CPU and 262144 MiB memory; the available standby hosts offer 0 MHz and 0 MiB (headroom -38400 MHz, -262144 MiB).`)
	if check.Worst == nil || check.Cluster != "" {
		t.Errorf("check = %+v", check)
	}
}
