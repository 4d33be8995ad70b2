//! Loaders for the real inputs a capacity planner has: AWS CLI JSON outputs, the Spot Advisor
//! feed, price lists, and fleetopt's own catalogue format.
//!
//! One module per source format. Each exposes `parse(label, text)` (pure, for tests and
//! in-memory input) and `load(path)` (reads the file, then parses). Loaders check shapes and
//! values and turn AWS spellings into model types; they do not join sources — that is
//! [`crate::build`]'s job. Every error names the file, the path inside it and what was expected.

pub mod advisor;
pub mod capacity_blocks;
pub mod capacity_reservations;
pub mod catalog;
pub mod instance_types;
pub mod launch_templates;
pub mod offerings;
pub mod on_demand;
pub mod placement_scores;
pub mod price_list;
pub mod requirements;
pub mod reserved_instances;
pub mod savings_plans;
pub mod spot_prices;
pub mod subnets;
pub mod zones;

use std::path::Path;

use crate::error::LoadError;
use crate::model::{Platform, RegionName, TypeName, ZoneId};

/// Where an input places something: by AZ ID, or by account-specific AZ name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ZoneRef {
    /// `use1-az4`.
    Id(ZoneId),
    /// `us-east-1a` (needs describe-availability-zones to resolve to an ID).
    Name(String),
}

/// One row of describe-instance-type-offerings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offering {
    /// Instance type.
    pub instance_type: TypeName,
    /// Where it is offered.
    pub zone: ZoneRef,
    /// The JSON path of the entry's `Location` (`InstanceTypeOfferings[3].Location`), so a
    /// later step that cannot resolve the zone can point at it.
    pub location: String,
}

/// One entry of describe-spot-price-history.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotPriceRecord {
    /// AZ ID when the entry had `AvailabilityZoneId`, else the AZ name.
    pub zone: ZoneRef,
    /// The AZ name, when given (kept even when the ID is known).
    pub zone_name: Option<String>,
    /// The JSON path of the field `zone` came from (`SpotPriceHistory[7].AvailabilityZoneId`),
    /// so a later step that cannot resolve the zone can point at it.
    pub location: String,
    /// Instance type.
    pub instance_type: TypeName,
    /// Platform from `ProductDescription`.
    pub platform: Platform,
    /// USD per instance-hour (finite, > 0).
    pub price: f64,
    /// Seconds since the Unix epoch (UTC) of `Timestamp`, for "latest wins".
    pub timestamp: i64,
    /// The timestamp as RFC 3339 (`2022-05-31T20:25:36Z`).
    pub timestamp_text: String,
}

/// Spot Advisor entry for one (region, OS, type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// Interruption bucket `r` (0..=4).
    pub bucket: u8,
    /// Savings vs On-Demand, whole percent (0..=100).
    pub savings_percent: u8,
}

/// The Spot Advisor feed (`spot-advisor-data.json`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpotAdvisor {
    /// Bucket labels by index, as the feed gives them.
    pub bucket_labels: Vec<String>,
    /// (region, platform) → type → advice. Platforms are Linux/UNIX and Windows.
    pub advice: std::collections::BTreeMap<
        (RegionName, Platform),
        std::collections::BTreeMap<TypeName, Advice>,
    >,
}

impl SpotAdvisor {
    /// The advice for one type, if the feed has it.
    pub fn get(&self, region: &str, platform: Platform, instance_type: &str) -> Option<Advice> {
        self.advice
            .get(&(RegionName::new(region), platform))
            .and_then(|types| types.get(instance_type))
            .copied()
    }
}

/// One get-spot-placement-scores result: a region score (no zone) or an AZ score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementScore {
    /// Region code.
    pub region: RegionName,
    /// AZ ID for single-AZ scores.
    pub zone: Option<ZoneId>,
    /// 1..=10.
    pub score: u8,
}

/// One On-Demand price.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDemandPrice {
    /// Instance type.
    pub instance_type: TypeName,
    /// Region code.
    pub region: RegionName,
    /// Platform (default Linux/UNIX).
    pub platform: Platform,
    /// USD per instance-hour (finite, > 0).
    pub price: f64,
}

/// One zone from describe-availability-zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRecord {
    /// AZ name (`us-east-1a`), account-specific.
    pub name: String,
    /// AZ ID (`use1-az4`).
    pub id: ZoneId,
    /// Region code.
    pub region: RegionName,
}

/// Reads a file and hands its text and label to a parser.
///
/// Files that are not UTF-8 text get a message saying what they are instead (UTF-16 as
/// Windows PowerShell's `>` writes it, gzip), and a UTF-8 byte order mark is dropped.
pub(crate) fn load_with<T>(
    path: &Path,
    parse: impl FnOnce(&str, &str) -> Result<T, LoadError>,
) -> Result<T, LoadError> {
    let label = path.display().to_string();
    // The path is opened and read once (a FIFO cannot be read twice); bytes that are not UTF-8
    // come back with the error, to say what they are.
    let text = match crate::read::read_text(path) {
        Ok(text) => text,
        Err(crate::read::ReadError::NotUtf8 { offset, bytes }) => {
            return Err(LoadError::whole_file(
                &label,
                not_text(&bytes)
                    .unwrap_or_else(|| format!("not UTF-8 text (invalid byte at offset {offset})")),
            ));
        }
        Err(error) => return Err(LoadError::whole_file(&label, error.to_string())),
    };
    parse(&label, text.strip_prefix('\u{feff}').unwrap_or(&text))
}

/// What a file that is not UTF-8 text is, when its first bytes tell.
fn not_text(bytes: &[u8]) -> Option<String> {
    let utf16 = |order: &str| {
        format!(
            "expected UTF-8 text, found UTF-16 ({order}, from its byte order mark); save the \
             file as UTF-8 (Windows PowerShell's `>` writes UTF-16; pipe to `Out-File -Encoding \
             utf8` instead)"
        )
    };
    match bytes {
        [0xff, 0xfe, ..] => Some(utf16("little-endian")),
        [0xfe, 0xff, ..] => Some(utf16("big-endian")),
        [0x1f, 0x8b, ..] => Some(
            "expected UTF-8 text, found gzip-compressed data; decompress it first (`gunzip`)"
                .to_owned(),
        ),
        _ => None,
    }
}

/// Checks that `text` can be JSON before a JSON loader parses it, so an empty file, the AWS
/// CLI's `--output text`/`table`/`yaml` output or a saved XML/HTML error page gets a message
/// naming what was expected (`what`, e.g. `describe-instance-types output`) instead of a
/// parser error at line 1, column 1. `cli` adds the hint to run the AWS CLI with
/// `--output json`.
pub(crate) fn check_json_text(
    label: &str,
    text: &str,
    what: &str,
    cli: bool,
) -> Result<(), LoadError> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let Some(first) = start.chars().next() else {
        return Err(LoadError::whole_file(
            label,
            format!("expected {what} as JSON, found an empty file"),
        ));
    };
    if !(first.is_alphabetic() || first == '<') {
        return Ok(());
    }
    let word: String = start
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect();
    let message = if first == '<' {
        format!(
            "expected {what} as JSON, found XML or HTML starting `{word}` (an error page saved \
             in place of the data?)"
        )
    } else if cli {
        format!(
            "expected {what} as JSON, found text starting `{word}`; run the AWS CLI with \
             `--output json`"
        )
    } else {
        format!("expected {what} as JSON, found text starting `{word}`")
    };
    Err(LoadError::whole_file(label, message))
}

/// What kind of input a JSON object is, told by a top-level key that only that kind has:
/// (key, description). For messages when a file is given where another kind was expected.
pub(crate) fn known_kind<'k>(
    keys: impl IntoIterator<Item = &'k String>,
) -> Option<(&'k str, &'static str)> {
    const KINDS: [(&str, &str); 15] = [
        ("InstanceTypes", "describe-instance-types output"),
        (
            "InstanceTypeOfferings",
            "describe-instance-type-offerings output",
        ),
        ("SpotPriceHistory", "describe-spot-price-history output"),
        ("spot_advisor", "the Spot Advisor feed"),
        ("SpotPlacementScores", "get-spot-placement-scores output"),
        ("Recommendation", "get-spot-placement-scores output"),
        ("AvailabilityZones", "describe-availability-zones output"),
        ("PriceList", "`aws pricing get-products` output"),
        (
            "CapacityReservations",
            "describe-capacity-reservations output",
        ),
        ("ReservedInstances", "describe-reserved-instances output"),
        ("savingsPlans", "describe-savings-plans output"),
        ("searchResults", "describe-savings-plan-rates output"),
        (
            "CapacityBlockOfferings",
            "describe-capacity-block-offerings output",
        ),
        ("offerCode", "a Price List offer file"),
        ("schema", "a fleetopt catalogue"),
    ];
    keys.into_iter().find_map(|key| {
        KINDS
            .iter()
            .find(|(known, _)| known == key)
            .map(|(_, kind)| (key.as_str(), *kind))
    })
}

/// For a JSON object, checks that it has the top-level key `required` (the list a loader
/// reads) and, when it does not, says what the file is instead: another kind of input (see
/// [`known_kind`]), an empty object, or which keys it has. Anything that is not a JSON object
/// passes, for the real parse to report.
pub(crate) fn check_top_level_key(
    label: &str,
    text: &str,
    required: &str,
    what: &str,
) -> Result<(), LoadError> {
    if first_significant_char(text) != Some('{') {
        return Ok(());
    }
    let Ok(keys) = crate::error::parse_json::<
        std::collections::BTreeMap<String, serde::de::IgnoredAny>,
    >(label, text) else {
        return Ok(());
    };
    if keys.contains_key(required) {
        return Ok(());
    }
    Err(LoadError::whole_file(
        label,
        format!(
            "expected {what} (top-level `{required}`), found {}",
            describe_keys(keys.keys())
        ),
    ))
}

/// `describe-instance-types output (top-level `InstanceTypes`)`, `an empty object`, or
/// `an object with top-level keys `A`, `B``.
pub(crate) fn describe_keys<'k>(keys: impl Iterator<Item = &'k String> + Clone) -> String {
    if let Some((key, kind)) = known_kind(keys.clone()) {
        return format!("{kind} (top-level `{key}`)");
    }
    let listed: Vec<String> = keys.take(6).map(|k| format!("`{k}`")).collect();
    if listed.is_empty() {
        "an empty object".to_owned()
    } else {
        format!("an object with top-level keys {}", listed.join(", "))
    }
}

/// The first non-whitespace character of a text, to tell JSON from CSV and objects from arrays.
pub(crate) fn first_significant_char(text: &str) -> Option<char> {
    text.trim_start_matches('\u{feff}')
        .chars()
        .find(|c| !c.is_whitespace())
}

// ---------------------------------------------------------------------------------------------
// Small checks shared by the AWS-format loaders. Each returns the message of a `LoadError`; the
// caller knows the file and the location.

/// Checks an instance type name: non-empty, no whitespace, and a family and size separated by a
/// dot (`m5.large`).
pub(crate) fn parse_type_name(text: &str) -> Result<TypeName, String> {
    let valid = text
        .split_once('.')
        .is_some_and(|(family, size)| !family.is_empty() && !size.is_empty())
        && !text.chars().any(char::is_whitespace);
    if valid {
        Ok(TypeName::new(text))
    } else {
        Err(format!(
            "expected an instance type name such as `m5.large`, found `{text}`"
        ))
    }
}

/// Maps a product description or OS name to a [`Platform`], listing the accepted spellings
/// when it is unknown.
pub(crate) fn parse_platform(text: &str) -> Result<Platform, String> {
    Platform::parse(text).ok_or_else(|| {
        let accepted: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
        format!(
            "unknown platform `{text}`; expected one of {} (optionally with ` (Amazon VPC)`)",
            accepted.join(", ")
        )
    })
}

/// Checks a region code against the regions fleetopt knows.
pub(crate) fn parse_known_region(text: &str) -> Result<RegionName, String> {
    if crate::regions::is_known_region(text) {
        return Ok(RegionName::new(text));
    }
    let squashed = |s: &str| s.replace(['-', '_', ' '], "").to_ascii_lowercase();
    let close = crate::regions::KNOWN_REGIONS
        .iter()
        .map(|(_, region)| *region)
        .find(|region| squashed(region) == squashed(text));
    Err(match close {
        Some(region) => {
            format!("unknown region `{text}`; expected a region code (did you mean `{region}`?)")
        }
        None if text.contains(char::is_whitespace) => format!(
            "unknown region `{text}`; expected a region code such as `us-east-1`, not a price \
             list location name"
        ),
        None => format!("unknown region `{text}`; expected a region code such as `us-east-1`"),
    })
}

/// Parses a price in USD per hour from text such as `0.080000`: finite and above zero.
pub(crate) fn parse_price(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("expected a price in USD per hour, found an empty value".to_owned());
    }
    let value: f64 = trimmed
        .parse()
        .map_err(|_| format!("expected a price in USD per hour, found `{trimmed}`"))?;
    check_price(value, trimmed)
}

/// Checks a price that is already a number; `shown` is how the input spelled it.
pub(crate) fn check_price(value: f64, shown: &str) -> Result<f64, String> {
    if !value.is_finite() {
        Err(format!("expected a finite price, found `{shown}`"))
    } else if value <= 0.0 {
        Err(format!("expected a price above 0, found `{shown}`"))
    } else {
        Ok(value)
    }
}

/// A JSON price field that may be a number (`0.096`) or a numeric string (`"0.096"`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonPrice {
    /// A JSON number.
    Number(f64),
    /// A JSON string, checked later with [`parse_price`].
    Text(String),
}

impl JsonPrice {
    /// The checked price (finite, above zero).
    pub(crate) fn value(&self) -> Result<f64, String> {
        match self {
            JsonPrice::Number(value) => check_price(*value, &value.to_string()),
            JsonPrice::Text(text) => parse_price(text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for JsonPrice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PriceVisitor;

        impl serde::de::Visitor<'_> for PriceVisitor {
            type Value = JsonPrice;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a price as a number or a numeric string")
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<JsonPrice, E> {
                Ok(JsonPrice::Number(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<JsonPrice, E> {
                Ok(JsonPrice::Number(value as f64))
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<JsonPrice, E> {
                Ok(JsonPrice::Number(value as f64))
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<JsonPrice, E> {
                Ok(JsonPrice::Text(value.to_owned()))
            }
        }

        deserializer.deserialize_any(PriceVisitor)
    }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the commitment loaders (Capacity Reservations, Reserved Instances, Savings
// Plans, Capacity Blocks, the Price List), which read AWS output strictly: a member that is not
// in the AWS shape is refused, so a typo or a file of another kind is not read as empty.

/// Checks that a JSON document is an object before a loader that expects one parses it, so an
/// array or a scalar at the top gets a message saying what was expected.
pub(crate) fn check_json_object(label: &str, text: &str, what: &str) -> Result<(), LoadError> {
    let found = match first_significant_char(text) {
        Some('{') | None => return Ok(()),
        Some('[') => "an array",
        Some('"') => "a string",
        Some('t' | 'f') => "a boolean",
        Some('n') => "null",
        Some(_) => "a number",
    };
    Err(LoadError::whole_file(
        label,
        format!("expected {what} as a JSON object, found {found}"),
    ))
}

/// Rewrites serde's refusal of an unknown member (`unknown field `X`, expected one of …`, which
/// lists every member) as a message naming the AWS shape and the closest member, if one is
/// close. `shapes` names the AWS structure by the member that holds it (`("RecurringCharges",
/// "RecurringCharge")`), its first entry being the default (`("", "ReservedInstances")`); the
/// holder nearest the member wins.
/// Other errors pass unchanged.
pub(crate) fn strict_members(mut error: LoadError, shapes: &[(&str, &str)]) -> LoadError {
    let Some(rest) = error.message.strip_prefix("unknown field `") else {
        return error;
    };
    // The nearest named holder above the member, walking the path up (map keys such as a
    // Price List rate code may hold dots, so the next-to-last segment is not always it).
    let named = shapes.get(1..).unwrap_or_default();
    let holder = match &error.location {
        crate::error::Location::JsonPath { path, .. } => path
            .rsplit('.')
            .skip(1)
            .map(|segment| segment.split('[').next().unwrap_or(segment))
            .find_map(|segment| named.iter().find(|(member, _)| *member == segment)),
        _ => None,
    };
    let shape = holder.or(shapes.first()).map_or("", |(_, shape)| *shape);
    let Some((member, expected)) = rest.split_once('`') else {
        return error;
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = crate::suggest::closest(member, known, crate::suggest::Case::Ignored, 3)
        .map(|close| format!(" (did you mean `{close}`?)"))
        .unwrap_or_default();
    error.message = format!(
        "unknown member `{}`: not in the AWS {shape} shape{hint}",
        crate::escape::escape_controls(member)
    );
    error
}

/// Parses a JSON document with [`crate::error::parse_json`], unknown members reported by
/// [`strict_members`].
pub(crate) fn parse_strict<T: serde::de::DeserializeOwned>(
    label: &str,
    text: &str,
    shapes: &[(&str, &str)],
) -> Result<T, LoadError> {
    crate::error::parse_json(label, text).map_err(|e| strict_members(e, shapes))
}

/// Checks an AWS timestamp (`2024-10-23T15:00:24+00:00`, `2016-08-14T21:34:34.000Z`) and
/// writes it in UTC (`2024-10-23T15:00:24Z`), the form the spot price loader keeps.
pub(crate) fn parse_time(text: &str) -> Result<String, String> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|time| {
            time.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        })
        .map_err(|_| {
            format!(
                "expected an RFC 3339 time such as `2024-10-23T15:00:24+00:00`, found `{}`",
                crate::escape::escape_controls(text)
            )
        })
}

/// Checks an instance count read as a signed number: 0 or more, at most `u32::MAX`.
pub(crate) fn check_count(value: i64) -> Result<u32, String> {
    if value < 0 {
        return Err(format!("expected a count of 0 or more, found `{value}`"));
    }
    u32::try_from(value)
        .map_err(|_| format!("expected a count up to {}, found `{value}`", u32::MAX))
}

/// Checks an amount of money that may be zero (an upfront fee, a rate, an All Upfront hourly
/// price): finite and not negative. `shown` is how the input spelled it.
pub(crate) fn check_amount(value: f64, shown: &str) -> Result<f64, String> {
    if !value.is_finite() {
        Err(format!(
            "expected a finite amount, found `{}`",
            crate::escape::escape_controls(shown)
        ))
    } else if value < 0.0 {
        Err(format!("expected an amount of 0 or more, found `{shown}`"))
    } else {
        Ok(value)
    }
}

/// Parses an amount of money from text (`"0.0960000000"`): see [`check_amount`].
pub(crate) fn parse_amount(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let value: f64 = trimmed.parse().map_err(|_| {
        format!(
            "expected an amount such as `0.096`, found `{}`",
            crate::escape::escape_controls(trimmed)
        )
    })?;
    check_amount(value, trimmed)
}

/// An AWS closed value parsed by `parse`, or a message listing `spellings`.
pub(crate) fn parse_closed<T>(
    text: &str,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    spellings: &str,
) -> Result<T, String> {
    parse(text).ok_or_else(|| {
        format!(
            "unknown {what} `{}`; expected one of {spellings}",
            crate::escape::escape_controls(text)
        )
    })
}

/// The zone of an entry that may give `AvailabilityZoneId`, `AvailabilityZone` or both: the ID
/// when given (checked), else the name (never guessed into an ID). Gives the zone and the
/// member it came from, or (member, message).
pub(crate) fn zone_of(
    id: Option<&str>,
    name: Option<&str>,
) -> Result<Option<(ZoneRef, &'static str)>, (&'static str, String)> {
    match (id, name) {
        (Some(id), _) if crate::regions::looks_like_zone_id(id) => {
            Ok(Some((ZoneRef::Id(ZoneId::new(id)), "AvailabilityZoneId")))
        }
        (Some(id), _) => Err((
            "AvailabilityZoneId",
            format!(
                "expected an AZ ID such as `use1-az4`, found `{}`",
                crate::escape::escape_controls(id)
            ),
        )),
        (None, Some(name)) if !name.trim().is_empty() => {
            Ok(Some((ZoneRef::Name(name.to_owned()), "AvailabilityZone")))
        }
        (None, Some(_)) => Err((
            "AvailabilityZone",
            "expected an AZ name such as `us-east-1a`, found an empty value".to_owned(),
        )),
        (None, None) => Ok(None),
    }
}

/// The platform fleetopt models for an EC2 platform or product description, when it is one
/// exactly (`Linux/UNIX`, `Linux/UNIX (Amazon VPC)`, `Windows`, `Red Hat Enterprise Linux`,
/// `SUSE Linux`); licensed variants (`Windows with SQL Server`) give `None`.
pub(crate) fn exact_platform(text: &str) -> Option<Platform> {
    let base = text.strip_suffix(" (Amazon VPC)").unwrap_or(text);
    Platform::ALL.into_iter().find(|p| p.as_str() == base)
}

/// Truncates `text` at every char boundary and checks that `parse` returns (never panics).
#[cfg(test)]
pub(crate) fn assert_no_panic_on_truncation<T>(text: &str, parse: impl Fn(&str) -> T) {
    for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        let _ = parse(&text[..end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `bytes` from a temporary file with a parser that returns the text it was given.
    fn load_bytes(bytes: &[u8]) -> Result<String, String> {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("{e}"),
        };
        let path = dir.path().join("f.json");
        if let Err(e) = std::fs::write(&path, bytes) {
            panic!("{e}");
        }
        load_with(&path, |_, text| Ok(text.to_owned())).map_err(|e| e.message)
    }

    #[test]
    fn utf16_and_gzip_files_are_named_and_a_utf8_bom_is_dropped() {
        assert_eq!(
            load_bytes(b"\xff\xfe{\x00}\x00"),
            Err(
                "expected UTF-8 text, found UTF-16 (little-endian, from its byte order mark); \
                 save the file as UTF-8 (Windows PowerShell's `>` writes UTF-16; pipe to \
                 `Out-File -Encoding utf8` instead)"
                    .to_owned()
            )
        );
        assert_eq!(
            load_bytes(b"\x1f\x8b\x08\x00\x00"),
            Err(
                "expected UTF-8 text, found gzip-compressed data; decompress it first (`gunzip`)"
                    .to_owned()
            )
        );
        assert_eq!(
            load_bytes(b"{\"a\": \xe9}"),
            Err("not UTF-8 text (invalid byte at offset 6)".to_owned())
        );
        assert_eq!(load_bytes(b"\xef\xbb\xbf{}"), Ok("{}".to_owned()));
    }

    #[test]
    fn region_codes_get_suggestions() {
        assert_eq!(
            parse_known_region("eu_west_1"),
            Err(
                "unknown region `eu_west_1`; expected a region code (did you mean `eu-west-1`?)"
                    .to_owned()
            )
        );
        assert_eq!(
            parse_known_region("mars-north-1"),
            Err(
                "unknown region `mars-north-1`; expected a region code such as `us-east-1`"
                    .to_owned()
            )
        );
    }
}
