# The sample change of the impact golden tests, on the demo estate
# (scripts/impact-fixtures.sh plans it against the lab). The baseline declares
# the servers vCenter does not manage, the blade standby group, the business
# systems and two VM placements where they run; `-var change=true` migrates
# crm-01 and mail-01 to esx-b02 and opens a maintenance window on esx-a06.
terraform {
  required_providers {
    estate = {
      source = "estate-tf/estate"
    }
  }
}

provider "estate" {
  policy {
    basis          = "configured"
    cpu_overcommit = 4
  }
}

variable "change" {
  type    = bool
  default = false
}

data "estate_topology" "live" {}

locals {
  topology = data.estate_topology.live
  system_settings = {
    "order management"   = { criticality = "critical", min_hosts = 3, hosts = ["db-phys-01", "db-phys-02"] }
    "production control" = { criticality = "critical", min_hosts = 3, hosts = ["db-phys-01", "db-phys-02"] }
    "payroll"            = { criticality = "high", min_hosts = 2, hosts = ["blade-01"] }
    "crm"                = { criticality = "high", min_hosts = 2, hosts = [] }
    "mail"               = { criticality = "medium", min_hosts = 2, hosts = [] }
  }
  system_vms = {
    for s in keys(local.system_settings) : s => sort([for vm in local.topology.vms : vm.name if contains(vm.tags, "system/${s}")])
  }
}

resource "estate_host" "db" {
  for_each = toset(["db-phys-01", "db-phys-02"])

  name             = each.key
  kind             = "physical"
  cpu_cores        = 48
  cpu_mhz_per_core = 3000
  memory_mb        = 1048576
  failover_domain  = "db-phys"
}

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

# The migration: two VMs of prod-b onto esx-b02.
resource "estate_vm_placement" "moved" {
  for_each = { "crm-01" = "esx-b01", "mail-01" = "esx-b01" }

  vm   = each.key
  host = var.change ? "esx-b02" : each.value
}

# The maintenance window.
resource "estate_host" "window" {
  name        = "esx-a06"
  maintenance = var.change
}
