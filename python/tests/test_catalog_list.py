"""`catalog_list` returns exactly the CLI's `catalog list --format json` rows for each filter,
as records `pandas.DataFrame` takes as is."""

from __future__ import annotations

import pandas
import pytest

import fleetopt
from conftest import FIXTURES, SMALL_CATALOG, cli_error, cli_json, same_document

REQUIREMENTS = FIXTURES / "requirements" / "gpu-free-4-8-vcpu.json"

# (keyword filters, the same as CLI flags); each on the embedded catalogue.
CASES = [
    ({}, []),
    ({"vcpus": "2..8", "arch": "arm64"}, ["--vcpus", "2..8", "--arch", "arm64"]),
    ({"vcpus": (2, 8), "arch": ["arm64"]}, ["--vcpus", "2..8", "--arch", "arm64"]),
    ({"vcpus": 4, "memory_gib": (None, 8)}, ["--vcpus", "4", "--memory-gib", "..8"]),
    (
        {"allow": "m7*", "exclude": "*.metal*", "sort": "on-demand-price"},
        ["--allow", "m7*", "--exclude", "*.metal*", "--sort", "on-demand-price"],
    ),
    (
        {"gpu_memory_gib": "24..", "usage_class": "spot", "spot_price": "..2"},
        ["--gpu-memory-gib", "24..", "--usage-class", "spot", "--spot-price", "..2"],
    ),
    (
        {"network_gbps": (25, None), "efa": True, "zone": "use1-az4", "max_results": 10},
        ["--network-gbps", "25..", "--efa", "--zone", "use1-az4", "--max-results", "10"],
    ),
    (
        {"local_storage": "required", "disk_type": "ssd", "memory_per_vcpu": "8.."},
        ["--local-storage", "required", "--disk-type", "ssd", "--memory-per-vcpu", "8.."],
    ),
    (
        {"gpu_manufacturer": "nvidia", "gpu_model": ["t4", "a10g"], "region": "us-west-2"},
        ["--gpu-manufacturer", "nvidia", "--gpu-model", "t4", "--gpu-model", "a10g",
         "--region", "us-west-2"],
    ),
    (
        {"placement": "cluster", "burstable": "excluded", "bare_metal": "excluded",
         "current_generation": True, "cpu": "intel", "sort": "spot-price"},
        ["--placement", "cluster", "--burstable", "excluded", "--bare-metal", "excluded",
         "--current-generation", "--cpu", "intel", "--sort", "spot-price"],
    ),
    (
        {"network_performance": "up to 12.5 gigabit", "hibernation": True,
         "on_demand_price": (0.05, 0.2), "gpus": 0},
        ["--network-performance", "up to 12.5 gigabit", "--hibernation",
         "--on-demand-price", "0.05..0.2", "--gpus", "0"],
    ),
    ({"local_storage_gb": "100..1000", "sort": "memory"},
     ["--local-storage-gb", "100..1000", "--sort", "memory"]),
    ({"requirements": REQUIREMENTS}, ["--requirements", REQUIREMENTS]),
    ({"requirements": REQUIREMENTS, "usage_class": "on-demand", "sort": "vcpus"},
     ["--requirements", REQUIREMENTS, "--usage-class", "on-demand", "--sort", "vcpus"]),
]


@pytest.mark.parametrize("filters,flags", CASES, ids=[" ".join(map(str, f)) or "none" for _, f in CASES])
def test_each_filter_lists_exactly_what_the_cli_lists(cli, filters, flags):
    records = fleetopt.catalog_list(**filters)
    expected = cli_json(cli, ["catalog", "list", "--format", "json", *flags])
    assert same_document(records, expected)
    if flags:
        assert len(records) < len(cli_json(cli, ["catalog", "list", "--format", "json"]))


def test_the_filtered_lists_are_not_empty():
    # Each case above must select something, or its comparison proves little.
    for filters, _ in CASES:
        assert fleetopt.catalog_list(**filters), filters


def test_records_make_a_dataframe_as_is():
    records = fleetopt.catalog_list(vcpus="2..8", arch="arm64", sort="on-demand-price")
    frame = pandas.DataFrame(records)
    assert list(frame.columns) == [
        "instance_type",
        "vcpus",
        "memory_gib",
        "architectures",
        "gpus",
        "network",
        "on_demand_price",
        "spot_price",
        "spot_price_estimated",
        "interruption_bucket",
        "placement_strategies",
    ]
    assert len(frame) == len(records)
    assert frame["vcpus"].between(2, 8).all()
    assert frame["architectures"].map(lambda a: "arm64" in a).all()
    prices = frame["on_demand_price"].dropna()
    assert prices.is_monotonic_increasing


def test_a_catalogue_file_and_a_catalog_object_list_the_same(cli):
    catalog = fleetopt.Catalog(SMALL_CATALOG)
    expected = cli_json(cli, ["catalog", "list", "--catalog", SMALL_CATALOG, "--format", "json"])
    assert fleetopt.catalog_list(catalog) == expected
    assert fleetopt.catalog_list(SMALL_CATALOG) == expected
    assert sorted(r["instance_type"] for r in expected) == sorted(
        r["instance_type"] for r in fleetopt.catalog_list(catalog)
    )


@pytest.mark.parametrize(
    "filters,flags",
    [
        ({"vcpus": "8..4"}, ["--vcpus", "8..4"]),
        ({"vcpus": -1}, ["--vcpus=-1"]),
        ({"arch": "sparc"}, ["--arch", "sparc"]),
        ({"usage_class": "reserved"}, ["--usage-class", "reserved"]),
        ({"zone": "use1-az9"}, ["--zone", "use1-az9"]),
        ({"region": "mars-1"}, ["--region", "mars-1"]),
        ({"burstable": "maybe"}, ["--burstable", "maybe"]),
        ({"allow": "m5.[large"}, ["--allow", "m5.[large"]),
    ],
)
def test_bad_filters_raise_input_errors_with_the_cli_message(cli, filters, flags):
    with pytest.raises(fleetopt.InputError) as raised:
        fleetopt.catalog_list(**filters)
    assert str(raised.value) == cli_error(cli, ["catalog", "list", *flags], expect=2)


def test_requirements_do_not_combine_with_attribute_filters(cli):
    with pytest.raises(fleetopt.InputError, match="--requirements cannot be combined with --vcpus"):
        fleetopt.catalog_list(requirements=REQUIREMENTS, vcpus="2..4")
    # The CLI refuses the same combination (as a usage error).
    cli_error(cli, ["catalog", "list", "--requirements", REQUIREMENTS, "--vcpus", "2..4"], expect=2)
