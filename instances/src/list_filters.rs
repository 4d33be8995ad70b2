//! The filters of `fleetopt catalog list` as the text its flags take (`"4..8"`, `"24.."`,
//! `"spot"`): parsed and checked once here into `InstanceRequirements` ([`ListFilters::requirements`])
//! and the listing's other filters ([`ListFilters::matcher`]), with messages that name the flag;
//! and the row a listed type becomes ([`ListRow`]). The CLI and the Python package both read
//! their filters through this module.

use serde::Serialize;

use crate::listing::Listed;
use crate::model::{StorageKind, interruption_bucket_label};
use crate::select::{self, Requirements};
use crate::{AcceleratorKind, Architecture, CpuManufacturer, Market, PlacementStrategy, Region};

/// A filter that cannot be read: the message names the flag (`--vcpus: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

impl FilterError {
    fn new(message: impl Into<String>) -> FilterError {
        FilterError(message.into())
    }
}

/// The filters of `catalog list`, each as the text of its flag (`None`, empty or `false`: not
/// given).
#[derive(Debug, Clone, Default)]
#[allow(
    missing_docs,
    reason = "each field is the `catalog list` flag of the same name"
)]
pub struct ListFilters {
    pub vcpus: Option<String>,
    pub memory_gib: Option<String>,
    pub arch: Vec<String>,
    pub gpus: Option<String>,
    pub cpu: Vec<String>,
    pub allow: Vec<String>,
    pub exclude: Vec<String>,
    pub placement: Option<String>,
    pub burstable: Option<String>,
    pub bare_metal: Option<String>,
    pub current_generation: bool,
    pub gpu_memory_gib: Option<String>,
    pub gpu_manufacturer: Vec<String>,
    pub gpu_model: Vec<String>,
    pub network_gbps: Option<String>,
    pub network_performance: Option<String>,
    pub efa: bool,
    pub local_storage: Option<String>,
    pub disk_type: Vec<String>,
    pub local_storage_gb: Option<String>,
    pub memory_per_vcpu: Option<String>,
    pub usage_class: Option<String>,
    pub on_demand_price: Option<String>,
    pub spot_price: Option<String>,
    pub zone: Vec<String>,
    pub hibernation: bool,
}

/// One line of `catalog list` (its JSON and CSV rows, field for field).
#[derive(Debug, Serialize)]
#[allow(missing_docs, reason = "the fields are the listing's columns")]
pub struct ListRow<'a> {
    pub instance_type: &'a str,
    pub vcpus: u32,
    pub memory_gib: f64,
    pub architectures: Vec<&'static str>,
    pub gpus: u32,
    pub network: &'a str,
    pub on_demand_price: Option<f64>,
    pub spot_price: Option<f64>,
    pub spot_price_estimated: bool,
    pub interruption_bucket: Option<&'static str>,
    pub placement_strategies: Vec<&'static str>,
}

/// `a, b, c or d`.
pub fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The spellings of `values`, for a message.
pub fn spellings<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> String {
    one_of(&values.iter().map(|&v| name(v)).collect::<Vec<_>>())
}

impl ListFilters {
    /// The `InstanceRequirements` the attribute filters ask for (checked; the exclusions are
    /// checked here and applied after selection by [`crate::listing::list`]).
    pub fn requirements(&self) -> Result<Requirements, FilterError> {
        let args = self;
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
                    FilterError::new(format!(
                        "--arch: unknown architecture `{arch}`; expected {}",
                        spellings(&Architecture::ALL, Architecture::as_str)
                    ))
                })?);
        }
        for cpu in &args.cpu {
            requirements
                .cpu_manufacturers
                .push(CpuManufacturer::parse(cpu).ok_or_else(|| {
                    FilterError::new(format!(
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
            .map_err(|e| FilterError::new(format!("invalid filter: {e}")))?;
        if let Some(strategy) = &args.placement {
            requirements.placement = Some(PlacementStrategy::parse(strategy).ok_or_else(|| {
                FilterError::new(format!(
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
                    FilterError::new(format!(
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
            .map_err(|e| FilterError::new(format!("invalid filter: {e}")))?;
        Ok(requirements)
    }

    /// The filters that are not `InstanceRequirements` attributes (they also apply with a
    /// requirements file): network label, EFA, usage class, price per market, AZs offered,
    /// hibernation; checked against `region`.
    pub fn matcher<'r>(
        &self,
        region: &'r Region,
    ) -> Result<impl Fn(&Listed<'_>) -> bool + 'r, FilterError> {
        let args = self;
        let price = |flag: &str,
                     text: &Option<String>|
         -> Result<(Option<f64>, Option<f64>), FilterError> {
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
                        FilterError::new(format!(
                            "--usage-class: unknown usage class `{text}`; expected spot, on-demand"
                        ))
                    })?,
            ),
        };
        for zone in &args.zone {
            if !region.has_zone(zone) {
                return Err(FilterError::new(format!(
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
}

fn parse_inclusion(flag: &str, mode: &str) -> Result<select::Inclusion, FilterError> {
    select::Inclusion::parse(mode).ok_or_else(|| {
        FilterError::new(format!(
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
) -> Result<(Option<T>, Option<T>), FilterError> {
    let bad = || {
        FilterError::new(format!(
            "{flag}: expected `N`, `A..B`, `A..` or `..B` with non-negative numbers, found `{text}`"
        ))
    };
    let value = |part: &str| -> Result<Option<T>, FilterError> {
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
        return Err(FilterError::new(format!(
            "{flag}: the minimum {a} is greater than the maximum {b}"
        )));
    }
    Ok((min, max))
}

/// The row of one listed type.
pub fn list_row(listed: Listed<'_>) -> ListRow<'_> {
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
