package provider_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccTopology(t *testing.T) {
	l, provider := startLab(t, "small")
	config := provider + `data "estate_topology" "live" {}`
	host := func(i int) tfjsonpath.Path { return tfjsonpath.New("hosts").AtSliceIndex(i) }
	vm := func(i int) tfjsonpath.Path { return tfjsonpath.New("vms").AtSliceIndex(i) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.estate_topology.live", tfjsonpath.New("server"), knownvalue.StringExact(l.Server())),
					statecheck.ExpectKnownValue("data.estate_topology.live", tfjsonpath.New("clusters"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("dev"), "ha_enabled": knownvalue.Bool(true),
							"admission_control_policy": knownvalue.StringExact("percentage"), "host_failures": knownvalue.Int64Exact(0),
							"drs_enabled": knownvalue.Bool(false), "hosts": strings("esx-04", "esx-05"),
							"cpu_capacity_mhz": knownvalue.Int64Exact(32000), "memory_mb": knownvalue.Int64Exact(262144),
							"host_monitoring": knownvalue.StringExact("enabled"), "default_restart_priority": knownvalue.StringExact("medium"),
							"respect_vm_anti_affinity_rules": knownvalue.Bool(true), "vm_cpu_min_mhz": knownvalue.Int64Exact(32),
							"vm_memory_min_mb": knownvalue.Int64Exact(0), "drs_automation_level": knownvalue.StringExact("fully_automated"),
							"vm_groups": knownvalue.ListExact(nil), "host_groups": knownvalue.ListExact(nil), "rules": knownvalue.ListExact(nil),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("prod"), "ha_enabled": knownvalue.Bool(true),
							"admission_control_policy": knownvalue.StringExact("slot"), "host_failures": knownvalue.Int64Exact(1),
							"drs_enabled": knownvalue.Bool(true), "hosts": strings("esx-01", "esx-02", "esx-03"),
							"cpu_capacity_mhz": knownvalue.Int64Exact(38400 + 38400 + 62400), "memory_mb": knownvalue.Int64Exact(262144*2 + 524288),
							"host_monitoring": knownvalue.StringExact("enabled"), "default_restart_priority": knownvalue.StringExact("medium"),
							"respect_vm_anti_affinity_rules": knownvalue.Bool(true), "vm_cpu_min_mhz": knownvalue.Int64Exact(32),
							"vm_memory_min_mb": knownvalue.Int64Exact(0), "drs_automation_level": knownvalue.StringExact("fully_automated"),
							"vm_groups": knownvalue.ListExact(nil), "host_groups": knownvalue.ListExact(nil), "rules": knownvalue.ListExact(nil),
						}),
					})),
					// esx-01: web-01 on (2 vCPU, 4 GiB, reservations 500 MHz / 1024+64 MiB), batch-01 off.
					statecheck.ExpectKnownValue("data.estate_topology.live", host(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("esx-01"), "cluster": knownvalue.StringExact("prod"),
						"connection": knownvalue.StringExact("connected"), "maintenance": knownvalue.Bool(false),
						"cpu_cores": knownvalue.Int64Exact(16), "cpu_mhz_per_core": knownvalue.Int64Exact(2400),
						"cpu_capacity_mhz": knownvalue.Int64Exact(38400), "memory_mb": knownvalue.Int64Exact(262144),
						"cpu_committed_mhz": knownvalue.Int64Exact(4800), "memory_committed_mb": knownvalue.Int64Exact(4096),
						"cpu_reserved_mhz": knownvalue.Int64Exact(500), "memory_reserved_mb": knownvalue.Int64Exact(1088),
						"cpu_usage_mhz": knownvalue.Int64Exact(5200), "memory_usage_mb": knownvalue.Int64Exact(40960),
						"datastores": strings("san-prod"), "vms": strings("batch-01", "web-01"), "tags": strings("env/prod"),
					})),
					statecheck.ExpectKnownValue("data.estate_topology.live", host(2).AtMapKey("memory_committed_mb"), knownvalue.Int64Exact(65536)),
					statecheck.ExpectKnownValue("data.estate_topology.live", host(4).AtMapKey("maintenance"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.estate_topology.live", tfjsonpath.New("hosts"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue("data.estate_topology.live", vm(3), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("web-01"), "host": knownvalue.StringExact("esx-01"), "cluster": knownvalue.StringExact("prod"),
						"power": knownvalue.StringExact("on"), "vcpu": knownvalue.Int64Exact(2), "memory_mb": knownvalue.Int64Exact(4096),
						"cpu_reservation_mhz": knownvalue.Int64Exact(500), "memory_reservation_mb": knownvalue.Int64Exact(1024),
						"memory_overhead_mb": knownvalue.Int64Exact(64), "datastores": strings("san-prod"), "tags": strings("tier/web"),
						"ha_restart_priority": knownvalue.StringExact(""), "drs_automation": knownvalue.StringExact(""),
					})),
					statecheck.ExpectKnownValue("data.estate_topology.live", tfjsonpath.New("datastores").AtSliceIndex(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("san-prod"), "capacity_mb": knownvalue.Int64Exact(2097152), "free_mb": knownvalue.Int64Exact(1048576),
						"hosts": strings("esx-01", "esx-02", "esx-03"), "vms": strings("batch-01", "db-01", "web-01", "web-02"),
					})),
					statecheck.ExpectKnownValue("data.estate_topology.live", tfjsonpath.New("snapshot_json"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\{\n  "format": "estate.snapshot/v1",\n  "clusters": \[`))),
				},
			},
			{
				// DRS moves web-01 behind Terraform's back: the next read shows it.
				PreConfig: func() {
					if err := l.DRSMove(context.Background(), "web-01", "esx-02"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.estate_topology.live", vm(3).AtMapKey("host"), knownvalue.StringExact("esx-02")),
					statecheck.ExpectKnownValue("data.estate_topology.live", host(0).AtMapKey("vms"), strings("batch-01")),
					statecheck.ExpectKnownValue("data.estate_topology.live", host(1).AtMapKey("vms"), strings("web-01", "web-02")),
					statecheck.ExpectKnownValue("data.estate_topology.live", host(1).AtMapKey("memory_committed_mb"), knownvalue.Int64Exact(8192)),
				},
			},
		},
	})
}

func TestAccTopologyClusterFilter(t *testing.T) {
	_, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + `data "estate_topology" "dev" { cluster = "dev" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.estate_topology.dev", tfjsonpath.New("hosts").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("esx-04")),
					statecheck.ExpectKnownValue("data.estate_topology.dev", tfjsonpath.New("hosts"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.estate_topology.dev", tfjsonpath.New("vms"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("test-01"), "host": knownvalue.StringExact("esx-04")}),
					})),
				},
			},
			{
				Config:      provider + `data "estate_topology" "x" { cluster = "qa" }`,
				ExpectError: regexp.MustCompile(`unknown cluster "qa": known clusters are dev, prod`),
			},
		},
	})
}

func strings(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}
