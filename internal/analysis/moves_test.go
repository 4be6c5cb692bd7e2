package analysis_test

import (
	"slices"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestCheckMove(t *testing.T) {
	s := newEstate("prod", inventory.AdmissionControl{Policy: inventory.PolicyFailoverHosts, HostFailures: 1, FailoverHosts: []inventory.HostName{"esx-04"}}).
		host("esx-01", "prod", 8, 8192).host("esx-02", "prod", 8, 16384).host("esx-03", "prod", 8, 8192).host("esx-04", "prod", 8, 8192).
		vm("web", "esx-01", 1000, 4096).vm("db", "esx-02", 1000, 6144).vm("big", "esx-02", 1000, 9216).
		with(func(e *inventory.Estate) {
			e.Hosts[2].Maintenance = true
			e.Hosts[2].Connection = inventory.NotResponding
		}).snap()
	p := analysis.DefaultPolicy()
	tests := []struct {
		name string
		vm   inventory.VMName
		host inventory.HostName
		want []analysis.Problem
	}{
		{"fine", "web", "esx-02", nil},
		{"staying put needs no room", "db", "esx-02", nil},
		{"unknown VM", "app", "esx-02", []analysis.Problem{{Field: "vm", Message: `unknown VM "app": known VMs are big, db, web`}}},
		{"unknown host", "web", "esx-7", []analysis.Problem{{Field: "host", Message: `unknown host "esx-7": known hosts are esx-01, esx-02, esx-03, esx-04 in cluster "prod"`}}},
		{"failed host in maintenance", "web", "esx-03", []analysis.Problem{
			{Field: "host", Message: `host "esx-03" is not_responding and in maintenance mode`}}},
		{"failover host", "web", "esx-04", []analysis.Problem{{Field: "host", Message: `host "esx-04" is a dedicated HA failover host of cluster "prod": vSphere keeps it empty`}}},
		// No room now, but room once web leaves: a warning (TestMoveRoomWarnings), not a problem.
		{"no room now", "db", "esx-01", nil},
		{"larger than the whole host", "big", "esx-01", []analysis.Problem{{Field: "host", Message: `host "esx-01" has no room for VM "big": memory requested 9216, used 4096 of 8192: more than the whole host holds, whatever else moves`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := analysis.CheckMove(s, p, tt.vm, tt.host); !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestMoveRoomWarnings(t *testing.T) {
	s := newEstate("prod", inventory.AdmissionControl{}).
		host("esx-01", "prod", 8, 8192).host("esx-02", "prod", 8, 16384).host("esx-03", "prod", 8, 16384).
		vm("web", "esx-01", 1000, 4096).vm("db", "esx-02", 1000, 6144).vm("big", "esx-03", 1000, 9216).snap()
	p := analysis.DefaultPolicy()
	for _, tt := range []struct {
		vm   inventory.VMName
		host inventory.HostName
		want []string
	}{
		{"db", "esx-01", []string{`host "esx-01" has no room for VM "db" now: memory requested 6144, used 4096 of 8192. The move fits only if other planned changes free 2048 first: the guard checks the planned changes together, and apply moves the VM once moves of this apply have freed the room`}},
		{"web", "esx-02", nil}, // fits now
		{"big", "esx-01", nil}, // CheckMove refuses it
		{"db", "esx-02", nil},  // stays
	} {
		if got := analysis.MoveRoomWarnings(s, p, tt.vm, tt.host); !slices.Equal(got, tt.want) {
			t.Errorf("%s to %s:\ngot  %q\nwant %q", tt.vm, tt.host, got, tt.want)
		}
	}
}
