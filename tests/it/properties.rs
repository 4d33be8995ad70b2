//! Property tests of aws mode over random small catalogues and requests: every plan passes the
//! independent verifier; output is identical across runs and threads; capacity reaches the target
//! unless a budget, availability or eligibility shortfall is declared; overshoot stays below the
//! largest weight used.

use fleetopt::instances::{Market, load};
use fleetopt::solver::request::{
    CapacityUnit, FleetRequest, Mode, OnDemandSplit, OnDemandStrategy, SpotStrategy, TypeOverride,
};
use fleetopt::solver::solve::{SolveOptions, solve};
use proptest::prelude::*;

const ZONES: [&str; 3] = ["use1-az1", "use1-az2", "use1-az4"];

/// One random instance type with its pools: (vcpus, on-demand price, spot discount, bucket,
/// available instances, zones mask).
type TypeSpec = (u32, f64, f64, Option<u8>, Option<u32>, u8);

fn catalog_json(types: &[TypeSpec]) -> String {
    let mut instance_types = Vec::new();
    let mut pools = Vec::new();
    for (i, &(vcpus, od, discount, bucket, available, mask)) in types.iter().enumerate() {
        let name = format!("t{i}.large");
        instance_types.push(format!(
            r#"{{"name":"{name}","current_generation":true,"vcpus":{vcpus},"memory_mib":{},"architectures":["x86_64"],"network":{{"performance":"Up to 10 Gigabit","baseline_gbps":1.0,"peak_gbps":10.0,"max_interfaces":3,"efa":false}},"burstable":false,"bare_metal":false,"placement_strategies":["cluster","partition","spread"],"markets":["on-demand","spot"]}}"#,
            vcpus * 4096
        ));
        for (z, zone) in ZONES.iter().enumerate() {
            if mask & (1 << z) == 0 {
                continue;
            }
            // Prices differ a little per AZ so ties are rare but possible.
            let od_price = (od * 1e4).round() / 1e4;
            let spot = ((od * discount * (1.0 + 0.01 * z as f64)) * 1e6).round() / 1e6;
            pools.push(format!(
                r#"{{"type":"{name}","zone":"{zone}","market":"on-demand","price":{od_price},"source":"published"}}"#
            ));
            let bucket = bucket
                .map(|b| format!(r#","bucket":{b}"#))
                .unwrap_or_default();
            let available = available
                .map(|a| format!(r#","available":{a}"#))
                .unwrap_or_default();
            pools.push(format!(
                r#"{{"type":"{name}","zone":"{zone}","market":"spot","price":{spot},"source":"observed"{bucket}{available}}}"#
            ));
        }
    }
    format!(
        r#"{{"schema":"fleetopt.catalog/v1","info":{{"title":"property test"}},"instance_types":[{}],"regions":[{{"region":"us-east-1","zones":[{}],"pools":[{}]}}]}}"#,
        instance_types.join(","),
        ZONES
            .iter()
            .map(|z| format!(r#"{{"id":"{z}"}}"#))
            .collect::<Vec<_>>()
            .join(","),
        pools.join(",")
    )
}

fn type_spec() -> impl Strategy<Value = TypeSpec> {
    (
        prop::sample::select(vec![1u32, 2, 4, 8, 16]),
        0.01f64..2.0,
        0.2f64..1.05,
        prop::option::of(0u8..5),
        prop::option::weighted(0.3, 1u32..20),
        1u8..8,
    )
}

fn spot_strategy() -> impl Strategy<Value = SpotStrategy> {
    prop::sample::select(SpotStrategy::ALL.to_vec())
}

prop_compose! {
    fn scenario()(
        types in prop::collection::vec(type_spec(), 1..6),
        capacity in 1u32..120,
        on_demand_share in prop::option::of(0.0f64..1.0),
        strategy in spot_strategy(),
        od_prioritized in any::<bool>(),
        vcpu_unit in any::<bool>(),
        weights in prop::collection::vec(1u32..9, 6),
        pools in prop::option::of(1u32..4),
        spot_budget in prop::option::weighted(0.2, 0.05f64..20.0),
        balance in any::<bool>(),
    ) -> (String, FleetRequest) {
        let mut request = FleetRequest::new("us-east-1", f64::from(capacity), Mode::Aws);
        request.candidates.overrides = (0..types.len())
            .map(|i| TypeOverride {
                pattern: format!("t{i}.large"),
                zone: None,
                weight: (!vcpu_unit).then(|| f64::from(weights[i])),
                priority: Some(i as f64),
                max_price: None,
            })
            .collect();
        if vcpu_unit {
            request.target.unit = CapacityUnit::Vcpu;
        }
        if let Some(share) = on_demand_share {
            request.target.on_demand = OnDemandSplit::Target((f64::from(capacity) * share).floor());
        }
        request.spot.strategy = strategy;
        if strategy == SpotStrategy::LowestPrice {
            request.spot.pools = pools;
        }
        request.spot.max_total_price = spot_budget;
        request.balance_zones = balance;
        if od_prioritized {
            request.on_demand.strategy = OnDemandStrategy::Prioritized;
        }
        (catalog_json(&types), request)
    }
}

fn cases() -> u32 {
    // CI gets a wider search; local runs stay quick.
    if std::env::var_os("CI").is_some() {
        512
    } else {
        128
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn aws_mode_plans_verify_and_respect_bounds((catalog_text, request) in scenario()) {
        let catalog = load::catalog::parse("property", &catalog_text).unwrap();
        // `solve` runs the independent verifier and fails on any violation.
        let plan = match solve(&catalog, &request, &SolveOptions::default()) {
            Ok(plan) => plan,
            Err(error) => return Err(TestCaseError::fail(format!("{error}"))),
        };
        let m = &plan.metrics;
        if plan.shortfall.is_none() {
            prop_assert!(m.capacity >= request.target.capacity - 1e-9, "capacity {} < target {}", m.capacity, request.target.capacity);
        }
        let largest = plan.allocations.iter().map(|a| a.weight).fold(0.0, f64::max);
        prop_assert!(m.overshoot < largest.max(1.0) + 1e-9, "overshoot {} with largest weight {}", m.overshoot, largest);
        for market in [Market::OnDemand, Market::Spot] {
            let cost: f64 = plan.allocations.iter().filter(|a| a.market == market).map(|a| a.cost_per_hour()).sum();
            let budget = match market {
                Market::Spot => request.spot.max_total_price,
                Market::OnDemand => request.on_demand.max_total_price,
            };
            if let Some(budget) = budget {
                prop_assert!(cost <= budget + 1e-9);
            }
        }

        // Same input, same bytes: again on this thread, and on another thread.
        let first = serde_json::to_string(&plan).unwrap();
        let again = serde_json::to_string(&solve(&catalog, &request, &SolveOptions::default()).unwrap()).unwrap();
        prop_assert_eq!(&first, &again);
        let other = std::thread::scope(|scope| {
            scope
                .spawn(|| serde_json::to_string(&solve(&catalog, &request, &SolveOptions::default()).unwrap()).unwrap())
                .join()
                .unwrap()
        });
        prop_assert_eq!(&first, &other);
    }
}
