//! Simulation benchmark (DESIGN §12: 10,000 trials × 24 h of an M plan under 2 s on 2 cores).
//! The setup solves `fixtures/scenarios/m.toml` in aws mode on the embedded catalogue; each
//! iteration runs the whole Monte Carlo simulation (5-minute steps, the request's hazard model
//! and candidates for replenishment). A second case simulates the same request with the
//! `diversified` strategy, whose plan spreads over many more pools.
//!
//! Run: `cargo bench --bench simulate`; results are recorded in `benches/README.md`.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public fn"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fleetopt::instances::embedded;
use fleetopt::solver::request::{self, Mode, SpotStrategy};
use fleetopt::solver::simulate::{SimulationOptions, simulate};
use fleetopt::solver::solve::{SolveOptions, solve};

fn simulate_m(c: &mut Criterion) {
    let Ok(catalog) = embedded::catalog() else {
        eprintln!("skipped: the embedded catalogue does not parse");
        return;
    };
    let path = format!("{}/fixtures/scenarios/m.toml", env!("CARGO_MANIFEST_DIR"));
    let Some(request) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| request::read(&path, &text).ok())
    else {
        eprintln!("skipped: {path} does not read");
        return;
    };
    let options = SimulationOptions {
        hours: 24.0,
        trials: 10_000,
        seed: 1,
        ..SimulationOptions::default()
    };
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, strategy) in [
        ("m_10k_trials_24h", None),
        (
            "m_diversified_10k_trials_24h",
            Some(SpotStrategy::Diversified),
        ),
    ] {
        let solve_options = SolveOptions {
            mode: Some(Mode::Aws),
            spot_strategy: strategy,
            region: None,
        };
        let Ok(plan) = solve(&catalog, &request, &solve_options) else {
            eprintln!("skipped {name}: scenario M does not solve");
            continue;
        };
        eprintln!("{name}: {} pools in the plan", plan.metrics.pools);
        group.bench_function(name, |b| {
            b.iter(|| {
                let report = simulate(&catalog, Some(&request), black_box(&plan), &options);
                black_box(report.map(|r| r.summary.time_at_or_above_target))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, simulate_m);
criterion_main!(benches);
