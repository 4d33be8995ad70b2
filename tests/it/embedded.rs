//! Facts the embedded default catalogue must hold, from the real data it was built from.

use fleetopt::instances::{Market, PlacementStrategy, PriceSource, embedded};

#[test]
fn covers_the_four_regions_with_every_offered_type() {
    let catalog = embedded::catalog().unwrap();
    let regions: Vec<&str> = catalog.regions().map(|r| r.name().as_str()).collect();
    assert_eq!(
        regions,
        ["ap-northeast-2", "eu-west-1", "us-east-1", "us-west-2"]
    );
    // moto's offerings snapshot (2026-08-01): distinct types per region.
    for (region, types) in [
        ("us-east-1", 1354),
        ("us-west-2", 1331),
        ("eu-west-1", 1150),
        ("ap-northeast-2", 750),
    ] {
        assert_eq!(
            catalog.region(region).unwrap().offered_types().len(),
            types,
            "{region}"
        );
    }
    let use1 = catalog.region("us-east-1").unwrap();
    let zones: Vec<&str> = use1.zones().map(|z| z.id.as_str()).collect();
    assert_eq!(
        zones,
        [
            "use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"
        ]
    );
}

#[test]
fn m5_large_has_its_real_specs_and_prices() {
    let catalog = embedded::catalog().unwrap();
    let m5 = catalog.instance_type("m5.large").unwrap();
    assert_eq!((m5.vcpus, m5.memory_mib), (2, 8192));
    assert!(m5.supports_placement(PlacementStrategy::Cluster));
    let pools = catalog.region("us-east-1").unwrap().pools_of("m5.large");
    let od: Vec<_> = pools
        .iter()
        .filter(|p| p.market == Market::OnDemand)
        .collect();
    // Offered in use1-az1, az2, az4, az5 and az6; Karpenter's 2026-07-20 price list.
    assert_eq!(od.len(), 5);
    assert!(
        od.iter()
            .all(|p| p.price_per_hour == 0.096 && p.price_source == PriceSource::Published)
    );
    let spot: Vec<_> = pools.iter().filter(|p| p.market == Market::Spot).collect();
    assert_eq!(spot.len(), 5);
    // Spot Advisor: m5.large in us-east-1 is {"s": 66, "r": 3}.
    assert!(
        spot.iter()
            .all(|p| p.interruption_bucket == Some(3) && p.savings_percent == Some(66))
    );
    assert!(
        spot.iter()
            .all(|p| p.price_source.is_estimated() && p.price_per_hour < 0.096)
    );
    // The 2022 history has m5.large only in use1-az2 (0.0424) and use1-az4 (0.0416): those AZs
    // are shaped around the advisor estimate 0.096 × 0.34 = 0.03264.
    let az = |zone: &str| spot.iter().find(|p| p.zone.as_str() == zone).unwrap();
    assert_eq!(
        az("use1-az2").price_source,
        PriceSource::AdvisorSavingsAzShaped
    );
    assert!(az("use1-az2").price_per_hour > az("use1-az4").price_per_hour);
    assert_eq!(az("use1-az1").price_source, PriceSource::AdvisorSavings);
    assert!((az("use1-az1").price_per_hour - 0.03264).abs() < 1e-9);
}

#[test]
fn burstable_types_lack_cluster_placement() {
    let catalog = embedded::catalog().unwrap();
    let without_cluster = catalog
        .instance_types()
        .filter(|t| !t.supports_placement(PlacementStrategy::Cluster))
        .count();
    assert_eq!(without_cluster, 89);
    assert!(
        catalog
            .instance_types()
            .filter(|t| t.burstable)
            .all(|t| !t.supports_placement(PlacementStrategy::Cluster))
    );
}

#[test]
fn every_estimate_is_marked_and_dated() {
    let catalog = embedded::catalog().unwrap();
    assert_eq!(catalog.info().data_date.as_deref(), Some("2026-08-02"));
    assert!(
        catalog.info().sources.iter().all(|s| s.date.is_some()),
        "{:?}",
        catalog.info().sources
    );
    assert_eq!(
        catalog.info().methods.len(),
        2,
        "spot and on-demand estimates are both described"
    );
    for pool in catalog.pools() {
        match pool.market {
            // No current per-AZ spot feed exists in the data: every spot price is an estimate.
            Market::Spot => assert!(pool.price_source.is_estimated(), "{}", pool.key()),
            Market::OnDemand => assert!(
                matches!(
                    pool.price_source,
                    PriceSource::Published | PriceSource::RegionalRatio
                ),
                "{}",
                pool.key()
            ),
        }
    }
    // us-east-1 on-demand prices are all published (Karpenter's 2026-07-20 list).
    let use1 = catalog.region("us-east-1").unwrap();
    assert!(
        use1.pools()
            .iter()
            .filter(|p| p.market == Market::OnDemand)
            .all(|p| p.price_source == PriceSource::Published)
    );
}
