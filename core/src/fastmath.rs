//! Small, inlinable floating-point functions for the hot loops, written with plain f32
//! arithmetic so the compiler can vectorise them and a shader can compute the same thing.

/// e^x for f32, to within about 2 × 10⁻⁷ relative error on [−87, 88]; 0 below −87.3 and
/// infinity above 88.7 (NaN stays NaN).
///
/// Range reduction x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two parts so n·ln 2 is
/// exact), a degree-6 Taylor polynomial for e^r (truncation below 1.2 × 10⁻⁷ relative), and
/// 2^n assembled from its exponent bits. No library call: libm's `expf` is a call the loop
/// cannot vectorise.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    if x < -87.3 {
        return 0.0;
    }
    if x > 88.7 {
        return f32::INFINITY;
    }
    if x.is_nan() {
        return x;
    }
    let t = x * LOG2E;
    // Round to nearest without a library call (`as` truncates toward zero).
    let n = (t + 0.5f32.copysign(t)) as i32;
    let nf = n as f32;
    let r = (x - nf * LN2_HI) - nf * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // 2^n as bits; n ∈ [−126, 128] here, and 2^128 overflows to infinity as it should.
    if n > 127 {
        return p * f32::from_bits(254 << 23) * 2.0;
    }
    p * f32::from_bits(((n + 127) as u32) << 23)
}

#[cfg(test)]
mod tests {
    #[test]
    fn exp_matches_the_library_closely() {
        let mut worst = 0.0f64;
        let mut x = -87.0f32;
        while x < 88.0 {
            let want = (x as f64).exp();
            let got = super::exp(x) as f64;
            worst = worst.max(((got - want) / want).abs());
            x += 0.001_7;
        }
        assert!(worst < 3e-7, "worst relative error {worst}");
        assert_eq!(super::exp(0.0), 1.0);
        assert_eq!(super::exp(-200.0), 0.0);
        assert_eq!(super::exp(200.0), f32::INFINITY);
        assert!(super::exp(f32::NAN).is_nan());
    }
}
