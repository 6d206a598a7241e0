// density.wgsl: one step of the density relaxation (MODEL §4) over the fields of the step
// (kernel.wgsl). Three entry points, dispatched in this order:
//   `local`  one thread per node: per species the stay/leave/dock coefficients and the
//            expected dockings, the births (emission, then cascades) and the node's expected
//            releases (fixed point, the layout of the particle accumulators);
//   `gather` one thread per (node, species): ρ' and C' from the in-moves (CSR) plus births;
//   `flux`   one thread per edge: expected hops along it (both moves, every species).
// CPU twin: core/src/cpu/density.rs (`local`, `gather`, `flux`).
//
// Binding order (kept in sync with core/src/cpu/density.rs and core/src/gpu/stages/density.rs):
//  0 uniform  params              (n, species, stride = channels per node, edges, moves)
//  1 storage  species             SpeciesParams per species
//  2 storage  release_ops         ReleaseOp list (each species owns a range)
//  3 storage  move_offsets        per node + 1
//  4 storage  move_forward_len    per node
//  5 storage  in_move_offsets     per node + 1
//  6 storage  in_move_forward_len per node
//  7 storage  in_moves            move ids, grouped by target node
//  8 storage  move_from           per move: the node it leaves
//  9 storage  edge_moves          per edge: (forward move, backward move)
// 10 storage  kernel              P, [κ · moves + mv] (0 off the allowed moves)
// 11 storage  dock                D_i, [κ · n + i]
// 12 storage  births              λ_i·dt, [κ · n + i]
// 13 storage  birth_payload       emission payload, [κ · n + i]
// 14 storage  rho                 ρ, [κ · n + i]
// 15 storage  mass                C, [κ · n + i]
// 16 storage  stay         (out)  S·[(1 − p_abs)D + (1 − D)(1 − H)], [κ · n + i]
// 17 storage  leave        (out)  S·(1 − D)·H, [κ · n + i]
// 18 storage  docks        (out)  expected dockings S·D·ρ, [κ · n + i]
// 19 storage  birth_rho    (out)  births (emission + cascades), node-major [i · S + κ]
// 20 storage  birth_mass   (out)  their payload mass, [i · S + κ]
// 21 storage  cascade_rho  (out)  the cascade part of birth_rho, [i · S + κ]
// 22 storage  releases     (out)  fixed-point (lo, hi) sums, [i · stride + channel]
// 23 storage  next_rho     (out)  ρ', [κ · n + i]
// 24 storage  next_mass    (out)  C', [κ · n + i]
// 25 storage  edge_flux    (out)  expected hops per edge

struct DensityParams {
    n: u32,
    species: u32,
    stride: u32,
    edges: u32,
    moves: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
}

@group(0) @binding(0) var<uniform> params: DensityParams;
@group(0) @binding(1) var<storage, read> species: array<SpeciesParams>;
@group(0) @binding(2) var<storage, read> release_ops: array<ReleaseOp>;
@group(0) @binding(3) var<storage, read> move_offsets: array<u32>;
@group(0) @binding(4) var<storage, read> move_forward_len: array<u32>;
@group(0) @binding(5) var<storage, read> in_move_offsets: array<u32>;
@group(0) @binding(6) var<storage, read> in_move_forward_len: array<u32>;
@group(0) @binding(7) var<storage, read> in_moves: array<u32>;
@group(0) @binding(8) var<storage, read> move_from: array<u32>;
@group(0) @binding(9) var<storage, read> edge_moves: array<vec2<u32>>;
@group(0) @binding(10) var<storage, read> kernel: array<f32>;
@group(0) @binding(11) var<storage, read> dock: array<f32>;
@group(0) @binding(12) var<storage, read> births: array<f32>;
@group(0) @binding(13) var<storage, read> birth_payload: array<vec4<f32>>;
@group(0) @binding(14) var<storage, read> rho: array<f32>;
@group(0) @binding(15) var<storage, read> mass: array<vec4<f32>>;
@group(0) @binding(16) var<storage, read_write> stay: array<f32>;
@group(0) @binding(17) var<storage, read_write> leave: array<f32>;
@group(0) @binding(18) var<storage, read_write> docks: array<f32>;
@group(0) @binding(19) var<storage, read_write> birth_rho: array<f32>;
@group(0) @binding(20) var<storage, read_write> birth_mass: array<vec4<f32>>;
@group(0) @binding(21) var<storage, read_write> cascade_rho: array<f32>;
@group(0) @binding(22) var<storage, read_write> releases: array<vec2<u32>>;
@group(0) @binding(23) var<storage, read_write> next_rho: array<f32>;
@group(0) @binding(24) var<storage, read_write> next_mass: array<vec4<f32>>;
@group(0) @binding(25) var<storage, read_write> edge_flux: array<f32>;

// Whether node i has a move in `direction` (graph::Graph::moves_of is not empty).
fn has_moves(i: u32, direction: u32) -> bool {
    let start = move_offsets[i];
    let end = move_offsets[i + 1u];
    let mid = start + move_forward_len[i];
    if direction == 0u {
        return mid > start;
    }
    if direction == 1u {
        return end > mid;
    }
    return end > start;
}

// Adds x to channel `ch` of the release row starting at `row`.
fn release_add(row: u32, ch: u32, x: f32) {
    releases[row + ch] = add_fixed(releases[row + ch], to_fixed(x));
}

@compute @workgroup_size(64)
fn local(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    let n = params.n;
    if i >= n {
        return;
    }
    // Coefficients, expected dockings and emission births.
    for (var k = 0u; k < params.species; k++) {
        let s = species[k];
        let ki = k * n + i;
        let d = dock[ki];
        let h = select(0.0, s.hop, has_moves(i, s.direction));
        stay[ki] = s.survival * ((1.0 - s.absorption) * d + (1.0 - d) * (1.0 - h));
        leave[ki] = s.survival * (1.0 - d) * h;
        docks[ki] = s.survival * d * rho[ki];
        let bi = i * params.species + k;
        birth_rho[bi] = births[ki];
        birth_mass[bi] = births[ki] * birth_payload[ki];
        cascade_rho[bi] = 0.0;
    }
    // Releases and cascade births.
    let row = i * params.stride;
    for (var ch = 0u; ch < params.stride; ch++) {
        releases[row + ch] = vec2<u32>(0u, 0u);
    }
    for (var k = 0u; k < params.species; k++) {
        let s = species[k];
        let ki = k * n + i;
        let dock_fraction = s.survival * dock[ki];
        let docked = dock_fraction * rho[ki];
        if docked <= 0.0 {
            continue;
        }
        let dm = dock_fraction * mass[ki];
        for (var o = s.releases_start; o < s.releases_end; o++) {
            let op = release_ops[o];
            switch op.kind {
                case 0u: {
                    release_add(row, op.dest, op.eta * dot4(op.u, dm));
                }
                case 1u: {
                    for (var c = 0u; c < 4u; c++) {
                        release_add(row, CH_MEM_RUN_SUM + c, dm[c]);
                    }
                    release_add(row, CH_MEM_RUN_COUNT, docked);
                }
                case 2u: {
                    for (var c = 0u; c < 4u; c++) {
                        release_add(row, CH_MEM_FIX_SUM + c, op.eps * dm[c]);
                    }
                    release_add(row, CH_MEM_FIX_WEIGHT, op.eps * docked);
                    release_add(row, CH_MEM_FIX_LOG_RETAIN, docked * op.log_retain);
                }
                default: {
                    let child = mat_vec(op.transform, dm);
                    let ci = i * params.species + op.dest;
                    birth_rho[ci] += op.chi * docked;
                    cascade_rho[ci] += op.chi * docked;
                    birth_mass[ci] += op.chi * child;
                }
            }
        }
    }
}

@compute @workgroup_size(64)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    let k = gid.y;
    let n = params.n;
    if i >= n || k >= params.species {
        return;
    }
    let s = species[k];
    let ki = k * n + i;
    var r = stay[ki] * rho[ki];
    var m = stay[ki] * mass[ki];
    let start = in_move_offsets[i];
    let mid = start + in_move_forward_len[i];
    let end = in_move_offsets[i + 1u];
    var first = start;
    var last = end;
    if s.direction == 0u {
        last = mid;
    } else if s.direction == 1u {
        first = mid;
    }
    let kb = k * params.moves;
    for (var x = first; x < last; x++) {
        let mv = in_moves[x];
        let kj = k * n + move_from[mv];
        let f = leave[kj] * kernel[kb + mv];
        r += f * rho[kj];
        m += f * mass[kj];
    }
    let bi = i * params.species + k;
    next_rho[ki] = r + birth_rho[bi];
    next_mass[ki] = s.fade * m + birth_mass[bi];
}

@compute @workgroup_size(64)
fn flux(@builtin(global_invocation_id) gid: vec3<u32>) {
    let e = gid.x;
    if e >= params.edges {
        return;
    }
    let n = params.n;
    let moves = params.moves;
    let fwd = edge_moves[e].x;
    let bwd = edge_moves[e].y;
    let a = move_from[fwd];
    let b = move_from[bwd];
    var total = 0.0;
    for (var k = 0u; k < params.species; k++) {
        total += leave[k * n + a] * kernel[k * moves + fwd] * rho[k * n + a];
        total += leave[k * n + b] * kernel[k * moves + bwd] * rho[k * n + b];
    }
    edge_flux[e] = total;
}
