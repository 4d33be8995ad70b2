//! The simulation's random numbers: a small, portable, hand-written generator, so results are
//! the same bytes on every platform, every Rust version and every thread count.
//!
//! - **SplitMix64** (Steele, Lea, Flood 2014; the `splitmix64.c` reference of Vigna) turns a
//!   64-bit seed into well-mixed state words.
//! - **xoshiro256++** (Blackman and Vigna 2019, `xoshiro256plusplus.c`) draws the numbers of a
//!   trial.
//!
//! Trial `i` of a run with seed `s` gets its own generator: SplitMix64 started at
//! `s XOR mix64(i + 1)` (where `mix64` is SplitMix64's output function) yields the four
//! xoshiro256++ state words. A trial's stream therefore depends only on `(s, i)`, never on which
//! thread runs it or in what order.

/// SplitMix64's increment (the golden-ratio constant).
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output (finaliser) function: a bijective 64-bit mix.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64: a 64-bit counter passed through [`mix64`].
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }
}

/// xoshiro256++.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// The generator of trial `trial` in a run seeded with `seed`.
    pub(crate) fn for_trial(seed: u64, trial: u64) -> Rng {
        let mut init = SplitMix64(seed ^ mix64(trial.wrapping_add(1)));
        // SplitMix64 never yields four zero words in a row, so the state is never all-zero.
        Rng {
            s: [
                init.next_u64(),
                init.next_u64(),
                init.next_u64(),
                init.next_u64(),
            ],
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// True with probability `threshold / 2^64` (see [`threshold`]).
    pub(crate) fn below(&mut self, threshold: u64) -> bool {
        self.next_u64() < threshold
    }
}

/// The integer threshold for an event of probability `p`: `rng.below(threshold(p))` is true
/// with probability `p` (to within 2^-64). `p ≤ 0` never happens; `p ≥ 1` always does, but for
/// a 2^-64 chance.
pub(crate) fn threshold(p: f64) -> u64 {
    if p.is_nan() || p <= 0.0 {
        0
    } else {
        // `as` saturates: p ≥ 1 gives u64::MAX.
        (p * 18_446_744_073_709_551_616.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // splitmix64.c seeded with 1234567: the published first outputs.
        let mut g = SplitMix64(1_234_567);
        assert_eq!(g.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(g.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(g.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn xoshiro_matches_the_reference_sequence() {
        // xoshiro256plusplus.c with state {1, 2, 3, 4}: first outputs 41943041, 58720359.
        let mut rng = Rng { s: [1, 2, 3, 4] };
        assert_eq!(rng.next_u64(), 41_943_041);
        assert_eq!(rng.next_u64(), 58_720_359);
        assert_eq!(rng.next_u64(), 3_588_806_011_781_223);
    }

    #[test]
    fn trials_get_distinct_reproducible_streams() {
        let a = Rng::for_trial(7, 0).next_u64();
        assert_eq!(a, Rng::for_trial(7, 0).next_u64());
        assert_ne!(a, Rng::for_trial(7, 1).next_u64());
        assert_ne!(a, Rng::for_trial(8, 0).next_u64());
    }

    #[test]
    fn thresholds_give_the_asked_frequency() {
        assert_eq!(threshold(0.0), 0);
        assert_eq!(threshold(1.0), u64::MAX);
        assert_eq!(threshold(0.5), 1 << 63);
        let mut rng = Rng::for_trial(1, 2);
        let t = threshold(0.25);
        let hits = (0..100_000).filter(|_| rng.below(t)).count();
        assert!((24_000..26_000).contains(&hits), "{hits}");
    }
}
