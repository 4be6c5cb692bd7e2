# Import the placement of a VM by its name; the state records where it runs now.
# An import never adopts a DRS override: pin reads as "none".
terraform import estate_vm_placement.web web-01
