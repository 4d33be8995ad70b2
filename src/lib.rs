//! fleetopt: plan EC2 fleets. This facade re-exports the public API of the workspace crates:
//! the catalogue ([`instances`]), the planner ([`solver`]) and batch runs ([`batch`]).

pub mod plot;

pub use fleetopt_batch as batch;
pub use fleetopt_instances as instances;
pub use fleetopt_solver as solver;

pub use fleetopt_instances::{CapacityPool, Catalog, CatalogInfo, InstanceType, LoadError};
