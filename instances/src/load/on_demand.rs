//! Reads On-Demand price lists and produces [`OnDemandPrice`]s. AWS has no CLI command that
//! prints this shape directly (the Price List API, `aws pricing get-products`, returns nested
//! product documents); these are flat lists made from it.
//!
//! Two shapes are accepted:
//! - CSV with a header naming `instance_type`, `region` and `price_per_hour` in any order, an
//!   optional `operating_system` column (default `Linux/UNIX`), and any other columns ignored;
//! - a JSON array of objects with the same keys, where `price_per_hour` may be a number or a
//!   numeric string.
//!
//! A (type, region, platform) listed twice must have the same price both times.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::{JsonPrice, OnDemandPrice};
use crate::error::{LoadError, Location, parse_json};
use crate::model::{Platform, RegionName, TypeName};

/// The columns (and JSON keys) every row needs.
const REQUIRED: [&str; 3] = ["instance_type", "region", "price_per_hour"];
/// The optional platform column.
const OPERATING_SYSTEM: &str = "operating_system";

/// Parses an On-Demand price list (CSV, or JSON when the text starts with `[`); rows in file
/// order, repeated identical rows once.
pub fn parse(label: &str, text: &str) -> Result<Vec<OnDemandPrice>, LoadError> {
    let rows = match super::first_significant_char(text) {
        None => {
            return Err(LoadError::whole_file(
                label,
                "expected CSV with a header or a JSON array of prices, found an empty file",
            ));
        }
        Some('[') => json_rows(label, text)?,
        Some('{') => return Err(json_object(label, text)),
        Some(_) => csv_rows(label, text)?,
    };
    if rows.is_empty() {
        return Err(LoadError::whole_file(
            label,
            "expected at least one price, found only a header or an empty list",
        ));
    }
    let mut seen: HashMap<(TypeName, RegionName, Platform), (f64, RowAt)> = HashMap::new();
    let mut prices = Vec::with_capacity(rows.len());
    for row in rows {
        let price = check_row(&row)
            .map_err(|(field, message)| LoadError::new(label, row.at.field(field), message))?;
        let key = (
            price.instance_type.clone(),
            price.region.clone(),
            price.platform,
        );
        match seen.get(&key) {
            Some((first, _)) if *first == price.price => continue,
            Some((first, first_at)) => {
                return Err(LoadError::new(
                    label,
                    row.at.field("price_per_hour"),
                    format!(
                        "conflicting prices for {} in {} ({}): {} here, {first} at {first_at}",
                        price.instance_type, price.region, price.platform, price.price
                    ),
                ));
            }
            None => {
                seen.insert(key, (price.price, row.at));
                prices.push(price);
            }
        }
    }
    Ok(prices)
}

/// Reads and parses an On-Demand price file.
pub fn load(path: &Path) -> Result<Vec<OnDemandPrice>, LoadError> {
    super::load_with(path, parse)
}

/// Where a row is: a CSV line or a JSON array index.
#[derive(Debug, Clone, Copy)]
enum RowAt {
    Csv(u64),
    Json(usize),
}

impl RowAt {
    /// The location of one field of the row.
    fn field(self, name: &str) -> Location {
        match self {
            RowAt::Csv(line) => Location::CsvRecord {
                line,
                column: Some(name.to_owned()),
            },
            RowAt::Json(index) => Location::path(format!("[{index}].{name}")),
        }
    }
}

impl fmt::Display for RowAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowAt::Csv(line) => write!(f, "line {line}"),
            RowAt::Json(index) => write!(f, "[{index}]"),
        }
    }
}

/// One row as read, before checking.
#[derive(Deserialize)]
struct Row {
    #[serde(skip, default = "first_row")]
    at: RowAt,
    instance_type: String,
    region: String,
    #[serde(default)]
    operating_system: Option<String>,
    price_per_hour: JsonPrice,
}

fn first_row() -> RowAt {
    RowAt::Json(0)
}

fn json_rows(label: &str, text: &str) -> Result<Vec<Row>, LoadError> {
    let mut rows: Vec<Row> = parse_json(label, text)?;
    for (index, row) in rows.iter_mut().enumerate() {
        row.at = RowAt::Json(index);
    }
    Ok(rows)
}

/// The error for a JSON object where a list of prices was expected, saying what it is.
fn json_object(label: &str, text: &str) -> LoadError {
    let keys: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
        match parse_json(label, text) {
            Ok(keys) => keys,
            Err(error) => return error,
        };
    let hint = if keys.contains_key("PriceList") {
        "; flatten its products to rows of instance_type, region and price_per_hour first"
    } else {
        ""
    };
    LoadError::whole_file(
        label,
        format!(
            "expected CSV with a header or a JSON array of prices, found {}{hint}",
            super::describe_keys(keys.keys())
        ),
    )
}

fn csv_rows(label: &str, text: &str) -> Result<Vec<Row>, LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().map_err(|e| csv_error(label, &e))?.clone();
    let header_line = header.position().map_or(1, csv::Position::line);
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    if header.get(0) == Some("FormatVersion") {
        return Err(LoadError::new(
            label,
            Location::CsvRecord {
                line: header_line,
                column: None,
            },
            format!(
                "expected a header with {}, found the AWS bulk price list CSV (metadata lines \
                 from `FormatVersion`, then its own columns); convert it to those columns first",
                REQUIRED.join(", ")
            ),
        ));
    }
    let mut required = [0; 3];
    for (slot, name) in required.iter_mut().zip(REQUIRED) {
        *slot = column(name).ok_or_else(|| {
            LoadError::new(
                label,
                Location::CsvRecord {
                    line: header_line,
                    column: None,
                },
                format!(
                    "missing column `{name}`; expected a header with {} (and optionally {}), \
                     found {}",
                    REQUIRED.join(", "),
                    OPERATING_SYSTEM,
                    header.iter().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
    }
    let [type_column, region_column, price_column] = required;
    let os_column = column(OPERATING_SYSTEM);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(label, &e))?;
        let field = |index: usize| record.get(index).unwrap_or_default().to_owned();
        rows.push(Row {
            at: RowAt::Csv(record.position().map_or(0, csv::Position::line)),
            instance_type: field(type_column),
            region: field(region_column),
            operating_system: os_column.map(field),
            price_per_hour: JsonPrice::Text(field(price_column)),
        });
    }
    Ok(rows)
}

fn csv_error(label: &str, error: &csv::Error) -> LoadError {
    let line = error.position().map(csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields as in the header, found {len}"),
        _ => format!("not valid CSV: {error}"),
    };
    match line {
        Some(line) => LoadError::new(label, Location::CsvRecord { line, column: None }, message),
        None => LoadError::whole_file(label, message),
    }
}

/// Checks one row; on failure gives (field, message).
fn check_row(row: &Row) -> Result<OnDemandPrice, (&'static str, String)> {
    let instance_type =
        super::parse_type_name(&row.instance_type).map_err(|m| ("instance_type", m))?;
    let region = super::parse_known_region(&row.region).map_err(|m| ("region", m))?;
    let platform = match row.operating_system.as_deref().map(str::trim) {
        None | Some("") => Platform::LinuxUnix,
        Some(system) => super::parse_platform(system).map_err(|m| (OPERATING_SYSTEM, m))?,
    };
    let price = row
        .price_per_hour
        .value()
        .map_err(|m| ("price_per_hour", m))?;
    Ok(OnDemandPrice {
        instance_type,
        region,
        platform,
        price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<OnDemandPrice> {
        let path = format!("{}/../fixtures/aws/{name}", env!("CARGO_MANIFEST_DIR"));
        match load(Path::new(&path)) {
            Ok(prices) => prices,
            Err(e) => panic!("{e}"),
        }
    }

    fn parse_ok(text: &str) -> Vec<OnDemandPrice> {
        match parse("p.csv", text) {
            Ok(prices) => prices,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("p.csv", text) {
            Ok(prices) => panic!("expected an error, got {prices:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn price_of(prices: &[OnDemandPrice], name: &str, region: &str, platform: Platform) -> f64 {
        prices
            .iter()
            .find(|p| {
                p.instance_type.as_str() == name
                    && p.region.as_str() == region
                    && p.platform == platform
            })
            .map_or(f64::NAN, |p| p.price)
    }

    #[test]
    fn csv_fixture() {
        let prices = fixture("on-demand-prices.csv");
        assert_eq!(prices.len(), 10);
        assert_eq!(
            price_of(&prices, "m5.large", "us-east-1", Platform::LinuxUnix),
            0.096
        );
        assert_eq!(
            price_of(&prices, "m5.large", "us-east-1", Platform::Windows),
            0.188
        );
        assert_eq!(
            price_of(&prices, "g4dn.8xlarge", "us-east-1", Platform::LinuxUnix),
            2.176
        );
        assert_eq!(
            price_of(&prices, "c5.large", "us-west-2", Platform::LinuxUnix),
            0.085
        );
    }

    #[test]
    fn json_fixture_with_numbers_and_strings() {
        let prices = fixture("on-demand-prices.json");
        let csv = fixture("on-demand-prices.csv");
        assert_eq!(prices.len(), 6);
        assert!(prices.iter().all(|p| p.platform == Platform::LinuxUnix));
        for price in &prices {
            let from_csv = price_of(
                &csv,
                price.instance_type.as_str(),
                "us-east-1",
                price.platform,
            );
            assert_eq!(price.price, from_csv, "{}", price.instance_type);
        }
    }

    #[test]
    fn header_order_is_free_and_os_defaults_to_linux() {
        let prices = parse_ok(
            "\u{feff}price_per_hour,note,region,instance_type\n\
             0.096,x,us-east-1,m5.large\n\n\
             \"0.192\", ,us-east-1 , m5.xlarge\n",
        );
        assert_eq!(
            prices,
            [
                OnDemandPrice {
                    instance_type: TypeName::new("m5.large"),
                    region: RegionName::new("us-east-1"),
                    platform: Platform::LinuxUnix,
                    price: 0.096
                },
                OnDemandPrice {
                    instance_type: TypeName::new("m5.xlarge"),
                    region: RegionName::new("us-east-1"),
                    platform: Platform::LinuxUnix,
                    price: 0.192
                }
            ]
        );
        let prices = parse_ok(
            "instance_type,region,price_per_hour,operating_system\nm5.large,us-east-1,0.3,RHEL\nm5.large,us-east-1,0.096,\n",
        );
        let platforms: Vec<Platform> = prices.iter().map(|p| p.platform).collect();
        assert_eq!(
            platforms,
            [Platform::RedHatEnterpriseLinux, Platform::LinuxUnix]
        );
    }

    #[test]
    fn bad_csv_prices_name_the_line() {
        let head = "instance_type,region,price_per_hour\nm5.large,us-east-1,0.096\n";
        assert_eq!(
            error_of(&format!("{head}c5.large,us-east-1,NaN\n")),
            "p.csv: at line 3, column `price_per_hour`: expected a finite price, found `NaN`"
        );
        assert_eq!(
            error_of(&format!("{head}c5.large,us-east-1,inf\n")),
            "p.csv: at line 3, column `price_per_hour`: expected a finite price, found `inf`"
        );
        assert_eq!(
            error_of(&format!("{head}c5.large,us-east-1,-0.085\n")),
            "p.csv: at line 3, column `price_per_hour`: expected a price above 0, found `-0.085`"
        );
        assert_eq!(
            error_of(&format!("{head}c5.large,us-east-1,0\n")),
            "p.csv: at line 3, column `price_per_hour`: expected a price above 0, found `0`"
        );
        assert_eq!(
            error_of(&format!("{head}c5.large,us-east-1,\n")),
            "p.csv: at line 3, column `price_per_hour`: expected a price in USD per hour, found \
             an empty value"
        );
        assert_eq!(
            error_of(&format!("{head}c5.large,us-east-1,0.085 USD\n")),
            "p.csv: at line 3, column `price_per_hour`: expected a price in USD per hour, found \
             `0.085 USD`"
        );
    }

    #[test]
    fn bad_csv_rows_and_headers_are_rejected() {
        assert_eq!(
            error_of("instance_type,region,price\nm5.large,us-east-1,0.096\n"),
            "p.csv: at line 1: missing column `price_per_hour`; expected a header with \
             instance_type, region, price_per_hour (and optionally operating_system), found \
             instance_type, region, price"
        );
        let head = "instance_type,region,price_per_hour,operating_system\n";
        assert_eq!(
            error_of(&format!("{head}m5.large,us-east-1,0.096,Plan 9\n")),
            "p.csv: at line 2, column `operating_system`: unknown platform `Plan 9`; expected \
             one of Linux/UNIX, Windows, Red Hat Enterprise Linux, SUSE Linux (optionally with \
             ` (Amazon VPC)`)"
        );
        assert_eq!(
            error_of(&format!("{head}m5.large,mars-north-1,0.096,\n")),
            "p.csv: at line 2, column `region`: unknown region `mars-north-1`; expected a region \
             code such as `us-east-1`"
        );
        assert_eq!(
            error_of(&format!("{head}m5.large,us-east-1,0.096\n")),
            "p.csv: at line 2: expected 4 fields as in the header, found 3"
        );
        assert_eq!(
            error_of(head),
            "p.csv: in the file: expected at least one price, found only a header or an empty list"
        );
        assert_eq!(
            error_of("  \n"),
            "p.csv: in the file: expected CSV with a header or a JSON array of prices, found an \
             empty file"
        );
    }

    #[test]
    fn duplicates_must_agree() {
        let text = "instance_type,region,price_per_hour\n\
                    m5.large,us-east-1,0.096\n\
                    c5.large,us-east-1,0.085\n\
                    m5.large,us-east-1,0.0960\n\
                    m5.large,us-east-1,0.1\n";
        assert_eq!(
            error_of(text),
            "p.csv: at line 5, column `price_per_hour`: conflicting prices for m5.large in \
             us-east-1 (Linux/UNIX): 0.1 here, 0.096 at line 2"
        );
        let identical = parse_ok(
            "instance_type,region,price_per_hour\nm5.large,us-east-1,0.096\nm5.large,us-east-1,0.096000\n",
        );
        assert_eq!(identical.len(), 1);
        let json = r#"[{"instance_type": "m5.large", "region": "us-east-1", "price_per_hour": 0.096},
                       {"instance_type": "m5.large", "region": "us-east-1", "price_per_hour": "0.2"}]"#;
        assert_eq!(
            error_of(json),
            "p.csv: at [1].price_per_hour: conflicting prices for m5.large in us-east-1 \
             (Linux/UNIX): 0.2 here, 0.096 at [0]"
        );
    }

    #[test]
    fn bad_json_rows_name_the_path() {
        let row = |price: &str| {
            format!(
                r#"[{{"instance_type": "m5.large", "region": "us-east-1", "price_per_hour": {price}}}]"#
            )
        };
        assert_eq!(
            error_of(&row(r#""NaN""#)),
            "p.csv: at [0].price_per_hour: expected a finite price, found `NaN`"
        );
        assert_eq!(
            error_of(&row("0")),
            "p.csv: at [0].price_per_hour: expected a price above 0, found `0`"
        );
        assert_eq!(
            error_of(&row("-1.5")),
            "p.csv: at [0].price_per_hour: expected a price above 0, found `-1.5`"
        );
        assert_eq!(
            error_of(&row("true")),
            "p.csv: at [0].price_per_hour (line 1, column 76): invalid type: boolean `true`, \
             expected a price as a number or a numeric string"
        );
        assert_eq!(
            error_of(r#"[{"instance_type": "m5.large", "price_per_hour": 0.096}]"#),
            "p.csv: at [0] (line 1, column 55): missing field `region`"
        );
        assert_eq!(
            error_of("[]"),
            "p.csv: in the file: expected at least one price, found only a header or an empty list"
        );
        assert_eq!(
            error_of(r#"{"FormatVersion": "aws_v1", "PriceList": ["{}"]}"#),
            "p.csv: in the file: expected CSV with a header or a JSON array of prices, found \
             `aws pricing get-products` output (top-level `PriceList`); flatten its products to \
             rows of instance_type, region and price_per_hour first"
        );
        assert_eq!(
            error_of(r#"{"prices": []}"#),
            "p.csv: in the file: expected CSV with a header or a JSON array of prices, found an \
             object with top-level keys `prices`"
        );
        assert_eq!(
            error_of("\"FormatVersion\",\"v1.0\"\n\"Disclaimer\",\"x\"\n"),
            "p.csv: at line 1: expected a header with instance_type, region, price_per_hour, \
             found the AWS bulk price list CSV (metadata lines from `FormatVersion`, then its own \
             columns); convert it to those columns first"
        );
        assert_eq!(
            error_of("instance_type,region,price_per_hour\nm5.large,US East (N. Virginia),0.096\n"),
            "p.csv: at line 2, column `region`: unknown region `US East (N. Virginia)`; expected \
             a region code such as `us-east-1`, not a price list location name"
        );
        assert_eq!(
            error_of("instance_type,region,price_per_hour\nm5.large,us-east1,0.096\n"),
            "p.csv: at line 2, column `region`: unknown region `us-east1`; expected a region code \
             (did you mean `us-east-1`?)"
        );
    }
}
