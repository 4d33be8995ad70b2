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

/// The ec2-instance-selector-style filters of `catalog list`, each checked against the raw
/// `describe-instance-types` fixture it was built from: the listed types are exactly those
/// whose AWS fields meet the filter, computed here from the JSON, not from fleetopt's model.
#[test]
fn list_filters_agree_with_the_raw_describe_instance_types_data() {
    use std::collections::BTreeSet;

    use crate::support::{fixture, rel};

    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.json");
    let built = fleetopt([
        "catalog",
        "build",
        "--instance-types",
        &rel(&fixture("aws/describe-instance-types.json")),
        "--offerings",
        &rel(&fixture("aws/offerings-az-id.json")),
        "--on-demand-prices",
        &rel(&fixture("aws/on-demand-prices.csv")),
        "--region",
        "us-east-1",
        "-o",
        catalog.to_str().unwrap(),
    ]);
    assert_eq!(built.code, 0, "{}", built.render());
    let raw: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("aws/describe-instance-types.json")).unwrap(),
    )
    .unwrap();
    let offerings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("aws/offerings-az-id.json")).unwrap(),
    )
    .unwrap();
    let offered: BTreeSet<String> = offerings["InstanceTypeOfferings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["InstanceType"].as_str().unwrap().to_owned())
        .collect();
    let prices = std::fs::read_to_string(fixture("aws/on-demand-prices.csv")).unwrap();
    let price_of = |name: &str| -> Option<f64> {
        prices.lines().skip(1).find_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (fields[0] == name && fields[1] == "us-east-1" && fields[2] == "Linux/UNIX")
                .then(|| fields[3].parse().unwrap())
        })
    };
    let expect = |keep: &dyn Fn(&serde_json::Value) -> bool| -> BTreeSet<String> {
        raw["InstanceTypes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| offered.contains(t["InstanceType"].as_str().unwrap()) && keep(t))
            .map(|t| t["InstanceType"].as_str().unwrap().to_owned())
            .collect()
    };
    let listed = |flags: &[&str]| -> BTreeSet<String> {
        let mut args = vec![
            "catalog",
            "list",
            "--catalog",
            catalog.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(flags);
        let run = fleetopt(&args);
        assert_eq!(run.code, 0, "{flags:?}: {}", run.render());
        let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        rows.iter()
            .map(|r| r["instance_type"].as_str().unwrap().to_owned())
            .collect()
    };
    let baseline = |t: &serde_json::Value| -> f64 {
        t["NetworkInfo"]["NetworkCards"]
            .as_array()
            .map_or(0.0, |cards| {
                cards
                    .iter()
                    .map(|c| c["BaselineBandwidthInGbps"].as_f64().unwrap_or(0.0))
                    .sum()
            })
    };
    let cases: Vec<(Vec<&str>, BTreeSet<String>)> = vec![
        (
            vec!["--gpu-memory-gib", "16.."],
            expect(&|t| t["GpuInfo"]["TotalGpuMemoryInMiB"].as_u64().unwrap_or(0) >= 16 * 1024),
        ),
        (
            vec!["--gpu-manufacturer", "nvidia", "--gpu-model", "t4"],
            expect(&|t| {
                t["GpuInfo"]["Gpus"].as_array().is_some_and(|g| {
                    g.iter().any(|g| {
                        g["Manufacturer"].as_str() == Some("NVIDIA")
                            && g["Name"].as_str() == Some("T4")
                    })
                })
            }),
        ),
        (
            vec!["--network-gbps", "1.."],
            expect(&|t| baseline(t) >= 1.0),
        ),
        (
            vec!["--network-performance", "up to 10 gigabit"],
            expect(&|t| {
                t["NetworkInfo"]["NetworkPerformance"].as_str() == Some("Up to 10 Gigabit")
            }),
        ),
        (
            vec!["--efa"],
            expect(&|t| t["NetworkInfo"]["EfaSupported"].as_bool() == Some(true)),
        ),
        (
            vec![
                "--local-storage",
                "required",
                "--disk-type",
                "ssd",
                "--local-storage-gb",
                "500..",
            ],
            expect(&|t| {
                t["InstanceStorageSupported"].as_bool() == Some(true)
                    && t["InstanceStorageInfo"]["TotalSizeInGB"]
                        .as_f64()
                        .unwrap_or(0.0)
                        >= 500.0
                    && t["InstanceStorageInfo"]["Disks"]
                        .as_array()
                        .is_some_and(|d| d.iter().all(|d| d["Type"].as_str() == Some("ssd")))
            }),
        ),
        (
            vec!["--memory-per-vcpu", "4"],
            expect(&|t| {
                t["MemoryInfo"]["SizeInMiB"].as_f64().unwrap()
                    / 1024.0
                    / t["VCpuInfo"]["DefaultVCpus"].as_f64().unwrap()
                    == 4.0
            }),
        ),
        (
            vec!["--hibernation"],
            expect(&|t| t["HibernationSupported"].as_bool() == Some(true)),
        ),
        (
            vec!["--usage-class", "spot"],
            expect(&|t| {
                t["SupportedUsageClasses"]
                    .as_array()
                    .is_some_and(|u| u.iter().any(|u| u == "spot"))
            }),
        ),
        (
            vec!["--on-demand-price", "..0.1"],
            expect(&|t| price_of(t["InstanceType"].as_str().unwrap()).is_some_and(|p| p <= 0.1)),
        ),
        (vec!["--zone", "use1-az4"], expect(&|_| true)),
    ];
    for (flags, expected) in cases {
        assert!(
            !expected.is_empty() || flags == ["--efa"],
            "{flags:?} tests nothing"
        );
        assert_eq!(listed(&flags), expected, "{flags:?}");
    }
    // --max-results keeps the first rows of the sort order.
    let all: Vec<String> = listed(&[]).into_iter().collect();
    let two = listed(&["--max-results", "2"]);
    assert_eq!(two, all[..2].iter().cloned().collect());
    // A zone the region lacks, or a misspelt usage class, is refused with exit 2.
    for flags in [["--zone", "use1-az9"], ["--usage-class", "spots"]] {
        let mut args = vec!["catalog", "list", "--catalog", catalog.to_str().unwrap()];
        args.extend_from_slice(&flags);
        let run = fleetopt(&args);
        assert_eq!(run.code, 2, "{}", run.render());
    }
}
