"""Type stubs of the fleetopt package (see ``fleetopt/__init__.py`` for the documentation)."""

import os
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Union

__version__: str

PathLike = Union[str, os.PathLike[str]]
Document = Union[Mapping[str, Any], str, os.PathLike[str]]
Range = Union[str, int, float, Tuple[Optional[float], Optional[float]]]
Paths = Union[PathLike, Sequence[PathLike], None]
Strings = Union[str, Sequence[str], None]
CatalogArg = Union["Catalog", PathLike, None]

class FleetoptError(Exception):
    """Base class of every fleetopt error; ``kind`` and ``exit_code`` are set on subclasses."""

    kind: ClassVar[Optional[str]]
    exit_code: ClassVar[Optional[int]]

class InputError(FleetoptError):
    """Bad input: a request, plan, catalogue, option or filter (the CLI's exit 2)."""

    kind: ClassVar[str]
    exit_code: ClassVar[int]

class InfeasibleError(FleetoptError):
    """A valid request no plan can meet (optimal mode; the CLI's exit 3)."""

    kind: ClassVar[str]
    exit_code: ClassVar[int]

class TimeLimitError(FleetoptError):
    """The time limit passed before any feasible plan (the CLI's exit 4)."""

    kind: ClassVar[str]
    exit_code: ClassVar[int]

class InternalError(FleetoptError):
    """fleetopt itself failed, never the input (the CLI's exit 1)."""

    kind: ClassVar[str]
    exit_code: ClassVar[int]

class Catalog:
    """A fleetopt catalogue: ``Catalog()`` the embedded one, ``Catalog(path)`` a file."""

    def __init__(self, path: Optional[PathLike] = None) -> None: ...
    @staticmethod
    def load(path: PathLike) -> Catalog:
        """Reads a fleetopt catalogue file (``InputError`` when it does not load)."""
    @property
    def path(self) -> Optional[str]:
        """The file read, or ``None`` for the embedded catalogue."""
    @property
    def regions(self) -> List[str]:
        """The region names, in the catalogue's order."""
    @property
    def type_count(self) -> int:
        """The number of instance types."""
    def info(self) -> Dict[str, Any]:
        """Title, data date, sources and methods of the catalogue."""

def solve(
    request: Document,
    catalog: CatalogArg = None,
    mode: Optional[str] = None,
    strategy: Optional[str] = None,
    *,
    region: Optional[str] = None,
    timing: bool = True,
    subnets: Optional[PathLike] = None,
    zones: Optional[PathLike] = None,
    launch_template: Optional[PathLike] = None,
    launch_template_type: Optional[str] = None,
    capacity_reservations: Paths = None,
    reserved_instances: Paths = None,
    savings_plans: Paths = None,
    savings_plan_rates: Paths = None,
) -> Dict[str, Any]:
    """Plan a fleet request: ``fleetopt solve --format json`` as a dict."""

def compare(
    request: Document,
    catalog: CatalogArg = None,
    *,
    region: Optional[str] = None,
    subnets: Optional[PathLike] = None,
    zones: Optional[PathLike] = None,
    launch_template: Optional[PathLike] = None,
    launch_template_type: Optional[str] = None,
    capacity_reservations: Paths = None,
    reserved_instances: Paths = None,
    savings_plans: Paths = None,
    savings_plan_rates: Paths = None,
) -> List[Dict[str, Any]]:
    """Every spot strategy, aws against optimal: ``fleetopt compare --format json``."""

def verify(
    plan: Document,
    request: Document,
    catalog: CatalogArg = None,
    *,
    subnets: Optional[PathLike] = None,
    zones: Optional[PathLike] = None,
    launch_template: Optional[PathLike] = None,
    launch_template_type: Optional[str] = None,
    capacity_reservations: Paths = None,
    reserved_instances: Paths = None,
    savings_plans: Paths = None,
    savings_plan_rates: Paths = None,
) -> List[Dict[str, str]]:
    """The plan's violations of its request (``check``, ``message``); empty when valid."""

def simulate(
    plan: Document,
    catalog: CatalogArg = None,
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
    """Monte Carlo interruption simulation: ``fleetopt simulate --format json``."""

def export(
    plan: Document,
    to: str,
    catalog: CatalogArg = None,
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
    """``{"document": ..., "notes": [...]}`` of ``fleetopt export --to TO``."""

def catalog_list(
    catalog: CatalogArg = None,
    *,
    region: Optional[str] = None,
    vcpus: Optional[Range] = None,
    memory_gib: Optional[Range] = None,
    arch: Strings = None,
    gpus: Optional[Range] = None,
    cpu: Strings = None,
    allow: Strings = None,
    exclude: Strings = None,
    placement: Optional[str] = None,
    burstable: Optional[str] = None,
    bare_metal: Optional[str] = None,
    current_generation: bool = False,
    gpu_memory_gib: Optional[Range] = None,
    gpu_manufacturer: Strings = None,
    gpu_model: Strings = None,
    network_gbps: Optional[Range] = None,
    network_performance: Optional[str] = None,
    efa: bool = False,
    local_storage: Optional[str] = None,
    disk_type: Strings = None,
    local_storage_gb: Optional[Range] = None,
    memory_per_vcpu: Optional[Range] = None,
    usage_class: Optional[str] = None,
    on_demand_price: Optional[Range] = None,
    spot_price: Optional[Range] = None,
    zone: Strings = None,
    hibernation: bool = False,
    max_results: Optional[int] = None,
    requirements: Optional[PathLike] = None,
    sort: str = "name",
) -> List[Dict[str, Any]]:
    """``fleetopt catalog list --format json``: one record per listed type."""

def sweep_scenarios(path: PathLike) -> List[Dict[str, Any]]:
    """A sweep file's scenarios (``id``, ``request``, ``catalog``, ``label``), batch order."""

def solve_scenario(
    scenario: Mapping[str, Any], catalog: CatalogArg = None
) -> Dict[str, Any]:
    """One scenario's ``fleetopt batch`` output line (``id`` and ``plan`` or ``error``)."""
