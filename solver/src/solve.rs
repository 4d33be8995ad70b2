//! The entry point: a catalogue and a request in, a verified plan out.
//!
//! `solve` resolves the request's candidates, runs the requested mode, and checks the result
//! with the independent verifier before returning it: a plan that fails verification is a bug
//! and comes back as [`SolveError::Unverified`], never as a plan.
//!
//! Every failure has its [`ErrorClass`] ([`SolveError::class`]): input
//! ([`SolveError::Candidates`]), infeasible ([`SolveError::Infeasible`], with an explanation),
//! time limit without a feasible plan ([`SolveError::TimeLimit`]), internal (the MIP backend
//! failed, or the verifier rejected the plan). Only the binary turns a class into an exit code.
//! A time limit *with* a feasible plan is a success: the plan's solver report says `time_limit`
//! and gives the gap.

use fleetopt_instances::{Catalog, RegionName};

use crate::aws_mode;
use crate::candidates::{self, CandidateError};
use crate::error::{Classified, ErrorClass};
use crate::optimal::{self, Explanation, OptimalError};
use crate::plan::Plan;
use crate::request::{FleetRequest, Mode, SpotStrategy};
use crate::verify::{self, Violation};

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
    /// optimal mode: no plan meets every constraint; the explanation names the conflicting
    /// constraints and amounts.
    #[error("{0}")]
    Infeasible(Explanation),
    /// optimal mode: the time limit passed before any feasible plan.
    #[error(
        "no feasible plan found within the time limit of {0} s; raise solver.time_limit_seconds"
    )]
    TimeLimit(f64),
    /// optimal mode: the MIP backend failed ([`OptimalError::Solver`]; the other optimal
    /// failures have their own variants above).
    #[error("{0}")]
    Solver(OptimalError),
    /// The request's numbers cannot be represented in a plan: a pool would need more instances
    /// than a count holds, or a weight is so far from the target that capacities lose their
    /// precision. Bad input, said before any planning.
    #[error(
        "{instance_type} in {zone}: weight {weight} against target {target} needs up to {instances:.0} instances of one pool, more than a plan can count ({}) or compute exactly; scale the target and the weights together (for example measure capacity in larger units)",
        MAX_PLAN_INSTANCES
    )]
    OutOfScale {
        /// The pool's type.
        instance_type: fleetopt_instances::TypeName,
        /// Its AZ ID.
        zone: fleetopt_instances::ZoneId,
        /// Its weight.
        weight: f64,
        /// The target capacity.
        target: f64,
        /// ⌈target ÷ weight⌉.
        instances: f64,
    },
    /// The request's tenancy cannot be priced (bad input).
    #[error("{0}")]
    Tenancy(#[from] crate::tenancy::TenancyError),
    /// The planner produced a plan the verifier rejects: a bug in fleetopt.
    #[error(
        "internal error: the plan failed verification: {}",
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    Unverified(Vec<Violation>),
}

impl SolveError {
    /// The class of this failure (the binary maps classes to exit codes).
    pub fn class(&self) -> ErrorClass {
        match self {
            SolveError::Candidates(_) | SolveError::OutOfScale { .. } | SolveError::Tenancy(_) => {
                ErrorClass::Input
            }
            SolveError::Infeasible(_) => ErrorClass::Infeasible,
            SolveError::TimeLimit(_) => ErrorClass::TimeLimit,
            SolveError::Solver(_) | SolveError::Unverified(_) => ErrorClass::Internal,
        }
    }
}

impl Classified for SolveError {
    fn class(&self) -> ErrorClass {
        SolveError::class(self)
    }
}

/// The request with the options applied.
/// The most instances a plan counts in one pool: counts are `u32`, and the verifier and the
/// integer program work in `f64`, exact for whole numbers far beyond this; the bound keeps every
/// count × weight sum and its roundings exact, and a pool of more instances than this is not a
/// fleet EC2 would launch.
pub const MAX_PLAN_INSTANCES: u32 = 1 << 31;

/// Refuses a request whose numbers cannot be represented in a plan, before any planning: every
/// candidate pool must reach the target within [`MAX_PLAN_INSTANCES`] instances.
fn check_scale(
    request: &FleetRequest,
    candidates: &candidates::CandidateSet<'_>,
) -> Result<(), SolveError> {
    let target = request.target.capacity;
    for c in &candidates.pools {
        let instances = (target / c.weight).ceil();
        if !(instances.is_finite() && instances <= f64::from(MAX_PLAN_INSTANCES)) {
            return Err(SolveError::OutOfScale {
                instance_type: c.pool.instance_type.clone(),
                zone: c.pool.zone.clone(),
                weight: c.weight,
                target,
                instances,
            });
        }
    }
    Ok(())
}

pub(crate) fn effective_request(request: &FleetRequest, options: &SolveOptions) -> FleetRequest {
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

/// The request as `plan` was solved from it: the plan's mode, and the plan's region when the
/// request names none (AWS request forms carry no region; a plan records the one it was solved
/// in, and the verifier still checks that the region holds every pool). Verifying a plan read
/// back from a file checks it against this request.
pub fn request_answered_by(request: &FleetRequest, plan: &Plan) -> FleetRequest {
    let mut request = request.clone();
    request.region.get_or_insert_with(|| plan.region.clone());
    request.mode = plan.mode;
    request
}

/// The plan of `request` under `options`, given the plan of a solve that differs from it only
/// in its spot strategy and leads to the same model (`compare`'s shared solves): `plan` with
/// the strategy it is for, verified against this request like any plan [`solve`] returns.
pub(crate) fn reuse(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
    plan: &Plan,
) -> Result<Plan, SolveError> {
    let request = effective_request(request, options);
    let priced = crate::tenancy::priced(catalog, &request)?;
    let mut plan = plan.clone();
    plan.strategy.spot = request.spot.strategy;
    let violations = verify::verify(priced.as_ref(), &request, &plan);
    if violations.is_empty() {
        Ok(plan)
    } else {
        Err(SolveError::Unverified(violations))
    }
}

/// Plans a fleet: resolves candidates, runs the mode, verifies the plan.
pub fn solve(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
) -> Result<Plan, SolveError> {
    let mut request = effective_request(request, options);
    // Dedicated Instances are planned at Dedicated prices (`tenancy`); shared tenancy borrows.
    let priced = crate::tenancy::priced(catalog, &request)?;
    let catalog = priced.as_ref();
    request.notes.extend(crate::tenancy::note(&request));
    let candidates = candidates::resolve(catalog, &request)?;
    check_scale(&request, &candidates)?;
    // Whose AZ-name mapping was used, when the request names AZs (aws-semantics §3.1).
    request.notes.extend(candidates::zone_names_note(
        catalog,
        candidates.region,
        &request,
    ));
    request
        .notes
        .extend(candidates::subnet_zones_note(candidates.region, &request));
    let plan = match request.mode {
        Mode::Aws => aws_mode::emulate(&request, &candidates),
        Mode::Optimal => optimal::plan(&request, &candidates).map_err(|e| match e {
            OptimalError::Infeasible(explanation) => SolveError::Infeasible(explanation),
            OptimalError::TimeLimit { limit } => SolveError::TimeLimit(limit),
            error @ OptimalError::Solver(_) => SolveError::Solver(error),
        })?,
    };
    let violations = verify::verify(catalog, &request, &plan);
    if violations.is_empty() {
        Ok(plan)
    } else {
        Err(SolveError::Unverified(violations))
    }
}
