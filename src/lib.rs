//! fleetopt: plan EC2 fleets. This facade re-exports the public API of the workspace crates:
//! the catalogue ([`instances`]) and the planner ([`solver`]).

pub mod plot;

pub use fleetopt_instances as instances;
pub use fleetopt_solver as solver;

pub use fleetopt_instances::{CapacityPool, Catalog, CatalogInfo, InstanceType, LoadError};
