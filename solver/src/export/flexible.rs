//! `--keep-flexibility`: an `ec2-fleet` or `spot-fleet` document that keeps the request's
//! flexibility instead of shrinking to the planned pools: the request's own launch template
//! specification, every instance-type override with its zone pin, subnet, weight and priority
//! (wildcard patterns expanded to the region's matching types, since an override names one
//! type), the request's strategies, target split and budgets. The plan then contributes only
//! its region and its notes; what AWS would make of the document is stated by
//! [`aws_outcome_note`](super::aws_outcome_note), as for every maintain export.
//!
//! Attribute-based requests are refused: their `InstanceRequirements` would need writing back
//! in AWS's spelling, and an attribute-based request is already as flexible as its attributes,
//! so exporting it means sending the request itself.

use fleetopt_instances::select::wildcard_match;
use fleetopt_instances::{Catalog, Market};
use serde_json::{Map, Value, json};

use super::{
    DEFAULT_IAM_FLEET_ROLE, Export, ExportError, ExportOptions, MAX_FLEET_OVERRIDES, Target,
    decimal, launch_template, number,
};
use crate::plan::Plan;
use crate::request::{FleetRequest, ZoneRef};

pub(crate) fn export(
    plan: &Plan,
    request: Option<&FleetRequest>,
    catalog: &Catalog,
    target: Target,
    options: &ExportOptions,
) -> Result<Export, ExportError> {
    let Some(request) = request else {
        return Err(ExportError::Flexibility {
            why: "needs the request the plan answers (--request FILE): the flexibility is the \
                  request's"
                .to_owned(),
        });
    };
    if !matches!(target, Target::Ec2Fleet | Target::SpotFleet) {
        return Err(ExportError::Flexibility {
            why: format!(
                "is written for ec2-fleet and spot-fleet; {target} is not supported (an asg \
                 export keeps its types already, ec2-fleet-exact and karpenter follow the plan)"
            ),
        });
    }
    let candidates = &request.candidates;
    if !candidates.requirements.is_empty() || candidates.overrides.is_empty() {
        return Err(ExportError::Flexibility {
            why: "needs a request with InstanceType overrides; an attribute-based request is as \
                  flexible as its InstanceRequirements already, so send the request itself"
                .to_owned(),
        });
    }
    let region = catalog.region(plan.region.as_str());
    let mut notes = vec![format!(
        "--keep-flexibility: the request's {} instance-type override(s), zones, subnets, weights \
         and priorities are kept; the plan's counts are not in the document",
        candidates.overrides.len()
    )];
    let mut overrides: Vec<Value> = Vec::new();
    for (index, line) in candidates.overrides.iter().enumerate() {
        let types: Vec<String> = if line.pattern.contains('*') {
            let mut names: Vec<String> = region
                .map(|r| {
                    r.offered_types()
                        .into_iter()
                        .filter(|t| wildcard_match(&line.pattern, t.as_str()))
                        .map(|t| t.as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            notes.push(format!(
                "{}: pattern {} expanded to {} type(s) of {} (an override names one type)",
                candidates.override_field(index),
                line.pattern,
                names.len(),
                plan.region
            ));
            names
        } else {
            vec![line.pattern.clone()]
        };
        let subnet = candidates.sources.subnets.get(index).cloned().flatten();
        let zones: Vec<Option<&ZoneRef>> = match &line.zone {
            Some(zone) => vec![Some(zone)],
            None if !candidates.zones.is_empty() => candidates.zones.iter().map(Some).collect(),
            None => vec![None],
        };
        let weight = line
            .weight
            .or_else(|| candidates.weights.get(&line.pattern).copied());
        for name in &types {
            for zone in &zones {
                let mut o = Map::new();
                o.insert("InstanceType".into(), json!(name));
                match (&subnet, zone) {
                    (Some(subnet), _) => {
                        o.insert("SubnetId".into(), json!(subnet));
                    }
                    (None, Some(ZoneRef::Id(id))) => {
                        o.insert("AvailabilityZoneId".into(), json!(id));
                    }
                    (None, Some(ZoneRef::Name(az))) => {
                        o.insert("AvailabilityZone".into(), json!(az));
                    }
                    (None, Some(ZoneRef::Subnet(subnet))) => {
                        o.insert("SubnetId".into(), json!(subnet));
                    }
                    (None, None) => {}
                }
                if let Some(weight) = weight {
                    o.insert("WeightedCapacity".into(), number(weight));
                }
                if let Some(priority) = line.priority {
                    o.insert("Priority".into(), number(priority));
                }
                overrides.push(Value::Object(o));
            }
        }
    }
    if overrides.len() > MAX_FLEET_OVERRIDES {
        return Err(ExportError::TooManyOverrides {
            target,
            what: "overrides kept from the request",
            count: overrides.len(),
            max: MAX_FLEET_OVERRIDES,
        });
    }
    if candidates.overrides.iter().any(|o| o.max_price.is_some())
        || request.spot.max_price.is_some()
    {
        notes.push(
            "the request's spot max prices are not written (AWS advises against setting one; \
             aws-semantics §1.6); add MaxPrice or SpotPrice to keep them"
                .to_owned(),
        );
    }
    let spec = request
        .launch_template
        .clone()
        .unwrap_or_else(|| launch_template(options));
    let total = request.target.capacity.ceil();
    let on_demand = request.on_demand_target().ceil().min(total);
    let document = match target {
        Target::SpotFleet => {
            let mut config = Map::new();
            config.insert(
                "AllocationStrategy".into(),
                json!(request.spot.strategy.as_str()),
            );
            config.insert(
                "OnDemandAllocationStrategy".into(),
                json!(request.on_demand.strategy.as_str()),
            );
            config.insert("IamFleetRole".into(), json!(options.iam_fleet_role));
            if options.iam_fleet_role == DEFAULT_IAM_FLEET_ROLE {
                notes.push(format!(
                    "IamFleetRole is the placeholder {DEFAULT_IAM_FLEET_ROLE} (AWS's documentation \
                     account); pass --iam-fleet-role with your account's Spot Fleet role"
                ));
            }
            config.insert(
                "LaunchTemplateConfigs".into(),
                json!([{ "LaunchTemplateSpecification": spec, "Overrides": overrides }]),
            );
            config.insert("TargetCapacity".into(), number(total));
            config.insert("OnDemandTargetCapacity".into(), number(on_demand));
            if let Some(pools) = request.spot.pools.filter(|_| !request.balance_zones) {
                config.insert("InstancePoolsToUseCount".into(), json!(pools));
            }
            if let Some(budget) = request.spot.max_total_price {
                config.insert("SpotMaxTotalPrice".into(), decimal(budget));
            }
            if let Some(budget) = request.on_demand.max_total_price {
                config.insert("OnDemandMaxTotalPrice".into(), decimal(budget));
            }
            config.insert("Type".into(), json!("maintain"));
            Value::Object(config)
        }
        _ => {
            let mut spot_options = Map::new();
            spot_options.insert(
                "AllocationStrategy".into(),
                json!(request.spot.strategy.kebab()),
            );
            if let Some(pools) = request.spot.pools.filter(|_| !request.balance_zones) {
                spot_options.insert("InstancePoolsToUseCount".into(), json!(pools));
            }
            if let Some(budget) = request.spot.max_total_price {
                spot_options.insert("MaxTotalPrice".into(), decimal(budget));
            }
            let mut on_demand_options = Map::new();
            on_demand_options.insert(
                "AllocationStrategy".into(),
                json!(request.on_demand.strategy.kebab()),
            );
            if let Some(budget) = request.on_demand.max_total_price {
                on_demand_options.insert("MaxTotalPrice".into(), decimal(budget));
            }
            json!({
                "SpotOptions": spot_options,
                "OnDemandOptions": on_demand_options,
                "LaunchTemplateConfigs": [{
                    "LaunchTemplateSpecification": spec,
                    "Overrides": overrides,
                }],
                "TargetCapacitySpecification": {
                    "TotalTargetCapacity": number(total),
                    "OnDemandTargetCapacity": number(on_demand),
                    "SpotTargetCapacity": number(total - on_demand),
                    "DefaultTargetCapacityType": match request.target.default_market {
                        Market::Spot => "spot",
                        Market::OnDemand => "on-demand",
                    },
                },
                "Type": "maintain",
            })
        }
    };
    Ok(Export { document, notes })
}
