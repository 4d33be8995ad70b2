//! fleetopt's planning side. So far it holds the interruption-risk model that turns Spot
//! Advisor buckets into hazards; requests, strategies, the ILP and plans build on it.
//!
//! This crate never parses AWS catalogue formats: it takes a [`fleetopt_instances::Catalog`].

pub mod risk;

pub use risk::{HAZARD_HOURS_PER_MONTH, HazardModel, RiskError};
