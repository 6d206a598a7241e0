//! Births on the GPU (`shaders/emit.wgsl`; CPU twin `core/src/cpu/emit.rs` and the append in
//! `core/src/world.rs`).

use super::{Slot, StagePipeline, max_groups};
use crate::gpu::buffers::dispatch_size;
use crate::gpu::context::{GpuContext, GpuError};

/// The buffers of the stage, in binding order.
pub struct Bindings<'a> {
    /// 0: `StepParams` (uniform).
    pub params: &'a wgpu::Buffer,
    /// 1: `SpeciesParams` per species.
    pub species: &'a wgpu::Buffer,
    /// 2: `Release` records.
    pub releases: &'a wgpu::Buffer,
    /// 3: births per item (old slots, then emission cells).
    pub counts: &'a wgpu::Buffer,
    /// 4: their exclusive prefix sums.
    pub offsets: &'a wgpu::Buffer,
    /// 5: `[live after compaction, births]`.
    pub totals: &'a wgpu::Buffer,
    /// 6: emission payload per cell.
    pub payloads: &'a wgpu::Buffer,
    /// 7: the population before compaction (parents).
    pub parents: &'a wgpu::Buffer,
    /// 8: the population after compaction (births go here).
    pub vesicles: &'a wgpu::Buffer,
    /// 9: counts, events, cascade slots.
    pub tallies: &'a wgpu::Buffer,
}

/// The stage's pipeline and layout.
#[derive(Debug)]
pub struct Emit {
    stage: StagePipeline,
}

impl Emit {
    /// Builds the pipeline.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        use Slot::*;
        Ok(Self {
            stage: StagePipeline::new(
                ctx,
                "emit",
                &[Uniform, Read, Read, Read, Read, Read, Read, Read, ReadWrite, ReadWrite],
            )?,
        })
    }

    /// Records the stage over `items` items (old slots + emission cells).
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
        self.stage.encode(
            ctx,
            encoder,
            &[
                b.params, b.species, b.releases, b.counts, b.offsets, b.totals, b.payloads,
                b.parents, b.vesicles, b.tallies,
            ],
            dispatch_size(items, max_groups(ctx)),
        );
    }
}
