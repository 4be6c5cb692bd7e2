resource "estate_vm_placement" "all" {
  for_each = var.placements # VM name => host name
  vm       = each.key
  host     = each.value
}

# Fails the plan when the estate after these moves (and the planned maintenance)
# would not survive the loss of any one host per cluster, with the reason, the
# shortfalls and the business systems hit.
resource "estate_guard" "failover" {
  placements             = { for p in estate_vm_placement.all : p.vm => p.host }
  maintenance_hosts      = ["esx-a03"]
  tolerate_host_failures = 1
  headroom_percent       = 10
  fail_on                = ["unsafe", "unproven", "maintenance", "admission"]
}

variable "placements" {
  type = map(string)
}

output "failover_findings" {
  value = estate_guard.failover.findings
}
