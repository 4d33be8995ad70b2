//! Reads AWS's Price List bulk offer file for EC2 (offer code `AmazonEC2`, from
//! `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/index.json` or
//! `index.csv`, or a region's file) and produces a [`PriceList`]: the On-Demand hourly price
//! and the Reserved terms (lease, purchase option, offering class, upfront fee, hourly price)
//! per (region code, instance type, tenancy, platform)
//! (<https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-an-offer.html>).
//!
//! Two forms, told by the first character:
//! - JSON: `{formatVersion, disclaimer, offerCode, version, publicationDate, products: {SKU:
//!   {sku, productFamily, attributes: {…}}}, terms: {OnDemand: {SKU: {SKU.TERM: {offerTermCode,
//!   sku, effectiveDate, priceDimensions: {RATE: {rateCode, description, beginRange, endRange,
//!   unit, pricePerUnit: {USD}, appliesTo}}, termAttributes: {LeaseContractLength,
//!   OfferingClass, PurchaseOption}}}}, Reserved: {…}}}`. Every structural member is checked
//!   against that shape; `attributes` is an open map (AWS adds attributes as products change),
//!   of which only the ones named below are read.
//! - CSV: five metadata lines (`FormatVersion`, `Disclaimer`, `Publication Date`, `Version`,
//!   `OfferCode`), a header (`SKU`, `OfferTermCode`, `RateCode`, `TermType`, …, `Product
//!   Family`, …, `Instance Type`, …, `Tenancy`, `Operating System`, `License Model`, …,
//!   `CapacityStatus`, …, `Pre Installed S/W`, …, `Region Code`, …), then one row per price
//!   dimension with its product's attributes repeated.
//!
//! Both forms of one offer give the same [`PriceList`]. A product is an instance price fleetopt
//! keeps when it is a `Compute Instance` in an `AWS Region`, `capacitystatus` `Used` (not the
//! unused or allocated Capacity Reservation rows), `preInstalledSw` `NA`, `licenseModel` `No
//! License required` (or none; Windows prices include the licence under that model, BYOL rows
//! are skipped), `marketoption` `OnDemand` when given, and an operating system fleetopt models
//! (`Linux`, `Windows`, `RHEL`, `SUSE`). Other products (storage, data transfer, Local Zones,
//! SQL Server, Capacity Blocks) are skipped, not refused, and their prices are never read.
//!
//! Files are large (a region's JSON is hundreds of MB, the whole of EC2 several GB), so the
//! parse is one pass over the document into maps keyed by SKU (logarithmic lookups), with
//! only the attributes above copied out of each product.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::commitments::{
    LeaseLength, OfferingClass, PriceKey, PriceList, PriceListEntry, PurchaseOption, ReservedTerm,
    Tenancy,
};
use crate::error::{LoadError, Location};
use crate::model::Platform;

/// What the file is, for messages.
const WHAT: &str = "the AWS Price List offer file for AmazonEC2";
/// The offer code of EC2.
const OFFER_CODE: &str = "AmazonEC2";
/// The AWS structures named in unknown-member messages, by the member holding them.
const SHAPES: &[(&str, &str)] = &[
    ("", "Price List offer file"),
    ("products", "Price List product"),
    ("priceDimensions", "Price List price dimension"),
    ("termAttributes", "Price List term attributes"),
    ("terms", "Price List terms"),
    ("OnDemand", "Price List term"),
    ("Reserved", "Price List term"),
];
/// Product families of instance prices (`bare metal` in files before 2019).
const INSTANCE_FAMILIES: [&str; 2] = ["Compute Instance", "Compute Instance (bare metal)"];

/// Parses a Price List offer file for EC2, JSON or CSV.
pub fn parse(label: &str, text: &str) -> Result<PriceList, LoadError> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') {
        parse_json(label, text)
    } else if start.starts_with("\"FormatVersion\"") || start.starts_with("FormatVersion") {
        parse_csv(label, start)
    } else {
        super::check_json_text(label, text, WHAT, false)?;
        super::check_json_object(label, text, WHAT)?;
        Err(LoadError::whole_file(
            label,
            format!("expected {WHAT} (JSON, or CSV starting `\"FormatVersion\"`)"),
        ))
    }
}

/// Reads and parses a Price List offer file.
pub fn load(path: &Path) -> Result<PriceList, LoadError> {
    super::load_with(path, parse)
}

// ---------------------------------------------------------------------------------------------
// What both forms are read into.

/// Where a product or a price dimension is: a JSON path or a CSV line.
#[derive(Debug, Clone)]
enum At {
    Json(String),
    Csv(u64),
}

impl At {
    /// The location of one member (JSON) or column (CSV).
    fn member(&self, json: &str, csv: &str) -> Location {
        match self {
            At::Json(path) => Location::path(format!("{path}.{json}")),
            At::Csv(line) => Location::CsvRecord {
                line: *line,
                column: Some(csv.to_owned()),
            },
        }
    }
}

/// The product attributes fleetopt reads, as text.
#[derive(Default)]
struct Attributes {
    product_family: Option<String>,
    instance_type: Option<String>,
    location_type: Option<String>,
    region_code: Option<String>,
    tenancy: Option<String>,
    operating_system: Option<String>,
    pre_installed_sw: Option<String>,
    license_model: Option<String>,
    capacity_status: Option<String>,
    market_option: Option<String>,
}

/// One price dimension as read: unit, price text and where it is.
struct Dimension {
    unit: String,
    usd: Option<String>,
    at: At,
}

/// One term as read.
#[derive(Default)]
struct Term {
    dimensions: Vec<Dimension>,
    lease: Option<String>,
    offering_class: Option<String>,
    purchase_option: Option<String>,
}

/// Terms by (SKU, offer term code).
type Terms = BTreeMap<(String, String), Term>;

/// A product's key, or why it is skipped (`None`); unknown regions are noted in `skipped`.
fn classify(
    label: &str,
    attributes: &Attributes,
    at: &At,
    skipped: &mut BTreeSet<String>,
) -> Result<Option<PriceKey>, LoadError> {
    let is = |value: &Option<String>, expected: &[&str]| {
        value.as_deref().is_none_or(|v| expected.contains(&v))
    };
    let family = attributes.product_family.as_deref().unwrap_or_default();
    if !INSTANCE_FAMILIES.contains(&family)
        || !is(&attributes.location_type, &["AWS Region"])
        || !is(&attributes.capacity_status, &["Used"])
        || !is(&attributes.pre_installed_sw, &["NA"])
        || !is(
            &attributes.license_model,
            &["No License required", "NA", ""],
        )
        || !is(&attributes.market_option, &["OnDemand"])
    {
        return Ok(None);
    }
    let platform = match attributes.operating_system.as_deref() {
        Some("Linux") => Platform::LinuxUnix,
        Some("Windows") => Platform::Windows,
        Some("RHEL") => Platform::RedHatEnterpriseLinux,
        Some("SUSE") => Platform::SuseLinux,
        // Ubuntu Pro, RHEL with HA, … : no platform fleetopt prices.
        _ => return Ok(None),
    };
    let escape = |text: &str| crate::escape::escape_controls(text).into_owned();
    let missing = |json: &str, csv: &str| {
        LoadError::new(
            label,
            at.member(&format!("attributes.{json}"), csv),
            format!("missing: an instance product names its {json}"),
        )
    };
    let tenancy_text = attributes
        .tenancy
        .as_deref()
        .ok_or_else(|| missing("tenancy", "Tenancy"))?;
    let tenancy = Tenancy::parse_price_list(tenancy_text).ok_or_else(|| {
        LoadError::new(
            label,
            at.member("attributes.tenancy", "Tenancy"),
            format!(
                "unknown tenancy `{}`; expected one of `Shared`, `Dedicated`, `Host`",
                escape(tenancy_text)
            ),
        )
    })?;
    let type_text = attributes
        .instance_type
        .as_deref()
        .ok_or_else(|| missing("instanceType", "Instance Type"))?;
    let instance_type = super::parse_type_name(type_text).map_err(|m| {
        LoadError::new(
            label,
            at.member("attributes.instanceType", "Instance Type"),
            escape(&m),
        )
    })?;
    let region_text = attributes
        .region_code
        .as_deref()
        .ok_or_else(|| missing("regionCode", "Region Code"))?;
    let Ok(region) = super::parse_known_region(region_text) else {
        // A region newer than fleetopt's table: noted, not refused, so a whole-world file
        // still reads.
        skipped.insert(escape(region_text));
        return Ok(None);
    };
    Ok(Some(PriceKey {
        region,
        instance_type,
        tenancy,
        platform,
    }))
}

/// Joins products and terms into the prices, sorted; a key priced twice must agree.
fn assemble(
    label: &str,
    products: &BTreeMap<String, (Option<PriceKey>, At)>,
    on_demand: Terms,
    reserved: Terms,
    skipped: BTreeSet<String>,
    meta: (String, String, String),
) -> Result<PriceList, LoadError> {
    let price_of = |dimension: &Dimension| -> Result<f64, LoadError> {
        let text = dimension.usd.as_deref().ok_or_else(|| {
            LoadError::new(
                label,
                dimension.at.member("pricePerUnit", "Currency"),
                "expected a price in USD, found none",
            )
        })?;
        super::parse_amount(text).map_err(|m| {
            LoadError::new(
                label,
                dimension.at.member("pricePerUnit.USD", "PricePerUnit"),
                m,
            )
        })
    };
    let mut prices: BTreeMap<PriceKey, PriceListEntry> = BTreeMap::new();
    for ((sku, _), term) in &on_demand {
        let Some((Some(key), _)) = products.get(sku) else {
            continue;
        };
        for dimension in term.dimensions.iter().filter(|d| d.unit == "Hrs") {
            let price = price_of(dimension)?;
            match prices.get(key) {
                Some(first) if first.price_per_hour == price => {}
                Some(first) => {
                    return Err(LoadError::new(
                        label,
                        dimension.at.member("pricePerUnit.USD", "PricePerUnit"),
                        format!(
                            "conflicting On-Demand prices for {} in {} ({}, {}): {price} here, \
                             {} for SKU {}",
                            key.instance_type,
                            key.region,
                            key.tenancy.price_list_str(),
                            key.platform,
                            first.price_per_hour,
                            first.sku
                        ),
                    ));
                }
                None => {
                    prices.insert(
                        key.clone(),
                        PriceListEntry {
                            key: key.clone(),
                            sku: sku.clone(),
                            price_per_hour: price,
                        },
                    );
                }
            }
        }
    }
    type ReservedKey = (PriceKey, LeaseLength, OfferingClass, PurchaseOption);
    let mut terms: BTreeMap<ReservedKey, ReservedTerm> = BTreeMap::new();
    for ((sku, code), term) in &reserved {
        let Some((Some(key), product_at)) = products.get(sku) else {
            continue;
        };
        let at = term
            .dimensions
            .first()
            .map_or(product_at, |dimension| &dimension.at);
        let attribute = |value: &Option<String>, json: &str, csv: &str| {
            value.clone().ok_or_else(|| {
                LoadError::new(
                    label,
                    at.member(&format!("termAttributes.{json}"), csv),
                    format!("missing: a Reserved term names its {json}"),
                )
            })
        };
        let closed_error = |json: &str, csv: &str, message: String| {
            LoadError::new(
                label,
                at.member(&format!("termAttributes.{json}"), csv),
                message,
            )
        };
        let lease_text = attribute(&term.lease, "LeaseContractLength", "LeaseContractLength")?;
        let lease = super::parse_closed(
            &lease_text,
            "lease length",
            LeaseLength::parse,
            "`1yr`, `3yr`",
        )
        .map_err(|m| closed_error("LeaseContractLength", "LeaseContractLength", m))?;
        let class_text = attribute(&term.offering_class, "OfferingClass", "OfferingClass")?;
        let offering_class = super::parse_closed(
            &class_text,
            "offering class",
            OfferingClass::parse,
            &OfferingClass::spellings(),
        )
        .map_err(|m| closed_error("OfferingClass", "OfferingClass", m))?;
        let option_text = attribute(&term.purchase_option, "PurchaseOption", "PurchaseOption")?;
        let purchase_option = super::parse_closed(
            &option_text,
            "purchase option",
            PurchaseOption::parse,
            "`No Upfront`, `Partial Upfront`, `All Upfront`",
        )
        .map_err(|m| closed_error("PurchaseOption", "PurchaseOption", m))?;
        let (mut hourly, mut upfront_fee) = (0.0, 0.0);
        for dimension in &term.dimensions {
            match dimension.unit.as_str() {
                "Hrs" => hourly = price_of(dimension)?,
                "Quantity" => upfront_fee = price_of(dimension)?,
                _ => {}
            }
        }
        let record = ReservedTerm {
            key: key.clone(),
            sku: sku.clone(),
            offer_term_code: code.clone(),
            lease,
            purchase_option,
            offering_class,
            upfront_fee,
            hourly,
        };
        let reserved_key = (key.clone(), lease, offering_class, purchase_option);
        match terms.get(&reserved_key) {
            Some(first) if first.hourly == hourly && first.upfront_fee == upfront_fee => {}
            Some(first) => {
                return Err(LoadError::new(
                    label,
                    at.member("priceDimensions", "PricePerUnit"),
                    format!(
                        "conflicting Reserved terms for {} in {} ({lease} {offering_class} \
                         {purchase_option}): SKU {sku} here, SKU {} before",
                        key.instance_type, key.region, first.sku
                    ),
                ));
            }
            None => {
                terms.insert(reserved_key, record);
            }
        }
    }
    let (offer_code, version, publication_date) = meta;
    Ok(PriceList {
        offer_code,
        version,
        publication_date,
        on_demand: prices.into_values().collect(),
        reserved: terms.into_values().collect(),
        skipped_regions: skipped.into_iter().collect(),
    })
}

/// Checks the offer code and publication date both forms give.
fn check_meta(
    label: &str,
    offer_code: &str,
    publication_date: &str,
    at: (Location, Location),
) -> Result<String, LoadError> {
    if offer_code != OFFER_CODE {
        return Err(LoadError::new(
            label,
            at.0,
            format!(
                "expected the offer code `{OFFER_CODE}`, found `{}` (another service's offer file)",
                crate::escape::escape_controls(offer_code)
            ),
        ));
    }
    super::parse_time(publication_date).map_err(|m| LoadError::new(label, at.1, m))
}

// ---------------------------------------------------------------------------------------------
// JSON.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Offer {
    #[allow(dead_code, reason = "read for strictness")]
    format_version: IgnoredAny,
    #[allow(dead_code, reason = "read for strictness")]
    disclaimer: Option<IgnoredAny>,
    offer_code: String,
    version: String,
    publication_date: String,
    products: BTreeMap<String, Product>,
    terms: OfferTerms,
    #[allow(
        dead_code,
        reason = "read for strictness; newer files list attribute names"
    )]
    attributes_list: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Product {
    #[allow(dead_code, reason = "the key of the product map is the SKU")]
    sku: String,
    product_family: Option<String>,
    #[serde(default)]
    attributes: JsonAttributes,
}

/// The attributes fleetopt reads; the others are skipped unread (an open map).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct JsonAttributes {
    instance_type: Option<String>,
    location_type: Option<String>,
    region_code: Option<String>,
    tenancy: Option<String>,
    operating_system: Option<String>,
    pre_installed_sw: Option<String>,
    license_model: Option<String>,
    #[serde(rename = "capacitystatus")]
    capacity_status: Option<String>,
    #[serde(rename = "marketoption")]
    market_option: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferTerms {
    #[serde(rename = "OnDemand", default)]
    on_demand: BTreeMap<String, BTreeMap<String, JsonTerm>>,
    #[serde(rename = "Reserved", default)]
    reserved: BTreeMap<String, BTreeMap<String, JsonTerm>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "members fleetopt does not use are read only for strictness"
)]
struct JsonTerm {
    offer_term_code: String,
    sku: Option<String>,
    effective_date: Option<IgnoredAny>,
    price_dimensions: BTreeMap<String, JsonDimension>,
    #[serde(default)]
    term_attributes: TermAttributes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "members fleetopt does not use are read only for strictness"
)]
struct JsonDimension {
    rate_code: Option<IgnoredAny>,
    description: Option<IgnoredAny>,
    begin_range: Option<IgnoredAny>,
    end_range: Option<IgnoredAny>,
    unit: String,
    price_per_unit: BTreeMap<String, String>,
    applies_to: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct TermAttributes {
    lease_contract_length: Option<String>,
    offering_class: Option<String>,
    purchase_option: Option<String>,
}

fn parse_json(label: &str, text: &str) -> Result<PriceList, LoadError> {
    super::check_top_level_key(label, text, "offerCode", WHAT)?;
    let offer: Offer = super::parse_strict(label, text, SHAPES)?;
    let publication_date = check_meta(
        label,
        &offer.offer_code,
        &offer.publication_date,
        (
            Location::path("offerCode"),
            Location::path("publicationDate"),
        ),
    )?;
    let mut skipped = BTreeSet::new();
    let mut products = BTreeMap::new();
    for (sku, product) in offer.products {
        let at = At::Json(format!("products.{sku}"));
        let a = product.attributes;
        let attributes = Attributes {
            product_family: product.product_family,
            instance_type: a.instance_type,
            location_type: a.location_type,
            region_code: a.region_code,
            tenancy: a.tenancy,
            operating_system: a.operating_system,
            pre_installed_sw: a.pre_installed_sw,
            license_model: a.license_model,
            capacity_status: a.capacity_status,
            market_option: a.market_option,
        };
        let key = classify(label, &attributes, &at, &mut skipped)?;
        products.insert(sku, (key, at));
    }
    let convert = |kind: &str, terms: BTreeMap<String, BTreeMap<String, JsonTerm>>| {
        let mut out = Terms::new();
        for (sku, by_code) in terms {
            for (code_key, term) in by_code {
                let base = format!("terms.{kind}.{sku}.{code_key}");
                let dimensions = term
                    .price_dimensions
                    .into_iter()
                    .map(|(rate, mut dimension)| Dimension {
                        unit: dimension.unit,
                        usd: dimension.price_per_unit.remove("USD"),
                        at: At::Json(format!("{base}.priceDimensions.{rate}")),
                    })
                    .collect();
                out.insert(
                    (sku.clone(), term.offer_term_code),
                    Term {
                        dimensions,
                        lease: term.term_attributes.lease_contract_length,
                        offering_class: term.term_attributes.offering_class,
                        purchase_option: term.term_attributes.purchase_option,
                    },
                );
            }
        }
        out
    };
    let on_demand = convert("OnDemand", offer.terms.on_demand);
    let reserved = convert("Reserved", offer.terms.reserved);
    assemble(
        label,
        &products,
        on_demand,
        reserved,
        skipped,
        (offer.offer_code, offer.version, publication_date),
    )
}

// ---------------------------------------------------------------------------------------------
// CSV.

/// Header columns every file has.
const REQUIRED_COLUMNS: [&str; 10] = [
    "SKU",
    "OfferTermCode",
    "TermType",
    "Unit",
    "PricePerUnit",
    "Product Family",
    "Instance Type",
    "Tenancy",
    "Operating System",
    "Region Code",
];

fn parse_csv(label: &str, text: &str) -> Result<PriceList, LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut meta: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let header = loop {
        let Some(record) = records.next() else {
            return Err(LoadError::whole_file(
                label,
                format!(
                    "expected {WHAT}: metadata lines then a header starting `SKU`, found no header"
                ),
            ));
        };
        let record = record.map_err(|e| csv_error(label, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.get(0) == Some("SKU") {
            break record;
        }
        let (Some(name), Some(value), 2) = (record.get(0), record.get(1), record.len()) else {
            return Err(LoadError::new(
                label,
                Location::CsvRecord { line, column: None },
                format!(
                    "expected a metadata line (`\"Name\",\"value\"`) or the header starting \
                     `SKU`, found {} fields",
                    record.len()
                ),
            ));
        };
        meta.insert(name.to_owned(), (value.to_owned(), line));
    };
    let header_line = header.position().map_or(0, csv::Position::line);
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut required = [0; REQUIRED_COLUMNS.len()];
    for (slot, name) in required.iter_mut().zip(REQUIRED_COLUMNS) {
        *slot = column(name).ok_or_else(|| {
            LoadError::new(
                label,
                Location::CsvRecord {
                    line: header_line,
                    column: None,
                },
                format!("missing column `{name}` in the header"),
            )
        })?;
    }
    let [
        sku_c,
        code_c,
        type_c,
        unit_c,
        price_c,
        family_c,
        itype_c,
        tenancy_c,
        os_c,
        region_c,
    ] = required;
    let optional = |name: &str| column(name);
    let currency_c = optional("Currency");
    let lease_c = optional("LeaseContractLength");
    let option_c = optional("PurchaseOption");
    let class_c = optional("OfferingClass");
    let location_type_c = optional("Location Type");
    let license_c = optional("License Model");
    let capacity_c = optional("CapacityStatus");
    let sw_c = optional("Pre Installed S/W");
    let market_c = optional("MarketOption");
    let meta_value = |name: &str| -> Result<(String, Location), LoadError> {
        meta.get(name)
            .map(|(value, line)| {
                (
                    value.clone(),
                    Location::CsvRecord {
                        line: *line,
                        column: None,
                    },
                )
            })
            .ok_or_else(|| {
                LoadError::new(
                    label,
                    Location::CsvRecord {
                        line: header_line,
                        column: None,
                    },
                    format!("missing the metadata line `{name}` before the header"),
                )
            })
    };
    let (offer_code, code_at) = meta_value("OfferCode")?;
    let (published, published_at) = meta_value("Publication Date")?;
    let (version, _) = meta_value("Version")?;
    let publication_date = check_meta(label, &offer_code, &published, (code_at, published_at))?;

    let mut skipped = BTreeSet::new();
    let mut products: BTreeMap<String, (Option<PriceKey>, At)> = BTreeMap::new();
    let (mut on_demand, mut reserved) = (Terms::new(), Terms::new());
    for record in records {
        let record = record.map_err(|e| csv_error(label, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != header.len() {
            return Err(LoadError::new(
                label,
                Location::CsvRecord { line, column: None },
                format!(
                    "expected {} fields as in the header, found {}",
                    header.len(),
                    record.len()
                ),
            ));
        }
        let field = |index: usize| record.get(index).unwrap_or_default();
        let optional = |index: Option<usize>| {
            index
                .map(|i| field(i).to_owned())
                .filter(|value| !value.is_empty())
        };
        let sku = field(sku_c);
        let at = At::Csv(line);
        if !products.contains_key(sku) {
            let attributes = Attributes {
                product_family: optional(Some(family_c)),
                instance_type: optional(Some(itype_c)),
                location_type: optional(location_type_c),
                region_code: optional(Some(region_c)),
                tenancy: optional(Some(tenancy_c)),
                operating_system: optional(Some(os_c)),
                pre_installed_sw: optional(sw_c),
                license_model: optional(license_c),
                capacity_status: optional(capacity_c),
                market_option: optional(market_c),
            };
            let key = classify(label, &attributes, &at, &mut skipped)?;
            products.insert(sku.to_owned(), (key, at.clone()));
        }
        let terms = match field(type_c) {
            "OnDemand" => &mut on_demand,
            "Reserved" => &mut reserved,
            other => {
                return Err(LoadError::new(
                    label,
                    at.member("", "TermType"),
                    format!(
                        "unknown term type `{}`; expected `OnDemand` or `Reserved`",
                        crate::escape::escape_controls(other)
                    ),
                ));
            }
        };
        let term = terms
            .entry((sku.to_owned(), field(code_c).to_owned()))
            .or_default();
        term.lease = term.lease.take().or_else(|| optional(lease_c));
        term.offering_class = term.offering_class.take().or_else(|| optional(class_c));
        term.purchase_option = term.purchase_option.take().or_else(|| optional(option_c));
        let usd = match currency_c.map(field) {
            None | Some("USD") => Some(field(price_c).to_owned()),
            Some(_) => None,
        };
        term.dimensions.push(Dimension {
            unit: field(unit_c).to_owned(),
            usd,
            at,
        });
    }
    assemble(
        label,
        &products,
        on_demand,
        reserved,
        skipped,
        (offer_code, version, publication_date),
    )
}

fn csv_error(label: &str, error: &csv::Error) -> LoadError {
    let message = format!("not valid CSV: {error}");
    match error.position().map(csv::Position::line) {
        Some(line) => LoadError::new(label, Location::CsvRecord { line, column: None }, message),
        None => LoadError::whole_file(label, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RegionName, TypeName};
    use crate::tolerance::THRESHOLD_SLACK;

    fn fixture_path(name: &str) -> String {
        format!(
            "{}/../fixtures/aws/commitments/{name}",
            env!("CARGO_MANIFEST_DIR")
        )
    }

    fn fixture(name: &str) -> PriceList {
        match load(Path::new(&fixture_path(name))) {
            Ok(list) => list,
            Err(e) => panic!("{e}"),
        }
    }

    fn text(name: &str) -> String {
        match std::fs::read_to_string(fixture_path(name)) {
            Ok(text) => text,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("pl", text) {
            Ok(list) => panic!("expected an error, got {list:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn key(name: &str, tenancy: Tenancy, platform: Platform) -> PriceKey {
        PriceKey {
            region: RegionName::new("us-east-1"),
            instance_type: TypeName::new(name),
            tenancy,
            platform,
        }
    }

    #[test]
    fn json_fixture_gives_instance_prices_only() {
        let list = fixture("price-list-ec2.json");
        assert_eq!(list.offer_code, "AmazonEC2");
        assert_eq!(list.version, "20261201000000");
        assert_eq!(list.publication_date, "2026-12-01T00:00:00Z");
        let keys: Vec<(&str, Tenancy, Platform, f64)> = list
            .on_demand
            .iter()
            .map(|e| {
                (
                    e.key.instance_type.as_str(),
                    e.key.tenancy,
                    e.key.platform,
                    e.price_per_hour,
                )
            })
            .collect();
        // The UnusedCapacityReservation row, the EBS volume and the SQL Server product are
        // skipped; Host-tenancy instances are listed at 0 (the host is billed).
        assert_eq!(
            keys,
            [
                ("c5.large", Tenancy::Default, Platform::LinuxUnix, 0.085),
                ("m5.large", Tenancy::Default, Platform::LinuxUnix, 0.096),
                ("m5.large", Tenancy::Default, Platform::Windows, 0.188),
                ("m5.large", Tenancy::Dedicated, Platform::LinuxUnix, 0.106),
                ("m5.large", Tenancy::Host, Platform::LinuxUnix, 0.0),
            ]
        );
        assert_eq!(list.reserved.len(), 3);
        let partial = list
            .reserved
            .iter()
            .find(|t| {
                t.key == key("m5.large", Tenancy::Default, Platform::LinuxUnix)
                    && t.purchase_option == PurchaseOption::PartialUpfront
            })
            .map(|t| (t.lease, t.offering_class, t.upfront_fee, t.hourly));
        assert_eq!(
            partial,
            Some((LeaseLength::OneYear, OfferingClass::Standard, 260.0, 0.03))
        );
        let all_upfront = list
            .reserved
            .iter()
            .find(|t| t.purchase_option == PurchaseOption::AllUpfront)
            .map(|t| {
                (
                    t.key.instance_type.as_str(),
                    t.lease,
                    t.upfront_fee,
                    t.hourly,
                )
            });
        assert_eq!(
            all_upfront,
            Some(("m5.large", LeaseLength::ThreeYears, 1300.0, 0.0))
        );
        let no_upfront = list
            .reserved
            .iter()
            .find(|t| t.purchase_option == PurchaseOption::NoUpfront)
            .map(|t| {
                (
                    t.key.instance_type.as_str(),
                    t.offering_class,
                    t.upfront_fee,
                    t.hourly,
                )
            });
        assert_eq!(
            no_upfront.map(|(name, class, fee, _)| (name, class, fee)),
            Some(("c5.large", OfferingClass::Convertible, 0.0))
        );
        assert!(
            no_upfront.is_some_and(|(_, _, _, hourly)| (hourly - 0.062).abs() <= THRESHOLD_SLACK)
        );
        assert!(list.skipped_regions.is_empty());
    }

    #[test]
    fn csv_and_json_fixtures_give_the_same_prices() {
        let json = fixture("price-list-ec2.json");
        let csv = fixture("price-list-ec2.csv");
        assert_eq!(csv, json);
    }

    #[test]
    fn bad_json_names_the_path() {
        let base = text("price-list-ec2.json");
        assert_eq!(
            error_of(&base.replace("\"tenancy\" : \"Dedicated\"", "\"tenancy\" : \"dedicated\"")),
            "pl: at products.DDDDDDDDDDDDDDDD.attributes.tenancy: unknown tenancy `dedicated`; \
             expected one of `Shared`, `Dedicated`, `Host`"
        );
        assert_eq!(
            error_of(&base.replace("\"USD\" : \"0.0960000000\"", "\"USD\" : \"-0.096\"")),
            "pl: at terms.OnDemand.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.JRTCKXETXF.priceDimensions.\
             AAAAAAAAAAAAAAAA.JRTCKXETXF.6YS6EN2CT7.pricePerUnit.USD: expected an amount of 0 or \
             more, found `-0.096`"
        );
        assert_eq!(
            error_of(&base.replacen(
                "\"appliesTo\" : [ ]",
                "\"appliesTo\" : [ ], \"tier\" : 1",
                1
            )),
            "pl: at terms.OnDemand.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.JRTCKXETXF.priceDimensions.\
             AAAAAAAAAAAAAAAA.JRTCKXETXF.6YS6EN2CT7.tier (line 203, column 40): unknown member \
             `tier`: not in the AWS Price List price dimension shape"
        );
        assert_eq!(
            error_of(&base.replacen("\"unit\" : \"Hrs\"", "\"unit\" : 1", 1)),
            "pl: at terms.OnDemand.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.JRTCKXETXF.priceDimensions.\
             AAAAAAAAAAAAAAAA.JRTCKXETXF.6YS6EN2CT7.unit (line 199, column 24): invalid type: \
             integer `1`, expected a string"
        );
        assert_eq!(
            error_of(&base.replace(
                "\"offerCode\" : \"AmazonEC2\"",
                "\"offerCode\" : \"AmazonRDS\""
            )),
            "pl: at offerCode: expected the offer code `AmazonEC2`, found `AmazonRDS` (another \
             service's offer file)"
        );
        assert_eq!(
            error_of(&base.replacen(
                "\"sku\" : \"AAAAAAAAAAAAAAAA\",",
                "\"sku\" : \"AAAAAAAAAAAAAAAA\", \"sku\" : \"X\",",
                1
            )),
            "pl: at products.AAAAAAAAAAAAAAAA.sku (line 9, column 40): duplicate key `sku` (a \
             JSON object may name a key once; TOML and YAML refuse it too)"
        );
        assert_eq!(
            error_of(r#"{"CapacityReservations": []}"#),
            "pl: in the file: expected the AWS Price List offer file for AmazonEC2 (top-level \
             `offerCode`), found describe-capacity-reservations output (top-level \
             `CapacityReservations`)"
        );
        assert_eq!(
            error_of("[{\"offerCode\": \"AmazonEC2\"}]"),
            "pl: in the file: expected the AWS Price List offer file for AmazonEC2 as a JSON \
             object, found an array"
        );
    }

    #[test]
    fn bad_csv_names_the_record() {
        let base = text("price-list-ec2.csv");
        assert_eq!(
            error_of(&base.replace("\"Dedicated\",\"Linux\"", "\"dedicated\",\"Linux\"")),
            "pl: at line 12, column `Tenancy`: unknown tenancy `dedicated`; expected one of \
             `Shared`, `Dedicated`, `Host`"
        );
        assert_eq!(
            error_of(&base.replace("\"0.0960000000\"", "\"cheap\"")),
            "pl: at line 7, column `PricePerUnit`: expected an amount such as `0.096`, found \
             `cheap`"
        );
        assert_eq!(
            error_of(&base.replace("\"Publication Date\"", "\"Published\"")),
            "pl: at line 6: missing the metadata line `Publication Date` before the header"
        );
        let short: String = base
            .lines()
            .enumerate()
            .map(|(i, line)| {
                if i == 7 {
                    "\"AAAAAAAAAAAAAAAA\",\"x\"\n".to_owned()
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        assert_eq!(
            error_of(&short),
            "pl: at line 8: expected 34 fields as in the header, found 2"
        );
    }

    #[test]
    fn truncated_input_never_panics() {
        for name in ["price-list-ec2.json", "price-list-ec2.csv"] {
            let text = text(name);
            super::super::assert_no_panic_on_truncation(&text, |t| parse("pl", t));
        }
    }
}
