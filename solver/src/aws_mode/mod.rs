//! aws mode: what EC2 would do with a request. A deterministic emulation of the allocation
//! behaviour AWS documents for EC2 Fleet, Spot Fleet and the Auto Scaling mixed-instances policy
//! (DESIGN §5; the specification is `docs/aws-semantics.md`, cited below as "§n").
//!
//! [`emulate`] never fails and never panics: whatever it cannot reach it reports as a
//! [`Shortfall`] and in the plan's notes.
//!
//! # The rules
//!
//! 1. **Split** (§1.2, §2.3). The On-Demand part is [`FleetRequest::on_demand_target`]
//!    (`OnDemandTargetCapacity`, or ASG's base plus percentage above base rounded up in favour of
//!    On-Demand); the Spot part is the total minus that. On-Demand is filled first, then Spot.
//!    The fleet "stops launching instances when it has met … the `TotalTargetCapacity`", so
//!    On-Demand overshoot from rounding up counts towards the total: the Spot part actually
//!    filled is total − max(On-Demand delivered, On-Demand part), which keeps the whole fleet's
//!    overshoot below its largest weight. A market that falls short is not topped up from the
//!    other.
//! 2. **Weights round up** (§1.5). Within a pool, instances = ⌈remaining ÷ weight⌉, "so that the
//!    size of your fleet is not below its target capacity"; each market overshoots by less than
//!    the largest weight used. Prices are compared per unit-hour (price ÷ weight), except when
//!    every eligible weight of a market is at least that market's part, so one instance
//!    suffices: then per instance-hour (§1.5: "if all the specified weights are above the
//!    requested TargetCapacity, resulting in only 1 instance being launched, the price used is
//!    per instance hour").
//! 3. **On-Demand** (§2.2). `lowestPrice`: cheapest per unit first (ties: type name, then AZ
//!    ID), filled; the next pool only when capped by `available_instances` or when the budget
//!    no longer fits its next instance. `prioritized`: priority order (lower number first, no priority last), then price
//!    per unit, type, AZ.
//! 4. **Spot eligibility** (§1.6). A spot pool is eligible only if its spot price is below the
//!    pool's max price ("fulfilled only if the maximum price per hour for your request exceeds
//!    the Spot price"; the default max price is the On-Demand price). `diversified` also skips
//!    pools whose spot price is ≥ the On-Demand price of that type.
//! 5. **Spot strategies** (§2.1, §1.5). `lowestPrice`: cheapest per unit first, the next only
//!    when capped; with `pools = N` (`InstancePoolsToUseCount`) an even split over the N
//!    cheapest (each gets ⌊share ÷ weight⌋, share = part ÷ N), the remainder one instance per pool
//!    in price-per-unit order, round after round, until met (§1.5: the 4th of 30/8 over three
//!    pools lands in the cheapest per unit). `diversified`: the same even split over all eligible pools.
//!    `capacityOptimized`: by capacity availability, price only breaking ties.
//!    `priceCapacityOptimized`: the best capacity tier, cheapest per unit within it, the next
//!    tier when it is capped. `capacityOptimizedPrioritized`: capacity tier, then priority, then
//!    price. **AWS publishes no capacity formula** (§7), so capacity availability is fleetopt's
//!    documented proxy: placement score (higher first; none lowest), then Spot Advisor
//!    interruption bucket (lower first; none worst), then available-instance estimate (more
//!    first; none least). A tier is the set of pools sharing (placement score, bucket).
//! 6. **ASG** (`balance_zones`, §2.3: "First … balance your instances evenly across your
//!    specified Availability Zones. Then, it launches instance types according to the specified
//!    allocation strategy"). The balance is over the whole group, On-Demand and Spot together:
//!    the On-Demand part is split evenly across the AZs that have eligible On-Demand pools
//!    (remainder units to AZs in AZ-ID order), then each AZ's Spot goal is what its share of the
//!    group's target still lacks, so 10 instances over 3 AZs are 4/3/3 whatever the split; the
//!    strategy runs within each AZ; ASG spot `lowestPrice` uses `SpotInstancePools` (default
//!    2) pools per AZ. What an AZ cannot supply (caps) moves on to the other AZs
//!    (`balanced-best-effort`, ASG's default).
//! 7. **Budgets** (§1.6). `max_total_price` is per market: a pool launches only the instances
//!    that keep that market's USD/hour within it (AWS's example: On-Demand target 10 at $0.10
//!    with `MaxTotalPrice` $0.80 → 8 instances). fleetopt reads "stops launching when it has met
//!    the MaxTotalPrice" as "no further instance fits": a pool whose next instance would exceed
//!    the budget is passed over and the fill tries the next pools in strategy order;
//!    [`Shortfall::Budget`].
//! 8. **Caps**. `available_instances` (when the catalogue has it) limits a pool's count; when
//!    every eligible pool is capped below the part → [`Shortfall::Availability`]. No eligible
//!    pool for a market with a positive part → [`Shortfall::NoEligiblePool`].
//! 9. **`single_az` / `single_type`** (`SingleAvailabilityZone` / `SingleInstanceType`, §1.9),
//!    per market as AWS applies them: the market is restricted to the AZ / type (both: the
//!    pool) of the strategy's first choice that can hold the whole part; if none can, the one
//!    that delivers the most. Other shape constraints (`max_pool_share`, `max_type_share`,
//!    `max_az_share`, `min_pools`, `max_types`, `survive_az_loss`, `max_overshoot`) cannot be
//!    expressed to AWS, so they are not enforced; each one the plan violates gets a note.
//! 10. **Placement**. aws mode does not plan placement groups, but a group only accepts types
//!     whose `PlacementGroupInfo` lists its strategy, so only those types are used (for
//!     cluster, spread and partition alike). A cluster group is also one AZ and, unless
//!     `multiple_types`, one instance type (AWS's recommendation, DESIGN §6), shared by both
//!     markets: the AZ (and type) of the first market's first choice that can hold the fleet
//!     (§7 lists multi-AZ overrides with a cluster group as undocumented; fleetopt assumes an
//!     implicit single AZ). A spread group with a fixed number of groups `g` holds at most
//!     7 × `g` instances per AZ, both markets together; what does not fit is a `spread_limit`
//!     shortfall.
//! 11. **Placement slots**. The plan's instances sit in the slots EC2 would fill, as
//!     `placement::slots` models them: a cluster's one group;
//!     spread groups filled seven at a time per AZ in allocation order; partitions dealt
//!     round-robin per AZ, so each AZ's partitions, and each pool's instances in them, differ
//!     by at most one (EC2 spreads instances evenly over partitions on a best-effort basis,
//!     aws-semantics §4). So the plan reports its group and partition losses, and optimal
//!     mode's safety anchor caps them.
//! 12. **`MinTargetCapacity`** (instant fleets, §1.9): all or nothing. When a market stays below
//!     its minimum, "no instances are launched": the plan holds none and its shortfall is
//!     [`Shortfall::MinTargetCapacity`] (`minimum.rs`).
//! 13. **Capacity Reservations** (§2.5). With `use-capacity-reservations-first` (EC2 Fleet) or
//!     `capacity-reservations-first` (ASG), the On-Demand pools holding unused open
//!     reservations are filled first, in the On-Demand strategy's order, each up to what its
//!     reservations hold; the rest of the part then goes by the strategy over every pool (EC2
//!     Fleet Examples 5–8: 12 On-Demand over three reserved pools of 5 gives 5, 5 and 2; 16
//!     gives 6, 5 and 5, the 16th in the strategy's first pool; instant-fleet Example 10).
//!     `capacity-reservations-only` fills the reserved pools and nothing else, a shortfall when
//!     they hold less than the part. Without a preference, allocation is unchanged and
//!     matching instances run in open reservations anyway; the plan's commitment report says
//!     which (`commitments::bill`).
//!
//! Determinism: pools are kept in `BTreeMap`s keyed by candidate index, every ordering ends
//! with price key, type name, AZ ID (floats by [`f64::total_cmp`]), and allocations are sorted
//! by (market, AZ ID, type) as `plan.rs` requires.

mod fill;
mod minimum;
mod notes;
pub(crate) use notes::broken_constraints;
mod on_demand;
mod rank;
mod split;
mod spot;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::{Market, TypeName, ZoneId};

use self::fill::{EPS, MarketSpec, Outcome, all_capped, run_restricted, zone_limited};
use self::notes::{market_word, num};
use self::rank::View;
use crate::candidates::{CandidatePool, CandidateSet};
use crate::commitments::{self, ReservationPreference};
use crate::metrics;
use crate::placement::rules::{SPREAD_LIMIT, group_strategy, spread_zone_limit};
use crate::placement::slots;
use crate::plan::{Allocation, PLAN_SCHEMA, Plan, Shortfall, StrategyUsed};
use crate::request::{FleetRequest, Mode, PlacementSpec, SpotStrategy};

/// Emulates what EC2 would launch for `request` over `candidates` (see the module docs for the
/// rules). Pure and deterministic: equal inputs give equal plans.
pub fn emulate(request: &FleetRequest, candidates: &CandidateSet<'_>) -> Plan {
    let pools = candidates.pools.as_slice();
    let unit = request.target.unit;
    let mut notes = request.notes.clone();
    notes.extend(candidates.price_protection_note());
    let (od_target, nominal_spot) = split::market_targets(request);
    notes.push(format!(
        "aws mode: On-Demand part {} {unit}, Spot part {} {unit}; On-Demand is filled first (aws-semantics §1.2, §2.3)",
        num(od_target),
        num(nominal_spot),
    ));

    // Rules 3 and 4: eligible pools per market.
    let mut od_pools = on_demand::eligible(candidates);
    let spot_eligibility = spot::eligible(candidates, request.spot.strategy);
    let mut spot_pools = spot_eligibility.eligible.clone();
    if nominal_spot > EPS && spot_eligibility.not_below_max_price > 0 {
        notes.push(format!(
            "{} spot pool(s) skipped: the spot price is not below the max price (AWS fulfils Spot only when the max price exceeds the spot price; aws-semantics §1.6)",
            spot_eligibility.not_below_max_price
        ));
    }
    if nominal_spot > EPS && spot_eligibility.not_below_on_demand > 0 {
        notes.push(format!(
            "{} spot pool(s) skipped: diversified never uses a pool whose spot price is at or above On-Demand (aws-semantics §1.6)",
            spot_eligibility.not_below_on_demand
        ));
    }

    // Rule 10: a placement group keeps the types that support its strategy.
    let placement = group_strategy(request.placement);
    if let Some(strategy) = placement {
        let before = od_pools.len() + spot_pools.len();
        let capable = |i: &usize| pools[*i].instance_type.supports_placement(strategy);
        od_pools.retain(capable);
        spot_pools.retain(capable);
        let skipped = before - od_pools.len() - spot_pools.len();
        if skipped > 0 {
            notes.push(format!(
                "{skipped} pool(s) skipped: their types do not support {} placement groups",
                strategy.as_str()
            ));
        }
    }

    // Rule 13: the pools with unused open Capacity Reservations, when filled first or only.
    let preference = request.on_demand.capacity_reservations;
    let reserved = match preference {
        ReservationPreference::First | ReservationPreference::Only => {
            commitments::reserved_pools(&commitments::holdings(request, candidates))
        }
        ReservationPreference::None | ReservationPreference::Open => BTreeMap::new(),
    };
    if preference == ReservationPreference::Only {
        od_pools.retain(|i| reserved.contains_key(i));
    }
    if od_target > EPS && !reserved.is_empty() {
        let instances: u32 = reserved.values().sum();
        notes.push(format!(
            "On-Demand: the {} pool(s) holding {instances} unused Capacity Reservation instance(s) are filled first, in the On-Demand strategy's order{} (aws-semantics §2.5)",
            reserved.len(),
            if preference == ReservationPreference::Only {
                ", and On-Demand launches nowhere else (capacity-reservations-only)"
            } else {
                ", then the rest by the strategy"
            }
        ));
    } else if od_target > EPS && preference == ReservationPreference::Only {
        notes.push("On-Demand: capacity-reservations-only, and no unused open Capacity Reservation matches a candidate pool, so no On-Demand instance launches (aws-semantics §2.5)".to_owned());
    }

    // Rule 2: price keys (the spot keys are set again once the spot part is known).
    let mut price_key = vec![0.0; pools.len()];
    let od_per_instance = rank::set_price_keys(pools, &od_pools, od_target, &mut price_key);
    rank::set_price_keys(pools, &spot_pools, nominal_spot, &mut price_key);
    let zone_limit = spread_zone_limit(request.placement);
    let mut view = View {
        pools,
        price_key,
        zone_limit,
        zone_used: BTreeMap::new(),
        zone_quota: None,
        reserved,
    };

    let cluster = matches!(request.placement, PlacementSpec::Cluster { .. });
    let balance_zones = request.balance_zones && !cluster;
    let (od_ranking, od_rule) = on_demand::plan(request);
    let (spot_ranking, spot_rule) = spot::plan(request);
    let markets = Markets {
        total: finite_non_negative(request.target.capacity),
        od: MarketSpec {
            market: Market::OnDemand,
            target: od_target,
            budget: request.on_demand.max_total_price,
            ranking: od_ranking,
            rule: od_rule,
            balance_zones,
            reservations: preference,
        },
        spot: MarketSpec {
            market: Market::Spot,
            target: nominal_spot,
            budget: request.spot.max_total_price,
            ranking: spot_ranking,
            rule: spot_rule,
            balance_zones,
            reservations: ReservationPreference::Open,
        },
        spot_pools: &spot_pools,
        single_az: request.constraints.single_az,
        single_type: request.constraints.single_type,
    };

    // Rules 5–9: fill On-Demand, then Spot.
    let run = match request.placement {
        PlacementSpec::Cluster { multiple_types } => {
            let (run, group) = cluster_run(&mut view, &markets, &od_pools, !multiple_types);
            notes.push(cluster_note(group.as_ref()));
            run
        }
        PlacementSpec::None => markets.run(&mut view, &od_pools, &spot_pools),
        PlacementSpec::Spread { groups } => {
            notes.push(match groups {
                Some(groups) => format!(
                    "spread placement: EC2 launches at most {SPREAD_LIMIT} running instances per AZ per group, so with {groups} group(s) each AZ holds at most {} instances, both markets together (aws-semantics §4); instances fill pg-1, pg-2, … in allocation order",
                    SPREAD_LIMIT.saturating_mul(groups)
                ),
                None => format!(
                    "spread placement with as many groups as needed: aws mode assumes enough groups for EC2's limit of {SPREAD_LIMIT} running instances per AZ per group (aws-semantics §4), filled pg-1, pg-2, … in allocation order; set groups to plan a fixed number"
                ),
            });
            markets.run(&mut view, &od_pools, &spot_pools)
        }
        PlacementSpec::Partition { .. } => {
            notes.push(
                "partition placement: EC2 spreads each AZ's instances evenly over its partitions (aws-semantics §4); aws mode deals them round-robin in allocation order"
                    .to_owned(),
            );
            markets.run(&mut view, &od_pools, &spot_pools)
        }
    };
    let Run {
        od,
        spot,
        spot_spec,
        spot_per_instance,
    } = run;

    if spot_spec.target + EPS < nominal_spot {
        notes.push(format!(
            "On-Demand overshoot counts towards the total: the Spot part is {} {unit} (the fleet stops at its total target capacity; aws-semantics §1.5, §1.6)",
            num(spot_spec.target)
        ));
    }
    for (per_instance, spec) in [
        (od_per_instance, &markets.od),
        (spot_per_instance, &spot_spec),
    ] {
        if per_instance && spec.target > EPS {
            notes.push(format!(
                "{}: every weight is at least the part ({} {unit}), so one instance suffices and prices are compared per instance-hour, not per unit-hour (aws-semantics §1.5)",
                market_word(spec.market),
                num(spec.target),
            ));
        }
    }
    if spot_spec.target > EPS
        && matches!(
            request.spot.strategy,
            SpotStrategy::CapacityOptimized
                | SpotStrategy::PriceCapacityOptimized
                | SpotStrategy::CapacityOptimizedPrioritized
        )
    {
        notes.push(format!(
            "{}: AWS publishes no capacity formula; fleetopt ranks capacity availability by placement score (higher first), then Spot Advisor interruption bucket (lower first), then available-instance estimate (aws-semantics §7)",
            request.spot.strategy
        ));
    }
    if balance_zones {
        let mut text = "ASG: the group is balanced evenly across its AZs first, On-Demand and Spot together (remainder in AZ-ID order), then the strategy runs within each AZ (aws-semantics §2.3)".to_owned();
        if spot_spec.target > EPS && request.spot.strategy == SpotStrategy::LowestPrice {
            let n = request.spot.pools.unwrap_or(spot::ASG_DEFAULT_SPOT_POOLS);
            text.push_str(&format!("; spot lowestPrice uses {n} pools per AZ"));
        }
        notes.push(text);
    }
    for (spec, outcome) in [(&markets.od, &od), (&spot_spec, &spot)] {
        if let Some(note) = restriction_note(spec, outcome, markets.single_az, markets.single_type)
        {
            notes.push(note);
        }
    }

    let mut allocations: Vec<Allocation> = od
        .ledger
        .counts
        .iter()
        .chain(spot.ledger.counts.iter())
        .filter(|(_, count)| **count > 0)
        .map(|(&index, &count)| allocation(&pools[index], count))
        .collect();
    // Rule 12: MinTargetCapacity, all or nothing.
    let unmet_minimum = minimum::unmet(request, od.ledger.delivered, spot.ledger.delivered);
    if let Some(unmet) = &unmet_minimum {
        allocations.clear();
        notes.extend(minimum::note(unmet, unit));
    }
    allocations.sort_by(|a, b| {
        (a.market, &a.availability_zone_id, &a.instance_type).cmp(&(
            b.market,
            &b.availability_zone_id,
            &b.instance_type,
        ))
    });
    // Rule 11: the slots EC2 fills, as fleetopt models them (`placement::slots`).
    let allocations = slots::assign(request.placement, allocations, None);
    let metrics = metrics::compute(
        request,
        candidates.region,
        pools.iter().map(|p| p.instance_type),
        &allocations,
    );

    let od_shortfall = shortfall(&view, &markets.od, &od);
    let spot_shortfall = shortfall(&view, &spot_spec, &spot);
    for (spec, outcome, short) in [
        (&markets.od, &od, &od_shortfall),
        (&spot_spec, &spot, &spot_shortfall),
    ] {
        if let Some(short) = short {
            let unpriced: Vec<_> = candidates
                .unpriced
                .iter()
                .copied()
                .filter(|o| o.market == spec.market)
                .collect();
            if matches!(short, Shortfall::NoEligiblePool { .. }) && !unpriced.is_empty() {
                // Unpriced is not "AWS has no capacity": say what is missing and what could
                // price it.
                notes.push(format!(
                    "{} part of {} {unit}: no priced pool; the catalogue's sources list {} of the candidate types as offered but give no {} price ({}), so they cannot be planned; {}",
                    market_word(spec.market),
                    num(spec.target),
                    if unpriced.len() == 1 { "1 offering".to_owned() } else { format!("{} offerings", unpriced.len()) },
                    market_word(spec.market),
                    crate::candidates::describe_unpriced(&unpriced),
                    crate::candidates::UNPRICED_HINT
                ));
            } else {
                notes.push(shortfall_note(spec, outcome, short, unit));
            }
        }
    }
    notes.extend(
        notes::broken_constraints(request, &allocations, &metrics)
            .into_iter()
            .map(|broken| broken.note),
    );
    let commitments = commitments::bill(request, candidates.region, &allocations);
    if let Some(report) = &commitments {
        notes.extend(commitments::notes(report));
    }

    Plan {
        schema: PLAN_SCHEMA.to_owned(),
        mode: Mode::Aws,
        region: candidates.region.name().clone(),
        strategy: StrategyUsed {
            spot: request.spot.strategy,
            on_demand: request.on_demand.strategy,
        },
        allocations,
        metrics,
        solver: None,
        as_safe_as: None,
        shortfall: unmet_minimum.or(od_shortfall).or(spot_shortfall),
        commitments,
        tenancy: request.tenancy,
        notes,
    }
}

/// Both markets' settings, and how to run them one after the other.
struct Markets<'p> {
    /// The total target.
    total: f64,
    /// On-Demand.
    od: MarketSpec,
    /// Spot, with the nominal part (total − On-Demand target) as its target.
    spot: MarketSpec,
    /// Every eligible spot pool (for rule 2's one-instance test).
    spot_pools: &'p [usize],
    single_az: bool,
    single_type: bool,
}

/// What running both markets gave.
struct Run {
    od: Outcome,
    spot: Outcome,
    /// The spot settings with the spot part actually used.
    spot_spec: MarketSpec,
    /// Spot prices were compared per instance-hour (rule 2).
    spot_per_instance: bool,
}

impl Markets<'_> {
    /// Rule 1: On-Demand first; then Spot fills what is left of the total. On-Demand overshoot
    /// (rounding up) counts towards the total, so the Spot part is total − max(On-Demand
    /// delivered, On-Demand target): the fleet stops at its total target capacity and the whole
    /// fleet overshoots by less than its largest weight (the bound AWS documents for ASG). An
    /// On-Demand part that falls short is not made up with Spot.
    fn run(&self, view: &mut View<'_, '_>, od_scope: &[usize], spot_scope: &[usize]) -> Run {
        view.zone_used.clear();
        view.zone_quota = None;
        let od = run_restricted(view, &self.od, od_scope, self.single_az, self.single_type);
        // Rule 10: a spread group's per-AZ limit counts both markets.
        view.zone_used = od.ledger.zone_counts.clone();
        // Rule 6: an ASG balances the whole group, so Spot makes up each AZ's group share.
        if self.spot.balance_zones && od.ledger.delivered > EPS {
            let zones: BTreeSet<ZoneId> = od_scope
                .iter()
                .chain(spot_scope)
                .map(|&i| view.pools[i].pool.zone.clone())
                .collect();
            let mut held: BTreeMap<ZoneId, f64> = BTreeMap::new();
            for (&index, &count) in &od.ledger.counts {
                let pool = &view.pools[index];
                *held.entry(pool.pool.zone.clone()).or_insert(0.0) +=
                    f64::from(count) * pool.weight;
            }
            let total = self.total.max(od.ledger.delivered);
            view.zone_quota = Some(split::spot_quota(total, &zones, &held));
        }
        let spot_part = (self.total - od.ledger.delivered.max(self.od.target)).max(0.0);
        let spot_per_instance =
            rank::set_price_keys(view.pools, self.spot_pools, spot_part, &mut view.price_key);
        let spot_spec = MarketSpec {
            target: spot_part,
            ..self.spot
        };
        let spot = run_restricted(
            view,
            &spot_spec,
            spot_scope,
            self.single_az,
            self.single_type,
        );
        Run {
            od,
            spot,
            spot_spec,
            spot_per_instance,
        }
    }
}

fn finite_non_negative(value: f64) -> f64 {
    if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    }
}

/// A pool the emulation can price and count: finite positive price and weight.
fn usable(candidate: &CandidatePool<'_>) -> bool {
    let price = candidate.pool.price_per_hour;
    let weight = candidate.weight;
    price.is_finite() && price > 0.0 && weight.is_finite() && weight > 0.0
}

fn allocation(candidate: &CandidatePool<'_>, count: u32) -> Allocation {
    Allocation {
        instance_type: candidate.pool.instance_type.clone(),
        availability_zone_id: candidate.pool.zone.clone(),
        market: candidate.pool.market,
        count,
        weight: candidate.weight,
        capacity: f64::from(count) * candidate.weight,
        price_per_hour: candidate.pool.price_per_hour,
        placement: None,
    }
}

/// Rule 10: a cluster group is one AZ and, unless `multiple_types`, one instance type (AWS's
/// recommendation, DESIGN §6), for both markets together. Candidate groups (AZs, or (AZ, type)
/// pairs) are tried in the order of the first market's ranking (On-Demand when it has a part,
/// else Spot), then the other market's; the first group where both parts are met wins, else
/// the group delivering the most (earliest on ties).
fn cluster_run(
    view: &mut View<'_, '_>,
    markets: &Markets<'_>,
    od_pools: &[usize],
    one_type: bool,
) -> (Run, Option<ClusterGroup>) {
    let spot_pools = markets.spot_pools;
    let od_first = markets.od.target > EPS && !od_pools.is_empty();
    let order: [(&MarketSpec, &[usize]); 2] = if od_first {
        [(&markets.od, od_pools), (&markets.spot, spot_pools)]
    } else {
        [(&markets.spot, spot_pools), (&markets.od, od_pools)]
    };
    let group_of = |view: &View<'_, '_>, i: usize| ClusterGroup {
        zone: view.pools[i].pool.zone.clone(),
        instance_type: one_type.then(|| view.pools[i].pool.instance_type.clone()),
    };
    let mut groups: Vec<ClusterGroup> = Vec::new();
    for (spec, scope) in order {
        for index in view.rank(scope, spec.ranking) {
            let group = group_of(view, index);
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    let mut best: Option<(f64, Run, ClusterGroup)> = None;
    for group in groups {
        let in_group = |scope: &[usize]| -> Vec<usize> {
            scope
                .iter()
                .copied()
                .filter(|&i| group_of(view, i) == group)
                .collect()
        };
        let (od_scope, spot_scope) = (in_group(od_pools), in_group(spot_pools));
        let run = markets.run(view, &od_scope, &spot_scope);
        if run.od.full(&markets.od) && run.spot.full(&run.spot_spec) {
            return (run, Some(group));
        }
        let total = run.od.ledger.delivered + run.spot.ledger.delivered;
        if best.as_ref().is_none_or(|b| total > b.0 + EPS) {
            best = Some((total, run, group));
        }
    }
    match best {
        Some((_, run, group)) => (run, Some(group)),
        None => (markets.run(view, &[], &[]), None),
    }
}

/// The AZ (and type) a cluster placement group is restricted to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClusterGroup {
    zone: ZoneId,
    instance_type: Option<TypeName>,
}

fn cluster_note(group: Option<&ClusterGroup>) -> String {
    match group {
        Some(ClusterGroup {
            zone,
            instance_type: Some(name),
        }) => format!(
            "aws mode ignores placement groups except for cluster requests: this cluster group uses cluster-capable types only, all in {zone} and all {name} (one type unless multiple_types; the first choice that holds the fleet; AWS does not document multi-AZ overrides with a cluster group, aws-semantics §7)"
        ),
        Some(ClusterGroup {
            zone,
            instance_type: None,
        }) => format!(
            "aws mode ignores placement groups except for cluster requests: this cluster group uses cluster-capable types only, all in {zone} (the first choice that holds the fleet; AWS does not document multi-AZ overrides with a cluster group, aws-semantics §7)"
        ),
        None => "aws mode ignores placement groups except for cluster requests: no cluster-capable pool is eligible".to_owned(),
    }
}

fn restriction_note(
    spec: &MarketSpec,
    outcome: &Outcome,
    single_az: bool,
    single_type: bool,
) -> Option<String> {
    let chosen = outcome.chosen.as_ref()?;
    let flag = match (single_az, single_type) {
        (true, true) => "single_az and single_type",
        (true, false) => "single_az",
        _ => "single_type",
    };
    let what = match (&chosen.zone, &chosen.instance_type) {
        (Some(zone), Some(name)) => format!("{name} in {zone}"),
        (Some(zone), None) => format!("AZ {zone}"),
        (None, Some(name)) => format!("instance type {name}"),
        (None, None) => return None,
    };
    let market = market_word(spec.market);
    Some(if chosen.holds_part {
        format!(
            "{flag}: the {market} part uses only {what}, the strategy's first choice that holds the whole part (AWS applies SingleAvailabilityZone / SingleInstanceType per market; aws-semantics §1.9)"
        )
    } else {
        format!(
            "{flag}: no single choice holds the whole {market} part; {what} holds the most (aws-semantics §1.9)"
        )
    })
}

/// Rules 7 and 8: why a market fell short, if it did. Availability when every pool it could
/// use is at its estimate; else the budget when it limited a launch.
fn shortfall(view: &View<'_, '_>, spec: &MarketSpec, outcome: &Outcome) -> Option<Shortfall> {
    if outcome.full(spec) {
        return None;
    }
    let reservations_only =
        spec.reservations == ReservationPreference::Only && spec.market == Market::OnDemand;
    Some(if reservations_only {
        Shortfall::Reservations {
            market: spec.market,
        }
    } else if outcome.scope.is_empty() {
        Shortfall::NoEligiblePool {
            market: spec.market,
        }
    } else if outcome.ledger.budget_hit && !all_capped(view, &outcome.ledger, &outcome.scope) {
        Shortfall::Budget {
            market: spec.market,
            max_total_price: spec.budget.unwrap_or(0.0),
        }
    } else if let Some(per_az) = view.zone_limit
        && zone_limited(view, &outcome.ledger, &outcome.scope)
    {
        Shortfall::SpreadLimit {
            market: spec.market,
            per_az,
        }
    } else {
        Shortfall::Availability {
            market: spec.market,
        }
    })
}

fn shortfall_note(
    spec: &MarketSpec,
    outcome: &Outcome,
    short: &Shortfall,
    unit: crate::request::CapacityUnit,
) -> String {
    let market = market_word(spec.market);
    let reached = num(outcome.ledger.delivered);
    let part = num(spec.target);
    match short {
        Shortfall::Budget {
            max_total_price, ..
        } => format!(
            "{market} part stopped at {reached} of {part} {unit}: the next instance would exceed max_total_price {} USD/hour (aws-semantics §1.6)",
            num(*max_total_price)
        ),
        Shortfall::Availability { .. } => format!(
            "{market} part reached {reached} of {part} {unit}: every eligible pool is at its available-instance estimate"
        ),
        Shortfall::NoEligiblePool { .. } => {
            format!("{market} part of {part} {unit}: no eligible pool")
        }
        Shortfall::MinTargetCapacity { .. } => minimum::note(short, unit).unwrap_or_default(),
        Shortfall::Reservations { .. } => format!(
            "{market} part reached {reached} of {part} {unit}: capacity-reservations-only, and every pool with unused open Capacity Reservations holds what they hold (aws-semantics §2.5)"
        ),
        Shortfall::SpreadLimit { per_az, .. } => format!(
            "{market} part reached {reached} of {part} {unit}, short by {}: every AZ with an eligible pool holds its {per_az} instances, EC2's limit of {SPREAD_LIMIT} running instances per AZ per spread group (aws-semantics §4)",
            num(spec.target - outcome.ledger.delivered)
        ),
    }
}
