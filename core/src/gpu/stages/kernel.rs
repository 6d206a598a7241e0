//! The fields stage (`shaders/kernel.wgsl`, CPU twin `crate::cpu::kernel`): the kernel, its
//! running sums, D_i and the emission, one thread per (node, species).

use super::Slot;
use super::buffers;
use super::params;
use crate::compile::CompiledSpecies;
use crate::cpu::kernel::MoveCdf;
use crate::gpu::{GpuContext, GpuError};
use crate::graph::Graph;
use crate::host::Signals;

/// The binding kinds of `kernel.wgsl`, in binding order.
const KINDS: [Slot; 21] = {
    use Slot::{Read as R, ReadWrite as W, Uniform as U};
    [U, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, W, W, W, W, W]
};

/// The buffers of one dispatch, in binding order (see `shaders/kernel.wgsl`), and its size.
pub struct KernelBindings<'a> {
    /// 0: `KernelParams` ([`params_bytes`]).
    pub params: &'a wgpu::Buffer,
    /// 1: `SpeciesParams` per species ([`params::species_bytes`]).
    pub species: &'a wgpu::Buffer,
    /// 2: `Graph::move_offsets`.
    pub move_offsets: &'a wgpu::Buffer,
    /// 3: `Graph::move_forward_len`.
    pub move_forward_len: &'a wgpu::Buffer,
    /// 4: `Graph::move_target`.
    pub move_target: &'a wgpu::Buffer,
    /// 5: `Graph::move_edge`.
    pub move_edge: &'a wgpu::Buffer,
    /// 6: biases `[κ · moves + mv]`.
    pub bias: &'a wgpu::Buffer,
    /// 7: effective weight per edge.
    pub weight: &'a wgpu::Buffer,
    /// 8: pathway traces per edge.
    pub pathway: &'a wgpu::Buffer,
    /// 9: (activity, error, |error|, brush) per node.
    pub signals: &'a wgpu::Buffer,
    /// 10: meta signal values.
    pub meta: &'a wgpu::Buffer,
    /// 11: emission gains `[κ · n + i]`.
    pub emission_gain: &'a wgpu::Buffer,
    /// 12: source flags `[κ · n + i]`.
    pub source: &'a wgpu::Buffer,
    /// 13: unit receptors per node.
    pub receptors: &'a wgpu::Buffer,
    /// 14: ρ.
    pub rho: &'a wgpu::Buffer,
    /// 15: C.
    pub mass: &'a wgpu::Buffer,
    /// 16 (out): P `[κ · moves + mv]`; must start zeroed (off-range moves stay 0).
    pub kernel: &'a wgpu::Buffer,
    /// 17 (out): (running sum, target) `[κ · moves + mv]`.
    pub cdf: &'a wgpu::Buffer,
    /// 18 (out): D_i.
    pub dock: &'a wgpu::Buffer,
    /// 19 (out): λ_i·dt.
    pub births: &'a wgpu::Buffer,
    /// 20 (out): emission payload.
    pub birth_payload: &'a wgpu::Buffer,
    /// Nodes.
    pub n: usize,
    /// Species.
    pub species_count: usize,
}

impl KernelBindings<'_> {
    fn buffers(&self) -> [&wgpu::Buffer; 21] {
        [
            self.params,
            self.species,
            self.move_offsets,
            self.move_forward_len,
            self.move_target,
            self.move_edge,
            self.bias,
            self.weight,
            self.pathway,
            self.signals,
            self.meta,
            self.emission_gain,
            self.source,
            self.receptors,
            self.rho,
            self.mass,
            self.kernel,
            self.cdf,
            self.dock,
            self.births,
            self.birth_payload,
        ]
    }
}

/// `KernelParams` of the shader.
pub fn params_bytes(n: usize, species: usize, moves: usize, dt: f32) -> Vec<u8> {
    buffers::u32_bytes([n as u32, species as u32, moves as u32, dt.to_bits()])
}

/// The compiled fields stage.
#[derive(Debug)]
pub struct KernelStage {
    stage: super::StagePipeline,
}

impl KernelStage {
    /// Compiles the stage.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        Ok(Self { stage: super::StagePipeline::new(ctx, "kernel", &KINDS)? })
    }

    /// Records one dispatch over every (node, species).
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        b: &KernelBindings,
    ) -> Result<(), GpuError> {
        let groups = buffers::workgroups(ctx, b.n)?;
        self.stage.encode(ctx, encoder, &b.buffers(), (groups, b.species_count as u32));
        Ok(())
    }
}

/// The CPU arrays the fields stage reads (besides the graph and the species).
pub struct KernelHostInputs<'a> {
    /// Effective weight per edge.
    pub weight: &'a [f32],
    /// Pathway traces per edge.
    pub pathway: &'a [f32],
    /// Host signals.
    pub signals: &'a Signals,
    /// Brush per node.
    pub brush: &'a [f32],
    /// Meta signal values.
    pub meta: &'a [f32],
    /// Emission gains `[κ · n + i]`.
    pub emission_gain: &'a [f32],
    /// Unit receptors.
    pub receptors: &'a [[f32; 4]],
    /// ρ `[κ · n + i]`.
    pub rho: &'a [f32],
    /// C `[κ · n + i]`.
    pub mass: &'a [[f32; 4]],
    /// dt.
    pub dt: f32,
}

/// What the fields stage writes, read back.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelOutputs {
    /// P per species and move (0 off the allowed moves).
    pub kernel: Vec<Vec<f32>>,
    /// Running sums per species and move (default off the allowed moves).
    pub cdf: Vec<Vec<MoveCdf>>,
    /// D_i `[κ · n + i]`.
    pub dock: Vec<f32>,
    /// λ_i·dt `[κ · n + i]`.
    pub births: Vec<f32>,
    /// Emission payload `[κ · n + i]`.
    pub birth_payload: Vec<[f32; 4]>,
}

/// Runs the fields stage once from CPU arrays (uploads, one dispatch, read back): the check
/// against the CPU twin.
pub fn run_once(
    ctx: &GpuContext,
    graph: &Graph,
    species: &[CompiledSpecies],
    input: &KernelHostInputs,
) -> Result<KernelOutputs, GpuError> {
    use buffers::{f32_bytes, storage, u32_bytes, vec4_bytes, zeroed};
    let (n, ns, moves) = (graph.n(), species.len(), graph.moves());
    let stage = KernelStage::new(ctx)?;
    let (species_bytes, _) = params::species_bytes(species);
    let params = buffers::uniform(ctx, "kernel params", &params_bytes(n, ns, moves, input.dt));
    let sp = storage(ctx, "species", &species_bytes);
    let move_offsets = storage(ctx, "move_offsets", &u32_bytes(graph.move_offsets.clone()));
    let forward = storage(ctx, "move_forward_len", &u32_bytes(graph.move_forward_len.clone()));
    let target = storage(ctx, "move_target", &u32_bytes(graph.move_target.clone()));
    let edge = storage(ctx, "move_edge", &u32_bytes(graph.move_edge.clone()));
    let bias = storage(ctx, "bias", &params::bias_bytes(species));
    let weight = storage(ctx, "weight", &f32_bytes(input.weight.iter().copied()));
    let pathway = storage(ctx, "pathway", &f32_bytes(input.pathway.iter().copied()));
    let signals = storage(ctx, "signals", &params::signal_bytes(input.signals, input.brush));
    let meta = storage(ctx, "meta", &f32_bytes(input.meta.iter().copied()));
    let gain = storage(ctx, "emission_gain", &f32_bytes(input.emission_gain.iter().copied()));
    let source = storage(ctx, "source", &params::source_bytes(species, n));
    let receptors = storage(ctx, "receptors", &vec4_bytes(input.receptors));
    let rho = storage(ctx, "rho", &f32_bytes(input.rho.iter().copied()));
    let mass = storage(ctx, "mass", &vec4_bytes(input.mass));
    let kernel = zeroed(ctx, "kernel", ns * moves * 4);
    let cdf = zeroed(ctx, "cdf", ns * moves * 8);
    let dock = zeroed(ctx, "dock", ns * n * 4);
    let births = zeroed(ctx, "births", ns * n * 4);
    let payload = zeroed(ctx, "birth_payload", ns * n * 16);
    let b = KernelBindings {
        params: &params,
        species: &sp,
        move_offsets: &move_offsets,
        move_forward_len: &forward,
        move_target: &target,
        move_edge: &edge,
        bias: &bias,
        weight: &weight,
        pathway: &pathway,
        signals: &signals,
        meta: &meta,
        emission_gain: &gain,
        source: &source,
        receptors: &receptors,
        rho: &rho,
        mass: &mass,
        kernel: &kernel,
        cdf: &cdf,
        dock: &dock,
        births: &births,
        birth_payload: &payload,
        n,
        species_count: ns,
    };
    buffers::scoped(ctx, || {
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        stage.encode(ctx, &mut encoder, &b)?;
        ctx.queue.submit([encoder.finish()]);
        Ok::<(), GpuError>(())
    })??;
    let out = buffers::read(
        ctx,
        &[
            (&kernel, ns * moves * 4),
            (&cdf, ns * moves * 8),
            (&dock, ns * n * 4),
            (&births, ns * n * 4),
            (&payload, ns * n * 16),
        ],
    )?;
    let p = buffers::to_f32(&out[0]);
    let words = buffers::to_u32(&out[1]);
    let cdf: Vec<MoveCdf> = words
        .chunks_exact(2)
        .map(|w| MoveCdf { cdf: f32::from_bits(w[0]), target: w[1] })
        .collect();
    Ok(KernelOutputs {
        kernel: (0..ns).map(|k| p[k * moves..(k + 1) * moves].to_vec()).collect(),
        cdf: (0..ns).map(|k| cdf[k * moves..(k + 1) * moves].to_vec()).collect(),
        dock: buffers::to_f32(&out[2]),
        births: buffers::to_f32(&out[3]),
        birth_payload: buffers::to_vec4(&out[4]),
    })
}
