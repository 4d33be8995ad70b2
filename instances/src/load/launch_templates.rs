//! Reads `aws ec2 describe-launch-template-versions` output and produces
//! [`LaunchTemplateVersion`]s: what a fleet request's launch template says about instance
//! types and placement, so a request that names a template (EC2 Fleet Examples 1–3, an ASG
//! without overrides) can be planned.
//!
//! Shape (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateVersion.html>):
//! `{"LaunchTemplateVersions": [{LaunchTemplateId, LaunchTemplateName, VersionNumber,
//! DefaultVersion, LaunchTemplateData: {InstanceType?, InstanceRequirements?, Placement?:
//! {AvailabilityZone?, AvailabilityZoneId?, GroupName?, Tenancy?}, …}, …}]}`. Only those
//! members are read (the AMI, network interfaces, storage and the rest are launch settings
//! that do not change a plan); each one read is checked, and `InstanceRequirements` is held to
//! AWS's rules as a request's is (aws-semantics §1.10).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{LoadError, parse_json};
use crate::select::{Requirements, missing_aws_range};

/// One version of one launch template.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchTemplateVersion {
    /// Where it is in the file (`LaunchTemplateVersions[2]`), for messages.
    pub path: String,
    /// `lt-0abcd1234example`.
    pub id: String,
    /// The template's name.
    pub name: String,
    /// `VersionNumber` (from 1).
    pub version: u64,
    /// Whether this is the template's default version (`$Default`).
    pub default: bool,
    /// `LaunchTemplateData.InstanceType`.
    pub instance_type: Option<String>,
    /// `LaunchTemplateData.InstanceRequirements`.
    pub requirements: Option<Requirements>,
    /// `LaunchTemplateData.Placement.AvailabilityZone` (an account's AZ name).
    pub availability_zone: Option<String>,
    /// `LaunchTemplateData.Placement.AvailabilityZoneId`.
    pub availability_zone_id: Option<String>,
    /// `LaunchTemplateData.Placement.GroupName`.
    pub group: Option<String>,
    /// `LaunchTemplateData.Placement.Tenancy` (`default`, `dedicated`, `host`).
    pub tenancy: Option<String>,
}

/// Parses describe-launch-template-versions output, in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<LaunchTemplateVersion>, LoadError> {
    const WHAT: &str = "describe-launch-template-versions output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_top_level_key(label, text, "LaunchTemplateVersions", WHAT)?;
    let root: Value = parse_json(label, text)?;
    let Some(list) = root.get("LaunchTemplateVersions").and_then(Value::as_array) else {
        return Err(LoadError::at_path(
            label,
            "LaunchTemplateVersions",
            "expected a list of launch template versions",
        ));
    };
    let mut seen: BTreeMap<(String, u64), String> = BTreeMap::new();
    let mut versions = Vec::with_capacity(list.len());
    for (index, item) in list.iter().enumerate() {
        let path = format!("LaunchTemplateVersions[{index}]");
        let object = object(label, item, &path)?;
        let id = string(label, object, &path, "LaunchTemplateId")?.unwrap_or_default();
        if !id.starts_with("lt-") {
            return Err(LoadError::at_path(
                label,
                format!("{path}.LaunchTemplateId"),
                format!(
                    "expected a launch template ID such as `lt-0abcd1234example`, found `{id}`"
                ),
            ));
        }
        let name = string(label, object, &path, "LaunchTemplateName")?.unwrap_or_default();
        let version = match object.get("VersionNumber") {
            Some(v) => v.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
                LoadError::at_path(
                    label,
                    format!("{path}.VersionNumber"),
                    format!("expected a version number from 1, found {v}"),
                )
            })?,
            None => {
                return Err(LoadError::at_path(
                    label,
                    format!("{path}.VersionNumber"),
                    "missing: every launch template version has a VersionNumber",
                ));
            }
        };
        if let Some(first) = seen.insert((id.clone(), version), path.clone()) {
            return Err(LoadError::at_path(
                label,
                format!("{path}.VersionNumber"),
                format!("version {version} of {id} is listed twice (first at {first})"),
            ));
        }
        let default = match object.get("DefaultVersion") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(LoadError::at_path(
                    label,
                    format!("{path}.DefaultVersion"),
                    format!("expected true or false, found {other}"),
                ));
            }
        };
        let data_path = format!("{path}.LaunchTemplateData");
        let empty = Map::new();
        let data = match object.get("LaunchTemplateData") {
            Some(v) => self::object(label, v, &data_path)?,
            None => &empty,
        };
        let instance_type = string(label, data, &data_path, "InstanceType")?;
        let requirements = match data.get("InstanceRequirements") {
            None | Some(Value::Null) => None,
            Some(v) => Some(requirements(
                label,
                v,
                &format!("{data_path}.InstanceRequirements"),
            )?),
        };
        let placement_path = format!("{data_path}.Placement");
        let placement = match data.get("Placement") {
            Some(v) => self::object(label, v, &placement_path)?,
            None => &empty,
        };
        let tenancy = string(label, placement, &placement_path, "Tenancy")?;
        if let Some(t) = &tenancy
            && !matches!(t.as_str(), "default" | "dedicated" | "host")
        {
            return Err(LoadError::at_path(
                label,
                format!("{placement_path}.Tenancy"),
                format!("expected default, dedicated or host, found `{t}`"),
            ));
        }
        versions.push(LaunchTemplateVersion {
            path,
            id,
            name,
            version,
            default,
            instance_type,
            requirements,
            availability_zone: string(label, placement, &placement_path, "AvailabilityZone")?,
            availability_zone_id: string(label, placement, &placement_path, "AvailabilityZoneId")?,
            group: string(label, placement, &placement_path, "GroupName")?,
            tenancy,
        });
    }
    if versions.is_empty() {
        return Err(LoadError::at_path(
            label,
            "LaunchTemplateVersions",
            "expected at least one launch template version, found none",
        ));
    }
    Ok(versions)
}

/// Reads and parses a describe-launch-template-versions file.
pub fn load(path: &Path) -> Result<Vec<LaunchTemplateVersion>, LoadError> {
    super::load_with(path, parse)
}

fn object<'v>(
    label: &str,
    value: &'v Value,
    path: &str,
) -> Result<&'v Map<String, Value>, LoadError> {
    value.as_object().ok_or_else(|| {
        LoadError::at_path(label, path, format!("expected an object, found {value}"))
    })
}

/// A member that must be a non-empty string when present.
fn string(
    label: &str,
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<String>, LoadError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(other) => Err(LoadError::at_path(
            label,
            format!("{path}.{key}"),
            format!("expected a non-empty string, found {other}"),
        )),
    }
}

fn requirements(label: &str, value: &Value, path: &str) -> Result<Requirements, LoadError> {
    if let Some((member, message)) = missing_aws_range(value) {
        return Err(LoadError::at_path(
            label,
            format!("{path}.{member}"),
            message,
        ));
    }
    let requirements: Requirements = serde_json::from_value(value.clone())
        .map_err(|e| LoadError::at_path(label, path, e.to_string()))?;
    requirements
        .validate()
        .map_err(|e| LoadError::at_path(label, path, e.to_string()))?;
    Ok(requirements)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match parse("lt.json", text) {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// (name, version, default, instance type, AZ name) of one version.
    type Summary<'a> = (&'a str, u64, bool, Option<&'a str>, Option<&'a str>);

    #[test]
    fn fixture_versions_with_type_placement_and_requirements() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/aws/describe-launch-template-versions.json"
        );
        let versions = load(Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
        let summary: Vec<Summary<'_>> = versions
            .iter()
            .map(|v| {
                (
                    v.name.as_str(),
                    v.version,
                    v.default,
                    v.instance_type.as_deref(),
                    v.availability_zone.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "ec2-fleet-lt1",
                    2,
                    false,
                    Some("c5.large"),
                    Some("us-east-1a")
                ),
                ("ec2-fleet-lt1", 1, true, Some("m5.large"), None),
                ("abs-lt", 1, true, None, None),
                ("dedicated-lt", 1, true, Some("m5.large"), None),
            ]
        );
        assert_eq!(versions[0].group.as_deref(), Some("my-cluster"));
        assert_eq!(
            versions[2].requirements.as_ref().map(|r| r.vcpus.min),
            Some(Some(2))
        );
        assert_eq!(versions[3].tenancy.as_deref(), Some("dedicated"));
    }

    #[test]
    fn bad_files_name_the_member() {
        let one = |data: &str| {
            format!(
                r#"{{"LaunchTemplateVersions": [{{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "a", "VersionNumber": 1, "LaunchTemplateData": {data}}}]}}"#
            )
        };
        assert_eq!(
            error_of(&one(r#"{"Placement": {"Tenancy": "shared"}}"#)),
            "lt.json: at LaunchTemplateVersions[0].LaunchTemplateData.Placement.Tenancy: expected default, dedicated or host, found `shared`"
        );
        assert_eq!(
            error_of(&one(
                r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}}}"#
            )),
            "lt.json: at LaunchTemplateVersions[0].LaunchTemplateData.InstanceRequirements.MemoryMiB: missing; AWS requires MemoryMiB with a Min in every InstanceRequirements (Min 0 means no minimum)"
        );
        assert_eq!(
            error_of(&one(r#"{"InstanceType": 5}"#)),
            "lt.json: at LaunchTemplateVersions[0].LaunchTemplateData.InstanceType: expected a non-empty string, found 5"
        );
        assert_eq!(
            error_of(
                r#"{"LaunchTemplateVersions": [{"LaunchTemplateId": "lt-1", "VersionNumber": 1}, {"LaunchTemplateId": "lt-1", "VersionNumber": 1}]}"#
            ),
            "lt.json: at LaunchTemplateVersions[1].VersionNumber: version 1 of lt-1 is listed twice (first at LaunchTemplateVersions[0])"
        );
        assert_eq!(
            error_of(r#"{"LaunchTemplateVersions": []}"#),
            "lt.json: at LaunchTemplateVersions: expected at least one launch template version, found none"
        );
    }
}
