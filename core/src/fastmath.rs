//! Small, inlinable floating-point functions for the hot loops, written with plain f32
//! arithmetic so the compiler can vectorise them and a shader can compute the same thing.
//!
//! Each has a WGSL twin of the same name with a `fast_` prefix in `shaders/common.wgsl` that
//! performs the same operations in the same order. Vulkan rounds f32 `+`, `-` and `*`
//! correctly, so where the device does not fuse a multiply and an add (lavapipe does not) the
//! two give the same bits; library `exp`, `log` and `pow` have no such guarantee on a GPU
//! (Vulkan bounds `exp` to 3 + 2|x| ulp). Division and `sqrt` are correctly rounded on the CPU
//! and on lavapipe; Vulkan allows a GPU 2.5 ulp for division.

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
        // 2p · 2^(n − 1) (n = 128): both scalings are exact, in either order.
        return (p * 2.0) * f32::from_bits(((n + 126) as u32) << 23);
    }
    p * f32::from_bits(((n + 127) as u32) << 23)
}

/// e^x − 1 without cancellation near 0, to within about 3 × 10⁻⁷ relative error.
///
/// For |x| ≤ 0.5 a degree-9 Taylor polynomial in Horner form (truncation below 3 × 10⁻¹⁰
/// relative), else [`exp`]`(x) − 1`, where the subtraction loses nothing that matters.
#[inline(always)]
pub fn exp_m1(x: f32) -> f32 {
    if x.abs() > 0.5 {
        return exp(x) - 1.0;
    }
    // 1/k! rounded to f32 (the same literals as the shader).
    const C2: f32 = 0.5;
    const C3: f32 = 0.166_666_67;
    const C4: f32 = 0.041_666_668;
    const C5: f32 = 0.008_333_334;
    const C6: f32 = 0.001_388_888_9;
    const C7: f32 = 0.000_198_412_7;
    const C8: f32 = 2.480_158_8e-5;
    const C9: f32 = 2.755_731_9e-6;
    x * (1.0 + x * (C2 + x * (C3 + x * (C4 + x * (C5 + x * (C6 + x * (C7 + x * (C8 + x * C9))))))))
}

/// σ(x) = 1 / (1 + e^−x), with [`exp`].
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// ln x for f32, to within about 2 × 10⁻⁷ relative error (absolute near x = 1); −∞ at 0 and for
/// subnormal x (which a GPU may flush to 0 anyway), NaN below 0, ∞ at ∞, NaN stays NaN.
///
/// x = m·2^e with m ∈ [√½, √2), ln m = 2·atanh(s) with s = (m − 1)/(m + 1), |s| ≤ 0.172, by
/// its series to s¹¹ (truncation below 2 × 10⁻¹⁰), and e·ln 2 in two parts.
#[inline(always)]
pub fn ln(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // 1/(2k + 1) rounded to f32 (the same literals as the shader).
    const C3: f32 = 0.333_333_34;
    const C5: f32 = 0.2;
    const C7: f32 = 0.142_857_15;
    const C9: f32 = 0.111_111_11;
    const C11: f32 = 0.090_909_09;
    if x.is_nan() {
        return x;
    }
    if x < 0.0 {
        return f32::NAN;
    }
    if x < f32::MIN_POSITIVE {
        return f32::NEG_INFINITY;
    }
    if x == f32::INFINITY {
        return x;
    }
    let bits = x.to_bits();
    let mut e = (bits >> 23) as i32 - 127;
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if m > std::f32::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let series = 2.0 * s * (1.0 + z * (C3 + z * (C5 + z * (C7 + z * (C9 + z * C11)))));
    let ef = e as f32;
    ef * LN2_HI + (ef * LN2_LO + series)
}

/// x^y for x ≥ 0 as [`exp`]`(y · `[`ln`]`(x))`, to within about 3 × 10⁻⁷·(1 + |y·ln x|)
/// relative error.
#[inline(always)]
pub fn pow(x: f32, y: f32) -> f32 {
    exp(y * ln(x))
}

#[cfg(test)]
mod tests {
    /// Relative error of `got` against `want` (absolute where |want| < 1).
    fn error(got: f32, want: f64) -> f64 {
        (got as f64 - want).abs() / want.abs().max(1.0)
    }

    #[test]
    fn exp_m1_matches_the_library_closely() {
        let mut worst = 0.0f64;
        let mut x = -20.0f32;
        while x < 20.0 {
            let want = (x as f64).exp_m1();
            worst = worst.max((super::exp_m1(x) as f64 - want).abs() / want.abs().max(1e-30));
            x += 0.000_37;
        }
        assert!(worst < 4e-7, "worst relative error {worst}");
        assert_eq!(super::exp_m1(0.0), 0.0);
        assert_eq!(super::exp_m1(1e-30), 1e-30);
        assert_eq!(super::exp_m1(-200.0), -1.0);
    }

    #[test]
    fn sigmoid_matches_the_library_closely() {
        let mut worst = 0.0f64;
        let mut x = -30.0f32;
        while x < 30.0 {
            let want = 1.0 / (1.0 + (-(x as f64)).exp());
            worst = worst.max((super::sigmoid(x) as f64 - want).abs() / want);
            x += 0.000_73;
        }
        assert!(worst < 4e-7, "worst relative error {worst}");
        assert_eq!(super::sigmoid(0.0), 0.5);
    }

    #[test]
    fn ln_matches_the_library_closely() {
        let mut worst = 0.0f64;
        // Every exponent, and a fine sweep around 1 where the error is absolute.
        let mut x = 1.2e-38f32;
        while x < 3e38 {
            worst = worst.max(error(super::ln(x), (x as f64).ln()));
            x *= 1.000_37;
        }
        let mut x = 0.5f32;
        while x < 2.0 {
            worst = worst.max(error(super::ln(x), (x as f64).ln()));
            x += 1.1e-5;
        }
        assert!(worst < 3e-7, "worst error {worst}");
        assert_eq!(super::ln(1.0), 0.0);
        assert_eq!(super::ln(0.0), f32::NEG_INFINITY);
        assert_eq!(super::ln(1e-40), f32::NEG_INFINITY);
        assert_eq!(super::ln(f32::INFINITY), f32::INFINITY);
        assert!(super::ln(-1.0).is_nan());
        assert!(super::ln(f32::NAN).is_nan());
    }

    #[test]
    fn pow_matches_the_library_for_relaxing_multipliers() {
        // The modulation relaxes multipliers in (e^-10, e^10) with exponents in (0, 1].
        let mut worst = 0.0f64;
        let mut x = 4.6e-5f32;
        while x < 2.2e4 {
            for y in [0.001f32, 0.1, 0.5, 0.9, 0.99, 0.999_9, 1.0] {
                let want = (x as f64).powf(y as f64);
                worst = worst.max((super::pow(x, y) as f64 - want).abs() / want);
            }
            x *= 1.001_3;
        }
        assert!(worst < 2e-6, "worst relative error {worst}");
        assert_eq!(super::pow(1.0, 0.5), 1.0);
        assert_eq!(super::pow(0.0, 0.5), 0.0);
    }
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
