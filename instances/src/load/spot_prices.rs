//! Reads `aws ec2 describe-spot-price-history` output and produces [`SpotPriceRecord`]s, one
//! per price-change event, in file order.
//!
//! Shape: `{"SpotPriceHistory": [{AvailabilityZone, AvailabilityZoneId?, InstanceType,
//! ProductDescription, SpotPrice, Timestamp}], "NextToken"?}`. `SpotPrice` is a decimal string
//! (`"0.080000"`); `Timestamp` may be in CLI v1 form (`2014-01-06T04:32:53.000Z`) or CLI v2 form
//! (`2022-05-31T20:25:36+00:00`). [`latest`] keeps the newest entry per pool.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use super::{SpotPriceRecord, ZoneRef};
use crate::error::{LoadError, parse_json};
use crate::model::{Platform, TypeName, ZoneId};
use crate::regions;

/// Parses describe-spot-price-history output; records in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<SpotPriceRecord>, LoadError> {
    const WHAT: &str = "describe-spot-price-history output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_top_level_key(label, text, "SpotPriceHistory", WHAT)?;
    let history: History = parse_json(label, text)?;
    if history.spot_price_history.is_empty() {
        return Err(LoadError::at_path(
            label,
            "SpotPriceHistory",
            "expected at least one spot price, found an empty list (do `--start-time` and the \
             filters match any prices?)",
        ));
    }
    history
        .spot_price_history
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            let path = format!("SpotPriceHistory[{index}]");
            convert(entry, &path).map_err(|(field, message)| {
                LoadError::at_path(label, format!("{path}{field}"), message)
            })
        })
        .collect()
}

/// Reads and parses a describe-spot-price-history file.
pub fn load(path: &Path) -> Result<Vec<SpotPriceRecord>, LoadError> {
    super::load_with(path, parse)
}

/// The newest record per (zone, instance type, platform); on equal timestamps the one later in
/// the input wins. Sorted by (zone, instance type, platform).
pub fn latest(records: Vec<SpotPriceRecord>) -> Vec<SpotPriceRecord> {
    let mut newest: BTreeMap<(ZoneRef, TypeName, Platform), SpotPriceRecord> = BTreeMap::new();
    for record in records {
        let key = (
            record.zone.clone(),
            record.instance_type.clone(),
            record.platform,
        );
        match newest.get(&key) {
            Some(kept) if kept.timestamp > record.timestamp => {}
            _ => {
                newest.insert(key, record);
            }
        }
    }
    newest.into_values().collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct History {
    spot_price_history: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    availability_zone: Option<String>,
    availability_zone_id: Option<String>,
    instance_type: String,
    product_description: String,
    spot_price: String,
    timestamp: String,
}

/// Checks one entry; on failure gives (`.Field` suffix of the path, message).
fn convert(entry: Entry, path: &str) -> Result<SpotPriceRecord, (&'static str, String)> {
    let (zone, location) = match (&entry.availability_zone_id, &entry.availability_zone) {
        (Some(id), _) if regions::looks_like_zone_id(id) => (
            ZoneRef::Id(ZoneId::new(id.as_str())),
            format!("{path}.AvailabilityZoneId"),
        ),
        (Some(id), _) => {
            return Err((
                ".AvailabilityZoneId",
                format!("expected an AZ ID such as `use1-az4`, found `{id}`"),
            ));
        }
        (None, Some(name)) if !name.trim().is_empty() => (
            ZoneRef::Name(name.clone()),
            format!("{path}.AvailabilityZone"),
        ),
        (None, _) => {
            return Err((
                "",
                "expected `AvailabilityZoneId` or `AvailabilityZone`, found neither".to_owned(),
            ));
        }
    };
    let instance_type =
        super::parse_type_name(&entry.instance_type).map_err(|m| (".InstanceType", m))?;
    let platform = super::parse_platform(&entry.product_description)
        .map_err(|m| (".ProductDescription", m))?;
    let price = super::parse_price(&entry.spot_price).map_err(|m| (".SpotPrice", m))?;
    let time = DateTime::parse_from_rfc3339(entry.timestamp.trim())
        .map_err(|_| {
            (
                ".Timestamp",
                format!(
                    "expected an ISO 8601 time with a UTC offset such as \
                     `2022-05-31T20:25:36+00:00`, found `{}`",
                    entry.timestamp
                ),
            )
        })?
        .with_timezone(&Utc);
    Ok(SpotPriceRecord {
        zone,
        zone_name: entry.availability_zone,
        location,
        instance_type,
        platform,
        price,
        timestamp: time.timestamp(),
        timestamp_text: time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<SpotPriceRecord> {
        let path = format!("{}/../fixtures/aws/{name}", env!("CARGO_MANIFEST_DIR"));
        match load(Path::new(&path)) {
            Ok(records) => records,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("s.json", text) {
            Ok(records) => panic!("expected an error, got {records:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// A one-entry history with one field replaced.
    fn with(field: &str, value: &str) -> String {
        let mut entry = serde_json::json!({
            "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az4",
            "InstanceType": "m5.large", "ProductDescription": "Linux/UNIX",
            "SpotPrice": "0.041600", "Timestamp": "2022-05-31T23:45:32+00:00"
        });
        entry[field] = value.into();
        serde_json::json!({ "SpotPriceHistory": [entry] }).to_string()
    }

    fn name(zone: &str) -> ZoneRef {
        ZoneRef::Name(zone.to_owned())
    }

    #[test]
    fn cli_v1_history_by_zone_name() {
        let records = fixture("spot-price-history-v1.json");
        assert_eq!(records.len(), 4);
        let first = &records[0];
        assert_eq!(first.zone, name("us-east-1a"));
        assert_eq!(first.zone_name.as_deref(), Some("us-east-1a"));
        assert_eq!(first.instance_type.as_str(), "m5.large");
        assert_eq!(first.platform, Platform::LinuxUnix);
        assert_eq!(first.price, 0.0416);
        assert_eq!(first.timestamp_text, "2022-05-31T23:45:32Z");
        // "Linux/UNIX (Amazon VPC)" is the same pool as "Linux/UNIX".
        assert_eq!(records[3].platform, Platform::LinuxUnix);
    }

    #[test]
    fn latest_price_wins_per_pool() {
        let latest = latest(fixture("spot-price-history-v1.json"));
        let summary: Vec<(&ZoneRef, &str, f64, &str)> = latest
            .iter()
            .map(|r| {
                (
                    &r.zone,
                    r.instance_type.as_str(),
                    r.price,
                    r.timestamp_text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    &name("us-east-1a"),
                    "m5.large",
                    0.0416,
                    "2022-05-31T23:45:32Z"
                ),
                (
                    &name("us-east-1c"),
                    "c5.large",
                    0.0351,
                    "2022-05-31T20:10:11Z"
                ),
                (
                    &name("us-east-1d"),
                    "m5.large",
                    0.0424,
                    "2022-05-31T22:14:35Z"
                ),
            ]
        );
    }

    #[test]
    fn latest_breaks_ties_by_input_order_and_keeps_platforms_apart() {
        let records = fixture("spot-price-history-v2.json");
        let mut tied = records[0].clone();
        tied.price = 0.05;
        let windows = records
            .iter()
            .find(|r| r.platform == Platform::Windows)
            .cloned();
        let mut input = vec![records[0].clone(), tied];
        input.extend(windows);
        let latest = latest(input);
        let prices: Vec<(Platform, f64)> = latest.iter().map(|r| (r.platform, r.price)).collect();
        assert_eq!(
            prices,
            [(Platform::LinuxUnix, 0.05), (Platform::Windows, 0.1336)]
        );
    }

    #[test]
    fn cli_v2_history_by_zone_id_matches_v1_instants() {
        let v2 = fixture("spot-price-history-v2.json");
        assert_eq!(v2.len(), 10);
        assert_eq!(v2[0].zone, ZoneRef::Id(ZoneId::new("use1-az4")));
        assert_eq!(v2[0].zone_name.as_deref(), Some("us-east-1a"));
        let v1 = fixture("spot-price-history-v1.json");
        // 2022-05-31T23:45:32.000Z and 2022-05-31T23:45:32+00:00 are one instant.
        assert_eq!(v1[0].timestamp, v2[0].timestamp);
        assert_eq!(v2[0].timestamp, 1_654_040_732);
        assert_eq!(v1[0].timestamp_text, v2[0].timestamp_text);
        let g4dn: Vec<f64> = v2
            .iter()
            .filter(|r| r.instance_type.as_str() == "g4dn.8xlarge")
            .map(|r| r.price)
            .collect();
        assert_eq!(g4dn, [0.6528, 0.6531]);
    }

    #[test]
    fn other_offsets_are_normalised_to_utc() {
        let records = match parse(
            "s.json",
            &with("Timestamp", "2022-06-01T01:45:32.250+02:00"),
        ) {
            Ok(records) => records,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(records[0].timestamp, 1_654_040_732);
        assert_eq!(records[0].timestamp_text, "2022-05-31T23:45:32.250Z");
    }

    #[test]
    fn bad_prices_are_rejected() {
        assert_eq!(
            error_of(&with("SpotPrice", "NaN")),
            "s.json: at SpotPriceHistory[0].SpotPrice: expected a finite price, found `NaN`"
        );
        assert_eq!(
            error_of(&with("SpotPrice", "inf")),
            "s.json: at SpotPriceHistory[0].SpotPrice: expected a finite price, found `inf`"
        );
        assert_eq!(
            error_of(&with("SpotPrice", "-0.01")),
            "s.json: at SpotPriceHistory[0].SpotPrice: expected a price above 0, found `-0.01`"
        );
        assert_eq!(
            error_of(&with("SpotPrice", "0.000000")),
            "s.json: at SpotPriceHistory[0].SpotPrice: expected a price above 0, found \
             `0.000000`"
        );
        assert_eq!(
            error_of(&with("SpotPrice", "$0.04")),
            "s.json: at SpotPriceHistory[0].SpotPrice: expected a price in USD per hour, found \
             `$0.04`"
        );
        assert_eq!(
            error_of(&with("SpotPrice", "")),
            "s.json: at SpotPriceHistory[0].SpotPrice: expected a price in USD per hour, found \
             an empty value"
        );
    }

    #[test]
    fn bad_platforms_zones_and_times_are_rejected() {
        assert_eq!(
            error_of(&with("ProductDescription", "Plan 9")),
            "s.json: at SpotPriceHistory[0].ProductDescription: unknown platform `Plan 9`; \
             expected one of Linux/UNIX, Windows, Red Hat Enterprise Linux, SUSE Linux \
             (optionally with ` (Amazon VPC)`)"
        );
        assert_eq!(
            error_of(&with("AvailabilityZoneId", "us-east-1a")),
            "s.json: at SpotPriceHistory[0].AvailabilityZoneId: expected an AZ ID such as \
             `use1-az4`, found `us-east-1a`"
        );
        assert_eq!(
            error_of(&with("Timestamp", "31/05/2022 23:45")),
            "s.json: at SpotPriceHistory[0].Timestamp: expected an ISO 8601 time with a UTC \
             offset such as `2022-05-31T20:25:36+00:00`, found `31/05/2022 23:45`"
        );
        let text = r#"{"SpotPriceHistory": [{"InstanceType": "m5.large",
            "ProductDescription": "Linux/UNIX", "SpotPrice": "0.04",
            "Timestamp": "2022-05-31T23:45:32Z"}]}"#;
        assert_eq!(
            error_of(text),
            "s.json: at SpotPriceHistory[0]: expected `AvailabilityZoneId` or \
             `AvailabilityZone`, found neither"
        );
    }

    #[test]
    fn wrong_types_and_empty_histories_are_rejected() {
        let text = r#"{"SpotPriceHistory": [{"AvailabilityZone": "us-east-1a",
            "InstanceType": "m5.large", "ProductDescription": "Linux/UNIX",
            "SpotPrice": 0.04, "Timestamp": "2022-05-31T23:45:32Z"}]}"#;
        assert_eq!(
            error_of(text),
            "s.json: at SpotPriceHistory[0].SpotPrice (line 3, column 29): invalid type: \
             floating point `0.04`, expected a string"
        );
        assert_eq!(
            error_of(r#"{"SpotPriceHistory": []}"#),
            "s.json: at SpotPriceHistory: expected at least one spot price, found an empty list \
             (do `--start-time` and the filters match any prices?)"
        );
        assert_eq!(
            error_of(r#"{"SpotPlacementScores": []}"#),
            "s.json: in the file: expected describe-spot-price-history output (top-level \
             `SpotPriceHistory`), found get-spot-placement-scores output (top-level \
             `SpotPlacementScores`)"
        );
        assert_eq!(
            error_of("SPOTPRICEHISTORY\tus-east-1a\tm5.large\n"),
            "s.json: in the file: expected describe-spot-price-history output as JSON, found \
             text starting `SPOTPRICEHISTORY`; run the AWS CLI with `--output json`"
        );
    }
}
