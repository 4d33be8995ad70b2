//! The entry point: a catalogue and a request in, a verified plan out.
//!
//! `solve` resolves the request's candidates, runs the requested mode, and checks the result
//! with the independent verifier before returning it: a plan that fails verification is a bug
//! and comes back as [`SolveError::Unverified`], never as a plan.
//!
//! Exit codes (DESIGN §11) of failures: 2 input ([`SolveError::Candidates`]), 3 infeasible
//! ([`SolveError::Infeasible`], with an explanation), 4 time limit without a feasible plan
//! ([`SolveError::TimeLimit`]), 1 anything else. A time limit *with* a feasible plan is a
//! success: the plan's solver report says `time_limit` and gives the gap.

use fleetopt_instances::{Catalog, RegionName};

use crate::candidates::{self, CandidateError};
use crate::error::ErrorClass;
use crate::optimal::{self, Explanation, OptimalError};
use crate::plan::Plan;
use crate::request::{FleetRequest, Mode, SpotStrategy};
use crate::{aws_mode, verify};

/// Overrides applied on top of the request (the CLI's `--mode`, `--strategy`, `--region`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SolveOptions {
    /// Solve in this mode instead of the request's.
    pub mode: Option<Mode>,
    /// Use this spot strategy instead of the request's.
    pub spot_strategy: Option<SpotStrategy>,
    /// Plan in this region (for AWS request forms, which carry none).
    pub region: Option<RegionName>,
}

/// Why no plan came back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The request's candidates cannot be resolved against the catalogue (bad input).
    #[error("{0}")]
    Candidates(#[from] CandidateError),
    /// optimal mode: no plan meets every constraint (exit 3); the explanation names the
    /// conflicting constraints and amounts.
    #[error("{0}")]
    Infeasible(Explanation),
    /// optimal mode: the time limit passed before any feasible plan (exit 4).
    #[error(
        "no feasible plan found within the time limit of {0} s; raise solver.time_limit_seconds"
    )]
    TimeLimit(f64),
    /// optimal mode: the MIP backend failed (exit 1).
    #[error("the MIP solver failed: {0}")]
    Solver(String),
    /// The planner produced a plan the verifier rejects: a bug in fleetopt.
    #[error("internal error: the plan failed verification: {}", .0.join("; "))]
    Unverified(Vec<String>),
}

impl SolveError {
    /// The class of this failure (the binary maps classes to exit codes).
    pub fn class(&self) -> ErrorClass {
        match self {
            SolveError::Candidates(_) => ErrorClass::Input,
            SolveError::Infeasible(_) => ErrorClass::Infeasible,
            SolveError::TimeLimit(_) => ErrorClass::TimeLimit,
            SolveError::Solver(_) | SolveError::Unverified(_) => ErrorClass::Internal,
        }
    }

    /// True when the cause is the user's input (exit code 2), not fleetopt.
    pub fn is_input_error(&self) -> bool {
        matches!(self, SolveError::Candidates(_))
    }

    /// The documented exit code of this failure (DESIGN §11): 2 bad input, 3 infeasible,
    /// 4 time limit without a feasible plan, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            SolveError::Candidates(_) => 2,
            SolveError::Infeasible(_) => 3,
            SolveError::TimeLimit(_) => 4,
            SolveError::Solver(_) | SolveError::Unverified(_) => 1,
        }
    }

    /// A stable one-word name of the failure class, for machine-readable output (batch
    /// results): `input`, `infeasible`, `time_limit` or `internal`.
    pub fn kind(&self) -> &'static str {
        match self {
            SolveError::Candidates(_) => "input",
            SolveError::Infeasible(_) => "infeasible",
            SolveError::TimeLimit(_) => "time_limit",
            SolveError::Solver(_) | SolveError::Unverified(_) => "internal",
        }
    }
}

/// The request with the options applied.
pub fn effective_request(request: &FleetRequest, options: &SolveOptions) -> FleetRequest {
    let mut request = request.clone();
    if let Some(mode) = options.mode {
        request.mode = mode;
    }
    if let Some(strategy) = options.spot_strategy {
        request.spot.strategy = strategy;
        // InstancePoolsToUseCount belongs to lowestPrice only.
        if strategy != SpotStrategy::LowestPrice && !request.balance_zones {
            request.spot.pools = None;
        }
    }
    if let Some(region) = &options.region {
        request.region = Some(region.clone());
    }
    request
}

/// Plans a fleet: resolves candidates, runs the mode, verifies the plan.
pub fn solve(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
) -> Result<Plan, SolveError> {
    let request = effective_request(request, options);
    let candidates = candidates::resolve(catalog, &request)?;
    let plan = match request.mode {
        Mode::Aws => aws_mode::emulate(&request, &candidates),
        Mode::Optimal => optimal::plan(&request, &candidates).map_err(|e| match e {
            OptimalError::Infeasible(explanation) => SolveError::Infeasible(explanation),
            OptimalError::TimeLimit { limit } => SolveError::TimeLimit(limit),
            OptimalError::Solver(message) => SolveError::Solver(message),
        })?,
    };
    let violations = verify::verify(catalog, &request, &plan);
    if violations.is_empty() {
        Ok(plan)
    } else {
        Err(SolveError::Unverified(
            violations.iter().map(|v| v.to_string()).collect(),
        ))
    }
}
