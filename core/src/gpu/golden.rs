//! Golden-table checks of the shared WGSL helpers: a check shader evaluates a helper for a
//! list of inputs and the results come back, so tests can hold the WGSL to its Rust twin bit
//! for bit.
//!
//! - [`rng_words_gpu`] runs `shaders/rng_golden.wgsl`: the counter-based RNG against
//!   [`crate::rng::Rng::words`].
//! - [`fastmath_gpu`] runs `shaders/fastmath_golden.wgsl`: `fast_exp`, `fast_exp_m1`,
//!   `fast_sigmoid`, `fast_ln` and `fast_pow` against [`crate::fastmath`].

use wgpu::util::DeviceExt;

use super::context::{GpuContext, GpuError, buffer_entry, to_bytes};

/// Threads per workgroup of the check shaders (`@workgroup_size(64)`).
const WORKGROUP_SIZE: u32 = 64;

/// Runs check stage `stage` over `items` inputs: binding 0 the uniform `params` (when given),
/// then the inputs (`input` bytes), then the outputs, `output_stride` bytes per item. Returns
/// the output bytes.
fn run_table(
    ctx: &GpuContext,
    stage: &str,
    params: Option<&[u8]>,
    input: &[u8],
    items: usize,
    output_stride: u64,
) -> Result<Vec<u8>, GpuError> {
    let max_groups = ctx.device.limits().max_compute_workgroups_per_dimension as usize;
    let max_items = max_groups * WORKGROUP_SIZE as usize;
    if items > max_items {
        return Err(GpuError::TooManyItems(items, max_items));
    }
    let device = &ctx.device;
    let oom_scope = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    let validation_scope = device.push_error_scope(wgpu::ErrorFilter::Validation);

    let first = u32::from(params.is_some());
    let mut entries = Vec::new();
    if params.is_some() {
        entries.push(buffer_entry(0, wgpu::BufferBindingType::Uniform));
    }
    entries.push(buffer_entry(first, wgpu::BufferBindingType::Storage { read_only: true }));
    entries.push(buffer_entry(first + 1, wgpu::BufferBindingType::Storage { read_only: false }));
    let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(stage),
        entries: &entries,
    });
    let pipeline = ctx.compute_pipeline(stage, &layout)?;

    let params = params.map(|bytes| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(stage),
            contents: bytes,
            usage: wgpu::BufferUsages::UNIFORM,
        })
    });
    let inputs = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(stage),
        contents: input,
        usage: wgpu::BufferUsages::STORAGE,
    });
    let size = items as u64 * output_stride;
    let outputs = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(stage),
        size,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let mut bindings = Vec::new();
    if let Some(params) = &params {
        bindings.push(wgpu::BindGroupEntry { binding: 0, resource: params.as_entire_binding() });
    }
    bindings.push(wgpu::BindGroupEntry { binding: first, resource: inputs.as_entire_binding() });
    bindings
        .push(wgpu::BindGroupEntry { binding: first + 1, resource: outputs.as_entire_binding() });
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(stage),
        layout: &layout,
        entries: &bindings,
    });

    let mut encoder =
        device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(stage) });
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(stage),
            timestamp_writes: None,
        });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups((items as u32).div_ceil(WORKGROUP_SIZE), 1, 1);
    }
    ctx.queue.submit([encoder.finish()]);

    if let Some(e) = pollster::block_on(validation_scope.pop()) {
        return Err(GpuError::Device(e.to_string()));
    }
    if let Some(e) = pollster::block_on(oom_scope.pop()) {
        return Err(GpuError::Device(e.to_string()));
    }
    super::buffers::read_back(ctx, &outputs, 0, size)
}

/// The little-endian words of `bytes`.
fn words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// Computes `Rng::words(step, id, stream)` for every item on the GPU, with `key` the seed's
/// four words ([`crate::rng::Rng::key`]). Items are `(step, id, stream)`; the result has one
/// entry per item, in order.
pub fn rng_words_gpu(
    ctx: &GpuContext,
    key: [u32; 4],
    items: &[(u32, u64, u32)],
) -> Result<Vec<[u32; 4]>, GpuError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let input = to_bytes(
        items.iter().flat_map(|&(step, id, stream)| [step, id as u32, (id >> 32) as u32, stream]),
    );
    let bytes = run_table(ctx, "rng_golden", Some(&to_bytes(key)), &input, items.len(), 16)?;
    let w: Vec<u32> = words(&bytes).collect();
    Ok(w.chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]]).collect())
}

/// The shader's fast math at every input `(x, y)`: `[fast_exp(x), fast_exp_m1(x),
/// fast_sigmoid(x), fast_ln(x), fast_pow(x, y)]`, the twins of [`crate::fastmath`]'s `exp`,
/// `exp_m1`, `sigmoid`, `ln` and `pow`.
pub fn fastmath_gpu(ctx: &GpuContext, inputs: &[(f32, f32)]) -> Result<Vec<[f32; 5]>, GpuError> {
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let input = to_bytes(inputs.iter().flat_map(|&(x, y)| [x.to_bits(), y.to_bits()]));
    let bytes = run_table(ctx, "fastmath_golden", None, &input, inputs.len(), 32)?;
    let w: Vec<f32> = words(&bytes).map(f32::from_bits).collect();
    Ok(w.chunks_exact(8).map(|c| [c[0], c[1], c[2], c[3], c[4]]).collect())
}
