// The helpers of the fields, density and apply stages (prepended after common.wgsl to
// kernel.wgsl, density.wgsl and apply.wgsl by core/src/gpu/sources.rs).

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
    let k = s.dock_rate_dt * fast_sigmoid(s.dock_gain * (cos - s.dock_threshold));
    return -fast_exp_m1(-k);
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
