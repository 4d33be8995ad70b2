"""Exceptions: one class per library error class, the CLI's messages and exit codes, and no
panic across the FFI boundary."""

from __future__ import annotations

import threading
import time

import pytest

import fleetopt
from conftest import FIXTURES, SMALL_CATALOG, cli_error

INFEASIBLE = FIXTURES / "optimal" / "infeasible-spread.toml"
S = FIXTURES / "scenarios" / "s.toml"


def test_classes_follow_the_library_error_classes(cli):
    classes = [
        fleetopt.InputError,
        fleetopt.InfeasibleError,
        fleetopt.TimeLimitError,
        fleetopt.InternalError,
    ]
    assert [c.kind for c in classes] == ["input", "infeasible", "time_limit", "internal"]
    assert [c.exit_code for c in classes] == [2, 3, 4, 1]
    for c in classes:
        assert issubclass(c, fleetopt.FleetoptError)
        assert c.__doc__
    assert issubclass(fleetopt.FleetoptError, Exception)
    assert fleetopt.FleetoptError.kind is None


def test_infeasible_request_raises_infeasible_error_with_the_cli_message(cli):
    with pytest.raises(fleetopt.InfeasibleError) as raised:
        fleetopt.solve(INFEASIBLE)
    assert raised.value.exit_code == 3
    assert str(raised.value) == cli_error(cli, ["solve", INFEASIBLE], expect=3)
    assert "holds at most 21 instances" in str(raised.value)


def test_malformed_request_raises_input_error_naming_the_field(cli, tmp_path):
    request = {"region": "us-east-1", "target": {"capacity": -5, "unit": "units"}}
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.solve(request)
    assert str(raised.value) == "<request>: target.capacity: expected a number > 0, found -5"
    # A file gives the CLI's message byte for byte.
    bad = tmp_path / "bad.toml"
    bad.write_text('region = "us-east-1"\n[target]\ncapacity = -5\nunit = "units"\n')
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.solve(bad)
    assert str(raised.value) == cli_error(cli, ["solve", bad], expect=2)
    assert "target.capacity" in str(raised.value)


def test_unknown_field_and_misspelt_strategy_are_input_errors(cli, tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text(S.read_text().replace("allocation_strategy", "alocation_strategy"))
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.solve(bad)
    assert str(raised.value) == cli_error(cli, ["solve", bad], expect=2)
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.solve(S, strategy="lowestPrise")
    assert str(raised.value) == cli_error(
        cli, ["solve", S, "--strategy", "lowestPrise"], expect=2
    )


def test_missing_files_are_input_errors_with_the_cli_message(cli, tmp_path):
    missing = tmp_path / "no-such-request.toml"
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.solve(missing)
    assert str(raised.value) == cli_error(cli, ["solve", missing], expect=2)
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.Catalog.load(tmp_path / "no-such-catalog.json")
    assert str(raised.value) == cli_error(
        cli, ["solve", S, "--catalog", tmp_path / "no-such-catalog.json"], expect=2
    )


def test_bad_catalogue_and_bad_plan_are_input_errors(cli):
    bad_plan = FIXTURES / "plans" / "bad" / "wrong-schema.json"
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.simulate(bad_plan, catalog=SMALL_CATALOG)
    assert str(raised.value) == cli_error(
        cli, ["simulate", bad_plan, "--catalog", SMALL_CATALOG], expect=2
    )
    with pytest.raises(fleetopt.InputError):
        fleetopt.Catalog.load(S)  # a request, not a catalogue


@pytest.mark.parametrize(
    "request_",
    [
        {},
        {"region": 5},
        {"target": {"capacity": "lots"}},
        "this is not a request",
        "[1, 2",
        '{"LaunchTemplateConfigs": []}',
        "\u001b[31m = 1",
        {"region": "us-east-1", "target": {"capacity": 1e308}},
        {"region": "xx-nowhere-1", "target": {"capacity": 4}},
    ],
)
def test_hostile_requests_raise_input_errors_not_panics(request_):
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.solve(request_)
    # Control characters from input are escaped, as the CLI prints them.
    assert "\u001b" not in str(raised.value)


def test_bad_options_are_input_errors():
    with pytest.raises(fleetopt.InputError, match="mode: unknown value `fast`"):
        fleetopt.solve(S, mode="fast")
    with pytest.raises(TypeError):
        fleetopt.solve(42)
    with pytest.raises(TypeError):
        fleetopt.solve(S, catalog=42)


def test_solves_release_the_gil():
    # While a compare runs in a thread, this thread keeps running: with the GIL held by the
    # solve it would stall for the whole solve.
    request = FIXTURES / "scenarios" / "m.toml"
    done = threading.Event()
    results = []

    def work():
        results.append(fleetopt.compare(request))
        done.set()

    worker = threading.Thread(target=work)
    start = time.monotonic()
    worker.start()
    ticks, longest, last = 0, 0.0, time.monotonic()
    while not done.is_set():
        time.sleep(0.001)
        now = time.monotonic()
        longest, last, ticks = max(longest, now - last), now, ticks + 1
    worker.join()
    elapsed = time.monotonic() - start
    assert len(results[0]) == 11
    assert elapsed > 0.2, "the solve was too quick to tell"
    assert ticks > 50
    assert longest < elapsed / 2
