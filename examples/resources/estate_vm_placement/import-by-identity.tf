# Import the placement of a VM by its identity (Terraform 1.12+): the VM's name.
# `terraform query -generate-config-out=…` writes these blocks for a whole cluster.
import {
  to = estate_vm_placement.web
  identity = {
    vm = "web-01"
  }
}
