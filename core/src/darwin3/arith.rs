//! Integer arithmetic of the emulated cores (DARWIN3.md §4.3): 16-bit saturation (or wrap),
//! the Q-format multiply `mulq` with its rounding modes, the per-core xorshift generator behind
//! stochastic rounding, and the weight clamp of each weight width.

use serde::{Deserialize, Serialize};

/// What happens when a 16-bit register write-back overflows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Overflow {
    /// Clamp to [−32768, 32767] (the default, §4.3).
    #[default]
    Saturate,
    /// Two's-complement wrap, for experiments.
    Wrap,
}

/// How `mulq` rounds the shifted product (`CR_QA` precision mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rounding {
    /// Round half away from zero, symmetric in sign (the `CR_QA` default 0x80).
    #[default]
    SymmetricHalfAway,
    /// Arithmetic right shift (toward −∞).
    Floor,
    /// Add a uniform draw in [0, 2^s) from the core's xorshift, then floor.
    Stochastic,
}

/// Clamps to the signed 16-bit range.
#[inline(always)]
pub fn sat16(x: i32) -> i16 {
    x.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

/// Keeps the low 16 bits (two's-complement wrap).
#[inline(always)]
pub fn wrap16(x: i32) -> i16 {
    x as i16
}

/// Writes back a 16-bit value under the chosen overflow behaviour.
#[inline(always)]
pub fn fit16(x: i32, overflow: Overflow) -> i16 {
    match overflow {
        Overflow::Saturate => sat16(x),
        Overflow::Wrap => wrap16(x),
    }
}

/// Clamps to the signed 8-bit range (reward traces, §4.9).
#[inline(always)]
pub fn sat8(x: i32) -> i8 {
    x.clamp(i8::MIN as i32, i8::MAX as i32) as i8
}

/// A 32-bit xorshift generator (Marsaglia 13/17/5), one per core: the source of stochastic
/// rounding. Its sequence depends only on the seed and on the core's own draws, so cores stay
/// independent and the emulation does not depend on thread count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XorShift32 {
    state: u32,
}

impl XorShift32 {
    /// A generator for `seed` (a zero seed, which would stick at zero, is replaced).
    pub fn new(seed: u32) -> Self {
        Self { state: if seed == 0 { 0x9e37_79b9 } else { seed } }
    }

    /// The next 32-bit word.
    #[inline(always)]
    pub fn next_u32(&mut self) -> u32 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        x
    }
}

/// Shifts `p` right by `s` bits with the chosen rounding. `rng` is drawn from only in
/// stochastic mode and only when `s > 0`.
#[inline(always)]
pub fn round_shift(p: i64, s: u32, mode: Rounding, rng: &mut XorShift32) -> i64 {
    if s == 0 {
        return p;
    }
    match mode {
        Rounding::Floor => p >> s,
        Rounding::SymmetricHalfAway => {
            let half = 1i64 << (s - 1);
            if p >= 0 { (p + half) >> s } else { -((-p + half) >> s) }
        }
        Rounding::Stochastic => {
            let draw = (rng.next_u32() as i64) & ((1i64 << s.min(31)) - 1);
            (p + draw) >> s
        }
    }
}

/// `mulq(a, b, s)`: the full product, shifted right by `s` with the chosen rounding (§4.3).
/// The result is not yet saturated; callers write it back with [`fit16`].
#[inline(always)]
pub fn mulq(a: i32, b: i32, s: u32, mode: Rounding, rng: &mut XorShift32) -> i32 {
    round_shift(a as i64 * b as i64, s, mode, rng) as i32
}

/// The weight widths a core can be set to (`CR_QA`[26:24]).
pub const WEIGHT_WIDTHS: [u8; 5] = [2, 4, 6, 8, 16];

/// Checks a weight width; the error lists the allowed ones.
pub fn check_weight_width(bits: u8) -> Result<(), String> {
    if WEIGHT_WIDTHS.contains(&bits) {
        Ok(())
    } else {
        Err(format!("weight width {bits} bits is not one of 2, 4, 6, 8, 16"))
    }
}

/// Largest weight of a `bits`-wide signed weight, 2^(bits−1) − 1.
#[inline(always)]
pub fn weight_max(bits: u8) -> i32 {
    (1i32 << (bits - 1)) - 1
}

/// Clamps a weight to [−2^(bits−1), 2^(bits−1) − 1].
#[inline(always)]
pub fn clamp_weight(w: i32, bits: u8) -> i32 {
    w.clamp(-(1i32 << (bits - 1)), weight_max(bits))
}

/// Weights packed in one 48-bit dendrite word (48 / bits; 3 for 16-bit weights).
pub fn weights_per_word(bits: u8) -> u32 {
    48 / bits as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturation_and_wrap() {
        assert_eq!(sat16(40_000), i16::MAX);
        assert_eq!(sat16(-40_000), i16::MIN);
        assert_eq!(wrap16(32_768), i16::MIN);
        assert_eq!(fit16(-5, Overflow::Wrap), -5);
        assert_eq!(sat8(300), 127);
        assert_eq!(sat8(-300), -128);
    }

    #[test]
    fn rounding_modes() {
        let mut rng = XorShift32::new(1);
        // 3·128 / 256 = 1.5 → 2 (half away), 1 (floor); −1.5 → −2 and −2.
        assert_eq!(mulq(3, 128, 8, Rounding::SymmetricHalfAway, &mut rng), 2);
        assert_eq!(mulq(-3, 128, 8, Rounding::SymmetricHalfAway, &mut rng), -2);
        assert_eq!(mulq(3, 128, 8, Rounding::Floor, &mut rng), 1);
        assert_eq!(mulq(-3, 128, 8, Rounding::Floor, &mut rng), -2);
        assert_eq!(mulq(-1, 100, 8, Rounding::SymmetricHalfAway, &mut rng), 0);
        assert_eq!(mulq(7, 9, 0, Rounding::Stochastic, &mut rng), 63);
    }

    /// Stochastic rounding is unbiased: 0.25 rounded 40 000 times averages 0.25. The count of
    /// ones is binomial(40 000, 0.25), σ ≈ 87; the test allows 5σ ≈ 435.
    #[test]
    fn stochastic_rounding_is_unbiased() {
        let mut rng = XorShift32::new(12_345);
        let ones: i32 = (0..40_000).map(|_| mulq(64, 1, 8, Rounding::Stochastic, &mut rng)).sum();
        assert!((ones - 10_000).abs() < 435, "{ones}");
    }

    #[test]
    fn weight_clamps() {
        assert_eq!(clamp_weight(200, 8), 127);
        assert_eq!(clamp_weight(-200, 8), -128);
        assert_eq!(clamp_weight(5, 2), 1);
        assert_eq!(clamp_weight(-5, 2), -2);
        assert_eq!(clamp_weight(9, 4), 7);
        assert_eq!(clamp_weight(-40, 6), -32);
        assert_eq!(clamp_weight(40_000, 16), 32_767);
        assert_eq!(weights_per_word(8), 6);
        assert_eq!(weights_per_word(6), 8);
        assert!(check_weight_width(3).is_err());
    }
}
