# The demo estate's order management: 36 application VMs in cluster prod-a and
# the two physical database servers vCenter does not manage (declared with estate_host).
resource "estate_business_system" "order_management" {
  name          = "order management"
  description   = "Order entry, fulfilment and invoicing"
  criticality   = "critical"
  vms           = [for i in range(1, 37) : format("om-app-%02d", i)]
  hosts         = ["db-phys-01", "db-phys-02"]
  min_hosts     = 3
  anti_affinity = false
}

# Which hosts it runs on now, and which single host would take it down.
output "order_management_hosts" {
  value = estate_business_system.order_management.hosts_in_use
}
