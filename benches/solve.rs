//! aws-mode benchmarks over the fixture scenarios S, M and L of DESIGN §12 (targets on 2 cores:
//! 0.1 ms, 1 ms and 10 ms), against the embedded default catalogue. Each iteration resolves the
//! request's candidates and emulates EC2's allocation — what `fleetopt solve --mode aws` does
//! minus file reading and verification, which are measured separately.
//!
//! optimal-mode benchmarks (`optimal/…`): S, M, L and the placement variants P of M
//! (`p-partition`, `p-spread`, `p-cluster`), each solved to proven optimality with HiGHS
//! (targets on 2 cores: M under 100 ms, L under 1 s). Each iteration resolves candidates and
//! runs the lexicographic ILP, as `fleetopt solve --mode optimal` does minus file reading and
//! verification.
//!
//! Run: `cargo bench --bench solve`; results are recorded in `benches/README.md`.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public fn"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fleetopt::instances::embedded;
use fleetopt::solver::request::{self, FleetRequest, Mode, SpotStrategy};
use fleetopt::solver::{aws_mode, candidates, optimal, verify};

fn scenario(name: &str) -> Option<FleetRequest> {
    let path = format!(
        "{}/fixtures/scenarios/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).ok()?;
    match request::read(&path, &text) {
        Ok(request) => Some(request),
        Err(e) => {
            eprintln!("skipped scenario {name}: {e}");
            None
        }
    }
}

fn aws_mode_scenarios(c: &mut Criterion) {
    let Ok(catalog) = embedded::catalog() else {
        eprintln!("skipped: the embedded catalogue does not parse");
        return;
    };
    for name in ["s", "m", "l"] {
        let Some(request) = scenario(name) else {
            continue;
        };
        let Ok(set) = candidates::resolve(&catalog, &request) else {
            eprintln!("skipped scenario {name}: candidates do not resolve");
            continue;
        };
        eprintln!("scenario {name}: {} candidate pools", set.pools.len());
        c.bench_function(&format!("aws_mode/{name}/emulate"), |b| {
            b.iter(|| black_box(aws_mode::emulate(black_box(&request), black_box(&set))))
        });
        c.bench_function(&format!("aws_mode/{name}/resolve_and_emulate"), |b| {
            b.iter(|| {
                let set = candidates::resolve(black_box(&catalog), black_box(&request));
                black_box(set.map(|set| aws_mode::emulate(&request, &set).metrics.capacity))
            })
        });
        let plan = aws_mode::emulate(&request, &set);
        c.bench_function(&format!("verify/{name}"), |b| {
            b.iter(|| black_box(verify::verify(&catalog, &request, black_box(&plan)).len()))
        });
    }
}

fn optimal_scenarios(c: &mut Criterion) {
    let Ok(catalog) = embedded::catalog() else {
        eprintln!("skipped: the embedded catalogue does not parse");
        return;
    };
    let mut group = c.benchmark_group("optimal");
    // Each L solve takes about a second: fewer samples keep the run short.
    group.sample_size(10);
    for name in ["s", "m", "l", "p-partition", "p-spread", "p-cluster"] {
        let Some(mut request) = scenario(name) else {
            continue;
        };
        request.mode = Mode::Optimal;
        let Ok(set) = candidates::resolve(&catalog, &request) else {
            eprintln!("skipped scenario {name}: candidates do not resolve");
            continue;
        };
        match optimal::plan(&request, &set) {
            Ok(plan) => eprintln!(
                "optimal {name}: {} candidate pools, ${:.4}/h, {:?}",
                set.pools.len(),
                plan.metrics.cost_per_hour,
                plan.solver.map(|s| s.status)
            ),
            Err(e) => {
                eprintln!("skipped optimal {name}: {e}");
                continue;
            }
        }
        group.bench_function(name, |b| {
            b.iter(|| {
                let set = candidates::resolve(black_box(&catalog), black_box(&request));
                black_box(
                    set.map(|set| optimal::plan(&request, &set).map(|p| p.metrics.cost_per_hour)),
                )
            })
        });
    }
    group.finish();
}

/// The dominance solve (optimal mode's default: the cheapest plan at least as safe as the
/// aws-mode plan, which it computes first) for every spot strategy on M, L and L-spot.
fn dominance_scenarios(c: &mut Criterion) {
    let Ok(catalog) = embedded::catalog() else {
        eprintln!("skipped: the embedded catalogue does not parse");
        return;
    };
    let mut group = c.benchmark_group("dominance");
    group.sample_size(10);
    for name in ["m", "l", "l-spot"] {
        let Some(mut request) = scenario(name) else {
            continue;
        };
        request.mode = Mode::Optimal;
        for strategy in SpotStrategy::ALL {
            let mut request = request.clone();
            request.spot.strategy = strategy;
            let Ok(set) = candidates::resolve(&catalog, &request) else {
                eprintln!("skipped scenario {name}: candidates do not resolve");
                continue;
            };
            match optimal::plan(&request, &set) {
                Ok(plan) => eprintln!(
                    "dominance {name} {strategy}: ${:.4}/h against aws ${:.4}/h, {:?}",
                    plan.metrics.cost_per_hour,
                    plan.as_safe_as
                        .map_or(f64::NAN, |a| a.reference_cost_per_hour),
                    plan.solver.map(|s| s.status)
                ),
                Err(e) => {
                    eprintln!("skipped dominance {name} {strategy}: {e}");
                    continue;
                }
            }
            group.bench_function(format!("{name}/{strategy}"), |b| {
                b.iter(|| black_box(optimal::plan(&request, &set).map(|p| p.metrics.cost_per_hour)))
            });
        }
    }
    group.finish();
}

/// The optional backends on the same scenarios (`--features cbc,microlp`), for the backend
/// comparison in `benches/README.md`. Without those features this group is empty.
fn backend_scenarios(c: &mut Criterion) {
    #[allow(unused_mut, reason = "empty without the optional backend features")]
    let mut backends: Vec<(&str, optimal::Backend, &[&str])> = Vec::new();
    #[cfg(feature = "cbc")]
    backends.push(("cbc", optimal::Backend::Cbc, &["s", "m", "l"]));
    #[cfg(feature = "microlp")]
    backends.push(("microlp", optimal::Backend::Microlp, &["s", "m"]));
    if backends.is_empty() {
        return;
    }
    let Ok(catalog) = embedded::catalog() else {
        return;
    };
    let mut group = c.benchmark_group("backends");
    group.sample_size(10);
    for (backend_name, backend, names) in backends {
        for name in names {
            let Some(mut request) = scenario(name) else {
                continue;
            };
            request.mode = Mode::Optimal;
            let Ok(set) = candidates::resolve(&catalog, &request) else {
                continue;
            };
            match optimal::plan_with(&request, &set, backend) {
                Ok(plan) => eprintln!(
                    "{backend_name} {name}: ${:.4}/h, {:?}",
                    plan.metrics.cost_per_hour,
                    plan.solver.map(|s| s.status)
                ),
                Err(e) => {
                    eprintln!("skipped {backend_name} {name}: {e}");
                    continue;
                }
            }
            group.bench_function(format!("{backend_name}/{name}"), |b| {
                b.iter(|| black_box(optimal::plan_with(&request, &set, backend).is_ok()))
            });
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    aws_mode_scenarios,
    optimal_scenarios,
    dominance_scenarios,
    backend_scenarios
);
criterion_main!(benches);
