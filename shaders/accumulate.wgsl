// accumulate.wgsl: adds a list of releases `(index, amount)` into fixed-point sums, two u32
// atomics per value (low word, then its carry into the high word): the exact i64 sums of
// core/src/cpu/accumulate.rs (its twin, `Accumulators::add`), whatever the order. The vesicle
// stage accumulates its own releases with the same helpers (`to_fixed`, `carry_of` in
// common.wgsl); this stage applies them to an arbitrary list so they can be tested alone.
//
// Bindings (kept in sync with core/src/gpu/stages/accumulate.rs `Bindings`):
//  0 items  (index, amount bits) per release
//  1 acc    two words (low, high) per value

@group(0) @binding(0) var<storage, read> items: array<vec2<u32>>;
@group(0) @binding(1) var<storage, read_write> acc: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = flat_index(gid, groups.x);
    if k >= arrayLength(&items) {
        return;
    }
    let it = items[k];
    let v = to_fixed(bitcast<f32>(it.y));
    let old = atomicAdd(&acc[2u * it.x], v.x);
    let hi = v.y + carry_of(old, v.x);
    if hi != 0u {
        atomicAdd(&acc[2u * it.x + 1u], hi);
    }
}
