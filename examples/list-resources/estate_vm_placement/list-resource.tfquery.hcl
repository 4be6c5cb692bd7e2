# Every VM of one cluster; `terraform query -generate-config-out=placements.tf`
# writes a resource and an import block for each.
list "estate_vm_placement" "dmz" {
  provider         = estate
  include_resource = true
  limit            = 1000 # the default is 100 results

  config {
    cluster = "dmz"
  }
}

# The web shop's VMs on one host, by their business-system tag and a name glob.
list "estate_vm_placement" "web_shop" {
  provider = estate

  config {
    host         = "esx-c01"
    tag          = "system/web shop"
    name_pattern = "web-*"
  }
}
