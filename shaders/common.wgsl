// common.wgsl: shared helpers of every compute stage. The sources module prepends this file to
// each stage (WGSL has no #include), so nothing here may declare bindings or entry points.

// The pcg4d mixing function (Jarzynski & Olano, JCGT 2020): a bijection on four 32-bit words.
// WGSL u32 arithmetic wraps, like Rust's wrapping ops.
// Kept in sync with core/src/rng.rs (`pcg4d`).
fn pcg4d(v_in: vec4<u32>) -> vec4<u32> {
    var v = v_in * 1664525u + 1013904223u;
    v.x = v.x + v.y * v.w;
    v.y = v.y + v.z * v.x;
    v.z = v.z + v.x * v.y;
    v.w = v.w + v.y * v.z;
    v = v ^ (v >> vec4<u32>(16u));
    v.x = v.x + v.y * v.w;
    v.y = v.y + v.z * v.x;
    v.z = v.z + v.x * v.y;
    v.w = v.w + v.y * v.z;
    return v;
}

// Four random words for (step, id, stream) under the seed's four key words (`Rng::key()`,
// computed on the CPU and uploaded); `id` is the 64-bit key split into its low and high words.
// Kept in sync with core/src/rng.rs (`Rng::words`).
fn rng_words(key: vec4<u32>, step: u32, id_lo: u32, id_hi: u32, stream: u32) -> vec4<u32> {
    return pcg4d(vec4<u32>(id_lo ^ key.x, id_hi ^ key.y, step ^ key.z, stream ^ key.w));
}

// A uniform in [0, 1) from the top 24 bits of a word (exact in f32).
// Kept in sync with core/src/rng.rs (`unit`).
fn unit(w: u32) -> f32 {
    return f32(w >> 8u) * (1.0 / 16777216.0);
}

// ---- Shared by the stages: exp, dot, fixed point ----

// Fixed-point scale of the release sums (core/src/cpu/accumulate.rs `SCALE`).
const FIXED_SCALE: f32 = 16777216.0;

// a · b in the order of core/src/species.rs `dot`.
fn dot4(a: vec4<f32>, b: vec4<f32>) -> f32 {
    return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

// e^x from plain f32 arithmetic: range reduction by ln 2 (in two parts), a degree-6 Taylor
// polynomial and 2^n from its exponent bits. Kept in sync with core/src/fastmath.rs (`exp`),
// which the CPU uses for the payload fade, so both fade alike.
fn fast_exp(x: f32) -> f32 {
    if x < -87.3 {
        return 0.0;
    }
    if x > 88.7 {
        return bitcast<f32>(0x7f800000u);
    }
    let t = x * 1.4426950216293335;
    let n = i32(t + select(-0.5, 0.5, t >= 0.0));
    let nf = f32(n);
    let r = (x - nf * 0.6933594) - nf * -2.1219444e-4;
    // The f32 values of 1/6, 1/24, 1/120, 1/720, written out (no rounding twice).
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.1666666716337204 + r * (0.0416666679084301
        + r * (0.008333333767950535 + r * 0.0013888889225199819)))));
    if n > 127 {
        // 2p · 2^(n − 1): two constant factors would be folded into 2^128, which overflows.
        return (p * 2.0) * bitcast<f32>(u32(n + 126) << 23u);
    }
    return p * bitcast<f32>(u32(n + 127) << 23u);
}

// e^x − 1 without cancellation near 0: a degree-9 Taylor polynomial for |x| ≤ 0.5, else
// fast_exp(x) − 1. Not the library's: GPU `exp` is only bounded to 3 + 2|x| ulp and `log`
// near 1 only in absolute error. Kept in sync with core/src/fastmath.rs (`exp_m1`).
fn fast_exp_m1(x: f32) -> f32 {
    if abs(x) > 0.5 {
        return fast_exp(x) - 1.0;
    }
    // 1/k! rounded to f32.
    return x * (1.0 + x * (0.5f + x * (0.16666667f + x * (0.041666668f + x * (0.008333334f
        + x * (0.0013888889f + x * (0.0001984127f + x * (2.4801588e-5f + x * 2.7557319e-6f))))))));
}

// σ(x) = 1 / (1 + e^−x) with fast_exp. Kept in sync with core/src/fastmath.rs (`sigmoid`).
fn fast_sigmoid(x: f32) -> f32 {
    return 1.0 / (1.0 + fast_exp(-x));
}

// ln x: x = m·2^e with m in [√½, √2), ln m = 2·atanh((m − 1)/(m + 1)) by its series, plus
// e·ln 2 in two parts; −∞ at 0 and for subnormal x, NaN below 0, ∞ at ∞. Kept in sync with
// core/src/fastmath.rs (`ln`).
fn fast_ln(x: f32) -> f32 {
    if x != x {
        return x;
    }
    if x < 0.0 {
        return bitcast<f32>(0x7fc00000u);
    }
    if x < 1.1754944e-38f {
        return bitcast<f32>(0xff800000u);
    }
    if x == bitcast<f32>(0x7f800000u) {
        return x;
    }
    let bits = bitcast<u32>(x);
    var e = i32(bits >> 23u) - 127;
    var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
    if m > 1.4142135f {
        m = m * 0.5;
        e = e + 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    // 1/(2k + 1) rounded to f32.
    let series = 2.0 * s * (1.0 + z * (0.33333334f + z * (0.2f + z * (0.14285715f
        + z * (0.11111111f + z * 0.09090909f)))));
    let ef = f32(e);
    return ef * 0.6933594f + (ef * -2.1219444e-4f + series);
}

// x^y for x ≥ 0 as fast_exp(y · fast_ln(x)). Kept in sync with core/src/fastmath.rs (`pow`).
fn fast_pow(x: f32, y: f32) -> f32 {
    return fast_exp(y * fast_ln(x));
}

// `x` in fixed point (2^24 units per 1.0) as a two's-complement 64-bit integer (low, high
// word), rounded half away from zero: bit-identical to core/src/cpu/accumulate.rs `to_fixed`
// applied to `x as f64` (NaN gives 0; beyond ±2^63 saturates). Every step is exact in f32:
// scaling by a power of two, trunc, the fraction y − trunc(y), and the split at 2^32.
fn to_fixed(x: f32) -> vec2<u32> {
    let y = x * FIXED_SCALE;
    if !(abs(y) < 9.2233715e18) {
        if y > 0.0 {
            return vec2<u32>(0xffffffffu, 0x7fffffffu);
        }
        if y < 0.0 {
            return vec2<u32>(0u, 0x80000000u);
        }
        return vec2<u32>(0u, 0u);
    }
    let t = trunc(y);
    var a = abs(t);
    if abs(y - t) >= 0.5 {
        a = a + 1.0;
    }
    let hi_f = floor(a / 4294967296.0);
    let lo_f = a - hi_f * 4294967296.0;
    var lo = u32(lo_f);
    var hi = u32(hi_f);
    if y < 0.0 {
        lo = ~lo + 1u;
        hi = ~hi + select(0u, 1u, lo == 0u);
    }
    return vec2<u32>(lo, hi);
}
