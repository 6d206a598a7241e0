//! The density stage (`shaders/density.wgsl`, CPU twin `crate::cpu::density`): its entry
//! points `local` (per node), `gather` (per node and species) and `flux` (per edge), recorded
//! in that order.

use super::Slot;
use super::buffers;
use super::params;
use crate::compile::{CompiledSpecies, channel};
use crate::gpu::{GpuContext, GpuError};
use crate::graph::Graph;

/// The binding kinds of `density.wgsl`, in binding order.
const KINDS: [Slot; 26] = {
    use Slot::{Read as R, ReadWrite as W, Uniform as U};
    [U, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, W, W, W, W, W, W, W, W, W, W]
};

/// The buffers of one step, in binding order (see `shaders/density.wgsl`), and its sizes.
pub struct DensityBindings<'a> {
    /// 0: `DensityParams` ([`params_bytes`]).
    pub params: &'a wgpu::Buffer,
    /// 1: `SpeciesParams` per species.
    pub species: &'a wgpu::Buffer,
    /// 2: the `ReleaseOp` list.
    pub release_ops: &'a wgpu::Buffer,
    /// 3: `Graph::move_offsets`.
    pub move_offsets: &'a wgpu::Buffer,
    /// 4: `Graph::move_forward_len`.
    pub move_forward_len: &'a wgpu::Buffer,
    /// 5: `Graph::in_move_offsets`.
    pub in_move_offsets: &'a wgpu::Buffer,
    /// 6: `Graph::in_move_forward_len`.
    pub in_move_forward_len: &'a wgpu::Buffer,
    /// 7: `Graph::in_moves`.
    pub in_moves: &'a wgpu::Buffer,
    /// 8: `Graph::move_from`.
    pub move_from: &'a wgpu::Buffer,
    /// 9: `Graph::edge_moves`.
    pub edge_moves: &'a wgpu::Buffer,
    /// 10: P `[κ · moves + mv]`.
    pub kernel: &'a wgpu::Buffer,
    /// 11: D_i.
    pub dock: &'a wgpu::Buffer,
    /// 12: λ_i·dt.
    pub births: &'a wgpu::Buffer,
    /// 13: emission payload.
    pub birth_payload: &'a wgpu::Buffer,
    /// 14: ρ.
    pub rho: &'a wgpu::Buffer,
    /// 15: C.
    pub mass: &'a wgpu::Buffer,
    /// 16 (out): stay coefficients.
    pub stay: &'a wgpu::Buffer,
    /// 17 (out): leave coefficients.
    pub leave: &'a wgpu::Buffer,
    /// 18 (out): expected dockings.
    pub docks: &'a wgpu::Buffer,
    /// 19 (out): births `[i · S + κ]`.
    pub birth_rho: &'a wgpu::Buffer,
    /// 20 (out): their mass.
    pub birth_mass: &'a wgpu::Buffer,
    /// 21 (out): cascade births.
    pub cascade_rho: &'a wgpu::Buffer,
    /// 22 (out): fixed-point release sums `[i · stride + channel]` as (lo, hi).
    pub releases: &'a wgpu::Buffer,
    /// 23 (out): ρ'.
    pub next_rho: &'a wgpu::Buffer,
    /// 24 (out): C'.
    pub next_mass: &'a wgpu::Buffer,
    /// 25 (out): expected hops per edge.
    pub edge_flux: &'a wgpu::Buffer,
    /// Nodes.
    pub n: usize,
    /// Species.
    pub species_count: usize,
    /// Edges.
    pub edges: usize,
}

impl DensityBindings<'_> {
    fn buffers(&self) -> [&wgpu::Buffer; 26] {
        [
            self.params,
            self.species,
            self.release_ops,
            self.move_offsets,
            self.move_forward_len,
            self.in_move_offsets,
            self.in_move_forward_len,
            self.in_moves,
            self.move_from,
            self.edge_moves,
            self.kernel,
            self.dock,
            self.births,
            self.birth_payload,
            self.rho,
            self.mass,
            self.stay,
            self.leave,
            self.docks,
            self.birth_rho,
            self.birth_mass,
            self.cascade_rho,
            self.releases,
            self.next_rho,
            self.next_mass,
            self.edge_flux,
        ]
    }
}

/// `DensityParams` of the shader.
pub fn params_bytes(n: usize, species: usize, edges: usize, moves: usize) -> Vec<u8> {
    let stride = channel::stride(species);
    buffers::u32_bytes([n, species, stride, edges, moves, 0, 0, 0].map(|x| x as u32))
}

/// The compiled density stage.
#[derive(Debug)]
pub struct DensityStage {
    /// Entry point `local`.
    pub local: wgpu::ComputePipeline,
    /// Entry point `gather`.
    pub gather: wgpu::ComputePipeline,
    /// Entry point `flux`.
    pub flux: wgpu::ComputePipeline,
    /// The bind-group layout the three share.
    pub layout: wgpu::BindGroupLayout,
}

impl DensityStage {
    /// Compiles the stage.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let layout = super::layout(ctx, "density", &KINDS)?;
        Ok(Self {
            local: buffers::pipeline(ctx, "density", "local", &layout)?,
            gather: buffers::pipeline(ctx, "density", "gather", &layout)?,
            flux: buffers::pipeline(ctx, "density", "flux", &layout)?,
            layout,
        })
    }

    /// Records the three passes of one step (wgpu orders the dispatches of a pass that share
    /// buffers).
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        b: &DensityBindings,
    ) -> Result<(), GpuError> {
        let nodes = buffers::workgroups(ctx, b.n)?;
        let edges = buffers::workgroups(ctx, b.edges)?;
        let bind_group = super::bind(ctx, "density", &self.layout, &b.buffers());
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("density"),
            timestamp_writes: None,
        });
        pass.set_bind_group(0, &bind_group, &[]);
        pass.set_pipeline(&self.local);
        pass.dispatch_workgroups(nodes, 1, 1);
        pass.set_pipeline(&self.gather);
        pass.dispatch_workgroups(nodes, b.species_count as u32, 1);
        if edges > 0 {
            pass.set_pipeline(&self.flux);
            pass.dispatch_workgroups(edges, 1, 1);
        }
        Ok(())
    }
}

/// The graph's buffers the density stage reads (bindings 3 to 9).
#[derive(Debug)]
pub struct GraphBuffers {
    /// `move_offsets`.
    pub move_offsets: wgpu::Buffer,
    /// `move_forward_len`.
    pub move_forward_len: wgpu::Buffer,
    /// `in_move_offsets`.
    pub in_move_offsets: wgpu::Buffer,
    /// `in_move_forward_len`.
    pub in_move_forward_len: wgpu::Buffer,
    /// `in_moves`.
    pub in_moves: wgpu::Buffer,
    /// `move_from`.
    pub move_from: wgpu::Buffer,
    /// `edge_moves`.
    pub edge_moves: wgpu::Buffer,
    /// `move_target` (the fields stage).
    pub move_target: wgpu::Buffer,
    /// `move_edge` (the fields stage).
    pub move_edge: wgpu::Buffer,
    /// `in_offsets` (the apply stage).
    pub in_offsets: wgpu::Buffer,
    /// `in_edges` (the apply stage).
    pub in_edges: wgpu::Buffer,
    /// `edge_src` (the apply stage).
    pub edge_src: wgpu::Buffer,
}

impl GraphBuffers {
    /// Uploads the graph's CSR arrays.
    pub fn new(ctx: &GpuContext, g: &Graph) -> Self {
        let up = |label: &str, words: &[u32]| {
            buffers::storage(ctx, label, &buffers::u32_bytes(words.iter().copied()))
        };
        Self {
            move_offsets: up("move_offsets", &g.move_offsets),
            move_forward_len: up("move_forward_len", &g.move_forward_len),
            in_move_offsets: up("in_move_offsets", &g.in_move_offsets),
            in_move_forward_len: up("in_move_forward_len", &g.in_move_forward_len),
            in_moves: up("in_moves", &g.in_moves),
            move_from: up("move_from", &g.move_from),
            edge_moves: up("edge_moves", g.edge_moves.as_flattened()),
            move_target: up("move_target", &g.move_target),
            move_edge: up("move_edge", &g.move_edge),
            in_offsets: up("in_offsets", &g.in_offsets),
            in_edges: up("in_edges", &g.in_edges),
            edge_src: up("edge_src", &g.edge_src),
        }
    }
}

/// The per-step buffers the density stage writes (bindings 16 to 25).
#[derive(Debug)]
pub struct DensityScratch {
    /// Stay coefficients.
    pub stay: wgpu::Buffer,
    /// Leave coefficients.
    pub leave: wgpu::Buffer,
    /// Expected dockings.
    pub docks: wgpu::Buffer,
    /// Births.
    pub birth_rho: wgpu::Buffer,
    /// Their mass.
    pub birth_mass: wgpu::Buffer,
    /// Cascade births.
    pub cascade_rho: wgpu::Buffer,
    /// Release sums, fixed point.
    pub releases: wgpu::Buffer,
    /// ρ'.
    pub next_rho: wgpu::Buffer,
    /// C'.
    pub next_mass: wgpu::Buffer,
    /// Expected hops per edge.
    pub edge_flux: wgpu::Buffer,
}

impl DensityScratch {
    /// Zeroed buffers for n nodes, `species` species and m edges.
    pub fn new(ctx: &GpuContext, n: usize, species: usize, m: usize) -> Self {
        let ns = n * species;
        Self {
            stay: buffers::zeroed(ctx, "stay", ns * 4),
            leave: buffers::zeroed(ctx, "leave", ns * 4),
            docks: buffers::zeroed(ctx, "docks", ns * 4),
            birth_rho: buffers::zeroed(ctx, "birth_rho", ns * 4),
            birth_mass: buffers::zeroed(ctx, "birth_mass", ns * 16),
            cascade_rho: buffers::zeroed(ctx, "cascade_rho", ns * 4),
            releases: buffers::zeroed(ctx, "releases", n * channel::stride(species) * 8),
            next_rho: buffers::zeroed(ctx, "next_rho", ns * 4),
            next_mass: buffers::zeroed(ctx, "next_mass", ns * 16),
            edge_flux: buffers::zeroed(ctx, "edge_flux", m * 4),
        }
    }
}

/// The CPU arrays one density step reads (besides the graph and the species).
pub struct DensityHostInputs<'a> {
    /// P per species and move.
    pub kernel: &'a [Vec<f32>],
    /// D_i `[κ · n + i]`.
    pub dock: &'a [f32],
    /// λ_i·dt `[κ · n + i]`.
    pub births: &'a [f32],
    /// Emission payload `[κ · n + i]`.
    pub birth_payload: &'a [[f32; 4]],
    /// ρ.
    pub rho: &'a [f32],
    /// C.
    pub mass: &'a [[f32; 4]],
}

/// What one density step writes, read back.
#[derive(Clone, Debug, PartialEq)]
pub struct DensityOutputs {
    /// Stay coefficients `[κ · n + i]`.
    pub stay: Vec<f32>,
    /// Leave coefficients.
    pub leave: Vec<f32>,
    /// Expected dockings.
    pub docks: Vec<f32>,
    /// Births `[i · S + κ]`.
    pub birth_rho: Vec<f32>,
    /// Their mass.
    pub birth_mass: Vec<[f32; 4]>,
    /// Cascade births `[i · S + κ]`.
    pub cascade_rho: Vec<f32>,
    /// Release sums in fixed point (2^-24 units), `[i · stride + channel]`.
    pub releases: Vec<i64>,
    /// ρ'.
    pub next_rho: Vec<f32>,
    /// C'.
    pub next_mass: Vec<[f32; 4]>,
    /// Expected hops per edge.
    pub edge_flux: Vec<f32>,
}

/// Fixed-point (lo, hi) words back to `i64`s.
pub fn fixed_from_words(words: &[u32]) -> Vec<i64> {
    words.chunks_exact(2).map(|w| (((w[1] as u64) << 32) | w[0] as u64) as i64).collect()
}

/// Runs one density step once from CPU arrays (uploads, the three passes, read back): the
/// check against the CPU twin.
pub fn run_once(
    ctx: &GpuContext,
    graph: &Graph,
    species: &[CompiledSpecies],
    input: &DensityHostInputs,
) -> Result<DensityOutputs, GpuError> {
    use buffers::{f32_bytes, storage, vec4_bytes};
    let (n, ns, m, moves) = (graph.n(), species.len(), graph.m(), graph.moves());
    let stage = DensityStage::new(ctx)?;
    let (species_bytes, op_bytes) = params::species_bytes(species);
    let params = buffers::uniform(ctx, "density params", &params_bytes(n, ns, m, moves));
    let sp = storage(ctx, "species", &species_bytes);
    let ops = storage(ctx, "release_ops", &op_bytes);
    let g = GraphBuffers::new(ctx, graph);
    let kernel = storage(ctx, "kernel", &f32_bytes(input.kernel.iter().flatten().copied()));
    let dock = storage(ctx, "dock", &f32_bytes(input.dock.iter().copied()));
    let births = storage(ctx, "births", &f32_bytes(input.births.iter().copied()));
    let payload = storage(ctx, "birth_payload", &vec4_bytes(input.birth_payload));
    let rho = storage(ctx, "rho", &f32_bytes(input.rho.iter().copied()));
    let mass = storage(ctx, "mass", &vec4_bytes(input.mass));
    let s = DensityScratch::new(ctx, n, ns, m);
    let b = DensityBindings {
        params: &params,
        species: &sp,
        release_ops: &ops,
        move_offsets: &g.move_offsets,
        move_forward_len: &g.move_forward_len,
        in_move_offsets: &g.in_move_offsets,
        in_move_forward_len: &g.in_move_forward_len,
        in_moves: &g.in_moves,
        move_from: &g.move_from,
        edge_moves: &g.edge_moves,
        kernel: &kernel,
        dock: &dock,
        births: &births,
        birth_payload: &payload,
        rho: &rho,
        mass: &mass,
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
        edges: m,
    };
    buffers::scoped(ctx, || {
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        stage.encode(ctx, &mut encoder, &b)?;
        ctx.queue.submit([encoder.finish()]);
        Ok::<(), GpuError>(())
    })??;
    let nsb = n * ns * 4;
    let out = buffers::read(
        ctx,
        &[
            (&s.stay, nsb),
            (&s.leave, nsb),
            (&s.docks, nsb),
            (&s.birth_rho, nsb),
            (&s.birth_mass, nsb * 4),
            (&s.cascade_rho, nsb),
            (&s.releases, n * channel::stride(ns) * 8),
            (&s.next_rho, nsb),
            (&s.next_mass, nsb * 4),
            (&s.edge_flux, m * 4),
        ],
    )?;
    Ok(DensityOutputs {
        stay: buffers::to_f32(&out[0]),
        leave: buffers::to_f32(&out[1]),
        docks: buffers::to_f32(&out[2]),
        birth_rho: buffers::to_f32(&out[3]),
        birth_mass: buffers::to_vec4(&out[4]),
        cascade_rho: buffers::to_f32(&out[5]),
        releases: fixed_from_words(&buffers::to_u32(&out[6])),
        next_rho: buffers::to_f32(&out[7]),
        next_mass: buffers::to_vec4(&out[8]),
        edge_flux: buffers::to_f32(&out[9]),
    })
}
