package provider_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
)

// shopSystems are the small estate's business systems as literal objects of
// the inputs' type: "storefront" (critical, web-01 only) and "web shop".
const shopSystems = `
  business_systems = [
    { name = "storefront", criticality = "critical", vms = ["web-01"], hosts = [], min_hosts = 0 },
    { name = "web shop", criticality = "high", vms = ["web-01", "web-02", "db-01"], hosts = [], min_hosts = 0 },
  ]
`

func impact(body string) string {
	return "data \"estate_impact\" \"this\" {\n" + body + "\n}\n"
}

func system(name, criticality, state string, vms, hosts []string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name": knownvalue.StringExact(name), "criticality": knownvalue.StringExact(criticality), "state": knownvalue.StringExact(state),
		"hit_vms": strings(vms...), "hit_hosts": strings(hosts...),
	})
}

func expect(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.estate_impact.this", tfjsonpath.New(attr), check)
}

var (
	noObjects = knownvalue.ListExact([]knownvalue.Check{})
	noMap     = knownvalue.MapExact(map[string]knownvalue.Check{})
)

// Failing esx-01 in the small estate: web-01 goes down (batch-01 is off) and
// vSphere HA restarts it; "storefront" runs on web-01 only, so it is down
// until then, and "web shop" is degraded.
func TestAccImpactHostFailure(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: provider + impact(`  failed_hosts = ["esx-01"]`+shopSystems),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("verdict", knownvalue.StringExact("safe")),
				expect("reason", knownvalue.StringExact("failure of host esx-01: first-fit decreasing restarts all 1 VM(s) within capacity")),
				expect("affected_vms", strings("web-01")),
				expect("affected_business_systems", knownvalue.ListExact([]knownvalue.Check{
					system("storefront", "critical", "down", []string{"web-01"}, nil),
					system("web shop", "high", "degraded", []string{"web-01"}, nil),
				})),
				expect("restart_placement", knownvalue.MapExact(map[string]knownvalue.Check{"web-01": knownvalue.StringExact("esx-02")})),
				expect("stays_down", noObjects),
				expect("shortfalls", noObjects),
				expect("refusals", noObjects),
				expect("evacuation", knownvalue.Null()),
				expect("scenarios", noObjects),
				expect("safe", knownvalue.Int64Exact(1)),
				expect("unsafe", knownvalue.Int64Exact(0)),
				expect("unproven", knownvalue.Int64Exact(0)),
				expect("basis", knownvalue.StringExact("reservation")),
				expect("headroom_percent", knownvalue.Float64Exact(0)),
			},
		}},
	})
}

// vSphere restarts nothing in a cluster with HA disabled: failing esx-02
// leaves web-02 down, and the what-if says so with the reason.
func TestAccImpactHADisabled(t *testing.T) {
	l := labtest.StartWith(t, "small", func(e *inventory.Estate) {
		for i := range e.Clusters {
			if e.Clusters[i].Name == "prod" {
				e.Clusters[i].HA.Enabled = false
			}
		}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(l) + impact(`  failed_hosts = ["esx-02"]`+shopSystems),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("verdict", knownvalue.StringExact("unsafe")),
				expect("reason", knownvalue.StringExact(`failure of host esx-02: VM "web-02" stays down: vSphere HA is disabled in cluster "prod"`)),
				expect("affected_vms", strings("web-02")),
				expect("affected_business_systems", knownvalue.ListExact([]knownvalue.Check{
					system("web shop", "high", "degraded", []string{"web-02"}, nil),
				})),
				expect("stays_down", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"vm": knownvalue.StringExact("web-02"), "host": knownvalue.StringExact("esx-02"),
					"reason": knownvalue.StringExact(`vSphere HA is disabled in cluster "prod"`), "business_systems": strings("web shop"),
				})})),
				expect("restart_placement", noMap),
				expect("safe", knownvalue.Int64Exact(0)),
				expect("unsafe", knownvalue.Int64Exact(1)),
			},
		}},
	})
}

// Maintenance what-if: esx-02 is emptied onto the other prod hosts, then
// esx-01 fails with esx-02 in maintenance; in dev, esx-04 cannot be emptied
// because esx-05 is in maintenance already.
func TestAccImpactMaintenance(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + impact(`  maintenance_hosts = ["esx-02"]
  failed_hosts      = ["esx-01"]`+shopSystems),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("verdict", knownvalue.StringExact("safe")),
					expect("reason", knownvalue.StringExact("maintenance of host esx-02: all 1 powered-on VM(s) have a target; failure of host esx-01: first-fit decreasing restarts all 1 VM(s) within capacity")),
					expect("evacuation", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"hosts": strings("esx-02"), "verdict": knownvalue.StringExact("safe"),
						"reason":     knownvalue.StringExact("all 1 powered-on VM(s) have a target"),
						"moves":      knownvalue.MapExact(map[string]knownvalue.Check{"web-02": knownvalue.StringExact("esx-03")}),
						"shortfalls": noObjects, "refusals": noObjects,
					})),
					expect("affected_vms", strings("web-01")),
					expect("restart_placement", knownvalue.MapExact(map[string]knownvalue.Check{"web-01": knownvalue.StringExact("esx-03")})),
				},
			},
			{
				Config: provider + impact(`  maintenance_hosts = ["esx-04"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("verdict", knownvalue.StringExact("unsafe")),
					expect("evacuation", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"hosts": strings("esx-04"), "verdict": knownvalue.StringExact("unsafe"), "moves": noMap,
					})),
					expect("affected_vms", strings()),
					expect("safe", knownvalue.Int64Exact(0)),
				},
			},
		},
	})
}

// tolerate checks every failure of one host per cluster: the three of prod
// are safe, esx-04's is not (test-01 has nowhere to go).
func TestAccImpactTolerate(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: provider + impact(`  tolerate = 1`),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("verdict", knownvalue.StringExact("unsafe")),
				expect("reason", knownvalue.StringExact("failures of up to 1 host(s) per cluster: 3 safe, 1 unsafe, 0 unproven")),
				expect("scenarios", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"failed_hosts": strings("esx-04"), "verdict": knownvalue.StringExact("unsafe"),
					"reason":                    knownvalue.StringExact(`VM "test-01" has no eligible host: esx-04 fails in this scenario; esx-05 is in maintenance mode`),
					"affected_business_systems": noObjects,
				})})),
				expect("safe", knownvalue.Int64Exact(3)),
				expect("unsafe", knownvalue.Int64Exact(1)),
				expect("unproven", knownvalue.Int64Exact(0)),
				expect("affected_vms", strings()),
			},
		}},
	})
}

// Bad inputs fail with the attribute, the value and what is valid.
func TestAccImpactValidation(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + impact(`  failed_hosts = ["esx-01", "esx-09"]`),
				ExpectError: wrapped(`failed_hosts[1] is "esx-09", which the estate does not have: known hosts are esx-01, esx-02, esx-03, esx-04, esx-05.`),
			},
			{
				Config:      provider + impact(`  maintenance_hosts = ["nope"]`),
				ExpectError: wrapped(`maintenance_hosts[0] is "nope", which the estate does not have: known hosts are`),
			},
			{
				Config:      provider + impact(`  failed_datastores = ["san-x"]`),
				ExpectError: wrapped(`failed_datastores[0] is "san-x", which the estate does not have: known datastores are san-dev, san-prod.`),
			},
			{
				Config:      provider + impact(`  tolerate = 5`),
				ExpectError: wrapped(`Attribute tolerate value must be between 0 and 4, got: 5`),
			},
			{
				Config:      provider + impact(``),
				ExpectError: wrapped(`At least one of these attributes must be configured: [failed_hosts,failed_datastores,maintenance_hosts,tolerate]`),
			},
		},
	})
}

// The documented example runs as it is: its check warns (checks never fail a
// plan) while esx-01's failure takes the critical "storefront" down, and
// passes once DRS moved web-01 away from it.
func TestAccImpactCheckExample(t *testing.T) {
	l, provider := startLab(t, "small")
	example, err := os.ReadFile("../../examples/data-sources/estate_impact/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := provider + string(example)
	const check = "check.esx_01_failure"
	runbook := func(attr string, c knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.estate_impact.service_esx_02", tfjsonpath.New(attr), c)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				// Terraform reads a check block's data source again at every apply, so no plan is empty.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{checkStatus(check, tfjson.CheckStatusFail,
						"If esx-01 fails, these critical business systems go down: storefront.")},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					runbook("evacuation", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"verdict": knownvalue.StringExact("safe"),
						"moves":   knownvalue.MapExact(map[string]knownvalue.Check{"web-02": knownvalue.StringExact("esx-03")}),
					})),
					runbook("verdict", knownvalue.StringExact("safe")),
					// web-02 moved next to db-01 on esx-03: after esx-01 fails the shop runs on one host.
					runbook("affected_business_systems", knownvalue.ListExact([]knownvalue.Check{
						system("web shop", "high", "lost_redundancy", []string{"web-01"}, nil),
					})),
					statecheck.ExpectKnownOutputValue("esx_02_evacuation", knownvalue.MapExact(map[string]knownvalue.Check{"web-02": knownvalue.StringExact("esx-03")})),
				},
			},
			{
				// DRS moves web-01 to esx-02: esx-01 runs nothing critical any more, and the check passes.
				PreConfig: func() {
					if err := l.DRSMove(context.Background(), "web-01", "esx-02"); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{checkStatus(check, tfjson.CheckStatusPass, "")},
				},
			},
		},
	})
}

// checkStatus asserts the status of a check block in the plan and, when it
// fails, its message.
func checkStatus(address string, status tfjson.CheckStatus, message string) plancheck.PlanCheck {
	return planCheckFunc(func(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		for _, c := range req.Plan.Checks {
			if c.Address.ToDisplay != address {
				continue
			}
			if c.Status != status {
				resp.Error = fmt.Errorf("check %s is %s, want %s: %+v", address, c.Status, status, c.Instances)
				return
			}
			if message == "" {
				return
			}
			for _, in := range c.Instances {
				if slices.ContainsFunc(in.Problems, func(p tfjson.CheckResultProblem) bool { return p.Message == message }) {
					return
				}
			}
			resp.Error = fmt.Errorf("check %s has no problem %q: %+v", address, message, c.Instances)
			return
		}
		resp.Error = fmt.Errorf("the plan has no check %s", address)
	})
}

type planCheckFunc func(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse)

func (f planCheckFunc) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	f(ctx, req, resp)
}
