//! Joining loaded sources into one [`Catalog`]: which pools exist, what each costs, how risky
//! it is — and, where a source is missing, a stated estimate instead of a silent gap.
//!
//! The join, per region:
//! 1. A pool exists for every offered (AZ ID, type) × platform × market the type supports.
//!    Offerings come from describe-instance-type-offerings and, when a type/AZ appears only in
//!    describe-spot-price-history, from that history (a price is proof of an offering).
//! 2. On-Demand price: the price list for (type, region, platform) — later files override
//!    earlier ones — else, with [`BuildOptions::on_demand_reference_region`], the reference
//!    region's price × the median ratio of this region's prices to the reference's over types
//!    priced in both ([`PriceSource::RegionalRatio`]).
//! 3. Spot price: the latest observed describe-spot-price-history entry for the pool, else,
//!    with [`BuildOptions::estimate_spot`], On-Demand × (1 − Advisor savings %)
//!    ([`PriceSource::AdvisorSavings`]), scaled per AZ by the pool's price relative to the
//!    type's regional mean in the shaping history when it has that type
//!    ([`PriceSource::AdvisorSavingsAzShaped`]), and never above On-Demand (AWS: you never pay
//!    more than the On-Demand price).
//! 4. Spot pools carry the Advisor bucket and savings for (region, platform, type), and the
//!    placement score of their AZ (or, failing that, their region).
//! 5. Offerings no source can price are kept as unpriced offerings, never dropped silently.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, CatalogInfo, DedicatedPrice, RegionParts, UnpricedOffering, Zone};
use crate::error::LoadError;
use crate::load::{
    Offering, OnDemandPrice, PlacementScore, SpotAdvisor, SpotPriceRecord, ZoneRecord, ZoneRef,
    spot_prices,
};
use crate::model::{
    CapacityPool, InstanceType, Market, Platform, PriceSource, RegionName, TypeName, ZoneId,
};
use crate::regions;

/// The kinds of input a catalogue is built from, one per field of [`Sources`], as
/// [`SourceInfo::kind`](crate::SourceInfo::kind) records them and in the order `catalog info`
/// lists sources.
pub const SOURCE_KINDS: [&str; 9] = [
    "instance-types",
    "offerings",
    "spot-prices",
    "advisor",
    "placement-scores",
    "price-list",
    "on-demand-prices",
    "zones",
    "shape-spot-history",
];

/// The On-Demand prices a Price List gives for shared tenancy (what a pool without a tenancy is
/// billed), as the `on_demand` source records. Dedicated and Host prices are left out: a pool
/// of the catalogue is a shared-tenancy pool, and its price must never come from another tenancy.
/// A zero price (AWS lists some rows at 0.0) prices nothing.
pub fn shared_on_demand_prices(list: &crate::commitments::PriceList) -> Vec<OnDemandPrice> {
    list.on_demand
        .iter()
        .filter(|e| e.key.tenancy == crate::commitments::Tenancy::Default && e.price_per_hour > 0.0)
        .map(|e| OnDemandPrice {
            instance_type: e.key.instance_type.clone(),
            region: e.key.region.clone(),
            platform: e.key.platform,
            price: e.price_per_hour,
        })
        .collect()
}

/// A Price List's Dedicated Instance On-Demand prices (`tenancy` `Dedicated`), for
/// [`Sources::dedicated`]: what a request with `tenancy = "dedicated"` is planned at.
pub fn dedicated_on_demand_prices(list: &crate::commitments::PriceList) -> Vec<OnDemandPrice> {
    list.on_demand
        .iter()
        .filter(|e| {
            e.key.tenancy == crate::commitments::Tenancy::Dedicated && e.price_per_hour > 0.0
        })
        .map(|e| OnDemandPrice {
            instance_type: e.key.instance_type.clone(),
            region: e.key.region.clone(),
            platform: e.key.platform,
            price: e.price_per_hour,
        })
        .collect()
}

/// Whether `date` is a source date as a catalogue records it: `YYYY-MM-DD`. A catalogue's
/// data date is the newest of its sources' dates by string order, which is date order only
/// for this form.
pub fn is_source_date(date: &str) -> bool {
    date.len() == 10
        && date.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Everything loaded from the input files, tagged with the file each part came from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// describe-instance-types.
    pub instance_types: Vec<InstanceType>,
    /// describe-instance-type-offerings, per file.
    pub offerings: Vec<Labelled<Vec<Offering>>>,
    /// describe-spot-price-history, per file: observed spot prices.
    pub spot_prices: Vec<Labelled<Vec<SpotPriceRecord>>>,
    /// Spot Advisor feed.
    pub advisor: Option<SpotAdvisor>,
    /// get-spot-placement-scores, per file.
    pub placement_scores: Vec<Labelled<Vec<PlacementScore>>>,
    /// On-Demand price lists, per file, in override order.
    pub on_demand: Vec<Labelled<Vec<OnDemandPrice>>>,
    /// describe-availability-zones.
    pub zones: Vec<Labelled<Vec<ZoneRecord>>>,
    /// A spot price history used only to shape estimates per AZ, never as prices.
    pub shaping_history: Vec<Labelled<Vec<SpotPriceRecord>>>,
    /// Dedicated Instance On-Demand prices (a Price List's `Dedicated` tenancy), per file.
    pub dedicated: Vec<Labelled<Vec<OnDemandPrice>>>,
}

/// A loaded value and the file it came from.
#[derive(Debug, Clone)]
pub struct Labelled<T> {
    /// The file label used in errors.
    pub label: String,
    /// The loaded value.
    pub value: T,
}

impl<T> Labelled<T> {
    /// Pairs a value with its file label.
    pub fn new(label: impl Into<String>, value: T) -> Self {
        Labelled {
            label: label.into(),
            value,
        }
    }
}

/// Choices that shape the join.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Keep only these regions (empty: every region the offerings mention).
    pub regions: Vec<RegionName>,
    /// Platforms to build pools for.
    pub platforms: Vec<Platform>,
    /// Fill missing spot prices from On-Demand × (1 − Advisor savings).
    pub estimate_spot: bool,
    /// Fill missing On-Demand prices from this region's prices × a regional ratio.
    pub on_demand_reference_region: Option<RegionName>,
    /// Provenance written into the catalogue.
    pub info: CatalogInfo,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            regions: Vec::new(),
            platforms: vec![Platform::LinuxUnix],
            estimate_spot: false,
            on_demand_reference_region: None,
            info: CatalogInfo::default(),
        }
    }
}

/// What the join noticed but did not treat as an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildReport {
    /// Human-readable notes, one per kind of event, deterministic order.
    pub warnings: Vec<String>,
}

/// Joins the sources into a catalogue. Errors name the file and item that cannot be joined.
pub fn build(
    sources: &Sources,
    options: &BuildOptions,
) -> Result<(Catalog, BuildReport), LoadError> {
    let mut report = BuildReport::default();
    let types: BTreeMap<&TypeName, &InstanceType> = sources
        .instance_types
        .iter()
        .map(|t| (&t.name, t))
        .collect();
    let resolver = ZoneResolver::new(&sources.zones)?;

    for region in &options.regions {
        if !regions::is_known_region(region.as_str()) && !resolver.knows_region(region) {
            return Err(LoadError::whole_file(
                "--region",
                format!(
                    "unknown region `{region}`; known regions include us-east-1, us-west-2, eu-west-1, ap-northeast-2"
                ),
            ));
        }
    }

    // 1. Offered (region, zone, type) triples.
    let mut offered: BTreeMap<RegionName, BTreeMap<ZoneId, BTreeSet<TypeName>>> = BTreeMap::new();
    let mut zone_names: BTreeMap<ZoneId, String> = BTreeMap::new();
    let mut unknown_types: BTreeSet<TypeName> = BTreeSet::new();
    let mut add = |region: RegionName, zone: ZoneId, instance_type: &TypeName| {
        if types.contains_key(instance_type) {
            offered
                .entry(region)
                .or_default()
                .entry(zone)
                .or_default()
                .insert(instance_type.clone());
        } else {
            unknown_types.insert(instance_type.clone());
        }
    };
    for file in &sources.offerings {
        for offering in &file.value {
            let (zone, region) =
                resolver.resolve(&file.label, &offering.location, &offering.zone)?;
            add(region, zone, &offering.instance_type);
        }
    }
    let observed = latest_prices(&sources.spot_prices, &resolver, &mut zone_names)?;
    for (zone, instance_type, _) in observed.keys() {
        let region = resolver.region_of(zone);
        if let Some(region) = region {
            add(region, zone.clone(), instance_type);
        }
    }
    if offered.is_empty() {
        return Err(LoadError::whole_file(
            "catalog build",
            "no offerings: give describe-instance-type-offerings (--offerings) or describe-spot-price-history (--spot-prices) for at least one known instance type",
        ));
    }
    if !unknown_types.is_empty() {
        report.warnings.push(format!(
            "{} offered type(s) have no describe-instance-types entry and were skipped: {}",
            unknown_types.len(),
            preview(unknown_types.iter().map(|t| t.as_str()))
        ));
    }
    if !options.regions.is_empty() {
        offered.retain(|region, _| options.regions.contains(region));
        for region in &options.regions {
            if !offered.contains_key(region) {
                return Err(LoadError::whole_file(
                    "catalog build",
                    format!("no offerings for region `{region}` in the given files"),
                ));
            }
        }
    }
    // describe-availability-zones is authoritative for names; history names fill the rest.
    for (zone, (name, _)) in &resolver.by_id {
        zone_names.insert(zone.clone(), name.clone());
    }

    // 2. Prices and risk facts.
    let on_demand = on_demand_prices(&sources.on_demand);
    let dedicated = on_demand_prices(&sources.dedicated);
    let ratios = match &options.on_demand_reference_region {
        Some(reference) => regional_ratios(&on_demand, reference, offered.keys()),
        None => BTreeMap::new(),
    };
    let shapes = az_shapes(&sources.shaping_history, &resolver)?;
    let scores = placement_scores(&sources.placement_scores, &mut report);

    let mut regions_out = BTreeMap::new();
    let mut estimated_od = 0usize;
    for (region, zones) in &offered {
        let mut parts = RegionParts {
            zones: zones
                .keys()
                .map(|id| Zone {
                    id: id.clone(),
                    name: zone_names.get(id).cloned(),
                })
                .collect(),
            ..RegionParts::default()
        };
        for (zone, type_names) in zones {
            for name in type_names {
                let Some(instance_type) = types.get(name) else {
                    continue;
                };
                for &platform in &options.platforms {
                    let od = on_demand
                        .get(&(name.clone(), region.clone(), platform))
                        .map(|&p| (p, PriceSource::Published))
                        .or_else(|| {
                            let reference = options.on_demand_reference_region.as_ref()?;
                            let ratio = ratios.get(region)?;
                            let base =
                                on_demand.get(&(name.clone(), reference.clone(), platform))?;
                            Some((base * ratio, PriceSource::RegionalRatio))
                        });
                    for &market in &instance_type.markets {
                        let pool = match market {
                            Market::OnDemand => od.map(|(price, source)| {
                                if source == PriceSource::RegionalRatio {
                                    estimated_od += 1;
                                }
                                base_pool(region, zone, name, platform, market, price, source)
                            }),
                            Market::Spot => spot_pool(SpotInputs {
                                region,
                                zone,
                                name,
                                platform,
                                on_demand: od.map(|(p, _)| p),
                                observed: &observed,
                                advisor: sources.advisor.as_ref(),
                                estimate: options.estimate_spot,
                                shapes: &shapes,
                                scores: &scores,
                            }),
                        };
                        match pool {
                            Some(pool) => parts.pools.push(pool),
                            None => parts.unpriced.push(UnpricedOffering {
                                instance_type: name.clone(),
                                zone: zone.clone(),
                                market,
                            }),
                        }
                    }
                }
            }
        }
        let unpriced_types: BTreeSet<_> = parts.unpriced.iter().map(|o| &o.instance_type).collect();
        if !unpriced_types.is_empty() {
            report.warnings.push(format!(
                "{region}: {} offering(s) of {} type(s) have no price in any source and are listed as unpriced",
                parts.unpriced.len(),
                unpriced_types.len()
            ));
        }
        // Dedicated Instance prices of the types offered here, for the platforms built.
        let offered_here: BTreeSet<&TypeName> = zones.values().flatten().collect();
        for ((name, price_region, platform), price) in &dedicated {
            if price_region == region
                && offered_here.contains(name)
                && types.contains_key(name)
                && options.platforms.contains(platform)
            {
                parts.dedicated.push(DedicatedPrice {
                    instance_type: name.clone(),
                    platform: *platform,
                    price: *price,
                });
            }
        }
        regions_out.insert(region.clone(), parts);
    }

    let mut info = options.info.clone();
    if options.estimate_spot {
        let shaping = if sources.shaping_history.is_empty() {
            ""
        } else {
            ", scaled per AZ by the AZ's price relative to the type's regional mean in the shaping \
             spot price history where that history has the type"
        };
        info.methods.push(format!(
            "spot prices without an observed price are estimated as on-demand × (1 − Spot Advisor \
             savings %){shaping}, and capped at the on-demand price"
        ));
    }
    if let Some(reference) = &options.on_demand_reference_region
        && estimated_od > 0
    {
        let listed: Vec<String> = ratios
            .iter()
            .map(|(region, ratio)| format!("{region} {ratio:.4}"))
            .collect();
        info.methods.push(format!(
            "on-demand prices missing from the price lists are estimated as the {reference} price × the median ratio of the region's listed prices to {reference}'s ({})",
            listed.join(", ")
        ));
    }
    if info.data_date.is_none() {
        info.data_date = info.sources.iter().filter_map(|s| s.date.clone()).max();
    }
    let catalog = Catalog::new(
        "catalog build",
        info,
        sources.instance_types.clone(),
        regions_out,
    )?;
    Ok((catalog, report))
}

fn preview<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = items.collect();
    let shown = all.iter().take(8).copied().collect::<Vec<_>>().join(", ");
    if all.len() > 8 {
        format!("{shown}, …")
    } else {
        shown
    }
}

fn base_pool(
    region: &RegionName,
    zone: &ZoneId,
    name: &TypeName,
    platform: Platform,
    market: Market,
    price: f64,
    source: PriceSource,
) -> CapacityPool {
    CapacityPool {
        region: region.clone(),
        zone: zone.clone(),
        instance_type: name.clone(),
        platform,
        market,
        price_per_hour: round_price(price),
        price_source: source,
        interruption_bucket: None,
        savings_percent: None,
        placement_score: None,
        available_instances: None,
    }
}

/// Prices are kept to 1e-6 USD (AWS publishes six decimals), so estimates serialise stably.
fn round_price(price: f64) -> f64 {
    (price * 1e6).round() / 1e6
}

struct SpotInputs<'a> {
    region: &'a RegionName,
    zone: &'a ZoneId,
    name: &'a TypeName,
    platform: Platform,
    on_demand: Option<f64>,
    observed: &'a BTreeMap<(ZoneId, TypeName, Platform), f64>,
    advisor: Option<&'a SpotAdvisor>,
    estimate: bool,
    shapes: &'a BTreeMap<(ZoneId, TypeName, Platform), f64>,
    scores: &'a Scores,
}

fn spot_pool(inputs: SpotInputs<'_>) -> Option<CapacityPool> {
    let key = (inputs.zone.clone(), inputs.name.clone(), inputs.platform);
    let advice = inputs.advisor.and_then(|a| {
        a.get(
            inputs.region.as_str(),
            inputs.platform,
            inputs.name.as_str(),
        )
    });
    let (price, source) = if let Some(&price) = inputs.observed.get(&key) {
        (price, PriceSource::Observed)
    } else if inputs.estimate {
        let on_demand = inputs.on_demand?;
        let advice = advice?;
        let base = on_demand * (1.0 - f64::from(advice.savings_percent) / 100.0);
        let (shaped, source) = match inputs.shapes.get(&key) {
            Some(factor) => (base * factor, PriceSource::AdvisorSavingsAzShaped),
            None => (base, PriceSource::AdvisorSavings),
        };
        (shaped.min(on_demand), source)
    } else {
        return None;
    };
    let price = round_price(price);
    if !(price.is_finite() && price > 0.0) {
        return None;
    }
    let mut pool = base_pool(
        inputs.region,
        inputs.zone,
        inputs.name,
        inputs.platform,
        Market::Spot,
        price,
        source,
    );
    pool.interruption_bucket = advice.map(|a| a.bucket);
    pool.savings_percent = advice.map(|a| a.savings_percent);
    pool.placement_score = inputs
        .scores
        .zone
        .get(inputs.zone)
        .or_else(|| inputs.scores.region.get(inputs.region))
        .copied();
    Some(pool)
}

/// Maps AZ names to IDs (from describe-availability-zones) and AZ IDs to regions.
struct ZoneResolver {
    by_name: BTreeMap<String, (ZoneId, RegionName)>,
    by_id: BTreeMap<ZoneId, (String, RegionName)>,
}

impl ZoneResolver {
    fn new(files: &[Labelled<Vec<ZoneRecord>>]) -> Result<Self, LoadError> {
        let mut by_name = BTreeMap::new();
        let mut by_id = BTreeMap::new();
        for file in files {
            for (index, zone) in file.value.iter().enumerate() {
                if let Some((previous, _)) = by_name.get(&zone.name)
                    && previous != &zone.id
                {
                    return Err(LoadError::at_path(
                        &file.label,
                        format!("AvailabilityZones[{index}].ZoneId"),
                        format!(
                            "zone `{}` maps to `{}` here but to `{previous}` in an earlier zones file",
                            zone.name, zone.id
                        ),
                    ));
                }
                by_name.insert(zone.name.clone(), (zone.id.clone(), zone.region.clone()));
                by_id.insert(zone.id.clone(), (zone.name.clone(), zone.region.clone()));
            }
        }
        Ok(ZoneResolver { by_name, by_id })
    }

    fn knows_region(&self, region: &RegionName) -> bool {
        self.by_id.values().any(|(_, r)| r == region)
    }

    fn region_of(&self, zone: &ZoneId) -> Option<RegionName> {
        self.by_id
            .get(zone)
            .map(|(_, region)| region.clone())
            .or_else(|| regions::region_of_zone_id(zone.as_str()).map(RegionName::new))
    }

    /// Resolves a zone reference to (AZ ID, region), or explains why it cannot.
    fn resolve(
        &self,
        file: &str,
        path: &str,
        zone: &ZoneRef,
    ) -> Result<(ZoneId, RegionName), LoadError> {
        match zone {
            ZoneRef::Id(id) => self.region_of(id).map(|r| (id.clone(), r)).ok_or_else(|| {
                LoadError::at_path(
                    file,
                    path,
                    format!("AZ ID `{id}` belongs to no known region; give --zones (describe-availability-zones output) that lists it"),
                )
            }),
            ZoneRef::Name(name) => self.by_name.get(name).cloned().ok_or_else(|| {
                LoadError::at_path(
                    file,
                    path,
                    format!(
                        "zone `{name}` is an AZ name, which differs per account; give --zones (describe-availability-zones output from the same account) to map it to an AZ ID"
                    ),
                )
            }),
        }
    }
}

/// Latest observed price per (AZ ID, type, platform) across all files: zones are resolved to
/// AZ IDs first (a name and an ID may be the same pool), then later timestamps win, and at
/// equal timestamps the later record (file order) wins.
fn latest_prices(
    files: &[Labelled<Vec<SpotPriceRecord>>],
    resolver: &ZoneResolver,
    zone_names: &mut BTreeMap<ZoneId, String>,
) -> Result<BTreeMap<(ZoneId, TypeName, Platform), f64>, LoadError> {
    let mut resolved = Vec::new();
    for file in files {
        for record in &file.value {
            let (zone, _) = resolver.resolve(&file.label, &record.location, &record.zone)?;
            if let Some(name) = &record.zone_name {
                zone_names
                    .entry(zone.clone())
                    .or_insert_with(|| name.clone());
            }
            resolved.push(SpotPriceRecord {
                zone: ZoneRef::Id(zone),
                ..record.clone()
            });
        }
    }
    Ok(spot_prices::latest(resolved)
        .into_iter()
        .filter_map(|record| match record.zone {
            ZoneRef::Id(zone) => {
                Some(((zone, record.instance_type, record.platform), record.price))
            }
            ZoneRef::Name(_) => None,
        })
        .collect())
}

fn on_demand_prices(
    files: &[Labelled<Vec<OnDemandPrice>>],
) -> BTreeMap<(TypeName, RegionName, Platform), f64> {
    let mut prices = BTreeMap::new();
    for file in files {
        for price in &file.value {
            prices.insert(
                (
                    price.instance_type.clone(),
                    price.region.clone(),
                    price.platform,
                ),
                price.price,
            );
        }
    }
    prices
}

/// Median of (region price / reference price) over Linux types listed in both, per region.
fn regional_ratios<'a>(
    prices: &BTreeMap<(TypeName, RegionName, Platform), f64>,
    reference: &RegionName,
    regions: impl Iterator<Item = &'a RegionName>,
) -> BTreeMap<RegionName, f64> {
    let mut ratios = BTreeMap::new();
    for region in regions {
        let mut samples: Vec<f64> = prices
            .iter()
            .filter(|((_, r, platform), _)| r == region && *platform == Platform::LinuxUnix)
            .filter_map(|((name, _, platform), price)| {
                prices
                    .get(&(name.clone(), reference.clone(), *platform))
                    .map(|base| price / base)
            })
            .collect();
        if region == reference {
            ratios.insert(region.clone(), 1.0);
            continue;
        }
        if samples.is_empty() {
            continue;
        }
        samples.sort_by(f64::total_cmp);
        let mid = samples.len() / 2;
        let median = if samples.len().is_multiple_of(2) {
            (samples[mid - 1] + samples[mid]) / 2.0
        } else {
            samples[mid]
        };
        ratios.insert(region.clone(), median);
    }
    ratios
}

/// Per-AZ factor = the AZ's latest price / mean of the type's latest prices over the AZs of
/// its region that the shaping history covers.
fn az_shapes(
    files: &[Labelled<Vec<SpotPriceRecord>>],
    resolver: &ZoneResolver,
) -> Result<BTreeMap<(ZoneId, TypeName, Platform), f64>, LoadError> {
    let mut names = BTreeMap::new();
    let latest = latest_prices(files, resolver, &mut names)?;
    let mut groups: BTreeMap<(RegionName, TypeName, Platform), Vec<(ZoneId, f64)>> =
        BTreeMap::new();
    for ((zone, name, platform), price) in latest {
        if let Some(region) = resolver.region_of(&zone) {
            groups
                .entry((region, name.clone(), platform))
                .or_default()
                .push((zone, price));
        }
    }
    let mut shapes = BTreeMap::new();
    for ((_, name, platform), zones) in groups {
        let mean = zones.iter().map(|(_, p)| p).sum::<f64>() / zones.len() as f64;
        for (zone, price) in zones {
            shapes.insert((zone, name.clone(), platform), price / mean);
        }
    }
    Ok(shapes)
}

#[derive(Default)]
struct Scores {
    zone: BTreeMap<ZoneId, u8>,
    region: BTreeMap<RegionName, u8>,
}

/// Placement scores describe a request, not one type: fleetopt applies an AZ's score to every
/// spot pool in that AZ (a region score to AZs without their own). With several files the
/// later file wins, so pass the score for the request you plan last.
fn placement_scores(files: &[Labelled<Vec<PlacementScore>>], report: &mut BuildReport) -> Scores {
    let mut scores = Scores::default();
    let mut overridden = 0usize;
    for file in files {
        for score in &file.value {
            let previous = match &score.zone {
                Some(zone) => scores.zone.insert(zone.clone(), score.score),
                None => scores.region.insert(score.region.clone(), score.score),
            };
            if previous.is_some_and(|p| p != score.score) {
                overridden += 1;
            }
        }
    }
    if overridden > 0 {
        report.warnings.push(format!(
            "{overridden} placement score(s) were given more than once with different values; the later file wins"
        ));
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Advice, Offering};
    use crate::test_support::itype;

    #[test]
    fn source_dates_are_iso_days() {
        assert!(is_source_date("2025-06-28"));
        for bad in [
            "June",
            "2025-6-28",
            "2025/06/28",
            "2025-06-2x",
            "2025-06-280",
            "",
        ] {
            assert!(!is_source_date(bad), "{bad}");
        }
    }

    fn offer(name: &str, zone: &str) -> Offering {
        Offering {
            instance_type: TypeName::new(name),
            zone: ZoneRef::Id(ZoneId::new(zone)),
            location: format!("[{zone}].Location"),
        }
    }

    fn od(name: &str, region: &str, price: f64) -> OnDemandPrice {
        OnDemandPrice {
            instance_type: TypeName::new(name),
            region: RegionName::new(region),
            platform: Platform::LinuxUnix,
            price,
        }
    }

    fn observed(name: &str, zone: &str, price: f64, timestamp: i64) -> SpotPriceRecord {
        SpotPriceRecord {
            zone: ZoneRef::Id(ZoneId::new(zone)),
            zone_name: None,
            location: format!("[{zone}].AvailabilityZoneId"),
            instance_type: TypeName::new(name),
            platform: Platform::LinuxUnix,
            price,
            timestamp,
            timestamp_text: String::new(),
        }
    }

    fn advisor(entries: &[(&str, &str, u8, u8)]) -> SpotAdvisor {
        let mut advisor = SpotAdvisor::default();
        for &(region, name, bucket, savings) in entries {
            advisor
                .advice
                .entry((RegionName::new(region), Platform::LinuxUnix))
                .or_default()
                .insert(
                    TypeName::new(name),
                    Advice {
                        bucket,
                        savings_percent: savings,
                    },
                );
        }
        advisor
    }

    fn sources() -> Sources {
        Sources {
            instance_types: vec![itype("m5.large", 2, 8192), itype("c5.large", 2, 4096)],
            offerings: vec![Labelled::new(
                "offerings.json",
                vec![
                    offer("m5.large", "use1-az1"),
                    offer("m5.large", "use1-az2"),
                    offer("c5.large", "use1-az1"),
                    offer("m5.large", "euw1-az1"),
                ],
            )],
            on_demand: vec![Labelled::new(
                "prices.csv",
                vec![
                    od("m5.large", "us-east-1", 0.096),
                    od("c5.large", "us-east-1", 0.085),
                    od("c5.large", "eu-west-1", 0.0963),
                ],
            )],
            advisor: Some(advisor(&[
                ("us-east-1", "m5.large", 3, 66),
                ("eu-west-1", "m5.large", 1, 60),
            ])),
            ..Sources::default()
        }
    }

    fn spot<'a>(
        catalog: &'a Catalog,
        region: &str,
        name: &str,
        zone: &str,
    ) -> Option<&'a CapacityPool> {
        catalog
            .region(region)?
            .pools_of(name)
            .iter()
            .find(|p| p.market == Market::Spot && p.zone.as_str() == zone)
    }

    #[test]
    fn latest_observed_price_wins_across_files() {
        let mut sources = sources();
        sources.spot_prices = vec![
            Labelled::new(
                "new.json",
                vec![observed("m5.large", "use1-az1", 0.041, 200)],
            ),
            Labelled::new(
                "old.json",
                vec![
                    observed("m5.large", "use1-az1", 0.050, 100),
                    observed("m5.large", "use1-az1", 0.039, 200),
                ],
            ),
        ];
        let (catalog, _) = build(&sources, &BuildOptions::default()).unwrap();
        let pool = spot(&catalog, "us-east-1", "m5.large", "use1-az1").unwrap();
        // Same timestamp in a later file wins; an older timestamp never does.
        assert_eq!(pool.price_per_hour, 0.039);
        assert_eq!(pool.price_source, PriceSource::Observed);
        assert_eq!(pool.interruption_bucket, Some(3));
        // Without --estimate-spot the other AZ has no spot price and stays visible as unpriced.
        assert!(spot(&catalog, "us-east-1", "m5.large", "use1-az2").is_none());
        let unpriced = catalog.region("us-east-1").unwrap().unpriced();
        assert!(
            unpriced
                .iter()
                .any(|o| o.zone.as_str() == "use1-az2" && o.market == Market::Spot)
        );
    }

    #[test]
    fn spot_estimates_are_shaped_per_az_and_capped() {
        let mut sources = sources();
        sources.shaping_history = vec![Labelled::new(
            "history.json",
            vec![
                observed("m5.large", "use1-az1", 0.030, 1),
                observed("m5.large", "use1-az2", 0.050, 1),
            ],
        )];
        let options = BuildOptions {
            estimate_spot: true,
            ..BuildOptions::default()
        };
        let (catalog, _) = build(&sources, &options).unwrap();
        let base = 0.096 * 0.34;
        let az1 = spot(&catalog, "us-east-1", "m5.large", "use1-az1").unwrap();
        let az2 = spot(&catalog, "us-east-1", "m5.large", "use1-az2").unwrap();
        assert_eq!(az1.price_source, PriceSource::AdvisorSavingsAzShaped);
        // mean 0.04: az1 × 0.75, az2 × 1.25
        assert!((az1.price_per_hour - round_price(base * 0.75)).abs() < 1e-12);
        assert!((az2.price_per_hour - round_price(base * 1.25)).abs() < 1e-12);
        assert!(catalog.info().methods[0].contains("scaled per AZ"));
        // c5.large has no advisor entry: no estimate, no spot pool.
        assert!(spot(&catalog, "us-east-1", "c5.large", "use1-az1").is_none());
    }

    #[test]
    fn missing_on_demand_prices_use_the_median_regional_ratio() {
        let options = BuildOptions {
            on_demand_reference_region: Some(RegionName::new("us-east-1")),
            ..BuildOptions::default()
        };
        let (catalog, _) = build(&sources(), &options).unwrap();
        let pool = catalog.region("eu-west-1").unwrap().pools_of("m5.large")[0].clone();
        assert_eq!(pool.market, Market::OnDemand);
        assert_eq!(pool.price_source, PriceSource::RegionalRatio);
        // eu-west-1 / us-east-1 for c5.large = 0.0963 / 0.085
        assert!((pool.price_per_hour - round_price(0.096 * 0.0963 / 0.085)).abs() < 1e-12);
        assert!(
            catalog
                .info()
                .methods
                .iter()
                .any(|m| m.contains("eu-west-1 1.1329"))
        );
    }

    #[test]
    fn the_median_of_an_even_sample_is_the_mean_of_the_middle_two() {
        let prices = BTreeMap::from([
            (
                (
                    TypeName::new("a.large"),
                    RegionName::new("r1"),
                    Platform::LinuxUnix,
                ),
                1.0,
            ),
            (
                (
                    TypeName::new("b.large"),
                    RegionName::new("r1"),
                    Platform::LinuxUnix,
                ),
                1.0,
            ),
            (
                (
                    TypeName::new("a.large"),
                    RegionName::new("r2"),
                    Platform::LinuxUnix,
                ),
                1.1,
            ),
            (
                (
                    TypeName::new("b.large"),
                    RegionName::new("r2"),
                    Platform::LinuxUnix,
                ),
                1.3,
            ),
        ]);
        let regions = [RegionName::new("r2")];
        let ratios = regional_ratios(&prices, &RegionName::new("r1"), regions.iter());
        assert!((ratios[&RegionName::new("r2")] - 1.2).abs() < 1e-12);
    }

    #[test]
    fn unknown_offered_types_are_reported_not_fatal() {
        let mut sources = sources();
        sources.offerings[0]
            .value
            .push(offer("x9.huge", "use1-az1"));
        let (catalog, report) = build(&sources, &BuildOptions::default()).unwrap();
        assert!(catalog.instance_type("x9.huge").is_none());
        assert_eq!(
            report.warnings[0],
            "1 offered type(s) have no describe-instance-types entry and were skipped: x9.huge"
        );
    }

    #[test]
    fn region_filter_keeps_only_named_regions_and_rejects_unknown_ones() {
        let options = BuildOptions {
            regions: vec![RegionName::new("eu-west-1")],
            ..BuildOptions::default()
        };
        let (catalog, _) = build(&sources(), &options).unwrap();
        let names: Vec<&str> = catalog.regions().map(|r| r.name().as_str()).collect();
        assert_eq!(names, ["eu-west-1"]);

        let options = BuildOptions {
            regions: vec![RegionName::new("us-east-7")],
            ..BuildOptions::default()
        };
        let error = build(&sources(), &options).unwrap_err();
        assert!(
            error.message.starts_with("unknown region `us-east-7`"),
            "{error}"
        );
        let options = BuildOptions {
            regions: vec![RegionName::new("us-west-2")],
            ..BuildOptions::default()
        };
        let error = build(&sources(), &options).unwrap_err();
        assert_eq!(
            error.message,
            "no offerings for region `us-west-2` in the given files"
        );
    }

    #[test]
    fn az_scores_beat_region_scores() {
        let mut sources = sources();
        sources.spot_prices = vec![Labelled::new(
            "spot.json",
            vec![
                observed("m5.large", "use1-az1", 0.04, 1),
                observed("m5.large", "use1-az2", 0.04, 1),
            ],
        )];
        let score = |zone: Option<&str>, score| PlacementScore {
            region: RegionName::new("us-east-1"),
            zone: zone.map(ZoneId::new),
            score,
        };
        sources.placement_scores = vec![Labelled::new(
            "scores.json",
            vec![score(None, 5), score(Some("use1-az2"), 9)],
        )];
        let (catalog, _) = build(&sources, &BuildOptions::default()).unwrap();
        let at = |zone| {
            spot(&catalog, "us-east-1", "m5.large", zone)
                .unwrap()
                .placement_score
        };
        assert_eq!(at("use1-az1"), Some(5));
        assert_eq!(at("use1-az2"), Some(9));
    }

    #[test]
    fn az_names_need_describe_availability_zones() {
        let mut sources = sources();
        sources.offerings[0].value.push(Offering {
            instance_type: TypeName::new("m5.large"),
            zone: ZoneRef::Name("us-east-1a".into()),
            location: "InstanceTypeOfferings[4].Location".into(),
        });
        let error = build(&sources, &BuildOptions::default()).unwrap_err();
        assert_eq!(error.file, "offerings.json");
        assert_eq!(
            error.location,
            crate::error::Location::path("InstanceTypeOfferings[4].Location")
        );
        assert!(error.message.contains("give --zones"));
        sources.zones = vec![Labelled::new(
            "zones.json",
            vec![ZoneRecord {
                name: "us-east-1a".into(),
                id: ZoneId::new("use1-az4"),
                region: RegionName::new("us-east-1"),
            }],
        )];
        let (catalog, _) = build(&sources, &BuildOptions::default()).unwrap();
        let region = catalog.region("us-east-1").unwrap();
        let az4 = region
            .zones()
            .find(|z| z.id.as_str() == "use1-az4")
            .unwrap();
        assert_eq!(az4.name.as_deref(), Some("us-east-1a"));
    }
}
