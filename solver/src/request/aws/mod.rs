//! AWS request forms: `aws ec2 create-fleet --cli-input-json` ([`ec2_fleet`]), a Spot Fleet
//! request config, bare `SpotFleetRequestConfigData` or wrapped in
//! `{"SpotFleetRequestConfig": …}` ([`spot_fleet`]), and
//! `aws autoscaling create-auto-scaling-group --cli-input-json` with a `MixedInstancesPolicy`
//! ([`asg`]). One file per form, as in `export/`; [`overrides`] holds what the forms share
//! beyond JSON access: launch-template overrides → type overrides, weights, priorities, max
//! prices and zones (an unmapped subnet as one unknown AZ); [`launch_template`] matches a
//! `LaunchTemplateSpecification` against `--launch-template` and says what the version gives. This module is the map: it recognises the form by its keys, dispatches to
//! its reader, and holds the JSON access every form uses.
//!
//! Each form is mapped onto [`FleetRequest`] following `aws-semantics.md`: prices given as
//! decimal strings, max prices per unit-hour when weights are used (converted here to per
//! instance-hour), the EC2 Fleet On-Demand/Spot split normalised into an On-Demand part, the
//! ASG's base + percentage split, priorities and zone balancing. These forms carry no region,
//! so `region` is `None` (the catalogue resolves it from the zones, or the CLI sets it).
//!
//! The forms are read as strictly as the AWS CLI reads them ([`shapes`]): a member that is not
//! in its API shape is refused with its AWS path and the closest member
//! (`LaunchTemplateConfigs[0].Overrides[1].WeightedCapacty: unknown member …; did you mean
//! `WeightedCapacity`?`), before anything is read. Members AWS accepts that fleetopt does not
//! model (`TagSpecifications`, `CapacityRebalance`, `Context`, …) are accepted and each gets a
//! note saying what it would change. Misspelled strategies, zero or negative targets, weights
//! ≤ 0 and fields AWS would reject together are errors naming the AWS field path too. What
//! fleetopt cannot use (a subnet it cannot map to an AZ, a placement group name) becomes a note.

mod asg;
mod ec2_fleet;
mod launch_template;
mod overrides;
mod shapes;
mod spot_fleet;

pub use launch_template::LaunchTemplates;
pub(crate) use shapes::closest_member;

use serde_json::{Map, Value};

use super::checks::{check_positive, parse_unit};
use super::syntax::{Syntax, describe, parse_value};
use super::{
    CapacityUnit, FleetRequest, Mode, OnDemandStrategy, ReadOptions, RequestError,
    RequestErrorKind, SpotStrategy,
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

/// Recognises an AWS request form in JSON text by its keys; `None` for anything else (a native
/// request).
pub fn detect(label: &str, text: &str) -> Result<Option<AwsKind>, RequestError> {
    // A repeated key is refused whatever the form (serde_json would keep the last one).
    super::syntax::refuse_duplicate_keys(label, text)?;
    // Invalid JSON is left to the native reader, which reports the syntax error.
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(root)) => detect_keys(label, &root),
        _ => Ok(None),
    }
}

/// Recognises an AWS request form in YAML text (the AWS CLI's `--cli-input-yaml`) by the same
/// keys as [`detect`]; `None` for anything else, invalid YAML included (the native reader
/// reports it).
pub(crate) fn detect_yaml(label: &str, text: &str) -> Result<Option<AwsKind>, RequestError> {
    match parse_value(label, text, Syntax::Yaml) {
        Ok(Value::Object(root)) => detect_keys(label, &root),
        _ => Ok(None),
    }
}

/// The form a request object is, by its top-level keys.
fn detect_keys(label: &str, root: &Map<String, Value>) -> Result<Option<AwsKind>, RequestError> {
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
    // IamFleetRole is required in a Spot Fleet config and exists in no other form.
    if has("LaunchSpecifications")
        || has("IamFleetRole")
        || (has("TargetCapacity") && has("LaunchTemplateConfigs"))
    {
        return Ok(Some(AwsKind::SpotFleet));
    }
    if has("LaunchTemplateConfigs") {
        // An EC2 Fleet missing its TargetCapacitySpecification: read it so the error says so.
        return Ok(Some(AwsKind::Ec2Fleet));
    }
    Ok(None)
}

/// Reads an AWS request form of a kind [`detect`] or [`detect_yaml`] found, in JSON or YAML.
pub(super) fn read(
    label: &str,
    text: &str,
    syntax: Syntax,
    kind: AwsKind,
    options: &ReadOptions,
) -> Result<FleetRequest, RequestError> {
    let value = parse_value(label, text, syntax)?;
    let Value::Object(root) = value else {
        return Err(RequestError::new(
            label,
            "",
            format!("expected a JSON object, found {}", describe(&value)),
        ));
    };
    let wrapped = kind == AwsKind::SpotFleet && root.contains_key("SpotFleetRequestConfig");
    let mut member_notes = Vec::new();
    let dedicated = shapes::check(label, &root, kind, wrapped, &mut member_notes)?;
    let mut reader = Reader {
        label,
        options,
        notes: Vec::new(),
        launch_template: None,
        dedicated_template: None,
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
    request.notes.extend(member_notes);
    request.launch_template = reader.launch_template;
    if dedicated || reader.dedicated_template.is_some() {
        request.tenancy = fleetopt_instances::Tenancy::Dedicated;
    }
    Ok(request)
}

/// `prefix.key`, or `key` at the root.
fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// One form's reading: the file label for errors and the notes gathered on the way. Each form
/// adds its own `impl Reader` in its file; the JSON access below is what they all use.
struct Reader<'a> {
    label: &'a str,
    /// What the file cannot say itself (subnets, the launch template's type).
    options: &'a ReadOptions,
    notes: Vec<String>,
    /// The first `LaunchTemplateSpecification` read, for [`FleetRequest::launch_template`].
    launch_template: Option<Value>,
    /// Where a launch template version set `Placement.Tenancy dedicated`, if one did.
    dedicated_template: Option<String>,
}

impl Reader<'_> {
    fn err(&self, path: &str, kind: impl Into<RequestErrorKind>) -> RequestError {
        RequestError::new(self.label, path, kind)
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
                format!("expected an object, found {}", describe(value)),
            )
        })
    }

    fn array<'v>(&self, value: &'v Value, path: &str) -> Result<&'v [Value], RequestError> {
        value
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| self.err(path, format!("expected a list, found {}", describe(value))))
    }

    fn string<'v>(&self, value: &'v Value, path: &str) -> Result<&'v str, RequestError> {
        value.as_str().ok_or_else(|| {
            self.err(
                path,
                format!("expected a string, found {}", describe(value)),
            )
        })
    }

    fn boolean(&self, value: &Value, path: &str) -> Result<bool, RequestError> {
        value.as_bool().ok_or_else(|| {
            self.err(
                path,
                format!("expected true or false, found {}", describe(value)),
            )
        })
    }

    /// A JSON number.
    fn number(&self, value: &Value, path: &str) -> Result<f64, RequestError> {
        value.as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
            self.err(
                path,
                format!("expected a number, found {}", describe(value)),
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
                    describe(value)
                ),
            )
        })
    }

    /// A budget (`MaxTotalPrice`): a decimal string > 0.
    fn budget(&self, value: &Value, path: &str) -> Result<f64, RequestError> {
        let budget = self.decimal(value, path)?;
        check_positive(self.label, path, budget)
    }

    fn unit(
        &self,
        object: &Map<String, Value>,
        key: &str,
        prefix: &str,
    ) -> Result<Option<CapacityUnit>, RequestError> {
        let path = join(prefix, key);
        self.get(object, key)
            .map(|v| parse_unit(self.label, &path, self.string(v, &path)?))
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
}

#[cfg(test)]
mod tests {
    //! What every form shares (detection, the fixtures, never panicking) and the helpers the
    //! forms' own tests use.

    use super::*;
    use crate::request::{RequestSource, TypeOverride};

    pub(super) fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../fixtures/requests/aws/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Reads through format detection, as the CLI does.
    pub(super) fn load(text: &str) -> Result<FleetRequest, RequestError> {
        crate::request::read("req.json", text)
    }

    pub(super) fn error(text: &str) -> String {
        match load(text) {
            Ok(request) => panic!("expected an error, got {request:#?}"),
            Err(e) => e.to_string(),
        }
    }

    pub(super) fn fleet(overrides: &str, extra: &str) -> String {
        format!(
            r#"{{"TargetCapacitySpecification": {{"TotalTargetCapacity": 10}},
                "LaunchTemplateConfigs": [{{"LaunchTemplateSpecification": {{"LaunchTemplateName": "lt"}},
                                          "Overrides": [{overrides}]}}]{extra}}}"#
        )
    }

    pub(super) fn spot_fleet(body: &str) -> String {
        format!(r#"{{"IamFleetRole": "arn:aws:iam::1:role/r", "TargetCapacity": 10, {body}}}"#)
    }

    pub(super) fn asg(overrides: &str, distribution: &str, extra: &str) -> String {
        format!(
            r#"{{"AutoScalingGroupName": "g", "MinSize": 0, "MaxSize": 100, "DesiredCapacity": 10,
                "MixedInstancesPolicy": {{
                  "LaunchTemplate": {{"Overrides": [{overrides}]}},
                  "InstancesDistribution": {{{distribution}}}}}{extra}}}"#
        )
    }

    pub(super) fn line(pattern: &str) -> TypeOverride {
        TypeOverride {
            pattern: pattern.to_owned(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        }
    }

    /// Asserts the exact message of each input's error.
    #[track_caller]
    pub(super) fn assert_errors(cases: &[(String, &str)]) {
        for (text, expected) in cases {
            assert_eq!(&error(text), expected, "input:\n{text}");
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
                let _ = read("x", input, Syntax::Json, kind, &ReadOptions::default());
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
            let options = ReadOptions::default();
            let _ = read("x", &text, Syntax::Json, AwsKind::AutoScalingGroup, &options);
            let _ = read("x", &text, Syntax::Json, AwsKind::SpotFleet, &options);
        }
    }
}
