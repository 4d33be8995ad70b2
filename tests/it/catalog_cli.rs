//! `fleetopt catalog list | show | info`, pinned as snapshots: exit code, stdout and stderr.

use insta::assert_snapshot;

use crate::support::fleetopt;

const SMALL: &str = "fixtures/catalogs/small.json";

#[track_caller]
fn check(args: &[&str]) -> String {
    fleetopt(args).render()
}

#[test]
fn info_of_the_fixture_catalogue() {
    assert_snapshot!(check(&["catalog", "info", "--catalog", SMALL]));
}

#[test]
fn list_everything_as_a_table() {
    assert_snapshot!(check(&["catalog", "list", "--catalog", SMALL]));
}

#[test]
fn list_as_json() {
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--format",
        "json",
        "--vcpus",
        "2"
    ]));
}

#[test]
fn list_as_csv_sorted_by_spot_price() {
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--format",
        "csv",
        "--sort",
        "spot-price"
    ]));
}

#[test]
fn list_filters_like_attribute_based_selection() {
    // Allow and exclude combine in a listing (AWS forbids both in one InstanceRequirements).
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--allow",
        "m*",
        "--exclude",
        "m5.large"
    ]));
    // Cluster placement drops the burstable T types; arm64 keeps Graviton only.
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--placement",
        "cluster",
        "--arch",
        "arm64"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--allow",
        "m5*",
        "--memory-gib",
        "10..",
        "--burstable",
        "excluded"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--gpus",
        "1..",
        "--exclude",
        "t*"
    ]));
}

#[test]
fn show_lists_specs_and_every_pool() {
    assert_snapshot!(check(&["catalog", "show", "m5.large", "--catalog", SMALL]));
    assert_snapshot!(check(&[
        "catalog",
        "show",
        "g4dn.8xlarge",
        "--catalog",
        SMALL,
        "--region",
        "us-east-1"
    ]));
}

#[test]
fn show_suggests_a_close_name() {
    assert_snapshot!(check(&["catalog", "show", "m5.lareg", "--catalog", SMALL]));
}

#[test]
fn bad_filters_are_usage_errors() {
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--vcpus",
        "8..2"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--arch",
        "sparc"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--region",
        "mars-north-1"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--memory-gib",
        "lots"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--exclude",
        "M5.*"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--catalog",
        SMALL,
        "--burstable",
        "maybe"
    ]));
}

#[test]
fn embedded_catalogue_info() {
    assert_snapshot!(check(&["catalog", "info"]));
}

#[test]
fn embedded_catalogue_list_and_show() {
    assert_snapshot!(check(&[
        "catalog",
        "list",
        "--region",
        "eu-west-1",
        "--allow",
        "m7g.*",
        "--exclude",
        "*metal*"
    ]));
    assert_snapshot!(check(&[
        "catalog",
        "show",
        "m5.large",
        "--region",
        "us-east-1"
    ]));
}

/// `--requirements FILE`: AWS's `InstanceRequirements` shape, price protection applied as a
/// fleet in units would (per instance-hour): the 4-vCPU baseline keeps the 8-vCPU types out.
#[test]
fn list_from_an_aws_requirements_file_applies_price_protection() {
    let file = "fixtures/requirements/gpu-free-4-8-vcpu.json";
    let run = fleetopt(["catalog", "list", "--requirements", file, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let types: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .collect();
    assert!(types.contains(&"m6g.xlarge"), "{types:?}");
    assert!(!types.iter().any(|t| t.ends_with(".2xlarge")), "{types:?}");
    assert!(
        run.stderr.contains(
            "note: price protection (aws-semantics §1.10): c5a.2xlarge: on-demand price 0.308 usd/instance-hour is above the price-protection threshold 0.1848"
        ),
        "{}",
        run.stderr
    );
    // Without price protection (the flags), the same attributes list the 8-vCPU types too.
    let flags = fleetopt([
        "catalog",
        "list",
        "--vcpus",
        "4..8",
        "--memory-gib",
        "16..",
        "--current-generation",
        "--format",
        "csv",
    ]);
    assert!(flags.stdout.lines().any(|l| l.starts_with("c5a.2xlarge,")));
}

#[test]
fn a_requirements_file_is_strict_and_excludes_the_attribute_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("req.json");
    std::fs::write(&path, r#"{"VCpuCount": {"Min": 2}}"#).unwrap();
    let path = path.to_str().unwrap();
    let run = fleetopt(["catalog", "list", "--requirements", path]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr
            .contains("MemoryMiB: missing; AWS requires MemoryMiB with a Min"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("req.json"),
        r#"{"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}, "BurstablePerformence": "included"}"#,
    )
    .unwrap();
    let run = fleetopt(["catalog", "list", "--requirements", path]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("BurstablePerformance"),
        "{}",
        run.stderr
    );
    let run = fleetopt(["catalog", "list", "--requirements", path, "--vcpus", "2"]);
    assert_eq!(run.code, 2, "{}", run.render());
}
