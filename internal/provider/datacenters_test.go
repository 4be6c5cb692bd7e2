package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// startTwoDatacenters runs the small estate in dc1 and again, every name
// repeated, in dc2.
func startTwoDatacenters(t *testing.T) (*lab.Lab, *lab.Datacenter, string) {
	l, provider := startLab(t, "small")
	small, err := lab.BuiltIn("small")
	if err != nil {
		t.Fatal(err)
	}
	dc2, err := l.AddDatacenter(context.Background(), "dc2", small)
	if err != nil {
		t.Fatal(err)
	}
	return l, dc2, provider
}

func TestAccTopologyTwoDatacentersRepeatedNames(t *testing.T) {
	_, dc2, provider := startTwoDatacenters(t)
	ds := "data.estate_topology.all"
	datastore := func(i int, name string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, tfjsonpath.New("datastores").AtSliceIndex(i).AtMapKey("name"), knownvalue.StringExact(name))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: provider + `data "estate_topology" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("datastores"), knownvalue.ListSizeExact(4)),
				datastore(0, "san-dev"),
				datastore(1, "san-dev ("+dc2.DatastoreRef("san-dev")+")"),
				datastore(2, "san-prod"),
				datastore(3, "san-prod ("+dc2.DatastoreRef("san-prod")+")"),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("datastores").AtSliceIndex(3).AtMapKey("hosts"), strings(
					"esx-01 ("+dc2.HostRef("esx-01")+")", "esx-02 ("+dc2.HostRef("esx-02")+")", "esx-03 ("+dc2.HostRef("esx-03")+")")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("clusters").AtSliceIndex(3).AtMapKey("name"),
					knownvalue.StringExact("prod ("+dc2.ClusterRef("prod")+")")),
			},
		}},
	})
}

// TestAccVMPlacementRepeatedName: dc2's web-01 is moved by its managed object
// id; dc1's web-01 stays.
func TestAccVMPlacementRepeatedName(t *testing.T) {
	l, dc2, provider := startTwoDatacenters(t)
	vm := "web-01 (" + dc2.VMRef("web-01") + ")"
	to := "esx-02 (" + dc2.HostRef("esx-02") + ")"
	res := "estate_vm_placement.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + placement(vm, to),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("cluster"), knownvalue.StringExact("prod ("+dc2.ClusterRef("prod")+")")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("host"), knownvalue.StringExact(to)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectLive(l, inventory.VMName(vm), inventory.HostName(to)),
					expectLive(l, "web-01", "esx-01"),
				),
			},
			{
				Config: provider + placement(vm, to),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}
