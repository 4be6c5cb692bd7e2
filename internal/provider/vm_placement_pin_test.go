package provider_test

import (
	"context"
	"fmt"
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

func pinnedPlacement(vm, host, pin string) string {
	return fmt.Sprintf(`
resource "estate_vm_placement" "this" {
  vm   = %q
  host = %q
  pin  = %q
}
`, vm, host, pin)
}

// withLive runs f with a session of its own on the lab and the VM and its host as vCenter has them now.
func withLive(l *lab.Lab, name inventory.VMName, f func(*vsphere.Client, inventory.VM, inventory.Host) error) error {
	ctx := context.Background()
	c, err := vsphere.Connect(ctx, vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		return err
	}
	defer func() { _ = c.Close(ctx) }()
	t, err := c.ReadTopology(ctx, "")
	if err != nil {
		return err
	}
	v, ok := t.Estate.VM(name)
	if !ok {
		return fmt.Errorf("vCenter has no VM %q", name)
	}
	h, _ := t.Estate.Host(v.Host)
	return f(c, v, h)
}

// overrideByHand sets (or with "" removes) a VM's DRS override as a person would in the vSphere client.
func overrideByHand(t *testing.T, l *lab.Lab, name inventory.VMName, level inventory.DRSAutomation) func() {
	return func() {
		err := withLive(l, name, func(c *vsphere.Client, v inventory.VM, h inventory.Host) error {
			_, err := c.SetDRSOverride(context.Background(), v, h, level)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// expectOverride checks the VM's DRS automation override as vCenter reads it ("" for none).
func expectOverride(l *lab.Lab, name inventory.VMName, want inventory.DRSAutomation) func(*terraform.State) error {
	return func(*terraform.State) error {
		return withLive(l, name, func(_ *vsphere.Client, v inventory.VM, _ inventory.Host) error {
			if v.DRSAutomation != want {
				return fmt.Errorf("vCenter has DRS override %q on %s, want %q", v.DRSAutomation, name, want)
			}
			return nil
		})
	}
}

func TestAccVMPlacementPin(t *testing.T) {
	l, provider := startLab(t, "small")
	res := "estate_vm_placement.this"
	str := func(attr, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(res, tfjsonpath.New(attr), knownvalue.StringExact(want))
	}
	planned := func(attr string, want knownvalue.Check) plancheck.PlanCheck {
		return plancheck.ExpectKnownValue(res, tfjsonpath.New(attr), want)
	}
	web01 := []statecheck.StateCheck{
		str("host", "esx-02"), str("current_host", "esx-02"), str("cluster", "prod"), str("power_state", "on"),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("vcpu"), knownvalue.Int64Exact(2)),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("memory_mb"), knownvalue.Int64Exact(4096)),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + pinnedPlacement("web-01", "esx-02", "sticky"),
				ExpectError: wrapped(`Attribute pin value must be one of: ["none" "drs_override"], got: "sticky"`),
			},
			{
				Config: provider + pinnedPlacement("web-01", "esx-02", "drs_override"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
					planned("current_host", knownvalue.StringExact("esx-02")),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("vcpu")), // read at apply
				}},
				ConfigStateChecks: append(web01, str("pin", "drs_override")),
				Check:             resource.ComposeTestCheckFunc(expectLive(l, "web-01", "esx-02"), expectOverride(l, "web-01", inventory.DRSManual)),
			},
			{
				// Someone removes the override: the plan shows the pin back and apply writes it again.
				PreConfig: overrideByHand(t, l, "web-01", ""),
				Config:    provider + pinnedPlacement("web-01", "esx-02", "drs_override"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					planned("pin", knownvalue.StringExact("drs_override")),
					planned("current_host", knownvalue.StringExact("esx-02")),
					planned("vcpu", knownvalue.Int64Exact(2)), planned("memory_mb", knownvalue.Int64Exact(4096)),
					planned("power_state", knownvalue.StringExact("on")),
				}},
				ConfigStateChecks: append(web01, str("pin", "drs_override")),
				Check:             expectOverride(l, "web-01", inventory.DRSManual),
			},
			{
				// Moved by hand: the refreshed state keeps host as configured and says where the VM runs.
				PreConfig: func() {
					if err := l.DRSMove(context.Background(), "web-01", "esx-03"); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(res, "host", "esx-02"),
					resource.TestCheckResourceAttr(res, "current_host", "esx-03"),
					resource.TestCheckResourceAttr(res, "pin", "drs_override"),
				),
			},
			{
				Config: provider + pinnedPlacement("web-01", "esx-02", "drs_override"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					planned("current_host", knownvalue.StringExact("esx-02")),
				}},
				ConfigStateChecks: web01,
				Check:             resource.ComposeTestCheckFunc(expectLive(l, "web-01", "esx-02"), expectOverride(l, "web-01", inventory.DRSManual)),
			},
			{
				// none removes the override this resource wrote.
				Config: provider + pinnedPlacement("web-01", "esx-02", "none"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: append(web01, str("pin", "none")),
				Check:             expectOverride(l, "web-01", ""),
			},
			{
				// Someone else's manual override: pinning finds it in place and does not take it over...
				PreConfig: overrideByHand(t, l, "web-01", inventory.DRSManual),
				Config:    provider + pinnedPlacement("web-01", "esx-02", "drs_override"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{str("pin", "drs_override")},
				Check:             expectOverride(l, "web-01", inventory.DRSManual),
			},
			{
				// ...so none leaves it.
				Config:            provider + pinnedPlacement("web-01", "esx-02", "none"),
				ConfigStateChecks: []statecheck.StateCheck{str("pin", "none")},
				Check:             expectOverride(l, "web-01", inventory.DRSManual),
			},
			{
				// Someone else's other override is replaced while pinned, and given back by none.
				PreConfig:         overrideByHand(t, l, "web-01", inventory.DRSFullyAutomated),
				Config:            provider + pinnedPlacement("web-01", "esx-02", "drs_override"),
				ConfigStateChecks: []statecheck.StateCheck{str("pin", "drs_override")},
				Check:             expectOverride(l, "web-01", inventory.DRSManual),
			},
			{
				Config: provider + pinnedPlacement("web-01", "esx-02", "none"),
				Check:  expectOverride(l, "web-01", inventory.DRSFullyAutomated),
			},
		},
	})
}

// Destroying a pinned placement removes the override it wrote and leaves the VM where it runs.
func TestAccVMPlacementPinDestroy(t *testing.T) {
	l, provider := startLab(t, "small")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             resource.ComposeTestCheckFunc(expectOverride(l, "web-02", ""), expectLive(l, "web-02", "esx-01")),
		Steps: []resource.TestStep{{
			Config: provider + pinnedPlacement("web-02", "esx-01", "drs_override"),
			Check:  expectOverride(l, "web-02", inventory.DRSManual),
		}},
	})
}
