//! Facts the verifier derives from the plan alone: capacity and cost per market, the largest
//! weight, instances per pool, capacity per key, the spot part and the claimed shortfall. A room
//! because every rule section reads them, and each is written once here to be obviously right.

use std::collections::BTreeMap;

use fleetopt_instances::Market;

use super::Verifier;
use crate::plan::{Allocation, Shortfall};

/// A pool as the plan uses it: (market, AZ ID, type).
pub(super) type PoolId<'a> = (Market, &'a str, &'a str);

pub(super) fn pool_id(a: &Allocation) -> PoolId<'_> {
    (
        a.market,
        a.availability_zone_id.as_str(),
        a.instance_type.as_str(),
    )
}

/// The sort key of allocations: (market, AZ ID, type, group, partition).
pub(super) type SlotKey<'a> = (Market, &'a str, &'a str, Option<&'a str>, Option<u32>);

pub(super) fn slot_key(a: &Allocation) -> SlotKey<'_> {
    (
        a.market,
        a.availability_zone_id.as_str(),
        a.instance_type.as_str(),
        a.placement.as_ref().map(|s| s.group.as_str()),
        a.placement.as_ref().and_then(|s| s.partition),
    )
}

impl<'a> Verifier<'a> {
    pub(super) fn allocations(&self) -> &'a [Allocation] {
        &self.plan.allocations
    }

    pub(super) fn market_capacity(&self, market: Market) -> f64 {
        self.allocations()
            .iter()
            .filter(|a| a.market == market)
            .map(|a| a.capacity)
            .sum()
    }

    pub(super) fn market_cost(&self, market: Market) -> f64 {
        self.allocations()
            .iter()
            .filter(|a| a.market == market)
            .map(Allocation::cost_per_hour)
            .sum()
    }

    pub(super) fn total_capacity(&self) -> f64 {
        self.allocations().iter().map(|a| a.capacity).sum()
    }

    pub(super) fn largest_weight(&self, market: Option<Market>) -> Option<f64> {
        self.allocations()
            .iter()
            .filter(|a| market.is_none_or(|m| a.market == m))
            .map(|a| a.weight)
            .reduce(|x, y| if y > x || y.is_nan() { y } else { x })
    }

    /// Instances per pool, summed over placement slots.
    pub(super) fn pool_counts(&self) -> BTreeMap<PoolId<'a>, u64> {
        let mut counts = BTreeMap::new();
        for a in self.allocations() {
            *counts.entry(pool_id(a)).or_insert(0u64) += u64::from(a.count);
        }
        counts
    }

    /// Capacity per key, summed.
    pub(super) fn capacity_by<K: Ord>(
        &self,
        key: impl Fn(&'a Allocation) -> K,
    ) -> BTreeMap<K, f64> {
        let mut sums = BTreeMap::new();
        for a in self.allocations() {
            *sums.entry(key(a)).or_insert(0.0) += a.capacity;
        }
        sums
    }

    pub(super) fn on_demand_target(&self) -> f64 {
        self.request.on_demand_target()
    }

    /// What spot must deliver: the rest of the target once On-Demand is filled (at least its
    /// part; more when it overshot).
    pub(super) fn spot_part(&self) -> (f64, f64) {
        let on_demand = self
            .market_capacity(Market::OnDemand)
            .max(self.on_demand_target());
        (
            (self.request.target.capacity - on_demand).max(0.0),
            on_demand,
        )
    }

    pub(super) fn shortfall_market(&self) -> Option<Market> {
        self.plan.shortfall.as_ref().map(|s| match s {
            Shortfall::Budget { market, .. }
            | Shortfall::Availability { market }
            | Shortfall::NoEligiblePool { market }
            | Shortfall::SpreadLimit { market, .. }
            | Shortfall::Reservations { market }
            | Shortfall::MinTargetCapacity { market, .. } => *market,
        })
    }
}
