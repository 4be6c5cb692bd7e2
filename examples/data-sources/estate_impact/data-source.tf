# Business systems, as the analysis should see them.
resource "estate_business_system" "storefront" {
  name        = "storefront"
  criticality = "critical"
  vms         = ["web-01"]
}

resource "estate_business_system" "shop" {
  name        = "web shop"
  criticality = "high"
  vms         = ["web-01", "web-02", "db-01"]
}

# Every plan warns (a check never fails the plan) while losing esx-01 would
# take a critical business system down, until vSphere HA restarts it.
check "esx_01_failure" {
  data "estate_impact" "esx_01" {
    failed_hosts     = ["esx-01"]
    business_systems = [estate_business_system.storefront, estate_business_system.shop]
  }

  assert {
    condition = alltrue([
      for s in data.estate_impact.esx_01.affected_business_systems : !(s.criticality == "critical" && s.state == "down")
    ])
    error_message = "If esx-01 fails, these critical business systems go down: ${join(", ", [
      for s in data.estate_impact.esx_01.affected_business_systems : s.name if s.criticality == "critical" && s.state == "down"
    ])}."
  }
}

# Runbook: before servicing esx-02, where do its VMs go, and does the estate
# then survive losing esx-01 as well?
data "estate_impact" "service_esx_02" {
  maintenance_hosts = ["esx-02"]
  failed_hosts      = ["esx-01"]
  business_systems  = [estate_business_system.shop]
}

output "esx_02_evacuation" {
  value = data.estate_impact.service_esx_02.evacuation.moves
}

output "esx_01_failure_during_service" {
  value = "${data.estate_impact.service_esx_02.verdict}: ${data.estate_impact.service_esx_02.reason}"
}
