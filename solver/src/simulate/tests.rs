//! The simulation's guarantees: determinism across thread counts, the sanity cases (no hazard
//! → no loss; one pool loses more than many), replenishment timing, fallback, AZ events, errors.

#![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

use fleetopt_instances::{Catalog, Market};

use super::model::Model;
use super::trial::{self, Scratch};
use super::*;
use crate::candidates::resolve;
use crate::request::{CapacityUnit, FleetRequest, OnDemandSplit, SpotStrategy, TypeOverride};
use crate::test_support::{self, PoolRow, itype};
use crate::{aws_mode, plan::Plan};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";

/// Four 4-vCPU types in two AZs, both markets; spot in bucket `bucket` except `x.large` in AZ1,
/// which is the cheapest and in bucket 4.
fn catalog(bucket: u8) -> Catalog {
    let types = ["a.large", "b.large", "c.large", "x.large"];
    let mut rows: Vec<PoolRow<'_>> = Vec::new();
    for (i, name) in types.iter().enumerate() {
        for zone in [AZ1, AZ2] {
            let spot = 0.05 + 0.01 * i as f64 + if zone == AZ2 { 0.001 } else { 0.0 };
            let (price, b) = if *name == "x.large" && zone == AZ1 {
                (0.02, 4)
            } else {
                (spot, bucket)
            };
            rows.push((name, zone, Market::Spot, price, Some(b)));
            rows.push((name, zone, Market::OnDemand, 0.2 + 0.01 * i as f64, None));
        }
    }
    test_support::catalog(types.iter().map(|n| itype(n, 4, 16_384)).collect(), &rows)
}

/// 40 vCPU over the given types with `strategy`, hazard model `monthly` for every bucket.
fn request(types: &[&str], strategy: SpotStrategy, monthly: [f64; 5]) -> FleetRequest {
    let mut req = test_support::request(40.0);
    req.target.unit = CapacityUnit::Vcpu;
    req.spot.strategy = strategy;
    req.candidates.overrides = types
        .iter()
        .map(|name| TypeOverride {
            pattern: (*name).to_owned(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        })
        .collect();
    req.risk.hazard.monthly_probability = monthly;
    req
}

fn plan_for(catalog: &Catalog, req: &FleetRequest) -> Plan {
    let set = resolve(catalog, req).unwrap();
    aws_mode::emulate(req, &set)
}

const ALL_TYPES: [&str; 4] = ["a.large", "b.large", "c.large", "x.large"];
const HIGH: [f64; 5] = [0.99; 5];

fn options(trials: u32) -> SimulationOptions {
    SimulationOptions {
        trials,
        seed: 42,
        ..SimulationOptions::default()
    }
}

#[test]
fn same_seed_gives_the_same_report_on_any_thread_count() {
    let catalog = catalog(3);
    let req = request(&ALL_TYPES, SpotStrategy::Diversified, HIGH);
    let plan = plan_for(&catalog, &req);
    let opts = SimulationOptions {
        hazard_scale: 10.0,
        az_event_rate: 0.01,
        reclaim_fraction: 0.5,
        on_demand_fallback: true,
        ..options(700)
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&catalog, Some(&req), &plan, &opts).unwrap())
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(one, four);
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&four).unwrap()
    );
    // The run is not trivially quiet, and the seed matters.
    assert!(
        one.summary.mean_instances_interrupted > 1.0,
        "{:?}",
        one.summary
    );
    let other = simulate(
        &catalog,
        Some(&req),
        &plan,
        &SimulationOptions { seed: 43, ..opts },
    )
    .unwrap();
    assert_ne!(one.summary, other.summary);
}

#[test]
fn progress_counts_every_trial_once_and_changes_nothing() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let catalog = catalog(3);
    let req = request(&ALL_TYPES, SpotStrategy::Diversified, HIGH);
    let plan = plan_for(&catalog, &req);
    // More trials than one progress step per worker block, and not a multiple of the step.
    let opts = options(3 * super::PROGRESS_EVERY_TRIALS as u32 + 77);
    let calls = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let report = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| {
            super::simulate_with_progress(&catalog, Some(&req), &plan, &opts, &|n| {
                assert!(n <= super::PROGRESS_EVERY_TRIALS);
                calls.fetch_add(1, Ordering::Relaxed);
                done.fetch_add(n, Ordering::Relaxed);
            })
            .unwrap()
        });
    assert_eq!(done.into_inner(), u64::from(opts.trials));
    assert!(
        calls.into_inner() > 1,
        "the callback is called as trials finish"
    );
    assert_eq!(
        report,
        simulate(&catalog, Some(&req), &plan, &opts).unwrap()
    );
}

#[test]
fn without_hazard_nothing_is_lost() {
    let catalog = catalog(2);
    let req = request(&ALL_TYPES, SpotStrategy::Diversified, [0.0; 5]);
    let plan = plan_for(&catalog, &req);
    assert_eq!(plan.metrics.capacity, 40.0);
    let report = simulate(&catalog, Some(&req), &plan, &options(200)).unwrap();
    let s = &report.summary;
    assert_eq!(s.time_at_or_above_target, 1.0);
    assert_eq!(s.trials_below_target, 0.0);
    assert_eq!(s.min_capacity, 40.0);
    assert_eq!(s.mean_capacity, 40.0);
    assert_eq!(s.mean_instances_interrupted, 0.0);
    assert_eq!(s.mean_replacement_instances, 0.0);
    assert!((s.mean_cost - s.planned_cost).abs() < 1e-6, "{s:?}");
    assert_eq!(report.capacity.len(), 288);
    assert!(
        report
            .capacity
            .iter()
            .all(|c| c.p5 == 40.0 && c.p50 == 40.0)
    );
    assert_eq!(report.inputs.hazard_model, "request");
}

#[test]
fn an_on_demand_plan_is_never_interrupted_by_the_default_model() {
    let catalog = catalog(4);
    let mut req = request(&ALL_TYPES, SpotStrategy::LowestPrice, HIGH);
    req.target.on_demand = OnDemandSplit::Target(40.0);
    let plan = plan_for(&catalog, &req);
    assert_eq!(plan.metrics.on_demand_capacity, 40.0);
    let report = simulate(&catalog, None, &plan, &options(100)).unwrap();
    assert_eq!(report.summary.time_at_or_above_target, 1.0);
    assert!(report.capacity.iter().all(|c| c.p5 == 40.0));
    assert_eq!(report.inputs.hazard_model, "default");
}

#[test]
fn one_pool_loses_more_than_many_at_equal_hazard() {
    let catalog = catalog(4);
    // Every spot pool in bucket 4, so the hazard per instance is the same everywhere.
    let req = request(&ALL_TYPES, SpotStrategy::LowestPrice, HIGH);
    let single = plan_for(&catalog, &req);
    assert_eq!(single.metrics.pools, 1);
    let diversified = plan_for(
        &catalog,
        &request(&ALL_TYPES, SpotStrategy::Diversified, HIGH),
    );
    assert_eq!(diversified.metrics.pools, 8);
    let opts = SimulationOptions {
        hazard_scale: 2.0,
        replenish: false,
        ..options(1_000)
    };
    let run = |plan: &Plan| simulate(&catalog, Some(&req), plan, &opts).unwrap();
    let (one, many) = (run(&single), run(&diversified));
    let last = |r: &SimulationReport| r.capacity.last().unwrap().clone();
    // h = 2 × −ln(0.01)/730 per hour: each pool is hit in ~26 % of 24-hour trials. One pool:
    // a quarter of the trials lose everything; eight pools lose an eighth at a time.
    assert_eq!(last(&one).p5, 0.0);
    assert!(last(&many).p5 >= 16.0, "{:?}", last(&many));
    assert!(one.summary.min_capacity < many.summary.min_capacity);
    // The same marginal hazard: interrupted instances agree within sampling noise.
    let (a, b) = (
        one.summary.mean_instances_interrupted,
        many.summary.mean_instances_interrupted,
    );
    assert!((a - b).abs() < 0.25 * a.max(b), "{a} vs {b}");
}

#[test]
fn every_instance_keeps_the_advisor_hazard_whatever_the_correlation() {
    let catalog = catalog(4);
    let req = request(&ALL_TYPES, SpotStrategy::LowestPrice, HIGH);
    let plan = plan_for(&catalog, &req);
    assert_eq!(plan.allocations[0].count, 10);
    // h = 2 × −ln(1 − 0.99)/730 per hour; over 24 h an instance is lost with 1 − e^(−24h).
    let h = 2.0 * -(0.01f64.ln()) / 730.0;
    let expected = 10.0 * (1.0 - (-24.0 * h).exp());
    for fraction in [1.0, 0.5, 0.2] {
        let opts = SimulationOptions {
            hazard_scale: 2.0,
            reclaim_fraction: fraction,
            replenish: false,
            ..options(4_000)
        };
        let report = simulate(&catalog, Some(&req), &plan, &opts).unwrap();
        let lost = report.summary.mean_instances_interrupted;
        assert!(
            (lost - expected).abs() < 0.08 * expected,
            "fraction {fraction}: {lost} lost, {expected} expected"
        );
        // Without replenishment, capacity lost is capacity interrupted.
        let end = report.capacity.last().unwrap().mean;
        assert!((40.0 - end - 4.0 * lost).abs() < 1e-9, "{end} {lost}");
    }
}

/// End-of-step capacities of one trial.
fn trace(model: &Model<'_>, seed: u64, trial_index: u64) -> Vec<f64> {
    let mut capacities = vec![0.0; model.steps as usize];
    let mut scratch = Scratch::default();
    trial::run(model, seed, trial_index, &mut scratch, |step, c| {
        capacities[step as usize] = c;
    });
    capacities
}

/// Index of the first step below `level`.
fn first_drop(capacities: &[f64], level: f64) -> Option<usize> {
    capacities.iter().position(|&c| c < level)
}

#[test]
fn replenishment_restores_capacity_after_the_launch_delay() {
    let catalog = catalog(0);
    // Only bucket 4 (the planned x.large pool in AZ1) has a hazard: once replaced, the fleet
    // sits in zero-hazard pools, so each trial has at most one drop.
    let req = request(
        &ALL_TYPES,
        SpotStrategy::LowestPrice,
        [0.0, 0.0, 0.0, 0.0, 0.99],
    );
    let plan = plan_for(&catalog, &req);
    assert_eq!(plan.allocations[0].instance_type.as_str(), "x.large");
    let opts = SimulationOptions {
        hazard_scale: 10.0,
        launch_delay_minutes: 15.0,
        ..options(1)
    };
    let model = Model::build(&catalog, Some(&req), &plan, &opts).unwrap();
    assert_eq!(model.delay_steps, 3);
    let mut checked = 0;
    for t in 0..50 {
        let c = trace(&model, 7, t);
        let Some(k) = first_drop(&c, 40.0).filter(|k| k + 3 < c.len()) else {
            continue;
        };
        assert_eq!(&c[k..k + 3], &[0.0, 0.0, 0.0], "trial {t}");
        assert!(c[k + 3..].iter().all(|&x| x == 40.0), "trial {t}: {c:?}");
        checked += 1;
    }
    assert!(checked >= 20, "{checked}");

    // Without replenishment the capacity stays lost.
    let model = Model::build(
        &catalog,
        Some(&req),
        &plan,
        &SimulationOptions {
            replenish: false,
            ..opts.clone()
        },
    )
    .unwrap();
    let c = (0..50)
        .map(|t| trace(&model, 7, t))
        .find(|c| c.contains(&0.0))
        .unwrap();
    let k = first_drop(&c, 40.0).unwrap();
    assert!(c[k..].iter().all(|&x| x == 0.0));
}

#[test]
fn with_no_other_spot_pool_the_fleet_waits_out_the_cooldown_or_falls_back() {
    let catalog = catalog(0);
    // Only x.large is a candidate; its AZ2 pool (bucket 0) exists, so restrict to AZ1.
    let mut req = request(
        &["x.large"],
        SpotStrategy::LowestPrice,
        [0.0, 0.0, 0.0, 0.0, 0.99],
    );
    req.candidates.zones = vec![crate::request::ZoneRef::Id(AZ1.into())];
    let plan = plan_for(&catalog, &req);
    let base = SimulationOptions {
        hazard_scale: 10.0,
        cooldown_minutes: 60.0,
        ..options(1)
    };
    // No fallback: the pool is reused once its 12-step cool-down is over.
    let model = Model::build(&catalog, Some(&req), &plan, &base).unwrap();
    let c = (0..50)
        .map(|t| trace(&model, 3, t))
        .find(|c| first_drop(c, 40.0).is_some_and(|k| k + 14 < c.len()));
    let c = c.unwrap();
    let k = first_drop(&c, 40.0).unwrap();
    assert!(c[k..k + 13].iter().all(|&x| x == 0.0), "{c:?}");
    assert_eq!(c[k + 13], 40.0);

    // Fallback: On-Demand replaces it after the launch delay and stays.
    let opts = SimulationOptions {
        on_demand_fallback: true,
        ..base
    };
    let report = simulate(
        &catalog,
        Some(&req),
        &plan,
        &SimulationOptions {
            trials: 300,
            ..opts.clone()
        },
    )
    .unwrap();
    assert!(report.summary.mean_fallback_instances > 0.0);
    assert_eq!(
        report.summary.mean_fallback_instances,
        report.summary.mean_replacement_instances
    );
    let od = report
        .pools
        .iter()
        .find(|p| p.market == Market::OnDemand)
        .unwrap();
    assert_eq!(od.instance_type.as_str(), "x.large");
    let model = Model::build(&catalog, Some(&req), &plan, &opts).unwrap();
    let c = (0..50)
        .map(|t| trace(&model, 3, t))
        .find(|c| c.contains(&0.0))
        .unwrap();
    let k = first_drop(&c, 40.0).unwrap();
    assert_eq!(c[k], 0.0);
    assert!(c[k + 1..].iter().all(|&x| x == 40.0));
}

#[test]
fn az_events_reclaim_a_whole_az() {
    let catalog = catalog(0);
    let req = request(&ALL_TYPES, SpotStrategy::Diversified, [0.0; 5]);
    let plan = plan_for(&catalog, &req);
    let opts = SimulationOptions {
        az_event_rate: 0.05,
        replenish: false,
        ..options(400)
    };
    let report = simulate(&catalog, Some(&req), &plan, &opts).unwrap();
    let s = &report.summary;
    assert!(s.mean_az_events > 0.5, "{s:?}");
    assert_eq!(s.mean_pool_interruptions, 0.0);
    // An event takes a whole AZ: capacity is only ever both AZs, one of them, or nothing.
    let in_az = |zone: &str| -> f64 {
        plan.allocations
            .iter()
            .filter(|a| a.availability_zone_id.as_str() == zone)
            .map(|a| a.capacity)
            .sum()
    };
    let levels = [0.0, in_az(AZ1), in_az(AZ2), 40.0];
    assert_eq!(levels[1] + levels[2], 40.0);
    assert!(
        report.capacity.iter().all(|c| levels.contains(&c.p5)),
        "{levels:?}"
    );
    assert!(report.capacity.iter().any(|c| c.p5 < 40.0));
    assert!(s.min_capacity == 0.0);

    // Spot-only AZ events leave On-Demand alone; an outage does not.
    let mut od = req.clone();
    od.target.on_demand = OnDemandSplit::Target(40.0);
    let od_plan = plan_for(&catalog, &od);
    let spot_scope = simulate(&catalog, Some(&od), &od_plan, &opts).unwrap();
    assert_eq!(spot_scope.summary.time_at_or_above_target, 1.0);
    let outage = simulate(
        &catalog,
        Some(&od),
        &od_plan,
        &SimulationOptions {
            az_event_scope: AzEventScope::All,
            ..opts
        },
    )
    .unwrap();
    assert!(outage.summary.time_at_or_above_target < 1.0);
}

#[test]
fn a_plan_pool_missing_from_the_catalogue_is_named() {
    let catalog = catalog(0);
    let req = request(&ALL_TYPES, SpotStrategy::LowestPrice, HIGH);
    let mut plan = plan_for(&catalog, &req);
    plan.allocations[0].availability_zone_id = "use1-az9".into();
    let error = simulate(&catalog, None, &plan, &options(10)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "allocations[0]: the catalogue has no spot pool of x.large in use1-az9 (us-east-1, Linux/UNIX)"
    );
    assert_eq!(error.class(), crate::ErrorClass::Input);
}

#[test]
fn bad_options_are_rejected() {
    let catalog = catalog(0);
    let plan = plan_for(
        &catalog,
        &request(&ALL_TYPES, SpotStrategy::LowestPrice, HIGH),
    );
    let run = |opts: SimulationOptions| {
        simulate(&catalog, None, &plan, &opts)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        run(SimulationOptions {
            trials: 0,
            ..options(1)
        }),
        "trials: expected at least 1 trial"
    );
    assert_eq!(
        run(SimulationOptions {
            reclaim_fraction: 0.0,
            ..options(1)
        }),
        "reclaim_fraction: expected a share in (0, 1], found 0"
    );
    assert_eq!(
        run(SimulationOptions {
            hours: 10_000.0,
            step_minutes: 1.0,
            ..options(1)
        }),
        "step_minutes: 10000 hours in steps of 1 minutes is 600000 steps; at most 20000 are allowed (use longer steps or a shorter horizon)"
    );
    // A huge horizon is named in a few characters, not 301 digits.
    assert_eq!(
        run(SimulationOptions {
            hours: 1e300,
            ..options(1)
        }),
        "step_minutes: 1e300 hours in steps of 5 minutes is 1.2e301 steps; at most 20000 are allowed (use longer steps or a shorter horizon)"
    );
    assert_eq!(
        run(SimulationOptions {
            az_event_rate: f64::NAN,
            ..options(1)
        }),
        "az_event_rate: expected a number ≥ 0, found NaN"
    );
}
