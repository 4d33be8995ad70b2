//! Catalogue listings (`fleetopt catalog list | show | info`) as catalogue rules: which region a
//! listing shows by default, which types it lists for a set of filters, the price it shows for
//! each (the cheapest pool per market), the orders it sorts by, the closest type name for a
//! typo, and a region's counts. The CLI parses flags into these values and renders the result.

use std::cmp::Ordering;

use crate::catalog::{Catalog, Region};
use crate::model::{CapacityPool, InstanceType, Market, Platform};
use crate::select::{self, Requirements};
use crate::suggest::{self, Case};

/// The region a listing shows when none is named, if the catalogue has it.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The platform listings price: Linux/UNIX, the platform a catalogue is built for by default.
pub const LISTING_PLATFORM: Platform = Platform::LinuxUnix;

/// The most edits between a mistyped type name and the one suggested for it.
pub const TYPE_SUGGESTION_DISTANCE: usize = 3;

/// The region a listing shows: `wanted` if given (and `None` when the catalogue lacks it),
/// otherwise [`DEFAULT_REGION`] if present, else the catalogue's first region.
pub fn listing_region<'c>(catalog: &'c Catalog, wanted: Option<&str>) -> Option<&'c Region> {
    match wanted {
        Some(name) => catalog.region(name),
        None => catalog
            .region(DEFAULT_REGION)
            .or_else(|| catalog.regions().next()),
    }
}

/// The catalogue type name closest to `name` (case-sensitive, at most
/// [`TYPE_SUGGESTION_DISTANCE`] edits), for "did you mean".
pub fn closest_type<'c>(catalog: &'c Catalog, name: &str) -> Option<&'c str> {
    let names = catalog.instance_types().map(|t| t.name.as_str());
    suggest::closest(name, names, Case::Sensitive, TYPE_SUGGESTION_DISTANCE)
}

/// One listed instance type with its cheapest [`LISTING_PLATFORM`] pool per market in the
/// listing's region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listed<'c> {
    /// The type.
    pub instance_type: &'c InstanceType,
    /// Its cheapest On-Demand pool in the region.
    pub on_demand: Option<&'c CapacityPool>,
    /// Its cheapest Spot pool in the region.
    pub spot: Option<&'c CapacityPool>,
}

impl<'c> Listed<'c> {
    /// `instance_type` with its cheapest pools in `region`.
    pub fn new(instance_type: &'c InstanceType, region: &'c Region) -> Listed<'c> {
        let cheapest = |market: Market| {
            region.cheapest_pool(instance_type.name.as_str(), market, LISTING_PLATFORM)
        };
        Listed {
            instance_type,
            on_demand: cheapest(Market::OnDemand),
            spot: cheapest(Market::Spot),
        }
    }
}

/// The types of `region` that meet `requirements` and match none of the `excluded` AWS
/// wildcard patterns, sorted by `key`.
///
/// AWS makes allowed and excluded lists mutually exclusive inside one `InstanceRequirements`;
/// a listing may combine them (like ec2-instance-selector's allow and deny lists), so the
/// exclusions are applied after selection. The caller validates `requirements` and the
/// exclusion patterns.
pub fn list<'c>(
    catalog: &'c Catalog,
    region: &'c Region,
    requirements: &Requirements,
    excluded: &[String],
    key: SortKey,
) -> Vec<Listed<'c>> {
    let mut listed: Vec<Listed<'c>> =
        select::select(catalog, Some(region.name().as_str()), requirements)
            .into_iter()
            .filter(|t| {
                !excluded
                    .iter()
                    .any(|pattern| select::wildcard_match(pattern, t.name.as_str()))
            })
            .map(|t| Listed::new(t, region))
            .collect();
    sort(&mut listed, key);
    listed
}

/// AWS's price protection over a listing's types, prices per instance-hour, as a fleet with
/// `units` capacity applies it to what `requirements` match (aws-semantics §1.10).
pub fn price_protected(
    catalog: &Catalog,
    region: &Region,
    listed: &[Listed<'_>],
    requirements: &Requirements,
) -> select::PriceProtection {
    let types: Vec<&InstanceType> = listed.iter().map(|l| l.instance_type).collect();
    select::price_protection(
        catalog,
        region.name().as_str(),
        &types,
        requirements,
        select::PriceBasis::PerInstance,
    )
}

/// The orders a listing sorts by. Every order breaks ties by type name; a type without a price
/// in the market sorts after every priced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Instance type name.
    Name,
    /// vCPUs, then name.
    Vcpus,
    /// Memory, then name.
    Memory,
    /// On-demand price, then name.
    OnDemandPrice,
    /// Lowest spot price, then name.
    SpotPrice,
}

impl SortKey {
    /// Every order, in the order help lists them.
    pub const ALL: [SortKey; 5] = [
        SortKey::Name,
        SortKey::Vcpus,
        SortKey::Memory,
        SortKey::OnDemandPrice,
        SortKey::SpotPrice,
    ];

    /// The command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Vcpus => "vcpus",
            SortKey::Memory => "memory",
            SortKey::OnDemandPrice => "on-demand-price",
            SortKey::SpotPrice => "spot-price",
        }
    }
}

/// Sorts `listed` by `key`, then by type name.
pub fn sort(listed: &mut [Listed<'_>], key: SortKey) {
    let price = |p: Option<&CapacityPool>| p.map_or(f64::INFINITY, |p| p.price_per_hour);
    listed.sort_by(|a, b| {
        let (x, y) = (a.instance_type, b.instance_type);
        let primary = match key {
            SortKey::Name => Ordering::Equal,
            SortKey::Vcpus => x.vcpus.cmp(&y.vcpus),
            SortKey::Memory => x.memory_gib().total_cmp(&y.memory_gib()),
            SortKey::OnDemandPrice => price(a.on_demand).total_cmp(&price(b.on_demand)),
            SortKey::SpotPrice => price(a.spot).total_cmp(&price(b.spot)),
        };
        primary.then_with(|| x.name.as_str().cmp(y.name.as_str()))
    });
}

/// What a region of a catalogue holds, as `catalog info` counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionCounts {
    /// AZs.
    pub zones: usize,
    /// Instance types with at least one pool or unpriced offering.
    pub types: usize,
    /// On-Demand pools (every platform).
    pub on_demand_pools: usize,
    /// Spot pools (every platform).
    pub spot_pools: usize,
    /// Pools whose price is an estimate.
    pub estimated_prices: usize,
    /// Offerings seen but not priced.
    pub unpriced_offerings: usize,
}

impl RegionCounts {
    /// The counts of `region`.
    pub fn of(region: &Region) -> RegionCounts {
        let pools = region.pools();
        let count = |market: Market| pools.iter().filter(|p| p.market == market).count();
        RegionCounts {
            zones: region.zones().count(),
            types: region.offered_types().len(),
            on_demand_pools: count(Market::OnDemand),
            spot_pools: count(Market::Spot),
            estimated_prices: pools
                .iter()
                .filter(|p| p.price_source.is_estimated())
                .count(),
            unpriced_offerings: region.unpriced().len(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;
    use crate::catalog::CatalogInfo;
    use crate::model::PriceSource;
    use crate::test_support::{itype, pool, region_parts};

    /// Three types in us-east-1: m5.large (On-Demand 0.096 and a Windows pool that must not
    /// count, Spot 0.04 and 0.03), c5.xlarge (On-Demand 0.17, no Spot), t3.micro (Spot 0.005
    /// estimated, no On-Demand).
    fn catalog() -> Catalog {
        let linux = Platform::LinuxUnix;
        let mut estimated = pool("t3.micro", "use1-az1", linux, Market::Spot, 0.005);
        estimated.price_source = PriceSource::AdvisorSavings;
        let pools = vec![
            pool("m5.large", "use1-az1", linux, Market::OnDemand, 0.096),
            pool(
                "m5.large",
                "use1-az1",
                Platform::Windows,
                Market::OnDemand,
                0.01,
            ),
            pool("m5.large", "use1-az1", linux, Market::Spot, 0.04),
            pool("m5.large", "use1-az2", linux, Market::Spot, 0.03),
            pool("c5.xlarge", "use1-az2", linux, Market::OnDemand, 0.17),
            estimated,
        ];
        let mut burstable = itype("t3.micro", 2, 1024);
        burstable.burstable = true;
        Catalog::new(
            "test",
            CatalogInfo::default(),
            vec![
                itype("m5.large", 2, 8192),
                itype("c5.xlarge", 4, 8192),
                burstable,
            ],
            region_parts(pools),
        )
        .unwrap()
    }

    fn names<'c>(listed: &[Listed<'c>]) -> Vec<&'c str> {
        listed
            .iter()
            .map(|l| l.instance_type.name.as_str())
            .collect()
    }

    #[test]
    fn the_default_region_is_us_east_1_and_a_named_one_must_exist() {
        let catalog = catalog();
        let region = listing_region(&catalog, None).unwrap();
        assert_eq!(region.name().as_str(), DEFAULT_REGION);
        assert!(listing_region(&catalog, Some("eu-west-1")).is_none());
    }

    #[test]
    fn a_listing_prices_the_cheapest_linux_pool_per_market() {
        let catalog = catalog();
        let region = listing_region(&catalog, None).unwrap();
        let listed = list(&catalog, region, &Requirements::any(), &[], SortKey::Name);
        assert_eq!(names(&listed), ["c5.xlarge", "m5.large", "t3.micro"]);
        let m5 = listed[1];
        assert_eq!(m5.on_demand.unwrap().price_per_hour, 0.096);
        assert_eq!(m5.spot.unwrap().price_per_hour, 0.03);
        assert_eq!(m5.spot.unwrap().zone.as_str(), "use1-az2");
        assert!(listed[0].spot.is_none());
        assert!(listed[2].on_demand.is_none());
    }

    #[test]
    fn exclusions_apply_after_selection() {
        let catalog = catalog();
        let region = listing_region(&catalog, None).unwrap();
        let requirements = Requirements {
            allowed_instance_types: vec!["*5*".to_owned()],
            ..Requirements::any()
        };
        let listed = list(
            &catalog,
            region,
            &requirements,
            &["c5.*".to_owned()],
            SortKey::Name,
        );
        assert_eq!(names(&listed), ["m5.large"]);
    }

    #[test]
    fn every_order_breaks_ties_by_name_and_puts_unpriced_types_last() {
        let catalog = catalog();
        let region = listing_region(&catalog, None).unwrap();
        let order = |key| names(&list(&catalog, region, &Requirements::any(), &[], key));
        assert_eq!(order(SortKey::Vcpus), ["m5.large", "t3.micro", "c5.xlarge"]);
        assert_eq!(
            order(SortKey::Memory),
            ["t3.micro", "c5.xlarge", "m5.large"]
        );
        assert_eq!(
            order(SortKey::OnDemandPrice),
            ["m5.large", "c5.xlarge", "t3.micro"]
        );
        assert_eq!(
            order(SortKey::SpotPrice),
            ["t3.micro", "m5.large", "c5.xlarge"]
        );
        let spellings: Vec<&str> = SortKey::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            spellings,
            ["name", "vcpus", "memory", "on-demand-price", "spot-price"]
        );
    }

    #[test]
    fn a_typo_suggests_the_closest_type_within_three_edits() {
        let catalog = catalog();
        assert_eq!(closest_type(&catalog, "m5.lrage"), Some("m5.large"));
        assert_eq!(closest_type(&catalog, "x1e.32xlarge"), None);
    }

    #[test]
    fn region_counts_count_pools_per_market_and_estimates() {
        let catalog = catalog();
        let counts = RegionCounts::of(listing_region(&catalog, None).unwrap());
        assert_eq!(
            counts,
            RegionCounts {
                zones: 2,
                types: 3,
                on_demand_pools: 3,
                spot_pools: 3,
                estimated_prices: 1,
                unpriced_offerings: 0,
            }
        );
    }
}
