# Import the placement of a VM by its name; the state records where it runs now.
terraform import estate_vm_placement.web web-01
