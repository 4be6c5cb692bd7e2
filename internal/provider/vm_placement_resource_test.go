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
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

func placement(vm, host string) string {
	return fmt.Sprintf(`
resource "estate_vm_placement" "this" {
  vm   = %q
  host = %q
}
`, vm, host)
}

// liveHost reads where the lab runs a VM, through its own session.
func liveHost(l *lab.Lab, vm inventory.VMName) (inventory.HostName, error) {
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		return "", err
	}
	defer func() { _ = c.Close(context.Background()) }()
	t, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		return "", err
	}
	v, _ := t.Estate.VM(vm)
	return v.Host, nil
}

func expectLive(l *lab.Lab, vm inventory.VMName, host inventory.HostName) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := liveHost(l, vm)
		if err != nil {
			return err
		}
		if got != host {
			return fmt.Errorf("vCenter runs %s on %s, want %s", vm, got, host)
		}
		return nil
	}
}

func TestAccVMPlacement(t *testing.T) {
	l, provider := startLab(t, "small")
	res := "estate_vm_placement.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + placement("web-01", "esx-02"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("cluster"), knownvalue.StringExact("prod")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("host"), knownvalue.StringExact("esx-02")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("web-01")),
				},
				Check: expectLive(l, "web-01", "esx-02"),
			},
			{
				// DRS moves the VM away: the plan shows the drift and apply moves it back.
				PreConfig: func() {
					if err := l.DRSMove(context.Background(), "web-01", "esx-03"); err != nil {
						t.Fatal(err)
					}
				},
				Config: provider + placement("web-01", "esx-02"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: expectLive(l, "web-01", "esx-02"),
			},
			{
				Config:      provider + placement("web-01", "esx-7"),
				ExpectError: wrapped(`unknown host "esx-7": known hosts are esx-01, esx-02, esx-03 in cluster "prod"`),
			},
			{
				Config:      provider + placement("test-01", "esx-05"),
				ExpectError: wrapped(`host "esx-05" is in maintenance mode`),
			},
			{
				Config:      provider + placement("db-01", "esx-04"),
				ExpectError: wrapped(`host "esx-04" does not mount datastore "san-prod" that VM "db-01" is on`),
			},
			{
				ResourceName: res, ImportState: true, ImportStateId: "web-01", ImportStateVerify: true,
				Config: provider + placement("web-01", "esx-02"),
			},
		},
	})
}

func TestAccVMPlacementFailedVMotionIsNotRecorded(t *testing.T) {
	l, provider := startLab(t, "small")
	l.FailNextTask("RelocateVM_Task", "web-02", &lab.InsufficientResources)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      provider + placement("web-02", "esx-01"),
			ExpectError: regexp.MustCompile(`moving VM "web-02" to host "esx-01": vCenter refused:\s+InsufficientResourcesFault`),
			Check:       expectLive(l, "web-02", "esx-02"),
		}},
	})
}

// DRS and vSphere HA never violate a required VM-Host rule (vSphere Resource
// Management, "Using VM-Host Affinity Rules"): a placement onto a host the
// demo's must-not-run rule forbids fails at plan, naming the rule.
func TestAccVMPlacementRequiredRule(t *testing.T) {
	_, provider := startLab(t, "demo")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      provider + placement("dwh-01", "esx-a05"),
			ExpectError: wrapped(`host "esx-a05" is forbidden by must_not_run_on rule "db-not-on-blades" (VM group "dwh-databases" must not run on host group "blade-hosts")`),
		}},
	})
}
