//! Rules 4 and 5: which spot pools are eligible, and how each spot strategy fills them.
//!
//! **Eligibility** (aws-semantics §1.6). A Spot request is fulfilled only if "the maximum price
//! per hour for your request exceeds the Spot price", so a pool is eligible only when its spot
//! price is strictly below its max price
//! ([`CandidatePool::max_price`](crate::candidates::CandidatePool::max_price), already resolved
//! from the override, the fleet-wide max price, or AWS's default, the On-Demand price). A pool
//! without a known max price (no override, no fleet-wide price, no On-Demand price in the
//! catalogue) is eligible. `diversified` also "does not launch Spot Instances into any pools with
//! a Spot price that is equal to or higher than the On-Demand price", the On-Demand price being
//! that of the same type, AZ and platform (pools whose On-Demand price the catalogue lacks stay
//! eligible).
//!
//! **Strategies** (aws-semantics §2.1, §1.5, §2.3):
//! - `lowestPrice` without `pools`: the cheapest pool per unit-hour first, filled; the next only
//!   when capped ("then the next-lowest, and so on").
//! - `lowestPrice` with `pools = N` (`InstancePoolsToUseCount`): the N cheapest pools, the part
//!   split evenly (each gets ⌊share ÷ weight⌋ of share = part ÷ N), the remainder to the
//!   cheapest per unit until met, then further pools if those run out ("best-effort").
//!   For ASG (`balance_zones`) N is `SpotInstancePools` (default 2) *per AZ*.
//! - `diversified`: the same even split over all eligible pools (10 pools, target 100 → 10
//!   each; target 30 over three weight-8 pools → 1/1/1 plus the 4th in the cheapest per unit).
//! - `capacityOptimized`: pools by the capacity proxy ([`super::rank`]), price only breaking
//!   ties; fill the best, move on when capped.
//! - `priceCapacityOptimized`: the best capacity tier, cheapest per unit within it; the next
//!   tier only when the tier's pools are capped.
//! - `capacityOptimizedPrioritized`: capacity tier first, then override priority within the
//!   tier ("optimizes for capacity first", priorities "on a best-effort basis"), then price.

use fleetopt_instances::{CapacityPool, Market};

use super::fill::FillRule;
use super::rank::Ranking;
use super::usable;
use crate::candidates::CandidateSet;
use crate::request::{FleetRequest, SpotStrategy};

/// ASG's `SpotInstancePools` default (aws-semantics §2.3).
pub(crate) const ASG_DEFAULT_SPOT_POOLS: u32 = 2;

/// Spot pools that may be used, and why others may not.
#[derive(Debug, Clone, Default)]
pub(crate) struct Eligibility {
    /// Eligible candidate indices.
    pub eligible: Vec<usize>,
    /// Pools skipped because the spot price is not below the max price.
    pub not_below_max_price: usize,
    /// Pools skipped by `diversified` because the spot price is ≥ the On-Demand price.
    pub not_below_on_demand: usize,
}

/// The spot pools a request may launch into.
pub(crate) fn eligible(candidates: &CandidateSet<'_>, strategy: SpotStrategy) -> Eligibility {
    let mut result = Eligibility::default();
    for (index, candidate) in candidates.pools.iter().enumerate() {
        if candidate.pool.market != Market::Spot || !usable(candidate) {
            continue;
        }
        let price = candidate.pool.price_per_hour;
        if candidate.max_price.is_some_and(|max| price >= max) {
            result.not_below_max_price += 1;
            continue;
        }
        if strategy == SpotStrategy::Diversified
            && on_demand_price(candidates, candidate.pool).is_some_and(|od| price >= od)
        {
            result.not_below_on_demand += 1;
            continue;
        }
        result.eligible.push(index);
    }
    result
}

fn on_demand_price(candidates: &CandidateSet<'_>, spot: &CapacityPool) -> Option<f64> {
    candidates
        .region
        .pools_of(spot.instance_type.as_str())
        .iter()
        .find(|p| {
            p.market == Market::OnDemand && p.zone == spot.zone && p.platform == spot.platform
        })
        .map(|p| p.price_per_hour)
}

/// The ranking and fill pattern of the request's spot strategy.
pub(crate) fn plan(request: &FleetRequest) -> (Ranking, FillRule) {
    match request.spot.strategy {
        SpotStrategy::LowestPrice => {
            let pools = if request.balance_zones {
                Some(request.spot.pools.unwrap_or(ASG_DEFAULT_SPOT_POOLS))
            } else {
                request.spot.pools
            };
            match pools {
                Some(n) => (Ranking::Price, FillRule::EvenSplit(Some(n))),
                None => (Ranking::Price, FillRule::InOrder),
            }
        }
        SpotStrategy::Diversified => (Ranking::Price, FillRule::EvenSplit(None)),
        SpotStrategy::CapacityOptimized => (Ranking::Capacity, FillRule::InOrder),
        SpotStrategy::PriceCapacityOptimized => (Ranking::CapacityTier, FillRule::InOrder),
        SpotStrategy::CapacityOptimizedPrioritized => {
            (Ranking::CapacityTierPriority, FillRule::InOrder)
        }
    }
}
