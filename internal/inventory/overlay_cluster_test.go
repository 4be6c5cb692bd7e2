package inventory_test

import (
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

func TestPutClusterGivesDeclaredServersADomain(t *testing.T) {
	live := inventory.MustNew(inventory.Estate{Clusters: []inventory.Cluster{{Name: "prod"}}})
	planned, err := live.With(
		inventory.PutCluster{Cluster: inventory.Cluster{Name: "db-domain", HA: inventory.HAConfig{Enabled: true}}},
		inventory.PutHost{Host: inventory.Host{Name: "db-1", Cluster: "db-domain", Kind: inventory.KindPhysical, Connection: inventory.Connected}},
		inventory.PutHost{Host: inventory.Host{Name: "db-2", Cluster: "db-domain", Kind: inventory.KindPhysical, Connection: inventory.Connected}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := planned.HostNames(planned.HostsIn("db-domain")...); len(got) != 2 || got[0] != "db-1" || got[1] != "db-2" {
		t.Fatalf("hosts in db-domain = %v, want [db-1 db-2]", got)
	}
	if c, _ := planned.Cluster("db-domain"); !c.HA.Enabled {
		t.Fatalf("db-domain HA = %+v, want enabled", c.HA)
	}
	if len(live.Clusters()) != 1 {
		t.Fatalf("the live estate changed: %v", live.Clusters())
	}
	replaced, err := planned.With(inventory.PutCluster{Cluster: inventory.Cluster{Name: "db-domain"}})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := replaced.Cluster("db-domain"); c.HA.Enabled || len(replaced.Clusters()) != 2 {
		t.Fatalf("PutCluster did not replace db-domain: %+v", replaced.Clusters())
	}
}
