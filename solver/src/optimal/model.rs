//! The integer program: variables, constraints, one stage's objective, and the solve through a
//! good_lp backend (HiGHS by default, read back through its own API for the best bound).
//!
//! The variables and rows are built by [`rows`](super::rows), one function per constraint
//! family, each stating its algebra: instance counts `x_p` per model pool (column bounds carry
//! `max_pool_share`, `available_instances` and the spread bound); covering rows for the target,
//! the On-Demand part and AZ-loss survival; packing rows for the On-Demand stop, budgets, type
//! and AZ shares, overshoot and spread groups; binaries for pools, types and AZs used, linked
//! with the pool bound as big-M (the tightest valid one). Every request constraint is hard.
//!
//! In elastic mode (infeasibility explanations) every row group except column bounds and the
//! structural single-AZ/type/cluster choices gets a non-negative slack, and the objective is
//! the total slack, each scaled by its right-hand side.

use std::time::Instant;

#[cfg(any(feature = "cbc", feature = "microlp"))]
use good_lp::Solution;
use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable, variable};

use super::anchor::AXES;
use super::prepare::Prepared;
use super::rows;
use super::{Backend, Stage};
use crate::plan::{RiskAxis, SolverStatus};
use crate::request::FleetRequest;
use crate::tolerance;

/// A slack group of the elastic model: which constraint, where, and its scale.
#[derive(Debug, Clone)]
pub(crate) struct SlackGroup {
    /// The request field (`max_az_share`, `target`, …).
    pub constraint: &'static str,
    /// Where (`use1-az1`, `spot`, …), empty for fleet-wide.
    pub scope: String,
    /// The row's right-hand side (the limit or requirement).
    pub limit: f64,
    /// True for ≥ rows (slack = shortfall), false for ≤ rows (slack = excess).
    pub covering: bool,
    /// Column of the slack.
    column: usize,
}

/// A built model.
pub(crate) struct Built {
    vars: ProblemVariables,
    columns: Vec<Variable>,
    objective: Expression,
    /// Rows, in the order they reach the solver.
    pub(super) constraints: Vec<Constraint>,
    /// The family and scope of each row built through [`Built::row`], by row index.
    row_names: Vec<(usize, String)>,
    /// Column of each pool's count.
    pub x: Vec<usize>,
    /// Slack groups (elastic mode).
    pub slacks: Vec<SlackGroup>,
    /// Unscaled objective = solver objective × this.
    pub objective_scale: f64,
    /// Whether request rows get slacks (infeasibility explanations).
    elastic: bool,
    /// Whether integrality is dropped: the LP relaxation, whose reduced costs
    /// [`pricing`](super::pricing) uses.
    relaxed: bool,
    /// Whether anchor caps get one slack per axis (relaxation), and those slack columns in
    /// [`RiskAxis::ALL`] order.
    relaxing: bool,
    /// The relaxation slack column of each axis, once created.
    pub axis_slacks: [Option<usize>; AXES],
    /// The factor back to each axis's unit.
    pub axis_scales: [f64; AXES],
    /// The slot columns per pool and slot, when the model chooses placement slots
    /// ([`rows::placement_caps`]).
    pub slots: Option<Vec<Vec<usize>>>,
    /// Whether rows hold earlier stages at their optima (a later lexicographic stage).
    holds_earlier_stages: bool,
    /// The coverage columns ([`rows::commitment_coverage`]): (pool position, column).
    pub(super) coverage: Vec<(usize, usize)>,
    /// Whether the AZ rows (`max_az_share`, `survive_az_loss`, the anchor's worst-AZ cap) are
    /// built: without them the model is the zone relaxation of [`zones`](super::zones).
    pub(super) zone_rows: bool,
    /// Whether HiGHS's presolve runs, when the caller knows better than the size rule of
    /// [`PRESOLVE_MIN_COLUMNS`].
    pub(super) presolve: Option<bool>,
    /// HiGHS's node limit (`mip_max_nodes`), when the solve must stay bounded without a clock:
    /// a node count is the same on every machine, so the outcome is too.
    pub(super) node_limit: Option<i32>,
}

impl Built {
    /// Adds a column and returns its index.
    pub(super) fn add(&mut self, definition: good_lp::VariableDefinition) -> usize {
        let v = self.vars.add(definition);
        self.columns.push(v);
        self.columns.len() - 1
    }

    /// `definition` as an integer column, or continuous in the LP relaxation.
    pub(super) fn integer(
        &self,
        definition: good_lp::VariableDefinition,
    ) -> good_lp::VariableDefinition {
        if self.relaxed {
            definition
        } else {
            definition.integer()
        }
    }

    /// `definition` as a binary column, or `0 ≤ v ≤ 1` in the LP relaxation.
    pub(super) fn binary(
        &self,
        definition: good_lp::VariableDefinition,
    ) -> good_lp::VariableDefinition {
        if self.relaxed {
            definition.min(0).max(1)
        } else {
            definition.binary()
        }
    }

    /// Whether rows get continuous slacks (elastic or relaxing), which rules out rounding them.
    pub(super) fn has_slacks(&self) -> bool {
        self.elastic || self.relaxing
    }

    /// The variable of a column.
    pub(super) fn var(&self, column: usize) -> Variable {
        self.columns[column]
    }

    /// Adds a request row: `expr ≥ rhs` (covering) or `expr ≤ rhs`, named after the request
    /// field it enforces; in elastic mode with a slack scaled by the right-hand side.
    pub(super) fn row(
        &mut self,
        mut expr: Expression,
        covering: bool,
        rhs: f64,
        name: &'static str,
        scope: String,
    ) {
        if self.elastic {
            let label = if scope.is_empty() {
                format!("slack[{name}]")
            } else {
                format!("slack[{name}/{scope}]")
            };
            let s = self.add(variable().min(0).name(label));
            if covering {
                expr.add_mul(1.0, self.var(s));
            } else {
                expr.add_mul(-1.0, self.var(s));
            }
            self.objective
                .add_mul(1.0 / rhs.abs().max(tolerance::ILP_SCALE_FLOOR), self.var(s));
            self.slacks.push(SlackGroup {
                constraint: name,
                scope: scope.clone(),
                limit: rhs,
                covering,
                column: s,
            });
        }
        let label = if scope.is_empty() {
            name.to_owned()
        } else {
            format!("{name}/{scope}")
        };
        self.row_names.push((self.constraints.len(), label));
        self.constraints.push(if covering {
            expr.geq(rhs)
        } else {
            expr.leq(rhs)
        });
    }

    /// Adds an anchor cap row `expr ≤ cap` for one risk axis; while relaxing, with the axis's
    /// shared slack (created on first use, its objective weight 1 ÷ cap).
    /// `expr` and `cap` are divided by `scale`; [`Solved::axis_slacks`] undoes it.
    pub(super) fn cap_row(&mut self, mut expr: Expression, axis: RiskAxis, cap: f64, scale: f64) {
        if self.relaxing {
            let position = RiskAxis::ALL.iter().position(|a| *a == axis).unwrap_or(0);
            let s = match self.axis_slacks[position] {
                Some(s) => s,
                None => {
                    let s = self.add(
                        variable()
                            .min(0)
                            .name(format!("slack[as_safe_as/{}]", axis.as_str())),
                    );
                    self.objective
                        .add_mul(1.0 / cap.abs().max(tolerance::ILP_SCALE_FLOOR), self.var(s));
                    self.axis_slacks[position] = Some(s);
                    self.axis_scales[position] = scale;
                    s
                }
            };
            expr.add_mul(-1.0, self.var(s));
        }
        self.row_names.push((
            self.constraints.len(),
            format!("as_safe_as/{}", axis.as_str()),
        ));
        self.constraints.push(expr.leq(cap));
    }

    /// Turns the model into a search for a plan whose objective is at most `value` (in the
    /// objective's unit): the objective becomes the row `objective ≤ value` (within
    /// [`ILP_FEASIBILITY`](tolerance::ILP_FEASIBILITY) of its scaled form) and the model
    /// minimises nothing, so HiGHS stops at the first plan it finds. Returns the objective as
    /// it was, to evaluate that plan with.
    pub(super) fn cut_off_at(&mut self, value: f64) -> Objective {
        let expression = std::mem::take(&mut self.objective);
        let scaled = value / self.objective_scale;
        let slack = tolerance::ILP_FEASIBILITY * scaled.abs().max(1.0);
        self.constraints
            .push(expression.clone().leq(scaled + slack));
        Objective {
            expression,
            columns: self.columns.clone(),
            scale: self.objective_scale,
        }
    }

    /// Adds the rows `Σ_{p ∈ group} x_p = total` for each group of model pools.
    pub(super) fn fix_totals(&mut self, groups: &[(Vec<usize>, u32)]) {
        for (pools, total) in groups {
            let mut e = Expression::with_capacity(pools.len());
            for &i in pools {
                e.add_mul(1.0, self.var(self.x[i]));
            }
            self.constraints.push(e.eq(f64::from(*total)));
        }
    }

    /// The model as text, one line per objective, row and column bound, with the names the
    /// rows and columns carry: for debugging a plan against the request that made it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn dump(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "minimise {}", self.vars.display(&self.objective));
        let mut names = self.row_names.iter().peekable();
        for (i, c) in self.constraints.iter().enumerate() {
            let name = match names.peek() {
                Some((row, name)) if *row == i => {
                    names.next();
                    name.as_str()
                }
                _ => "structural",
            };
            let _ = writeln!(out, "{name}: {}", self.vars.display(c));
        }
        out
    }
}

/// A model's objective, kept apart from the model (see [`Built::cut_off_at`]).
pub(crate) struct Objective {
    expression: Expression,
    columns: Vec<Variable>,
    scale: f64,
}

impl Objective {
    /// The objective's value, in its unit, at a solution's column values.
    pub(crate) fn value(&self, values: &[f64]) -> f64 {
        let at: std::collections::HashMap<Variable, f64> = self
            .columns
            .iter()
            .zip(values)
            .map(|(v, x)| (*v, *x))
            .collect();
        self.expression.eval_with(&at) * self.scale
    }
}

/// What the model is asked to minimise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Goal {
    /// One lexicographic stage.
    Stage(Stage),
    /// Total scaled slack (elastic re-solve).
    Elastic,
    /// Total relative relaxation of the anchor caps, request rows hard.
    RelaxCaps,
}

/// Builds the model: every constraint family of [`rows`](super::rows) in a fixed order, the
/// earlier stages' optima as rows, and the goal.
pub(crate) fn build(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    goal: Goal,
) -> Built {
    build_with(request, prep, fixed, goal, false, true)
}

/// [`build`] without the AZ rows: the zone relaxation of [`zones`](super::zones), with the
/// same columns in the same order.
pub(crate) fn build_without_zone_rows(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    goal: Goal,
) -> Built {
    build_with(request, prep, fixed, goal, false, false)
}

/// [`build`] with integrality dropped: the LP relaxation of the same model, row for row.
pub(crate) fn build_relaxation(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    goal: Goal,
) -> Built {
    build_with(request, prep, fixed, goal, true, true)
}

fn build_with(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    goal: Goal,
    relaxed: bool,
    zone_rows: bool,
) -> Built {
    let mut m = Built {
        vars: ProblemVariables::new(),
        columns: Vec::new(),
        objective: Expression::with_capacity(prep.pools.len()),
        constraints: Vec::new(),
        row_names: Vec::new(),
        x: Vec::with_capacity(prep.pools.len()),
        slacks: Vec::new(),
        objective_scale: 1.0,
        elastic: goal == Goal::Elastic,
        relaxed,
        relaxing: goal == Goal::RelaxCaps,
        axis_slacks: [None; AXES],
        axis_scales: [1.0; AXES],
        slots: None,
        holds_earlier_stages: !fixed.is_empty(),
        coverage: Vec::new(),
        zone_rows,
        presolve: None,
        node_limit: None,
    };
    rows::instance_columns(&mut m, prep);
    rows::commitment_coverage(&mut m, prep);
    let total = rows::target(&mut m, prep, request);
    rows::on_demand_part(&mut m, prep);
    rows::budgets(&mut m, prep, request);
    rows::type_shares(&mut m, prep, request);
    rows::az_shares(&mut m, prep, request);
    rows::az_loss_survival(&mut m, prep, request);
    rows::overshoot(&mut m, request, total);
    rows::spread_groups(&mut m, prep, request);
    rows::zone_balance(&mut m, prep, request);
    rows::pools_used(&mut m, prep, request);
    rows::types_used(&mut m, prep, request);
    rows::single_az(&mut m, prep, request);
    rows::risk_caps(&mut m, prep, request);
    rows::placement_caps(&mut m, prep, request);
    let needs_share = matches!(goal, Goal::Stage(Stage::MaxPoolShare))
        || fixed.iter().any(|(s, _)| *s == Stage::MaxPoolShare);
    let share_column = needs_share.then(|| rows::largest_spot_share(&mut m, prep));
    let needs_az_share = matches!(goal, Goal::Stage(Stage::MaxAzShare))
        || fixed.iter().any(|(s, _)| *s == Stage::MaxAzShare);
    let az_share_column = needs_az_share.then(|| rows::largest_az_capacity(&mut m, prep));
    let share_column = ShareColumns {
        pool: share_column,
        az: az_share_column,
    };
    // Earlier stages at their optimum (within `tolerance::ILP_STAGE`).
    for (stage, value) in fixed {
        let (expr, scale) = stage_expression(request, prep, &m, *stage, share_column);
        let scaled = value / scale;
        let slack = tolerance::ILP_STAGE * scaled.abs().max(1.0);
        m.constraints.push(expr.leq(scaled + slack));
    }
    if let Goal::Stage(stage) = goal {
        let (expr, scale) = stage_expression(request, prep, &m, stage, share_column);
        m.objective = expr;
        m.objective_scale = scale;
    }
    m
}

/// The columns of the share stages, when the model has them.
#[derive(Debug, Clone, Copy)]
struct ShareColumns {
    /// The largest spot pool's capacity.
    pool: Option<usize>,
    /// The largest AZ's capacity.
    az: Option<usize>,
}

/// A stage's objective scaled so its largest coefficient is 1 (hazards are ~1e-5 per hour,
/// which would sit below the solver's tolerances), and the factor back to its unit.
fn stage_expression(
    request: &FleetRequest,
    prep: &Prepared,
    m: &Built,
    stage: Stage,
    share_column: ShareColumns,
) -> (Expression, f64) {
    let column = match stage {
        Stage::MaxPoolShare => Some(share_column.pool),
        Stage::MaxAzShare => Some(share_column.az),
        _ => None,
    };
    if let Some(column) = column {
        // The column holds capacity; the stage's unit is a share of the target.
        let mut e = Expression::with_capacity(1);
        if let Some(s) = column {
            e.add_mul(1.0, m.var(s));
        }
        return (e, 1.0 / request.target.capacity);
    }
    let coefficients: Vec<f64> = prep
        .pools
        .iter()
        .map(|p| stage.coefficient(request, p))
        .collect();
    let largest = coefficients.iter().copied().fold(0.0_f64, f64::max);
    let scale = if largest > 0.0 { largest } else { 1.0 };
    let mut e = Expression::with_capacity(prep.pools.len());
    for (i, c) in coefficients.iter().enumerate() {
        if *c != 0.0 {
            e.add_mul(c / scale, m.var(m.x[i]));
        }
    }
    if stage == Stage::Cost {
        // New spend: an instance a commitment covers is paid for already.
        for &(pool, column) in &m.coverage {
            e.add_mul(-prep.pools[pool].price / scale, m.var(column));
        }
    }
    (e, scale)
}

/// A solved model.
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    /// Value per column.
    pub values: Vec<f64>,
    /// Objective (unscaled).
    pub objective: f64,
    /// Best bound (unscaled).
    pub bound: f64,
    /// How it finished.
    pub status: SolverStatus,
    /// Reduced cost per column, in the objective's unit (LP relaxations only; empty after a
    /// MIP, whose duals mean nothing).
    pub reduced_costs: Vec<f64>,
}

impl Solved {
    /// Rounded instance counts per model pool.
    pub fn counts(&self, built_x: &[usize]) -> Vec<u32> {
        built_x
            .iter()
            .map(|&c| {
                let v = self.values.get(c).copied().unwrap_or(0.0).round();
                if v.is_finite() && v > 0.0 {
                    v.min(f64::from(u32::MAX)) as u32
                } else {
                    0
                }
            })
            .collect()
    }

    /// Rounded instance counts per model pool and placement slot, given the slot columns.
    pub fn slot_counts(&self, slots: &[Vec<usize>]) -> Vec<Vec<u32>> {
        slots.iter().map(|columns| self.counts(columns)).collect()
    }

    /// The value of a slack column.
    pub fn slack(&self, group: &SlackGroup) -> f64 {
        self.values.get(group.column).copied().unwrap_or(0.0)
    }

    /// The relaxation slack of each risk axis in its own unit, in [`RiskAxis::ALL`] order (0
    /// without one), given the model's slack columns and scales.
    pub fn axis_slacks(
        &self,
        columns: &[Option<usize>; AXES],
        scales: &[f64; AXES],
    ) -> [f64; AXES] {
        let mut out = [0.0; AXES];
        for (i, column) in columns.iter().enumerate() {
            if let Some(c) = column {
                out[i] = self.values.get(*c).copied().unwrap_or(0.0) * scales[i];
            }
        }
        out
    }
}

/// Why a model gave no solution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    /// Proven infeasible.
    Infeasible,
    /// The time limit passed before any feasible solution.
    TimeLimit,
    /// Anything else the backend reported.
    Backend(BackendError),
}

/// What went wrong in the MIP backend (HiGHS, or good_lp around it): a failure of fleetopt or
/// of the solver, not of the request. The messages name the backend's own statuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    /// good_lp could not build the backend's model, or (other backends) failed to solve it.
    #[error(transparent)]
    Model(#[from] good_lp::ResolutionError),
    /// good_lp refused the MIP gap (other backends).
    #[error(transparent)]
    MipGap(#[from] good_lp::solvers::MipGapError),
    /// HiGHS rejected an option. Its error (`highs::TrySetOptionError`) carries no status, so
    /// the message names it as it always has.
    #[error("HiGHS option {option}: TrySetOptionError")]
    OptionRejected {
        /// The option's HiGHS name (`time_limit`, `threads`, …).
        option: &'static str,
    },
    /// HiGHS's solve call itself failed.
    #[error("HiGHS: {0:?}")]
    SolveFailed(highs::HighsStatus),
    /// HiGHS finished with a model status that is neither a solution, infeasibility nor a
    /// limit (a load, presolve or solve error, unboundedness, …).
    #[error("HiGHS status {0:?}")]
    UnexpectedStatus(highs::HighsModelStatus),
    /// HiGHS reported an optimum but no feasible primal solution.
    #[error("HiGHS returned no feasible solution")]
    NoFeasibleSolution,
}

impl From<BackendError> for Failure {
    fn from(error: BackendError) -> Failure {
        Failure::Backend(error)
    }
}

/// Solves a built model within `time_limit` seconds and relative gap `gap`.
pub(crate) fn solve(
    built: Built,
    backend: Backend,
    time_limit: f64,
    gap: f64,
) -> Result<Solved, Failure> {
    match backend {
        Backend::Highs => solve_highs(built, time_limit, gap),
        #[cfg(feature = "cbc")]
        Backend::Cbc => solve_generic(built, good_lp::solvers::coin_cbc::coin_cbc, time_limit, gap),
        #[cfg(feature = "microlp")]
        Backend::Microlp => {
            solve_generic(built, good_lp::solvers::microlp::microlp, time_limit, gap)
        }
    }
}

/// A first stage with at most this many columns is solved without HiGHS's presolve; a later
/// stage (rows holding the earlier optima) with at most [`LATER_STAGE_PRESOLVE_MIN_COLUMNS`].
/// Measured (benches/README.md, "Presolve by model size"): on M's models (172 columns)
/// presolve and the restart it triggers cost more than the whole branch and bound (M
/// lowestPrice's cost stage 0.36 s with it, 0.08 s without; its hazard tie stage 0.16 s and
/// 0.09 s), while larger models need it: L's hazard tie stage over 661 columns takes 2.3 s
/// with presolve and reaches the 10 s time limit without, and the whole-region first stages
/// without a reduction (L diversified) are slower without it. A solver option, not part of the
/// model: the optimum and its proof are the same either way.
const PRESOLVE_MIN_COLUMNS: usize = 1_000;

/// See [`PRESOLVE_MIN_COLUMNS`].
const LATER_STAGE_PRESOLVE_MIN_COLUMNS: usize = 250;

fn solve_highs(built: Built, time_limit: f64, gap: f64) -> Result<Solved, Failure> {
    use highs::{HighsModelStatus, HighsSolutionStatus};
    let by_size = built.columns.len()
        > match built.holds_earlier_stages {
            true => LATER_STAGE_PRESOLVE_MIN_COLUMNS,
            false => PRESOLVE_MIN_COLUMNS,
        };
    let presolve = built.presolve.unwrap_or(by_size);
    let Built {
        vars,
        objective,
        constraints,
        objective_scale,
        relaxed,
        node_limit,
        ..
    } = built;
    let mut problem = vars
        .minimise(objective)
        .using(good_lp::solvers::highs::highs);
    for c in constraints {
        problem.add_constraint(c);
    }
    let mut model = problem.try_into_inner().map_err(BackendError::from)?;
    model.make_quiet();
    let options: [(&'static str, f64); 6] = [
        ("time_limit", time_limit.max(0.0)),
        ("mip_rel_gap", gap.max(0.0)),
        // HiGHS also stops at an absolute gap of 1e-6 by default, which on a scaled hazard
        // stage (objective ~1e-3) is a relative gap of 1e-4: proven optimal means gap 0.
        ("mip_abs_gap", 0.0),
        // Budgets and shares are compared exactly by the verifier; HiGHS's default 1e-6/1e-7
        // tolerances could accept a plan a hair over a budget.
        ("primal_feasibility_tolerance", tolerance::ILP_FEASIBILITY),
        ("mip_feasibility_tolerance", tolerance::ILP_FEASIBILITY),
        // The relaxation's reduced costs decide which pools the MIP may leave out
        // (`pricing`): they must be accurate well below the margin it allows them.
        (
            "dual_feasibility_tolerance",
            tolerance::ILP_DUAL_FEASIBILITY,
        ),
    ];
    let rejected = |option: &'static str| {
        move |_: highs::TrySetOptionError| BackendError::OptionRejected { option }
    };
    for (key, value) in options {
        model.try_set_option(key, value).map_err(rejected(key))?;
    }
    // Deterministic regardless of the machine: HiGHS's MIP is deterministic for a fixed
    // thread count; one thread keeps plans byte-identical everywhere.
    model
        .try_set_option("threads", 1)
        .map_err(rejected("threads"))?;
    if !presolve {
        model
            .try_set_option("presolve", "off")
            .map_err(rejected("presolve"))?;
    }
    if let Some(nodes) = node_limit {
        model
            .try_set_option("mip_max_nodes", nodes)
            .map_err(rejected("mip_max_nodes"))?;
    }
    let solved = model.try_solve().map_err(BackendError::SolveFailed)?;
    let status = match solved.status() {
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Failure::Infeasible);
        }
        HighsModelStatus::Optimal => SolverStatus::Optimal,
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedMemoryLimit => SolverStatus::TimeLimit,
        other => return Err(BackendError::UnexpectedStatus(other).into()),
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err(if status == SolverStatus::TimeLimit {
            Failure::TimeLimit
        } else {
            BackendError::NoFeasibleSolution.into()
        });
    }
    let objective = solved.objective_value();
    // An LP's optimum is its own bound; the MIP infos are not set for it.
    let bound = match relaxed {
        true => objective,
        false => solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(objective),
    };
    let mip_gap = if relaxed { 0.0 } else { solved.mip_gap() };
    let status = if status == SolverStatus::Optimal
        && mip_gap.is_finite()
        && mip_gap > tolerance::ILP_GAP_OPTIMAL
    {
        SolverStatus::GapLimit
    } else {
        status
    };
    let bound = if bound.is_finite() { bound } else { objective };
    let solution = solved.get_solution();
    let reduced_costs = if relaxed {
        solution
            .dual_columns()
            .iter()
            .map(|d| d * objective_scale)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Solved {
        values: solution.columns().to_vec(),
        objective: objective * objective_scale,
        bound: bound * objective_scale,
        status,
        reduced_costs,
    })
}

#[cfg(any(feature = "cbc", feature = "microlp"))]
fn solve_generic<S>(built: Built, solver: S, time_limit: f64, gap: f64) -> Result<Solved, Failure>
where
    S: good_lp::Solver,
    <S as good_lp::Solver>::Model: good_lp::WithTimeLimit
        + good_lp::WithMipGap
        + SolverModel<Error = good_lp::ResolutionError>,
{
    use good_lp::{ResolutionError, SolutionStatus, WithMipGap, WithTimeLimit};
    let Built {
        vars,
        columns,
        objective,
        constraints,
        objective_scale,
        ..
    } = built;
    let expression = objective.clone();
    let mut problem = vars
        .minimise(objective)
        .using(solver)
        .with_time_limit(time_limit.max(0.0));
    if gap > 0.0 {
        problem = problem
            .with_mip_gap(gap as f32)
            .map_err(BackendError::from)?;
    }
    for c in constraints {
        problem.add_constraint(c);
    }
    let solution = problem.solve().map_err(|e| match e {
        ResolutionError::Infeasible => Failure::Infeasible,
        other => {
            let text = other.to_string();
            if text.contains("NoSolutionFound") || text.contains("Time limit") {
                Failure::TimeLimit
            } else {
                BackendError::Model(other).into()
            }
        }
    })?;
    let status = match solution.status() {
        SolutionStatus::Optimal => SolverStatus::Optimal,
        SolutionStatus::GapLimit => SolverStatus::GapLimit,
        SolutionStatus::TimeLimit => SolverStatus::TimeLimit,
    };
    let objective = expression.eval_with(&solution) * objective_scale;
    Ok(Solved {
        values: columns.iter().map(|v| solution.value(*v)).collect(),
        objective,
        bound: objective,
        status,
        reduced_costs: Vec::new(),
    })
}

/// Seconds left of a limit that started at `start`.
pub(crate) fn remaining(start: Instant, limit: f64) -> f64 {
    (limit - start.elapsed().as_secs_f64()).max(0.0)
}
