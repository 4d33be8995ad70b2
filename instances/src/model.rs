//! The catalogue's vocabulary: instance types (what a machine is) and capacity pools (where and
//! how it can be bought), plus the newtypes and closed enums they are made of.
//!
//! Nothing here reads files or knows about requests; loaders build these values and the solver
//! consumes them. Every enum that mirrors an AWS value serialises with AWS's own spelling.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a string; callers that take user input validate it first.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The AWS spelling.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

string_newtype!(
    /// An EC2 instance type name, e.g. `m7g.xlarge`.
    TypeName
);
string_newtype!(
    /// An Availability Zone **ID** (`use1-az4`), the same physical zone for every account.
    ZoneId
);
string_newtype!(
    /// An AWS region code, e.g. `us-east-1`.
    RegionName
);

impl TypeName {
    /// The family: everything before the first dot (`m7g` for `m7g.xlarge`).
    pub fn family(&self) -> &str {
        self.0.split_once('.').map_or(self.0.as_str(), |(f, _)| f)
    }

    /// The size: everything after the first dot (`xlarge` for `m7g.xlarge`).
    pub fn size(&self) -> &str {
        self.0.split_once('.').map_or("", |(_, s)| s)
    }
}

/// How capacity is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Market {
    /// On-Demand: never interrupted, list price.
    #[serde(rename = "on-demand")]
    OnDemand,
    /// Spot: discounted, may be interrupted with two minutes' notice.
    #[serde(rename = "spot")]
    Spot,
}

impl Market {
    /// The AWS spelling (`on-demand`, `spot`).
    pub fn as_str(self) -> &'static str {
        match self {
            Market::OnDemand => "on-demand",
            Market::Spot => "spot",
        }
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operating-system product a price applies to, spelled as EC2's `ProductDescription`
/// without the legacy ` (Amazon VPC)` suffix (EC2-Classic is gone, so both spellings are one
/// pool).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Platform {
    /// `Linux/UNIX`, the default everywhere.
    #[serde(rename = "Linux/UNIX")]
    LinuxUnix,
    /// `Windows`.
    #[serde(rename = "Windows")]
    Windows,
    /// `Red Hat Enterprise Linux`.
    #[serde(rename = "Red Hat Enterprise Linux")]
    RedHatEnterpriseLinux,
    /// `SUSE Linux`.
    #[serde(rename = "SUSE Linux")]
    SuseLinux,
}

impl Platform {
    /// Every platform, in catalogue order.
    pub const ALL: [Platform; 4] = [
        Platform::LinuxUnix,
        Platform::Windows,
        Platform::RedHatEnterpriseLinux,
        Platform::SuseLinux,
    ];

    /// The EC2 `ProductDescription` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::LinuxUnix => "Linux/UNIX",
            Platform::Windows => "Windows",
            Platform::RedHatEnterpriseLinux => "Red Hat Enterprise Linux",
            Platform::SuseLinux => "SUSE Linux",
        }
    }

    /// Maps the spellings real inputs use to a platform: EC2 product descriptions with or
    /// without ` (Amazon VPC)`, the Spot Advisor's `Linux`/`Windows`, and the short names price
    /// lists use (`RHEL`, `SUSE`). Case-insensitive; `None` for anything else.
    pub fn parse(text: &str) -> Option<Platform> {
        let base = text.trim();
        let base = base.strip_suffix("(Amazon VPC)").unwrap_or(base).trim();
        match base.to_ascii_lowercase().as_str() {
            "linux/unix" | "linux" | "unix" | "linux/unix (vpc)" => Some(Platform::LinuxUnix),
            "windows" => Some(Platform::Windows),
            "red hat enterprise linux" | "rhel" | "red hat" => {
                Some(Platform::RedHatEnterpriseLinux)
            }
            "suse linux" | "suse" | "sles" => Some(Platform::SuseLinux),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CPU architecture as `ProcessorInfo.SupportedArchitectures` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Architecture {
    /// `i386`
    #[serde(rename = "i386")]
    I386,
    /// `x86_64`
    #[serde(rename = "x86_64")]
    X86_64,
    /// `arm64`
    #[serde(rename = "arm64")]
    Arm64,
    /// `x86_64_mac`
    #[serde(rename = "x86_64_mac")]
    X86_64Mac,
    /// `arm64_mac`
    #[serde(rename = "arm64_mac")]
    Arm64Mac,
}

impl Architecture {
    /// Every architecture, in the order messages and help list them (the common ones first).
    pub const ALL: [Architecture; 5] = [
        Architecture::X86_64,
        Architecture::Arm64,
        Architecture::I386,
        Architecture::X86_64Mac,
        Architecture::Arm64Mac,
    ];

    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::I386 => "i386",
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
            Architecture::X86_64Mac => "x86_64_mac",
            Architecture::Arm64Mac => "arm64_mac",
        }
    }

    /// Parses the AWS spelling (also `amd64`/`aarch64` as users type them).
    pub fn parse(text: &str) -> Option<Architecture> {
        match text.trim().to_ascii_lowercase().as_str() {
            "i386" => Some(Architecture::I386),
            "x86_64" | "amd64" | "x86-64" => Some(Architecture::X86_64),
            "arm64" | "aarch64" => Some(Architecture::Arm64),
            "x86_64_mac" => Some(Architecture::X86_64Mac),
            "arm64_mac" => Some(Architecture::Arm64Mac),
            _ => None,
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CPU manufacturer in `InstanceRequirements.CpuManufacturers` spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CpuManufacturer {
    /// `intel` (describe-instance-types says `Intel`).
    #[serde(rename = "intel")]
    Intel,
    /// `amd` (`AMD`).
    #[serde(rename = "amd")]
    Amd,
    /// `amazon-web-services` (`AWS`, i.e. Graviton).
    #[serde(rename = "amazon-web-services")]
    AmazonWebServices,
    /// `apple` (`Apple`, Mac instances).
    #[serde(rename = "apple")]
    Apple,
}

impl CpuManufacturer {
    /// Every manufacturer, in the order messages and help list them.
    pub const ALL: [CpuManufacturer; 4] = [
        CpuManufacturer::Intel,
        CpuManufacturer::Amd,
        CpuManufacturer::AmazonWebServices,
        CpuManufacturer::Apple,
    ];

    /// The `InstanceRequirements` enum spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CpuManufacturer::Intel => "intel",
            CpuManufacturer::Amd => "amd",
            CpuManufacturer::AmazonWebServices => "amazon-web-services",
            CpuManufacturer::Apple => "apple",
        }
    }

    /// Maps both the describe-instance-types spelling (`Intel`, `AMD`, `AWS`, `Apple`) and the
    /// `InstanceRequirements` spelling (`intel`, `amd`, `amazon-web-services`, `apple`).
    pub fn parse(text: &str) -> Option<CpuManufacturer> {
        match text.trim().to_ascii_lowercase().as_str() {
            "intel" => Some(CpuManufacturer::Intel),
            "amd" => Some(CpuManufacturer::Amd),
            "aws" | "amazon-web-services" | "amazon web services" | "amazon" => {
                Some(CpuManufacturer::AmazonWebServices)
            }
            "apple" => Some(CpuManufacturer::Apple),
            _ => None,
        }
    }
}

impl fmt::Display for CpuManufacturer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A placement-group strategy an instance type supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlacementStrategy {
    /// One AZ, low-latency network segment.
    Cluster,
    /// Up to 7 partitions per AZ, each on its own racks.
    Partition,
    /// At most 7 running instances per AZ per group, each on its own rack.
    Spread,
}

impl PlacementStrategy {
    /// Every strategy, in the order messages and help list them.
    pub const ALL: [PlacementStrategy; 3] = [
        PlacementStrategy::Cluster,
        PlacementStrategy::Partition,
        PlacementStrategy::Spread,
    ];

    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PlacementStrategy::Cluster => "cluster",
            PlacementStrategy::Partition => "partition",
            PlacementStrategy::Spread => "spread",
        }
    }

    /// Parses the AWS spelling.
    pub fn parse(text: &str) -> Option<PlacementStrategy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cluster" => Some(PlacementStrategy::Cluster),
            "partition" => Some(PlacementStrategy::Partition),
            "spread" => Some(PlacementStrategy::Spread),
            _ => None,
        }
    }
}

impl fmt::Display for PlacementStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of an accelerator, in `InstanceRequirements.AcceleratorTypes` spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceleratorKind {
    /// `GpuInfo`.
    Gpu,
    /// `FpgaInfo`.
    Fpga,
    /// `InferenceAcceleratorInfo` and `NeuronInfo` (Inferentia, Trainium).
    Inference,
    /// `MediaAcceleratorInfo`.
    Media,
}

impl AcceleratorKind {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AcceleratorKind::Gpu => "gpu",
            AcceleratorKind::Fpga => "fpga",
            AcceleratorKind::Inference => "inference",
            AcceleratorKind::Media => "media",
        }
    }
}

/// One kind of accelerator device fitted to an instance type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accelerator {
    /// GPU, FPGA, inference or media.
    pub kind: AcceleratorKind,
    /// Number of devices. Fractional GPUs (g6f) report `Count: 0`; they count as 0 here, as
    /// AWS's `AcceleratorCount` filter sees them.
    pub count: u32,
    /// Device name in `AcceleratorNames` spelling where AWS has one (`t4`, `a10g`, `h100`,
    /// `inferentia2`, `radeon-pro-v520`), else the name lower-cased with spaces as dashes.
    pub name: String,
    /// Manufacturer in `AcceleratorManufacturers` spelling (`nvidia`, `amd`,
    /// `amazon-web-services`, `xilinx`, `habana`), else lower-cased.
    pub manufacturer: String,
    /// Memory per device, MiB (0 when AWS does not report it).
    pub memory_mib: u64,
}

/// Network facts of an instance type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// AWS's label, e.g. `Up to 10 Gigabit`.
    pub performance: String,
    /// Baseline bandwidth, Gbit/s, summed over network cards.
    pub baseline_gbps: f64,
    /// Peak (burst) bandwidth, Gbit/s, summed over network cards.
    pub peak_gbps: f64,
    /// Maximum network interfaces.
    pub max_interfaces: u32,
    /// Elastic Fabric Adapter support.
    pub efa: bool,
}

/// Local instance-store disk technology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// Solid-state (`ssd`).
    Ssd,
    /// Spinning disk (`hdd`).
    Hdd,
}

impl StorageKind {
    /// Every disk technology, in AWS's `LocalStorageTypes` order.
    pub const ALL: [StorageKind; 2] = [StorageKind::Hdd, StorageKind::Ssd];

    /// AWS's spelling (`ssd`, `hdd`).
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKind::Ssd => "ssd",
            StorageKind::Hdd => "hdd",
        }
    }

    /// Parses AWS's spelling, exactly.
    pub fn parse(text: &str) -> Option<StorageKind> {
        StorageKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Local instance storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalStorage {
    /// Total size, GB (AWS reports decimal GB here).
    pub total_gb: f64,
    /// Disk technology, when AWS reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<StorageKind>,
}

/// Facts about an instance type, independent of where or how it is bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceType {
    /// `m7g.xlarge`.
    pub name: TypeName,
    /// Generation digit(s) of the family (`7` for `m7g`), when the family has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<u32>,
    /// AWS's `CurrentGeneration` flag (note: AWS flags m5/c5/r5/m6i as previous).
    pub current_generation: bool,
    /// Default vCPUs (always ≥ 1).
    pub vcpus: u32,
    /// Memory, MiB (always ≥ 1).
    pub memory_mib: u64,
    /// Supported architectures.
    pub architectures: Vec<Architecture>,
    /// CPU manufacturer, when AWS reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_manufacturer: Option<CpuManufacturer>,
    /// Sustained clock speed, GHz.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_ghz: Option<f64>,
    /// Accelerators (GPUs, FPGAs, inference and media accelerators).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accelerators: Vec<Accelerator>,
    /// Network facts.
    pub network: Network,
    /// Baseline EBS bandwidth, Mbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_baseline_mbps: Option<f64>,
    /// Burstable performance (T types).
    pub burstable: bool,
    /// Bare metal.
    pub bare_metal: bool,
    /// Local instance storage, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_storage: Option<LocalStorage>,
    /// `PlacementGroupInfo.SupportedStrategies`.
    pub placement_strategies: Vec<PlacementStrategy>,
    /// Markets the type can be bought in (`SupportedUsageClasses` minus capacity blocks).
    pub markets: Vec<Market>,
    /// On-Demand hibernation support.
    #[serde(default)]
    pub hibernation: bool,
}

impl InstanceType {
    /// The family (`m7g`).
    pub fn family(&self) -> &str {
        self.name.family()
    }

    /// The size (`xlarge`).
    pub fn size(&self) -> &str {
        self.name.size()
    }

    /// Memory in GiB.
    pub fn memory_gib(&self) -> f64 {
        self.memory_mib as f64 / 1024.0
    }

    /// GPUs fitted (sum of GPU device counts).
    pub fn gpu_count(&self) -> u32 {
        self.accelerators
            .iter()
            .filter(|a| a.kind == AcceleratorKind::Gpu)
            .map(|a| a.count)
            .sum()
    }

    /// All accelerator devices, any kind.
    pub fn accelerator_count(&self) -> u32 {
        self.accelerators.iter().map(|a| a.count).sum()
    }

    /// Whether the type can be placed in a group of this strategy.
    pub fn supports_placement(&self, strategy: PlacementStrategy) -> bool {
        self.placement_strategies.contains(&strategy)
    }

    /// Whether the type can be bought in this market at all.
    pub fn supports_market(&self, market: Market) -> bool {
        self.markets.contains(&market)
    }
}

/// Where a pool's price came from; estimated prices are never passed off as observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PriceSource {
    /// A published list price (On-Demand price files).
    #[serde(rename = "published")]
    Published,
    /// The latest `describe-spot-price-history` entry for the pool.
    #[serde(rename = "observed")]
    Observed,
    /// Spot estimate: On-Demand × (1 − Spot Advisor savings %).
    #[serde(rename = "advisor-savings")]
    AdvisorSavings,
    /// Spot estimate as [`PriceSource::AdvisorSavings`], scaled per AZ by the pool's price
    /// relative to the type's regional mean in a spot price history.
    #[serde(rename = "advisor-savings-az-shaped")]
    AdvisorSavingsAzShaped,
    /// On-Demand estimate: another region's price × a regional price ratio.
    #[serde(rename = "regional-ratio")]
    RegionalRatio,
}

impl PriceSource {
    /// True for every source that is not a published or observed price.
    pub fn is_estimated(self) -> bool {
        !matches!(self, PriceSource::Published | PriceSource::Observed)
    }

    /// The catalogue spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceSource::Published => "published",
            PriceSource::Observed => "observed",
            PriceSource::AdvisorSavings => "advisor-savings",
            PriceSource::AdvisorSavingsAzShaped => "advisor-savings-az-shaped",
            PriceSource::RegionalRatio => "regional-ratio",
        }
    }
}

impl fmt::Display for PriceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place to buy capacity: (region, AZ ID, instance type, platform, market) and what it
/// costs and how risky it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityPool {
    /// Region code.
    pub region: RegionName,
    /// AZ ID (never the account-specific AZ name).
    pub zone: ZoneId,
    /// Instance type.
    pub instance_type: TypeName,
    /// Operating-system product.
    pub platform: Platform,
    /// Spot or On-Demand.
    pub market: Market,
    /// USD per instance-hour (finite, > 0).
    pub price_per_hour: f64,
    /// Where the price came from.
    pub price_source: PriceSource,
    /// Spot Advisor interruption bucket `r` (0: <5 %, 1: 5–10 %, 2: 10–15 %, 3: 15–20 %,
    /// 4: >20 % per month); spot pools only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interruption_bucket: Option<u8>,
    /// Spot Advisor savings versus On-Demand, whole percent; spot pools only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings_percent: Option<u8>,
    /// Spot placement score 1–10 for the pool's AZ (or region), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement_score: Option<u8>,
    /// Estimated number of instances the pool can still supply, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_instances: Option<u32>,
}

impl CapacityPool {
    /// The key that identifies a pool; catalogues hold at most one pool per key.
    pub fn key(&self) -> PoolKey {
        PoolKey {
            region: self.region.clone(),
            zone: self.zone.clone(),
            instance_type: self.instance_type.clone(),
            platform: self.platform,
            market: self.market,
        }
    }
}

/// The identity of a capacity pool. Orders by region, AZ ID, type, platform, market.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PoolKey {
    /// Region code.
    pub region: RegionName,
    /// AZ ID.
    pub zone: ZoneId,
    /// Instance type.
    pub instance_type: TypeName,
    /// Platform.
    pub platform: Platform,
    /// Market.
    pub market: Market,
}

impl fmt::Display for PoolKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} ({})",
            self.region, self.zone, self.instance_type, self.market, self.platform
        )
    }
}

/// The labels of the Spot Advisor interruption buckets, by index `r`.
pub(crate) const INTERRUPTION_BUCKET_LABELS: [&str; 5] =
    ["<5%", "5-10%", "10-15%", "15-20%", ">20%"];

/// The label of an interruption bucket (`"<5%"` for 0); `"?"` when out of range.
pub fn interruption_bucket_label(bucket: u8) -> &'static str {
    INTERRUPTION_BUCKET_LABELS
        .get(usize::from(bucket))
        .copied()
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Each `ALL` lists every variant once (the exhaustive matches fail to compile when a
    /// variant is added, reminding whoever adds it to list it), and every spelling parses back.
    #[test]
    fn every_all_list_holds_each_variant_once_and_parses_back() {
        let architecture = |a: Architecture| match a {
            Architecture::I386
            | Architecture::X86_64
            | Architecture::Arm64
            | Architecture::X86_64Mac
            | Architecture::Arm64Mac => 5,
        };
        let manufacturer = |m: CpuManufacturer| match m {
            CpuManufacturer::Intel
            | CpuManufacturer::Amd
            | CpuManufacturer::AmazonWebServices
            | CpuManufacturer::Apple => 4,
        };
        let strategy = |s: PlacementStrategy| match s {
            PlacementStrategy::Cluster
            | PlacementStrategy::Partition
            | PlacementStrategy::Spread => 3,
        };
        for a in Architecture::ALL {
            assert_eq!(Architecture::parse(a.as_str()), Some(a));
            assert_eq!(architecture(a), Architecture::ALL.len());
        }
        for m in CpuManufacturer::ALL {
            assert_eq!(CpuManufacturer::parse(m.as_str()), Some(m));
            assert_eq!(manufacturer(m), CpuManufacturer::ALL.len());
        }
        for s in PlacementStrategy::ALL {
            assert_eq!(PlacementStrategy::parse(s.as_str()), Some(s));
            assert_eq!(strategy(s), PlacementStrategy::ALL.len());
        }
        assert_eq!(
            Architecture::ALL.iter().collect::<BTreeSet<_>>().len(),
            Architecture::ALL.len()
        );
        assert_eq!(
            CpuManufacturer::ALL.iter().collect::<BTreeSet<_>>().len(),
            CpuManufacturer::ALL.len()
        );
        assert_eq!(
            PlacementStrategy::ALL.iter().collect::<BTreeSet<_>>().len(),
            PlacementStrategy::ALL.len()
        );
    }

    #[test]
    fn type_name_splits_family_and_size() {
        let name = TypeName::new("m7g.xlarge");
        assert_eq!(name.family(), "m7g");
        assert_eq!(name.size(), "xlarge");
        let metal = TypeName::new("c7i.metal-24xl");
        assert_eq!(metal.family(), "c7i");
        assert_eq!(metal.size(), "metal-24xl");
    }

    #[test]
    fn platform_accepts_every_real_spelling() {
        for (text, platform) in [
            ("Linux/UNIX", Platform::LinuxUnix),
            ("Linux/UNIX (Amazon VPC)", Platform::LinuxUnix),
            ("Linux", Platform::LinuxUnix),
            ("Windows (Amazon VPC)", Platform::Windows),
            ("Red Hat Enterprise Linux", Platform::RedHatEnterpriseLinux),
            ("SUSE Linux (Amazon VPC)", Platform::SuseLinux),
        ] {
            assert_eq!(Platform::parse(text), Some(platform), "{text}");
        }
        assert_eq!(Platform::parse("Plan 9"), None);
    }

    #[test]
    fn cpu_manufacturer_maps_describe_spelling_to_enum_spelling() {
        assert_eq!(
            CpuManufacturer::parse("AWS"),
            Some(CpuManufacturer::AmazonWebServices)
        );
        assert_eq!(
            CpuManufacturer::parse("Intel").map(|m| m.as_str()),
            Some("intel")
        );
        assert_eq!(
            CpuManufacturer::parse("AMD").map(|m| m.as_str()),
            Some("amd")
        );
        assert_eq!(
            CpuManufacturer::parse("Apple").map(|m| m.as_str()),
            Some("apple")
        );
    }

    #[test]
    fn estimated_sources_are_marked() {
        assert!(!PriceSource::Published.is_estimated());
        assert!(!PriceSource::Observed.is_estimated());
        assert!(PriceSource::AdvisorSavings.is_estimated());
        assert!(PriceSource::AdvisorSavingsAzShaped.is_estimated());
        assert!(PriceSource::RegionalRatio.is_estimated());
    }
}
