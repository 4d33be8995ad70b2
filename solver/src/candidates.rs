//! From a request to the pools it may use: the region, the allowed zones, the matching
//! instance types (explicit names, AWS wildcards, `InstanceRequirements`), and per pool its
//! weight in the request's unit, its override priority and its spot max price.
//!
//! Strategies work on a [`CandidateSet`]; they never look at the request's candidate syntax.
//! (The verifier does its own, separate membership check.)

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::listing;
use fleetopt_instances::select::{self, SelectError, wildcard_match};
use fleetopt_instances::{
    CapacityPool, Catalog, InstanceType, Market, Platform, Region, RegionName, TypeName,
    UnpricedOffering, ZoneId,
};

use crate::request::{CapacityUnit, FleetRequest, MaxPrice, ZoneRef};

/// One pool the fleet may use.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePool<'c> {
    /// The catalogue pool.
    pub pool: &'c CapacityPool,
    /// Its instance type.
    pub instance_type: &'c InstanceType,
    /// Units per instance in the request's unit (> 0).
    pub weight: f64,
    /// Override priority (lower = higher priority); `None` = lowest.
    pub priority: Option<f64>,
    /// Spot max price, USD per instance-hour (spot pools; `None` = no cap known).
    pub max_price: Option<f64>,
}

impl CandidatePool<'_> {
    /// Price per unit-hour.
    pub(crate) fn price_per_unit(&self) -> f64 {
        self.pool.price_per_hour / self.weight
    }

    /// The pool's market.
    pub fn market(&self) -> Market {
        self.pool.market
    }
}

/// Every pool a request may use, with the facts strategies need.
#[derive(Debug, Clone)]
pub struct CandidateSet<'c> {
    /// The request's region.
    pub region: &'c Region,
    /// Allowed zones that hold at least one candidate pool, sorted.
    pub zones: Vec<ZoneId>,
    /// Candidate pools, sorted by (type, zone, market).
    pub pools: Vec<CandidatePool<'c>>,
    /// Offerings of candidate types in allowed zones that the catalogue lists as sold but
    /// could not price (no price source covered them); no plan can use them, and messages
    /// say so instead of "no pool".
    pub unpriced: Vec<&'c UnpricedOffering>,
}

impl<'c> CandidateSet<'c> {
    /// The candidate pools of one market.
    pub fn market(&self, market: Market) -> impl Iterator<Item = &CandidatePool<'c>> {
        self.pools.iter().filter(move |p| p.pool.market == market)
    }

    /// The On-Demand price of a type in a zone, when the catalogue has that pool.
    pub fn on_demand_price(&self, instance_type: &TypeName, zone: &ZoneId) -> Option<f64> {
        self.region
            .pools_of(instance_type.as_str())
            .iter()
            .find(|p| p.market == Market::OnDemand && &p.zone == zone)
            .map(|p| p.price_per_hour)
    }
}

/// Why a request's candidates cannot be resolved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct CandidateError {
    /// The request field at fault (`region`, `candidates.instance_types[2]`, …).
    pub field: String,
    /// What is wrong (boxed: the facts make it large, and every `SolveError` carries it).
    #[source]
    pub problem: Box<CandidateProblem>,
}

/// What is wrong with a request's candidates ([`CandidateError`]), with the facts of the
/// catalogue that show it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CandidateProblem {
    /// The request's region is not in the catalogue.
    #[error("the catalogue has no region `{name}`; it has {}", list(known))]
    UnknownRegion {
        /// The region asked for.
        name: RegionName,
        /// The catalogue's regions.
        known: Vec<RegionName>,
    },
    /// The request's zones name one region that the catalogue then does not hold.
    #[error("the request's zones name no catalogue region")]
    ZonesNameNoRegion,
    /// No region and no zone the catalogue knows.
    #[error(
        "the request names no region and no zone the catalogue knows; add a region (or AZs of one)"
    )]
    NoRegion,
    /// The request's zones belong to several regions.
    #[error(
        "the request's zones span several regions ({}); a fleet cannot span regions",
        list(regions)
    )]
    SeveralRegions {
        /// The regions, in name order.
        regions: Vec<RegionName>,
    },
    /// An override pins a zone outside the region.
    #[error("zone `{zone}` is not a zone of region `{region}`")]
    OverrideZone {
        /// The zone as the override names it.
        zone: ZoneRef,
        /// The region planned in.
        region: RegionName,
    },
    /// A wildcard pattern matches no type offered in the region.
    #[error("`{pattern}` matches no instance type offered in {region}")]
    NoWildcardMatch {
        /// The pattern.
        pattern: String,
        /// The region planned in.
        region: RegionName,
    },
    /// A catalogue type the region does not offer.
    #[error("`{pattern}` is not offered in {region}")]
    NotOffered {
        /// The type name.
        pattern: String,
        /// The region planned in.
        region: RegionName,
    },
    /// A type name the catalogue does not know.
    #[error(
        "unknown instance type `{pattern}`{}",
        closest.as_ref().map(|name| format!("; did you mean `{name}`?")).unwrap_or_default()
    )]
    UnknownType {
        /// The name given.
        pattern: String,
        /// The closest catalogue type name, when one is close.
        closest: Option<String>,
    },
    /// One (type, zone) pool listed twice.
    #[error(
        "`{pattern}`{} is listed twice; AWS rejects duplicate instance pools",
        zone.as_ref().map(|z| format!(" in {z}")).unwrap_or_default()
    )]
    Duplicate {
        /// The type name.
        pattern: String,
        /// The zone both lines pin, if any.
        zone: Option<ZoneId>,
    },
    /// Invalid instance requirements.
    #[error("{0}")]
    Requirements(#[source] SelectError),
    /// Valid requirements that no type in the region meets.
    #[error("no instance type in {region} matches these requirements")]
    NoRequirementsMatch {
        /// The region planned in.
        region: RegionName,
    },
    /// No priced pool of the platform matches the candidates and zones.
    #[error("no priced {platform} pool in {region} matches the candidates and zones")]
    NoPricedPool {
        /// The request's platform.
        platform: Platform,
        /// The region planned in.
        region: RegionName,
    },
    /// Every matching pool is offered but unpriced.
    #[error(
        "every matching pool in {region} is unpriced: the catalogue's sources list {} as offered but give no price ({}); {UNPRICED_HINT}",
        plural(offerings.len(), "offering"),
        describe_unpriced(&offerings.iter().collect::<Vec<_>>())
    )]
    AllUnpriced {
        /// The region planned in.
        region: RegionName,
        /// The unpriced offerings that match.
        offerings: Vec<UnpricedOffering>,
    },
    /// A request zone outside the region (or unknown to the catalogue).
    #[error(
        "`{zone}` is not a zone of {region} in this catalogue; it has {}",
        known
            .iter()
            .map(|(id, name)| match name {
                Some(name) => format!("{id} ({name})"),
                None => id.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    )]
    UnknownZone {
        /// The zone as the request names it.
        zone: ZoneRef,
        /// The region planned in.
        region: RegionName,
        /// The region's zones: AZ ID and, when the catalogue has one, AZ name.
        known: Vec<(ZoneId, Option<String>)>,
    },
}

fn error(field: impl Into<String>, problem: CandidateProblem) -> CandidateError {
    CandidateError {
        field: field.into(),
        problem: Box::new(problem),
    }
}

/// `a, b, c`.
fn list(names: &[RegionName]) -> String {
    names
        .iter()
        .map(RegionName::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The region a request plans in: its own, or the one its zones belong to.
pub fn region_of<'c>(
    catalog: &'c Catalog,
    request: &FleetRequest,
) -> Result<&'c Region, CandidateError> {
    if let Some(name) = &request.region {
        return catalog.region(name.as_str()).ok_or_else(|| {
            error(
                "region",
                CandidateProblem::UnknownRegion {
                    name: name.clone(),
                    known: catalog.regions().map(|r| r.name().clone()).collect(),
                },
            )
        });
    }
    let named: BTreeSet<&RegionName> = request
        .candidates
        .zones
        .iter()
        .chain(
            request
                .candidates
                .overrides
                .iter()
                .filter_map(|o| o.zone.as_ref()),
        )
        .filter_map(|zone| zone_region(catalog, zone))
        .collect();
    match named.len() {
        1 => named
            .into_iter()
            .next()
            .and_then(|name| catalog.region(name.as_str()))
            .ok_or_else(|| error("region", CandidateProblem::ZonesNameNoRegion)),
        0 => Err(error("region", CandidateProblem::NoRegion)),
        _ => Err(error(
            "region",
            CandidateProblem::SeveralRegions {
                regions: named.into_iter().cloned().collect(),
            },
        )),
    }
}

fn zone_region<'c>(catalog: &'c Catalog, zone: &ZoneRef) -> Option<&'c RegionName> {
    catalog
        .regions()
        .find(|region| resolve_zone(region, zone).is_some())
        .map(|region| region.name())
}

/// The AZ ID a zone reference means in a region (AZ names through the catalogue's names).
pub(crate) fn resolve_zone(region: &Region, zone: &ZoneRef) -> Option<ZoneId> {
    match zone {
        ZoneRef::Id(id) => region.has_zone(id.as_str()).then(|| id.clone()),
        ZoneRef::Name(name) => region
            .zones()
            .find(|z| z.name.as_deref() == Some(name.as_str()))
            .map(|z| z.id.clone()),
    }
}

/// Resolves a request's candidates against a catalogue.
pub fn resolve<'c>(
    catalog: &'c Catalog,
    request: &FleetRequest,
) -> Result<CandidateSet<'c>, CandidateError> {
    let region = region_of(catalog, request)?;
    let allowed_zones = allowed_zones(region, request)?;
    let offered: BTreeSet<&TypeName> = region.offered_types();

    // (type, zone restriction) → (override index, override) in request order; first wins.
    let mut chosen: BTreeMap<&TypeName, Vec<(Option<ZoneId>, usize)>> = BTreeMap::new();
    for (index, line) in request.candidates.overrides.iter().enumerate() {
        let field = request.candidates.override_field(index);
        let zone = match &line.zone {
            Some(zone) => Some(resolve_zone(region, zone).ok_or_else(|| {
                error(
                    request.candidates.override_zone_field(index),
                    CandidateProblem::OverrideZone {
                        zone: zone.clone(),
                        region: region.name().clone(),
                    },
                )
            })?),
            None => None,
        };
        let matches: Vec<&TypeName> = offered
            .iter()
            .copied()
            .filter(|name| wildcard_match(&line.pattern, name.as_str()))
            .collect();
        if matches.is_empty() {
            return Err(error(&field, no_match(catalog, region, &line.pattern)));
        }
        for name in matches {
            let entries = chosen.entry(name).or_default();
            let duplicate = entries.iter().any(|(z, i)| {
                *z == zone
                    && !line.pattern.contains('*')
                    && !request.candidates.overrides[*i].pattern.contains('*')
            });
            if duplicate {
                return Err(error(
                    &field,
                    CandidateProblem::Duplicate {
                        pattern: line.pattern.clone(),
                        zone: zone.clone(),
                    },
                ));
            }
            entries.push((zone.clone(), index));
        }
    }
    let mut by_requirements: BTreeSet<&TypeName> = BTreeSet::new();
    for (index, requirements) in request.candidates.requirements.iter().enumerate() {
        requirements.validate().map_err(|e| {
            error(
                request.candidates.requirements_field(index),
                CandidateProblem::Requirements(e),
            )
        })?;
        let found = select::select(catalog, Some(region.name().as_str()), requirements);
        if found.is_empty() {
            return Err(error(
                request.candidates.requirements_field(index),
                CandidateProblem::NoRequirementsMatch {
                    region: region.name().clone(),
                },
            ));
        }
        by_requirements.extend(found.into_iter().map(|t| &t.name));
    }
    if request.candidates.overrides.is_empty() && request.candidates.requirements.is_empty() {
        // No candidates given: every type AWS attribute-based selection would allow by default.
        let defaults = select::Requirements::default();
        by_requirements.extend(
            select::select(catalog, Some(region.name().as_str()), &defaults)
                .into_iter()
                .map(|t| &t.name),
        );
    }

    let mut pools = Vec::new();
    for pool in region.pools() {
        if pool.platform != request.platform || !allowed_zones.contains(&pool.zone) {
            continue;
        }
        let override_index = chosen.get(&pool.instance_type).and_then(|entries| {
            entries
                .iter()
                .filter(|(zone, _)| zone.as_ref().is_none_or(|z| *z == pool.zone))
                .map(|(_, i)| *i)
                .min()
        });
        if override_index.is_none() && !by_requirements.contains(&pool.instance_type) {
            continue;
        }
        let Some(instance_type) = catalog.instance_type(pool.instance_type.as_str()) else {
            continue;
        };
        let line = override_index.map(|i| &request.candidates.overrides[i]);
        let weight = weight_of(request, instance_type, line.and_then(|l| l.weight));
        let max_price = match pool.market {
            Market::OnDemand => None,
            Market::Spot => {
                line.and_then(|l| l.max_price)
                    .or_else(|| match request.spot.max_price {
                        Some(MaxPrice::PerHour(price)) => Some(price),
                        Some(MaxPrice::PercentOfOnDemand(percent)) => {
                            on_demand_in(region, pool).map(|od| od * percent / 100.0)
                        }
                        // AWS: the default spot max price is the On-Demand price.
                        None => on_demand_in(region, pool),
                    })
            }
        };
        pools.push(CandidatePool {
            pool,
            instance_type,
            weight,
            priority: line.and_then(|l| l.priority),
            max_price,
        });
    }
    // Offerings sold but not priced, for the candidate types in the allowed zones (the
    // catalogue records them for Linux/UNIX, the platform its offerings describe).
    let unpriced: Vec<&UnpricedOffering> = region
        .unpriced()
        .iter()
        .filter(|o| {
            allowed_zones.contains(&o.zone)
                && (by_requirements.contains(&o.instance_type)
                    || chosen.get(&o.instance_type).is_some_and(|entries| {
                        entries
                            .iter()
                            .any(|(zone, _)| zone.as_ref().is_none_or(|z| *z == o.zone))
                    }))
        })
        .collect();
    if pools.is_empty() {
        return Err(error(
            "candidates",
            if unpriced.is_empty() {
                CandidateProblem::NoPricedPool {
                    platform: request.platform,
                    region: region.name().clone(),
                }
            } else {
                CandidateProblem::AllUnpriced {
                    region: region.name().clone(),
                    offerings: unpriced.iter().map(|&o| o.clone()).collect(),
                }
            },
        ));
    }
    let zones: BTreeSet<ZoneId> = pools.iter().map(|p| p.pool.zone.clone()).collect();
    Ok(CandidateSet {
        region,
        zones: zones.into_iter().collect(),
        pools,
        unpriced,
    })
}

fn allowed_zones(
    region: &Region,
    request: &FleetRequest,
) -> Result<BTreeSet<ZoneId>, CandidateError> {
    if request.candidates.zones.is_empty() {
        return Ok(region.zones().map(|z| z.id.clone()).collect());
    }
    request
        .candidates
        .zones
        .iter()
        .enumerate()
        .map(|(index, zone)| {
            resolve_zone(region, zone).ok_or_else(|| {
                error(
                    request.candidates.zone_field(index),
                    CandidateProblem::UnknownZone {
                        zone: zone.clone(),
                        region: region.name().clone(),
                        known: region
                            .zones()
                            .map(|z| (z.id.clone(), z.name.clone()))
                            .collect(),
                    },
                )
            })
        })
        .collect()
}

fn on_demand_in(region: &Region, spot: &CapacityPool) -> Option<f64> {
    region
        .pools_of(spot.instance_type.as_str())
        .iter()
        .find(|p| {
            p.market == Market::OnDemand && p.zone == spot.zone && p.platform == spot.platform
        })
        .map(|p| p.price_per_hour)
}

fn weight_of(
    request: &FleetRequest,
    instance_type: &InstanceType,
    override_weight: Option<f64>,
) -> f64 {
    match request.target.unit {
        CapacityUnit::Vcpu => f64::from(instance_type.vcpus),
        CapacityUnit::MemoryMib => instance_type.memory_mib as f64,
        CapacityUnit::Units => override_weight
            .or_else(|| {
                let weights = &request.candidates.weights;
                weights
                    .get(instance_type.name.as_str())
                    .copied()
                    .or_else(|| {
                        weights
                            .iter()
                            .find(|(pattern, _)| {
                                wildcard_match(pattern, instance_type.name.as_str())
                            })
                            .map(|(_, w)| *w)
                    })
            })
            .unwrap_or(1.0),
    }
}

/// What could price an unpriced offering: the estimates `fleetopt catalog build` offers.
pub(crate) const UNPRICED_HINT: &str = "rebuild the catalogue with --estimate-spot (On-Demand price × (1 − Spot Advisor savings)) for Spot, or --estimate-on-demand-from REGION for On-Demand, or add a price file that covers them";

/// `n thing` / `n things`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Up to five unpriced offerings as `type market in zone`, then how many more.
pub(crate) fn describe_unpriced(offerings: &[&UnpricedOffering]) -> String {
    let mut parts: Vec<String> = offerings
        .iter()
        .take(5)
        .map(|o| format!("{} {} in {}", o.instance_type, o.market, o.zone))
        .collect();
    if offerings.len() > 5 {
        parts.push(format!("and {} more", offerings.len() - 5));
    }
    parts.join(", ")
}

fn no_match(catalog: &Catalog, region: &Region, pattern: &str) -> CandidateProblem {
    let pattern = pattern.to_owned();
    let region = region.name().clone();
    if pattern.contains('*') {
        return CandidateProblem::NoWildcardMatch { pattern, region };
    }
    if catalog.instance_type(&pattern).is_some() {
        return CandidateProblem::NotOffered { pattern, region };
    }
    let closest = listing::closest_type(catalog, &pattern).map(str::to_owned);
    CandidateProblem::UnknownType { pattern, closest }
}
