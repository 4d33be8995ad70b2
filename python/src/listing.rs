//! `catalog_list`: the filters of `fleetopt catalog list`, from the same text the flags take
//! (`"4..8"`, `"24.."`), read by the library's `list_filters` (the CLI reads its flags through
//! the same module, so both give the same rows and messages), then
//! `instances::listing::list` and the CLI's JSON rows.

use std::path::PathBuf;

use fleetopt_instances::list_filters::{self, ListRow, list_row, spellings};
use fleetopt_instances::listing::{self, SortKey};
use fleetopt_instances::{Catalog, Market, Region};
use pyo3::prelude::*;

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
    let text = filters.text();
    let (requirements, from_file) = match &filters.requirements {
        Some(path) => (fleetopt_instances::load::requirements::load(path)?, true),
        None => (text.requirements().map_err(filter_error)?, false),
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
    let keep = text.matcher(region).map_err(filter_error)?;
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

impl ListFilters {
    /// The library's filters of these.
    fn text(&self) -> list_filters::ListFilters {
        list_filters::ListFilters {
            vcpus: self.vcpus.clone(),
            memory_gib: self.memory_gib.clone(),
            arch: self.arch.clone(),
            gpus: self.gpus.clone(),
            cpu: self.cpu.clone(),
            allow: self.allow.clone(),
            exclude: self.exclude.clone(),
            placement: self.placement.clone(),
            burstable: self.burstable.clone(),
            bare_metal: self.bare_metal.clone(),
            current_generation: self.current_generation,
            gpu_memory_gib: self.gpu_memory_gib.clone(),
            gpu_manufacturer: self.gpu_manufacturer.clone(),
            gpu_model: self.gpu_model.clone(),
            network_gbps: self.network_gbps.clone(),
            network_performance: self.network_performance.clone(),
            efa: self.efa,
            local_storage: self.local_storage.clone(),
            disk_type: self.disk_type.clone(),
            local_storage_gb: self.local_storage_gb.clone(),
            memory_per_vcpu: self.memory_per_vcpu.clone(),
            usage_class: self.usage_class.clone(),
            on_demand_price: self.on_demand_price.clone(),
            spot_price: self.spot_price.clone(),
            zone: self.zone.clone(),
            hibernation: self.hibernation,
        }
    }
}

fn filter_error(error: list_filters::FilterError) -> Failure {
    Failure::input(error.0)
}
