#!/usr/bin/env bash
# Regenerates instances/data/default-catalog.json from the real AWS data in ../shared/data
# with fleetopt's own `catalog build`. See instances/data/README.md for what each input is.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$root/instances/data/prepare_inputs.py" "$data" "$work"
cd "$root"
cargo run --release --quiet -- catalog build \
  --title "fleetopt embedded default catalogue (us-east-1, us-west-2, eu-west-1, ap-northeast-2)" \
  --instance-types "$data/moto/instance_types.json" \
  --offerings "$data/moto/instance_type_offerings/availability-zone-id/us-east-1.json" \
  --offerings "$data/moto/instance_type_offerings/availability-zone-id/us-west-2.json" \
  --offerings "$data/moto/instance_type_offerings/availability-zone-id/eu-west-1.json" \
  --offerings "$data/moto/instance_type_offerings/availability-zone-id/ap-northeast-2.json" \
  --advisor "$data/spotinfo/spot-advisor-data.json" \
  --zones "$work/availability-zones-moto-account.json" \
  --on-demand-prices "$work/on-demand-ec2instances-info-2024-04.csv" \
  --on-demand-prices "$work/on-demand-karpenter-us-east-1-2026-07-20.csv" \
  --estimate-on-demand-from us-east-1 \
  --estimate-spot \
  --shape-spot-history "$work/spot-price-history-2022-05-31.json" \
  --source-date instance_types.json=2026-08-02 \
  --source-date offerings=2026-08-01 \
  --source-date zones=2026-08-01 \
  --source-date spot-advisor-data.json=2025-06-28 \
  --source-date on-demand-ec2instances-info-2024-04.csv=2024-04-03 \
  --source-date on-demand-karpenter-us-east-1-2026-07-20.csv=2026-07-20 \
  --source-date spot-price-history-2022-05-31.json=2022-05-31 \
  -o "$root/instances/data/default-catalog.json"
