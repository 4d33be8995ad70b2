"""`solve` and `compare` against the CLI's `--format json` on the repository's fixtures."""

from __future__ import annotations

import json
import pathlib
import sys

import pytest

import fleetopt
from conftest import FIXTURES, SMALL_CATALOG, cli_json, run_cli, same_document

S = FIXTURES / "scenarios" / "s.toml"
M = FIXTURES / "scenarios" / "m.toml"


def read_toml(path: pathlib.Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(path.read_text())
    pytest.skip("tomllib needs Python 3.11")


def test_aws_plan_is_the_cli_plan(cli):
    plan = fleetopt.solve(S, mode="aws")
    expected = cli_json(cli, ["solve", S, "--mode", "aws", "--format", "json"])
    assert same_document(plan, expected)
    assert plan["schema"] == "fleetopt.plan/v1"
    assert plan["metrics"]["cost_per_hour"] == expected["metrics"]["cost_per_hour"]
    assert plan["metrics"]["capacity"] >= 100


def test_optimal_plan_is_the_cli_plan_without_timing(cli):
    plan = fleetopt.solve(M, mode="optimal", timing=False)
    expected = cli_json(
        cli, ["solve", M, "--mode", "optimal", "--format", "json", "--no-timing"]
    )
    assert same_document(plan, expected)
    assert plan["mode"] == "optimal"
    assert plan["solver"]["seconds"] == 0
    assert plan["metrics"]["capacity"] >= 2000


def test_timing_is_reported_by_default():
    timed = fleetopt.solve(M, mode="optimal")
    untimed = fleetopt.solve(M, mode="optimal", timing=False)
    assert timed["solver"]["seconds"] > 0
    # The solver time is the only difference.
    assert {**timed, "solver": {**timed["solver"], "seconds": 0}} == untimed


def test_strategy_override_is_the_cli_override(cli):
    for spelling in ["lowest-price", "lowestPrice"]:
        plan = fleetopt.solve(S, mode="aws", strategy=spelling)
        expected = cli_json(
            cli, ["solve", S, "--mode", "aws", "--strategy", "lowest-price", "--format", "json"]
        )
        assert plan == expected
        assert plan["strategy"]["spot"] == "lowestPrice"


def test_request_as_dict_text_and_path_give_one_plan():
    by_path = fleetopt.solve(S, mode="aws")
    assert fleetopt.solve(str(S), mode="aws") == by_path
    assert fleetopt.solve(S.read_text(), mode="aws") == by_path
    assert fleetopt.solve(read_toml(S), mode="aws") == by_path
    assert fleetopt.solve(json.dumps(read_toml(S)), mode="aws") == by_path


def test_catalog_is_loaded_once_and_reused(cli):
    request = FIXTURES / "requests" / "native" / "lowest-price-pools.toml"
    catalog = fleetopt.Catalog.load(SMALL_CATALOG)
    assert catalog.path == str(SMALL_CATALOG)
    assert catalog.regions == ["us-east-1"]
    assert fleetopt.Catalog(SMALL_CATALOG).regions == catalog.regions
    expected = cli_json(
        cli, ["solve", request, "--catalog", SMALL_CATALOG, "--mode", "aws", "--format", "json"]
    )
    for given in [catalog, SMALL_CATALOG, str(SMALL_CATALOG)]:
        assert fleetopt.solve(request, catalog=given, mode="aws") == expected
    embedded = fleetopt.Catalog()
    assert embedded.path is None
    assert embedded.regions == ["ap-northeast-2", "eu-west-1", "us-east-1", "us-west-2"]
    info = embedded.info()
    assert info["data_date"] and info["sources"]
    assert info["title"] in run_cli(cli, ["catalog", "info"]).stdout


def test_aws_request_form_with_region(cli):
    request = FIXTURES / "requests" / "aws" / "create-fleet-weighted.json"
    plan = fleetopt.solve(request, catalog=SMALL_CATALOG, region="us-east-1")
    expected = cli_json(
        cli,
        ["solve", request, "--catalog", SMALL_CATALOG, "--region", "us-east-1", "--format", "json"],
    )
    assert plan == expected
    assert plan["mode"] == "aws"


def test_compare_is_the_cli_compare(cli):
    rows = fleetopt.compare(S)
    assert same_document(rows, cli_json(cli, ["compare", S, "--format", "json"]))
    assert sorted(r["strategy"] for r in rows if r["mode"] == "aws") == [
        "capacityOptimized",
        "capacityOptimizedPrioritized",
        "diversified",
        "lowestPrice",
        "priceCapacityOptimized",
    ]
    assert rows[-1]["role"] == "cheapest"
    # Every optimal row dominates its aws row: it costs no more.
    for aws, optimal in zip(rows[0:10:2], rows[1:10:2]):
        assert (aws["strategy"], aws["mode"], optimal["mode"]) == (
            optimal["strategy"],
            "aws",
            "optimal",
        )
        aws_cost = aws["plan"]["metrics"]["cost_per_hour"]
        assert optimal["plan"]["metrics"]["cost_per_hour"] <= aws_cost * (1 + 1e-9)


def test_a_catalog_pickles_as_its_source():
    import pickle

    for catalog in [fleetopt.Catalog(), fleetopt.Catalog(SMALL_CATALOG)]:
        copy = pickle.loads(pickle.dumps(catalog))
        assert (copy.path, copy.regions, copy.type_count) == (
            catalog.path,
            catalog.regions,
            catalog.type_count,
        )
        assert repr(copy) == repr(catalog)


def test_threads_share_one_catalog_and_get_the_sequential_plans():
    from concurrent.futures import ThreadPoolExecutor

    catalog = fleetopt.Catalog()
    strategies = ["lowestPrice", "capacityOptimized", "priceCapacityOptimized", "diversified"]
    sequential = [
        fleetopt.solve(M, catalog, mode="optimal", strategy=s, timing=False) for s in strategies
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(
            pool.map(
                lambda s: fleetopt.solve(M, catalog, mode="optimal", strategy=s, timing=False),
                strategies,
            )
        )
    assert threaded == sequential
    assert len({p["metrics"]["cost_per_hour"] for p in sequential}) > 1
