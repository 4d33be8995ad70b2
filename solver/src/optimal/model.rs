//! The integer program: variables, constraints, one stage's objective, and the solve through a
//! good_lp backend (HiGHS by default, read back through its own API for the best bound).
//!
//! Variables: `x_p` integer in `[0, cap_p]` per model pool; binaries `y_p` (pool used) with
//! `min_pools`; `t_k` (type used) with `max_types`, `single_type` or a single-type cluster;
//! `a_z` (AZ used) with `single_az` or a cluster group; `s ≥ 0` (largest spot-pool share) for
//! `diversified`. Linking rows `x_p ≤ cap_p·y_p` and `x_p ≥ y_p`, `x_p ≤ cap_p·t_k`,
//! `x_p ≤ cap_p·a_z` use the pool bound as big-M, the tightest valid one.
//!
//! Rows (every request constraint is hard): Σ w·x ≥ target; Σ_OD w·x ≥ On-Demand part and,
//! when there is a spot part, Σ_OD w·x < On-Demand part + the largest eligible On-Demand weight
//! (AWS fills On-Demand first and stops within one instance; without this row
//! `capacityOptimized` would "avoid interruptions" by buying the whole fleet On-Demand);
//! Σ_market price·x ≤ max_total_price; Σ_type w·x ≤ max_type_share·target; Σ_AZ w·x ≤
//! max_az_share·target; Σ y ≥ min_pools; Σ t ≤ max_types (1 with single_type); Σ a ≤ 1;
//! for each AZ: Σ_outside w·x ≥ survive_az_loss·target; Σ w·x ≤ target + max_overshoot;
//! spread with a fixed number of groups: Σ_AZ x ≤ 7·groups. `max_pool_share`,
//! `available_instances` and the spread bound per pool are column bounds.
//!
//! In elastic mode (infeasibility explanations) every row group except column bounds and the
//! structural single-AZ/type/cluster choices gets a non-negative slack, and the objective is
//! the total slack, each scaled by its right-hand side.

use std::time::Instant;

use fleetopt_instances::Market;
#[cfg(any(feature = "cbc", feature = "microlp"))]
use good_lp::Solution;
use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable, variable};

use super::prepare::Prepared;
use super::{Backend, Stage};
use crate::placement::rules::SPREAD_LIMIT;
use crate::plan::SolverStatus;
use crate::request::{FleetRequest, PlacementSpec};

/// Relative tolerance when an earlier stage's optimum becomes a constraint.
pub(crate) const STAGE_TOLERANCE: f64 = 1e-7;

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
    constraints: Vec<Constraint>,
    /// Column of each pool's count.
    pub x: Vec<usize>,
    /// Slack groups (elastic mode).
    pub slacks: Vec<SlackGroup>,
    /// Unscaled objective = solver objective × this.
    pub objective_scale: f64,
}

impl Built {
    fn add(&mut self, definition: good_lp::VariableDefinition) -> usize {
        let v = self.vars.add(definition);
        self.columns.push(v);
        self.columns.len() - 1
    }

    fn var(&self, column: usize) -> Variable {
        self.columns[column]
    }
}

/// What the model is asked to minimise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Goal {
    /// One lexicographic stage.
    Stage(Stage),
    /// Total scaled slack (elastic re-solve).
    Elastic,
}

/// Builds the model: every constraint, the earlier stages' optima as rows, and the goal.
pub(crate) fn build(
    request: &FleetRequest,
    prep: &Prepared,
    fixed: &[(Stage, f64)],
    goal: Goal,
) -> Built {
    let target = request.target.capacity;
    let c = &request.constraints;
    let elastic = goal == Goal::Elastic;
    let mut m = Built {
        vars: ProblemVariables::new(),
        columns: Vec::new(),
        objective: Expression::with_capacity(prep.pools.len()),
        constraints: Vec::new(),
        x: Vec::with_capacity(prep.pools.len()),
        slacks: Vec::new(),
        objective_scale: 1.0,
    };
    for p in &prep.pools {
        let column = m.add(variable().integer().min(0).max(f64::from(p.cap)));
        m.x.push(column);
    }
    let pools = &prep.pools;
    let cap_expr = |m: &Built, filter: &dyn Fn(usize) -> bool| -> Expression {
        let mut e = Expression::with_capacity(pools.len());
        for (i, p) in pools.iter().enumerate() {
            if filter(i) {
                e.add_mul(p.weight, m.var(m.x[i]));
            }
        }
        e
    };
    // Adds `expr ≥ rhs` (covering) or `expr ≤ rhs`, with a slack in elastic mode.
    let row = |m: &mut Built,
               mut expr: Expression,
               covering: bool,
               rhs: f64,
               name: &'static str,
               scope: String| {
        if elastic {
            let s = m.add(variable().min(0));
            if covering {
                expr.add_mul(1.0, m.var(s));
            } else {
                expr.add_mul(-1.0, m.var(s));
            }
            m.objective.add_mul(1.0 / rhs.abs().max(1e-9), m.var(s));
            m.slacks.push(SlackGroup {
                constraint: name,
                scope,
                limit: rhs,
                covering,
                column: s,
            });
        }
        m.constraints.push(if covering {
            expr.geq(rhs)
        } else {
            expr.leq(rhs)
        });
    };

    // Target and the On-Demand part.
    let total = cap_expr(&m, &|_| true);
    row(&mut m, total.clone(), true, target, "target", String::new());
    if prep.od_part > 0.0 {
        let od = cap_expr(&m, &|i| pools[i].market == Market::OnDemand);
        row(
            &mut m,
            od.clone(),
            true,
            prep.od_part,
            "on_demand_target",
            String::new(),
        );
        // On-Demand stops within one instance of its part, as AWS fills it (so spot
        // strategies cannot dodge their objective by buying On-Demand instead).
        if prep.spot_part > 0.0 {
            let largest = prep.od_largest_weight;
            let margin = largest - 1e-6 * largest.max(1e-9);
            m.constraints.push(od.leq(prep.od_part + margin));
        }
    }
    // Budgets per market.
    for (market, budget) in [
        (Market::Spot, request.spot.max_total_price),
        (Market::OnDemand, request.on_demand.max_total_price),
    ] {
        if let Some(budget) = budget {
            let mut e = Expression::with_capacity(pools.len());
            for (i, p) in pools.iter().enumerate() {
                if p.market == market {
                    e.add_mul(p.price, m.var(m.x[i]));
                }
            }
            row(
                &mut m,
                e,
                false,
                budget,
                "max_total_price",
                market.to_string(),
            );
        }
    }
    // Shares per type and AZ.
    if let Some(share) = c.max_type_share {
        for (k, name) in prep.types.iter().enumerate() {
            if pools.iter().any(|p| p.type_ix == k) {
                let e = cap_expr(&m, &|i| pools[i].type_ix == k);
                row(
                    &mut m,
                    e,
                    false,
                    share * target,
                    "max_type_share",
                    name.clone(),
                );
            }
        }
    }
    if let Some(share) = c.max_az_share {
        for (z, name) in prep.zones.iter().enumerate() {
            if pools.iter().any(|p| p.zone == z) {
                let e = cap_expr(&m, &|i| pools[i].zone == z);
                row(
                    &mut m,
                    e,
                    false,
                    share * target,
                    "max_az_share",
                    name.clone(),
                );
            }
        }
    }
    // AZ-loss survival: for every zone, the capacity outside it.
    if let Some(share) = c.survive_az_loss {
        for (z, name) in prep.zones.iter().enumerate() {
            let e = cap_expr(&m, &|i| pools[i].zone != z);
            row(
                &mut m,
                e,
                true,
                share * target,
                "survive_az_loss",
                name.clone(),
            );
        }
    }
    if let Some(over) = c.max_overshoot {
        row(
            &mut m,
            total,
            false,
            target + over,
            "max_overshoot",
            String::new(),
        );
    }
    // Spread with a fixed number of groups: at most 7 per AZ per group.
    if let PlacementSpec::Spread { groups: Some(g) } = request.placement {
        for (z, name) in prep.zones.iter().enumerate() {
            if pools.iter().any(|p| p.zone == z) {
                let mut e = Expression::with_capacity(pools.len());
                for (i, p) in pools.iter().enumerate() {
                    if p.zone == z {
                        e.add_mul(1.0, m.var(m.x[i]));
                    }
                }
                let limit = f64::from(SPREAD_LIMIT) * f64::from(g);
                row(&mut m, e, false, limit, "placement.groups", name.clone());
            }
        }
    }
    // Pools used.
    if let Some(min) = c.min_pools
        && min > 0
    {
        let mut used = Expression::with_capacity(pools.len());
        for (i, p) in pools.iter().enumerate() {
            let y = m.add(variable().binary());
            let x = m.var(m.x[i]);
            m.constraints
                .push((Expression::from(x) - f64::from(p.cap) * m.var(y)).leq(0.0));
            m.constraints
                .push((Expression::from(x) - m.var(y)).geq(0.0));
            used.add_mul(1.0, m.var(y));
        }
        row(
            &mut m,
            used,
            true,
            f64::from(min),
            "min_pools",
            String::new(),
        );
    }
    // Types used.
    let single_type_cluster = matches!(
        request.placement,
        PlacementSpec::Cluster {
            multiple_types: false
        }
    );
    let type_limit = [
        c.max_types,
        (c.single_type || single_type_cluster).then_some(1),
    ]
    .into_iter()
    .flatten()
    .min();
    if let Some(limit) = type_limit {
        let mut used = Expression::with_capacity(prep.types.len());
        for k in 0..prep.types.len() {
            if !pools.iter().any(|p| p.type_ix == k) {
                continue;
            }
            let t = m.add(variable().binary());
            for (i, p) in pools.iter().enumerate() {
                if p.type_ix == k {
                    let x = m.var(m.x[i]);
                    m.constraints
                        .push((Expression::from(x) - f64::from(p.cap) * m.var(t)).leq(0.0));
                }
            }
            used.add_mul(1.0, m.var(t));
        }
        if c.single_type || single_type_cluster {
            m.constraints.push(used.leq(1.0));
        } else {
            row(
                &mut m,
                used,
                false,
                f64::from(limit),
                "max_types",
                String::new(),
            );
        }
    }
    // One AZ.
    if c.single_az || matches!(request.placement, PlacementSpec::Cluster { .. }) {
        let mut used = Expression::with_capacity(prep.zones.len());
        for z in 0..prep.zones.len() {
            let a = m.add(variable().binary());
            for (i, p) in pools.iter().enumerate() {
                if p.zone == z {
                    let x = m.var(m.x[i]);
                    m.constraints
                        .push((Expression::from(x) - f64::from(p.cap) * m.var(a)).leq(0.0));
                }
            }
            used.add_mul(1.0, m.var(a));
        }
        m.constraints.push(used.leq(1.0));
    }
    // Largest spot-pool share (diversified).
    let needs_share = matches!(goal, Goal::Stage(Stage::MaxPoolShare))
        || fixed.iter().any(|(s, _)| *s == Stage::MaxPoolShare);
    let share_column = needs_share.then(|| {
        let s = m.add(variable().min(0));
        for (i, p) in pools.iter().enumerate() {
            if p.market == Market::Spot {
                let x = m.var(m.x[i]);
                m.constraints.push((p.weight * x - m.var(s)).leq(0.0));
            }
        }
        s
    });
    // Earlier stages at their optimum (within STAGE_TOLERANCE).
    for (stage, value) in fixed {
        let (expr, scale) = stage_expression(request, prep, &m, *stage, share_column);
        let scaled = value / scale;
        let tolerance = STAGE_TOLERANCE * scaled.abs().max(1.0);
        m.constraints.push(expr.leq(scaled + tolerance));
    }
    if let Goal::Stage(stage) = goal {
        let (expr, scale) = stage_expression(request, prep, &m, stage, share_column);
        m.objective = expr;
        m.objective_scale = scale;
    }
    m
}

/// A stage's objective scaled so its largest coefficient is 1 (hazards are ~1e-5 per hour,
/// which would sit below the solver's tolerances), and the factor back to its unit.
fn stage_expression(
    request: &FleetRequest,
    prep: &Prepared,
    m: &Built,
    stage: Stage,
    share_column: Option<usize>,
) -> (Expression, f64) {
    if stage == Stage::MaxPoolShare {
        // The column holds capacity; the stage's unit is a share of the target.
        let mut e = Expression::with_capacity(1);
        if let Some(s) = share_column {
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

    /// The value of a slack column.
    pub fn slack(&self, group: &SlackGroup) -> f64 {
        self.values.get(group.column).copied().unwrap_or(0.0)
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
    Other(String),
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

fn solve_highs(built: Built, time_limit: f64, gap: f64) -> Result<Solved, Failure> {
    use highs::{HighsModelStatus, HighsSolutionStatus};
    let Built {
        vars,
        objective,
        constraints,
        objective_scale,
        ..
    } = built;
    let mut problem = vars
        .minimise(objective)
        .using(good_lp::solvers::highs::highs);
    for c in constraints {
        problem.add_constraint(c);
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Failure::Other(e.to_string()))?;
    model.make_quiet();
    let options: [(&str, f64); 4] = [
        ("time_limit", time_limit.max(0.0)),
        ("mip_rel_gap", gap.max(0.0)),
        // Budgets and shares are compared exactly by the verifier; HiGHS's default 1e-6/1e-7
        // tolerances could accept a plan a hair over a budget.
        ("primal_feasibility_tolerance", 1e-9),
        ("mip_feasibility_tolerance", 1e-9),
    ];
    for (key, value) in options {
        model
            .try_set_option(key, value)
            .map_err(|e| Failure::Other(format!("HiGHS option {key}: {e:?}")))?;
    }
    // Deterministic regardless of the machine: HiGHS's MIP is deterministic for a fixed
    // thread count; one thread keeps plans byte-identical everywhere.
    model
        .try_set_option("threads", 1)
        .map_err(|e| Failure::Other(format!("HiGHS option threads: {e:?}")))?;
    let solved = model
        .try_solve()
        .map_err(|e| Failure::Other(format!("HiGHS: {e:?}")))?;
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
        other => return Err(Failure::Other(format!("HiGHS status {other:?}"))),
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err(if status == SolverStatus::TimeLimit {
            Failure::TimeLimit
        } else {
            Failure::Other("HiGHS returned no feasible solution".to_owned())
        });
    }
    let objective = solved.objective_value();
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .unwrap_or(objective);
    let mip_gap = solved.mip_gap();
    let status = if status == SolverStatus::Optimal && mip_gap.is_finite() && mip_gap > 1e-9 {
        SolverStatus::GapLimit
    } else {
        status
    };
    let bound = if bound.is_finite() { bound } else { objective };
    Ok(Solved {
        values: solved.get_solution().columns().to_vec(),
        objective: objective * objective_scale,
        bound: bound * objective_scale,
        status,
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
            .map_err(|e| Failure::Other(e.to_string()))?;
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
                Failure::Other(text)
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
    })
}

/// Seconds left of a limit that started at `start`.
pub(crate) fn remaining(start: Instant, limit: f64) -> f64 {
    (limit - start.elapsed().as_secs_f64()).max(0.0)
}
