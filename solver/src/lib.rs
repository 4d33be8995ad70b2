//! fleetopt's planning side: fleet requests (native and AWS formats), the pools a request may
//! use, the aws-mode emulation of EC2's allocation strategies, plans with their metrics, the
//! interruption-risk model, optimal mode (an integer program, [`optimal`]), placement groups and
//! failure domains ([`placement`]), and an independent verifier.
//!
//! This crate never parses AWS catalogue formats: it takes a [`fleetopt_instances::Catalog`].
//! It does no file IO and knows no exit codes: errors say their [`ErrorClass`].
//!
//! # Example
//!
//! Read a request, plan it in optimal mode on the embedded catalogue, and hold the plan against
//! what EC2 would hand you (the aws-mode plan the optimal plan is at least as safe as):
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use fleetopt_solver::solve::{SolveOptions, solve};
//!
//! let catalog = fleetopt_instances::embedded::catalog()?;
//! let request = fleetopt_solver::request::read(
//!     "fleet.toml",
//!     r#"
//!     region = "us-east-1"
//!     mode = "optimal"
//!     [target]
//!     capacity = 64
//!     unit = "vcpu"
//!     [candidates]
//!     instance_types = ["m5.large", "m5.xlarge", "c5.xlarge", "r5.large"]
//!     [spot]
//!     allocation_strategy = "priceCapacityOptimized"
//!     "#,
//! )?;
//! let plan = solve(&catalog, &request, &SolveOptions::default())?;
//! assert!(plan.metrics.capacity >= 64.0);
//! let anchor = plan.as_safe_as.as_ref().expect("risk-aware strategies are anchored");
//! assert!(plan.metrics.cost_per_hour <= anchor.reference_cost_per_hour * (1.0 + 1e-9));
//! for cap in &anchor.caps {
//!     // Every capped axis is one the plan reports (placement axes only under placement).
//!     let value = cap.axis.of(&plan.metrics).expect("a capped axis");
//!     assert!(value <= cap.limit * (1.0 + 1e-9) + 1e-12);
//! }
//! # Ok(())
//! # }
//! ```

// The module docs are the map of the rooms (ARCHITECTURE.md's code map, in the code), and in
// five rooms that map links to private files: `compare` its mode list, `export` its per-target
// writers and default role, `metrics` and `placement` the failure-domain graph, `request` its
// per-form AWS readers and syntax conversion. Those links resolve with `cargo doc
// --document-private-items`; in the public docs they render as plain names. Only those modules
// allow `rustdoc::private_intra_doc_links`; everywhere else (`optimal` included) a link to a
// private item is an error, as broken links (`rustdoc::broken_intra_doc_links`) are.
pub mod aws_mode;
pub mod candidates;
pub mod commitments;
#[allow(
    rustdoc::private_intra_doc_links,
    reason = "the module docs map their private rooms"
)]
pub mod compare;
pub mod error;
#[allow(
    rustdoc::private_intra_doc_links,
    reason = "the module docs map their private rooms"
)]
pub mod export;
pub mod frontier;
#[allow(
    rustdoc::private_intra_doc_links,
    reason = "the module docs map their private rooms"
)]
pub mod metrics;
pub mod optimal;
pub mod pareto;
#[allow(
    rustdoc::private_intra_doc_links,
    reason = "the module docs map their private rooms"
)]
pub mod placement;
pub mod plan;
mod prose;
#[allow(
    rustdoc::private_intra_doc_links,
    reason = "the module docs map their private rooms"
)]
pub mod request;
pub mod risk;
pub mod simulate;
pub mod solve;
pub mod tenancy;
#[cfg(test)]
pub(crate) mod test_support;
pub mod tolerance;
pub mod verify;

pub use candidates::{CandidateError, CandidatePool, CandidateProblem, CandidateSet};
pub use error::{Classified, ErrorClass};
pub use plan::{Allocation, Metrics, PLAN_SCHEMA, Plan, Shortfall, SolverReport, SolverStatus};
pub use request::{FleetRequest, RequestError};
pub use risk::{HAZARD_HOURS_PER_MONTH, HazardModel, RiskError};
