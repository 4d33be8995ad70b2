//! Numbers as messages print them: rounded, without trailing zeros, never a non-zero value as
//! `0`, and never hundreds of digits (Rust's `{}` writes 1e300 out in full).

/// `x` rounded to `decimals` decimals with no trailing zeros; a value too small for the rounding
/// but not zero is written in full; from 10^15 on (and for non-finite values) in exponent form
/// (`1e300`), where whole digits would be noise.
pub(crate) fn number(x: f64, decimals: i32) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() >= 1e15 {
        return format!("{x:e}");
    }
    let scale = 10f64.powi(decimals);
    let rounded = (x * scale).round() / scale;
    if rounded == 0.0 && x != 0.0 {
        // Too small for the rounding but not zero: in full, never as `0`.
        format!("{x}")
    } else if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_are_short_and_never_a_false_zero() {
        assert_eq!(number(0.1 + 0.2, 6), "0.3");
        assert_eq!(number(1e-7, 6), "0.0000001");
        assert_eq!(number(0.0, 6), "0");
        assert_eq!(number(-0.0, 6), "0");
        assert_eq!(number(123_456_789.5, 9), "123456789.5");
        assert_eq!(number(1e300, 6), "1e300");
        assert_eq!(number(f64::INFINITY, 6), "inf");
    }
}
