//! Exclusive prefix sums on the GPU (`shaders/scan.wgsl`; CPU twin `core/src/cpu/scan.rs`):
//! three dispatches, block sums, one workgroup over the block sums, then every item.

use super::{Slot, bind, dispatch, layout, max_groups};
use crate::gpu::buffers;
use crate::gpu::context::{GpuContext, GpuError};
use crate::gpu::layout::GpuScanParams;

/// Items per block (256 threads × 4).
pub const BLOCK: u32 = 1024;

/// The buffers of the stage, in binding order.
pub struct Bindings<'a> {
    /// 0: `ScanParams` (uniform).
    pub params: &'a wgpu::Buffer,
    /// 1: the items.
    pub input: &'a wgpu::Buffer,
    /// 2: their exclusive prefix sums.
    pub output: &'a wgpu::Buffer,
    /// 3: one word per block (scratch, see [`Scan::scratch`]).
    pub block_sums: &'a wgpu::Buffer,
    /// 4: totals; the total goes to the word the params name.
    pub totals: &'a wgpu::Buffer,
}

/// The three pipelines and their layout.
#[derive(Debug)]
pub struct Scan {
    reduce: wgpu::ComputePipeline,
    scan_blocks: wgpu::ComputePipeline,
    downsweep: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

impl Scan {
    /// Builds the pipelines.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        use Slot::*;
        let layout = layout(ctx, "scan", &[Uniform, Read, ReadWrite, ReadWrite, ReadWrite])?;
        Ok(Self {
            reduce: ctx.compute_pipeline_entry("scan", "reduce", &layout)?,
            scan_blocks: ctx.compute_pipeline_entry("scan", "scan_blocks", &layout)?,
            downsweep: ctx.compute_pipeline_entry("scan", "downsweep", &layout)?,
            layout,
        })
    }

    /// A scratch buffer for scans of up to `items` items.
    pub fn scratch(ctx: &GpuContext, items: u32) -> wgpu::Buffer {
        buffers::storage(ctx, "scan blocks", 4 * items.div_ceil(BLOCK).max(1) as u64)
    }

    /// The parameters of a scan of `items` items with its total written to `totals[total_at]`.
    pub fn params(ctx: &GpuContext, items: u32, total_at: u32) -> GpuScanParams {
        let blocks = items.div_ceil(BLOCK).max(1);
        let x = blocks.min(max_groups(ctx));
        GpuScanParams { len: items, total_at, blocks, groups_x: x }
    }

    /// A uniform buffer holding [`Scan::params`].
    pub fn params_buffer(&self, ctx: &GpuContext, items: u32, total_at: u32) -> wgpu::Buffer {
        buffers::uniform_init(ctx, "scan", bytemuck::bytes_of(&Self::params(ctx, items, total_at)))
    }

    /// Records the scan of `items` items (`params` must hold [`Scan::params`] for them).
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        b: &Bindings,
        items: u32,
    ) {
        let group =
            bind(ctx, "scan", &self.layout, &[b.params, b.input, b.output, b.block_sums, b.totals]);
        let p = Self::params(ctx, items, 0);
        let groups = (p.groups_x, p.blocks.div_ceil(p.groups_x));
        dispatch(encoder, "scan reduce", &self.reduce, &group, groups);
        dispatch(encoder, "scan blocks", &self.scan_blocks, &group, (1, 1));
        dispatch(encoder, "scan downsweep", &self.downsweep, &group, groups);
    }

    /// Test helper: the exclusive prefix sum of `input` and its total, on the GPU.
    pub fn run_once(ctx: &GpuContext, input: &[u32]) -> Result<(Vec<u32>, u32), GpuError> {
        let n = input.len() as u32;
        let scan = Self::new(ctx)?;
        let input_buf = buffers::storage_init(ctx, "scan input", bytemuck::cast_slice(input));
        let output = buffers::storage(ctx, "scan output", 4 * n as u64);
        let totals = buffers::storage(ctx, "totals", 16);
        let scratch = Self::scratch(ctx, n);
        let params = scan.params_buffer(ctx, n, 1);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        scan.encode(
            ctx,
            &mut encoder,
            &Bindings {
                params: &params,
                input: &input_buf,
                output: &output,
                block_sums: &scratch,
                totals: &totals,
            },
            n,
        );
        ctx.queue.submit([encoder.finish()]);
        let out = buffers::read_back_many(ctx, &[(&output, 0, 4 * n as u64), (&totals, 0, 8)])?;
        Ok((buffers::words(&out[0]), buffers::words(&out[1])[1]))
    }
}
