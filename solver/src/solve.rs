//! The entry point: a catalogue and a request in, a verified plan out.
//!
//! `solve` resolves the request's candidates, runs the requested mode, and checks the result
//! with the independent verifier before returning it: a plan that fails verification is a bug
//! and comes back as [`SolveError::Unverified`], never as a plan.

use fleetopt_instances::{Catalog, RegionName};

use crate::candidates::{self, CandidateError};
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
    /// The request asks for a mode this build cannot solve yet.
    #[error(
        "optimal mode is not available in this version: the integer-programming solver is the next milestone; solve with --mode aws (or mode = \"aws\") for what EC2 would do"
    )]
    ModeUnavailable(Mode),
    /// The planner produced a plan the verifier rejects: a bug in fleetopt.
    #[error("internal error: the plan failed verification: {}", .0.join("; "))]
    Unverified(Vec<String>),
}

impl SolveError {
    /// True when the cause is the user's input (exit code 2), not fleetopt.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            SolveError::Candidates(_) | SolveError::ModeUnavailable(_)
        )
    }

    /// The documented exit code of this failure (DESIGN §11): 2 bad input, 3 infeasible,
    /// 4 time limit without a feasible plan, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        if self.is_input_error() { 2 } else { 1 }
    }

    /// A stable one-word name of the failure class, for machine-readable output (batch
    /// results): `input`, `infeasible`, `time_limit` or `internal`.
    pub fn kind(&self) -> &'static str {
        if self.is_input_error() {
            "input"
        } else {
            "internal"
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
        Mode::Optimal => return Err(SolveError::ModeUnavailable(Mode::Optimal)),
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
