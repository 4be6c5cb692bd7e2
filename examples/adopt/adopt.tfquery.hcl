# Every VM of the dmz cluster. `limit` defaults to 100 results per list block.
list "estate_vm_placement" "dmz" {
  provider         = estate
  include_resource = true
  limit            = 1000

  config {
    cluster = "dmz"
  }
}

# The cluster's ESXi hosts.
list "estate_host" "dmz" {
  provider         = estate
  include_resource = true

  config {
    cluster = "dmz"
  }
}
