//! Launch-template overrides, shared by the three AWS forms: one override (or legacy launch
//! specification) read into a `RawOverride`, and the overrides assembled into the request's
//! candidates: instance types with their zones, weights, priorities and per-instance max
//! prices, or attribute-based `InstanceRequirements` with their zones and one max price.
//!
//! AWS's rules that hold whatever the form are checked here once: `InstanceType` and
//! `InstanceRequirements` are not mixed, attribute-based overrides take no weights or
//! priorities, at most four distinct `InstanceRequirements`, no duplicate pools, and max prices
//! are per unit-hour when weights are used (aws-semantics §1.5).

use fleetopt_instances::select::{self, Requirements};
use serde_json::{Map, Value};

use super::{Reader, join};
use crate::request::checks::{
    check_max_price, check_non_negative, check_positive, check_type_name, parse_zone_id,
    parse_zone_name,
};
use crate::request::syntax::from_value;
use crate::request::{CapacityUnit, FleetRequest, MaxPrice, RequestError, TypeOverride, ZoneRef};

/// The most `InstanceRequirements` AWS accepts in one request.
const MAX_REQUIREMENTS: usize = 4;

/// One launch-template override (or legacy launch specification), as given.
#[derive(Debug, Clone)]
pub(super) struct RawOverride {
    /// Where it was given (`LaunchTemplateConfigs[0].Overrides[2]`).
    pub(super) path: String,
    pub(super) instance_type: Option<String>,
    pub(super) requirements: Option<Requirements>,
    pub(super) zone: Option<ZoneRef>,
    /// The member that named the zone.
    pub(super) zone_path: Option<String>,
    pub(super) subnet: Option<String>,
    /// `--subnets` mapped `subnet` to the override's zone.
    pub(super) subnet_mapped: bool,
    pub(super) weight: Option<f64>,
    pub(super) priority: Option<f64>,
    /// The override's own spot max price, per unit-hour as AWS reads it.
    pub(super) price: Option<f64>,
    /// The member the price was given in (`MaxPrice`, or `SpotPrice` in a Spot Fleet).
    pub(super) price_key: &'static str,
}

/// The member that names a zone of this kind.
fn pin_key(zone: &ZoneRef) -> &'static str {
    match zone {
        ZoneRef::Id(_) => "AvailabilityZoneId",
        ZoneRef::Name(_) => "AvailabilityZone",
        ZoneRef::Subnet(_) => "SubnetId",
    }
}

impl RawOverride {
    /// The override a launch template without overrides stands for: its instance type, given
    /// beside the request (`--launch-template-type`).
    pub(super) fn of_template(
        path: String,
        instance_type: String,
        price_key: &'static str,
    ) -> Self {
        RawOverride {
            path,
            instance_type: Some(instance_type),
            requirements: None,
            zone: None,
            zone_path: None,
            subnet: None,
            subnet_mapped: false,
            weight: None,
            priority: None,
            price: None,
            price_key,
        }
    }
}

/// The fleet-wide spot max price (per unit-hour) and where it was given.
pub(super) struct FleetPrice {
    pub(super) price: f64,
    pub(super) path: String,
}

impl Reader<'_> {
    /// Reads one override (or the shared members of a legacy launch specification).
    pub(super) fn parse_override(
        &mut self,
        value: &Value,
        path: &str,
        price_key: &'static str,
    ) -> Result<RawOverride, RequestError> {
        let object = self.object(value, path)?;
        let instance_type = match self.get(object, "InstanceType") {
            Some(v) => {
                let field = join(path, "InstanceType");
                let name = self.string(v, &field)?;
                check_type_name(self.label, &field, name, false)?;
                Some(name.to_owned())
            }
            None => None,
        };
        let requirements = match self.get(object, "InstanceRequirements") {
            Some(v) => {
                let field = join(path, "InstanceRequirements");
                self.object(v, &field)?;
                let requirements: Requirements = from_value(self.label, &field, v.clone())?;
                if let Some((member, message)) = select::missing_aws_range(v) {
                    return Err(self.err(&join(&field, member), message));
                }
                requirements.validate().map_err(|e| self.err(&field, e))?;
                Some(requirements)
            }
            None => None,
        };
        match (&instance_type, &requirements) {
            (Some(_), Some(_)) => {
                return Err(self.err(
                    &join(path, "InstanceRequirements"),
                    "conflicts with InstanceType in the same override; give one of them",
                ));
            }
            (None, None) => {
                return Err(self.err(
                    path,
                    "expected InstanceType or InstanceRequirements (fleetopt cannot read a \
                     launch template's own instance type)",
                ));
            }
            _ => {}
        }
        let mut zone = self.zone_pin(object, path)?;
        let mut zone_path = zone.as_ref().map(|z| join(path, pin_key(z)));
        let subnet = match self.get(object, "SubnetId") {
            Some(v) => Some(self.string(v, &join(path, "SubnetId"))?.to_owned()),
            None => None,
        };
        let weight = match self.get(object, "WeightedCapacity") {
            Some(v) => {
                let field = join(path, "WeightedCapacity");
                let weight = self.number(v, &field)?;
                Some(check_positive(self.label, &field, weight)?)
            }
            None => None,
        };
        let priority = match self.get(object, "Priority") {
            Some(v) => {
                let field = join(path, "Priority");
                let priority = self.number(v, &field)?;
                Some(check_non_negative(self.label, &field, priority)?)
            }
            None => None,
        };
        let price = match self.get(object, price_key) {
            Some(v) => {
                let field = join(path, price_key);
                let price = self.decimal(v, &field)?;
                Some(check_max_price(self.label, &field, price)?)
            }
            None => None,
        };
        if let Some(placement) = self.get(object, "Placement") {
            let field = join(path, "Placement");
            let placement = self.object(placement, &field)?;
            // EC2 Fleet Examples 8-10 pin an override's pool with Placement.AvailabilityZone
            // (aws-semantics §1.8).
            if let Some(pin) = self.zone_pin(placement, &field)? {
                match &zone {
                    Some(own) if *own != pin => {
                        return Err(self.err(
                            &join(&field, pin_key(&pin)),
                            format!(
                                "`{pin}` conflicts with the override's own {} `{own}`; an \
                                 override is one pool, in one Availability Zone",
                                pin_key(own)
                            ),
                        ));
                    }
                    _ => {
                        zone_path = Some(join(&field, pin_key(&pin)));
                        zone = Some(pin);
                    }
                }
            }
            for key in ["GroupName", "GroupId"] {
                if let Some(group) = self.get(placement, key) {
                    let group = self.string(group, &join(&field, key))?;
                    self.notes.push(format!(
                        "{field}.{key}: placement group `{group}` is not modelled from AWS \
                         requests; plan placement with a native request's [placement] table"
                    ));
                }
            }
        }
        Ok(RawOverride {
            path: path.to_owned(),
            instance_type,
            requirements,
            zone,
            zone_path,
            subnet,
            subnet_mapped: false,
            weight,
            priority,
            price,
            price_key,
        })
    }

    /// The zone an object pins by `AvailabilityZone` or `AvailabilityZoneId` (never both, as
    /// AWS accepts one of them).
    pub(super) fn zone_pin(
        &self,
        object: &Map<String, Value>,
        path: &str,
    ) -> Result<Option<ZoneRef>, RequestError> {
        match (
            self.get(object, "AvailabilityZone"),
            self.get(object, "AvailabilityZoneId"),
        ) {
            (Some(_), Some(_)) => Err(self.err(
                &join(path, "AvailabilityZoneId"),
                "conflicts with AvailabilityZone; AWS accepts one of them per override",
            )),
            (Some(name), None) => {
                let field = join(path, "AvailabilityZone");
                Ok(Some(parse_zone_name(
                    self.label,
                    &field,
                    self.string(name, &field)?,
                )?))
            }
            (None, Some(id)) => {
                let field = join(path, "AvailabilityZoneId");
                Ok(Some(parse_zone_id(
                    self.label,
                    &field,
                    self.string(id, &field)?,
                )?))
            }
            (None, None) => Ok(None),
        }
    }

    /// Maps the overrides onto the request's candidates and prices.
    pub(super) fn assemble(
        &mut self,
        request: &mut FleetRequest,
        raws: Vec<RawOverride>,
        fleet_price: Option<FleetPrice>,
        overrides_path: &str,
        unit_path: &str,
    ) -> Result<(), RequestError> {
        if raws.is_empty() {
            return Err(self.err(
                overrides_path,
                "no overrides: fleetopt needs the instance types (InstanceType or \
                 InstanceRequirements overrides); give the launch template with \
                 --launch-template (describe-launch-template-versions output) or its instance \
                 type with --launch-template-type",
            ));
        }
        let first_type = raws.iter().position(|r| r.instance_type.is_some());
        let first_abs = raws.iter().position(|r| r.requirements.is_some());
        if let (Some(t), Some(a)) = (first_type, first_abs) {
            let (earlier, later) = (t.min(a), t.max(a));
            let (found, other) = if later == a {
                ("InstanceRequirements", "InstanceType")
            } else {
                ("InstanceType", "InstanceRequirements")
            };
            return Err(self.err(
                &raws[later].path,
                format!(
                    "{found} cannot be mixed with {other} (at {}) in one request; AWS rejects \
                     it, even across overrides",
                    raws[earlier].path
                ),
            ));
        }
        // InstanceType overrides with an unmapped subnet are pinned to the subnet's unknown AZ
        // (`ZoneRef::Subnet`, whose plan note names the AZ assumed); attribute-based ones allow
        // every AZ.
        for raw in &raws {
            if raw.zone.is_none()
                && let Some(subnet) = &raw.subnet
            {
                self.notes.push(format!(
                    "{}: SubnetId {subnet} cannot be mapped to an AZ without the VPC; the \
                     override allows every AZ (give aws ec2 describe-subnets output with \
                     --subnets to map it)",
                    raw.path
                ));
            }
        }
        if first_abs.is_some() {
            self.assemble_requirements(request, raws, fleet_price)
        } else {
            if request.target.unit != CapacityUnit::Units {
                return Err(self.err(
                    unit_path,
                    format!(
                        "`{}` is allowed only with InstanceRequirements overrides (AWS: \
                         attribute-based instance type selection); with InstanceType overrides \
                         use units and WeightedCapacity",
                        request.target.unit
                    ),
                ));
            }
            self.assemble_types(request, raws, fleet_price)
        }
    }

    fn assemble_requirements(
        &mut self,
        request: &mut FleetRequest,
        raws: Vec<RawOverride>,
        fleet_price: Option<FleetPrice>,
    ) -> Result<(), RequestError> {
        for raw in &raws {
            if raw.weight.is_some() {
                return Err(self.err(
                    &join(&raw.path, "WeightedCapacity"),
                    "not allowed with InstanceRequirements (AWS: attribute-based overrides take \
                     no weights; use TargetCapacityUnitType vcpu or memory-mib)",
                ));
            }
            if raw.priority.is_some() {
                return Err(self.err(
                    &join(&raw.path, "Priority"),
                    "not allowed with InstanceRequirements (AWS: attribute-based overrides take \
                     no priorities)",
                ));
            }
        }
        for raw in &raws {
            if let Some(requirements) = &raw.requirements
                && !request.candidates.requirements.contains(requirements)
            {
                if request.candidates.requirements.len() == MAX_REQUIREMENTS {
                    return Err(self.err(
                        &join(&raw.path, "InstanceRequirements"),
                        format!(
                            "more than {MAX_REQUIREMENTS} different InstanceRequirements; AWS \
                             accepts at most {MAX_REQUIREMENTS} per request"
                        ),
                    ));
                }
                request.candidates.requirements.push(requirements.clone());
                request
                    .candidates
                    .sources
                    .requirements
                    .push(join(&raw.path, "InstanceRequirements"));
            }
        }
        // Zones: an attribute-based override pinned to an AZ limits its types to that AZ; the
        // union over the overrides is the set of allowed zones, unless one allows every AZ.
        if raws.iter().all(|r| r.zone.is_some()) {
            for raw in &raws {
                if let Some(zone) = &raw.zone
                    && !request.candidates.zones.contains(zone)
                {
                    request.candidates.zones.push(zone.clone());
                    request
                        .candidates
                        .sources
                        .zones
                        .push(raw.zone_path.clone().unwrap_or_else(|| raw.path.clone()));
                }
            }
        } else if raws.iter().any(|r| r.zone.is_some()) {
            self.notes.push(
                "some InstanceRequirements overrides name an AZ and some do not; every AZ is \
                 allowed"
                    .to_owned(),
            );
        }
        // Prices: one max price for all attribute-based overrides, else the fleet's.
        let priced: Vec<&RawOverride> = raws.iter().filter(|r| r.price.is_some()).collect();
        let price = match priced.first() {
            Some(first) => {
                if let Some(odd) = raws.iter().find(|r| r.price != first.price) {
                    return Err(self.err(
                        &join(&odd.path, odd.price_key),
                        format!(
                            "InstanceRequirements overrides with different {} values cannot be \
                             represented; give every override the same max price (or none)",
                            odd.price_key
                        ),
                    ));
                }
                first.price.map(|p| (p, join(&first.path, first.price_key)))
            }
            None => fleet_price.map(|f| (f.price, f.path)),
        };
        if let Some((price, path)) = price {
            if request.target.unit != CapacityUnit::Units {
                return Err(self.err(
                    &path,
                    format!(
                        "a max price per unit-hour with capacity unit `{}` cannot be \
                         represented; remove it (AWS recommends not setting a max price)",
                        request.target.unit
                    ),
                ));
            }
            request.spot.max_price = Some(MaxPrice::PerHour(price));
        }
        Ok(())
    }

    fn assemble_types(
        &mut self,
        request: &mut FleetRequest,
        raws: Vec<RawOverride>,
        fleet_price: Option<FleetPrice>,
    ) -> Result<(), RequestError> {
        let weighted = raws.iter().any(|r| r.weight.is_some());
        if !weighted && let Some(fleet) = &fleet_price {
            request.spot.max_price = Some(MaxPrice::PerHour(fleet.price));
        }
        let mut kept: Vec<RawOverride> = Vec::new();
        for raw in raws {
            let name = raw.instance_type.clone().unwrap_or_default();
            if let Some(previous) = kept
                .iter()
                .find(|k| k.instance_type.as_deref() == Some(name.as_str()) && k.zone == raw.zone)
            {
                return Err(self.err(
                    &raw.path,
                    format!(
                        "{name}{} is already listed at {}; AWS rejects duplicate instance pools",
                        raw.zone
                            .as_ref()
                            .map(|z| format!(" in {z}"))
                            .unwrap_or_default(),
                        previous.path
                    ),
                ));
            }
            if let Some(ZoneRef::Subnet(subnet)) = &raw.zone
                && let Some(other) = kept.iter().find(|k| {
                    k.instance_type.as_deref() == Some(name.as_str())
                        && matches!(k.zone, Some(ZoneRef::Subnet(_)))
                        && (k.weight, k.priority, k.price) != (raw.weight, raw.priority, raw.price)
                })
            {
                // Which AZ is which subnet's is unknown, so which settings apply to a pool of
                // the type would be a guess.
                return Err(self.err(
                    &raw.path,
                    format!(
                        "{name} in subnet {subnet} has other WeightedCapacity, Priority or {} \
                         than at {} (another subnet that cannot be mapped to an AZ); give aws \
                         ec2 describe-subnets output with --subnets so each subnet's AZ is known",
                        raw.price_key, other.path
                    ),
                ));
            }
            kept.push(raw);
        }
        for raw in kept {
            let weight = raw.weight.unwrap_or(1.0);
            // Max prices are per unit-hour when weights are used (aws-semantics §1.5).
            let per_unit = raw
                .price
                .or_else(|| fleet_price.as_ref().filter(|_| weighted).map(|f| f.price));
            let sources = &mut request.candidates.sources;
            sources.overrides.push(join(&raw.path, "InstanceType"));
            sources.override_zones.push(raw.zone_path.clone());
            sources.subnets.push(
                raw.subnet
                    .clone()
                    .filter(|_| matches!(raw.zone, Some(ZoneRef::Id(_))) && raw.subnet_mapped),
            );
            request.candidates.overrides.push(TypeOverride {
                pattern: raw.instance_type.unwrap_or_default(),
                zone: raw.zone,
                weight: raw.weight,
                priority: raw.priority,
                max_price: per_unit.map(|p| p * weight),
            });
        }
        Ok(())
    }

    /// Every override of `LaunchTemplateConfigs[*].Overrides[*]` (EC2 Fleet and Spot Fleet), with
    /// a note for each config without overrides when others have some.
    pub(super) fn launch_template_overrides(
        &mut self,
        object: &Map<String, Value>,
        prefix: &str,
        price_key: &'static str,
    ) -> Result<Vec<RawOverride>, RequestError> {
        let path = join(prefix, "LaunchTemplateConfigs");
        let configs = self.array(
            self.required(
                object,
                "LaunchTemplateConfigs",
                prefix,
                "the launch template configs with their Overrides",
            )?,
            &path,
        )?;
        let mut raws = Vec::new();
        let mut without = Vec::new();
        for (i, config) in configs.iter().enumerate() {
            let config_path = format!("{path}[{i}]");
            let config = self.object(config, &config_path)?;
            let spec_path = join(&config_path, "LaunchTemplateSpecification");
            if self.launch_template.is_none() {
                self.launch_template = self.get(config, "LaunchTemplateSpecification").cloned();
            }
            let template = match self.template_version(config, &spec_path)? {
                Some(version) => Some((
                    version,
                    self.template_facts(version, &spec_path, price_key)?,
                )),
                None => None,
            };
            let first = raws.len();
            let overrides = match self.get(config, "Overrides") {
                Some(overrides) => self.array(overrides, &format!("{config_path}.Overrides"))?,
                None => &[],
            };
            if overrides.is_empty() {
                without.push((config_path, template));
                continue;
            }
            for (j, value) in overrides.iter().enumerate() {
                raws.push(self.parse_override(
                    value,
                    &format!("{config_path}.Overrides[{j}]"),
                    price_key,
                )?);
            }
            // The template's Placement zone holds for the overrides that name no zone or
            // subnet of their own.
            if let Some((_, facts)) = &template
                && let Some((zone, zone_path)) = &facts.zone
            {
                for raw in &mut raws[first..] {
                    if raw.zone.is_none() && raw.subnet.is_none() {
                        raw.zone = Some(zone.clone());
                        raw.zone_path = Some(zone_path.clone());
                    }
                }
            }
        }
        for (config_path, template) in without {
            let field = join(&config_path, "LaunchTemplateSpecification");
            if let Some((version, facts)) = template {
                let Some(raw) = facts.standing else {
                    return Err(self.err(
                        &field,
                        format!(
                            "the config has no Overrides and launch template {} version {} \
                             (--launch-template) has neither InstanceType nor \
                             InstanceRequirements, so there is no instance type to plan",
                            version.id, version.version
                        ),
                    ));
                };
                self.template_note(&config_path, version);
                raws.push(raw);
                continue;
            }
            match self.options.launch_template_type.clone() {
                Some(name) => {
                    check_type_name(self.label, &field, &name, false)?;
                    self.notes.push(format!(
                        "{config_path} has no Overrides: its launch template's instance type is \
                         {name} (--launch-template-type)"
                    ));
                    raws.push(RawOverride::of_template(field, name, price_key));
                }
                None if !raws.is_empty() => self.notes.push(format!(
                    "{config_path} has no Overrides; its launch template's own instance type is \
                     unknown to fleetopt and is ignored (give it with --launch-template or \
                     --launch-template-type)"
                )),
                None => {}
            }
        }
        let mut split = Vec::with_capacity(raws.len());
        for raw in raws {
            split.extend(self.by_subnet(raw)?);
        }
        Ok(split)
    }

    /// An override's subnets, mapped to zones when `--subnets` knows them: one override per
    /// subnet of a comma-separated list (AWS: "Separate multiple subnet IDs using commas"), each
    /// pinned to its subnet's AZ ID. Two subnets of one AZ are refused, as AWS refuses them
    /// ("duplicate instance pools", aws-semantics §1.2).
    pub(super) fn by_subnet(&mut self, raw: RawOverride) -> Result<Vec<RawOverride>, RequestError> {
        let Some(list) = raw.subnet.clone() else {
            return Ok(vec![raw]);
        };
        let field = join(&raw.path, "SubnetId");
        let parts: Vec<&str> = list.split(',').map(str::trim).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(self.err(
                &field,
                format!("empty subnet in the comma-separated list `{list}`"),
            ));
        }
        let mut out: Vec<RawOverride> = Vec::new();
        for part in &parts {
            let mut one = RawOverride {
                subnet: Some((*part).to_owned()),
                ..raw.clone()
            };
            if let Some(zone) = self.options.subnets.get(*part) {
                let mapped = ZoneRef::Id(zone.clone());
                match &raw.zone {
                    Some(ZoneRef::Id(own)) if own != zone => {
                        return Err(self.err(
                            &field,
                            format!(
                                "{part} is in {zone} (--subnets), but the override names \
                                 {own}; AWS launches an override's instances in its subnet's AZ"
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        if let Some(other) = out.iter().find(|o| o.zone.as_ref() == Some(&mapped)) {
                            return Err(self.err(
                                &field,
                                format!(
                                    "{part} and {} are both in {zone}; AWS rejects two subnets of \
                                     one AZ in a fleet (duplicate instance pools)",
                                    other.subnet.as_deref().unwrap_or("")
                                ),
                            ));
                        }
                        one.zone = Some(mapped);
                        one.zone_path = Some(field.clone());
                        one.subnet_mapped = true;
                    }
                }
            }
            out.push(one);
        }
        if raw.requirements.is_some() {
            // Attribute-based overrides of unmapped subnets allow every AZ (noted in
            // `assemble`): their zones become the request's allowed zones, which must be known.
            if out.iter().all(|o| o.zone == raw.zone) {
                return Ok(vec![raw]);
            }
            return Ok(out);
        }
        // An unmapped subnet is one AZ, not known: the overrides that share it share that AZ
        // (AWS launches a subnet's instances in the subnet's AZ).
        for one in &mut out {
            if one.zone.is_none()
                && let Some(subnet) = &one.subnet
            {
                one.zone = Some(ZoneRef::Subnet(subnet.clone()));
                one.zone_path = Some(field.clone());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::ZoneId;

    use crate::request::aws::tests::{assert_errors, fixture, fleet, load};
    use crate::request::{CapacityUnit, MaxPrice, OnDemandSplit, ZoneRef};

    #[test]
    fn max_price_is_per_unit_hour_and_converted_per_instance() {
        let request = load(&fixture("create-fleet-weighted.json")).unwrap();
        let prices: Vec<(&str, Option<f64>, Option<f64>)> = request
            .candidates
            .overrides
            .iter()
            .map(|o| (o.pattern.as_str(), o.weight, o.max_price))
            .collect();
        assert_eq!(
            prices,
            [
                ("m5.large", Some(2.0), Some(0.06)),
                ("m5.large", Some(2.0), None),
                ("m5.xlarge", Some(4.0), Some(0.1)),
                ("c5.large", Some(2.0), None)
            ]
        );
        assert_eq!(
            request.candidates.overrides[0].zone,
            Some(ZoneRef::Id(ZoneId::new("use1-az1")))
        );
        assert_eq!(
            request.candidates.overrides[2].zone,
            Some(ZoneRef::Name("us-east-1d".to_owned()))
        );
        assert_eq!(request.spot.pools, Some(2));
        assert_eq!(request.spot.max_total_price, Some(1.5));
        assert_eq!(request.on_demand.max_total_price, Some(0.8));
        assert_eq!(request.target.on_demand, OnDemandSplit::Target(8.0));
        // Without weights the per-unit price is the per-instance price.
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large", "MaxPrice": "0.05"}"#,
            "",
        ))
        .unwrap();
        assert_eq!(request.candidates.overrides[0].max_price, Some(0.05));
    }

    #[test]
    fn instance_requirements_overrides() {
        let request = load(&fixture("create-fleet-abs.json")).unwrap();
        assert!(request.candidates.overrides.is_empty());
        assert_eq!(request.candidates.requirements.len(), 1);
        assert_eq!(request.candidates.requirements[0].vcpus.max, Some(4));
        assert_eq!(request.target.unit, CapacityUnit::Vcpu);
        assert_eq!(
            request.candidates.zones,
            vec![
                ZoneRef::Id(ZoneId::new("use1-az1")),
                ZoneRef::Id(ZoneId::new("use1-az2"))
            ]
        );
        let priced = load(&fleet(
            r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}}, "MaxPrice": "0.2"}"#,
            "",
        ))
        .unwrap();
        assert_eq!(priced.spot.max_price, Some(MaxPrice::PerHour(0.2)));
    }

    #[test]
    fn unmapped_subnets_are_one_unknown_az_each() {
        // Two subnets are two AZs (AWS rejects two subnets of one AZ in a fleet), so one type
        // in both is two candidates, each pinned to its subnet's AZ.
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large", "SubnetId": "subnet-a"}, {"InstanceType": "m5.large", "SubnetId": "subnet-b"}"#,
            "",
        ))
        .unwrap();
        let zones: Vec<Option<ZoneRef>> = request
            .candidates
            .overrides
            .iter()
            .map(|o| o.zone.clone())
            .collect();
        assert_eq!(
            zones,
            [
                Some(ZoneRef::Subnet("subnet-a".to_owned())),
                Some(ZoneRef::Subnet("subnet-b".to_owned()))
            ]
        );
        assert_eq!(
            request.candidates.sources.override_zones[1].as_deref(),
            Some("LaunchTemplateConfigs[0].Overrides[1].SubnetId")
        );
        // The same type in one subnet twice is a duplicate pool; with other settings in another
        // unmapped subnet, which AZ is whose would be a guess.
        assert_errors(&[
            (
                fleet(
                    r#"{"InstanceType": "m5.large", "SubnetId": "subnet-a"}, {"InstanceType": "m5.large", "SubnetId": "subnet-a"}"#,
                    "",
                ),
                "req.json: LaunchTemplateConfigs[0].Overrides[1]: m5.large in the AZ of subnet-a is already listed at LaunchTemplateConfigs[0].Overrides[0]; AWS rejects duplicate instance pools",
            ),
            (
                fleet(
                    r#"{"InstanceType": "m5.large", "SubnetId": "subnet-a"}, {"InstanceType": "m5.large", "SubnetId": "subnet-b", "WeightedCapacity": 2}"#,
                    "",
                ),
                "req.json: LaunchTemplateConfigs[0].Overrides[1]: m5.large in subnet subnet-b has other WeightedCapacity, Priority or MaxPrice than at LaunchTemplateConfigs[0].Overrides[0] (another subnet that cannot be mapped to an AZ); give aws ec2 describe-subnets output with --subnets so each subnet's AZ is known",
            ),
        ]);
    }

    #[test]
    fn exact_error_messages() {
        let cases: Vec<(String, &str)> = vec![
            (
                fleet(r#"{"InstanceType": "m5.large", "WeightedCapacity": 0}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[0].WeightedCapacity: expected a number > 0, found 0",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large"}, {"InstanceType": "c5.large"}, {"InstanceType": "m5.xlarge", "MaxPrice": "cheap"}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[2].MaxPrice: expected a decimal number as a string (\"0.25\"), found the string \"cheap\"",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4}, "LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {"LaunchTemplateName": "lt"}}]}"#.to_owned(),
                "req.json: LaunchTemplateConfigs: no overrides: fleetopt needs the instance types (InstanceType or InstanceRequirements overrides); give the launch template with --launch-template (describe-launch-template-versions output) or its instance type with --launch-template-type",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az4"}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[0].AvailabilityZoneId: conflicts with AvailabilityZone; AWS accepts one of them per override",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large"}, {"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}}}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[1]: InstanceRequirements cannot be mixed with InstanceType (at LaunchTemplateConfigs[0].Overrides[0]) in one request; AWS rejects it, even across overrides",
            ),
            (
                fleet(r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}}, "WeightedCapacity": 2}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[0].WeightedCapacity: not allowed with InstanceRequirements (AWS: attribute-based overrides take no weights; use TargetCapacityUnitType vcpu or memory-mib)",
            ),
            (
                fleet(r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMib": {"Min": 4}}}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[0].InstanceRequirements.MemoryMib: unknown field `MemoryMib`; did you mean `MemoryMiB`?",
            ),
            (
                fleet(r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2, "Max": 4}}}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[0].InstanceRequirements.MemoryMiB: missing; AWS requires MemoryMiB with a Min in every InstanceRequirements (Min 0 means no minimum)",
            ),
            (
                fleet(r#"{"InstanceRequirements": {"VCpuCount": {"Max": 4}, "MemoryMiB": {"Min": 0}}}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[0].InstanceRequirements.VCpuCount: missing; AWS requires VCpuCount with a Min in every InstanceRequirements (Min 0 means no minimum)",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large", "AvailabilityZone": "us-east-1a"}, {"InstanceType": "m5.large", "AvailabilityZone": "us-east-1a"}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[1]: m5.large in us-east-1a is already listed at LaunchTemplateConfigs[0].Overrides[0]; AWS rejects duplicate instance pools",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4, "TargetCapacityUnitType": "vcpu"}, "LaunchTemplateConfigs": [{"Overrides": [{"InstanceType": "m5.large"}]}]}"#.to_owned(),
                "req.json: TargetCapacitySpecification.TargetCapacityUnitType: `vcpu` is allowed only with InstanceRequirements overrides (AWS: attribute-based instance type selection); with InstanceType overrides use units and WeightedCapacity",
            ),
        ];
        assert_errors(&cases);
    }
}
