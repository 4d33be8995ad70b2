//! Test-only builders: small catalogues and requests written in code.

use std::collections::BTreeMap;

use fleetopt_instances::catalog::RegionParts;
use fleetopt_instances::{
    Architecture, CapacityPool, Catalog, CatalogInfo, CpuManufacturer, InstanceType, Market,
    Network, PlacementStrategy, Platform, PriceSource, RegionName, TypeName, UnpricedOffering,
    Zone, ZoneId,
};

use crate::request::{FleetRequest, Mode};

/// The region of every test catalogue.
pub const REGION: &str = "us-east-1";

/// A current-generation x86 type with `vcpus` and `memory_mib`, every placement strategy and
/// both markets.
pub fn itype(name: &str, vcpus: u32, memory_mib: u64) -> InstanceType {
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
            performance: "Up to 10 Gigabit".to_owned(),
            baseline_gbps: 1.0,
            peak_gbps: 10.0,
            max_interfaces: 3,
            efa: false,
        },
        ebs_baseline_mbps: None,
        burstable: false,
        bare_metal: false,
        local_storage: None,
        placement_strategies: vec![
            PlacementStrategy::Cluster,
            PlacementStrategy::Partition,
            PlacementStrategy::Spread,
        ],
        markets: vec![Market::OnDemand, Market::Spot],
        hibernation: false,
    }
}

/// A pool row: (type, zone, market, USD/hour, advisor bucket for spot).
pub type PoolRow<'a> = (&'a str, &'a str, Market, f64, Option<u8>);

/// One Linux/UNIX pool of [`REGION`] at a published price.
pub fn pool((name, zone, market, price, bucket): PoolRow<'_>) -> CapacityPool {
    CapacityPool {
        region: RegionName::new(REGION),
        zone: ZoneId::new(zone),
        instance_type: TypeName::new(name),
        platform: Platform::LinuxUnix,
        market,
        price_per_hour: price,
        price_source: PriceSource::Published,
        interruption_bucket: bucket,
        savings_percent: None,
        placement_score: None,
        available_instances: None,
    }
}

/// The zones `pools` name, sorted, without names.
pub fn zones_of(pools: &[CapacityPool]) -> Vec<Zone> {
    let mut zones: Vec<Zone> = pools
        .iter()
        .map(|p| Zone {
            id: p.zone.clone(),
            name: None,
        })
        .collect();
    zones.sort_by(|a, b| a.id.cmp(&b.id));
    zones.dedup();
    zones
}

/// A catalogue of [`REGION`] alone with these types, zones and pools; panics when invalid.
pub fn region_catalog(
    types: Vec<InstanceType>,
    zones: Vec<Zone>,
    pools: Vec<CapacityPool>,
) -> Catalog {
    region_catalog_with_unpriced(types, zones, pools, Vec::new())
}

/// [`region_catalog`] with offerings the catalogue lists as sold but could not price.
pub fn region_catalog_with_unpriced(
    types: Vec<InstanceType>,
    zones: Vec<Zone>,
    pools: Vec<CapacityPool>,
    unpriced: Vec<UnpricedOffering>,
) -> Catalog {
    let regions = BTreeMap::from([(
        RegionName::new(REGION),
        RegionParts {
            zones,
            pools,
            unpriced,
            dedicated: Vec::new(),
        },
    )]);
    match Catalog::new("test", CatalogInfo::default(), types, regions) {
        Ok(catalog) => catalog,
        Err(e) => panic!("test catalogue is invalid: {e}"),
    }
}

/// A one-region catalogue with the given types and pools; zones are those the pools name.
pub fn catalog(types: Vec<InstanceType>, rows: &[PoolRow<'_>]) -> Catalog {
    let pools: Vec<CapacityPool> = rows.iter().copied().map(pool).collect();
    region_catalog(types, zones_of(&pools), pools)
}

/// An aws-mode request for `capacity` units in [`REGION`] with AWS defaults.
pub fn request(capacity: f64) -> FleetRequest {
    FleetRequest::new(REGION, capacity, Mode::Aws)
}
