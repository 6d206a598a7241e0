//! The particle engine's kernels on the device: the fields stage (`shaders/kernel.wgsl`, CPU
//! twin `crate::cpu::kernel`) writes every species' migration kernel and its running sums
//! straight into the buffer `decay_dock_hop` samples moves from.
//!
//! Before each recording the host's inputs of the kernel are uploaded (O(nodes + edges)): the
//! effective weights w + Δw, the pathway traces (updated on the CPU by
//! [`World::finish_step`]), the signals and the free counts of the last step as the density
//! (the device holds them as integers in its tallies, the kernel reads f32). The unit
//! receptors are the backend's own buffer. The stage's docking and emission outputs are not
//! used here (the CPU draws the emission counts): their inputs (C, gains, meta, sources) stay
//! zero, so no emission is computed. As on the CPU (`World::prepare_step`), a static kernel
//! (`CompiledSpecies::kernel_is_static`) is computed once: when every species' kernel is
//! static the stage runs at the first step only.

use super::stages::buffers::{self, f32_bytes, storage, u32_bytes, zeroed};
use super::stages::kernel::{self, KernelBindings, KernelStage};
use super::stages::params;
use super::{GpuContext, GpuError};
use crate::World;

/// The fields stage and its buffers for one loaded particle world.
#[derive(Debug)]
pub(crate) struct ParticleKernel {
    stage: KernelStage,
    params: wgpu::Buffer,
    species: wgpu::Buffer,
    move_offsets: wgpu::Buffer,
    move_forward_len: wgpu::Buffer,
    move_target: wgpu::Buffer,
    move_edge: wgpu::Buffer,
    bias: wgpu::Buffer,
    weight: wgpu::Buffer,
    pathway: wgpu::Buffer,
    signals: wgpu::Buffer,
    density: wgpu::Buffer,
    /// Inputs of the unused docking and emission outputs (zero).
    unused_meta: wgpu::Buffer,
    unused_gain: wgpu::Buffer,
    unused_source: wgpu::Buffer,
    unused_mass: wgpu::Buffer,
    /// P per species and move (0 off the allowed moves).
    kernel: wgpu::Buffer,
    /// The unused docking and emission outputs.
    unused_dock: wgpu::Buffer,
    unused_births: wgpu::Buffer,
    unused_payload: wgpu::Buffer,
    /// Whether the device's kernels are current and stay so (every species' kernel is static
    /// and was computed).
    fresh: bool,
    all_static: bool,
    n: usize,
    species_count: usize,
    moves: usize,
}

impl ParticleKernel {
    /// Compiles the stage and uploads the world's constant inputs (graph, species, biases).
    pub(crate) fn new(ctx: &GpuContext, world: &World) -> Result<Self, GpuError> {
        let g = &world.graph;
        let (n, ns, m, moves) = (g.n(), world.species.len(), g.m(), g.moves());
        let (species_bytes, _) = params::species_bytes(&world.species);
        Ok(Self {
            stage: KernelStage::new(ctx)?,
            params: buffers::uniform(
                ctx,
                "kernel params",
                &kernel::params_bytes(n, ns, moves, world.preset.dt),
            ),
            species: storage(ctx, "kernel species", &species_bytes),
            move_offsets: storage(ctx, "move_offsets", &u32_bytes(g.move_offsets.clone())),
            move_forward_len: storage(
                ctx,
                "move_forward_len",
                &u32_bytes(g.move_forward_len.clone()),
            ),
            move_target: storage(ctx, "move_target", &u32_bytes(g.move_target.clone())),
            move_edge: storage(ctx, "move_edge", &u32_bytes(g.move_edge.clone())),
            bias: storage(ctx, "bias", &params::bias_bytes(&world.species)),
            weight: zeroed(ctx, "effective weight", m * 4),
            pathway: zeroed(ctx, "pathway", m * 4),
            signals: zeroed(ctx, "signals", n * 16),
            density: zeroed(ctx, "kernel density", ns * n * 4),
            unused_meta: zeroed(ctx, "meta (unused)", 4),
            unused_gain: zeroed(ctx, "emission gain (unused)", ns * n * 4),
            unused_source: zeroed(ctx, "source (unused)", ns * n * 4),
            unused_mass: zeroed(ctx, "mass (unused)", ns * n * 16),
            kernel: zeroed(ctx, "kernel", ns * moves * 4),
            unused_dock: zeroed(ctx, "dock (unused)", ns * n * 4),
            unused_births: zeroed(ctx, "births (unused)", ns * n * 4),
            unused_payload: zeroed(ctx, "birth payload (unused)", ns * n * 16),
            fresh: false,
            all_static: world.species.iter().all(|s| s.kernel_is_static()),
            n,
            species_count: ns,
            moves,
        })
    }

    /// Uploads the step's inputs from `world` (after [`World::prepare_host`]) and records the
    /// stage into `encoder`, writing the running sums into `cdf` (`GpuMoveCdf` per species
    /// and move); does nothing while the kernels are fresh. Returns whether it recorded.
    pub(crate) fn record(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        world: &World,
        receptors: &wgpu::Buffer,
        cdf: &wgpu::Buffer,
    ) -> Result<bool, GpuError> {
        if self.fresh {
            return Ok(false);
        }
        let q = &ctx.queue;
        q.write_buffer(&self.weight, 0, &f32_bytes(world.effective_weight().iter().copied()));
        q.write_buffer(&self.pathway, 0, &f32_bytes(world.pathway.iter().copied()));
        q.write_buffer(&self.signals, 0, &params::signal_bytes(&world.signals, &world.brush));
        q.write_buffer(&self.density, 0, &f32_bytes(world.counts.iter().copied()));
        self.stage.encode(
            ctx,
            encoder,
            &KernelBindings {
                params: &self.params,
                species: &self.species,
                move_offsets: &self.move_offsets,
                move_forward_len: &self.move_forward_len,
                move_target: &self.move_target,
                move_edge: &self.move_edge,
                bias: &self.bias,
                weight: &self.weight,
                pathway: &self.pathway,
                signals: &self.signals,
                meta: &self.unused_meta,
                emission_gain: &self.unused_gain,
                source: &self.unused_source,
                receptors,
                rho: &self.density,
                mass: &self.unused_mass,
                kernel: &self.kernel,
                cdf,
                dock: &self.unused_dock,
                births: &self.unused_births,
                birth_payload: &self.unused_payload,
                n: self.n,
                species_count: self.species_count,
            },
        )?;
        self.fresh = self.all_static;
        Ok(true)
    }

    /// The kernel probabilities P `[κ · moves + mv]` and their length in bytes.
    pub(crate) fn probabilities(&self) -> (&wgpu::Buffer, u64) {
        (&self.kernel, (self.species_count * self.moves * 4) as u64)
    }

    /// Writes read-back probabilities (`words`, f32 bits) into the world's `kernel`.
    pub(crate) fn store_probabilities(&self, words: &[u32], world: &mut World) {
        for (k, row) in world.kernel.iter_mut().enumerate() {
            let src = &words[k * self.moves..(k + 1) * self.moves];
            for (p, &w) in row.iter_mut().zip(src) {
                *p = f32::from_bits(w);
            }
        }
    }
}
