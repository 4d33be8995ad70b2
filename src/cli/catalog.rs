//! `fleetopt catalog build | list | show | info`: flags to the catalogue crate's values
//! (`build`, `select::Requirements`, `listing`), and its answers rendered as tables, JSON or
//! CSV. Which types a listing holds, their prices, orders and counts are `listing`'s rules.

use std::path::{Path, PathBuf};

use fleetopt::instances::build::{
    self, BuildOptions, Labelled, SOURCE_KINDS, Sources, build as build_catalog, is_source_date,
};
use fleetopt::instances::listing::{self, LISTING_PLATFORM, Listed, RegionCounts};
use fleetopt::instances::load;
use fleetopt::instances::model::StorageKind;
use fleetopt::instances::model::interruption_bucket_label;
use fleetopt::instances::select::{self, Requirements};
use fleetopt::instances::{
    Architecture, Catalog, CatalogInfo, CpuManufacturer, InstanceType, Market, PlacementStrategy,
    Platform, Region, SourceInfo,
};
use serde::Serialize;

use super::args::{BuildArgs, InfoArgs, ListArgs, ListFormat, ShowArgs};
use super::output::{emit, json_text, write_atomically};
use super::table::{Align, Table};
use super::{Failure, inputs};

pub fn build(args: &BuildArgs) -> Result<(), Failure> {
    let inputs = build_inputs(args);
    let mut dates = parse_source_dates(&args.source_date, &inputs)?;
    // Loaded first: a Price List states its own data date, which a `--source-date` given for
    // the file (by name) still overrides.
    let price_lists = load_each(&args.price_list, load::price_list::load)?;
    for (path, list) in args.price_list.iter().zip(&price_lists) {
        let origin = file_name(path);
        let published = list.value.publication_date.get(..10).unwrap_or_default();
        let dated = |key: &String| *key == origin || key == "price-list";
        if is_source_date(published) && !dates.iter().any(|(key, _)| dated(key)) {
            dates.push((origin, published.to_owned()));
        }
    }
    let sources_info = inputs
        .iter()
        .map(|(kind, path)| {
            let origin = file_name(path);
            let date = dates
                .iter()
                .find(|(key, _)| *key == origin)
                .or_else(|| dates.iter().find(|(key, _)| key == kind))
                .map(|(_, date)| date.clone());
            SourceInfo {
                kind: (*kind).to_owned(),
                origin,
                date,
            }
        })
        .collect();
    let info = CatalogInfo {
        title: args
            .title
            .clone()
            .unwrap_or_else(|| "catalogue built by fleetopt catalog build".to_owned()),
        sources: sources_info,
        ..CatalogInfo::default()
    };

    let sources = Sources {
        instance_types: load::instance_types::load(&args.instance_types)?,
        offerings: load_each(&args.offerings, load::offerings::load)?,
        spot_prices: load_each(&args.spot_prices, load::spot_prices::load)?,
        advisor: args
            .advisor
            .as_deref()
            .map(load::advisor::load)
            .transpose()?,
        placement_scores: load_each(&args.placement_scores, load::placement_scores::load)?,
        on_demand: price_lists
            .iter()
            .map(|list| {
                Labelled::new(
                    list.label.clone(),
                    build::shared_on_demand_prices(&list.value),
                )
            })
            .chain(load_each(&args.on_demand_prices, load::on_demand::load)?)
            .collect(),
        zones: load_each(&args.zones, load::zones::load)?,
        shaping_history: load_each(&args.shape_spot_history, load::spot_prices::load)?,
        dedicated: price_lists
            .iter()
            .map(|list| {
                Labelled::new(
                    list.label.clone(),
                    build::dedicated_on_demand_prices(&list.value),
                )
            })
            .collect(),
    };
    let defaults = BuildOptions::default();
    let platforms = if args.platform.is_empty() {
        defaults.platforms
    } else {
        args.platform
            .iter()
            .map(|p| {
                Platform::parse(p).ok_or_else(|| {
                    let names: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
                    Failure::input(format!(
                        "--platform: unknown platform `{p}`; expected {}",
                        one_of(&names)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let options = BuildOptions {
        regions: args.region.iter().map(|r| r.as_str().into()).collect(),
        platforms,
        estimate_spot: args.estimate_spot,
        on_demand_reference_region: args.estimate_on_demand_from.as_deref().map(Into::into),
        info,
    };
    let (catalog, report) = build_catalog(&sources, &options)?;
    for warning in &report.warnings {
        eprintln!(
            "warning: {}",
            fleetopt::instances::escape::escape_controls(&warning.to_string())
        );
    }
    let mut json = load::catalog::to_json(&catalog);
    json.push('\n');
    write_atomically(&args.output, json.as_bytes())?;
    super::output::status(&format!(
        "wrote {}: {} instance types, {} pools in {} region(s)",
        args.output.display(),
        catalog.type_count(),
        catalog.pools().count(),
        catalog.regions().count()
    ));
    Ok(())
}

/// `a, b, c or d`: a list of accepted values for a message.
pub(super) fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Every input file with its kind, in the order `catalog info` lists them (the files of each
/// flag, in [`SOURCE_KINDS`] order).
fn build_inputs(args: &BuildArgs) -> Vec<(&'static str, &Path)> {
    let files: [&[PathBuf]; 9] = [
        std::slice::from_ref(&args.instance_types),
        &args.offerings,
        &args.spot_prices,
        args.advisor.as_slice(),
        &args.placement_scores,
        &args.price_list,
        &args.on_demand_prices,
        &args.zones,
        &args.shape_spot_history,
    ];
    SOURCE_KINDS
        .into_iter()
        .zip(files)
        .flat_map(|(kind, paths)| paths.iter().map(move |p| (kind, p.as_path())))
        .collect()
}

/// The file name alone, so a catalogue's bytes do not depend on where its inputs lived.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn load_each<T>(
    paths: &[PathBuf],
    load: impl Fn(&Path) -> Result<T, fleetopt::instances::LoadError>,
) -> Result<Vec<Labelled<T>>, Failure> {
    paths
        .iter()
        .map(|path| Ok(Labelled::new(path.display().to_string(), load(path)?)))
        .collect()
}

fn parse_source_dates(
    items: &[String],
    inputs: &[(&str, &Path)],
) -> Result<Vec<(String, String)>, Failure> {
    items
        .iter()
        .map(|item| {
            let (key, date) = item.split_once('=').ok_or_else(|| {
                Failure::input(format!("--source-date `{item}`: expected KIND=YYYY-MM-DD or FILE=YYYY-MM-DD"))
            })?;
            let known = inputs
                .iter()
                .any(|(kind, path)| *kind == key || file_name(path) == key);
            if !known {
                return Err(Failure::input(format!(
                    "--source-date `{item}`: `{key}` is neither the kind nor the file name of an input; kinds are {}",
                    SOURCE_KINDS.join(", ")
                )));
            }
            if !is_source_date(date) {
                return Err(Failure::input(format!(
                    "--source-date `{item}`: expected a date as YYYY-MM-DD, found `{date}`"
                )));
            }
            Ok((key.to_owned(), date.to_owned()))
        })
        .collect()
}

/// One line of `catalog list`.
#[derive(Debug, Serialize)]
struct ListRow<'a> {
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

pub fn list(args: &ListArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let region = pick_region(&catalog, args.region.as_deref())?;
    let (requirements, from_file) = match &args.requirements {
        Some(path) => (fleetopt::instances::load::requirements::load(path)?, true),
        None => (list_requirements(args)?, false),
    };
    let mut listed = listing::list(&catalog, region, &requirements, &args.exclude, args.sort);
    if from_file {
        let protection = listing::price_protected(&catalog, region, &listed, &requirements);
        for exclusion in protection.excluded() {
            super::output::status(&format!(
                "note: price protection (aws-semantics §1.10): {exclusion}"
            ));
        }
        listed.retain(|l| {
            let name = l.instance_type.name.as_str();
            protection.is_allowed(name, fleetopt::instances::Market::OnDemand)
                || protection.is_allowed(name, fleetopt::instances::Market::Spot)
        });
    }
    let keep = listing_filters(args, region)?;
    listed.retain(|l| keep(l));
    if let Some(n) = args.max_results {
        listed.truncate(n);
    }
    let rows: Vec<ListRow<'_>> = listed.into_iter().map(list_row).collect();
    let text = match args.format {
        ListFormat::Json => json_text(&rows)?,
        ListFormat::Csv => list_csv(&rows)?,
        ListFormat::Table => list_table(&rows, &catalog, region),
    };
    emit(args.output.as_deref(), &text)
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

/// The spellings of `values`, for a message.
fn spellings<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> String {
    one_of(&values.iter().map(|&v| name(v)).collect::<Vec<_>>())
}

fn list_requirements(args: &ListArgs) -> Result<Requirements, Failure> {
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
    // The GPU flags ask about GPUs: memory, manufacturer and model of GPUs, not of FPGAs or
    // inference chips (InstanceRequirements counts only the `AcceleratorTypes` given).
    if args.gpu_memory_gib.is_some()
        || !args.gpu_manufacturer.is_empty()
        || !args.gpu_model.is_empty()
    {
        requirements.accelerator_types = vec![fleetopt::instances::AcceleratorKind::Gpu];
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

/// The `catalog list` filters that are not `InstanceRequirements` attributes (they also apply
/// with `--requirements`): network label, EFA, usage class, price per market, AZs offered,
/// hibernation.
fn listing_filters<'r>(
    args: &ListArgs,
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

fn money(price: Option<f64>) -> String {
    price.map_or_else(|| "-".to_owned(), |p| format!("{p:.4}"))
}

fn list_table(rows: &[ListRow<'_>], catalog: &Catalog, region: &Region) -> String {
    let mut table = Table::new(&[
        ("type", Align::Left),
        ("vcpu", Align::Right),
        ("mem GiB", Align::Right),
        ("arch", Align::Left),
        ("gpus", Align::Right),
        ("network", Align::Left),
        ("on-demand $/h", Align::Right),
        ("spot $/h", Align::Right),
        ("interrupt", Align::Left),
        ("placement", Align::Left),
    ]);
    for row in rows {
        let spot = match row.spot_price {
            Some(p) if row.spot_price_estimated => format!("~{p:.4}"),
            other => money(other),
        };
        table.row(vec![
            row.instance_type.to_owned(),
            row.vcpus.to_string(),
            format_gib(row.memory_gib),
            row.architectures.join(","),
            row.gpus.to_string(),
            row.network.to_owned(),
            money(row.on_demand_price),
            spot,
            row.interruption_bucket.unwrap_or("-").to_owned(),
            row.placement_strategies.join(","),
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "{} instance type(s) in {}; prices are the cheapest {LISTING_PLATFORM} pool; ~ marks estimated spot prices\n",
        table.len(),
        region.name()
    ));
    text.push_str(&format!("catalogue: {}\n", describe_catalog(catalog)));
    text
}

fn describe_catalog(catalog: &Catalog) -> String {
    let info = catalog.info();
    match &info.data_date {
        Some(date) => format!(
            "{} (data as of {date}; `fleetopt catalog info` for sources)",
            info.title
        ),
        None => format!("{} (`fleetopt catalog info` for sources)", info.title),
    }
}

fn format_gib(gib: f64) -> String {
    if gib.fract() == 0.0 {
        format!("{gib:.0}")
    } else {
        let text = format!("{gib:.3}");
        text.trim_end_matches('0').to_owned()
    }
}

fn list_csv(rows: &[ListRow<'_>]) -> Result<String, Failure> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Failure::other(format!("cannot render CSV: {e}"));
    writer
        .write_record([
            "instance_type",
            "vcpus",
            "memory_gib",
            "architectures",
            "gpus",
            "network",
            "on_demand_price",
            "spot_price",
            "spot_price_estimated",
            "interruption_bucket",
            "placement_strategies",
        ])
        .map_err(fail)?;
    for row in rows {
        let opt = |p: Option<f64>| p.map(|v| v.to_string()).unwrap_or_default();
        writer
            .write_record([
                row.instance_type.to_owned(),
                row.vcpus.to_string(),
                row.memory_gib.to_string(),
                row.architectures.join(";"),
                row.gpus.to_string(),
                row.network.to_owned(),
                opt(row.on_demand_price),
                opt(row.spot_price),
                row.spot_price_estimated.to_string(),
                row.interruption_bucket.unwrap_or("").to_owned(),
                row.placement_strategies.join(";"),
            ])
            .map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Failure::other(format!("cannot render CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::other(format!("cannot render CSV: {e}")))
}

pub fn show(args: &ShowArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let name = args.instance_type.as_str();
    let Some(t) = catalog.instance_type(name) else {
        let hint = listing::closest_type(&catalog, name)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Failure::input(format!(
            "unknown instance type `{name}` in the catalogue{hint}"
        )));
    };
    let regions: Vec<&Region> = match &args.region {
        Some(region) => vec![pick_region(&catalog, Some(region))?],
        None => catalog.regions().collect(),
    };
    let mut text = describe_type(t);
    for region in regions {
        text.push('\n');
        text.push_str(&pool_table(t, region));
    }
    emit(args.output.as_deref(), &text)
}

fn describe_type(t: &InstanceType) -> String {
    let mut lines: Vec<(&str, String)> = Vec::new();
    let generation = match t.generation {
        Some(g) => format!("{} (generation {g}", t.family()),
        None => format!("{} (", t.family()),
    };
    let current = if t.current_generation {
        "current"
    } else {
        "previous"
    };
    let sep = if t.generation.is_some() { ", " } else { "" };
    lines.push(("family", format!("{generation}{sep}{current} generation)")));
    lines.push(("vCPUs", t.vcpus.to_string()));
    lines.push((
        "memory",
        format!("{} GiB ({} MiB)", format_gib(t.memory_gib()), t.memory_mib),
    ));
    lines.push((
        "architecture",
        t.architectures
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    let cpu = match (t.cpu_manufacturer, t.clock_ghz) {
        (Some(m), Some(ghz)) => format!("{m}, {ghz} GHz"),
        (Some(m), None) => m.to_string(),
        (None, Some(ghz)) => format!("{ghz} GHz"),
        (None, None) => "-".to_owned(),
    };
    lines.push(("cpu", cpu));
    let accelerators = if t.accelerators.is_empty() {
        "none".to_owned()
    } else {
        t.accelerators
            .iter()
            .map(|a| {
                format!(
                    "{} × {} {} {} ({} MiB each)",
                    a.count,
                    a.manufacturer,
                    a.name,
                    a.kind.as_str(),
                    a.memory_mib
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    lines.push(("accelerators", accelerators));
    lines.push((
        "network",
        format!(
            "{} (baseline {} Gbps, peak {} Gbps, {} interfaces{})",
            t.network.performance,
            t.network.baseline_gbps,
            t.network.peak_gbps,
            t.network.max_interfaces,
            if t.network.efa { ", EFA" } else { "" }
        ),
    ));
    let storage = match &t.local_storage {
        Some(s) => match s.kind {
            Some(kind) => format!("{} GB {}", s.total_gb, format!("{kind:?}").to_lowercase()),
            None => format!("{} GB", s.total_gb),
        },
        None => "EBS only".to_owned(),
    };
    lines.push(("storage", storage));
    lines.push(("burstable", yes_no(t.burstable)));
    lines.push(("bare metal", yes_no(t.bare_metal)));
    lines.push((
        "placement",
        t.placement_strategies
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    lines.push((
        "markets",
        t.markets
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut text = format!("{}\n", t.name);
    for (key, value) in lines {
        text.push_str(&format!("  {key:<width$}  {value}\n"));
    }
    text
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_owned()
}

fn pool_table(t: &InstanceType, region: &Region) -> String {
    let pools = region.pools_of(t.name.as_str());
    let unpriced: Vec<_> = region
        .unpriced()
        .iter()
        .filter(|o| o.instance_type == t.name)
        .collect();
    if pools.is_empty() && unpriced.is_empty() {
        return format!("{}: not offered\n", region.name());
    }
    let mut table = Table::new(&[
        ("zone", Align::Left),
        ("name", Align::Left),
        ("market", Align::Left),
        ("platform", Align::Left),
        ("$/h", Align::Right),
        ("price source", Align::Left),
        ("interrupt", Align::Left),
        ("savings", Align::Right),
        ("score", Align::Right),
        ("available", Align::Right),
    ]);
    let zone_name = |id: &str| {
        region
            .zones()
            .find(|z| z.id.as_str() == id)
            .and_then(|z| z.name.clone())
            .unwrap_or_else(|| "-".to_owned())
    };
    for pool in pools {
        table.row(vec![
            pool.zone.to_string(),
            zone_name(pool.zone.as_str()),
            pool.market.to_string(),
            pool.platform.to_string(),
            format!("{:.6}", pool.price_per_hour),
            pool.price_source.to_string(),
            pool.interruption_bucket
                .map_or("-", interruption_bucket_label)
                .to_owned(),
            pool.savings_percent
                .map_or_else(|| "-".to_owned(), |s| format!("{s}%")),
            pool.placement_score
                .map_or_else(|| "-".to_owned(), |s| s.to_string()),
            pool.available_instances
                .map_or_else(|| "-".to_owned(), |s| s.to_string()),
        ]);
    }
    for offering in &unpriced {
        table.row(vec![
            offering.zone.to_string(),
            zone_name(offering.zone.as_str()),
            offering.market.to_string(),
            "-".to_owned(),
            "-".to_owned(),
            "unpriced".to_owned(),
        ]);
    }
    format!(
        "{}: {} pool(s)\n{}",
        region.name(),
        pools.len(),
        table.render()
    )
}

pub fn info(args: &InfoArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let info = catalog.info();
    let mut text = format!("catalogue  {}\n", info.title);
    text.push_str(&format!(
        "data date  {}\n",
        info.data_date.as_deref().unwrap_or("unknown")
    ));
    text.push_str("\nsources\n");
    let mut sources = Table::new(&[
        ("kind", Align::Left),
        ("origin", Align::Left),
        ("date", Align::Left),
    ]);
    for source in &info.sources {
        sources.row(vec![
            source.kind.clone(),
            source.origin.clone(),
            source.date.clone().unwrap_or_else(|| "-".to_owned()),
        ]);
    }
    text.push_str(&sources.render());
    if !info.methods.is_empty() {
        text.push_str("\nestimates\n");
        for method in &info.methods {
            text.push_str(&format!("- {method}\n"));
        }
    }
    text.push_str(&format!("\n{} instance types\n", catalog.type_count()));
    let mut regions = Table::new(&[
        ("region", Align::Left),
        ("zones", Align::Right),
        ("types", Align::Right),
        ("on-demand pools", Align::Right),
        ("spot pools", Align::Right),
        ("estimated prices", Align::Right),
        ("unpriced offerings", Align::Right),
    ]);
    for region in catalog.regions() {
        let counts = RegionCounts::of(region);
        regions.row(vec![
            region.name().to_string(),
            counts.zones.to_string(),
            counts.types.to_string(),
            counts.on_demand_pools.to_string(),
            counts.spot_pools.to_string(),
            counts.estimated_prices.to_string(),
            counts.unpriced_offerings.to_string(),
        ]);
    }
    text.push_str(&regions.render());
    emit(args.output.as_deref(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_lists_read_as_a_sentence() {
        assert_eq!(one_of(&[]), "");
        assert_eq!(one_of(&["a"]), "a");
        assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
        let platforms: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            one_of(&platforms),
            "Linux/UNIX, Windows, Red Hat Enterprise Linux or SUSE Linux"
        );
    }

    #[test]
    fn source_dates_are_checked() {
        let inputs = [("advisor", Path::new("/data/spot-advisor-data.json"))];
        assert!(parse_source_dates(&["advisor=2025-06-28".to_owned()], &inputs).is_ok());
        assert!(
            parse_source_dates(&["spot-advisor-data.json=2025-06-28".to_owned()], &inputs).is_ok()
        );
        let Err(error) = parse_source_dates(&["advisor=June".to_owned()], &inputs) else {
            panic!("a malformed date must be rejected");
        };
        assert_eq!(
            error.message,
            "--source-date `advisor=June`: expected a date as YYYY-MM-DD, found `June`"
        );
        assert!(parse_source_dates(&["prices=2025-06-28".to_owned()], &inputs).is_err());
    }
}
