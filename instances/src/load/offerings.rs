//! Reads `aws ec2 describe-instance-type-offerings --location-type availability-zone-id` (or
//! `--location-type availability-zone`) output and produces [`Offering`]s: which instance type
//! is offered in which zone.
//!
//! Two shapes are accepted: the API/CLI form `{"InstanceTypeOfferings": [{InstanceType,
//! LocationType, Location}], "NextToken"?}` and moto's bare array `[{InstanceType, Location}]`.
//! Without a `LocationType` the location's own shape decides between AZ ID and AZ name.
//! Region and Outpost offerings name no zone and are rejected.

use std::path::Path;

use serde::Deserialize;

use super::{Offering, ZoneRef};
use crate::error::{LoadError, parse_json};
use crate::model::ZoneId;
use crate::regions;

/// Parses describe-instance-type-offerings output; sorted by type and zone, duplicates merged.
pub fn parse(label: &str, text: &str) -> Result<Vec<Offering>, LoadError> {
    const WHAT: &str = "describe-instance-type-offerings output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_top_level_key(label, text, "InstanceTypeOfferings", WHAT)?;
    let (prefix, items) = if super::first_significant_char(text) == Some('[') {
        ("", parse_json::<Vec<Item>>(label, text)?)
    } else {
        let api: ApiForm = parse_json(label, text)?;
        ("InstanceTypeOfferings", api.instance_type_offerings)
    };
    if items.is_empty() {
        let message = "expected at least one offering, found an empty list (did the command's \
                       `--filters` match nothing?)";
        return Err(if prefix.is_empty() {
            LoadError::whole_file(label, message)
        } else {
            LoadError::at_path(label, prefix, message)
        });
    }
    let mut offerings = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let path = format!("{prefix}[{index}]");
        let instance_type = super::parse_type_name(&item.instance_type).map_err(|message| {
            LoadError::at_path(label, format!("{path}.InstanceType"), message)
        })?;
        let zone = zone_ref(item.location_type.as_deref(), &item.location).map_err(
            |(field, message)| LoadError::at_path(label, format!("{path}.{field}"), message),
        )?;
        offerings.push(Offering {
            instance_type,
            zone,
            location: format!("{path}.Location"),
        });
    }
    // The same (type, zone) listed twice is one offering; the first entry's path is kept.
    offerings.sort();
    offerings.dedup_by(|later, earlier| {
        later.instance_type == earlier.instance_type && later.zone == earlier.zone
    });
    Ok(offerings)
}

/// Reads and parses a describe-instance-type-offerings file.
pub fn load(path: &Path) -> Result<Vec<Offering>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiForm {
    instance_type_offerings: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Item {
    instance_type: String,
    location_type: Option<String>,
    location: String,
}

/// The zone an offering names, or (field, message) when it names none.
fn zone_ref(
    location_type: Option<&str>,
    location: &str,
) -> Result<ZoneRef, (&'static str, String)> {
    let no_zone = |kind: &str| {
        format!(
            "offerings by {kind} carry no zone; run describe-instance-type-offerings \
             --location-type availability-zone-id"
        )
    };
    let as_id = || {
        if regions::looks_like_zone_id(location) {
            Ok(ZoneRef::Id(ZoneId::new(location)))
        } else {
            Err((
                "Location",
                format!("expected an AZ ID such as `use1-az4`, found `{location}`"),
            ))
        }
    };
    let as_name = || {
        if location.is_empty() || regions::looks_like_zone_id(location) {
            Err((
                "Location",
                format!("expected an AZ name such as `us-east-1a`, found `{location}`"),
            ))
        } else {
            Ok(ZoneRef::Name(location.to_owned()))
        }
    };
    match location_type {
        Some("availability-zone-id") => as_id(),
        Some("availability-zone") => as_name(),
        Some("region") => Err(("LocationType", no_zone("region"))),
        Some("outpost") => Err(("LocationType", no_zone("outpost"))),
        Some(other) => Err((
            "LocationType",
            format!(
                "unknown location type `{other}`; expected availability-zone-id or \
                 availability-zone"
            ),
        )),
        None if regions::looks_like_zone_id(location) => as_id(),
        None if regions::is_known_region(location) => Err(("Location", no_zone("region"))),
        None => as_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn fixture(name: &str) -> String {
        format!("{}/../fixtures/aws/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn load_ok(path: &str) -> Vec<Offering> {
        match load(Path::new(path)) {
            Ok(offerings) => offerings,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("o.json", text) {
            Ok(offerings) => panic!("expected an error, got {offerings:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn id(zone: &str) -> ZoneRef {
        ZoneRef::Id(ZoneId::new(zone))
    }

    #[test]
    fn api_form_by_zone_id() {
        let offerings = load_ok(&fixture("offerings-az-id.json"));
        assert_eq!(offerings.len(), 18);
        let m5_zones: Vec<&ZoneRef> = offerings
            .iter()
            .filter(|o| o.instance_type.as_str() == "m5.large")
            .map(|o| &o.zone)
            .collect();
        assert_eq!(
            m5_zones,
            [&id("use1-az1"), &id("use1-az2"), &id("use1-az4")]
        );
    }

    #[test]
    fn moto_bare_array_by_zone_name() {
        let offerings = load_ok(&fixture("offerings-az-name.json"));
        assert_eq!(offerings.len(), 18);
        let zones: BTreeSet<&ZoneRef> = offerings.iter().map(|o| &o.zone).collect();
        let expected: Vec<ZoneRef> = ["us-east-1a", "us-east-1c", "us-east-1d"]
            .iter()
            .map(|name| ZoneRef::Name((*name).to_owned()))
            .collect();
        assert_eq!(zones, expected.iter().collect());
    }

    #[test]
    fn location_type_absent_is_decided_by_shape_and_duplicates_merge() {
        let text = r#"[{"InstanceType": "m5.large", "Location": "use1-az4"},
                       {"InstanceType": "m5.large", "Location": "us-east-1a"},
                       {"InstanceType": "m5.large", "Location": "use1-az4"}]"#;
        let offerings = match parse("o.json", text) {
            Ok(offerings) => offerings,
            Err(e) => panic!("{e}"),
        };
        let zones: Vec<&ZoneRef> = offerings.iter().map(|o| &o.zone).collect();
        assert_eq!(
            zones,
            [&id("use1-az4"), &ZoneRef::Name("us-east-1a".into())]
        );
    }

    #[test]
    fn region_and_outpost_offerings_are_rejected() {
        let text = r#"{"InstanceTypeOfferings": [
            {"InstanceType": "m5.large", "LocationType": "region", "Location": "us-east-1"}]}"#;
        assert_eq!(
            error_of(text),
            "o.json: at InstanceTypeOfferings[0].LocationType: offerings by region carry no zone; \
             run describe-instance-type-offerings --location-type availability-zone-id"
        );
        let text = r#"{"InstanceTypeOfferings": [
            {"InstanceType": "m5.large", "LocationType": "outpost", "Location": "op-0123"}]}"#;
        assert_eq!(
            error_of(text),
            "o.json: at InstanceTypeOfferings[0].LocationType: offerings by outpost carry no \
             zone; run describe-instance-type-offerings --location-type availability-zone-id"
        );
        // moto's region/ files look like AZ-name files but name regions.
        let text = r#"[{"InstanceType": "m5.large", "Location": "us-east-1b"},
                       {"InstanceType": "m5.large", "Location": "us-east-1"}]"#;
        assert_eq!(
            error_of(text),
            "o.json: at [1].Location: offerings by region carry no zone; run \
             describe-instance-type-offerings --location-type availability-zone-id"
        );
    }

    #[test]
    fn bad_locations_and_types_are_rejected() {
        let text = r#"{"InstanceTypeOfferings": [{"InstanceType": "m5.large",
            "LocationType": "availability-zone-id", "Location": "us-east-1a"}]}"#;
        assert_eq!(
            error_of(text),
            "o.json: at InstanceTypeOfferings[0].Location: expected an AZ ID such as `use1-az4`, \
             found `us-east-1a`"
        );
        let text = r#"{"InstanceTypeOfferings": [{"InstanceType": "m5.large",
            "LocationType": "availability-zone", "Location": "use1-az4"}]}"#;
        assert_eq!(
            error_of(text),
            "o.json: at InstanceTypeOfferings[0].Location: expected an AZ name such as \
             `us-east-1a`, found `use1-az4`"
        );
        let text = r#"{"InstanceTypeOfferings": [{"InstanceType": "m5.large",
            "LocationType": "local-zone", "Location": "us-east-1-bos-1a"}]}"#;
        assert_eq!(
            error_of(text),
            "o.json: at InstanceTypeOfferings[0].LocationType: unknown location type \
             `local-zone`; expected availability-zone-id or availability-zone"
        );
        let text = r#"[{"InstanceType": "m5.large", "Location": "use1-az4"},
                       {"InstanceType": "m5", "Location": "use1-az4"}]"#;
        assert_eq!(
            error_of(text),
            "o.json: at [1].InstanceType: expected an instance type name such as `m5.large`, \
             found `m5`"
        );
        let text = r#"[{"InstanceType": "m5.large", "Location": 4}]"#;
        assert_eq!(
            error_of(text),
            "o.json: at [0].Location (line 1, column 43): invalid type: integer `4`, expected a \
             string"
        );
    }

    #[test]
    fn empty_lists_are_rejected() {
        assert_eq!(
            error_of("[]"),
            "o.json: in the file: expected at least one offering, found an empty list (did the \
             command's `--filters` match nothing?)"
        );
        assert_eq!(
            error_of(r#"{"InstanceTypeOfferings": [], "NextToken": "abc"}"#),
            "o.json: at InstanceTypeOfferings: expected at least one offering, found an empty \
             list (did the command's `--filters` match nothing?)"
        );
        assert_eq!(
            error_of("{}"),
            "o.json: in the file: expected describe-instance-type-offerings output (top-level \
             `InstanceTypeOfferings`), found an empty object"
        );
        assert_eq!(
            error_of(r#"{"InstanceTypes": []}"#),
            "o.json: in the file: expected describe-instance-type-offerings output (top-level \
             `InstanceTypeOfferings`), found describe-instance-types output \
             (top-level `InstanceTypes`)"
        );
        assert_eq!(
            error_of(" \n"),
            "o.json: in the file: expected describe-instance-type-offerings output as JSON, \
             found an empty file"
        );
    }

    #[test]
    fn the_full_moto_us_east_1_file_loads() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/moto/instance_type_offerings/availability-zone-id/us-east-1.json"
        ));
        if !path.exists() {
            eprintln!("skipped: ../shared/data not found (CI provides it)");
            return;
        }
        let offerings = match load(path) {
            Ok(offerings) => offerings,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(offerings.len(), 6307);
        let types: BTreeSet<&str> = offerings.iter().map(|o| o.instance_type.as_str()).collect();
        assert_eq!(types.len(), 1354);
        let mut per_zone: BTreeMap<&ZoneRef, usize> = BTreeMap::new();
        for offering in &offerings {
            *per_zone.entry(&offering.zone).or_default() += 1;
        }
        assert_eq!(per_zone.get(&id("use1-az3")), Some(&58));
        assert_eq!(per_zone.get(&id("use1-az1")), Some(&1253));
    }
}
