#!/usr/bin/env python3
"""The peer a capacity planner would write in an afternoon: scenario L-spot's lowestPrice model
(`fixtures/scenarios/l-spot.toml`) in PuLP, solved with the CBC that PuLP bundles.

The same model as `fleetopt solve fixtures/scenarios/l-spot.toml --strategy lowestPrice`: one
integer count per pool of an m*, c* or r* type in us-east-1 (read from fleetopt's embedded
catalogue), bounded by the pool share cap and ceil(target / weight); the target, the On-Demand
part and AWS's On-Demand stop (buy On-Demand up to the instance that reaches the part), the type
share cap per type, AZ-loss survival per AZ; minimise USD/hour, then expected interruptions per
hour with the cost held at its optimum. Spot pools at or above their On-Demand price are left out
(AWS's default max price), as in fleetopt.

Run: python3 benches/pulp_l_spot.py   (prints the cost, the status and the seconds per part;
benches/README.md records it beside fleetopt's time). Without PuLP it says so and exits 0.

An independent check of the anchored strategies (priceCapacityOptimized and the capacity
strategies, as safe as the aws-mode plan): `--interruption-cap H` adds the aws-mode plan's
expected interruptions per hour as a cap (its other caps, 90 % of a pool and all of a type or an
AZ, do not bind under the request's own shares), and `--without-survival` leaves out the AZ-loss
rows, a relaxation whose optimum is a lower bound on the whole model's: when it equals the cost
of fleetopt's plan (which meets every row, as its verifier checks), that plan is optimal by a
model written apart from fleetopt's.
"""

import json
import math
import os
import sys
import time

START = time.perf_counter()
try:
    import pulp
except ImportError:
    print("skipped: PuLP is not installed (pip install pulp)")
    sys.exit(0)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "instances", "data", "default-catalog.json")

TARGET = 10_000.0
ON_DEMAND_BASE = 1_000.0
MAX_POOL_SHARE = 0.05
MAX_TYPE_SHARE = 0.1
SURVIVE_AZ_LOSS = 0.7
FAMILIES = ("m", "c", "r")
# fleetopt's hazard model: bucket b's monthly probability p gives -ln(1 - p) / 730 per hour.
MONTHLY = [0.025, 0.075, 0.125, 0.175, 0.25]


def hazard(pool):
    if pool["market"] != "spot":
        return 0.0
    bucket = pool.get("bucket")
    p = MONTHLY[bucket] if bucket is not None and bucket < len(MONTHLY) else 0.25
    return -math.log(1.0 - p) / 730.0


def pools():
    catalogue = json.load(open(CATALOGUE))
    types = {t["name"]: t for t in catalogue["instance_types"]}
    region = next(r for r in catalogue["regions"] if r["region"] == "us-east-1")
    on_demand = {
        (p["type"], p["zone"]): p["price"]
        for p in region["pools"]
        if p["market"] == "on-demand"
    }
    out = []
    for p in region["pools"]:
        t = types.get(p["type"])
        if t is None or not p["type"].startswith(FAMILIES):
            continue
        if p.get("platform", "Linux/UNIX") != "Linux/UNIX":
            continue
        if p["market"] not in t["markets"] or not p["price"] > 0:
            continue
        if p["market"] == "spot":
            od = on_demand.get((p["type"], p["zone"]))
            if od is not None and p["price"] >= od:
                continue
        weight = float(t["vcpus"])
        cap = min(math.floor(MAX_POOL_SHARE * TARGET / weight + 1e-9),
                  math.ceil(TARGET / weight - 1e-9))
        if cap > 0:
            out.append(dict(p, weight=weight, cap=cap, hazard=hazard(p)))
    return out


def main():
    args = sys.argv[1:]
    cap = float(args[args.index("--interruption-cap") + 1]) if "--interruption-cap" in args else None
    survival = "--without-survival" not in args
    read = time.perf_counter()
    ps = pools()
    model = pulp.LpProblem("l_spot_lowest_price", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", 0, p["cap"], cat="Integer") for i, p in enumerate(ps)]
    cost = pulp.lpSum(p["price"] * x[i] for i, p in enumerate(ps))
    model += cost
    model += pulp.lpSum(p["weight"] * x[i] for i, p in enumerate(ps)) >= TARGET
    od = [i for i, p in enumerate(ps) if p["market"] == "on-demand"]
    od_capacity = pulp.lpSum(ps[i]["weight"] * x[i] for i in od)
    model += od_capacity >= ON_DEMAND_BASE
    # The On-Demand stop: less than the part plus the largest On-Demand weight in use.
    weights = sorted({ps[i]["weight"] for i in od})
    stop = od_capacity
    for below, weight in zip(weights, weights[1:]):
        u = pulp.LpVariable(f"u{int(weight)}", cat="Binary")
        model += u <= pulp.lpSum(x[i] for i in od if ps[i]["weight"] >= weight)
        stop = stop - (weight - below) * u
    model += stop <= ON_DEMAND_BASE + weights[0] - 1e-6 * weights[0]
    for name in sorted({p["type"] for p in ps}):
        members = [i for i, p in enumerate(ps) if p["type"] == name]
        model += pulp.lpSum(ps[i]["weight"] * x[i] for i in members) <= MAX_TYPE_SHARE * TARGET
    for zone in sorted({p["zone"] for p in ps}) if survival else []:
        rest = [i for i, p in enumerate(ps) if p["zone"] != zone]
        model += pulp.lpSum(ps[i]["weight"] * x[i] for i in rest) >= SURVIVE_AZ_LOSS * TARGET
    if cap is not None:
        model += pulp.lpSum(p["hazard"] * x[i] for i, p in enumerate(ps)) <= cap
    built = time.perf_counter()
    solver = pulp.PULP_CBC_CMD(msg=False, gapRel=0, threads=1)
    model.solve(solver)
    status = pulp.LpStatus[model.status]
    best = pulp.value(cost)
    # Ties on cost towards fewer expected interruptions, the cost held at its optimum.
    model += cost <= best * (1 + 1e-7)
    model.setObjective(pulp.lpSum(p["hazard"] * x[i] for i, p in enumerate(ps)))
    model.solve(solver)
    solved = time.perf_counter()
    print(f"pools {len(ps)}  status {status}/{pulp.LpStatus[model.status]}  cost ${best:.4f}/h  "
          f"interruptions/h {pulp.value(model.objective):.6f}")
    print(f"seconds: import {read - START:.2f}, read + build {built - read:.2f}, "
          f"solve {solved - built:.2f}, total {solved - START:.2f}")


if __name__ == "__main__":
    main()
