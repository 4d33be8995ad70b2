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
//!   types according to the specified allocation strategy"): a market's target is cut into equal
//!   whole-unit shares per AZ, the remainder one unit at a time to the AZs in AZ-ID order.

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
}
