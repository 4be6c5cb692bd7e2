# The demo estate's blade chassis: three active blades share one cold standby
# (N+1). The blades are physical servers, so the group is recorded, not written.
resource "estate_standby_group" "blades" {
  name          = "blades"
  active_hosts  = ["blade-01", "blade-02", "blade-03"]
  standby_hosts = ["blade-sb"]
  tolerate      = 1
  takeover      = "whole_host"
  mode          = "record"
}

# vSphere HA dedicated failover host: esx-b05 stands by for the other hosts of
# prod-b; apply writes the cluster's admission control, destroy restores it.
resource "estate_standby_group" "prod_b" {
  name          = "prod-b failover"
  active_hosts  = ["esx-b01", "esx-b02", "esx-b03", "esx-b04"]
  standby_hosts = ["esx-b05"]
  tolerate      = 1
  takeover      = "consolidated"
  mode          = "vsphere_ha"
}
