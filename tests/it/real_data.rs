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
