package provider_test

import (
	"regexp"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// In the small estate the dev cluster has esx-04 and esx-05, which is in
// maintenance: if esx-04 fails, test-01 has nowhere to restart.
const devUnsafe = `failure of host esx-04 is unsafe: VM "test-01" has no eligible host: esx-04 fails in this scenario; esx-05 is in maintenance mode`

func guard(extra string) string {
	return placement("web-01", "esx-02") + `
resource "estate_guard" "this" {
  placements = { (estate_vm_placement.this.vm) = estate_vm_placement.this.host }
` + extra + `
}
`
}

func TestAccGuard(t *testing.T) {
	_, provider := startLab(t, "small")
	g := "estate_guard.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + guard(`  basis = "guess"`),
				ExpectError: wrapped(`Attribute basis value must be one of: ["reservation" "configured" "usage"], got: "guess"`),
			},
			{
				// The default policy fails the plan on the unsafe dev cluster, before anything moves.
				Config:      provider + guard(""),
				ExpectError: wrapped(devUnsafe),
			},
			{
				Config: provider + guard(`  fail_on = ["overloaded"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(g, tfjsonpath.New("safe"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(g, tfjsonpath.New("unsafe"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(g, tfjsonpath.New("unproven"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(g, tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(devUnsafe)})),
					statecheck.ExpectKnownValue(g, tfjsonpath.New("report_json"), knownvalue.StringRegexp(regexp.MustCompile(`^\{"format":"estate.analysis/v1",`))),
				},
			},
			{
				// Putting esx-02 into maintenance while it runs web-01 and web-02 fails the plan and says where they could go.
				Config: provider + guard(`  fail_on = ["maintenance"]
  maintenance_hosts = ["esx-02"]`),
				ExpectError: wrapped(`host esx-02 enters maintenance with powered-on VMs still on it (vCenter refuses): place them first, for example web-01 → esx-03, web-02 → esx-03`),
			},
		},
	})
}

// vSphere restarts nothing in a cluster with HA disabled (vSphere
// Availability): every host failure there leaves its VMs down, so the guard
// fails the plan with that reason.
func TestAccGuardHADisabled(t *testing.T) {
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
			Config:      providerBlock(l) + guard(`  fail_on = ["unsafe"]`),
			ExpectError: wrapped(`failure of host esx-02 is unsafe: VM "web-01" stays down: vSphere HA is disabled in cluster "prod"`),
		}},
	})
}

// The guard takes the business-system resources themselves: with web-02
// placed next to web-01, one host failure takes "web shop" down, and the
// default fail_on (every kind) fails the plan naming it.
func TestAccGuardBusinessSystemOnOneHost(t *testing.T) {
	_, provider := startLab(t, "small")
	config := func(host string) string {
		return provider + `
resource "estate_business_system" "shop" {
  name = "web shop"
  vms  = ["web-01", "web-02"]
}

resource "estate_guard" "this" {
  placements       = { "web-02" = "` + host + `" }
  business_systems = [estate_business_system.shop]
  clusters         = ["prod"]
}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      config("esx-01"),
				ExpectError: wrapped(`business system "web shop" runs all its 2 members on host esx-01: its failure takes the system down`),
			},
			{
				// Kept apart, and dev (unsafe on purpose here) out of scope: the guard passes.
				Config: config("esx-02"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("safe"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("unsafe"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// Inputs Terraform knows only at apply (here derived from a terraform_data
// id, which is random): the guard checks during apply, and a finding fails
// the apply.
func TestAccGuardUnknownInputsCheckedAtApply(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: provider + `
resource "terraform_data" "target" {
  input = "esx-02"
}

resource "estate_guard" "this" {
  placements = { "web-01" = replace(terraform_data.target.id, "/.*/", "esx-02") }
}
`,
			ExpectError: wrapped(devUnsafe),
		}},
	})
}

// tolerate_host_failures is bounded at validate time, with the bound named.
func TestAccGuardValidation(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + guard(`  tolerate_host_failures = 9`),
				ExpectError: wrapped(`Attribute tolerate_host_failures value must be between 0 and 4, got: 9`),
			},
			{
				Config:      provider + guard(`  headroom_percent = 100`),
				ExpectError: wrapped(`Attribute headroom_percent value must be at most 99.000000, got: 100.000000`),
			},
		},
	})
}

// A declared physical server that belongs to a business system takes part in
// the guard's analysis: alone, its failure leaves the system's database down;
// with a second server in its failover domain, that one takes over.
func TestAccGuardDeclaredServerInABusinessSystem(t *testing.T) {
	_, provider := startLab(t, "small")
	config := func(servers string) string {
		return provider + `
locals {
  servers = [` + servers + `]
}

resource "estate_host" "db" {
  count = length(local.servers)

  name             = local.servers[count.index]
  kind             = "physical"
  cpu_cores        = 32
  cpu_mhz_per_core = 3000
  memory_mb        = 524288
  failover_domain  = "erp-db"
}

resource "estate_business_system" "erp" {
  name       = "erp"
  vms        = ["db-01"]
  hosts      = ["db-phys-01"]
  depends_on = [estate_host.db]
}

resource "estate_guard" "this" {
  hosts            = estate_host.db
  business_systems = [estate_business_system.erp]
  clusters         = ["prod", "erp-db"]
  fail_on          = ["unsafe"]
}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      config(`"db-phys-01"`),
				ExpectError: wrapped(`failure of host db-phys-01 is unsafe: server "db-phys-01" of business system(s) erp fails and nothing takes over: no other available host of its cluster or standby group survives (business systems: erp lost_redundancy)`),
			},
			{
				Config: config(`"db-phys-01", "db-phys-02"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("unsafe"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("safe"), knownvalue.Int64Exact(5)),
				},
			},
		},
	})
}
