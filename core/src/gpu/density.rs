//! The GPU density runner: a density-mode [`World`] advanced on the GPU.
//!
//! [`GpuDensity::new`] uploads the world's density state (ρ, C), modulation, pathway traces,
//! graph and species. Each step of [`GpuDensity::advance`] runs the host on the CPU
//! (`World::host_phase`: MODEL §3 stage 1), uploads what it produced (effective weights,
//! signals, brush, meta: O(nodes + edges)), records the fields stage (`kernel.wgsl`), the
//! density step (`density.wgsl`) and the apply stage (`apply.wgsl`) in one submission, and
//! reads the modulation back into the world, which the host reads at the next step.
//! [`GpuDensity::download`] writes ρ, C and the pathway traces back into the world.
//!
//! After each step one read-back (O(nodes + moves)) brings ρ and the step's per-node
//! quantities, so the world's per-step observables are current as on the CPU: `counts` (ρ),
//! `docks`, `edge_hops` (the expected flux), `releases` (the device's 2^-24 fixed-point sums),
//! `kernel`, `pathway`, and the expected events (`last`, `totals`), which the CPU sums in f64 from the
//! read-back arrays in the CPU step's own order ([`crate::density::events`]).

use super::stages::apply::{self, ApplyBindings, ApplyStage, ModulationBuffers};
use super::stages::buffers::{self, f32_bytes, storage, vec4_bytes, zeroed};
use super::stages::density::{self, DensityBindings, DensityScratch, DensityStage, GraphBuffers};
use super::stages::kernel::{self, KernelBindings, KernelStage};
use super::stages::params;
use super::{GpuContext, GpuError};
use crate::cpu::accumulate::SCALE;
use crate::cpu::apply::ApplyParams;
use crate::world::{Population, World};

/// A density world's state on the GPU and the stages that advance it.
#[derive(Debug)]
pub struct GpuDensity {
    kernel: KernelStage,
    density: DensityStage,
    apply: ApplyStage,
    graph: GraphBuffers,
    scratch: DensityScratch,
    modulation: ModulationBuffers,
    kernel_params: wgpu::Buffer,
    density_params: wgpu::Buffer,
    apply_params: wgpu::Buffer,
    species: wgpu::Buffer,
    release_ops: wgpu::Buffer,
    bias: wgpu::Buffer,
    source: wgpu::Buffer,
    receptors: wgpu::Buffer,
    weight: wgpu::Buffer,
    pathway: wgpu::Buffer,
    signals: wgpu::Buffer,
    activity: wgpu::Buffer,
    meta: wgpu::Buffer,
    rho: wgpu::Buffer,
    mass: wgpu::Buffer,
    kernel_out: wgpu::Buffer,
    cdf: wgpu::Buffer,
    dock: wgpu::Buffer,
    births: wgpu::Buffer,
    birth_payload: wgpu::Buffer,
    /// ρ as of the last step (or the upload), on the CPU: the died events sum it.
    rho_before: Vec<f32>,
    n: usize,
    species_count: usize,
    moves: usize,
    edges: usize,
}

/// The world's density state, or an error naming the mode it needs.
fn density_of(world: &World) -> Result<&crate::density::DensityState, GpuError> {
    world.density().ok_or_else(|| {
        GpuError::Device(
            "the GPU density runner needs a world in density mode (Mode::Density); this one \
             runs particles"
                .to_owned(),
        )
    })
}

impl GpuDensity {
    /// Compiles the stages and uploads `world` (which must run in density mode).
    pub fn new(ctx: &GpuContext, world: &World) -> Result<Self, GpuError> {
        let state = density_of(world)?;
        let g = &world.graph;
        let (n, ns, m, moves) = (g.n(), world.species.len(), g.m(), g.moves());
        let dt = world.preset.dt;
        let (species_bytes, op_bytes) = params::species_bytes(&world.species);
        let apply_params = ApplyParams::new(&world.preset.modulation, world.preset.pathway.tau, dt);
        buffers::scoped(ctx, || {
            Ok(Self {
                kernel: KernelStage::new(ctx)?,
                density: DensityStage::new(ctx)?,
                apply: ApplyStage::new(ctx)?,
                graph: GraphBuffers::new(ctx, g),
                scratch: DensityScratch::new(ctx, n, ns, m),
                modulation: ModulationBuffers::new(ctx, &world.modulation),
                kernel_params: buffers::uniform(
                    ctx,
                    "kernel params",
                    &kernel::params_bytes(n, ns, moves, dt),
                ),
                density_params: buffers::uniform(
                    ctx,
                    "density params",
                    &density::params_bytes(n, ns, m, moves),
                ),
                apply_params: buffers::uniform(
                    ctx,
                    "apply params",
                    &apply::params_bytes(n, ns, &apply_params),
                ),
                species: storage(ctx, "species", &species_bytes),
                release_ops: storage(ctx, "release_ops", &op_bytes),
                bias: storage(ctx, "bias", &params::bias_bytes(&world.species)),
                source: storage(ctx, "source", &params::source_bytes(&world.species, n)),
                receptors: storage(ctx, "receptors", &vec4_bytes(&world.receptors)),
                weight: zeroed(ctx, "weight", m * 4),
                pathway: storage(ctx, "pathway", &f32_bytes(world.pathway.iter().copied())),
                signals: zeroed(ctx, "signals", n * 16),
                activity: zeroed(ctx, "activity", n * 4),
                meta: zeroed(ctx, "meta", world.meta.len() * 4),
                rho: storage(ctx, "rho", &f32_bytes(state.rho.iter().copied())),
                mass: storage(ctx, "mass", &vec4_bytes(&state.mass)),
                kernel_out: zeroed(ctx, "kernel", ns * moves * 4),
                cdf: zeroed(ctx, "cdf", ns * moves * 8),
                dock: zeroed(ctx, "dock", ns * n * 4),
                births: zeroed(ctx, "births", ns * n * 4),
                birth_payload: zeroed(ctx, "birth_payload", ns * n * 16),
                rho_before: state.rho.clone(),
                n,
                species_count: ns,
                moves,
                edges: m,
            })
        })?
    }

    /// Advances `world` by `steps` steps: the host on the CPU, the rest on the GPU. The
    /// world's modulation and observables are read back after every step (the host reads
    /// the modulation); ρ and C stay on the GPU until [`GpuDensity::download`] (`counts` holds
    /// ρ).
    pub fn advance(
        &mut self,
        ctx: &GpuContext,
        world: &mut World,
        steps: u64,
    ) -> Result<(), GpuError> {
        density_of(world)?;
        for _ in 0..steps {
            if world.nonfinite.is_some() {
                break;
            }
            world.host_phase();
            let effective =
                world.weight.iter().zip(&world.modulation.weight_delta).map(|(w, d)| w + d);
            ctx.queue.write_buffer(&self.weight, 0, &f32_bytes(effective));
            ctx.queue.write_buffer(
                &self.signals,
                0,
                &params::signal_bytes(&world.signals, &world.brush),
            );
            ctx.queue.write_buffer(
                &self.activity,
                0,
                &f32_bytes(world.signals.activity.iter().copied()),
            );
            if !world.meta.is_empty() {
                ctx.queue.write_buffer(&self.meta, 0, &f32_bytes(world.meta.iter().copied()));
            }
            buffers::scoped(ctx, || self.record_step(ctx))??;
            self.modulation.read_into(ctx, &mut world.modulation)?;
            self.read_observables(ctx, world)?;
        }
        Ok(())
    }

    /// Reads the step's ρ, births, dockings, cascade births, releases, flux, kernel and
    /// pathway traces back into `world` and records the step's expected events.
    fn read_observables(&mut self, ctx: &GpuContext, world: &mut World) -> Result<(), GpuError> {
        let len = self.n * self.species_count;
        let s = &self.scratch;
        let out = buffers::read(
            ctx,
            &[
                (&self.rho, len * 4),
                (&self.births, len * 4),
                (&s.docks, len * 4),
                (&s.cascade_rho, len * 4),
                (&s.releases, world.releases.data.len() * 8),
                (&s.edge_flux, self.edges * 4),
                (&self.kernel_out, self.species_count * self.moves * 4),
                (&self.pathway, self.edges * 4),
            ],
        )?;
        let rho = buffers::to_f32(&out[0]);
        world.docks = buffers::to_f32(&out[2]);
        let events = crate::density::events(
            &world.species,
            &crate::density::StepSums {
                rho: &self.rho_before,
                births: &buffers::to_f32(&out[1]),
                docks: &world.docks,
                cascade_rho: &buffers::to_f32(&out[3]),
            },
        );
        let fixed = density::fixed_from_words(&buffers::to_u32(&out[4]));
        for (r, v) in world.releases.data.iter_mut().zip(fixed) {
            *r = v as f64 / SCALE;
        }
        world.edge_hops = buffers::to_f32(&out[5]);
        let kernel = buffers::to_f32(&out[6]);
        for (k, row) in world.kernel.iter_mut().enumerate() {
            row.copy_from_slice(&kernel[k * self.moves..(k + 1) * self.moves]);
        }
        world.pathway = buffers::to_f32(&out[7]);
        world.counts.copy_from_slice(&rho);
        self.rho_before = rho;
        world.record_events(events);
        Ok(())
    }

    /// Advances the GPU state `steps` steps with the host's inputs held at their last upload
    /// and no readback, then waits for the GPU: the stages' own throughput
    /// ([`crate::gpu::density_bench`]). The world is not touched.
    pub fn step_device(&self, ctx: &GpuContext, steps: u64) -> Result<(), GpuError> {
        for _ in 0..steps {
            buffers::scoped(ctx, || self.record_step(ctx))??;
        }
        ctx.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| GpuError::Readback(e.to_string()))?;
        Ok(())
    }

    /// Records and submits one step's fields, density and apply stages.
    fn record_step(&self, ctx: &GpuContext) -> Result<(), GpuError> {
        let (n, ns) = (self.n, self.species_count);
        let g = &self.graph;
        let s = &self.scratch;
        let md = &self.modulation;
        let mut encoder = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("density step"),
        });
        self.kernel.encode(
            ctx,
            &mut encoder,
            &KernelBindings {
                params: &self.kernel_params,
                species: &self.species,
                move_offsets: &g.move_offsets,
                move_forward_len: &g.move_forward_len,
                move_target: &g.move_target,
                move_edge: &g.move_edge,
                bias: &self.bias,
                weight: &self.weight,
                pathway: &self.pathway,
                signals: &self.signals,
                meta: &self.meta,
                emission_gain: &md.emission_gain,
                source: &self.source,
                receptors: &self.receptors,
                rho: &self.rho,
                mass: &self.mass,
                kernel: &self.kernel_out,
                cdf: &self.cdf,
                dock: &self.dock,
                births: &self.births,
                birth_payload: &self.birth_payload,
                n,
                species_count: ns,
            },
        )?;
        self.density.encode(
            ctx,
            &mut encoder,
            &DensityBindings {
                params: &self.density_params,
                species: &self.species,
                release_ops: &self.release_ops,
                move_offsets: &g.move_offsets,
                move_forward_len: &g.move_forward_len,
                in_move_offsets: &g.in_move_offsets,
                in_move_forward_len: &g.in_move_forward_len,
                in_moves: &g.in_moves,
                move_from: &g.move_from,
                edge_moves: &g.edge_moves,
                kernel: &self.kernel_out,
                dock: &self.dock,
                births: &self.births,
                birth_payload: &self.birth_payload,
                rho: &self.rho,
                mass: &self.mass,
                stay: &s.stay,
                leave: &s.leave,
                docks: &s.docks,
                birth_rho: &s.birth_rho,
                birth_mass: &s.birth_mass,
                cascade_rho: &s.cascade_rho,
                releases: &s.releases,
                next_rho: &s.next_rho,
                next_mass: &s.next_mass,
                edge_flux: &s.edge_flux,
                n,
                species_count: ns,
                edges: self.edges,
            },
        )?;
        encoder.copy_buffer_to_buffer(&s.next_rho, 0, &self.rho, 0, self.rho.size());
        encoder.copy_buffer_to_buffer(&s.next_mass, 0, &self.mass, 0, self.mass.size());
        self.apply.encode(
            ctx,
            &mut encoder,
            &ApplyBindings {
                params: &self.apply_params,
                gain: &md.gain,
                shift: &md.shift,
                lr_mult: &md.lr_mult,
                threshold: &md.threshold,
                emission_gain: &md.emission_gain,
                memory: &md.memory,
                memory_count: &md.memory_count,
                weight_delta: &md.weight_delta,
                pathway: &self.pathway,
                releases: &s.releases,
                edge_hops: &s.edge_flux,
                activity: &self.activity,
                in_offsets: &g.in_offsets,
                in_edges: &g.in_edges,
                edge_src: &g.edge_src,
                n,
            },
        )?;
        ctx.queue.submit([encoder.finish()]);
        Ok(())
    }

    /// Writes ρ, C (and the free counts, which are ρ) and the pathway traces back into
    /// `world`.
    pub fn download(&self, ctx: &GpuContext, world: &mut World) -> Result<(), GpuError> {
        let len = self.n * self.species_count;
        let out = buffers::read(
            ctx,
            &[(&self.rho, len * 4), (&self.mass, len * 16), (&self.pathway, self.edges * 4)],
        )?;
        let rho = buffers::to_f32(&out[0]);
        world.counts.copy_from_slice(&rho);
        world.pathway = buffers::to_f32(&out[2]);
        match &mut world.population {
            Population::Density(state) => {
                state.rho = rho;
                state.mass = buffers::to_vec4(&out[1]);
                Ok(())
            }
            Population::Particles(_) => Err(GpuError::Device(
                "the GPU density runner needs a world in density mode (Mode::Density)".to_owned(),
            )),
        }
    }
}
