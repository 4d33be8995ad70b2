//! One test per worked example of `docs/aws-semantics.md` §1.2, §1.5, §1.6, §2.1–§2.3,
//! plus the emulation's own guarantees (overshoot bound, determinism, shortfalls, notes).

use fleetopt_instances::{CapacityPool, Catalog, InstanceType, Market, PlacementStrategy};

use super::emulate;
use crate::candidates::resolve;
use crate::plan::{Plan, Shortfall};
use crate::request::{
    FleetRequest, MaxPrice, OnDemandSplit, OnDemandStrategy, PlacementSpec, RequestSource,
    SpotStrategy, TypeOverride,
};
use crate::test_support::{self, REGION, itype, region_catalog, request, zones_of};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";
const AZ3: &str = "use1-az3";

fn pool(name: &str, zone: &str, market: Market, price: f64) -> CapacityPool {
    test_support::pool((name, zone, market, price, None))
}

fn spot(name: &str, zone: &str, price: f64) -> CapacityPool {
    pool(name, zone, Market::Spot, price)
}

fn od(name: &str, zone: &str, price: f64) -> CapacityPool {
    pool(name, zone, Market::OnDemand, price)
}

/// Sets (placement score, Advisor bucket).
fn scored(mut pool: CapacityPool, score: Option<u8>, bucket: Option<u8>) -> CapacityPool {
    pool.placement_score = score;
    pool.interruption_bucket = bucket;
    pool
}

/// Caps the pool at `available` instances.
fn capped(mut pool: CapacityPool, available: u32) -> CapacityPool {
    pool.available_instances = Some(available);
    pool
}

/// A catalogue of the given pools; every named type is a 2-vCPU x86 type unless `types` has it.
fn catalog_with(mut types: Vec<InstanceType>, pools: Vec<CapacityPool>) -> Catalog {
    for pool in &pools {
        if !types.iter().any(|t| t.name == pool.instance_type) {
            types.push(itype(pool.instance_type.as_str(), 2, 8192));
        }
    }
    let zones = zones_of(&pools);
    region_catalog(types, zones, pools)
}

fn catalog(pools: Vec<CapacityPool>) -> Catalog {
    catalog_with(Vec::new(), pools)
}

/// A request over explicit types: (name, weight, priority).
fn fleet(capacity: f64, types: &[(&str, Option<f64>, Option<f64>)]) -> FleetRequest {
    let mut req = request(capacity);
    req.candidates.overrides = types
        .iter()
        .map(|&(name, weight, priority)| TypeOverride {
            pattern: name.to_owned(),
            zone: None,
            weight,
            priority,
            max_price: None,
        })
        .collect();
    req
}

fn names<'a>(list: &[&'a str]) -> Vec<(&'a str, Option<f64>, Option<f64>)> {
    list.iter().map(|&n| (n, None, None)).collect()
}

fn solve(catalog: &Catalog, req: &FleetRequest) -> Plan {
    let set = resolve(catalog, req).unwrap();
    emulate(req, &set)
}

/// Instances in one pool of a plan.
fn count(plan: &Plan, name: &str, zone: &str, market: Market) -> u32 {
    plan.allocations
        .iter()
        .filter(|a| {
            a.instance_type.as_str() == name
                && a.availability_zone_id.as_str() == zone
                && a.market == market
        })
        .map(|a| a.count)
        .sum()
}

/// (type, zone, market, count) of every allocation.
fn layout(plan: &Plan) -> Vec<(String, String, Market, u32)> {
    plan.allocations
        .iter()
        .map(|a| {
            (
                a.instance_type.to_string(),
                a.availability_zone_id.to_string(),
                a.market,
                a.count,
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// §1.5 WeightedCapacity, rounding and overshoot
// ---------------------------------------------------------------------------------------------

#[test]
fn weight_two_target_ten_launches_five_r3_xlarge() {
    let cat = catalog(vec![
        od("r3.xlarge", AZ1, 0.333),
        spot("r3.xlarge", AZ1, 0.1),
    ]);
    let plan = solve(&cat, &fleet(10.0, &[("r3.xlarge", Some(2.0), None)]));
    assert_eq!(count(&plan, "r3.xlarge", AZ1, Market::Spot), 5);
    assert_eq!(plan.metrics.capacity, 10.0);
    assert_eq!(plan.metrics.overshoot, 0.0);
    assert_eq!(plan.shortfall, None);
}

#[test]
fn weight_eight_target_ten_rounds_up_to_two_r3_8xlarge() {
    let cat = catalog(vec![
        od("r3.8xlarge", AZ1, 2.66),
        spot("r3.8xlarge", AZ1, 0.8),
    ]);
    let plan = solve(&cat, &fleet(10.0, &[("r3.8xlarge", Some(8.0), None)]));
    assert_eq!(count(&plan, "r3.8xlarge", AZ1, Market::Spot), 2);
    assert_eq!(plan.metrics.capacity, 16.0);
    assert_eq!(plan.metrics.overshoot, 6.0);
}

#[test]
fn weight_six_target_24_launches_four_r3_2xlarge() {
    let cat = catalog(vec![
        od("r3.2xlarge", AZ1, 0.665),
        spot("r3.2xlarge", AZ1, 0.2),
    ]);
    let plan = solve(&cat, &fleet(24.0, &[("r3.2xlarge", Some(6.0), None)]));
    assert_eq!(count(&plan, "r3.2xlarge", AZ1, Market::Spot), 4);
    assert_eq!(plan.metrics.capacity, 24.0);
}

#[test]
fn weight_five_target_24_launches_five_c3_xlarge_for_25_units() {
    let cat = catalog(vec![
        od("c3.xlarge", AZ1, 0.21),
        spot("c3.xlarge", AZ1, 0.05),
    ]);
    let plan = solve(&cat, &fleet(24.0, &[("c3.xlarge", Some(5.0), None)]));
    assert_eq!(count(&plan, "c3.xlarge", AZ1, Market::Spot), 5);
    assert_eq!(plan.metrics.capacity, 25.0);
    assert_eq!(plan.metrics.overshoot, 1.0);
}

/// Three weight-8 pools, cheapest per unit is c4.2xlarge in az2.
fn thirty_over_three_weight_eight() -> (Catalog, FleetRequest) {
    let cat = catalog(vec![
        od("c3.2xlarge", AZ1, 0.42),
        od("c4.2xlarge", AZ2, 0.398),
        od("r3.2xlarge", AZ3, 0.665),
        spot("c3.2xlarge", AZ1, 0.12),
        spot("c4.2xlarge", AZ2, 0.10),
        spot("r3.2xlarge", AZ3, 0.14),
    ]);
    let req = fleet(
        30.0,
        &[
            ("c3.2xlarge", Some(8.0), None),
            ("c4.2xlarge", Some(8.0), None),
            ("r3.2xlarge", Some(8.0), None),
        ],
    );
    (cat, req)
}

#[test]
fn lowest_price_target_30_weight_8_puts_all_four_in_the_cheapest_pool_per_unit() {
    let (cat, req) = thirty_over_three_weight_eight();
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("c4.2xlarge".into(), AZ2.into(), Market::Spot, 4)]
    );
    assert_eq!(plan.metrics.capacity, 32.0);
}

#[test]
fn diversified_target_30_weight_8_gives_one_per_pool_and_the_fourth_to_the_cheapest() {
    let (cat, mut req) = thirty_over_three_weight_eight();
    req.spot.strategy = SpotStrategy::Diversified;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("c3.2xlarge".into(), AZ1.into(), Market::Spot, 1),
            ("c4.2xlarge".into(), AZ2.into(), Market::Spot, 2),
            ("r3.2xlarge".into(), AZ3.into(), Market::Spot, 1),
        ]
    );
    assert_eq!(plan.metrics.capacity, 32.0);
}

#[test]
fn weights_above_the_target_compare_price_per_instance() {
    // Per unit, big.x (1.2/16 = 0.075) beats small.x (0.8/8 = 0.1); but both weights exceed
    // the target of 4, so one instance suffices and the cheaper instance wins.
    let cat = catalog(vec![
        od("small.x", AZ1, 2.0),
        od("big.x", AZ1, 3.0),
        spot("small.x", AZ1, 0.8),
        spot("big.x", AZ1, 1.2),
    ]);
    let req = fleet(
        4.0,
        &[("small.x", Some(8.0), None), ("big.x", Some(16.0), None)],
    );
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("small.x".into(), AZ1.into(), Market::Spot, 1)]
    );
    assert!(plan.notes.iter().any(|n| n.contains("per instance-hour")));

    // With a target of 20 the per-unit price decides.
    let req = fleet(
        20.0,
        &[("small.x", Some(8.0), None), ("big.x", Some(16.0), None)],
    );
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("big.x".into(), AZ1.into(), Market::Spot, 2)]
    );
}

#[test]
fn overshoot_stays_below_the_largest_weight() {
    let cat = catalog(vec![
        od("a.x", AZ1, 0.5),
        od("b.x", AZ2, 0.9),
        od("c.x", AZ3, 1.5),
        spot("a.x", AZ1, 0.2),
        spot("b.x", AZ2, 0.3),
        spot("c.x", AZ3, 0.5),
        capped(spot("a.x", AZ2, 0.15), 3),
    ]);
    let weights = [
        ("a.x", Some(3.0), None),
        ("b.x", Some(5.0), None),
        ("c.x", Some(7.0), None),
    ];
    for strategy in SpotStrategy::ALL {
        for balance in [false, true] {
            for pools in [None, Some(2)] {
                for target in 1..=60 {
                    let mut req = fleet(f64::from(target), &weights);
                    req.spot.strategy = strategy;
                    req.spot.pools = pools;
                    req.balance_zones = balance;
                    req.target.on_demand = OnDemandSplit::Target(f64::from(target / 3));
                    let plan = solve(&cat, &req);
                    let m = &plan.metrics;
                    assert_eq!(plan.shortfall, None, "{strategy} target {target}");
                    // On-Demand overshoot counts towards the total (rule 1).
                    let spot_part =
                        (f64::from(target) - m.on_demand_capacity.max(m.on_demand_target)).max(0.0);
                    let od_over = m.on_demand_capacity - m.on_demand_target;
                    let spot_over = m.spot_capacity - spot_part;
                    assert!(
                        (0.0..7.0).contains(&od_over)
                            && (0.0..7.0).contains(&spot_over)
                            && (0.0..7.0).contains(&m.overshoot),
                        "{strategy} balance {balance} pools {pools:?} target {target}: od {od_over} spot {spot_over} total {}",
                        m.overshoot
                    );
                }
            }
        }
    }
}

#[test]
fn on_demand_overshoot_counts_towards_the_total() {
    // On-Demand part 5 in weight-4 instances → 2 instances (8 units); the spot part shrinks to 2.
    let mut req = fleet(
        10.0,
        &[("big.x", Some(4.0), None), ("small.x", Some(1.0), None)],
    );
    req.target.on_demand = OnDemandSplit::Target(5.0);
    let cat = catalog(vec![
        od("big.x", AZ1, 0.3),
        od("small.x", AZ1, 0.2),
        spot("small.x", AZ1, 0.05),
    ]);
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "big.x", AZ1, Market::OnDemand), 2);
    assert_eq!(count(&plan, "small.x", AZ1, Market::Spot), 2);
    assert_eq!(plan.metrics.capacity, 10.0);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("the Spot part is 2 units"))
    );
    // Without On-Demand overshoot the spot part is the nominal one.
    let cat = catalog(vec![
        od("big.x", AZ1, 0.9),
        od("small.x", AZ1, 0.2),
        spot("small.x", AZ1, 0.05),
    ]);
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "small.x", AZ1, Market::OnDemand), 5);
    assert_eq!(count(&plan, "small.x", AZ1, Market::Spot), 5);
}

// ---------------------------------------------------------------------------------------------
// §1.6 Prices: MaxTotalPrice, spot max price
// ---------------------------------------------------------------------------------------------

#[test]
fn max_total_price_stops_at_eight_of_ten() {
    let cat = catalog(vec![od("m5.large", AZ1, 0.10), spot("m5.large", AZ1, 0.04)]);
    let mut req = fleet(10.0, &names(&["m5.large"]));
    req.target.on_demand = OnDemandSplit::Target(10.0);
    req.on_demand.max_total_price = Some(0.80);
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "m5.large", AZ1, Market::OnDemand), 8);
    assert_eq!(plan.metrics.capacity, 8.0);
    assert!((plan.metrics.cost_per_hour - 0.80).abs() < 1e-12);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::Budget {
            market: Market::OnDemand,
            max_total_price: 0.80
        })
    );
    assert!(plan.notes.iter().any(|n| n.contains("stopped at 8 of 10")));
}

#[test]
fn spot_max_total_price_stops_the_spot_part_only() {
    let cat = catalog(vec![od("m5.large", AZ1, 0.10), spot("m5.large", AZ1, 0.04)]);
    let mut req = fleet(10.0, &names(&["m5.large"]));
    req.target.on_demand = OnDemandSplit::Target(2.0);
    req.spot.max_total_price = Some(0.2);
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "m5.large", AZ1, Market::OnDemand), 2);
    assert_eq!(count(&plan, "m5.large", AZ1, Market::Spot), 5);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::Budget {
            market: Market::Spot,
            max_total_price: 0.2
        })
    );
}

#[test]
fn diversified_never_uses_a_pool_priced_at_or_above_on_demand() {
    let cat = catalog(vec![
        od("m5.large", AZ1, 0.096),
        od("m4.large", AZ1, 0.10),
        spot("m5.large", AZ1, 0.04),
        spot("m4.large", AZ1, 0.10), // equal to On-Demand
    ]);
    let mut req = fleet(10.0, &names(&["m5.large", "m4.large"]));
    // A generous max price keeps m4.large eligible for every strategy but diversified.
    req.spot.max_price = Some(MaxPrice::PerHour(1.0));
    req.spot.strategy = SpotStrategy::Diversified;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("m5.large".into(), AZ1.into(), Market::Spot, 10)]
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("at or above On-Demand"))
    );

    req.spot.strategy = SpotStrategy::LowestPrice;
    req.spot.pools = Some(2);
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "m4.large", AZ1, Market::Spot), 5);
}

#[test]
fn default_spot_max_price_is_the_on_demand_price() {
    // m4.large's spot price equals its On-Demand price, so the default max price (= On-Demand)
    // does not exceed it and the pool is skipped even though it is the cheapest per unit.
    let cat = catalog(vec![
        od("m5.large", AZ1, 0.096),
        od("m4.large", AZ1, 0.05),
        spot("m5.large", AZ1, 0.06),
        spot("m4.large", AZ1, 0.05),
    ]);
    let req = fleet(4.0, &names(&["m5.large", "m4.large"]));
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("m5.large".into(), AZ1.into(), Market::Spot, 4)]
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("not below the max price"))
    );
}

#[test]
fn spot_max_price_below_every_spot_price_leaves_no_eligible_pool() {
    let cat = catalog(vec![
        od("m5.large", AZ1, 0.096),
        spot("m5.large", AZ1, 0.04),
    ]);
    let mut req = fleet(4.0, &names(&["m5.large"]));
    req.spot.max_price = Some(MaxPrice::PerHour(0.03));
    let plan = solve(&cat, &req);
    assert!(plan.allocations.is_empty());
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::NoEligiblePool {
            market: Market::Spot
        })
    );
}

// ---------------------------------------------------------------------------------------------
// §2.1 Spot strategies
// ---------------------------------------------------------------------------------------------

#[test]
fn diversified_ten_pools_target_100_gives_ten_each() {
    // 5 types × 2 AZs = 10 pools with distinct spot prices.
    let types = ["t0.large", "t1.large", "t2.large", "t3.large", "t4.large"];
    let mut pools = Vec::new();
    for (z, zone) in [AZ1, AZ2].into_iter().enumerate() {
        for (t, name) in types.iter().enumerate() {
            pools.push(od(name, zone, 0.1));
            pools.push(spot(name, zone, 0.02 + 0.001 * (z * 5 + t) as f64));
        }
    }
    let cat = catalog(pools);
    let mut req = fleet(100.0, &names(&types));
    req.spot.strategy = SpotStrategy::Diversified;
    let plan = solve(&cat, &req);
    assert_eq!(plan.allocations.len(), 10);
    assert!(plan.allocations.iter().all(|a| a.count == 10));
    assert_eq!(plan.metrics.worst_pool_loss, 0.1);
}

fn four_spot_pools() -> Catalog {
    catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        od("c.large", AZ1, 0.1),
        od("d.large", AZ1, 0.1),
        spot("a.large", AZ1, 0.04),
        spot("b.large", AZ1, 0.03),
        spot("c.large", AZ1, 0.05),
        spot("d.large", AZ1, 0.02),
    ])
}

#[test]
fn instance_pools_to_use_count_splits_evenly_over_the_n_cheapest() {
    let cat = four_spot_pools();
    let mut req = fleet(10.0, &names(&["a.large", "b.large", "c.large", "d.large"]));
    req.spot.pools = Some(2);
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("b.large".into(), AZ1.into(), Market::Spot, 5),
            ("d.large".into(), AZ1.into(), Market::Spot, 5),
        ]
    );
    // An odd target: 5 + 5 and the remainder to the cheapest per unit.
    req.target.capacity = 11.0;
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "d.large", AZ1, Market::Spot), 6);
    assert_eq!(count(&plan, "b.large", AZ1, Market::Spot), 5);
    // Three pools.
    req.spot.pools = Some(3);
    req.target.capacity = 9.0;
    let plan = solve(&cat, &req);
    assert_eq!(plan.allocations.len(), 3);
    assert!(plan.allocations.iter().all(|a| a.count == 3));
    assert_eq!(count(&plan, "c.large", AZ1, Market::Spot), 0);
}

#[test]
fn instance_pools_to_use_count_uses_more_pools_when_one_runs_out() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        od("c.large", AZ1, 0.1),
        spot("a.large", AZ1, 0.04),
        capped(spot("b.large", AZ1, 0.02), 2),
        spot("c.large", AZ1, 0.05),
    ]);
    let mut req = fleet(10.0, &names(&["a.large", "b.large", "c.large"]));
    req.spot.pools = Some(2);
    let plan = solve(&cat, &req);
    // b gets its 2, a its 5 and then the 3 b could not take (a is next cheapest).
    assert_eq!(count(&plan, "b.large", AZ1, Market::Spot), 2);
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 8);
    assert_eq!(plan.shortfall, None);
}

#[test]
fn lowest_price_moves_to_the_next_pool_only_when_capped() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        spot("a.large", AZ1, 0.04),
        capped(spot("b.large", AZ1, 0.02), 6),
    ]);
    let req = fleet(10.0, &names(&["a.large", "b.large"]));
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "b.large", AZ1, Market::Spot), 6);
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 4);
}

/// Spot pools: (type, az, price, placement score, bucket).
fn capacity_catalog() -> Catalog {
    catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        od("c.large", AZ1, 0.1),
        od("d.large", AZ1, 0.1),
        // Cheapest, but worst capacity.
        scored(spot("a.large", AZ1, 0.01), Some(3), Some(4)),
        // Best tier (score 9, bucket 0): b is dearer than c.
        scored(spot("b.large", AZ1, 0.05), Some(9), Some(0)),
        scored(spot("c.large", AZ1, 0.04), Some(9), Some(0)),
        // Same score, worse bucket.
        scored(spot("d.large", AZ1, 0.02), Some(9), Some(1)),
    ])
}

#[test]
fn price_capacity_optimized_picks_the_best_tier_then_the_cheapest_in_it() {
    let cat = capacity_catalog();
    let mut req = fleet(10.0, &names(&["a.large", "b.large", "c.large", "d.large"]));
    req.spot.strategy = SpotStrategy::PriceCapacityOptimized;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("c.large".into(), AZ1.into(), Market::Spot, 10)]
    );
    assert!(plan.notes.iter().any(|n| n.contains("no capacity formula")));
}

#[test]
fn price_capacity_optimized_moves_to_the_next_tier_when_the_tier_is_capped() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        od("c.large", AZ1, 0.1),
        od("d.large", AZ1, 0.1),
        scored(spot("a.large", AZ1, 0.01), Some(3), Some(4)),
        capped(scored(spot("b.large", AZ1, 0.05), Some(9), Some(0)), 3),
        capped(scored(spot("c.large", AZ1, 0.04), Some(9), Some(0)), 4),
        scored(spot("d.large", AZ1, 0.02), Some(9), Some(1)),
    ]);
    let mut req = fleet(10.0, &names(&["a.large", "b.large", "c.large", "d.large"]));
    req.spot.strategy = SpotStrategy::PriceCapacityOptimized;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("b.large".into(), AZ1.into(), Market::Spot, 3),
            ("c.large".into(), AZ1.into(), Market::Spot, 4),
            ("d.large".into(), AZ1.into(), Market::Spot, 3),
        ]
    );
}

#[test]
fn capacity_optimized_ignores_price() {
    // b and c share the best tier; b has the larger availability estimate, so capacity
    // optimized takes it although c is cheaper (price only breaks exact capacity ties).
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        od("c.large", AZ1, 0.1),
        scored(spot("a.large", AZ1, 0.01), None, None),
        capped(scored(spot("b.large", AZ1, 0.05), Some(9), Some(0)), 500),
        capped(scored(spot("c.large", AZ1, 0.04), Some(9), Some(0)), 50),
    ]);
    let mut req = fleet(10.0, &names(&["a.large", "b.large", "c.large"]));
    req.spot.strategy = SpotStrategy::CapacityOptimized;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("b.large".into(), AZ1.into(), Market::Spot, 10)]
    );

    // The cheapest pool has the worst capacity, so capacity optimized never reaches it.
    let cat = capacity_catalog();
    let plan = solve(&cat, &{
        let mut r = fleet(10.0, &names(&["a.large", "b.large", "c.large", "d.large"]));
        r.spot.strategy = SpotStrategy::CapacityOptimized;
        r
    });
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 0);
    assert_eq!(count(&plan, "c.large", AZ1, Market::Spot), 10);
}

#[test]
fn capacity_optimized_prioritized_uses_priority_within_the_best_tier() {
    let cat = capacity_catalog();
    let req_for = |priorities: [Option<f64>; 4]| {
        let mut r = fleet(
            10.0,
            &[
                ("a.large", None, priorities[0]),
                ("b.large", None, priorities[1]),
                ("c.large", None, priorities[2]),
                ("d.large", None, priorities[3]),
            ],
        );
        r.spot.strategy = SpotStrategy::CapacityOptimizedPrioritized;
        r
    };
    // b has the top priority in the best tier: it beats the cheaper c.
    let plan = solve(&cat, &req_for([Some(0.0), Some(1.0), Some(2.0), Some(0.0)]));
    assert_eq!(
        layout(&plan),
        [("b.large".into(), AZ1.into(), Market::Spot, 10)]
    );
    // Priority never lifts a pool out of a worse tier (a and d have priority 0).
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 0);
}

// ---------------------------------------------------------------------------------------------
// §2.2 On-Demand strategies
// ---------------------------------------------------------------------------------------------

#[test]
fn prioritized_uses_m5_large_priority_one_before_the_cheaper_m4_large_priority_two() {
    let cat = catalog(vec![
        od("m5.large", AZ1, 0.096),
        od("m4.large", AZ1, 0.09),
        spot("m5.large", AZ1, 0.04),
        spot("m4.large", AZ1, 0.03),
    ]);
    let mut req = fleet(
        6.0,
        &[("m5.large", None, Some(1.0)), ("m4.large", None, Some(2.0))],
    );
    req.target.on_demand = OnDemandSplit::Target(6.0);
    req.on_demand.strategy = OnDemandStrategy::Prioritized;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("m5.large".into(), AZ1.into(), Market::OnDemand, 6)]
    );

    req.on_demand.strategy = OnDemandStrategy::LowestPrice;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("m4.large".into(), AZ1.into(), Market::OnDemand, 6)]
    );
}

#[test]
fn prioritized_puts_overrides_without_priority_last() {
    let cat = catalog(vec![
        od("m5.large", AZ1, 0.096),
        capped(od("m4.large", AZ1, 0.09), 2),
        od("c5.large", AZ1, 0.085),
    ]);
    let mut req = fleet(
        6.0,
        &[
            ("m5.large", None, None),
            ("m4.large", None, Some(0.0)),
            ("c5.large", None, Some(3.0)),
        ],
    );
    req.target.on_demand = OnDemandSplit::Target(6.0);
    req.on_demand.strategy = OnDemandStrategy::Prioritized;
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "m4.large", AZ1, Market::OnDemand), 2);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::OnDemand), 4);
    assert_eq!(count(&plan, "m5.large", AZ1, Market::OnDemand), 0);
}

#[test]
fn on_demand_lowest_price_ties_break_by_type_then_az() {
    let cat = catalog(vec![
        od("m5.large", AZ2, 0.1),
        od("m5.large", AZ1, 0.1),
        od("c5.large", AZ2, 0.1),
    ]);
    let mut req = fleet(3.0, &names(&["m5.large", "c5.large"]));
    req.target.on_demand = OnDemandSplit::Target(3.0);
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("c5.large".into(), AZ2.into(), Market::OnDemand, 3)]
    );

    let cat = catalog(vec![od("m5.large", AZ2, 0.1), od("m5.large", AZ1, 0.1)]);
    let mut req = fleet(3.0, &names(&["m5.large"]));
    req.target.on_demand = OnDemandSplit::Target(3.0);
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("m5.large".into(), AZ1.into(), Market::OnDemand, 3)]
    );
}

// ---------------------------------------------------------------------------------------------
// §1.2 and §2.3 The On-Demand / Spot split
// ---------------------------------------------------------------------------------------------

#[test]
fn fleet_total_20_on_demand_5_gives_5_on_demand_and_15_spot() {
    let cat = catalog(vec![
        od("c5.large", AZ1, 0.085),
        spot("c5.large", AZ1, 0.03),
    ]);
    let mut req = fleet(20.0, &names(&["c5.large"]));
    req.target.on_demand = OnDemandSplit::Target(5.0);
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::OnDemand), 5);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::Spot), 15);
    assert_eq!(plan.metrics.on_demand_target, 5.0);
    assert_eq!(
        (plan.metrics.on_demand_capacity, plan.metrics.spot_capacity),
        (5.0, 15.0)
    );
}

#[test]
fn spot_fleet_target_10_on_demand_8_gives_8_on_demand_and_2_spot() {
    let cat = catalog(vec![
        od("c5.large", AZ1, 0.085),
        spot("c5.large", AZ1, 0.03),
    ]);
    let mut req = fleet(10.0, &names(&["c5.large"]));
    req.target.on_demand = OnDemandSplit::Target(8.0);
    let plan = solve(&cat, &req);
    assert_eq!(
        (plan.metrics.on_demand_capacity, plan.metrics.spot_capacity),
        (8.0, 2.0)
    );
}

fn asg_split(base: f64, percent: f64, total: f64) -> (f64, f64) {
    let cat = catalog(vec![
        od("c5.large", AZ1, 0.085),
        spot("c5.large", AZ1, 0.03),
    ]);
    let mut req = fleet(total, &names(&["c5.large"]));
    req.source = RequestSource::AutoScalingGroup;
    req.balance_zones = true;
    req.target.on_demand = OnDemandSplit::BasePlusPercent {
        base,
        percent_above_base: percent,
    };
    let plan = solve(&cat, &req);
    assert_eq!(plan.shortfall, None);
    (plan.metrics.on_demand_capacity, plan.metrics.spot_capacity)
}

#[test]
fn asg_base_10_and_50_percent_above_base_rows() {
    // Documented as (On-Demand above base, Spot): 10→(0,0), 20→(5,5), 30→(10,10), 40→(15,15).
    assert_eq!(asg_split(10.0, 50.0, 10.0), (10.0, 0.0));
    assert_eq!(asg_split(10.0, 50.0, 20.0), (15.0, 5.0));
    assert_eq!(asg_split(10.0, 50.0, 30.0), (20.0, 10.0));
    assert_eq!(asg_split(10.0, 50.0, 40.0), (25.0, 15.0));
}

#[test]
fn asg_base_0_and_60_percent_above_base_rows() {
    assert_eq!(asg_split(0.0, 60.0, 10.0), (6.0, 4.0));
    assert_eq!(asg_split(0.0, 60.0, 20.0), (12.0, 8.0));
}

#[test]
fn asg_base_12_and_0_percent_above_base_rows() {
    assert_eq!(asg_split(12.0, 0.0, 10.0), (10.0, 0.0));
    assert_eq!(asg_split(12.0, 0.0, 20.0), (12.0, 8.0));
}

#[test]
fn asg_balances_each_market_across_zones_with_the_remainder_in_az_id_order() {
    // Spot is far cheaper in az3, yet ASG balances first: 10 → 4 / 3 / 3 in AZ-ID order.
    let cat = catalog(vec![
        od("c5.large", AZ1, 0.085),
        od("c5.large", AZ2, 0.085),
        od("c5.large", AZ3, 0.085),
        spot("c5.large", AZ1, 0.04),
        spot("c5.large", AZ2, 0.035),
        spot("c5.large", AZ3, 0.01),
    ]);
    let mut req = fleet(10.0, &names(&["c5.large"]));
    req.source = RequestSource::AutoScalingGroup;
    req.balance_zones = true;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("c5.large".into(), AZ1.into(), Market::Spot, 4),
            ("c5.large".into(), AZ2.into(), Market::Spot, 3),
            ("c5.large".into(), AZ3.into(), Market::Spot, 3),
        ]
    );
    // On-Demand is balanced too: 5 → 2 / 2 / 1.
    req.target.on_demand = OnDemandSplit::BasePlusPercent {
        base: 5.0,
        percent_above_base: 0.0,
    };
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::OnDemand), 2);
    assert_eq!(count(&plan, "c5.large", AZ2, Market::OnDemand), 2);
    assert_eq!(count(&plan, "c5.large", AZ3, Market::OnDemand), 1);
    // Without balancing (a fleet), lowestPrice puts all spot in az3.
    req.balance_zones = false;
    req.source = RequestSource::Ec2Fleet;
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "c5.large", AZ3, Market::Spot), 5);
}

#[test]
fn asg_spot_instance_pools_apply_per_az() {
    // 2 AZs × 3 types; default SpotInstancePools = 2: per AZ, the two cheapest pools split
    // that AZ's share evenly.
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        od("c.large", AZ1, 0.1),
        spot("a.large", AZ1, 0.01),
        spot("b.large", AZ1, 0.02),
        spot("c.large", AZ1, 0.03),
        spot("a.large", AZ2, 0.03),
        spot("b.large", AZ2, 0.02),
        spot("c.large", AZ2, 0.01),
    ]);
    let mut req = fleet(8.0, &names(&["a.large", "b.large", "c.large"]));
    req.source = RequestSource::AutoScalingGroup;
    req.balance_zones = true;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("a.large".into(), AZ1.into(), Market::Spot, 2),
            ("b.large".into(), AZ1.into(), Market::Spot, 2),
            ("b.large".into(), AZ2.into(), Market::Spot, 2),
            ("c.large".into(), AZ2.into(), Market::Spot, 2),
        ]
    );
    assert!(plan.notes.iter().any(|n| n.contains("2 pools per AZ")));
    // SpotInstancePools = 1: one pool per AZ.
    req.spot.pools = Some(1);
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("a.large".into(), AZ1.into(), Market::Spot, 4),
            ("c.large".into(), AZ2.into(), Market::Spot, 4),
        ]
    );
}

#[test]
fn asg_zone_that_runs_out_passes_its_share_to_the_others() {
    let cat = catalog(vec![
        od("c5.large", AZ1, 0.085),
        od("c5.large", AZ2, 0.085),
        capped(spot("c5.large", AZ1, 0.03), 1),
        spot("c5.large", AZ2, 0.03),
    ]);
    let mut req = fleet(10.0, &names(&["c5.large"]));
    req.balance_zones = true;
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::Spot), 1);
    assert_eq!(count(&plan, "c5.large", AZ2, Market::Spot), 9);
    assert_eq!(plan.shortfall, None);
}

// ---------------------------------------------------------------------------------------------
// Caps, restrictions, placement, notes
// ---------------------------------------------------------------------------------------------

#[test]
fn every_pool_capped_reports_an_availability_shortfall() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        capped(spot("a.large", AZ1, 0.03), 2),
        capped(spot("a.large", AZ2, 0.03), 3),
    ]);
    let plan = solve(&cat, &fleet(10.0, &names(&["a.large"])));
    assert_eq!(plan.metrics.capacity, 5.0);
    assert_eq!(plan.metrics.overshoot, -5.0);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::Availability {
            market: Market::Spot
        })
    );
}

/// With `single_az` the market is held to the AZ it uses, so an availability shortfall is
/// judged on that AZ's pools alone: the plan verifies although the other AZ still has room.
#[test]
fn a_single_az_availability_shortfall_verifies() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        capped(spot("a.large", AZ1, 0.03), 3),
        capped(spot("a.large", AZ2, 0.03), 2),
    ]);
    let mut req = fleet(10.0, &names(&["a.large"]));
    req.constraints.single_az = true;
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 3);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::Availability {
            market: Market::Spot
        })
    );
    let violations = crate::verify::verify(&cat, &req, &plan);
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn on_demand_part_without_pools_reports_no_eligible_pool() {
    let cat = catalog(vec![spot("a.large", AZ1, 0.03)]);
    let mut req = fleet(10.0, &names(&["a.large"]));
    req.target.on_demand = OnDemandSplit::Target(4.0);
    let plan = solve(&cat, &req);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::NoEligiblePool {
            market: Market::OnDemand
        })
    );
    // Spot still gets its part.
    assert_eq!(plan.metrics.spot_capacity, 6.0);
}

#[test]
fn single_az_restricts_to_the_first_choice_that_holds_the_part() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("a.large", AZ2, 0.1),
        od("b.large", AZ2, 0.1),
        capped(spot("a.large", AZ1, 0.01), 4), // first choice, too small
        spot("a.large", AZ2, 0.03),
        spot("b.large", AZ2, 0.02),
    ]);
    let mut req = fleet(10.0, &names(&["a.large", "b.large"]));
    req.constraints.single_az = true;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("b.large".into(), AZ2.into(), Market::Spot, 10)]
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("uses only AZ use1-az2"))
    );

    // Without the flag, lowestPrice spills over from az1.
    req.constraints.single_az = false;
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 4);
    assert_eq!(count(&plan, "b.large", AZ2, Market::Spot), 6);
}

#[test]
fn single_type_restricts_to_one_type_across_azs() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        capped(spot("a.large", AZ1, 0.01), 4),
        capped(spot("a.large", AZ2, 0.015), 4),
        spot("b.large", AZ1, 0.02),
    ]);
    let mut req = fleet(10.0, &names(&["a.large", "b.large"]));
    req.constraints.single_type = true;
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("b.large".into(), AZ1.into(), Market::Spot, 10)]
    );
    // When no type holds the part, the one delivering the most is used.
    req.target.capacity = 100.0;
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        od("b.large", AZ1, 0.1),
        capped(spot("a.large", AZ1, 0.01), 4),
        capped(spot("a.large", AZ2, 0.015), 4),
        capped(spot("b.large", AZ1, 0.02), 5),
    ]);
    let plan = solve(&cat, &req);
    assert_eq!(plan.metrics.types, 1);
    assert_eq!(plan.metrics.capacity, 8.0);
    assert!(plan.notes.iter().any(|n| n.contains("holds the most")));
}

#[test]
fn cluster_placement_uses_cluster_capable_types_in_one_az() {
    let mut no_cluster = itype("t3.large", 2, 8192);
    no_cluster.placement_strategies = vec![PlacementStrategy::Spread];
    let cat = catalog_with(
        vec![no_cluster],
        vec![
            od("t3.large", AZ1, 0.08),
            od("c5.large", AZ1, 0.085),
            od("c5.large", AZ2, 0.085),
            spot("t3.large", AZ1, 0.005), // cheapest, but no cluster support
            spot("c5.large", AZ1, 0.03),
            spot("c5.large", AZ2, 0.02),
        ],
    );
    let mut req = fleet(10.0, &names(&["t3.large", "c5.large"]));
    req.target.on_demand = OnDemandSplit::Target(2.0);
    req.placement = PlacementSpec::Cluster {
        multiple_types: false,
    };
    let plan = solve(&cat, &req);
    // On-Demand is filled first; its first choice (c5.large, ties → az1) fixes the AZ.
    assert_eq!(
        layout(&plan),
        [
            ("c5.large".into(), AZ1.into(), Market::OnDemand, 2),
            ("c5.large".into(), AZ1.into(), Market::Spot, 8),
        ]
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("cluster-capable types only, all in use1-az1 and all c5.large"))
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("do not support cluster placement groups"))
    );

    // Spread placement with as many groups as needed has no per-AZ limit, and says so
    // (t3.large supports spread).
    req.placement = PlacementSpec::Spread { groups: None };
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "t3.large", AZ1, Market::Spot), 8);
    assert!(plan.notes.iter().any(|n| n.contains(
        "aws mode assumes enough groups for EC2's limit of 7 running instances per AZ per group"
    )));
    // Partition: t3.large lacks it, so it is skipped.
    req.placement = PlacementSpec::Partition {
        partitions_per_az: 3,
    };
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "t3.large", AZ1, Market::Spot), 0);
    assert_eq!(count(&plan, "c5.large", AZ2, Market::Spot), 8);
}

#[test]
fn cluster_placement_keeps_one_type_for_both_markets_unless_multiple_types() {
    let cat = catalog(vec![
        od("m5.large", AZ1, 0.096),
        od("c5.large", AZ1, 0.085),
        capped(spot("c5.large", AZ1, 0.03), 3),
        spot("m5.large", AZ1, 0.02),
        od("c5.large", AZ2, 0.085),
        spot("c5.large", AZ2, 0.04),
    ]);
    let mut req = fleet(10.0, &names(&["m5.large", "c5.large"]));
    req.target.on_demand = OnDemandSplit::Target(2.0);
    req.placement = PlacementSpec::Cluster {
        multiple_types: false,
    };
    let plan = solve(&cat, &req);
    // c5.large in az1 is On-Demand's first choice but cannot hold the spot part (3 available);
    // c5.large in az2 holds both.
    assert_eq!(
        layout(&plan),
        [
            ("c5.large".into(), AZ2.into(), Market::OnDemand, 2),
            ("c5.large".into(), AZ2.into(), Market::Spot, 8),
        ]
    );
    // With multiple types allowed, az1 holds the fleet: spot lowestPrice takes m5.large there.
    req.placement = PlacementSpec::Cluster {
        multiple_types: true,
    };
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [
            ("c5.large".into(), AZ1.into(), Market::OnDemand, 2),
            ("m5.large".into(), AZ1.into(), Market::Spot, 8),
        ]
    );
}

#[test]
fn unenforceable_constraints_are_noted_not_enforced() {
    let cat = catalog(vec![
        od("a.large", AZ1, 0.1),
        spot("a.large", AZ1, 0.01),
        spot("a.large", AZ2, 0.02),
    ]);
    let mut req = fleet(10.0, &names(&["a.large"]));
    req.constraints.max_pool_share = Some(0.25);
    req.constraints.max_az_share = Some(0.5);
    req.constraints.min_pools = Some(2);
    req.constraints.survive_az_loss = Some(0.6);
    let plan = solve(&cat, &req);
    assert_eq!(
        layout(&plan),
        [("a.large".into(), AZ1.into(), Market::Spot, 10)]
    );
    let expected = [
        "max_pool_share 0.25 is not expressible to AWS; this plan puts 100 % of the target in one pool (a.large Spot in use1-az1)",
        "max_az_share 0.5 is not expressible to AWS; this plan puts 100 % of the target in one AZ (use1-az1)",
        "min_pools 2 is not expressible to AWS; this plan uses 1 pool",
        "survive_az_loss 0.6 is not expressible to AWS; losing use1-az1 leaves 0 % of the target",
    ];
    for note in expected {
        assert!(
            plan.notes.iter().any(|n| n == note),
            "missing {note:?} in {:#?}",
            plan.notes
        );
    }
    // A satisfied constraint adds nothing.
    req.constraints = Default::default();
    req.constraints.max_types = Some(3);
    let plan = solve(&cat, &req);
    assert!(!plan.notes.iter().any(|n| n.contains("not expressible")));
}

#[test]
fn plan_carries_request_notes_mode_region_and_strategies() {
    let cat = catalog(vec![od("a.large", AZ1, 0.1), spot("a.large", AZ1, 0.01)]);
    let mut req = fleet(3.0, &names(&["a.large"]));
    req.notes.push("from the reader".to_owned());
    req.spot.strategy = SpotStrategy::Diversified;
    let plan = solve(&cat, &req);
    assert_eq!(plan.schema, crate::plan::PLAN_SCHEMA);
    assert_eq!(plan.mode, crate::request::Mode::Aws);
    assert_eq!(plan.region.as_str(), REGION);
    assert_eq!(plan.strategy.spot, SpotStrategy::Diversified);
    assert_eq!(plan.strategy.on_demand, OnDemandStrategy::LowestPrice);
    assert_eq!(
        plan.notes.first().map(String::as_str),
        Some("from the reader")
    );
}

#[test]
fn allocations_are_merged_per_pool_and_sorted() {
    let cat = catalog(vec![
        od("b.large", AZ2, 0.1),
        od("a.large", AZ2, 0.1),
        spot("b.large", AZ1, 0.02),
        capped(spot("a.large", AZ2, 0.01), 2),
        spot("a.large", AZ1, 0.03),
    ]);
    let mut req = fleet(12.0, &names(&["a.large", "b.large"]));
    req.target.on_demand = OnDemandSplit::Target(2.0);
    req.spot.strategy = SpotStrategy::Diversified;
    let plan = solve(&cat, &req);
    let keys: Vec<_> = plan
        .allocations
        .iter()
        .map(|a| {
            (
                a.market,
                a.availability_zone_id.clone(),
                a.instance_type.clone(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);
    // Diversified: 10 / 3 → 3 each, a.large az2 capped at 2; the remaining 2 go one per pool in
    // price order, skipping the capped pool: b.large az1 (0.02), then a.large az1 (0.03).
    assert_eq!(count(&plan, "a.large", AZ2, Market::Spot), 2);
    assert_eq!(count(&plan, "b.large", AZ1, Market::Spot), 4);
    assert_eq!(count(&plan, "a.large", AZ1, Market::Spot), 4);
    assert_eq!(plan.metrics.capacity, 12.0);
}

#[test]
fn emulation_is_deterministic() {
    let cat = capacity_catalog();
    for strategy in SpotStrategy::ALL {
        let mut req = fleet(37.0, &names(&["a.large", "b.large", "c.large", "d.large"]));
        req.spot.strategy = strategy;
        req.target.on_demand = OnDemandSplit::Target(5.0);
        let set = resolve(&cat, &req).unwrap();
        let first = emulate(&req, &set);
        let second = emulate(&req, &set);
        assert_eq!(first, second);
        assert_eq!(
            serde_json::to_string(&first).unwrap(),
            serde_json::to_string(&second).unwrap()
        );
    }
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let cat = catalog(vec![od("a.large", AZ1, 0.1), spot("a.large", AZ1, 0.01)]);
    for capacity in [0.0, -5.0, f64::NAN, f64::INFINITY, 1e12] {
        let mut req = fleet(1.0, &names(&["a.large"]));
        let set = resolve(&cat, &req).unwrap();
        req.target.capacity = capacity;
        req.spot.pools = Some(0);
        req.on_demand.max_total_price = Some(f64::NAN);
        let _ = emulate(&req, &set);
    }
}

#[test]
fn asg_balances_the_whole_group_not_each_market() {
    // aws-semantics §2.3: the group is balanced, On-Demand and Spot together. 10 instances
    // over 3 AZs are 4/3/3 (AWS's example in issue 10); with On-Demand 5 (2/2/1) per-market
    // balancing gave 4/4/2.
    let cat = catalog(vec![
        od("c5.large", AZ1, 0.085),
        od("c5.large", AZ2, 0.085),
        od("c5.large", AZ3, 0.085),
        spot("c5.large", AZ1, 0.04),
        spot("c5.large", AZ2, 0.035),
        spot("c5.large", AZ3, 0.01),
    ]);
    let per_zone = |plan: &Plan| -> Vec<u32> {
        [AZ1, AZ2, AZ3]
            .iter()
            .map(|z| {
                count(plan, "c5.large", z, Market::OnDemand)
                    + count(plan, "c5.large", z, Market::Spot)
            })
            .collect()
    };
    for (base, percent) in [
        (5.0, 0.0),
        (0.0, 50.0),
        (1.0, 50.0),
        (4.0, 0.0),
        (0.0, 0.0),
        (0.0, 100.0),
        (2.0, 30.0),
    ] {
        let mut req = fleet(10.0, &names(&["c5.large"]));
        req.source = RequestSource::AutoScalingGroup;
        req.balance_zones = true;
        req.target.on_demand = OnDemandSplit::BasePlusPercent {
            base,
            percent_above_base: percent,
        };
        let plan = solve(&cat, &req);
        assert_eq!(plan.shortfall, None);
        assert_eq!(
            per_zone(&plan),
            [4, 3, 3],
            "base {base}, {percent}%: {:?}",
            layout(&plan)
        );
        assert_eq!(
            plan.metrics.on_demand_capacity,
            req.on_demand_target(),
            "base {base}, {percent}%"
        );
    }
    // 11 over 3: 4/4/3, whatever the split.
    let mut req = fleet(11.0, &names(&["c5.large"]));
    req.source = RequestSource::AutoScalingGroup;
    req.balance_zones = true;
    req.target.on_demand = OnDemandSplit::BasePlusPercent {
        base: 2.0,
        percent_above_base: 0.0,
    };
    assert_eq!(per_zone(&solve(&cat, &req)), [4, 4, 3]);
}

#[test]
fn spread_groups_hold_seven_instances_per_az_per_group_in_aws_mode() {
    // aws-semantics §4: "a maximum of seven running instances per Availability Zone per group".
    // One group over 3 AZs holds 21; a target of 22 is one short, with the reason.
    let cat = catalog(vec![
        spot("c5.large", AZ1, 0.01),
        spot("c5.large", AZ2, 0.02),
        spot("c5.large", AZ3, 0.03),
        od("c5.large", AZ1, 0.085),
        od("c5.large", AZ2, 0.085),
        od("c5.large", AZ3, 0.085),
    ]);
    let mut req = fleet(22.0, &names(&["c5.large"]));
    req.placement = PlacementSpec::Spread { groups: Some(1) };
    let plan = solve(&cat, &req);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::Spot), 7);
    assert_eq!(count(&plan, "c5.large", AZ2, Market::Spot), 7);
    assert_eq!(count(&plan, "c5.large", AZ3, Market::Spot), 7);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::SpreadLimit {
            market: Market::Spot,
            per_az: 7
        })
    );
    assert!(
        plan.notes.iter().any(
            |n| n.contains("Spot part reached 21 of 22 units, short by 1")
                && n.contains("7 running instances per AZ per spread group")
        ),
        "{:#?}",
        plan.notes
    );
    // The limit counts both markets: 9 On-Demand in the cheapest AZ order leave room for 12
    // Spot in all (7 × 3 = 21 in all).
    req.target.on_demand = OnDemandSplit::Target(9.0);
    let plan = solve(&cat, &req);
    for zone in [AZ1, AZ2, AZ3] {
        let held = count(&plan, "c5.large", zone, Market::OnDemand)
            + count(&plan, "c5.large", zone, Market::Spot);
        assert!(held <= 7, "{zone}: {held}: {:?}", layout(&plan));
    }
    assert_eq!(plan.metrics.capacity, 21.0);
    // Two groups hold 14 per AZ: the whole target fits, and no shortfall is claimed.
    req.placement = PlacementSpec::Spread { groups: Some(2) };
    req.target.on_demand = OnDemandSplit::Target(0.0);
    let plan = solve(&cat, &req);
    assert_eq!(plan.shortfall, None);
    assert_eq!(count(&plan, "c5.large", AZ1, Market::Spot), 14);
    assert_eq!(count(&plan, "c5.large", AZ2, Market::Spot), 8);
    // Every such plan passes the independent verifier.
    for groups in [1, 2, 3] {
        let mut req = fleet(50.0, &names(&["c5.large"]));
        req.placement = PlacementSpec::Spread {
            groups: Some(groups),
        };
        req.target.on_demand = OnDemandSplit::Target(5.0);
        let plan = solve(&cat, &req);
        let violations = crate::verify::verify(&cat, &req, &plan);
        assert!(violations.is_empty(), "{groups} group(s): {violations:?}");
        assert_eq!(plan.metrics.capacity, f64::from(21 * groups).min(50.0));
    }
}

#[test]
fn a_spot_pool_the_catalogue_cannot_price_is_named_as_unpriced() {
    let pools = vec![od("c5.large", AZ1, 0.085)];
    let zones = zones_of(&pools);
    let cat = test_support::region_catalog_with_unpriced(
        vec![itype("c5.large", 2, 4096)],
        zones,
        pools,
        vec![fleetopt_instances::UnpricedOffering {
            instance_type: fleetopt_instances::TypeName::new("c5.large"),
            zone: fleetopt_instances::ZoneId::new(AZ1),
            market: Market::Spot,
        }],
    );
    let mut req = fleet(4.0, &names(&["c5.large"]));
    req.target.on_demand = OnDemandSplit::Target(0.0);
    let plan = solve(&cat, &req);
    assert_eq!(
        plan.shortfall,
        Some(Shortfall::NoEligiblePool {
            market: Market::Spot
        })
    );
    let note = plan
        .notes
        .iter()
        .find(|n| n.contains("no priced pool"))
        .unwrap_or_else(|| panic!("{:#?}", plan.notes));
    assert!(note.contains("c5.large spot in use1-az1"), "{note}");
    assert!(note.contains("--estimate-spot"), "{note}");
    assert!(!plan.notes.iter().any(|n| n.ends_with("no eligible pool")));
}
