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
