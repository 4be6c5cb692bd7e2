# The demo estate as code: the physical servers vCenter does not manage, the
# blade N+1 cold-standby group, the business systems (read from the demo's
# "system/<name>" tags), and a guard over all of it. `make demo` plans this
# twice: as it is (the guard passes), and with `-var proposed_change=true`,
# a maintenance window on esx-a06 that the guard refuses, with the numbers.

variable "proposed_change" {
  description = "Plan the maintenance window on esx-a06 that the guard refuses."
  type        = bool
  default     = false
}

locals {
  # The demo's business systems: their VMs (from the tags), criticality and spread.
  system_settings = {
    "order management"   = { criticality = "critical", min_hosts = 3, hosts = ["db-phys-01", "db-phys-02"] }
    "production control" = { criticality = "critical", min_hosts = 3, hosts = ["db-phys-01", "db-phys-02"] }
    "payroll"            = { criticality = "high", min_hosts = 2, hosts = ["blade-01"] }
    "data warehouse"     = { criticality = "medium", min_hosts = 0, hosts = [] }
    "crm"                = { criticality = "high", min_hosts = 2, hosts = [] }
    "mail"               = { criticality = "medium", min_hosts = 2, hosts = [] }
    "file services"      = { criticality = "low", min_hosts = 0, hosts = [] }
  }
  system_vms = {
    for s in keys(local.system_settings) : s => sort([for vm in local.topology.vms : vm.name if contains(vm.tags, "system/${s}")])
  }
}

# Two physical database servers that take over for each other.
resource "estate_host" "db" {
  for_each = toset(["db-phys-01", "db-phys-02"])

  name             = each.key
  kind             = "physical"
  cpu_cores        = 48
  cpu_mhz_per_core = 3000
  memory_mb        = 1048576
  failover_domain  = "db-phys"
}

# A blade chassis: three active blades and one cold standby.
resource "estate_host" "blade" {
  for_each = toset(["blade-01", "blade-02", "blade-03", "blade-sb"])

  name             = each.key
  kind             = "physical"
  cpu_cores        = 16
  cpu_mhz_per_core = 3000
  memory_mb        = 262144
}

resource "estate_standby_group" "blades" {
  name          = "blades"
  active_hosts  = ["blade-01", "blade-02", "blade-03"]
  standby_hosts = ["blade-sb"]
  tolerate      = 1
  takeover      = "whole_host"
  mode          = "record"
  depends_on    = [estate_host.blade]
}

resource "estate_business_system" "system" {
  for_each = local.system_settings

  name        = each.key
  criticality = each.value.criticality
  min_hosts   = each.value.min_hosts
  vms         = local.system_vms[each.key]
  hosts       = each.value.hosts
  depends_on  = [estate_host.db, estate_host.blade]
}

# The maintenance window of the proposed change.
resource "estate_host" "window" {
  for_each = var.proposed_change ? toset(["esx-a06"]) : toset([])

  name        = each.key
  maintenance = true
}

# The guard checks the whole planned estate: every single host failure of
# prod-a and prod-b must be survivable with every VM restarted at its full
# configured size (4:1 vCPU overcommit). The dmz cluster, known to be full, is
# left out — visibly: the plan warns about it.
resource "estate_guard" "estate" {
  hosts            = concat(values(estate_host.db), values(estate_host.blade), values(estate_host.window))
  business_systems = values(estate_business_system.system)
  standby_groups   = [estate_standby_group.blades]
  clusters         = ["prod-a", "prod-b", "db-phys"]
  basis            = "configured"
}

output "guard" {
  description = "What the guard found: scenarios proven safe, unsafe, and every finding."
  value = {
    safe     = estate_guard.estate.safe
    unsafe   = estate_guard.estate.unsafe
    findings = estate_guard.estate.findings
  }
}
