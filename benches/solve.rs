//! aws-mode benchmarks over the fixture scenarios S, M and L of DESIGN §12 (targets on 2 cores:
//! 0.1 ms, 1 ms and 10 ms), against the embedded default catalogue. Each iteration resolves the
//! request's candidates and emulates EC2's allocation — what `fleetopt solve --mode aws` does
//! minus file reading and verification, which are measured separately.
//!
//! Run: `cargo bench --bench solve`; results are recorded in `benches/README.md`.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public fn"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fleetopt::instances::embedded;
use fleetopt::solver::request::{self, FleetRequest};
use fleetopt::solver::{aws_mode, candidates, verify};

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

criterion_group!(benches, aws_mode_scenarios);
criterion_main!(benches);
