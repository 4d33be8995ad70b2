"""A fleetopt sweep on Dask: every scenario of a sweep file solved by a Dask worker.

The scenarios are expanded exactly as ``fleetopt batch`` expands the file
(:func:`fleetopt.sweep_scenarios`); each worker solves its scenarios with the Python package
(:func:`fleetopt.solve_scenario`, which loads a sweep's catalogue once per worker process) and
the results come back in batch order, one ``fleetopt batch`` output line each — the same
content ``fleetopt batch SWEEP`` writes (``python/tests/test_dask_sweep.py`` checks it).

    python python/examples/dask_sweep.py fixtures/batch/sweep.toml -o results.jsonl
    python python/examples/dask_sweep.py sweep.toml --scheduler tcp://scheduler:8786 -o results.jsonl

Without ``--scheduler`` it starts a local cluster of ``--workers`` worker processes on
127.0.0.1. On a real cluster every worker needs ``pip install fleetopt`` (the same wheel) and the
sweep's catalogue file at the same path (or no ``catalog``: the embedded catalogue).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional

import fleetopt


def run_sweep(client: Any, sweep: str) -> List[Dict[str, Any]]:
    """Solves every scenario of ``sweep`` on ``client``'s workers; the batch lines in order."""
    scenarios = fleetopt.sweep_scenarios(sweep)
    futures = client.map(
        fleetopt.solve_scenario,
        scenarios,
        key=[f"fleetopt-scenario-{i}" for i in range(len(scenarios))],
    )
    return client.gather(futures)


def batch_line(result: Dict[str, Any]) -> str:
    """One JSON Lines line (compact; numbers in Python's spelling, values as batch's)."""
    return json.dumps(result, separators=(",", ":"), ensure_ascii=False)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", help="a sweep file (*.toml, *.json, *.yaml)")
    parser.add_argument(
        "--scheduler",
        help="address of a running Dask scheduler (default: a local cluster)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="local worker processes (default 2)"
    )
    parser.add_argument("-o", "--output", help="write the results here instead of stdout")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=args.workers,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )
        client = Client(cluster)
    try:
        results = run_sweep(client, args.sweep)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    text = "".join(batch_line(r) + "\n" for r in results)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    failed = sum("error" in r for r in results)
    print(
        f"{len(results)} scenarios: {len(results) - failed} planned, {failed} failed",
        file=sys.stderr,
    )
    # As `fleetopt batch`: 5 when some scenarios are error lines.
    return 5 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
