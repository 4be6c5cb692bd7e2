# A maintenance window for esx-a03 (cluster prod-a of the demo estate). The plan
# shows in `evacuation` where each powered-on VM goes, and fails, naming the
# shortfall and the policy, if they do not fit on the rest of prod-a. Apply
# moves them in a capacity-safe order, then enters maintenance mode; set
# maintenance = false after the window to take the host out again.
resource "estate_host" "esx_a03" {
  name        = "esx-a03"
  maintenance = true
  labels      = { window = "2026-12-05 patch night" }
}

output "esx_a03_evacuation" {
  value = estate_host.esx_a03.evacuation # VM name => target host
}

# The physical database servers of order management and production control:
# vCenter does not manage them, so they are declared with their capacity and
# take part in the estate the other resources of the plan check.
resource "estate_host" "db_phys" {
  for_each = toset(["db-phys-01", "db-phys-02"])

  name             = each.key
  kind             = "physical"
  cpu_cores        = 48
  cpu_mhz_per_core = 3000
  memory_mb        = 1048576
  failover_domain  = "db-phys"
  labels           = { role = "database" }
}

# The guard analyses the planned estate, declared servers included: esx-a03 in
# maintenance with its VMs where the evacuation puts them. (The demo's dmz
# cluster is already unsafe, so this guard fails only on these two kinds.)
resource "estate_guard" "estate" {
  placements        = estate_host.esx_a03.evacuation
  maintenance_hosts = [estate_host.esx_a03.name]
  fail_on           = ["maintenance", "overloaded"]
  depends_on        = [estate_host.db_phys]
}
