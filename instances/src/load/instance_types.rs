//! Reads `aws ec2 describe-instance-types` output and produces [`InstanceType`]s.
//!
//! Two shapes are accepted: the API/CLI form `{"InstanceTypes": [InstanceTypeInfo…],
//! "NextToken"?}` and moto's keyed form `{"m5.large": {InstanceTypeInfo}, …}` (the file is told
//! apart by its `InstanceTypes` key). Fields fleetopt does not use are ignored. AWS spellings
//! are mapped to the `InstanceRequirements` enum spellings the model uses (`NVIDIA` → `nvidia`,
//! `AWS` → `amazon-web-services`, `Radeon Pro V520` → `radeon-pro-v520`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, Visitor};

use crate::error::{LoadError, parse_json};
use crate::model::{
    Accelerator, AcceleratorKind, Architecture, CpuManufacturer, InstanceType, LocalStorage,
    Market, Network, PlacementStrategy, StorageKind,
};

/// Parses describe-instance-types output (API form or moto's keyed form); sorted by name.
pub fn parse(label: &str, text: &str) -> Result<Vec<InstanceType>, LoadError> {
    super::check_json_text(label, text, "describe-instance-types output", true)?;
    if super::first_significant_char(text) == Some('[') {
        return Err(LoadError::whole_file(
            label,
            "expected a JSON object (`{\"InstanceTypes\": [...]}` or keyed by instance type), \
             found an array (the output of a `--query`? fleetopt needs the whole object)",
        ));
    }
    let keys: BTreeMap<String, IgnoredAny> = parse_json(label, text)?;
    if !keys.contains_key("InstanceTypes") {
        check_keyed_form_keys(label, &keys)?;
    }
    // (path of the item, item) in file order.
    let items: Vec<(String, Info)> = if keys.contains_key("InstanceTypes") {
        let api: ApiForm = parse_json(label, text)?;
        api.instance_types
            .into_iter()
            .enumerate()
            .map(|(index, info)| (format!("InstanceTypes[{index}]"), info))
            .collect()
    } else {
        let keyed: KeyedForm = parse_json(label, text)?;
        for (key, info) in &keyed.0 {
            if *key != info.instance_type {
                return Err(LoadError::at_path(
                    label,
                    format!("{key}.InstanceType"),
                    format!(
                        "expected `{key}` (the key of this entry), found `{}`",
                        info.instance_type
                    ),
                ));
            }
        }
        keyed.0
    };
    if items.is_empty() {
        return Err(if keys.contains_key("InstanceTypes") {
            LoadError::at_path(
                label,
                "InstanceTypes",
                "expected at least one instance type, found an empty list (did the command's \
                 `--instance-types` or `--filters` match nothing?)",
            )
        } else {
            LoadError::whole_file(
                label,
                "expected describe-instance-types output, found an empty object",
            )
        });
    }
    let mut first_seen: HashMap<String, String> = HashMap::new();
    let mut types = Vec::with_capacity(items.len());
    for (path, info) in items {
        let name_path = format!("{path}.InstanceType");
        if let Some(first) = first_seen.get(&info.instance_type) {
            return Err(LoadError::at_path(
                label,
                name_path,
                format!(
                    "duplicate instance type `{}` (first at {first})",
                    info.instance_type
                ),
            ));
        }
        first_seen.insert(info.instance_type.clone(), path.clone());
        types.push(
            convert(info, &path).map_err(|(at, message)| LoadError::at_path(label, at, message))?,
        );
    }
    types.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(types)
}

/// Checks the top-level keys of a file without `InstanceTypes`: each must be an instance type
/// (moto's keyed form), else the file is some other input or not describe-instance-types output.
fn check_keyed_form_keys(
    label: &str,
    keys: &BTreeMap<String, IgnoredAny>,
) -> Result<(), LoadError> {
    if let Some((key, kind)) = super::known_kind(keys.keys()) {
        return Err(LoadError::whole_file(
            label,
            format!(
                "expected describe-instance-types output (an `InstanceTypes` list, or an object \
                 keyed by instance type), found {kind} (top-level `{key}`)"
            ),
        ));
    }
    if let Some(key) = keys.keys().find(|key| super::parse_type_name(key).is_err()) {
        return Err(LoadError::at_path(
            label,
            key,
            format!(
                "expected `InstanceTypes` or an instance type name such as `m5.large` as a \
                 top-level key, found `{key}`"
            ),
        ));
    }
    Ok(())
}

/// Reads and parses a describe-instance-types file.
pub fn load(path: &Path) -> Result<Vec<InstanceType>, LoadError> {
    super::load_with(path, parse)
}

// --- The AWS shapes (only the members fleetopt uses). ---------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiForm {
    instance_types: Vec<Info>,
}

/// moto's form: an object keyed by type name, kept in file order so duplicates are caught.
struct KeyedForm(Vec<(String, Info)>);

impl<'de> Deserialize<'de> for KeyedForm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyedVisitor;

        impl<'de> Visitor<'de> for KeyedVisitor {
            type Value = KeyedForm;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object keyed by instance type")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyedForm, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Info>()? {
                    entries.push(entry);
                }
                Ok(KeyedForm(entries))
            }
        }

        deserializer.deserialize_map(KeyedVisitor)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Info {
    instance_type: String,
    #[serde(default)]
    current_generation: bool,
    #[serde(rename = "VCpuInfo")]
    vcpu_info: VCpuInfo,
    memory_info: MemoryInfo,
    processor_info: ProcessorInfo,
    gpu_info: Option<GpuInfo>,
    fpga_info: Option<FpgaInfo>,
    inference_accelerator_info: Option<AcceleratorList>,
    neuron_info: Option<NeuronInfo>,
    media_accelerator_info: Option<AcceleratorList>,
    network_info: Option<NetworkInfo>,
    ebs_info: Option<EbsInfo>,
    #[serde(default)]
    burstable_performance_supported: bool,
    #[serde(default)]
    bare_metal: bool,
    instance_storage_supported: Option<bool>,
    instance_storage_info: Option<InstanceStorageInfo>,
    placement_group_info: Option<PlacementGroupInfo>,
    #[serde(default)]
    supported_usage_classes: Vec<String>,
    #[serde(default)]
    hibernation_supported: bool,
}

#[derive(Deserialize)]
struct VCpuInfo {
    #[serde(rename = "DefaultVCpus")]
    default_vcpus: u32,
}

#[derive(Deserialize)]
struct MemoryInfo {
    #[serde(rename = "SizeInMiB")]
    size_in_mib: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessorInfo {
    supported_architectures: Vec<String>,
    manufacturer: Option<String>,
    sustained_clock_speed_in_ghz: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GpuInfo {
    #[serde(default)]
    gpus: Vec<Device>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FpgaInfo {
    #[serde(default)]
    fpgas: Vec<Device>,
}

/// `InferenceAcceleratorInfo` and `MediaAcceleratorInfo`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AcceleratorList {
    #[serde(default)]
    accelerators: Vec<Device>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NeuronInfo {
    #[serde(default)]
    neuron_devices: Vec<Device>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Device {
    name: String,
    manufacturer: Option<String>,
    #[serde(default)]
    count: u32,
    memory_info: Option<MemoryInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NetworkInfo {
    #[serde(default)]
    network_performance: String,
    #[serde(default)]
    network_cards: Vec<NetworkCard>,
    #[serde(default)]
    maximum_network_interfaces: u32,
    #[serde(default)]
    efa_supported: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NetworkCard {
    baseline_bandwidth_in_gbps: Option<f64>,
    peak_bandwidth_in_gbps: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EbsInfo {
    ebs_optimized_info: Option<EbsOptimizedInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EbsOptimizedInfo {
    baseline_bandwidth_in_mbps: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceStorageInfo {
    #[serde(rename = "TotalSizeInGB")]
    total_size_in_gb: Option<f64>,
    #[serde(default)]
    disks: Vec<Disk>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Disk {
    #[serde(rename = "Type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlacementGroupInfo {
    #[serde(default)]
    supported_strategies: Vec<String>,
}

// --- Conversion. ------------------------------------------------------------------------------

/// A problem found after deserialising: (JSON path, message).
type Invalid = (String, String);

/// Checks one `InstanceTypeInfo` (at `path`) and turns it into the model type.
fn convert(info: Info, path: &str) -> Result<InstanceType, Invalid> {
    let name = super::parse_type_name(&info.instance_type)
        .map_err(|message| (format!("{path}.InstanceType"), message))?;
    if info.vcpu_info.default_vcpus == 0 {
        return Err((
            format!("{path}.VCpuInfo.DefaultVCpus"),
            "expected at least 1 vCPU, found 0".to_owned(),
        ));
    }
    if info.memory_info.size_in_mib == 0 {
        return Err((
            format!("{path}.MemoryInfo.SizeInMiB"),
            "expected at least 1 MiB of memory, found 0".to_owned(),
        ));
    }
    let architectures = architectures(&info.processor_info.supported_architectures, path)?;
    let local_storage = local_storage(info.instance_storage_supported, info.instance_storage_info);
    Ok(InstanceType {
        generation: generation(name.family()),
        name,
        current_generation: info.current_generation,
        vcpus: info.vcpu_info.default_vcpus,
        memory_mib: info.memory_info.size_in_mib,
        architectures,
        cpu_manufacturer: info
            .processor_info
            .manufacturer
            .as_deref()
            .and_then(CpuManufacturer::parse),
        clock_ghz: info.processor_info.sustained_clock_speed_in_ghz,
        accelerators: accelerators(
            info.gpu_info,
            info.fpga_info,
            info.inference_accelerator_info,
            info.neuron_info,
            info.media_accelerator_info,
        ),
        network: network(info.network_info),
        ebs_baseline_mbps: info
            .ebs_info
            .and_then(|ebs| ebs.ebs_optimized_info)
            .and_then(|optimized| optimized.baseline_bandwidth_in_mbps),
        burstable: info.burstable_performance_supported,
        bare_metal: info.bare_metal,
        local_storage,
        placement_strategies: placement_strategies(info.placement_group_info),
        markets: markets(&info.supported_usage_classes),
        hibernation: info.hibernation_supported,
    })
}

/// The generation digits after the family's leading letters (`m7g` → 7, `u7i-6tb` → 7,
/// `mac2-m2` → 2); `None` when none follow.
fn generation(family: &str) -> Option<u32> {
    let after_letters = family.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let digits_end = after_letters
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_letters.len());
    after_letters.get(..digits_end)?.parse().ok()
}

fn architectures(names: &[String], path: &str) -> Result<Vec<Architecture>, Invalid> {
    let mut architectures = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        let architecture = Architecture::parse(name).ok_or_else(|| {
            (
                format!("{path}.ProcessorInfo.SupportedArchitectures[{index}]"),
                format!(
                    "unknown architecture `{name}`; expected one of i386, x86_64, arm64, \
                     x86_64_mac, arm64_mac"
                ),
            )
        })?;
        architectures.push(architecture);
    }
    architectures.sort();
    architectures.dedup();
    Ok(architectures)
}

/// Every accelerator device list, in the order GPU, FPGA, inference, Neuron, media.
///
/// Inferentia types list the same devices under both `InferenceAcceleratorInfo` and
/// `NeuronInfo`; a Neuron device whose name is already listed as an inference accelerator is
/// not counted twice.
fn accelerators(
    gpu: Option<GpuInfo>,
    fpga: Option<FpgaInfo>,
    inference: Option<AcceleratorList>,
    neuron: Option<NeuronInfo>,
    media: Option<AcceleratorList>,
) -> Vec<Accelerator> {
    let mut accelerators = Vec::new();
    let mut add = |kind: AcceleratorKind, devices: Vec<Device>, default_manufacturer: &str| {
        for device in devices {
            let name = device_name(&device.name);
            if kind == AcceleratorKind::Inference
                && accelerators
                    .iter()
                    .any(|a: &Accelerator| a.kind == kind && a.name == name)
            {
                continue;
            }
            accelerators.push(Accelerator {
                kind,
                count: device.count,
                manufacturer: manufacturer(
                    device
                        .manufacturer
                        .as_deref()
                        .unwrap_or(default_manufacturer),
                ),
                name,
                memory_mib: device.memory_info.map_or(0, |memory| memory.size_in_mib),
            });
        }
    };
    add(
        AcceleratorKind::Gpu,
        gpu.map(|g| g.gpus).unwrap_or_default(),
        "",
    );
    add(
        AcceleratorKind::Fpga,
        fpga.map(|f| f.fpgas).unwrap_or_default(),
        "",
    );
    add(
        AcceleratorKind::Inference,
        inference.map(|i| i.accelerators).unwrap_or_default(),
        "",
    );
    add(
        AcceleratorKind::Inference,
        neuron.map(|n| n.neuron_devices).unwrap_or_default(),
        "AWS",
    );
    add(
        AcceleratorKind::Media,
        media.map(|m| m.accelerators).unwrap_or_default(),
        "",
    );
    accelerators
}

/// `T4` → `t4`, `Radeon Pro V520` → `radeon-pro-v520`.
fn device_name(name: &str) -> String {
    name.trim().to_lowercase().replace(' ', "-")
}

/// `NVIDIA` → `nvidia`, `AWS` → `amazon-web-services`; others lower-cased, spaces as dashes.
fn manufacturer(name: &str) -> String {
    match name.trim() {
        "AWS" | "Amazon Web Services" => "amazon-web-services".to_owned(),
        other => device_name(other),
    }
}

fn network(info: Option<NetworkInfo>) -> Network {
    let Some(info) = info else {
        return Network {
            performance: String::new(),
            baseline_gbps: 0.0,
            peak_gbps: 0.0,
            max_interfaces: 0,
            efa: false,
        };
    };
    let (baseline_gbps, peak_gbps) = if info.network_cards.is_empty() {
        bandwidth_from_label(&info.network_performance)
    } else {
        info.network_cards
            .iter()
            .fold((0.0, 0.0), |(baseline, peak), card| {
                (
                    baseline + card.baseline_bandwidth_in_gbps.unwrap_or(0.0),
                    peak + card.peak_bandwidth_in_gbps.unwrap_or(0.0),
                )
            })
    };
    Network {
        performance: info.network_performance,
        baseline_gbps,
        peak_gbps,
        max_interfaces: info.maximum_network_interfaces,
        efa: info.efa_supported,
    }
}

/// (baseline, peak) Gbit/s from a label: `25 Gigabit` → (25, 25), `Up to 10 Gigabit` →
/// (0, 10), `4x 100 Gigabit` → (400, 400); words such as `Moderate` → (0, 0).
fn bandwidth_from_label(label: &str) -> (f64, f64) {
    let label = label.trim();
    let (burst, rest) = match label.strip_prefix("Up to ") {
        Some(rest) => (true, rest),
        None => (false, label),
    };
    let Some(number) = rest.strip_suffix(" Gigabit") else {
        return (0.0, 0.0);
    };
    let gbps = match number.split_once("x ") {
        Some((cards, each)) => cards
            .trim()
            .parse::<f64>()
            .ok()
            .zip(each.trim().parse::<f64>().ok())
            .map(|(cards, each)| cards * each),
        None => number.trim().parse::<f64>().ok(),
    };
    match gbps.filter(|g| g.is_finite() && *g >= 0.0) {
        Some(gbps) if burst => (0.0, gbps),
        Some(gbps) => (gbps, gbps),
        None => (0.0, 0.0),
    }
}

/// Local storage when the type has any: `InstanceStorageSupported: true`, or (in trimmed
/// records that omit the flag) an `InstanceStorageInfo` member.
fn local_storage(
    supported: Option<bool>,
    info: Option<InstanceStorageInfo>,
) -> Option<LocalStorage> {
    if !supported.unwrap_or(info.is_some()) {
        return None;
    }
    let info = info.unwrap_or(InstanceStorageInfo {
        total_size_in_gb: None,
        disks: Vec::new(),
    });
    let kind = info
        .disks
        .first()
        .and_then(|disk| disk.kind.as_deref())
        .and_then(|kind| match kind.trim().to_ascii_lowercase().as_str() {
            "ssd" => Some(StorageKind::Ssd),
            "hdd" => Some(StorageKind::Hdd),
            _ => None,
        });
    Some(LocalStorage {
        total_gb: info.total_size_in_gb.unwrap_or(0.0),
        kind,
    })
}

/// Known strategies, sorted; strategies AWS may add later are ignored.
fn placement_strategies(info: Option<PlacementGroupInfo>) -> Vec<PlacementStrategy> {
    let mut strategies: Vec<PlacementStrategy> = info
        .map(|info| info.supported_strategies)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| PlacementStrategy::parse(s))
        .collect();
    strategies.sort();
    strategies.dedup();
    strategies
}

/// `on-demand` and `spot`, sorted; `capacity-block` and unknown classes are ignored.
fn markets(usage_classes: &[String]) -> Vec<Market> {
    let mut markets: Vec<Market> = usage_classes
        .iter()
        .filter_map(|class| match class.trim() {
            "on-demand" => Some(Market::OnDemand),
            "spot" => Some(Market::Spot),
            _ => None,
        })
        .collect();
    markets.sort();
    markets.dedup();
    markets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TypeName;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/aws/describe-instance-types.json"
    );
    const KEYED_FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/aws/describe-instance-types-keyed.json"
    );
    const MOTO: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/moto/instance_types.json"
    );

    fn load_fixture() -> Vec<InstanceType> {
        match load(Path::new(FIXTURE)) {
            Ok(types) => types,
            Err(e) => panic!("{e}"),
        }
    }

    fn find<'a>(types: &'a [InstanceType], name: &str) -> &'a InstanceType {
        match types.iter().find(|t| t.name.as_str() == name) {
            Some(t) => t,
            None => panic!("{name} missing"),
        }
    }

    /// A minimal valid API-form document with one type; `patch` edits its JSON.
    fn one_type(patch: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut info = serde_json::json!({
            "InstanceType": "m5.large",
            "VCpuInfo": {"DefaultVCpus": 2},
            "MemoryInfo": {"SizeInMiB": 8192},
            "ProcessorInfo": {"SupportedArchitectures": ["x86_64"], "Manufacturer": "Intel"}
        });
        patch(&mut info);
        serde_json::json!({ "InstanceTypes": [info] }).to_string()
    }

    fn error_of(text: &str) -> String {
        match parse("t.json", text) {
            Ok(types) => panic!("expected an error, got {types:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn m5_large_has_its_real_specs() {
        let types = load_fixture();
        let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "c5.large",
                "g4dn.8xlarge",
                "m5.large",
                "m5.xlarge",
                "m7g.large",
                "m7g.metal",
                "t2.micro",
                "t3.micro"
            ]
        );
        let m5 = find(&types, "m5.large");
        assert_eq!(m5.vcpus, 2);
        assert_eq!(m5.memory_mib, 8192);
        assert_eq!(m5.generation, Some(5));
        assert!(!m5.current_generation);
        assert_eq!(m5.architectures, [Architecture::X86_64]);
        assert_eq!(m5.cpu_manufacturer, Some(CpuManufacturer::Intel));
        assert_eq!(m5.clock_ghz, Some(3.1));
        assert!(m5.accelerators.is_empty());
        assert_eq!(m5.network.performance, "Up to 10 Gigabit");
        assert_eq!(m5.network.baseline_gbps, 0.75);
        assert_eq!(m5.network.peak_gbps, 10.0);
        assert_eq!(m5.network.max_interfaces, 3);
        assert!(!m5.network.efa);
        assert_eq!(m5.ebs_baseline_mbps, Some(650.0));
        assert!(!m5.burstable && !m5.bare_metal);
        assert_eq!(m5.local_storage, None);
        assert_eq!(
            m5.placement_strategies,
            [
                PlacementStrategy::Cluster,
                PlacementStrategy::Partition,
                PlacementStrategy::Spread
            ]
        );
        assert_eq!(m5.markets, [Market::OnDemand, Market::Spot]);
        assert!(m5.hibernation);
    }

    #[test]
    fn t2_micro_from_the_cli_example() {
        let types = load_fixture();
        let t2 = find(&types, "t2.micro");
        assert_eq!((t2.vcpus, t2.memory_mib), (1, 1024));
        assert_eq!(t2.architectures, [Architecture::I386, Architecture::X86_64]);
        assert_eq!(t2.cpu_manufacturer, None);
        assert!(t2.burstable);
        assert!(t2.current_generation);
        // No network cards: the label "Low to Moderate" carries no number.
        assert_eq!(t2.network.performance, "Low to Moderate");
        assert_eq!((t2.network.baseline_gbps, t2.network.peak_gbps), (0.0, 0.0));
        assert_eq!(t2.network.max_interfaces, 2);
        assert_eq!(
            t2.placement_strategies,
            [PlacementStrategy::Partition, PlacementStrategy::Spread]
        );
        assert_eq!(t2.ebs_baseline_mbps, None);
    }

    #[test]
    fn gpu_graviton_and_metal_types() {
        let types = load_fixture();
        let g4dn = find(&types, "g4dn.8xlarge");
        assert_eq!(
            g4dn.accelerators,
            [Accelerator {
                kind: AcceleratorKind::Gpu,
                count: 1,
                name: "t4".into(),
                manufacturer: "nvidia".into(),
                memory_mib: 16384,
            }]
        );
        assert_eq!(g4dn.gpu_count(), 1);
        assert_eq!(
            g4dn.local_storage,
            Some(LocalStorage {
                total_gb: 900.0,
                kind: Some(StorageKind::Ssd)
            })
        );
        assert!(g4dn.network.efa);
        assert_eq!(g4dn.network.baseline_gbps, 50.0);

        let m7g = find(&types, "m7g.large");
        assert_eq!(m7g.architectures, [Architecture::Arm64]);
        assert_eq!(
            m7g.cpu_manufacturer,
            Some(CpuManufacturer::AmazonWebServices)
        );
        assert!(m7g.current_generation);
        assert_eq!(m7g.generation, Some(7));

        let metal = find(&types, "m7g.metal");
        assert!(metal.bare_metal);
        assert_eq!((metal.vcpus, metal.memory_mib), (64, 262144));
        assert_eq!(metal.network.baseline_gbps, 30.0);
        assert_eq!(metal.ebs_baseline_mbps, Some(20000.0));

        let t3 = find(&types, "t3.micro");
        assert!(!t3.supports_placement(PlacementStrategy::Cluster));
        assert_eq!(
            (t3.network.baseline_gbps, t3.network.peak_gbps),
            (0.064, 5.0)
        );
    }

    #[test]
    fn future_strategies_and_capacity_blocks_are_ignored() {
        let text = one_type(|info| {
            info["PlacementGroupInfo"] = serde_json::json!({"SupportedStrategies": ["spread", "rack-group", "cluster", "spread"]});
            info["SupportedUsageClasses"] =
                serde_json::json!(["spot", "capacity-block", "on-demand"]);
            info["NetworkInfo"] = serde_json::json!({"NetworkPerformance": "Up to 25 Gigabit"});
            info["InstanceStorageSupported"] = true.into();
            info["InstanceStorageInfo"] = serde_json::json!({"TotalSizeInGB": 16000, "Disks": [{"Count": 2, "SizeInGB": 8000, "Type": "hdd"}]});
        });
        let types = match parse("t.json", &text) {
            Ok(types) => types,
            Err(e) => panic!("{e}"),
        };
        let t = &types[0];
        assert_eq!(
            t.placement_strategies,
            [PlacementStrategy::Cluster, PlacementStrategy::Spread]
        );
        assert_eq!(t.markets, [Market::OnDemand, Market::Spot]);
        assert_eq!((t.network.baseline_gbps, t.network.peak_gbps), (0.0, 25.0));
        assert_eq!(
            t.local_storage,
            Some(LocalStorage {
                total_gb: 16000.0,
                kind: Some(StorageKind::Hdd)
            })
        );
    }

    #[test]
    fn keyed_form_gives_the_same_types() {
        let keyed = match load(Path::new(KEYED_FIXTURE)) {
            Ok(types) => types,
            Err(e) => panic!("{e}"),
        };
        let api = load_fixture();
        let names: Vec<&str> = keyed.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["c5.large", "m5.large", "t3.micro"]);
        assert_eq!(find(&keyed, "m5.large"), find(&api, "m5.large"));
        let t3 = find(&keyed, "t3.micro");
        assert_eq!((t3.vcpus, t3.memory_mib), (2, 1024));
        assert!(t3.burstable);
    }

    #[test]
    fn accelerator_spellings_are_mapped() {
        let text = one_type(|info| {
            info["InstanceType"] = "inf2.xlarge".into();
            info["GpuInfo"] = serde_json::json!({"Gpus": [
                {"Name": "Radeon Pro V520", "Manufacturer": "AMD", "Count": 1,
                 "MemoryInfo": {"SizeInMiB": 8192}},
                {"Name": "Gaudi HL-205", "Manufacturer": "Habana", "Count": 8},
                {"Name": "L4", "Manufacturer": "NVIDIA", "Count": 0,
                 "MemoryInfo": {"SizeInMiB": 2861}}
            ]});
            info["FpgaInfo"] = serde_json::json!({"Fpgas": [
                {"Name": "Virtex UltraScale+ (VU47P)", "Manufacturer": "Xilinx", "Count": 1}
            ]});
            info["InferenceAcceleratorInfo"] = serde_json::json!({"Accelerators": [
                {"Name": "Inferentia2", "Manufacturer": "AWS", "Count": 1,
                 "MemoryInfo": {"SizeInMiB": 32768}}
            ]});
            info["NeuronInfo"] = serde_json::json!({"NeuronDevices": [
                {"Name": "Inferentia2", "Count": 1, "MemoryInfo": {"SizeInMiB": 32768}},
                {"Name": "Trainium", "Count": 2}
            ]});
            info["MediaAcceleratorInfo"] = serde_json::json!({"Accelerators": [
                {"Name": "U30", "Manufacturer": "Xilinx", "Count": 1}
            ]});
        });
        let types = match parse("t.json", &text) {
            Ok(types) => types,
            Err(e) => panic!("{e}"),
        };
        let summary: Vec<(AcceleratorKind, u32, &str, &str, u64)> = types[0]
            .accelerators
            .iter()
            .map(|a| {
                (
                    a.kind,
                    a.count,
                    a.name.as_str(),
                    a.manufacturer.as_str(),
                    a.memory_mib,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (AcceleratorKind::Gpu, 1, "radeon-pro-v520", "amd", 8192),
                (AcceleratorKind::Gpu, 8, "gaudi-hl-205", "habana", 0),
                (AcceleratorKind::Gpu, 0, "l4", "nvidia", 2861),
                (
                    AcceleratorKind::Fpga,
                    1,
                    "virtex-ultrascale+-(vu47p)",
                    "xilinx",
                    0
                ),
                (
                    AcceleratorKind::Inference,
                    1,
                    "inferentia2",
                    "amazon-web-services",
                    32768
                ),
                (
                    AcceleratorKind::Inference,
                    2,
                    "trainium",
                    "amazon-web-services",
                    0
                ),
                (AcceleratorKind::Media, 1, "u30", "xilinx", 0),
            ]
        );
        assert_eq!(types[0].generation, Some(2));
    }

    #[test]
    fn generation_digits_follow_the_family_letters() {
        assert_eq!(generation("m7g"), Some(7));
        assert_eq!(generation("u7i-6tb"), Some(7));
        assert_eq!(generation("mac2-m2"), Some(2));
        assert_eq!(generation("x2iedn"), Some(2));
        assert_eq!(generation("u-6tb1"), None);
        assert_eq!(generation(""), None);
    }

    #[test]
    fn bandwidth_labels_without_cards() {
        assert_eq!(bandwidth_from_label("25 Gigabit"), (25.0, 25.0));
        assert_eq!(bandwidth_from_label("Up to 10 Gigabit"), (0.0, 10.0));
        assert_eq!(bandwidth_from_label("4x 100 Gigabit"), (400.0, 400.0));
        assert_eq!(bandwidth_from_label("Moderate"), (0.0, 0.0));
        assert_eq!(bandwidth_from_label("High"), (0.0, 0.0));
        assert_eq!(bandwidth_from_label(""), (0.0, 0.0));
    }

    #[test]
    fn zero_vcpus_and_zero_memory_are_rejected() {
        let text = one_type(|info| info["VCpuInfo"]["DefaultVCpus"] = 0.into());
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[0].VCpuInfo.DefaultVCpus: expected at least 1 vCPU, found 0"
        );
        let text = one_type(|info| info["MemoryInfo"]["SizeInMiB"] = 0.into());
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[0].MemoryInfo.SizeInMiB: expected at least 1 MiB of memory, \
             found 0"
        );
    }

    #[test]
    fn wrong_json_types_name_the_path() {
        let text = one_type(|info| info["VCpuInfo"]["DefaultVCpus"] = "two".into());
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[0].VCpuInfo.DefaultVCpus (line 1, column 186): invalid type: \
             string \"two\", expected a whole number"
        );
        let keyed =
            r#"{"m5.large": {"InstanceType": "m5.large", "VCpuInfo": {"DefaultVCpus": -2}}}"#;
        assert_eq!(
            error_of(keyed),
            "t.json: at m5.large.VCpuInfo.DefaultVCpus (line 1, column 73): invalid value: \
             integer `-2`, expected a whole number"
        );
    }

    #[test]
    fn bad_names_and_duplicates_are_rejected() {
        let text = one_type(|info| info["InstanceType"] = "m5".into());
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[0].InstanceType: expected an instance type name such as \
             `m5.large`, found `m5`"
        );
        let text = one_type(|info| {
            if let Some(object) = info.as_object_mut() {
                object.remove("InstanceType");
            }
        });
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[0] (line 1, column 158): missing field `InstanceType`"
        );
        let item = r#"{"InstanceType": "m5.large", "VCpuInfo": {"DefaultVCpus": 2},
            "MemoryInfo": {"SizeInMiB": 8192}, "ProcessorInfo": {"SupportedArchitectures": []}}"#;
        let text = format!(r#"{{"InstanceTypes": [{item}, {item}]}}"#);
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[1].InstanceType: duplicate instance type `m5.large` (first \
             at InstanceTypes[0])"
        );
        // A keyed file naming one type twice repeats a JSON key: refused as such, with the path
        // and line of the second occurrence (JSON parsers would silently keep the last).
        let keyed = format!(r#"{{"m5.large": {item}, "m5.large": {item}}}"#);
        assert_eq!(
            error_of(&keyed),
            "t.json: at m5.large (line 2, column 107): duplicate key `m5.large` (a JSON object \
             may name a key once; TOML and YAML refuse it too)"
        );
        let mismatched = format!(r#"{{"m5.xlarge": {item}}}"#);
        assert_eq!(
            error_of(&mismatched),
            "t.json: at m5.xlarge.InstanceType: expected `m5.xlarge` (the key of this entry), \
             found `m5.large`"
        );
    }

    #[test]
    fn unknown_architecture_is_rejected_unknown_manufacturer_is_not() {
        let text = one_type(|info| {
            info["ProcessorInfo"]["SupportedArchitectures"] = serde_json::json!(["x86_64", "sparc"])
        });
        assert_eq!(
            error_of(&text),
            "t.json: at InstanceTypes[0].ProcessorInfo.SupportedArchitectures[1]: unknown \
             architecture `sparc`; expected one of i386, x86_64, arm64, x86_64_mac, arm64_mac"
        );
        let text = one_type(|info| info["ProcessorInfo"]["Manufacturer"] = "Acme".into());
        let types = match parse("t.json", &text) {
            Ok(types) => types,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(types[0].cpu_manufacturer, None);
        assert_eq!(types[0].name, TypeName::new("m5.large"));
    }

    #[test]
    fn empty_files_and_wrong_roots_are_rejected() {
        assert_eq!(
            error_of(r#"{"InstanceTypes": []}"#),
            "t.json: at InstanceTypes: expected at least one instance type, found an empty list \
             (did the command's `--instance-types` or `--filters` match nothing?)"
        );
        assert_eq!(
            error_of("{}"),
            "t.json: in the file: expected describe-instance-types output, found an empty object"
        );
        assert_eq!(
            error_of("[]"),
            "t.json: in the file: expected a JSON object (`{\"InstanceTypes\": [...]}` or keyed \
             by instance type), found an array (the output of a `--query`? fleetopt needs the \
             whole object)"
        );
        assert_eq!(
            error_of(""),
            "t.json: in the file: expected describe-instance-types output as JSON, found an \
             empty file"
        );
        assert_eq!(
            error_of("INSTANCETYPES\tFalse\tTrue\tnitro\tm5.large\n"),
            "t.json: in the file: expected describe-instance-types output as JSON, found text \
             starting `INSTANCETYPES`; run the AWS CLI with `--output json`"
        );
        assert_eq!(
            error_of(r#"{"InstanceTypeOfferings": []}"#),
            "t.json: in the file: expected describe-instance-types output (an `InstanceTypes` \
             list, or an object keyed by instance type), found describe-instance-type-offerings \
             output (top-level `InstanceTypeOfferings`)"
        );
        assert_eq!(
            error_of(r#"{"InstanceType": "m5.large"}"#),
            "t.json: at InstanceType: expected `InstanceTypes` or an instance type name such as \
             `m5.large` as a top-level key, found `InstanceType`"
        );
    }

    #[test]
    fn the_full_moto_file_loads() {
        let path = Path::new(MOTO);
        if !path.exists() {
            eprintln!("skipped: ../shared/data not found (CI provides it)");
            return;
        }
        let types = match load(path) {
            Ok(types) => types,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(types.len(), 1373);
        let m5 = find(&types, "m5.large");
        assert_eq!((m5.vcpus, m5.memory_mib), (2, 8192));
        let without_cluster = types
            .iter()
            .filter(|t| !t.supports_placement(PlacementStrategy::Cluster))
            .count();
        assert_eq!(without_cluster, 89);
        let p5 = find(&types, "p5.48xlarge");
        assert_eq!(p5.gpu_count(), 8);
        assert_eq!(p5.accelerators[0].name, "h100");
        let inf2 = find(&types, "inf2.48xlarge");
        assert_eq!(inf2.accelerator_count(), 12);
        assert!(types.windows(2).all(|w| w[0].name < w[1].name));
    }
}
