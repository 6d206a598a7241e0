//! The GPU engine as a [`Backend`]: the population and the migration kernels live on the
//! device; the host and the emission counts stay on the CPU.
//!
//! One step: the world's [`World::prepare_host`] (host, effective weights) runs on the CPU;
//! the CPU draws the emission counts per (species, node) with the CPU's own sampler and
//! uploads them with their payloads, the activity and the kernels' inputs (effective weights,
//! pathway traces, signals, free counts: O(nodes + edges), `particle_kernel.rs`); one
//! submission runs `kernel` (the kernels and their running sums, skipped once every species'
//! kernel is static and computed) → `decay_dock_hop` → `scan` (live flags) → `scan` (births)
//! → `compact` (into the other population buffer) → `emit` (births behind the living); one
//! read-back brings the tallies, release sums and, when `kernel` ran, the kernel
//! probabilities into [`World::kernel`] (O(nodes + moves + tracked cascades)); then
//! [`World::finish_step`] (modulation, pathways) runs on the CPU. Every draw is keyed by
//! stable id as on the CPU, and the living stay dense and in id order, so the GPU population
//! is, vesicle for vesicle, the CPU's (checked by `core/tests/gpu_parity.rs`).
//!
//! The population itself crosses the bus only in [`Backend::load`] and [`Backend::store`].
//!
//! A density-mode world runs on the GPU density engine ([`GpuDensity`]): the host on the CPU,
//! the fields, the density step and the apply stage on the device, one read-back of the
//! step's observables (O(nodes + moves)); ρ and C cross the bus in [`Backend::load`] and
//! [`Backend::store`] (`counts` holds ρ between them). Its values follow the CPU's within f32 rounding
//! (`core/tests/gpu_density_backend.rs` states the tolerances).

use crate::backend::{Backend, BackendError, BackendKind, LoadError, Observables, check_finite};
use crate::compile::CompiledRelease;
use crate::cpu::accumulate::SCALE;
use crate::cpu::emit::{cap_counts, emission_payload, node_counts};
use crate::vesicles::{NO_CASCADE, VesiclePool};
use crate::world::SpeciesEvents;
use crate::{Mode, World};

use super::buffers::{self, read_back_many, storage, storage_init, uniform_init, words};
use super::context::{GpuContext, GpuError};
use super::density::GpuDensity;
use super::layout::{
    CASCADE_ARRAYS, EVENTS, GpuSpecies, GpuStepParams, GpuVesicle, join, species_params, split,
};
use super::particle_kernel::ParticleKernel;
use super::stages::{compact, decay_dock_hop, emit, scan};

/// Whether the device offers compute shaders storage buffers at all; a device without any
/// (OpenGL under WebGL2's limits, eframe's default there) is told apart from a small one,
/// whose shortfall each stage names as its layout is made.
fn storage_buffers_offered(ctx: &GpuContext) -> Result<(), GpuError> {
    let limits = ctx.device.limits();
    if limits.max_storage_buffers_per_shader_stage == 0
        || limits.max_storage_buffer_binding_size == 0
    {
        return Err(GpuError::Limit(format!(
            "this device ({}) offers no storage buffers to compute shaders \
             (max_storage_buffers_per_shader_stage {}, max_storage_buffer_binding_size {}): use \
             the CPU engine",
            ctx.adapter_name(),
            limits.max_storage_buffers_per_shader_stage,
            limits.max_storage_buffer_binding_size
        )));
    }
    Ok(())
}

/// Bytes of one vesicle on the GPU.
pub const VESICLE_BYTES: u64 = size_of::<GpuVesicle>() as u64;

/// The most vesicles a device can hold: a population buffer must fit both the largest
/// storage binding and the largest buffer. Returns the count and the limit that sets it.
pub fn max_vesicles(limits: &wgpu::Limits) -> (u64, &'static str) {
    let binding = limits.max_storage_buffer_binding_size;
    let buffer = limits.max_buffer_size;
    if binding <= buffer {
        (binding / VESICLE_BYTES, "max_storage_buffer_binding_size")
    } else {
        (buffer / VESICLE_BYTES, "max_buffer_size")
    }
}

/// The device pipelines.
#[derive(Debug)]
struct Stages {
    decay_dock_hop: decay_dock_hop::DecayDockHop,
    scan: scan::Scan,
    compact: compact::Compact,
    emit: emit::Emit,
}

/// Offsets of the regions of the tallies buffer (u32 words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tallies {
    docks_at: u32,
    edge_hops_at: u32,
    events_at: u32,
    cascade_at: u32,
    slots: u32,
}

impl Tallies {
    fn new(n: usize, s: usize, m: usize, slots: usize) -> Self {
        let docks_at = (s * n) as u32;
        let edge_hops_at = docks_at + (s * n) as u32;
        let events_at = edge_hops_at + m as u32;
        let cascade_at = events_at + (EVENTS * s) as u32;
        // The buffer holds exactly these words (a multiple of 4, as buffers are sized in
        // 16-byte units): `emit.wgsl` finds the slot count from its length.
        let mut slots = slots as u32;
        while !(cascade_at + CASCADE_ARRAYS as u32 * slots).is_multiple_of(4) {
            slots += 1;
        }
        Self { docks_at, edge_hops_at, events_at, cascade_at, slots }
    }

    fn words(&self) -> u64 {
        self.cascade_at as u64 + (CASCADE_ARRAYS as u64) * self.slots as u64
    }
}

/// Everything the device holds for one loaded world.
#[derive(Debug)]
struct Device {
    stages: Stages,
    params: wgpu::Buffer,
    compact_params: wgpu::Buffer,
    scan_live_params: wgpu::Buffer,
    scan_births_params: wgpu::Buffer,
    species: wgpu::Buffer,
    releases: wgpu::Buffer,
    constants: wgpu::Buffer,
    forward_len_at: u32,
    move_edge_at: u32,
    /// The fields stage, which writes `kernel_cdf`.
    kernel: ParticleKernel,
    kernel_cdf: wgpu::Buffer,
    receptors: wgpu::Buffer,
    activity: wgpu::Buffer,
    pools: [wgpu::Buffer; 2],
    current: usize,
    acc: wgpu::Buffer,
    tallies: wgpu::Buffer,
    tally: Tallies,
    live: wgpu::Buffer,
    positions: wgpu::Buffer,
    births: wgpu::Buffer,
    birth_offsets: wgpu::Buffer,
    block_sums: wgpu::Buffer,
    totals: wgpu::Buffer,
    payloads: wgpu::Buffer,
    /// Slots in use (all live: the population is compacted every step).
    len: u32,
    capacity: u32,
    next_id: u64,
    /// Tracked roots born last step: (slot in the current buffer, cascade slot), written
    /// before the next step (the CPU opens their cascades after the read-back).
    pending_roots: Vec<(u32, u32)>,
}

/// Writes the CPU tracker's live member counts into the device's cascade slots.
fn upload_cascade_alive(ctx: &GpuContext, world: &World, d: &Device) {
    let alive: Vec<u32> =
        world.cascades.alive.iter().map(|a| a.load(std::sync::atomic::Ordering::Relaxed)).collect();
    if !alive.is_empty() {
        ctx.queue.write_buffer(
            &d.tallies,
            4 * d.tally.cascade_at as u64,
            bytemuck::cast_slice(&alive),
        );
    }
}

/// Grows the cascade slot arrays when the tracker has outgrown them (new slots were opened),
/// copying the live member counts across.
fn grow_cascades(ctx: &GpuContext, world: &World, d: &mut Device) {
    let slots = world.cascades.slots();
    if slots <= d.tally.slots as usize {
        return;
    }
    let g = &world.graph;
    d.tally = Tallies::new(g.n(), world.species.len(), g.m(), slots.next_power_of_two());
    d.tallies = storage(ctx, "tallies", 4 * d.tally.words());
    upload_cascade_alive(ctx, world, d);
}

/// The GPU engine.
#[derive(Debug)]
pub struct GpuBackend {
    ctx: GpuContext,
    world: Option<World>,
    /// The particle engine's device state (particle mode).
    device: Option<Device>,
    /// The density engine (density mode).
    density: Option<GpuDensity>,
    /// The world as it was at the last load or store (a CPU copy), for [`GpuBackend::recover`].
    last_good: Option<World>,
}

impl GpuBackend {
    /// A GPU backend on `ctx` (nothing loaded).
    pub fn new(ctx: GpuContext) -> Self {
        Self { ctx, world: None, device: None, density: None, last_good: None }
    }

    /// The device context.
    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Vesicles on the device now.
    pub fn live(&self) -> usize {
        self.device.as_ref().map_or(0, |d| d.len as usize)
    }

    /// The population buffer the last step wrote and how many vesicles it holds: the living,
    /// dense and in id order, as [`GpuVesicle`]s (`STORAGE` usage). For drawing them on the
    /// same device without a read-back; valid until the next step.
    pub fn population_buffer(&self) -> Option<(&wgpu::Buffer, u32)> {
        self.device.as_ref().map(|d| (&d.pools[d.current], d.len))
    }

    /// After a GPU error (a lost device, a validation error): the last good state, the world
    /// exactly as it was at the last [`Backend::load`] or [`GpuBackend::checkpoint`] (a CPU
    /// copy), so the caller can continue on the CPU. Empties the backend. `None` when nothing
    /// is loaded.
    pub fn recover(&mut self) -> Option<World> {
        self.device = None;
        self.density = None;
        self.world = None;
        self.last_good.take()
    }

    /// Reads the whole population back and keeps a CPU copy of the world as the last good
    /// state (what [`GpuBackend::recover`] returns). O(vesicles): call it now and then, not
    /// every step.
    pub fn checkpoint(&mut self) -> Result<(), GpuError> {
        self.sync_population()?;
        self.last_good = self.world.clone();
        Ok(())
    }

    /// Checks that the world can run here; says what is not supported or which limit is short.
    fn check(&self, world: &World) -> Result<(), GpuError> {
        if world.mode() != Mode::Particle {
            return Ok(());
        }
        for (k, s) in world.species.iter().enumerate() {
            let cascades: Vec<f32> = s
                .releases
                .iter()
                .filter_map(|r| match r {
                    CompiledRelease::Cascade { chi, .. } => Some(*chi),
                    _ => None,
                })
                .collect();
            if cascades.len() > 1 {
                return Err(GpuError::Unsupported(format!(
                    "species[{k}] `{}` has {} Cascade releases; the GPU engine runs at most one \
                     per species (use the CPU engine)",
                    s.name,
                    cascades.len()
                )));
            }
            if let Some(&chi) = cascades.first()
                && chi as f64 >= super::tables::MAX_CHI
            {
                return Err(GpuError::Unsupported(format!(
                    "species[{k}] `{}`: Cascade chi = {chi}; the GPU engine draws cascade counts \
                     by inversion, for chi < {} (use the CPU engine)",
                    s.name,
                    super::tables::MAX_CHI
                )));
            }
        }
        // The storage buffers per stage are checked as each stage's layout is made.
        let limits = self.ctx.device.limits();
        let capacity = world.preset.capacity.max(0) as u64;
        let (most, limit) = max_vesicles(&limits);
        if capacity > most || capacity > u32::MAX as u64 / 2 {
            return Err(GpuError::Limit(format!(
                "capacity {capacity} vesicles needs {} bytes per population buffer ({} bytes \
                 each), above this device's {limit} ({} bytes): at most {most} vesicles fit; \
                 lower `capacity` or use the CPU engine",
                capacity * VESICLE_BYTES,
                VESICLE_BYTES,
                match limit {
                    "max_buffer_size" => limits.max_buffer_size,
                    _ => limits.max_storage_buffer_binding_size,
                },
            )));
        }
        Ok(())
    }

    fn upload(&self, world: &World) -> Result<Device, GpuError> {
        let ctx = &self.ctx;
        let g = &world.graph;
        let (n, s, m, moves) = (g.n(), world.species.len(), g.m(), g.moves());
        let capacity = world.preset.capacity.max(0) as u32;
        let stages = Stages {
            decay_dock_hop: decay_dock_hop::DecayDockHop::new(ctx)?,
            scan: scan::Scan::new(ctx)?,
            compact: compact::Compact::new(ctx)?,
            emit: emit::Emit::new(ctx)?,
        };
        // Constants: move offsets, forward lengths, move edges, cascade tables.
        let mut constants: Vec<u32> = g.move_offsets.clone();
        let forward_len_at = constants.len() as u32;
        constants.extend(&g.move_forward_len);
        let move_edge_at = constants.len() as u32;
        constants.extend(&g.move_edge);
        let mut releases = Vec::new();
        let mut tables = Vec::new();
        let tables_at = constants.len() as u32;
        let species: Vec<GpuSpecies> = world
            .species
            .iter()
            .map(|sp| species_params(sp, &mut releases, &mut tables, tables_at))
            .collect();
        constants.extend(tables);
        let pool = world.pool().expect("checked: a particle world");
        let live: Vec<GpuVesicle> = (0..pool.len())
            .filter(|&k| pool.alive[k])
            .map(|k| GpuVesicle::from_pool(pool, k))
            .collect();
        let pool_bytes = capacity.max(1) as u64 * VESICLE_BYTES;
        let pools =
            [storage(ctx, "population a", pool_bytes), storage(ctx, "population b", pool_bytes)];
        ctx.queue.write_buffer(&pools[0], 0, bytemuck::cast_slice(&live));
        let tally = Tallies::new(n, s, m, world.cascades.slots().max(64));
        let tallies = storage(ctx, "tallies", 4 * tally.words());
        let items = capacity as u64 + (s * n) as u64;
        let receptors: Vec<[f32; 4]> = world.receptors.clone();
        let device = Device {
            params: uniform_init(ctx, "step params", bytemuck::bytes_of(&GpuStepParams::default())),
            compact_params: uniform_init(
                ctx,
                "compact params",
                bytemuck::bytes_of(&compact::Compact::params(ctx, 0)),
            ),
            scan_live_params: uniform_init(
                ctx,
                "scan live params",
                bytemuck::bytes_of(&scan::Scan::params(ctx, 0, 0)),
            ),
            scan_births_params: uniform_init(
                ctx,
                "scan births params",
                bytemuck::bytes_of(&scan::Scan::params(ctx, 0, 1)),
            ),
            species: storage_init(ctx, "species", bytemuck::cast_slice(&species)),
            releases: storage_init(ctx, "releases", bytemuck::cast_slice(&releases)),
            constants: storage_init(ctx, "constants", bytemuck::cast_slice(&constants)),
            forward_len_at,
            move_edge_at,
            kernel: ParticleKernel::new(ctx, world)?,
            kernel_cdf: storage(ctx, "kernel cdf", (s * moves) as u64 * 8),
            receptors: storage_init(ctx, "receptors", bytemuck::cast_slice(&receptors)),
            activity: storage(ctx, "activity", 4 * n as u64),
            pools,
            current: 0,
            acc: storage(ctx, "releases acc", 8 * (n * world.releases.stride) as u64),
            tallies,
            tally,
            live: storage(ctx, "live flags", 4 * capacity as u64),
            positions: storage(ctx, "positions", 4 * capacity as u64),
            births: storage(ctx, "births", 4 * items),
            birth_offsets: storage(ctx, "birth offsets", 4 * items),
            block_sums: scan::Scan::scratch(ctx, items as u32),
            totals: storage(ctx, "totals", 16),
            payloads: storage(ctx, "emission payloads", 16 * (s * n) as u64),
            len: live.len() as u32,
            capacity,
            next_id: pool.next_id,
            pending_roots: Vec::new(),
            stages,
        };
        upload_cascade_alive(ctx, world, &device);
        Ok(device)
    }

    /// One step on the device.
    fn step(&mut self) -> Result<(), GpuError> {
        let ctx = &self.ctx;
        let world = self.world.as_mut().ok_or_else(|| GpuError::Device("nothing loaded".into()))?;
        let d = self.device.as_mut().ok_or_else(|| GpuError::Device("nothing loaded".into()))?;
        let oom_scope = ctx.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let device_scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);

        world.prepare_host();
        let t = world.step;
        let t32 = t as u32;
        let dt = world.preset.dt;
        let g = &world.graph;
        let (n, s, m) = (g.n(), world.species.len(), g.m());
        let cells = s * n;

        // Emission counts and payloads per (species, node), drawn on the CPU.
        let inputs = world.emit_inputs();
        let mut per_species = node_counts(&world.species, &world.rng, t32, n, dt, &inputs);
        // No more can join than the capacity: the rest are dropped here, never uploaded, so
        // the device's 32-bit counts and sums cannot overflow.
        let mut dropped_here = vec![0.0; s];
        cap_counts(&mut per_species, d.capacity as u64, &mut dropped_here);
        let mut counts = vec![0u32; cells];
        let mut payloads = vec![[0.0f32; 4]; cells];
        let mut emitted_total = 0u64;
        for (k, list) in per_species.iter().enumerate() {
            for &(i, c) in list {
                if c > 0 {
                    counts[k * n + i as usize] = c as u32;
                    payloads[k * n + i as usize] =
                        emission_payload(&world.species[k], i as usize, &inputs);
                    emitted_total += c;
                }
            }
        }

        // Uploads.
        let q = &ctx.queue;
        for &(slot, cascade) in &d.pending_roots {
            let at = slot as u64 * VESICLE_BYTES + std::mem::offset_of!(GpuVesicle, cascade) as u64;
            q.write_buffer(&d.pools[d.current], at, bytemuck::bytes_of(&cascade));
            q.write_buffer(
                &d.tallies,
                4 * (d.tally.cascade_at + cascade) as u64,
                bytemuck::bytes_of(&1u32),
            );
        }
        d.pending_roots.clear();
        let params = GpuStepParams {
            key: world.rng.key(),
            step: t32,
            dt,
            n: n as u32,
            species: s as u32,
            moves: g.moves() as u32,
            stride: world.releases.stride as u32,
            len: d.len,
            capacity: d.capacity,
            next_id: split(d.next_id),
            forward_len_at: d.forward_len_at,
            move_edge_at: d.move_edge_at,
            docks_at: d.tally.docks_at,
            edge_hops_at: d.tally.edge_hops_at,
            events_at: d.tally.events_at,
            cascade_at: d.tally.cascade_at,
        };
        q.write_buffer(&d.params, 0, bytemuck::bytes_of(&params));
        q.write_buffer(&d.activity, 0, bytemuck::cast_slice(&world.signals.activity));
        q.write_buffer(&d.births, 4 * d.len as u64, bytemuck::cast_slice(&counts));
        q.write_buffer(&d.payloads, 0, bytemuck::cast_slice(&payloads));
        let items = d.len + cells as u32;
        q.write_buffer(
            &d.compact_params,
            0,
            bytemuck::bytes_of(&compact::Compact::params(ctx, d.len)),
        );
        q.write_buffer(
            &d.scan_live_params,
            0,
            bytemuck::bytes_of(&scan::Scan::params(ctx, d.len, 0)),
        );
        q.write_buffer(
            &d.scan_births_params,
            0,
            bytemuck::bytes_of(&scan::Scan::params(ctx, items, 1)),
        );

        // The step's passes.
        let (from, to) = (&d.pools[d.current], &d.pools[1 - d.current]);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        let kernel_recorded =
            d.kernel.record(ctx, &mut encoder, world, &d.receptors, &d.kernel_cdf)?;
        encoder.clear_buffer(&d.acc, 0, None);
        encoder.clear_buffer(&d.tallies, 0, Some(4 * d.tally.cascade_at as u64));
        encoder.clear_buffer(
            &d.tallies,
            4 * (d.tally.cascade_at + d.tally.slots) as u64,
            Some(8 * d.tally.slots as u64),
        );
        d.stages.decay_dock_hop.encode(
            ctx,
            &mut encoder,
            &decay_dock_hop::Bindings {
                params: &d.params,
                species: &d.species,
                releases: &d.releases,
                constants: &d.constants,
                kernel_cdf: &d.kernel_cdf,
                receptors: &d.receptors,
                activity: &d.activity,
                vesicles: from,
                acc: &d.acc,
                tallies: &d.tallies,
                live: &d.live,
                births: &d.births,
            },
            d.len,
        );
        d.stages.scan.encode(
            ctx,
            &mut encoder,
            &scan::Bindings {
                params: &d.scan_live_params,
                input: &d.live,
                output: &d.positions,
                block_sums: &d.block_sums,
                totals: &d.totals,
            },
            d.len,
        );
        d.stages.scan.encode(
            ctx,
            &mut encoder,
            &scan::Bindings {
                params: &d.scan_births_params,
                input: &d.births,
                output: &d.birth_offsets,
                block_sums: &d.block_sums,
                totals: &d.totals,
            },
            items,
        );
        d.stages.compact.encode(
            ctx,
            &mut encoder,
            &compact::Bindings {
                params: &d.compact_params,
                live: &d.live,
                position: &d.positions,
                from,
                to,
            },
            d.len,
        );
        d.stages.emit.encode(
            ctx,
            &mut encoder,
            &emit::Bindings {
                params: &d.params,
                species: &d.species,
                releases: &d.releases,
                counts: &d.births,
                offsets: &d.birth_offsets,
                totals: &d.totals,
                payloads: &d.payloads,
                parents: from,
                vesicles: to,
                tallies: &d.tallies,
            },
            items,
        );
        q.submit([encoder.finish()]);
        if let Some(e) = pollster::block_on(device_scope.pop()) {
            return Err(GpuError::Device(e.to_string()));
        }
        if let Some(e) = pollster::block_on(oom_scope.pop()) {
            return Err(GpuError::Device(e.to_string()));
        }

        // One read-back: tallies, release sums, totals, and the kernels when they were computed.
        let mut ranges = vec![
            (&d.tallies, 0, 4 * d.tally.words()),
            (&d.acc, 0, 8 * (n * world.releases.stride) as u64),
            (&d.totals, 0, 8),
        ];
        if kernel_recorded {
            let (buffer, bytes) = d.kernel.probabilities();
            ranges.push((buffer, 0, bytes));
        }
        let out = read_back_many(ctx, &ranges)?;
        if kernel_recorded {
            d.kernel.store_probabilities(&words(&out[3]), world);
        }
        let tallies = words(&out[0]);
        let acc = words(&out[1]);
        let totals = words(&out[2]);
        let (live, births_total) = (totals[0], totals[1] as u64);
        let room = (d.capacity - live) as u64;
        let accepted = births_total.min(room);
        let old_next = d.next_id;
        d.len = live + accepted as u32;
        d.next_id += accepted;
        d.current = 1 - d.current;

        // The world's per-step observables.
        for (c, &v) in world.counts.iter_mut().zip(&tallies[..cells]) {
            *c = v as f32;
        }
        let tl = d.tally;
        for (c, &v) in world.docks.iter_mut().zip(&tallies[tl.docks_at as usize..][..cells]) {
            *c = v as f32;
        }
        for (c, &v) in world.edge_hops.iter_mut().zip(&tallies[tl.edge_hops_at as usize..][..m]) {
            *c = v as f32;
        }
        world.releases.data.resize(acc.len() / 2, 0.0);
        for (r, w) in world.releases.data.iter_mut().zip(acc.chunks_exact(2)) {
            *r = join([w[0], w[1]]) as i64 as f64 / SCALE;
        }
        let ev = &tallies[tl.events_at as usize..][..EVENTS * s];
        let row =
            |e: usize| -> Vec<f64> { ev[e * s..(e + 1) * s].iter().map(|&x| x as f64).collect() };
        let events = SpeciesEvents {
            died: row(0),
            docked: row(1),
            absorbed: row(2),
            emitted: row(3),
            cascade_born: row(4),
            dropped: row(5).iter().zip(&dropped_here).map(|(a, b)| a + b).collect(),
        };

        // Cascades: the device's counts, then the roots of this step (birth numbers after the
        // cascade children), then the sweep.
        let slots = tl.slots as usize;
        let casc = &tallies[tl.cascade_at as usize..];
        for slot in 0..world.cascades.slots().min(slots) {
            world.cascades.merge_counted(
                slot as u32,
                casc[slots + slot] as u64,
                casc[2 * slots + slot],
                casc[slot],
            );
        }
        let mut number = births_total - emitted_total;
        for (k, list) in per_species.iter().enumerate() {
            let tracked = world.species[k].cascades;
            for &(node, c) in list {
                let kept = c.min(room.saturating_sub(number));
                if tracked {
                    for j in number..number + kept {
                        let slot = world.cascades.open(old_next + j, k as u16, node, t);
                        d.pending_roots.push((live + j as u32, slot));
                    }
                }
                number += kept;
            }
        }
        world.cascades.sweep(t);
        let dropped: f64 = events.dropped.iter().sum();
        let warning = (dropped > 0.0).then(|| {
            format!(
                "step {t}: the population is full ({} vesicles): {dropped} births dropped",
                d.capacity
            )
        });
        world.finish_step(events, warning);
        grow_cascades(ctx, world, d);
        Ok(())
    }

    /// Reads the whole population back into the world: the particle pool, or ρ, C and the
    /// pathway traces in density mode.
    fn sync_population(&mut self) -> Result<(), GpuError> {
        if let (Some(world), Some(density)) = (self.world.as_mut(), self.density.as_ref()) {
            return density.download(&self.ctx, world);
        }
        let (Some(world), Some(d)) = (self.world.as_mut(), self.device.as_ref()) else {
            return Ok(());
        };
        let bytes =
            buffers::read_back(&self.ctx, &d.pools[d.current], 0, d.len as u64 * VESICLE_BYTES)?;
        let vesicles: Vec<GpuVesicle> = bytemuck::pod_collect_to_vec(&bytes);
        let crate::world::Population::Particles(pool) = &mut world.population else {
            return Ok(());
        };
        let capacity = pool.capacity;
        let mut fresh = VesiclePool::new(capacity);
        fresh.next_id = d.next_id;
        for v in &vesicles {
            v.push_into(&mut fresh);
        }
        for &(slot, cascade) in &d.pending_roots {
            fresh.cascade[slot as usize] = cascade;
        }
        debug_assert!(
            fresh.cascade.iter().all(|&c| c == NO_CASCADE || (c as usize) < world.cascades.slots())
        );
        **pool = fresh;
        Ok(())
    }
}

impl Backend for GpuBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Gpu
    }

    fn load(&mut self, world: World) -> Result<(), LoadError> {
        if let Err(e) = storage_buffers_offered(&self.ctx) {
            return Err(LoadError { error: e.into(), world: Box::new(world) });
        }
        if world.mode() == Mode::Density {
            return match GpuDensity::new(&self.ctx, &world) {
                Ok(density) => {
                    self.device = None;
                    self.density = Some(density);
                    self.last_good = Some(world.clone());
                    self.world = Some(world);
                    Ok(())
                }
                Err(e) => Err(LoadError { error: e.into(), world: Box::new(world) }),
            };
        }
        let result = self.check(&world).and_then(|()| self.upload(&world));
        match result {
            Ok(device) => {
                self.density = None;
                self.device = Some(device);
                self.last_good = Some(world.clone());
                self.world = Some(world);
                Ok(())
            }
            Err(e) => Err(LoadError { error: e.into(), world: Box::new(world) }),
        }
    }

    fn advance(&mut self, steps: u64) -> Result<(), BackendError> {
        let Some(world) = self.world.as_mut() else {
            return Err(BackendError::Empty("gpu"));
        };
        if let Some(density) = self.density.as_mut() {
            density.advance(&self.ctx, world, steps)?;
            return check_finite(world);
        }
        for _ in 0..steps {
            self.step()?;
            if let Some(world) = self.world.as_ref() {
                check_finite(world)?;
            }
        }
        Ok(())
    }

    fn observe(&self) -> Result<Observables, BackendError> {
        self.world.as_ref().map(Observables::of).ok_or(BackendError::Empty("gpu"))
    }

    fn host(&self) -> Option<&World> {
        self.world.as_ref()
    }

    fn population(&self) -> usize {
        self.live()
    }

    fn store(&mut self) -> Result<World, BackendError> {
        self.sync_population()?;
        self.device = None;
        self.density = None;
        self.last_good = None;
        self.world.take().ok_or(BackendError::Empty("gpu"))
    }
}
