# Adopt an existing estate: `terraform query` lists the placements of the
# estate's VMs (adopt.tfquery.hcl) and -generate-config-out writes their
# resource and import blocks. The provider reads the connection from
# VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD and VSPHERE_CA_FILE.
terraform {
  required_version = ">= 1.14"
  required_providers {
    estate = {
      source = "estate-tf/estate"
    }
  }
}

provider "estate" {}
