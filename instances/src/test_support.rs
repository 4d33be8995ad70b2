//! Test-only builders shared by the unit tests of several modules.

use std::collections::BTreeMap;

use crate::catalog::{RegionParts, Zone};
use crate::model::{
    Architecture, CapacityPool, CpuManufacturer, InstanceType, Market, Network, PlacementStrategy,
    Platform, PriceSource, RegionName, TypeName, ZoneId,
};

/// The region every test catalogue lives in.
pub(crate) const REGION: &str = "us-east-1";

/// A plain current-generation Intel x86 type with no extras; tests change what they need.
pub(crate) fn itype(name: &str, vcpus: u32, memory_mib: u64) -> InstanceType {
    InstanceType {
        name: TypeName::new(name),
        generation: None,
        current_generation: true,
        vcpus,
        memory_mib,
        architectures: vec![Architecture::X86_64],
        cpu_manufacturer: Some(CpuManufacturer::Intel),
        clock_ghz: None,
        accelerators: Vec::new(),
        network: Network {
            performance: "Up to 12.5 Gigabit".to_owned(),
            baseline_gbps: 0.78,
            peak_gbps: 12.5,
            max_interfaces: 3,
            efa: false,
        },
        ebs_baseline_mbps: Some(650.0),
        burstable: false,
        bare_metal: false,
        local_storage: None,
        placement_strategies: vec![
            PlacementStrategy::Cluster,
            PlacementStrategy::Partition,
            PlacementStrategy::Spread,
        ],
        markets: vec![Market::OnDemand, Market::Spot],
        hibernation: true,
    }
}

/// A published-price pool in [`REGION`] with no risk facts; tests change what they need.
pub(crate) fn pool(
    instance_type: &str,
    zone: &str,
    platform: Platform,
    market: Market,
    price: f64,
) -> CapacityPool {
    CapacityPool {
        region: RegionName::new(REGION),
        zone: ZoneId::new(zone),
        instance_type: TypeName::new(instance_type),
        platform,
        market,
        price_per_hour: price,
        price_source: PriceSource::Published,
        interruption_bucket: None,
        savings_percent: None,
        placement_score: None,
        available_instances: None,
    }
}

/// [`REGION`] with zones use1-az1 and use1-az2 holding `pools`, ready for `Catalog::new`.
pub(crate) fn region_parts(pools: Vec<CapacityPool>) -> BTreeMap<RegionName, RegionParts> {
    let zones = ["use1-az1", "use1-az2"]
        .into_iter()
        .map(|id| Zone {
            id: ZoneId::new(id),
            name: None,
        })
        .collect();
    BTreeMap::from([(
        RegionName::new(REGION),
        RegionParts {
            zones,
            pools,
            unpriced: Vec::new(),
            dedicated: Vec::new(),
        },
    )])
}
