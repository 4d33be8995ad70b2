//! The zone relaxation: a stage solved first without its AZ rows, then made whole.
//!
//! # Why
//! Most pools of a region-scale model come in families that differ only in their AZ: one
//! instance type in one market at the same price, hazard and weight in each of the region's
//! AZs. The AZ rows (`max_az_share`, `survive_az_loss`, the anchor's worst-AZ cap) are the only
//! rows that tell a family's members apart, and with them the branch and bound treats every
//! way of spreading a plan over the AZs as a different plan. On scenario L-spot under the
//! priceCapacityOptimized anchor HiGHS finds the optimum within a second and then cannot close
//! the last 0.1 % in 20 s; the same model without its six survival rows is solved to proven
//! optimality in 0.08 s, and the optimum it finds can be spread over the AZs to meet them
//! (benches/README.md, "The zone relaxation").
//!
//! # The rule
//! Let `F` be the stage's model and `R` the same model without its AZ rows: the same columns
//! and a subset of the rows, so every plan of `F` is a plan of `R` and `R`'s bound `b_R` is a
//! bound for `F`.
//! 1. Solve `R`, giving `x_R` and its objective `z_R`.
//! 2. Repair: look for a plan of `F` whose objective is at most `z_R`. First with each
//!    family's total held at `x_R`'s (only the AZs move: a small transportation problem),
//!    then, when no such plan exists, with only the objective held. Either search minimises
//!    nothing, so HiGHS stops at the first plan, and each has a node limit
//!    ([`REPAIR_NODES`]), so it ends the same way on every machine.
//! 3. A plan found meets every row of `F` and costs at most `z_R` (within HiGHS's feasibility
//!    tolerance), and no plan of `F` is below `b_R`: it is `F`'s optimum when `R` was solved
//!    to optimality, with `R`'s gap otherwise. When neither search finds one, the AZ rows bind
//!    and `F` is solved whole.
//!
//! The relaxation is solved with HiGHS's presolve on, whatever its size (`model`'s size rule
//! turns it off below 1,000 columns): without it L-spot's 93-column relaxation also runs to its
//! limit, while presolve folds it to a few rows and restarts.
//!
//! So the relaxation changes how fast a stage is solved, never what it proves; the plan it
//! returns may be another of the stage's optima than `F` solved whole would return (the later
//! stages then break the tie as always).
//!
//! # Where it applies
//! Stages whose objective does not read the AZs (not the `largest_az_share` stage, nor a
//! stage after it), on HiGHS, with AZ rows to leave out and more than one AZ; not with an
//! Auto Scaling group's zone balance (rows per AZ that decide the plan's shape), placement
//! slot columns, or the anchor's relaxation model.

use std::time::Instant;

use super::model::{self, Failure, Goal, Solved};
use super::prepare::Prepared;
use super::{Backend, Stage};
use crate::plan::SolverStatus;
use crate::request::FleetRequest;

/// The node limit of each repair search. A repair that succeeds needs few nodes (L-spot's
/// family-total repair: one; its objective-only repair: about 550), while proving that no
/// repair exists can take as long as the whole model; 2,000 nodes bounds the time a failed
/// repair costs (about a second on the largest models measured) without depending on the
/// machine's speed.
const REPAIR_NODES: i32 = 2_000;

/// A stage solved: the solution and the columns of the pools' counts and slots in it.
pub(crate) struct StageSolution {
    /// The solve's result over the columns of the stage's whole model.
    pub solved: Solved,
    /// The column of each pool's count.
    pub x: Vec<usize>,
    /// The slot columns per pool and slot, when the model chooses slots.
    pub slots: Option<Vec<Vec<usize>>>,
}

/// Whether a stage is solved through its zone relaxation (see the module docs).
pub(crate) fn applies(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    stage: Stage,
    backend: Backend,
) -> bool {
    let reads_zones =
        stage == Stage::MaxAzShare || fixed.iter().any(|(s, _)| *s == Stage::MaxAzShare);
    let has_zone_rows = request.constraints.survive_az_loss.is_some()
        || request.constraints.max_az_share.is_some()
        || prep.caps.az.is_some();
    backend == Backend::Highs
        && !reads_zones
        && has_zone_rows
        && prep.zones.len() > 1
        && !request.balance_zones
        && prep.slots.is_none()
        && !prep.relaxing
}

/// Solves `stage` over `prep` with the earlier stages `fixed`, within `budget` seconds and the
/// relative `gap`: through the zone relaxation where it applies, else the whole model.
pub(crate) fn solve_stage(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    stage: Stage,
    backend: Backend,
    budget: f64,
    gap: f64,
) -> Result<StageSolution, Failure> {
    let started = Instant::now();
    let left = || (budget - started.elapsed().as_secs_f64()).max(0.0);
    if applies(request, prep, fixed, stage, backend) {
        let mut relaxed = model::build_without_zone_rows(request, prep, fixed, Goal::Stage(stage));
        relaxed.presolve = Some(true);
        let x = relaxed.x.clone();
        // Half the time, so that when the relaxation is no help the whole model still has
        // its turn.
        match model::solve(relaxed, backend, left() / 2.0, gap) {
            Err(Failure::Infeasible) => return Err(Failure::Infeasible),
            Ok(r) if r.status != SolverStatus::TimeLimit => {
                let counts = r.counts(&x);
                if let Some(found) = repair(request, prep, fixed, stage, &counts, &r, left)? {
                    return Ok(found);
                }
                return whole(
                    request,
                    prep,
                    fixed,
                    stage,
                    backend,
                    left(),
                    gap,
                    Some(r.bound),
                );
            }
            // Out of time or a backend failure on the relaxation: the whole model decides.
            _ => {}
        }
    }
    whole(request, prep, fixed, stage, backend, left(), gap, None)
}

/// The stage's whole model, its bound raised to `known_bound` (a relaxation's) when higher.
#[allow(clippy::too_many_arguments)]
fn whole(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    stage: Stage,
    backend: Backend,
    time: f64,
    gap: f64,
    known_bound: Option<f64>,
) -> Result<StageSolution, Failure> {
    let built = model::build(request, prep, fixed, Goal::Stage(stage));
    let (x, slots) = (built.x.clone(), built.slots.clone());
    let mut solved = model::solve(built, backend, time, gap)?;
    if let Some(bound) = known_bound {
        solved.bound = solved.bound.max(bound).min(solved.objective);
    }
    Ok(StageSolution { solved, x, slots })
}

/// A plan of the whole model whose objective is at most the relaxation's (`relaxed`, with
/// instance counts `counts`): first with each family's total held, then with the objective
/// only; `None` when neither search finds one within its node limit.
fn repair(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    stage: Stage,
    counts: &[u32],
    relaxed: &Solved,
    left: impl Fn() -> f64,
) -> Result<Option<StageSolution>, Failure> {
    let totals = family_totals(request, prep, stage, counts);
    for hold_families in [true, false] {
        let mut built = model::build(request, prep, fixed, Goal::Stage(stage));
        let (x, slots) = (built.x.clone(), built.slots.clone());
        let objective = built.cut_off_at(relaxed.objective);
        if hold_families {
            built.fix_totals(&totals);
        }
        built.node_limit = Some(REPAIR_NODES);
        match model::solve(built, Backend::Highs, left(), 0.0) {
            Ok(found) if found.status == SolverStatus::Optimal => {
                let value = objective.value(&found.values);
                let solved = Solved {
                    objective: value,
                    bound: relaxed.bound.min(value),
                    status: relaxed.status,
                    ..found
                };
                return Ok(Some(StageSolution { solved, x, slots }));
            }
            // No plan, or none within the node limit: try the looser search, or give up.
            Ok(_) | Err(Failure::Infeasible) | Err(Failure::TimeLimit) => {}
            Err(failure @ Failure::Backend(_)) => return Err(failure),
        }
    }
    Ok(None)
}

/// The families of `prep`'s pools that have members in more than one AZ (the same type,
/// market and weight, and the same objective coefficient), each with its total in `counts`.
fn family_totals(
    request: &FleetRequest,
    prep: &Prepared,
    stage: Stage,
    counts: &[u32],
) -> Vec<(Vec<usize>, u32)> {
    use std::collections::BTreeMap;
    // (type, market, weight, coefficient), the floats by their bits: equal values, one family.
    type Family = (usize, u8, u64, u64);
    let mut families: BTreeMap<Family, (Vec<usize>, u32)> = BTreeMap::new();
    for (i, pool) in prep.pools.iter().enumerate() {
        let market = u8::from(pool.market == fleetopt_instances::Market::Spot);
        let key = (
            pool.type_ix,
            market,
            pool.weight.to_bits(),
            stage.coefficient(request, pool).to_bits(),
        );
        let family = families.entry(key).or_default();
        family.0.push(i);
        family.1 += counts.get(i).copied().unwrap_or(0);
    }
    families
        .into_values()
        .filter(|(members, _)| {
            let first = prep.pools[members[0]].zone;
            members.iter().any(|&i| prep.pools[i].zone != first)
        })
        .collect()
}
