//! `asg`: an `aws autoscaling create-auto-scaling-group --cli-input-json` input with a
//! `MixedInstancesPolicy` (aws-semantics §2.3).
//!
//! - **Overrides** are per instance type (ASG overrides name no AZ), in priority order: ASG has
//!   no `Priority` member, the order of the list is the priority (§1.7), and it follows the rank
//!   of [`crate::export`]. At most [`super::MAX_ASG_TYPES`] types.
//! - **Weights** are strings `"1"`..`"999"` and every override has one (§1.5). A `units` or
//!   `vcpu` plan uses its weights (vCPUs per instance); a `memory-mib` plan is stated in GiB
//!   (MiB weights exceed 999), so weights and capacities are divided by 1024 (rounded up),
//!   with a note. A weight that is not a whole number in range is an error.
//! - **Capacity**: `DesiredCapacity` = the plan's target; `MinSize`/`MaxSize` default to it (the
//!   plan's size), or come from [`ExportOptions`]. Sizes that do not contain the desired
//!   capacity are refused ([`ExportError::AsgSize`]), never clamped: AWS rejects such a group,
//!   and a clamped one would launch something else than the plan.
//! - **Split**: the request's `OnDemandBaseCapacity` + `OnDemandPercentageAboveBaseCapacity`
//!   when `--request` gives an ASG-style split, else base = the plan's on-demand part and 0 %
//!   above it, which is the same number of on-demand units.
//! - **Strategies**: `OnDemandAllocationStrategy` `prioritized`; `SpotAllocationStrategy` as for
//!   EC2 Fleet, except that ASG has no `diversified` (§2.1), which becomes
//!   `price-capacity-optimized` (AWS's recommendation, §2.4) with a note. `SpotInstancePools`
//!   (per AZ, §2.3) with `lowest-price`: the request's value, else the most spot pools the plan
//!   uses in one AZ (1..=20). ASG has no budget member, so a budget becomes a note.
//! - **Zones**: ASG takes AZ names (`AvailabilityZones`) or subnets (`VPCZoneIdentifier`), and
//!   plans hold AZ IDs; the names come from the catalogue's zones (from
//!   `describe-availability-zones`, account specific). When a name is unknown, the member is
//!   left out with a note to set `VPCZoneIdentifier`.
//! - **Placement**: one placement group → `PlacementGroup`; several are an error.

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::{Catalog, Market, TypeName};
use serde_json::{Map, Value, json};

use super::{Export, ExportError, ExportOptions, Facts, MAX_ASG_TYPES, Target, WeightRule};
use crate::request::{CapacityUnit, OnDemandSplit, SpotStrategy};

pub(crate) fn export(
    mut facts: Facts<'_>,
    catalog: &Catalog,
    options: &ExportOptions,
) -> Result<Export, ExportError> {
    facts.check_weights()?;
    let memory = facts.plan.metrics.unit == CapacityUnit::MemoryMib;
    // ASG capacity units per plan unit.
    let scale = if memory { 1024.0 } else { 1.0 };
    if memory {
        facts.notes.push(
            "the plan is in memory-mib; ASG weights are whole numbers up to 999, so capacity \
             and weights are stated in GiB (MiB / 1024, rounded up)"
                .to_owned(),
        );
    } else {
        facts.note_unit();
    }

    // Types in priority order, each with one weight.
    let mut types: Vec<(TypeName, f64)> = Vec::new();
    for pool in &facts.overrides {
        match types.iter().find(|(t, _)| *t == pool.instance_type) {
            Some((_, weight)) if (weight - pool.weight).abs() > crate::tolerance::WEIGHT => {
                return Err(ExportError::Weight {
                    instance_type: pool.instance_type.clone(),
                    weight: pool.weight,
                    why: WeightRule::OneWeightPerType { other: *weight },
                });
            }
            Some(_) => {}
            None => types.push((pool.instance_type.clone(), pool.weight)),
        }
    }
    if types.len() > MAX_ASG_TYPES {
        return Err(ExportError::TooManyOverrides {
            target: Target::Asg,
            what: "instance types",
            count: types.len(),
            max: MAX_ASG_TYPES,
        });
    }
    let mut overrides = Vec::new();
    for (instance_type, weight) in &types {
        let scaled = weight / scale;
        let whole = if memory { scaled.ceil() } else { scaled };
        if whole.fract() != 0.0 || !(1.0..=999.0).contains(&whole) {
            return Err(ExportError::Weight {
                instance_type: instance_type.clone(),
                weight: scaled,
                why: WeightRule::AsgWhole,
            });
        }
        overrides.push(json!({
            "InstanceType": instance_type,
            "WeightedCapacity": format!("{whole}"),
        }));
    }

    let desired = scaled_up(facts.total, scale);
    let (base, percent) = match facts.request.map(|r| r.target.on_demand) {
        Some(OnDemandSplit::BasePlusPercent {
            base,
            percent_above_base,
        }) => (scaled_up(base.ceil() as u64, scale), percent_above_base),
        _ => (scaled_up(facts.on_demand, scale), 0.0),
    };

    let spot_strategy = match facts.spot_strategy {
        SpotStrategy::Diversified => {
            facts.notes.push(
                "Auto Scaling groups have no diversified strategy (aws-semantics §2.1); \
                 price-capacity-optimized is used instead"
                    .to_owned(),
            );
            SpotStrategy::PriceCapacityOptimized
        }
        other => other,
    };
    facts.note_strategy(spot_strategy.kebab());
    let mut distribution = Map::new();
    distribution.insert("OnDemandBaseCapacity".into(), json!(base));
    distribution.insert(
        "OnDemandPercentageAboveBaseCapacity".into(),
        super::number(percent),
    );
    distribution.insert("OnDemandAllocationStrategy".into(), json!("prioritized"));
    distribution.insert(
        "SpotAllocationStrategy".into(),
        json!(spot_strategy.kebab()),
    );
    if spot_strategy == SpotStrategy::LowestPrice {
        let asked = facts
            .request
            .filter(|r| r.balance_zones)
            .and_then(|r| r.spot.pools);
        let per_az = asked.unwrap_or_else(|| {
            let mut pools: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for a in facts
                .plan
                .allocations
                .iter()
                .filter(|a| a.market == Market::Spot)
            {
                pools
                    .entry(a.availability_zone_id.as_str())
                    .or_default()
                    .insert(a.instance_type.as_str());
            }
            let most = pools.values().map(BTreeSet::len).max().unwrap_or(1);
            u32::try_from(most).unwrap_or(20)
        });
        distribution.insert("SpotInstancePools".into(), json!(per_az.clamp(1, 20)));
    }

    // AWS rejects DesiredCapacity outside MinSize..=MaxSize; refused, never clamped (a clamped
    // group would not launch the plan).
    let (min, max) = (
        options.asg_min_size.unwrap_or(desired),
        options.asg_max_size.unwrap_or(desired),
    );
    if desired < min || desired > max {
        return Err(ExportError::AsgSize { desired, min, max });
    }
    let mut group = Map::new();
    group.insert("AutoScalingGroupName".into(), json!(options.asg_name));
    group.insert("MinSize".into(), json!(min));
    group.insert("MaxSize".into(), json!(max));
    group.insert("DesiredCapacity".into(), json!(desired));
    match zone_names(&facts, catalog) {
        Ok(names) => {
            group.insert("AvailabilityZones".into(), json!(names));
            facts.notes.push(
                "AvailabilityZones are the catalogue's AZ names for the plan's AZ IDs; AZ names \
                 differ per account, so check them (aws ec2 describe-availability-zones) or use \
                 VPCZoneIdentifier subnets in those AZ IDs"
                    .to_owned(),
            );
        }
        Err(missing) => facts.notes.push(format!(
            "the catalogue has no AZ name for {missing}; AvailabilityZones is left out: set \
             VPCZoneIdentifier to subnets in the plan's AZ IDs"
        )),
    }
    group.insert(
        "MixedInstancesPolicy".into(),
        json!({
            "LaunchTemplate": {
                "LaunchTemplateSpecification": super::launch_template(options),
                "Overrides": overrides,
            },
            "InstancesDistribution": distribution,
        }),
    );
    let groups: Vec<&str> = facts.groups().into_iter().collect();
    match groups.as_slice() {
        [] => {}
        [one] => {
            group.insert("PlacementGroup".into(), json!(one));
        }
        _ => {
            return Err(ExportError::SeveralGroups {
                target: Target::Asg,
                count: groups.len(),
                groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            });
        }
    }
    for (market, budget) in [
        ("spot", facts.spot_budget),
        ("on-demand", facts.on_demand_budget),
    ] {
        if let Some(budget) = budget {
            facts.notes.push(format!(
                "Auto Scaling groups have no MaxTotalPrice; the {market} budget of USD \
                 {budget}/h is not carried"
            ));
        }
    }
    facts.notes.push(
        "an Auto Scaling group balances instances across its AZs before applying the \
         allocation strategy and may use every listed type in every listed AZ (aws-semantics \
         §2.3), so its per-pool counts can differ from the plan's"
            .to_owned(),
    );
    Ok(Export {
        document: Value::Object(group),
        notes: facts.notes,
    })
}

/// `value` plan units in ASG units, rounded up.
fn scaled_up(value: u64, scale: f64) -> u64 {
    // Whole numbers far below 2^53, so the float division is exact enough.
    (value as f64 / scale).ceil() as u64
}

/// The AZ names of the plan's zones, in AZ ID order, or the first AZ ID without a name.
fn zone_names(facts: &Facts<'_>, catalog: &Catalog) -> Result<Vec<String>, String> {
    let ids: BTreeSet<&str> = facts
        .plan
        .allocations
        .iter()
        .map(|a| a.availability_zone_id.as_str())
        .collect();
    let region = catalog.region(facts.plan.region.as_str());
    ids.into_iter()
        .map(|id| {
            region
                .and_then(|r| r.zones().find(|z| z.id.as_str() == id))
                .and_then(|z| z.name.clone())
                .ok_or_else(|| id.to_owned())
        })
        .collect()
}
