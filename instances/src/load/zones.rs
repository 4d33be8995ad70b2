//! Reads `aws ec2 describe-availability-zones` output and produces [`ZoneRecord`]s: the
//! account's mapping from AZ names (`us-east-1a`) to AZ IDs (`use1-az4`), which differs between
//! accounts.
//!
//! Shape: `{"AvailabilityZones": [{ZoneName, ZoneId, RegionName, State, ZoneType?, …}]}`. Only
//! Availability Zones are kept (`ZoneType` `availability-zone`, or absent in older output);
//! Local Zones and Wavelength Zones are skipped. Zones are kept whatever their `State`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::ZoneRecord;
use crate::error::{LoadError, parse_json};
use crate::model::{RegionName, ZoneId};
use crate::regions;

/// Parses describe-availability-zones output; sorted by zone name.
pub fn parse(label: &str, text: &str) -> Result<Vec<ZoneRecord>, LoadError> {
    const WHAT: &str = "describe-availability-zones output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_top_level_key(label, text, "AvailabilityZones", WHAT)?;
    let output: Output = parse_json(label, text)?;
    // Zone types skipped (Local Zones, Wavelength Zones), for the message when nothing is left.
    let mut skipped: Vec<String> = Vec::new();
    let mut first_name: HashMap<String, usize> = HashMap::new();
    let mut first_id: HashMap<String, usize> = HashMap::new();
    let mut zones = Vec::new();
    for (index, zone) in output.availability_zones.into_iter().enumerate() {
        if zone
            .zone_type
            .as_deref()
            .is_some_and(|kind| kind != "availability-zone")
        {
            if let Some(kind) = zone.zone_type
                && !skipped.contains(&kind)
            {
                skipped.push(kind);
            }
            continue;
        }
        let path = |field: &str| format!("AvailabilityZones[{index}].{field}");
        if !regions::looks_like_zone_id(&zone.zone_id) {
            return Err(LoadError::at_path(
                label,
                path("ZoneId"),
                format!(
                    "expected an AZ ID such as `use1-az4`, found `{}`",
                    zone.zone_id
                ),
            ));
        }
        if let Some(region) = regions::region_of_zone_id(&zone.zone_id)
            && region != zone.region_name
        {
            return Err(LoadError::at_path(
                label,
                path("ZoneId"),
                format!(
                    "AZ ID `{}` is in {region}, not in {}",
                    zone.zone_id, zone.region_name
                ),
            ));
        }
        if zone.zone_name.trim().is_empty() {
            return Err(LoadError::at_path(
                label,
                path("ZoneName"),
                "expected an AZ name such as `us-east-1a`, found an empty value",
            ));
        }
        for (seen, key, field) in [
            (&mut first_name, &zone.zone_name, "ZoneName"),
            (&mut first_id, &zone.zone_id, "ZoneId"),
        ] {
            if let Some(first) = seen.get(key) {
                return Err(LoadError::at_path(
                    label,
                    path(field),
                    format!("duplicate {field} `{key}` (first at AvailabilityZones[{first}])"),
                ));
            }
            seen.insert(key.clone(), index);
        }
        zones.push(ZoneRecord {
            name: zone.zone_name,
            id: ZoneId::new(zone.zone_id),
            region: RegionName::new(zone.region_name),
        });
    }
    if zones.is_empty() {
        let found = if skipped.is_empty() {
            "found none".to_owned()
        } else {
            let kinds: Vec<String> = skipped.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "found only zones of ZoneType {}, which fleetopt skips",
                kinds.join(", ")
            )
        };
        return Err(LoadError::at_path(
            label,
            "AvailabilityZones",
            format!(
                "expected at least one Availability Zone (ZoneType `availability-zone`), {found}"
            ),
        ));
    }
    zones.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(zones)
}

/// Reads and parses a describe-availability-zones file.
pub fn load(path: &Path) -> Result<Vec<ZoneRecord>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    availability_zones: Vec<Zone>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Zone {
    zone_name: String,
    zone_id: String,
    region_name: String,
    zone_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match parse("z.json", text) {
            Ok(zones) => panic!("expected an error, got {zones:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn zones(items: &str) -> String {
        format!(r#"{{"AvailabilityZones": [{items}]}}"#)
    }

    #[test]
    fn fixture_maps_names_to_ids() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/aws/describe-availability-zones.json"
        );
        let zones = match load(Path::new(path)) {
            Ok(zones) => zones,
            Err(e) => panic!("{e}"),
        };
        let pairs: Vec<(&str, &str)> = zones
            .iter()
            .map(|z| (z.name.as_str(), z.id.as_str()))
            .collect();
        // The Local Zone us-east-1-bos-1a is skipped.
        assert_eq!(
            pairs,
            [
                ("us-east-1a", "use1-az4"),
                ("us-east-1b", "use1-az6"),
                ("us-east-1c", "use1-az1"),
                ("us-east-1d", "use1-az2"),
                ("us-east-1e", "use1-az3"),
                ("us-east-1f", "use1-az5"),
            ]
        );
        assert!(zones.iter().all(|z| z.region.as_str() == "us-east-1"));
    }

    #[test]
    fn zone_type_may_be_absent() {
        let text = zones(
            r#"{"ZoneName": "eu-west-1b", "ZoneId": "euw1-az1", "RegionName": "eu-west-1",
                "State": "available"}"#,
        );
        let parsed = match parse("z.json", &text) {
            Ok(zones) => zones,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            parsed,
            [ZoneRecord {
                name: "eu-west-1b".into(),
                id: ZoneId::new("euw1-az1"),
                region: RegionName::new("eu-west-1"),
            }]
        );
    }

    #[test]
    fn bad_ids_and_duplicates_are_rejected() {
        let a = r#"{"ZoneName": "us-east-1a", "ZoneId": "use1-az4", "RegionName": "us-east-1"}"#;
        assert_eq!(
            error_of(&zones(
                r#"{"ZoneName": "us-east-1a", "ZoneId": "us-east-1a", "RegionName": "us-east-1"}"#
            )),
            "z.json: at AvailabilityZones[0].ZoneId: expected an AZ ID such as `use1-az4`, found \
             `us-east-1a`"
        );
        assert_eq!(
            error_of(&zones(
                r#"{"ZoneName": "us-east-1a", "ZoneId": "usw2-az1", "RegionName": "us-east-1"}"#
            )),
            "z.json: at AvailabilityZones[0].ZoneId: AZ ID `usw2-az1` is in us-west-2, not in \
             us-east-1"
        );
        assert_eq!(
            error_of(&zones(&format!(
                r#"{a}, {{"ZoneName": "us-east-1a", "ZoneId": "use1-az6", "RegionName": "us-east-1"}}"#
            ))),
            "z.json: at AvailabilityZones[1].ZoneName: duplicate ZoneName `us-east-1a` (first at \
             AvailabilityZones[0])"
        );
        assert_eq!(
            error_of(&zones(&format!(
                r#"{a}, {{"ZoneName": "us-east-1b", "ZoneId": "use1-az4", "RegionName": "us-east-1"}}"#
            ))),
            "z.json: at AvailabilityZones[1].ZoneId: duplicate ZoneId `use1-az4` (first at \
             AvailabilityZones[0])"
        );
    }

    #[test]
    fn missing_fields_and_empty_lists_are_rejected() {
        assert_eq!(
            error_of(&zones(
                r#"{"ZoneName": "us-east-1a", "RegionName": "us-east-1"}"#
            )),
            "z.json: at AvailabilityZones[0] (line 1, column 76): missing field `ZoneId`"
        );
        assert_eq!(
            error_of(&zones(
                r#"{"ZoneName": "us-east-1-bos-1a", "ZoneId": "use1-bos1-az1",
                    "RegionName": "us-east-1", "ZoneType": "local-zone"}"#
            )),
            "z.json: at AvailabilityZones: expected at least one Availability Zone (ZoneType \
             `availability-zone`), found only zones of ZoneType `local-zone`, which fleetopt skips"
        );
        assert_eq!(
            error_of(r#"{"AvailabilityZones": []}"#),
            "z.json: at AvailabilityZones: expected at least one Availability Zone (ZoneType \
             `availability-zone`), found none"
        );
        assert_eq!(
            error_of(r#"{"Regions": []}"#),
            "z.json: in the file: expected describe-availability-zones output (top-level \
             `AvailabilityZones`), found an object with top-level keys `Regions`"
        );
    }
}
