//! `spot-fleet`: a bare `SpotFleetRequestConfigData` for
//! `aws ec2 request-spot-fleet --spot-fleet-request-config file://config.json` (aws-semantics
//! §5.5). AWS calls RequestSpotFleet legacy (§1.1); `ec2-fleet` is the better target.
//!
//! - Spot Fleet spells strategies in camelCase (`priceCapacityOptimized`); the strategy choice
//!   and priorities are those of [`crate::export`]. `OnDemandAllocationStrategy` is
//!   `prioritized`.
//! - `IamFleetRole` is required; it comes from [`ExportOptions::iam_fleet_role`], whose default
//!   uses AWS's documentation account `123456789012` and the role name the console creates
//!   (`aws-ec2-spot-fleet-tagging-role`), with a note to replace it.
//! - `LaunchTemplateConfigs` (required when the fleet has On-Demand capacity, §1.2) with one
//!   override per (type, AZ ID) pool: `InstanceType`, `AvailabilityZoneId`, `WeightedCapacity`,
//!   `Priority`. Spot Fleet's `LaunchTemplateOverrides` have no `Placement` (§1.8), so a placed
//!   plan gets a note to set the group in the launch template.
//! - `TargetCapacity` and `OnDemandTargetCapacity` (the rest is Spot, §1.2), `Type` `maintain`.

use serde_json::{Map, Value, json};

use super::{
    DEFAULT_IAM_FLEET_ROLE, Export, ExportError, ExportOptions, Facts, decimal, launch_template,
    number,
};

pub(crate) fn export(mut facts: Facts<'_>, options: &ExportOptions) -> Result<Export, ExportError> {
    facts.check_weights()?;
    facts.note_unit();
    facts.note_strategy(facts.spot_strategy.as_str());
    if options.iam_fleet_role == DEFAULT_IAM_FLEET_ROLE {
        facts.notes.push(format!(
            "IamFleetRole is the placeholder {DEFAULT_IAM_FLEET_ROLE} (AWS's documentation \
             account); pass --iam-fleet-role with your account's Spot Fleet role"
        ));
    }
    let groups = facts.groups();
    if !groups.is_empty() {
        let listed: Vec<&str> = groups.into_iter().collect();
        facts.notes.push(format!(
            "the plan uses placement group(s) {}; Spot Fleet launch template overrides have no \
             Placement (aws-semantics §1.8): set the group in the launch template",
            listed.join(", ")
        ));
    }
    let overrides: Vec<Value> = facts
        .overrides
        .iter()
        .enumerate()
        .map(|(priority, pool)| {
            json!({
                "InstanceType": pool.instance_type,
                "AvailabilityZoneId": pool.zone,
                "WeightedCapacity": number(pool.weight),
                "Priority": priority,
            })
        })
        .collect();
    let mut config = Map::new();
    config.insert(
        "AllocationStrategy".into(),
        json!(facts.spot_strategy.as_str()),
    );
    config.insert("OnDemandAllocationStrategy".into(), json!("prioritized"));
    config.insert("IamFleetRole".into(), json!(options.iam_fleet_role));
    config.insert(
        "LaunchTemplateConfigs".into(),
        json!([{
            "LaunchTemplateSpecification": launch_template(options),
            "Overrides": overrides,
        }]),
    );
    config.insert("TargetCapacity".into(), json!(facts.total));
    config.insert("OnDemandTargetCapacity".into(), json!(facts.on_demand));
    if let Some(pools) = facts.pools_to_use {
        config.insert("InstancePoolsToUseCount".into(), json!(pools));
    }
    if let Some(budget) = facts.spot_budget {
        config.insert("SpotMaxTotalPrice".into(), decimal(budget));
    }
    if let Some(budget) = facts.on_demand_budget {
        config.insert("OnDemandMaxTotalPrice".into(), decimal(budget));
    }
    config.insert("Type".into(), json!("maintain"));
    Ok(Export {
        document: Value::Object(config),
        notes: facts.notes,
    })
}
