//! How the verifier compares numbers: a relative tolerance for sums and shares, an absolute one
//! for prices, and comparisons that are false on NaN so a NaN field is always flagged. A room so
//! every rule section judges "close enough" the same way; the values themselves (and why they
//! are what they are) are the crate's, in [`crate::tolerance`].

/// Relative tolerance for sums and shares ([`crate::tolerance::RELATIVE_NOISE`]).
const TOLERANCE: f64 = crate::tolerance::RELATIVE_NOISE;
/// Absolute tolerance for a price against the catalogue's ([`crate::tolerance::PRICE`]).
pub(super) const PRICE_TOLERANCE: f64 = crate::tolerance::PRICE;

pub(super) fn slack(reference: f64) -> f64 {
    TOLERANCE * reference.abs().max(1.0)
}

/// `a ≈ b` within the relative tolerance; NaN is never close to anything.
pub(super) fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// `a < b`; false when either is NaN (so `!lt` flags NaN).
pub(super) fn lt(a: f64, b: f64) -> bool {
    a < b
}

/// `a ≤ b`; false when either is NaN (so `!le` flags NaN).
pub(super) fn le(a: f64, b: f64) -> bool {
    a <= b
}

/// `a ≥ b` up to the tolerance; false when either is NaN.
pub(super) fn at_least(a: f64, b: f64) -> bool {
    a >= b || a >= b - slack(b)
}

/// `a ≤ b` up to the tolerance; false when either is NaN.
pub(super) fn at_most(a: f64, b: f64) -> bool {
    a <= b || a <= b + slack(b)
}
