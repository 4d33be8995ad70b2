//! `ec2-fleet-exact`: a JSON array of `instant` EC2 Fleet inputs, one per plan allocation, each
//! of which launches exactly that allocation's instances.
//!
//! Each document has one launch template config with one override (`InstanceType`,
//! `AvailabilityZoneId`, `WeightedCapacity` 1, and `Placement.GroupName` for a placed
//! allocation) and a target in instances: `TotalTargetCapacity` = count, with the market's part
//! (`SpotTargetCapacity` or `OnDemandTargetCapacity`) = count and `DefaultTargetCapacityType`
//! that market. With one pool and weight 1 there is nothing for a strategy to choose, so AWS
//! launches exactly `count` or reports an error per instance it could not launch (aws-semantics
//! §1.4: `instant` makes one attempt and returns errors synchronously). `instant` fleets have no
//! pool quota (§1.2).
//!
//! An array (not JSON Lines) so the output is one valid JSON document; `jq -c '.[]'` yields
//! one `--cli-input-json` input per line.

use fleetopt_instances::Market;
use serde_json::{Map, Value, json};

use super::{Export, ExportError, ExportOptions, Facts, launch_template};

pub(crate) fn export(facts: Facts<'_>, options: &ExportOptions) -> Result<Export, ExportError> {
    let mut notes = facts.notes;
    if facts.plan.metrics.unit != crate::request::CapacityUnit::Units
        || facts.plan.allocations.iter().any(|a| a.weight != 1.0)
    {
        notes.push(
            "each instant fleet targets instances (WeightedCapacity 1), not the plan's unit: \
             TotalTargetCapacity is the allocation's instance count"
                .to_owned(),
        );
    }
    let documents: Vec<Value> = facts
        .plan
        .allocations
        .iter()
        .map(|a| {
            let mut o = Map::new();
            o.insert("InstanceType".into(), json!(a.instance_type));
            o.insert("AvailabilityZoneId".into(), json!(a.availability_zone_id));
            o.insert("WeightedCapacity".into(), json!(1));
            if let Some(slot) = &a.placement {
                o.insert("Placement".into(), json!({ "GroupName": slot.group }));
            }
            let (part, market) = match a.market {
                Market::Spot => ("SpotTargetCapacity", "spot"),
                Market::OnDemand => ("OnDemandTargetCapacity", "on-demand"),
            };
            let mut target = Map::new();
            target.insert("TotalTargetCapacity".into(), json!(a.count));
            target.insert(part.into(), json!(a.count));
            target.insert("DefaultTargetCapacityType".into(), json!(market));
            json!({
                "LaunchTemplateConfigs": [{
                    "LaunchTemplateSpecification": launch_template(options),
                    "Overrides": [Value::Object(o)],
                }],
                "TargetCapacitySpecification": target,
                "Type": "instant",
            })
        })
        .collect();
    Ok(Export {
        document: Value::Array(documents),
        notes,
    })
}
