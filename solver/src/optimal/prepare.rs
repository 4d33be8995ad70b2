//! From a candidate set to the pools the integer program sees: eligibility, per-pool upper
//! bounds, objective coefficients, and the exact dominance reduction.
//!
//! # Eligibility (the verifier's rules)
//! A pool enters the model when its market has a positive part (a market the request gives no
//! capacity may hold no instance), its price and weight are finite and positive, its type is
//! sold in that market and supports the requested placement strategy, and — spot — its price
//! is strictly below its max price ([`CandidatePool::max_price`]: the override's, the request's
//! absolute or % of On-Demand, or AWS's default, the On-Demand price).
//!
//! # Upper bounds
//! `cap_p = min(available_instances, ⌊max_pool_share × target ÷ w⌋, ⌊(target + max_overshoot) ÷
//! w⌋, 7 × groups for spread, ⌈target ÷ w⌉)`. The last term is safe for every objective: a pool
//! holding ≥ target + w could lose one instance and still meet every covering constraint
//! (target, On-Demand part, AZ-loss survival, all ≤ target) with the pool still in use, at a
//! strictly lower cost and no higher value of any other stage; so no lexicographic optimum
//! holds that much.
//!
//! # Pair reduction (exact), for one-AZ-one-type plans
//! When every plan sits in one (AZ, type) pair (a single-type cluster, or `single_az` with
//! `single_type`), the pairs are alternatives: a pair `B` is dropped when a kept pair `A` of the
//! same weight has, for each market `B` has a pool in, a pool dominating `B`'s (every stage
//! coefficient and price ≤, bound ≥). Giving `A`'s pools `B`'s counts keeps every constraint
//! (same capacities per market, pool, type and AZ; as many pools; no higher cost) and no stage
//! gets worse — including `diversified`, since counts are unchanged.
//!
//! After a `diversified` first stage with optimum z*, the later stages see z* as a bound on
//! every spot pool, `⌊z* × target ÷ w⌋` (equivalent to the row `w·x ≤ z*·target`), so the
//! reduction below applies to them.
//!
//! # Dominance reduction (exact)
//! HiGHS's presolve time grows about with P² on this model (toolchain.md §3e), so pools that
//! cannot change the optimum are dropped before the MIP. Pools fall in *classes* of equal
//! (market, AZ, weight) — plus the type when a type-level constraint exists (`max_type_share`,
//! `max_types`, `single_type`, a single-type cluster), which makes every class one pool and
//! disables the reduction. Within a class every constraint sees two pools alike except for the
//! pool's own bound, its price (budgets) and its objective coefficients. Pool `q` *dominates*
//! `p` when every coefficient of every stage (price always among them) is ≤ and `cap_q ≥
//! cap_p`. Walking a class in lexicographic coefficient order, `p` is dropped when the kept
//! pools dominating it, `D`, satisfy `|D| ≥ min_pools + 1` and `Σ_D cap ≥ ⌈target ÷ w⌉ + 1`.
//!
//! Why no optimum is lost: take a lexicographic optimum using as few instances of dropped
//! pools as possible, and suppose it uses `p`. (1) If some `q ∈ D` is unused, moving all of
//! `p` to `q` changes no aggregate (same AZ, market, weight, same pool count) and no stage gets
//! worse: a contradiction. (2) Else every `q ∈ D` is used; if one has room, moving one
//! instance from `p` keeps every constraint (pools in use stay ≥ |D| ≥ min_pools + 1) and no
//! stage worse: a contradiction. (3) Else all of `D` is full, so the class holds ≥ target + 2w;
//! dropping one instance of `p` keeps every covering constraint and at least `min_pools` pools
//! and strictly lowers cost: not optimal, a contradiction. The `diversified` objective (the
//! largest pool share) can get worse in step (2), so it disables the reduction.
//!
//! # Commitments
//! A pool a commitment can cover (`commitments::holdings`) is *committed*: its instances may be
//! paid for already, so its list price overstates what it adds, and neither reduction drops it
//! (it may still dominate uncommitted pools, whose instances nothing covers: moving them into
//! a committed pool can only raise the coverage). Under `capacity-reservations-only` an
//! On-Demand pool's bound is also the open reservation instances it holds (0 without). Each
//! commitment becomes a [`CoverageGroup`] over the model pools it can cover.

use std::collections::BTreeMap;

use fleetopt_instances::Market;

use super::Stage;
use super::anchor::RiskCaps;
use crate::candidates::{CandidatePool, CandidateSet};
use crate::commitments::ReservationPreference;
use crate::placement::rules::{PARTITIONS_PER_AZ, SPREAD_LIMIT, group_strategy};
use crate::placement::slots::SlotKind;
use crate::request::{FleetRequest, PlacementSpec};
use crate::tolerance::{self, NOISE};

/// A pool as the model sees it.
#[derive(Debug, Clone)]
pub(crate) struct ModelPool {
    /// Index into `CandidateSet::pools`.
    pub candidate: usize,
    /// Market.
    pub market: Market,
    /// Index into [`Prepared::zones`].
    pub zone: usize,
    /// Index into [`Prepared::types`].
    pub type_ix: usize,
    /// Units per instance.
    pub weight: f64,
    /// USD per instance-hour.
    pub price: f64,
    /// Hourly interruption hazard (0 On-Demand).
    pub hazard: f64,
    /// Priority rank (1 = highest; pools without a priority rank last).
    pub rank: f64,
    /// Upper bound on instances.
    pub cap: u32,
    /// The catalogue's estimate of the instances available in the pool, when it has one.
    pub available: Option<u32>,
    /// Whether a commitment can cover the pool's instances: the reductions keep such a pool,
    /// which is worth more than its list price says.
    pub committed: bool,
}

/// One commitment as the model sees it: the members' covered instances, each weighted, sum to
/// at most `limit` ([`super::rows::commitment_coverage`]): instances for a reservation or RI
/// (weights 1), USD/hour for a Savings Plan (weights its rates).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CoverageGroup {
    /// Instances, or a Savings Plan's commitment in USD/hour.
    pub limit: f64,
    /// (position in [`Prepared::pools`], what one covered instance takes of `limit`).
    pub members: Vec<(usize, f64)>,
}

/// Why pools were left out of the model, for notes and explanations.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Exclusions {
    /// Spot pools priced at or above their max price.
    pub not_below_max_price: usize,
    /// Pools whose type lacks the placement strategy.
    pub no_placement: usize,
    /// Pools whose bound is 0 (availability 0, or a share cap below one instance).
    pub zero_cap: usize,
    /// Pools dropped by the dominance reduction.
    pub dominated: usize,
}

/// The model's pools and their index spaces.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Pools in the model, in candidate order.
    pub pools: Vec<ModelPool>,
    /// Zones of the candidate set (sorted); pools index into this.
    pub zones: Vec<String>,
    /// Instance types (sorted); pools index into this.
    pub types: Vec<String>,
    /// What was left out.
    pub excluded: Exclusions,
    /// The On-Demand part.
    pub od_part: f64,
    /// The Spot part (target − On-Demand part).
    pub spot_part: f64,
    /// The distinct weights of eligible On-Demand pools, ascending, taken before any
    /// reduction: the On-Demand stop row ([`super::rows::on_demand_part`]) must not tighten
    /// when a reduction drops pools.
    pub od_weights: Vec<f64>,
    /// The safety anchor's caps in force ([`super::anchor`]).
    pub caps: RiskCaps,
    /// Whether the pool cap is a row with a slack (relaxation) rather than a column bound.
    pub relaxing: bool,
    /// Lazy type caps (see [`LazyTypes`]): `None` when every type has its cap rows.
    pub lazy_types: Option<LazyTypes>,
    /// The placement slots the model chooses (slot columns, [`super::rows::placement_caps`]):
    /// spread groups or partitions when the anchor caps their capacity; `None` when slots are
    /// assigned after the solve ([`crate::placement::slots::assign`]).
    pub slots: Option<SlotKind>,
    /// The commitments that can cover model pools (`commitments::holdings`), empty without.
    pub coverage: Vec<CoverageGroup>,
}

/// The slots the model must choose for `caps` to hold: a fixed number of spread groups under
/// a group cap, or partitions under a partition cap. (A cluster or partition group's racks in
/// one AZ are the AZ's capacity, and spread groups without a fixed number can hold any
/// instance alone, so those caps need no slot columns.)
pub(crate) fn slot_kind(request: &FleetRequest, caps: &RiskCaps) -> Option<SlotKind> {
    match request.placement {
        PlacementSpec::Spread { groups: Some(g) } if caps.group.is_some() => {
            Some(SlotKind::SpreadGroups(g))
        }
        PlacementSpec::Partition { partitions_per_az } if caps.partition.is_some() => Some(
            SlotKind::Partitions(partitions_per_az.max(*PARTITIONS_PER_AZ.start())),
        ),
        _ => None,
    }
}

/// The types whose capacity caps (`max_type_share`, the anchor's worst type loss) are rows of
/// the model; the other types' caps are left out, and so are their types from the dominance
/// classes.
///
/// Why this is exact: without a type's cap row, pools of that type are interchangeable with
/// like pools of other uncapped types, so the dominance reduction may run across types; the
/// reduced model is then exactly the problem without the left-out caps, a relaxation. When its
/// optimum fills no left-out type above its cap, that optimum is feasible for the whole
/// problem and so optimal for it; otherwise the overfilled types join the set and the stages
/// run again ([`super::plan_with`]). Type caps rarely bind for more than a few types, so the
/// reduction stays on for almost every pool.
pub(crate) type LazyTypes = std::collections::BTreeSet<usize>;

/// Whether type caps may be added lazily: only capacity caps constrain types. A type count
/// (`max_types`, `single_type`, a single-type cluster) is not an exchange-friendly
/// constraint, so every pool keeps its type class then.
pub(crate) fn lazy_types_allowed(request: &FleetRequest) -> bool {
    let c = &request.constraints;
    !(c.max_types.is_some()
        || c.single_type
        || matches!(
            request.placement,
            PlacementSpec::Cluster {
                multiple_types: false
            }
        ))
}

impl Prepared {
    /// Whether type `k`'s cap rows are in the model.
    pub(crate) fn type_rows(&self, k: usize) -> bool {
        self.lazy_types.as_ref().is_none_or(|set| set.contains(&k))
    }
}

/// Whether a type-level constraint makes pools of different types unlike.
pub(crate) fn type_constrained(request: &FleetRequest) -> bool {
    let c = &request.constraints;
    c.max_type_share.is_some()
        || c.max_types.is_some()
        || c.single_type
        || matches!(
            request.placement,
            PlacementSpec::Cluster {
                multiple_types: false
            }
        )
}

fn usable(candidate: &CandidatePool<'_>) -> bool {
    let price = candidate.pool.price_per_hour;
    price.is_finite() && price > 0.0 && candidate.weight.is_finite() && candidate.weight > 0.0
}

/// How [`prepare`] bounds the pools beyond the request.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bounds<'a> {
    /// A solved `diversified` first stage: every spot pool at most this share of the target.
    pub spot_share_cap: Option<f64>,
    /// The safety anchor's caps ([`super::anchor`]).
    pub caps: RiskCaps,
    /// Relaxing the caps: the pool cap becomes a row with a slack, and nothing is reduced.
    pub relaxing: bool,
    /// Lazy type caps: only these types' cap rows ([`LazyTypes`]); `None`: every type's.
    pub lazy_types: Option<&'a LazyTypes>,
    /// Whether the model chooses placement slots under the caps ([`slot_kind`]); without, the
    /// slots are assigned after the solve and checked ([`super::plan_with`]).
    pub slot_columns: bool,
}

/// Builds the model's pools (see the module docs); `reduce` applies the dominance reduction.
pub(crate) fn prepare(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    stages: &[Stage],
    reduce: bool,
    bounds: Bounds<'_>,
) -> Prepared {
    let Bounds {
        spot_share_cap,
        caps,
        relaxing,
        lazy_types,
        slot_columns,
    } = bounds;
    let reduce = reduce && !relaxing;
    let target = request.target.capacity;
    let od_part = request.on_demand_target();
    let spot_part = (target - od_part).max(0.0);
    let strategy = group_strategy(request.placement);
    let any_groups = request.placement == PlacementSpec::Spread { groups: None };
    let slots = slot_columns.then(|| slot_kind(request, &caps)).flatten();
    let zones: Vec<String> = candidates.zones.iter().map(|z| z.to_string()).collect();
    let mut types: Vec<String> = candidates
        .pools
        .iter()
        .map(|p| p.pool.instance_type.to_string())
        .collect();
    types.sort();
    types.dedup();
    let mut priorities: Vec<f64> = candidates
        .pools
        .iter()
        .filter_map(|p| p.priority)
        .filter(|p| p.is_finite())
        .collect();
    priorities.sort_by(f64::total_cmp);
    priorities.dedup();
    let lowest_rank = priorities.len() as f64 + 1.0;

    let holdings = crate::commitments::holdings(request, candidates);
    let committed: std::collections::BTreeSet<usize> = holdings
        .iter()
        .flat_map(|h| h.pools.iter().copied())
        .collect();
    // `capacity-reservations-only`: On-Demand only where open reservations hold instances.
    let reserved_only = (request.on_demand.capacity_reservations == ReservationPreference::Only)
        .then(|| crate::commitments::reserved_pools(&holdings));

    let mut excluded = Exclusions::default();
    let mut pools = Vec::new();
    let mut od_weights: Vec<f64> = Vec::new();
    for (index, candidate) in candidates.pools.iter().enumerate() {
        let market = candidate.pool.market;
        let part = match market {
            Market::OnDemand => od_part,
            Market::Spot => spot_part,
        };
        if part <= 0.0 || !usable(candidate) || !candidate.instance_type.supports_market(market) {
            continue;
        }
        let price = candidate.pool.price_per_hour;
        if market == Market::Spot && candidate.max_price.is_some_and(|max| price >= max) {
            excluded.not_below_max_price += 1;
            continue;
        }
        if strategy.is_some_and(|s| !candidate.instance_type.supports_placement(s)) {
            excluded.no_placement += 1;
            continue;
        }
        if market == Market::OnDemand {
            od_weights.push(candidate.weight);
        }
        let mut cap = pool_cap(request, candidate);
        if let Some(limit) = caps.pool.filter(|_| !relaxing) {
            // The anchor's worst pool loss, a capacity; the margin absorbs the round-off of
            // share × target.
            let most = (limit / candidate.weight + tolerance::ILP_BOUND_ROUNDING)
                .floor()
                .max(0.0);
            cap = cap.min(most.min(f64::from(u32::MAX / 2)) as u32);
        }
        if let Some(limit) = caps.group.filter(|_| !relaxing && any_groups)
            && candidate.weight > limit * (1.0 + tolerance::RELATIVE_NOISE)
        {
            // As many spread groups as needed: a group can hold any lighter instance alone,
            // but one instance above the cap breaks it wherever it goes.
            cap = 0;
        }
        if market == Market::Spot
            && let Some(share) = spot_share_cap
        {
            // A solved `diversified` first stage: every spot pool at most its optimal share.
            let most = (share * target / candidate.weight + tolerance::ILP_BOUND_ROUNDING)
                .floor()
                .max(0.0);
            cap = cap.min(most.min(f64::from(u32::MAX / 2)) as u32);
        }
        if market == Market::OnDemand
            && let Some(reserved) = &reserved_only
        {
            cap = cap.min(reserved.get(&index).copied().unwrap_or(0));
        }
        if cap == 0 {
            excluded.zero_cap += 1;
            continue;
        }
        let zone = zones
            .binary_search(&candidate.pool.zone.to_string())
            .unwrap_or(0);
        let type_ix = types
            .binary_search(&candidate.pool.instance_type.to_string())
            .unwrap_or(0);
        let rank = candidate
            .priority
            .filter(|p| p.is_finite())
            .and_then(|p| priorities.iter().position(|q| *q == p))
            .map_or(lowest_rank, |i| i as f64 + 1.0);
        pools.push(ModelPool {
            candidate: index,
            market,
            zone,
            type_ix,
            weight: candidate.weight,
            price,
            hazard: request.risk.hazard.pool_hazard(candidate.pool),
            rank,
            cap,
            available: candidate.pool.available_instances,
            committed: committed.contains(&index),
        });
    }
    od_weights.sort_by(f64::total_cmp);
    od_weights.dedup();
    let mut prepared = Prepared {
        od_weights,
        caps,
        relaxing,
        lazy_types: lazy_types.cloned(),
        slots,
        pools,
        zones,
        types,
        excluded,
        od_part,
        spot_part,
        coverage: Vec::new(),
    };
    if reduce && one_az_one_type(request) {
        pair_reduction(request, &mut prepared, stages);
    } else if reduce
        && !stages.contains(&Stage::MaxPoolShare)
        && !matches!(slots, Some(SlotKind::Partitions(_)))
    {
        // Partition slot columns keep each pool's instances balanced over its AZ's
        // partitions, which moving instances between like pools can break: no reduction.
        dominance_reduction(request, &mut prepared, stages);
    }
    prepared.coverage = coverage_groups(&holdings, &prepared.pools);
    prepared
}

/// The holdings as coverage groups over the model's pools (after the reductions, which keep
/// every committed pool): one group per commitment, its members the positions of its pools.
fn coverage_groups(
    holdings: &[crate::commitments::Holding],
    pools: &[ModelPool],
) -> Vec<CoverageGroup> {
    let position: BTreeMap<usize, usize> = pools
        .iter()
        .enumerate()
        .map(|(i, p)| (p.candidate, i))
        .collect();
    holdings
        .iter()
        .filter_map(|h| {
            let members: Vec<(usize, f64)> = h
                .pools
                .iter()
                .zip(&h.weights)
                .filter_map(|(c, w)| position.get(c).map(|&p| (p, *w)))
                .collect();
            (!members.is_empty()).then_some(CoverageGroup {
                limit: h.limit,
                members,
            })
        })
        .collect()
}

/// Whether every plan must sit in one (AZ, instance type) pair.
fn one_az_one_type(request: &FleetRequest) -> bool {
    let c = &request.constraints;
    let cluster = matches!(request.placement, PlacementSpec::Cluster { .. });
    let one_type = c.single_type
        || matches!(
            request.placement,
            PlacementSpec::Cluster {
                multiple_types: false
            }
        );
    one_type && (c.single_az || cluster)
}

/// (zone, type) indices.
type PairKey = (usize, usize);
/// A pair's On-Demand and spot pool positions.
type PairPools = [Option<usize>; 2];

/// The pair reduction for one-AZ-one-type plans (see the module docs).
fn pair_reduction(request: &FleetRequest, prepared: &mut Prepared, stages: &[Stage]) {
    // (zone, type) → [On-Demand pool, spot pool] positions.
    let mut pairs: BTreeMap<PairKey, PairPools> = BTreeMap::new();
    for (i, p) in prepared.pools.iter().enumerate() {
        let slot = usize::from(p.market == Market::Spot);
        pairs.entry((p.zone, p.type_ix)).or_default()[slot] = Some(i);
    }
    let vector = |i: usize| coefficients(request, prepared, &prepared.pools[i], stages);
    let dominates = |a: usize, b: usize| {
        let (pa, pb) = (&prepared.pools[a], &prepared.pools[b]);
        pa.cap >= pb.cap && vector(a).iter().zip(vector(b)).all(|(x, y)| *x <= y)
    };
    // Visit pairs cheapest first so dominating pairs are usually kept before the ones they
    // dominate; ties by (zone, type) keep the order total.
    let mut order: Vec<(PairKey, PairPools)> = pairs.into_iter().collect();
    let key = |members: &PairPools| -> f64 {
        members
            .iter()
            .flatten()
            .map(|&i| prepared.pools[i].price / prepared.pools[i].weight)
            .fold(f64::INFINITY, f64::min)
    };
    order.sort_by(|a, b| key(&a.1).total_cmp(&key(&b.1)).then(a.0.cmp(&b.0)));
    let mut kept: Vec<PairPools> = Vec::new();
    let mut keep = vec![true; prepared.pools.len()];
    for (_, members) in order {
        let weight = members
            .iter()
            .flatten()
            .map(|&i| prepared.pools[i].weight.to_bits())
            .next();
        let committed = members
            .iter()
            .flatten()
            .any(|&i| prepared.pools[i].committed);
        let dominated = !committed
            && kept.iter().any(|other| {
                let other_weight = other
                    .iter()
                    .flatten()
                    .map(|&i| prepared.pools[i].weight.to_bits())
                    .next();
                other_weight == weight
                    && members.iter().zip(other).all(|(b, a)| match (b, a) {
                        (None, _) => true,
                        (Some(_), None) => false,
                        (Some(b), Some(a)) => dominates(*a, *b),
                    })
            });
        if dominated {
            for &i in members.iter().flatten() {
                keep[i] = false;
            }
        } else {
            kept.push(members);
        }
    }
    let before = prepared.pools.len();
    let mut index = 0;
    prepared.pools.retain(|_| {
        let k = keep[index];
        index += 1;
        k
    });
    prepared.excluded.dominated = before - prepared.pools.len();
}

/// The per-pool upper bound of the module docs.
fn pool_cap(request: &FleetRequest, candidate: &CandidatePool<'_>) -> u32 {
    let target = request.target.capacity;
    let w = candidate.weight;
    // NOISE absorbs float noise such as 0.1 × 30 ÷ 3 = 0.9999999999999999.
    let mut cap = (target / w - NOISE).ceil().max(0.0);
    if let Some(share) = request.constraints.max_pool_share {
        cap = cap.min((share * target / w + NOISE).floor());
    }
    if let Some(over) = request.constraints.max_overshoot {
        cap = cap.min(((target + over) / w + NOISE).floor());
    }
    if let Some(available) = candidate.pool.available_instances {
        cap = cap.min(f64::from(available));
    }
    if let PlacementSpec::Spread { groups: Some(g) } = request.placement {
        cap = cap.min(f64::from(SPREAD_LIMIT) * f64::from(g));
    }
    if cap.is_nan() {
        return 0;
    }
    cap.clamp(0.0, f64::from(u32::MAX / 2)) as u32
}

/// The coefficient vector dominance compares: every stage's coefficient, then the price, then
/// the hazard when a row caps interruptions (the anchor's or the request's).
fn coefficients(
    request: &FleetRequest,
    prepared: &Prepared,
    pool: &ModelPool,
    stages: &[Stage],
) -> Vec<f64> {
    let mut vector: Vec<f64> = stages
        .iter()
        .map(|s| s.coefficient(request, pool))
        .collect();
    vector.push(pool.price);
    if prepared.caps.hazard.is_some()
        || request
            .constraints
            .max_expected_interruptions_per_hour
            .is_some()
    {
        vector.push(pool.hazard);
    }
    vector
}

fn dominance_reduction(request: &FleetRequest, prepared: &mut Prepared, stages: &[Stage]) {
    let target = request.target.capacity;
    let min_pools = u64::from(request.constraints.min_pools.unwrap_or(0));
    let by_type = type_constrained(request) || prepared.caps.type_capacity.is_some();
    let lazy = prepared.lazy_types.is_some() && lazy_types_allowed(request);
    // class → pool positions
    let mut classes: BTreeMap<(Market, usize, u64, Option<usize>), Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.pools.iter().enumerate() {
        let key = (
            p.market,
            p.zone,
            p.weight.to_bits(),
            (by_type && (!lazy || prepared.type_rows(p.type_ix))).then_some(p.type_ix),
        );
        classes.entry(key).or_default().push(i);
    }
    let mut keep = vec![true; prepared.pools.len()];
    for members in classes.values() {
        if members.len() <= 1 {
            continue;
        }
        let weight = prepared.pools[members[0]].weight;
        let needed_cap = (target / weight - NOISE).ceil() + 1.0;
        let mut order: Vec<(Vec<f64>, usize)> = members
            .iter()
            .map(|&i| {
                (
                    coefficients(request, prepared, &prepared.pools[i], stages),
                    i,
                )
            })
            .collect();
        order.sort_by(|a, b| {
            a.0.iter()
                .zip(&b.0)
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.1.cmp(&b.1))
        });
        let mut kept: Vec<&(Vec<f64>, usize)> = Vec::new();
        for entry in &order {
            let (vector, i) = entry;
            let cap = prepared.pools[*i].cap;
            let mut count: u64 = 0;
            let mut total_cap = 0.0;
            for (other, j) in &kept {
                let q = &prepared.pools[*j];
                if q.cap >= cap && other.iter().zip(vector).all(|(a, b)| a <= b) {
                    count += 1;
                    total_cap += f64::from(q.cap);
                }
            }
            // A committed pool is worth more than its coefficients say (its instances may be
            // paid for already), so it is never dropped; it may still dominate others, whose
            // instances no commitment covers.
            if !prepared.pools[*i].committed && count > min_pools && total_cap >= needed_cap {
                keep[*i] = false;
            } else {
                kept.push(entry);
            }
        }
    }
    let before = prepared.pools.len();
    let mut index = 0;
    prepared.pools.retain(|_| {
        let k = keep[index];
        index += 1;
        k
    });
    prepared.excluded.dominated = before - prepared.pools.len();
}
