// The lab's instance writer (app/src/lab/engine_instances.rs): turns the GPU engine's
// population buffer (GpuVesicle, 20 words each, nv_core::gpu::layout) into the vesicle
// renderer's instances (vesicles.wgsl), on the device: one in `every` vesicles, `count` in
// all, so no vesicle crosses to the CPU to be drawn.
//
// Instance: x = the node it hopped from (prev), y = its node (loc), z = species | FLASH when
// its species docked at its node this step, w = the jitter hash of its stable id (as
// vesicle_gpu::jitter_hash: mix32(lo ^ mix32(hi))).

struct Params {
    // Vesicles to write (instances).
    count: u32,
    // Stride in vesicles.
    every: u32,
    // Nodes (the docked flags are [species * nodes + node]).
    nodes: u32,
    // Words of one GpuVesicle and the word offsets of its fields.
    words: u32,
    species_at: u32,
    loc_at: u32,
    prev_at: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> population: array<u32>;
@group(0) @binding(2) var<storage, read> docked: array<u32>;
@group(0) @binding(3) var<storage, read_write> instances: array<vec4<u32>>;

const FLASH: u32 = 0x10000u;

// nv_core::rng::mix32.
fn mix32(v: u32) -> u32 {
    var x = v;
    x ^= x >> 16u;
    x *= 0x7feb352du;
    x ^= x >> 15u;
    x *= 0x846ca68bu;
    x ^= x >> 16u;
    return x;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    if j >= params.count {
        return;
    }
    let base = j * params.every * params.words;
    let species = population[base + params.species_at];
    let loc = population[base + params.loc_at];
    let prev = population[base + params.prev_at];
    var flags = species;
    if docked[species * params.nodes + loc] != 0u {
        flags |= FLASH;
    }
    let hash = mix32(population[base] ^ mix32(population[base + 1u]));
    instances[j] = vec4<u32>(prev, loc, flags, hash);
}
