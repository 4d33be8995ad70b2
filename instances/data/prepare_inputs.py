#!/usr/bin/env python3
"""Turns the derived CSVs of ../shared/data into the documented input formats of
`fleetopt catalog build` (on-demand price CSV, describe-spot-price-history JSON).

Only formats change here: every number is copied as published. Which source wins where,
how missing prices are estimated, and the join itself are done by `fleetopt catalog build`.

usage: prepare_inputs.py SHARED_DATA_DIR OUT_DIR
"""
import csv
import json
import os
import sys

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-2"]


def main(data, out):
    os.makedirs(out, exist_ok=True)

    # ec2instances.info (2024-04-03) for the regions Karpenter does not ship; Karpenter's
    # 2026-07-20 dump is newer for us-east-1 and is passed after this file, so it wins there.
    with open(os.path.join(data, "derived/region_prices_ec2instances_2024-04.csv")) as f, open(
        os.path.join(out, "on-demand-ec2instances-info-2024-04.csv"), "w", newline=""
    ) as o:
        w = csv.writer(o, lineterminator="\n")
        w.writerow(["instance_type", "region", "price_per_hour"])
        for r in sorted(csv.DictReader(f), key=lambda r: (r["region"], r["instance_type"])):
            if r["region"] in REGIONS and r["region"] != "us-east-1" and r["ondemand_linux_usd_per_hour"]:
                w.writerow([r["instance_type"], r["region"], r["ondemand_linux_usd_per_hour"]])

    with open(os.path.join(data, "derived/ondemand_prices_karpenter.csv")) as f, open(
        os.path.join(out, "on-demand-karpenter-us-east-1-2026-07-20.csv"), "w", newline=""
    ) as o:
        w = csv.writer(o, lineterminator="\n")
        w.writerow(["instance_type", "region", "price_per_hour"])
        for r in sorted(csv.DictReader(f), key=lambda r: r["instance_type"]):
            if r["region"] == "us-east-1" and r["currency"] == "USD":
                w.writerow([r["instance_type"], r["region"], r["ondemand_linux_price_per_hour"]])

    # The 2022-05-31 per-AZ Linux spot history, in describe-spot-price-history's shape.
    history = []
    with open(os.path.join(data, "derived/spot_price_history_2022-05-31_linux.csv")) as f:
        for r in csv.DictReader(f):
            if r["region"] in REGIONS:
                history.append(
                    {
                        "AvailabilityZoneId": r["availability_zone_id"],
                        "InstanceType": r["instance_type"],
                        "ProductDescription": r["product_description"],
                        "SpotPrice": r["spot_price_usd_per_hour"],
                        "Timestamp": r["timestamp_utc"],
                    }
                )
    with open(os.path.join(out, "spot-price-history-2022-05-31.json"), "w") as o:
        json.dump({"SpotPriceHistory": history}, o, indent=1)


def zones_of_one_account(data, out):
    """describe-availability-zones for moto's collecting account: its offerings by AZ name and
    by AZ ID list the same types per zone, which pairs each name with exactly one ID."""
    zones = []
    base = os.path.join(data, "moto/instance_type_offerings")
    for region in REGIONS:
        by_id, by_name = {}, {}
        for kind, into in (("availability-zone-id", by_id), ("availability-zone", by_name)):
            with open(os.path.join(base, kind, region + ".json")) as f:
                for row in json.load(f):
                    into.setdefault(row["Location"], set()).add(row["InstanceType"])
        for name, types in sorted(by_name.items()):
            ids = [zone_id for zone_id, id_types in by_id.items() if id_types == types]
            if len(ids) != 1:
                sys.exit(f"{region} {name}: cannot pair the AZ name with one AZ ID ({ids})")
            zones.append(
                {
                    "State": "available",
                    "RegionName": region,
                    "ZoneName": name,
                    "ZoneId": ids[0],
                    "ZoneType": "availability-zone",
                }
            )
    with open(os.path.join(out, "availability-zones-moto-account.json"), "w") as o:
        json.dump({"AvailabilityZones": zones}, o, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
    zones_of_one_account(sys.argv[1], sys.argv[2])
