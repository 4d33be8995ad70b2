//! Test-only builders shared by the unit tests of several modules.

use crate::model::{
    Architecture, CpuManufacturer, InstanceType, Market, Network, PlacementStrategy, TypeName,
};

/// A plain current-generation Intel x86 type with no extras; tests change what they need.
pub(crate) fn itype(name: &str, vcpus: u32, memory_mib: u64) -> InstanceType {
    InstanceType {
        name: TypeName::new(name),
        generation: None,
        current_generation: true,
        vcpus,
        memory_mib,
        architectures: vec![Architecture::X86_64],
        cpu_manufacturer: Some(CpuManufacturer::Intel),
        clock_ghz: None,
        accelerators: Vec::new(),
        network: Network {
            performance: "Up to 12.5 Gigabit".to_owned(),
            baseline_gbps: 0.78,
            peak_gbps: 12.5,
            max_interfaces: 3,
            efa: false,
        },
        ebs_baseline_mbps: Some(650.0),
        burstable: false,
        bare_metal: false,
        local_storage: None,
        placement_strategies: vec![
            PlacementStrategy::Cluster,
            PlacementStrategy::Partition,
            PlacementStrategy::Spread,
        ],
        markets: vec![Market::OnDemand, Market::Spot],
        hibernation: true,
    }
}
