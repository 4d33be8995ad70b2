//! One trial: the fleet stepped through the horizon (see the module docs of `simulate` for the
//! model). Scratch buffers are reused across the trials one worker runs, so a step allocates
//! nothing.

use std::collections::VecDeque;

use fleetopt_instances::Market;

use super::AzEventScope;
use super::model::{Model, REL_EPS};
use super::rng::Rng;

/// Per-pool totals of one trial.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PoolTally {
    /// Interruption events that reclaimed at least one instance.
    pub events: u64,
    /// Instances reclaimed (pool events and AZ events).
    pub interrupted: u64,
    /// Instances launched as replacements.
    pub launched: u64,
}

/// A trial's totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TrialTotals {
    /// Steps whose end-of-step capacity reached the target.
    pub steps_at_target: u64,
    /// USD over the horizon.
    pub cost: f64,
    /// AZ events that reclaimed at least one instance.
    pub az_events: u64,
    /// On-Demand instances launched because no spot pool could take a replacement.
    pub fallback_instances: u64,
    /// Lowest end-of-step capacity.
    pub min_capacity: f64,
}

/// Reusable per-worker state.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    counts: Vec<u32>,
    pool_cool_until: Vec<u32>,
    zone_cool_until: Vec<u32>,
    /// Replenishment checks due: (step, market), in due order (the delay is constant).
    pending: VecDeque<(u32, Market)>,
    /// Spot pools with instances and a non-zero hazard.
    active: Vec<usize>,
    /// Per-pool tallies of the current trial; only the pools in `touched` are non-zero.
    pub tally: Vec<PoolTally>,
    /// Pools whose tally changed in the current trial (may repeat).
    pub touched: Vec<usize>,
}

impl Scratch {
    /// Hands every non-zero tally to `add` and zeroes it, ready for the next trial. Cost
    /// follows the pools a trial touched, not the size of the candidate set.
    pub(crate) fn drain_tally(&mut self, mut add: impl FnMut(usize, PoolTally)) {
        self.touched.sort_unstable();
        self.touched.dedup();
        for &i in &self.touched {
            add(i, std::mem::take(&mut self.tally[i]));
        }
        self.touched.clear();
    }
}

/// Runs trial `trial`; `record(step, capacity)` sees the capacity at the end of every step.
pub(crate) fn run(
    model: &Model<'_>,
    seed: u64,
    trial: u64,
    scratch: &mut Scratch,
    mut record: impl FnMut(u32, f64),
) -> TrialTotals {
    let mut rng = Rng::for_trial(seed, trial);
    let s = scratch;
    s.counts.clear();
    s.counts.extend(model.planned_counts());
    s.pool_cool_until.clear();
    s.pool_cool_until.resize(model.pools.len(), 0);
    s.zone_cool_until.clear();
    s.zone_cool_until.resize(model.zones.len(), 0);
    s.pending.clear();
    // Tallies are zeroed by `drain_tally` after each trial; a fresh or re-sized buffer starts
    // zeroed.
    if s.tally.len() != model.pools.len() {
        s.tally.clear();
        s.tally.resize(model.pools.len(), PoolTally::default());
        s.touched.clear();
    }

    let mut fleet = Fleet::measure(model, s);
    let mut totals = TrialTotals {
        min_capacity: f64::INFINITY,
        ..TrialTotals::default()
    };
    let at_target = model.target * (1.0 - REL_EPS);
    for step in 0..model.steps {
        let mut changed = false;
        // 1. Replacements whose launch delay has passed.
        while s.pending.front().is_some_and(|&(due, _)| due <= step) {
            let Some((_, market)) = s.pending.pop_front() else {
                break;
            };
            if model.replenish && !replenish(model, s, &mut totals, &fleet, step, market) {
                // Not all of it could be placed: maintain retries after another launch delay.
                let retry = (step + model.delay_steps, market);
                if !s.pending.contains(&retry) {
                    s.pending.push_back(retry);
                }
            }
            fleet = Fleet::measure(model, s);
            changed = true;
        }
        // 2. Pool interruption events.
        let mut lost_spot = false;
        for k in 0..s.active.len() {
            let i = s.active[k];
            let pool = &model.pools[i];
            if !rng.below(pool.event_threshold) {
                continue;
            }
            let n = s.counts[i];
            let lost = if pool.reclaim_threshold == u64::MAX {
                n
            } else {
                (0..n).filter(|_| rng.below(pool.reclaim_threshold)).count() as u32
            };
            if lost > 0 {
                s.counts[i] -= lost;
                s.tally[i].events += 1;
                s.tally[i].interrupted += u64::from(lost);
                s.touched.push(i);
                s.pool_cool_until[i] = step + 1 + model.cooldown_steps;
                lost_spot = true;
            }
        }
        // 3. AZ events.
        let mut lost_on_demand = false;
        if model.az_threshold > 0 {
            for z in 0..model.zones.len() {
                if !rng.below(model.az_threshold) {
                    continue;
                }
                let mut hit = false;
                for &i in &model.pools_in_zone[z] {
                    let market = model.pools[i].market();
                    if s.counts[i] == 0
                        || (market == Market::OnDemand && model.az_scope == AzEventScope::Spot)
                    {
                        continue;
                    }
                    s.tally[i].interrupted += u64::from(s.counts[i]);
                    s.touched.push(i);
                    s.counts[i] = 0;
                    hit = true;
                    match market {
                        Market::Spot => lost_spot = true,
                        Market::OnDemand => lost_on_demand = true,
                    }
                }
                if hit {
                    totals.az_events += 1;
                    s.zone_cool_until[z] = step + 1 + model.cooldown_steps;
                }
            }
        }
        for (lost, market) in [
            (lost_spot, Market::Spot),
            (lost_on_demand, Market::OnDemand),
        ] {
            let due = step + model.delay_steps;
            if lost && !s.pending.contains(&(due, market)) {
                s.pending.push_back((due, market));
            }
        }
        if changed || lost_spot || lost_on_demand {
            fleet = Fleet::measure(model, s);
        }
        // 4. Observe the end of the step; charge it.
        record(step, fleet.capacity);
        if fleet.capacity >= at_target {
            totals.steps_at_target += 1;
        }
        totals.min_capacity = totals.min_capacity.min(fleet.capacity);
        totals.cost += fleet.cost_per_hour * model.step_hours;
    }
    totals
}

/// The fleet's current totals; recomputed from the counts after every change (never updated
/// incrementally, so no rounding drift builds up).
#[derive(Debug, Clone, Copy)]
struct Fleet {
    capacity: f64,
    cost_per_hour: f64,
}

impl Fleet {
    fn measure(model: &Model<'_>, s: &mut Scratch) -> Fleet {
        let mut capacity = 0.0;
        let mut cost_per_hour = 0.0;
        s.active.clear();
        for (i, (pool, &n)) in model.pools.iter().zip(&s.counts).enumerate() {
            if n == 0 {
                continue;
            }
            capacity += f64::from(n) * pool.weight;
            cost_per_hour += f64::from(n) * pool.pool.price_per_hour;
            if pool.event_threshold > 0 {
                s.active.push(i);
            }
        }
        Fleet {
            capacity,
            cost_per_hour,
        }
    }
}

/// Launches replacements in `market` until the fleet is back at its goal. Returns false when
/// capacity is still missing (every usable pool is cooling down or at its available-instance
/// estimate), so the caller retries later.
fn replenish(
    model: &Model<'_>,
    s: &mut Scratch,
    totals: &mut TrialTotals,
    fleet: &Fleet,
    step: u32,
    market: Market,
) -> bool {
    let mut deficit = model.goal - fleet.capacity;
    let eps = model.target * REL_EPS;
    if deficit <= eps {
        return true;
    }
    let (first, fallback): (&[usize], &[usize]) = match market {
        Market::Spot if model.on_demand_fallback => (&model.spot_order, &model.on_demand_order),
        Market::Spot => (&model.spot_order, &[]),
        Market::OnDemand => (&model.on_demand_order, &[]),
    };
    for (order, is_fallback) in [(first, false), (fallback, true)] {
        for &i in order {
            if deficit <= eps {
                break;
            }
            let pool = &model.pools[i];
            if s.pool_cool_until[i] > step || s.zone_cool_until[pool.zone] > step {
                continue;
            }
            // Weights round up, as EC2 does (aws-semantics §1.5).
            let need = (deficit / pool.weight - REL_EPS).ceil().max(1.0);
            let room = pool
                .pool
                .available_instances
                .map_or(f64::from(u32::MAX.saturating_sub(s.counts[i])), |cap| {
                    f64::from(cap.saturating_sub(s.counts[i]))
                });
            let take = need.min(room) as u32;
            if take == 0 {
                continue;
            }
            s.counts[i] += take;
            s.tally[i].launched += u64::from(take);
            s.touched.push(i);
            if is_fallback {
                totals.fallback_instances += u64::from(take);
            }
            deficit -= f64::from(take) * pool.weight;
        }
    }
    deficit <= eps
}
