//! Each test builds a valid plan by hand, breaks one thing, and asserts the exact message.

use std::collections::BTreeMap;

use fleetopt_instances::select::{Requirements, U32Range};
use fleetopt_instances::{
    CapacityPool, Catalog, Market, PlacementStrategy, Platform, RegionName, TypeName, Zone, ZoneId,
};

use super::{Check, Violation, verify};
use crate::plan::{Allocation, Metrics, PLAN_SCHEMA, PlacementSlot, Plan, Shortfall, StrategyUsed};
use crate::request::{
    CapacityUnit, FleetRequest, MaxPrice, Mode, OnDemandSplit, OnDemandStrategy, PlacementSpec,
    SpotStrategy, TypeOverride, ZoneRef,
};
use crate::risk::HazardModel;
use crate::test_support::{self, REGION, itype, region_catalog};

const OD: Market = Market::OnDemand;
const SPOT: Market = Market::Spot;

/// (type, zone, market, price, bucket)
const POOLS: &[(&str, &str, Market, f64, Option<u8>)] = &[
    ("c5.large", "use1-az1", OD, 0.085, None),
    ("c5.large", "use1-az1", SPOT, 0.035, Some(3)),
    ("c5.large", "use1-az4", OD, 0.085, None),
    ("c5.large", "use1-az4", SPOT, 0.03, Some(0)),
    ("m5.large", "use1-az1", OD, 0.096, None),
    ("m5.large", "use1-az1", SPOT, 0.04, Some(0)),
    ("m5.large", "use1-az2", OD, 0.096, None),
    ("m5.large", "use1-az2", SPOT, 0.05, Some(1)),
    ("m5.xlarge", "use1-az1", OD, 0.192, None),
    ("m5.xlarge", "use1-az1", SPOT, 0.09, Some(2)),
    ("m5.xlarge", "use1-az2", OD, 0.192, None),
    ("m5.xlarge", "use1-az2", SPOT, 0.08, Some(1)),
    ("t3.micro", "use1-az1", OD, 0.0104, None),
    ("t3.micro", "use1-az1", SPOT, 0.0031, Some(0)),
];

/// us-east-1 with zones use1-az1/2/4 named us-east-1a/b/c; `tweak` edits each pool.
fn catalog_with(tweak: impl Fn(&mut CapacityPool)) -> Catalog {
    let mut burstable = itype("t3.micro", 2, 1024);
    burstable.burstable = true;
    burstable.placement_strategies = vec![PlacementStrategy::Partition, PlacementStrategy::Spread];
    let types = vec![
        itype("c5.large", 2, 4096),
        itype("m5.large", 2, 8192),
        itype("m5.xlarge", 4, 16384),
        burstable,
    ];
    let pools = POOLS
        .iter()
        .map(|&row| {
            let mut pool = test_support::pool(row);
            tweak(&mut pool);
            pool
        })
        .collect();
    let zones = [
        ("use1-az1", "us-east-1a"),
        ("use1-az2", "us-east-1b"),
        ("use1-az4", "us-east-1c"),
    ]
    .into_iter()
    .map(|(id, name)| Zone {
        id: ZoneId::new(id),
        name: Some(name.to_owned()),
    })
    .collect();
    region_catalog(types, zones, pools)
}

fn catalog() -> Catalog {
    catalog_with(|_| {})
}

fn pattern(text: &str) -> TypeOverride {
    TypeOverride {
        pattern: text.to_owned(),
        zone: None,
        weight: None,
        priority: None,
        max_price: None,
    }
}

/// 16 vCPUs, 4 of them On-Demand, candidates `m5.*`, aws mode.
fn request() -> FleetRequest {
    let mut request = FleetRequest::new(REGION, 16.0, Mode::Aws);
    request.target.unit = CapacityUnit::Vcpu;
    request.target.on_demand = OnDemandSplit::Target(4.0);
    request.candidates.overrides = vec![pattern("m5.*")];
    request
}

fn alloc(
    market: Market,
    instance_type: &str,
    zone: &str,
    count: u32,
    weight: f64,
    price: f64,
) -> Allocation {
    Allocation {
        instance_type: TypeName::new(instance_type),
        availability_zone_id: ZoneId::new(zone),
        market,
        count,
        weight,
        capacity: f64::from(count) * weight,
        price_per_hour: price,
        placement: None,
    }
}

/// The valid plan for [`request`]: 2 on-demand m5.large in az1, 2 spot m5.large in az1 and
/// 2 spot m5.xlarge in az2.
fn plan() -> Plan {
    let hazard = HazardModel::default();
    Plan {
        schema: PLAN_SCHEMA.to_owned(),
        mode: Mode::Aws,
        region: RegionName::new(REGION),
        strategy: StrategyUsed {
            spot: SpotStrategy::LowestPrice,
            on_demand: OnDemandStrategy::LowestPrice,
        },
        allocations: vec![
            alloc(OD, "m5.large", "use1-az1", 2, 2.0, 0.096),
            alloc(SPOT, "m5.large", "use1-az1", 2, 2.0, 0.04),
            alloc(SPOT, "m5.xlarge", "use1-az2", 2, 4.0, 0.08),
        ],
        metrics: Metrics {
            capacity: 16.0,
            target: 16.0,
            unit: CapacityUnit::Vcpu,
            overshoot: 0.0,
            cost_per_hour: 0.432,
            cost_per_vcpu_hour: 0.027,
            spot_capacity: 12.0,
            on_demand_capacity: 4.0,
            on_demand_target: 4.0,
            instances: 6,
            vcpus: 16,
            pools: 3,
            types: 2,
            azs: 2,
            expected_interruptions_per_hour: 2.0 * hazard.hourly_hazard(Some(0))
                + 2.0 * hazard.hourly_hazard(Some(1)),
            worst_pool_loss: 0.5,
            worst_type_loss: 0.5,
            worst_az_loss: 0.5,
            worst_group_loss: None,
            worst_partition_loss: None,
        },
        solver: None,
        as_safe_as: None,
        shortfall: None,
        commitments: None,
        tenancy: Default::default(),
        notes: Vec::new(),
    }
}

fn messages(violations: &[Violation], check: Check) -> Vec<String> {
    violations
        .iter()
        .filter(|v| v.check == check)
        .map(|v| v.message.clone())
        .collect()
}

fn of(check: Check, request: &FleetRequest, plan: &Plan) -> Vec<String> {
    messages(&verify(&catalog(), request, plan), check)
}

fn all(request: &FleetRequest, plan: &Plan) -> Vec<String> {
    verify(&catalog(), request, plan)
        .iter()
        .map(|v| format!("{}: {v}", v.check))
        .collect()
}

fn optimal() -> (FleetRequest, Plan) {
    let mut request = request();
    request.mode = Mode::Optimal;
    let mut plan = plan();
    plan.mode = Mode::Optimal;
    (request, plan)
}

// ---- a valid plan ---------------------------------------------------------------------------

#[test]
fn the_valid_plan_passes_in_both_modes() {
    assert_eq!(all(&request(), &plan()), Vec::<String>::new());
    let (request, plan) = optimal();
    assert_eq!(all(&request, &plan), Vec::<String>::new());
}

#[test]
fn violations_display_as_their_message_and_name_their_check() {
    let mut plan = plan();
    plan.schema = "fleetopt.plan/v0".to_owned();
    let violations = verify(&catalog(), &request(), &plan);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].check, Check::Schema);
    assert_eq!(
        violations[0].to_string(),
        "plan schema `fleetopt.plan/v0` is not `fleetopt.plan/v1`"
    );
    assert_eq!(Check::SpotMaxPrice.to_string(), "spot-max-price");
}

// ---- 1. schema, region, order ---------------------------------------------------------------

#[test]
fn mode_must_match_the_request() {
    let mut plan = plan();
    plan.mode = Mode::Optimal;
    assert_eq!(
        all(&request(), &plan),
        ["schema: plan mode optimal does not match the request's mode aws"]
    );
}

#[test]
fn counts_of_zero_are_rejected() {
    let mut plan = plan();
    plan.allocations
        .push(alloc(SPOT, "m5.xlarge", "use1-az2", 0, 4.0, 0.08));
    plan.allocations[3].placement = Some(PlacementSlot {
        group: "pg-1".to_owned(),
        partition: None,
    });
    assert_eq!(
        of(Check::Schema, &request(), &plan),
        [
            "spot m5.xlarge in use1-az2, group pg-1: count is 0; every allocation holds at least 1 instance"
        ]
    );
}

#[test]
fn plan_region_must_be_the_requests() {
    let mut plan = plan();
    plan.region = RegionName::new("eu-west-1");
    assert_eq!(
        all(&request(), &plan),
        ["region: plan region eu-west-1 is not the request's region us-east-1"]
    );
}

#[test]
fn a_request_region_missing_from_the_catalogue_is_reported_without_panicking() {
    let mut request = request();
    request.region = Some(RegionName::new("mars-north-1"));
    assert_eq!(
        of(Check::Region, &request, &plan()),
        ["the catalogue has no region mars-north-1, the request's region"]
    );
}

#[test]
fn without_a_region_the_request_zones_name_it() {
    let mut request = request();
    request.region = None;
    request.candidates.zones = vec![
        ZoneRef::Id(ZoneId::new("use1-az1")),
        ZoneRef::Name("us-east-1b".to_owned()),
    ];
    assert_eq!(all(&request, &plan()), Vec::<String>::new());

    request.candidates.zones = Vec::new();
    assert_eq!(
        of(Check::Region, &request, &plan()),
        ["the request names no region and no zone of a catalogue region"]
    );
}

#[test]
fn allocations_must_be_sorted() {
    let mut plan = plan();
    plan.allocations.swap(0, 1);
    assert_eq!(
        all(&request(), &plan),
        [
            "order: allocations are not sorted by (market, az id, type, group, partition): on-demand m5.large in use1-az1 comes after spot m5.large in use1-az1"
        ]
    );
}

#[test]
fn a_slot_may_appear_only_once() {
    let mut plan = plan();
    plan.allocations[1].count = 1;
    plan.allocations[1].capacity = 2.0;
    let copy = plan.allocations[1].clone();
    plan.allocations.insert(2, copy);
    assert_eq!(
        all(&request(), &plan),
        ["order: spot m5.large in use1-az1 appears twice; each slot is listed once"]
    );
}

#[test]
fn slots_of_one_pool_sort_by_group_then_partition() {
    let mut request = request();
    request.placement = PlacementSpec::Partition {
        partitions_per_az: 2,
    };
    let mut plan = plan();
    let slot = |partition| {
        Some(PlacementSlot {
            group: "pg-1".to_owned(),
            partition: Some(partition),
        })
    };
    let mut split = Vec::new();
    for a in &plan.allocations {
        for partition in [1, 2] {
            let mut half = alloc(
                a.market,
                a.instance_type.as_str(),
                a.availability_zone_id.as_str(),
                1,
                a.weight,
                a.price_per_hour,
            );
            half.placement = slot(partition);
            split.push(half);
        }
    }
    plan.allocations = split;
    assert_eq!(all(&request, &plan), Vec::<String>::new());
    // The optional placement metrics are checked when a plan states them.
    let mut stated = plan.clone();
    stated.metrics.worst_partition_loss = Some(99.0);
    stated.metrics.worst_group_loss = Some(99.0);
    let metrics = of(Check::Metrics, &request, &stated);
    assert_eq!(metrics.len(), 2, "{metrics:?}");
    assert!(metrics[0].starts_with("metrics.worst_group_loss is 99 but the allocations give 0."));
    assert!(
        metrics[1].starts_with("metrics.worst_partition_loss is 99 but the allocations give 0.")
    );
    let mut unplaced = request.clone();
    unplaced.placement = PlacementSpec::None;
    let mut phantom = crate::verify::tests::plan();
    phantom.metrics.worst_partition_loss = Some(0.5);
    assert_eq!(
        of(Check::Metrics, &unplaced, &phantom),
        ["metrics.worst_partition_loss is given but the plan has no such domain"]
    );
    plan.allocations.swap(2, 3);
    assert_eq!(
        all(&request, &plan),
        [
            "order: allocations are not sorted by (market, az id, type, group, partition): spot m5.large in use1-az1, group pg-1 partition 1 comes after spot m5.large in use1-az1, group pg-1 partition 2"
        ]
    );
}

// ---- 2. pools, prices, candidates, zones, markets ---------------------------------------------

#[test]
fn every_pool_must_exist_in_the_catalogue() {
    let mut plan = plan();
    plan.allocations[2].availability_zone_id = ZoneId::new("use1-az4");
    assert_eq!(
        of(Check::Pool, &request(), &plan),
        [
            "spot m5.xlarge in use1-az4: the catalogue has no Linux/UNIX spot pool of m5.xlarge in use1-az4 (us-east-1)"
        ]
    );
}

#[test]
fn the_platform_is_part_of_the_pool() {
    let mut request = request();
    request.platform = Platform::Windows;
    let found = of(Check::Pool, &request, &plan());
    assert_eq!(found.len(), 3);
    assert_eq!(
        found[0],
        "on-demand m5.large in use1-az1: the catalogue has no Windows on-demand pool of m5.large in use1-az1 (us-east-1)"
    );
}

#[test]
fn unknown_types_are_violations_not_panics() {
    let mut plan = plan();
    plan.allocations[2].instance_type = TypeName::new("m5.nonesuch");
    assert_eq!(
        of(Check::Pool, &request(), &plan),
        ["spot m5.nonesuch in use1-az2: instance type m5.nonesuch is not in the catalogue"]
    );
}

#[test]
fn prices_must_be_the_catalogues() {
    let mut plan = plan();
    plan.allocations[2].price_per_hour = 0.0800001;
    assert_eq!(
        of(Check::Price, &request(), &plan),
        ["spot m5.xlarge in use1-az2: price 0.0800001 per hour differs from the catalogue's 0.08"]
    );
    plan.allocations[2].price_per_hour = 0.08 + 5e-10;
    assert_eq!(of(Check::Price, &request(), &plan), Vec::<String>::new());
}

#[test]
fn types_must_match_an_override() {
    let mut plan = plan();
    plan.allocations[1] = alloc(SPOT, "c5.large", "use1-az1", 2, 2.0, 0.035);
    assert_eq!(
        of(Check::Candidate, &request(), &plan),
        [
            "spot c5.large in use1-az1: c5.large is not a candidate: no instance-type override or requirement of the request admits it"
        ]
    );
}

#[test]
fn override_zone_pins_are_honoured_by_id_and_by_name() {
    let mut request = request();
    let mut large = pattern("m5.large");
    large.zone = Some(ZoneRef::Name("us-east-1a".to_owned()));
    let mut xlarge = pattern("m5.xlarge");
    xlarge.zone = Some(ZoneRef::Id(ZoneId::new("use1-az2")));
    request.candidates.overrides = vec![large, xlarge];
    assert_eq!(all(&request, &plan()), Vec::<String>::new());

    request.candidates.overrides[0].zone = Some(ZoneRef::Name("us-east-1b".to_owned()));
    assert_eq!(
        of(Check::Candidate, &request, &plan()),
        [
            "on-demand m5.large in use1-az1: m5.large is not a candidate in use1-az1: its overrides are pinned to other zones",
            "spot m5.large in use1-az1: m5.large is not a candidate in use1-az1: its overrides are pinned to other zones",
        ]
    );
}

#[test]
fn requirements_admit_types_by_attribute() {
    let mut request = request();
    request.candidates.overrides = Vec::new();
    request.candidates.requirements = vec![Requirements {
        vcpus: U32Range {
            min: Some(4),
            max: None,
        },
        ..Requirements::default()
    }];
    // m5.large (2 vCPUs) no longer qualifies.
    assert_eq!(
        of(Check::Candidate, &request, &plan()),
        [
            "on-demand m5.large in use1-az1: m5.large is not a candidate: no instance-type override or requirement of the request admits it",
            "spot m5.large in use1-az1: m5.large is not a candidate: no instance-type override or requirement of the request admits it",
        ]
    );
    // An override can add what the requirements leave out.
    request.candidates.overrides = vec![pattern("m5.large")];
    assert_eq!(
        of(Check::Candidate, &request, &plan()),
        Vec::<String>::new()
    );
}

#[test]
fn without_candidates_the_aws_default_selection_applies() {
    let mut request = request();
    request.candidates.overrides = Vec::new();
    let mut plan = plan();
    assert_eq!(of(Check::Candidate, &request, &plan), Vec::<String>::new());
    plan.allocations[1] = alloc(SPOT, "t3.micro", "use1-az1", 2, 2.0, 0.0031);
    assert_eq!(
        of(Check::Candidate, &request, &plan),
        [
            "spot t3.micro in use1-az1: t3.micro is not a candidate: the request names no types, and AWS's default selection excludes it (burstable types are excluded (AWS default))"
        ]
    );
}

#[test]
fn zones_must_be_allowed() {
    let mut request = request();
    request.candidates.zones = vec![
        ZoneRef::Id(ZoneId::new("use1-az1")),
        ZoneRef::Name("us-east-1c".to_owned()),
    ];
    assert_eq!(
        of(Check::Zone, &request, &plan()),
        [
            "spot m5.xlarge in use1-az2: use1-az2 is not an allowed zone of the request (use1-az1, use1-az4)"
        ]
    );
}

#[test]
fn a_market_without_a_part_gets_no_instances() {
    let (mut request, plan) = optimal();
    request.target.on_demand = OnDemandSplit::Target(0.0);
    assert_eq!(
        of(Check::Market, &request, &plan),
        ["on-demand m5.large in use1-az1: the request asks for no on-demand capacity"]
    );
    request.target.on_demand = OnDemandSplit::BasePlusPercent {
        base: 0.0,
        percent_above_base: 100.0,
    };
    assert_eq!(
        of(Check::Market, &request, &plan),
        [
            "spot m5.large in use1-az1: the request asks for no spot capacity",
            "spot m5.xlarge in use1-az2: the request asks for no spot capacity",
        ]
    );
}

#[test]
fn counts_may_not_exceed_the_available_instances() {
    let catalog = catalog_with(|p| {
        if p.instance_type.as_str() == "m5.xlarge" && p.market == SPOT {
            p.available_instances = Some(1);
        }
    });
    assert_eq!(
        messages(&verify(&catalog, &request(), &plan()), Check::Pool),
        ["spot m5.xlarge in use1-az2: 2 instances exceed the pool's 1 available instances"]
    );
}

// ---- 3. weights ---------------------------------------------------------------------------------

#[test]
fn vcpu_and_memory_weights_come_from_the_type() {
    let mut plan = plan();
    plan.allocations[2].weight = 8.0;
    plan.allocations[2].capacity = 16.0;
    assert_eq!(
        of(Check::Weight, &request(), &plan),
        ["spot m5.xlarge in use1-az2: weight 8 should be 4 (vcpu)"]
    );

    let mut request = request();
    request.target.unit = CapacityUnit::MemoryMib;
    assert_eq!(
        of(Check::Weight, &request, &plan)[2],
        "spot m5.xlarge in use1-az2: weight 8 should be 16384 (memory-mib)"
    );
}

#[test]
fn unit_weights_come_from_the_first_matching_override_then_the_weights_map() {
    let mut request = request();
    request.target.unit = CapacityUnit::Units;
    let mut pinned = pattern("m5.xlarge");
    pinned.zone = Some(ZoneRef::Id(ZoneId::new("use1-az1")));
    pinned.weight = Some(9.0);
    let mut xlarge = pattern("m5.xlarge");
    xlarge.weight = Some(4.0);
    let mut all_m5 = pattern("m5.*");
    all_m5.weight = Some(7.0);
    request.candidates.overrides = vec![pinned, xlarge, all_m5];
    // m5.large falls to `m5.*` (weight 7): 2 instances give 14, not 4.
    let found = of(Check::Weight, &request, &plan());
    assert_eq!(
        found,
        [
            "on-demand m5.large in use1-az1: weight 2 should be 7 (units)",
            "spot m5.large in use1-az1: weight 2 should be 7 (units)",
        ]
    );

    // An override without a weight falls to the weights map: exact name first, then the first
    // wildcard in map order, else 1.
    request.candidates.overrides = vec![pattern("m5.*")];
    request.candidates.weights = BTreeMap::from([
        ("m5.*".to_owned(), 2.0),
        ("m5.x*".to_owned(), 3.0),
        ("m5.xlarge".to_owned(), 4.0),
    ]);
    assert_eq!(of(Check::Weight, &request, &plan()), Vec::<String>::new());
    request.candidates.weights.remove("m5.xlarge");
    assert_eq!(
        of(Check::Weight, &request, &plan()),
        ["spot m5.xlarge in use1-az2: weight 4 should be 2 (units)"]
    );
    request.candidates.weights.clear();
    assert_eq!(
        of(Check::Weight, &request, &plan())[0],
        "on-demand m5.large in use1-az1: weight 2 should be 1 (units)"
    );
}

#[test]
fn capacity_is_count_times_weight() {
    let mut plan = plan();
    plan.allocations[1].capacity = 5.0;
    assert_eq!(
        of(Check::Weight, &request(), &plan),
        ["spot m5.large in use1-az1: capacity 5 is not count 2 × weight 2 = 4"]
    );
}

// ---- 4. capacity and shortfalls -----------------------------------------------------------------

/// The plan without its m5.xlarge allocation: 8 of 16 vCPUs.
fn short_plan() -> Plan {
    let mut plan = plan();
    plan.allocations.truncate(2);
    plan
}

#[test]
fn capacity_below_target_needs_a_shortfall() {
    assert_eq!(
        of(Check::Capacity, &request(), &short_plan()),
        ["capacity 8 is below target 16 and no shortfall is claimed"]
    );
}

#[test]
fn a_budget_shortfall_must_be_real() {
    let mut request = request();
    request.spot.max_total_price = Some(0.1);
    let mut plan = short_plan();
    plan.shortfall = Some(Shortfall::Budget {
        market: SPOT,
        max_total_price: 0.1,
    });
    // 0.08 spent; the cheapest eligible spot instance (m5.large in az1, 0.04) would make 0.12.
    assert_eq!(of(Check::Capacity, &request, &plan), Vec::<String>::new());

    request.spot.max_total_price = Some(0.12);
    plan.shortfall = Some(Shortfall::Budget {
        market: SPOT,
        max_total_price: 0.12,
    });
    assert_eq!(
        of(Check::Capacity, &request, &plan),
        [
            "the plan claims a spot budget shortfall but one more spot m5.large in use1-az1 at 0.04 would cost 0.12 per hour, within max_total_price 0.12"
        ]
    );

    request.spot.max_total_price = None;
    assert_eq!(
        of(Check::Capacity, &request, &plan),
        ["the plan claims a spot budget shortfall but the request sets no spot max_total_price"]
    );

    request.spot.max_total_price = Some(0.1);
    assert_eq!(
        of(Check::Capacity, &request, &plan),
        ["the plan's spot budget shortfall names max_total_price 0.12 but the request's is 0.1"]
    );
}

#[test]
fn a_budget_shortfall_skips_pools_with_nothing_left() {
    let catalog = catalog_with(|p| {
        if p.instance_type.as_str() == "m5.large" && p.market == SPOT {
            p.available_instances = Some(2);
        }
        if p.zone.as_str() == "use1-az2"
            && p.instance_type.as_str() == "m5.large"
            && p.market == SPOT
        {
            p.available_instances = Some(0);
        }
    });
    let mut request = request();
    request.spot.max_total_price = Some(0.12);
    let mut plan = short_plan();
    plan.shortfall = Some(Shortfall::Budget {
        market: SPOT,
        max_total_price: 0.12,
    });
    // m5.large spot pools are used up; the next cheapest is m5.xlarge in az2 at 0.08.
    assert_eq!(
        messages(&verify(&catalog, &request, &plan), Check::Capacity),
        Vec::<String>::new()
    );
}

#[test]
fn an_availability_shortfall_must_be_real() {
    let limited = |open: u32| {
        catalog_with(move |p| {
            if p.market == SPOT {
                p.available_instances = Some(
                    if p.instance_type.as_str() == "m5.xlarge" && p.zone.as_str() == "use1-az1" {
                        open
                    } else {
                        0
                    },
                );
            }
            if p.market == SPOT
                && p.instance_type.as_str() == "m5.large"
                && p.zone.as_str() == "use1-az1"
            {
                p.available_instances = Some(2);
            }
        })
    };
    let mut plan = short_plan();
    plan.shortfall = Some(Shortfall::Availability { market: SPOT });
    assert_eq!(
        messages(&verify(&limited(0), &request(), &plan), Check::Capacity),
        Vec::<String>::new()
    );
    assert_eq!(
        messages(&verify(&limited(3), &request(), &plan), Check::Capacity),
        [
            "the plan claims every eligible spot pool is exhausted but spot m5.xlarge in use1-az1 uses 0 of its 3 available instances"
        ]
    );
    assert_eq!(
        of(Check::Capacity, &request(), &plan),
        [
            "the plan claims every eligible spot pool is exhausted but spot m5.large in use1-az1 has no availability limit"
        ]
    );
}

#[test]
fn a_no_eligible_pool_shortfall_must_be_real() {
    let mut request = request();
    request.spot.max_price = Some(MaxPrice::PerHour(0.03));
    let mut plan = plan();
    plan.allocations.truncate(1);
    plan.shortfall = Some(Shortfall::NoEligiblePool { market: SPOT });
    assert_eq!(of(Check::Capacity, &request, &plan), Vec::<String>::new());
    request.spot.max_price = Some(MaxPrice::PerHour(0.045));
    assert_eq!(
        of(Check::Capacity, &request, &plan),
        ["the plan claims no spot pool is eligible but spot m5.large in use1-az1 is"]
    );
}

#[test]
fn a_shortfall_claimed_for_a_market_that_meets_its_part_is_false() {
    let mut request = request();
    request.on_demand.max_total_price = Some(0.192);
    let mut plan = plan();
    plan.shortfall = Some(Shortfall::Budget {
        market: OD,
        max_total_price: 0.192,
    });
    assert_eq!(
        of(Check::Capacity, &request, &plan),
        [
            "the plan claims a on-demand shortfall (budget) but on-demand capacity 4 meets its part 4"
        ]
    );
}

#[test]
fn aws_mode_overshoots_by_less_than_the_largest_weight() {
    let mut plan = plan();
    plan.allocations[1].count = 4;
    plan.allocations[1].capacity = 8.0;
    assert_eq!(
        of(Check::Capacity, &request(), &plan),
        [
            "capacity 20 overshoots target 16 by 4, at least the largest weight 4; aws stops within one instance"
        ]
    );
    // Optimal mode is bounded by max_overshoot only.
    let (request, mut plan) = optimal();
    plan.allocations[1].count = 4;
    plan.allocations[1].capacity = 8.0;
    assert_eq!(of(Check::Capacity, &request, &plan), Vec::<String>::new());
}

// ---- 5. split -----------------------------------------------------------------------------------

#[test]
fn on_demand_must_reach_its_target() {
    let mut request = request();
    request.target.on_demand = OnDemandSplit::Target(6.0);
    assert_eq!(
        of(Check::Split, &request, &plan()),
        [
            "on-demand capacity 4 is below the on-demand target 6 and no on-demand shortfall is claimed"
        ]
    );
}

#[test]
fn spot_fills_the_rest_of_the_target() {
    let mut plan = plan();
    plan.allocations[2].count = 1;
    plan.allocations[2].capacity = 4.0;
    assert_eq!(
        of(Check::Split, &request(), &plan),
        [
            "spot capacity 8 is below the spot part 12 (target 16 − on-demand 4) and no spot shortfall is claimed"
        ]
    );
}

#[test]
fn on_demand_overshoot_counts_towards_the_spot_part() {
    // ASG-style: base 3 → On-Demand 2 × m5.large = 4 vCPUs, so spot owes 12.
    let mut request = request();
    request.target.on_demand = OnDemandSplit::BasePlusPercent {
        base: 3.0,
        percent_above_base: 0.0,
    };
    let mut plan = plan();
    plan.metrics.on_demand_target = 3.0;
    assert_eq!(all(&request, &plan), Vec::<String>::new());
}

#[test]
fn in_aws_mode_each_market_stops_within_one_instance_of_its_part() {
    let mut request = request();
    request.target.on_demand = OnDemandSplit::Target(2.0);
    let mut plan = plan();
    plan.allocations[0].count = 3;
    plan.allocations[0].capacity = 6.0;
    assert_eq!(
        of(Check::Split, &request, &plan),
        [
            "on-demand capacity 6 exceeds its part 2 by 4, at least its largest weight 2; aws stops within one instance"
        ]
    );

    // Spot instances when On-Demand covers the whole target.
    request.target.on_demand = OnDemandSplit::Target(16.0);
    let mut plan = self::plan();
    plan.allocations[0] = alloc(OD, "m5.xlarge", "use1-az1", 4, 4.0, 0.192);
    plan.allocations.truncate(2);
    assert_eq!(
        of(Check::Split, &request, &plan),
        [
            "spot capacity 4 exceeds its part 0 by 4, at least its largest weight 2; aws stops within one instance"
        ]
    );
}

// ---- 6. prices and budgets ------------------------------------------------------------------------

#[test]
fn spot_prices_must_be_below_the_default_max_price() {
    let catalog = catalog_with(|p| {
        if p.instance_type.as_str() == "m5.xlarge" && p.zone.as_str() == "use1-az2" {
            p.price_per_hour = 0.192;
        }
    });
    let mut plan = plan();
    plan.allocations[2].price_per_hour = 0.192;
    assert_eq!(
        messages(&verify(&catalog, &request(), &plan), Check::SpotMaxPrice),
        [
            "spot m5.xlarge in use1-az2: price 0.192 is not below its max price 0.192 (the on-demand price (aws default))"
        ]
    );
}

#[test]
fn spot_max_price_as_a_percentage_of_on_demand() {
    let mut request = request();
    request.spot.max_price = Some(MaxPrice::PercentOfOnDemand(40.0));
    assert_eq!(
        of(Check::SpotMaxPrice, &request, &plan()),
        [
            "spot m5.large in use1-az1: price 0.04 is not below its max price 0.0384 (40% of the on-demand price 0.096)",
            "spot m5.xlarge in use1-az2: price 0.08 is not below its max price 0.0768 (40% of the on-demand price 0.192)",
        ]
    );
}

#[test]
fn a_per_override_max_price_wins_over_the_requests() {
    let mut request = request();
    request.spot.max_price = Some(MaxPrice::PerHour(0.01));
    let mut xlarge = pattern("m5.xlarge");
    xlarge.max_price = Some(0.1);
    let mut large = pattern("m5.large");
    large.max_price = Some(0.04);
    request.candidates.overrides = vec![xlarge, large];
    assert_eq!(
        of(Check::SpotMaxPrice, &request, &plan()),
        [
            "spot m5.large in use1-az1: price 0.04 is not below its max price 0.04 (its override's max price)"
        ]
    );
    request.candidates.overrides[1].max_price = None;
    assert_eq!(
        of(Check::SpotMaxPrice, &request, &plan()),
        [
            "spot m5.large in use1-az1: price 0.04 is not below its max price 0.01 (the request's max price)"
        ]
    );
}

#[test]
fn each_market_stays_within_its_budget() {
    let mut request = request();
    request.on_demand.max_total_price = Some(0.192);
    request.spot.max_total_price = Some(0.2);
    assert_eq!(
        of(Check::Budget, &request, &plan()),
        ["spot cost 0.24 per hour exceeds its max_total_price 0.2"]
    );
    request.spot.max_total_price = Some(0.24);
    assert_eq!(of(Check::Budget, &request, &plan()), Vec::<String>::new());
}

// ---- 7. shape ----------------------------------------------------------------------------------------

#[test]
fn optimal_mode_enforces_every_shape_constraint() {
    let (mut request, plan) = optimal();
    let c = &mut request.constraints;
    c.max_pool_share = Some(0.4);
    c.max_type_share = Some(0.5);
    c.max_az_share = Some(0.45);
    c.min_pools = Some(4);
    c.max_types = Some(1);
    c.single_az = true;
    c.single_type = true;
    c.survive_az_loss = Some(0.6);
    c.max_overshoot = Some(0.0);
    assert_eq!(
        all(&request, &plan),
        [
            "shape: max_pool_share 0.4: spot m5.xlarge in use1-az2 holds 8, above 0.4 × target 16 = 6.4",
            "shape: max_az_share 0.45: use1-az1 holds 8, above 0.45 × target 16 = 7.2",
            "shape: max_az_share 0.45: use1-az2 holds 8, above 0.45 × target 16 = 7.2",
            "shape: min_pools 4: the plan uses 3 pools",
            "shape: max_types 1: the plan uses 2 types (m5.large, m5.xlarge)",
            "shape: single_az: the plan uses 2 azs (use1-az1, use1-az2)",
            "shape: single_type: the plan uses 2 types (m5.large, m5.xlarge)",
            "shape: survive_az_loss 0.6: losing use1-az1 leaves 8, below 0.6 × target 16 = 9.6",
            "shape: survive_az_loss 0.6: losing use1-az2 leaves 8, below 0.6 × target 16 = 9.6",
        ]
    );
}

#[test]
fn max_overshoot_bounds_optimal_plans() {
    let (mut request, mut plan) = optimal();
    request.constraints.max_overshoot = Some(2.0);
    plan.allocations[1].count = 4;
    plan.allocations[1].capacity = 8.0;
    assert_eq!(
        of(Check::Shape, &request, &plan),
        ["max_overshoot 2: capacity 20 exceeds target 16 by 4"]
    );
}

#[test]
fn aws_mode_must_note_the_constraints_it_breaks() {
    let mut request = request();
    request.constraints.max_pool_share = Some(0.3);
    request.constraints.max_types = Some(1);
    let mut plan = plan();
    assert_eq!(
        of(Check::Shape, &request, &plan),
        [
            "max_pool_share 0.3: spot m5.xlarge in use1-az2 holds 8, above 0.3 × target 16 = 4.8; aws mode cannot enforce it, but no plan note mentions max_pool_share",
            "max_types 1: the plan uses 2 types (m5.large, m5.xlarge); aws mode cannot enforce it, but no plan note mentions max_types",
        ]
    );
    plan.notes = vec![
        "aws mode does not enforce max_pool_share (0.3): spot m5.xlarge in use1-az2 holds 50%"
            .to_owned(),
        "max_types = 1 is not something aws can express".to_owned(),
    ];
    assert_eq!(of(Check::Shape, &request, &plan), Vec::<String>::new());
}

#[test]
fn aws_mode_enforces_single_az_and_single_type_per_market() {
    let mut request = request();
    request.constraints.single_az = true;
    request.constraints.single_type = true;
    let mut plan = plan();
    plan.notes = vec!["single_az and single_type hold per market only".to_owned()];
    assert_eq!(
        of(Check::Shape, &request, &plan),
        [
            "single_az: the spot part uses 2 azs (use1-az1, use1-az2)",
            "single_type: the spot part uses 2 types (m5.large, m5.xlarge)",
        ]
    );

    // Each market in one AZ with one type, as AWS applies them: the fleet as a whole breaks
    // both, which the plan must note.
    let mut plan = self::plan();
    plan.allocations = vec![
        alloc(OD, "m5.large", "use1-az1", 2, 2.0, 0.096),
        alloc(SPOT, "m5.xlarge", "use1-az2", 3, 4.0, 0.08),
    ];
    assert_eq!(
        of(Check::Shape, &request, &plan),
        [
            "single_az: the plan uses 2 azs (use1-az1, use1-az2); aws mode cannot enforce it, but no plan note mentions single_az",
            "single_type: the plan uses 2 types (m5.large, m5.xlarge); aws mode cannot enforce it, but no plan note mentions single_type",
        ]
    );
    plan.notes = vec![
        "single_az: per market".to_owned(),
        "single_type: per market".to_owned(),
    ];
    assert_eq!(of(Check::Shape, &request, &plan), Vec::<String>::new());
}

// ---- 8. placement -----------------------------------------------------------------------------------

fn slot(group: &str, partition: Option<u32>) -> Option<PlacementSlot> {
    Some(PlacementSlot {
        group: group.to_owned(),
        partition,
    })
}

#[test]
fn no_placement_means_no_slots() {
    let mut plan = plan();
    plan.allocations[2].placement = slot("pg-1", None);
    assert_eq!(
        all(&request(), &plan),
        [
            "placement: spot m5.xlarge in use1-az2, group pg-1: has a placement slot but the request asks for no placement group"
        ]
    );
}

#[test]
fn cluster_groups_are_one_az_one_type_of_supporting_types() {
    let mut request = request();
    request.placement = PlacementSpec::Cluster {
        multiple_types: false,
    };
    assert_eq!(
        of(Check::Placement, &request, &plan()),
        [
            "a cluster placement group is one az, but the plan uses 2 (use1-az1, use1-az2)",
            "a cluster placement group holds one instance type unless multiple_types is set, but the plan uses 2 (m5.large, m5.xlarge)",
        ]
    );
    request.placement = PlacementSpec::Cluster {
        multiple_types: true,
    };
    request.candidates.overrides.push(pattern("t3.micro"));
    let mut plan = plan();
    plan.allocations[2] = alloc(SPOT, "m5.xlarge", "use1-az1", 2, 4.0, 0.09);
    plan.allocations
        .push(alloc(SPOT, "t3.micro", "use1-az1", 1, 2.0, 0.0031));
    plan.allocations[3].placement = slot("pg-1", Some(1));
    assert_eq!(
        of(Check::Placement, &request, &plan),
        [
            "spot t3.micro in use1-az1, group pg-1 partition 1: t3.micro does not support cluster placement groups",
            "spot t3.micro in use1-az1, group pg-1 partition 1: partition 1 is set but the request asks for a cluster group",
        ]
    );
}

fn spread_plan() -> Plan {
    let mut plan = plan();
    for a in &mut plan.allocations {
        a.placement = slot("pg-1", None);
    }
    plan
}

#[test]
fn spread_groups_hold_at_most_seven_per_az() {
    let mut request = request();
    request.placement = PlacementSpec::Spread { groups: Some(1) };
    let (spread_request, plan) = (request.clone(), spread_plan());
    assert_eq!(all(&spread_request, &plan), Vec::<String>::new());

    let mut plan = spread_plan();
    plan.allocations[1].count = 6;
    plan.allocations[1].capacity = 12.0;
    assert_eq!(
        of(Check::Placement, &request, &plan),
        ["spread group pg-1 holds 8 instances in use1-az1; at most 7 per az per group"]
    );

    let mut plan = spread_plan();
    plan.allocations[2].placement = slot("pg-2", None);
    assert_eq!(
        of(Check::Placement, &request, &plan),
        ["the plan uses 2 spread groups (pg-1, pg-2); the request allows 1"]
    );
}

#[test]
fn spread_slots_may_be_absent_in_aws_mode_only() {
    let mut request = request();
    request.placement = PlacementSpec::Spread { groups: None };
    assert_eq!(
        of(Check::Placement, &request, &plan()),
        Vec::<String>::new()
    );
    let (mut request, plan) = optimal();
    request.placement = PlacementSpec::Spread { groups: None };
    assert_eq!(
        of(Check::Placement, &request, &plan)[0],
        "on-demand m5.large in use1-az1: has no spread group"
    );
}

/// Each allocation of [`plan`] halved over partitions 1 and 2 of `pg-1`.
fn partition_plan() -> Plan {
    let mut plan = plan();
    let mut split = Vec::new();
    for a in &plan.allocations {
        for partition in [1, 2] {
            let mut half = alloc(
                a.market,
                a.instance_type.as_str(),
                a.availability_zone_id.as_str(),
                1,
                a.weight,
                a.price_per_hour,
            );
            half.placement = slot("pg-1", Some(partition));
            split.push(half);
        }
    }
    plan.allocations = split;
    plan
}

#[test]
fn partitions_are_numbered_and_balanced_per_az() {
    let (mut request, mut plan) = optimal();
    request.placement = PlacementSpec::Partition {
        partitions_per_az: 2,
    };
    plan.allocations = partition_plan().allocations;
    assert_eq!(all(&request, &plan), Vec::<String>::new());

    // Both m5.xlarge in partition 1 of az2: 2 against 0.
    let mut unbalanced = plan.clone();
    unbalanced.allocations.remove(5);
    unbalanced.allocations[4].count = 2;
    unbalanced.allocations[4].capacity = 8.0;
    assert_eq!(
        all(&request, &unbalanced),
        [
            "placement: spot m5.xlarge in use1-az2: its instances in partition group pg-1 are uneven, 0 to 2 per partition; each pool's instances may differ by at most 1 over the 2 partitions",
            "placement: partition group pg-1 in use1-az2 is unbalanced: its 2 partitions hold 0 to 2 instances (partition 1: 2); they may differ by at most 1"
        ]
    );

    // az1 balanced (2 and 2), but each of its pools all in one partition.
    let mut uneven_pools = plan.clone();
    uneven_pools.allocations.remove(1);
    uneven_pools.allocations[0].count = 2;
    uneven_pools.allocations[0].capacity = 4.0;
    uneven_pools.allocations.remove(1);
    uneven_pools.allocations[1].count = 2;
    uneven_pools.allocations[1].capacity = 4.0;
    assert_eq!(
        all(&request, &uneven_pools),
        [
            "placement: on-demand m5.large in use1-az1: its instances in partition group pg-1 are uneven, 0 to 2 per partition; each pool's instances may differ by at most 1 over the 2 partitions",
            "placement: spot m5.large in use1-az1: its instances in partition group pg-1 are uneven, 0 to 2 per partition; each pool's instances may differ by at most 1 over the 2 partitions"
        ]
    );

    let mut out_of_range = plan.clone();
    out_of_range.allocations[5].placement = slot("pg-1", Some(3));
    assert_eq!(
        all(&request, &out_of_range),
        [
            "placement: spot m5.xlarge in use1-az2, group pg-1 partition 3: partition 3 is outside 1..=2"
        ]
    );

    let mut missing = plan.clone();
    missing.allocations[5].placement = slot("pg-1", None);
    missing.allocations.swap(4, 5);
    assert_eq!(
        all(&request, &missing),
        ["placement: spot m5.xlarge in use1-az2, group pg-1: has no partition number"]
    );
}

#[test]
fn aws_mode_may_leave_partition_slots_out() {
    let mut request = request();
    request.placement = PlacementSpec::Partition {
        partitions_per_az: 3,
    };
    assert_eq!(all(&request, &plan()), Vec::<String>::new());
    let mut plan = plan();
    for a in &mut plan.allocations {
        a.placement = slot("pg-1", None);
    }
    assert_eq!(all(&request, &plan), Vec::<String>::new());
    request.candidates.overrides.push(pattern("t3.micro"));
    plan.allocations[1] = alloc(SPOT, "t3.micro", "use1-az1", 2, 2.0, 0.0031);
    plan.allocations[1].placement = slot("pg-1", None);
    assert_eq!(of(Check::Placement, &request, &plan), Vec::<String>::new());
}

// ---- 9. metrics -----------------------------------------------------------------------------------------

#[test]
fn every_metric_is_recomputed() {
    let mut plan = plan();
    let m = &mut plan.metrics;
    m.capacity = 15.0;
    m.target = 15.0;
    m.unit = CapacityUnit::Units;
    m.overshoot = 1.0;
    m.cost_per_hour = 0.4;
    m.cost_per_vcpu_hour = 0.03;
    m.spot_capacity = 11.0;
    m.on_demand_capacity = 5.0;
    m.on_demand_target = 5.0;
    m.instances = 7;
    m.vcpus = 17;
    m.pools = 2;
    m.types = 3;
    m.azs = 1;
    m.expected_interruptions_per_hour = 0.1;
    m.worst_pool_loss = 0.4;
    m.worst_type_loss = 0.6;
    m.worst_az_loss = 1.0;
    assert_eq!(
        all(&request(), &plan),
        [
            "metrics: metrics.unit is units but the request's unit is vcpu",
            "metrics: metrics.capacity is 15 but the allocations give 16",
            "metrics: metrics.target is 15 but the request gives 16",
            "metrics: metrics.overshoot is 1 but the allocations give 0",
            "metrics: metrics.cost_per_hour is 0.4 but the allocations give 0.432",
            "metrics: metrics.cost_per_vcpu_hour is 0.03 but the allocations give 0.027",
            "metrics: metrics.spot_capacity is 11 but the allocations give 12",
            "metrics: metrics.on_demand_capacity is 5 but the allocations give 4",
            "metrics: metrics.on_demand_target is 5 but the request gives 4",
            "metrics: metrics.expected_interruptions_per_hour is 0.1 but the allocations give 0.000282957",
            "metrics: metrics.worst_pool_loss is 0.4 but the allocations give 0.5",
            "metrics: metrics.worst_type_loss is 0.6 but the allocations give 0.5",
            "metrics: metrics.worst_az_loss is 1 but the allocations give 0.5",
            "metrics: metrics.instances is 7 but the allocations give 6",
            "metrics: metrics.vcpus is 17 but the allocations give 16",
            "metrics: metrics.pools is 2 but the allocations give 3",
            "metrics: metrics.types is 3 but the allocations give 2",
            "metrics: metrics.azs is 1 but the allocations give 2",
        ]
    );
}

#[test]
fn metrics_tolerate_float_noise_only() {
    let mut plan = plan();
    plan.metrics.cost_per_hour = 0.432 * (1.0 + 1e-12);
    assert_eq!(all(&request(), &plan), Vec::<String>::new());
    plan.metrics.cost_per_hour = 0.432 + 1e-6;
    assert_eq!(of(Check::Metrics, &request(), &plan).len(), 1);
}

#[test]
fn the_hazard_model_of_the_request_is_used() {
    let mut request = request();
    request.risk.hazard.monthly_probability = [0.5; 5];
    let found = of(Check::Metrics, &request, &plan());
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("metrics.expected_interruptions_per_hour is "),
        "{found:?}"
    );
}

// ---- robustness ------------------------------------------------------------------------------------------

#[test]
fn nan_fields_and_zero_targets_give_violations_not_panics() {
    let mut plan = plan();
    for a in &mut plan.allocations {
        a.weight = f64::NAN;
        a.capacity = f64::NAN;
        a.price_per_hour = f64::NAN;
    }
    plan.metrics.capacity = f64::NAN;
    plan.metrics.worst_az_loss = f64::INFINITY;
    let found = all(&request(), &plan);
    assert!(found.iter().any(|m| m.starts_with("price: ")), "{found:#?}");
    assert!(
        found.iter().any(|m| m.starts_with("weight: ")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("capacity: ")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("metrics: ")),
        "{found:#?}"
    );

    let mut request = request();
    request.target.capacity = 0.0;
    request.target.on_demand = OnDemandSplit::Target(f64::NAN);
    request.constraints.max_pool_share = Some(f64::NAN);
    request.constraints.survive_az_loss = Some(0.5);
    request.placement = PlacementSpec::Partition {
        partitions_per_az: u32::MAX,
    };
    let found = all(&request, &plan);
    assert!(!found.is_empty());

    let mut empty = self::plan();
    empty.allocations.clear();
    empty.metrics.worst_az_loss = f64::NAN;
    assert!(!all(&request, &empty).is_empty());
}

#[test]
fn an_empty_plan_for_an_unreachable_market_is_valid_with_its_shortfall() {
    let mut request = request();
    request.target.on_demand = OnDemandSplit::Target(0.0);
    request.spot.max_price = Some(MaxPrice::PerHour(0.001));
    let mut plan = plan();
    plan.allocations.clear();
    plan.shortfall = Some(Shortfall::NoEligiblePool { market: SPOT });
    plan.metrics = Metrics {
        capacity: 0.0,
        target: 16.0,
        unit: CapacityUnit::Vcpu,
        overshoot: -16.0,
        cost_per_hour: 0.0,
        cost_per_vcpu_hour: 0.0,
        spot_capacity: 0.0,
        on_demand_capacity: 0.0,
        on_demand_target: 0.0,
        instances: 0,
        vcpus: 0,
        pools: 0,
        types: 0,
        azs: 0,
        expected_interruptions_per_hour: 0.0,
        worst_pool_loss: 0.0,
        worst_type_loss: 0.0,
        worst_az_loss: 0.0,
        worst_group_loss: None,
        worst_partition_loss: None,
    };
    assert_eq!(all(&request, &plan), Vec::<String>::new());
}

// ---- On-Demand stop and risk caps in optimal mode ---------------------------------------------

#[test]
fn in_optimal_mode_on_demand_stops_within_one_instance_when_spot_takes_the_rest() {
    let (mut request, mut plan) = optimal();
    request.target.on_demand = OnDemandSplit::Target(2.0);
    plan.allocations[0].count = 3;
    plan.allocations[0].capacity = 6.0;
    assert_eq!(
        of(Check::Split, &request, &plan),
        [
            "on-demand capacity 6 exceeds its part 2 by 4, at least its largest weight 2; aws stops within one instance"
        ]
    );
    // Within one instance of a weight the plan uses: fine.
    request.target.on_demand = OnDemandSplit::Target(3.0);
    plan.allocations[0].count = 2;
    plan.allocations[0].capacity = 4.0;
    assert_eq!(of(Check::Split, &request, &plan), Vec::<String>::new());
}

#[test]
fn an_optimal_plan_must_keep_its_stated_risk_caps_and_the_requests() {
    use crate::plan::{RiskAxis, RiskCap, SafetyAnchor};
    use crate::request::SafetyReference;
    let (mut request, mut plan) = optimal();
    let cap = |axis, reference: f64, limit: f64, relaxed| RiskCap {
        axis,
        reference,
        limit,
        relaxed,
    };
    plan.as_safe_as = Some(SafetyAnchor {
        reference: SafetyReference::Aws,
        reference_cost_per_hour: 0.5,
        reference_new_spend_per_hour: None,
        caps: vec![
            cap(RiskAxis::WorstAzLoss, 0.4, 0.4, false),
            cap(RiskAxis::WorstPoolLoss, 0.3, 0.6, false),
            cap(RiskAxis::WorstTypeLoss, 0.4, 0.5, true),
        ],
    });
    assert_eq!(
        of(Check::Metrics, &request, &plan),
        [
            "as_safe_as: worst_az_loss is 0.5, above the plan's own cap 0.4",
            "as_safe_as: the worst_pool_loss cap 0.6 differs from the reference value 0.3 but is not marked relaxed",
        ]
    );
    plan.as_safe_as = None;
    request.constraints.max_expected_interruptions_per_hour = Some(1e-6);
    let found = of(Check::Shape, &request, &plan);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("exceed constraints.max_expected_interruptions_per_hour 0.000001"));
}

#[test]
fn the_placement_caps_are_checked_on_the_plans_slots() {
    use crate::plan::{RiskAxis, RiskCap, SafetyAnchor};
    use crate::request::SafetyReference;
    let (mut request, mut plan) = optimal();
    request.placement = PlacementSpec::Partition {
        partitions_per_az: 2,
    };
    plan.allocations = partition_plan().allocations;
    plan.metrics.worst_group_loss = Some(0.5);
    plan.metrics.worst_partition_loss = Some(0.25);
    let cap = |axis, limit: f64| RiskCap {
        axis,
        reference: limit,
        limit,
        relaxed: false,
    };
    plan.as_safe_as = Some(SafetyAnchor {
        reference: SafetyReference::Aws,
        reference_cost_per_hour: 0.5,
        reference_new_spend_per_hour: None,
        caps: vec![
            cap(RiskAxis::WorstGroupLoss, 0.5),
            cap(RiskAxis::WorstPartitionLoss, 0.25),
        ],
    });
    assert_eq!(of(Check::Metrics, &request, &plan), Vec::<String>::new());
    // Each partition of use1-az1 holds a 2-vCPU On-Demand and a 2-vCPU spot instance: 4 of 16.
    plan.as_safe_as = Some(SafetyAnchor {
        caps: vec![
            cap(RiskAxis::WorstGroupLoss, 0.4),
            cap(RiskAxis::WorstPartitionLoss, 0.2),
        ],
        ..plan.as_safe_as.clone().unwrap()
    });
    assert_eq!(
        of(Check::Metrics, &request, &plan),
        [
            "as_safe_as: worst_group_loss is 0.5, above the plan's own cap 0.4",
            "as_safe_as: worst_partition_loss is 0.25, above the plan's own cap 0.2",
        ]
    );
}

#[test]
fn placement_pins_of_an_aws_request_are_checked() {
    // EC2 Fleet Examples 8–10 pin an override's pool with Placement.AvailabilityZone
    // (aws-semantics §1.8): the plan's m5.large pools in use1-az1 are outside the pin to
    // us-east-1b (use1-az2), so the verifier refuses them; m5.xlarge in use1-az2 is pinned
    // there by AvailabilityZoneId and passes.
    let text = r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 16, "OnDemandTargetCapacity": 4},
        "LaunchTemplateConfigs": [{"Overrides": [
          {"InstanceType": "m5.large", "WeightedCapacity": 2, "Placement": {"AvailabilityZone": "us-east-1b"}},
          {"InstanceType": "m5.xlarge", "WeightedCapacity": 4, "Placement": {"AvailabilityZoneId": "use1-az2"}}]}]}"#;
    let mut request = crate::request::read("fleet.json", text).unwrap();
    request.region = Some(RegionName::new(REGION));
    assert_eq!(
        of(Check::Candidate, &request, &plan()),
        [
            "on-demand m5.large in use1-az1: m5.large is not a candidate in use1-az1: its overrides are pinned to other zones",
            "spot m5.large in use1-az1: m5.large is not a candidate in use1-az1: its overrides are pinned to other zones",
        ]
    );
    // The same plan moved into the pinned zone passes the pin.
    let mut moved = plan();
    for a in &mut moved.allocations {
        a.availability_zone_id = ZoneId::new("use1-az2");
    }
    assert_eq!(of(Check::Candidate, &request, &moved), Vec::<String>::new());
}
