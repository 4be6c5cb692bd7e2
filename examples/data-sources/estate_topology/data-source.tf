# The whole estate, read once per plan.
data "estate_topology" "live" {}

# One cluster only.
data "estate_topology" "prod" {
  cluster = "prod"
}

# Where does each VM of the production cluster run?
output "placement" {
  value = { for vm in data.estate_topology.prod.vms : vm.name => vm.host }
}

# Hosts whose powered-on VMs commit more memory than the host has.
output "memory_overcommitted_hosts" {
  value = [for h in data.estate_topology.live.hosts : h.name if h.memory_committed_mb > h.memory_mb]
}

# Keep a snapshot for `terraform-provider-estate analyze --snapshot estate.json`.
resource "local_file" "snapshot" {
  filename = "estate.json"
  content  = data.estate_topology.live.snapshot_json
}
