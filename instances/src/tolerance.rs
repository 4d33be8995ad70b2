//! The catalogue crate's float tolerances, named and explained in one place. The planning crate
//! keeps its own in `fleetopt_solver::tolerance` (this crate sits below it and cannot use
//! them); the tidy test (`tests/it/tidy.rs`) fails when a bare tolerance literal appears in
//! library code outside these modules.

/// Relative slack when comparing a price with a price-protection threshold, so that a price
/// exactly at a threshold computed as `baseline × 1.2` is not excluded by a rounding error.
/// Prices carry six decimals (AWS publishes six), so real differences are at least 1e-6 of a
/// dollar, about 1e-6 relative or more; double-precision noise in `baseline × 1.2` is near
/// 1e-16 relative. 1e-9 is far from both.
pub(crate) const THRESHOLD_SLACK: f64 = 1e-9;
