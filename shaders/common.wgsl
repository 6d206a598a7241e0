// common.wgsl: shared helpers of every compute stage. The sources module prepends this file to
// each stage (WGSL has no #include), so nothing here may declare bindings or entry points.

// The pcg4d mixing function (Jarzynski & Olano, JCGT 2020): a bijection on four 32-bit words.
// WGSL u32 arithmetic wraps, like Rust's wrapping ops.
// Kept in sync with core/src/rng.rs (`pcg4d`).
fn pcg4d(v_in: vec4<u32>) -> vec4<u32> {
    var v = v_in * 1664525u + 1013904223u;
    v.x = v.x + v.y * v.w;
    v.y = v.y + v.z * v.x;
    v.z = v.z + v.x * v.y;
    v.w = v.w + v.y * v.z;
    v = v ^ (v >> vec4<u32>(16u));
    v.x = v.x + v.y * v.w;
    v.y = v.y + v.z * v.x;
    v.z = v.z + v.x * v.y;
    v.w = v.w + v.y * v.z;
    return v;
}

// Four random words for (step, id, stream) under the seed's four key words (`Rng::key()`,
// computed on the CPU and uploaded); `id` is the 64-bit key split into its low and high words.
// Kept in sync with core/src/rng.rs (`Rng::words`).
fn rng_words(key: vec4<u32>, step: u32, id_lo: u32, id_hi: u32, stream: u32) -> vec4<u32> {
    return pcg4d(vec4<u32>(id_lo ^ key.x, id_hi ^ key.y, step ^ key.z, stream ^ key.w));
}

// A uniform in [0, 1) from the top 24 bits of a word (exact in f32).
// Kept in sync with core/src/rng.rs (`unit`).
fn unit(w: u32) -> f32 {
    return f32(w >> 8u) * (1.0 / 16777216.0);
}
