//! Pool orderings: which pool a strategy prefers (rules 2–5), with a fixed total order so the
//! emulation is deterministic.
//!
//! Every ranking ends with the same tie-break: price key (per unit-hour, or per instance-hour
//! under rule 2's one-instance exception), then instance type name, then AZ ID, then market.
//! Floats compare with [`f64::total_cmp`].
//!
//! **Capacity-availability proxy** (rule 5). AWS publishes no formula for "capacity
//! availability" (aws-semantics §2.1, §7: "AWS publishes no formula … A simulator must take a
//! proxy as input"). fleetopt's documented choice, best first:
//! 1. Spot placement score, higher first (a pool without a score ranks below every score);
//! 2. Spot Advisor interruption bucket, lower first (a pool without a bucket ranks below
//!    bucket 4, the worst known);
//! 3. available-instance estimate, more first (a pool without an estimate ranks below every
//!    estimate).
//!
//! A capacity *tier* (for `priceCapacityOptimized` and `capacityOptimizedPrioritized`) is the
//! set of pools sharing the same (placement score, bucket) pair.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use fleetopt_instances::ZoneId;

use crate::candidates::CandidatePool;

use super::fill::EPS;

/// How a strategy orders pools, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ranking {
    /// Cheapest per unit first (`lowestPrice`, `diversified`).
    Price,
    /// Priority (lower number first, none last), then price (On-Demand `prioritized`).
    Priority,
    /// Full capacity proxy, then price (`capacityOptimized`).
    Capacity,
    /// Capacity tier, then price (`priceCapacityOptimized`).
    CapacityTier,
    /// Capacity tier, then priority, then price (`capacityOptimizedPrioritized`).
    CapacityTierPriority,
}

/// Candidate pools plus each pool's price key for this emulation.
pub(crate) struct View<'a, 'c> {
    /// The candidate set's pools; every index below points into this slice.
    pub pools: &'a [CandidatePool<'c>],
    /// Price key per pool index: USD per unit-hour, or per instance-hour (rule 2 exception).
    pub price_key: Vec<f64>,
    /// The most instances one AZ may hold, both markets together (rule 10: a fixed number of
    /// spread groups, [`SPREAD_LIMIT`](crate::placement::rules::SPREAD_LIMIT) per AZ per
    /// group); `None` = no such limit.
    pub zone_limit: Option<u32>,
    /// Instances each AZ already holds from the markets filled before this one.
    pub zone_used: BTreeMap<ZoneId, u32>,
    /// Rule 6, group-wide: the capacity each AZ should reach in the market being filled, when
    /// an earlier market already holds some of the group's per-AZ share; `None` = split this
    /// market's part evenly over its own AZs.
    pub zone_quota: Option<BTreeMap<ZoneId, f64>>,
    /// Rule 13: per On-Demand pool index, the open Capacity Reservation instances it holds,
    /// when the request fills reservations first (or only); empty otherwise.
    pub reserved: BTreeMap<usize, u32>,
}

impl View<'_, '_> {
    /// The pools of `scope`, best first under `ranking`.
    pub(crate) fn rank(&self, scope: &[usize], ranking: Ranking) -> Vec<usize> {
        let mut order = scope.to_vec();
        order.sort_by(|&a, &b| self.compare(a, b, ranking));
        order
    }

    fn compare(&self, a: usize, b: usize, ranking: Ranking) -> Ordering {
        let (pa, pb) = (&self.pools[a], &self.pools[b]);
        let first = match ranking {
            Ranking::Price => Ordering::Equal,
            Ranking::Priority => priority(pa, pb),
            Ranking::Capacity => tier(pa, pb).then_with(|| available(pa, pb)),
            Ranking::CapacityTier => tier(pa, pb),
            Ranking::CapacityTierPriority => tier(pa, pb).then_with(|| priority(pa, pb)),
        };
        first
            .then_with(|| self.price_key[a].total_cmp(&self.price_key[b]))
            .then_with(|| pa.pool.instance_type.cmp(&pb.pool.instance_type))
            .then_with(|| pa.pool.zone.cmp(&pb.pool.zone))
            .then_with(|| pa.pool.market.cmp(&pb.pool.market))
            .then(a.cmp(&b))
    }
}

/// Fills `keys` for one market's pools and reports whether the one-instance exception applied.
///
/// Rule 2 / aws-semantics §1.5: prices are compared per unit-hour (price ÷ weight), "however, if
/// all the specified weights are above the requested TargetCapacity, resulting in only 1
/// instance being launched, the price used is per instance hour". fleetopt applies the exception
/// per market part, and when every weight is *at least* the part (one instance suffices then
/// too).
pub(crate) fn set_price_keys(
    pools: &[CandidatePool<'_>],
    market_pools: &[usize],
    market_target: f64,
    keys: &mut [f64],
) -> bool {
    let per_instance = market_target > EPS
        && !market_pools.is_empty()
        && market_pools
            .iter()
            .all(|&i| pools[i].weight >= market_target - EPS);
    for &i in market_pools {
        let pool = &pools[i];
        keys[i] = if per_instance {
            pool.pool.price_per_hour
        } else {
            pool.price_per_unit()
        };
    }
    per_instance
}

/// Lower priority number first; no priority last.
fn priority(a: &CandidatePool<'_>, b: &CandidatePool<'_>) -> Ordering {
    match (a.priority, b.priority) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Placement score (higher first, none lowest), then Advisor bucket (lower first, none worst).
fn tier(a: &CandidatePool<'_>, b: &CandidatePool<'_>) -> Ordering {
    b.pool
        .placement_score
        .cmp(&a.pool.placement_score)
        .then_with(|| bucket_rank(a).cmp(&bucket_rank(b)))
}

fn bucket_rank(pool: &CandidatePool<'_>) -> u16 {
    pool.pool.interruption_bucket.map_or(u16::MAX, u16::from)
}

/// More available instances first; no estimate least.
fn available(a: &CandidatePool<'_>, b: &CandidatePool<'_>) -> Ordering {
    b.pool.available_instances.cmp(&a.pool.available_instances)
}
