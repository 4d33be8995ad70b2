//! Plan metrics: totals, cost and risk of a list of allocations (DESIGN §7, §14).
//!
//! [`compute`] is shared by every mode (aws and optimal) and by anything that re-reads a plan;
//! it depends only on the request, the catalogue region and the catalogue's instance types,
//! never on how the allocations were chosen.
//!
//! Definitions (all in the request's capacity unit unless said otherwise):
//! - `capacity` = Σ count × weight; `overshoot` = capacity − target (negative when a budget or
//!   availability stopped the plan short).
//! - `cost_per_hour` = Σ count × price; `cost_per_vcpu_hour` = cost ÷ Σ count × vCPUs of the
//!   catalogue type (0 when no vCPUs are delivered).
//! - `spot_capacity` / `on_demand_capacity`: capacity per market; `on_demand_target` is
//!   [`FleetRequest::on_demand_target`].
//! - `pools`, `types`, `azs`: distinct (market, AZ, type) pools, instance types and AZ IDs used.
//! - `expected_interruptions_per_hour` = Σ count × hourly hazard of the pool's Spot Advisor
//!   bucket under `request.risk.hazard` ([`HazardModel::pool_hazard`](crate::risk::HazardModel::pool_hazard));
//!   On-Demand instances count 0. A spot pool the catalogue region does not hold counts with the
//!   model's unknown-bucket hazard.
//! - `worst_pool_loss`, `worst_type_loss`, `worst_az_loss` (and, with placement slots,
//!   `worst_group_loss`, `worst_partition_loss`): the largest capacity lost when one pool / one
//!   instance type (all its pools, both markets) / one AZ / one placement group in one AZ / one
//!   partition fails, divided by the target — read off the failure-domain graph
//!   ([`crate::placement::domains::FailureDomains`]).
//!
//! Nothing is rounded. Every floating-point sum runs in allocation order (and per group in
//! allocation order), so equal inputs always give bit-identical metrics.

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::{InstanceType, Market, Region, TypeName, ZoneId};

use crate::placement::domains::FailureDomains;
use crate::plan::{Allocation, Metrics};
use crate::request::FleetRequest;

/// Computes a plan's metrics.
///
/// `instance_types` must yield (at least) the catalogue types the allocations name; it is
/// scanned once, and types it lacks count 0 vCPUs. Pass `catalog.instance_types()`, or the
/// candidate pools' types (`candidates.pools.iter().map(|p| p.instance_type)`).
pub fn compute<'t>(
    request: &FleetRequest,
    region: &Region,
    instance_types: impl IntoIterator<Item = &'t InstanceType>,
    allocations: &[Allocation],
) -> Metrics {
    let used_types: BTreeSet<&TypeName> = allocations.iter().map(|a| &a.instance_type).collect();
    let mut vcpus_of: BTreeMap<&TypeName, u32> = BTreeMap::new();
    for instance_type in instance_types {
        if used_types.contains(&instance_type.name) {
            vcpus_of
                .entry(&instance_type.name)
                .or_insert(instance_type.vcpus);
        }
    }

    let target = request.target.capacity;
    let mut capacity = 0.0;
    let mut cost_per_hour = 0.0;
    let mut spot_capacity = 0.0;
    let mut on_demand_capacity = 0.0;
    let mut instances: u64 = 0;
    let mut vcpus: u64 = 0;
    let mut expected_interruptions_per_hour = 0.0;
    let mut per_pool: BTreeSet<(Market, &ZoneId, &TypeName)> = BTreeSet::new();
    let mut per_type: BTreeSet<&TypeName> = BTreeSet::new();
    let mut per_az: BTreeSet<&ZoneId> = BTreeSet::new();

    for allocation in allocations {
        let count = f64::from(allocation.count);
        let held = count * allocation.weight;
        capacity += held;
        cost_per_hour += allocation.cost_per_hour();
        match allocation.market {
            Market::Spot => spot_capacity += held,
            Market::OnDemand => on_demand_capacity += held,
        }
        instances += u64::from(allocation.count);
        let type_vcpus = vcpus_of
            .get(&allocation.instance_type)
            .copied()
            .unwrap_or(0);
        vcpus += u64::from(allocation.count) * u64::from(type_vcpus);
        expected_interruptions_per_hour += count * hazard(request, region, allocation);
        per_pool.insert((
            allocation.market,
            &allocation.availability_zone_id,
            &allocation.instance_type,
        ));
        per_type.insert(&allocation.instance_type);
        per_az.insert(&allocation.availability_zone_id);
    }

    let blast_radius = FailureDomains::new(allocations).blast_radius(target);

    Metrics {
        capacity,
        target,
        unit: request.target.unit,
        overshoot: capacity - target,
        cost_per_hour,
        cost_per_vcpu_hour: if vcpus > 0 {
            cost_per_hour / vcpus as f64
        } else {
            0.0
        },
        spot_capacity,
        on_demand_capacity,
        on_demand_target: request.on_demand_target(),
        instances: saturate(instances),
        vcpus,
        pools: saturate(per_pool.len() as u64),
        types: saturate(per_type.len() as u64),
        azs: saturate(per_az.len() as u64),
        expected_interruptions_per_hour,
        worst_pool_loss: blast_radius.pool,
        worst_type_loss: blast_radius.instance_type,
        worst_az_loss: blast_radius.zone,
        worst_group_loss: blast_radius.group,
        worst_partition_loss: blast_radius.partition,
    }
}

/// Hourly interruption hazard of one instance of an allocation: 0 On-Demand; the pool's Advisor
/// bucket hazard for spot (the unknown-bucket hazard when the region lacks the pool).
fn hazard(request: &FleetRequest, region: &Region, allocation: &Allocation) -> f64 {
    let model = &request.risk.hazard;
    if allocation.market == Market::OnDemand {
        return 0.0;
    }
    region
        .pools_of(allocation.instance_type.as_str())
        .iter()
        .find(|p| {
            p.market == allocation.market
                && p.zone == allocation.availability_zone_id
                && p.platform == request.platform
        })
        .map_or_else(|| model.hourly_hazard(None), |p| model.pool_hazard(p))
}

fn saturate(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::{Market, TypeName, ZoneId};

    use super::*;
    use crate::plan::Allocation;
    use crate::test_support::{REGION, catalog, itype, request};

    fn allocation(
        name: &str,
        zone: &str,
        market: Market,
        count: u32,
        weight: f64,
        price: f64,
    ) -> Allocation {
        Allocation {
            instance_type: TypeName::new(name),
            availability_zone_id: ZoneId::new(zone),
            market,
            count,
            weight,
            capacity: f64::from(count) * weight,
            price_per_hour: price,
            placement: None,
        }
    }

    fn fixture() -> fleetopt_instances::Catalog {
        catalog(
            vec![itype("m5.large", 2, 8192), itype("m5.xlarge", 4, 16384)],
            &[
                ("m5.large", "use1-az1", Market::OnDemand, 0.096, None),
                ("m5.large", "use1-az1", Market::Spot, 0.04, Some(0)),
                ("m5.large", "use1-az2", Market::Spot, 0.05, Some(4)),
                ("m5.xlarge", "use1-az2", Market::OnDemand, 0.192, None),
                ("m5.xlarge", "use1-az2", Market::Spot, 0.08, None),
            ],
        )
    }

    #[test]
    fn totals_cost_and_counts_follow_the_allocations() {
        let catalog = fixture();
        let region = catalog.region(REGION).unwrap();
        let mut req = request(20.0);
        req.target.on_demand = crate::request::OnDemandSplit::Target(4.0);
        let allocations = [
            allocation("m5.large", "use1-az1", Market::OnDemand, 2, 2.0, 0.096),
            allocation("m5.large", "use1-az1", Market::Spot, 3, 2.0, 0.04),
            allocation("m5.xlarge", "use1-az2", Market::Spot, 2, 4.0, 0.08),
        ];
        let m = compute(&req, region, catalog.instance_types(), &allocations);
        assert_eq!(m.capacity, 18.0);
        assert_eq!(m.target, 20.0);
        assert_eq!(m.overshoot, -2.0);
        assert!((m.cost_per_hour - (0.192 + 0.12 + 0.16)).abs() < 1e-12);
        assert_eq!(m.instances, 7);
        assert_eq!(m.vcpus, 2 * 2 + 3 * 2 + 2 * 4);
        assert!((m.cost_per_vcpu_hour - m.cost_per_hour / 18.0).abs() < 1e-12);
        assert_eq!((m.spot_capacity, m.on_demand_capacity), (14.0, 4.0));
        assert_eq!(m.on_demand_target, 4.0);
        assert_eq!((m.pools, m.types, m.azs), (3, 2, 2));
    }

    #[test]
    fn worst_losses_are_the_largest_group_over_target() {
        let catalog = fixture();
        let region = catalog.region(REGION).unwrap();
        let allocations = [
            allocation("m5.large", "use1-az1", Market::OnDemand, 2, 2.0, 0.096),
            allocation("m5.large", "use1-az1", Market::Spot, 3, 2.0, 0.04),
            allocation("m5.xlarge", "use1-az2", Market::Spot, 2, 4.0, 0.08),
        ];
        let m = compute(
            &request(20.0),
            region,
            catalog.instance_types(),
            &allocations,
        );
        // pool: m5.xlarge az2 spot holds 8; type: m5.large holds 10; AZ: az1 holds 10.
        assert_eq!(m.worst_pool_loss, 0.4);
        assert_eq!(m.worst_type_loss, 0.5);
        assert_eq!(m.worst_az_loss, 0.5);
    }

    #[test]
    fn expected_interruptions_use_pool_buckets_and_zero_for_on_demand() {
        let catalog = fixture();
        let region = catalog.region(REGION).unwrap();
        let req = request(10.0);
        let model = &req.risk.hazard;
        let allocations = [
            allocation("m5.large", "use1-az1", Market::OnDemand, 5, 1.0, 0.096),
            allocation("m5.large", "use1-az1", Market::Spot, 2, 1.0, 0.04),
            allocation("m5.large", "use1-az2", Market::Spot, 1, 1.0, 0.05),
            allocation("m5.xlarge", "use1-az2", Market::Spot, 1, 1.0, 0.08),
        ];
        let m = compute(&req, region, catalog.instance_types(), &allocations);
        let expected = 2.0 * model.hourly_hazard(Some(0))
            + model.hourly_hazard(Some(4))
            + model.hourly_hazard(None);
        assert!((m.expected_interruptions_per_hour - expected).abs() < 1e-15);
    }

    #[test]
    fn no_allocations_give_zero_metrics() {
        let catalog = fixture();
        let region = catalog.region(REGION).unwrap();
        let m = compute(&request(10.0), region, catalog.instance_types(), &[]);
        assert_eq!(m.capacity, 0.0);
        assert_eq!(m.overshoot, -10.0);
        assert_eq!(m.cost_per_vcpu_hour, 0.0);
        assert_eq!(
            (m.instances, m.vcpus, m.pools, m.types, m.azs),
            (0, 0, 0, 0, 0)
        );
        assert_eq!(m.worst_pool_loss, 0.0);
    }

    #[test]
    fn metrics_are_deterministic() {
        let catalog = fixture();
        let region = catalog.region(REGION).unwrap();
        let allocations = [
            allocation("m5.large", "use1-az1", Market::Spot, 3, 0.1, 0.04),
            allocation("m5.xlarge", "use1-az2", Market::Spot, 7, 0.3, 0.08),
        ];
        let a = compute(
            &request(3.0),
            region,
            catalog.instance_types(),
            &allocations,
        );
        let b = compute(
            &request(3.0),
            region,
            catalog.instance_types(),
            &allocations,
        );
        assert_eq!(a, b);
    }
}
