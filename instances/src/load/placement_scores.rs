//! Reads `aws ec2 get-spot-placement-scores` output and produces [`PlacementScore`]s, in file
//! order: region scores, or AZ scores when the request set `SingleAvailabilityZone`.
//!
//! Shape: `{"SpotPlacementScores": [{Region, AvailabilityZoneId?, Score}]}` (the API model).
//! The CLI documentation's example names the list `"Recommendation"`; that key is accepted too.

use std::path::Path;

use serde::Deserialize;

use super::PlacementScore;
use crate::error::{LoadError, parse_json};
use crate::model::ZoneId;
use crate::regions;

/// Parses get-spot-placement-scores output; scores in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<PlacementScore>, LoadError> {
    super::check_json_text(label, text, "get-spot-placement-scores output", true)?;
    let output: Output = parse_json(label, text)?;
    let (key, items) = match (output.spot_placement_scores, output.recommendation) {
        (Some(items), None) => ("SpotPlacementScores", items),
        (None, Some(items)) => ("Recommendation", items),
        (Some(_), Some(_)) => {
            return Err(LoadError::whole_file(
                label,
                "expected one list of scores, found both `SpotPlacementScores` and \
                 `Recommendation`",
            ));
        }
        (None, None) => {
            let keys: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
                parse_json(label, text)?;
            return Err(LoadError::whole_file(
                label,
                format!(
                    "expected get-spot-placement-scores output (top-level `SpotPlacementScores` \
                     or `Recommendation`), found {}",
                    super::describe_keys(keys.keys())
                ),
            ));
        }
    };
    if items.is_empty() {
        return Err(LoadError::at_path(
            label,
            key,
            "expected at least one placement score, found an empty list",
        ));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            convert(item).map_err(|(field, message)| {
                LoadError::at_path(label, format!("{key}[{index}].{field}"), message)
            })
        })
        .collect()
}

/// Reads and parses a get-spot-placement-scores file.
pub fn load(path: &Path) -> Result<Vec<PlacementScore>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    spot_placement_scores: Option<Vec<Item>>,
    recommendation: Option<Vec<Item>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Item {
    region: String,
    availability_zone_id: Option<String>,
    score: i64,
}

/// Checks one score; on failure gives (field, message).
fn convert(item: Item) -> Result<PlacementScore, (&'static str, String)> {
    let region = super::parse_known_region(&item.region).map_err(|m| ("Region", m))?;
    let zone = match item.availability_zone_id {
        None => None,
        Some(zone) if !regions::looks_like_zone_id(&zone) => {
            return Err((
                "AvailabilityZoneId",
                format!("expected an AZ ID such as `use1-az4`, found `{zone}`"),
            ));
        }
        Some(zone) => match regions::region_of_zone_id(&zone) {
            Some(zone_region) if zone_region != region.as_str() => {
                return Err((
                    "AvailabilityZoneId",
                    format!("AZ ID `{zone}` is in {zone_region}, not in {region}"),
                ));
            }
            _ => Some(ZoneId::new(zone)),
        },
    };
    let score = u8::try_from(item.score)
        .ok()
        .filter(|score| (1..=10).contains(score))
        .ok_or_else(|| {
            (
                "Score",
                format!("expected a score from 1 to 10, found {}", item.score),
            )
        })?;
    Ok(PlacementScore {
        region,
        zone,
        score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegionName;

    fn fixture(name: &str) -> Vec<PlacementScore> {
        let path = format!("{}/../fixtures/aws/{name}", env!("CARGO_MANIFEST_DIR"));
        match load(Path::new(&path)) {
            Ok(scores) => scores,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("p.json", text) {
            Ok(scores) => panic!("expected an error, got {scores:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn one(item: &str) -> String {
        format!(r#"{{"SpotPlacementScores": [{item}]}}"#)
    }

    #[test]
    fn az_scores_from_the_api_shape() {
        let scores = fixture("placement-scores.json");
        assert_eq!(
            scores,
            [
                PlacementScore {
                    region: RegionName::new("us-east-1"),
                    zone: Some(ZoneId::new("use1-az1")),
                    score: 8
                },
                PlacementScore {
                    region: RegionName::new("us-east-1"),
                    zone: Some(ZoneId::new("use1-az4")),
                    score: 6
                },
                PlacementScore {
                    region: RegionName::new("us-east-1"),
                    zone: Some(ZoneId::new("use1-az2")),
                    score: 3
                },
            ]
        );
    }

    #[test]
    fn region_scores_under_the_cli_example_key() {
        let scores = fixture("placement-scores-recommendation.json");
        let summary: Vec<(&str, Option<&ZoneId>, u8)> = scores
            .iter()
            .map(|s| (s.region.as_str(), s.zone.as_ref(), s.score))
            .collect();
        assert_eq!(summary, [("us-west-2", None, 9), ("us-east-1", None, 7)]);
    }

    #[test]
    fn scores_outside_1_to_10_are_rejected() {
        assert_eq!(
            error_of(&one(r#"{"Region": "us-east-1", "Score": 0}"#)),
            "p.json: at SpotPlacementScores[0].Score: expected a score from 1 to 10, found 0"
        );
        assert_eq!(
            error_of(&one(r#"{"Region": "us-east-1", "Score": 11}"#)),
            "p.json: at SpotPlacementScores[0].Score: expected a score from 1 to 10, found 11"
        );
        assert_eq!(
            error_of(&one(r#"{"Region": "us-east-1", "Score": 7.5}"#)),
            "p.json: at SpotPlacementScores[0].Score (line 1, column 61): invalid type: \
             floating point `7.5`, expected a whole number"
        );
    }

    #[test]
    fn regions_and_zones_must_agree() {
        assert_eq!(
            error_of(&one(r#"{"Region": "us-east-9", "Score": 5}"#)),
            "p.json: at SpotPlacementScores[0].Region: unknown region `us-east-9`; expected a \
             region code such as `us-east-1`"
        );
        // The user guide's own sample pairs us-east-1 with usw2-az3.
        assert_eq!(
            error_of(&one(
                r#"{"Region": "us-east-1", "AvailabilityZoneId": "usw2-az3", "Score": 5}"#
            )),
            "p.json: at SpotPlacementScores[0].AvailabilityZoneId: AZ ID `usw2-az3` is in \
             us-west-2, not in us-east-1"
        );
        assert_eq!(
            error_of(&one(
                r#"{"Region": "us-east-1", "AvailabilityZoneId": "us-east-1a", "Score": 5}"#
            )),
            "p.json: at SpotPlacementScores[0].AvailabilityZoneId: expected an AZ ID such as \
             `use1-az4`, found `us-east-1a`"
        );
    }

    #[test]
    fn missing_or_empty_lists_are_rejected() {
        assert_eq!(
            error_of("{}"),
            "p.json: in the file: expected get-spot-placement-scores output (top-level \
             `SpotPlacementScores` or `Recommendation`), found an empty object"
        );
        assert_eq!(
            error_of(r#"{"AvailabilityZones": [], "ResponseMetadata": {}}"#),
            "p.json: in the file: expected get-spot-placement-scores output (top-level \
             `SpotPlacementScores` or `Recommendation`), found describe-availability-zones \
             output (top-level `AvailabilityZones`)"
        );
        assert_eq!(
            error_of(r#"{"SpotPlacementScores": [], "Recommendation": []}"#),
            "p.json: in the file: expected one list of scores, found both \
             `SpotPlacementScores` and `Recommendation`"
        );
        assert_eq!(
            error_of(r#"{"Recommendation": []}"#),
            "p.json: at Recommendation: expected at least one placement score, found an empty \
             list"
        );
    }
}
