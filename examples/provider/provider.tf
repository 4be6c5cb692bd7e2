# Credentials usually come from the environment the vsphere provider already uses:
# VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD (and VSPHERE_CA_FILE).
provider "estate" {
  server  = "vcenter.example.com"
  user    = "terraform@vsphere.local"
  ca_file = "/etc/ssl/vcenter-ca.pem" # verify vCenter's certificate against your CA

  # What every plan-time check holds the estate to (these are the defaults,
  # except headroom_percent): placements, maintenance evacuations and the
  # guard's defaults.
  policy {
    basis              = "reservation"
    cpu_overcommit     = 1
    memory_overcommit  = 1
    headroom_percent   = 10
    warn_above_percent = 90
  }
}
