// compact.wgsl: stable compaction. Every live slot of `from` moves to `to` at its exclusive
// prefix sum over the live flags (scan.wgsl), so the living stay dense and in id order, as
// core/src/cpu/compact.rs (its twin) does on the CPU.
//
// Bindings (kept in sync with core/src/gpu/stages/compact.rs `Bindings`):
//  0 params   CompactParams (uniform)
//  1 live     1 for a live slot, else 0
//  2 position exclusive prefix sum of `live`
//  3 from     the population before
//  4 to       the population after (live slots 0 .. total)

struct CompactParams {
    len: u32,
    groups_x: u32,
}

@group(0) @binding(0) var<uniform> cp: CompactParams;
@group(0) @binding(1) var<storage, read> live: array<u32>;
@group(0) @binding(2) var<storage, read> position: array<u32>;
@group(0) @binding(3) var<storage, read> from_pool: array<Vesicle>;
@group(0) @binding(4) var<storage, read_write> to_pool: array<Vesicle>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let slot = flat_index(gid, cp.groups_x);
    if slot >= cp.len || live[slot] == 0u {
        return;
    }
    to_pool[position[slot]] = from_pool[slot];
}
