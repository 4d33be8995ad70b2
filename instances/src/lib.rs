//! The fleetopt catalogue: EC2 instance types, capacity pools, loaders for AWS's own data
//! formats, the embedded default catalogue, and attribute-based instance selection.
//!
//! This crate knows nothing about fleet requests or solving. Data flows one way:
//! files → [`load`] → [`build`] → [`Catalog`] → (the solver).

pub mod build;
pub mod catalog;
pub mod error;
pub mod load;
pub mod model;
pub mod regions;
pub mod select;

pub use catalog::{Catalog, CatalogInfo, Region, SourceInfo, Zone};
pub use error::{LoadError, Location};
pub use model::{
    Accelerator, AcceleratorKind, Architecture, CapacityPool, CpuManufacturer, InstanceType,
    LocalStorage, Market, Network, Platform, PlacementStrategy, PoolKey, PriceSource, RegionName,
    StorageKind, TypeName, ZoneId,
};
