//! `fleetopt catalog build | list | show | info`: flags to the catalogue crate's values
//! (`build`, `list_filters`, `listing`), and its answers rendered as tables, JSON or
//! CSV. Which types a listing holds, their prices, orders and counts are `listing`'s rules.

use std::path::{Path, PathBuf};

use fleetopt::instances::build::{
    self, BuildOptions, Labelled, SOURCE_KINDS, Sources, build as build_catalog, is_source_date,
};
use fleetopt::instances::list_filters::{FilterError, ListFilters, ListRow, list_row};
use fleetopt::instances::listing::{self, LISTING_PLATFORM, RegionCounts};
use fleetopt::instances::load;
use fleetopt::instances::model::interruption_bucket_label;
use fleetopt::instances::{Catalog, CatalogInfo, InstanceType, Platform, Region, SourceInfo};

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
pub(super) use fleetopt::instances::list_filters::one_of;

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

pub fn list(args: &ListArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let region = pick_region(&catalog, args.region.as_deref())?;
    let filters = list_filters(args);
    let (requirements, from_file) = match &args.requirements {
        Some(path) => (fleetopt::instances::load::requirements::load(path)?, true),
        None => (filters.requirements().map_err(filter_error)?, false),
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
    let keep = filters.matcher(region).map_err(filter_error)?;
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

fn filter_error(error: FilterError) -> Failure {
    Failure::input(error.0)
}

/// The `catalog list` flags as the library's filters.
fn list_filters(args: &ListArgs) -> ListFilters {
    ListFilters {
        vcpus: args.vcpus.clone(),
        memory_gib: args.memory_gib.clone(),
        arch: args.arch.clone(),
        gpus: args.gpus.clone(),
        cpu: args.cpu.clone(),
        allow: args.allow.clone(),
        exclude: args.exclude.clone(),
        placement: args.placement.clone(),
        burstable: args.burstable.clone(),
        bare_metal: args.bare_metal.clone(),
        current_generation: args.current_generation,
        gpu_memory_gib: args.gpu_memory_gib.clone(),
        gpu_manufacturer: args.gpu_manufacturer.clone(),
        gpu_model: args.gpu_model.clone(),
        network_gbps: args.network_gbps.clone(),
        network_performance: args.network_performance.clone(),
        efa: args.efa,
        local_storage: args.local_storage.clone(),
        disk_type: args.disk_type.clone(),
        local_storage_gb: args.local_storage_gb.clone(),
        memory_per_vcpu: args.memory_per_vcpu.clone(),
        usage_class: args.usage_class.clone(),
        on_demand_price: args.on_demand_price.clone(),
        spot_price: args.spot_price.clone(),
        zone: args.zone.clone(),
        hibernation: args.hibernation,
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
