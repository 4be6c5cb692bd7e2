# A rebalance of cluster prod-b of the demo estate, reviewed and applied as one
# change. The plan shows the waves (and any VM parked to make room) in
# `waves`, and fails naming the step, the host and the shortfall if no order
# keeps every host within capacity under the provider's policy.
resource "estate_migration" "prod_b_rebalance" {
  name    = "prod-b rebalance"
  cluster = "prod-b"
  placements = {
    # a swap between esx-b01 and esx-b02
    "crm-01" = "esx-b02"
    "crm-02" = "esx-b01"
    # a 3-cycle esx-b03 → esx-b04 → esx-b05 → esx-b03
    "crm-03" = "esx-b04"
    "crm-04" = "esx-b05"
    "crm-05" = "esx-b03"
    # the mail VMs of esx-b01 move to esx-b05
    "mail-01" = "esx-b05"
    "mail-06" = "esx-b05"
  }
}

output "prod_b_waves" {
  # One line per wave: "vm from → to", parked VMs marked.
  value = [for w in estate_migration.prod_b_rebalance.waves :
  join(", ", [for m in w : "${m.vm} ${m.from} → ${m.to}${m.parking ? " (parking)" : ""}"])]
}

output "prod_b_drift" {
  # VMs that DRS or a person moved away from their placement since the last apply.
  value = { for vm, host in estate_migration.prod_b_rebalance.current : vm => host
  if host != estate_migration.prod_b_rebalance.placements[vm] }
}
