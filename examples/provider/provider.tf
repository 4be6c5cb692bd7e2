# Credentials usually come from the environment the vsphere provider already uses:
# VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD (and VSPHERE_CA_FILE).
provider "estate" {
  server  = "vcenter.example.com"
  user    = "terraform@vsphere.local"
  ca_file = "/etc/ssl/vcenter-ca.pem" # verify vCenter's certificate against your CA
}
