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

// ---- gpudensity block: the fields, density and apply stages ------------------------------
// Packed by core/src/gpu/stages/params.rs (`species_bytes`): keep the two in sync.

// The per-species constants the fields and density stages read (from `CompiledSpecies`).
// Matrices are stored by rows: `m[r]` is row r, and `mat_vec` computes row · v like
// core/src/species.rs (`mat_vec`).
struct SpeciesParams {
    inv_temperature: f32,
    alpha_weight: f32,
    alpha_activity: f32,
    alpha_density: f32,
    alpha_pathway: f32,
    // The species whose density α_ρ reads.
    density_species: u32,
    // 0 forward, 1 backward, 2 both (`graph::Direction`).
    direction: u32,
    // Hop probability H.
    hop: f32,
    dock_rate_dt: f32,
    dock_gain: f32,
    dock_threshold: f32,
    // The docking probability when it does not depend on content (`has_dock_const` = 1).
    dock_const: f32,
    has_dock_const: u32,
    absorption: f32,
    survival: f32,
    fade: f32,
    // r_max · N (0: the species emits nothing).
    rate: f32,
    slope: f32,
    threshold: f32,
    // 0 activity, 1 error, 2 |error|, 3 meta (`trigger_meta`), 4 brush.
    trigger: u32,
    trigger_meta: u32,
    // The meta signal of the payload, or NO_INDEX.
    payload_meta: u32,
    // This species' release operators: `releases[releases_start .. releases_end]`.
    releases_start: u32,
    releases_end: u32,
    projection: mat4x4<f32>,
    payload: mat4x4<f32>,
}

// One release operator (`CompiledRelease`). kind: 0 Add (channel `dest`, amount eta·u·c),
// 1 running-average Memory, 2 fixed-ε Memory (eps, log_retain), 3 Cascade (child species
// `dest`, chi, transform).
struct ReleaseOp {
    kind: u32,
    dest: u32,
    eta: f32,
    chi: f32,
    u: vec4<f32>,
    transform: mat4x4<f32>,
    eps: f32,
    log_retain: f32,
    pad0: u32,
    pad1: u32,
}

const NO_INDEX: u32 = 0xffffffffu;

// Release channels per node (core/src/compile.rs, `channel`).
const CH_GAIN: u32 = 0u;
const CH_SHIFT: u32 = 1u;
const CH_LEARNING_RATE: u32 = 2u;
const CH_THRESHOLD: u32 = 3u;
const CH_WEIGHT: u32 = 4u;
const CH_MEM_RUN_SUM: u32 = 5u;
const CH_MEM_RUN_COUNT: u32 = 9u;
const CH_MEM_FIX_SUM: u32 = 10u;
const CH_MEM_FIX_WEIGHT: u32 = 14u;
const CH_MEM_FIX_LOG_RETAIN: u32 = 15u;
const CH_EMISSION_GAIN: u32 = 16u;

// row · v for a matrix stored by rows (core/src/species.rs, `mat_vec`).
fn mat_vec(m: mat4x4<f32>, v: vec4<f32>) -> vec4<f32> {
    var out: vec4<f32>;
    for (var r = 0u; r < 4u; r++) {
        let row = m[r];
        out[r] = row.x * v.x + row.y * v.y + row.z * v.z + row.w * v.w;
    }
    return out;
}

fn dot4(a: vec4<f32>, b: vec4<f32>) -> f32 {
    return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

// e^x as core/src/fastmath.rs (`exp`) computes it: the same reduction, polynomial and
// exponent assembly, so the softmax agrees with the CPU's up to fused multiply-adds.
fn fast_exp(x: f32) -> f32 {
    if x < -87.3 {
        return 0.0;
    }
    if x > 88.7 {
        return bitcast<f32>(0x7f800000u);
    }
    let t = x * 1.442695;
    let n = i32(t + select(-0.5, 0.5, t >= 0.0));
    let nf = f32(n);
    let r = (x - nf * 0.6933594) - nf * -2.1219444e-4;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0
        + r * (1.0 / 720.0))))));
    if n > 127 {
        return p * bitcast<f32>(254u << 23u) * 2.0;
    }
    return p * bitcast<f32>(u32(n + 127) << 23u);
}

// e^x − 1 without cancellation near 0: a Taylor polynomial for |x| ≤ 0.5 (truncation below
// 3e-10 relative), else fast_exp(x) − 1. Not via log: GPU `log` near 1 is only bounded in
// absolute error (2^-21 in Vulkan), which is a large relative error for small x.
fn exp_m1(x: f32) -> f32 {
    if abs(x) > 0.5 {
        return fast_exp(x) - 1.0;
    }
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0
        * (1.0 + x / 7.0 * (1.0 + x / 8.0 * (1.0 + x / 9.0))))))));
}

// σ(x) with fast_exp (within 3e-7 of e^x; GPU `exp` is only bounded to 3 + 2|x| ulp).
fn sigmoid(x: f32) -> f32 {
    return 1.0 / (1.0 + fast_exp(-x));
}

// cos(a, b), 0 when either is the zero vector (core/src/species.rs, `cosine`).
fn cosine(a: vec4<f32>, b: vec4<f32>) -> f32 {
    let na = dot4(a, a);
    let nb = dot4(b, b);
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    return dot4(a, b) / sqrt(na * nb);
}

// The docking probability of payload c at a node with unit receptor r (`dock_p`).
fn dock_p(s: SpeciesParams, c: vec4<f32>, r: vec4<f32>) -> f32 {
    if s.has_dock_const != 0u {
        return s.dock_const;
    }
    let cos = cosine(mat_vec(s.projection, c), r);
    let k = s.dock_rate_dt * sigmoid(s.dock_gain * (cos - s.dock_threshold));
    return -exp_m1(-k);
}

// Fixed-point release sums: i64 in units of 2^-24 (core/src/cpu/accumulate.rs), stored as
// (lo, hi) u32 words. `to_fixed` rounds half away from zero like `accumulate::to_fixed`.
fn to_fixed(x: f32) -> vec2<u32> {
    // |x|·2^24 rounded half away from zero: an integer-valued f32 (exact: a power-of-two scale).
    var a = abs(x) * 16777216.0;
    if a < 8388608.0 {
        a = floor(a + 0.5);
    }
    // Its words: a < 2^64 splits exactly (the low part is a multiple of a's ulp below 2^32).
    let hi = floor(a * (1.0 / 4294967296.0));
    let lo = a - hi * 4294967296.0;
    let magnitude = vec2<u32>(u32(lo), u32(hi));
    if x >= 0.0 {
        return magnitude;
    }
    // Two's complement negation.
    let nlo = ~magnitude.x + 1u;
    return vec2<u32>(nlo, ~magnitude.y + select(0u, 1u, nlo == 0u));
}

// a + b on (lo, hi) words, with the carry.
fn add_fixed(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let lo = a.x + b.x;
    let carry = select(0u, 1u, lo < a.x);
    return vec2<u32>(lo, a.y + b.y + carry);
}

// The f32 nearest to the fixed-point value v · 2^-24 (ties to even), which is what the CPU's
// `(v as f64 / SCALE) as f32` gives: the magnitude's leading 24 bits, rounded on the rest.
fn fixed_to_f32(v: vec2<u32>) -> f32 {
    let negative = (v.y >> 31u) != 0u;
    var lo = v.x;
    var hi = v.y;
    if negative {
        lo = ~v.x + 1u;
        hi = ~v.y + select(0u, 1u, lo == 0u);
    }
    if hi == 0u && lo == 0u {
        return 0.0;
    }
    // Bit length of the magnitude.
    var bits: u32;
    if hi != 0u {
        bits = 64u - countLeadingZeros(hi);
    } else {
        bits = 32u - countLeadingZeros(lo);
    }
    var mant: u32;
    var shift: u32 = 0u;
    if bits <= 24u {
        mant = lo;
    } else {
        shift = bits - 24u;
        // The magnitude >> shift (at most 24 bits), and the bits shifted out.
        var rest_hi: u32;
        var rest_lo: u32;
        var top: u32;
        if shift >= 32u {
            top = hi >> (shift - 32u);
            rest_hi = hi & ((1u << (shift - 32u)) - 1u);
            rest_lo = lo;
        } else {
            top = (lo >> shift) | (hi << (32u - shift));
            rest_hi = 0u;
            rest_lo = lo & ((1u << shift) - 1u);
        }
        mant = top;
        // Compare the rest with half of 2^shift.
        var half_hi = 0u;
        var half_lo = 0u;
        if shift - 1u >= 32u {
            half_hi = 1u << (shift - 33u);
        } else {
            half_lo = 1u << (shift - 1u);
        }
        let above = rest_hi > half_hi || (rest_hi == half_hi && rest_lo > half_lo);
        let tie = rest_hi == half_hi && rest_lo == half_lo;
        if above || (tie && (mant & 1u) == 1u) {
            mant = mant + 1u;
        }
    }
    // mant · 2^(shift − 24): mant ≤ 2^24 is exact in f32, and so is the scaling by a power
    // of two (the smallest value is 2^-24, far above the subnormals).
    let magnitude = ldexp(f32(mant), i32(shift) - 24);
    return select(magnitude, -magnitude, negative);
}
// ---- end gpudensity block ----------------------------------------------------------------
