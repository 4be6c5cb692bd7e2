package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccTopologyDemoRule: the demo's required rule db-not-on-blades, seeded
// into the lab's vCenter, reads back through estate_topology exactly.
func TestAccTopologyDemoRule(t *testing.T) {
	_, provider := startLab(t, "demo")
	ds := "data.estate_topology.prod_a"
	cluster := tfjsonpath.New("clusters").AtSliceIndex(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: provider + `data "estate_topology" "prod_a" { cluster = "prod-a" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, cluster.AtMapKey("name"), knownvalue.StringExact("prod-a")),
				statecheck.ExpectKnownValue(ds, cluster.AtMapKey("rules"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("db-not-on-blades"), "kind": knownvalue.StringExact("must_not_run_on"),
						"enabled": knownvalue.Bool(true), "vms": knownvalue.ListExact(nil),
						"vm_group": knownvalue.StringExact("dwh-databases"), "host_group": knownvalue.StringExact("blade-hosts"),
					}),
				})),
				statecheck.ExpectKnownValue(ds, cluster.AtMapKey("vm_groups"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("dwh-databases"), "vms": strings("dwh-01", "dwh-02", "dwh-03", "dwh-04"),
					}),
				})),
				statecheck.ExpectKnownValue(ds, cluster.AtMapKey("host_groups"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("blade-hosts"), "hosts": strings("esx-a05", "esx-a06"),
					}),
				})),
				statecheck.ExpectKnownValue(ds, cluster.AtMapKey("drs_automation_level"), knownvalue.StringExact("fully_automated")),
				statecheck.ExpectKnownValue(ds, cluster.AtMapKey("host_monitoring"), knownvalue.StringExact("enabled")),
			},
		}},
	})
}
