// kernel.wgsl: the fields of the step (MODEL §2, §3 stage 2), one thread per (node, species):
// the migration kernel P_κ(i → j) over the node's allowed moves (a softmax of five terms
// divided by the temperature) with its running sums, the docking probability D_i at the mean
// payload C_i/ρ_i, and the emission λ_i·dt with its payload at source nodes.
// CPU twin: core/src/cpu/kernel.rs (`kernel_probabilities`, `cumulative`, `node_fields`).
//
// Binding order (kept in sync with core/src/cpu/kernel.rs and core/src/gpu/stages/kernel.rs):
//  0 uniform  params            (n, species, moves, dt)
//  1 storage  species           SpeciesParams per species
//  2 storage  move_offsets      per node + 1
//  3 storage  move_forward_len  per node
//  4 storage  move_target       per move
//  5 storage  move_edge         per move
//  6 storage  bias              [κ · moves + mv]
//  7 storage  weight            effective weight w + Δw per edge
//  8 storage  pathway           π per edge
//  9 storage  signals           per node (activity, error, |error|, brush)
// 10 storage  meta              meta signal values (at least one entry)
// 11 storage  emission_gain     [κ · n + i]
// 12 storage  source            [κ · n + i]: 1 at the species' sources, else 0
// 13 storage  receptors         unit receptor per node
// 14 storage  rho               ρ (free vesicles), [κ · n + i]
// 15 storage  mass              C (payload mass), [κ · n + i]
// 16 storage  kernel     (out)  P, [κ · moves + mv] (allowed moves only)
// 17 storage  cdf        (out)  (running sum, target), [κ · moves + mv] (allowed moves only)
// 18 storage  dock       (out)  D_i, [κ · n + i]
// 19 storage  births     (out)  λ_i·dt, [κ · n + i] (0 off the sources)
// 20 storage  birth_payload (out) emission payload, [κ · n + i] (0 off the sources)

struct KernelParams {
    n: u32,
    species: u32,
    moves: u32,
    dt: f32,
}

struct MoveCdf {
    cdf: f32,
    dest: u32,
}

@group(0) @binding(0) var<uniform> params: KernelParams;
@group(0) @binding(1) var<storage, read> species: array<SpeciesParams>;
@group(0) @binding(2) var<storage, read> move_offsets: array<u32>;
@group(0) @binding(3) var<storage, read> move_forward_len: array<u32>;
@group(0) @binding(4) var<storage, read> move_target: array<u32>;
@group(0) @binding(5) var<storage, read> move_edge: array<u32>;
@group(0) @binding(6) var<storage, read> bias: array<f32>;
@group(0) @binding(7) var<storage, read> weight: array<f32>;
@group(0) @binding(8) var<storage, read> pathway: array<f32>;
@group(0) @binding(9) var<storage, read> signals: array<vec4<f32>>;
@group(0) @binding(10) var<storage, read> meta_values: array<f32>;
@group(0) @binding(11) var<storage, read> emission_gain: array<f32>;
@group(0) @binding(12) var<storage, read> source: array<u32>;
@group(0) @binding(13) var<storage, read> receptors: array<vec4<f32>>;
@group(0) @binding(14) var<storage, read> rho: array<f32>;
@group(0) @binding(15) var<storage, read> mass: array<vec4<f32>>;
@group(0) @binding(16) var<storage, read_write> kernel: array<f32>;
@group(0) @binding(17) var<storage, read_write> cdf: array<MoveCdf>;
@group(0) @binding(18) var<storage, read_write> dock: array<f32>;
@group(0) @binding(19) var<storage, read_write> births: array<f32>;
@group(0) @binding(20) var<storage, read_write> birth_payload: array<vec4<f32>>;

// The allowed moves of node i for `direction` (graph::Graph::moves_of): [start, end).
fn allowed_moves(i: u32, direction: u32) -> vec2<u32> {
    let start = move_offsets[i];
    let end = move_offsets[i + 1u];
    let mid = start + move_forward_len[i];
    if direction == 0u {
        return vec2<u32>(start, mid);
    }
    if direction == 1u {
        return vec2<u32>(mid, end);
    }
    return vec2<u32>(start, end);
}

// The trigger signal x_i (core/src/cpu/emit.rs, `trigger_signal`).
fn trigger_signal(s: SpeciesParams, i: u32) -> f32 {
    switch s.trigger {
        case 0u: { return signals[i].x; }
        case 1u: { return signals[i].y; }
        case 2u: { return signals[i].z; }
        case 3u: { return meta_values[s.trigger_meta]; }
        default: { return signals[i].w; }
    }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    let k = gid.y;
    if i >= params.n || k >= params.species {
        return;
    }
    let n = params.n;
    let s = species[k];
    let ki = k * n + i;

    // The kernel and its running sums.
    let range = allowed_moves(i, s.direction);
    if range.x < range.y {
        let kb = k * params.moves;
        let dens = s.density_species * n;
        var max_logit = bitcast<f32>(0xff800000u);
        for (var mv = range.x; mv < range.y; mv++) {
            let e = move_edge[mv];
            let j = move_target[mv];
            let logit = (bias[kb + mv] + s.alpha_weight * abs(weight[e])
                + s.alpha_activity * signals[j].x + s.alpha_density * rho[dens + j]
                + s.alpha_pathway * pathway[e]) * s.inv_temperature;
            kernel[kb + mv] = logit;
            max_logit = max(max_logit, logit);
        }
        var sum = 0.0;
        for (var mv = range.x; mv < range.y; mv++) {
            let x = fast_exp(kernel[kb + mv] - max_logit);
            kernel[kb + mv] = x;
            sum += x;
        }
        let inv = 1.0 / sum;
        var acc = 0.0;
        for (var mv = range.x; mv < range.y; mv++) {
            let p = kernel[kb + mv] * inv;
            kernel[kb + mv] = p;
            acc += p;
            cdf[kb + mv] = MoveCdf(acc, move_target[mv]);
        }
    }

    // Docking at the mean payload.
    let r = rho[ki];
    var mean = vec4<f32>(0.0);
    if r > 0.0 {
        mean = mass[ki] / r;
    }
    dock[ki] = dock_p(s, mean, receptors[i]);

    // Emission.
    var b = 0.0;
    var c = vec4<f32>(0.0);
    if s.rate > 0.0 && source[ki] != 0u {
        let x = trigger_signal(s, i);
        b = s.rate * emission_gain[ki] * fast_sigmoid(s.slope * (x - s.threshold)) * params.dt;
        var m = 0.0;
        if s.payload_meta != NO_INDEX {
            m = meta_values[s.payload_meta];
        }
        c = mat_vec(s.payload, vec4<f32>(signals[i].x, signals[i].y, m, 1.0));
    }
    births[ki] = b;
    birth_payload[ki] = c;
}
