"""A sweep on a Dask cluster of worker processes on loopback, each worker calling the package,
gives exactly the lines `fleetopt batch` gives for the same sweep file.

`fleetopt batch` output has no wall-clock field: its plans are written without timing
(`solver.seconds` is 0), and `solve_scenario` does the same, so the lines are compared whole.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import fleetopt
from conftest import FIXTURES, cli_lines, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import dask_sweep  # noqa: E402

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def optimal_sweep(tmp_path: Path) -> Path:
    """A sweep over M with aws and optimal modes and one scenario batch refuses
    (`spot.pools` with a strategy other than lowestPrice)."""
    sweep = tmp_path / "m-modes.toml"
    base = (FIXTURES / "scenarios" / "m.toml").as_posix()
    sweep.write_text(
        f'name = "m"\nbase = "{base}"\n\n[grid]\n'
        'modes = ["aws", "optimal"]\n'
        'spot_strategies = ["lowestPrice", "priceCapacityOptimized", "capacityOptimized"]\n'
        "targets = [400, 1200]\n"
        'set = { "spot.pools" = [2] }\n'
    )
    return sweep


def test_the_workers_are_separate_processes(client):
    pids = client.run(os.getpid)
    assert len(pids) == 2
    assert os.getpid() not in pids.values()
    assert len(set(pids.values())) == 2
    # Scheduler and workers listen on loopback only.
    assert client.scheduler.address.startswith("tcp://127.0.0.1:")
    assert all(w.startswith("tcp://127.0.0.1:") for w in pids)


@pytest.mark.parametrize("sweep", ["sweep.toml", "sweep-inline.toml", "optimal"])
def test_a_dask_sweep_is_the_batch_output(cli, client, tmp_path, sweep):
    path = optimal_sweep(tmp_path) if sweep == "optimal" else FIXTURES / "batch" / sweep
    path = str(path)
    results = dask_sweep.run_sweep(client, path)

    expected_lines = len(fleetopt.sweep_scenarios(path))
    failed = any("error" in r for r in results)
    batch = cli_lines(cli, ["batch", path, "-j", "2"], expect=5 if failed else 0)
    assert len(results) == len(batch) == expected_lines
    assert results == batch
    assert [r["id"] for r in results] == [line["id"] for line in batch]

    plans = [r["plan"] for r in results if "plan" in r]
    assert plans, "the sweep planned nothing"
    for plan in plans:
        if plan.get("solver"):
            assert plan["solver"]["seconds"] == 0
    if sweep == "optimal":
        modes = {p["mode"] for p in plans}
        assert modes == {"aws", "optimal"}
        errors = [r["error"] for r in results if "error" in r]
        assert errors and all(e["kind"] == "input" and e["exit_code"] == 2 for e in errors)


def test_the_example_script_writes_the_batch_lines(cli, tmp_path):
    sweep = str(FIXTURES / "batch" / "sweep-inline.toml")
    out = tmp_path / "results.jsonl"
    assert dask_sweep.main([sweep, "--workers", "2", "-o", str(out)]) == 0
    import json

    ours = [json.loads(line) for line in out.read_text().splitlines()]
    assert ours == cli_lines(cli, ["batch", sweep])
    # The CLI's own output file, for the record, holds the same lines.
    theirs = tmp_path / "batch.jsonl"
    run_cli(cli, ["batch", sweep, "-o", theirs])
    assert ours == [json.loads(line) for line in theirs.read_text().splitlines()]
