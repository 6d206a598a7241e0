//! The vesicle stage on the GPU (`shaders/decay_dock_hop.wgsl`; CPU twin
//! `core/src/cpu/decay_dock_hop.rs`).

use super::{Slot, StagePipeline, max_groups};
use crate::gpu::buffers::dispatch_size;
use crate::gpu::context::{GpuContext, GpuError};

/// The buffers of the stage, in binding order (see the top of the WGSL file).
pub struct Bindings<'a> {
    /// 0: `StepParams` (uniform).
    pub params: &'a wgpu::Buffer,
    /// 1: `SpeciesParams` per species.
    pub species: &'a wgpu::Buffer,
    /// 2: `Release` records.
    pub releases: &'a wgpu::Buffer,
    /// 3: graph arrays and cascade tables (u32).
    pub constants: &'a wgpu::Buffer,
    /// 4: `MoveCdf` per species and move.
    pub kernel_cdf: &'a wgpu::Buffer,
    /// 5: receptor per node.
    pub receptors: &'a wgpu::Buffer,
    /// 6: activity per node.
    pub activity: &'a wgpu::Buffer,
    /// 7: the population (in place).
    pub vesicles: &'a wgpu::Buffer,
    /// 8: fixed-point release sums.
    pub acc: &'a wgpu::Buffer,
    /// 9: counts, docks, edge hops, events, cascade slots.
    pub tallies: &'a wgpu::Buffer,
    /// 10: live flag per slot (out).
    pub live: &'a wgpu::Buffer,
    /// 11: cascade children per slot (out).
    pub births: &'a wgpu::Buffer,
}

/// The stage's pipeline and layout.
#[derive(Debug)]
pub struct DecayDockHop {
    stage: StagePipeline,
}

impl DecayDockHop {
    /// Builds the pipeline.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        use Slot::*;
        Ok(Self {
            stage: StagePipeline::new(
                ctx,
                "decay_dock_hop",
                &[
                    Uniform, Read, Read, Read, Read, Read, Read, ReadWrite, ReadWrite, ReadWrite,
                    ReadWrite, ReadWrite,
                ],
            )?,
        })
    }

    /// Records the stage over `slots` slots.
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
        let groups = dispatch_size(slots, max_groups(ctx));
        self.stage.encode(
            ctx,
            encoder,
            &[
                b.params,
                b.species,
                b.releases,
                b.constants,
                b.kernel_cdf,
                b.receptors,
                b.activity,
                b.vesicles,
                b.acc,
                b.tallies,
                b.live,
                b.births,
            ],
            groups,
        );
    }
}
