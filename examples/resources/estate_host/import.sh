# Adopt an ESXi host by its name; the state records its capacity, load, VMs and maintenance mode.
terraform import estate_host.esx_a03 esx-a03
