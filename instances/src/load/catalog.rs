//! fleetopt's own catalogue file, `fleetopt.catalog/v1` (written by `fleetopt catalog build`,
//! and the format of the embedded default catalogue), in one place: the schema tag, the file's
//! serde shapes, reading ([`parse`], [`load`]) and writing ([`to_json`]).
//!
//! A room of its own so the validated model in [`crate::catalog`] knows no file format: reading
//! turns the file into [`RegionParts`] and hands them to [`Catalog::new`], which alone checks
//! them; writing reads the catalogue through its public accessors. The file stores each pool
//! compactly (the region implied by its enclosing region, Linux/UNIX by default, absent facts
//! omitted); the other records ([`InstanceType`], [`Zone`], [`UnpricedOffering`],
//! [`CatalogInfo`]) are written with their own serde spellings.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{check_json_text, describe_keys};
use crate::catalog::{Catalog, CatalogInfo, DedicatedPrice, RegionParts, UnpricedOffering, Zone};
use crate::error::{LoadError, parse_json};
use crate::model::{
    CapacityPool, InstanceType, Market, Platform, PriceSource, RegionName, TypeName, ZoneId,
};

/// The schema tag written into and required from catalogue files.
pub const CATALOG_SCHEMA: &str = "fleetopt.catalog/v1";

/// Reads and parses a catalogue file.
pub fn load(path: &Path) -> Result<Catalog, LoadError> {
    super::load_with(path, parse)
}

/// Parses catalogue JSON (`fleetopt.catalog/v1`); `label` names the input in errors.
pub fn parse(label: &str, text: &str) -> Result<Catalog, LoadError> {
    parse_with(label, text, true)
}

/// [`parse`] for the embedded catalogue, compiled in and checked for repeated keys by a test
/// (`embedded::tests`), so the duplicate-key pass (as long as the parse itself) is skipped on
/// every run.
pub(crate) fn parse_embedded(label: &str, text: &str) -> Result<Catalog, LoadError> {
    parse_with(label, text, false)
}

fn parse_with(label: &str, text: &str, check_duplicates: bool) -> Result<Catalog, LoadError> {
    // Fast path: one plain parse. Only when it fails is the text parsed again, first for
    // the schema tag and then with path tracking, to say exactly what is wrong and where.
    if check_duplicates && let Some(duplicate) = crate::json::find_duplicate_key(text) {
        return Err(LoadError::new(
            label,
            crate::error::Location::JsonPath {
                path: duplicate.path.clone(),
                line: Some(duplicate.line),
                column: Some(duplicate.column),
            },
            duplicate.to_string(),
        ));
    }
    let file: CatalogFile = match serde_json::from_str(text) {
        Ok(file) => file,
        Err(_) => return Err(explain_parse_failure(label, text)),
    };
    if file.schema != CATALOG_SCHEMA {
        return Err(LoadError::at_path(
            label,
            "schema",
            format!(
                "unsupported catalogue schema `{}`; expected `{CATALOG_SCHEMA}`",
                file.schema
            ),
        ));
    }
    let mut regions = BTreeMap::new();
    for (region_index, region) in file.regions.into_iter().enumerate() {
        let name = region.region.clone();
        let pools = region
            .pools
            .into_iter()
            .map(|p| p.into_pool(&name))
            .collect();
        let parts = RegionParts {
            zones: region.zones,
            pools,
            unpriced: region.unpriced,
            dedicated: region.dedicated_on_demand,
        };
        if regions.insert(name.clone(), parts).is_some() {
            return Err(LoadError::at_path(
                label,
                format!("regions[{region_index}].region"),
                format!("region `{name}` appears twice"),
            ));
        }
    }
    Catalog::new(label, file.info, file.instance_types, regions)
}

/// The error for catalogue text that failed the fast parse: a wrong or missing schema tag
/// first (the usual cause is passing some other JSON file), else the JSON path that failed.
fn explain_parse_failure(label: &str, text: &str) -> LoadError {
    if let Err(error) = check_json_text(label, text, "a fleetopt catalogue", false) {
        return error;
    }
    let header: SchemaProbe = match parse_json(label, text) {
        Ok(header) => header,
        Err(error) => return error,
    };
    match header.schema.as_deref() {
        Some(CATALOG_SCHEMA) => match parse_json::<CatalogFile>(label, text) {
            Err(error) => error,
            // Both parsers agree on valid input; reaching here means they disagreed.
            Ok(_) => LoadError::whole_file(label, "the catalogue could not be parsed"),
        },
        Some(other) => LoadError::at_path(
            label,
            "schema",
            format!("unsupported catalogue schema `{other}`; expected `{CATALOG_SCHEMA}`"),
        ),
        None => {
            let keys: BTreeMap<String, serde::de::IgnoredAny> =
                parse_json(label, text).unwrap_or_default();
            LoadError::at_path(
                label,
                "schema",
                format!(
                    "missing `schema`: expected a fleetopt catalogue (\"schema\": \"{CATALOG_SCHEMA}\"), \
                     found {}; build a catalogue from AWS outputs with `fleetopt catalog build`",
                    describe_keys(keys.keys())
                ),
            )
        }
    }
}

/// Serialises to `fleetopt.catalog/v1` JSON: compact, one line, same catalogue → same bytes.
pub fn to_json(catalog: &Catalog) -> String {
    let file = CatalogFileRef {
        schema: CATALOG_SCHEMA,
        info: catalog.info(),
        instance_types: catalog.instance_types().collect(),
        regions: catalog
            .regions()
            .map(|r| RegionFileRef {
                region: r.name(),
                zones: r.zones().collect(),
                pools: r.pools().iter().map(PoolRecord::from_pool).collect(),
                unpriced: r.unpriced(),
                dedicated_on_demand: r.dedicated_prices().collect(),
            })
            .collect(),
    };
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string(&file).unwrap_or_default()
}

/// Reads only the schema tag, so a wrong file kind fails with a clear message first.
#[derive(Deserialize)]
struct SchemaProbe {
    schema: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    schema: String,
    info: CatalogInfo,
    instance_types: Vec<InstanceType>,
    regions: Vec<RegionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    region: RegionName,
    zones: Vec<Zone>,
    pools: Vec<PoolRecord>,
    #[serde(default)]
    unpriced: Vec<UnpricedOffering>,
    /// Dedicated Instance On-Demand prices (from a Price List); absent in older catalogues.
    #[serde(default)]
    dedicated_on_demand: Vec<DedicatedPrice>,
}

#[derive(Serialize)]
struct CatalogFileRef<'a> {
    schema: &'static str,
    info: &'a CatalogInfo,
    instance_types: Vec<&'a InstanceType>,
    regions: Vec<RegionFileRef<'a>>,
}

#[derive(Serialize)]
struct RegionFileRef<'a> {
    region: &'a RegionName,
    zones: Vec<&'a Zone>,
    pools: Vec<PoolRecord>,
    #[serde(skip_serializing_if = "<[UnpricedOffering]>::is_empty")]
    unpriced: &'a [UnpricedOffering],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dedicated_on_demand: Vec<DedicatedPrice>,
}

/// A pool as stored in a catalogue file: the region is implied by the enclosing region, the
/// platform defaults to Linux/UNIX, and absent facts are omitted, which keeps the embedded
/// catalogue small and fast to load.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolRecord {
    #[serde(rename = "type")]
    instance_type: TypeName,
    zone: ZoneId,
    market: Market,
    #[serde(default = "linux", skip_serializing_if = "is_linux")]
    platform: Platform,
    price: f64,
    source: PriceSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bucket: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    savings: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    available: Option<u32>,
}

fn linux() -> Platform {
    Platform::LinuxUnix
}

fn is_linux(platform: &Platform) -> bool {
    *platform == Platform::LinuxUnix
}

impl PoolRecord {
    fn from_pool(pool: &CapacityPool) -> PoolRecord {
        PoolRecord {
            instance_type: pool.instance_type.clone(),
            zone: pool.zone.clone(),
            market: pool.market,
            platform: pool.platform,
            price: pool.price_per_hour,
            source: pool.price_source,
            bucket: pool.interruption_bucket,
            savings: pool.savings_percent,
            score: pool.placement_score,
            available: pool.available_instances,
        }
    }

    fn into_pool(self, region: &RegionName) -> CapacityPool {
        CapacityPool {
            region: region.clone(),
            zone: self.zone,
            instance_type: self.instance_type,
            platform: self.platform,
            market: self.market,
            price_per_hour: self.price,
            price_source: self.source,
            interruption_bucket: self.bucket,
            savings_percent: self.savings,
            placement_score: self.score,
            available_instances: self.available,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(zone: &str, market: Market, price: f64) -> CapacityPool {
        crate::test_support::pool("m5.large", zone, Platform::LinuxUnix, market, price)
    }

    fn catalog(pools: Vec<CapacityPool>) -> Result<Catalog, LoadError> {
        Catalog::new(
            "test",
            CatalogInfo::default(),
            vec![crate::test_support::itype("m5.large", 2, 8192)],
            crate::test_support::region_parts(pools),
        )
    }

    #[test]
    fn round_trips_through_the_file_format() {
        let mut spot = pool("use1-az2", Market::Spot, 0.0416);
        spot.price_source = PriceSource::Observed;
        spot.interruption_bucket = Some(3);
        spot.savings_percent = Some(66);
        spot.placement_score = Some(7);
        spot.available_instances = Some(40);
        let original = catalog(vec![spot, pool("use1-az1", Market::OnDemand, 0.096)]).unwrap();
        let text = to_json(&original);
        let again = parse("again", &text).unwrap();
        assert_eq!(again, original);
        assert_eq!(to_json(&again), text);
    }

    #[test]
    fn other_json_files_are_told_apart_by_schema() {
        let error = parse("types.json", r#"{"InstanceTypes": []}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "types.json: at schema: missing `schema`: expected a fleetopt catalogue \
             (\"schema\": \"fleetopt.catalog/v1\"), found describe-instance-types output \
             (top-level `InstanceTypes`); build a catalogue from AWS outputs with \
             `fleetopt catalog build`"
        );
        let error = parse("old.json", r#"{"schema": "fleetopt.catalog/v0"}"#).unwrap_err();
        assert_eq!(
            error.message,
            "unsupported catalogue schema `fleetopt.catalog/v0`; expected `fleetopt.catalog/v1`"
        );
    }
}
