"""fleetopt: plan EC2 fleets — what AWS would hand you, and what you should ask for.

The Python face of the ``fleetopt`` command. Every function returns the document the command
prints with ``--format json``, as the dict or list ``json.loads`` makes of it:

- :func:`solve` — ``fleetopt solve`` (a ``fleetopt.plan/v1`` plan);
- :func:`compare` — ``fleetopt compare`` (aws against optimal for every spot strategy);
- :func:`verify` — ``fleetopt verify`` (the plan's violations; empty when valid);
- :func:`simulate` — ``fleetopt simulate`` (a ``fleetopt.simulation/v1`` report);
- :func:`export` — ``fleetopt export`` (an EC2 Fleet, Spot Fleet, ASG or Karpenter document);
- :func:`catalog_list` — ``fleetopt catalog list`` (records a ``pandas.DataFrame`` takes as is);
- :func:`sweep_scenarios` and :func:`solve_scenario` — ``fleetopt batch`` over a sweep file,
  one scenario at a time, for Dask, Ray or any pool of workers.

Requests are a dict, a TOML/JSON/YAML string, or a path (``str`` or ``os.PathLike``); plans a
dict, a JSON string or a path. A :class:`Catalog` is loaded once and reused (``catalog=``
takes a Catalog, a path, or ``None`` for the embedded default catalogue).

Failures raise a :class:`FleetoptError` subclass per library error class —
:class:`InputError`, :class:`InfeasibleError`, :class:`TimeLimitError`,
:class:`InternalError` — whose message is the CLI's ``error:`` line and whose ``kind`` and
``exit_code`` say what ``fleetopt`` would. Solves release the GIL, so threads run in parallel.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _fleetopt
from ._fleetopt import (
    Catalog,
    FleetoptError,
    InfeasibleError,
    InputError,
    InternalError,
    TimeLimitError,
)

__all__ = [
    "Catalog",
    "FleetoptError",
    "InputError",
    "InfeasibleError",
    "TimeLimitError",
    "InternalError",
    "solve",
    "compare",
    "verify",
    "simulate",
    "export",
    "catalog_list",
    "sweep_scenarios",
    "solve_scenario",
]

__version__: str = _fleetopt.__version__

PathLike = Union[str, "os.PathLike[str]"]
Document = Union[Mapping, str, "os.PathLike[str]"]
Range = Union[str, int, float, Tuple[Optional[float], Optional[float]]]

# File names a request string is taken to be, rather than TOML/JSON/YAML text.
_REQUEST_SUFFIXES = (".toml", ".json", ".yaml", ".yml")


def _request_source(request: Any, what: str = "request") -> Tuple[str, str, None]:
    """``("path", p, None)`` or ``("text", t, None)`` for a request: a dict, text or path.

    A ``str`` is a path when it is one line that names an existing file or ends in ``.toml``,
    ``.json``, ``.yaml`` or ``.yml`` (a missing file is then reported as the CLI reports it);
    otherwise it is the request's text.
    """
    if isinstance(request, os.PathLike):
        return ("path", os.fsdecode(os.fspath(request)), None)
    if isinstance(request, Mapping):
        return ("text", json.dumps(request), None)
    if isinstance(request, str):
        one_line = "\n" not in request and not request.lstrip().startswith("{")
        if one_line and (
            request.lower().endswith(_REQUEST_SUFFIXES) or os.path.isfile(request)
        ):
            return ("path", request, None)
        return ("text", request, None)
    raise TypeError(
        f"{what}: expected a dict, a TOML/JSON/YAML string or a path, "
        f"not {type(request).__name__}"
    )


def _plan_source(plan: Any) -> Tuple[str, str, None]:
    """``("path", p, None)`` or ``("text", t, None)`` for a plan: a dict, JSON text or path."""
    if isinstance(plan, os.PathLike):
        return ("path", os.fsdecode(os.fspath(plan)), None)
    if isinstance(plan, Mapping):
        return ("text", json.dumps(plan), None)
    if isinstance(plan, str):
        if plan.lstrip().startswith("{"):
            return ("text", plan, None)
        return ("path", plan, None)
    raise TypeError(
        f"plan: expected a dict, a JSON string or a path, not {type(plan).__name__}"
    )


def _catalog(catalog: Any) -> Catalog:
    """The Catalog for ``catalog=``: itself, loaded from a path, or the embedded one."""
    if catalog is None:
        return Catalog()
    if isinstance(catalog, Catalog):
        return catalog
    if isinstance(catalog, (str, os.PathLike)):
        return Catalog.load(os.fsdecode(os.fspath(catalog)))
    raise TypeError(
        f"catalog: expected a Catalog, a path or None, not {type(catalog).__name__}"
    )


def _paths(name: str, value: Any) -> List[str]:
    """A repeatable file option: one path or a sequence of paths."""
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fsdecode(os.fspath(value))]
    if isinstance(value, Sequence):
        return [os.fsdecode(os.fspath(v)) for v in value]
    raise TypeError(f"{name}: expected a path or a list of paths")


def _path(name: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return os.fsdecode(os.fspath(value))
    raise TypeError(f"{name}: expected a path")


def _request_inputs(
    subnets: Optional[PathLike],
    zones: Optional[PathLike],
    launch_template: Optional[PathLike],
    launch_template_type: Optional[str],
    capacity_reservations: Any,
    reserved_instances: Any,
    savings_plans: Any,
    savings_plan_rates: Any,
) -> Dict[str, Any]:
    return {
        "subnets": _path("subnets", subnets),
        "zones": _path("zones", zones),
        "launch_template": _path("launch_template", launch_template),
        "launch_template_type": launch_template_type,
        "capacity_reservations": _paths("capacity_reservations", capacity_reservations),
        "reserved_instances": _paths("reserved_instances", reserved_instances),
        "savings_plans": _paths("savings_plans", savings_plans),
        "savings_plan_rates": _paths("savings_plan_rates", savings_plan_rates),
    }


def solve(
    request: Document,
    catalog: Union[Catalog, PathLike, None] = None,
    mode: Optional[str] = None,
    strategy: Optional[str] = None,
    *,
    region: Optional[str] = None,
    timing: bool = True,
    subnets: Optional[PathLike] = None,
    zones: Optional[PathLike] = None,
    launch_template: Optional[PathLike] = None,
    launch_template_type: Optional[str] = None,
    capacity_reservations: Union[PathLike, Sequence[PathLike], None] = None,
    reserved_instances: Union[PathLike, Sequence[PathLike], None] = None,
    savings_plans: Union[PathLike, Sequence[PathLike], None] = None,
    savings_plan_rates: Union[PathLike, Sequence[PathLike], None] = None,
) -> Dict[str, Any]:
    """Plan a fleet request: ``fleetopt solve REQUEST --format json``.

    Args:
        request: the request — a dict (native fields, or an EC2 Fleet / Spot Fleet / ASG
            input), TOML/JSON/YAML text, or a path to a request file.
        catalog: a :class:`Catalog`, a catalogue file, or ``None`` for the embedded one.
        mode: ``"aws"`` (what EC2 would hand you) or ``"optimal"``; default the request's.
        strategy: a spot allocation strategy in either spelling
            (``"priceCapacityOptimized"``, ``"price-capacity-optimized"``).
        region: the region to plan in (AWS request forms carry none).
        timing: ``False`` reports the solver time as 0, so equal inputs give equal plans
            (``--no-timing``).
        subnets, zones, launch_template, launch_template_type: what an AWS request form
            cannot say by itself (``--subnets`` … ``--launch-template-type``).
        capacity_reservations, reserved_instances, savings_plans, savings_plan_rates:
            capacity the account already holds, one file or a list (the CLI's flags).

    Returns:
        The plan (``fleetopt.plan/v1``) as a dict.

    Raises:
        InputError: the request or an option is invalid (the message names the field).
        InfeasibleError: no plan meets every constraint (optimal mode).
        TimeLimitError: no feasible plan within ``solver.time_limit_seconds``.
        InternalError: fleetopt failed.
    """
    return _fleetopt.solve(
        _request_source(request),
        _request_inputs(
            subnets,
            zones,
            launch_template,
            launch_template_type,
            capacity_reservations,
            reserved_instances,
            savings_plans,
            savings_plan_rates,
        ),
        _catalog(catalog),
        mode,
        strategy,
        region,
        timing,
    )


def compare(
    request: Document,
    catalog: Union[Catalog, PathLike, None] = None,
    *,
    region: Optional[str] = None,
    subnets: Optional[PathLike] = None,
    zones: Optional[PathLike] = None,
    launch_template: Optional[PathLike] = None,
    launch_template_type: Optional[str] = None,
    capacity_reservations: Union[PathLike, Sequence[PathLike], None] = None,
    reserved_instances: Union[PathLike, Sequence[PathLike], None] = None,
    savings_plans: Union[PathLike, Sequence[PathLike], None] = None,
    savings_plan_rates: Union[PathLike, Sequence[PathLike], None] = None,
) -> List[Dict[str, Any]]:
    """Every spot strategy, aws mode against optimal: ``fleetopt compare --format json``.

    Args:
        request: the request (dict, text or path, as for :func:`solve`).
        catalog: a :class:`Catalog`, a catalogue file, or ``None`` for the embedded one.
        region: the region to plan in (AWS request forms carry none).
        subnets … savings_plan_rates: as for :func:`solve`.

    Returns:
        One row per spot strategy and mode, then the ``cheapest`` row: ``strategy``, ``mode``,
        ``role``, the ``plan`` or the row's ``error``, ``saving_vs_aws`` and, where the
        aws-mode plan breaks a constraint AWS cannot express, ``constraint_cost``.

    Raises:
        InputError: the request is invalid. Per-row failures (an infeasible strategy) are
            rows with an ``error``, as in the CLI's output.
    """
    return _fleetopt.compare(
        _request_source(request),
        _request_inputs(
            subnets,
            zones,
            launch_template,
            launch_template_type,
            capacity_reservations,
            reserved_instances,
            savings_plans,
            savings_plan_rates,
        ),
        _catalog(catalog),
        region,
    )


def verify(
    plan: Document,
    request: Document,
    catalog: Union[Catalog, PathLike, None] = None,
    *,
    subnets: Optional[PathLike] = None,
    zones: Optional[PathLike] = None,
    launch_template: Optional[PathLike] = None,
    launch_template_type: Optional[str] = None,
    capacity_reservations: Union[PathLike, Sequence[PathLike], None] = None,
    reserved_instances: Union[PathLike, Sequence[PathLike], None] = None,
    savings_plans: Union[PathLike, Sequence[PathLike], None] = None,
    savings_plan_rates: Union[PathLike, Sequence[PathLike], None] = None,
) -> List[Dict[str, str]]:
    """Check a plan against its request with the independent verifier: ``fleetopt verify``.

    Args:
        plan: a ``fleetopt.plan/v1`` plan — a dict (what :func:`solve` returns), JSON text or a
            path.
        request: the request the plan answers (dict, text or path).
        catalog: a :class:`Catalog`, a catalogue file, or ``None`` for the embedded one.
        subnets … savings_plan_rates: as for :func:`solve`.

    Returns:
        The violations, each ``{"check": rule, "message": what is wrong}`` in the order the CLI
        lists them; an empty list means valid (the CLI's exit 0).

    Raises:
        InputError: the plan or request does not read.
    """
    return _fleetopt.verify(
        _plan_source(plan),
        _request_source(request),
        _request_inputs(
            subnets,
            zones,
            launch_template,
            launch_template_type,
            capacity_reservations,
            reserved_instances,
            savings_plans,
            savings_plan_rates,
        ),
        _catalog(catalog),
    )


def simulate(
    plan: Document,
    catalog: Union[Catalog, PathLike, None] = None,
    request: Optional[Document] = None,
    *,
    hours: float = 24.0,
    trials: int = 1000,
    seed: int = 1,
    step_minutes: float = 5.0,
    launch_delay_minutes: float = 5.0,
    cooldown_minutes: float = 60.0,
    reclaim_fraction: float = 1.0,
    hazard_scale: float = 1.0,
    az_event_rate: float = 0.0,
    az_event_scope: str = "spot",
    replenish: bool = True,
    on_demand_fallback: bool = False,
    max_work: float = 1e10,
    jobs: Optional[int] = None,
) -> Dict[str, Any]:
    """Monte Carlo interruption simulation of a plan: ``fleetopt simulate --format json``.

    The options are the CLI's flags with the same defaults (``replenish=False`` is
    ``--no-replenish``; ``jobs`` is ``-j``). The same seed gives the same report for any
    ``jobs``.

    Args:
        plan: the plan (dict, JSON text or path).
        catalog: a :class:`Catalog`, a catalogue file, or ``None`` for the embedded one.
        request: the request the plan answers, for its ``[risk]`` hazard model, platform and
            replacement candidates (dict, text or path); without it the default model and the
            plan's own pools.

    Returns:
        The report (``fleetopt.simulation/v1``) as a dict.

    Raises:
        InputError: the plan, request or an option is invalid (the message names the flag).
    """
    return _fleetopt.simulate(
        _plan_source(plan),
        _catalog(catalog),
        None if request is None else _request_source(request),
        {
            "hours": float(hours),
            "trials": trials,
            "seed": seed,
            "step_minutes": float(step_minutes),
            "launch_delay_minutes": float(launch_delay_minutes),
            "cooldown_minutes": float(cooldown_minutes),
            "reclaim_fraction": float(reclaim_fraction),
            "hazard_scale": float(hazard_scale),
            "az_event_rate": float(az_event_rate),
            "az_event_scope": az_event_scope,
            "replenish": bool(replenish),
            "on_demand_fallback": bool(on_demand_fallback),
            "max_work": float(max_work),
            "jobs": jobs,
        },
    )


def export(
    plan: Document,
    to: str,
    catalog: Union[Catalog, PathLike, None] = None,
    request: Optional[Document] = None,
    *,
    launch_template_name: str = "fleetopt-lt",
    launch_template_version: str = "$Latest",
    iam_fleet_role: Optional[str] = None,
    asg_name: str = "fleetopt-asg",
    min_size: Optional[int] = None,
    max_size: Optional[int] = None,
    node_pool_name: str = "fleetopt",
    node_class: str = "default",
    keep_flexibility: bool = False,
) -> Dict[str, Any]:
    """Export a plan as an AWS or Karpenter document: ``fleetopt export PLAN --to TO``.

    Args:
        plan: the plan (dict, JSON text or path).
        to: ``"ec2-fleet"``, ``"ec2-fleet-exact"``, ``"spot-fleet"``, ``"asg"`` or
            ``"karpenter"``.
        catalog: a :class:`Catalog`, a catalogue file, or ``None`` for the embedded one.
        request: the request the plan answers (for InstancePoolsToUseCount, budgets, the ASG
            On-Demand base and percentage; needed by ``keep_flexibility``).
        launch_template_name … keep_flexibility: the CLI's flags, with its defaults.

    Returns:
        ``{"document": ..., "notes": [...]}``: the document exactly as the CLI prints it with
        ``--format json`` (for ``ec2-fleet-exact`` a list of documents), and the notes the CLI
        writes to stderr (what the target cannot express).

    Raises:
        InputError: the plan or request does not read, or the target cannot express the plan.
    """
    document, notes = _fleetopt.export(
        _plan_source(plan),
        to,
        _catalog(catalog),
        None if request is None else _request_source(request),
        {
            "launch_template_name": launch_template_name,
            "launch_template_version": launch_template_version,
            "iam_fleet_role": iam_fleet_role,
            "asg_name": asg_name,
            "min_size": min_size,
            "max_size": max_size,
            "node_pool_name": node_pool_name,
            "node_class": node_class,
            "keep_flexibility": bool(keep_flexibility),
        },
    )
    return {"document": document, "notes": notes}


def _range(name: str, value: Any) -> Optional[str]:
    """A range filter as the CLI's text: ``"A..B"`` as is, ``N``, or ``(min, max)``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{name}: expected N, (min, max) or 'A..B', not a bool")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        low, high = value
        return f"{'' if low is None else repr(low)}..{'' if high is None else repr(high)}"
    raise TypeError(f"{name}: expected N, (min, max) or 'A..B'")


def _strings(name: str, value: Any) -> List[str]:
    """A repeatable filter: one string or a sequence of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    raise TypeError(f"{name}: expected a string or a list of strings")


def catalog_list(
    catalog: Union[Catalog, PathLike, None] = None,
    *,
    region: Optional[str] = None,
    vcpus: Optional[Range] = None,
    memory_gib: Optional[Range] = None,
    arch: Union[str, Sequence[str], None] = None,
    gpus: Optional[Range] = None,
    cpu: Union[str, Sequence[str], None] = None,
    allow: Union[str, Sequence[str], None] = None,
    exclude: Union[str, Sequence[str], None] = None,
    placement: Optional[str] = None,
    burstable: Optional[str] = None,
    bare_metal: Optional[str] = None,
    current_generation: bool = False,
    gpu_memory_gib: Optional[Range] = None,
    gpu_manufacturer: Union[str, Sequence[str], None] = None,
    gpu_model: Union[str, Sequence[str], None] = None,
    network_gbps: Optional[Range] = None,
    network_performance: Optional[str] = None,
    efa: bool = False,
    local_storage: Optional[str] = None,
    disk_type: Union[str, Sequence[str], None] = None,
    local_storage_gb: Optional[Range] = None,
    memory_per_vcpu: Optional[Range] = None,
    usage_class: Optional[str] = None,
    on_demand_price: Optional[Range] = None,
    spot_price: Optional[Range] = None,
    zone: Union[str, Sequence[str], None] = None,
    hibernation: bool = False,
    max_results: Optional[int] = None,
    requirements: Optional[PathLike] = None,
    sort: str = "name",
) -> List[Dict[str, Any]]:
    """List instance types: ``fleetopt catalog list --format json``.

    Each keyword is the ``catalog list`` flag of the same name (``memory_gib`` is
    ``--memory-gib``), with its meaning: ranges take the CLI's text (``"4..8"``, ``"24.."``,
    ``"..0.1"``), a number, or a ``(min, max)`` tuple with ``None`` for an open end; repeatable
    flags take a string or a list; ``requirements`` is an AWS ``InstanceRequirements`` JSON
    file (not combinable with the attribute filters, as on the CLI). Prices are the region's
    cheapest Linux/UNIX pool per market.

    Returns:
        One record per type — ``instance_type``, ``vcpus``, ``memory_gib``,
        ``architectures``, ``gpus``, ``network``, ``on_demand_price``, ``spot_price``,
        ``spot_price_estimated``, ``interruption_bucket``, ``placement_strategies`` — in the
        CLI's order; ``pandas.DataFrame(records)`` takes them as is.

    Raises:
        InputError: a filter is invalid (the message names its flag, as the CLI's does).
    """
    filters = {
        "region": region,
        "vcpus": _range("vcpus", vcpus),
        "memory_gib": _range("memory_gib", memory_gib),
        "arch": _strings("arch", arch),
        "gpus": _range("gpus", gpus),
        "cpu": _strings("cpu", cpu),
        "allow": _strings("allow", allow),
        "exclude": _strings("exclude", exclude),
        "placement": placement,
        "burstable": burstable,
        "bare_metal": bare_metal,
        "current_generation": bool(current_generation),
        "gpu_memory_gib": _range("gpu_memory_gib", gpu_memory_gib),
        "gpu_manufacturer": _strings("gpu_manufacturer", gpu_manufacturer),
        "gpu_model": _strings("gpu_model", gpu_model),
        "network_gbps": _range("network_gbps", network_gbps),
        "network_performance": network_performance,
        "efa": bool(efa),
        "local_storage": local_storage,
        "disk_type": _strings("disk_type", disk_type),
        "local_storage_gb": _range("local_storage_gb", local_storage_gb),
        "memory_per_vcpu": _range("memory_per_vcpu", memory_per_vcpu),
        "usage_class": usage_class,
        "on_demand_price": _range("on_demand_price", on_demand_price),
        "spot_price": _range("spot_price", spot_price),
        "zone": _strings("zone", zone),
        "hibernation": bool(hibernation),
        "max_results": max_results,
        "requirements": _path("requirements", requirements),
        "sort": sort,
    }
    return _fleetopt.catalog_list(_catalog(catalog), filters)


def sweep_scenarios(path: PathLike) -> List[Dict[str, Any]]:
    """The scenarios of a sweep file, expanded exactly as ``fleetopt batch`` expands them.

    Args:
        path: a sweep file (``*.toml``, ``*.json``, ``*.yaml``: a base request × grids).

    Returns:
        One dict per scenario in batch order: ``id`` (the batch line's id), ``request`` (the
        native request as a dict), ``catalog`` (the sweep's catalogue file, resolved, or
        ``None`` for the embedded one) and ``label`` (how batch names the scenario in
        messages). Each is picklable and can be solved anywhere with :func:`solve_scenario`.

    Raises:
        InputError: the sweep file does not read or is invalid.
    """
    path = os.fsdecode(os.fspath(path))
    scenarios = _fleetopt.sweep_scenarios(path)
    for index, scenario in enumerate(scenarios):
        scenario["label"] = f"{path}#{index} ({scenario['id']})"
    return scenarios


# The catalogues scenarios name, each loaded once per process (as `fleetopt batch` loads each
# distinct catalogue once): a Dask or Ray worker reads a sweep's catalogue file on its first
# scenario only.
_SCENARIO_CATALOGS: Dict[str, Catalog] = {}


def _scenario_catalog(path: Optional[str]) -> Catalog:
    if path is None:
        return Catalog()
    catalog = _SCENARIO_CATALOGS.get(path)
    if catalog is None:
        catalog = _SCENARIO_CATALOGS[path] = Catalog.load(path)
    return catalog


def solve_scenario(
    scenario: Mapping, catalog: Union[Catalog, PathLike, None] = None
) -> Dict[str, Any]:
    """Solve one scenario of :func:`sweep_scenarios` into its ``fleetopt batch`` output line.

    As batch does: the request's own mode and strategy, and the solver time reported as 0.

    Args:
        scenario: a dict with ``id``, ``request``, and optionally ``catalog`` and ``label``.
        catalog: the catalogue to use instead of the scenario's; by default the scenario's
            ``catalog`` file, loaded once per process, or the embedded catalogue.

    Returns:
        ``{"id": id, "plan": plan}`` or ``{"id": id, "error": {"kind", "exit_code",
        "message"}}``: the batch line, as ``json.loads`` reads it.
    """
    try:
        if catalog is None:
            catalog = _scenario_catalog(scenario.get("catalog"))
        catalog = _catalog(catalog)
        plan = _fleetopt.solve(
            ("text", json.dumps(scenario["request"]), scenario.get("label")),
            _request_inputs(None, None, None, None, None, None, None, None),
            catalog,
            None,
            None,
            None,
            False,
        )
    except FleetoptError as error:
        return {
            "id": scenario["id"],
            "error": {
                "kind": error.kind,
                "exit_code": error.exit_code,
                "message": str(error),
            },
        }
    return {"id": scenario["id"], "plan": plan}
