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
