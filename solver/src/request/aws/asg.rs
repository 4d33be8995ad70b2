//! Auto Scaling group: `aws autoscaling create-auto-scaling-group --cli-input-json` with a
//! `MixedInstancesPolicy`. `DesiredCapacity` within `MinSize`..=`MaxSize`, the group's zones,
//! the overrides (weights as strings "1".."999", priority by order), and the
//! `InstancesDistribution`: base + percentage On-Demand split, strategies with the ASG's own
//! defaults and `SpotMaxPrice`. An ASG balances across AZs before applying its strategy.

use serde_json::{Map, Value};

use super::overrides::{FleetPrice, RawOverride};
use super::{Reader, join};
use crate::commitments::ReservationPreference;
use crate::request::checks::{
    check_capacity, check_max_price, check_type_name, parse_zone_id, parse_zone_name,
};
use crate::request::{
    FleetRequest, Mode, OnDemandSplit, OnDemandStrategy, RequestError, RequestSource, SpotStrategy,
    ZoneRef,
};

impl Reader<'_> {
    /// Reads `aws autoscaling create-auto-scaling-group --cli-input-json` with a
    /// `MixedInstancesPolicy`.
    pub(super) fn auto_scaling_group(
        &mut self,
        root: &Map<String, Value>,
    ) -> Result<FleetRequest, RequestError> {
        const MIP: &str = "MixedInstancesPolicy";
        // "You must specify one of the following parameters in your request:
        // LaunchConfigurationName, LaunchTemplate, InstanceId, or MixedInstancesPolicy"
        // (CreateAutoScalingGroup API reference): one of them, never two.
        for other in ["LaunchConfigurationName", "LaunchTemplate", "InstanceId"] {
            if self.get(root, other).is_some() {
                return Err(self.err(
                    other,
                    format!(
                        "conflicts with {MIP}; AWS: \"You must specify one of the following \
                         parameters in your request: LaunchConfigurationName, LaunchTemplate, \
                         InstanceId, or MixedInstancesPolicy\""
                    ),
                ));
            }
        }
        let policy = self.required(
            root,
            MIP,
            "",
            "fleetopt needs the instance types from MixedInstancesPolicy.LaunchTemplate.Overrides",
        )?;
        let policy = self.object(policy, MIP)?;
        let desired = self.whole(
            self.required(
                root,
                "DesiredCapacity",
                "",
                "fleetopt plans for DesiredCapacity (MinSize and MaxSize are only bounds)",
            )?,
            "DesiredCapacity",
        )?;
        let desired = check_capacity(self.label, "DesiredCapacity", desired)?;
        let mut request = FleetRequest::new("", desired, Mode::Aws);
        request.source = RequestSource::AutoScalingGroup;
        request.balance_zones = true;
        let min = self
            .get(root, "MinSize")
            .map(|v| self.whole(v, "MinSize"))
            .transpose()?;
        let max = self
            .get(root, "MaxSize")
            .map(|v| self.whole(v, "MaxSize"))
            .transpose()?;
        if let Some(min) = min
            && desired < min
        {
            return Err(self.err(
                "DesiredCapacity",
                format!("{desired} is below MinSize {min}; AWS rejects it"),
            ));
        }
        if let Some(max) = max
            && desired > max
        {
            return Err(self.err(
                "DesiredCapacity",
                format!("{desired} is above MaxSize {max}; AWS rejects it"),
            ));
        }
        if let Some(unit) = self.unit(root, "DesiredCapacityType", "")? {
            request.target.unit = unit;
        }

        // Zones.
        for (key, is_id) in [("AvailabilityZones", false), ("AvailabilityZoneIds", true)] {
            let Some(list) = self.get(root, key) else {
                continue;
            };
            for (i, zone) in self.array(list, key)?.iter().enumerate() {
                let field = format!("{key}[{i}]");
                let text = self.string(zone, &field)?;
                let zone = if is_id {
                    parse_zone_id(self.label, &field, text)?
                } else {
                    parse_zone_name(self.label, &field, text)?
                };
                if !request.candidates.zones.contains(&zone) {
                    request.candidates.zones.push(zone);
                    request.candidates.sources.zones.push(field);
                }
            }
        }
        self.asg_reservations(root, &mut request)?;
        if let Some(subnets) = self.get(root, "VPCZoneIdentifier") {
            let subnets = self.string(subnets, "VPCZoneIdentifier")?;
            let ids: Vec<&str> = subnets.split(',').map(str::trim).collect();
            if ids.iter().any(|id| id.is_empty()) {
                return Err(self.err(
                    "VPCZoneIdentifier",
                    format!("empty subnet in the comma-separated list `{subnets}`"),
                ));
            }
            let mapped: Vec<Option<&fleetopt_instances::ZoneId>> =
                ids.iter().map(|id| self.options.subnets.get(*id)).collect();
            if !ids.is_empty() && mapped.iter().all(Option::is_some) {
                // --subnets maps every subnet: the group's AZs are the subnets' AZs.
                let zones: Vec<ZoneRef> = mapped
                    .into_iter()
                    .flatten()
                    .map(|z| ZoneRef::Id(z.clone()))
                    .collect();
                if request.candidates.zones.is_empty() {
                    for zone in zones {
                        if !request.candidates.zones.contains(&zone) {
                            request.candidates.zones.push(zone);
                            request
                                .candidates
                                .sources
                                .zones
                                .push("VPCZoneIdentifier".to_owned());
                        }
                    }
                    let list: Vec<String> = request
                        .candidates
                        .zones
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    self.notes.push(format!(
                        "VPCZoneIdentifier: subnets {subnets} are in {} (--subnets)",
                        list.join(", ")
                    ));
                } else {
                    self.notes.push(format!(
                        "VPCZoneIdentifier: subnets {subnets} are mapped by --subnets, and the \
                         listed Availability Zones are used (AWS requires the subnets to be in \
                         them)"
                    ));
                }
            } else {
                let unknown: Vec<&str> = ids
                    .iter()
                    .copied()
                    .filter(|id| !self.options.subnets.contains_key(*id))
                    .collect();
                if !self.options.subnets.is_empty() {
                    return Err(self.err(
                        "VPCZoneIdentifier",
                        format!(
                            "{} not in the --subnets file; give describe-subnets output that \
                             lists every subnet of the group",
                            unknown.join(", ")
                        ),
                    ));
                }
                self.notes.push(format!(
                "VPCZoneIdentifier: subnets {subnets} cannot be mapped to AZs without the VPC; {}",
                if request.candidates.zones.is_empty() {
                    "every AZ of the region is allowed (give aws ec2 describe-subnets output \
                     with --subnets to map them)"
                } else {
                    "the listed Availability Zones are used"
                }
            ));
            }
        }

        // Overrides.
        let template_path = join(MIP, "LaunchTemplate");
        let overrides_path = join(&template_path, "Overrides");
        let template = self.required(
            policy,
            "LaunchTemplate",
            MIP,
            "the launch template and its Overrides",
        )?;
        let template = self.object(template, &template_path)?;
        let overrides = match self.get(template, "Overrides") {
            Some(v) => self.array(v, &overrides_path)?,
            None => &[],
        };
        let spec_path = join(&template_path, "LaunchTemplateSpecification");
        self.launch_template = self.get(template, "LaunchTemplateSpecification").cloned();
        if let Some(version) = self.template_version(template, &spec_path)? {
            let facts = self.template_facts(version, &spec_path, "MaxPrice")?;
            if facts.zone.is_some() {
                self.notes.push(format!(
                    "{spec_path}: the launch template's Placement zone is not used; an Auto \
                     Scaling group launches in its own AvailabilityZones / VPCZoneIdentifier"
                ));
            }
            if overrides.is_empty() {
                let Some(raw) = facts.standing else {
                    return Err(self.err(
                        &spec_path,
                        format!(
                            "there are no Overrides and launch template {} version {} \
                             (--launch-template) has neither InstanceType nor \
                             InstanceRequirements, so there is no instance type to plan",
                            version.id, version.version
                        ),
                    ));
                };
                self.template_note(&template_path, version);
                let attribute_based = raw.requirements.is_some();
                let raws = vec![RawOverride {
                    priority: raw.requirements.is_none().then_some(0.0),
                    zone: None,
                    zone_path: None,
                    ..raw
                }];
                return self.asg_distribution(request, policy, raws, attribute_based);
            }
        }
        let template_type = self.options.launch_template_type.clone();
        if overrides.is_empty()
            && let Some(name) = template_type
        {
            let field = join(&template_path, "LaunchTemplateSpecification");
            check_type_name(self.label, &field, &name, false)?;
            self.notes.push(format!(
                "{template_path} has no Overrides: its launch template's instance type is {name} \
                 (--launch-template-type)"
            ));
            let raw = super::overrides::RawOverride::of_template(field, name, "MaxPrice");
            let raws = vec![RawOverride {
                priority: Some(0.0),
                ..raw
            }];
            return self.asg_distribution(request, policy, raws, false);
        }
        if overrides.is_empty() {
            return Err(self.err(
                &overrides_path,
                "no overrides: fleetopt needs the instance types (InstanceType or \
                 InstanceRequirements overrides); give the launch template with \
                 --launch-template (describe-launch-template-versions output) or its instance \
                 type with --launch-template-type",
            ));
        }
        let mut raws = Vec::new();
        for (i, value) in overrides.iter().enumerate() {
            let path = format!("{overrides_path}[{i}]");
            let object = self.object(value, &path)?;
            // ASG weights are strings "1".."999", read here; an ASG override has no Priority,
            // zone or price (the member check has refused them already).
            let mut shared = object.clone();
            let weight = shared.remove("WeightedCapacity").filter(|v| !v.is_null());
            let mut raw = self.parse_override(&Value::Object(shared), &path, "MaxPrice")?;
            if let Some(weight) = weight {
                let field = format!("{path}.WeightedCapacity");
                let value = self.decimal(&weight, &field)?;
                if !(1.0..=999.0).contains(&value) || value.fract() != 0.0 {
                    return Err(self.err(
                        &field,
                        format!("expected a whole number from \"1\" to \"999\", found {value}"),
                    ));
                }
                raw.weight = Some(value);
            }
            raws.push(raw);
        }
        let weighted = raws.iter().filter(|r| r.weight.is_some()).count();
        if weighted > 0
            && weighted < raws.len()
            && let Some(missing) = raws.iter().find(|r| r.weight.is_none())
        {
            return Err(self.err(
                &format!("{}.WeightedCapacity", missing.path),
                "missing: when one override has a WeightedCapacity, every override must (AWS)",
            ));
        }
        let attribute_based = raws.iter().any(|r| r.requirements.is_some());
        if !attribute_based {
            // Priority is the order of the overrides, first = highest.
            for (i, raw) in raws.iter_mut().enumerate() {
                raw.priority = Some(u32::try_from(i).map_or(f64::MAX, f64::from));
            }
        }

        self.asg_distribution(request, policy, raws, attribute_based)
    }

    /// The `InstancesDistribution` of a group whose overrides are read: the split, the
    /// strategies with the ASG's defaults and `SpotMaxPrice`; then the overrides are assembled.
    /// `CapacityReservationSpecification.CapacityReservationPreference` (aws-semantics §2.5);
    /// a `CapacityReservationTarget` names reservations or resource groups fleetopt plans no
    /// targeted launch into, so it is noted.
    fn asg_reservations(
        &mut self,
        root: &Map<String, Value>,
        request: &mut FleetRequest,
    ) -> Result<(), RequestError> {
        const SPEC: &str = "CapacityReservationSpecification";
        let Some(spec) = self.get(root, SPEC) else {
            return Ok(());
        };
        let spec = self.object(spec, SPEC)?;
        if let Some(v) = self.get(spec, "CapacityReservationPreference") {
            let field = format!("{SPEC}.CapacityReservationPreference");
            request.on_demand.capacity_reservations = match self.string(v, &field)? {
                "capacity-reservations-only" => ReservationPreference::Only,
                "capacity-reservations-first" => ReservationPreference::First,
                "none" => ReservationPreference::None,
                "default" => ReservationPreference::Open,
                other => {
                    return Err(self.err(
                        &field,
                        format!(
                            "expected capacity-reservations-only, capacity-reservations-first, \
                             none or default, found `{}`",
                            fleetopt_instances::escape::escape_controls(other)
                        ),
                    ));
                }
            };
        }
        if self.get(spec, "CapacityReservationTarget").is_some() {
            self.notes.push(format!(
                "{SPEC}.CapacityReservationTarget: targeted reservations and resource groups \
                 are not planned into; open reservations supplied with --capacity-reservations are"
            ));
        }
        Ok(())
    }

    fn asg_distribution(
        &mut self,
        mut request: FleetRequest,
        policy: &Map<String, Value>,
        raws: Vec<RawOverride>,
        attribute_based: bool,
    ) -> Result<FleetRequest, RequestError> {
        const MIP: &str = "MixedInstancesPolicy";
        let overrides_path = join(&join(MIP, "LaunchTemplate"), "Overrides");
        // InstancesDistribution.
        const DIST: &str = "MixedInstancesPolicy.InstancesDistribution";
        let distribution = match self.get(policy, "InstancesDistribution") {
            Some(v) => self.object(v, DIST)?.clone(),
            None => Map::new(),
        };
        let path = |key: &str| join(DIST, key);
        request.on_demand.strategy = match self.get(&distribution, "OnDemandAllocationStrategy") {
            Some(v) => {
                let strategy = self.on_demand_strategy(v, &path("OnDemandAllocationStrategy"))?;
                if strategy == OnDemandStrategy::Prioritized && attribute_based {
                    return Err(self.err(
                        &path("OnDemandAllocationStrategy"),
                        "prioritized cannot be used with InstanceRequirements (AWS)",
                    ));
                }
                strategy
            }
            None if attribute_based => OnDemandStrategy::LowestPrice,
            None => OnDemandStrategy::Prioritized,
        };
        let base = match self.get(&distribution, "OnDemandBaseCapacity") {
            Some(v) => self.whole(v, &path("OnDemandBaseCapacity"))?,
            None => 0.0,
        };
        let percent = match self.get(&distribution, "OnDemandPercentageAboveBaseCapacity") {
            Some(v) => {
                f64::from(self.count(v, &path("OnDemandPercentageAboveBaseCapacity"), 0, 100)?)
            }
            None => 100.0,
        };
        request.target.on_demand = OnDemandSplit::BasePlusPercent {
            base,
            percent_above_base: percent,
        };
        if let Some(v) = self.get(&distribution, "SpotAllocationStrategy") {
            let field = path("SpotAllocationStrategy");
            let strategy = self.spot_strategy(v, &field)?;
            match strategy {
                SpotStrategy::Diversified => {
                    return Err(self.err(
                        &field,
                        "diversified is not a valid Auto Scaling group strategy; expected \
                         lowest-price, capacity-optimized, capacity-optimized-prioritized or \
                         price-capacity-optimized",
                    ));
                }
                SpotStrategy::CapacityOptimizedPrioritized if attribute_based => {
                    return Err(self.err(
                        &field,
                        "capacity-optimized-prioritized cannot be used with InstanceRequirements \
                         (AWS)",
                    ));
                }
                _ => request.spot.strategy = strategy,
            }
        }
        match self.get(&distribution, "SpotInstancePools") {
            Some(v) => {
                let field = path("SpotInstancePools");
                let pools = self.count(v, &field, 1, 20)?;
                if request.spot.strategy != SpotStrategy::LowestPrice {
                    return Err(self.err(
                        &field,
                        format!(
                            "valid only with SpotAllocationStrategy lowest-price, not {}",
                            request.spot.strategy.kebab()
                        ),
                    ));
                }
                request.spot.pools = Some(pools);
            }
            // AWS's default: the 2 cheapest pools per AZ.
            None if request.spot.strategy == SpotStrategy::LowestPrice => {
                request.spot.pools = Some(2);
            }
            None => {}
        }
        let fleet_price = match self.get(&distribution, "SpotMaxPrice") {
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(v) => {
                let field = path("SpotMaxPrice");
                let price = self.decimal(v, &field)?;
                Some(FleetPrice {
                    price: check_max_price(self.label, &field, price)?,
                    path: field,
                })
            }
            None => None,
        };
        self.assemble(
            &mut request,
            raws,
            fleet_price,
            &overrides_path,
            "DesiredCapacityType",
        )?;
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use crate::request::aws::tests::{asg, assert_errors, error, fixture, load};
    use crate::request::{
        CapacityUnit, MaxPrice, OnDemandSplit, OnDemandStrategy, RequestSource, SpotStrategy,
    };

    #[test]
    fn asg_mapping_and_split_defaults() {
        let request = load(&fixture("asg-mixed.json")).unwrap();
        assert_eq!(request.source, RequestSource::AutoScalingGroup);
        assert!(request.balance_zones);
        assert_eq!(
            request.target.on_demand,
            OnDemandSplit::BasePlusPercent {
                base: 2.0,
                percent_above_base: 25.0
            }
        );
        // 2 + ceil(25% × 10) = 5.
        assert_eq!(request.on_demand_target(), 5.0);
        assert_eq!(request.spot.strategy, SpotStrategy::PriceCapacityOptimized);
        assert_eq!(request.spot.pools, None);
        assert_eq!(request.on_demand.strategy, OnDemandStrategy::Prioritized);
        let order: Vec<(&str, Option<f64>, Option<f64>)> = request
            .candidates
            .overrides
            .iter()
            .map(|o| (o.pattern.as_str(), o.weight, o.priority))
            .collect();
        assert_eq!(
            order,
            [
                ("m5.large", Some(2.0), Some(0.0)),
                ("c5.large", Some(2.0), Some(1.0)),
                ("m5.xlarge", Some(4.0), Some(2.0)),
                ("m7g.large", Some(2.0), Some(3.0))
            ]
        );
        assert_eq!(request.candidates.zones.len(), 3);

        // AWS defaults: base 0, 100% On-Demand above it, prioritized, lowest-price over 2 pools.
        let defaults = load(&asg(r#"{"InstanceType": "m5.large"}"#, "", "")).unwrap();
        assert_eq!(
            defaults.target.on_demand,
            OnDemandSplit::BasePlusPercent {
                base: 0.0,
                percent_above_base: 100.0
            }
        );
        assert_eq!(defaults.on_demand_target(), 10.0);
        assert_eq!(defaults.on_demand.strategy, OnDemandStrategy::Prioritized);
        assert_eq!(defaults.spot.strategy, SpotStrategy::LowestPrice);
        assert_eq!(defaults.spot.pools, Some(2));

        // With InstanceRequirements the On-Demand default is lowest-price.
        let abs = load(&asg(
            r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2, "Max": 8}, "MemoryMiB": {"Min": 2048}}}"#,
            r#""OnDemandPercentageAboveBaseCapacity": 0"#,
            r#", "DesiredCapacityType": "vcpu", "AvailabilityZoneIds": ["use1-az1", "use1-az2"]"#,
        ))
        .unwrap();
        assert_eq!(abs.on_demand.strategy, OnDemandStrategy::LowestPrice);
        assert_eq!(abs.target.unit, CapacityUnit::Vcpu);
        assert_eq!(abs.candidates.requirements.len(), 1);
        assert_eq!(abs.on_demand_target(), 0.0);
        assert_eq!(abs.candidates.zones.len(), 2);
    }

    #[test]
    fn asg_spot_max_price() {
        let weighted = load(&asg(
            r#"{"InstanceType": "m5.large", "WeightedCapacity": "2"}, {"InstanceType": "m5.xlarge", "WeightedCapacity": "4"}"#,
            r#""SpotMaxPrice": "0.02""#,
            "",
        ))
        .unwrap();
        assert_eq!(weighted.spot.max_price, None);
        assert_eq!(weighted.candidates.overrides[0].max_price, Some(0.04));
        assert_eq!(weighted.candidates.overrides[1].max_price, Some(0.08));
        let plain = load(&asg(
            r#"{"InstanceType": "m5.large"}"#,
            r#""SpotMaxPrice": "0.05""#,
            "",
        ))
        .unwrap();
        assert_eq!(plain.spot.max_price, Some(MaxPrice::PerHour(0.05)));
        let removed = load(&asg(
            r#"{"InstanceType": "m5.large"}"#,
            r#""SpotMaxPrice": """#,
            "",
        ))
        .unwrap();
        assert_eq!(removed.spot.max_price, None);
    }

    #[test]
    fn asg_desired_outside_min_max() {
        let text = r#"{"AutoScalingGroupName": "g", "MinSize": 1, "MaxSize": 4, "DesiredCapacity": 5,
            "MixedInstancesPolicy": {"LaunchTemplate": {"Overrides": [{"InstanceType": "m5.large"}]}}}"#;
        assert_eq!(
            error(text),
            "req.json: DesiredCapacity: 5 is above MaxSize 4; AWS rejects it"
        );
    }

    #[test]
    fn exact_error_messages() {
        let cases: Vec<(String, &str)> = vec![
            (
                r#"{"AutoScalingGroupName": "g", "MinSize": 1, "MaxSize": 4, "MixedInstancesPolicy": {"LaunchTemplate": {"Overrides": [{"InstanceType": "m5.large"}]}}}"#.to_owned(),
                "req.json: DesiredCapacity: required: fleetopt plans for DesiredCapacity (MinSize and MaxSize are only bounds)",
            ),
            (
                asg(r#"{"InstanceType": "m5.large", "WeightedCapacity": "2"}, {"InstanceType": "c5.large"}"#, "", ""),
                "req.json: MixedInstancesPolicy.LaunchTemplate.Overrides[1].WeightedCapacity: missing: when one override has a WeightedCapacity, every override must (AWS)",
            ),
            (
                asg(r#"{"InstanceType": "m5.large", "WeightedCapacity": "1000"}"#, "", ""),
                "req.json: MixedInstancesPolicy.LaunchTemplate.Overrides[0].WeightedCapacity: expected a whole number from \"1\" to \"999\", found 1000",
            ),
            (
                asg(r#"{"InstanceType": "m5.large"}"#, r#""SpotAllocationStrategy": "diversified""#, ""),
                "req.json: MixedInstancesPolicy.InstancesDistribution.SpotAllocationStrategy: diversified is not a valid Auto Scaling group strategy; expected lowest-price, capacity-optimized, capacity-optimized-prioritized or price-capacity-optimized",
            ),
            (
                asg(r#"{"InstanceType": "m5.large"}"#, r#""OnDemandPercentageAboveBaseCapacity": 120"#, ""),
                "req.json: MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity: expected a whole number in 0..=100, found 120",
            ),
            (
                asg(r#"{"InstanceType": "m5.large"}"#, r#""SpotAllocationStrategy": "capacity-optimized", "SpotInstancePools": 3"#, ""),
                "req.json: MixedInstancesPolicy.InstancesDistribution.SpotInstancePools: valid only with SpotAllocationStrategy lowest-price, not capacity-optimized",
            ),
            (
                asg(r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}}}"#, r#""OnDemandAllocationStrategy": "prioritized""#, ""),
                "req.json: MixedInstancesPolicy.InstancesDistribution.OnDemandAllocationStrategy: prioritized cannot be used with InstanceRequirements (AWS)",
            ),
            (
                asg("", "", ""),
                "req.json: MixedInstancesPolicy.LaunchTemplate.Overrides: no overrides: fleetopt needs the instance types (InstanceType or InstanceRequirements overrides); give the launch template with --launch-template (describe-launch-template-versions output) or its instance type with --launch-template-type",
            ),
            (
                asg(r#"{"InstanceType": "m5.large"}"#, "", r#", "AvailabilityZones": ["use1-az1"]"#),
                "req.json: AvailabilityZones[0]: expected an Availability Zone name such as `us-east-1a`, found the AZ ID `use1-az1` (give it as AvailabilityZoneId)",
            ),
        ];
        assert_errors(&cases);
    }
}
