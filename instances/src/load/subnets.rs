//! Reads `aws ec2 describe-subnets` output and produces [`SubnetRecord`]s: which Availability
//! Zone each subnet is in, by AZ ID, so the subnets AWS requests name (`SubnetId`,
//! `VPCZoneIdentifier`) can be mapped to zones.
//!
//! Shape: `{"Subnets": [{SubnetId, AvailabilityZone, AvailabilityZoneId, VpcId, …}]}`
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Subnet.html>). Every subnet needs
//! its `AvailabilityZoneId`, which the API always returns; the other members are not read.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{LoadError, parse_json};
use crate::model::ZoneId;
use crate::regions;

/// One subnet and the zone it is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubnetRecord {
    /// `subnet-0123456789abcdef0`.
    pub id: String,
    /// The AZ ID of its zone.
    pub zone: ZoneId,
    /// The account's name of its zone, when given.
    pub zone_name: Option<String>,
}

/// Parses describe-subnets output; sorted by subnet ID.
pub fn parse(label: &str, text: &str) -> Result<Vec<SubnetRecord>, LoadError> {
    const WHAT: &str = "describe-subnets output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_top_level_key(label, text, "Subnets", WHAT)?;
    let output: Output = parse_json(label, text)?;
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut subnets = Vec::new();
    for (index, subnet) in output.subnets.into_iter().enumerate() {
        let path = |field: &str| format!("Subnets[{index}].{field}");
        if !subnet.subnet_id.starts_with("subnet-") {
            return Err(LoadError::at_path(
                label,
                path("SubnetId"),
                format!(
                    "expected a subnet ID such as `subnet-0123456789abcdef0`, found `{}`",
                    subnet.subnet_id
                ),
            ));
        }
        let Some(zone_id) = subnet.availability_zone_id else {
            return Err(LoadError::at_path(
                label,
                path("AvailabilityZoneId"),
                "missing: fleetopt maps subnets to AZ IDs (AZ names differ per account)",
            ));
        };
        if !regions::looks_like_zone_id(&zone_id) {
            return Err(LoadError::at_path(
                label,
                path("AvailabilityZoneId"),
                format!("expected an AZ ID such as `use1-az4`, found `{zone_id}`"),
            ));
        }
        if let Some(at) = first.get(&subnet.subnet_id) {
            return Err(LoadError::at_path(
                label,
                path("SubnetId"),
                format!(
                    "duplicate SubnetId `{}` (first at Subnets[{at}])",
                    subnet.subnet_id
                ),
            ));
        }
        first.insert(subnet.subnet_id.clone(), index);
        subnets.push(SubnetRecord {
            id: subnet.subnet_id,
            zone: ZoneId::new(zone_id),
            zone_name: subnet.availability_zone,
        });
    }
    if subnets.is_empty() {
        return Err(LoadError::at_path(
            label,
            "Subnets",
            "expected at least one subnet, found none",
        ));
    }
    subnets.sort();
    Ok(subnets)
}

/// Reads and parses a describe-subnets file.
pub fn load(path: &Path) -> Result<Vec<SubnetRecord>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    subnets: Vec<Subnet>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Subnet {
    subnet_id: String,
    availability_zone: Option<String>,
    availability_zone_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_map_to_zone_ids() {
        let text = r#"{"Subnets": [
            {"SubnetId": "subnet-6194ea3b", "AvailabilityZone": "us-east-1c", "AvailabilityZoneId": "use1-az1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
            {"SubnetId": "subnet-5ea0c127", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az4", "VpcId": "vpc-1"}
        ]}"#;
        let subnets = parse("s.json", text).unwrap();
        assert_eq!(subnets.len(), 2);
        assert_eq!(subnets[0].id, "subnet-5ea0c127");
        assert_eq!(subnets[0].zone, ZoneId::new("use1-az4"));
        assert_eq!(subnets[1].zone_name.as_deref(), Some("us-east-1c"));
    }

    #[test]
    fn bad_subnet_files_name_the_place() {
        let error = |text: &str| parse("s.json", text).unwrap_err().to_string();
        assert!(
            error(r#"{"Subnets": [{"SubnetId": "subnet-1", "AvailabilityZone": "us-east-1a"}]}"#)
                .contains("Subnets[0].AvailabilityZoneId: missing"),
        );
        assert!(
            error(r#"{"Subnets": [{"SubnetId": "sn-1", "AvailabilityZoneId": "use1-az1"}]}"#)
                .contains("Subnets[0].SubnetId: expected a subnet ID"),
        );
        assert!(
            error(
                r#"{"Subnets": [{"SubnetId": "subnet-1", "AvailabilityZoneId": "use1-az1"},
                                {"SubnetId": "subnet-1", "AvailabilityZoneId": "use1-az2"}]}"#
            )
            .contains("duplicate SubnetId `subnet-1` (first at Subnets[0])"),
        );
        assert!(error(r#"{"Subnets": []}"#).contains("expected at least one subnet"));
        assert!(error(r#"{"AvailabilityZones": []}"#).contains("Subnets"));
    }
}
