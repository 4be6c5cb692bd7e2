package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

const hostRes = "estate_host.this"

func esxiHost(name, extra string) string {
	return fmt.Sprintf(`
resource "estate_host" "this" {
  name = %q
%s
}
`, name, extra)
}

// liveMaintenance reads whether the lab has a host in maintenance mode, through its own session.
func liveMaintenance(l *lab.Lab, host inventory.HostName) (bool, error) {
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		return false, err
	}
	defer func() { _ = c.Close(context.Background()) }()
	t, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		return false, err
	}
	h, ok := t.Estate.Host(host)
	if !ok {
		return false, fmt.Errorf("vCenter has no host %s", host)
	}
	return h.Maintenance, nil
}

func expectMaintenance(l *lab.Lab, host inventory.HostName, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := liveMaintenance(l, host)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("vCenter has host %s in maintenance = %t, want %t", host, got, want)
		}
		return nil
	}
}

func strList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

func strMap(kv map[string]string) knownvalue.Check {
	checks := map[string]knownvalue.Check{}
	for k, v := range kv {
		checks[k] = knownvalue.StringExact(v)
	}
	return knownvalue.MapExact(checks)
}

// Adopting esx-02 reads it from vCenter; maintenance = true moves web-02
// exactly where the plan said, then enters maintenance mode; false exits it;
// maintenance entered by hand shows in the next plan; import by name.
func TestAccHostMaintenance(t *testing.T) {
	l, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + esxiHost("esx-02", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("id"), knownvalue.StringExact("esx-02")),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("kind"), knownvalue.StringExact("esxi")),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cluster"), knownvalue.StringExact("prod")),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("connection_state"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("maintenance"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cpu_cores"), knownvalue.Int64Exact(16)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cpu_mhz_per_core"), knownvalue.Int64Exact(2400)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cpu_capacity_mhz"), knownvalue.Int64Exact(38400)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("memory_capacity_mb"), knownvalue.Int64Exact(262144)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cpu_committed_mhz"), knownvalue.Int64Exact(500)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("memory_committed_mb"), knownvalue.Int64Exact(1088)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("vms"), strList("web-02")),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("evacuation"), strMap(nil)),
				},
			},
			{
				Config: provider + esxiHost("esx-02", "  maintenance = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hostRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(hostRes, tfjsonpath.New("evacuation"), strMap(map[string]string{"web-02": "esx-03"})),
					plancheck.ExpectKnownValue(hostRes, tfjsonpath.New("vms"), strList()),
					plancheck.ExpectUnknownValue(hostRes, tfjsonpath.New("cpu_used_mhz")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("maintenance"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("evacuation"), strMap(map[string]string{"web-02": "esx-03"})),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("vms"), strList()),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("cpu_committed_mhz"), knownvalue.Int64Exact(0)),
				},
				Check: resource.ComposeTestCheckFunc(expectLive(l, "web-02", "esx-03"), expectMaintenance(l, "esx-02", true)),
			},
			{
				Config: provider + esxiHost("esx-02", "  maintenance = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("maintenance"), knownvalue.Bool(false)),
					// The record of the last evacuation stays.
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("evacuation"), strMap(map[string]string{"web-02": "esx-03"})),
				},
				Check: expectMaintenance(l, "esx-02", false),
			},
			{
				// Someone puts the host into maintenance by hand: the plan shows it and apply takes it out.
				PreConfig: func() {
					if err := l.SetMaintenance("esx-02", true); err != nil {
						t.Fatal(err)
					}
				},
				Config: provider + esxiHost("esx-02", "  maintenance = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hostRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(hostRes, tfjsonpath.New("maintenance"), knownvalue.Bool(false)),
				}},
				Check: expectMaintenance(l, "esx-02", false),
			},
			{
				// A host that stops responding shows in the plan (refresh), which changes nothing.
				PreConfig: func() {
					if err := l.FailHost("esx-03"); err != nil {
						t.Fatal(err)
					}
				},
				Config: provider + esxiHost("esx-03", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("connection_state"), knownvalue.StringExact("not_responding")),
				},
			},
			{
				ResourceName: hostRes, ImportState: true, ImportStateId: "esx-03", ImportStateVerify: true,
				Config: provider + esxiHost("esx-03", ""),
			},
		},
	})
}

// Every error a user can make with estate_host fails the plan with its exact text.
func TestAccHostErrors(t *testing.T) {
	_, provider := startLab(t, "small")
	declared := func(name, extra string) string {
		return fmt.Sprintf(`
resource "estate_host" "this" {
  name             = %q
  kind             = "physical"
%s
}
`, name, extra)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + esxiHost("esx-9", ""),
				ExpectError: wrapped(`vCenter has no host "esx-9": known hosts are esx-01, esx-02, esx-03, esx-04, esx-05. To declare a server vCenter does not manage, set kind to one of physical, lpar, hyperv, kvm.`),
			},
			{
				Config:      provider + esxiHost("esx-01", "  cpu_cores = 8\n  memory_mb = 1024"),
				ExpectError: wrapped(`cpu_cores, memory_mb must not be set when kind = "esxi": vCenter reports an ESXi host's capacity and cluster. They describe declared servers (kind physical, lpar, hyperv, kvm).`),
			},
			{
				Config:      provider + esxiHost("esx-01", `  kind = "mainframe"`),
				ExpectError: wrapped(`Attribute kind value must be one of: ["esxi" "physical" "lpar" "hyperv" "kvm"], got: "mainframe"`),
			},
			{
				Config:      provider + declared("db-9", "  cpu_cores = 8"),
				ExpectError: wrapped(`kind = "physical" declares a server vCenter does not manage: set cpu_cores, cpu_mhz_per_core and memory_mb (missing: cpu_mhz_per_core, memory_mb).`),
			},
			{
				Config:      provider + declared("esx-01", "  cpu_cores = 8\n  cpu_mhz_per_core = 2000\n  memory_mb = 1024"),
				ExpectError: wrapped(`vCenter manages a host named "esx-01": adopt it with kind = "esxi", or give the declared server another name.`),
			},
			{
				Config:      provider + declared("db-9", "  cpu_cores = 8\n  cpu_mhz_per_core = 2000\n  memory_mb = 1024\n  failover_domain = \"prod\""),
				ExpectError: wrapped(`failover_domain = "prod" is a vCenter cluster: a failover domain groups declared servers only; choose another name.`),
			},
			{
				Config:      provider + declared("db-9", "  cpu_cores = 0\n  cpu_mhz_per_core = 2000\n  memory_mb = 1024"),
				ExpectError: wrapped(`Attribute cpu_cores value must be at least 1, got: 0`),
			},
		},
	})
}

// An evacuation that does not fit fails the plan, naming the shortfall and the policy.
func TestAccHostMaintenanceInfeasible(t *testing.T) {
	l := labtest.StartWith(t, "small", func(e *inventory.Estate) {
		for i := range e.VMs {
			if e.VMs[i].Name == "db-01" {
				e.VMs[i].MemoryMB, e.VMs[i].MemoryReservationMB = 400000, 300000
			}
		}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(l) + esxiHost("esx-03", "  maintenance = true"),
			ExpectError: wrapped(`The powered-on VMs of host "esx-03" do not fit on the rest of cluster "prod" (evacuation unsafe): VM "db-01" fits on none of its 2 eligible host(s)
host "esx-01" has no room for VM "db-01": memory requested 300512 MiB, used 1088 of 262144
host "esx-02" has no room for VM "db-01": memory requested 300512 MiB, used 1088 of 262144
(policy: basis reservation, cpu overcommit 1, memory overcommit 1, headroom 0 %)`),
			Check: expectMaintenance(l, "esx-03", false),
		}},
	})
}

// A move that fails half-way: the state records what happened (web-01 moved,
// web-02 did not, the host is not in maintenance) and the error says so.
func TestAccHostMaintenanceHalfFailed(t *testing.T) {
	l := labtest.StartWith(t, "small", func(e *inventory.Estate) {
		for i := range e.VMs {
			if e.VMs[i].Name == "web-02" {
				e.VMs[i].Host = "esx-01"
			}
		}
	})
	provider := providerBlock(l)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + esxiHost("esx-01", "  maintenance = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("vms"), strList("batch-01", "web-01", "web-02")),
				},
			},
			{
				PreConfig: func() { l.FailNextTask("RelocateVM_Task", "web-02", &lab.InsufficientResources) },
				Config:    provider + esxiHost("esx-01", "  maintenance = true"),
				ExpectError: wrapped(`moving VM "web-02" to host "esx-03": vCenter refused: InsufficientResourcesFault
Moved: web-01 → esx-03.
Not moved (still on host "esx-01"): web-02.
Host "esx-01" is not in maintenance mode; the state records where every VM runs. Run terraform apply again to finish.`),
			},
			{
				// The state the failed apply wrote: web-01's move is recorded, the host is not in maintenance.
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(hostRes, "maintenance", "false"),
					resource.TestCheckResourceAttr(hostRes, "evacuation.%", "1"),
					resource.TestCheckResourceAttr(hostRes, "evacuation.web-01", "esx-03"),
					resource.TestCheckResourceAttr(hostRes, "vms.#", "2"),
					resource.TestCheckResourceAttr(hostRes, "vms.0", "batch-01"),
					resource.TestCheckResourceAttr(hostRes, "vms.1", "web-02"),
					expectLive(l, "web-01", "esx-03"), expectLive(l, "web-02", "esx-01"), expectMaintenance(l, "esx-01", false)),
			},
			{
				// Applying again moves what is left and enters maintenance mode.
				Config: provider + esxiHost("esx-01", "  maintenance = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hostRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(hostRes, tfjsonpath.New("evacuation"), strMap(map[string]string{"web-02": "esx-03"})),
					plancheck.ExpectKnownValue(hostRes, tfjsonpath.New("vms"), strList("batch-01")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("maintenance"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(hostRes, tfjsonpath.New("evacuation"), strMap(map[string]string{"web-02": "esx-03"})),
				},
				Check: resource.ComposeTestCheckFunc(expectLive(l, "web-02", "esx-03"), expectMaintenance(l, "esx-01", true)),
			},
		},
	})
}

// A declared physical server joins the estate the guard analyses.
func TestAccHostDeclared(t *testing.T) {
	_, provider := startLab(t, "small")
	cfg := provider + `
resource "estate_host" "db" {
  name             = "db-phys-01"
  kind             = "physical"
  cpu_cores        = 32
  cpu_mhz_per_core = 3000
  memory_mb        = 1048576
  failover_domain  = "db-domain"
  labels           = { tier = "database" }
}
` + guard(`  fail_on = ["overloaded"]
  depends_on = [estate_host.db]`)
	db := "estate_host.db"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(db, tfjsonpath.New("cluster"), knownvalue.StringExact("db-domain")),
					statecheck.ExpectKnownValue(db, tfjsonpath.New("cpu_capacity_mhz"), knownvalue.Int64Exact(96000)),
					statecheck.ExpectKnownValue(db, tfjsonpath.New("memory_capacity_mb"), knownvalue.Int64Exact(1048576)),
					statecheck.ExpectKnownValue(db, tfjsonpath.New("connection_state"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(db, tfjsonpath.New("maintenance"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(db, tfjsonpath.New("vms"), strList()),
					statecheck.ExpectKnownValue(db, tfjsonpath.New("labels"), strMap(map[string]string{"tier": "database"})),
					// Without the declared server the guard counts 3 safe scenarios (TestAccGuard); its failure in db-domain is the 4th.
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("safe"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue("estate_guard.this", tfjsonpath.New("report_json"), knownvalue.StringRegexp(regexp.MustCompile(
						regexp.QuoteMeta(`{"host":"db-phys-01","cluster":"db-domain","available":true,"used":{"cpu_mhz":0,"memory_mb":0},"capacity":{"cpu_mhz":96000,"memory_mb":1048576}`)))),
				},
			},
			{
				// Refresh keeps the declared server as configured: nothing to change.
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}
