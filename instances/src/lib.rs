//! The fleetopt catalogue: EC2 instance types, capacity pools, loaders for AWS's own data
//! formats, the embedded default catalogue, and attribute-based instance selection.
//!
//! This crate knows nothing about fleet requests or solving. Data flows one way:
//! files → [`load`] → [`build`] → [`Catalog`] → (the solver).
//!
//! ```
//! use fleetopt_instances::{embedded, Market};
//! use fleetopt_instances::select::{self, Requirements};
//!
//! let catalog = embedded::catalog()?;
//! let m5 = catalog.instance_type("m5.large").expect("m5.large is in the default catalogue");
//! assert_eq!((m5.vcpus, m5.memory_mib), (2, 8192));
//!
//! // AWS InstanceRequirements, as a create-fleet request spells it.
//! let requirements: Requirements = serde_json::from_str(
//!     r#"{"VCpuCount": {"Min": 2, "Max": 2}, "MemoryMiB": {"Min": 8192, "Max": 8192},
//!         "CpuManufacturers": ["intel"], "AllowedInstanceTypes": ["m5.*"]}"#,
//! )?;
//! let names: Vec<&str> = select::select(&catalog, Some("us-east-1"), &requirements)
//!     .iter()
//!     .map(|t| t.name.as_str())
//!     .collect();
//! assert_eq!(names, ["m5.large"]);
//!
//! let region = catalog.region("us-east-1").expect("us-east-1 is embedded");
//! let on_demand = region
//!     .pools_of("m5.large")
//!     .iter()
//!     .find(|p| p.market == Market::OnDemand)
//!     .expect("m5.large is sold on demand");
//! assert_eq!(on_demand.price_per_hour, 0.096);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod build;
pub mod catalog;
pub mod commitments;
pub mod embedded;
pub mod error;
pub mod escape;
pub mod json;
pub mod list_filters;
pub mod listing;
pub mod load;
pub mod model;
pub mod read;
pub mod regions;
pub mod select;
pub mod suggest;
#[cfg(test)]
mod test_support;
mod tolerance;

pub use catalog::{Catalog, CatalogInfo, Region, SourceInfo, UnpricedOffering, Zone};
pub use commitments::{
    CapacityBlockOffering, CapacityReservation, CapacityReservationState, EndDateType, LeaseLength,
    MatchCriteria, OfferingClass, PriceKey, PriceList, PriceListEntry, PurchaseOption,
    RecurringCharge, ReservationType, ReservedInstance, ReservedInstanceState, ReservedScope,
    ReservedTerm, SavingsPlan, SavingsPlanRate, SavingsPlanRates, SavingsPlanState,
    SavingsPlanType, Tenancy,
};
pub use error::{LoadError, Location};
pub use model::{
    Accelerator, AcceleratorKind, Architecture, CapacityPool, CpuManufacturer, InstanceType,
    LocalStorage, Market, Network, PlacementStrategy, Platform, PoolKey, PriceSource, RegionName,
    StorageKind, TypeName, ZoneId,
};
