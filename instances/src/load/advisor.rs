//! Reads the Spot Instance Advisor feed (`spot-advisor-data.json`, published at
//! `https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json`; there is no AWS CLI
//! command for it) and produces a [`SpotAdvisor`]: interruption bucket and savings per
//! (region, OS, instance type).
//!
//! Shape: `{"ranges": [{index, label, …}], "spot_advisor": {region: {"Linux"|"Windows": {type:
//! {"r": bucket, "s": savings %}}}}, "instance_types": …, "global_rate": …}`. Only `ranges` and
//! `spot_advisor` are read. The ranges' `max` values (5, 11, 16, 22, 100) do not match their
//! labels, so only `index` and `label` are used.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{Advice, SpotAdvisor};
use crate::error::{LoadError, parse_json};
use crate::model::{Platform, RegionName};

/// The highest interruption bucket `r` (`>20%`).
const MAX_BUCKET: i64 = 4;

/// Parses the Spot Advisor feed.
pub fn parse(label: &str, text: &str) -> Result<SpotAdvisor, LoadError> {
    const WHAT: &str = "the Spot Advisor feed";
    super::check_json_text(label, text, WHAT, false)?;
    super::check_top_level_key(label, text, "spot_advisor", WHAT)?;
    let feed: Feed = parse_json(label, text)?;
    let Some(ranges) = feed.ranges else {
        return Err(LoadError::at_path(
            label,
            "ranges",
            "expected the list of interruption buckets (`[{\"index\": 0, \"label\": \"<5%\"}, \
             …]`) beside `spot_advisor`, found no `ranges` key",
        ));
    };
    let bucket_labels = bucket_labels(ranges)
        .map_err(|(path, message)| LoadError::at_path(label, path, message))?;
    let mut advice: BTreeMap<(RegionName, Platform), BTreeMap<_, _>> = BTreeMap::new();
    for (region, systems) in feed.spot_advisor {
        for (system, types) in systems {
            let path = format!("spot_advisor.{region}.{system}");
            let platform = match Platform::parse(&system) {
                Some(platform) => platform,
                None => {
                    return Err(LoadError::at_path(
                        label,
                        path,
                        format!("unknown operating system `{system}`; expected Linux or Windows"),
                    ));
                }
            };
            let entries = advice
                .entry((RegionName::new(region.as_str()), platform))
                .or_default();
            for (instance_type, entry) in types {
                let path = format!("{path}.{instance_type}");
                let name = super::parse_type_name(&instance_type)
                    .map_err(|message| LoadError::at_path(label, &path, message))?;
                let checked = check_entry(&entry).map_err(|(field, message)| {
                    LoadError::at_path(label, format!("{path}.{field}"), message)
                })?;
                entries.insert(name, checked);
            }
        }
    }
    if advice.values().all(BTreeMap::is_empty) {
        return Err(LoadError::at_path(
            label,
            "spot_advisor",
            "expected advice for at least one region, OS and instance type, found none",
        ));
    }
    Ok(SpotAdvisor {
        bucket_labels,
        advice,
    })
}

/// Reads and parses a Spot Advisor feed file.
pub fn load(path: &Path) -> Result<SpotAdvisor, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
struct Feed {
    /// Optional here so its absence gets its own message.
    ranges: Option<Vec<Range>>,
    /// region → OS → instance type → entry.
    spot_advisor: BTreeMap<String, BTreeMap<String, BTreeMap<String, Entry>>>,
}

#[derive(Deserialize)]
struct Range {
    index: usize,
    label: String,
}

#[derive(Deserialize)]
struct Entry {
    r: i64,
    s: i64,
}

/// The labels ordered by `index`, which must number the ranges 0, 1, … without gaps or repeats.
fn bucket_labels(ranges: Vec<Range>) -> Result<Vec<String>, (String, String)> {
    let count = ranges.len();
    // (label, position in `ranges`) per index.
    let mut labels: Vec<Option<(String, usize)>> = vec![None; count];
    for (position, range) in ranges.into_iter().enumerate() {
        let expected = format!(
            "expected each index from 0 to {} once",
            count.saturating_sub(1)
        );
        match labels.get_mut(range.index) {
            Some(slot @ None) => *slot = Some((range.label, position)),
            Some(Some((_, first))) => {
                return Err((
                    format!("ranges[{position}].index"),
                    format!(
                        "{expected}, found {} again (first at ranges[{first}])",
                        range.index
                    ),
                ));
            }
            None => {
                return Err((
                    format!("ranges[{position}].index"),
                    format!("{expected}, found {}", range.index),
                ));
            }
        }
    }
    // Every slot is filled: `count` distinct indexes below `count`.
    Ok(labels
        .into_iter()
        .flatten()
        .map(|(label, _)| label)
        .collect())
}

/// Checks `r` (0..=4) and `s` (at most 100; negative savings become 0); on failure gives
/// (field, message).
fn check_entry(entry: &Entry) -> Result<Advice, (&'static str, String)> {
    let bucket = u8::try_from(entry.r)
        .ok()
        .filter(|r| i64::from(*r) <= MAX_BUCKET)
        .ok_or_else(|| {
            (
                "r",
                format!(
                    "expected an interruption bucket from 0 to {MAX_BUCKET}, found {}",
                    entry.r
                ),
            )
        })?;
    // The real feed has negative savings (ca-central-1 Linux p5.48xlarge: -62): Spot dearer
    // than On-Demand. Nobody pays more than On-Demand for Spot, so those count as 0 %.
    let savings_percent = u8::try_from(entry.s.max(0))
        .ok()
        .filter(|s| *s <= 100)
        .ok_or_else(|| {
            (
                "s",
                format!(
                    "expected a savings percentage of at most 100, found {}",
                    entry.s
                ),
            )
        })?;
    Ok(Advice {
        bucket,
        savings_percent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> SpotAdvisor {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/aws/spot-advisor.json"
        );
        match load(Path::new(path)) {
            Ok(advisor) => advisor,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("a.json", text) {
            Ok(advisor) => panic!("expected an error, got {advisor:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// A feed with one entry for us-east-1 under `os`.
    fn feed(os: &str, entry: &str) -> String {
        format!(
            r#"{{"ranges": [{{"index": 0, "label": "<5%"}}],
                "spot_advisor": {{"us-east-1": {{"{os}": {{"m5.large": {entry}}}}}}}}}"#
        )
    }

    #[test]
    fn fixture_gives_real_advice() {
        let advisor = fixture();
        assert_eq!(
            advisor.bucket_labels,
            ["<5%", "5-10%", "10-15%", "15-20%", ">20%"]
        );
        assert_eq!(
            advisor.get("us-east-1", Platform::LinuxUnix, "m5.large"),
            Some(Advice {
                bucket: 3,
                savings_percent: 66
            })
        );
        assert_eq!(
            advisor.get("us-east-1", Platform::Windows, "m5.xlarge"),
            Some(Advice {
                bucket: 1,
                savings_percent: 46
            })
        );
        assert_eq!(
            advisor.get("us-west-2", Platform::LinuxUnix, "t3.micro"),
            Some(Advice {
                bucket: 1,
                savings_percent: 70
            })
        );
        assert_eq!(
            advisor.get("us-east-1", Platform::Windows, "m7g.large"),
            None
        );
        assert_eq!(
            advisor.get("us-west-2", Platform::Windows, "m5.large"),
            None
        );
        assert_eq!(advisor.advice.len(), 3);
    }

    #[test]
    fn the_real_feed_loads() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/spotinfo/spot-advisor-data.json"
        ));
        if !path.exists() {
            eprintln!("skipped: ../shared/data not found (CI provides it)");
            return;
        }
        let advisor = match load(path) {
            Ok(advisor) => advisor,
            Err(e) => panic!("{e}"),
        };
        let entries: usize = advisor.advice.values().map(BTreeMap::len).sum();
        assert_eq!(entries, 25_323);
        assert_eq!(
            advisor.get("us-east-1", Platform::LinuxUnix, "m5.large"),
            Some(Advice {
                bucket: 3,
                savings_percent: 66
            })
        );
    }

    #[test]
    fn buckets_and_savings_out_of_range_are_rejected_negative_savings_are_zero() {
        assert_eq!(
            error_of(&feed("Linux", r#"{"r": 5, "s": 60}"#)),
            "a.json: at spot_advisor.us-east-1.Linux.m5.large.r: expected an interruption \
             bucket from 0 to 4, found 5"
        );
        assert_eq!(
            error_of(&feed("Linux", r#"{"r": -1, "s": 60}"#)),
            "a.json: at spot_advisor.us-east-1.Linux.m5.large.r: expected an interruption \
             bucket from 0 to 4, found -1"
        );
        assert_eq!(
            error_of(&feed("Windows", r#"{"r": 2, "s": 101}"#)),
            "a.json: at spot_advisor.us-east-1.Windows.m5.large.s: expected a savings \
             percentage of at most 100, found 101"
        );
        let negative = match parse("a.json", &feed("Linux", r#"{"r": 0, "s": -62}"#)) {
            Ok(advisor) => advisor,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            negative.get("us-east-1", Platform::LinuxUnix, "m5.large"),
            Some(Advice {
                bucket: 0,
                savings_percent: 0
            })
        );
        assert_eq!(
            error_of(&feed("Linux", r#"{"r": "high", "s": 60}"#)),
            "a.json: at spot_advisor.us-east-1.Linux.m5.large.r (line 2, column 81): invalid \
             type: string \"high\", expected a whole number"
        );
    }

    #[test]
    fn unknown_os_and_bad_ranges_are_rejected() {
        assert_eq!(
            error_of(&feed("Plan9", r#"{"r": 0, "s": 60}"#)),
            "a.json: at spot_advisor.us-east-1.Plan9: unknown operating system `Plan9`; \
             expected Linux or Windows"
        );
        let text = r#"{"ranges": [{"index": 0, "label": "<5%"}, {"index": 0, "label": "5-10%"}],
                       "spot_advisor": {}}"#;
        assert_eq!(
            error_of(text),
            "a.json: at ranges[1].index: expected each index from 0 to 1 once, found 0 again \
             (first at ranges[0])"
        );
        let text = r#"{"ranges": [{"index": 0, "label": "<5%"}, {"index": 5, "label": ">20%"}],
                       "spot_advisor": {}}"#;
        assert_eq!(
            error_of(text),
            "a.json: at ranges[1].index: expected each index from 0 to 1 once, found 5"
        );
        let text = r#"{"ranges": [{"index": 0, "label": "<5%"}], "spot_advisor": {}}"#;
        assert_eq!(
            error_of(text),
            "a.json: at spot_advisor: expected advice for at least one region, OS and instance \
             type, found none"
        );
        assert_eq!(
            error_of(r#"{"spot_advisor": {}}"#),
            "a.json: at ranges: expected the list of interruption buckets (`[{\"index\": 0, \
             \"label\": \"<5%\"}, …]`) beside `spot_advisor`, found no `ranges` key"
        );
        assert_eq!(
            error_of(r#"{"SpotPriceHistory": []}"#),
            "a.json: in the file: expected the Spot Advisor feed (top-level `spot_advisor`), \
             found describe-spot-price-history output (top-level \
             `SpotPriceHistory`)"
        );
        assert_eq!(
            error_of("<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>"),
            "a.json: in the file: expected the Spot Advisor feed as JSON, found XML or HTML \
             starting `<?xml` (an error page saved in place of the data?)"
        );
    }
}
