//! Scenario B of DESIGN §12: a batch of 1,000 M-sized aws-mode scenarios
//! (`fixtures/batch/m-1000.toml`: 5 spot strategies × 200 targets over `fixtures/scenarios/m.toml`
//! on the embedded catalogue), run by the batch engine with 1 and 2 worker threads. Target on
//! 2 cores: under 60 s, with near-linear speed-up.
//!
//! Each iteration is a whole batch as `fleetopt batch` runs it — sweep expansion, request
//! reading, candidate resolution, emulation, verification, JSON rendering, chunked rayon
//! solving — writing to a sink (stream output: no journal or fsync, which the CLI adds for file
//! output). The speed-up is the ratio of the two medians.
//!
//! Run: `cargo bench --bench batch`; results are recorded in `benches/README.md`.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public fn"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fleetopt::batch::{self, Destination, ErrorClass, Input, NoProgress, Options};

/// The exit codes of docs/design.md §11 (the binary's map, which a bench cannot link): they only
/// fill the `exit_code` field of error lines, which the timing does not depend on.
fn exit_code(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Input => 2,
        ErrorClass::Infeasible => 3,
        ErrorClass::TimeLimit => 4,
        ErrorClass::Internal => 1,
    }
}

fn batch_b(c: &mut Criterion) {
    let path = format!("{}/fixtures/batch/m-1000.toml", env!("CARGO_MANIFEST_DIR"));
    let input = match Input::open(std::path::Path::new(&path)) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("skipped: {e}");
            return;
        }
    };
    eprintln!("batch B: {} scenarios", input.len());
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for threads in [1usize, 2] {
        let options = Options {
            threads: Some(threads),
            ..Options::new(exit_code)
        };
        group.bench_function(format!("b_1000_m/threads={threads}"), |b| {
            b.iter(|| {
                let mut sink = std::io::sink();
                let report = batch::run(
                    black_box(&input),
                    Destination::Stream(&mut sink),
                    None,
                    &options,
                    &NoProgress,
                );
                black_box(report.map(|r| r.failed))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batch_b);
criterion_main!(benches);
