//! Plumbing shared by the fields, density and apply stages: pipelines for a named entry point
//! inside error scopes, buffers from CPU arrays and back, and
//! error scopes that turn wgpu's validation errors into [`GpuError`]s.

use wgpu::util::DeviceExt;

use crate::gpu::{GpuContext, GpuError};

/// Threads per workgroup of the stages (`@workgroup_size(64)`).
pub const WORKGROUP_SIZE: u32 = 64;

/// A compute pipeline for entry point `entry` of stage `stage` with one bind group.
pub fn pipeline(
    ctx: &GpuContext,
    stage: &str,
    entry: &str,
    layout: &wgpu::BindGroupLayout,
) -> Result<wgpu::ComputePipeline, GpuError> {
    scoped(ctx, || ctx.compute_pipeline_entry(stage, entry, layout))?
}

/// Runs `f` inside out-of-memory and validation error scopes: the first error wgpu reports
/// becomes a [`GpuError::Device`].
pub fn scoped<T>(ctx: &GpuContext, f: impl FnOnce() -> T) -> Result<T, GpuError> {
    let oom = ctx.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    let validation = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let out = f();
    if let Some(e) = pollster::block_on(validation.pop()) {
        return Err(GpuError::Device(e.to_string()));
    }
    if let Some(e) = pollster::block_on(oom.pop()) {
        return Err(GpuError::Device(e.to_string()));
    }
    Ok(out)
}

/// Workgroups covering `items` threads along one dimension, or an error past the device's
/// dispatch limit.
pub fn workgroups(ctx: &GpuContext, items: usize) -> Result<u32, GpuError> {
    let max_groups = ctx.device.limits().max_compute_workgroups_per_dimension as usize;
    let max_items = max_groups * WORKGROUP_SIZE as usize;
    if items > max_items {
        return Err(GpuError::TooManyItems(items, max_items));
    }
    Ok((items as u32).div_ceil(WORKGROUP_SIZE))
}

/// A storage buffer holding `bytes` (at least 16 bytes: a binding may not be empty), which can
/// be copied from and written to.
pub fn storage(ctx: &GpuContext, label: &str, bytes: &[u8]) -> wgpu::Buffer {
    let mut contents = bytes.to_vec();
    contents.resize(bytes.len().max(16), 0);
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: &contents,
        usage: wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_SRC
            | wgpu::BufferUsages::COPY_DST,
    })
}

/// A zeroed storage buffer of `len` bytes (at least 16).
pub fn zeroed(ctx: &GpuContext, label: &str, len: usize) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: len.max(16) as wgpu::BufferAddress,
        usage: wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_SRC
            | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// A uniform buffer holding `bytes`, which can be rewritten.
pub fn uniform(ctx: &GpuContext, label: &str, bytes: &[u8]) -> wgpu::Buffer {
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytes,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
    })
}

/// The first `len` bytes of each buffer, read back after the queue's work so far.
pub fn read(
    ctx: &GpuContext,
    buffers: &[(&wgpu::Buffer, usize)],
) -> Result<Vec<Vec<u8>>, GpuError> {
    let ranges: Vec<(&wgpu::Buffer, u64, u64)> =
        buffers.iter().map(|&(b, len)| (b, 0, len as u64)).collect();
    crate::gpu::buffers::read_back_many(ctx, &ranges)
}

/// Little-endian bytes of 32-bit words (the GPU's layout).
pub fn u32_bytes(words: impl IntoIterator<Item = u32>) -> Vec<u8> {
    words.into_iter().flat_map(u32::to_le_bytes).collect()
}

/// Little-endian bytes of floats.
pub fn f32_bytes(xs: impl IntoIterator<Item = f32>) -> Vec<u8> {
    xs.into_iter().flat_map(f32::to_le_bytes).collect()
}

/// Little-endian bytes of `vec4<f32>`s.
pub fn vec4_bytes(xs: &[[f32; 4]]) -> Vec<u8> {
    f32_bytes(xs.iter().flatten().copied())
}

/// Floats from little-endian bytes.
pub fn to_f32(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// Words from little-endian bytes.
pub fn to_u32(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// `vec4<f32>`s from little-endian bytes.
pub fn to_vec4(bytes: &[u8]) -> Vec<[f32; 4]> {
    to_f32(bytes).chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]]).collect()
}
