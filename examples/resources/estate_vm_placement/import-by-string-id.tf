# Import the placement of a VM by its name (Terraform 1.5+).
import {
  to = estate_vm_placement.web
  id = "web-01"
}
