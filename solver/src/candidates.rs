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
    /// Types attribute-based selection matched but AWS's price protection drops from a market
    /// (aws-semantics §1.10), sorted by market then type: their pools in that market are not
    /// candidates. Types an override names are never dropped.
    pub price_protected: Vec<select::PriceExclusion>,
}

impl<'c> CandidateSet<'c> {
    /// The note a plan carries when price protection left types out, naming the first few.
    pub fn price_protection_note(&self) -> Option<String> {
        const SHOWN: usize = 3;
        let first = self.price_protected.first()?;
        let mut named: Vec<String> = self
            .price_protected
            .iter()
            .take(SHOWN)
            .map(|e| format!("{e}"))
            .collect();
        if self.price_protected.len() > SHOWN {
            named.push(format!("{} more", self.price_protected.len() - SHOWN));
        }
        Some(format!(
            "price protection (aws-semantics §1.10): {} type/market pair(s) matched by instance requirements are priced above the threshold on a {} basis and are not candidates: {}",
            self.price_protected.len(),
            first.basis.unit(),
            named.join("; ")
        ))
    }

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

/// The most type overrides (names or wildcards) a request may list: matching costs overrides ×
/// offered types, and AWS's own forms allow far fewer.
pub const MAX_OVERRIDES: usize = 1_000;

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
    /// More overrides than fleetopt matches.
    #[error(
        "{found} overrides, more than the {MAX_OVERRIDES} fleetopt matches (AWS's own limits are far lower); name fewer types, or use wildcards or InstanceRequirements"
    )]
    TooManyOverrides {
        /// The overrides given.
        found: usize,
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
    /// Two different `InstanceRequirements` of one launch template match a common type.
    #[error(
        "matches {example}, which {other} also matches; AWS rejects InstanceRequirements with overlapping values under one launch template (duplicate capacity pools)"
    )]
    OverlappingRequirements {
        /// The earlier set's field.
        other: String,
        /// The first type both match.
        example: TypeName,
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
        // A subnet's AZ is chosen with the other subnets' (`subnet_zones`), not alone.
        ZoneRef::Subnet(_) => None,
    }
}

/// The note a plan carries when its request names AZs by name and they were resolved through
/// the catalogue's zone names (no `--zones` mapping was given, which would have made them AZ
/// IDs already): the names, the IDs they became, and where the catalogue's mapping came from.
/// AZ names are account-specific (aws-semantics §3.1), so the note says how to use one's own.
pub fn zone_names_note(
    catalog: &Catalog,
    region: &Region,
    request: &FleetRequest,
) -> Option<String> {
    let named = request.candidates.zones.iter().chain(
        request
            .candidates
            .overrides
            .iter()
            .filter_map(|o| o.zone.as_ref()),
    );
    let mut pairs: BTreeMap<&str, ZoneId> = BTreeMap::new();
    for zone in named {
        if let ZoneRef::Name(name) = zone
            && let Some(id) = resolve_zone(region, zone)
        {
            pairs.insert(name.as_str(), id);
        }
    }
    if pairs.is_empty() {
        return None;
    }
    let sources: Vec<String> = catalog
        .info()
        .sources
        .iter()
        .filter(|s| s.kind == "zones")
        .map(|s| match &s.date {
            Some(date) => format!("{} of {date}", s.origin),
            None => s.origin.clone(),
        })
        .collect();
    let whose = if sources.is_empty() {
        "the catalogue's zone names (it records no zones source)".to_owned()
    } else {
        format!(
            "the catalogue's mapping (zones source {}), which may not be your account's",
            sources.join(", ")
        )
    };
    let pairs: Vec<String> = pairs
        .iter()
        .map(|(name, id)| format!("{name} → {id}"))
        .collect();
    Some(format!(
        "AZ names mapped to AZ IDs with {whose}: {}; AZ names differ between accounts, so give \
         your account's aws ec2 describe-availability-zones output with --zones (aws-semantics \
         §3.1)",
        pairs.join(", ")
    ))
}

/// The AZ fleetopt assumes for each subnet the request names but cannot map to an AZ
/// ([`ZoneRef::Subnet`]: an AWS form's `SubnetId` without `--subnets`), by subnet, in the order
/// the overrides first name them. AWS launches a subnet's instances in the subnet's one AZ, so
/// the overrides that share a subnet share an AZ; which one is unknown, and the rule is stated
/// rather than optimised: the allowed AZ where the most of the subnet's overrides have a pool
/// in the request's platform, ties by AZ ID, each subnet taking an AZ no earlier subnet took
/// while any is left (AWS rejects two subnets of one AZ in a fleet, aws-semantics §1.2).
pub fn subnet_zones(
    region: &Region,
    request: &FleetRequest,
    allowed: &BTreeSet<ZoneId>,
) -> Vec<(String, ZoneId)> {
    let mut subnets: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in &request.candidates.overrides {
        if let Some(ZoneRef::Subnet(subnet)) = &line.zone {
            match subnets.iter_mut().find(|(s, _)| *s == subnet.as_str()) {
                Some((_, patterns)) => patterns.push(&line.pattern),
                None => subnets.push((subnet, vec![&line.pattern])),
            }
        }
    }
    let mut chosen: Vec<(String, ZoneId)> = Vec::new();
    for (subnet, patterns) in subnets {
        let offered = |zone: &ZoneId| {
            patterns
                .iter()
                .filter(|pattern| {
                    region.pools().iter().any(|p| {
                        &p.zone == zone
                            && p.platform == request.platform
                            && wildcard_match(pattern, p.instance_type.as_str())
                    })
                })
                .count()
        };
        let free: Vec<&ZoneId> = allowed
            .iter()
            .filter(|z| chosen.iter().all(|(_, taken)| taken != *z))
            .collect();
        let pool: Vec<&ZoneId> = if free.is_empty() {
            allowed.iter().collect()
        } else {
            free
        };
        // Most overrides offered first; `BTreeSet` order makes ties go to the lower AZ ID.
        let best = pool.into_iter().map(|zone| (offered(zone), zone)).fold(
            None::<(usize, &ZoneId)>,
            |best, (n, zone)| match best {
                Some((m, _)) if m >= n => best,
                _ => Some((n, zone)),
            },
        );
        if let Some((_, zone)) = best {
            chosen.push((subnet.to_owned(), zone.clone()));
        }
    }
    chosen
}

/// The note a plan carries for each subnet [`subnet_zones`] placed: the subnet was not
/// resolved, its overrides are one AZ, and which AZ fleetopt assumed.
pub fn subnet_zones_note(region: &Region, request: &FleetRequest) -> Vec<String> {
    let Ok(allowed) = allowed_zones(region, request) else {
        return Vec::new();
    };
    subnet_zones(region, request, &allowed)
        .into_iter()
        .map(|(subnet, zone)| {
            let lines: Vec<String> = request
                .candidates
                .overrides
                .iter()
                .enumerate()
                .filter(|(_, o)| o.zone == Some(ZoneRef::Subnet(subnet.clone())))
                .map(|(index, _)| request.candidates.override_field(index))
                .collect();
            format!(
                "subnet {subnet} was not resolved to an AZ (no --subnets): AWS launches a subnet's \
                 instances in its one AZ, so its {} override(s) ({}) are planned in one AZ, and \
                 fleetopt assumes {zone} (the allowed AZ offering the most of them, lowest AZ ID \
                 on ties, another subnet's AZ only when none is left); give aws ec2 \
                 describe-subnets output with --subnets to plan in the subnet's own AZ",
                lines.len(),
                lines.join(", ")
            )
        })
        .collect()
}

/// Resolves a request's candidates against a catalogue.
pub fn resolve<'c>(
    catalog: &'c Catalog,
    request: &FleetRequest,
) -> Result<CandidateSet<'c>, CandidateError> {
    let region = region_of(catalog, request)?;
    let allowed_zones = allowed_zones(region, request)?;
    let subnet_zone: BTreeMap<String, ZoneId> = subnet_zones(region, request, &allowed_zones)
        .into_iter()
        .collect();
    let offered: BTreeSet<&TypeName> = region.offered_types();

    // Matching is patterns × offered types: the pattern count is bounded before any matching.
    if request.candidates.overrides.len() > MAX_OVERRIDES {
        return Err(error(
            request.candidates.override_field(MAX_OVERRIDES),
            CandidateProblem::TooManyOverrides {
                found: request.candidates.overrides.len(),
            },
        ));
    }
    // (type, zone restriction) → (override index, override) in request order; first wins.
    let mut chosen: BTreeMap<&TypeName, Vec<(Option<ZoneId>, usize)>> = BTreeMap::new();
    // The (type, zone) pairs named exactly (no wildcard) so far: a repeat is AWS's duplicate
    // pool, found in one lookup rather than a scan of every earlier override.
    let mut exact: BTreeSet<(&TypeName, Option<ZoneId>)> = BTreeSet::new();
    for (index, line) in request.candidates.overrides.iter().enumerate() {
        let field = request.candidates.override_field(index);
        let zone = match &line.zone {
            Some(ZoneRef::Subnet(subnet)) => subnet_zone.get(subnet).cloned(),
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
            let duplicate = !line.pattern.contains('*') && !exact.insert((name, zone.clone()));
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
    // The markets price protection allows each requirements-matched type in, over every
    // requirements set that matched it (each set has its own thresholds).
    let mut protected_markets: BTreeMap<&TypeName, BTreeSet<Market>> = BTreeMap::new();
    let mut exclusions: BTreeMap<(Market, TypeName), select::PriceExclusion> = BTreeMap::new();
    let basis = request.target.unit.price_basis();
    let mut matched_per_set: Vec<(String, BTreeSet<&TypeName>)> = Vec::new();
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
        // AWS forms: sets under one launch template must not overlap (aws-semantics §1.10).
        let field = request.candidates.requirements_field(index);
        let names: BTreeSet<&TypeName> = found.iter().map(|t| &t.name).collect();
        if let Some(template) = launch_template_of(&field) {
            for (other, other_names) in &matched_per_set {
                if launch_template_of(other) == Some(template)
                    && let Some(example) = names.intersection(other_names).next()
                {
                    return Err(error(
                        &field,
                        CandidateProblem::OverlappingRequirements {
                            other: other.clone(),
                            example: (*example).clone(),
                        },
                    ));
                }
            }
        }
        matched_per_set.push((field, names));
        let protection =
            select::price_protection(catalog, region.name().as_str(), &found, requirements, basis);
        for market in [Market::OnDemand, Market::Spot] {
            for name in protection.allowed(market) {
                if let Some(t) = found.iter().find(|t| &t.name == name) {
                    protected_markets.entry(&t.name).or_default().insert(market);
                }
            }
        }
        for exclusion in protection.excluded() {
            exclusions
                .entry((exclusion.market, exclusion.instance_type.clone()))
                .or_insert_with(|| exclusion.clone());
        }
        by_requirements.extend(found.into_iter().map(|t| &t.name));
    }
    // A type allowed in a market by one set is a candidate there, whatever another set says.
    exclusions.retain(|(market, name), _| {
        !protected_markets
            .get(name)
            .is_some_and(|markets| markets.contains(market))
    });
    if request.candidates.overrides.is_empty() && request.candidates.requirements.is_empty() {
        // No candidates given: every type AWS attribute-based selection would allow by default.
        let defaults = select::Requirements::default();
        by_requirements.extend(
            select::select(catalog, Some(region.name().as_str()), &defaults)
                .into_iter()
                .map(|t| &t.name),
        );
    }

    let excluded: BTreeSet<(Market, &TypeName)> = exclusions
        .keys()
        .map(|(market, name)| (*market, name))
        .collect();
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
        if override_index.is_none() && excluded.contains(&(pool.market, &pool.instance_type)) {
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
        price_protected: exclusions.into_values().collect(),
    })
}

/// The launch template an AWS form's `InstanceRequirements` path sits under
/// (`LaunchTemplateConfigs[0]` of `LaunchTemplateConfigs[0].Overrides[1].InstanceRequirements`);
/// `None` for native requests, whose sets may overlap (their union is the candidates).
fn launch_template_of(field: &str) -> Option<&str> {
    field
        .split_once(".Overrides[")
        .map(|(template, _)| template)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use fleetopt_instances::Market;
    use fleetopt_instances::select::{Requirements, U32Range, U64Range};

    use super::resolve;
    use crate::request::{CapacityUnit, TypeOverride};
    use crate::test_support::{catalog, itype, request};

    const AZ: &str = "use1-az1";

    /// c5.large's Spot price is the baseline; m5.large's is 2/3 above it, r5.large's 5 % above.
    fn priced() -> fleetopt_instances::Catalog {
        catalog(
            vec![
                itype("c5.large", 2, 4096),
                itype("m5.large", 2, 8192),
                itype("r5.large", 2, 16384),
            ],
            &[
                ("c5.large", AZ, Market::OnDemand, 0.085, None),
                ("c5.large", AZ, Market::Spot, 0.030, Some(1)),
                ("m5.large", AZ, Market::OnDemand, 0.096, None),
                ("m5.large", AZ, Market::Spot, 0.050, Some(0)),
                ("r5.large", AZ, Market::OnDemand, 0.126, None),
                ("r5.large", AZ, Market::Spot, 0.0315, Some(0)),
            ],
        )
    }

    fn abs(spot_percent: Option<u32>) -> Requirements {
        Requirements {
            vcpus: U32Range {
                min: Some(2),
                max: None,
            },
            memory_mib: U64Range {
                min: Some(0),
                max: None,
            },
            spot_max_price_percentage_over_lowest_price: spot_percent,
            ..Requirements::default()
        }
    }

    fn spot_types(set: &super::CandidateSet<'_>) -> Vec<String> {
        set.market(Market::Spot)
            .map(|p| p.pool.instance_type.to_string())
            .collect()
    }

    #[test]
    fn price_protection_drops_spot_types_above_the_threshold() {
        let cat = priced();
        let mut r = request(10.0);
        r.target.unit = CapacityUnit::Vcpu;
        r.candidates.requirements = vec![abs(Some(10))];
        let set = resolve(&cat, &r).unwrap();
        // Threshold 0.030 × 1.10 = 0.033 per instance-hour, 0.0165 per vCPU-hour: m5.large
        // (0.025 per vCPU-hour) is out of Spot, r5.large (0.01575) stays.
        assert_eq!(spot_types(&set), ["c5.large", "r5.large"]);
        // On-Demand: default 20 % over c5.large's 0.0425 per vCPU-hour = 0.051; r5.large
        // (0.063) is out, m5.large (0.048) stays.
        let od: Vec<String> = set
            .market(Market::OnDemand)
            .map(|p| p.pool.instance_type.to_string())
            .collect();
        assert_eq!(od, ["c5.large", "m5.large"]);
        let note = set.price_protection_note().unwrap();
        assert!(note.contains("2 type/market pair(s)"), "{note}");
        assert!(note.contains("vcpu-hour"), "{note}");
        let plan = crate::aws_mode::emulate(&r, &set);
        assert!(plan.notes.contains(&note));
        assert!(crate::verify::verify(&cat, &r, &plan).is_empty());
    }

    #[test]
    fn price_protection_off_and_overrides_keep_every_type() {
        let cat = priced();
        let mut r = request(10.0);
        r.candidates.requirements = vec![abs(Some(999_999))];
        let set = resolve(&cat, &r).unwrap();
        assert_eq!(spot_types(&set), ["c5.large", "m5.large", "r5.large"]);
        // On-Demand keeps AWS's default 20 %: r5.large (0.126 against 0.085 × 1.2) is out.
        let dropped: Vec<(Market, String)> = set
            .price_protected
            .iter()
            .map(|e| (e.market, e.instance_type.to_string()))
            .collect();
        assert_eq!(dropped, [(Market::OnDemand, "r5.large".to_owned())]);

        // An override names m5.large: price protection only filters what requirements match.
        let mut r = request(10.0);
        r.candidates.requirements = vec![abs(Some(10))];
        r.candidates.overrides = vec![TypeOverride {
            pattern: "m5.large".into(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        }];
        let set = resolve(&cat, &r).unwrap();
        assert!(spot_types(&set).contains(&"m5.large".to_owned()));
    }

    #[test]
    fn the_verifier_rejects_a_type_price_protection_drops() {
        let cat = priced();
        let mut r = request(2.0);
        r.target.unit = CapacityUnit::Vcpu;
        r.candidates.requirements = vec![abs(None)];
        // Without a Spot percentage the default is 100 %: everything is in. Plan m5.large Spot,
        // then tighten the request to 10 % and verify the same plan against it.
        let set = resolve(&cat, &r).unwrap();
        let mut plan = crate::aws_mode::emulate(&r, &set);
        for a in &mut plan.allocations {
            if a.market == Market::Spot {
                a.instance_type = "m5.large".into();
                a.price_per_hour = 0.050;
            }
        }
        r.candidates.requirements = vec![abs(Some(10))];
        let violations = crate::verify::verify(&cat, &r, &plan);
        let text = format!("{violations:?}");
        assert!(
            text.contains("m5.large is not a candidate: spot price"),
            "{text}"
        );
        assert!(text.contains("price-protection threshold"), "{text}");
    }
}
