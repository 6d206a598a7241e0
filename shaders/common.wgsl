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
        return p * bitcast<f32>(254u << 23u) * 2.0;
    }
    return p * bitcast<f32>(u32(n + 127) << 23u);
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
