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
	"github.com/estate-tf/terraform-provider-estate/internal/lab/labtest"
	"github.com/estate-tf/terraform-provider-estate/internal/vsphere"
)

func standbyGroup(active, standby string, tolerate int, takeover, mode string) string {
	return fmt.Sprintf(`
resource "estate_standby_group" "g" {
  name          = "prod-spare"
  active_hosts  = %s
  standby_hosts = %s
  tolerate      = %d
  takeover      = %q
  mode          = %q
}

data "estate_topology" "prod" {
  cluster    = "prod"
  depends_on = [estate_standby_group.g]
}
`, active, standby, tolerate, takeover, mode)
}

// setAdmission writes a cluster's admission control by hand, through its own session.
func setAdmission(l *lab.Lab, cluster inventory.ClusterName, ac inventory.AdmissionControl) error {
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
	cl, _ := t.Estate.Cluster(cluster)
	ha := cl.HA
	ha.AdmissionControl = ac
	return c.SetHA(ctx, cluster, ha)
}

func expectAdmission(l *lab.Lab, cluster inventory.ClusterName, policy inventory.AdmissionPolicy) func(*terraform.State) error {
	return func(*terraform.State) error {
		c, err := vsphere.Connect(context.Background(), vsphere.Config{Server: l.Server(), User: l.User, Password: l.Password, CAFile: l.CAFile})
		if err != nil {
			return err
		}
		defer func() { _ = c.Close(context.Background()) }()
		t, err := c.ReadTopology(context.Background(), "")
		if err != nil {
			return err
		}
		cl, _ := t.Estate.Cluster(cluster)
		if cl.HA.AdmissionControl.Policy != policy {
			return fmt.Errorf("cluster %s has admission control %+v, want %s", cluster, cl.HA.AdmissionControl, policy)
		}
		return nil
	}
}

// In the small estate's prod cluster, esx-03 (24 × 2600 MHz, 512 GiB) becomes
// the dedicated failover host of esx-01 and esx-02 (web-01 and web-02:
// 500 MHz and 1024 MiB reserved, plus 64 MiB overhead each; db-01 leaves 491,008 MiB free on esx-03).
func TestAccStandbyGroupVSphereHA(t *testing.T) {
	l, provider := startLab(t, "small")
	res := "estate_standby_group.g"
	config := provider + standbyGroup(`["esx-01", "esx-02"]`, `["esx-03"]`, 1, "consolidated", "vsphere_ha")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		// Destroy restores the slot policy prod had.
		CheckDestroy: expectAdmission(l, "prod", inventory.PolicySlot),
		Steps: []resource.TestStep{
			{
				Config:      provider + standbyGroup(`["esx-01", "esx-04"]`, `["esx-03"]`, 1, "consolidated", "vsphere_ha"),
				ExpectError: wrapped(`mode = "vsphere_ha" writes the HA admission control of one cluster, but the hosts of standby group "prod-spare" are in several: dev (esx-04), prod (esx-01, esx-03).`),
			},
			{
				Config:      provider + standbyGroup(`["esx-01", "blade-01"]`, `["esx-03"]`, 1, "consolidated", "vsphere_ha"),
				ExpectError: wrapped(`mode = "vsphere_ha" writes the HA admission control of one cluster, so every active and standby host must be an ESXi host of it: vCenter has no host blade-01. Use mode = "record" for declared servers.`),
			},
			{
				Config:      provider + standbyGroup(`["esx-01", "esx-02"]`, `["esx-03"]`, 3, "consolidated", "vsphere_ha"),
				ExpectError: wrapped(`tolerate = 3: must be between 1 and the number of active hosts (2) of standby group "prod-spare".`),
			},
			{
				Config:      provider + standbyGroup(`["esx-01", "esx-02"]`, `["esx-02"]`, 1, "consolidated", "vsphere_ha"),
				ExpectError: wrapped(`Host "esx-02" is listed in both active_hosts and standby_hosts of standby group "prod-spare".`),
			},
			{
				Config:      provider + standbyGroup(`["esx-01"]`, `["esx-03"]`, 1, "sideways", "vsphere_ha"),
				ExpectError: wrapped(`Attribute takeover value must be one of: ["whole_host" "consolidated"], got: "sideways"`),
			},
			{
				Config:      provider + standbyGroup(`["esx-01"]`, `["esx-03"]`, 1, "consolidated", "mirror"),
				ExpectError: wrapped(`Attribute mode value must be one of: ["vsphere_ha" "record"], got: "mirror"`),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("cluster"), knownvalue.StringExact("prod")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("worst_case"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"failed_hosts": strings_("esx-01"), "verdict": knownvalue.StringExact("safe"),
						"reason":       knownvalue.StringExact("1 standby host(s) take over the 1 failed host(s)"),
						"need_cpu_mhz": knownvalue.Int64Exact(500), "need_memory_mb": knownvalue.Int64Exact(1088),
						"offer_cpu_mhz": knownvalue.Int64Exact(58400), "offer_memory_mb": knownvalue.Int64Exact(491008),
					})),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("headroom"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"cpu_mhz": knownvalue.Int64Exact(57900), "memory_mb": knownvalue.Int64Exact(489920),
					})),
					// Written into the cluster and read back by estate_topology.
					statecheck.ExpectKnownValue("data.estate_topology.prod", tfjsonpath.New("clusters").AtSliceIndex(0).AtMapKey("admission_control_policy"), knownvalue.StringExact("failover_hosts")),
					statecheck.ExpectKnownValue("data.estate_topology.prod", tfjsonpath.New("clusters").AtSliceIndex(0).AtMapKey("host_failures"), knownvalue.Int64Exact(1)),
				},
			},
			{
				// Someone sets prod back to the slot policy: the plan shows the drift, apply rewrites it.
				PreConfig: func() {
					if err := setAdmission(l, "prod", inventory.AdmissionControl{Policy: inventory.PolicySlot, HostFailures: 1}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("standby_hosts"), stringSet_("esx-03")),
				}},
				Check: expectAdmission(l, "prod", inventory.PolicyFailoverHosts),
			},
		},
	})
}

// db-01 reserves 384 GiB on esx-03: no other prod host can take it over.
func TestAccStandbyGroupInfeasible(t *testing.T) {
	l := labtest.StartWith(t, "small", func(e *inventory.Estate) {
		for i := range e.VMs {
			if e.VMs[i].Name == "db-01" {
				e.VMs[i].MemoryMB, e.VMs[i].MemoryReservationMB = 393216, 393216
			}
		}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(l) + standbyGroup(`["esx-02", "esx-03"]`, `["esx-01"]`, 2, "consolidated", "record"),
			ExpectError: wrapped(`Standby group "prod-spare" cannot absorb the failure of esx-02, esx-03: the workloads of the 2 failed host(s) do not fit together in the 1 available standby host(s). ` +
				`They hand over 4500 MHz CPU and 394816 MiB memory; the available standby hosts offer 37900 MHz and 261056 MiB (headroom 33400 MHz, -133760 MiB).`),
		}},
	})
}

// Physical blades vCenter does not manage: a record group plans and applies,
// nothing is written, and no worst case is computed here (estate_guard joins the declared hosts).
func TestAccStandbyGroupRecordDeclared(t *testing.T) {
	_, provider := startLab(t, "small")
	res := "estate_standby_group.g"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: provider + standbyGroup(`["blade-01", "blade-02", "blade-03"]`, `["blade-sb"]`, 1, "whole_host", "record"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("active_hosts"), stringSet_("blade-01", "blade-02", "blade-03")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("standby_hosts"), stringSet_("blade-sb")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("cluster"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("worst_case"), knownvalue.Null()),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("headroom"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.estate_topology.prod", tfjsonpath.New("clusters").AtSliceIndex(0).AtMapKey("admission_control_policy"), knownvalue.StringExact("slot")),
			},
		}},
	})
}
