//! AWS request forms: `aws ec2 create-fleet --cli-input-json`, a Spot Fleet request config
//! (bare `SpotFleetRequestConfigData` or wrapped in `{"SpotFleetRequestConfig": …}`), and
//! `aws autoscaling create-auto-scaling-group --cli-input-json` with a `MixedInstancesPolicy`.
//!
//! Each form is mapped onto [`FleetRequest`] following `aws-semantics.md`: prices given as
//! decimal strings, max prices per unit-hour when weights are used (converted here to per
//! instance-hour), the EC2 Fleet On-Demand/Spot split normalised into an On-Demand part, the
//! ASG's base + percentage split, priorities and zone balancing. These forms carry no region,
//! so `region` is `None` (the catalogue resolves it from the zones, or the CLI sets it).
//!
//! Unknown keys are ignored (real files carry `TagSpecifications`, `IamFleetRole`, …), but
//! misspelled strategies, zero or negative targets, weights ≤ 0 and fields AWS would reject
//! together are errors naming the AWS field path
//! (`LaunchTemplateConfigs[0].Overrides[2].WeightedCapacity`). What fleetopt cannot use (a
//! subnet it cannot map to an AZ, `MinTargetCapacity`, a placement group name) becomes a note.

use fleetopt_instances::Market;
use fleetopt_instances::select::Requirements;
use serde_json::{Map, Value};

use super::native::{self, Syntax};
use super::{
    CapacityUnit, FleetRequest, MaxPrice, Mode, OnDemandSplit, OnDemandStrategy, RequestError,
    RequestSource, SpotStrategy, TypeOverride, ZoneRef,
};

/// Which AWS request form a JSON document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsKind {
    /// `aws ec2 create-fleet --cli-input-json`.
    Ec2Fleet,
    /// `aws ec2 request-spot-fleet --spot-fleet-request-config` (bare or wrapped).
    SpotFleet,
    /// `aws autoscaling create-auto-scaling-group --cli-input-json` with a MixedInstancesPolicy.
    AutoScalingGroup,
}

/// The most `InstanceRequirements` AWS accepts in one request.
const MAX_REQUIREMENTS: usize = 4;

/// Recognises an AWS request form by its keys; `None` for anything else (a native request).
pub fn detect(label: &str, text: &str) -> Result<Option<AwsKind>, RequestError> {
    // Invalid JSON is left to the native reader, which reports the syntax error.
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return Ok(None);
    };
    let has = |key: &str| root.get(key).is_some_and(|v| !v.is_null());
    if root
        .get("SpotFleetRequestConfig")
        .is_some_and(Value::is_object)
    {
        return Ok(Some(AwsKind::SpotFleet));
    }
    if has("TargetCapacitySpecification") {
        return Ok(Some(AwsKind::Ec2Fleet));
    }
    if has("MixedInstancesPolicy") {
        return Ok(Some(AwsKind::AutoScalingGroup));
    }
    if has("AutoScalingGroupName")
        || has("LaunchConfigurationName")
        || (has("MinSize") && has("MaxSize"))
    {
        return Err(RequestError::new(
            label,
            "MixedInstancesPolicy",
            "this Auto Scaling group has no MixedInstancesPolicy; fleetopt needs the instance \
             types from MixedInstancesPolicy.LaunchTemplate.Overrides (it cannot read a launch \
             template or launch configuration)",
        ));
    }
    if has("LaunchSpecifications")
        || ((has("IamFleetRole") || has("TargetCapacity")) && has("LaunchTemplateConfigs"))
    {
        return Ok(Some(AwsKind::SpotFleet));
    }
    if has("LaunchTemplateConfigs") {
        // An EC2 Fleet missing its TargetCapacitySpecification: read it so the error says so.
        return Ok(Some(AwsKind::Ec2Fleet));
    }
    Ok(None)
}

/// Reads an AWS request form.
pub fn read(label: &str, text: &str, kind: AwsKind) -> Result<FleetRequest, RequestError> {
    let value = native::parse_value(label, text, Syntax::Json)?;
    let Value::Object(root) = value else {
        return Err(RequestError::new(
            label,
            "",
            format!("expected a JSON object, found {}", native::describe(&value)),
        ));
    };
    let mut reader = Reader {
        label,
        notes: Vec::new(),
    };
    let mut request = match kind {
        AwsKind::Ec2Fleet => reader.ec2_fleet(&root)?,
        AwsKind::SpotFleet => match root.get("SpotFleetRequestConfig") {
            Some(inner) => {
                let config = reader.object(inner, "SpotFleetRequestConfig")?;
                reader.spot_fleet(config, "SpotFleetRequestConfig")?
            }
            None => reader.spot_fleet(&root, "")?,
        },
        AwsKind::AutoScalingGroup => reader.auto_scaling_group(&root)?,
    };
    request.region = None;
    request.mode = Mode::Aws;
    request.notes.extend(reader.notes);
    Ok(request)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// One launch-template override (or legacy launch specification), as given.
#[derive(Debug, Clone)]
struct RawOverride {
    path: String,
    instance_type: Option<String>,
    requirements: Option<Requirements>,
    zone: Option<ZoneRef>,
    subnet: Option<String>,
    weight: Option<f64>,
    priority: Option<f64>,
    /// The override's own spot max price, per unit-hour as AWS reads it.
    price: Option<f64>,
    price_key: &'static str,
}

/// The fleet-wide spot max price (per unit-hour) and where it was given.
struct FleetPrice {
    price: f64,
    path: String,
}

struct Reader<'a> {
    label: &'a str,
    notes: Vec<String>,
}

impl Reader<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> RequestError {
        RequestError::new(self.label, path, message)
    }

    // --- JSON access -----------------------------------------------------------------------

    /// The value at `key`, treating JSON `null` as absent.
    fn get<'v>(&self, object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        object.get(key).filter(|v| !v.is_null())
    }

    fn required<'v>(
        &self,
        object: &'v Map<String, Value>,
        key: &str,
        prefix: &str,
        what: &str,
    ) -> Result<&'v Value, RequestError> {
        self.get(object, key)
            .ok_or_else(|| self.err(&join(prefix, key), format!("required: {what}")))
    }

    fn object<'v>(
        &self,
        value: &'v Value,
        path: &str,
    ) -> Result<&'v Map<String, Value>, RequestError> {
        value.as_object().ok_or_else(|| {
            self.err(
                path,
                format!("expected an object, found {}", native::describe(value)),
            )
        })
    }

    fn array<'v>(&self, value: &'v Value, path: &str) -> Result<&'v [Value], RequestError> {
        value.as_array().map(Vec::as_slice).ok_or_else(|| {
            self.err(
                path,
                format!("expected a list, found {}", native::describe(value)),
            )
        })
    }

    fn string<'v>(&self, value: &'v Value, path: &str) -> Result<&'v str, RequestError> {
        value.as_str().ok_or_else(|| {
            self.err(
                path,
                format!("expected a string, found {}", native::describe(value)),
            )
        })
    }

    fn boolean(&self, value: &Value, path: &str) -> Result<bool, RequestError> {
        value.as_bool().ok_or_else(|| {
            self.err(
                path,
                format!("expected true or false, found {}", native::describe(value)),
            )
        })
    }

    /// A JSON number.
    fn number(&self, value: &Value, path: &str) -> Result<f64, RequestError> {
        value.as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
            self.err(
                path,
                format!("expected a number, found {}", native::describe(value)),
            )
        })
    }

    /// A whole number ≥ 0 (AWS Integer members).
    fn whole(&self, value: &Value, path: &str) -> Result<f64, RequestError> {
        let number = self.number(value, path)?;
        if number < 0.0 || number.fract() != 0.0 {
            return Err(self.err(path, format!("expected a whole number ≥ 0, found {number}")));
        }
        Ok(number)
    }

    /// A count: a whole number in `min..=max`.
    fn count(&self, value: &Value, path: &str, min: u32, max: u32) -> Result<u32, RequestError> {
        let number = self.whole(value, path)?;
        if number < f64::from(min) || number > f64::from(max) {
            return Err(self.err(
                path,
                format!("expected a whole number in {min}..={max}, found {number}"),
            ));
        }
        // In range, so the conversion is exact.
        Ok(u32::try_from(number as u64).unwrap_or(max))
    }

    /// A decimal AWS sends as a string (`"0.80"`); a JSON number is accepted too.
    fn decimal(&self, value: &Value, path: &str) -> Result<f64, RequestError> {
        let parsed = match value {
            Value::String(text) => text.trim().parse::<f64>().ok(),
            Value::Number(n) => n.as_f64(),
            _ => None,
        };
        parsed.filter(|v| v.is_finite()).ok_or_else(|| {
            self.err(
                path,
                format!(
                    "expected a decimal number as a string (\"0.25\"), found {}",
                    native::describe(value)
                ),
            )
        })
    }

    /// A budget (`MaxTotalPrice`): a decimal string > 0.
    fn budget(&self, value: &Value, path: &str) -> Result<f64, RequestError> {
        let budget = self.decimal(value, path)?;
        native::check_positive(self.label, path, budget)
    }

    fn unit(
        &self,
        object: &Map<String, Value>,
        key: &str,
        prefix: &str,
    ) -> Result<Option<CapacityUnit>, RequestError> {
        let path = join(prefix, key);
        self.get(object, key)
            .map(|v| native::parse_unit(self.label, &path, self.string(v, &path)?))
            .transpose()
    }

    fn spot_strategy(&self, value: &Value, path: &str) -> Result<SpotStrategy, RequestError> {
        SpotStrategy::parse(self.string(value, path)?).map_err(|m| self.err(path, m))
    }

    fn on_demand_strategy(
        &self,
        value: &Value,
        path: &str,
    ) -> Result<OnDemandStrategy, RequestError> {
        OnDemandStrategy::parse(self.string(value, path)?).map_err(|m| self.err(path, m))
    }

    fn fleet_type(
        &self,
        object: &Map<String, Value>,
        prefix: &str,
    ) -> Result<Option<String>, RequestError> {
        let path = join(prefix, "Type");
        let Some(value) = self.get(object, "Type") else {
            return Ok(None);
        };
        let text = self.string(value, &path)?;
        if !matches!(text, "instant" | "request" | "maintain") {
            return Err(self.err(
                &path,
                format!("expected instant, request or maintain, found `{text}`"),
            ));
        }
        Ok(Some(text.to_owned()))
    }

    // --- overrides -------------------------------------------------------------------------

    fn parse_override(
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
                native::check_type_name(self.label, &field, name, false)?;
                Some(name.to_owned())
            }
            None => None,
        };
        let requirements = match self.get(object, "InstanceRequirements") {
            Some(v) => {
                let field = join(path, "InstanceRequirements");
                self.object(v, &field)?;
                let requirements: Requirements = native::from_value(self.label, &field, v.clone())?;
                requirements
                    .validate()
                    .map_err(|e| self.err(&field, e.to_string()))?;
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
        let zone = match (
            self.get(object, "AvailabilityZone"),
            self.get(object, "AvailabilityZoneId"),
        ) {
            (Some(_), Some(_)) => {
                return Err(self.err(
                    &join(path, "AvailabilityZoneId"),
                    "conflicts with AvailabilityZone; AWS accepts one of them per override",
                ));
            }
            (Some(name), None) => {
                let field = join(path, "AvailabilityZone");
                Some(native::parse_zone_name(
                    self.label,
                    &field,
                    self.string(name, &field)?,
                )?)
            }
            (None, Some(id)) => {
                let field = join(path, "AvailabilityZoneId");
                Some(native::parse_zone_id(
                    self.label,
                    &field,
                    self.string(id, &field)?,
                )?)
            }
            (None, None) => None,
        };
        let subnet = match self.get(object, "SubnetId") {
            Some(v) => Some(self.string(v, &join(path, "SubnetId"))?.to_owned()),
            None => None,
        };
        let weight = match self.get(object, "WeightedCapacity") {
            Some(v) => {
                let field = join(path, "WeightedCapacity");
                let weight = self.number(v, &field)?;
                Some(native::check_positive(self.label, &field, weight)?)
            }
            None => None,
        };
        let priority = match self.get(object, "Priority") {
            Some(v) => {
                let field = join(path, "Priority");
                let priority = self.number(v, &field)?;
                Some(native::check_non_negative(self.label, &field, priority)?)
            }
            None => None,
        };
        let price = match self.get(object, price_key) {
            Some(v) => {
                let field = join(path, price_key);
                let price = self.decimal(v, &field)?;
                Some(native::check_max_price(self.label, &field, price)?)
            }
            None => None,
        };
        if let Some(placement) = self.get(object, "Placement") {
            let field = join(path, "Placement");
            let placement = self.object(placement, &field)?;
            if let Some(group) = self.get(placement, "GroupName") {
                let group = self.string(group, &join(&field, "GroupName"))?;
                self.notes.push(format!(
                    "{field}.GroupName: placement group `{group}` is not modelled from AWS \
                     requests; plan placement with a native request's [placement] table"
                ));
            }
        }
        Ok(RawOverride {
            path: path.to_owned(),
            instance_type,
            requirements,
            zone,
            subnet,
            weight,
            priority,
            price,
            price_key,
        })
    }

    /// Maps the overrides onto the request's candidates and prices.
    fn assemble(
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
                 InstanceRequirements overrides); it cannot read a launch template",
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
        for raw in &raws {
            if raw.zone.is_none()
                && let Some(subnet) = &raw.subnet
            {
                self.notes.push(format!(
                    "{}: SubnetId {subnet} cannot be mapped to an AZ without the VPC; the \
                     override allows every AZ",
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
            }
        }
        // Zones: an attribute-based override pinned to an AZ limits its types to that AZ; the
        // union over the overrides is the set of allowed zones, unless one allows every AZ.
        if raws.iter().all(|r| r.zone.is_some()) {
            for zone in raws.iter().filter_map(|r| r.zone.clone()) {
                if !request.candidates.zones.contains(&zone) {
                    request.candidates.zones.push(zone);
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
                if raw.zone.is_none() && (raw.subnet.is_some() || previous.subnet.is_some()) {
                    self.notes.push(format!(
                        "{}: {name} is already listed at {}; with subnets that cannot be mapped \
                         to AZs the two are one candidate, and the first one's settings apply",
                        raw.path, previous.path
                    ));
                    continue;
                }
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
            kept.push(raw);
        }
        for raw in kept {
            let weight = raw.weight.unwrap_or(1.0);
            // Max prices are per unit-hour when weights are used (aws-semantics §1.5).
            let per_unit = raw
                .price
                .or_else(|| fleet_price.as_ref().filter(|_| weighted).map(|f| f.price));
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

    fn launch_template_overrides(
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
            let Some(overrides) = self.get(config, "Overrides") else {
                without.push(config_path);
                continue;
            };
            let overrides_path = format!("{config_path}.Overrides");
            let overrides = self.array(overrides, &overrides_path)?;
            if overrides.is_empty() {
                without.push(config_path);
            }
            for (j, value) in overrides.iter().enumerate() {
                raws.push(self.parse_override(
                    value,
                    &format!("{overrides_path}[{j}]"),
                    price_key,
                )?);
            }
        }
        if !raws.is_empty() {
            for config_path in without {
                self.notes.push(format!(
                    "{config_path} has no Overrides; its launch template's own instance type is \
                     unknown to fleetopt and is ignored"
                ));
            }
        }
        Ok(raws)
    }

    // --- EC2 Fleet -------------------------------------------------------------------------

    fn ec2_fleet(&mut self, root: &Map<String, Value>) -> Result<FleetRequest, RequestError> {
        const TCS: &str = "TargetCapacitySpecification";
        let spec = self.required(root, TCS, "", "the fleet's target capacity")?;
        let spec = self.object(spec, TCS)?;
        let total_path = join(TCS, "TotalTargetCapacity");
        let total = self.whole(
            self.required(
                spec,
                "TotalTargetCapacity",
                TCS,
                "the number of units to request (> 0)",
            )?,
            &total_path,
        )?;
        let total = native::check_capacity(self.label, &total_path, total)?;
        let mut request = FleetRequest::new("", total, Mode::Aws);
        request.source = RequestSource::Ec2Fleet;

        let default_path = join(TCS, "DefaultTargetCapacityType");
        let default_market = match self.get(spec, "DefaultTargetCapacityType") {
            None => Market::Spot,
            Some(v) => match self.string(v, &default_path)? {
                "spot" => Market::Spot,
                "on-demand" => Market::OnDemand,
                other @ ("capacity-block" | "reserved-capacity") => {
                    return Err(self.err(
                        &default_path,
                        format!(
                            "`{other}` is not supported: fleetopt plans Spot and On-Demand \
                             capacity only"
                        ),
                    ));
                }
                other => {
                    return Err(self.err(
                        &default_path,
                        format!("expected spot or on-demand, found `{other}`"),
                    ));
                }
            },
        };
        let part = |reader: &Self, key: &str| -> Result<Option<f64>, RequestError> {
            let path = join(TCS, key);
            let Some(v) = reader.get(spec, key) else {
                return Ok(None);
            };
            let value = reader.whole(v, &path)?;
            if value > total {
                return Err(reader.err(
                    &path,
                    format!("{value} exceeds TotalTargetCapacity {total}"),
                ));
            }
            Ok(Some(value))
        };
        let on_demand = part(self, "OnDemandTargetCapacity")?;
        let spot = part(self, "SpotTargetCapacity")?;
        if let (Some(od), Some(sp)) = (on_demand, spot)
            && od + sp != total
        {
            self.notes.push(format!(
                "{TCS}: OnDemandTargetCapacity {od} + SpotTargetCapacity {sp} ≠ \
                 TotalTargetCapacity {total}; AWS does not document this case, so the \
                 difference is taken as {} (DefaultTargetCapacityType)",
                default_market.as_str()
            ));
        }
        let on_demand_part = match default_market {
            Market::OnDemand => total - spot.unwrap_or(0.0),
            Market::Spot => on_demand.unwrap_or(0.0),
        };
        request.target.on_demand = OnDemandSplit::Target(on_demand_part);
        request.target.default_market = default_market;
        let unit_path = join(TCS, "TargetCapacityUnitType");
        if let Some(unit) = self.unit(spec, "TargetCapacityUnitType", TCS)? {
            request.target.unit = unit;
        }
        let fleet_type = self.fleet_type(root, "")?;

        let mut single = [(false, false); 2];
        for (i, options_key) in ["SpotOptions", "OnDemandOptions"].into_iter().enumerate() {
            let Some(options) = self.get(root, options_key) else {
                continue;
            };
            let options = self.object(options, options_key)?;
            let path = |key: &str| join(options_key, key);
            if let Some(v) = self.get(options, "AllocationStrategy") {
                if i == 0 {
                    request.spot.strategy = self.spot_strategy(v, &path("AllocationStrategy"))?;
                } else {
                    request.on_demand.strategy =
                        self.on_demand_strategy(v, &path("AllocationStrategy"))?;
                }
            }
            if let Some(v) = self.get(options, "MaxTotalPrice") {
                let budget = Some(self.budget(v, &path("MaxTotalPrice"))?);
                if i == 0 {
                    request.spot.max_total_price = budget;
                } else {
                    request.on_demand.max_total_price = budget;
                }
            }
            for (flag, key) in [
                (&mut single[i].0, "SingleInstanceType"),
                (&mut single[i].1, "SingleAvailabilityZone"),
            ] {
                if let Some(v) = self.get(options, key) {
                    *flag = self.boolean(v, &path(key))?;
                }
            }
            if let Some(v) = self.get(options, "MinTargetCapacity") {
                let minimum = self.whole(v, &path("MinTargetCapacity"))?;
                self.notes.push(format!(
                    "{}: {minimum} is ignored; fleetopt plans the full target (AWS launches \
                     nothing unless this minimum is reached)",
                    path("MinTargetCapacity")
                ));
            }
            if i == 1 && self.get(options, "CapacityReservationOptions").is_some() {
                self.notes.push(
                    "OnDemandOptions.CapacityReservationOptions: Capacity Reservations are not \
                     modelled; On-Demand capacity is planned at list prices"
                        .to_owned(),
                );
            }
        }
        if let Some(spot_options) = self.get(root, "SpotOptions").and_then(Value::as_object)
            && let Some(v) = self.get(spot_options, "InstancePoolsToUseCount")
        {
            let path = "SpotOptions.InstancePoolsToUseCount";
            let pools = self.count(v, path, 1, u32::MAX)?;
            if request.spot.strategy != SpotStrategy::LowestPrice {
                return Err(self.err(
                    path,
                    format!(
                        "valid only with AllocationStrategy lowest-price, not {}",
                        request.spot.strategy.kebab()
                    ),
                ));
            }
            request.spot.pools = Some(pools);
        }
        self.single_flags(&mut request, single, fleet_type.as_deref());

        let raws = self.launch_template_overrides(root, "", "MaxPrice")?;
        self.assemble(
            &mut request,
            raws,
            None,
            "LaunchTemplateConfigs",
            &unit_path,
        )?;
        Ok(request)
    }

    /// `Single*` flags per market become plan-wide constraints.
    fn single_flags(
        &mut self,
        request: &mut FleetRequest,
        single: [(bool, bool); 2],
        fleet_type: Option<&str>,
    ) {
        let [(spot_type, spot_az), (od_type, od_az)] = single;
        request.constraints.single_type = spot_type || od_type;
        request.constraints.single_az = spot_az || od_az;
        let on_demand = request.on_demand_target();
        let mixed = on_demand > 0.0 && on_demand < request.target.capacity;
        for (name, spot, od) in [
            ("SingleInstanceType", spot_type, od_type),
            ("SingleAvailabilityZone", spot_az, od_az),
        ] {
            if mixed && spot != od {
                self.notes.push(format!(
                    "{}.{name} is set for one market only; fleetopt applies it to the whole plan",
                    if spot {
                        "SpotOptions"
                    } else {
                        "OnDemandOptions"
                    }
                ));
            }
            if (spot || od) && fleet_type != Some("instant") {
                self.notes.push(format!(
                    "{name}: AWS supports it only for fleets of Type instant; planned as asked"
                ));
            }
        }
    }

    // --- Spot Fleet ------------------------------------------------------------------------

    fn spot_fleet(
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
        let total = native::check_capacity(self.label, &path("TargetCapacity"), total)?;
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
                    price: native::check_max_price(self.label, &field, price)?,
                    path: field,
                })
            }
            None => None,
        };
        self.fleet_type(config, prefix)?;

        let templates = self.get(config, "LaunchTemplateConfigs").is_some();
        let specifications = self.get(config, "LaunchSpecifications").is_some();
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
            let mut zones: Vec<ZoneRef> = Vec::new();
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
                            native::parse_zone_id(self.label, &field, part)?
                        } else {
                            native::parse_zone_name(self.label, &field, part)?
                        };
                        if zones.contains(&zone) {
                            return Err(self.err(&field, format!("`{zone}` is listed twice")));
                        }
                        zones.push(zone);
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
                raws.push(base);
            } else {
                for zone in zones {
                    raws.push(RawOverride {
                        zone: Some(zone),
                        ..base.clone()
                    });
                }
            }
        }
        Ok(raws)
    }

    // --- Auto Scaling group ----------------------------------------------------------------

    fn auto_scaling_group(
        &mut self,
        root: &Map<String, Value>,
    ) -> Result<FleetRequest, RequestError> {
        const MIP: &str = "MixedInstancesPolicy";
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
        let desired = native::check_capacity(self.label, "DesiredCapacity", desired)?;
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
                    native::parse_zone_id(self.label, &field, text)?
                } else {
                    native::parse_zone_name(self.label, &field, text)?
                };
                if !request.candidates.zones.contains(&zone) {
                    request.candidates.zones.push(zone);
                }
            }
        }
        if let Some(subnets) = self.get(root, "VPCZoneIdentifier") {
            let subnets = self.string(subnets, "VPCZoneIdentifier")?;
            self.notes.push(format!(
                "VPCZoneIdentifier: subnets {subnets} cannot be mapped to AZs without the VPC; {}",
                if request.candidates.zones.is_empty() {
                    "every AZ of the region is allowed"
                } else {
                    "the listed Availability Zones are used"
                }
            ));
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
        if overrides.is_empty() {
            return Err(self.err(
                &overrides_path,
                "no overrides: fleetopt needs the instance types (InstanceType or \
                 InstanceRequirements overrides); it cannot read a launch template",
            ));
        }
        let mut raws = Vec::new();
        for (i, value) in overrides.iter().enumerate() {
            let path = format!("{overrides_path}[{i}]");
            let object = self.object(value, &path)?;
            // ASG weights are strings "1".."999"; Priority and zones do not exist here.
            let mut shared = object.clone();
            let weight = shared.remove("WeightedCapacity").filter(|v| !v.is_null());
            for key in [
                "AvailabilityZone",
                "AvailabilityZoneId",
                "SubnetId",
                "Priority",
                "MaxPrice",
                "SpotPrice",
                "Placement",
            ] {
                shared.remove(key);
            }
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
                    price: native::check_max_price(self.label, &field, price)?,
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
    use fleetopt_instances::ZoneId;

    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../fixtures/requests/aws/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Reads through format detection, as the CLI does.
    fn load(text: &str) -> Result<FleetRequest, RequestError> {
        crate::request::read("req.json", text)
    }

    fn error(text: &str) -> String {
        match load(text) {
            Ok(request) => panic!("expected an error, got {request:#?}"),
            Err(e) => e.to_string(),
        }
    }

    fn fleet(overrides: &str, extra: &str) -> String {
        format!(
            r#"{{"TargetCapacitySpecification": {{"TotalTargetCapacity": 10}},
                "LaunchTemplateConfigs": [{{"LaunchTemplateSpecification": {{"LaunchTemplateName": "lt"}},
                                          "Overrides": [{overrides}]}}]{extra}}}"#
        )
    }

    fn spot_fleet(body: &str) -> String {
        format!(r#"{{"IamFleetRole": "arn:aws:iam::1:role/r", "TargetCapacity": 10, {body}}}"#)
    }

    fn asg(overrides: &str, distribution: &str, extra: &str) -> String {
        format!(
            r#"{{"AutoScalingGroupName": "g", "MinSize": 0, "MaxSize": 100, "DesiredCapacity": 10,
                "MixedInstancesPolicy": {{
                  "LaunchTemplate": {{"Overrides": [{overrides}]}},
                  "InstancesDistribution": {{{distribution}}}}}{extra}}}"#
        )
    }

    fn line(pattern: &str) -> TypeOverride {
        TypeOverride {
            pattern: pattern.to_owned(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        }
    }

    #[test]
    fn detection_by_keys() {
        let kind = |text: &str| detect("x", text).unwrap();
        assert_eq!(
            kind(&fixture("create-fleet-instant.json")),
            Some(AwsKind::Ec2Fleet)
        );
        assert_eq!(
            kind(&fixture("spot-fleet-wrapped.json")),
            Some(AwsKind::SpotFleet)
        );
        assert_eq!(
            kind(&fixture("spot-fleet-launch-specifications.json")),
            Some(AwsKind::SpotFleet)
        );
        assert_eq!(
            kind(&fixture("asg-mixed.json")),
            Some(AwsKind::AutoScalingGroup)
        );
        assert_eq!(
            kind(r#"{"region": "us-east-1", "target": {"capacity": 1}}"#),
            None
        );
        assert_eq!(kind("not json"), None);
        assert_eq!(kind("[1, 2]"), None);
        assert_eq!(
            detect(
                "g.json",
                r#"{"AutoScalingGroupName": "g", "MinSize": 1, "MaxSize": 2, "LaunchTemplate": {}}"#
            )
            .unwrap_err()
            .to_string(),
            "g.json: MixedInstancesPolicy: this Auto Scaling group has no MixedInstancesPolicy; \
             fleetopt needs the instance types from MixedInstancesPolicy.LaunchTemplate.Overrides \
             (it cannot read a launch template or launch configuration)"
        );
    }

    #[test]
    fn every_aws_fixture_reads() {
        let dir = format!("{}/../fixtures/requests/aws", env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let label = path.display().to_string();
            let request =
                crate::request::read(&label, &text).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_ne!(request.source, RequestSource::Native, "{label}");
            assert_eq!(request.mode, Mode::Aws, "{label}");
            assert_eq!(request.region, None, "{label}");
            count += 1;
        }
        assert!(count >= 6, "only {count} AWS fixtures");
    }

    #[test]
    fn create_fleet_semantics_example() {
        let request = load(&fixture("create-fleet-instant.json")).unwrap();
        assert_eq!(request.source, RequestSource::Ec2Fleet);
        assert_eq!(request.target.capacity, 20.0);
        assert_eq!(request.target.on_demand, OnDemandSplit::Target(10.0));
        assert_eq!(request.target.default_market, Market::Spot);
        assert_eq!(request.spot.strategy, SpotStrategy::CapacityOptimized);
        assert_eq!(request.on_demand.strategy, OnDemandStrategy::Prioritized);
        assert_eq!(
            request.candidates.overrides,
            vec![
                TypeOverride {
                    priority: Some(1.0),
                    zone: Some(ZoneRef::Name("us-east-1a".to_owned())),
                    ..line("c5.large")
                },
                TypeOverride {
                    priority: Some(2.0),
                    weight: Some(1.0),
                    ..line("m5.large")
                },
            ]
        );
        assert!(request.notes.contains(
            &"LaunchTemplateConfigs[0].Overrides[1]: SubnetId subnet-e7188bab cannot be mapped \
              to an AZ without the VPC; the override allows every AZ"
                .to_owned()
        ));
        assert_eq!(request.notes.len(), 2, "{:#?}", request.notes);
    }

    #[test]
    fn create_fleet_split_normalisation() {
        let split = |spec: &str| {
            let text = format!(
                r#"{{"TargetCapacitySpecification": {{"TotalTargetCapacity": 20{spec}}},
                    "LaunchTemplateConfigs": [{{"Overrides": [{{"InstanceType": "m5.large"}}]}}]}}"#
            );
            let request = load(&text).unwrap();
            (
                request.target.on_demand,
                request.target.default_market,
                request.notes,
            )
        };
        // Default spot: On-Demand part = OnDemandTargetCapacity.
        assert_eq!(split("").0, OnDemandSplit::Target(0.0));
        assert_eq!(
            split(r#", "OnDemandTargetCapacity": 5"#).0,
            OnDemandSplit::Target(5.0)
        );
        // Default on-demand: On-Demand part = total − SpotTargetCapacity.
        let (on_demand, market, _) =
            split(r#", "SpotTargetCapacity": 15, "DefaultTargetCapacityType": "on-demand""#);
        assert_eq!(on_demand, OnDemandSplit::Target(5.0));
        assert_eq!(market, Market::OnDemand);
        assert_eq!(
            split(r#", "DefaultTargetCapacityType": "on-demand""#).0,
            OnDemandSplit::Target(20.0)
        );
        // Both given, not summing to the total: a note.
        let (on_demand, _, notes) =
            split(r#", "OnDemandTargetCapacity": 5, "SpotTargetCapacity": 10"#);
        assert_eq!(on_demand, OnDemandSplit::Target(5.0));
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains(
                "OnDemandTargetCapacity 5 + SpotTargetCapacity 10 ≠ TotalTargetCapacity 20"
            )
        );
        // Both given and consistent (UG examples do this): no note.
        assert!(
            split(r#", "OnDemandTargetCapacity": 0, "SpotTargetCapacity": 20"#)
                .2
                .is_empty()
        );
    }

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
    fn create_fleet_options() {
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large"}"#,
            r#", "Type": "instant",
               "SpotOptions": {"AllocationStrategy": "priceCapacityOptimized", "SingleInstanceType": true,
                               "SingleAvailabilityZone": true, "MinTargetCapacity": 4},
               "OnDemandOptions": {"AllocationStrategy": "lowestPrice"}"#,
        ))
        .unwrap();
        assert_eq!(request.spot.strategy, SpotStrategy::PriceCapacityOptimized);
        assert!(request.constraints.single_type);
        assert!(request.constraints.single_az);
        assert_eq!(
            request.notes,
            vec![
                "SpotOptions.MinTargetCapacity: 4 is ignored; fleetopt plans the full target (AWS \
                 launches nothing unless this minimum is reached)"
                    .to_owned()
            ]
        );
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large", "Placement": {"GroupName": "pg-1"}}"#,
            r#", "OnDemandOptions": {"SingleAvailabilityZone": true}"#,
        ))
        .unwrap();
        assert!(request.constraints.single_az);
        assert_eq!(request.notes.len(), 2, "{:#?}", request.notes);
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
                ("m5.xlarge", None, Some(0.08)),
            ]
        );
        assert_eq!(bare.notes.len(), 1);

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
    fn subnet_only_duplicates_merge_with_a_note() {
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large", "SubnetId": "subnet-a"}, {"InstanceType": "m5.large", "SubnetId": "subnet-b"}"#,
            "",
        ))
        .unwrap();
        assert_eq!(request.candidates.overrides.len(), 1);
        assert_eq!(request.notes.len(), 3, "{:#?}", request.notes);
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
                fleet(r#"{"InstanceType": "m5.large"}"#, r#", "SpotOptions": {"AllocationStrategy": "price-capacity-optimised"}"#),
                "req.json: SpotOptions.AllocationStrategy: unknown spot allocation strategy `price-capacity-optimised`; did you mean `price-capacity-optimized`? (expected one of priceCapacityOptimized, price-capacity-optimized, capacityOptimized, capacity-optimized, capacityOptimizedPrioritized, capacity-optimized-prioritized, lowestPrice, lowest-price, diversified)",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 0}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.TotalTargetCapacity: expected a number > 0, found 0",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": -3}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.TotalTargetCapacity: expected a whole number ≥ 0, found -3",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4}, "LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {"LaunchTemplateName": "lt"}}]}"#.to_owned(),
                "req.json: LaunchTemplateConfigs: no overrides: fleetopt needs the instance types (InstanceType or InstanceRequirements overrides); it cannot read a launch template",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4, "DefaultTargetCapacityType": "capacity-block"}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.DefaultTargetCapacityType: `capacity-block` is not supported: fleetopt plans Spot and On-Demand capacity only",
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
                fleet(r#"{"InstanceType": "m5.large"}"#, r#", "SpotOptions": {"AllocationStrategy": "diversified", "InstancePoolsToUseCount": 2}"#),
                "req.json: SpotOptions.InstancePoolsToUseCount: valid only with AllocationStrategy lowest-price, not diversified",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large"}"#, r#", "SpotOptions": {"MaxTotalPrice": "-1"}"#),
                "req.json: SpotOptions.MaxTotalPrice: expected a number > 0, found -1",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large", "AvailabilityZone": "us-east-1a"}, {"InstanceType": "m5.large", "AvailabilityZone": "us-east-1a"}"#, ""),
                "req.json: LaunchTemplateConfigs[0].Overrides[1]: m5.large in us-east-1a is already listed at LaunchTemplateConfigs[0].Overrides[0]; AWS rejects duplicate instance pools",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4, "TargetCapacityUnitType": "vcpu"}, "LaunchTemplateConfigs": [{"Overrides": [{"InstanceType": "m5.large"}]}]}"#.to_owned(),
                "req.json: TargetCapacitySpecification.TargetCapacityUnitType: `vcpu` is allowed only with InstanceRequirements overrides (AWS: attribute-based instance type selection); with InstanceType overrides use units and WeightedCapacity",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4, "OnDemandTargetCapacity": 5}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.OnDemandTargetCapacity: 5 exceeds TotalTargetCapacity 4",
            ),
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
                "req.json: MixedInstancesPolicy.LaunchTemplate.Overrides: no overrides: fleetopt needs the instance types (InstanceType or InstanceRequirements overrides); it cannot read a launch template",
            ),
            (
                asg(r#"{"InstanceType": "m5.large"}"#, "", r#", "AvailabilityZones": ["use1-az1"]"#),
                "req.json: AvailabilityZones[0]: expected an Availability Zone name such as `us-east-1a`, found the AZ ID `use1-az1` (give it as AvailabilityZoneId)",
            ),
        ];
        for (text, expected) in &cases {
            assert_eq!(&error(text), expected, "input:\n{text}");
        }
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
    fn garbage_never_panics() {
        let inputs = [
            r#"{"TargetCapacitySpecification": null}"#,
            r#"{"TargetCapacitySpecification": 5}"#,
            r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 1e300}}"#,
            r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 1}, "LaunchTemplateConfigs": [null, 3, {"Overrides": {}}]}"#,
            r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 1}, "LaunchTemplateConfigs": [{"Overrides": [null]}]}"#,
            r#"{"SpotFleetRequestConfig": {}}"#,
            r#"{"SpotFleetRequestConfig": {"TargetCapacity": 1, "LaunchSpecifications": [{"InstanceType": "m5.large", "Placement": {"AvailabilityZone": ",,"}}]}}"#,
            r#"{"SpotFleetRequestConfig": {"TargetCapacity": 1, "LaunchSpecifications": 7}}"#,
            r#"{"MixedInstancesPolicy": null, "DesiredCapacity": 1}"#,
            r#"{"MixedInstancesPolicy": {"LaunchTemplate": {"Overrides": [{"InstanceType": "m5.large", "WeightedCapacity": "1e999"}]}}, "DesiredCapacity": 1}"#,
            r#"{"MixedInstancesPolicy": {"InstancesDistribution": [], "LaunchTemplate": {"Overrides": [{"InstanceType": "m5.large"}]}}, "DesiredCapacity": 1}"#,
            r#"{"LaunchSpecifications": []}"#,
            r#"{"LaunchTemplateConfigs": "x"}"#,
        ];
        for input in inputs {
            let _ = load(input);
            for kind in [
                AwsKind::Ec2Fleet,
                AwsKind::SpotFleet,
                AwsKind::AutoScalingGroup,
            ] {
                let _ = read("x", input, kind);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_json_never_panics(
            total in proptest::prelude::any::<f64>(),
            weight in "\\PC{0,8}",
            zone in "\\PC{0,12}",
        ) {
            let text = serde_json::json!({
                "TargetCapacitySpecification": {"TotalTargetCapacity": total},
                "LaunchTemplateConfigs": [{"Overrides": [
                    {"InstanceType": "m5.large", "WeightedCapacity": weight, "AvailabilityZone": zone}
                ]}]
            })
            .to_string();
            let _ = load(&text);
            let _ = read("x", &text, AwsKind::AutoScalingGroup);
            let _ = read("x", &text, AwsKind::SpotFleet);
        }
    }
}
