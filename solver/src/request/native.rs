//! fleetopt's native request format (DESIGN §4): one serde model read from TOML, JSON or YAML.
//!
//! The text is first turned into a [`serde_json::Value`] by [`super::syntax`] (so a NaN, a date
//! or a non-string key is reported with its path), then deserialised through
//! `serde_path_to_error` into private structs that deny unknown fields. Errors therefore always
//! name the field path (`spot.allocation_strategy`, `target.capacity`) and say what was
//! expected and what was found. The checks that serde cannot express (ranges, conflicts,
//! defaults that depend on other fields) follow, in file order, and the first problem found is
//! reported.

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::regions::{region_of_zone_id, region_of_zone_name};
use fleetopt_instances::select::{Requirements, wildcard_match};
use fleetopt_instances::suggest::{self, Case};
use fleetopt_instances::{Platform, RegionName, Tenancy};
use serde::Deserialize;
use serde_json::Value;

use super::checks::{
    check_capacity, check_max_price, check_non_negative, check_positive, check_type_name,
    parse_unit, parse_zone,
};
use super::syntax::{Syntax, describe, from_value, parse_value};
use super::{
    CapacityUnit, Constraints, FleetRequest, MaxPrice, Mode, OnDemandSplit, OnDemandStrategy,
    PlacementSpec, RequestError, RequestSource, SafetyReference, SpotStrategy, TypeOverride,
};
use crate::commitments::ReservationPreference;
use crate::placement::rules::PARTITIONS_PER_AZ;
use crate::risk::HazardModel;

/// Reads a native request.
pub fn read(label: &str, text: &str, syntax: Syntax) -> Result<FleetRequest, RequestError> {
    let value = parse_value(label, text, syntax)?;
    let file: File = from_value(label, "", value)?;
    build(label, file)
}

// ---------------------------------------------------------------------------------------------
// The serde model (private: the public model is `FleetRequest`)

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    region: Option<String>,
    mode: Option<String>,
    platform: Option<String>,
    tenancy: Option<String>,
    balance_zones: Option<bool>,
    target: Option<TargetTable>,
    #[serde(default)]
    candidates: CandidatesTable,
    #[serde(default)]
    spot: SpotTable,
    #[serde(default)]
    on_demand: OnDemandTable,
    #[serde(default)]
    constraints: ConstraintsTable,
    #[serde(default)]
    placement: PlacementTable,
    #[serde(default)]
    risk: RiskTable,
    #[serde(default)]
    solver: SolverTable,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetTable {
    capacity: Option<f64>,
    unit: Option<String>,
    on_demand_base: Option<f64>,
    on_demand_percent_above_base: Option<f64>,
    on_demand_target: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidatesTable {
    instance_types: Option<Vec<String>>,
    requirements: Option<Value>,
    zones: Option<Vec<String>>,
    weights: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpotTable {
    allocation_strategy: Option<String>,
    pools: Option<u32>,
    max_price: Option<f64>,
    max_price_percent_of_on_demand: Option<f64>,
    max_total_price: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OnDemandTable {
    allocation_strategy: Option<String>,
    priorities: Option<Vec<String>>,
    max_total_price: Option<f64>,
    capacity_reservations: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintsTable {
    max_pool_share: Option<f64>,
    max_type_share: Option<f64>,
    max_az_share: Option<f64>,
    min_pools: Option<u32>,
    max_types: Option<u32>,
    single_az: Option<bool>,
    single_type: Option<bool>,
    survive_az_loss: Option<f64>,
    max_overshoot: Option<f64>,
    max_expected_interruptions_per_hour: Option<f64>,
    as_safe_as: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacementTable {
    strategy: Option<String>,
    partitions_per_az: Option<u32>,
    groups: Option<u32>,
    multiple_types: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskTable {
    interruption_loss_hours: Option<f64>,
    monthly_interruption_probability: Option<Vec<f64>>,
    unknown_bucket_probability: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SolverTable {
    time_limit_seconds: Option<f64>,
    mip_gap: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// File → FleetRequest

fn build(label: &str, file: File) -> Result<FleetRequest, RequestError> {
    let region = match file.region.as_deref().map(str::trim) {
        None => {
            return Err(RequestError::new(
                label,
                "region",
                "required: the AWS region to plan in, e.g. region = \"us-east-1\"",
            ));
        }
        Some(region) => check_region(label, region)?,
    };

    let mode = match file.mode.as_deref() {
        None | Some("optimal") => Mode::Optimal,
        Some("aws") => Mode::Aws,
        Some(other) => {
            return Err(RequestError::new(
                label,
                "mode",
                format!("expected `optimal` or `aws`, found `{other}`"),
            ));
        }
    };

    let target = file.target.unwrap_or_default();
    let Some(capacity) = target.capacity else {
        return Err(RequestError::new(
            label,
            "target.capacity",
            "required: the total capacity to plan for (a number > 0)",
        ));
    };
    let capacity = check_capacity(label, "target.capacity", capacity)?;
    let mut request = FleetRequest::new(region.as_str(), capacity, mode);
    request.region = Some(region);
    request.source = RequestSource::Native;

    if let Some(platform) = &file.platform {
        request.platform = Platform::parse(platform).ok_or_else(|| {
            RequestError::new(
                label,
                "platform",
                format!(
                    "unknown platform `{platform}`; expected one of {}",
                    Platform::ALL.map(Platform::as_str).join(", ")
                ),
            )
        })?;
    }
    // Shared (`default`) and Dedicated Instances are priced from the catalogue (Dedicated
    // prices come from a Price List, `crate::tenancy`). A Dedicated Host is billed per host,
    // whatever runs on it, which no per-instance plan can price, so it is refused rather than
    // planned at instance rates.
    match file.tenancy.as_deref().map(Tenancy::parse) {
        None => {}
        Some(Some(tenancy @ (Tenancy::Default | Tenancy::Dedicated))) => {
            request.tenancy = tenancy;
        }
        Some(Some(Tenancy::Host)) => {
            return Err(RequestError::new(
                label,
                "tenancy",
                "tenancy `host`: a Dedicated Host is billed per host, not per instance, and \
                 fleetopt plans instances; use `dedicated` (Dedicated Instances) or `default`"
                    .to_owned(),
            ));
        }
        Some(None) => {
            let names: Vec<&str> = Tenancy::ALL.iter().map(|t| t.as_str()).collect();
            return Err(RequestError::new(
                label,
                "tenancy",
                format!(
                    "unknown tenancy `{}`; expected one of {}",
                    file.tenancy.as_deref().unwrap_or_default(),
                    names.join(", ")
                ),
            ));
        }
    }
    request.balance_zones = file.balance_zones.unwrap_or(false);

    // [target]
    if let Some(unit) = &target.unit {
        request.target.unit = parse_unit(label, "target.unit", unit)?;
    }
    request.target.on_demand = on_demand_split(label, &target, capacity)?;

    // [candidates]
    let candidates = file.candidates;
    let mut patterns = Vec::new();
    if let Some(types) = candidates.instance_types {
        if types.is_empty() {
            return Err(RequestError::new(
                label,
                "candidates.instance_types",
                "expected at least one instance type or pattern, found an empty list (omit the key to allow every type)",
            ));
        }
        for (i, pattern) in types.iter().enumerate() {
            check_type_name(
                label,
                &format!("candidates.instance_types[{i}]"),
                pattern,
                true,
            )?;
        }
        patterns = types;
    }
    if let Some(value) = candidates.requirements {
        request.candidates.requirements = read_requirements(label, value)?;
    }
    if let Some(zones) = candidates.zones {
        for (i, zone) in zones.iter().enumerate() {
            let field = format!("candidates.zones[{i}]");
            let zone = parse_zone(label, &field, zone)?;
            if request.candidates.zones.contains(&zone) {
                return Err(RequestError::new(
                    label,
                    field,
                    format!("`{zone}` is listed twice"),
                ));
            }
            request.candidates.zones.push(zone);
        }
    }
    if let Some(weights) = candidates.weights {
        if request.target.unit != CapacityUnit::Units && !weights.is_empty() {
            return Err(RequestError::new(
                label,
                "candidates.weights",
                format!(
                    "weights apply only with target.unit = \"units\"; with unit `{}` each \
                     instance counts as its {}",
                    request.target.unit,
                    if request.target.unit == CapacityUnit::Vcpu {
                        "vCPUs"
                    } else {
                        "memory in MiB"
                    }
                ),
            ));
        }
        for (pattern, weight) in weights {
            let field = format!("candidates.weights.{pattern}");
            check_type_name(label, &field, &pattern, true)?;
            check_positive(label, &field, weight)?;
            request.candidates.weights.insert(pattern, weight);
        }
    }

    // [spot]
    let spot = file.spot;
    if let Some(strategy) = &spot.allocation_strategy {
        request.spot.strategy = SpotStrategy::parse(strategy)
            .map_err(|e| RequestError::new(label, "spot.allocation_strategy", e))?;
    }
    if let Some(pools) = spot.pools {
        if pools == 0 {
            return Err(RequestError::new(
                label,
                "spot.pools",
                "expected at least 1 pool, found 0",
            ));
        }
        if request.spot.strategy != SpotStrategy::LowestPrice {
            return Err(RequestError::new(
                label,
                "spot.pools",
                format!(
                    "pools (InstancePoolsToUseCount) applies only with allocation_strategy \
                     lowestPrice, not {}",
                    request.spot.strategy
                ),
            ));
        }
        request.spot.pools = Some(pools);
    }
    match (spot.max_price, spot.max_price_percent_of_on_demand) {
        (Some(_), Some(_)) => {
            return Err(RequestError::new(
                label,
                "spot.max_price_percent_of_on_demand",
                "conflicts with spot.max_price; give one spot max price, absolute or as a percent of On-Demand",
            ));
        }
        (Some(price), None) => {
            request.spot.max_price = Some(MaxPrice::PerHour(check_max_price(
                label,
                "spot.max_price",
                price,
            )?));
        }
        (None, Some(percent)) => {
            request.spot.max_price = Some(MaxPrice::PercentOfOnDemand(check_positive(
                label,
                "spot.max_price_percent_of_on_demand",
                percent,
            )?));
        }
        (None, None) => {}
    }
    if let Some(budget) = spot.max_total_price {
        request.spot.max_total_price = Some(check_positive(label, "spot.max_total_price", budget)?);
    }

    // [on_demand]
    let on_demand = file.on_demand;
    if let Some(strategy) = &on_demand.allocation_strategy {
        request.on_demand.strategy = OnDemandStrategy::parse(strategy)
            .map_err(|e| RequestError::new(label, "on_demand.allocation_strategy", e))?;
    }
    if let Some(budget) = on_demand.max_total_price {
        request.on_demand.max_total_price =
            Some(check_positive(label, "on_demand.max_total_price", budget)?);
    }
    if let Some(preference) = &on_demand.capacity_reservations {
        request.on_demand.capacity_reservations = ReservationPreference::parse(preference)
            .ok_or_else(|| {
                let spellings: Vec<&str> = ReservationPreference::ALL
                    .iter()
                    .map(|p| p.as_str())
                    .collect();
                RequestError::new(
                    label,
                    "on_demand.capacity_reservations",
                    format!(
                        "unknown Capacity Reservation preference `{}`; expected one of {}",
                        fleetopt_instances::escape::escape_controls(preference),
                        spellings.join(", ")
                    ),
                )
            })?;
    }
    let priorities = on_demand.priorities.unwrap_or_default();
    request.candidates.overrides = overrides_with_priorities(
        label,
        &patterns,
        &priorities,
        !request.candidates.requirements.is_empty(),
    )?;
    if !priorities.is_empty()
        && request.on_demand.strategy != OnDemandStrategy::Prioritized
        && request.spot.strategy != SpotStrategy::CapacityOptimizedPrioritized
    {
        request.notes.push(
            "on_demand.priorities are used only by the On-Demand strategy prioritized and the \
             spot strategy capacityOptimizedPrioritized; neither is selected"
                .to_owned(),
        );
    }

    request.constraints = constraints(label, file.constraints)?;
    request.placement = placement(label, file.placement)?;

    // [risk]
    let risk = file.risk;
    if let Some(hours) = risk.interruption_loss_hours {
        request.risk.interruption_loss_hours =
            check_non_negative(label, "risk.interruption_loss_hours", hours)?;
    }
    match (
        risk.monthly_interruption_probability,
        risk.unknown_bucket_probability,
    ) {
        (Some(buckets), unknown) => {
            let monthly: [f64; 5] = buckets.as_slice().try_into().map_err(|_| {
                RequestError::new(
                    label,
                    "risk.monthly_interruption_probability",
                    format!(
                        "expected 5 probabilities (Spot Advisor buckets 0..=4), found {}",
                        buckets.len()
                    ),
                )
            })?;
            // Unknown buckets default to the worst known one, as HazardModel's default does.
            let unknown = unknown.unwrap_or_else(|| monthly.iter().copied().fold(0.0, f64::max));
            request.risk.hazard = HazardModel {
                monthly_probability: monthly,
                unknown_bucket_probability: unknown,
            };
        }
        (None, Some(unknown)) => request.risk.hazard.unknown_bucket_probability = unknown,
        (None, None) => {}
    }
    request
        .risk
        .hazard
        .validate()
        .map_err(|e| RequestError::new(label, "risk.monthly_interruption_probability", e))?;

    // [solver]
    if let Some(seconds) = file.solver.time_limit_seconds {
        request.solver.time_limit_seconds =
            check_positive(label, "solver.time_limit_seconds", seconds)?;
    }
    if let Some(gap) = file.solver.mip_gap {
        request.solver.mip_gap = check_non_negative(label, "solver.mip_gap", gap)?;
    }
    Ok(request)
}

fn check_region(label: &str, region: &str) -> Result<RegionName, RequestError> {
    let hint = region_of_zone_name(region)
        .or_else(|| region_of_zone_id(region))
        .filter(|r| *r != region);
    if let Some(hint) = hint {
        return Err(RequestError::new(
            label,
            "region",
            format!("`{region}` is an Availability Zone, not a region; did you mean `{hint}`?"),
        ));
    }
    let well_formed = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed {
        return Err(RequestError::new(
            label,
            "region",
            format!("expected a region code such as `us-east-1`, found `{region}`"),
        ));
    }
    Ok(RegionName::new(region))
}

fn on_demand_split(
    label: &str,
    target: &TargetTable,
    capacity: f64,
) -> Result<OnDemandSplit, RequestError> {
    let asg_style =
        target.on_demand_base.is_some() || target.on_demand_percent_above_base.is_some();
    if let Some(on_demand) = target.on_demand_target {
        if asg_style {
            return Err(RequestError::new(
                label,
                "target.on_demand_target",
                "conflicts with target.on_demand_base / target.on_demand_percent_above_base; \
                 give either on_demand_target or the ASG-style base and percent",
            ));
        }
        let on_demand = check_non_negative(label, "target.on_demand_target", on_demand)?;
        if on_demand > capacity {
            return Err(RequestError::new(
                label,
                "target.on_demand_target",
                format!("{on_demand} exceeds target.capacity {capacity}"),
            ));
        }
        return Ok(OnDemandSplit::Target(on_demand));
    }
    if !asg_style {
        return Ok(OnDemandSplit::Target(0.0));
    }
    let base = check_non_negative(
        label,
        "target.on_demand_base",
        target.on_demand_base.unwrap_or(0.0),
    )?;
    if base > capacity {
        return Err(RequestError::new(
            label,
            "target.on_demand_base",
            format!("{base} exceeds target.capacity {capacity}"),
        ));
    }
    let percent = target.on_demand_percent_above_base.unwrap_or(100.0);
    if !(percent.is_finite() && (0.0..=100.0).contains(&percent)) {
        return Err(RequestError::new(
            label,
            "target.on_demand_percent_above_base",
            format!("expected a percentage in 0..=100, found {percent}"),
        ));
    }
    Ok(OnDemandSplit::BasePlusPercent {
        base,
        percent_above_base: percent,
    })
}

fn read_requirements(label: &str, value: Value) -> Result<Vec<Requirements>, RequestError> {
    const FIELD: &str = "candidates.requirements";
    let items: Vec<(String, Value)> = match value {
        Value::Array(items) if items.is_empty() => {
            return Err(RequestError::new(
                label,
                FIELD,
                "expected a table or a non-empty list of tables, found an empty list",
            ));
        }
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| (format!("{FIELD}[{i}]"), item))
            .collect(),
        Value::Object(_) => vec![(FIELD.to_owned(), value)],
        other => {
            return Err(RequestError::new(
                label,
                FIELD,
                format!(
                    "expected a table of instance requirements or a list of them, found {}",
                    describe(&other)
                ),
            ));
        }
    };
    let mut all = Vec::new();
    for (field, item) in items {
        if !item.is_object() {
            return Err(RequestError::new(
                label,
                field,
                format!(
                    "expected a table of instance requirements, found {}",
                    describe(&item)
                ),
            ));
        }
        let requirements: Requirements = from_value(label, &field, item)?;
        requirements
            .validate()
            .map_err(|e| RequestError::new(label, FIELD, e))?;
        all.push(requirements);
    }
    Ok(all)
}

/// The candidate overrides: one `{pattern: type, priority: i}` per listed priority (first =
/// highest, i = 0), placed before the plain patterns so candidate resolution (first matching
/// override wins) gives each listed type its priority; a plain pattern equal to a listed type is
/// folded into that type's override (AWS rejects an exact type listed twice).
fn overrides_with_priorities(
    label: &str,
    patterns: &[String],
    priorities: &[String],
    have_requirements: bool,
) -> Result<Vec<TypeOverride>, RequestError> {
    let plain = |pattern: &str, priority: Option<f64>| TypeOverride {
        pattern: pattern.to_owned(),
        zone: None,
        weight: None,
        priority,
        max_price: None,
    };
    let mut overrides = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, name) in priorities.iter().enumerate() {
        let field = format!("on_demand.priorities[{i}]");
        check_type_name(label, &field, name, false)?;
        if !seen.insert(name.as_str()) {
            return Err(RequestError::new(
                label,
                field,
                format!("`{name}` is listed twice"),
            ));
        }
        if patterns.is_empty() && !have_requirements {
            return Err(RequestError::new(
                label,
                field,
                "priorities need candidates: list candidates.instance_types (or requirements)",
            ));
        }
        if !have_requirements && !patterns.iter().any(|p| wildcard_match(p, name)) {
            return Err(RequestError::new(
                label,
                field,
                format!(
                    "`{name}` matches none of candidates.instance_types ({})",
                    patterns.join(", ")
                ),
            ));
        }
        let priority = u32::try_from(i).map_or(f64::MAX, f64::from);
        overrides.push(plain(name, Some(priority)));
    }
    overrides.extend(
        patterns
            .iter()
            .filter(|p| !seen.contains(p.as_str()))
            .map(|p| plain(p, None)),
    );
    Ok(overrides)
}

fn share(label: &str, field: &str, value: Option<f64>) -> Result<Option<f64>, RequestError> {
    value
        .map(|v| {
            if v.is_finite() && v > 0.0 && v <= 1.0 {
                Ok(v)
            } else {
                Err(RequestError::new(
                    label,
                    field,
                    format!("expected a share in (0, 1], found {v}"),
                ))
            }
        })
        .transpose()
}

fn count(label: &str, field: &str, value: Option<u32>) -> Result<Option<u32>, RequestError> {
    match value {
        Some(0) => Err(RequestError::new(
            label,
            field,
            "expected a count ≥ 1, found 0",
        )),
        other => Ok(other),
    }
}

fn constraints(label: &str, table: ConstraintsTable) -> Result<Constraints, RequestError> {
    let survive_az_loss = table
        .survive_az_loss
        .map(|v| {
            if v.is_finite() && v > 0.0 && v < 1.0 {
                Ok(v)
            } else {
                Err(RequestError::new(
                    label,
                    "constraints.survive_az_loss",
                    format!("expected a share in (0, 1), found {v}"),
                ))
            }
        })
        .transpose()?;
    let single_az = table.single_az.unwrap_or(false);
    if single_az && survive_az_loss.is_some() {
        return Err(RequestError::new(
            label,
            "constraints.survive_az_loss",
            "conflicts with constraints.single_az = true: a fleet in one AZ cannot survive losing it",
        ));
    }
    Ok(Constraints {
        max_pool_share: share(label, "constraints.max_pool_share", table.max_pool_share)?,
        max_type_share: share(label, "constraints.max_type_share", table.max_type_share)?,
        max_az_share: share(label, "constraints.max_az_share", table.max_az_share)?,
        min_pools: count(label, "constraints.min_pools", table.min_pools)?,
        max_types: count(label, "constraints.max_types", table.max_types)?,
        single_az,
        single_type: table.single_type.unwrap_or(false),
        survive_az_loss,
        max_overshoot: table
            .max_overshoot
            .map(|v| check_non_negative(label, "constraints.max_overshoot", v))
            .transpose()?,
        max_expected_interruptions_per_hour: table
            .max_expected_interruptions_per_hour
            .map(|v| {
                check_non_negative(label, "constraints.max_expected_interruptions_per_hour", v)
            })
            .transpose()?,
        as_safe_as: table
            .as_safe_as
            .map(|text| safety_reference(label, &text))
            .transpose()?,
    })
}

/// `constraints.as_safe_as`: `aws` or `none`, with a suggestion for a misspelling.
fn safety_reference(label: &str, text: &str) -> Result<SafetyReference, RequestError> {
    let valid = SafetyReference::ALL;
    if let Some(found) = valid.iter().find(|v| v.as_str() == text.trim()) {
        return Ok(*found);
    }
    let closest = suggest::closest(text, valid.iter().map(|v| v.as_str()), Case::Ignored, 2);
    let hint = closest.map_or(String::new(), |name| format!("; did you mean `{name}`?"));
    let listed: Vec<&str> = valid.iter().map(|v| v.as_str()).collect();
    Err(RequestError::new(
        label,
        "constraints.as_safe_as",
        format!(
            "unknown safety reference `{text}`{hint} (expected one of {})",
            listed.join(", ")
        ),
    ))
}

fn placement(label: &str, table: PlacementTable) -> Result<PlacementSpec, RequestError> {
    let strategy = table.strategy.as_deref().unwrap_or("none");
    let forbid = |present: bool, key: &str, only: &str| {
        if present {
            Err(RequestError::new(
                label,
                format!("placement.{key}"),
                format!("applies only with placement.strategy = \"{only}\", not \"{strategy}\""),
            ))
        } else {
            Ok(())
        }
    };
    let spec = match strategy {
        "none" => PlacementSpec::None,
        "cluster" => PlacementSpec::Cluster {
            multiple_types: table.multiple_types.unwrap_or(false),
        },
        "spread" => PlacementSpec::Spread {
            groups: count(label, "placement.groups", table.groups)?,
        },
        "partition" => {
            let (least, most) = (PARTITIONS_PER_AZ.start(), PARTITIONS_PER_AZ.end());
            let Some(partitions) = table.partitions_per_az else {
                return Err(RequestError::new(
                    label,
                    "placement.partitions_per_az",
                    format!("required with placement.strategy = \"partition\" ({least}..={most})"),
                ));
            };
            if !PARTITIONS_PER_AZ.contains(&partitions) {
                return Err(RequestError::new(
                    label,
                    "placement.partitions_per_az",
                    format!("expected {least}..={most} partitions per AZ, found {partitions}"),
                ));
            }
            PlacementSpec::Partition {
                partitions_per_az: partitions,
            }
        }
        other => {
            return Err(RequestError::new(
                label,
                "placement.strategy",
                format!("expected none, cluster, spread or partition, found `{other}`"),
            ));
        }
    };
    forbid(
        table.partitions_per_az.is_some() && strategy != "partition",
        "partitions_per_az",
        "partition",
    )?;
    forbid(
        table.groups.is_some() && strategy != "spread",
        "groups",
        "spread",
    )?;
    forbid(
        table.multiple_types.is_some() && strategy != "cluster",
        "multiple_types",
        "cluster",
    )?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::Market;
    use fleetopt_instances::select::{Inclusion, U32Range, U64Range};

    use fleetopt_instances::ZoneId;

    use super::*;
    use crate::request::{
        Candidates, OnDemandOptions, RiskOptions, SolverOptions, SpotOptions, Target, ZoneRef,
    };

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../fixtures/requests/native/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn toml(text: &str) -> Result<FleetRequest, RequestError> {
        read("req.toml", text, Syntax::Toml)
    }

    /// A minimal valid request with `extra` appended (TOML).
    fn with(extra: &str) -> Result<FleetRequest, RequestError> {
        toml(&format!(
            "region = \"us-east-1\"\n[target]\ncapacity = 10\n{extra}"
        ))
    }

    fn error(result: Result<FleetRequest, RequestError>) -> String {
        match result {
            Ok(request) => panic!("expected an error, got {request:#?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn shared_and_dedicated_tenancy_are_read_and_hosts_refused() {
        let tenancy = |t: &str| {
            toml(&format!(
                "region = \"us-east-1\"\ntenancy = \"{t}\"\n[target]\ncapacity = 10\n"
            ))
        };
        assert_eq!(tenancy("default").unwrap().tenancy, Tenancy::Default);
        assert_eq!(tenancy("dedicated").unwrap().tenancy, Tenancy::Dedicated);
        assert_eq!(
            error(tenancy("host")),
            "req.toml: tenancy: tenancy `host`: a Dedicated Host is billed per host, not per \
             instance, and fleetopt plans instances; use `dedicated` (Dedicated Instances) or \
             `default`"
        );
        assert_eq!(
            error(tenancy("shared")),
            "req.toml: tenancy: unknown tenancy `shared`; expected one of default, dedicated, host"
        );
    }

    fn plain(pattern: &str) -> TypeOverride {
        TypeOverride {
            pattern: pattern.to_owned(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        }
    }

    #[test]
    fn design_example_means_what_its_comments_say() {
        let request = toml(&fixture("design-example.toml")).unwrap();
        let expected = FleetRequest {
            region: Some(RegionName::new("us-east-1")),
            mode: Mode::Optimal,
            platform: Platform::LinuxUnix,
            target: Target {
                capacity: 400.0,
                unit: CapacityUnit::Vcpu,
                on_demand: OnDemandSplit::BasePlusPercent {
                    base: 0.0,
                    percent_above_base: 20.0,
                },
                default_market: Market::Spot,
            },
            candidates: Candidates {
                overrides: vec![plain("m6i.*"), plain("m7g.*"), plain("c7g.2xlarge")],
                requirements: vec![],
                zones: vec![
                    ZoneRef::Id(ZoneId::new("use1-az1")),
                    ZoneRef::Id(ZoneId::new("use1-az2")),
                    ZoneRef::Id(ZoneId::new("use1-az4")),
                ],
                weights: BTreeMap::new(),
                sources: Default::default(),
            },
            spot: SpotOptions {
                strategy: SpotStrategy::PriceCapacityOptimized,
                pools: None,
                max_price: Some(MaxPrice::PercentOfOnDemand(100.0)),
                max_total_price: None,
                min_target_capacity: None,
            },
            on_demand: OnDemandOptions {
                strategy: OnDemandStrategy::LowestPrice,
                max_total_price: None,
                min_target_capacity: None,
                capacity_reservations: ReservationPreference::Open,
            },
            constraints: Constraints {
                max_pool_share: Some(0.25),
                survive_az_loss: Some(0.6),
                ..Constraints::default()
            },
            placement: PlacementSpec::Partition {
                partitions_per_az: 3,
            },
            risk: RiskOptions {
                interruption_loss_hours: 1.0,
                hazard: HazardModel::default(),
            },
            solver: SolverOptions {
                time_limit_seconds: 10.0,
                mip_gap: 0.0,
                cost_ties: crate::request::CostTies::ExpectedInterruptions,
            },
            balance_zones: false,
            source: RequestSource::Native,
            notes: vec![],
            launch_template: None,
            owned: crate::commitments::Owned::default(),
            tenancy: fleetopt_instances::Tenancy::Default,
        };
        assert_eq!(request, expected);
        // 20% of 400 above a base of 0 is On-Demand.
        assert_eq!(request.on_demand_target(), 80.0);
    }

    #[test]
    fn design_example_is_the_same_in_json_and_yaml() {
        let from_toml = toml(&fixture("design-example.toml")).unwrap();
        let from_json = read("d.json", &fixture("design-example.json"), Syntax::Json).unwrap();
        let from_yaml = read("d.yaml", &fixture("design-example.yaml"), Syntax::Yaml).unwrap();
        assert_eq!(from_json, from_toml);
        assert_eq!(from_yaml, from_toml);
    }

    #[test]
    fn the_commented_out_design_keys_parse_too() {
        let request = with(
            "[candidates]\ninstance_types = [\"m6i.*\", \"m7g.*\", \"c7g.2xlarge\"]\n\
             requirements = { vcpus = { min = 2, max = 16 }, memory_mib = { min = 4096 }, burstable = \"excluded\" }\n\
             weights = { \"c7g.2xlarge\" = 8 }\n\
             [spot]\npools = 2\nmax_price = 0.5\nmax_total_price = 20.0\n\
             [on_demand]\npriorities = [\"m6i.xlarge\", \"m7g.xlarge\"]\nmax_total_price = 10.0\n\
             [constraints]\nmax_type_share = 0.5\nmax_az_share = 0.5\nmin_pools = 4\nmax_types = 6\n\
             single_az = false\nsingle_type = false\nmax_overshoot = 8\n\
             [placement]\nstrategy = \"spread\"\ngroups = 1\n",
        )
        .unwrap();
        assert_eq!(
            request.candidates.requirements,
            vec![Requirements {
                vcpus: U32Range {
                    min: Some(2),
                    max: Some(16)
                },
                memory_mib: U64Range {
                    min: Some(4096),
                    max: None
                },
                burstable: Some(Inclusion::Excluded),
                ..Requirements::default()
            }]
        );
        assert_eq!(request.candidates.weights["c7g.2xlarge"], 8.0);
        assert_eq!(request.spot.pools, Some(2));
        assert_eq!(request.spot.max_price, Some(MaxPrice::PerHour(0.5)));
        assert_eq!(request.spot.max_total_price, Some(20.0));
        assert_eq!(request.on_demand.max_total_price, Some(10.0));
        let priorities: Vec<(&str, Option<f64>)> = request
            .candidates
            .overrides
            .iter()
            .map(|o| (o.pattern.as_str(), o.priority))
            .collect();
        assert_eq!(
            priorities,
            [
                ("m6i.xlarge", Some(0.0)),
                ("m7g.xlarge", Some(1.0)),
                ("m6i.*", None),
                ("m7g.*", None),
                ("c7g.2xlarge", None)
            ]
        );
        assert_eq!(
            request.constraints,
            Constraints {
                max_type_share: Some(0.5),
                max_az_share: Some(0.5),
                min_pools: Some(4),
                max_types: Some(6),
                max_overshoot: Some(8.0),
                ..Constraints::default()
            }
        );
        assert_eq!(request.placement, PlacementSpec::Spread { groups: Some(1) });
        // Priorities without a prioritized strategy are kept, with a note.
        assert_eq!(request.notes.len(), 1);
    }

    #[test]
    fn every_native_fixture_reads_through_format_detection() {
        let dir = format!("{}/../fixtures/requests/native", env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let label = path.display().to_string();
            let request =
                crate::request::read(&label, &text).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(request.source, RequestSource::Native, "{label}");
            count += 1;
        }
        assert!(count >= 9, "only {count} native fixtures");
    }

    #[test]
    fn fixtures_mean_what_their_comments_say() {
        let asg = toml(&fixture("asg-style.toml")).unwrap();
        assert_eq!(
            asg.target.on_demand,
            OnDemandSplit::BasePlusPercent {
                base: 2.0,
                percent_above_base: 50.0
            }
        );
        assert_eq!(asg.on_demand_target(), 6.0);
        assert!(asg.balance_zones);
        assert_eq!(asg.mode, Mode::Aws);
        assert_eq!(asg.on_demand.max_total_price, Some(1.0));

        let pools = toml(&fixture("lowest-price-pools.toml")).unwrap();
        assert_eq!(pools.spot.pools, Some(2));
        assert_eq!(pools.candidates.weights["m5.xlarge"], 2.0);

        let prioritized = toml(&fixture("prioritized.toml")).unwrap();
        assert_eq!(
            prioritized.on_demand.strategy,
            OnDemandStrategy::Prioritized
        );
        assert_eq!(
            prioritized.candidates.overrides,
            vec![
                TypeOverride {
                    priority: Some(0.0),
                    ..plain("m5.large")
                },
                TypeOverride {
                    priority: Some(1.0),
                    ..plain("c5.large")
                },
                plain("m7g.large"),
            ]
        );
        assert!(prioritized.notes.is_empty());

        let zones = read(
            "z.json",
            &fixture("capacity-optimized-zones.json"),
            Syntax::Json,
        )
        .unwrap();
        assert_eq!(
            zones.candidates.zones,
            vec![
                ZoneRef::Id(ZoneId::new("use1-az1")),
                ZoneRef::Name("us-east-1a".to_owned())
            ]
        );
        assert_eq!(
            zones.spot.max_price,
            Some(MaxPrice::PercentOfOnDemand(80.0))
        );

        let vcpu = read(
            "v.yaml",
            &fixture("price-capacity-optimized-vcpu.yaml"),
            Syntax::Yaml,
        )
        .unwrap();
        assert_eq!(vcpu.target.unit, CapacityUnit::Vcpu);
        assert_eq!(vcpu.target.on_demand, OnDemandSplit::Target(16.0));
        assert_eq!(vcpu.spot.strategy, SpotStrategy::PriceCapacityOptimized);
    }

    #[test]
    fn defaults_are_fleet_request_new() {
        let request = with("").unwrap();
        assert_eq!(request, FleetRequest::new("us-east-1", 10.0, Mode::Optimal));
        assert_eq!(request.target.on_demand, OnDemandSplit::Target(0.0));
    }

    #[test]
    fn both_strategy_spellings_are_accepted() {
        for strategy in SpotStrategy::ALL {
            for spelling in [strategy.as_str(), strategy.kebab()] {
                let request =
                    with(&format!("[spot]\nallocation_strategy = \"{spelling}\"\n")).unwrap();
                assert_eq!(request.spot.strategy, strategy, "{spelling}");
            }
        }
        for strategy in OnDemandStrategy::ALL {
            for spelling in [strategy.as_str(), strategy.kebab()] {
                let request = with(&format!(
                    "[on_demand]\nallocation_strategy = \"{spelling}\"\n"
                ))
                .unwrap();
                assert_eq!(request.on_demand.strategy, strategy, "{spelling}");
            }
        }
    }

    #[test]
    fn a_misspelled_strategy_gets_a_suggestion() {
        let message = error(with(
            "[spot]\nallocation_strategy = \"priceCapacityOptimised\"\n",
        ));
        assert!(
            message.starts_with(
                "req.toml: spot.allocation_strategy: unknown spot allocation strategy \
                 `priceCapacityOptimised`; did you mean `priceCapacityOptimized`?"
            ),
            "{message}"
        );
        let message = error(with("[on_demand]\nallocation_strategy = \"prioritised\"\n"));
        assert!(
            message.contains("on_demand.allocation_strategy: unknown on-demand allocation strategy `prioritised`; did you mean `prioritized`?"),
            "{message}"
        );
    }

    #[test]
    fn on_demand_split_forms() {
        let split = |extra: &str| {
            toml(&format!(
                "region = \"us-east-1\"\n[target]\ncapacity = 10\n{extra}"
            ))
            .map(|r| r.target.on_demand)
        };
        assert_eq!(split("").unwrap(), OnDemandSplit::Target(0.0));
        assert_eq!(
            split("on_demand_target = 4").unwrap(),
            OnDemandSplit::Target(4.0)
        );
        assert_eq!(
            split("on_demand_base = 3").unwrap(),
            OnDemandSplit::BasePlusPercent {
                base: 3.0,
                percent_above_base: 100.0
            }
        );
        assert_eq!(
            split("on_demand_percent_above_base = 40").unwrap(),
            OnDemandSplit::BasePlusPercent {
                base: 0.0,
                percent_above_base: 40.0
            }
        );
        assert_eq!(
            error(with("on_demand_target = 4\non_demand_base = 1\n")),
            "req.toml: target.on_demand_target: conflicts with target.on_demand_base / \
             target.on_demand_percent_above_base; give either on_demand_target or the ASG-style \
             base and percent"
        );
        assert_eq!(
            error(with("on_demand_target = 11\n")),
            "req.toml: target.on_demand_target: 11 exceeds target.capacity 10"
        );
        assert_eq!(
            error(with("on_demand_percent_above_base = 101\n")),
            "req.toml: target.on_demand_percent_above_base: expected a percentage in 0..=100, \
             found 101"
        );
        assert!(error(with("on_demand_base = -1\n")).contains("expected a number ≥ 0, found -1"));
    }

    #[test]
    fn exact_error_messages() {
        let cases: &[(&str, &str)] = &[
            (
                "[target]\ncapacity = 5\n",
                "req.toml: region: required: the AWS region to plan in, e.g. region = \"us-east-1\"",
            ),
            (
                "region = \"us-east-1\"\n",
                "req.toml: target.capacity: required: the total capacity to plan for (a number > 0)",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 0\n",
                "req.toml: target.capacity: expected a number > 0, found 0",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 20000000\n",
                "req.toml: target.capacity: expected at most 10000000, found 20000000",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = \"ten\"\n",
                "req.toml: target.capacity: invalid type: string \"ten\", expected a number",
            ),
            (
                "region = \"us-east-1a\"\n[target]\ncapacity = 1\n",
                "req.toml: region: `us-east-1a` is an Availability Zone, not a region; did you mean `us-east-1`?",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\nunit = \"vcpus\"\n",
                "req.toml: target.unit: expected units, vcpu or memory-mib, found `vcpus`",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[constraints]\nmax_pool_share = 1.5\n",
                "req.toml: constraints.max_pool_share: expected a share in (0, 1], found 1.5",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[spot]\npools = 2\nallocation_strategy = \"diversified\"\n",
                "req.toml: spot.pools: pools (InstancePoolsToUseCount) applies only with allocation_strategy lowestPrice, not diversified",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[spot]\nmax_price = 0.5\nmax_price_percent_of_on_demand = 50\n",
                "req.toml: spot.max_price_percent_of_on_demand: conflicts with spot.max_price; give one spot max price, absolute or as a percent of On-Demand",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[spot]\nmax_price = 0.001\n",
                "req.toml: spot.max_price: expected a price above USD 0.001 per hour, found 0.001",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\nunit = \"vcpu\"\n[candidates]\nweights = { \"m5.large\" = 2 }\n",
                "req.toml: candidates.weights: weights apply only with target.unit = \"units\"; with unit `vcpu` each instance counts as its vCPUs",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\nweights = { \"m5.large\" = 0 }\n",
                "req.toml: candidates.weights.m5.large: expected a number > 0, found 0",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\ninstance_types = [\"M5.large\"]\n",
                "req.toml: candidates.instance_types[0]: `M5.large` contains 'M'; instance types use only lowercase letters, digits, `.` and `-` (and the wildcard `*`)",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\nzones = [\"us-east-1\"]\n",
                "req.toml: candidates.zones[0]: expected an Availability Zone ID (`use1-az4`) or name (`us-east-1a`), found `us-east-1`",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\ninstance_types = [\"m5.*\"]\n[on_demand]\npriorities = [\"c5.large\"]\n",
                "req.toml: on_demand.priorities[0]: `c5.large` matches none of candidates.instance_types (m5.*)",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[constraints]\nsingle_az = true\nsurvive_az_loss = 0.5\n",
                "req.toml: constraints.survive_az_loss: conflicts with constraints.single_az = true: a fleet in one AZ cannot survive losing it",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[constraints]\nsurvive_az_loss = 1\n",
                "req.toml: constraints.survive_az_loss: expected a share in (0, 1), found 1",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[placement]\nstrategy = \"partition\"\n",
                "req.toml: placement.partitions_per_az: required with placement.strategy = \"partition\" (1..=7)",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[placement]\nstrategy = \"partition\"\npartitions_per_az = 8\n",
                "req.toml: placement.partitions_per_az: expected 1..=7 partitions per AZ, found 8",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[placement]\nstrategy = \"cluster\"\ngroups = 2\n",
                "req.toml: placement.groups: applies only with placement.strategy = \"spread\", not \"cluster\"",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[placement]\npartitions_per_az = 2\n",
                "req.toml: placement.partitions_per_az: applies only with placement.strategy = \"partition\", not \"none\"",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[risk]\nmonthly_interruption_probability = [0.1, 0.2]\n",
                "req.toml: risk.monthly_interruption_probability: expected 5 probabilities (Spot Advisor buckets 0..=4), found 2",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[risk]\nmonthly_interruption_probability = [0.1, 0.2, 0.3, 0.4, 1.0]\n",
                "req.toml: risk.monthly_interruption_probability: monthly interruption probability for bucket 4 must be in [0, 1), found 1",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[solver]\ntime_limit_seconds = 0\n",
                "req.toml: solver.time_limit_seconds: expected a number > 0, found 0",
            ),
            (
                "region = \"us-east-1\"\nmode = \"fast\"\n[target]\ncapacity = 1\n",
                "req.toml: mode: expected `optimal` or `aws`, found `fast`",
            ),
            (
                "region = \"us-east-1\"\nplatform = \"BSD\"\n[target]\ncapacity = 1\n",
                "req.toml: platform: unknown platform `BSD`; expected one of Linux/UNIX, Windows, Red Hat Enterprise Linux, SUSE Linux",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\nrequirements = { vcpus = { min = 8, max = 2 } }\n",
                "req.toml: candidates.requirements: requirements.vcpus: min 8 is greater than max 2",
            ),
            (
                "region = \"us-east-1\"\ntarget = 5\n",
                "req.toml: target: invalid type: integer `5`, expected a table",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\nzones = \"use1-az1\"\n",
                "req.toml: candidates.zones: invalid type: string \"use1-az1\", expected a list",
            ),
            (
                "region = \"us-east-1\"\n[target]\ncapacity = nan\n",
                "req.toml: target.capacity: expected a finite number, found NaN",
            ),
            (
                "region = \"us-east-1\"\n[target\ncapacity = 3\n",
                "req.toml: invalid TOML at line 2, column 8: unclosed table, expected `]`",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(&error(toml(text)), expected, "input:\n{text}");
        }
    }

    #[test]
    fn unknown_fields_name_their_path() {
        let message = error(with("[spot]\nallocation = \"lowestPrice\"\n"));
        assert!(
            message.starts_with("req.toml: spot.allocation: unknown field `allocation`, expected one of `allocation_strategy`"),
            "{message}"
        );
        let message = error(with("[candidates]\nrequirements = [{ vcpu = 2 }]\n"));
        assert!(
            message.starts_with("req.toml: candidates.requirements[0].vcpu: unknown field `vcpu`"),
            "{message}"
        );
        let message = error(with("colour = \"blue\"\n"));
        assert!(
            message.starts_with("req.toml: target.colour: unknown field"),
            "{message}"
        );
    }

    #[test]
    fn priorities_fold_into_an_exact_type_and_precede_patterns() {
        let request = with(
            "[candidates]\ninstance_types = [\"m5.*\", \"c5.large\"]\n\
             [on_demand]\nallocation_strategy = \"prioritized\"\npriorities = [\"c5.large\", \"m5.xlarge\"]\n",
        )
        .unwrap();
        assert_eq!(
            request.candidates.overrides,
            vec![
                TypeOverride {
                    priority: Some(0.0),
                    ..plain("c5.large")
                },
                TypeOverride {
                    priority: Some(1.0),
                    ..plain("m5.xlarge")
                },
                plain("m5.*"),
            ]
        );
        // With requirements, any type may be prioritised.
        let request = with(
            "[candidates]\nrequirements = { vcpus = { min = 2 } }\n\
             [on_demand]\nallocation_strategy = \"prioritized\"\npriorities = [\"c5.large\"]\n",
        )
        .unwrap();
        assert_eq!(request.candidates.overrides.len(), 1);
        assert!(
            error(with("[on_demand]\npriorities = [\"c5.large\"]\n"))
                .contains("priorities need candidates")
        );
        assert!(
            error(with(
                "[candidates]\ninstance_types = [\"c5.*\"]\n[on_demand]\npriorities = [\"c5.*\"]\n"
            ))
            .contains("expected an instance type name, found the wildcard pattern `c5.*`")
        );
    }

    #[test]
    fn requirements_as_table_or_list_and_zones_by_id_or_name() {
        let one = with("[candidates]\nrequirements = { vcpus = { min = 2 } }\n").unwrap();
        let list = with(
            "[candidates]\nrequirements = [{ vcpus = { min = 2 } }, { VCpuCount = { Min = 4 } }]\n",
        )
        .unwrap();
        assert_eq!(one.candidates.requirements.len(), 1);
        assert_eq!(list.candidates.requirements.len(), 2);
        assert_eq!(list.candidates.requirements[1].vcpus.min, Some(4));
        assert!(
            error(with("[candidates]\nrequirements = 3\n"))
                .contains("candidates.requirements: expected a table of instance requirements or a list of them, found the number 3")
        );
        let zones = with("[candidates]\nzones = [\"use1-az4\", \"us-east-1c\"]\n").unwrap();
        assert_eq!(
            zones.candidates.zones,
            vec![
                ZoneRef::Id(ZoneId::new("use1-az4")),
                ZoneRef::Name("us-east-1c".to_owned())
            ]
        );
    }

    #[test]
    fn risk_hazard_model_and_placement() {
        let request = with(
            "[risk]\ninterruption_loss_hours = 0.5\nmonthly_interruption_probability = [0.01, 0.02, 0.03, 0.04, 0.3]\n\
             [placement]\nstrategy = \"cluster\"\nmultiple_types = true\n",
        )
        .unwrap();
        assert_eq!(request.risk.interruption_loss_hours, 0.5);
        assert_eq!(
            request.risk.hazard,
            HazardModel {
                monthly_probability: [0.01, 0.02, 0.03, 0.04, 0.3],
                unknown_bucket_probability: 0.3,
            }
        );
        assert_eq!(
            request.placement,
            PlacementSpec::Cluster {
                multiple_types: true
            }
        );
        let unknown = with("[risk]\nunknown_bucket_probability = 0.5\n").unwrap();
        assert_eq!(unknown.risk.hazard.unknown_bucket_probability, 0.5);
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            "",
            "{",
            "[",
            "]",
            "=",
            "a = ",
            "region = 1",
            "[[target]]\ncapacity = 1",
            "region: [",
            "- 1\n- 2",
            "{\"region\": null}",
            "null",
            "42",
            "\"str\"",
            "region = \"us-east-1\"\n[target]\ncapacity = 1e308\n",
            "region = \"us-east-1\"\ntarget = 5\n",
            "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\nrequirements = [[]]\n",
            "region = \"us-east-1\"\n[target]\ncapacity = 1\n[candidates]\nrequirements = []\n",
            "\u{feff}region = \"é\"",
        ];
        for input in inputs {
            for syntax in [Syntax::Toml, Syntax::Json, Syntax::Yaml] {
                let _ = read("x", input, syntax);
            }
            let _ = crate::request::read("x", input);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            for syntax in [Syntax::Toml, Syntax::Json, Syntax::Yaml] {
                let _ = read("x", &text, syntax);
            }
        }
    }
}
