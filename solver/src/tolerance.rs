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
//! Not here: the catalogue's price-protection slack, which lives in the `tolerance` module of
//! `fleetopt-instances` (that crate is below this one). The tidy test (`tests/it/tidy.rs`)
//! fails when a bare tolerance literal appears in library code elsewhere.
//!
//! # The integer program
//! Optimal mode's margins (the `ILP_` constants) are chosen against the feasibility tolerance
//! HiGHS is run with ([`ILP_FEASIBILITY`], 1e-9) as well as against float noise: above it
//! where the solver's round-off must be absorbed (a fixed stage, a relaxed cap, a strict row),
//! below the scales above where a real difference must not be.

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

// The integer program (optimal mode); see the module docs.

/// HiGHS's primal and MIP feasibility tolerances for optimal mode's integer program, instead
/// of its defaults (1e-7 and 1e-6): the verifier holds budgets and shares against the request
/// to [`RELATIVE_NOISE`] (1e-9), and HiGHS's defaults could accept a plan a hair over a
/// budget.
pub const ILP_FEASIBILITY: f64 = 1e-9;

/// HiGHS's dual feasibility tolerance: the LP relaxation's reduced costs decide which pools
/// the first stage's MIP may leave out (`optimal::pricing`), so they must be accurate well
/// below the margin that rule allows them ([`ILP_PRICING_MARGIN`], 1e-6 relative): 1e-9 is
/// three orders below it, where HiGHS's default (1e-7) is one.
pub const ILP_DUAL_FEASIBILITY: f64 = 1e-9;

/// Relative tolerance when an earlier stage's optimum `z` becomes a row of the later stages
/// (`objective ≤ z + ILP_STAGE × max(|z|, 1)`, the objective scaled so its largest
/// coefficient is 1). The optimum HiGHS reports may break its own rows by up to
/// [`ILP_FEASIBILITY`], so a row at exactly `z` could cut off the very plan that reached it and
/// leave the later stage infeasible; 1e-7 is two orders above that round-off, and small enough
/// that a later stage can trade away at most a ten-millionth of an earlier objective. The
/// pricing rule widens the later stages' pools by the same amount.
pub const ILP_STAGE: f64 = 1e-7;

/// A MIP gap (HiGHS's `mip_gap` info) at most this is a proven optimum, reported as status
/// `optimal`; above it the stage stopped at the request's `solver.mip_gap` (status
/// `gap_limit`). HiGHS runs with an absolute gap of 0 and the request's relative gap (default
/// 0), so a proven optimum's gap is 0 or round-off (≈ 1e-16), and a gap a user asks for is a
/// real share of the objective; 1e-9 is [`NOISE`]'s level, between the two.
pub const ILP_GAP_OPTIMAL: f64 = 1e-9;

/// The solver report's relative gap `|objective − bound| ÷ |objective|` is 0 below this:
/// objective and bound of a proven optimum differ in the last bits (≈ 1e-16 relative), and
/// the report should say 0, not `2e-16`. Any value between that noise and [`ILP_GAP_OPTIMAL`]
/// works; 1e-12 keeps every gap the status calls optimal but not exactly 0 visible.
pub const ILP_GAP_ZERO: f64 = 1e-12;

/// The least magnitude a relative measure of the integer program divides by, so a zero scale
/// cannot divide by zero: an elastic slack's weight `1 ÷ max(|rhs|, ·)` (a row whose limit is
/// 0), an anchor cap's relaxation weight, the solver report's gap over a zero objective, and
/// the On-Demand stop's ε over a zero weight. 1e-9 is [`NOISE`]'s level: a scale below it is
/// zero in the request's units.
pub const ILP_SCALE_FLOOR: f64 = 1e-9;

/// How close to a whole number a capacity row's right-hand side, divided by the gcd of its
/// weights, counts as that number before it is rounded (`⌈rhs − ε⌉`, `⌊rhs + ε⌋`, relative:
/// `ε = ILP_ROW_ROUNDING × max(|rhs|, 1)`). The right-hand sides are products such as
/// `share × target` computed from the request, so their error is float noise (≈ 1e-15
/// relative): 1e-9 absorbs it (999.9999999 ÷ 1 is 1,000 and must not cost an instance) and
/// is far below a real fraction of an instance.
pub const ILP_ROW_ROUNDING: f64 = 1e-9;

/// How far below a whole number a per-pool bound computed from a solved or measured share may
/// fall and still be that number (`⌊limit ÷ w + ε⌋`, in instances): the anchor's worst pool
/// loss (a plan metric, share × target) and a solved `diversified` stage's optimum (found to
/// [`ILP_FEASIBILITY`] on a scaled objective, then multiplied out by target ÷ weight). 1e-7 is
/// above that round-off, which the multiplication can grow past [`NOISE`], and far below a
/// whole instance.
pub const ILP_BOUND_ROUNDING: f64 = 1e-7;

/// The ε of the On-Demand stop's strict row, relative to the smallest On-Demand weight `w_1`:
/// "less than `OD + w_1`" becomes `≤ OD + w_1 − ε·w_1`. It must be above the solver's
/// [`ILP_FEASIBILITY`], so HiGHS cannot accept a plan exactly at `OD + w_1`, and below any
/// real distance to the bound (capacities are sums of weights with a few decimals): 1e-6.
pub const ILP_STRICT_ROW: f64 = 1e-6;

/// An elastic slack (infeasibility explanations) at most this share of its row's limit (or
/// absolutely, below a limit of 1) is the solver's round-off, not a conflict to report. The
/// elastic model is solved to [`ILP_FEASIBILITY`] with slacks weighted by `1 ÷ limit`, so
/// round-off in a slack grows with its limit; 1e-6 is three orders above the tolerance and
/// at the resolution of the request's numbers (prices carry six decimals), so a conflict
/// reported is one a user can see in the request.
pub const ILP_ELASTIC_SLACK: f64 = 1e-6;

/// The precheck's share sums (`n × max_pool_share < 1`, and the same for AZs and types) fall
/// short of the whole target only when short by more than this: `n × share` is within a few
/// ulps (≈ 1e-16) of its exact value, while a real shortfall of a share given with a few
/// decimals over at most thousands of pools is far above 1e-12. Tighter than [`NOISE`], as
/// the sum is a share (at most about 1) and a precheck that fired on noise would call a
/// feasible request infeasible.
pub const ILP_SHARE_SUM: f64 = 1e-12;

/// An anchor cap's relaxation slack at most this (relative to the cap, or absolutely below a
/// cap of 1) is round-off and keeps the cap exactly: the relaxation model is solved to
/// [`ILP_FEASIBILITY`], so a cap that needs no relaxing can come back with a slack of that
/// order, and a plan must not report a cap as relaxed for it.
pub const ILP_RELAXATION_NOISE: f64 = 1e-9;

/// How far above its slack a relaxed anchor cap is set (relative to the slack): the caps are
/// re-solved at `cap + σ × (1 + ε)`, so the plan the relaxation found is not refused by the
/// re-solve's round-off. 1e-7 is two orders above [`ILP_FEASIBILITY`] (as [`ILP_STAGE`]) and
/// loosens a cap by a ten-millionth of its relaxation.
pub const ILP_RELAXATION_MARGIN: f64 = 1e-7;

/// Reduced costs within this share of the objective's scale count as zero when the first stage
/// is priced out (`optimal::pricing`): a pool is kept when `d_p ≤ θ + ε`. The reduced costs
/// carry the relaxation's round-off, bounded by [`ILP_DUAL_FEASIBILITY`] per coefficient of a
/// scaled objective; 1e-6 is three orders above it, so round-off never prices out a pool an
/// optimum needs, and costs only the few extra pools within 1e-6 of the threshold.
pub const ILP_PRICING_MARGIN: f64 = 1e-6;

/// The pricing walk's first threshold, as a share of the relaxation's optimum: the MIP first
/// sees the pools with reduced cost at most this, and the walk widens the set to the gap it
/// finds. An algorithm parameter rather than a tolerance (the walk is exact for any positive
/// value; the value decides only how many solves the proof takes), kept here because it is a
/// bare small number: with the capacity rows rounded the relaxation of a cost stage usually
/// sits at the integer optimum, so (almost) zero reduced cost, here 1e-6, already holds one.
pub const ILP_PRICING_FIRST_THRESHOLD: f64 = 1e-6;

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

    /// The orderings the integer program's docs give as the reasons for their values.
    #[test]
    fn ilp_margins_sit_above_the_solver_tolerances_they_absorb() {
        const { assert!(ILP_FEASIBILITY <= RELATIVE_NOISE) };
        const { assert!(ILP_DUAL_FEASIBILITY * 100.0 < ILP_PRICING_MARGIN) };
        const { assert!(ILP_FEASIBILITY * 10.0 < ILP_STAGE) };
        const { assert!(ILP_FEASIBILITY * 10.0 < ILP_RELAXATION_MARGIN) };
        const { assert!(ILP_FEASIBILITY * 10.0 < ILP_STRICT_ROW) };
        const { assert!(ILP_FEASIBILITY * 10.0 < ILP_ELASTIC_SLACK) };
        const { assert!(NOISE < ILP_BOUND_ROUNDING) };
        const { assert!(ILP_GAP_ZERO < ILP_GAP_OPTIMAL) };
        const { assert!(ILP_SHARE_SUM < NOISE) };
    }
}
