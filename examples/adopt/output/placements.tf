# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform
resource "estate_host" "dmz_0" {
  provider        = estate
  failover_domain = null
  kind            = "esxi"
  labels          = null
  name            = "esx-c01"
}

import {
  to       = estate_host.dmz_0
  provider = estate
  identity = {
    name = "esx-c01"
  }
}

resource "estate_host" "dmz_1" {
  provider        = estate
  failover_domain = null
  kind            = "esxi"
  labels          = null
  name            = "esx-c02"
}

import {
  to       = estate_host.dmz_1
  provider = estate
  identity = {
    name = "esx-c02"
  }
}

resource "estate_host" "dmz_2" {
  provider        = estate
  failover_domain = null
  kind            = "esxi"
  labels          = null
  name            = "esx-c03"
}

import {
  to       = estate_host.dmz_2
  provider = estate
  identity = {
    name = "esx-c03"
  }
}

resource "estate_host" "dmz_3" {
  provider        = estate
  failover_domain = null
  kind            = "esxi"
  labels          = null
  name            = "esx-c04"
}

import {
  to       = estate_host.dmz_3
  provider = estate
  identity = {
    name = "esx-c04"
  }
}



# __generated__ by Terraform
resource "estate_vm_placement" "dmz_0" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
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
  pin      = "none"
  vm       = "portal-02"
}

import {
  to       = estate_vm_placement.dmz_1
  provider = estate
  identity = {
    vm = "portal-02"
  }
}

resource "estate_vm_placement" "dmz_2" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "portal-03"
}

import {
  to       = estate_vm_placement.dmz_2
  provider = estate
  identity = {
    vm = "portal-03"
  }
}

resource "estate_vm_placement" "dmz_3" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "portal-04"
}

import {
  to       = estate_vm_placement.dmz_3
  provider = estate
  identity = {
    vm = "portal-04"
  }
}

resource "estate_vm_placement" "dmz_4" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "portal-05"
}

import {
  to       = estate_vm_placement.dmz_4
  provider = estate
  identity = {
    vm = "portal-05"
  }
}

resource "estate_vm_placement" "dmz_5" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "portal-06"
}

import {
  to       = estate_vm_placement.dmz_5
  provider = estate
  identity = {
    vm = "portal-06"
  }
}

resource "estate_vm_placement" "dmz_6" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "portal-07"
}

import {
  to       = estate_vm_placement.dmz_6
  provider = estate
  identity = {
    vm = "portal-07"
  }
}

resource "estate_vm_placement" "dmz_7" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "portal-08"
}

import {
  to       = estate_vm_placement.dmz_7
  provider = estate
  identity = {
    vm = "portal-08"
  }
}

resource "estate_vm_placement" "dmz_8" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "portal-09"
}

import {
  to       = estate_vm_placement.dmz_8
  provider = estate
  identity = {
    vm = "portal-09"
  }
}

resource "estate_vm_placement" "dmz_9" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "portal-10"
}

import {
  to       = estate_vm_placement.dmz_9
  provider = estate
  identity = {
    vm = "portal-10"
  }
}

resource "estate_vm_placement" "dmz_10" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "portal-11"
}

import {
  to       = estate_vm_placement.dmz_10
  provider = estate
  identity = {
    vm = "portal-11"
  }
}

resource "estate_vm_placement" "dmz_11" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "portal-12"
}

import {
  to       = estate_vm_placement.dmz_11
  provider = estate
  identity = {
    vm = "portal-12"
  }
}

resource "estate_vm_placement" "dmz_12" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "portal-13"
}

import {
  to       = estate_vm_placement.dmz_12
  provider = estate
  identity = {
    vm = "portal-13"
  }
}

resource "estate_vm_placement" "dmz_13" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "portal-14"
}

import {
  to       = estate_vm_placement.dmz_13
  provider = estate
  identity = {
    vm = "portal-14"
  }
}

resource "estate_vm_placement" "dmz_14" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "portal-15"
}

import {
  to       = estate_vm_placement.dmz_14
  provider = estate
  identity = {
    vm = "portal-15"
  }
}

resource "estate_vm_placement" "dmz_15" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "portal-16"
}

import {
  to       = estate_vm_placement.dmz_15
  provider = estate
  identity = {
    vm = "portal-16"
  }
}

resource "estate_vm_placement" "dmz_16" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "portal-17"
}

import {
  to       = estate_vm_placement.dmz_16
  provider = estate
  identity = {
    vm = "portal-17"
  }
}

resource "estate_vm_placement" "dmz_17" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "portal-18"
}

import {
  to       = estate_vm_placement.dmz_17
  provider = estate
  identity = {
    vm = "portal-18"
  }
}

resource "estate_vm_placement" "dmz_18" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "portal-19"
}

import {
  to       = estate_vm_placement.dmz_18
  provider = estate
  identity = {
    vm = "portal-19"
  }
}

resource "estate_vm_placement" "dmz_19" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "portal-20"
}

import {
  to       = estate_vm_placement.dmz_19
  provider = estate
  identity = {
    vm = "portal-20"
  }
}

resource "estate_vm_placement" "dmz_20" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "portal-21"
}

import {
  to       = estate_vm_placement.dmz_20
  provider = estate
  identity = {
    vm = "portal-21"
  }
}

resource "estate_vm_placement" "dmz_21" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "portal-22"
}

import {
  to       = estate_vm_placement.dmz_21
  provider = estate
  identity = {
    vm = "portal-22"
  }
}

resource "estate_vm_placement" "dmz_22" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "portal-23"
}

import {
  to       = estate_vm_placement.dmz_22
  provider = estate
  identity = {
    vm = "portal-23"
  }
}

resource "estate_vm_placement" "dmz_23" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "portal-24"
}

import {
  to       = estate_vm_placement.dmz_23
  provider = estate
  identity = {
    vm = "portal-24"
  }
}

resource "estate_vm_placement" "dmz_24" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-01"
}

import {
  to       = estate_vm_placement.dmz_24
  provider = estate
  identity = {
    vm = "web-01"
  }
}

resource "estate_vm_placement" "dmz_25" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-02"
}

import {
  to       = estate_vm_placement.dmz_25
  provider = estate
  identity = {
    vm = "web-02"
  }
}

resource "estate_vm_placement" "dmz_26" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-03"
}

import {
  to       = estate_vm_placement.dmz_26
  provider = estate
  identity = {
    vm = "web-03"
  }
}

resource "estate_vm_placement" "dmz_27" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-04"
}

import {
  to       = estate_vm_placement.dmz_27
  provider = estate
  identity = {
    vm = "web-04"
  }
}

resource "estate_vm_placement" "dmz_28" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-05"
}

import {
  to       = estate_vm_placement.dmz_28
  provider = estate
  identity = {
    vm = "web-05"
  }
}

resource "estate_vm_placement" "dmz_29" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-06"
}

import {
  to       = estate_vm_placement.dmz_29
  provider = estate
  identity = {
    vm = "web-06"
  }
}

resource "estate_vm_placement" "dmz_30" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-07"
}

import {
  to       = estate_vm_placement.dmz_30
  provider = estate
  identity = {
    vm = "web-07"
  }
}

resource "estate_vm_placement" "dmz_31" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-08"
}

import {
  to       = estate_vm_placement.dmz_31
  provider = estate
  identity = {
    vm = "web-08"
  }
}

resource "estate_vm_placement" "dmz_32" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-09"
}

import {
  to       = estate_vm_placement.dmz_32
  provider = estate
  identity = {
    vm = "web-09"
  }
}

resource "estate_vm_placement" "dmz_33" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-10"
}

import {
  to       = estate_vm_placement.dmz_33
  provider = estate
  identity = {
    vm = "web-10"
  }
}

resource "estate_vm_placement" "dmz_34" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-11"
}

import {
  to       = estate_vm_placement.dmz_34
  provider = estate
  identity = {
    vm = "web-11"
  }
}

resource "estate_vm_placement" "dmz_35" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-12"
}

import {
  to       = estate_vm_placement.dmz_35
  provider = estate
  identity = {
    vm = "web-12"
  }
}

resource "estate_vm_placement" "dmz_36" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-13"
}

import {
  to       = estate_vm_placement.dmz_36
  provider = estate
  identity = {
    vm = "web-13"
  }
}

resource "estate_vm_placement" "dmz_37" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-14"
}

import {
  to       = estate_vm_placement.dmz_37
  provider = estate
  identity = {
    vm = "web-14"
  }
}

resource "estate_vm_placement" "dmz_38" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-15"
}

import {
  to       = estate_vm_placement.dmz_38
  provider = estate
  identity = {
    vm = "web-15"
  }
}

resource "estate_vm_placement" "dmz_39" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-16"
}

import {
  to       = estate_vm_placement.dmz_39
  provider = estate
  identity = {
    vm = "web-16"
  }
}

resource "estate_vm_placement" "dmz_40" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-17"
}

import {
  to       = estate_vm_placement.dmz_40
  provider = estate
  identity = {
    vm = "web-17"
  }
}

resource "estate_vm_placement" "dmz_41" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-18"
}

import {
  to       = estate_vm_placement.dmz_41
  provider = estate
  identity = {
    vm = "web-18"
  }
}

resource "estate_vm_placement" "dmz_42" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-19"
}

import {
  to       = estate_vm_placement.dmz_42
  provider = estate
  identity = {
    vm = "web-19"
  }
}

resource "estate_vm_placement" "dmz_43" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-20"
}

import {
  to       = estate_vm_placement.dmz_43
  provider = estate
  identity = {
    vm = "web-20"
  }
}

resource "estate_vm_placement" "dmz_44" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-21"
}

import {
  to       = estate_vm_placement.dmz_44
  provider = estate
  identity = {
    vm = "web-21"
  }
}

resource "estate_vm_placement" "dmz_45" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-22"
}

import {
  to       = estate_vm_placement.dmz_45
  provider = estate
  identity = {
    vm = "web-22"
  }
}

resource "estate_vm_placement" "dmz_46" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-23"
}

import {
  to       = estate_vm_placement.dmz_46
  provider = estate
  identity = {
    vm = "web-23"
  }
}

resource "estate_vm_placement" "dmz_47" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-24"
}

import {
  to       = estate_vm_placement.dmz_47
  provider = estate
  identity = {
    vm = "web-24"
  }
}

resource "estate_vm_placement" "dmz_48" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-25"
}

import {
  to       = estate_vm_placement.dmz_48
  provider = estate
  identity = {
    vm = "web-25"
  }
}

resource "estate_vm_placement" "dmz_49" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-26"
}

import {
  to       = estate_vm_placement.dmz_49
  provider = estate
  identity = {
    vm = "web-26"
  }
}

resource "estate_vm_placement" "dmz_50" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-27"
}

import {
  to       = estate_vm_placement.dmz_50
  provider = estate
  identity = {
    vm = "web-27"
  }
}

resource "estate_vm_placement" "dmz_51" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-28"
}

import {
  to       = estate_vm_placement.dmz_51
  provider = estate
  identity = {
    vm = "web-28"
  }
}

resource "estate_vm_placement" "dmz_52" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-29"
}

import {
  to       = estate_vm_placement.dmz_52
  provider = estate
  identity = {
    vm = "web-29"
  }
}

resource "estate_vm_placement" "dmz_53" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-30"
}

import {
  to       = estate_vm_placement.dmz_53
  provider = estate
  identity = {
    vm = "web-30"
  }
}

resource "estate_vm_placement" "dmz_54" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-31"
}

import {
  to       = estate_vm_placement.dmz_54
  provider = estate
  identity = {
    vm = "web-31"
  }
}

resource "estate_vm_placement" "dmz_55" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-32"
}

import {
  to       = estate_vm_placement.dmz_55
  provider = estate
  identity = {
    vm = "web-32"
  }
}

resource "estate_vm_placement" "dmz_56" {
  provider = estate
  host     = "esx-c01"
  pin      = "none"
  vm       = "web-33"
}

import {
  to       = estate_vm_placement.dmz_56
  provider = estate
  identity = {
    vm = "web-33"
  }
}

resource "estate_vm_placement" "dmz_57" {
  provider = estate
  host     = "esx-c02"
  pin      = "none"
  vm       = "web-34"
}

import {
  to       = estate_vm_placement.dmz_57
  provider = estate
  identity = {
    vm = "web-34"
  }
}

resource "estate_vm_placement" "dmz_58" {
  provider = estate
  host     = "esx-c03"
  pin      = "none"
  vm       = "web-35"
}

import {
  to       = estate_vm_placement.dmz_58
  provider = estate
  identity = {
    vm = "web-35"
  }
}

resource "estate_vm_placement" "dmz_59" {
  provider = estate
  host     = "esx-c04"
  pin      = "none"
  vm       = "web-36"
}

import {
  to       = estate_vm_placement.dmz_59
  provider = estate
  identity = {
    vm = "web-36"
  }
}


