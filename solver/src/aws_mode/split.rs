//! Rule 1 (the On-Demand / Spot split) and rule 6's even split across Availability Zones.
//!
//! - **Split** (aws-semantics §1.2, §2.3): the On-Demand part is
//!   [`FleetRequest::on_demand_target`] (EC2 Fleet's `OnDemandTargetCapacity`, or ASG's
//!   `OnDemandBaseCapacity` plus `OnDemandPercentageAboveBaseCapacity` of the rest rounded up in
//!   favour of On-Demand); the Spot part is the total minus that ("TotalTargetCapacity –
//!   OnDemandTargetCapacity = DefaultTargetCapacityType"). On-Demand is filled first, then Spot;
//!   a market that falls short is *not* topped up from the other (AWS documents no such
//!   transfer).
//! - **AZ balance** (ASG, aws-semantics §2.3: "First, Amazon EC2 Auto Scaling tries to balance
//!   your instances evenly across your specified Availability Zones. Then, it launches instance
//!   types according to the specified allocation strategy"): the balance is over the whole
//!   group, On-Demand and Spot together. The group's target is cut into equal whole-unit shares
//!   per AZ, the remainder one unit at a time to the AZs in AZ-ID order ([`even_shares`]: 10
//!   over 3 AZs → 4, 3, 3); On-Demand, filled first, is split evenly over its AZs the same way,
//!   and each AZ's Spot goal is what its group share still lacks ([`spot_quota`]), so the
//!   group's AZs end within one unit of each other however the split falls.

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::ZoneId;

use crate::request::FleetRequest;
use crate::request::MAX_CAPACITY;

/// (On-Demand part, Spot part) of the target, both finite, ≥ 0 and at most
/// [`MAX_CAPACITY`] together (the readers reject larger targets; a request built in code is held
/// to the same bound rather than launching billions of instances).
pub(crate) fn market_targets(request: &FleetRequest) -> (f64, f64) {
    let total = finite_non_negative(request.target.capacity).min(MAX_CAPACITY);
    let on_demand = finite_non_negative(request.on_demand_target()).min(total);
    (on_demand, (total - on_demand).max(0.0))
}

/// `total` cut into `parts` shares: each gets ⌊total ÷ parts⌋, then the remainder goes one unit
/// at a time to the first shares (the last piece may be fractional). The shares sum to `total`.
/// Example: 10 over 3 AZs → 4, 3, 3.
pub(crate) fn even_shares(total: f64, parts: usize) -> Vec<f64> {
    if parts == 0 {
        return Vec::new();
    }
    let total = finite_non_negative(total);
    let base = (total / parts as f64).floor();
    let mut remainder = total - base * parts as f64;
    (0..parts)
        .map(|_| {
            let extra = remainder.clamp(0.0, 1.0);
            remainder -= extra;
            base + extra
        })
        .collect()
}

/// Rule 6, group-wide: each AZ's Spot goal, its share of the group's `total` (over `zones`, in
/// AZ-ID order) less the capacity `on_demand` already put there, never below 0.
pub(crate) fn spot_quota(
    total: f64,
    zones: &BTreeSet<ZoneId>,
    on_demand: &BTreeMap<ZoneId, f64>,
) -> BTreeMap<ZoneId, f64> {
    zones
        .iter()
        .zip(even_shares(total, zones.len()))
        .map(|(zone, share)| {
            let held = on_demand.get(zone).copied().unwrap_or(0.0);
            (zone.clone(), (share - held).max(0.0))
        })
        .collect()
}

fn finite_non_negative(value: f64) -> f64 {
    if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_shares_give_the_remainder_to_the_first_zones() {
        assert_eq!(even_shares(10.0, 3), [4.0, 3.0, 3.0]);
        assert_eq!(even_shares(11.0, 3), [4.0, 4.0, 3.0]);
        assert_eq!(even_shares(12.0, 3), [4.0, 4.0, 4.0]);
        assert_eq!(even_shares(2.0, 3), [1.0, 1.0, 0.0]);
        assert_eq!(even_shares(10.5, 3), [4.0, 3.5, 3.0]);
        assert!(even_shares(5.0, 0).is_empty());
    }

    #[test]
    fn spot_fills_what_each_zone_share_still_lacks() {
        let zones: BTreeSet<ZoneId> = ["use1-az1", "use1-az2", "use1-az4"]
            .into_iter()
            .map(ZoneId::new)
            .collect();
        // 10 over 3 AZs is 4/3/3 (AWS); On-Demand 5 went 2/2/1, so Spot makes up 2/1/2.
        let on_demand: BTreeMap<ZoneId, f64> =
            [("use1-az1", 2.0), ("use1-az2", 2.0), ("use1-az4", 1.0)]
                .into_iter()
                .map(|(z, c)| (ZoneId::new(z), c))
                .collect();
        let quota = spot_quota(10.0, &zones, &on_demand);
        assert_eq!(quota.values().copied().collect::<Vec<_>>(), [2.0, 1.0, 2.0]);
        // A zone On-Demand already overfilled asks nothing of Spot.
        let heavy: BTreeMap<ZoneId, f64> = [(ZoneId::new("use1-az1"), 6.0)].into_iter().collect();
        assert_eq!(
            spot_quota(10.0, &zones, &heavy)
                .values()
                .copied()
                .collect::<Vec<_>>(),
            [0.0, 3.0, 3.0]
        );
    }
}
