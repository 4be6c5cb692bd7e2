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
}
