package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// `terraform query` (list blocks) arrived in Terraform 1.14; OpenTofu has none yet.
var queryVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

func listBlock(name, config string, limit int) string {
	return fmt.Sprintf(`
list "estate_vm_placement" %q {
  provider         = estate
  include_resource = true
  limit            = %d
  config {
    %s
  }
}
`, name, limit, config)
}

// expectDisplayNames asserts the exact results of one list block, in order, by display name.
type expectDisplayNames struct {
	address string
	want    []string
}

func (e expectDisplayNames) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var got []string
	for _, r := range req.Query {
		if r.Address == "list."+e.address {
			got = append(got, r.DisplayName)
		}
	}
	if !slices.Equal(got, e.want) {
		resp.Error = fmt.Errorf("%s listed\n  %q\nwant\n  %q", e.address, got, e.want)
	}
}

func vmIdentity(vm string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"vm": knownvalue.StringExact(vm)}
}

// The demo lab's dmz cluster runs the web shop (web-01..36) and the partner portal (portal-01..24),
// placed round-robin on esx-c01..c04 in that order: web-NN on esx-c0((NN-1)%4+1), portal-NN on
// esx-c0((NN+35)%4+1).
func TestAccVMPlacementList(t *testing.T) {
	_, provider := startLab(t, "demo")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   queryVersions,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Query: true,
			Config: provider +
				listBlock("dmz", `cluster = "dmz"`, 1000) +
				// Every filter at once: web shop VMs on esx-c01 whose name ends in 1, 5 or 9.
				listBlock("filtered", `cluster = "dmz"
    host = "esx-c01"
    tag = "system/web shop"
    name_pattern = "web-?[159]"`, 1000) +
				// prod-a has 130 VMs; the limit cuts the sorted list.
				listBlock("limited", `cluster = "prod-a"`, 3),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("estate_vm_placement.dmz", 60),
				querycheck.ExpectIdentity("estate_vm_placement.dmz", vmIdentity("portal-01")),
				querycheck.ExpectIdentity("estate_vm_placement.dmz", vmIdentity("web-36")),
				querycheck.ExpectResourceKnownValues("estate_vm_placement.dmz",
					queryfilter.ByResourceIdentity(vmIdentity("portal-24")), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("portal-24")},
						{Path: tfjsonpath.New("vm"), KnownValue: knownvalue.StringExact("portal-24")},
						{Path: tfjsonpath.New("host"), KnownValue: knownvalue.StringExact("esx-c04")},
						{Path: tfjsonpath.New("cluster"), KnownValue: knownvalue.StringExact("dmz")},
						// As an import reads the VM: it runs where it is pinned, and no DRS override is adopted.
						{Path: tfjsonpath.New("current_host"), KnownValue: knownvalue.StringExact("esx-c04")},
						{Path: tfjsonpath.New("pin"), KnownValue: knownvalue.StringExact("none")},
						{Path: tfjsonpath.New("vcpu"), KnownValue: knownvalue.Int64Exact(4)},
						{Path: tfjsonpath.New("memory_mb"), KnownValue: knownvalue.Int64Exact(16384)},
						{Path: tfjsonpath.New("power_state"), KnownValue: knownvalue.StringExact("on")},
					}),
				querycheck.ExpectResourceKnownValues("estate_vm_placement.dmz",
					queryfilter.ByResourceIdentity(vmIdentity("web-02")), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("web-02")},
						{Path: tfjsonpath.New("vm"), KnownValue: knownvalue.StringExact("web-02")},
						{Path: tfjsonpath.New("host"), KnownValue: knownvalue.StringExact("esx-c02")},
						{Path: tfjsonpath.New("cluster"), KnownValue: knownvalue.StringExact("dmz")},
					}),
				expectDisplayNames{"estate_vm_placement.filtered", []string{
					"web-01 on esx-c01 (dmz)", "web-05 on esx-c01 (dmz)", "web-09 on esx-c01 (dmz)",
					"web-21 on esx-c01 (dmz)", "web-25 on esx-c01 (dmz)", "web-29 on esx-c01 (dmz)",
				}},
				querycheck.ExpectIdentity("estate_vm_placement.filtered", vmIdentity("web-29")),
				expectDisplayNames{"estate_vm_placement.limited", []string{
					"dwh-01 on esx-a01 (prod-a)", "dwh-02 on esx-a02 (prod-a)", "dwh-03 on esx-a03 (prod-a)",
				}},
			},
		}},
	})
}

// A filter that names nothing the estate has fails the query with what exists, instead of
// listing nothing: a typo must not look like an empty cluster.
func TestAccVMPlacementListErrors(t *testing.T) {
	_, provider := startLab(t, "demo")
	step := func(config, want string) resource.TestStep {
		return resource.TestStep{Query: true, Config: provider + listBlock("bad", config, 100), ExpectError: wrapped(want)}
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   queryVersions,
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(`cluster = "dmz2"`, `unknown cluster "dmz2": known clusters are dmz, prod-a, prod-b`),
			step(`cluster = "dmz"
    host = "esx-a1"`, `unknown host "esx-a1": known hosts are esx-c01, esx-c02, esx-c03, esx-c04 in cluster "dmz"`),
			step(`cluster = "dmz"
    host = "esx-a01"`, `host "esx-a01" is in cluster "prod-a", not "dmz": the filters would select nothing`),
			step(`tag = "system/webshop"`, `no VM has tag "system/webshop" (tags are written category/tag): known VM tags are system/crm, system/data warehouse, system/file services, system/mail, system/order management, system/partner portal, system/payroll, system/production control … (9 in all)`),
			step(`name_pattern = "web-[0-9"`, `name_pattern "web-[0-9" is not a valid glob`),
		},
	})
}

// The placement's identity is its VM's name: set on create, and enough to import it.
func TestAccVMPlacementIdentity(t *testing.T) {
	_, provider := startLab(t, "small")
	res := "estate_vm_placement.this"
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + placement("web-01", "esx-02"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(res, vmIdentity("web-01")),
				},
			},
			{
				ResourceName: res, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config: provider + placement("web-01", "esx-02"),
			},
			{
				ResourceName: res, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "web-01",
				Config: provider + placement("web-01", "esx-02"),
			},
		},
	})
}
