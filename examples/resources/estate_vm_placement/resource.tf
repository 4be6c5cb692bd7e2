# Keep the two order-management databases on different hosts. A plan fails if a
# host is unknown, failed, in maintenance, a dedicated HA failover host, lacks
# the VM's datastore or has no room for the VM's reservations.
resource "estate_vm_placement" "om_db" {
  for_each = {
    "om-db-01" = "esx-a01"
    "om-db-02" = "esx-a02"
  }
  vm   = each.key
  host = each.value
  # A manual DRS override in the VM's cluster: DRS recommends moves but does not
  # make them, so the databases stay where they are put.
  pin = "drs_override"
}

output "om_db_drifted" {
  # current_host differs from host only when DRS or a person moved the VM.
  value = [for p in estate_vm_placement.om_db : p.vm if p.current_host != p.host]
}
