package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

func providerWithPolicy(l *lab.Lab, policy string) string {
	return fmt.Sprintf(`
provider "estate" {
  server   = %q
  user     = %q
  password = %q
  ca_file  = %q
  policy {
%s
  }
}
`, l.Server(), l.User, l.Password, l.CAFile, policy)
}

// The provider's policy block is what every per-resource check uses, and the guard's default.
func TestAccProviderPolicy(t *testing.T) {
	l, _ := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      providerWithPolicy(l, `    headroom_percent = 100`) + esxiHost("esx-02", ""),
				ExpectError: wrapped(`policy.headroom_percent = 100: must be at least 0 and less than 100`),
			},
			{
				Config:      providerWithPolicy(l, `    cpu_overcommit = 0`) + esxiHost("esx-02", ""),
				ExpectError: wrapped(`policy.cpu_overcommit = 0: must be greater than 0 and at most 1000 (1 means none)`),
			},
			{
				Config:      providerWithPolicy(l, `    memory_overcommit = 1001`) + esxiHost("esx-02", ""),
				ExpectError: wrapped(`policy.memory_overcommit = 1001: must be greater than 0 and at most 1000 (1 means none)`),
			},
			{
				Config:      providerWithPolicy(l, `    warn_above_percent = 0`) + esxiHost("esx-02", ""),
				ExpectError: wrapped(`policy.warn_above_percent = 0: must be greater than 0 and at most 100`),
			},
			{
				Config:      providerWithPolicy(l, `    basis = "peak"`) + esxiHost("esx-02", ""),
				ExpectError: wrapped(`Attribute policy.basis value must be one of: ["reservation" "configured" "usage"], got: "peak"`),
			},
			{
				// basis = configured: db-01 demands 8 vCPU × 2600 MHz and 65536 + 512 MiB; the guard takes the basis and headroom as its defaults.
				Config: providerWithPolicy(l, `    basis = "configured"
    headroom_percent = 10`) + esxiHost("esx-03", "") + guard(`  fail_on = ["overloaded"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cpu_committed_mhz"), knownvalue.Int64Exact(20800)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("memory_committed_mb"), knownvalue.Int64Exact(66048)),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("basis"), knownvalue.StringExact("configured")),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("headroom_percent"), knownvalue.Float64Exact(10)),
				},
			},
			{
				// The guard's own attributes override the provider's policy.
				Config: providerWithPolicy(l, `    basis = "configured"`) + esxiHost("esx-03", "") + guard(`  fail_on = ["overloaded"]
  basis = "reservation"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("basis"), knownvalue.StringExact("reservation")),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("headroom_percent"), knownvalue.Float64Exact(0)),
				},
			},
		},
	})
}

// The placement's room check uses the provider's policy: web-01 fits on
// esx-02 under the default policy (TestAccVMPlacement) but not with 99.9 % headroom.
func TestAccProviderPolicyPlacement(t *testing.T) {
	l, _ := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      providerWithPolicy(l, `    headroom_percent = 99.9`) + placement("web-01", "esx-02"),
			ExpectError: wrapped(`host "esx-02" has no room for VM "web-01": cpu requested 500, used 500 of 38`),
		}, {
			Config:      providerWithPolicy(l, `    headroom_percent = 99.9`) + placement("web-01", "esx-02"),
			ExpectError: wrapped(`host "esx-02" has no room for VM "web-01": memory requested 1088, used 1088 of 262`),
		}},
	})
}
