#!/usr/bin/env bash
# Regenerates the plan fixtures of the impact golden tests from the lab:
# real `terraform show -json` output, never hand-written JSON.
#   change.plan.json  the sample change (internal/cli/testdata/impact/config, -var change=true)
#   change.estate.json the estate it was planned against (terraform-provider-estate snapshot)
#   drift.plan.json   a refresh-only plan after the change was made "by hand" (applied
#                     outside this state: VMs moved, esx-a06 in maintenance)
#   drift.estate.json the estate then
# Usage: scripts/impact-fixtures.sh PATH/TO/terraform-provider-estate
# Then: go test ./internal/cli/ -run Impact -update (and review the diffs).
set -euo pipefail
provider_bin=$(cd "$(dirname "${1:?usage: impact-fixtures.sh PATH/TO/terraform-provider-estate}")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/internal/cli/testdata/impact"
work=$(mktemp -d)
trap 'kill $lab_pid 2>/dev/null; wait $lab_pid 2>/dev/null || true; rm -rf "$work"' EXIT

"$provider_bin" lab --estate demo --dir "$work/lab" >"$work/lab.out" 2>"$work/lab.log" &
lab_pid=$!
for _ in $(seq 1 300); do
  [ -f "$work/lab/lab.env" ] && break
  kill -0 $lab_pid 2>/dev/null || { cat "$work/lab.log" >&2; exit 1; }
  sleep 0.2
done
# shellcheck disable=SC1091
source "$work/lab/lab.env"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "estate-tf/estate" = "$(dirname "$provider_bin")"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
cp "$root/internal/cli/testdata/impact/config/main.tf" "$work/"
cd "$work"
# pretty: stable key order and indentation, so fixture diffs are readable.
pretty() { python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("timestamp", None); json.dump(d, sys.stdout, indent=1, sort_keys=True); print()'; }

echo "# the baseline applied; the sample change planned on it"
terraform apply -input=false -no-color -auto-approve >/dev/null
"$provider_bin" snapshot --output "$out/change.estate.json"
terraform plan -input=false -no-color -var change=true -out change.tfplan >/dev/null
terraform show -json change.tfplan | pretty >"$out/change.plan.json"

echo "# the change made outside this state (as by hand); a refresh-only plan finds it"
cp terraform.tfstate baseline.tfstate
terraform apply -input=false -no-color -auto-approve -var change=true >/dev/null
cp baseline.tfstate terraform.tfstate
"$provider_bin" snapshot --output "$out/drift.estate.json"
terraform plan -input=false -no-color -refresh-only -out drift.tfplan >/dev/null
terraform show -json drift.tfplan | pretty >"$out/drift.plan.json"
ls -l "$out"
