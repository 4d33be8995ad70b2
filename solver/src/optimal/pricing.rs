//! Pricing out: an exact reduction of the first stage by the reduced costs of its LP
//! relaxation, so the MIP sees the few pools an optimum can use instead of the whole region.
//!
//! # The rule
//! Let `LB` be the optimum of the first stage's LP relaxation (the same rows and bounds, every
//! integer and binary column made continuous) and `d_p` the reduced cost of pool `p`'s count in
//! it. LP duality gives, for every plan `x` that meets the rows and bounds (and so for every
//! integer plan),
//!
//! ```text
//! f(x) − LB = Σ_rows π_i (a_i x − b_i) + Σ_p d_p (x_p − x*_p)  ≥  d_p x_p   for a pool at 0 in x*
//! ```
//!
//! since every term is ≥ 0 (each dual has the sign of its row, each reduced cost the sign of
//! its bound). So a plan using pool `p` (`x_p ≥ 1`) costs at least `LB + d_p`: **a plan cheaper
//! than `LB + θ` uses no pool with `d_p > θ`**, and of a pool with `0 < d_p ≤ θ` at most
//! `⌊θ ÷ d_p⌋` instances. Every set below carries those bounds, so its MIP holds every plan
//! within `θ` of `LB` and fewer plans beyond.
//!
//! # The walk
//! 1. Solve the relaxation; take `θ = 10⁻⁶ × |LB|` (at least × the largest objective
//!    coefficient), and the pools `S(θ) = {p : d_p ≤ θ}` — which hold the LP's own support.
//! 2. Solve the MIP over `S(θ)`, giving `z`. If `z − LB ≤ θ`, no plan outside `S(θ)` is cheaper
//!    than `z`, so `z` is the optimum of the whole problem. Otherwise set `θ = z − LB` and solve
//!    again: the new set holds the old optimum, so the new `z' ≤ z` and `z' − LB ≤ θ` — proven.
//!    A set that admits no plan grows tenfold until it does (or holds every pool). The
//!    first set gets half the time left, so a hard first set cannot use up the time a cheaper
//!    plan outside it needs. (Handing its plan to the wider MIP as a start through HiGHS's
//!    `setSolution` was tried and dropped: on a case the property test found, HiGHS then
//!    reported an objective its returned solution did not have.)
//! 3. Later stages hold this stage at `z*` (within the stage tolerance, `f ≤ z⁺`), so they see
//!    `S(z⁺ − LB)`: every plan they may return uses only those pools.
//!
//! The reported bound is `min(bound over S, LB + θ)`, so a solve stopped by the time limit
//! still states a bound valid for the whole problem. A margin of
//! [`ILP_PRICING_MARGIN`](crate::tolerance::ILP_PRICING_MARGIN) absorbs the solver's round-off
//! in the reduced costs (HiGHS runs the relaxation with a dual feasibility tolerance of 1e-9).
//! Share stages (`diversified`'s largest pool, the largest AZ) have one objective column and
//! price nothing out; they are solved whole.

use super::model::{self, Failure, Goal, Solved};
use super::prepare::Prepared;
use super::{Backend, Stage, zones};
use crate::plan::SolverStatus;
use crate::request::FleetRequest;
use crate::tolerance;

/// The first threshold, as a share of the relaxation's optimum. With the capacity rows
/// rounded (`rows::capacity_row`) the relaxation of a cost stage usually sits at the integer
/// optimum (L-spot lowestPrice: both $113.089033/h), so the pools with a reduced cost of
/// (almost) zero already hold an optimum, and a MIP over them proves it; where there is an
/// integrality gap, step 2 widens the set to exactly the gap found. An algorithm parameter,
/// not a tolerance (the walk is exact for any positive value); its value lives with the
/// tolerances only because it is a bare small number.
const FIRST_THRESHOLD: f64 = tolerance::ILP_PRICING_FIRST_THRESHOLD;

/// Reduced costs within this share of the objective's scale count as zero: a tolerance for
/// the relaxation's round-off, explained at [`tolerance::ILP_PRICING_MARGIN`].
const MARGIN: f64 = tolerance::ILP_PRICING_MARGIN;

/// Below this many pools the whole MIP is faster than a relaxation first.
const MIN_POOLS: usize = 400;

/// Whether the first stage is priced out: a per-pool objective, HiGHS (the backend whose
/// reduced costs are read), and a model large enough to gain from it.
pub(crate) fn applies(stage: Stage, backend: Backend, prep: &Prepared) -> bool {
    let per_pool = !matches!(stage, Stage::MaxPoolShare | Stage::MaxAzShare);
    // Slot columns are per pool and would need pricing of their own; placement models are small.
    per_pool
        && backend == Backend::Highs
        && !prep.relaxing
        && prep.slots.is_none()
        // Coverage columns change what a pool's count is worth; they are priced by no rule of
        // this module, so a model with commitments is solved whole.
        && prep.coverage.is_empty()
        && prep.pools.len() >= MIN_POOLS
}

/// The first stage solved over the priced-in pools.
pub(crate) struct FirstStage {
    /// The MIP's solution over [`FirstStage::prep`], its bound valid for the whole problem.
    pub solved: Solved,
    /// The columns of the pools' counts in `solved`.
    pub x: Vec<usize>,
    /// The pools `solved` counts.
    pub prep: Prepared,
    /// The pools a later stage may use (see the module docs, step 3).
    pub later: Prepared,
}

/// Solves `stage`, the first, over the pools its relaxation prices in (see the module docs).
pub(crate) fn solve_first(
    request: &FleetRequest,
    prep: &Prepared,
    stage: Stage,
    time_left: impl Fn() -> f64,
    gap: f64,
) -> Result<FirstStage, Failure> {
    let relaxation = model::build_relaxation(request, prep, &[], Goal::Stage(stage));
    let columns = relaxation.x.clone();
    let scale = relaxation.objective_scale;
    let lp = model::solve(relaxation, Backend::Highs, time_left(), 0.0)?;
    if lp.status != SolverStatus::Optimal {
        return Err(Failure::TimeLimit);
    }
    let lower = lp.objective;
    let reduced: Vec<f64> = columns
        .iter()
        .map(|&c| lp.reduced_costs.get(c).copied().unwrap_or(0.0))
        .collect();
    let magnitude = lower.abs().max(scale);
    let margin = MARGIN * magnitude;
    let mut threshold = FIRST_THRESHOLD * magnitude;
    let mut widened = false;
    let mut previous: Option<(Solved, Vec<usize>, Prepared)> = None;
    // The stage's result, and the pools the later stages may use (module docs, step 3).
    let finish = |solved: Solved, x: Vec<usize>, restricted: Prepared| {
        let held = solved.objective
            + tolerance::ILP_STAGE * (solved.objective / scale).abs().max(1.0) * scale;
        FirstStage {
            later: restrict(prep, &reduced, held - lower + margin).0,
            solved,
            x,
            prep: restricted,
        }
    };
    loop {
        let (restricted, whole) = restrict(prep, &reduced, threshold + margin);
        // The first set, unless it is the whole problem, gets half the time left, so that
        // when it is hard the wider set (which may hold a cheaper plan) still gets its turn.
        let budget = if whole || widened {
            time_left()
        } else {
            time_left() / 2.0
        };
        let solution = zones::solve_stage(
            request,
            &restricted,
            &[],
            stage,
            Backend::Highs,
            budget,
            gap,
        );
        match solution.map(|s| (s.solved, s.x)) {
            Ok((mut solved, x)) => {
                let widen = solved.objective - lower;
                let proven = whole || widen <= threshold;
                let out_of_time = solved.status == SolverStatus::TimeLimit;
                // Out of time, the plan in hand is kept unless a wider set still has time.
                let keep_going = !proven && (!out_of_time || time_left() > 0.0);
                if !whole {
                    // No plan using a left-out pool is below LB + θ.
                    solved.bound = solved.bound.min(lower + threshold);
                }
                if !keep_going {
                    return Ok(finish(solved, x, restricted));
                }
                widened = true;
                threshold = widen;
                previous = Some((solved, x, restricted));
            }
            Err(Failure::Infeasible) if !whole => threshold *= 10.0,
            // Out of time on the wider set: the narrower set's plan stands, with its bound.
            Err(Failure::TimeLimit) if previous.is_some() => {
                if let Some((solved, x, restricted)) = previous.take() {
                    return Ok(finish(solved, x, restricted));
                }
            }
            Err(failure) => return Err(failure),
        }
    }
}

/// `prep` with only the pools a plan within `limit` of the relaxation's optimum can use, each
/// bounded by how many of its instances such a plan can hold: `d_p x_p ≤ f(x) − LB ≤ limit`
/// (module docs), so `x_p ≤ ⌊limit ÷ d_p⌋`, and a pool whose bound is 0 is left out. The flag
/// is true when nothing was left out or tightened (the model is the whole problem).
fn restrict(prep: &Prepared, reduced: &[f64], limit: f64) -> (Prepared, bool) {
    let mut out = prep.clone();
    out.pools.clear();
    let mut whole = true;
    for (pool, &d) in prep.pools.iter().zip(reduced) {
        let most = if d > 0.0 {
            (limit / d + tolerance::ILP_BOUND_ROUNDING).floor()
        } else {
            f64::INFINITY
        };
        if most < 1.0 {
            whole = false;
            continue;
        }
        let mut kept = pool.clone();
        if most < f64::from(pool.cap) {
            // `most` is below a u32 here, so the cast is exact.
            kept.cap = most as u32;
            whole = false;
        }
        out.pools.push(kept);
    }
    (out, whole)
}
