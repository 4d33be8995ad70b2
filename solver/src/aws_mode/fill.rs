//! Launching instances: rounding up to whole instances (rule 2), caps (rule 8), budgets
//! (rule 7), the two fill patterns strategies use (fill-in-order and even split, rules 3–5),
//! ASG zone balancing (rule 6), the single-AZ / single-type restriction (rule 9) and Capacity
//! Reservations first (rule 13).
//!
//! - **Round up** (aws-semantics §1.5): a pool asked for `remaining` units launches
//!   ⌈remaining ÷ weight⌉ instances, "so that the size of your fleet is not below its target
//!   capacity". Launching stops as soon as a market reaches its part, so each fill overshoots by
//!   less than the weight of the last pool it launched into, hence by less than the largest
//!   weight used (the bound AWS documents for ASG; an inference for fleets).
//! - **Caps** (rule 8): a pool never holds more than its `available_instances` estimate, when
//!   the catalogue has one; the fill then moves on to the next pool of the ranking.
//! - **Zone limit** (rule 10): with a fixed number of spread groups an AZ never holds more than
//!   7 instances per group, both markets together (aws-semantics §4); the fill moves on to
//!   pools in other AZs.
//! - **Budget** (rule 7, aws-semantics §1.6): the fleet "stops launching instances when it has
//!   met … the `MaxTotalPrice`": a pool launches only the instances that keep the market's
//!   USD/hour within its `max_total_price`. fleetopt reads "met" as "no further instance fits":
//!   when the next instance of a pool would exceed the budget, the fill goes on to the next
//!   pools of the ranking, which may still fit a cheaper instance. AWS's worked example: an
//!   On-Demand target of 10 at $0.10 with `MaxTotalPrice` $0.80 launches 8.

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::{Market, TypeName, ZoneId};

use super::rank::{Ranking, View};
use super::split;
use crate::commitments::ReservationPreference;

/// Tolerance for float noise in capacities and budgets ([`crate::tolerance::NOISE`]).
pub(crate) const EPS: f64 = crate::tolerance::NOISE;

/// What one market has launched so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    /// Instances per candidate pool index.
    pub counts: BTreeMap<usize, u32>,
    /// Capacity launched, in the request's unit.
    pub delivered: f64,
    /// USD/hour launched.
    pub cost: f64,
    /// The market's `max_total_price`.
    pub budget: Option<f64>,
    /// The budget limited at least one launch.
    pub budget_hit: bool,
    /// Instances per AZ, kept when the view has a zone limit (rule 10's spread groups).
    pub zone_counts: BTreeMap<ZoneId, u32>,
    /// The zone limit stopped at least one launch.
    pub zone_limit_hit: bool,
}

impl Ledger {
    fn new(budget: Option<f64>) -> Ledger {
        Ledger {
            budget,
            ..Ledger::default()
        }
    }

    /// Launches up to `wanted` instances into pool `index`, fewer when its cap or the budget
    /// says so; returns how many were launched.
    fn launch(&mut self, view: &View<'_, '_>, index: usize, wanted: u32) -> u32 {
        if wanted == 0 {
            return 0;
        }
        let Some(candidate) = view.pools.get(index) else {
            return 0;
        };
        let have = self.counts.get(&index).copied().unwrap_or(0);
        let mut launched = wanted;
        if let Some(available) = candidate.pool.available_instances {
            launched = launched.min(available.saturating_sub(have));
        }
        if let Some(room) = self.zone_room(view, &candidate.pool.zone)
            && room < launched
        {
            launched = room;
            self.zone_limit_hit = true;
        }
        if let Some(budget) = self.budget {
            let affordable = affordable(budget, self.cost, candidate.pool.price_per_hour);
            if affordable < launched {
                launched = affordable;
                self.budget_hit = true;
            }
        }
        if launched > 0 {
            let count = self.counts.entry(index).or_insert(0);
            *count = count.saturating_add(launched);
            self.delivered += f64::from(launched) * candidate.weight;
            self.cost += f64::from(launched) * candidate.pool.price_per_hour;
            if view.zone_limit.is_some() {
                let in_zone = self
                    .zone_counts
                    .entry(candidate.pool.zone.clone())
                    .or_insert(0);
                *in_zone = in_zone.saturating_add(launched);
            }
        }
        launched
    }

    /// How many more instances `zone` may take under the view's zone limit (both markets
    /// together), `None` without a limit.
    pub(crate) fn zone_room(&self, view: &View<'_, '_>, zone: &ZoneId) -> Option<u32> {
        let limit = view.zone_limit?;
        let before = view.zone_used.get(zone).copied().unwrap_or(0);
        let here = self.zone_counts.get(zone).copied().unwrap_or(0);
        Some(limit.saturating_sub(before.saturating_add(here)))
    }

    fn reached(&self, goal: f64) -> bool {
        goal - self.delivered <= EPS
    }
}

/// How many more instances at `price` fit in `budget` after `spent` (≤ budget, with float
/// slack so 8 × $0.10 fits $0.80).
fn affordable(budget: f64, spent: f64, price: f64) -> u32 {
    if !(price > 0.0 && price.is_finite()) {
        return u32::MAX;
    }
    let ceiling = budget + EPS * budget.abs().max(1.0);
    // `as` saturates (NaN → 0), so this never panics.
    let mut count = ((ceiling - spent) / price).floor().max(0.0) as u32;
    while count > 0 && spent + f64::from(count) * price > ceiling {
        count -= 1;
    }
    count
}

/// ⌈x⌉ as an instance count, ignoring float noise below [`EPS`].
fn ceil_count(x: f64) -> u32 {
    (x - EPS).ceil().max(0.0) as u32
}

/// ⌊x⌋ as an instance count, ignoring float noise below [`EPS`].
fn floor_count(x: f64) -> u32 {
    (x + EPS).floor().max(0.0) as u32
}

/// How a strategy spreads a market's part over its ranked pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FillRule {
    /// Fill the best pool; move to the next only when capped.
    InOrder,
    /// Even split over the best `n` pools (all when `None`), remainder in ranking order.
    EvenSplit(Option<u32>),
}

/// Everything that decides how one market is filled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarketSpec {
    /// Which market.
    pub market: Market,
    /// The market's part of the target.
    pub target: f64,
    /// The market's `max_total_price`.
    pub budget: Option<f64>,
    /// Pool preference.
    pub ranking: Ranking,
    /// Spread pattern.
    pub rule: FillRule,
    /// Balance across AZs first (ASG).
    pub balance_zones: bool,
    /// Rule 13: whether the market fills the view's reserved pools first, or only them.
    pub reservations: ReservationPreference,
}

/// Fills ranked pools in order: each takes ⌈remaining ÷ weight⌉ (capped), until `goal`.
fn fill_in_order(ledger: &mut Ledger, view: &View<'_, '_>, ranked: &[usize], goal: f64) {
    for &index in ranked {
        if ledger.reached(goal) {
            return;
        }
        let remaining = goal - ledger.delivered;
        ledger.launch(
            view,
            index,
            ceil_count(remaining / view.pools[index].weight),
        );
    }
}

/// Even split (aws-semantics §2.1 `diversified`, `InstancePoolsToUseCount`; §1.5's worked
/// example): with `share` = what is still needed ÷ |set|, each pool of `set` (cheapest first)
/// gets ⌊share ÷ weight⌋ instances; the remainder goes one instance per pool in ranking order
/// (so §1.5's fourth instance lands in the cheapest per unit), then over `rest` (AWS: "more
/// pools are used if some run out").
fn even_split(ledger: &mut Ledger, view: &View<'_, '_>, set: &[usize], rest: &[usize], goal: f64) {
    if ledger.reached(goal) || set.is_empty() {
        return;
    }
    let share = (goal - ledger.delivered) / set.len() as f64;
    for &index in set {
        ledger.launch(view, index, floor_count(share / view.pools[index].weight));
    }
    // The remainder spreads like the split: one more instance per pool in ranking order,
    // round after round, rather than piling onto the first pool (100 over 60 pools gives 40
    // pools two instances, not one pool 41). A round launches at least one instance or ends
    // the loop, so it terminates. When caps left a large remainder, the rounds that cannot
    // reach the goal are launched at once (same counts, far fewer steps).
    loop {
        skip_whole_rounds(ledger, view, set, goal);
        let mut progressed = false;
        for &index in set {
            if ledger.reached(goal) {
                return;
            }
            progressed |= ledger.launch(view, index, 1) > 0;
        }
        if !progressed {
            break;
        }
    }
    fill_in_order(ledger, view, rest, goal);
}

/// Launches, into every uncapped pool of `set`, the number of one-instance rounds that certainly
/// stay below `goal` (all but the last round that could reach it). Each uncapped pool gets the
/// same count, exactly as that many rounds would give it; a pool that caps part-way keeps what
/// its cap allows, as in the rounds. Skipped with a budget, where the order of single launches
/// decides which instances fit, and with a zone limit, where pools of one AZ share its room.
fn skip_whole_rounds(ledger: &mut Ledger, view: &View<'_, '_>, set: &[usize], goal: f64) {
    if ledger.budget.is_some() || view.zone_limit.is_some() {
        return;
    }
    let open: Vec<usize> = set
        .iter()
        .copied()
        .filter(|&i| {
            view.pools[i]
                .pool
                .available_instances
                .is_none_or(|available| ledger.counts.get(&i).copied().unwrap_or(0) < available)
        })
        .collect();
    let per_round: f64 = open.iter().map(|&i| view.pools[i].weight).sum();
    if per_round.is_nan() || per_round <= 0.0 {
        return;
    }
    let rounds = floor_count((goal - ledger.delivered) / per_round).saturating_sub(1);
    if rounds == 0 {
        return;
    }
    for index in open {
        ledger.launch(view, index, rounds);
    }
}

/// Rule 13 (aws-semantics §2.5, EC2 Fleet Examples 5–8): the pools of `ranked` that hold
/// unused Capacity Reservations, in the strategy's order, each take ⌈remaining ÷ weight⌉
/// instances up to what their reservations still hold, until `goal`.
fn fill_reserved(ledger: &mut Ledger, view: &View<'_, '_>, ranked: &[usize], goal: f64) {
    for &index in ranked {
        if ledger.reached(goal) {
            return;
        }
        let Some(&reserved) = view.reserved.get(&index) else {
            continue;
        };
        let left = reserved.saturating_sub(ledger.counts.get(&index).copied().unwrap_or(0));
        let remaining = goal - ledger.delivered;
        let wanted = ceil_count(remaining / view.pools[index].weight).min(left);
        ledger.launch(view, index, wanted);
    }
}

/// A market's fill towards `goal` over `ranked`: the reserved pools first when the market uses
/// reservations first or only (rule 13), then, unless only, the strategy's pattern.
fn fill(ledger: &mut Ledger, view: &View<'_, '_>, ranked: &[usize], spec: &MarketSpec, goal: f64) {
    if matches!(
        spec.reservations,
        ReservationPreference::First | ReservationPreference::Only
    ) {
        fill_reserved(ledger, view, ranked, goal);
    }
    if spec.reservations != ReservationPreference::Only {
        apply(ledger, view, ranked, spec.rule, goal);
    }
}

fn apply(ledger: &mut Ledger, view: &View<'_, '_>, ranked: &[usize], rule: FillRule, goal: f64) {
    match rule {
        FillRule::InOrder => fill_in_order(ledger, view, ranked, goal),
        FillRule::EvenSplit(pools) => {
            let n = pools.map_or(ranked.len(), |n| {
                usize::try_from(n.max(1)).unwrap_or(usize::MAX)
            });
            let (set, rest) = ranked.split_at(n.min(ranked.len()));
            even_split(ledger, view, set, rest, goal);
        }
    }
}

/// Fills one market over `scope` (candidate indices of that market).
///
/// With `balance_zones` (ASG, rule 6) the part is first cut into even per-AZ shares
/// ([`split::even_shares`], AZs in AZ-ID order), or into the view's group-wide `zone_quota`
/// when an earlier market holds part of each AZ's share, and the strategy runs inside each AZ in turn
/// towards the running total of shares, so an AZ that overshoots (rounding up) or falls short
/// (caps) shifts the difference to the next AZ and the whole fleet still overshoots by less than
/// the largest weight. A final pass over every AZ, in ranking order, takes what capped AZs could
/// not supply (ASG's default `balanced-best-effort`: "use another AZ").
pub(crate) fn run_market(view: &View<'_, '_>, spec: &MarketSpec, scope: &[usize]) -> Ledger {
    let mut ledger = Ledger::new(spec.budget);
    if spec.target <= EPS || scope.is_empty() {
        return ledger;
    }
    let ranked = view.rank(scope, spec.ranking);
    if !spec.balance_zones {
        fill(&mut ledger, view, &ranked, spec, spec.target);
        return ledger;
    }
    let zones: BTreeSet<&ZoneId> = scope.iter().map(|&i| &view.pools[i].pool.zone).collect();
    let shares = match &view.zone_quota {
        Some(quota) => zones
            .iter()
            .map(|zone| quota.get(*zone).copied().unwrap_or(0.0))
            .collect(),
        None => split::even_shares(spec.target, zones.len()),
    };
    let mut goal = 0.0;
    for (position, (zone, share)) in zones.iter().zip(shares).enumerate() {
        goal = if position + 1 == zones.len() {
            spec.target
        } else {
            (goal + share).min(spec.target)
        };
        let in_zone: Vec<usize> = ranked
            .iter()
            .copied()
            .filter(|&i| &view.pools[i].pool.zone == *zone)
            .collect();
        fill(&mut ledger, view, &in_zone, spec, goal);
    }
    // What capped AZs could not supply, from any AZ: the reserved pools first as in each AZ,
    // then (unless only) in ranking order.
    let last = MarketSpec {
        rule: FillRule::InOrder,
        ..*spec
    };
    fill(&mut ledger, view, &ranked, &last, spec.target);
    ledger
}

/// A market's result: what it launched and which pools it could use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    /// Launches.
    pub ledger: Ledger,
    /// Pools the market could use after every restriction.
    pub scope: Vec<usize>,
    /// The AZ / type a single-AZ / single-type restriction picked.
    pub chosen: Option<Chosen>,
}

impl Outcome {
    /// Whether the market reached its part.
    pub(crate) fn full(&self, spec: &MarketSpec) -> bool {
        self.ledger.reached(spec.target)
    }
}

/// Whether pool `index` can take no more: at its `available_instances` estimate, or in an AZ at
/// the view's zone limit.
pub(crate) fn blocked(view: &View<'_, '_>, ledger: &Ledger, index: usize) -> bool {
    let pool = view.pools[index].pool;
    let capped = pool
        .available_instances
        .is_some_and(|available| ledger.counts.get(&index).copied().unwrap_or(0) >= available);
    capped || ledger.zone_room(view, &pool.zone) == Some(0)
}

/// Whether every pool of `scope` is [`blocked`].
pub(crate) fn all_capped(view: &View<'_, '_>, ledger: &Ledger, scope: &[usize]) -> bool {
    scope.iter().all(|&i| blocked(view, ledger, i))
}

/// Whether some pool of `scope` is stopped by the zone limit alone (not by its estimate).
pub(crate) fn zone_limited(view: &View<'_, '_>, ledger: &Ledger, scope: &[usize]) -> bool {
    scope.iter().any(|&i| {
        let pool = view.pools[i].pool;
        let capped = pool
            .available_instances
            .is_some_and(|available| ledger.counts.get(&i).copied().unwrap_or(0) >= available);
        !capped && ledger.zone_room(view, &pool.zone) == Some(0)
    })
}

/// What rule 9 restricted a market to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chosen {
    /// The single AZ, with `single_az`.
    pub zone: Option<ZoneId>,
    /// The single type, with `single_type`.
    pub instance_type: Option<TypeName>,
    /// Whether that group holds the whole part.
    pub holds_part: bool,
}

/// Rule 9: `SingleAvailabilityZone` / `SingleInstanceType` (aws-semantics §1.9: "all Spot (or
/// On-Demand) instances use one type", "all land in one AZ"). AWS does not say how it picks the
/// AZ or type; fleetopt takes the groups (AZs, types, or (type, AZ) pairs with both flags) in
/// the order of the strategy's ranking of their best pool, and uses the first that holds the
/// whole part; when none does, the one that delivers the most (earliest on ties). AWS applies
/// the flags per market, so each market may land in a different AZ or type.
pub(crate) fn run_restricted(
    view: &View<'_, '_>,
    spec: &MarketSpec,
    scope: &[usize],
    single_az: bool,
    single_type: bool,
) -> Outcome {
    if !(single_az || single_type) || spec.target <= EPS || scope.is_empty() {
        return Outcome {
            ledger: run_market(view, spec, scope),
            scope: scope.to_vec(),
            chosen: None,
        };
    }
    let spec = MarketSpec {
        balance_zones: spec.balance_zones && !single_az,
        ..*spec
    };
    let key = |i: usize| {
        let pool = view.pools[i].pool;
        (
            single_az.then(|| pool.zone.clone()),
            single_type.then(|| pool.instance_type.clone()),
        )
    };
    let mut seen = BTreeSet::new();
    let mut best: Option<Outcome> = None;
    for index in view.rank(scope, spec.ranking) {
        let group = key(index);
        if !seen.insert(group.clone()) {
            continue;
        }
        let in_group: Vec<usize> = scope.iter().copied().filter(|&i| key(i) == group).collect();
        let ledger = run_market(view, &spec, &in_group);
        let outcome = Outcome {
            chosen: Some(Chosen {
                zone: group.0,
                instance_type: group.1,
                holds_part: ledger.reached(spec.target),
            }),
            ledger,
            scope: in_group,
        };
        if outcome.full(&spec) {
            return outcome;
        }
        if best
            .as_ref()
            .is_none_or(|b| outcome.ledger.delivered > b.ledger.delivered + EPS)
        {
            best = Some(outcome);
        }
    }
    best.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_allows_exactly_what_fits() {
        assert_eq!(affordable(0.80, 0.0, 0.10), 8);
        assert_eq!(affordable(0.80, 0.30000000000000004, 0.10), 5);
        assert_eq!(affordable(0.05, 0.0, 0.10), 0);
        assert_eq!(affordable(f64::NAN, 0.0, 0.10), 0);
        assert_eq!(affordable(1.0, 0.0, 0.0), u32::MAX);
    }

    #[test]
    fn counts_ignore_float_noise() {
        assert_eq!(ceil_count(10.0 / 8.0), 2);
        assert_eq!(ceil_count(5.000_000_000_1), 5);
        assert_eq!(ceil_count(0.1 * 3.0 / 0.1), 3);
        assert_eq!(floor_count(10.0 / 8.0), 1);
        assert_eq!(floor_count(0.1 * 3.0 / 0.1), 3);
        assert_eq!(ceil_count(f64::NAN), 0);
        assert_eq!(ceil_count(f64::INFINITY), u32::MAX);
    }
}
