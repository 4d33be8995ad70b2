//! Spot Fleet: `aws ec2 request-spot-fleet --spot-fleet-request-config`, bare or wrapped in
//! `{"SpotFleetRequestConfig": …}`. Fleet-level capacities, strategies, budgets and the fleet
//! `SpotPrice`, and either launch-template overrides (max prices in `SpotPrice`) or the legacy
//! `LaunchSpecifications`, whose comma-separated zones give one override per zone.

use serde_json::{Map, Value};

use super::overrides::{FleetPrice, RawOverride};
use super::{Reader, join};
use crate::request::checks::{check_capacity, check_max_price, parse_zone_id, parse_zone_name};
use crate::request::{
    FleetRequest, Mode, OnDemandSplit, RequestError, RequestSource, SpotStrategy, ZoneRef,
};

impl Reader<'_> {
    /// Reads a Spot Fleet request config (`SpotFleetRequestConfigData`) found at `prefix`.
    pub(super) fn spot_fleet(
        &mut self,
        config: &Map<String, Value>,
        prefix: &str,
    ) -> Result<FleetRequest, RequestError> {
        let path = |key: &str| join(prefix, key);
        let total = self.whole(
            self.required(
                config,
                "TargetCapacity",
                prefix,
                "the number of units to request (> 0)",
            )?,
            &path("TargetCapacity"),
        )?;
        let total = check_capacity(self.label, &path("TargetCapacity"), total)?;
        let mut request = FleetRequest::new("", total, Mode::Aws);
        request.source = RequestSource::SpotFleet;
        let on_demand = match self.get(config, "OnDemandTargetCapacity") {
            Some(v) => {
                let on_demand = self.whole(v, &path("OnDemandTargetCapacity"))?;
                if on_demand > total {
                    return Err(self.err(
                        &path("OnDemandTargetCapacity"),
                        format!("{on_demand} exceeds TargetCapacity {total}"),
                    ));
                }
                on_demand
            }
            None => 0.0,
        };
        request.target.on_demand = OnDemandSplit::Target(on_demand);
        if let Some(unit) = self.unit(config, "TargetCapacityUnitType", prefix)? {
            request.target.unit = unit;
        }
        if let Some(v) = self.get(config, "AllocationStrategy") {
            request.spot.strategy = self.spot_strategy(v, &path("AllocationStrategy"))?;
        }
        if let Some(v) = self.get(config, "OnDemandAllocationStrategy") {
            request.on_demand.strategy =
                self.on_demand_strategy(v, &path("OnDemandAllocationStrategy"))?;
        }
        if let Some(v) = self.get(config, "SpotMaxTotalPrice") {
            request.spot.max_total_price = Some(self.budget(v, &path("SpotMaxTotalPrice"))?);
        }
        if let Some(v) = self.get(config, "OnDemandMaxTotalPrice") {
            request.on_demand.max_total_price =
                Some(self.budget(v, &path("OnDemandMaxTotalPrice"))?);
        }
        if let Some(v) = self.get(config, "InstancePoolsToUseCount") {
            let pools = self.count(v, &path("InstancePoolsToUseCount"), 1, u32::MAX)?;
            if request.spot.strategy != SpotStrategy::LowestPrice {
                return Err(self.err(
                    &path("InstancePoolsToUseCount"),
                    format!(
                        "valid only with AllocationStrategy lowestPrice, not {}",
                        request.spot.strategy
                    ),
                ));
            }
            request.spot.pools = Some(pools);
        }
        let fleet_price = match self.get(config, "SpotPrice") {
            Some(v) => {
                let field = path("SpotPrice");
                let price = self.decimal(v, &field)?;
                Some(FleetPrice {
                    price: check_max_price(self.label, &field, price)?,
                    path: field,
                })
            }
            None => None,
        };
        self.fleet_type(config, prefix)?;

        let templates = self.get(config, "LaunchTemplateConfigs").is_some();
        // AWS's Example 7 (Spot Fleet with On-Demand capacity) sends `"LaunchSpecifications": []`
        // beside LaunchTemplateConfigs: an empty list is no launch specification.
        let specifications = self
            .get(config, "LaunchSpecifications")
            .is_some_and(|v| v.as_array().is_none_or(|list| !list.is_empty()) || !templates);
        let raws = match (templates, specifications) {
            (true, true) => {
                return Err(self.err(
                    &path("LaunchSpecifications"),
                    "conflicts with LaunchTemplateConfigs; AWS accepts one of them",
                ));
            }
            (false, false) => {
                return Err(self.err(
                    &path("LaunchTemplateConfigs"),
                    "required: LaunchTemplateConfigs (or legacy LaunchSpecifications) with the \
                     instance types",
                ));
            }
            (true, false) => self.launch_template_overrides(config, prefix, "SpotPrice")?,
            (false, true) => {
                if on_demand > 0.0 {
                    return Err(self.err(
                        &path("OnDemandTargetCapacity"),
                        "a Spot Fleet with On-Demand capacity must use LaunchTemplateConfigs, \
                         not LaunchSpecifications (AWS)",
                    ));
                }
                self.launch_specifications(config, prefix)?
            }
        };
        let overrides_path = if templates {
            path("LaunchTemplateConfigs")
        } else {
            path("LaunchSpecifications")
        };
        self.assemble(
            &mut request,
            raws,
            fleet_price,
            &overrides_path,
            &path("TargetCapacityUnitType"),
        )?;
        Ok(request)
    }

    /// Legacy `LaunchSpecifications[]`: a comma-separated `Placement.AvailabilityZone` gives one
    /// override per zone.
    fn launch_specifications(
        &mut self,
        config: &Map<String, Value>,
        prefix: &str,
    ) -> Result<Vec<RawOverride>, RequestError> {
        let path = join(prefix, "LaunchSpecifications");
        let specifications = self.array(
            self.get(config, "LaunchSpecifications")
                .unwrap_or(&Value::Null),
            &path,
        )?;
        let mut raws = Vec::new();
        for (i, value) in specifications.iter().enumerate() {
            let spec_path = format!("{path}[{i}]");
            let object = self.object(value, &spec_path)?;
            // The override reader handles the shared members; Placement is read here.
            let mut shared = object.clone();
            let placement = shared.remove("Placement");
            let base = self.parse_override(&Value::Object(shared), &spec_path, "SpotPrice")?;
            let mut zones: Vec<(ZoneRef, String)> = Vec::new();
            if let Some(placement) = placement.as_ref().filter(|p| !p.is_null()) {
                let placement_path = format!("{spec_path}.Placement");
                let placement = self.object(placement, &placement_path)?;
                let name = self.get(placement, "AvailabilityZone");
                let id = self.get(placement, "AvailabilityZoneId");
                if name.is_some() && id.is_some() {
                    return Err(self.err(
                        &format!("{placement_path}.AvailabilityZoneId"),
                        "conflicts with AvailabilityZone; AWS accepts one of them",
                    ));
                }
                for (value, key, is_id) in [
                    (name, "AvailabilityZone", false),
                    (id, "AvailabilityZoneId", true),
                ] {
                    let Some(value) = value else { continue };
                    let field = format!("{placement_path}.{key}");
                    let text = self.string(value, &field)?;
                    for part in text.split(',').map(str::trim) {
                        if part.is_empty() {
                            return Err(self.err(
                                &field,
                                format!("empty zone in the comma-separated list `{text}`"),
                            ));
                        }
                        let zone = if is_id {
                            parse_zone_id(self.label, &field, part)?
                        } else {
                            parse_zone_name(self.label, &field, part)?
                        };
                        if zones.iter().any(|(z, _)| *z == zone) {
                            return Err(self.err(&field, format!("`{zone}` is listed twice")));
                        }
                        zones.push((zone, field.clone()));
                    }
                }
                if let Some(group) = self.get(placement, "GroupName") {
                    let group = self.string(group, &format!("{placement_path}.GroupName"))?;
                    self.notes.push(format!(
                        "{placement_path}.GroupName: placement group `{group}` is not modelled \
                         from AWS requests; plan placement with a native request's [placement] \
                         table"
                    ));
                }
            }
            if zones.is_empty() {
                raws.extend(self.by_subnet(base)?);
            } else {
                for (zone, field) in zones {
                    raws.push(RawOverride {
                        zone: Some(zone),
                        zone_path: Some(field),
                        ..base.clone()
                    });
                }
            }
        }
        Ok(raws)
    }
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::ZoneId;

    use crate::request::aws::tests::{assert_errors, fixture, load, spot_fleet};
    use crate::request::{
        MaxPrice, OnDemandSplit, OnDemandStrategy, RequestSource, SpotStrategy, ZoneRef,
    };

    #[test]
    fn spot_fleet_wrapped_and_bare() {
        let wrapped = load(&fixture("spot-fleet-wrapped.json")).unwrap();
        assert_eq!(wrapped.source, RequestSource::SpotFleet);
        assert_eq!(wrapped.spot.strategy, SpotStrategy::PriceCapacityOptimized);
        assert_eq!(wrapped.on_demand.strategy, OnDemandStrategy::Prioritized);
        assert_eq!(wrapped.target.on_demand, OnDemandSplit::Target(10.0));
        assert_eq!(wrapped.on_demand.max_total_price, Some(2.0));
        assert_eq!(wrapped.candidates.overrides.len(), 3);
        assert_eq!(wrapped.candidates.overrides[2].priority, Some(1.0));

        let bare = load(&fixture("spot-fleet-launch-specifications.json")).unwrap();
        assert_eq!(bare.spot.strategy, SpotStrategy::Diversified);
        // Weights are used, so the fleet SpotPrice (per unit-hour) goes on each override.
        assert_eq!(bare.spot.max_price, None);
        let lines: Vec<(&str, Option<String>, Option<f64>)> = bare
            .candidates
            .overrides
            .iter()
            .map(|o| {
                (
                    o.pattern.as_str(),
                    o.zone.as_ref().map(|z| z.to_string()),
                    o.max_price,
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("m5.large", Some("us-east-1a".to_owned()), Some(0.04)),
                ("m5.large", Some("us-east-1c".to_owned()), Some(0.04)),
                ("c5.large", Some("us-east-1d".to_owned()), Some(0.05)),
                // Two unmapped subnets: one unknown AZ each.
                (
                    "m5.xlarge",
                    Some("the AZ of subnet-1a2b3c4d".to_owned()),
                    Some(0.08)
                ),
                (
                    "m5.xlarge",
                    Some("the AZ of subnet-3c4d5e6f".to_owned()),
                    Some(0.08)
                ),
            ]
        );
        // The unmapped subnets are pins to unknown AZs (the plan's note names the AZ assumed);
        // the AMIs and the key pair are accepted launch settings, each reason noted once with
        // every path it applies to.
        assert_eq!(bare.notes.len(), 2, "{:#?}", bare.notes);
        assert!(bare.notes[0].starts_with(
            "LaunchSpecifications[0].ImageId, LaunchSpecifications[1].ImageId, \
             LaunchSpecifications[2].ImageId: the AMI is not read"
        ));
        assert!(bare.notes[1].starts_with("LaunchSpecifications[0].KeyName: a launch setting"));

        // Without weights the fleet SpotPrice is the fleet-wide max price.
        let unweighted = load(&spot_fleet(
            r#""SpotPrice": "0.05", "LaunchSpecifications": [{"InstanceType": "m5.large"},
               {"InstanceType": "c5.large", "SpotPrice": "0.04"}]"#,
        ))
        .unwrap();
        assert_eq!(unweighted.spot.max_price, Some(MaxPrice::PerHour(0.05)));
        assert_eq!(unweighted.candidates.overrides[0].max_price, None);
        assert_eq!(unweighted.candidates.overrides[1].max_price, Some(0.04));
    }

    #[test]
    fn spot_fleet_options() {
        let request = load(&spot_fleet(
            r#""AllocationStrategy": "lowest-price", "InstancePoolsToUseCount": 3,
               "SpotMaxTotalPrice": "0.5", "OnDemandTargetCapacity": 2,
               "OnDemandAllocationStrategy": "prioritized", "TargetCapacityUnitType": "units",
               "LaunchTemplateConfigs": [{"Overrides": [
                 {"InstanceType": "m5.large", "SpotPrice": "0.03", "WeightedCapacity": 2, "Priority": 0},
                 {"InstanceType": "c5.large", "AvailabilityZoneId": "use1-az4"}]}]"#,
        ))
        .unwrap();
        assert_eq!(request.spot.pools, Some(3));
        assert_eq!(request.spot.max_total_price, Some(0.5));
        assert_eq!(request.target.on_demand, OnDemandSplit::Target(2.0));
        assert_eq!(request.candidates.overrides[0].max_price, Some(0.06));
        assert_eq!(request.candidates.overrides[0].priority, Some(0.0));
        assert_eq!(
            request.candidates.overrides[1].zone,
            Some(ZoneRef::Id(ZoneId::new("use1-az4")))
        );
    }

    #[test]
    fn exact_error_messages() {
        let cases: Vec<(String, &str)> = vec![
            (
                spot_fleet(r#""LaunchSpecifications": [{"InstanceType": "m5.large"}], "LaunchTemplateConfigs": []"#),
                "req.json: LaunchSpecifications: conflicts with LaunchTemplateConfigs; AWS accepts one of them",
            ),
            (
                spot_fleet(r#""OnDemandTargetCapacity": 2, "LaunchSpecifications": [{"InstanceType": "m5.large"}]"#),
                "req.json: OnDemandTargetCapacity: a Spot Fleet with On-Demand capacity must use LaunchTemplateConfigs, not LaunchSpecifications (AWS)",
            ),
            (
                r#"{"SpotFleetRequestConfig": {"TargetCapacity": 4, "SpotPrice": "0.0005", "LaunchSpecifications": [{"InstanceType": "m5.large"}]}}"#.to_owned(),
                "req.json: SpotFleetRequestConfig.SpotPrice: expected a price above USD 0.001 per hour, found 0.0005",
            ),
        ];
        assert_errors(&cases);
    }
}
