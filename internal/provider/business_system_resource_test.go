package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

const webShopTag = "estate-business-system/web shop"

func businessSystem(vms, hosts string, minHosts int, antiAffinity bool) string {
	return fmt.Sprintf(`
resource "estate_business_system" "shop" {
  name          = "web shop"
  description   = "the online shop"
  criticality   = "critical"
  vms           = %s
  hosts         = %s
  min_hosts     = %d
  anti_affinity = %t
}

data "estate_topology" "prod" {
  cluster    = "prod"
  depends_on = [estate_business_system.shop]
}
`, vms, hosts, minHosts, antiAffinity)
}

// liveTagged reads, through its own session, the hosts and VMs carrying a tag.
func liveTagged(l *lab.Lab, label string) ([]string, error) {
	c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close(context.Background()) }()
	t, err := c.ReadTopology(context.Background(), "")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, h := range t.Estate.Hosts() {
		if slices.Contains(h.Tags, label) {
			out = append(out, string(h.Name))
		}
	}
	for _, v := range t.Estate.VMs() {
		if slices.Contains(v.Tags, label) {
			out = append(out, string(v.Name))
		}
	}
	return out, nil
}

func expectTagged(l *lab.Lab, label string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := liveTagged(l, label)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("vCenter attaches %s to %v, want %v", label, got, want)
		}
		return nil
	}
}

func strings_(s ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(s))
	for i, v := range s {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

func stringSet_(s ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(s))
	for i, v := range s {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// The small estate's "web shop": web-01 on esx-01, web-02 on esx-02, db-01
// on esx-03, all in cluster prod, plus the physical server db-phys-01 that
// vCenter does not know.
func TestAccBusinessSystem(t *testing.T) {
	l, provider := startLab(t, "small")
	res := "estate_business_system.shop"
	members := `["web-01", "web-02", "db-01"]`
	hosts := `["esx-03", "db-phys-01"]`
	rule := knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name": knownvalue.StringExact("estate-bs-web shop"), "kind": knownvalue.StringExact("vm_anti_affinity"),
		"enabled": knownvalue.Bool(true), "vms": strings_("db-01", "web-01", "web-02"),
		"vm_group": knownvalue.StringExact(""), "host_group": knownvalue.StringExact(""),
	})})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(*terraform.State) error {
			got, err := liveTagged(l, webShopTag)
			if err != nil || len(got) != 0 {
				return fmt.Errorf("after destroy %s is attached to %v (%v)", webShopTag, got, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: provider + `
resource "estate_business_system" "x" {
  name        = "x"
  criticality = "urgent"
}
`,
				ExpectError: wrapped(`Attribute criticality value must be one of: ["critical" "high" "medium" "low"], got: "urgent"`),
			},
			{
				// Two VMs on two hosts cannot hold min_hosts = 3: the plan fails before anything is tagged.
				Config:      provider + businessSystem(`["web-01", "web-02"]`, `[]`, 3, false),
				ExpectError: wrapped(`Business system "web shop" runs on 2 host(s) (esx-01, esx-02), fewer than min_hosts = 3: place its VMs on more hosts (estate_vm_placement) or lower min_hosts.`),
			},
			{
				Config:      provider + businessSystem(`["web-01", "test-01"]`, `[]`, 0, true),
				ExpectError: wrapped(`anti_affinity = true keeps a DRS rule in one cluster, but the VMs of business system "web shop" are in several: dev (test-01), prod (web-01). Split the system or set anti_affinity = false.`),
			},
			{
				Config: provider + businessSystem(members, hosts, 2, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("hosts_in_use"), strings_("db-phys-01", "esx-01", "esx-02", "esx-03")),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("single_points_of_failure"), strings_()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tag"), knownvalue.StringExact(webShopTag)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("cluster"), knownvalue.StringExact("prod")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("vms"), stringSet_("db-01", "web-01", "web-02")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("hosts"), stringSet_("db-phys-01", "esx-03")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("hosts_in_use"), strings_("db-phys-01", "esx-01", "esx-02", "esx-03")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("single_points_of_failure"), strings_()),
					// estate_topology shows the anti-affinity rule written into the cluster.
					statecheck.ExpectKnownValue("data.estate_topology.prod", tfjsonpath.New("clusters").AtSliceIndex(0).AtMapKey("rules"), rule),
				},
				Check: expectTagged(l, webShopTag, "esx-03", "db-01", "web-01", "web-02"),
			},
			{
				// By hand: the tag detached from web-02 and attached to test-01. The plan shows
				// the drift and apply restores the exact membership.
				PreConfig: func() {
					if err := l.DetachTag(context.Background(), webShopTag, "web-02"); err != nil {
						t.Fatal(err)
					}
					if err := l.AttachTag(context.Background(), webShopTag, "test-01"); err != nil {
						t.Fatal(err)
					}
				},
				Config: provider + businessSystem(members, hosts, 2, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("vms"), stringSet_("db-01", "web-01", "web-02")),
				}},
				Check: expectTagged(l, webShopTag, "esx-03", "db-01", "web-01", "web-02"),
			},
			{
				// Without the rule and with two members only: the rule is removed, db-01 untagged.
				Config: provider + businessSystem(`["web-01", "web-02"]`, `["esx-03"]`, 0, false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.estate_topology.prod", tfjsonpath.New("clusters").AtSliceIndex(0).AtMapKey("rules"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("anti_affinity"), knownvalue.Bool(false)),
				},
				Check: expectTagged(l, webShopTag, "esx-03", "web-01", "web-02"),
			},
			{
				ResourceName: res, ImportState: true, ImportStateId: "web shop", ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "name",
				// Not kept in vCenter: an import starts them at their defaults. (Declared hosts,
				// not in vCenter either, are why this imports the system without db-phys-01.)
				ImportStateVerifyIgnore: []string{"criticality", "min_hosts"},
				Config:                  provider + businessSystem(`["web-01", "web-02"]`, `["esx-03"]`, 0, false),
			},
			{
				// A member VM deleted outside Terraform: refresh drops it and apply fails on the configured one.
				PreConfig: func() {
					if err := l.DeleteVM(context.Background(), "web-02"); err != nil {
						t.Fatal(err)
					}
				},
				Config:      provider + businessSystem(`["web-01", "web-02"]`, `["esx-03"]`, 0, false),
				ExpectError: wrapped(`VM "web-02" is not in vCenter: it cannot carry the tag of business system "web shop". If it was deleted, remove it from vms.`),
			},
			{
				Config: provider + businessSystem(`["web-01"]`, `[]`, 0, false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("vms"), stringSet_("web-01")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("single_points_of_failure"), strings_("esx-01")),
				},
				Check: expectTagged(l, webShopTag, "web-01"),
			},
		},
	})
}
