//! The fixed part of a simulation: the pools a fleet runs in or may be replenished into, their
//! per-step event thresholds, and the order replenishment tries them in. Built once per run and
//! shared read-only by every trial.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use fleetopt_instances::{CapacityPool, Catalog, Market, Platform, TypeName, ZoneId};

use super::rng::threshold;
use super::{AzEventScope, PlanProblem, SimulateError, SimulationOptions};
use crate::candidates;
use crate::plan::Plan;
use crate::request::{FleetRequest, SpotStrategy};
use crate::risk::HazardModel;

/// One pool of the simulation.
#[derive(Debug, Clone)]
pub(crate) struct Pool<'c> {
    /// The catalogue pool.
    pub pool: &'c CapacityPool,
    /// Index into [`Model::zones`].
    pub zone: usize,
    /// Units per instance.
    pub weight: f64,
    /// Instances the plan puts here.
    pub planned: u32,
    /// Per-step threshold of a pool interruption event (0 = never; On-Demand).
    pub event_threshold: u64,
    /// Per-instance threshold of being reclaimed in an event (`reclaim_fraction`).
    pub reclaim_threshold: u64,
}

impl Pool<'_> {
    pub(crate) fn market(&self) -> Market {
        self.pool.market
    }
}

/// Everything trials share.
#[derive(Debug, Clone)]
pub(crate) struct Model<'c> {
    /// Pools sorted by (market, AZ ID, type).
    pub pools: Vec<Pool<'c>>,
    /// AZ IDs of every pool, sorted.
    pub zones: Vec<ZoneId>,
    /// Pool indices per zone.
    pub pools_in_zone: Vec<Vec<usize>>,
    /// Spot pools in replenishment order.
    pub spot_order: Vec<usize>,
    /// On-Demand pools in replenishment order.
    pub on_demand_order: Vec<usize>,
    /// Per-step, per-AZ event threshold (0 = no AZ events).
    pub az_threshold: u64,
    /// Whole steps in the horizon.
    pub steps: u32,
    /// Step length, hours.
    pub step_hours: f64,
    /// Steps from a loss to its replacement running (≥ 1).
    pub delay_steps: u32,
    /// Steps a pool or AZ stays excluded after a loss.
    pub cooldown_steps: u32,
    /// The fleet's target.
    pub target: f64,
    /// What replenishment restores: min(target, the plan's capacity).
    pub goal: f64,
    /// Which markets an AZ event reclaims.
    pub az_scope: AzEventScope,
    /// Replace lost capacity at all.
    pub replenish: bool,
    /// Fall back to On-Demand when no spot pool can take a replacement.
    pub on_demand_fallback: bool,
    /// Where the hazard model came from (`request` or `default`).
    pub hazard_source: &'static str,
}

/// Tolerance for capacity comparisons, relative to the target.
pub(crate) const REL_EPS: f64 = crate::tolerance::RELATIVE_NOISE;

/// The most a plan's capacity may exceed its target, as a ratio: beyond it the numbers are not
/// a fleet but an edited file (a solved plan overshoots by less than one instance's weight).
pub(crate) const MAX_CAPACITY_RATIO: f64 = 1e12;

impl<'c> Model<'c> {
    /// Builds the model: checks the plan against the catalogue, resolves replacement
    /// candidates, precomputes thresholds and orders.
    pub(crate) fn build(
        catalog: &'c Catalog,
        request: Option<&FleetRequest>,
        plan: &Plan,
        options: &SimulationOptions,
    ) -> Result<Model<'c>, SimulateError> {
        options.validate()?;
        let target = plan.metrics.target;
        if !(target.is_finite() && target > 0.0) {
            return Err(SimulateError::Plan {
                path: "metrics.target".to_owned(),
                problem: PlanProblem::NotPositive { found: target },
            });
        }
        let region = catalog
            .region(plan.region.as_str())
            .ok_or_else(|| SimulateError::Plan {
                path: "region".to_owned(),
                problem: PlanProblem::UnknownRegion {
                    region: plan.region.clone(),
                },
            })?;
        let hazard = match request {
            Some(request) => request.risk.hazard.clone(),
            None => HazardModel::default(),
        };
        hazard.validate().map_err(SimulateError::Hazard)?;
        let platform = request.map_or(Platform::LinuxUnix, |r| r.platform);

        // The plan's pools (placement slots of one pool merge: the simulation has no slots).
        type Key = (Market, ZoneId, TypeName);
        let mut table: BTreeMap<Key, (&'c CapacityPool, f64, u32)> = BTreeMap::new();
        for (i, a) in plan.allocations.iter().enumerate() {
            if !(a.weight.is_finite() && a.weight > 0.0) {
                return Err(SimulateError::Plan {
                    path: format!("allocations[{i}].weight"),
                    problem: PlanProblem::NotPositive { found: a.weight },
                });
            }
            let pool = region
                .pools_of(a.instance_type.as_str())
                .iter()
                .find(|p| {
                    p.zone == a.availability_zone_id
                        && p.market == a.market
                        && p.platform == platform
                })
                .ok_or_else(|| SimulateError::Plan {
                    path: format!("allocations[{i}]"),
                    problem: PlanProblem::NoPool {
                        market: a.market,
                        instance_type: a.instance_type.clone(),
                        zone: a.availability_zone_id.clone(),
                        region: plan.region.clone(),
                        platform,
                    },
                })?;
            // The plan's arithmetic is checked, not trusted: an edited plan whose capacity is
            // not its count × weight would simulate another fleet than it states.
            let held = f64::from(a.count) * a.weight;
            if !(a.capacity.is_finite()
                && (held - a.capacity).abs()
                    <= crate::tolerance::NOISE + crate::tolerance::RELATIVE_NOISE * held.abs())
            {
                return Err(SimulateError::Plan {
                    path: format!("allocations[{i}].capacity"),
                    problem: PlanProblem::CapacityMismatch {
                        count: a.count,
                        weight: a.weight,
                        found: a.capacity,
                    },
                });
            }
            let key = (
                a.market,
                a.availability_zone_id.clone(),
                a.instance_type.clone(),
            );
            let entry = table.entry(key).or_insert((pool, a.weight, 0));
            if (entry.1 - a.weight).abs() > crate::tolerance::WEIGHT * entry.1.max(1.0) {
                return Err(SimulateError::Plan {
                    path: format!("allocations[{i}].weight"),
                    problem: PlanProblem::WeightsDiffer {
                        first: entry.1,
                        found: a.weight,
                    },
                });
            }
            entry.2 = entry
                .2
                .checked_add(a.count)
                .ok_or_else(|| SimulateError::Plan {
                    path: format!("allocations[{i}].count"),
                    problem: PlanProblem::TooManyInstances,
                })?;
        }
        let stated: f64 = plan.allocations.iter().fold(0.0, |sum, a| sum + a.capacity);
        let capacity = plan.metrics.capacity;
        if !(capacity.is_finite()
            && (stated - capacity).abs()
                <= crate::tolerance::NOISE + crate::tolerance::RELATIVE_NOISE * stated.abs())
        {
            return Err(SimulateError::Plan {
                path: "metrics.capacity".to_owned(),
                problem: PlanProblem::TotalMismatch {
                    allocations: stated,
                    found: capacity,
                },
            });
        }
        let ratio = stated / target;
        if !ratio.is_finite() || ratio > MAX_CAPACITY_RATIO {
            return Err(SimulateError::Plan {
                path: "metrics.capacity".to_owned(),
                problem: PlanProblem::CapacityOutOfScale {
                    capacity: stated,
                    target,
                },
            });
        }

        // Replacement candidates: the request's pools, else the plan's own pools plus the
        // On-Demand pool of each planned spot type and AZ (for the fallback).
        match request {
            Some(request) => {
                let mut request = request.clone();
                request.region = Some(plan.region.clone());
                let set = candidates::resolve(catalog, &request)?;
                for c in &set.pools {
                    // AWS fulfils spot only below the max price (aws-semantics §1.6).
                    if c.pool.market == Market::Spot
                        && c.max_price.is_some_and(|max| c.pool.price_per_hour >= max)
                    {
                        continue;
                    }
                    let key = (
                        c.pool.market,
                        c.pool.zone.clone(),
                        c.pool.instance_type.clone(),
                    );
                    table.entry(key).or_insert((c.pool, c.weight, 0));
                }
            }
            None => {
                let spot: Vec<(ZoneId, TypeName, f64)> = table
                    .iter()
                    .filter(|(k, _)| k.0 == Market::Spot)
                    .map(|(k, v)| (k.1.clone(), k.2.clone(), v.1))
                    .collect();
                for (zone, name, weight) in spot {
                    if let Some(pool) = region.pools_of(name.as_str()).iter().find(|p| {
                        p.zone == zone && p.market == Market::OnDemand && p.platform == platform
                    }) {
                        table
                            .entry((Market::OnDemand, zone, name))
                            .or_insert((pool, weight, 0));
                    }
                }
            }
        }

        let step_hours = options.step_minutes / 60.0;
        let mut zones: Vec<ZoneId> = table.keys().map(|k| k.1.clone()).collect();
        zones.sort();
        zones.dedup();
        let mut pools = Vec::with_capacity(table.len());
        let reclaim_threshold = threshold(options.reclaim_fraction);
        for ((market, zone, _), (pool, weight, planned)) in table {
            // Each instance's marginal hazard stays the Advisor's h: events come at h ÷ f and
            // each reclaims every instance with probability f.
            let rate = hazard.pool_hazard(pool) * options.hazard_scale / options.reclaim_fraction;
            let event_threshold = if market == Market::Spot {
                threshold(-(-rate * step_hours).exp_m1())
            } else {
                0
            };
            pools.push(Pool {
                pool,
                zone: zones.binary_search(&zone).unwrap_or_default(),
                weight,
                planned,
                event_threshold,
                reclaim_threshold,
            });
        }
        let mut pools_in_zone = vec![Vec::new(); zones.len()];
        for (i, p) in pools.iter().enumerate() {
            pools_in_zone[p.zone].push(i);
        }
        let capacity_first = matches!(
            plan.strategy.spot,
            SpotStrategy::CapacityOptimized
                | SpotStrategy::CapacityOptimizedPrioritized
                | SpotStrategy::PriceCapacityOptimized
        );
        let spot_order = order(&pools, Market::Spot, capacity_first);
        let on_demand_order = order(&pools, Market::OnDemand, false);

        let steps = (options.hours * 60.0 / options.step_minutes - crate::tolerance::NOISE)
            .ceil()
            .max(1.0) as u32;
        let plan_capacity = pools
            .iter()
            .fold(0.0, |sum, p| sum + f64::from(p.planned) * p.weight);
        Ok(Model {
            pools,
            zones,
            pools_in_zone,
            spot_order,
            on_demand_order,
            az_threshold: threshold(-(-options.az_event_rate * step_hours).exp_m1()),
            steps,
            step_hours,
            delay_steps: steps_for(options.launch_delay_minutes, options.step_minutes).max(1),
            cooldown_steps: steps_for(options.cooldown_minutes, options.step_minutes),
            target,
            goal: target.min(plan_capacity),
            az_scope: options.az_event_scope,
            replenish: options.replenish,
            on_demand_fallback: options.on_demand_fallback,
            hazard_source: if request.is_some() {
                "request"
            } else {
                "default"
            },
        })
    }

    /// The planned instance count of every pool (a trial's starting state).
    pub(crate) fn planned_counts(&self) -> impl Iterator<Item = u32> + '_ {
        self.pools.iter().map(|p| p.planned)
    }
}

/// Whole steps covering `minutes` (rounded up, so a delay is never shortened).
fn steps_for(minutes: f64, step_minutes: f64) -> u32 {
    (minutes / step_minutes - crate::tolerance::NOISE)
        .ceil()
        .max(0.0) as u32
}

/// One market's pools in replenishment order. Price order: cheapest per unit-hour. Capacity
/// order (the capacity strategies): aws mode's availability proxy — placement score (higher
/// first, none last), Spot Advisor bucket (lower first, none last) — then price. Ties: type
/// name, AZ ID.
fn order(pools: &[Pool<'_>], market: Market, capacity_first: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pools.len())
        .filter(|&i| pools[i].market() == market)
        .collect();
    let per_unit = |p: &Pool<'_>| p.pool.price_per_hour / p.weight;
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&pools[a], &pools[b]);
        let capacity = if capacity_first {
            // Higher score first; `None` below every score.
            pb.pool
                .placement_score
                .cmp(&pa.pool.placement_score)
                .then_with(|| bucket_key(pa).cmp(&bucket_key(pb)))
        } else {
            Ordering::Equal
        };
        capacity
            .then_with(|| per_unit(pa).total_cmp(&per_unit(pb)))
            .then_with(|| pa.pool.instance_type.cmp(&pb.pool.instance_type))
            .then_with(|| pa.pool.zone.cmp(&pb.pool.zone))
    });
    order
}

/// Bucket, lower first, unknown after bucket 4.
fn bucket_key(p: &Pool<'_>) -> u8 {
    p.pool.interruption_bucket.unwrap_or(u8::MAX)
}
