// decay_dock_hop.wgsl: the vesicle stage (MODEL §3, stage 3), one thread per slot. Every live
// vesicle decays, may dock (releasing into the fixed-point accumulators, counting its cascade
// children, maybe absorbed) or hop along the kernel's running sums, and is counted at the node
// it ends at. Twin of core/src/cpu/decay_dock_hop.rs: the same draws (stream VESICLE_A on the
// stable id: word 0 decay, 1 dock, 2 absorb, 3 hop; a cascade's count from its own stream),
// so the decisions match whenever the inputs are the same f32 values.
//
// Bindings (kept in sync with core/src/gpu/stages/decay_dock_hop.rs `Bindings`):
//  0 params      StepParams (uniform)
//  1 species     SpeciesParams per species
//  2 releases    Release records (species' ranges in SpeciesParams)
//  3 constants   u32: move offsets (n + 1), forward lengths (n), move edges (moves), cascade
//                inversion tables
//  4 kernel_cdf  MoveCdf per species and move, [κ · moves + mv]
//  5 receptors   unit receptor vector per node
//  6 activity    a_i per node
//  7 vesicles    the population (read and written in place)
//  8 acc         release sums, two words (low, high) per node and channel
//  9 tallies     counts, docks, edge hops, events, cascade slots (u32 atomics)
// 10 live        1 for a slot live after the stage, else 0 (compaction's input)
// 11 births      cascade children of the vesicle in each slot (emission's input)

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(1) var<storage, read> species: array<SpeciesParams>;
@group(0) @binding(2) var<storage, read> releases: array<Release>;
@group(0) @binding(3) var<storage, read> constants: array<u32>;
@group(0) @binding(4) var<storage, read> kernel_cdf: array<MoveCdf>;
@group(0) @binding(5) var<storage, read> receptors: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> activity: array<f32>;
@group(0) @binding(7) var<storage, read_write> vesicles: array<Vesicle>;
@group(0) @binding(8) var<storage, read_write> acc: array<atomic<u32>>;
@group(0) @binding(9) var<storage, read_write> tallies: array<atomic<u32>>;
@group(0) @binding(10) var<storage, read_write> live: array<u32>;
@group(0) @binding(11) var<storage, read_write> births: array<u32>;

// Adds `x` (fixed point) to channel `ch` of node `i`: the low word atomically, then its carry
// and the high word. The sum is exact modulo 2^64 whatever the order, like the CPU's i64.
fn acc_add_fixed(i: u32, ch: u32, v: vec2<u32>) {
    let at = 2u * (i * params.stride + ch);
    let old = atomicAdd(&acc[at], v.x);
    let hi = v.y + carry_of(old, v.x);
    if hi != 0u {
        atomicAdd(&acc[at + 1u], hi);
    }
}

fn acc_add(i: u32, ch: u32, x: f32) {
    acc_add_fixed(i, ch, to_fixed(x));
}

fn event(kind: u32, s: u32) {
    atomicAdd(&tallies[params.events_at + kind * params.species + s], 1u);
}

fn cascade_member_gone(slot: u32) {
    if slot != NONE32 {
        atomicSub(&tallies[params.cascade_at + slot], 1u);
    }
}

// Channels of core/src/compile.rs `channel`.
const CH_MEM_RUN_SUM: u32 = 5u;
const CH_MEM_RUN_COUNT: u32 = 9u;
const CH_MEM_FIX_SUM: u32 = 10u;
const CH_MEM_FIX_WEIGHT: u32 = 14u;
const CH_MEM_FIX_LOG_RETAIN: u32 = 15u;

// Every release of a docking at node i with payload c; returns the cascade children.
fn release(sp: SpeciesParams, i: u32, c: vec4<f32>, id: vec2<u32>) -> u32 {
    var children = 0u;
    for (var r = 0u; r < sp.release_count; r++) {
        let op = releases[sp.release_first + r];
        switch op.kind {
            case RELEASE_ADD: {
                acc_add(i, op.channel, op.eta * dot4(op.u, c));
            }
            case RELEASE_MEMORY_RUNNING: {
                for (var d = 0u; d < 4u; d++) {
                    acc_add(i, CH_MEM_RUN_SUM + d, c[d]);
                }
                acc_add(i, CH_MEM_RUN_COUNT, 1.0);
            }
            case RELEASE_MEMORY_FIXED: {
                for (var d = 0u; d < 4u; d++) {
                    acc_add(i, CH_MEM_FIX_SUM + d, op.eta * c[d]);
                }
                acc_add(i, CH_MEM_FIX_WEIGHT, op.eta);
                acc_add_fixed(i, CH_MEM_FIX_LOG_RETAIN, op.log_retain);
            }
            default: {
                // A cascade: Poisson(χ) by inversion of the first word of its stream against
                // the thresholds (the CPU's `rng::poisson` below χ = 10, bit for bit).
                let w = rng_words(params.key, params.step, id.x, id.y, STREAM_CASCADE + 16u * r).x;
                var k = 0u;
                while k < op.table_len && w >= constants[op.table_first + k] {
                    k++;
                }
                children += k;
            }
        }
    }
    return children;
}

// The move of a hop from node i: the first allowed move whose running sum exceeds u (the last
// takes any rounding remainder), as core/src/cpu/kernel.rs `pick_move`.
fn pick_move(s: u32, start: u32, end: u32, u: f32) -> u32 {
    var below = 0u;
    for (var mv = start; mv + 1u < end; mv++) {
        below += select(0u, 1u, u >= kernel_cdf[s * params.moves + mv].cdf);
    }
    return start + below;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let slot = flat_index(gid, groups.x);
    if slot >= params.len {
        return;
    }
    births[slot] = 0u;
    live[slot] = 0u;
    var v = vesicles[slot];
    if v.alive == 0u {
        return;
    }
    let s = v.species;
    let sp = species[s];
    let i = v.loc;
    let n = params.n;
    v.prev = i;
    let w = rng_words(params.key, params.step, v.id.x, v.id.y, STREAM_VESICLE_A);
    let age = params.step - v.born.x;

    // Decay. Under the fixed law the vesicle dies in its `life_steps`-th step.
    var dies = false;
    if sp.law == LAW_EXPONENTIAL {
        dies = unit(w.x) < sp.death;
    } else {
        dies = age + 1u >= sp.life_steps;
    }
    if dies {
        event(EVENT_DIED, s);
        cascade_member_gone(v.cascade);
        vesicles[slot].alive = 0u;
        vesicles[slot].prev = i;
        return;
    }
    v.integ = v.integ + activity[i] * params.dt;

    var hops = false;
    let u_dock = unit(w.y);
    let u_hop = unit(w.w);
    if u_dock < sp.dock_bound {
        let c = faded(v.payload, sp.ln_fade, age);
        if u_dock < dock_probability(sp, c, receptors[i]) {
            event(EVENT_DOCKED, s);
            atomicAdd(&tallies[params.docks_at + s * n + i], 1u);
            births[slot] = release(sp, i, c, v.id);
            if unit(w.z) < sp.absorption {
                event(EVENT_ABSORBED, s);
                cascade_member_gone(v.cascade);
                v.alive = 0u;
                vesicles[slot] = v;
                return;
            }
        } else {
            hops = u_hop < sp.hop;
        }
    } else {
        hops = u_hop < sp.hop;
    }

    if hops {
        let first = constants[i];
        let fwd = constants[params.forward_len_at + i];
        var start = first;
        var end = first + fwd;
        if sp.direction == 1u {
            start = first + fwd;
            end = constants[i + 1u];
        } else if sp.direction == 2u {
            end = constants[i + 1u];
        }
        if end > start {
            let mv = pick_move(s, start, end, u_hop * sp.inv_hop);
            atomicAdd(&tallies[params.edge_hops_at + constants[params.move_edge_at + mv]], 1u);
            v.loc = kernel_cdf[s * params.moves + mv].target_node;
            v.hops = v.hops + 1u;
        }
    }
    atomicAdd(&tallies[s * n + v.loc], 1u);
    live[slot] = 1u;
    vesicles[slot] = v;
}
