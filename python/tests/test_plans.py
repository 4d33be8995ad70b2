"""`verify`, `simulate` and `export` against the CLI on the plan fixtures."""

from __future__ import annotations

import json

import pytest

import fleetopt
from conftest import FIXTURES, SMALL_CATALOG, cli_error, cli_json, run_cli, same_document

PLANS = FIXTURES / "plans"
NATIVE = FIXTURES / "requests" / "native"
SIM_PLAN = PLANS / "simulate" / "asg-style.json"
SIM_REQUEST = NATIVE / "asg-style.toml"


def test_a_solved_plan_verifies(cli):
    request = NATIVE / "prioritized.toml"
    plan = fleetopt.solve(request, catalog=SMALL_CATALOG, mode="aws")
    assert fleetopt.verify(plan, request, catalog=SMALL_CATALOG) == []
    assert fleetopt.verify(json.dumps(plan), request, catalog=SMALL_CATALOG) == []
    # The fixture plan, by path, is valid for the CLI too.
    fixture = PLANS / "prioritized.json"
    assert fleetopt.verify(fixture, request, catalog=SMALL_CATALOG) == []
    assert "valid" in run_cli(
        cli, ["verify", fixture, "--request", request, "--catalog", SMALL_CATALOG]
    ).stdout


def test_a_broken_plan_has_the_cli_violations(cli, tmp_path):
    request = NATIVE / "prioritized.toml"
    plan = json.loads((PLANS / "prioritized.json").read_text())
    first = plan["allocations"][0]
    first["price_per_hour"] = first["price_per_hour"] * 2
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(plan))
    violations = fleetopt.verify(broken, request, catalog=SMALL_CATALOG)
    assert violations
    assert {v["check"] for v in violations} >= {"price"}
    message = cli_error(
        cli, ["verify", broken, "--request", request, "--catalog", SMALL_CATALOG], expect=1
    )
    header, *listed = message.split("\n")
    assert header == f"{broken}: {len(violations)} violation(s):"
    assert listed == [f"  - {v['message']}" for v in violations]


def simulate_flags(**extra):
    flags = ["simulate", SIM_PLAN, "--catalog", SMALL_CATALOG, "--format", "json"]
    for name, value in extra.items():
        flags += [f"--{name.replace('_', '-')}", value]
    return flags


def test_simulation_is_the_cli_report(cli):
    report = fleetopt.simulate(
        SIM_PLAN, catalog=SMALL_CATALOG, request=SIM_REQUEST, trials=300, hours=12, seed=7
    )
    expected = cli_json(
        cli, simulate_flags(request=SIM_REQUEST, trials=300, hours=12, seed=7)
    )
    assert same_document(report, expected)
    assert report["schema"] == "fleetopt.simulation/v1"
    assert report["inputs"]["trials"] == 300


def test_simulation_does_not_depend_on_jobs_and_takes_every_option(cli):
    options = dict(
        trials=200,
        hours=6,
        seed=3,
        step_minutes=10,
        launch_delay_minutes=20,
        cooldown_minutes=30,
        reclaim_fraction=0.5,
        hazard_scale=50,
        az_event_rate=0.01,
        az_event_scope="all",
    )
    one = fleetopt.simulate(SIM_PLAN, catalog=SMALL_CATALOG, jobs=1, on_demand_fallback=True, **options)
    two = fleetopt.simulate(SIM_PLAN, catalog=SMALL_CATALOG, jobs=2, on_demand_fallback=True, **options)
    assert one == two
    flags = simulate_flags(**options) + ["--on-demand-fallback"]
    assert same_document(one, cli_json(cli, flags))
    assert one["summary"]["mean_pool_interruptions"] > 0
    once = fleetopt.simulate(SIM_PLAN, catalog=SMALL_CATALOG, replenish=False, **options)
    assert same_document(once, cli_json(cli, simulate_flags(**options) + ["--no-replenish"]))


def test_bad_simulation_options_are_input_errors(cli):
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.simulate(SIM_PLAN, catalog=SMALL_CATALOG, hours=-1)
    assert str(raised.value) == cli_error(cli, simulate_flags(hours=-1)[:-2] + ["--hours=-1"], expect=2)
    with pytest.raises(fleetopt.InputError, match="--az-event-scope"):
        fleetopt.simulate(SIM_PLAN, catalog=SMALL_CATALOG, az_event_scope="region")
    for name in ["zero-weight.json", "unknown-pool.json", "count-as-string.json"]:
        bad = PLANS / "bad" / name
        with pytest.raises(fleetopt.InputError) as raised:
            fleetopt.simulate(bad, catalog=SMALL_CATALOG)
        assert str(raised.value) == cli_error(
            cli, ["simulate", bad, "--catalog", SMALL_CATALOG], expect=2
        )


def cli_notes(stderr: str):
    return [line[len("note: ") :] for line in stderr.splitlines() if line.startswith("note: ")]


@pytest.mark.parametrize("target", ["ec2-fleet", "ec2-fleet-exact", "spot-fleet", "asg", "karpenter"])
def test_exports_are_the_cli_documents(cli, target):
    plan = PLANS / "prioritized.json"
    request = NATIVE / "prioritized.toml"
    exported = fleetopt.export(plan, target, catalog=SMALL_CATALOG, request=request)
    done = run_cli(
        cli,
        ["export", plan, "--to", target, "--catalog", SMALL_CATALOG, "--request", request,
         "--format", "json"],
    )
    assert same_document(exported["document"], json.loads(done.stdout))
    assert exported["notes"] == cli_notes(done.stderr)


def test_export_options_are_the_cli_flags(cli):
    plan = PLANS / "diversified-budget.json"
    exported = fleetopt.export(
        plan, "asg", catalog=SMALL_CATALOG, asg_name="web", min_size=0, max_size=200,
        launch_template_name="lt-web", launch_template_version="7",
    )
    expected = cli_json(
        cli,
        ["export", plan, "--to", "asg", "--catalog", SMALL_CATALOG, "--asg-name", "web",
         "--min-size", "0", "--max-size", "200", "--launch-template-name", "lt-web",
         "--launch-template-version", "7"],
    )
    assert same_document(exported["document"], expected)
    assert exported["document"]["AutoScalingGroupName"] == "web"


def test_an_impossible_export_is_an_input_error(cli):
    plan = PLANS / "prioritized.json"
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.export(plan, "asg", catalog=SMALL_CATALOG, min_size=1000, max_size=2000)
    assert str(raised.value) == cli_error(
        cli,
        ["export", plan, "--to", "asg", "--catalog", SMALL_CATALOG, "--min-size", "1000",
         "--max-size", "2000"],
        expect=2,
    )
    with pytest.raises(fleetopt.InputError, match="--to: unknown value `terraform`"):
        fleetopt.export(plan, "terraform", catalog=SMALL_CATALOG)
