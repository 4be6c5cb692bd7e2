# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform
resource "estate_vm_placement" "dmz_0" {
  provider = estate
  host     = "esx-c01"
  vm       = "portal-01"
}

import {
  to       = estate_vm_placement.dmz_0
  provider = estate
  identity = {
    vm = "portal-01"
  }
}

resource "estate_vm_placement" "dmz_1" {
  provider = estate
  host     = "esx-c02"
  vm       = "portal-02"
}

import {
  to       = estate_vm_placement.dmz_1
  provider = estate
  identity = {
    vm = "portal-02"
  }
}
