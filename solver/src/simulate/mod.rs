//! Monte Carlo interruption simulation (DESIGN §9): how a plan's capacity holds up over a
//! horizon when spot pools are interrupted and the fleet replaces what it loses, as an EC2 Fleet
//! or Spot Fleet of type `maintain` does.
//!
//! # The model
//!
//! Time advances in steps of `step_minutes` (default 5) over `hours` (default 24); the last
//! step is whole, so the horizon is `steps × step_minutes`. Each trial starts from the plan's
//! instances and runs, every step, in this order:
//!
//! 1. **Replacements.** A replenishment check that is due runs: the fleet's *goal* is
//!    min(target, the plan's capacity) — `maintain` keeps the target, and a plan that stopped
//!    short (budget, availability) is not topped up beyond itself. If the current capacity is
//!    below the goal, instances are launched, in the market of the loss that scheduled the check,
//!    into the first usable pools of that market's replenishment order until the goal is met
//!    (weights round up, as EC2's do; a pool's `available_instances` estimate caps it). A pool is
//!    *usable* unless it, or its AZ, lost instances less than `cooldown_minutes` (default 60)
//!    ago. The order is fleetopt's greedy stand-in for re-running the allocation strategy over
//!    the surviving pools: cheapest per unit-hour first for `lowestPrice` and `diversified`
//!    plans, and for the capacity strategies aws mode's availability proxy (placement score
//!    higher first, then Spot Advisor bucket lower first) before price; ties by type name, AZ
//!    ID. With `on_demand_fallback`, spot capacity that no usable spot pool can take is
//!    launched On-Demand (cheapest per unit-hour first) and stays On-Demand to the horizon's
//!    end. Whatever cannot be placed is retried one launch delay later.
//! 2. **Pool interruptions** (correlated within a pool). Each spot pool holding instances
//!    suffers an interruption *event* with probability `1 − exp(−λ·Δt)`, `Δt` the step in hours,
//!    `λ = h × hazard_scale ÷ reclaim_fraction` and `h` the pool's hourly hazard from its Spot
//!    Advisor bucket ([`pool_hazard`](crate::risk::HazardModel::pool_hazard) of the request's
//!    `[risk]` model, or of the default model without a request). An event reclaims each of the pool's instances with
//!    probability `reclaim_fraction` (a Binomial share; default 1: the whole pool goes at once,
//!    as when EC2 takes a pool's spare capacity back). Dividing by the fraction keeps every
//!    instance's marginal hazard at `h × hazard_scale`, so the expected number of interrupted
//!    instances matches the plan's `expected_interruptions_per_hour` whatever the correlation.
//!    On-Demand instances are never interrupted (AWS: "An On-Demand Instance specified in an EC2
//!    Fleet or Spot Fleet cannot be interrupted").
//! 3. **AZ events** (optional). Each AZ that holds a simulated pool suffers an event with
//!    probability `1 − exp(−az_event_rate·Δt)`; an event reclaims every spot instance in the AZ
//!    (`AzEventScope::Spot`, the default) or every instance (`AzEventScope::All`, an AZ outage)
//!    and puts the AZ in cool-down.
//! 4. **Observation.** The step's end-of-step capacity is recorded, and the instances then
//!    running are charged for the whole step at their pool's catalogue price (instances lost
//!    during the step are not charged for it).
//!
//! A loss in step `k` schedules a replenishment check at step `k + d`, `d` the launch delay
//! (`launch_delay_minutes`, default 5) in whole steps, at least one: the capacity recorded at
//! the end of steps `k … k+d−1` lacks the lost instances, and step `k+d` has their replacements.
//!
//! **Replacement pools.** With a request, every candidate pool of the request (in the plan's
//! region; spot pools only when priced below their max price, aws-semantics §1.6); without one,
//! the plan's own pools plus the On-Demand pool of each planned spot type and AZ. Placement
//! groups are not modelled (a pool's slots merge).
//!
//! # Example
//!
//! ```
//! use fleetopt_instances::embedded;
//! use fleetopt_solver::request::{FleetRequest, Mode, SpotStrategy};
//! use fleetopt_solver::simulate::{SimulationOptions, simulate};
//! use fleetopt_solver::solve::{SolveOptions, solve};
//!
//! let catalog = embedded::catalog()?;
//! let mut request = FleetRequest::new("us-east-1", 20.0, Mode::Aws);
//! request.candidates.overrides = vec![fleetopt_solver::request::TypeOverride {
//!     pattern: "m5.large".to_owned(),
//!     zone: None,
//!     weight: None,
//!     priority: None,
//!     max_price: None,
//! }];
//! request.spot.strategy = SpotStrategy::Diversified;
//! let plan = solve(&catalog, &request, &SolveOptions::default())?;
//! let options = SimulationOptions { trials: 200, seed: 7, ..SimulationOptions::default() };
//! let report = simulate(&catalog, Some(&request), &plan, &options)?;
//! assert_eq!(report.capacity.len(), 288); // 24 h in 5-minute steps
//! assert!(report.summary.time_at_or_above_target > 0.9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Determinism and memory
//!
//! Trials run in parallel with rayon; trial `i` draws from its own generator seeded from
//! `(seed, i)` (module `rng`: SplitMix64 → xoshiro256++, hand-written, portable), so no
//! result depends on the thread count or the platform. Aggregation is streaming and exact
//! (integer sums, histograms; see `stats`), so memory grows with the horizon (steps ×
//! at most 1,001 buckets × 4 bytes per worker, whatever the plan's capacity ÷ target), never
//! with the number of trials. The work, trials × steps × pools, is bounded by `max_work`
//! before the first trial.

mod model;
mod rng;
mod stats;
#[cfg(test)]
mod tests;
mod trial;

use std::fmt;

use fleetopt_instances::{Catalog, Market, Platform, RegionName, TypeName, ZoneId};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::model::Model;
use self::stats::{Accumulator, Grid};
use crate::candidates::CandidateError;
use crate::error::{Classified, ErrorClass};
use crate::plan::Plan;
use crate::request::{CapacityUnit, FleetRequest};
use crate::risk::RiskError;

/// The schema tag of simulation JSON.
pub const SIMULATION_SCHEMA: &str = "fleetopt.simulation/v1";

/// The most steps a run may have: the histograms hold steps × ~600 counters per worker.
pub const MAX_STEPS: u32 = 20_000;

/// Which instances an AZ event reclaims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AzEventScope {
    /// Every spot instance in the AZ (a spot capacity crunch).
    Spot,
    /// Every instance in the AZ, On-Demand too (an AZ outage).
    All,
}

impl AzEventScope {
    /// Every scope, in the order command-line help lists them.
    pub const ALL: [AzEventScope; 2] = [AzEventScope::Spot, AzEventScope::All];

    /// The spelling of the command line and the report.
    pub fn as_str(self) -> &'static str {
        match self {
            AzEventScope::Spot => "spot",
            AzEventScope::All => "all",
        }
    }
}

impl fmt::Display for AzEventScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to simulate (see the module docs for what each knob means).
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationOptions {
    /// Horizon, hours (> 0).
    pub hours: f64,
    /// Number of trials (≥ 1).
    pub trials: u32,
    /// Seed of the whole run.
    pub seed: u64,
    /// Step length, minutes (> 0).
    pub step_minutes: f64,
    /// From a loss to its replacement running, minutes (≥ 0; at least one step).
    pub launch_delay_minutes: f64,
    /// How long a pool or AZ that lost instances is not used for replacements, minutes (≥ 0).
    pub cooldown_minutes: f64,
    /// Share of a pool's instances an interruption event reclaims, each independently, (0, 1].
    pub reclaim_fraction: f64,
    /// Multiplier on every spot hazard (≥ 0), for stress tests.
    pub hazard_scale: f64,
    /// AZ events per AZ per hour (≥ 0; 0 = none).
    pub az_event_rate: f64,
    /// What an AZ event reclaims.
    pub az_event_scope: AzEventScope,
    /// Replace lost capacity (`maintain`); false = a one-shot (`instant`/`request`) fleet.
    pub replenish: bool,
    /// Launch On-Demand when no spot pool can take a replacement.
    pub on_demand_fallback: bool,
    /// The most work a run may do, trials × steps × simulated pools (> 0; default
    /// [`DEFAULT_MAX_WORK`]), checked before the first trial.
    pub max_work: f64,
}

/// The default bound on trials × steps × pools: 10^10, minutes of CPU on one core at the
/// measured ~10^8 pool-steps per second; `--max-work` raises it.
pub const DEFAULT_MAX_WORK: f64 = 1e10;

impl Default for SimulationOptions {
    fn default() -> Self {
        SimulationOptions {
            hours: 24.0,
            trials: 1_000,
            seed: 1,
            step_minutes: 5.0,
            launch_delay_minutes: 5.0,
            cooldown_minutes: 60.0,
            reclaim_fraction: 1.0,
            hazard_scale: 1.0,
            az_event_rate: 0.0,
            az_event_scope: AzEventScope::Spot,
            replenish: true,
            on_demand_fallback: false,
            max_work: DEFAULT_MAX_WORK,
        }
    }
}

impl SimulationOptions {
    /// Checks every option.
    pub fn validate(&self) -> Result<(), SimulateError> {
        let bad = |name: &'static str, problem: OptionProblem| {
            Err(SimulateError::Option { name, problem })
        };
        let non_negative = |v: f64| v.is_finite() && v >= 0.0;
        if !(self.hours.is_finite() && self.hours > 0.0) {
            return bad("hours", OptionProblem::NotPositive { found: self.hours });
        }
        if !(self.step_minutes.is_finite() && self.step_minutes > 0.0) {
            return bad(
                "step_minutes",
                OptionProblem::NotPositive {
                    found: self.step_minutes,
                },
            );
        }
        let steps = (self.hours * 60.0 / self.step_minutes).ceil();
        if steps > f64::from(MAX_STEPS) {
            return bad(
                "step_minutes",
                OptionProblem::TooManySteps {
                    hours: self.hours,
                    step_minutes: self.step_minutes,
                    steps,
                },
            );
        }
        if self.trials == 0 {
            return bad("trials", OptionProblem::NoTrials);
        }
        if !(self.max_work.is_finite() && self.max_work > 0.0) {
            return bad(
                "max_work",
                OptionProblem::NotPositive {
                    found: self.max_work,
                },
            );
        }
        for (name, value) in [
            ("launch_delay_minutes", self.launch_delay_minutes),
            ("cooldown_minutes", self.cooldown_minutes),
            ("hazard_scale", self.hazard_scale),
            ("az_event_rate", self.az_event_rate),
        ] {
            if !non_negative(value) {
                return bad(name, OptionProblem::Negative { found: value });
            }
        }
        if !(self.reclaim_fraction > 0.0 && self.reclaim_fraction <= 1.0) {
            return bad(
                "reclaim_fraction",
                OptionProblem::NotAShare {
                    found: self.reclaim_fraction,
                },
            );
        }
        Ok(())
    }
}

/// Why a simulation cannot run. Every variant is bad input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimulateError {
    /// An option is out of range.
    #[error("{name}: {problem}")]
    Option {
        /// The option's field name.
        name: &'static str,
        /// What was expected and found.
        #[source]
        problem: OptionProblem,
    },
    /// The plan does not fit the catalogue (or is not a usable plan).
    #[error("{path}: {problem}")]
    Plan {
        /// JSON path inside the plan (`allocations[2]`).
        path: String,
        /// What is wrong.
        #[source]
        problem: PlanProblem,
    },
    /// The request's candidates do not resolve against the catalogue.
    #[error("request: {0}")]
    Candidates(#[from] CandidateError),
    /// The request's hazard model is unusable.
    #[error("request: risk.hazard: {0}")]
    Hazard(#[source] RiskError),
}

/// What is wrong with a simulation option ([`SimulateError::Option`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptionProblem {
    /// A length of time that must be positive.
    #[error("expected a positive number, found {}", crate::prose::number(*found, 6))]
    NotPositive {
        /// The value given.
        found: f64,
    },
    /// More steps than [`MAX_STEPS`].
    #[error(
        "{} hours in steps of {} minutes is {} steps; at most {MAX_STEPS} are allowed (use longer steps or a shorter horizon)",
        crate::prose::number(*hours, 6),
        crate::prose::number(*step_minutes, 6),
        crate::prose::number(*steps, 0)
    )]
    TooManySteps {
        /// The horizon.
        hours: f64,
        /// The step length.
        step_minutes: f64,
        /// The steps they make, ⌈hours × 60 ÷ step⌉.
        steps: f64,
    },
    /// No trials.
    #[error("expected at least 1 trial")]
    NoTrials,
    /// More work than the bound.
    #[error(
        "{trials} trials × {steps} steps × {pools} pools is {work:e} pool-steps, more than the limit of {limit:e}; use fewer trials or longer steps, or raise --max-work"
    )]
    TooMuchWork {
        /// Trials asked.
        trials: u32,
        /// Steps of the horizon.
        steps: u32,
        /// Pools simulated (the plan's and the replacement candidates).
        pools: usize,
        /// Their product.
        work: f64,
        /// The bound.
        limit: f64,
    },
    /// A delay, rate or scale that must be finite and ≥ 0.
    #[error("expected a number ≥ 0, found {}", crate::prose::number(*found, 6))]
    Negative {
        /// The value given.
        found: f64,
    },
    /// A share outside (0, 1].
    #[error("expected a share in (0, 1], found {}", crate::prose::number(*found, 6))]
    NotAShare {
        /// The value given.
        found: f64,
    },
}

/// What is wrong with a plan the simulation was given ([`SimulateError::Plan`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanProblem {
    /// A target or weight that must be positive.
    #[error("expected a positive number, found {}", crate::prose::number(*found, 6))]
    NotPositive {
        /// The value in the plan.
        found: f64,
    },
    /// An allocation's capacity is not its count × weight.
    #[error(
        "capacity {found} is not count × weight = {count} × {weight} = {}; the plan was edited or is not a fleetopt plan",
        f64::from(*count) * weight
    )]
    CapacityMismatch {
        /// The allocation's count.
        count: u32,
        /// Its weight.
        weight: f64,
        /// Its stated capacity.
        found: f64,
    },
    /// The plan's total capacity is not the sum of its allocations'.
    #[error("capacity {found} is not the sum of the allocations' capacities, {allocations}")]
    TotalMismatch {
        /// Σ allocations[].capacity.
        allocations: f64,
        /// metrics.capacity.
        found: f64,
    },
    /// Two allocations of one pool with different weights.
    #[error(
        "weight {found} differs from the weight {first} an earlier allocation of the same pool has"
    )]
    WeightsDiffer {
        /// The first allocation's weight.
        first: f64,
        /// This one's.
        found: f64,
    },
    /// One pool's instances do not fit a 32-bit count.
    #[error(
        "the pool's instances add up to more than {} (the most a count can hold)",
        u32::MAX
    )]
    TooManyInstances,
    /// Capacity and target too far apart to simulate.
    #[error(
        "capacity {capacity} is more than {} × the target {target}; a plan so far from its target cannot be simulated",
        model::MAX_CAPACITY_RATIO
    )]
    CapacityOutOfScale {
        /// The plan's capacity.
        capacity: f64,
        /// Its target.
        target: f64,
    },
    /// The plan's region is not in the catalogue.
    #[error("the catalogue has no region `{region}`")]
    UnknownRegion {
        /// The plan's region.
        region: RegionName,
    },
    /// An allocation's pool is not in the catalogue.
    #[error(
        "the catalogue has no {market} pool of {instance_type} in {zone} ({region}, {platform})"
    )]
    NoPool {
        /// The allocation's market.
        market: Market,
        /// Its instance type.
        instance_type: TypeName,
        /// Its AZ ID.
        zone: ZoneId,
        /// The plan's region.
        region: RegionName,
        /// The platform simulated (the request's, or Linux/UNIX).
        platform: Platform,
    },
}

impl SimulateError {
    /// The class of this failure: always bad input (an option, the plan or the request).
    pub fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }
}

impl Classified for SimulateError {
    fn class(&self) -> ErrorClass {
        SimulateError::class(self)
    }
}

/// A simulation's result, in the stable `fleetopt.simulation/v1` JSON shape (field order is
/// serialised order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    /// Always [`SIMULATION_SCHEMA`].
    pub schema: String,
    /// What was simulated.
    pub inputs: SimulationInputs,
    /// Whole-run figures.
    pub summary: SimulationSummary,
    /// Per pool that the plan uses or that a trial touched, sorted (market, AZ ID, type).
    pub pools: Vec<PoolReport>,
    /// End-of-step capacity across trials, one entry per step.
    pub capacity: Vec<CapacityPoint>,
}

/// The inputs of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationInputs {
    /// Region of the plan.
    pub region: RegionName,
    /// Capacity unit.
    pub unit: CapacityUnit,
    /// The plan's target.
    pub target: f64,
    /// The plan's capacity.
    pub plan_capacity: f64,
    /// The plan's USD/hour at catalogue prices.
    pub plan_cost_per_hour: f64,
    /// Horizon asked, hours.
    pub hours: f64,
    /// Steps simulated (the last one whole).
    pub steps: u32,
    /// Step length, minutes.
    pub step_minutes: f64,
    /// Trials.
    pub trials: u32,
    /// Seed.
    pub seed: u64,
    /// Launch delay, minutes.
    pub launch_delay_minutes: f64,
    /// Cool-down of a pool or AZ after a loss, minutes.
    pub cooldown_minutes: f64,
    /// Share of a pool an event reclaims.
    pub reclaim_fraction: f64,
    /// Hazard multiplier.
    pub hazard_scale: f64,
    /// `request` (its `[risk]` model) or `default`.
    pub hazard_model: String,
    /// AZ events per AZ per hour.
    pub az_event_rate: f64,
    /// What an AZ event reclaims.
    pub az_event_scope: AzEventScope,
    /// Lost capacity is replaced.
    pub replenish: bool,
    /// On-Demand fallback.
    pub on_demand_fallback: bool,
    /// Grid step of the quantiles, in capacity units (target ÷ 400, wider for a plan of more
    /// than twice its target: the grid has at most 1,001 buckets).
    pub quantile_resolution: f64,
}

/// Whole-run figures (means are per trial unless said otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationSummary {
    /// Share of (trial, step) pairs whose end-of-step capacity is at or above the target.
    pub time_at_or_above_target: f64,
    /// Share of trials that were below the target at the end of at least one step.
    pub trials_below_target: f64,
    /// Lowest end-of-step capacity of any trial.
    pub min_capacity: f64,
    /// Mean end-of-step capacity over every trial and step.
    pub mean_capacity: f64,
    /// Mean USD over the horizon, replacements and fallback included.
    pub mean_cost: f64,
    /// USD over the horizon if nothing were interrupted.
    pub planned_cost: f64,
    /// Mean pool interruption events (that reclaimed at least one instance).
    pub mean_pool_interruptions: f64,
    /// Mean instances reclaimed (pool and AZ events).
    pub mean_instances_interrupted: f64,
    /// Mean AZ events (that reclaimed at least one instance).
    pub mean_az_events: f64,
    /// Mean replacement instances launched (fallback included).
    pub mean_replacement_instances: f64,
    /// Mean On-Demand fallback instances launched.
    pub mean_fallback_instances: f64,
}

/// One pool's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolReport {
    /// Instance type.
    pub instance_type: TypeName,
    /// AZ ID.
    pub availability_zone_id: ZoneId,
    /// Market.
    pub market: Market,
    /// Instances the plan puts here.
    pub planned: u32,
    /// Mean interruption events per trial.
    pub mean_interruptions: f64,
    /// Mean instances reclaimed per trial.
    pub mean_instances_interrupted: f64,
    /// Mean replacement instances launched here per trial.
    pub mean_instances_launched: f64,
}

/// Capacity at the end of one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityPoint {
    /// Time at the end of the step, hours.
    pub hour: f64,
    /// 5th percentile across trials (on the quantile grid).
    pub p5: f64,
    /// Median across trials (on the quantile grid).
    pub p50: f64,
    /// Mean across trials.
    pub mean: f64,
}

/// Simulates `plan` (see the module docs). `request`, when given, supplies the hazard model,
/// the platform and the replacement candidates; without it the default hazard model, Linux/UNIX
/// and the plan's own pools are used.
pub fn simulate(
    catalog: &Catalog,
    request: Option<&FleetRequest>,
    plan: &Plan,
    options: &SimulationOptions,
) -> Result<SimulationReport, SimulateError> {
    simulate_with_progress(catalog, request, plan, options, &|_| {})
}

/// How many trials a worker runs between two calls of the progress callback: often enough for a
/// bar that moves every fraction of a second, rarely enough to cost nothing.
pub const PROGRESS_EVERY_TRIALS: u64 = 256;

/// [`simulate`], calling `trials_done(n)` from the worker threads as each further `n` trials
/// finish (at most [`PROGRESS_EVERY_TRIALS`] at a time; the calls sum to the trial count). It is
/// called only after the plan and options are checked, and the report does not depend on it.
pub fn simulate_with_progress(
    catalog: &Catalog,
    request: Option<&FleetRequest>,
    plan: &Plan,
    options: &SimulationOptions,
    trials_done: &(dyn Fn(u64) + Sync),
) -> Result<SimulationReport, SimulateError> {
    let model = Model::build(catalog, request, plan, options)?;
    let work = f64::from(options.trials) * f64::from(model.steps) * model.pools.len() as f64;
    if work > options.max_work {
        return Err(SimulateError::Option {
            name: "max_work",
            problem: OptionProblem::TooMuchWork {
                trials: options.trials,
                steps: model.steps,
                pools: model.pools.len(),
                work,
                limit: options.max_work,
            },
        });
    }
    // Folds from +0.0: an empty float `sum()` is −0.0, which would print as `-0`.
    let plan_capacity = model
        .pools
        .iter()
        .fold(0.0, |sum, p| sum + f64::from(p.planned) * p.weight);
    let plan_cost_per_hour = model.pools.iter().fold(0.0, |sum, p| {
        sum + f64::from(p.planned) * p.pool.price_per_hour
    });
    let grid = Grid::new(model.target, plan_capacity);
    let seed = options.seed;
    // A fixed number of blocks of consecutive trials (four per worker, for balance), one
    // accumulator each: memory does not grow with the trial count. Integer sums merge in any
    // order to the same totals, so the block layout cannot change the report.
    let trials = u64::from(options.trials);
    let blocks = (rayon::current_num_threads() as u64 * 4).clamp(1, trials);
    let acc = (0..blocks)
        .into_par_iter()
        .map(|block| {
            let (start, end) = (block * trials / blocks, (block + 1) * trials / blocks);
            let mut acc = Accumulator::new(&model, grid);
            for trial in start..end {
                acc = acc.add_trial(&model, seed, trial);
                if (trial - start + 1) % PROGRESS_EVERY_TRIALS == 0 {
                    trials_done(PROGRESS_EVERY_TRIALS);
                }
            }
            trials_done((end - start) % PROGRESS_EVERY_TRIALS);
            acc
        })
        .reduce(|| Accumulator::new(&model, grid), Accumulator::merge);

    let trials = f64::from(options.trials);
    let per_trial = |v: u64| v as f64 / trials;
    let horizon_hours = f64::from(model.steps) * model.step_hours;
    let capacity = (0..model.steps as usize)
        .map(|step| CapacityPoint {
            hour: (step + 1) as f64 * model.step_hours,
            p5: acc.quantile(step, 0.05),
            p50: acc.quantile(step, 0.5),
            mean: acc.mean_capacity(step),
        })
        .collect();
    let pools = model
        .pools
        .iter()
        .zip(&acc.pools)
        .filter(|(p, t)| p.planned > 0 || t.interrupted > 0 || t.launched > 0)
        .map(|(p, t)| PoolReport {
            instance_type: p.pool.instance_type.clone(),
            availability_zone_id: p.pool.zone.clone(),
            market: p.pool.market,
            planned: p.planned,
            mean_interruptions: per_trial(t.events),
            mean_instances_interrupted: per_trial(t.interrupted),
            mean_instances_launched: per_trial(t.launched),
        })
        .collect();
    let sum = |f: fn(&trial::PoolTally) -> u64| acc.pools.iter().map(f).sum::<u64>();
    Ok(SimulationReport {
        schema: SIMULATION_SCHEMA.to_owned(),
        inputs: SimulationInputs {
            region: plan.region.clone(),
            unit: plan.metrics.unit,
            target: model.target,
            plan_capacity,
            plan_cost_per_hour,
            hours: options.hours,
            steps: model.steps,
            step_minutes: options.step_minutes,
            trials: options.trials,
            seed,
            launch_delay_minutes: options.launch_delay_minutes,
            cooldown_minutes: options.cooldown_minutes,
            reclaim_fraction: options.reclaim_fraction,
            hazard_scale: options.hazard_scale,
            hazard_model: model.hazard_source.to_owned(),
            az_event_rate: options.az_event_rate,
            az_event_scope: options.az_event_scope,
            replenish: options.replenish,
            on_demand_fallback: options.on_demand_fallback,
            quantile_resolution: grid.resolution(),
        },
        summary: SimulationSummary {
            time_at_or_above_target: acc.steps_at_target as f64 / (trials * f64::from(model.steps)),
            trials_below_target: per_trial(acc.trials_below_target),
            min_capacity: acc.min_capacity,
            mean_capacity: acc.overall_mean_capacity(),
            mean_cost: acc.mean_cost(),
            planned_cost: plan_cost_per_hour * horizon_hours,
            mean_pool_interruptions: per_trial(sum(|t| t.events)),
            mean_instances_interrupted: per_trial(sum(|t| t.interrupted)),
            mean_az_events: per_trial(acc.az_events),
            mean_replacement_instances: per_trial(sum(|t| t.launched)),
            mean_fallback_instances: per_trial(acc.fallback_instances),
        },
        pools,
        capacity,
    })
}
