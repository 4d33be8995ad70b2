//! Attribute-based instance-type selection: AWS `InstanceRequirements` semantics over the
//! catalogue.
//!
//! This module owns
//! * [`Requirements`], one struct that parses both a native fleetopt request (snake_case TOML)
//!   and an AWS `InstanceRequirements` object (PascalCase JSON), plus its validation;
//! * the matching rules ([`matches()`], [`mismatch_reason`], [`select()`]) that decide which
//!   catalogue types satisfy a set of requirements;
//! * AWS instance-type wildcards ([`wildcard_match`]);
//! * price protection ([`price_protection`]), which AWS applies after matching and before
//!   looking for capacity pools.
//!
//! The semantics follow `aws-semantics.md` §1.10: attributes AND together, values inside a
//! list OR together, an empty list or an absent bound means "any". AWS does not document how
//! its attributes map onto `describe-instance-types` facts; the mapping used here is the
//! natural one and is spelled out on each field.

mod price_protection;
mod wildcard;

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::model::{
    Accelerator, AcceleratorKind, Architecture, CpuManufacturer, InstanceType, PlacementStrategy,
    StorageKind,
};

pub use price_protection::{
    BaselineTier, MarketPriceProtection, PriceBaseline, PriceBasis, PriceExclusion,
    PriceProtection, ThresholdRule, price_protection,
};
pub use wildcard::wildcard_match;

/// The members AWS requires in every `InstanceRequirements`, each with a `Min` (0 for no
/// minimum; aws-semantics §1.10). fleetopt's native requests default them instead.
pub const AWS_REQUIRED_RANGES: [&str; 2] = ["VCpuCount", "MemoryMiB"];

/// The first of [`AWS_REQUIRED_RANGES`] that an AWS-shaped `InstanceRequirements` object lacks
/// (or gives without a `Min`), with the message saying so.
pub fn missing_aws_range(requirements: &serde_json::Value) -> Option<(&'static str, String)> {
    AWS_REQUIRED_RANGES.into_iter().find_map(|member| {
        let has_min = requirements
            .get(member)
            .and_then(serde_json::Value::as_object)
            .is_some_and(|range| range.contains_key("Min"));
        (!has_min).then(|| {
            (
                member,
                format!(
                    "missing; AWS requires {member} with a Min in every InstanceRequirements \
                     (Min 0 means no minimum)"
                ),
            )
        })
    })
}

/// The most entries AWS accepts in `AllowedInstanceTypes` or `ExcludedInstanceTypes`.
pub(crate) const MAX_INSTANCE_TYPE_PATTERNS: usize = 400;

/// A percentage at or above this turns a price protection off (AWS: "a value such as
/// 999999").
pub(crate) const PRICE_PROTECTION_OFF: u32 = 999_999;

/// An inclusive integer range; either bound may be absent (no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct U32Range {
    /// Lower bound, inclusive. AWS's `Min: 0` means "no minimum", which is the same thing.
    #[serde(default, alias = "Min", skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Upper bound, inclusive.
    #[serde(default, alias = "Max", skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// An inclusive integer range for large quantities (MiB); either bound may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct U64Range {
    /// Lower bound, inclusive.
    #[serde(default, alias = "Min", skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Upper bound, inclusive.
    #[serde(default, alias = "Max", skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// An inclusive range of non-negative decimals; either bound may be absent. Integers are
/// accepted where a decimal is expected (`{ min = 2 }`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct F64Range {
    /// Lower bound, inclusive.
    #[serde(default, alias = "Min", skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound, inclusive.
    #[serde(default, alias = "Max", skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl U32Range {
    /// Whether neither bound is set.
    pub fn is_unbounded(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

impl U64Range {
    /// Whether neither bound is set.
    pub fn is_unbounded(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

impl F64Range {
    /// Whether neither bound is set.
    pub fn is_unbounded(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

/// How a yes/no capability is treated (`BurstablePerformance`, `BareMetal`, `LocalStorage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Inclusion {
    /// Types with and without the capability both match.
    Included,
    /// Only types with the capability match.
    Required,
    /// Only types without the capability match.
    Excluded,
}

impl Inclusion {
    /// Every value, in the order messages and help list them.
    pub const ALL: [Inclusion; 3] = [
        Inclusion::Included,
        Inclusion::Required,
        Inclusion::Excluded,
    ];

    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Inclusion::Included => "included",
            Inclusion::Required => "required",
            Inclusion::Excluded => "excluded",
        }
    }

    /// Parses the AWS spelling (exactly, as `InstanceRequirements` does).
    pub fn parse(text: &str) -> Option<Inclusion> {
        Inclusion::ALL.into_iter().find(|i| i.as_str() == text)
    }
}

impl fmt::Display for Inclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An instance generation as `InstanceGenerations` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generation {
    /// AWS's `CurrentGeneration: true`.
    Current,
    /// AWS's `CurrentGeneration: false` (note AWS flags m5/c5/r5/m6i as previous).
    Previous,
}

impl Generation {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Generation::Current => "current",
            Generation::Previous => "previous",
        }
    }
}

/// Attribute-based instance requirements: AWS `InstanceRequirements` plus a few fleetopt
/// extensions.
///
/// Field names are snake_case for native requests, e.g.
/// `requirements = { vcpus = { min = 2, max = 16 }, memory_mib = { min = 4096 }, burstable =
/// "excluded" }`; every AWS attribute also accepts its PascalCase AWS name (`VCpuCount`,
/// `MemoryMiB`, …) and ranges accept `Min`/`Max`, so an `InstanceRequirements` object from a
/// create-fleet request parses as is. Unknown fields are rejected.
///
/// Unlike AWS, `vcpus` and `memory_mib` are optional here (absent = no limit). Every field
/// defaults to "no constraint" except the three inclusions, which, when absent, take AWS's
/// defaults: burstable excluded, bare metal excluded, local storage included. Use
/// [`Requirements::any`] for a requirement that matches the whole catalogue.
///
/// Two AWS attributes have no catalogue fact behind them and are parsed only so a real AWS
/// object is not rejected for containing them: `RequireEncryptionInTransit` (accepted when
/// `false`) and `BaselinePerformanceFactors`. [`Requirements::validate`] rejects
/// `RequireEncryptionInTransit: true` and any `BaselinePerformanceFactors`, because honouring
/// them is impossible and silently ignoring them would select types AWS would not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// `VCpuCount`: default vCPUs.
    #[serde(
        default,
        alias = "VCpuCount",
        skip_serializing_if = "U32Range::is_unbounded"
    )]
    pub vcpus: U32Range,
    /// `MemoryMiB`: memory in MiB.
    #[serde(
        default,
        alias = "MemoryMiB",
        skip_serializing_if = "U64Range::is_unbounded"
    )]
    pub memory_mib: U64Range,
    /// `MemoryGiBPerVCpu`: memory_mib / 1024 / vcpus.
    #[serde(
        default,
        alias = "MemoryGiBPerVCpu",
        skip_serializing_if = "F64Range::is_unbounded"
    )]
    pub memory_gib_per_vcpu: F64Range,
    /// `CpuManufacturers`: any of these (empty = any). A type whose manufacturer the
    /// catalogue does not know never matches a non-empty list.
    #[serde(
        default,
        alias = "CpuManufacturers",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cpu_manufacturers: Vec<CpuManufacturer>,
    /// `InstanceGenerations`: any of these (empty = both). `current` means AWS's
    /// `CurrentGeneration` flag is true.
    #[serde(
        default,
        alias = "InstanceGenerations",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub instance_generations: Vec<Generation>,
    /// `BurstablePerformance` (T types); absent = excluded, as in AWS.
    #[serde(
        default,
        alias = "BurstablePerformance",
        skip_serializing_if = "Option::is_none"
    )]
    pub burstable: Option<Inclusion>,
    /// `BareMetal`; absent = excluded, as in AWS.
    #[serde(default, alias = "BareMetal", skip_serializing_if = "Option::is_none")]
    pub bare_metal: Option<Inclusion>,
    /// `LocalStorage` (instance store); absent = included, as in AWS.
    #[serde(
        default,
        alias = "LocalStorage",
        skip_serializing_if = "Option::is_none"
    )]
    pub local_storage: Option<Inclusion>,
    /// `LocalStorageTypes`: `hdd`, `ssd` (empty = both). Constrains only types that have
    /// local storage; a type whose disk technology is unknown fails a non-empty list.
    #[serde(
        default,
        alias = "LocalStorageTypes",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub local_storage_types: Vec<StorageKind>,
    /// `TotalLocalStorageGB`: decimal GB. Constrains only types that have local storage.
    #[serde(
        default,
        alias = "TotalLocalStorageGB",
        skip_serializing_if = "F64Range::is_unbounded"
    )]
    pub total_local_storage_gb: F64Range,
    /// `AcceleratorCount`: devices, summed over the accelerators of `accelerator_types` (all
    /// accelerators when that is empty). `max: 0` excludes every type with any accelerator.
    #[serde(
        default,
        alias = "AcceleratorCount",
        skip_serializing_if = "U32Range::is_unbounded"
    )]
    pub accelerator_count: U32Range,
    /// `AcceleratorTypes`: `gpu`, `fpga`, `inference`, `media` (empty = any). When set, a type
    /// must have an accelerator of one of these kinds, and the other accelerator attributes
    /// look only at accelerators of these kinds.
    #[serde(
        default,
        alias = "AcceleratorTypes",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub accelerator_types: Vec<AcceleratorKind>,
    /// `AcceleratorManufacturers`: `nvidia`, `amd`, `amazon-web-services`, `xilinx`, `habana`
    /// (empty = any; compared case-insensitively). When set, a type must have a (relevant)
    /// accelerator by one of them.
    #[serde(
        default,
        alias = "AcceleratorManufacturers",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub accelerator_manufacturers: Vec<String>,
    /// `AcceleratorNames`: `t4`, `a10g`, `h100`, … (empty = any; compared
    /// case-insensitively). When set, a type must have a (relevant) accelerator of one of
    /// these names.
    #[serde(
        default,
        alias = "AcceleratorNames",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub accelerator_names: Vec<String>,
    /// `AcceleratorTotalMemoryMiB`: device count × memory per device, summed over the
    /// relevant accelerators.
    #[serde(
        default,
        alias = "AcceleratorTotalMemoryMiB",
        skip_serializing_if = "U64Range::is_unbounded"
    )]
    pub accelerator_total_memory_mib: U64Range,
    /// `NetworkInterfaceCount`: maximum network interfaces.
    #[serde(
        default,
        alias = "NetworkInterfaceCount",
        skip_serializing_if = "U32Range::is_unbounded"
    )]
    pub network_interface_count: U32Range,
    /// `NetworkBandwidthGbps`: compared with the *baseline* bandwidth, as AWS documents.
    #[serde(
        default,
        alias = "NetworkBandwidthGbps",
        skip_serializing_if = "F64Range::is_unbounded"
    )]
    pub network_bandwidth_gbps: F64Range,
    /// `BaselineEbsBandwidthMbps`. A type whose EBS baseline is unknown fails a bounded range.
    #[serde(
        default,
        alias = "BaselineEbsBandwidthMbps",
        skip_serializing_if = "F64Range::is_unbounded"
    )]
    pub baseline_ebs_bandwidth_mbps: F64Range,
    /// `RequireHibernateSupport`: only types that support On-Demand hibernation.
    #[serde(
        default,
        alias = "RequireHibernateSupport",
        skip_serializing_if = "is_false"
    )]
    pub require_hibernate_support: bool,
    /// `RequireEncryptionInTransit`: accepted only when false (no catalogue fact; see the
    /// struct docs).
    #[serde(
        default,
        alias = "RequireEncryptionInTransit",
        skip_serializing_if = "is_false"
    )]
    pub require_encryption_in_transit: bool,
    /// `BaselinePerformanceFactors`: parsed but always rejected by validation (no catalogue
    /// fact; see the struct docs). Kept opaque.
    #[serde(
        default,
        alias = "BaselinePerformanceFactors",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline_performance_factors: Option<serde_json::Value>,
    /// `AllowedInstanceTypes`: the name must match one of these wildcards (empty = all). At
    /// most 400; mutually exclusive with `excluded_instance_types`.
    #[serde(
        default,
        alias = "AllowedInstanceTypes",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_instance_types: Vec<String>,
    /// `ExcludedInstanceTypes`: the name must match none of these wildcards. At most 400;
    /// mutually exclusive with `allowed_instance_types`.
    #[serde(
        default,
        alias = "ExcludedInstanceTypes",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub excluded_instance_types: Vec<String>,
    /// `SpotMaxPricePercentageOverLowestPrice`: Spot price protection against the lowest
    /// Spot price (see [`price_protection`]).
    #[serde(
        default,
        alias = "SpotMaxPricePercentageOverLowestPrice",
        skip_serializing_if = "Option::is_none"
    )]
    pub spot_max_price_percentage_over_lowest_price: Option<u32>,
    /// `MaxSpotPriceAsPercentageOfOptimalOnDemandPrice`: Spot price protection against the
    /// baseline On-Demand price. Mutually exclusive with the previous field.
    #[serde(
        default,
        alias = "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_spot_price_as_percentage_of_optimal_on_demand_price: Option<u32>,
    /// `OnDemandMaxPricePercentageOverLowestPrice`: On-Demand price protection; default 20.
    #[serde(
        default,
        alias = "OnDemandMaxPricePercentageOverLowestPrice",
        skip_serializing_if = "Option::is_none"
    )]
    pub on_demand_max_price_percentage_over_lowest_price: Option<u32>,
    /// fleetopt extension, not part of `InstanceRequirements`: the type must support one of
    /// these architectures (empty = any). AWS passes this separately, as `ArchitectureTypes`
    /// (`GetInstanceTypesFromInstanceRequirements`) or through the launch template's AMI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub architectures: Vec<Architecture>,
    /// fleetopt extension, not AWS: GPU devices only (sum of GPU counts), for
    /// `catalog list --gpus`. Unlike `accelerator_count`, FPGAs and inference chips do not
    /// count.
    #[serde(default, skip_serializing_if = "U32Range::is_unbounded")]
    pub gpus: U32Range,
    /// fleetopt extension, not AWS: the type must support this placement-group strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<PlacementStrategy>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Why a [`Requirements`] value is invalid. Messages name the field in snake_case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SelectError {
    /// A range whose minimum exceeds its maximum.
    #[error("requirements.{field}: min {min} is greater than max {max}")]
    InvertedRange {
        /// The range field.
        field: &'static str,
        /// The minimum, as written.
        min: String,
        /// The maximum, as written.
        max: String,
    },
    /// A decimal bound that is negative, NaN or infinite.
    #[error("requirements.{field}: {bound} {value} is not a finite, non-negative number")]
    InvalidNumber {
        /// The range field.
        field: &'static str,
        /// `min` or `max`.
        bound: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Both allowed and excluded instance types were given.
    #[error(
        "requirements: allowed_instance_types and excluded_instance_types are mutually exclusive; set at most one"
    )]
    AllowedAndExcluded,
    /// More wildcard entries than AWS accepts.
    #[error(
        "requirements.{field}: {count} entries; at most {MAX_INSTANCE_TYPE_PATTERNS} are allowed"
    )]
    TooManyPatterns {
        /// `allowed_instance_types` or `excluded_instance_types`.
        field: &'static str,
        /// How many were given.
        count: usize,
    },
    /// A malformed wildcard entry.
    #[error("requirements.{field}[{index}]: {reason}")]
    InvalidPattern {
        /// `allowed_instance_types` or `excluded_instance_types`.
        field: &'static str,
        /// 0-based index of the entry.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Both Spot price-protection fields were given.
    #[error(
        "requirements: spot_max_price_percentage_over_lowest_price and max_spot_price_as_percentage_of_optimal_on_demand_price are mutually exclusive; set at most one"
    )]
    BothSpotProtections,
    /// An AWS attribute fleetopt cannot honour.
    #[error("requirements.{field}: {reason}")]
    Unsupported {
        /// The field.
        field: &'static str,
        /// Why, and what to do instead.
        reason: String,
    },
}

impl Requirements {
    /// Requirements that match every type in the catalogue: no constraints, and burstable,
    /// bare-metal and local-storage types all included (overriding AWS's defaults).
    pub fn any() -> Requirements {
        Requirements {
            burstable: Some(Inclusion::Included),
            bare_metal: Some(Inclusion::Included),
            local_storage: Some(Inclusion::Included),
            ..Requirements::default()
        }
    }

    /// The burstable setting in force: the given one, else AWS's default `excluded`.
    pub fn effective_burstable(&self) -> Inclusion {
        self.burstable.unwrap_or(Inclusion::Excluded)
    }

    /// The bare-metal setting in force: the given one, else AWS's default `excluded`.
    pub fn effective_bare_metal(&self) -> Inclusion {
        self.bare_metal.unwrap_or(Inclusion::Excluded)
    }

    /// The local-storage setting in force: the given one, else AWS's default `included`.
    pub fn effective_local_storage(&self) -> Inclusion {
        self.local_storage.unwrap_or(Inclusion::Included)
    }

    /// Checks the requirements on their own (no catalogue needed): ranges ordered, decimals
    /// finite and non-negative, the AWS mutual exclusions and list limits, and wildcard
    /// syntax. Returns the first problem found, in field order.
    pub fn validate(&self) -> Result<(), SelectError> {
        check_ord("vcpus", self.vcpus.min, self.vcpus.max)?;
        check_ord("memory_mib", self.memory_mib.min, self.memory_mib.max)?;
        check_f64("memory_gib_per_vcpu", &self.memory_gib_per_vcpu)?;
        check_f64("total_local_storage_gb", &self.total_local_storage_gb)?;
        check_ord(
            "accelerator_count",
            self.accelerator_count.min,
            self.accelerator_count.max,
        )?;
        check_ord(
            "accelerator_total_memory_mib",
            self.accelerator_total_memory_mib.min,
            self.accelerator_total_memory_mib.max,
        )?;
        check_ord(
            "network_interface_count",
            self.network_interface_count.min,
            self.network_interface_count.max,
        )?;
        check_f64("network_bandwidth_gbps", &self.network_bandwidth_gbps)?;
        check_f64(
            "baseline_ebs_bandwidth_mbps",
            &self.baseline_ebs_bandwidth_mbps,
        )?;
        check_ord("gpus", self.gpus.min, self.gpus.max)?;
        if self.require_encryption_in_transit {
            return Err(SelectError::Unsupported {
                field: "require_encryption_in_transit",
                reason: "the catalogue has no encryption-in-transit facts, so this cannot be \
                         honoured; remove it and list suitable types in allowed_instance_types"
                    .to_owned(),
            });
        }
        if self.baseline_performance_factors.is_some() {
            return Err(SelectError::Unsupported {
                field: "baseline_performance_factors",
                reason: "the catalogue has no CPU performance facts, so this cannot be \
                         honoured; remove it and constrain families with allowed_instance_types"
                    .to_owned(),
            });
        }
        check_patterns("allowed_instance_types", &self.allowed_instance_types)?;
        check_patterns("excluded_instance_types", &self.excluded_instance_types)?;
        if !self.allowed_instance_types.is_empty() && !self.excluded_instance_types.is_empty() {
            return Err(SelectError::AllowedAndExcluded);
        }
        if self.spot_max_price_percentage_over_lowest_price.is_some()
            && self
                .max_spot_price_as_percentage_of_optimal_on_demand_price
                .is_some()
        {
            return Err(SelectError::BothSpotProtections);
        }
        Ok(())
    }
}

fn check_ord<T: PartialOrd + fmt::Display>(
    field: &'static str,
    min: Option<T>,
    max: Option<T>,
) -> Result<(), SelectError> {
    match (min, max) {
        (Some(min), Some(max)) if min > max => Err(SelectError::InvertedRange {
            field,
            min: min.to_string(),
            max: max.to_string(),
        }),
        _ => Ok(()),
    }
}

fn check_f64(field: &'static str, range: &F64Range) -> Result<(), SelectError> {
    for (bound, value) in [("min", range.min), ("max", range.max)] {
        if let Some(value) = value
            && !(value.is_finite() && value >= 0.0)
        {
            return Err(SelectError::InvalidNumber {
                field,
                bound,
                value,
            });
        }
    }
    check_ord(field, range.min, range.max)
}

fn check_patterns(field: &'static str, patterns: &[String]) -> Result<(), SelectError> {
    if patterns.len() > MAX_INSTANCE_TYPE_PATTERNS {
        return Err(SelectError::TooManyPatterns {
            field,
            count: patterns.len(),
        });
    }
    for (index, pattern) in patterns.iter().enumerate() {
        if pattern.is_empty() {
            return Err(SelectError::InvalidPattern {
                field,
                index,
                reason: "empty instance type pattern".to_owned(),
            });
        }
        // AWS type names are lowercase ASCII; anything else can never match a real type and
        // is almost certainly a typo (`M5.*`, `m5.large `), so say so instead of matching
        // nothing.
        if let Some(bad) = pattern.chars().find(|c| {
            !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '*' | '-'))
        }) {
            return Err(SelectError::InvalidPattern {
                field,
                index,
                reason: format!(
                    "pattern `{pattern}` contains {bad:?}; use only lowercase letters, digits, `.`, `-` and the wildcard `*`"
                ),
            });
        }
    }
    Ok(())
}

/// Whether `t` satisfies every attribute of `req`.
///
/// Does not validate `req`; call [`Requirements::validate`] first (an invalid range simply
/// matches nothing).
pub fn matches(t: &InstanceType, req: &Requirements) -> bool {
    mismatch_reason(t, req).is_none()
}

/// The first attribute `t` fails, as a short lowercase phrase (e.g. `vcpus 2 is below min
/// 4`, `burstable types are excluded (AWS default)`), or `None` when it matches.
///
/// Attributes are checked in the order of AWS's attribute table, then the wildcard lists,
/// then fleetopt's extensions.
pub fn mismatch_reason(t: &InstanceType, req: &Requirements) -> Option<String> {
    check_u32("vcpus", t.vcpus, &req.vcpus)
        .or_else(|| check_u64("memory_mib", t.memory_mib, &req.memory_mib))
        .or_else(|| {
            // vcpus ≥ 1 in a valid catalogue; the guard keeps a hand-built type from
            // dividing by zero.
            let per_vcpu = t.memory_mib as f64 / 1024.0 / f64::from(t.vcpus.max(1));
            check_f64_value("memory_gib_per_vcpu", per_vcpu, &req.memory_gib_per_vcpu)
        })
        .or_else(|| check_cpu_manufacturer(t, req))
        .or_else(|| check_generation(t, req))
        .or_else(|| {
            check_inclusion(
                "burstable",
                "burstable types",
                t.burstable,
                req.burstable,
                Inclusion::Excluded,
            )
        })
        .or_else(|| {
            check_inclusion(
                "bare_metal",
                "bare metal types",
                t.bare_metal,
                req.bare_metal,
                Inclusion::Excluded,
            )
        })
        .or_else(|| {
            check_inclusion(
                "local_storage",
                "types with local storage",
                t.local_storage.is_some(),
                req.local_storage,
                Inclusion::Included,
            )
        })
        .or_else(|| check_local_storage_details(t, req))
        .or_else(|| check_accelerators(t, req))
        .or_else(|| {
            check_u32(
                "network interface count",
                t.network.max_interfaces,
                &req.network_interface_count,
            )
        })
        .or_else(|| {
            check_f64_value(
                "baseline network bandwidth gbps",
                t.network.baseline_gbps,
                &req.network_bandwidth_gbps,
            )
        })
        .or_else(|| check_ebs(t, req))
        .or_else(|| {
            (req.require_hibernate_support && !t.hibernation).then(|| {
                "does not support hibernation, which require_hibernate_support requires".to_owned()
            })
        })
        .or_else(|| check_names(t, req))
        .or_else(|| check_architectures(t, req))
        .or_else(|| check_u32("gpus", t.gpu_count(), &req.gpus))
        .or_else(|| {
            req.placement
                .filter(|&strategy| !t.supports_placement(strategy))
                .map(|strategy| format!("does not support {strategy} placement groups"))
        })
}

fn check_u32(what: &str, value: u32, range: &U32Range) -> Option<String> {
    bound_reason(what, value, range.min, range.max)
}

fn check_u64(what: &str, value: u64, range: &U64Range) -> Option<String> {
    bound_reason(what, value, range.min, range.max)
}

fn check_f64_value(what: &str, value: f64, range: &F64Range) -> Option<String> {
    bound_reason(what, value, range.min, range.max)
}

fn bound_reason<T: PartialOrd + fmt::Display>(
    what: &str,
    value: T,
    min: Option<T>,
    max: Option<T>,
) -> Option<String> {
    // An unordered comparison (a NaN bound) fails rather than slips through.
    if let Some(min) = min
        && matches!(value.partial_cmp(&min), Some(Ordering::Less) | None)
    {
        return Some(format!("{what} {value} is below min {min}"));
    }
    if let Some(max) = max
        && matches!(value.partial_cmp(&max), Some(Ordering::Greater) | None)
    {
        return Some(format!("{what} {value} is above max {max}"));
    }
    None
}

fn list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_cpu_manufacturer(t: &InstanceType, req: &Requirements) -> Option<String> {
    if req.cpu_manufacturers.is_empty() {
        return None;
    }
    match t.cpu_manufacturer {
        Some(m) if req.cpu_manufacturers.contains(&m) => None,
        Some(m) => Some(format!(
            "cpu manufacturer {m} is not in cpu_manufacturers [{}]",
            list(&req.cpu_manufacturers)
        )),
        None => Some(format!(
            "cpu manufacturer is unknown, so it cannot be one of cpu_manufacturers [{}]",
            list(&req.cpu_manufacturers)
        )),
    }
}

fn check_generation(t: &InstanceType, req: &Requirements) -> Option<String> {
    if req.instance_generations.is_empty() {
        return None;
    }
    let generation = if t.current_generation {
        Generation::Current
    } else {
        Generation::Previous
    };
    (!req.instance_generations.contains(&generation)).then(|| {
        format!(
            "{}-generation type is not in instance_generations [{}]",
            generation.as_str(),
            list(req.instance_generations.iter().map(|g| g.as_str()))
        )
    })
}

fn check_inclusion(
    field: &str,
    subject: &str,
    has: bool,
    setting: Option<Inclusion>,
    default: Inclusion,
) -> Option<String> {
    let effective = setting.unwrap_or(default);
    match (effective, has) {
        (Inclusion::Excluded, true) if setting.is_none() => {
            Some(format!("{subject} are excluded (AWS default)"))
        }
        (Inclusion::Excluded, true) => Some(format!("{subject} are excluded ({field} = excluded)")),
        (Inclusion::Required, false) => {
            Some(format!("only {subject} are included ({field} = required)"))
        }
        _ => None,
    }
}

fn check_local_storage_details(t: &InstanceType, req: &Requirements) -> Option<String> {
    // AWS's LocalStorageTypes and TotalLocalStorageGB describe the instance store; types
    // without one are governed by `local_storage` alone.
    let storage = t.local_storage.as_ref()?;
    if !req.local_storage_types.is_empty() {
        match storage.kind {
            Some(kind) if req.local_storage_types.contains(&kind) => {}
            Some(kind) => {
                return Some(format!(
                    "local storage type {} is not in local_storage_types [{}]",
                    storage_kind_str(kind),
                    list(req.local_storage_types.iter().map(|&k| storage_kind_str(k)))
                ));
            }
            None => {
                return Some(format!(
                    "local storage type is unknown, so it cannot be one of local_storage_types [{}]",
                    list(req.local_storage_types.iter().map(|&k| storage_kind_str(k)))
                ));
            }
        }
    }
    check_f64_value(
        "total local storage gb",
        storage.total_gb,
        &req.total_local_storage_gb,
    )
}

fn storage_kind_str(kind: StorageKind) -> &'static str {
    match kind {
        StorageKind::Ssd => "ssd",
        StorageKind::Hdd => "hdd",
    }
}

fn check_accelerators(t: &InstanceType, req: &Requirements) -> Option<String> {
    // AWS: "To exclude accelerator-enabled instance types, set Max to 0". Fractional GPUs
    // report a device count of 0, so this looks at whether accelerators are fitted at all.
    if req.accelerator_count.max == Some(0) && !t.accelerators.is_empty() {
        return Some(format!(
            "has accelerators ({}), which accelerator_count max 0 excludes",
            list(t.accelerators.iter().map(|a| a.name.as_str()))
        ));
    }
    let relevant: Vec<&Accelerator> = t
        .accelerators
        .iter()
        .filter(|a| req.accelerator_types.is_empty() || req.accelerator_types.contains(&a.kind))
        .collect();
    if !req.accelerator_types.is_empty() && relevant.is_empty() {
        return Some(format!(
            "has no accelerator of accelerator_types [{}]",
            list(req.accelerator_types.iter().map(|k| k.as_str()))
        ));
    }
    if !req.accelerator_manufacturers.is_empty()
        && !relevant.iter().any(|a| {
            req.accelerator_manufacturers
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&a.manufacturer))
        })
    {
        return Some(format!(
            "has no accelerator by accelerator_manufacturers [{}]",
            list(&req.accelerator_manufacturers)
        ));
    }
    if !req.accelerator_names.is_empty()
        && !relevant.iter().any(|a| {
            req.accelerator_names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&a.name))
        })
    {
        return Some(format!(
            "has no accelerator named in accelerator_names [{}]",
            list(&req.accelerator_names)
        ));
    }
    let count = relevant
        .iter()
        .fold(0u32, |sum, a| sum.saturating_add(a.count));
    check_u32("accelerator count", count, &req.accelerator_count).or_else(|| {
        let memory = relevant.iter().fold(0u64, |sum, a| {
            sum.saturating_add(u64::from(a.count).saturating_mul(a.memory_mib))
        });
        check_u64(
            "accelerator total memory mib",
            memory,
            &req.accelerator_total_memory_mib,
        )
    })
}

fn check_ebs(t: &InstanceType, req: &Requirements) -> Option<String> {
    if req.baseline_ebs_bandwidth_mbps.is_unbounded() {
        return None;
    }
    match t.ebs_baseline_mbps {
        Some(mbps) => check_f64_value(
            "baseline ebs bandwidth mbps",
            mbps,
            &req.baseline_ebs_bandwidth_mbps,
        ),
        None => Some(
            "baseline ebs bandwidth is unknown, so baseline_ebs_bandwidth_mbps cannot be checked"
                .to_owned(),
        ),
    }
}

fn check_names(t: &InstanceType, req: &Requirements) -> Option<String> {
    let name = t.name.as_str();
    if !req.allowed_instance_types.is_empty()
        && !req
            .allowed_instance_types
            .iter()
            .any(|p| wildcard_match(p, name))
    {
        return Some("name matches no allowed_instance_types pattern".to_owned());
    }
    req.excluded_instance_types
        .iter()
        .find(|p| wildcard_match(p, name))
        .map(|p| format!("name matches excluded_instance_types pattern `{p}`"))
}

fn check_architectures(t: &InstanceType, req: &Requirements) -> Option<String> {
    if req.architectures.is_empty()
        || t.architectures
            .iter()
            .any(|a| req.architectures.contains(a))
    {
        return None;
    }
    Some(format!(
        "architectures [{}] include none of architectures [{}]",
        list(&t.architectures),
        list(&req.architectures)
    ))
}

/// The catalogue types matching `req`, sorted by name. With a region, only types offered there
/// (with a pool or an unpriced offering) count; an unknown region offers nothing.
///
/// Does not validate `req`; call [`Requirements::validate`] first.
pub fn select<'a>(
    catalog: &'a Catalog,
    region: Option<&str>,
    req: &Requirements,
) -> Vec<&'a InstanceType> {
    let mut selected: Vec<&InstanceType> = match region {
        None => catalog
            .instance_types()
            .filter(|t| matches(t, req))
            .collect(),
        Some(code) => match catalog.region(code) {
            None => Vec::new(),
            Some(region) => region
                .offered_types()
                .into_iter()
                .filter_map(|name| catalog.instance_type(name.as_str()))
                .filter(|t| matches(t, req))
                .collect(),
        },
    };
    // Both sources are already name-ordered today; sorting here keeps the promise even if
    // the catalogue's indexes change.
    selected.sort_by(|a, b| a.name.cmp(&b.name));
    selected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogInfo;

    #[test]
    fn inclusions_parse_their_aws_spelling_only() {
        for inclusion in Inclusion::ALL {
            assert_eq!(Inclusion::parse(inclusion.as_str()), Some(inclusion));
        }
        assert_eq!(Inclusion::parse("Included"), None);
        assert_eq!(Inclusion::parse("maybe"), None);
    }

    use crate::model::{CapacityPool, LocalStorage, Market, Platform};
    use crate::test_support::region_parts;

    pub(super) use crate::test_support::REGION;

    pub(super) use crate::test_support::itype;

    pub(super) fn gpu(kind: AcceleratorKind, count: u32, name: &str, maker: &str) -> Accelerator {
        Accelerator {
            kind,
            count,
            name: name.to_owned(),
            manufacturer: maker.to_owned(),
            memory_mib: 16_384,
        }
    }

    pub(super) use crate::test_support::pool;

    /// A one-region catalogue (`us-east-1`, zones use1-az1 and use1-az2).
    pub(super) fn catalog(types: Vec<InstanceType>, pools: Vec<CapacityPool>) -> Catalog {
        match Catalog::new("test", CatalogInfo::default(), types, region_parts(pools)) {
            Ok(catalog) => catalog,
            Err(e) => panic!("test catalogue is invalid: {e}"),
        }
    }

    fn names(types: &[&InstanceType]) -> Vec<String> {
        types.iter().map(|t| t.name.to_string()).collect()
    }

    fn from_json(text: &str) -> Requirements {
        match serde_json::from_str(text) {
            Ok(req) => req,
            Err(e) => panic!("{text} does not parse: {e}"),
        }
    }

    fn burstable() -> InstanceType {
        let mut t = itype("t3.large", 2, 8192);
        t.burstable = true;
        t
    }

    fn with_storage(name: &str, kind: Option<StorageKind>, total_gb: f64) -> InstanceType {
        let mut t = itype(name, 2, 16_384);
        t.local_storage = Some(LocalStorage { total_gb, kind });
        t
    }

    // ---- parsing -------------------------------------------------------------------------

    #[test]
    fn aws_pascal_case_object_parses_like_snake_case() {
        let aws = from_json(
            r#"{"VCpuCount": {"Min": 2, "Max": 8}, "MemoryMiB": {"Min": 4096},
                "BurstablePerformance": "included", "ExcludedInstanceTypes": ["t2.*"]}"#,
        );
        let native = from_json(
            r#"{"vcpus": {"min": 2, "max": 8}, "memory_mib": {"min": 4096},
                "burstable": "included", "excluded_instance_types": ["t2.*"]}"#,
        );
        assert_eq!(aws, native);
        assert_eq!(
            aws.vcpus,
            U32Range {
                min: Some(2),
                max: Some(8)
            }
        );
        assert_eq!(
            aws.memory_mib,
            U64Range {
                min: Some(4096),
                max: None
            }
        );
        assert_eq!(aws.burstable, Some(Inclusion::Included));
        assert_eq!(aws.excluded_instance_types, vec!["t2.*".to_owned()]);
        assert_eq!(aws.bare_metal, None);
    }

    #[test]
    fn every_aws_attribute_name_is_accepted() {
        let req = from_json(
            r#"{"VCpuCount": {"Min": 0}, "MemoryMiB": {"Min": 0},
                "MemoryGiBPerVCpu": {"Min": 2, "Max": 8.5},
                "CpuManufacturers": ["intel", "amazon-web-services"],
                "InstanceGenerations": ["current"],
                "BurstablePerformance": "excluded", "BareMetal": "required",
                "LocalStorage": "required", "LocalStorageTypes": ["ssd"],
                "TotalLocalStorageGB": {"Min": 100},
                "AcceleratorCount": {"Max": 4}, "AcceleratorTypes": ["gpu"],
                "AcceleratorManufacturers": ["nvidia"], "AcceleratorNames": ["t4"],
                "AcceleratorTotalMemoryMiB": {"Min": 1024},
                "NetworkInterfaceCount": {"Min": 2},
                "NetworkBandwidthGbps": {"Min": 10},
                "BaselineEbsBandwidthMbps": {"Min": 1000},
                "RequireHibernateSupport": true,
                "RequireEncryptionInTransit": false,
                "AllowedInstanceTypes": ["g4dn.*"],
                "SpotMaxPricePercentageOverLowestPrice": 50,
                "OnDemandMaxPricePercentageOverLowestPrice": 30}"#,
        );
        assert_eq!(
            req.memory_gib_per_vcpu,
            F64Range {
                min: Some(2.0),
                max: Some(8.5)
            }
        );
        assert_eq!(
            req.cpu_manufacturers,
            vec![CpuManufacturer::Intel, CpuManufacturer::AmazonWebServices]
        );
        assert_eq!(req.instance_generations, vec![Generation::Current]);
        assert_eq!(req.bare_metal, Some(Inclusion::Required));
        assert_eq!(req.local_storage_types, vec![StorageKind::Ssd]);
        assert_eq!(req.total_local_storage_gb.min, Some(100.0));
        assert_eq!(req.accelerator_count.max, Some(4));
        assert_eq!(req.accelerator_types, vec![AcceleratorKind::Gpu]);
        assert_eq!(req.accelerator_names, vec!["t4".to_owned()]);
        assert_eq!(req.accelerator_total_memory_mib.min, Some(1024));
        assert_eq!(req.network_interface_count.min, Some(2));
        assert_eq!(req.network_bandwidth_gbps.min, Some(10.0));
        assert_eq!(req.baseline_ebs_bandwidth_mbps.min, Some(1000.0));
        assert!(req.require_hibernate_support);
        assert_eq!(req.spot_max_price_percentage_over_lowest_price, Some(50));
        assert_eq!(
            req.on_demand_max_price_percentage_over_lowest_price,
            Some(30)
        );
        assert_eq!(req.validate(), Ok(()));

        let spot_vs_od = from_json(r#"{"MaxSpotPriceAsPercentageOfOptimalOnDemandPrice": 60}"#);
        assert_eq!(
            spot_vs_od.max_spot_price_as_percentage_of_optimal_on_demand_price,
            Some(60)
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        for text in [
            r#"{"vcpu": {"min": 2}}"#,
            r#"{"vcpus": {"minimum": 2}}"#,
            r#"{"InstanceTypes": ["m5.large"]}"#,
        ] {
            assert!(
                serde_json::from_str::<Requirements>(text).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn serialising_skips_defaults_and_round_trips() {
        let req = Requirements {
            vcpus: U32Range {
                min: Some(2),
                max: None,
            },
            burstable: Some(Inclusion::Excluded),
            architectures: vec![Architecture::Arm64],
            ..Requirements::default()
        };
        let text = match serde_json::to_string(&req) {
            Ok(text) => text,
            Err(e) => panic!("serialise: {e}"),
        };
        assert_eq!(
            text,
            r#"{"vcpus":{"min":2},"burstable":"excluded","architectures":["arm64"]}"#
        );
        assert_eq!(from_json(&text), req);
        assert_eq!(
            serde_json::to_string(&Requirements::default())
                .ok()
                .as_deref(),
            Some("{}")
        );
    }

    #[test]
    fn default_requirements_apply_aws_inclusion_defaults() {
        let req = Requirements::default();
        assert_eq!(req.effective_burstable(), Inclusion::Excluded);
        assert_eq!(req.effective_bare_metal(), Inclusion::Excluded);
        assert_eq!(req.effective_local_storage(), Inclusion::Included);
        let any = Requirements::any();
        assert_eq!(any.effective_burstable(), Inclusion::Included);
        assert_eq!(any.effective_bare_metal(), Inclusion::Included);
        assert_eq!(any.effective_local_storage(), Inclusion::Included);
    }

    // ---- validation ----------------------------------------------------------------------

    #[test]
    fn inverted_range_error_names_the_field() {
        let req = Requirements {
            vcpus: U32Range {
                min: Some(16),
                max: Some(2),
            },
            ..Requirements::default()
        };
        match req.validate() {
            Err(e) => assert_eq!(
                e.to_string(),
                "requirements.vcpus: min 16 is greater than max 2"
            ),
            Ok(()) => panic!("inverted range accepted"),
        }
        let req = Requirements {
            total_local_storage_gb: F64Range {
                min: Some(10.5),
                max: Some(2.0),
            },
            ..Requirements::default()
        };
        assert_eq!(
            req.validate().map_err(|e| e.to_string()),
            Err("requirements.total_local_storage_gb: min 10.5 is greater than max 2".to_owned())
        );
    }

    #[test]
    fn negative_and_nan_decimals_are_rejected() {
        let req = Requirements {
            memory_gib_per_vcpu: F64Range {
                min: Some(-1.0),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            req.validate().map_err(|e| e.to_string()),
            Err(
                "requirements.memory_gib_per_vcpu: min -1 is not a finite, non-negative number"
                    .to_owned()
            )
        );
        let req = Requirements {
            network_bandwidth_gbps: F64Range {
                min: None,
                max: Some(f64::NAN),
            },
            ..Requirements::default()
        };
        assert!(matches!(
            req.validate(),
            Err(SelectError::InvalidNumber {
                field: "network_bandwidth_gbps",
                bound: "max",
                ..
            })
        ));
    }

    #[test]
    fn allowed_and_excluded_together_are_rejected() {
        let req = Requirements {
            allowed_instance_types: vec!["m5.*".to_owned()],
            excluded_instance_types: vec!["m5.24xlarge".to_owned()],
            ..Requirements::default()
        };
        assert_eq!(req.validate(), Err(SelectError::AllowedAndExcluded));
        assert_eq!(
            SelectError::AllowedAndExcluded.to_string(),
            "requirements: allowed_instance_types and excluded_instance_types are mutually exclusive; set at most one"
        );
    }

    #[test]
    fn more_than_400_patterns_are_rejected() {
        let patterns: Vec<String> = (0..401).map(|i| format!("m{i}.large")).collect();
        let req = Requirements {
            excluded_instance_types: patterns[..400].to_vec(),
            ..Requirements::default()
        };
        assert_eq!(req.validate(), Ok(()));
        let req = Requirements {
            allowed_instance_types: patterns,
            ..Requirements::default()
        };
        assert_eq!(
            req.validate().map_err(|e| e.to_string()),
            Err(
                "requirements.allowed_instance_types: 401 entries; at most 400 are allowed"
                    .to_owned()
            )
        );
    }

    #[test]
    fn both_spot_protections_are_rejected() {
        let req = Requirements {
            spot_max_price_percentage_over_lowest_price: Some(50),
            max_spot_price_as_percentage_of_optimal_on_demand_price: Some(60),
            ..Requirements::default()
        };
        assert_eq!(req.validate(), Err(SelectError::BothSpotProtections));
    }

    #[test]
    fn malformed_patterns_are_rejected_with_their_index() {
        for (pattern, expected) in [
            (
                "",
                "requirements.excluded_instance_types[1]: empty instance type pattern",
            ),
            (
                "M5.*",
                "requirements.excluded_instance_types[1]: pattern `M5.*` contains 'M'; use only lowercase letters, digits, `.`, `-` and the wildcard `*`",
            ),
            (
                "m5.large ",
                "requirements.excluded_instance_types[1]: pattern `m5.large ` contains ' '; use only lowercase letters, digits, `.`, `-` and the wildcard `*`",
            ),
            (
                "m5.?arge",
                "requirements.excluded_instance_types[1]: pattern `m5.?arge` contains '?'; use only lowercase letters, digits, `.`, `-` and the wildcard `*`",
            ),
        ] {
            let req = Requirements {
                excluded_instance_types: vec!["t2.*".to_owned(), pattern.to_owned()],
                ..Requirements::default()
            };
            assert_eq!(
                req.validate().map_err(|e| e.to_string()),
                Err(expected.to_owned()),
                "{pattern:?}"
            );
        }
        let ok = Requirements {
            allowed_instance_types: vec!["c7i.metal-24xl".to_owned(), "*3*".to_owned()],
            ..Requirements::default()
        };
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn attributes_without_catalogue_facts_are_rejected_when_used() {
        let req = from_json(r#"{"RequireEncryptionInTransit": true}"#);
        assert!(matches!(
            req.validate(),
            Err(SelectError::Unsupported {
                field: "require_encryption_in_transit",
                ..
            })
        ));
        let req = from_json(
            r#"{"BaselinePerformanceFactors": {"Cpu": {"References": [{"InstanceFamily": "c6i"}]}}}"#,
        );
        assert!(matches!(
            req.validate(),
            Err(SelectError::Unsupported {
                field: "baseline_performance_factors",
                ..
            })
        ));
        let req = from_json(r#"{"RequireEncryptionInTransit": false}"#);
        assert_eq!(req.validate(), Ok(()));
    }

    #[test]
    fn default_and_any_are_valid() {
        assert_eq!(Requirements::default().validate(), Ok(()));
        assert_eq!(Requirements::any().validate(), Ok(()));
    }

    // ---- matching ------------------------------------------------------------------------

    #[test]
    fn burstable_types_are_excluded_by_default() {
        let t = burstable();
        assert_eq!(
            mismatch_reason(&t, &Requirements::default()).as_deref(),
            Some("burstable types are excluded (AWS default)")
        );
        let explicit = Requirements {
            burstable: Some(Inclusion::Excluded),
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &explicit).as_deref(),
            Some("burstable types are excluded (burstable = excluded)")
        );
        let included = Requirements {
            burstable: Some(Inclusion::Included),
            ..Requirements::default()
        };
        assert!(matches(&t, &included));
        assert!(matches(&itype("m7i.large", 2, 8192), &included));
    }

    #[test]
    fn burstable_required_keeps_only_burstable_types() {
        let req = Requirements {
            burstable: Some(Inclusion::Required),
            ..Requirements::default()
        };
        assert!(matches(&burstable(), &req));
        assert_eq!(
            mismatch_reason(&itype("m7i.large", 2, 8192), &req).as_deref(),
            Some("only burstable types are included (burstable = required)")
        );
    }

    #[test]
    fn bare_metal_types_are_excluded_by_default() {
        let mut metal = itype("m7i.metal-24xl", 96, 393_216);
        metal.bare_metal = true;
        assert_eq!(
            mismatch_reason(&metal, &Requirements::default()).as_deref(),
            Some("bare metal types are excluded (AWS default)")
        );
        assert!(matches(&metal, &Requirements::any()));
        let required = Requirements {
            bare_metal: Some(Inclusion::Required),
            ..Requirements::default()
        };
        assert!(matches(&metal, &required));
        assert!(!matches(&itype("m7i.large", 2, 8192), &required));
    }

    #[test]
    fn local_storage_is_included_by_default() {
        let ssd = with_storage("m6id.large", Some(StorageKind::Ssd), 118.0);
        let plain = itype("m6i.large", 2, 8192);
        assert!(matches(&ssd, &Requirements::default()));
        assert!(matches(&plain, &Requirements::default()));
        let required = Requirements {
            local_storage: Some(Inclusion::Required),
            ..Requirements::default()
        };
        assert!(matches(&ssd, &required));
        assert_eq!(
            mismatch_reason(&plain, &required).as_deref(),
            Some("only types with local storage are included (local_storage = required)")
        );
        let excluded = Requirements {
            local_storage: Some(Inclusion::Excluded),
            ..Requirements::default()
        };
        assert!(matches(&plain, &excluded));
        assert_eq!(
            mismatch_reason(&ssd, &excluded).as_deref(),
            Some("types with local storage are excluded (local_storage = excluded)")
        );
    }

    #[test]
    fn local_storage_types_and_size_only_constrain_types_with_local_storage() {
        let ssd = with_storage("m6id.large", Some(StorageKind::Ssd), 118.0);
        let hdd = with_storage("d3.xlarge", Some(StorageKind::Hdd), 5940.0);
        let unknown = with_storage("x1.large", None, 100.0);
        let plain = itype("m6i.large", 2, 8192);
        let req = Requirements {
            local_storage_types: vec![StorageKind::Ssd],
            total_local_storage_gb: F64Range {
                min: Some(100.0),
                max: Some(1000.0),
            },
            ..Requirements::default()
        };
        assert!(matches(&ssd, &req));
        assert!(
            matches(&plain, &req),
            "no local storage, and local_storage is included"
        );
        assert_eq!(
            mismatch_reason(&hdd, &req).as_deref(),
            Some("local storage type hdd is not in local_storage_types [ssd]")
        );
        assert_eq!(
            mismatch_reason(&unknown, &req).as_deref(),
            Some("local storage type is unknown, so it cannot be one of local_storage_types [ssd]")
        );
        let small = with_storage("c5d.large", Some(StorageKind::Ssd), 50.0);
        assert_eq!(
            mismatch_reason(&small, &req).as_deref(),
            Some("total local storage gb 50 is below min 100")
        );
    }

    #[test]
    fn vcpu_and_memory_ranges_are_inclusive() {
        let t = itype("m7i.large", 2, 8192);
        let req = Requirements {
            vcpus: U32Range {
                min: Some(4),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &req).as_deref(),
            Some("vcpus 2 is below min 4")
        );
        let req = Requirements {
            vcpus: U32Range {
                min: Some(2),
                max: Some(2),
            },
            memory_mib: U64Range {
                min: Some(8192),
                max: Some(8192),
            },
            ..Requirements::default()
        };
        assert!(matches(&t, &req));
        let req = Requirements {
            memory_mib: U64Range {
                min: None,
                max: Some(4096),
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &req).as_deref(),
            Some("memory_mib 8192 is above max 4096")
        );
    }

    #[test]
    fn memory_per_vcpu_is_gib_per_default_vcpu() {
        let m = itype("m7i.large", 2, 8192); // 4 GiB per vCPU
        let c = itype("c7i.large", 2, 4096); // 2 GiB per vCPU
        let r = itype("r7i.large", 2, 16_384); // 8 GiB per vCPU
        let req = Requirements {
            memory_gib_per_vcpu: F64Range {
                min: Some(4.0),
                max: Some(4.0),
            },
            ..Requirements::default()
        };
        assert!(matches(&m, &req));
        assert_eq!(
            mismatch_reason(&c, &req).as_deref(),
            Some("memory_gib_per_vcpu 2 is below min 4")
        );
        assert_eq!(
            mismatch_reason(&r, &req).as_deref(),
            Some("memory_gib_per_vcpu 8 is above max 4")
        );
    }

    #[test]
    fn cpu_manufacturers_or_together() {
        let intel = itype("m7i.large", 2, 8192);
        let mut graviton = itype("m7g.large", 2, 8192);
        graviton.cpu_manufacturer = Some(CpuManufacturer::AmazonWebServices);
        let mut amd = itype("m7a.large", 2, 8192);
        amd.cpu_manufacturer = Some(CpuManufacturer::Amd);
        let mut unknown = itype("m1.large", 2, 8192);
        unknown.cpu_manufacturer = None;
        let req = Requirements {
            cpu_manufacturers: vec![CpuManufacturer::Intel, CpuManufacturer::AmazonWebServices],
            ..Requirements::default()
        };
        assert!(matches(&intel, &req));
        assert!(matches(&graviton, &req));
        assert_eq!(
            mismatch_reason(&amd, &req).as_deref(),
            Some("cpu manufacturer amd is not in cpu_manufacturers [intel, amazon-web-services]")
        );
        assert!(!matches(&unknown, &req));
        assert!(matches(&unknown, &Requirements::default()));
    }

    #[test]
    fn instance_generations_follow_the_current_generation_flag() {
        let current = itype("m7i.large", 2, 8192);
        let mut previous = itype("m5.large", 2, 8192);
        previous.current_generation = false;
        let req = Requirements {
            instance_generations: vec![Generation::Current],
            ..Requirements::default()
        };
        assert!(matches(&current, &req));
        assert_eq!(
            mismatch_reason(&previous, &req).as_deref(),
            Some("previous-generation type is not in instance_generations [current]")
        );
        let both = Requirements {
            instance_generations: vec![Generation::Previous, Generation::Current],
            ..Requirements::default()
        };
        assert!(matches(&previous, &both));
        assert!(matches(&current, &both));
    }

    #[test]
    fn accelerator_count_max_zero_excludes_gpu_types() {
        let mut g4 = itype("g4dn.xlarge", 4, 16_384);
        g4.accelerators = vec![gpu(AcceleratorKind::Gpu, 1, "t4", "nvidia")];
        // Fractional GPUs report a count of 0 but are still accelerator types.
        let mut fractional = itype("g6f.large", 2, 8192);
        fractional.accelerators = vec![gpu(AcceleratorKind::Gpu, 0, "l4", "nvidia")];
        let req = Requirements {
            accelerator_count: U32Range {
                min: None,
                max: Some(0),
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&g4, &req).as_deref(),
            Some("has accelerators (t4), which accelerator_count max 0 excludes")
        );
        assert!(!matches(&fractional, &req));
        assert!(matches(&itype("m7i.large", 2, 8192), &req));
    }

    #[test]
    fn accelerator_types_restrict_which_devices_are_counted() {
        let mut mixed = itype("x9.48xlarge", 192, 786_432);
        mixed.accelerators = vec![
            gpu(AcceleratorKind::Gpu, 4, "a10g", "nvidia"),
            gpu(AcceleratorKind::Media, 2, "u30", "xilinx"),
        ];
        let gpus_up_to_4 = Requirements {
            accelerator_types: vec![AcceleratorKind::Gpu],
            accelerator_count: U32Range {
                min: Some(1),
                max: Some(4),
            },
            ..Requirements::default()
        };
        assert!(matches(&mixed, &gpus_up_to_4));
        let any_up_to_4 = Requirements {
            accelerator_count: U32Range {
                min: Some(1),
                max: Some(4),
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&mixed, &any_up_to_4).as_deref(),
            Some("accelerator count 6 is above max 4")
        );
        let fpga = Requirements {
            accelerator_types: vec![AcceleratorKind::Fpga],
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&mixed, &fpga).as_deref(),
            Some("has no accelerator of accelerator_types [fpga]")
        );
        assert!(!matches(&itype("m7i.large", 2, 8192), &fpga));
        let at_least_one = Requirements {
            accelerator_count: U32Range {
                min: Some(1),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&itype("m7i.large", 2, 8192), &at_least_one).as_deref(),
            Some("accelerator count 0 is below min 1")
        );
    }

    #[test]
    fn accelerator_names_manufacturers_and_memory_are_checked() {
        let mut g5 = itype("g5.12xlarge", 48, 196_608);
        g5.accelerators = vec![gpu(AcceleratorKind::Gpu, 4, "a10g", "nvidia")];
        let req = Requirements {
            accelerator_manufacturers: vec!["NVIDIA".to_owned()],
            accelerator_names: vec!["t4".to_owned(), "a10g".to_owned()],
            accelerator_total_memory_mib: U64Range {
                min: Some(65_536),
                max: None,
            },
            ..Requirements::default()
        };
        assert!(matches(&g5, &req), "4 × 16384 MiB = 65536 MiB");
        let amd = Requirements {
            accelerator_manufacturers: vec!["amd".to_owned()],
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&g5, &amd).as_deref(),
            Some("has no accelerator by accelerator_manufacturers [amd]")
        );
        let h100 = Requirements {
            accelerator_names: vec!["h100".to_owned()],
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&g5, &h100).as_deref(),
            Some("has no accelerator named in accelerator_names [h100]")
        );
        let big = Requirements {
            accelerator_total_memory_mib: U64Range {
                min: Some(80_000),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&g5, &big).as_deref(),
            Some("accelerator total memory mib 65536 is below min 80000")
        );
    }

    #[test]
    fn network_bandwidth_compares_the_baseline_not_the_peak() {
        let t = itype("m7i.large", 2, 8192); // baseline 0.78, peak 12.5
        let req = Requirements {
            network_bandwidth_gbps: F64Range {
                min: Some(10.0),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &req).as_deref(),
            Some("baseline network bandwidth gbps 0.78 is below min 10")
        );
        let interfaces = Requirements {
            network_interface_count: U32Range {
                min: Some(4),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &interfaces).as_deref(),
            Some("network interface count 3 is below min 4")
        );
    }

    #[test]
    fn unknown_ebs_bandwidth_fails_only_a_bounded_range() {
        let mut t = itype("m1.small", 1, 1740);
        t.ebs_baseline_mbps = None;
        assert!(matches(&t, &Requirements::default()));
        let req = Requirements {
            baseline_ebs_bandwidth_mbps: F64Range {
                min: Some(100.0),
                max: None,
            },
            ..Requirements::default()
        };
        assert!(!matches(&t, &req));
        assert!(matches(&itype("m7i.large", 2, 8192), &req));
    }

    #[test]
    fn hibernation_is_required_only_when_asked() {
        let mut t = itype("m7i.large", 2, 8192);
        t.hibernation = false;
        assert!(matches(&t, &Requirements::default()));
        let req = Requirements {
            require_hibernate_support: true,
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &req).as_deref(),
            Some("does not support hibernation, which require_hibernate_support requires")
        );
    }

    #[test]
    fn excluded_c5_star_drops_the_whole_c5_family() {
        let req = Requirements {
            excluded_instance_types: vec!["c5*".to_owned()],
            ..Requirements::default()
        };
        for name in ["c5.large", "c5a.large", "c5n.xlarge"] {
            assert_eq!(
                mismatch_reason(&itype(name, 2, 4096), &req).as_deref(),
                Some("name matches excluded_instance_types pattern `c5*`"),
                "{name}"
            );
        }
        assert!(matches(&itype("c6i.large", 2, 4096), &req));
    }

    #[test]
    fn allowed_instance_types_keep_only_matching_names() {
        let req = Requirements {
            allowed_instance_types: vec!["m5a.*".to_owned(), "r*".to_owned()],
            ..Requirements::default()
        };
        assert!(matches(&itype("m5a.large", 2, 8192), &req));
        assert!(matches(&itype("r6g.large", 2, 16_384), &req));
        assert_eq!(
            mismatch_reason(&itype("m5n.large", 2, 8192), &req).as_deref(),
            Some("name matches no allowed_instance_types pattern")
        );
    }

    #[test]
    fn fleetopt_extensions_filter_architecture_gpus_and_placement() {
        let mut graviton = itype("m7g.large", 2, 8192);
        graviton.architectures = vec![Architecture::Arm64];
        graviton.placement_strategies = vec![PlacementStrategy::Spread];
        let intel = itype("m7i.large", 2, 8192);
        let arm = Requirements {
            architectures: vec![Architecture::Arm64],
            ..Requirements::default()
        };
        assert!(matches(&graviton, &arm));
        assert_eq!(
            mismatch_reason(&intel, &arm).as_deref(),
            Some("architectures [x86_64] include none of architectures [arm64]")
        );
        let cluster = Requirements {
            placement: Some(PlacementStrategy::Cluster),
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&graviton, &cluster).as_deref(),
            Some("does not support cluster placement groups")
        );
        assert!(matches(&intel, &cluster));

        let mut inf = itype("inf2.xlarge", 4, 16_384);
        inf.accelerators = vec![gpu(
            AcceleratorKind::Inference,
            1,
            "inferentia2",
            "amazon-web-services",
        )];
        let one_gpu = Requirements {
            gpus: U32Range {
                min: Some(1),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&inf, &one_gpu).as_deref(),
            Some("gpus 0 is below min 1"),
            "inference chips are not GPUs"
        );
    }

    #[test]
    fn attributes_and_together() {
        let t = itype("m7i.xlarge", 4, 16_384);
        let req = Requirements {
            vcpus: U32Range {
                min: Some(4),
                max: Some(4),
            },
            memory_mib: U64Range {
                min: Some(32_768),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(
            mismatch_reason(&t, &req).as_deref(),
            Some("memory_mib 16384 is below min 32768")
        );
    }

    // ---- select --------------------------------------------------------------------------

    fn small_catalog() -> Catalog {
        let mut t3 = itype("t3.large", 2, 8192);
        t3.burstable = true;
        catalog(
            vec![
                itype("r7i.large", 2, 16_384),
                itype("c7i.large", 2, 4096),
                itype("m7i.large", 2, 8192),
                itype("m7i.xlarge", 4, 16_384),
                t3,
            ],
            vec![
                pool(
                    "m7i.large",
                    "use1-az1",
                    Platform::LinuxUnix,
                    Market::OnDemand,
                    0.1008,
                ),
                pool(
                    "c7i.large",
                    "use1-az2",
                    Platform::LinuxUnix,
                    Market::OnDemand,
                    0.0893,
                ),
                pool(
                    "t3.large",
                    "use1-az1",
                    Platform::LinuxUnix,
                    Market::OnDemand,
                    0.0832,
                ),
                pool(
                    "r7i.large",
                    "use1-az1",
                    Platform::LinuxUnix,
                    Market::Spot,
                    0.05,
                ),
            ],
        )
    }

    #[test]
    fn select_returns_matching_types_sorted_by_name() {
        let catalog = small_catalog();
        let all = select(&catalog, None, &Requirements::default());
        assert_eq!(
            names(&all),
            ["c7i.large", "m7i.large", "m7i.xlarge", "r7i.large"]
        );
        let every = select(&catalog, None, &Requirements::any());
        assert_eq!(every.len(), 5);
        let big = Requirements {
            vcpus: U32Range {
                min: Some(4),
                max: None,
            },
            ..Requirements::default()
        };
        assert_eq!(names(&select(&catalog, None, &big)), ["m7i.xlarge"]);
    }

    #[test]
    fn select_in_a_region_keeps_only_offered_types() {
        let catalog = small_catalog();
        let offered = select(&catalog, Some(REGION), &Requirements::default());
        assert_eq!(names(&offered), ["c7i.large", "m7i.large", "r7i.large"]);
        assert!(select(&catalog, Some("eu-west-1"), &Requirements::any()).is_empty());
    }
}
