//! fleetopt's planning side: fleet requests (native and AWS formats), the pools a request may
//! use, the aws-mode emulation of EC2's allocation strategies, plans with their metrics, the
//! interruption-risk model, optimal mode (an integer program, [`optimal`]), and an independent
//! verifier.
//!
//! This crate never parses AWS catalogue formats: it takes a [`fleetopt_instances::Catalog`].

pub mod aws_mode;
pub mod candidates;
pub mod domains;
pub mod error;
pub mod export;
pub mod metrics;
pub mod optimal;
pub mod pareto;
pub mod plan;
pub mod request;
pub mod risk;
pub mod simulate;
pub mod solve;
#[cfg(test)]
pub(crate) mod test_support;
pub mod verify;

pub use error::ErrorClass;
pub use candidates::{CandidateError, CandidatePool, CandidateSet};
pub use plan::{Allocation, Metrics, PLAN_SCHEMA, Plan, Shortfall, SolverReport, SolverStatus};
pub use request::{FleetRequest, RequestError};
pub use risk::{HAZARD_HOURS_PER_MONTH, HazardModel, RiskError};
