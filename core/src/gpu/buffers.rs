//! Buffer helpers of the GPU engine: creation with the usages the stages need, 2-D dispatch
//! sizes, and blocking read-back.

use std::sync::mpsc;

use wgpu::util::DeviceExt;

use super::context::{GpuContext, GpuError};

/// Threads per workgroup of the population stages (`@workgroup_size(256)`).
pub const WORKGROUP: u32 = 256;

/// The usages of a storage buffer that is written by uploads and read back.
pub const STORAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::COPY_DST)
    .union(wgpu::BufferUsages::COPY_SRC);

/// A zeroed storage buffer of at least `size` bytes (rounded up to 16, never empty).
pub fn storage(ctx: &GpuContext, label: &str, size: u64) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: size.max(16).next_multiple_of(16),
        usage: STORAGE,
        mapped_at_creation: false,
    })
}

/// A storage buffer holding exactly `bytes` (a multiple of 4; at least one word).
pub fn storage_init(ctx: &GpuContext, label: &str, bytes: &[u8]) -> wgpu::Buffer {
    let contents: std::borrow::Cow<[u8]> =
        if bytes.is_empty() { vec![0u8; 4].into() } else { bytes.into() };
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: &contents,
        usage: STORAGE,
    })
}

/// A uniform buffer holding `bytes`, writable by uploads.
pub fn uniform_init(ctx: &GpuContext, label: &str, bytes: &[u8]) -> wgpu::Buffer {
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytes,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
    })
}

/// Workgroups `(x, y)` of a 2-D dispatch covering `items` threads, 256 per workgroup, with x at
/// most `max_x` (the device's per-dimension limit).
pub fn dispatch_size(items: u32, max_x: u32) -> (u32, u32) {
    let groups = items.div_ceil(WORKGROUP).max(1);
    let x = groups.min(max_x.max(1));
    (x, groups.div_ceil(x))
}

/// Reads `size` bytes of `buffer` from `offset`, waiting for the GPU. Errors from the device
/// (validation, lost device) become [`GpuError`]s.
pub fn read_back(
    ctx: &GpuContext,
    buffer: &wgpu::Buffer,
    offset: u64,
    size: u64,
) -> Result<Vec<u8>, GpuError> {
    read_back_many(ctx, &[(buffer, offset, size)]).map(|mut v| v.remove(0))
}

/// Reads several ranges `(buffer, offset, size)` in one submission.
pub fn read_back_many(
    ctx: &GpuContext,
    ranges: &[(&wgpu::Buffer, u64, u64)],
) -> Result<Vec<Vec<u8>>, GpuError> {
    let device = &ctx.device;
    let total: u64 = ranges.iter().map(|r| r.2.next_multiple_of(4)).sum();
    if total == 0 {
        return Ok(ranges.iter().map(|_| Vec::new()).collect());
    }
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("read back"),
        size: total,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder =
        device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read back") });
    let mut at = 0;
    for &(buffer, offset, size) in ranges {
        if size > 0 {
            encoder.copy_buffer_to_buffer(buffer, offset, &staging, at, size.next_multiple_of(4));
        }
        at += size.next_multiple_of(4);
    }
    ctx.queue.submit([encoder.finish()]);
    let (tx, rx) = mpsc::channel();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |result| {
        // The receiver outlives the poll below; a failed send only means it is gone.
        let _ = tx.send(result);
    });
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    rx.recv()
        .map_err(|e| GpuError::Readback(e.to_string()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    let out = {
        let view = staging.get_mapped_range(..).map_err(|e| GpuError::Readback(e.to_string()))?;
        let mut at = 0usize;
        ranges
            .iter()
            .map(|r| {
                let bytes = view[at..at + r.2 as usize].to_vec();
                at += r.2.next_multiple_of(4) as usize;
                bytes
            })
            .collect()
    };
    staging.unmap();
    Ok(out)
}

/// The words of a byte buffer.
pub fn words(bytes: &[u8]) -> Vec<u32> {
    bytemuck::pod_collect_to_vec(bytes)
}
