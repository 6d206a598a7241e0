//! Fixed-point release sums on the GPU (`shaders/accumulate.wgsl`; CPU twin
//! `core/src/cpu/accumulate.rs`).

use super::{Slot, StagePipeline, max_groups};
use crate::gpu::buffers::{self, dispatch_size};
use crate::gpu::context::{GpuContext, GpuError};

/// The buffers of the stage, in binding order.
pub struct Bindings<'a> {
    /// 0: `(index, amount bits)` per release.
    pub items: &'a wgpu::Buffer,
    /// 1: two words (low, high) per value.
    pub acc: &'a wgpu::Buffer,
}

/// The stage's pipeline and layout.
#[derive(Debug)]
pub struct Accumulate {
    stage: StagePipeline,
}

impl Accumulate {
    /// Builds the pipeline.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        Ok(Self { stage: StagePipeline::new(ctx, "accumulate", &[Slot::Read, Slot::ReadWrite])? })
    }

    /// Records the stage over `items` releases.
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        b: &Bindings,
        items: u32,
    ) {
        if items == 0 {
            return;
        }
        self.stage.encode(ctx, encoder, &[b.items, b.acc], dispatch_size(items, max_groups(ctx)));
    }

    /// Test helper: sums `(index, amount)` into `values` fixed-point values on the GPU and
    /// returns them as i64 (units of 2^−24).
    pub fn run_once(
        ctx: &GpuContext,
        values: usize,
        items: &[(u32, f32)],
    ) -> Result<Vec<i64>, GpuError> {
        let stage = Self::new(ctx)?;
        let words: Vec<u32> = items.iter().flat_map(|&(i, x)| [i, x.to_bits()]).collect();
        let items_buf = buffers::storage_init(ctx, "items", bytemuck::cast_slice(&words));
        let acc = buffers::storage(ctx, "acc", 8 * values as u64);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        stage.encode(
            ctx,
            &mut encoder,
            &Bindings { items: &items_buf, acc: &acc },
            items.len() as u32,
        );
        ctx.queue.submit([encoder.finish()]);
        let out = buffers::read_back(ctx, &acc, 0, 8 * values as u64)?;
        Ok(buffers::words(&out)
            .chunks_exact(2)
            .map(|w| crate::gpu::layout::join([w[0], w[1]]) as i64)
            .collect())
    }
}
