//! The float tolerances of the planning crate and its consumers, named in one place so every
//! room judges "equal" and "whole" the same way and a reader sees why each has its value.
//!
//! The scales they are chosen against: prices carry six decimals (AWS publishes six, and the
//! catalogue rounds estimates to 1e-6 USD), capacities and weights are sums of at most a few
//! thousand values with at most a few decimals, and hazards are about 1e-5 to 1e-2 per hour.
//! Double-precision arithmetic on such values leaves noise near 1e-15 relative (for example
//! `7 × 0.1 × 10 = 7.000000000000001`), so 1e-9 sits six orders of magnitude above the noise and
//! three below the smallest real difference (1e-6): a comparison within it never decides a
//! real question and never lets noise decide one either.
//!
//! Not here: the integer program's own stage and relaxation margins (`optimal/`), which are
//! tied to HiGHS's feasibility tolerances, and the catalogue's price-protection slack, which
//! lives in the `tolerance` module of `fleetopt-instances` (that crate is below this one).
//! The tidy test (`tests/it/tidy.rs`) fails when a bare tolerance literal appears in library
//! code elsewhere.

/// Absolute float noise in capacities, instance counts and budgets (capacity units, USD/hour):
/// a difference below it is rounding, not a decision. It is also what a computed count may
/// fall short of a whole number and still be that number, so `⌈x − NOISE⌉` rounds
/// `7.000000000000001` to 7, not 8 (AWS takes whole capacities; aws mode, the request's
/// On-Demand split, exports and the simulation's step counts all round this way). 1e-9: see
/// the module docs.
pub const NOISE: f64 = 1e-9;

/// Relative float noise, for quantities whose scale varies: a simulated capacity against its
/// target, a risk figure against a request's cap, the verifier's sums and shares (scaled by
/// `max(|value|, 1)`). 1e-9 for the reasons in the module docs.
pub const RELATIVE_NOISE: f64 = 1e-9;

/// Absolute tolerance for a price against the catalogue's: prices that truly differ differ by
/// at least 1e-6 (six published decimals), so 1e-9 only absorbs arithmetic noise.
pub const PRICE: f64 = 1e-9;

/// Two weights of one instance type are the same weight within this: weights are whole numbers
/// or a few decimals (vCPUs, memory GiB, a user's `WeightedCapacity`), so a smaller difference
/// is noise from arithmetic on them (an export must not call two equal weights conflicting).
pub const WEIGHT: f64 = 1e-9;

/// Two risk figures (expected interruptions per hour, a share of the target) count as equal
/// within this, absolutely: they are sums of products of hazards (≥ about 1e-5) and shares,
/// so equal plans can differ in the last bits (≈ 1e-16) and a real difference is far above
/// 1e-12. Tighter than [`NOISE`] because these figures are small: 1e-9 would be a
/// noticeable fraction of one pool's hazard.
pub const RISK_TIE: f64 = 1e-12;

/// The exact front's merge step, relative: two risk values closer than this are one front
/// point, a gap this narrow is closed, and a walking step caps risk this far below a point's
/// (`frontier::STEP`). 1e-6 rather than 1e-9 because each front point is an integer program
/// solved to HiGHS's default feasibility tolerance (about 1e-7): a finer step would let solver
/// noise split one point in two.
pub const FRONT_STEP: f64 = 1e-6;

/// The smallest span a plot axis is given (in the axis's unit), so an axis whose values are
/// all equal (often all 0) still has a range to place ticks in. Any positive value below the
/// data's resolution works; 1e-9 is below every cost and risk difference a plot shows.
pub const PLOT_MIN_SPAN: f64 = 1e-9;

/// The smallest tick step whose decimals a plot label computes (`log10` of it), so a zero or
/// denormal span cannot ask for infinitely many decimals; the label clamps to 9 decimals
/// anyway, and 1e-12 is below that.
pub const PLOT_MIN_TICK_STEP: f64 = 1e-12;

#[cfg(test)]
mod tests {
    use super::*;

    /// The rounding the module docs promise: noise is absorbed, a real fraction is not.
    #[test]
    fn noise_absorbs_float_error_but_not_real_fractions() {
        let noisy: f64 = 7.0 * 0.1 * 10.0;
        assert!(noisy > 7.0, "the example must be noisy: {noisy}");
        assert_eq!((noisy - NOISE).ceil(), 7.0);
        assert_eq!((7.000_001_f64 - NOISE).ceil(), 8.0);
        const { assert!(PRICE < 1e-6 / 100.0) };
        const { assert!(RISK_TIE < NOISE) };
    }
}
