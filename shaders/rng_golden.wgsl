// rng_golden.wgsl: evaluates `rng_words` (common.wgsl) for a list of counters, so a test can
// compare the GPU's RNG with core/src/rng.rs bit for bit. Binding order kept in sync with
// core/src/gpu/context.rs (`rng_words_gpu`).

struct Params {
    // The seed's four key words (`Rng::key()`).
    key: vec4<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
// Per item: (step, id_lo, id_hi, stream).
@group(0) @binding(1) var<storage, read> inputs: array<vec4<u32>>;
// Per item: the four words of `rng_words`.
@group(0) @binding(2) var<storage, read_write> outputs: array<vec4<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if i >= arrayLength(&inputs) {
        return;
    }
    let c = inputs[i];
    outputs[i] = rng_words(params.key, c.x, c.y, c.z, c.w);
}
