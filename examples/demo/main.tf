# The quick start: `make demo` runs `terraform plan` here against the embedded lab
# (a vCenter simulator seeded with the demo estate). The provider reads the
# connection from VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD and VSPHERE_CA_FILE.
terraform {
  required_providers {
    estate = {
      source = "estate-tf/estate"
    }
  }
}

provider "estate" {
  policy {
    cpu_overcommit = 4 # vCPU : core, for the "configured" basis
  }
}

data "estate_topology" "live" {}

locals {
  topology = data.estate_topology.live

  # Business-system membership is kept as vSphere tags "system/<name>".
  systems = sort(distinct(flatten([
    for vm in local.topology.vms : [for t in vm.tags : trimprefix(t, "system/") if startswith(t, "system/")]
  ])))
}

output "clusters" {
  description = "Clusters with capacity and HA admission control."
  value = [
    for c in local.topology.clusters : format("%-7s %2d hosts  %7d MHz  %8d MiB  HA admission control: %s",
    c.name, length(c.hosts), c.cpu_capacity_mhz, c.memory_mb, c.admission_control_policy)
  ]
}

output "hosts" {
  description = "Each host's load: VMs, committed CPU and memory, reserved memory (what HA counts)."
  value = [
    for h in local.topology.hosts : format("%-7s %-7s %3d VMs  cpu committed %3d%%  memory committed %3d%%  reserved %3d%%",
      h.cluster, h.name, length(h.vms),
      floor(100 * h.cpu_committed_mhz / h.cpu_capacity_mhz),
      floor(100 * h.memory_committed_mb / h.memory_mb),
    floor(100 * h.memory_reserved_mb / h.memory_mb))
  ]
}

output "business_systems" {
  description = "Business systems and the hosts their VMs run on."
  value = {
    for s in local.systems : s => format("%d VMs on %s", length([for vm in local.topology.vms : vm if contains(vm.tags, "system/${s}")]),
    join(", ", sort(distinct([for vm in local.topology.vms : vm.host if contains(vm.tags, "system/${s}")]))))
  }
}
