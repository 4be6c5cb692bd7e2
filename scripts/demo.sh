#!/usr/bin/env bash
# The quick start: run the embedded lab with the demo estate and `terraform plan`
# examples/demo against it through dev_overrides (no registry, no network).
set -euo pipefail
provider_bin=${1:?usage: demo.sh PATH/TO/terraform-provider-estate}
root=$(cd "$(dirname "$0")/.." && pwd)
labdir="$root/.lab"

command -v terraform >/dev/null || { echo "demo: the terraform CLI is not on PATH; install Terraform 1.11 or newer" >&2; exit 1; }

rm -rf "$labdir" && mkdir -p "$labdir"
"$provider_bin" lab --estate demo --dir "$labdir" >"$labdir/lab.out" 2>"$labdir/lab.log" &
lab_pid=$!
trap 'kill $lab_pid 2>/dev/null; wait $lab_pid 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
  [ -f "$labdir/lab.env" ] && break
  kill -0 $lab_pid 2>/dev/null || { echo "demo: the lab did not start:" >&2; cat "$labdir/lab.log" >&2; exit 1; }
  sleep 0.2
done
[ -f "$labdir/lab.env" ] || { echo "demo: the lab did not start within 60 s" >&2; exit 1; }
# shellcheck disable=SC1091
source "$labdir/lab.env"
head -1 "$labdir/lab.out"

cat >"$labdir/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "estate-tf/estate" = "$(dirname "$provider_bin")"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$labdir/terraformrc"
cd "$root/examples/demo"
echo "# 1. The demo estate as code: the guard checks every single host failure of prod-a and prod-b."
echo "#    (the whole plan is in .lab/plan-1.txt; here from its summary on)"
terraform plan -input=false -no-color >"$labdir/plan-1.txt"
sed -n '/^Plan: /,$p' "$labdir/plan-1.txt"
echo
echo "# 2. A proposed change: a maintenance window on esx-a06. The guard refuses it, with the numbers."
echo "#    (the whole plan is in .lab/plan-2.txt; here its errors)"
set +e
terraform plan -input=false -no-color -var proposed_change=true >"$labdir/plan-2.txt" 2>&1
refused=$?
set -e
if [ $refused -eq 0 ]; then
  echo "demo: the guard should have refused the proposed change" >&2
  exit 1
fi
sed -n '/^Error: /,$p' "$labdir/plan-2.txt"
echo "# terraform plan exited $refused: the guard refused the change before anything moved"

echo
echo "# 3. The review report of a sample change (a migration and a maintenance window): what it does to"
echo "#    capacity, failover and the business systems, as CI posts it on the pull request."
review="$labdir/review"
mkdir -p "$review" && cp "$root/internal/cli/testdata/impact/config/main.tf" "$review/"
(
  cd "$review"
  terraform apply -input=false -no-color -auto-approve >"$labdir/review-baseline.txt"
  terraform plan -input=false -no-color -var change=true -out review.tfplan >"$labdir/review-plan.txt"
  terraform show -json review.tfplan >"$labdir/review-plan.json"
)
set +e
# The estate is read live from the lab with the VSPHERE_* variables of lab.env.
"$provider_bin" impact --plan "$labdir/review-plan.json" --cluster prod-a --cluster prod-b --cluster db-phys >"$labdir/review.md"
impact=$?
"$provider_bin" impact --plan "$labdir/review-plan.json" --cluster prod-a --cluster prod-b --cluster db-phys --format text | sed -n '1,2p'
set -e
[ $impact -le 2 ] || { echo "demo: impact failed" >&2; exit 1; }
echo "# impact exited $impact (2: the change is blocked); the comment is in $labdir/review.md"
mmdc="$root/tools/mermaid/node_modules/.bin/mmdc"
if [ ! -x "$mmdc" ] && [ -x /usr/bin/chromium ] && command -v npm >/dev/null; then
  # mermaid-cli from the pinned lock file, with Debian's chromium: never a downloaded browser.
  (cd "$root/tools/mermaid" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) >/dev/null 2>&1 || true
fi
if [ -x "$mmdc" ] && [ -x /usr/bin/chromium ]; then
  sed -n '/^```mermaid$/,/^```$/p' "$labdir/review.md" | sed '1d;$d' >"$labdir/review.mmd"
  PUPPETEER_SKIP_DOWNLOAD=1 "$mmdc" -q -p "$root/tools/mermaid/puppeteer.json" -i "$labdir/review.mmd" -o "$labdir/review.svg" &&
    echo "# its diagram, rendered by Mermaid: $labdir/review.svg"
else
  echo "# (no diagram picture: it needs Debian's chromium (apt-get install chromium) and npm for tools/mermaid)"
fi

kill -TERM $lab_pid && wait $lab_pid || true
trap - EXIT
tail -1 "$labdir/lab.out"

echo
echo "# Can the demo estate survive any single host failure? (terraform-provider-estate analyze)"
"$provider_bin" lab --estate demo --export "$labdir/demo.json"
set +e
"$provider_bin" analyze --snapshot "$labdir/demo.json"
code=$?
set -e
[ $code -eq 2 ] && echo "# analyze exited 2: findings (as expected for the dmz cluster)"
[ $code -le 2 ] || exit $code
