//! Stable compaction on the GPU (`shaders/compact.wgsl`; CPU twin `core/src/cpu/compact.rs`).

use super::{Slot, StagePipeline, max_groups};
use crate::gpu::buffers::{self, dispatch_size};
use crate::gpu::context::{GpuContext, GpuError};
use crate::gpu::layout::{GpuCompactParams, GpuVesicle};

/// The buffers of the stage, in binding order.
pub struct Bindings<'a> {
    /// 0: `CompactParams` (uniform).
    pub params: &'a wgpu::Buffer,
    /// 1: live flag per slot.
    pub live: &'a wgpu::Buffer,
    /// 2: exclusive prefix sum of the flags.
    pub position: &'a wgpu::Buffer,
    /// 3: the population before.
    pub from: &'a wgpu::Buffer,
    /// 4: the population after.
    pub to: &'a wgpu::Buffer,
}

/// The stage's pipeline and layout.
#[derive(Debug)]
pub struct Compact {
    stage: StagePipeline,
}

impl Compact {
    /// Builds the pipeline.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        use Slot::*;
        Ok(Self {
            stage: StagePipeline::new(ctx, "compact", &[Uniform, Read, Read, Read, ReadWrite])?,
        })
    }

    /// The parameters for `slots` slots.
    pub fn params(ctx: &GpuContext, slots: u32) -> GpuCompactParams {
        let (x, _) = dispatch_size(slots, max_groups(ctx));
        GpuCompactParams { len: slots, groups_x: x }
    }

    /// Records the stage over `slots` slots (`params` must hold [`Compact::params`]).
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        b: &Bindings,
        slots: u32,
    ) {
        if slots == 0 {
            return;
        }
        self.stage.encode(
            ctx,
            encoder,
            &[b.params, b.live, b.position, b.from, b.to],
            dispatch_size(slots, max_groups(ctx)),
        );
    }

    /// Test helper: compacts `pool` by `live` on the GPU (scan, then scatter) and returns the
    /// live vesicles in order.
    pub fn run_once(
        ctx: &GpuContext,
        pool: &[GpuVesicle],
        live: &[bool],
    ) -> Result<Vec<GpuVesicle>, GpuError> {
        let flags: Vec<u32> = live.iter().map(|&l| l as u32).collect();
        let n = flags.len() as u32;
        let live_buf = buffers::storage_init(ctx, "live", bytemuck::cast_slice(&flags));
        let position = buffers::storage(ctx, "position", 4 * n as u64);
        let totals = buffers::storage(ctx, "totals", 16);
        let from = buffers::storage_init(ctx, "from", bytemuck::cast_slice(pool));
        let to = buffers::storage(ctx, "to", size_of_val(pool) as u64);
        let scan = super::scan::Scan::new(ctx)?;
        let compact = Self::new(ctx)?;
        let params =
            buffers::uniform_init(ctx, "compact", bytemuck::bytes_of(&Self::params(ctx, n)));
        let scratch = super::scan::Scan::scratch(ctx, n);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        let scan_params = scan.params_buffer(ctx, n, 0);
        scan.encode(
            ctx,
            &mut encoder,
            &super::scan::Bindings {
                params: &scan_params,
                input: &live_buf,
                output: &position,
                block_sums: &scratch,
                totals: &totals,
            },
            n,
        );
        compact.encode(
            ctx,
            &mut encoder,
            &Bindings {
                params: &params,
                live: &live_buf,
                position: &position,
                from: &from,
                to: &to,
            },
            n,
        );
        ctx.queue.submit([encoder.finish()]);
        let out =
            buffers::read_back_many(ctx, &[(&totals, 0, 4), (&to, 0, size_of_val(pool) as u64)])?;
        let count = buffers::words(&out[0])[0] as usize;
        let all: Vec<GpuVesicle> = bytemuck::pod_collect_to_vec(&out[1]);
        Ok(all[..count].to_vec())
    }
}
