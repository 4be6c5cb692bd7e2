# The ESXi hosts of one cluster; `terraform query -generate-config-out=hosts.tf`
# writes a resource and an import block for each.
list "estate_host" "dmz" {
  provider         = estate
  include_resource = true

  config {
    cluster = "dmz"
  }
}

# prod-a's blade hosts, by name.
list "estate_host" "blades" {
  provider = estate

  config {
    name_pattern = "esx-a0[56]"
  }
}
