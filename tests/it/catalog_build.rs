//! `fleetopt catalog build` end to end over the AWS-shaped fixtures in `fixtures/aws/`.

use fleetopt::instances::{Market, PriceSource, load};

use crate::support::{fixture, fleetopt, rel};

/// The arguments that build `fixtures/catalogs/small.json` from `fixtures/aws/`.
fn small_build_args(output: &str) -> Vec<String> {
    let aws = |name: &str| rel(&fixture(&format!("aws/{name}")));
    [
        "catalog",
        "build",
        "--title",
        "fixture catalogue (us-east-1, three zones)",
        "--instance-types",
        &aws("describe-instance-types.json"),
        "--offerings",
        &aws("offerings-az-id.json"),
        "--spot-prices",
        &aws("spot-price-history-v2.json"),
        "--advisor",
        &aws("spot-advisor.json"),
        "--placement-scores",
        &aws("placement-scores.json"),
        "--on-demand-prices",
        &aws("on-demand-prices.csv"),
        "--zones",
        &aws("describe-availability-zones.json"),
        "--region",
        "us-east-1",
        "--estimate-spot",
        "--source-date",
        "advisor=2025-06-28",
        "--source-date",
        "spot-prices=2022-05-31",
        "-o",
        output,
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

#[test]
fn fixture_catalogue_is_rebuilt_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small.json");
    let run = fleetopt(small_build_args(out.to_str().unwrap()));
    assert_eq!(run.code, 0, "{}", run.render());
    let built = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(fixture("catalogs/small.json")).unwrap();
    assert!(
        built == committed,
        "fixtures/catalogs/small.json is stale; rebuild it with the arguments in tests/it/catalog_build.rs"
    );
    // A second build gives the same bytes.
    let again = dir.path().join("again.json");
    assert_eq!(fleetopt(small_build_args(again.to_str().unwrap())).code, 0);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), built);
}

#[test]
fn the_join_prices_every_pool_and_marks_estimates() {
    let catalog = load::catalog::load(&fixture("catalogs/small.json")).unwrap();
    let region = catalog.region("us-east-1").unwrap();
    let zones: Vec<&str> = region.zones().map(|z| z.id.as_str()).collect();
    assert_eq!(zones, ["use1-az1", "use1-az2", "use1-az4"]);
    // AZ names come from describe-availability-zones.
    let az4 = region
        .zones()
        .find(|z| z.id.as_str() == "use1-az4")
        .unwrap();
    assert_eq!(az4.name.as_deref(), Some("us-east-1a"));

    let m5 = region.pools_of("m5.large");
    let on_demand: Vec<_> = m5.iter().filter(|p| p.market == Market::OnDemand).collect();
    assert_eq!(on_demand.len(), 3);
    assert!(
        on_demand
            .iter()
            .all(|p| p.price_per_hour == 0.096 && p.price_source == PriceSource::Published)
    );

    // Observed history wins where it exists; the advisor estimate fills the other AZ.
    let spot = |zone: &str| {
        m5.iter()
            .find(|p| p.market == Market::Spot && p.zone.as_str() == zone)
            .unwrap()
    };
    assert_eq!(spot("use1-az4").price_per_hour, 0.0416);
    assert_eq!(spot("use1-az4").price_source, PriceSource::Observed);
    assert_eq!(spot("use1-az2").price_per_hour, 0.0424);
    let estimated = spot("use1-az1");
    assert_eq!(estimated.price_source, PriceSource::AdvisorSavings);
    // 0.096 × (1 − 66 %) = 0.03264
    assert!(
        (estimated.price_per_hour - 0.03264).abs() < 1e-9,
        "{}",
        estimated.price_per_hour
    );
    // Every spot pool carries the advisor bucket: m5.large in us-east-1 is r = 3 (15-20 %).
    assert!(
        m5.iter()
            .filter(|p| p.market == Market::Spot)
            .all(|p| p.interruption_bucket == Some(3))
    );
    assert!(
        catalog
            .info()
            .methods
            .iter()
            .any(|m| m.contains("Spot Advisor savings"))
    );
}

#[test]
fn offerings_by_az_name_need_the_zones_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by-name.json");
    let types = rel(&fixture("aws/describe-instance-types.json"));
    let by_name = rel(&fixture("aws/offerings-az-name.json"));
    let run = fleetopt([
        "catalog",
        "build",
        "--instance-types",
        &types,
        "--offerings",
        &by_name,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr
            .contains("is an AZ name, which differs per account; give --zones"),
        "{}",
        run.stderr
    );
    assert!(
        !out.exists(),
        "a failed build must not leave an output file"
    );

    let zones = rel(&fixture("aws/describe-availability-zones.json"));
    let run = fleetopt([
        "catalog",
        "build",
        "--instance-types",
        &types,
        "--offerings",
        &by_name,
        "--zones",
        &zones,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let catalog = load::catalog::load(&out).unwrap();
    let region = catalog.region("us-east-1").unwrap();
    assert!(
        region
            .zones()
            .all(|z| z.id.as_str().starts_with("use1-az") && z.name.is_some())
    );
}

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("catalog.json");
    std::fs::write(&out, "previous contents").unwrap();
    let run = fleetopt([
        "catalog",
        "build",
        "--instance-types",
        &rel(&fixture("aws/describe-instance-types.json")),
        "--offerings",
        &rel(&fixture("bad/offerings/region-location-type.json")),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous contents");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file may be left behind");
}

/// `catalog build` over the instance types and offerings fixtures with the given price sources.
fn build_with(dir: &std::path::Path, name: &str, prices: &[&str]) -> (crate::support::Run, String) {
    let out = dir.join(name);
    let mut args: Vec<String> = [
        "catalog",
        "build",
        "--instance-types",
        &rel(&fixture("aws/describe-instance-types.json")),
        "--offerings",
        &rel(&fixture("aws/offerings-az-id.json")),
        "--region",
        "us-east-1",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(prices.iter().map(|p| (*p).to_owned()));
    args.extend(["-o".to_owned(), out.to_str().unwrap().to_owned()]);
    let run = fleetopt(args);
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    (run, text)
}

#[test]
fn the_price_list_prices_on_demand_pools_at_shared_tenancy_in_json_and_csv_alike() {
    let dir = tempfile::tempdir().unwrap();
    let json = rel(&fixture("aws/commitments/price-list-ec2.json"));
    let csv = rel(&fixture("aws/commitments/price-list-ec2.csv"));
    let (run, from_json) = build_with(dir.path(), "json.json", &["--price-list", &json]);
    assert_eq!(run.code, 0, "{}", run.render());
    let (run, from_csv) = build_with(dir.path(), "csv.json", &["--price-list", &csv]);
    assert_eq!(run.code, 0, "{}", run.render());
    // The same products in either form give the same pools and prices (the source's file name,
    // recorded in the catalogue, is the only difference).
    assert_eq!(
        from_json.replace("price-list-ec2.json", "F"),
        from_csv.replace("price-list-ec2.csv", "F")
    );

    let catalog = load::catalog::parse("json.json", &from_json).unwrap();
    let source = catalog
        .info()
        .sources
        .iter()
        .find(|s| s.kind == "price-list")
        .unwrap();
    assert_eq!(source.origin, "price-list-ec2.json");
    assert_eq!(
        source.date.as_deref(),
        Some("2026-12-01"),
        "the publication date"
    );
    let region = catalog.region("us-east-1").unwrap();
    let on_demand = |name: &str| -> Vec<f64> {
        region
            .pools_of(name)
            .iter()
            .filter(|p| p.market == Market::OnDemand)
            .map(|p| p.price_per_hour)
            .collect()
    };
    // Shared tenancy, Linux: never the Dedicated ($0.106) or Host ($0.00) row.
    assert!(!on_demand("m5.large").is_empty());
    assert!(on_demand("m5.large").iter().all(|&p| p == 0.096));
    assert!(on_demand("c5.large").iter().all(|&p| p == 0.085));
    // The Dedicated row is kept as the region's Dedicated price; the Host row ($0, the host is
    // what is billed) and types without a Dedicated row give none.
    let m5 = fleetopt::instances::TypeName::new("m5.large");
    let c5 = fleetopt::instances::TypeName::new("c5.large");
    let linux = fleetopt::instances::Platform::LinuxUnix;
    assert_eq!(region.dedicated_price(&m5, linux), Some(0.106));
    assert_eq!(region.dedicated_price(&c5, linux), None);

    // A native request for Dedicated Instances plans at that price, both modes, and verifies.
    let request = dir.path().join("dedicated.toml");
    std::fs::write(
        &request,
        "region = \"us-east-1\"\ntenancy = \"dedicated\"\n[target]\ncapacity = 4\non_demand_target = 4\n[candidates]\ninstance_types = [\"m5.large\", \"c5.large\"]\n",
    )
    .unwrap();
    let catalog_file = dir.path().join("json.json");
    for mode in ["aws", "optimal"] {
        let plan_file = dir.path().join(format!("{mode}.plan.json"));
        let run = fleetopt([
            "solve",
            request.to_str().unwrap(),
            "--catalog",
            catalog_file.to_str().unwrap(),
            "--mode",
            mode,
            "--format",
            "json",
            "-o",
            plan_file.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.render());
        let plan: fleetopt::solver::plan::Plan =
            serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
        assert_eq!(plan.tenancy, fleetopt::instances::Tenancy::Dedicated);
        assert!(
            plan.allocations
                .iter()
                .all(|a| a.instance_type == m5 && a.price_per_hour == 0.106),
            "{mode}: {:?}",
            plan.allocations
        );
        let verified = fleetopt([
            "verify",
            plan_file.to_str().unwrap(),
            "--request",
            request.to_str().unwrap(),
            "--catalog",
            catalog_file.to_str().unwrap(),
        ]);
        assert_eq!(verified.code, 0, "{}", verified.render());
    }

    // An `--on-demand-prices` file overrides the Price List.
    let own = dir.path().join("own-prices.csv");
    let header = std::fs::read_to_string(fixture("aws/on-demand-prices.csv")).unwrap();
    let header = header.lines().next().unwrap();
    std::fs::write(
        &own,
        format!("{header}\nm5.large,us-east-1,Linux/UNIX,0.1,USD\n"),
    )
    .unwrap();
    let (run, both) = build_with(
        dir.path(),
        "both.json",
        &[
            "--price-list",
            &json,
            "--on-demand-prices",
            own.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let both = load::catalog::parse("both.json", &both).unwrap();
    let region = both.region("us-east-1").unwrap();
    let m5: Vec<f64> = region
        .pools_of("m5.large")
        .iter()
        .filter(|p| p.market == Market::OnDemand)
        .map(|p| p.price_per_hour)
        .collect();
    assert!(!m5.is_empty() && m5.iter().all(|&p| p == 0.1), "{m5:?}");
    let c5 = region.pools_of("c5.large");
    assert!(
        c5.iter()
            .filter(|p| p.market == Market::OnDemand)
            .all(|p| p.price_per_hour == 0.085)
    );
}
