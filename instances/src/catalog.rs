//! The catalogue: instance types plus, per region, its zones and capacity pools — the validated
//! model every consumer reads.
//!
//! A [`Catalog`] is always valid once constructed: every pool names a known type and a known
//! zone of its region, prices are finite and positive, buckets and scores are in range, and no
//! pool key appears twice. Construction ([`Catalog::new`]) is the only place that checks;
//! everything downstream trusts it. Where the parts come from is not this module's business:
//! fleetopt's own file format (`fleetopt.catalog/v1`) is read and written by
//! [`crate::load::catalog`], and AWS's sources are joined by [`crate::build`]; both end in
//! [`Catalog::new`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::LoadError;
use crate::model::{CapacityPool, InstanceType, Market, Platform, RegionName, TypeName, ZoneId};

/// Where a catalogue's facts came from and how old they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogInfo {
    /// A one-line description (`embedded default catalogue`, or what `catalog build` was given).
    pub title: String,
    /// The data date: the newest date among the sources, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_date: Option<String>,
    /// One entry per input source.
    #[serde(default)]
    pub sources: Vec<SourceInfo>,
    /// How estimated values were produced (one sentence each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
}

/// One input a catalogue was built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// What kind of input: one of [`SOURCE_KINDS`](crate::build::SOURCE_KINDS)
    /// (`instance-types`, `advisor`, …) for a built catalogue.
    pub kind: String,
    /// The file name (or a description of its provenance).
    pub origin: String,
    /// The data date of this source, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// An AZ of a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// AZ ID (`use1-az4`).
    pub id: ZoneId,
    /// The AZ name as the input gave it (account-specific), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An offering the inputs showed but could not price: the type is sold in that zone and market,
/// yet no price source covered it. Kept so "offered but unpriced" is visible, never silently
/// dropped; the solver cannot use it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnpricedOffering {
    /// Instance type.
    #[serde(rename = "type")]
    pub instance_type: TypeName,
    /// AZ ID.
    pub zone: ZoneId,
    /// Market.
    pub market: Market,
}

/// The On-Demand price of a Dedicated Instance (single-tenant hardware) of one type and
/// platform in a region, from AWS's Price List (`tenancy` `Dedicated`). The same in every AZ of
/// the region, as the Price List gives it per region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DedicatedPrice {
    /// Instance type.
    #[serde(rename = "type")]
    pub instance_type: TypeName,
    /// Operating-system product.
    pub platform: Platform,
    /// USD per instance-hour (> 0).
    pub price: f64,
}

/// One region's zones and pools.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    name: RegionName,
    zones: BTreeMap<ZoneId, Zone>,
    /// Sorted by (type, zone, platform, market) so a type's pools are contiguous.
    pools: Vec<CapacityPool>,
    unpriced: Vec<UnpricedOffering>,
    /// Dedicated Instance On-Demand prices by (type, platform).
    dedicated: BTreeMap<(TypeName, Platform), f64>,
}

impl Region {
    /// Region code.
    pub fn name(&self) -> &RegionName {
        &self.name
    }

    /// Zones by AZ ID.
    pub fn zones(&self) -> impl Iterator<Item = &Zone> {
        self.zones.values()
    }

    /// Whether the region has this AZ ID.
    pub fn has_zone(&self, zone: &str) -> bool {
        self.zones.contains_key(zone)
    }

    /// All pools, sorted by (type, zone, platform, market).
    pub fn pools(&self) -> &[CapacityPool] {
        &self.pools
    }

    /// The pools of one instance type.
    pub fn pools_of(&self, instance_type: &str) -> &[CapacityPool] {
        let start = self
            .pools
            .partition_point(|p| p.instance_type.as_str() < instance_type);
        let end = start
            + self.pools[start..].partition_point(|p| p.instance_type.as_str() == instance_type);
        &self.pools[start..end]
    }

    /// The cheapest pool of one instance type in one market and platform: the lowest price,
    /// ties broken by AZ ID, so the answer does not depend on pool order. `None` when the type
    /// has no such pool here.
    pub fn cheapest_pool(
        &self,
        instance_type: &str,
        market: Market,
        platform: Platform,
    ) -> Option<&CapacityPool> {
        self.pools_of(instance_type)
            .iter()
            .filter(|p| p.market == market && p.platform == platform)
            .min_by(|a, b| {
                a.price_per_hour
                    .total_cmp(&b.price_per_hour)
                    .then_with(|| a.zone.cmp(&b.zone))
            })
    }

    /// Offerings seen but not priced.
    pub fn unpriced(&self) -> &[UnpricedOffering] {
        &self.unpriced
    }

    /// The Dedicated Instance On-Demand price of a type and platform here, when the catalogue
    /// has one (from a Price List).
    pub fn dedicated_price(&self, instance_type: &TypeName, platform: Platform) -> Option<f64> {
        self.dedicated
            .get(&(instance_type.clone(), platform))
            .copied()
    }

    /// Every Dedicated Instance price, sorted by (type, platform).
    pub fn dedicated_prices(&self) -> impl Iterator<Item = DedicatedPrice> + '_ {
        self.dedicated
            .iter()
            .map(|((instance_type, platform), price)| DedicatedPrice {
                instance_type: instance_type.clone(),
                platform: *platform,
                price: *price,
            })
    }

    /// Instance types with at least one pool or offering in the region.
    pub fn offered_types(&self) -> BTreeSet<&TypeName> {
        self.pools
            .iter()
            .map(|p| &p.instance_type)
            .chain(self.unpriced.iter().map(|o| &o.instance_type))
            .collect()
    }
}

/// Instance types and capacity pools, indexed for lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    info: CatalogInfo,
    types: BTreeMap<TypeName, InstanceType>,
    regions: BTreeMap<RegionName, Region>,
}

/// The pieces of one region, before validation.
#[derive(Debug, Clone, Default)]
pub struct RegionParts {
    /// Zones.
    pub zones: Vec<Zone>,
    /// Pools (any order; region fields must equal the region's name).
    pub pools: Vec<CapacityPool>,
    /// Offerings without a price.
    pub unpriced: Vec<UnpricedOffering>,
    /// Dedicated Instance On-Demand prices (each type and platform at most once).
    pub dedicated: Vec<DedicatedPrice>,
}

impl Catalog {
    /// Builds a catalogue, checking every invariant. `label` names the input in errors, and
    /// errors carry the catalogue-file path of the offending item.
    pub fn new(
        label: &str,
        info: CatalogInfo,
        types: Vec<InstanceType>,
        regions: BTreeMap<RegionName, RegionParts>,
    ) -> Result<Catalog, LoadError> {
        let mut type_map = BTreeMap::new();
        for (index, instance_type) in types.into_iter().enumerate() {
            check_type(label, index, &instance_type)?;
            let name = instance_type.name.clone();
            if type_map.insert(name.clone(), instance_type).is_some() {
                return Err(LoadError::at_path(
                    label,
                    format!("instance_types[{index}].name"),
                    format!("duplicate instance type `{name}`"),
                ));
            }
        }
        let mut region_map = BTreeMap::new();
        for (region_index, (name, parts)) in regions.into_iter().enumerate() {
            let region = check_region(label, region_index, name.clone(), parts, &type_map)?;
            region_map.insert(name, region);
        }
        Ok(Catalog {
            info,
            types: type_map,
            regions: region_map,
        })
    }

    /// Provenance and data date.
    pub fn info(&self) -> &CatalogInfo {
        &self.info
    }

    /// One instance type by name.
    pub fn instance_type(&self, name: &str) -> Option<&InstanceType> {
        self.types.get(name)
    }

    /// All instance types, sorted by name.
    pub fn instance_types(&self) -> impl Iterator<Item = &InstanceType> {
        self.types.values()
    }

    /// Number of instance types.
    pub fn type_count(&self) -> usize {
        self.types.len()
    }

    /// One region by code.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.get(name)
    }

    /// All regions, sorted by code.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }

    /// Every pool of every region.
    pub fn pools(&self) -> impl Iterator<Item = &CapacityPool> {
        self.regions.values().flat_map(|r| r.pools.iter())
    }
}

fn check_type(label: &str, index: usize, t: &InstanceType) -> Result<(), LoadError> {
    let at = |field: &str| format!("instance_types[{index}].{field}");
    if t.name.as_str().is_empty() || !t.name.as_str().contains('.') {
        return Err(LoadError::at_path(
            label,
            at("name"),
            format!(
                "expected an instance type name like `m5.large`, found `{}`",
                t.name
            ),
        ));
    }
    if t.vcpus == 0 {
        return Err(LoadError::at_path(
            label,
            at("vcpus"),
            format!("expected at least 1 vCPU for `{}`, found 0", t.name),
        ));
    }
    if t.memory_mib == 0 {
        return Err(LoadError::at_path(
            label,
            at("memory_mib"),
            format!(
                "expected at least 1 MiB of memory for `{}`, found 0",
                t.name
            ),
        ));
    }
    Ok(())
}

fn check_region(
    label: &str,
    region_index: usize,
    name: RegionName,
    parts: RegionParts,
    types: &BTreeMap<TypeName, InstanceType>,
) -> Result<Region, LoadError> {
    let at = |rest: String| format!("regions[{region_index}].{rest}");
    let mut zones = BTreeMap::new();
    for (i, zone) in parts.zones.into_iter().enumerate() {
        if zones.insert(zone.id.clone(), zone.clone()).is_some() {
            return Err(LoadError::at_path(
                label,
                at(format!("zones[{i}].id")),
                format!("zone `{}` appears twice in region `{name}`", zone.id),
            ));
        }
    }
    for (i, pool) in parts.pools.iter().enumerate() {
        let field = |f: &str| at(format!("pools[{i}].{f}"));
        if pool.region != name {
            return Err(LoadError::at_path(
                label,
                field("region"),
                format!(
                    "pool is in region `{}` but listed under `{name}`",
                    pool.region
                ),
            ));
        }
        let Some(instance_type) = types.get(&pool.instance_type) else {
            return Err(LoadError::at_path(
                label,
                field("type"),
                format!(
                    "unknown instance type `{}`; it is not in instance_types",
                    pool.instance_type
                ),
            ));
        };
        if !zones.contains_key(&pool.zone) {
            return Err(LoadError::at_path(
                label,
                field("zone"),
                format!("zone `{}` is not a zone of region `{name}`", pool.zone),
            ));
        }
        if !(pool.price_per_hour.is_finite() && pool.price_per_hour > 0.0) {
            return Err(LoadError::at_path(
                label,
                field("price"),
                format!(
                    "expected a positive, finite USD/hour price for {}, found {}",
                    pool.key(),
                    pool.price_per_hour
                ),
            ));
        }
        if pool.market == Market::OnDemand
            && (pool.interruption_bucket.is_some() || pool.savings_percent.is_some())
        {
            return Err(LoadError::at_path(
                label,
                field("bucket"),
                "on-demand pools cannot be interrupted; interruption bucket and savings are for spot pools",
            ));
        }
        if let Some(bucket) = pool.interruption_bucket
            && bucket > 4
        {
            return Err(LoadError::at_path(
                label,
                field("bucket"),
                format!("expected a Spot Advisor bucket from 0 to 4, found {bucket}"),
            ));
        }
        if let Some(savings) = pool.savings_percent
            && savings > 100
        {
            return Err(LoadError::at_path(
                label,
                field("savings"),
                format!("expected savings from 0 to 100 %, found {savings}"),
            ));
        }
        if let Some(score) = pool.placement_score
            && !(1..=10).contains(&score)
        {
            return Err(LoadError::at_path(
                label,
                field("score"),
                format!("expected a placement score from 1 to 10, found {score}"),
            ));
        }
        if !instance_type.supports_market(pool.market) {
            return Err(LoadError::at_path(
                label,
                field("market"),
                format!(
                    "`{}` cannot be bought as {} (its usage classes are {})",
                    pool.instance_type,
                    pool.market,
                    instance_type
                        .markets
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let mut dedicated = BTreeMap::new();
    for (i, entry) in parts.dedicated.iter().enumerate() {
        let field = |f: &str| at(format!("dedicated_on_demand[{i}].{f}"));
        if !types.contains_key(&entry.instance_type) {
            return Err(LoadError::at_path(
                label,
                field("type"),
                format!(
                    "unknown instance type `{}`; it is not in instance_types",
                    entry.instance_type
                ),
            ));
        }
        if !(entry.price.is_finite() && entry.price > 0.0) {
            return Err(LoadError::at_path(
                label,
                field("price"),
                format!(
                    "expected a positive, finite USD/hour price, found {}",
                    entry.price
                ),
            ));
        }
        if dedicated
            .insert((entry.instance_type.clone(), entry.platform), entry.price)
            .is_some()
        {
            return Err(LoadError::at_path(
                label,
                at(format!("dedicated_on_demand[{i}]")),
                format!(
                    "duplicate Dedicated price for {} {}",
                    entry.instance_type, entry.platform
                ),
            ));
        }
    }
    for (i, offering) in parts.unpriced.iter().enumerate() {
        if !types.contains_key(&offering.instance_type) {
            return Err(LoadError::at_path(
                label,
                at(format!("unpriced[{i}].type")),
                format!("unknown instance type `{}`", offering.instance_type),
            ));
        }
        if !zones.contains_key(&offering.zone) {
            return Err(LoadError::at_path(
                label,
                at(format!("unpriced[{i}].zone")),
                format!("zone `{}` is not a zone of region `{name}`", offering.zone),
            ));
        }
    }
    // Sorting puts equal keys side by side, so duplicates are found without a key set; the
    // index recorded before sorting names the duplicate's place in the input.
    let mut pools: Vec<(usize, CapacityPool)> = parts.pools.into_iter().enumerate().collect();
    pools.sort_by(|(_, a), (_, b)| pool_order(a).cmp(&pool_order(b)));
    if let Some(pair) = pools
        .windows(2)
        .find(|pair| pool_order(&pair[0].1) == pool_order(&pair[1].1))
    {
        let (first, second) = if pair[0].0 < pair[1].0 {
            (pair[0].0, pair[1].0)
        } else {
            (pair[1].0, pair[0].0)
        };
        return Err(LoadError::at_path(
            label,
            at(format!("pools[{second}]")),
            format!(
                "duplicate pool {}; pools[{first}] has the same key",
                pair[0].1.key()
            ),
        ));
    }
    let pools: Vec<CapacityPool> = pools.into_iter().map(|(_, pool)| pool).collect();
    let mut unpriced = parts.unpriced;
    unpriced.sort();
    unpriced.dedup();
    Ok(Region {
        name,
        zones,
        pools,
        unpriced,
        dedicated,
    })
}

fn pool_order(pool: &CapacityPool) -> (&TypeName, &ZoneId, Platform, Market) {
    (&pool.instance_type, &pool.zone, pool.platform, pool.market)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    fn pool(zone: &str, market: Market, price: f64) -> CapacityPool {
        crate::test_support::pool("m5.large", zone, Platform::LinuxUnix, market, price)
    }

    fn catalog(pools: Vec<CapacityPool>) -> Result<Catalog, LoadError> {
        Catalog::new(
            "test",
            CatalogInfo::default(),
            vec![crate::test_support::itype("m5.large", 2, 8192)],
            crate::test_support::region_parts(pools),
        )
    }

    #[test]
    fn pools_of_a_type_are_contiguous_and_sorted() {
        let c = catalog(vec![
            pool("use1-az2", Market::Spot, 0.04),
            pool("use1-az1", Market::OnDemand, 0.096),
            pool("use1-az1", Market::Spot, 0.03),
        ])
        .unwrap();
        let region = c.region("us-east-1").unwrap();
        let order: Vec<(&str, Market)> = region
            .pools_of("m5.large")
            .iter()
            .map(|p| (p.zone.as_str(), p.market))
            .collect();
        assert_eq!(
            order,
            [
                ("use1-az1", Market::OnDemand),
                ("use1-az1", Market::Spot),
                ("use1-az2", Market::Spot)
            ]
        );
        assert!(region.pools_of("c5.large").is_empty());
    }

    #[test]
    fn the_cheapest_pool_is_per_market_and_platform_with_ties_by_zone() {
        let windows = crate::test_support::pool(
            "m5.large",
            "use1-az1",
            Platform::Windows,
            Market::Spot,
            0.01,
        );
        let c = catalog(vec![
            pool("use1-az2", Market::Spot, 0.03),
            pool("use1-az1", Market::Spot, 0.03),
            pool("use1-az1", Market::OnDemand, 0.096),
            windows,
        ])
        .unwrap();
        let region = c.region("us-east-1").unwrap();
        let cheapest = |market, platform| {
            region
                .cheapest_pool("m5.large", market, platform)
                .map(|p| (p.zone.as_str(), p.price_per_hour))
        };
        assert_eq!(
            cheapest(Market::Spot, Platform::LinuxUnix),
            Some(("use1-az1", 0.03))
        );
        assert_eq!(
            cheapest(Market::Spot, Platform::Windows),
            Some(("use1-az1", 0.01))
        );
        assert_eq!(
            cheapest(Market::OnDemand, Platform::LinuxUnix),
            Some(("use1-az1", 0.096))
        );
        assert_eq!(cheapest(Market::OnDemand, Platform::Windows), None);
        assert_eq!(
            region.cheapest_pool("c5.large", Market::Spot, Platform::LinuxUnix),
            None
        );
    }

    #[test]
    fn duplicate_pools_name_both_positions() {
        let error = catalog(vec![
            pool("use1-az1", Market::Spot, 0.03),
            pool("use1-az2", Market::Spot, 0.04),
            pool("use1-az1", Market::Spot, 0.05),
        ])
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "test: at regions[0].pools[2]: duplicate pool us-east-1 use1-az1 m5.large spot \
             (Linux/UNIX); pools[0] has the same key"
        );
    }

    #[test]
    fn invalid_prices_and_unknown_zones_are_rejected() {
        for price in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            let error = catalog(vec![pool("use1-az1", Market::OnDemand, price)]).unwrap_err();
            assert!(
                error
                    .message
                    .starts_with("expected a positive, finite USD/hour price")
            );
            assert_eq!(error.location, Location::path("regions[0].pools[0].price"));
        }
        let error = catalog(vec![pool("use1-az9", Market::OnDemand, 0.1)]).unwrap_err();
        assert_eq!(
            error.message,
            "zone `use1-az9` is not a zone of region `us-east-1`"
        );
    }

    #[test]
    fn on_demand_pools_carry_no_interruption_bucket() {
        let mut od = pool("use1-az1", Market::OnDemand, 0.096);
        od.interruption_bucket = Some(2);
        let error = catalog(vec![od]).unwrap_err();
        assert!(
            error
                .message
                .contains("on-demand pools cannot be interrupted")
        );
    }
}
