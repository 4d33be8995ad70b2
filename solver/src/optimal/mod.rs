//! optimal mode: what you should ask for (DESIGN §5). An integer program over instance counts
//! per candidate pool, with every request constraint hard, solved lexicographically by HiGHS
//! through good_lp (the only module that uses good_lp).
//!
//! # Model
//! Variables, rows and bounds are listed in `model` (one function per constraint family in
//! `rows`); eligibility, per-pool bounds and the exact dominance reduction in `prepare`;
//! placement slots in `placement::slots`; infeasibility explanations in [`explain`]; the
//! margins the model is solved with in [`crate::tolerance`] (its integer-program section).
//!
//! # The default: the cheapest plan at least as safe as what EC2 would hand you
//! For every spot strategy but plain `lowestPrice` (`constraints.as_safe_as`, default `aws`;
//! [`SafetyReference::default_for`]), optimal mode first runs aws mode on the same request and
//! candidates, giving the reference plan `A`, and then solves
//!
//! ```text
//! minimise   Σ_p c_p x_p                                   (USD/hour)
//! subject to every request constraint (the rows of `rows`), and the anchor caps of `anchor`:
//!            Σ_p h_p x_p           ≤ H(A)                  expected interruptions per hour
//!            w_p x_p               ≤ L_pool(A) · T         every pool
//!            Σ_{p ∈ P_k} w_p x_p   ≤ L_type(A) · T         every instance type k
//!            Σ_{p ∈ P_z} w_p x_p   ≤ L_az(A) · T           every AZ z
//!            capacity of a slot    ≤ L_group(A) · T        every placement group in an AZ
//!            capacity of a slot    ≤ L_part(A) · T         every partition
//! ```
//!
//! The last two exist under placement only (`rows::placement_caps`): a cluster or partition
//! group's racks in an AZ hold the AZ's capacity; spread groups and partitions get slot columns
//! `y_{p,j}` the model chooses, under the same rules the slots of `A` keep (seven instances per
//! spread group per AZ; each AZ's partitions, and each pool's instances over them, within one
//! instance), and with as many spread groups as needed a pool heavier than the cap is left out
//! (any lighter instance can sit in a group alone). The slot columns are added lazily
//! (`run_placed`): the model is first solved without them, with the slots assigned afterwards by
//! the rule aws mode fills by, and only when those slots break a cap is it solved again with
//! them — exact, since the first model is a relaxation.
//!
//! then, with the cost fixed at its optimum, minimises expected interruptions (ties on cost
//! break towards less risk), then — `capacityOptimizedPrioritized` — spot capacity × priority
//! rank, then — On-Demand `prioritized` — On-Demand capacity × priority rank. HiGHS is
//! deterministic for a fixed model, so remaining ties always resolve the same way.
//!
//! **Guarantee.** If `A` meets the target and satisfies the request's hard constraints, then
//! `A`'s instance counts are a feasible point of this model: every request row holds by
//! assumption; the On-Demand stop holds because aws mode fills On-Demand first and stops at the
//! instance that reaches its part; each pool's count is within its bound (`A` launches at most
//! ⌈remaining ÷ w⌉ per pool and respects availability, budgets and max prices, which is exactly
//! eligibility); every cap holds with equality at `A`'s worst domain, since the caps *are*
//! `A`'s metrics; and under placement `A`'s own slots (`placement::slots`, which aws mode
//! uses) are a feasible choice of the slot columns, since they keep the slot rules above and
//! `A`'s instances weigh no more than `A`'s group loss. The reductions of `prepare` drop only
//! pools that no optimum needs (the dominance vector includes the hazard when a hazard row
//! exists, and type caps make classes per type; with partition slot columns there is no
//! reduction, and spread slots move with an instance between like pools of one AZ). So the
//! optimum costs at most `A`'s cost, and it satisfies every cap, so its expected interruptions
//! and worst pool, type, AZ, group and partition losses are each at most `A`'s. ∎
//!
//! With partition slot columns, the bound `x_p ≤ ⌈T ÷ w_p⌉` of `prepare` is a restriction the
//! argument above keeps (`A` launches no more), not a proven property of every optimum: taking
//! one instance out of a partition can unbalance it.
//!
//! When the request's constraints and the caps admit no plan (then `A` breaks a constraint AWS
//! cannot express, or falls short), each cap axis gets one slack and the least total relative
//! relaxation is found with every request constraint hard; the caps in force become `cap + σ`,
//! the plan's `as_safe_as` states each cap and whether it was relaxed, and a note says by how
//! much.
//!
//! # Without an anchor: plain `lowestPrice`, or `as_safe_as = "none"`
//! Plain `lowestPrice` is the cheapest plan, ties towards fewer interruptions. With
//! `as_safe_as = "none"` every strategy keeps its earlier, explicit objective: a list of
//! lexicographic stages (never a weighted sum), each minimised with every stage before it at
//! its optimum (a row `objective_j ≤ optimum_j × (1 + 1e-7)`, the tolerance absorbing solver
//! round-off), cost last, then expected interruptions for ties:
//!
//! | spot strategy | stages |
//! |---|---|
//! | `lowestPrice` | USD/hour |
//! | `capacityOptimized` | expected interruptions/hour (Σ count × hazard; On-Demand 0), then USD/hour |
//! | `priceCapacityOptimized` | expected effective cost Σ count × price × (1 + hazard × `interruption_loss_hours`), then USD/hour |
//! | `diversified` | the largest single spot-pool share of the target (max count × weight ÷ target), then USD/hour |
//! | `capacityOptimizedPrioritized` | expected interruptions/hour, then Σ spot count × weight × (priority rank − 1), then USD/hour |
//!
//! On-Demand `prioritized` adds, before the cost stage, Σ On-Demand count × weight ×
//! (priority rank − 1): ranks are 1, 2, … over the distinct override priorities in ascending
//! order (lower number = higher priority, as AWS), and pools without a priority rank last. The
//! highest rank weighs 0, so when no priorities differ the stage is neutral. A market the
//! request gives no part contributes no stage.
//!
//! The solver report's `objective`, `bound` and `gap` are the cost stage's; `stages` lists all.
//!
//! # Capacity already paid for
//! With commitments (`request.owned`: Capacity Reservations, Reserved Instances), the cost
//! stage is *new spend*: `Σ_p c_p x_p − Σ_{g,p} c_p y_{g,p}`, where the coverage columns
//! `y_{g,p}` (`rows::commitment_coverage`) count the instances of pool `p` commitment `g`
//! pays for (`Σ_p y_{g,p} ≤ count_g`, `Σ_g y_{g,p} ≤ x_p`). At integer counts the best
//! coverage is the greedy of `commitments::bill`, so the objective is the plan's
//! `commitments.new_spend_per_hour`. The guarantee above holds in new spend: `A`'s counts with
//! their coverage are a feasible point, so the optimum adds no more to the bill than `A`
//! (and `reference_as_incumbent` compares new spend). Every other stage is unchanged.
//!
//! AWS-only mechanisms have no optimal-mode meaning and are noted, not applied: spot `pools`
//! (InstancePoolsToUseCount; ask for `min_pools` instead). An Auto Scaling group's zone balance
//! is not a choice but what the group does, so it is a hard rule (`rows::zone_balance`): each
//! AZ within one instance of its even share, both markets together.
//!
//! # How a stage is solved
//! Each stage's model is exact; two exact reductions decide how fast it is solved. The first
//! stage of a region-scale model sees only the pools its LP relaxation prices in, each bounded
//! by the instances a plan within the proven gap can hold (`pricing`). A stage with AZ rows
//! is solved first without them, and the relaxation's optimum is spread over the AZs by a
//! bounded repair search; only when the AZ rows bind is the whole model solved (`zones`).
//!
//! # Limits
//! `request.solver.time_limit_seconds` bounds the whole solve (all stages) and `mip_gap` is the
//! relative gap each stage stops at. A stage stopped by the time limit ends the solve: the
//! plan is its incumbent with status `time_limit` and the gap; with no incumbent at all the
//! solve fails with [`OptimalError::TimeLimit`].

pub(crate) mod anchor;
pub mod explain;
pub(crate) mod model;
pub(crate) mod prepare;
pub(crate) mod pricing;
pub(crate) mod rows;
#[cfg(test)]
mod tests;
pub(crate) mod zones;

use std::time::Instant;

use fleetopt_instances::Market;

use self::anchor::RiskCaps;
pub use self::explain::{Conflict, Explanation};
pub use self::model::BackendError;
use self::model::{Failure, Goal};
use self::prepare::{Bounds, ModelPool};
use crate::aws_mode;
use crate::candidates::CandidateSet;
use crate::metrics;
use crate::placement::domains::{DomainKind, FailureDomains};
use crate::placement::slots;
use crate::plan::{
    Allocation, PLAN_SCHEMA, Plan, SolverReport, SolverStatus, StageReport, StrategyUsed,
};
use crate::request::{
    CostTies, FleetRequest, Mode, OnDemandStrategy, SafetyReference, SpotStrategy,
};
use crate::tolerance;

/// Which MIP backend solves the model. HiGHS is the reference; the others exist (behind cargo
/// features) for cross-checks and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// HiGHS (statically linked; reports the best bound).
    #[default]
    Highs,
    /// COIN-OR CBC (feature `cbc`, needs coinor-libcbc-dev).
    #[cfg(feature = "cbc")]
    Cbc,
    /// microlp, pure Rust (feature `microlp`; small models only).
    #[cfg(feature = "microlp")]
    Microlp,
}

/// Why optimal mode returned no plan.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimalError {
    /// No plan meets every constraint; the explanation says which conflict and by how much.
    #[error("{0}")]
    Infeasible(Explanation),
    /// The time limit passed before any feasible plan was found.
    #[error(
        "no feasible plan found within the time limit of {limit} s; raise solver.time_limit_seconds"
    )]
    TimeLimit {
        /// The limit, seconds.
        limit: f64,
    },
    /// The MIP backend failed.
    #[error("the MIP solver failed: {0}")]
    Solver(#[source] BackendError),
}

/// One objective of a lexicographic solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Expected interruptions per hour.
    Hazard,
    /// Spot capacity × priority rank.
    SpotPriority,
    /// Expected effective cost (price + expected interruption loss).
    EffectiveCost,
    /// Largest single spot-pool share of the target.
    MaxPoolShare,
    /// Largest share of the target in one AZ (both markets).
    MaxAzShare,
    /// On-Demand capacity × priority rank.
    OdPriority,
    /// USD/hour.
    Cost,
}

impl Stage {
    /// The stage's name in the solver report.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Stage::Hazard => "expected_interruptions_per_hour",
            Stage::SpotPriority => "spot_priority_rank_capacity",
            Stage::EffectiveCost => "expected_effective_cost_per_hour",
            Stage::MaxPoolShare => "largest_spot_pool_share",
            Stage::MaxAzShare => "largest_az_share",
            Stage::OdPriority => "on_demand_priority_rank_capacity",
            Stage::Cost => "cost_per_hour",
        }
    }

    /// The objective coefficient of one instance of `pool` (not used for the share stages,
    /// whose objective is one column).
    pub(crate) fn coefficient(self, request: &FleetRequest, pool: &ModelPool) -> f64 {
        match self {
            Stage::Hazard => pool.hazard,
            // Rank 1 (the highest priority, or every pool when no priorities differ) costs
            // nothing, so the stage only moves capacity towards higher priorities and never
            // trades away capacity or cost for its own sake.
            Stage::SpotPriority => match pool.market {
                Market::Spot => (pool.rank - 1.0) * pool.weight,
                Market::OnDemand => 0.0,
            },
            Stage::EffectiveCost => {
                pool.price * (1.0 + pool.hazard * request.risk.interruption_loss_hours.max(0.0))
            }
            Stage::MaxPoolShare | Stage::MaxAzShare => 0.0,
            Stage::OdPriority => match pool.market {
                Market::OnDemand => (pool.rank - 1.0) * pool.weight,
                Market::Spot => 0.0,
            },
            Stage::Cost => pool.price,
        }
    }
}

/// The stages of a request's strategies (see the module docs).
pub(crate) fn stages(request: &FleetRequest) -> Vec<Stage> {
    let od_part = request.on_demand_target();
    let spot_part = request.target.capacity - od_part;
    let od_prioritized =
        od_part > 0.0 && request.on_demand.strategy == OnDemandStrategy::Prioritized;
    let mut stages = Vec::new();
    if request.safety_reference() == SafetyReference::Aws {
        // As safe as the aws-mode plan, then the cheapest; ties towards less risk, then the
        // strategy's priorities.
        stages.push(Stage::Cost);
        if spot_part > 0.0 {
            stages.push(Stage::Hazard);
            if request.spot.strategy == SpotStrategy::CapacityOptimizedPrioritized {
                stages.push(Stage::SpotPriority);
            }
        }
        if od_prioritized {
            stages.push(Stage::OdPriority);
        }
        return stages;
    }
    if spot_part > 0.0 {
        stages.extend_from_slice(match request.spot.strategy {
            SpotStrategy::LowestPrice => &[][..],
            SpotStrategy::CapacityOptimized => &[Stage::Hazard],
            SpotStrategy::PriceCapacityOptimized => &[Stage::EffectiveCost],
            SpotStrategy::Diversified => &[Stage::MaxPoolShare],
            SpotStrategy::CapacityOptimizedPrioritized => &[Stage::Hazard, Stage::SpotPriority],
        });
    }
    if od_prioritized {
        stages.push(Stage::OdPriority);
    }
    stages.push(Stage::Cost);
    if request.solver.cost_ties == CostTies::WorstAzLoss {
        stages.push(Stage::MaxAzShare);
    }
    if spot_part > 0.0 && !stages.contains(&Stage::Hazard) {
        // Ties on cost break towards fewer expected interruptions.
        stages.push(Stage::Hazard);
    }
    stages
}

/// Plans `request` over `candidates` with HiGHS (see the module docs).
pub fn plan(request: &FleetRequest, candidates: &CandidateSet<'_>) -> Result<Plan, OptimalError> {
    plan_with(request, candidates, Backend::Highs)
}

/// What a run of the lexicographic stages produced.
struct Staged {
    counts: Vec<u32>,
    /// Per pool, its instances in each placement slot, when the model chose the slots.
    slots: Option<Vec<Vec<u32>>>,
    prep: prepare::Prepared,
    reports: Vec<StageReport>,
    stopped: bool,
    unsolved: Option<Stage>,
}

/// Why a run of the stages gave no plan.
enum StagedFailure {
    /// The first stage is infeasible (with the caps in force).
    Infeasible,
    /// Out of time before any feasible plan.
    TimeLimit,
    /// The backend failed.
    Solver(BackendError),
}

/// Plans `request` over `candidates` with a chosen backend.
pub fn plan_with(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    backend: Backend,
) -> Result<Plan, OptimalError> {
    let start = Instant::now();
    let limit = request.solver.time_limit_seconds;
    let stages = stages(request);
    let plain = prepare::prepare(request, candidates, &stages, true, Bounds::default());
    if let Some(explanation) = explain::precheck(request, &plain) {
        return Err(OptimalError::Infeasible(explanation));
    }
    // The plan EC2 would hand you, and the caps it sets (see `anchor`).
    let reference = (request.safety_reference() == SafetyReference::Aws)
        .then(|| aws_mode::emulate(request, candidates));
    let reference_caps = reference
        .as_ref()
        .map_or_else(RiskCaps::default, RiskCaps::of_plan);
    let mut caps = reference_caps;
    let explain_infeasible = |prep: &prepare::Prepared| {
        let left = model::remaining(start, limit).max(1.0);
        OptimalError::Infeasible(explain::elastic(request, prep, backend, left))
    };
    // Every failure but a first stage infeasible under caps that can be relaxed ends the solve.
    let to_error = |failure: StagedFailure| match failure {
        StagedFailure::Infeasible => explain_infeasible(&plain),
        StagedFailure::TimeLimit => OptimalError::TimeLimit { limit },
        StagedFailure::Solver(error) => OptimalError::Solver(error),
    };
    let staged = match run_placed(request, candidates, backend, &stages, caps, start) {
        Err(StagedFailure::Infeasible) if caps.any() => {
            caps = relax(request, candidates, backend, &stages, caps, start).map_err(to_error)?;
            run_placed(request, candidates, backend, &stages, caps, start).map_err(to_error)?
        }
        outcome => outcome.map_err(to_error)?,
    };
    let Staged {
        counts,
        slots: slot_counts,
        prep,
        reports,
        stopped,
        unsolved,
    } = staged;
    let seconds = start.elapsed().as_secs_f64();
    // The headline objective is the cost stage's (every strategy has one); `stages` lists all.
    let last = reports
        .iter()
        .find(|r| r.objective_name == Stage::Cost.name())
        .or(reports.last())
        .cloned();
    let mut status = reports
        .iter()
        .map(|r| r.status)
        .max()
        .unwrap_or(SolverStatus::Optimal);
    if stopped {
        status = SolverStatus::TimeLimit;
    }
    let (objective, bound) = last.map_or((0.0, 0.0), |r| (r.objective, r.bound));
    let report = SolverReport {
        status,
        objective,
        bound,
        gap: relative_gap(objective, bound),
        seconds,
        stages: reports,
    };
    let anchor = reference
        .as_ref()
        .map(|reference| anchor::statement(reference, &reference_caps, &caps));
    let chosen = Chosen {
        counts: &counts,
        slots: slot_counts.as_deref(),
    };
    let mut plan = build_plan(request, candidates, &prep, &stages, chosen, report);
    if let Some(reference) = &reference
        && let Some(incumbent) = reference_as_incumbent(request, reference, &plan)
    {
        plan = incumbent;
    }
    if let Some(anchor) = anchor {
        plan.notes.extend(anchor::relaxation_notes(&anchor));
        plan.as_safe_as = Some(anchor);
    }
    if let Some(stage) = unsolved {
        plan.notes.push(format!(
            "stage {} could not be solved with the earlier stages fixed (numerical tolerance); the plan is optimal for the earlier stages only",
            stage.name()
        ));
    }
    Ok(plan)
}

/// When the time limit stopped the solve at an incumbent dearer than the reference plan, and
/// the reference meets the target and every request constraint (without placement slots, which
/// the two modes assign differently), the reference itself is a feasible point of the model and
/// the better incumbent: it is returned as the optimal-mode plan, status `time_limit`, with a
/// note. So the guarantee "no dearer, no riskier" holds even when the solve runs out of time.
///
/// The same holds when several Savings Plans overlap: the model pools their commitments as a
/// linear program, while AWS bills them one after another (EC2 Instance plans first), which
/// can leave a plan's billed new spend above the model's; should that put it above the
/// reference's, the reference is returned.
fn reference_as_incumbent(request: &FleetRequest, reference: &Plan, found: &Plan) -> Option<Plan> {
    let report = found.solver.as_ref()?;
    let timed_out = report.status == SolverStatus::TimeLimit;
    let billed_above = !request.owned.savings_plans.is_empty()
        && reference.new_spend_per_hour()
            < found.new_spend_per_hour() * (1.0 - tolerance::RELATIVE_NOISE);
    let usable = (timed_out || billed_above)
        && reference.shortfall.is_none()
        && request.placement == crate::request::PlacementSpec::None
        && reference.new_spend_per_hour() < found.new_spend_per_hour()
        && aws_mode::broken_constraints(request, &reference.allocations, &reference.metrics)
            .is_empty();
    if !usable {
        return None;
    }
    let mut notes = request.notes.clone();
    notes.push(if timed_out {
        format!(
            "optimal mode: the time limit passed before the solver found a plan cheaper than the aws-mode plan (its best cost ${}/h); the aws-mode plan meets every constraint and is returned as the incumbent; raise solver.time_limit_seconds",
            num(found.new_spend_per_hour())
        )
    } else {
        format!(
            "optimal mode: as AWS bills overlapping Savings Plans (one after another), the solver's plan would add ${}/h, more than the aws-mode plan; the aws-mode plan meets every constraint and is returned",
            num(found.new_spend_per_hour())
        )
    });
    if let Some(report) = &reference.commitments {
        notes.extend(crate::commitments::notes(report));
    }
    let objective = reference.new_spend_per_hour();
    Some(Plan {
        mode: Mode::Optimal,
        solver: Some(SolverReport {
            objective,
            gap: relative_gap(objective, report.bound.min(objective)),
            bound: report.bound.min(objective),
            ..report.clone()
        }),
        notes,
        ..reference.clone()
    })
}

/// Runs the stages with placement slot columns added lazily: first with the slots assigned
/// after the solve (`slots::assign`, the rule aws mode fills by) and the dominance reduction
/// on; when those slots break a group or partition cap, again with slot columns
/// ([`rows::placement_caps`]). Exact: the first model leaves out only the slot caps, so it is a
/// relaxation, and an optimum whose own slots keep the caps is feasible for the whole problem.
fn run_placed(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    backend: Backend,
    stages: &[Stage],
    caps: RiskCaps,
    start: Instant,
) -> Result<Staged, StagedFailure> {
    let staged = run_lazily(request, candidates, backend, stages, caps, false, start)?;
    if prepare::slot_kind(request, &caps).is_none()
        || slots_keep_caps(request, candidates, &staged, caps)
    {
        return Ok(staged);
    }
    if staged.stopped {
        // Out of time with a plan whose slots break a cap: there is no plan to return.
        return Err(StagedFailure::TimeLimit);
    }
    run_lazily(request, candidates, backend, stages, caps, true, start)
}

/// Whether the slots `slots::assign` gives `staged`'s counts keep the group and partition
/// caps (within the verifier's relative noise), read off the plan's failure domains as the
/// metrics read them.
fn slots_keep_caps(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    staged: &Staged,
    caps: RiskCaps,
) -> bool {
    let placed = slots::assign(
        request.placement,
        allocations(candidates, &staged.prep, &staged.counts),
        caps.group,
    );
    let domains = FailureDomains::new(&placed);
    let within = |cap: Option<f64>, kind: DomainKind| match (cap, domains.worst(kind)) {
        (Some(cap), Some(held)) => held <= cap + TYPE_CAP_SLACK * cap.abs().max(1.0),
        _ => true,
    };
    within(caps.group, DomainKind::Group) && within(caps.partition, DomainKind::Partition)
}

/// The capacity one instance type may hold: the tighter of `max_type_share` and the anchor's
/// worst-type cap, when either is set.
fn type_limit(request: &FleetRequest, caps: RiskCaps) -> Option<f64> {
    let share = request
        .constraints
        .max_type_share
        .map(|s| s * request.target.capacity);
    match (share, caps.type_capacity) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The types whose capacity in `staged`'s plan is above `limit`.
fn overfilled(staged: &Staged, limit: f64) -> Vec<usize> {
    let mut by_type = vec![0.0_f64; staged.prep.types.len()];
    for (pool, &count) in staged.prep.pools.iter().zip(&staged.counts) {
        by_type[pool.type_ix] += f64::from(count) * pool.weight;
    }
    let allowed = limit + TYPE_CAP_SLACK * limit.abs().max(1.0);
    (0..by_type.len())
        .filter(|&k| by_type[k] > allowed)
        .collect()
}

/// Type caps at least this share of the target are added lazily; tighter ones eagerly. Measured
/// on scenario L: the anchored priceCapacityOptimized cap (about half the target) binds for no
/// type, the diversified cap (a few percent) for five, each costing a re-run of about 8 s.
const LAZY_TYPE_CAP_SHARE: f64 = 0.2;

/// How far above its cap a type may sit and count as within it, relative to the cap: the
/// verifier's tolerance for a share against its limit
/// ([`RELATIVE_NOISE`](crate::tolerance::RELATIVE_NOISE)), so the lazy loop stops exactly when
/// the plan keeps every type cap as the verifier reads it (the ILP's own feasibility tolerance
/// is at most this; whole instances never sit this close to a cap by chance).
const TYPE_CAP_SLACK: f64 = crate::tolerance::RELATIVE_NOISE;

/// Runs the stages with type caps added lazily ([`prepare::LazyTypes`]): first with no type's
/// cap row, then with the rows of every type a plan overfilled, until a plan overfills none;
/// that plan is optimal for the whole problem. Without type caps, or with type-count
/// constraints, the stages run once with every row.
fn run_lazily(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    backend: Backend,
    stages: &[Stage],
    caps: RiskCaps,
    slot_columns: bool,
    start: Instant,
) -> Result<Staged, StagedFailure> {
    // A tight cap binds for many types, and each binding type costs a re-run of every stage;
    // the eager rows are then faster. Exact either way: this only picks the faster route.
    let loose = |limit: &f64| *limit >= LAZY_TYPE_CAP_SHARE * request.target.capacity;
    let limit = type_limit(request, caps)
        .filter(|_| prepare::lazy_types_allowed(request))
        .filter(loose);
    let Some(limit) = limit else {
        let bounds = Bounds {
            caps,
            slot_columns,
            ..Bounds::default()
        };
        return run_stages(request, candidates, backend, stages, bounds, start);
    };
    let mut rows = prepare::LazyTypes::new();
    loop {
        let bounds = Bounds {
            caps,
            lazy_types: Some(&rows),
            slot_columns,
            ..Bounds::default()
        };
        let staged = run_stages(request, candidates, backend, stages, bounds, start)?;
        let over: Vec<usize> = overfilled(&staged, limit)
            .into_iter()
            .filter(|k| !rows.contains(k))
            .collect();
        if over.is_empty() {
            return Ok(staged);
        }
        if staged.stopped {
            // Out of time with a plan that breaks a type cap left out: there is no plan to return.
            return Err(StagedFailure::TimeLimit);
        }
        rows.extend(over);
    }
}

/// The best plan of the stages so far: counts per model pool, per pool and slot when the model
/// chose slots, and the pools they count.
type Incumbent = (Vec<u32>, Option<Vec<Vec<u32>>>, prepare::Prepared);

/// Solves the stages in turn, each with the earlier optima fixed, under `bounds` (the caps, the
/// type cap rows of `lazy_types` only (`None`: every type's), and slot columns or not).
fn run_stages(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    backend: Backend,
    stages: &[Stage],
    bounds: Bounds<'_>,
    start: Instant,
) -> Result<Staged, StagedFailure> {
    let limit = request.solver.time_limit_seconds;
    let gap = request.solver.mip_gap;
    let mut prep = prepare::prepare(request, candidates, stages, true, bounds);
    let mut fixed: Vec<(Stage, f64)> = Vec::new();
    let mut reports: Vec<StageReport> = Vec::new();
    let mut best: Option<Incumbent> = None;
    let mut stopped = false;
    let mut unsolved: Option<Stage> = None;
    for (position, &stage) in stages.iter().enumerate() {
        let left = model::remaining(start, limit);
        if best.is_some() && left <= 0.0 {
            stopped = true;
            break;
        }
        if best.is_some() && neutral(request, &prep, stage) {
            // Every plan scores 0 on this stage (no priorities differ): the plan in hand is
            // optimal for it, and a solve would only pick another of the earlier stages' ties.
            reports.push(StageReport {
                objective_name: stage.name().to_owned(),
                status: SolverStatus::Optimal,
                objective: 0.0,
                bound: 0.0,
            });
            continue;
        }
        // The first stage over the pools its relaxation prices in (`pricing`), the later
        // stages over the pools it leaves them; or every stage over every pool.
        let outcome = if position == 0 && pricing::applies(stage, backend, &prep) {
            let time_left = || model::remaining(start, limit);
            pricing::solve_first(request, &prep, stage, time_left, gap).map(|first| {
                let counts = first.solved.counts(&first.x);
                prep = first.later;
                (first.solved, counts, None, first.prep)
            })
        } else {
            zones::solve_stage(request, &prep, &fixed, stage, backend, left, gap).map(|stage| {
                let counts = stage.solved.counts(&stage.x);
                let slots = stage
                    .slots
                    .map(|columns| stage.solved.slot_counts(&columns));
                (stage.solved, counts, slots, prep.clone())
            })
        };
        match outcome {
            Ok((solved, counts, slots, solved_prep)) => {
                reports.push(StageReport {
                    objective_name: stage.name().to_owned(),
                    status: solved.status,
                    objective: solved.objective,
                    bound: solved.bound,
                });
                best = Some((counts, slots, solved_prep));
                if solved.status == SolverStatus::TimeLimit {
                    stopped = true;
                    break;
                }
                if stage == Stage::MaxPoolShare {
                    // The optimum becomes per-pool bounds, and the later stages get the
                    // dominance reduction back (see `prepare`).
                    let rest = &stages[position + 1..];
                    let bounds = Bounds {
                        spot_share_cap: Some(solved.objective),
                        ..bounds
                    };
                    prep = prepare::prepare(request, candidates, rest, true, bounds);
                } else {
                    fixed.push((stage, solved.objective));
                }
            }
            Err(Failure::Infeasible) if best.is_none() => return Err(StagedFailure::Infeasible),
            Err(Failure::TimeLimit) if best.is_none() => return Err(StagedFailure::TimeLimit),
            // A later stage that fails keeps the previous stage's plan, which meets every
            // constraint: out of time, or (in theory) round-off on the rows fixing earlier
            // optima, which the plan's notes then say.
            Err(Failure::TimeLimit) => {
                stopped = true;
                break;
            }
            Err(Failure::Infeasible) => {
                unsolved = Some(stage);
                break;
            }
            Err(Failure::Backend(error)) => return Err(StagedFailure::Solver(error)),
        }
    }
    let Some((counts, slots, prep)) = best else {
        return Err(StagedFailure::TimeLimit);
    };
    Ok(Staged {
        counts,
        slots,
        prep,
        reports,
        stopped,
        unsolved,
    })
}

/// Whether `stage` scores every plan over `prep` 0: a priority stage when no priorities
/// differ (every pool of rank 1).
fn neutral(request: &FleetRequest, prep: &prepare::Prepared, stage: Stage) -> bool {
    matches!(stage, Stage::SpotPriority | Stage::OdPriority)
        && prep
            .pools
            .iter()
            .all(|pool| stage.coefficient(request, pool) == 0.0)
}

/// The least relative relaxation of `caps` that the request's constraints allow (see
/// [`anchor`]); `Infeasible` when the request itself admits no plan.
fn relax(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    backend: Backend,
    stages: &[Stage],
    caps: RiskCaps,
    start: Instant,
) -> Result<RiskCaps, StagedFailure> {
    let bounds = Bounds {
        caps,
        relaxing: true,
        slot_columns: true,
        ..Bounds::default()
    };
    let prep = prepare::prepare(request, candidates, stages, false, bounds);
    let built = model::build(request, &prep, &[], Goal::RelaxCaps);
    let (columns, scales) = (built.axis_slacks, built.axis_scales);
    let left = model::remaining(start, request.solver.time_limit_seconds);
    match model::solve(built, backend, left, 0.0) {
        Ok(solved) => Ok(caps.loosened(solved.axis_slacks(&columns, &scales))),
        Err(Failure::Infeasible) => Err(StagedFailure::Infeasible),
        Err(Failure::TimeLimit) => Err(StagedFailure::TimeLimit),
        Err(Failure::Backend(error)) => Err(StagedFailure::Solver(error)),
    }
}

fn relative_gap(objective: f64, bound: f64) -> f64 {
    let gap = (objective - bound).abs() / objective.abs().max(tolerance::ILP_SCALE_FLOOR);
    if gap < tolerance::ILP_GAP_ZERO {
        0.0
    } else {
        gap
    }
}

/// The allocation of `count` instances of a model pool, without a slot.
fn allocation(candidates: &CandidateSet<'_>, pool: &ModelPool, count: u32) -> Allocation {
    let c = &candidates.pools[pool.candidate];
    Allocation {
        instance_type: c.pool.instance_type.clone(),
        availability_zone_id: c.pool.zone.clone(),
        market: c.pool.market,
        count,
        weight: c.weight,
        capacity: f64::from(count) * c.weight,
        price_per_hour: c.pool.price_per_hour,
        placement: None,
    }
}

/// The used pools of `counts` as allocations sorted by (market, AZ, type), without slots.
fn allocations(
    candidates: &CandidateSet<'_>,
    prep: &prepare::Prepared,
    counts: &[u32],
) -> Vec<Allocation> {
    let mut out: Vec<Allocation> = prep
        .pools
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(p, &count)| allocation(candidates, p, count))
        .collect();
    out.sort_by(|a, b| {
        (a.market, &a.availability_zone_id, &a.instance_type).cmp(&(
            b.market,
            &b.availability_zone_id,
            &b.instance_type,
        ))
    });
    out
}

/// What the solve chose: instances per model pool and, when the model chose placement slots,
/// per pool and slot.
#[derive(Clone, Copy)]
struct Chosen<'a> {
    counts: &'a [u32],
    slots: Option<&'a [Vec<u32>]>,
}

fn build_plan(
    request: &FleetRequest,
    candidates: &CandidateSet<'_>,
    prep: &prepare::Prepared,
    stages: &[Stage],
    chosen: Chosen<'_>,
    report: SolverReport,
) -> Plan {
    let allocations = match (prep.slots, chosen.slots) {
        (Some(kind), Some(per_slot)) => {
            let pools = prep
                .pools
                .iter()
                .zip(chosen.counts)
                .zip(per_slot)
                .filter(|((_, n), _)| **n > 0)
                .map(|((p, &count), slots)| (allocation(candidates, p, count), slots.clone()))
                .collect();
            slots::from_counts(kind, pools)
        }
        _ => slots::assign(
            request.placement,
            allocations(candidates, prep, chosen.counts),
            prep.caps.group,
        ),
    };
    let metrics = metrics::compute(
        request,
        candidates.region,
        candidates.pools.iter().map(|p| p.instance_type),
        &allocations,
    );
    let mut notes = request.notes.clone();
    notes.extend(candidates.price_protection_note());
    let names: Vec<&str> = stages.iter().map(|s| s.name()).collect();
    notes.push(format!(
        "optimal mode: every constraint is hard; minimised lexicographically: {}",
        names.join(", then ")
    ));
    let e = &prep.excluded;
    if e.not_below_max_price > 0 {
        notes.push(format!(
            "{} spot pool(s) left out: the spot price is not below the max price",
            e.not_below_max_price
        ));
    }
    if e.no_placement > 0 {
        notes.push(format!(
            "{} pool(s) left out: their types do not support the placement strategy",
            e.no_placement
        ));
    }
    if e.dominated > 0 {
        notes.push(format!(
            "{} pool(s) left out before solving: each is dominated (no cheaper, no riskier, same AZ, market and weight) by enough kept pools that it cannot improve the optimum",
            e.dominated
        ));
    }
    if request.spot.pools.is_some() {
        notes.push(
            "spot pools (InstancePoolsToUseCount) is an aws-mode mechanism and is not applied; use constraints.min_pools".to_owned(),
        );
    }
    if request.on_demand.capacity_reservations == crate::commitments::ReservationPreference::Only
        && prep.od_part > 0.0
    {
        notes.push("capacity-reservations-only: On-Demand only in pools with unused open Capacity Reservations, each at most what they hold (aws-semantics §2.5)".to_owned());
    }
    if request.balance_zones {
        notes.push(match rows::balanced_zones(prep, request) {
            Some(_) => "ASG zone balance: an Auto Scaling group balances itself over its AZs, so each AZ holds its even share of the target within one instance, both markets together (aws-semantics §2.3)".to_owned(),
            None => "ASG zone balance is not modelled for this request: it has one AZ, or an AZ cannot hold a market's whole part, where the group's balanced-best-effort moves the rest to other AZs (aws-semantics §2.3); use constraints.max_az_share or survive_az_loss".to_owned(),
        });
    }
    let commitments = crate::commitments::bill(request, candidates.region, &allocations);
    if let Some(report) = &commitments {
        notes.extend(crate::commitments::notes(report));
    }
    Plan {
        schema: PLAN_SCHEMA.to_owned(),
        mode: Mode::Optimal,
        region: candidates.region.name().clone(),
        strategy: StrategyUsed {
            spot: request.spot.strategy,
            on_demand: request.on_demand.strategy,
        },
        allocations,
        metrics,
        solver: Some(report),
        as_safe_as: None,
        shortfall: None,
        commitments,
        tenancy: request.tenancy,
        notes,
    }
}

/// A number for messages: rounded to 6 decimals, no trailing zeros ([`crate::prose::number`]).
pub(crate) fn num(x: f64) -> String {
    crate::prose::number(x, 6)
}
