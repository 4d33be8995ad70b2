//! Reads `aws ec2 describe-capacity-block-offerings` output and produces
//! [`CapacityBlockOffering`]s: GPU capacity EC2 offers for a fixed window, at a fee paid up
//! front for the whole block.
//!
//! Shape: `{"CapacityBlockOfferings": [{CapacityBlockOfferingId, InstanceType, AvailabilityZone,
//! InstanceCount, StartDate, EndDate, CapacityBlockDurationHours, CapacityBlockDurationMinutes,
//! UpfrontFee, CurrencyCode, Tenancy}], "NextToken"?}`
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CapacityBlockOffering.html>).
//! `UpfrontFee` is a decimal string. An offering names its zone by AZ name only, which is kept
//! as the name (the account's AZ mapping turns it into an ID later). Members outside the API
//! shape are refused with their path.

use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::commitments::{CapacityBlockOffering, Tenancy};
use crate::error::LoadError;

/// The AWS structures named in unknown-member messages, by the member holding them.
const SHAPES: &[(&str, &str)] = &[("", "CapacityBlockOffering")];

/// Parses describe-capacity-block-offerings output; offerings in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<CapacityBlockOffering>, LoadError> {
    const WHAT: &str = "describe-capacity-block-offerings output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_json_object(label, text, WHAT)?;
    super::check_top_level_key(label, text, "CapacityBlockOfferings", WHAT)?;
    let output: Output = super::parse_strict(label, text, SHAPES)?;
    output
        .capacity_block_offerings
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            let path = format!("CapacityBlockOfferings[{index}]");
            convert(entry, &path).map_err(|(member, message)| {
                LoadError::at_path(label, format!("{path}.{member}"), message)
            })
        })
        .collect()
}

/// Reads and parses a describe-capacity-block-offerings file.
pub fn load(path: &Path) -> Result<Vec<CapacityBlockOffering>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Output {
    capacity_block_offerings: Vec<Entry>,
    #[allow(
        dead_code,
        reason = "read for strictness; pages are joined by the AWS CLI"
    )]
    next_token: Option<IgnoredAny>,
}

/// The API's `CapacityBlockOffering`, member by member.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Entry {
    capacity_block_offering_id: String,
    instance_type: String,
    availability_zone: String,
    instance_count: i64,
    start_date: String,
    end_date: String,
    capacity_block_duration_hours: i64,
    capacity_block_duration_minutes: Option<i64>,
    upfront_fee: String,
    currency_code: String,
    tenancy: String,
}

/// Checks one offering; on failure gives (member, message).
fn convert(entry: Entry, path: &str) -> Result<CapacityBlockOffering, (&'static str, String)> {
    let escape = |text: &str| crate::escape::escape_controls(text).into_owned();
    if entry.capacity_block_offering_id.trim().is_empty() {
        return Err((
            "CapacityBlockOfferingId",
            "expected an offering ID, found an empty value".to_owned(),
        ));
    }
    let instance_type =
        super::parse_type_name(&entry.instance_type).map_err(|m| ("InstanceType", escape(&m)))?;
    if entry.availability_zone.trim().is_empty() {
        return Err((
            "AvailabilityZone",
            "expected an AZ name such as `us-east-1a`, found an empty value".to_owned(),
        ));
    }
    let instance_count =
        super::check_count(entry.instance_count).map_err(|m| ("InstanceCount", m))?;
    if instance_count == 0 {
        return Err((
            "InstanceCount",
            "expected at least 1 instance, found `0`".to_owned(),
        ));
    }
    let start_date = super::parse_time(&entry.start_date).map_err(|m| ("StartDate", m))?;
    let end_date = super::parse_time(&entry.end_date).map_err(|m| ("EndDate", m))?;
    // Both are written in UTC with the same precision, so text order is time order.
    if end_date <= start_date {
        return Err((
            "EndDate",
            format!("expected a time after StartDate ({start_date}), found {end_date}"),
        ));
    }
    let duration_hours = super::check_count(entry.capacity_block_duration_hours).map_err(|m| {
        (
            "CapacityBlockDurationHours",
            m.replace("a count", "a number of hours"),
        )
    })?;
    let duration_minutes = entry
        .capacity_block_duration_minutes
        .map(super::check_count)
        .transpose()
        .map_err(|m| {
            (
                "CapacityBlockDurationMinutes",
                m.replace("a count", "a number of minutes"),
            )
        })?;
    let upfront_fee = super::parse_price(&entry.upfront_fee).map_err(|m| {
        (
            "UpfrontFee",
            m.replace("a price in USD per hour", "an upfront fee"),
        )
    })?;
    // A Capacity Block is `default` or `dedicated`, as a Capacity Reservation is.
    let tenancy = match Tenancy::parse(&entry.tenancy) {
        Some(tenancy @ (Tenancy::Default | Tenancy::Dedicated)) => tenancy,
        _ => {
            return Err((
                "Tenancy",
                format!(
                    "unknown tenancy `{}`; expected one of `default`, `dedicated`",
                    escape(&entry.tenancy)
                ),
            ));
        }
    };
    Ok(CapacityBlockOffering {
        id: entry.capacity_block_offering_id,
        instance_type,
        zone_name: entry.availability_zone,
        instance_count,
        start_date,
        end_date,
        duration_hours,
        duration_minutes,
        upfront_fee,
        currency: entry.currency_code,
        tenancy,
        location: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tolerance::THRESHOLD_SLACK;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/aws/commitments/describe-capacity-block-offerings.json"
    );

    fn error_of(text: &str) -> String {
        match parse("cb.json", text) {
            Ok(offerings) => panic!("expected an error, got {offerings:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn with(member: &str, value: &str) -> String {
        let mut fields = vec![
            (
                "CapacityBlockOfferingId",
                r#""cb-0123456789abcdef0""#.to_owned(),
            ),
            ("InstanceType", r#""p5.48xlarge""#.to_owned()),
            ("AvailabilityZone", r#""us-east-2a""#.to_owned()),
            ("InstanceCount", "1".to_owned()),
            ("StartDate", r#""2026-12-10T11:30:00+00:00""#.to_owned()),
            ("EndDate", r#""2026-12-11T11:30:00+00:00""#.to_owned()),
            ("CapacityBlockDurationHours", "24".to_owned()),
            ("UpfrontFee", r#""700.0""#.to_owned()),
            ("CurrencyCode", r#""USD""#.to_owned()),
            ("Tenancy", r#""default""#.to_owned()),
        ];
        match fields.iter_mut().find(|(name, _)| *name == member) {
            Some(field) => field.1 = value.to_owned(),
            None => fields.push((member, value.to_owned())),
        }
        let body: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!(r#""{name}": {value}"#))
            .collect();
        format!(r#"{{"CapacityBlockOfferings": [{{{}}}]}}"#, body.join(", "))
    }

    #[test]
    fn fixture() {
        let offerings = match load(Path::new(FIXTURE)) {
            Ok(offerings) => offerings,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(offerings.len(), 2);
        let first = &offerings[0];
        assert_eq!(first.id, "cb-0a1b2c3d4e5f60718");
        assert_eq!(first.instance_type.as_str(), "p5.48xlarge");
        assert_eq!(first.zone_name, "us-east-2a");
        assert_eq!(first.instance_count, 2);
        assert_eq!(first.start_date, "2026-12-10T11:30:00Z");
        assert_eq!(first.end_date, "2026-12-11T11:30:00Z");
        assert_eq!(first.duration_hours, 24);
        assert_eq!(first.duration_minutes, Some(0));
        assert!((first.upfront_fee - 1_500.0).abs() <= THRESHOLD_SLACK);
        assert_eq!(first.tenancy, Tenancy::Default);
        assert_eq!(offerings[1].duration_hours, 72);
    }

    #[test]
    fn bad_offerings_name_the_member() {
        assert_eq!(
            error_of(&with("InstanceCount", "-1")),
            "cb.json: at CapacityBlockOfferings[0].InstanceCount: expected a count of 0 or more, \
             found `-1`"
        );
        assert_eq!(
            error_of(&with("UpfrontFee", "700.0")),
            "cb.json: at CapacityBlockOfferings[0].UpfrontFee (line 1, column 300): invalid \
             type: floating point `700.0`, expected a string"
        );
        assert_eq!(
            error_of(&with("Tenancy", r#""host""#)),
            "cb.json: at CapacityBlockOfferings[0].Tenancy: unknown tenancy `host`; expected one \
             of `default`, `dedicated`"
        );
        assert_eq!(
            error_of(&with("EndDate", r#""2026-12-09T11:30:00+00:00""#)),
            "cb.json: at CapacityBlockOfferings[0].EndDate: expected a time after StartDate \
             (2026-12-10T11:30:00Z), found 2026-12-09T11:30:00Z"
        );
        assert_eq!(
            error_of(&with("AvailabilityZoneId", r#""use2-az1""#)),
            "cb.json: at CapacityBlockOfferings[0].AvailabilityZoneId (line 1, column 369): \
             unknown member `AvailabilityZoneId`: not in the AWS CapacityBlockOffering shape \
             (did you mean `AvailabilityZone`?)"
        );
        assert_eq!(
            error_of("[]"),
            "cb.json: in the file: expected describe-capacity-block-offerings output as a JSON \
             object, found an array"
        );
        assert_eq!(
            error_of(r#"{"CapacityBlockOfferings": [], "CapacityBlockOfferings": []}"#),
            "cb.json: at CapacityBlockOfferings (line 1, column 55): duplicate key \
             `CapacityBlockOfferings` (a JSON object may name a key once; TOML and YAML refuse \
             it too)"
        );
    }

    #[test]
    fn truncated_input_never_panics() {
        let text = match std::fs::read_to_string(FIXTURE) {
            Ok(text) => text,
            Err(e) => panic!("{e}"),
        };
        super::super::assert_no_panic_on_truncation(&text, |t| parse("cb.json", t));
    }
}
