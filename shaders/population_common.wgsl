// The structs and helpers of the population stages (prepended after common.wgsl to
// decay_dock_hop, accumulate, scan, compact and emit by core/src/gpu/sources.rs).

// Every struct below is mirrored in core/src/gpu/layout.rs (same field order, offsets and
// size; a test checks them against naga's layout) and kept in sync with it.

// One vesicle (MODEL §2): the GPU's array-of-structs image of one slot of `VesiclePool`.
// 64-bit ids and steps are (low word, high word).
struct Vesicle {
    id: vec2<u32>,
    parent: vec2<u32>,
    root: vec2<u32>,
    born: vec2<u32>,
    payload: vec4<f32>,
    species: u32,
    loc: u32,
    prev: u32,
    hops: u32,
    integ: f32,
    generation: u32,
    cascade: u32,
    alive: u32,
}

// The per-vesicle constants of a compiled species (`CompiledSpecies`).
struct SpeciesParams {
    // Docking projection W, by rows.
    projection: array<vec4<f32>, 4>,
    death: f32,
    // Docking probability when it does not depend on content; < 0 when it does.
    dock_const: f32,
    dock_bound: f32,
    absorption: f32,
    dock_rate_dt: f32,
    dock_gain: f32,
    dock_threshold: f32,
    hop: f32,
    inv_hop: f32,
    ln_fade: f32,
    // LAW_EXPONENTIAL or LAW_FIXED.
    law: u32,
    life_steps: u32,
    // 0 forward, 1 backward, 2 both.
    direction: u32,
    release_first: u32,
    release_count: u32,
    // Index of the species' cascade release within its releases, or NONE32.
    cascade_op: u32,
}

// One release operator (`CompiledRelease`).
struct Release {
    u: vec4<f32>,
    // Cascade payload transform A, by rows.
    transform: array<vec4<f32>, 4>,
    // RELEASE_ADD, RELEASE_MEMORY_RUNNING, RELEASE_MEMORY_FIXED or RELEASE_CASCADE.
    kind: u32,
    channel: u32,
    // η (ε for a fixed-rate memory).
    eta: f32,
    // The children's species of a cascade.
    target_species: u32,
    // A cascade's Poisson(χ) inversion thresholds: `constants[table_first ..][.. table_len]`.
    table_first: u32,
    table_len: u32,
    // ln(1 − ε) of a fixed-rate memory in fixed point (low, high word).
    log_retain: vec2<u32>,
}

// Per-step constants (a uniform).
struct StepParams {
    key: vec4<u32>,
    step: u32,
    dt: f32,
    n: u32,
    species: u32,
    moves: u32,
    stride: u32,
    // Slots in use at the start of the step.
    len: u32,
    capacity: u32,
    next_id: vec2<u32>,
    // Offsets into `constants`: forward move counts, move edges (move offsets start at 0).
    forward_len_at: u32,
    move_edge_at: u32,
    // Offsets into `tallies` (see core/src/gpu/layout.rs `TallyLayout`).
    docks_at: u32,
    edge_hops_at: u32,
    events_at: u32,
    cascade_at: u32,
}

// A move as the particle sampler reads it (`MoveCdf`).
struct MoveCdf {
    cdf: f32,
    target_node: u32,
}

const NONE32: u32 = 0xffffffffu;
const LAW_EXPONENTIAL: u32 = 0u;
const LAW_FIXED: u32 = 1u;
const RELEASE_ADD: u32 = 0u;
const RELEASE_MEMORY_RUNNING: u32 = 1u;
const RELEASE_MEMORY_FIXED: u32 = 2u;
const RELEASE_CASCADE: u32 = 3u;
// Random streams (core/src/rng.rs `stream`).
const STREAM_VESICLE_A: u32 = 0u;
const STREAM_CASCADE: u32 = 0x100u;
// Event counters per species, `tallies[events_at + EVENT_x * species + κ]` (core/src/gpu/layout.rs).
const EVENT_DIED: u32 = 0u;
const EVENT_DOCKED: u32 = 1u;
const EVENT_ABSORBED: u32 = 2u;
const EVENT_EMITTED: u32 = 3u;
const EVENT_CASCADE_BORN: u32 = 4u;
const EVENT_DROPPED: u32 = 5u;
// Cascade slot arrays, `tallies[cascade_at + CASCADE_x * slots + slot]`: live members, children
// added this step, deepest child generation this step. `slots` is `cascade_slots`.
const CASCADE_ALIVE: u32 = 0u;
const CASCADE_ADDED: u32 = 1u;
const CASCADE_DEPTH: u32 = 2u;

// The carry out of adding `add` to the low word `old` (the value an atomicAdd returned).
fn carry_of(old: u32, add: u32) -> u32 {
    return select(0u, 1u, old + add < old);
}

// 64-bit a + b on (low, high) words.
fn add64(a: vec2<u32>, b: u32) -> vec2<u32> {
    let lo = a.x + b;
    return vec2<u32>(lo, a.y + carry_of(a.x, b));
}

// Row-major 4×4 matrix times vector, summed in the order of core/src/species.rs `mat_vec`.
fn mat_vec(m: array<vec4<f32>, 4>, v: vec4<f32>) -> vec4<f32> {
    var out: vec4<f32>;
    for (var r = 0u; r < 4u; r++) {
        out[r] = m[r].x * v.x + m[r].y * v.y + m[r].z * v.z + m[r].w * v.w;
    }
    return out;
}

// The payload c after `age` steps of fading (`CompiledSpecies::faded`).
fn faded(c: vec4<f32>, ln_fade: f32, age: u32) -> vec4<f32> {
    if ln_fade == 0.0 {
        return c;
    }
    return c * fast_exp(ln_fade * f32(age));
}

// The docking probability of payload c at a node with unit receptor r
// (`CompiledSpecies::dock_p`).
fn dock_probability(sp: SpeciesParams, c: vec4<f32>, r: vec4<f32>) -> f32 {
    if sp.dock_const >= 0.0 {
        return sp.dock_const;
    }
    let wc = mat_vec(sp.projection, c);
    let na = dot4(wc, wc);
    let nb = dot4(r, r);
    var cosine = 0.0;
    if na > 0.0 && nb > 0.0 {
        cosine = dot4(wc, r) / sqrt(na * nb);
    }
    let k = sp.dock_rate_dt * fast_sigmoid(sp.dock_gain * (cosine - sp.dock_threshold));
    return -fast_exp_m1(-k);
}

// The flat index of a thread in a 2-D dispatch of 256-thread workgroups, `groups_x` wide.
fn flat_index(gid: vec3<u32>, groups_x: u32) -> u32 {
    return gid.y * groups_x * 256u + gid.x;
}
