//! `catalog_list`: the filters of `fleetopt catalog list`, from the same text the flags take
//! (`"4..8"`, `"24.."`), to `select::Requirements` and the listing's extra filters, then
//! `instances::listing::list` and the CLI's JSON rows.
//!
//! The flag parsing lives in the binary (`src/cli/catalog.rs`: `list_requirements`,
//! `listing_filters`, `parse_range`, `ListRow`), which a library cannot call, so it is stated
//! again here rule for rule, with the CLI's messages; `tests/test_catalog_list.py` runs the
//! CLI with each filter and asserts the same rows, so the two cannot drift unnoticed.

use std::path::PathBuf;

use fleetopt_instances::listing::{self, Listed, SortKey};
use fleetopt_instances::model::{StorageKind, interruption_bucket_label};
use fleetopt_instances::select::{self, Requirements};
use fleetopt_instances::{
    AcceleratorKind, Architecture, Catalog, CpuManufacturer, Market, PlacementStrategy, Region,
};
use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::Failure;

/// The `catalog list` flags, one dict item each, as the CLI's text (the Python side turns
/// numbers and tuples into `N` / `A..B` and always passes every key).
#[derive(Debug, Clone, Default, FromPyObject)]
pub struct ListFilters {
    #[pyo3(item)]
    region: Option<String>,
    #[pyo3(item)]
    vcpus: Option<String>,
    #[pyo3(item)]
    memory_gib: Option<String>,
    #[pyo3(item)]
    arch: Vec<String>,
    #[pyo3(item)]
    gpus: Option<String>,
    #[pyo3(item)]
    cpu: Vec<String>,
    #[pyo3(item)]
    allow: Vec<String>,
    #[pyo3(item)]
    exclude: Vec<String>,
    #[pyo3(item)]
    placement: Option<String>,
    #[pyo3(item)]
    burstable: Option<String>,
    #[pyo3(item)]
    bare_metal: Option<String>,
    #[pyo3(item)]
    current_generation: bool,
    #[pyo3(item)]
    gpu_memory_gib: Option<String>,
    #[pyo3(item)]
    gpu_manufacturer: Vec<String>,
    #[pyo3(item)]
    gpu_model: Vec<String>,
    #[pyo3(item)]
    network_gbps: Option<String>,
    #[pyo3(item)]
    network_performance: Option<String>,
    #[pyo3(item)]
    efa: bool,
    #[pyo3(item)]
    local_storage: Option<String>,
    #[pyo3(item)]
    disk_type: Vec<String>,
    #[pyo3(item)]
    local_storage_gb: Option<String>,
    #[pyo3(item)]
    memory_per_vcpu: Option<String>,
    #[pyo3(item)]
    usage_class: Option<String>,
    #[pyo3(item)]
    on_demand_price: Option<String>,
    #[pyo3(item)]
    spot_price: Option<String>,
    #[pyo3(item)]
    zone: Vec<String>,
    #[pyo3(item)]
    hibernation: bool,
    #[pyo3(item)]
    max_results: Option<usize>,
    #[pyo3(item)]
    requirements: Option<PathBuf>,
    #[pyo3(item)]
    sort: Option<String>,
}

/// One row of `catalog list --format json`: the CLI's `ListRow`, field for field.
#[derive(Debug, Serialize)]
pub struct ListRow<'a> {
    instance_type: &'a str,
    vcpus: u32,
    memory_gib: f64,
    architectures: Vec<&'static str>,
    gpus: u32,
    network: &'a str,
    on_demand_price: Option<f64>,
    spot_price: Option<f64>,
    spot_price_estimated: bool,
    interruption_bucket: Option<&'static str>,
    placement_strategies: Vec<&'static str>,
}

/// `a, b, c or d` (the CLI's `one_of`).
fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn spellings<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> String {
    one_of(&values.iter().map(|&v| name(v)).collect::<Vec<_>>())
}

/// The attribute filters `--requirements` cannot be combined with (clap's `conflicts_with_all`
/// on the CLI), by their flag names.
fn attribute_flags(f: &ListFilters) -> Vec<&'static str> {
    let given = [
        ("--vcpus", f.vcpus.is_some()),
        ("--memory-gib", f.memory_gib.is_some()),
        ("--arch", !f.arch.is_empty()),
        ("--gpus", f.gpus.is_some()),
        ("--cpu", !f.cpu.is_empty()),
        ("--allow", !f.allow.is_empty()),
        ("--placement", f.placement.is_some()),
        ("--burstable", f.burstable.is_some()),
        ("--bare-metal", f.bare_metal.is_some()),
        ("--current-generation", f.current_generation),
        ("--gpu-memory-gib", f.gpu_memory_gib.is_some()),
        ("--gpu-manufacturer", !f.gpu_manufacturer.is_empty()),
        ("--gpu-model", !f.gpu_model.is_empty()),
        ("--network-gbps", f.network_gbps.is_some()),
        ("--local-storage", f.local_storage.is_some()),
        ("--disk-type", !f.disk_type.is_empty()),
        ("--local-storage-gb", f.local_storage_gb.is_some()),
        ("--memory-per-vcpu", f.memory_per_vcpu.is_some()),
    ];
    given
        .into_iter()
        .filter_map(|(flag, set)| set.then_some(flag))
        .collect()
}

/// The listing's rows as the CLI's JSON text (rows in its order, fields in `ListRow`'s).
pub fn list(catalog: &Catalog, filters: &ListFilters) -> Result<String, Failure> {
    let sort = match &filters.sort {
        None => SortKey::Name,
        Some(text) => SortKey::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                Failure::input(format!(
                    "--sort: unknown order `{text}`; expected {}",
                    spellings(&SortKey::ALL, SortKey::as_str)
                ))
            })?,
    };
    if filters.requirements.is_some() {
        let conflicts = attribute_flags(filters);
        if !conflicts.is_empty() {
            return Err(Failure::input(format!(
                "--requirements cannot be combined with {}",
                conflicts.join(", ")
            )));
        }
    }
    let region = pick_region(catalog, filters.region.as_deref())?;
    let (requirements, from_file) = match &filters.requirements {
        Some(path) => (fleetopt_instances::load::requirements::load(path)?, true),
        None => (list_requirements(filters)?, false),
    };
    let mut listed = listing::list(catalog, region, &requirements, &filters.exclude, sort);
    if from_file {
        // The CLI prints each exclusion as a note on stderr; the rows are what matter here.
        let protection = listing::price_protected(catalog, region, &listed, &requirements);
        listed.retain(|l| {
            let name = l.instance_type.name.as_str();
            protection.is_allowed(name, Market::OnDemand)
                || protection.is_allowed(name, Market::Spot)
        });
    }
    let keep = listing_filters(filters, region)?;
    listed.retain(|l| keep(l));
    if let Some(n) = filters.max_results {
        listed.truncate(n);
    }
    let rows: Vec<ListRow<'_>> = listed.into_iter().map(list_row).collect();
    serde_json::to_string(&rows).map_err(|e| Failure::internal(format!("cannot render JSON: {e}")))
}

fn pick_region<'a>(catalog: &'a Catalog, wanted: Option<&str>) -> Result<&'a Region, Failure> {
    listing::listing_region(catalog, wanted).ok_or_else(|| match wanted {
        Some(name) => {
            let known: Vec<&str> = catalog.regions().map(|r| r.name().as_str()).collect();
            Failure::input(format!(
                "--region: the catalogue has no region `{name}`; it has {}",
                known.join(", ")
            ))
        }
        None => Failure::input("the catalogue has no regions"),
    })
}

fn list_requirements(args: &ListFilters) -> Result<Requirements, Failure> {
    let mut requirements = Requirements::any();
    if let Some(text) = &args.vcpus {
        let (min, max) = parse_range("--vcpus", text, |v| v.parse::<u32>().ok())?;
        requirements.vcpus = select::U32Range { min, max };
    }
    if let Some(text) = &args.memory_gib {
        let (min, max) = parse_range("--memory-gib", text, |v| {
            v.parse::<f64>()
                .ok()
                .filter(|g| g.is_finite() && (0.0..1e12).contains(g))
                .map(|g| (g * 1024.0).round() as u64)
        })?;
        requirements.memory_mib = select::U64Range { min, max };
    }
    if let Some(text) = &args.gpus {
        let (min, max) = parse_range("--gpus", text, |v| v.parse::<u32>().ok())?;
        requirements.gpus = select::U32Range { min, max };
    }
    for arch in &args.arch {
        requirements
            .architectures
            .push(Architecture::parse(arch).ok_or_else(|| {
                Failure::input(format!(
                    "--arch: unknown architecture `{arch}`; expected {}",
                    spellings(&Architecture::ALL, Architecture::as_str)
                ))
            })?);
    }
    for cpu in &args.cpu {
        requirements
            .cpu_manufacturers
            .push(CpuManufacturer::parse(cpu).ok_or_else(|| {
                Failure::input(format!(
                    "--cpu: unknown manufacturer `{cpu}`; expected {}",
                    spellings(&CpuManufacturer::ALL, CpuManufacturer::as_str)
                ))
            })?);
    }
    // The exclusions are checked here and applied after selection (`listing::list`).
    requirements.allowed_instance_types = args.allow.clone();
    let exclusions = Requirements {
        excluded_instance_types: args.exclude.clone(),
        ..Requirements::any()
    };
    exclusions
        .validate()
        .map_err(|e| Failure::input(format!("invalid filter: {e}")))?;
    if let Some(strategy) = &args.placement {
        requirements.placement = Some(PlacementStrategy::parse(strategy).ok_or_else(|| {
            Failure::input(format!(
                "--placement: unknown strategy `{strategy}`; expected {}",
                spellings(&PlacementStrategy::ALL, PlacementStrategy::as_str)
            ))
        })?);
    }
    if let Some(mode) = &args.burstable {
        requirements.burstable = Some(parse_inclusion("--burstable", mode)?);
    }
    if let Some(mode) = &args.bare_metal {
        requirements.bare_metal = Some(parse_inclusion("--bare-metal", mode)?);
    }
    if args.current_generation {
        requirements.instance_generations = vec![select::Generation::Current];
    }
    let non_negative = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
    if let Some(text) = &args.gpu_memory_gib {
        let (min, max) = parse_range("--gpu-memory-gib", text, |v| {
            non_negative(v)
                .filter(|g| *g < 1e12)
                .map(|g| (g * 1024.0).round() as u64)
        })?;
        requirements.accelerator_total_memory_mib = select::U64Range { min, max };
    }
    requirements.accelerator_manufacturers = args
        .gpu_manufacturer
        .iter()
        .map(|m| m.to_ascii_lowercase())
        .collect();
    requirements.accelerator_names = args
        .gpu_model
        .iter()
        .map(|m| m.to_ascii_lowercase())
        .collect();
    // The GPU flags ask about GPUs (InstanceRequirements counts only the `AcceleratorTypes`
    // given).
    if args.gpu_memory_gib.is_some()
        || !args.gpu_manufacturer.is_empty()
        || !args.gpu_model.is_empty()
    {
        requirements.accelerator_types = vec![AcceleratorKind::Gpu];
    }
    if let Some(text) = &args.network_gbps {
        let (min, max) = parse_range("--network-gbps", text, non_negative)?;
        requirements.network_bandwidth_gbps = select::F64Range { min, max };
    }
    if let Some(mode) = &args.local_storage {
        requirements.local_storage = Some(parse_inclusion("--local-storage", mode)?);
    }
    for kind in &args.disk_type {
        requirements
            .local_storage_types
            .push(StorageKind::parse(kind).ok_or_else(|| {
                Failure::input(format!(
                    "--disk-type: unknown disk type `{kind}`; expected {}",
                    spellings(&StorageKind::ALL, StorageKind::as_str)
                ))
            })?);
    }
    if let Some(text) = &args.local_storage_gb {
        let (min, max) = parse_range("--local-storage-gb", text, non_negative)?;
        requirements.total_local_storage_gb = select::F64Range { min, max };
    }
    if let Some(text) = &args.memory_per_vcpu {
        let (min, max) = parse_range("--memory-per-vcpu", text, non_negative)?;
        requirements.memory_gib_per_vcpu = select::F64Range { min, max };
    }
    requirements
        .validate()
        .map_err(|e| Failure::input(format!("invalid filter: {e}")))?;
    Ok(requirements)
}

/// The filters that are not `InstanceRequirements` attributes (they also apply with
/// `requirements`): network label, EFA, usage class, price per market, AZs offered, hibernation.
fn listing_filters<'r>(
    args: &ListFilters,
    region: &'r Region,
) -> Result<impl Fn(&Listed<'_>) -> bool + 'r, Failure> {
    let price =
        |flag: &str, text: &Option<String>| -> Result<(Option<f64>, Option<f64>), Failure> {
            match text {
                Some(text) => parse_range(flag, text, |v| {
                    v.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
                }),
                None => Ok((None, None)),
            }
        };
    let on_demand = price("--on-demand-price", &args.on_demand_price)?;
    let spot = price("--spot-price", &args.spot_price)?;
    let usage = match args.usage_class.as_deref() {
        None => None,
        Some(text) => Some(
            [Market::Spot, Market::OnDemand]
                .into_iter()
                .find(|m| m.as_str() == text)
                .ok_or_else(|| {
                    Failure::input(format!(
                        "--usage-class: unknown usage class `{text}`; expected spot, on-demand"
                    ))
                })?,
        ),
    };
    for zone in &args.zone {
        if !region.has_zone(zone) {
            return Err(Failure::input(format!(
                "--zone: `{zone}` is not an AZ ID of {}",
                region.name()
            )));
        }
    }
    let zones = args.zone.clone();
    let performance = args
        .network_performance
        .as_ref()
        .map(|p| p.to_ascii_lowercase());
    let (efa, hibernation) = (args.efa, args.hibernation);
    let within = |(min, max): (Option<f64>, Option<f64>), value: Option<f64>| match value {
        Some(v) => min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m),
        None => min.is_none() && max.is_none(),
    };
    Ok(move |l: &Listed<'_>| {
        let t = l.instance_type;
        let offered_in = |zone: &String| {
            region
                .pools_of(t.name.as_str())
                .iter()
                .any(|p| p.zone.as_str() == zone)
                || region
                    .unpriced()
                    .iter()
                    .any(|o| o.instance_type == t.name && o.zone.as_str() == zone)
        };
        performance
            .as_ref()
            .is_none_or(|p| t.network.performance.to_ascii_lowercase() == *p)
            && (!efa || t.network.efa)
            && (!hibernation || t.hibernation)
            && usage.is_none_or(|m| t.supports_market(m))
            && within(on_demand, l.on_demand.map(|p| p.price_per_hour))
            && within(spot, l.spot.map(|p| p.price_per_hour))
            && (zones.is_empty() || zones.iter().any(offered_in))
    })
}

fn parse_inclusion(flag: &str, mode: &str) -> Result<select::Inclusion, Failure> {
    select::Inclusion::parse(mode).ok_or_else(|| {
        Failure::input(format!(
            "{flag}: expected {}, found `{mode}`",
            spellings(&select::Inclusion::ALL, select::Inclusion::as_str)
        ))
    })
}

/// Parses `N`, `A..B`, `A..` or `..B` into a requirements range.
fn parse_range<T: Copy + PartialOrd + std::fmt::Display>(
    flag: &str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<(Option<T>, Option<T>), Failure> {
    let bad = || {
        Failure::input(format!(
            "{flag}: expected `N`, `A..B`, `A..` or `..B` with non-negative numbers, found `{text}`"
        ))
    };
    let value = |part: &str| -> Result<Option<T>, Failure> {
        if part.is_empty() {
            Ok(None)
        } else {
            parse(part.trim()).map(Some).ok_or_else(bad)
        }
    };
    let (min, max) = match text.split_once("..") {
        Some((a, b)) => (value(a)?, value(b)?),
        None => {
            let v = value(text)?.ok_or_else(bad)?;
            (Some(v), Some(v))
        }
    };
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        return Err(Failure::input(format!(
            "{flag}: the minimum {a} is greater than the maximum {b}"
        )));
    }
    Ok((min, max))
}

fn list_row(listed: Listed<'_>) -> ListRow<'_> {
    let Listed {
        instance_type: t,
        on_demand,
        spot,
    } = listed;
    ListRow {
        instance_type: t.name.as_str(),
        vcpus: t.vcpus,
        memory_gib: t.memory_gib(),
        architectures: t.architectures.iter().map(|a| a.as_str()).collect(),
        gpus: t.gpu_count(),
        network: &t.network.performance,
        on_demand_price: on_demand.map(|p| p.price_per_hour),
        spot_price: spot.map(|p| p.price_per_hour),
        spot_price_estimated: spot.is_some_and(|p| p.price_source.is_estimated()),
        interruption_bucket: spot
            .and_then(|p| p.interruption_bucket)
            .map(interruption_bucket_label),
        placement_strategies: t.placement_strategies.iter().map(|s| s.as_str()).collect(),
    }
}
