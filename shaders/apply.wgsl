// apply.wgsl: MODEL §3 stage 4, one thread per node: the node's modulation relaxes toward its
// defaults, then the step's summed releases apply; the pathway traces of the node's in-edges
// decay and take the step's hops (every edge has one target node, so each edge is written by
// exactly one thread, as is each node's weight-delta row).
// CPU twin: core/src/cpu/apply.rs (`relax`, `apply_releases`, `pathways`, `run`).
//
// Binding order (kept in sync with core/src/cpu/apply.rs and core/src/gpu/stages/apply.rs):
//  0 uniform  params          (n, species, stride, relax factors, pathway keep)
//  1 storage  gain            g_i (read-write)
//  2 storage  shift           β_i (read-write)
//  3 storage  lr_mult         η_i (read-write)
//  4 storage  threshold       Δθ_i (read-write)
//  5 storage  emission_gain   G, [κ · n + i] (read-write)
//  6 storage  memory          M_i (read-write)
//  7 storage  memory_count    running-average arrivals (read-write)
//  8 storage  weight_delta    Δw per edge (read-write)
//  9 storage  pathway         π per edge (read-write)
// 10 storage  releases        fixed-point (lo, hi) sums in 2^-24 units, [i · stride + channel]
// 11 storage  edge_hops       hops per edge this step
// 12 storage  activity        a_j
// 13 storage  in_offsets      per node + 1
// 14 storage  in_edges        edge ids grouped by target node
// 15 storage  edge_src        per edge

struct ApplyParams {
    n: u32,
    species: u32,
    stride: u32,
    pad: u32,
    // exp(−dt/τ) of gain, shift, threshold and the multipliers (1: no relaxation).
    relax: f32,
    // exp(−dt/τ_w) of the weight deltas.
    relax_weight: f32,
    // exp(−dt/τ_m) of the memory.
    relax_memory: f32,
    // exp(−dt/τ_π) of the pathway traces.
    keep: f32,
}

@group(0) @binding(0) var<uniform> params: ApplyParams;
@group(0) @binding(1) var<storage, read_write> gain: array<f32>;
@group(0) @binding(2) var<storage, read_write> shift: array<f32>;
@group(0) @binding(3) var<storage, read_write> lr_mult: array<f32>;
@group(0) @binding(4) var<storage, read_write> threshold: array<f32>;
@group(0) @binding(5) var<storage, read_write> emission_gain: array<f32>;
@group(0) @binding(6) var<storage, read_write> memory: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> memory_count: array<f32>;
@group(0) @binding(8) var<storage, read_write> weight_delta: array<f32>;
@group(0) @binding(9) var<storage, read_write> pathway: array<f32>;
@group(0) @binding(10) var<storage, read> releases: array<vec2<u32>>;
@group(0) @binding(11) var<storage, read> edge_hops: array<f32>;
@group(0) @binding(12) var<storage, read> activity: array<f32>;
@group(0) @binding(13) var<storage, read> in_offsets: array<u32>;
@group(0) @binding(14) var<storage, read> in_edges: array<u32>;
@group(0) @binding(15) var<storage, read> edge_src: array<u32>;

fn release(row: u32, ch: u32) -> f32 {
    return fixed_to_f32(releases[row + ch]);
}

fn is_zero(row: u32, ch: u32) -> bool {
    let v = releases[row + ch];
    return v.x == 0u && v.y == 0u;
}

// A multiplier relaxes in log space; at its default it stays put (as on the CPU).
fn relax_multiplier(v: f32, k: f32) -> f32 {
    if v != 1.0 {
        return fast_pow(v, k);
    }
    return v;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    let n = params.n;
    if i >= n {
        return;
    }
    let row = i * params.stride;
    let first = in_offsets[i];
    let last = in_offsets[i + 1u];

    // Relaxation toward the defaults.
    let k = params.relax;
    if k < 1.0 {
        // 1 + (g − 1)·k in the form Mesa's compiler turns that lerp into (core/src/cpu/apply.rs).
        gain[i] = gain[i] * k + (1.0 - k);
        shift[i] *= k;
        threshold[i] *= k;
        lr_mult[i] = relax_multiplier(lr_mult[i], k);
        for (var s = 0u; s < params.species; s++) {
            emission_gain[s * n + i] = relax_multiplier(emission_gain[s * n + i], k);
        }
    }
    if params.relax_weight < 1.0 {
        for (var x = first; x < last; x++) {
            weight_delta[in_edges[x]] *= params.relax_weight;
        }
    }
    if params.relax_memory < 1.0 {
        memory[i] *= params.relax_memory;
    }

    // The releases.
    gain[i] += release(row, CH_GAIN);
    shift[i] += release(row, CH_SHIFT);
    threshold[i] += release(row, CH_THRESHOLD);
    if !is_zero(row, CH_LEARNING_RATE) {
        lr_mult[i] *= fast_exp(release(row, CH_LEARNING_RATE));
    }
    for (var s = 0u; s < params.species; s++) {
        if !is_zero(row, CH_EMISSION_GAIN + s) {
            emission_gain[s * n + i] *= fast_exp(release(row, CH_EMISSION_GAIN + s));
        }
    }
    let qw = release(row, CH_WEIGHT);
    if qw != 0.0 {
        for (var x = first; x < last; x++) {
            let e = in_edges[x];
            weight_delta[e] += qw * activity[edge_src[e]];
        }
    }
    // Memory: fixed-ε arrivals, then running-average ones.
    let w = release(row, CH_MEM_FIX_WEIGHT);
    if w > 0.0 {
        let retain = fast_exp(release(row, CH_MEM_FIX_LOG_RETAIN));
        var mean: vec4<f32>;
        for (var c = 0u; c < 4u; c++) {
            mean[c] = release(row, CH_MEM_FIX_SUM + c) / w;
        }
        memory[i] = retain * memory[i] + (1.0 - retain) * mean;
    }
    let arrivals = release(row, CH_MEM_RUN_COUNT);
    if arrivals > 0.0 {
        let count = memory_count[i];
        var sum: vec4<f32>;
        for (var c = 0u; c < 4u; c++) {
            sum[c] = release(row, CH_MEM_RUN_SUM + c);
        }
        memory[i] = (memory[i] * count + sum) / (count + arrivals);
        memory_count[i] = count + arrivals;
    }

    // Pathway traces of the in-edges.
    for (var x = first; x < last; x++) {
        let e = in_edges[x];
        pathway[e] = pathway[e] * params.keep + edge_hops[e];
    }
}
