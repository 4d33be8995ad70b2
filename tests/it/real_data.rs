//! Facts checked against the full raw AWS files in `../shared/data` (CI provides the folder; a
//! bare checkout prints `skipped: …` and passes, saying so).

use fleetopt::instances::load;
use fleetopt::instances::{Architecture, CpuManufacturer, Market, PlacementStrategy, Platform};

use crate::support::shared_data;

#[test]
fn describe_instance_types_full_file() {
    let Some(data) = shared_data() else { return };
    let types = load::instance_types::load(&data.join("moto/instance_types.json")).unwrap();
    assert_eq!(types.len(), 1373);
    let m5 = types
        .iter()
        .find(|t| t.name.as_str() == "m5.large")
        .unwrap();
    assert_eq!((m5.vcpus, m5.memory_mib), (2, 8192));
    assert_eq!(m5.cpu_manufacturer, Some(CpuManufacturer::Intel));
    assert!(
        !m5.current_generation,
        "AWS flags m5 as previous generation"
    );
    let no_cluster = types
        .iter()
        .filter(|t| !t.supports_placement(PlacementStrategy::Cluster))
        .count();
    assert_eq!(no_cluster, 89);
    assert_eq!(types.iter().filter(|t| t.burstable).count(), 28);
    assert_eq!(types.iter().filter(|t| t.gpu_count() > 0).count(), 65);
    let p5 = types
        .iter()
        .find(|t| t.name.as_str() == "p5.48xlarge")
        .unwrap();
    assert_eq!(p5.gpu_count(), 8);
    assert_eq!(p5.accelerators[0].name, "h100");
    assert_eq!(p5.accelerators[0].manufacturer, "nvidia");
    assert_eq!(p5.accelerators[0].memory_mib, 81920);
    assert!(
        types
            .iter()
            .filter(|t| t.name.as_str().starts_with("mac"))
            .all(|t| !t.supports_market(Market::Spot))
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| t.architectures.contains(&Architecture::Arm64))
            .count(),
        396
    );
}

#[test]
fn offerings_per_region() {
    let Some(data) = shared_data() else { return };
    for (region, pairs, types) in [
        ("us-east-1", 6307, 1354),
        ("us-west-2", 4961, 1331),
        ("eu-west-1", 3290, 1150),
        ("ap-northeast-2", 2443, 750),
    ] {
        for keying in ["availability-zone-id", "availability-zone"] {
            let path = data.join(format!(
                "moto/instance_type_offerings/{keying}/{region}.json"
            ));
            let offerings = load::offerings::load(&path).unwrap();
            assert_eq!(offerings.len(), pairs, "{region} {keying}");
            let distinct: std::collections::BTreeSet<_> =
                offerings.iter().map(|o| &o.instance_type).collect();
            assert_eq!(distinct.len(), types, "{region} {keying}");
        }
    }
}

#[test]
fn spot_advisor_feed() {
    let Some(data) = shared_data() else { return };
    let advisor = load::advisor::load(&data.join("spotinfo/spot-advisor-data.json")).unwrap();
    let m5 = advisor
        .get("us-east-1", Platform::LinuxUnix, "m5.large")
        .unwrap();
    assert_eq!((m5.bucket, m5.savings_percent), (3, 66));
    assert_eq!(
        advisor.bucket_labels,
        ["<5%", "5-10%", "10-15%", "15-20%", ">20%"]
    );
    let regions: std::collections::BTreeSet<_> = advisor.advice.keys().map(|(r, _)| r).collect();
    assert_eq!(regions.len(), 33);
    let linux_use1 = &advisor.advice[&("us-east-1".into(), Platform::LinuxUnix)];
    assert_eq!(linux_use1.len(), 894);
    let entries: usize = advisor.advice.values().map(|types| types.len()).sum();
    assert_eq!(entries, 25323);
}

#[test]
fn joining_the_raw_files_keeps_every_offered_type() {
    use fleetopt::instances::build::{BuildOptions, Labelled, Sources, build};
    use fleetopt::instances::{PriceSource, RegionName};

    let Some(data) = shared_data() else { return };
    let offerings = data.join("moto/instance_type_offerings/availability-zone-id/us-east-1.json");
    let sources = Sources {
        instance_types: load::instance_types::load(&data.join("moto/instance_types.json")).unwrap(),
        offerings: vec![Labelled::new(
            "us-east-1.json",
            load::offerings::load(&offerings).unwrap(),
        )],
        advisor: Some(load::advisor::load(&data.join("spotinfo/spot-advisor-data.json")).unwrap()),
        ..Sources::default()
    };
    let options = BuildOptions {
        regions: vec![RegionName::new("us-east-1")],
        ..BuildOptions::default()
    };
    // No price list given: nothing can be priced, and nothing offered is lost.
    let (catalog, report) = build(&sources, &options).unwrap();
    let region = catalog.region("us-east-1").unwrap();
    assert_eq!(region.offered_types().len(), 1354);
    assert!(region.pools().is_empty());
    let per_zone = |zone: &str| {
        region
            .unpriced()
            .iter()
            .filter(|o| o.zone.as_str() == zone && o.market == Market::OnDemand)
            .count()
    };
    assert_eq!(per_zone("use1-az3"), 58);
    assert_eq!(per_zone("use1-az1"), 1253);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("no price in any source"))
    );

    // With the Karpenter price for m5.large, the on-demand pools appear, published.
    let mut sources = sources;
    sources.on_demand = vec![Labelled::new(
        "prices.csv",
        load::on_demand::parse(
            "prices.csv",
            "instance_type,region,price_per_hour\nm5.large,us-east-1,0.096000\n",
        )
        .unwrap(),
    )];
    let (catalog, _) = build(&sources, &options).unwrap();
    let pools = catalog.region("us-east-1").unwrap().pools_of("m5.large");
    let on_demand: Vec<_> = pools
        .iter()
        .filter(|p| p.market == Market::OnDemand)
        .collect();
    assert_eq!(on_demand.len(), 5);
    assert!(
        on_demand
            .iter()
            .all(|p| p.price_per_hour == 0.096 && p.price_source == PriceSource::Published)
    );
}
