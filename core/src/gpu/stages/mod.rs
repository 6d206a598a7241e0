//! The compute stages, one file per WGSL stage (same stem, same binding order as the shader
//! and its CPU twin in `crate::cpu`): each holds its pipeline and bind-group layout and encodes
//! its dispatches from a `…Bindings` struct of buffers in binding order. The fields, density
//! and apply stages also have a `run_once` that runs them from CPU arrays (for the parity
//! tests); `buffers` and `params` pack their inputs.

pub mod accumulate;
pub mod apply;
pub mod buffers;
pub mod compact;
pub mod decay_dock_hop;
pub mod density;
pub mod emit;
pub mod kernel;
pub mod params;
pub mod scan;

use super::context::{GpuContext, GpuError, buffer_entry};

/// The kind of one binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `var<uniform>`.
    Uniform,
    /// `var<storage, read>`.
    Read,
    /// `var<storage, read_write>`.
    ReadWrite,
}

/// A bind-group layout with one entry per slot, bindings 0, 1, …, or
/// [`GpuError::Limit`] naming the stage and the limit when the device allows fewer storage
/// buffers per shader stage than the stage binds (OpenGL drivers often allow 16).
pub fn layout(
    ctx: &GpuContext,
    label: &str,
    slots: &[Slot],
) -> Result<wgpu::BindGroupLayout, GpuError> {
    let storage = slots.iter().filter(|s| **s != Slot::Uniform).count() as u32;
    let allowed = ctx.device.limits().max_storage_buffers_per_shader_stage;
    if storage > allowed {
        return Err(GpuError::Limit(format!(
            "the `{label}` stage binds {storage} storage buffers; this device ({}) allows \
             {allowed} per shader stage (max_storage_buffers_per_shader_stage): use the CPU \
             engine",
            ctx.adapter_name()
        )));
    }
    let entries: Vec<_> = slots
        .iter()
        .enumerate()
        .map(|(b, s)| {
            let ty = match s {
                Slot::Uniform => wgpu::BufferBindingType::Uniform,
                Slot::Read => wgpu::BufferBindingType::Storage { read_only: true },
                Slot::ReadWrite => wgpu::BufferBindingType::Storage { read_only: false },
            };
            buffer_entry(b as u32, ty)
        })
        .collect();
    Ok(ctx.device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(label),
        entries: &entries,
    }))
}

/// A single-pass stage's compiled form: the pipeline of its entry point `main` and the
/// bind-group layout of its slots. Every stage with one entry point holds one.
#[derive(Debug)]
pub struct StagePipeline {
    name: &'static str,
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

impl StagePipeline {
    /// Builds the layout of `slots` and the pipeline of stage `name` (its WGSL file's stem).
    pub fn new(ctx: &GpuContext, name: &'static str, slots: &[Slot]) -> Result<Self, GpuError> {
        let layout = layout(ctx, name, slots)?;
        let pipeline = buffers::pipeline(ctx, name, "main", &layout)?;
        Ok(Self { name, pipeline, layout })
    }

    /// Records one dispatch of `groups` workgroups over `buffers` (in binding order).
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        buffers: &[&wgpu::Buffer],
        groups: (u32, u32),
    ) {
        let group = bind(ctx, self.name, &self.layout, buffers);
        dispatch(encoder, self.name, &self.pipeline, &group, groups);
    }
}

/// A bind group of whole buffers, bindings 0, 1, … in order.
pub fn bind(
    ctx: &GpuContext,
    label: &str,
    layout: &wgpu::BindGroupLayout,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<_> = buffers
        .iter()
        .enumerate()
        .map(|(b, buf)| wgpu::BindGroupEntry {
            binding: b as u32,
            resource: buf.as_entire_binding(),
        })
        .collect();
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout,
        entries: &entries,
    })
}

/// Records one dispatch of `groups` workgroups.
pub fn dispatch(
    encoder: &mut wgpu::CommandEncoder,
    label: &str,
    pipeline: &wgpu::ComputePipeline,
    group: &wgpu::BindGroup,
    groups: (u32, u32),
) {
    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
        label: Some(label),
        timestamp_writes: None,
    });
    pass.set_pipeline(pipeline);
    pass.set_bind_group(0, group, &[]);
    pass.dispatch_workgroups(groups.0, groups.1, 1);
}

/// The device's per-dimension workgroup limit.
pub(crate) fn max_groups(ctx: &GpuContext) -> u32 {
    ctx.device.limits().max_compute_workgroups_per_dimension
}
