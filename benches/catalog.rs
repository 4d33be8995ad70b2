//! Catalogue benchmarks: parsing the embedded default catalogue (target: under 50 ms, DESIGN
//! §12), loading the full real describe-instance-types file, and attribute-based selection over
//! the embedded catalogue.
//!
//! Run: `cargo bench --bench catalog`; compare over time with
//! `cargo bench --bench catalog -- --save-baseline main` then `-- --baseline main`.
//! Results and the machine they ran on are recorded in `benches/README.md`.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented public fn"
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use fleetopt::instances::embedded::{DEFAULT_CATALOG_JSON, DEFAULT_CATALOG_LABEL};
use fleetopt::instances::load;
use fleetopt::instances::select::{self, Requirements};

const FULL_INSTANCE_TYPES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/moto/instance_types.json"
);

fn embedded_catalog(c: &mut Criterion) {
    c.bench_function("catalog/embedded_load", |b| {
        b.iter(|| {
            let catalog =
                load::catalog::parse(DEFAULT_CATALOG_LABEL, black_box(DEFAULT_CATALOG_JSON));
            black_box(catalog.map(|c| c.type_count()))
        })
    });
}

fn full_describe_instance_types(c: &mut Criterion) {
    let path = Path::new(FULL_INSTANCE_TYPES);
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!(
            "skipped catalog/describe_instance_types_full: {FULL_INSTANCE_TYPES} not found (CI provides ../shared/data)"
        );
        return;
    };
    c.bench_function("catalog/describe_instance_types_full", |b| {
        b.iter(|| {
            let types = load::instance_types::parse("instance_types.json", black_box(&text));
            black_box(types.map(|t| t.len()))
        })
    });
}

fn selection(c: &mut Criterion) {
    let Ok(catalog) = fleetopt::instances::embedded::catalog() else {
        eprintln!("skipped catalog/select: the embedded catalogue does not parse");
        return;
    };
    let requirements: Requirements = match serde_json::from_str(
        r#"{"vcpus": {"min": 4, "max": 16}, "memory_mib": {"min": 8192}, "cpu_manufacturers": ["intel", "amd"]}"#,
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("skipped catalog/select: {e}");
            return;
        }
    };
    c.bench_function("catalog/select_us_east_1", |b| {
        b.iter(|| {
            black_box(select::select(&catalog, Some("us-east-1"), black_box(&requirements)).len())
        })
    });
}

criterion_group!(
    benches,
    embedded_catalog,
    full_describe_instance_types,
    selection
);
criterion_main!(benches);
