//! `ec2-fleet`: one `maintain` EC2 Fleet (`aws ec2 create-fleet --cli-input-json`) whose
//! overrides carry the plan's pools (aws-semantics §5.6).
//!
//! - One launch template config; one override per (type, AZ ID) pool with `InstanceType`,
//!   `AvailabilityZoneId`, `WeightedCapacity` (the plan's weight) and `Priority` (the rank of
//!   the module docs of [`crate::export`]), plus `Placement.GroupName` when the plan places the
//!   pool in a placement group (the only `Placement` members CreateFleet supports, §1.8).
//! - `TargetCapacitySpecification`: `TotalTargetCapacity`, `OnDemandTargetCapacity` and
//!   `SpotTargetCapacity` summing to it, and `DefaultTargetCapacityType` (the request's when
//!   given, else `on-demand` only for an all-on-demand plan). No `TargetCapacityUnitType`: AWS
//!   allows it only with `InstanceRequirements`, so weights carry vCPUs or MiB instead.
//! - `SpotOptions.AllocationStrategy` in kebab case (`InstancePoolsToUseCount` with
//!   `lowest-price`, `MaxTotalPrice` when known), `OnDemandOptions.AllocationStrategy`
//!   `prioritized`.
//! - At most [`super::MAX_FLEET_OVERRIDES`] overrides (AWS quota for `maintain`); more is an
//!   error that points at `ec2-fleet-exact`, because splitting one maintain fleet into several
//!   changes what AWS optimises.

use fleetopt_instances::Market;
use serde_json::{Map, Value, json};

use super::{
    Export, ExportError, ExportOptions, Facts, MAX_FLEET_OVERRIDES, Target, decimal,
    launch_template, number,
};

pub(crate) fn export(mut facts: Facts<'_>, options: &ExportOptions) -> Result<Export, ExportError> {
    if facts.overrides.len() > MAX_FLEET_OVERRIDES {
        return Err(ExportError::TooManyOverrides {
            target: Target::Ec2Fleet,
            what: "(type, AZ) pools",
            count: facts.overrides.len(),
            max: MAX_FLEET_OVERRIDES,
        });
    }
    facts.check_weights()?;
    facts.check_groups()?;
    facts.note_unit();
    facts.note_strategy(facts.spot_strategy.kebab());
    let overrides: Vec<Value> = facts
        .overrides
        .iter()
        .enumerate()
        .map(|(priority, pool)| {
            let mut o = Map::new();
            o.insert("InstanceType".into(), json!(pool.instance_type));
            o.insert("AvailabilityZoneId".into(), json!(pool.zone));
            o.insert("WeightedCapacity".into(), number(pool.weight));
            o.insert("Priority".into(), json!(priority));
            if let Some(group) = &pool.group {
                o.insert("Placement".into(), json!({ "GroupName": group }));
            }
            Value::Object(o)
        })
        .collect();

    let mut spot_options = Map::new();
    spot_options.insert(
        "AllocationStrategy".into(),
        json!(facts.spot_strategy.kebab()),
    );
    if let Some(pools) = facts.pools_to_use {
        spot_options.insert("InstancePoolsToUseCount".into(), json!(pools));
    }
    if let Some(budget) = facts.spot_budget {
        spot_options.insert("MaxTotalPrice".into(), decimal(budget));
    }
    let mut on_demand_options = Map::new();
    on_demand_options.insert("AllocationStrategy".into(), json!("prioritized"));
    if let Some(budget) = facts.on_demand_budget {
        on_demand_options.insert("MaxTotalPrice".into(), decimal(budget));
    }

    let document = json!({
        "SpotOptions": spot_options,
        "OnDemandOptions": on_demand_options,
        "LaunchTemplateConfigs": [{
            "LaunchTemplateSpecification": launch_template(options),
            "Overrides": overrides,
        }],
        "TargetCapacitySpecification": {
            "TotalTargetCapacity": facts.total,
            "OnDemandTargetCapacity": facts.on_demand,
            "SpotTargetCapacity": facts.spot(),
            "DefaultTargetCapacityType": match facts.default_market {
                Market::Spot => "spot",
                Market::OnDemand => "on-demand",
            },
        },
        "Type": "maintain",
    });
    Ok(Export {
        document,
        notes: facts.notes,
    })
}
