// fastmath_golden.wgsl: evaluates the fast math of common.wgsl (fast_exp, fast_exp_m1,
// fast_sigmoid, fast_ln, fast_pow) for a list of inputs, so a test can compare them with
// core/src/fastmath.rs bit for bit. Binding order kept in sync with core/src/gpu/golden.rs
// (`fastmath_gpu`).

// Per item: (x, y).
@group(0) @binding(0) var<storage, read> inputs: array<vec2<f32>>;
// Per item: exp(x), exp_m1(x), sigmoid(x), ln(x), pow(x, y), then three unused words (the
// stride is 32 bytes).
@group(0) @binding(1) var<storage, read_write> outputs: array<array<f32, 8>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if i >= arrayLength(&inputs) {
        return;
    }
    let x = inputs[i].x;
    let y = inputs[i].y;
    var out: array<f32, 8>;
    out[0] = fast_exp(x);
    out[1] = fast_exp_m1(x);
    out[2] = fast_sigmoid(x);
    out[3] = fast_ln(x);
    out[4] = fast_pow(x, y);
    outputs[i] = out;
}
