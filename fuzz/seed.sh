#!/usr/bin/env bash
# Copies the repository's fixtures into fuzz/corpus/<target>/ as each target's seed corpus.
# Run from anywhere; re-running adds nothing twice (files are named by their source path).
set -euo pipefail
cd "$(dirname "$0")"
f=../fixtures
seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    cp "$file" "corpus/$target/$(echo "${file#../}" | tr '/' '_')"
  done
}
seed load_instance_types $f/aws/describe-instance-types*.json $f/bad/instance-types/*
seed load_offerings $f/aws/offerings-*.json $f/bad/offerings/*
seed load_spot_prices $f/aws/spot-price-history-*.json $f/bad/spot-prices/*
seed load_advisor $f/aws/spot-advisor.json $f/bad/advisor/*
seed load_placement_scores $f/aws/placement-scores*.json $f/bad/placement-scores/*
seed load_on_demand_json $f/aws/on-demand-prices.json $f/bad/on-demand-prices/*.json
seed load_on_demand_csv $f/aws/on-demand-prices.csv $f/bad/on-demand-prices/*.csv
seed load_zones $f/aws/describe-availability-zones.json $f/bad/zones/*
seed load_capacity_reservations $f/aws/commitments/describe-capacity-reservations.json
seed load_reserved_instances $f/aws/commitments/describe-reserved-instances.json
seed load_savings_plans $f/aws/commitments/describe-savings-plans.json
seed load_savings_plan_rates $f/aws/commitments/describe-savings-plan-rates.json
seed load_capacity_blocks $f/aws/commitments/describe-capacity-block-offerings.json
seed load_price_list_json $f/aws/commitments/price-list-ec2.json
seed load_price_list_csv $f/aws/commitments/price-list-ec2.csv
seed load_subnets $f/aws/describe-subnets.json
seed load_launch_templates $f/aws/describe-launch-template-versions.json
seed load_requirements $f/requirements/*.json
seed load_catalog $f/catalogs/*.json $f/bad/catalog/*
seed request_toml $f/requests/native/*.toml $f/scenarios/*.toml $f/optimal/*.toml $f/bad/requests/*.toml
seed request_json $f/requests/native/*.json $f/requests/aws/*.json $f/bad/requests/*.json
seed request_yaml $f/requests/native/*.yaml $f/aws-docs/*.yaml $f/bad/requests/*.yaml
seed request_ec2_fleet $f/requests/aws/create-fleet-*.json $f/aws-docs/ec2-fleet-*.json $f/aws-docs/instant-fleet-*.json $f/aws-inputs/create-fleet-*.json
seed request_spot_fleet $f/requests/aws/spot-fleet-*.json $f/aws-docs/spot-fleet-*.json $f/aws-inputs/spot-fleet-*.json
seed request_asg $f/requests/aws/asg-*.json $f/aws-docs/asg-*.json
seed plan $f/plans/*.json $f/plans/bad/*.json $f/plans/simulate/*.json
seed journal $f/bad/journal/*
# Sweeps: the first byte picks the syntax (0 TOML, 1 JSON, 2 YAML).
mkdir -p corpus/sweep
for file in $f/batch/*.toml; do
  { printf '\0'; cat "$file"; } >"corpus/sweep/$(basename "$file")"
done
# A journal seed: two honest v2 records after the header the target writes itself.
mkdir -p corpus/journal
printf '0\tp\tc8d6b3e4f2bd2ed2a9d8a0d5b0f5a1d1\t{"id":"a"}\n1\te\t00\t{"id":"b"}\n' >corpus/journal/records
