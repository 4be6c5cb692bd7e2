package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Resource identity arrived in Terraform 1.12; OpenTofu 1.10 has none.
var identityVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

func nameIdentity(name string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"name": knownvalue.StringExact(name)}
}

// An ESXi host's identity is its name: set on create, and enough to import it (import block with
// identity, and with the name as ID).
func TestAccHostIdentity(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   identityVersions,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:            provider + esxiHost("esx-03", ""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(hostRes, nameIdentity("esx-03"))},
			},
			{
				ResourceName: hostRes, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config: provider + esxiHost("esx-03", ""),
			},
			{
				ResourceName: hostRes, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "esx-03",
				Config: provider + esxiHost("esx-03", ""),
			},
		},
	})
}

// A business system's identity is its name (the name of its vSphere tag).
func TestAccBusinessSystemIdentity(t *testing.T) {
	_, provider := startLab(t, "small")
	res := "estate_business_system.shop"
	// criticality and min_hosts are not kept in vCenter: an import starts them at their defaults
	// (medium, 0), so this configuration leaves them there and the import plans no change.
	config := provider + `
resource "estate_business_system" "shop" {
  name  = "web shop"
  vms   = ["web-01", "web-02"]
  hosts = ["esx-03"]
}
`
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   identityVersions,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(res, nameIdentity("web shop"))},
			},
			{
				ResourceName: res, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config: config,
			},
		},
	})
}

// The demo lab's dmz cluster has four hosts, esx-c01..c04 (16 cores of 2,200 MHz, 256 GiB), 15 VMs
// each; prod-a's 130 VMs are spread round-robin over six, so its blades esx-a05 and esx-a06 run 21.
func TestAccHostList(t *testing.T) {
	_, provider := startLab(t, "demo")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   queryVersions,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Query: true,
				Config: provider + `
list "estate_host" "dmz" {
  provider         = estate
  include_resource = true
  config {
    cluster = "dmz"
  }
}

list "estate_host" "blades" {
  provider = estate
  config {
    name_pattern = "esx-a0[56]"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectDisplayNames{"estate_host.dmz", []string{
						"esx-c01 (dmz, 15 VMs)", "esx-c02 (dmz, 15 VMs)", "esx-c03 (dmz, 15 VMs)", "esx-c04 (dmz, 15 VMs)",
					}},
					querycheck.ExpectIdentity("estate_host.dmz", nameIdentity("esx-c01")),
					querycheck.ExpectIdentity("estate_host.dmz", nameIdentity("esx-c04")),
					querycheck.ExpectResourceKnownValues("estate_host.dmz", queryfilter.ByResourceIdentity(nameIdentity("esx-c03")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("esx-c03")},
							{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("esx-c03")},
							{Path: tfjsonpath.New("kind"), KnownValue: knownvalue.StringExact("esxi")},
							{Path: tfjsonpath.New("cluster"), KnownValue: knownvalue.StringExact("dmz")},
							{Path: tfjsonpath.New("connection_state"), KnownValue: knownvalue.StringExact("connected")},
							{Path: tfjsonpath.New("cpu_capacity_mhz"), KnownValue: knownvalue.Int64Exact(35200)},
							{Path: tfjsonpath.New("memory_capacity_mb"), KnownValue: knownvalue.Int64Exact(262144)},
							// Left out of the generated configuration: vCenter reports them, and an unset
							// maintenance leaves the host as it is.
							{Path: tfjsonpath.New("cpu_cores"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("memory_mb"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("maintenance"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("vms"), KnownValue: knownvalue.ListSizeExact(15)},
						}),
					expectDisplayNames{"estate_host.blades", []string{"esx-a05 (prod-a, 21 VMs)", "esx-a06 (prod-a, 21 VMs)"}},
				},
			},
			{
				Query: true,
				Config: provider + `
list "estate_host" "bad" {
  provider = estate
  config {
    cluster = "dmz2"
  }
}
`,
				ExpectError: wrapped(`unknown cluster "dmz2": known clusters are dmz, prod-a, prod-b`),
			},
		},
	})
}
