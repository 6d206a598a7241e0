//! The apply stage (`shaders/apply.wgsl`, CPU twin `crate::cpu::apply`): per node, the
//! modulation relaxes, the releases apply and the in-edges' pathway traces update.

use super::Slot;
use super::buffers;
use crate::cpu::apply::ApplyParams;
use crate::gpu::{GpuContext, GpuError};
use crate::graph::Graph;
use crate::modulation::Modulation;

/// The binding kinds of `apply.wgsl`, in binding order.
const KINDS: [Slot; 16] = {
    use Slot::{Read as R, ReadWrite as W, Uniform as U};
    [U, W, W, W, W, W, W, W, W, W, R, R, R, R, R, R]
};

/// The buffers of one dispatch, in binding order (see `shaders/apply.wgsl`), and its size.
pub struct ApplyBindings<'a> {
    /// 0: `ApplyParams` ([`params_bytes`]).
    pub params: &'a wgpu::Buffer,
    /// 1: gain.
    pub gain: &'a wgpu::Buffer,
    /// 2: shift.
    pub shift: &'a wgpu::Buffer,
    /// 3: learning-rate multiplier.
    pub lr_mult: &'a wgpu::Buffer,
    /// 4: threshold shift.
    pub threshold: &'a wgpu::Buffer,
    /// 5: emission gains `[κ · n + i]`.
    pub emission_gain: &'a wgpu::Buffer,
    /// 6: memory slots.
    pub memory: &'a wgpu::Buffer,
    /// 7: running-average counts.
    pub memory_count: &'a wgpu::Buffer,
    /// 8: weight deltas per edge.
    pub weight_delta: &'a wgpu::Buffer,
    /// 9: pathway traces per edge.
    pub pathway: &'a wgpu::Buffer,
    /// 10: fixed-point release sums (lo, hi) `[i · stride + channel]`.
    pub releases: &'a wgpu::Buffer,
    /// 11: hops per edge.
    pub edge_hops: &'a wgpu::Buffer,
    /// 12: activity.
    pub activity: &'a wgpu::Buffer,
    /// 13: `Graph::in_offsets`.
    pub in_offsets: &'a wgpu::Buffer,
    /// 14: `Graph::in_edges`.
    pub in_edges: &'a wgpu::Buffer,
    /// 15: `Graph::edge_src`.
    pub edge_src: &'a wgpu::Buffer,
    /// Nodes.
    pub n: usize,
}

impl ApplyBindings<'_> {
    fn buffers(&self) -> [&wgpu::Buffer; 16] {
        [
            self.params,
            self.gain,
            self.shift,
            self.lr_mult,
            self.threshold,
            self.emission_gain,
            self.memory,
            self.memory_count,
            self.weight_delta,
            self.pathway,
            self.releases,
            self.edge_hops,
            self.activity,
            self.in_offsets,
            self.in_edges,
            self.edge_src,
        ]
    }
}

/// `ApplyParams` of the shader.
pub fn params_bytes(n: usize, species: usize, p: &ApplyParams) -> Vec<u8> {
    let stride = crate::compile::channel::stride(species);
    buffers::u32_bytes([
        n as u32,
        species as u32,
        stride as u32,
        0,
        p.relax.to_bits(),
        p.relax_weight.to_bits(),
        p.relax_memory.to_bits(),
        p.keep.to_bits(),
    ])
}

/// The compiled apply stage.
#[derive(Debug)]
pub struct ApplyStage {
    stage: super::StagePipeline,
}

impl ApplyStage {
    /// Compiles the stage.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        Ok(Self { stage: super::StagePipeline::new(ctx, "apply", &KINDS)? })
    }

    /// Records one dispatch over every node.
    pub fn encode(
        &self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        b: &ApplyBindings,
    ) -> Result<(), GpuError> {
        let groups = buffers::workgroups(ctx, b.n)?;
        self.stage.encode(ctx, encoder, &b.buffers(), (groups, 1));
        Ok(())
    }
}

/// The modulation's buffers (bindings 1 to 8).
#[derive(Debug)]
pub struct ModulationBuffers {
    /// Gain.
    pub gain: wgpu::Buffer,
    /// Shift.
    pub shift: wgpu::Buffer,
    /// Learning-rate multiplier.
    pub lr_mult: wgpu::Buffer,
    /// Threshold shift.
    pub threshold: wgpu::Buffer,
    /// Emission gains.
    pub emission_gain: wgpu::Buffer,
    /// Memory slots.
    pub memory: wgpu::Buffer,
    /// Running-average counts.
    pub memory_count: wgpu::Buffer,
    /// Weight deltas.
    pub weight_delta: wgpu::Buffer,
}

impl ModulationBuffers {
    /// Uploads `m`.
    pub fn new(ctx: &GpuContext, m: &Modulation) -> Self {
        let up = |label: &str, xs: &[f32]| {
            buffers::storage(ctx, label, &buffers::f32_bytes(xs.iter().copied()))
        };
        Self {
            gain: up("gain", &m.gain),
            shift: up("shift", &m.shift),
            lr_mult: up("lr_mult", &m.lr_mult),
            threshold: up("threshold", &m.threshold),
            emission_gain: up("emission_gain", &m.emission_gain),
            memory: buffers::storage(ctx, "memory", &buffers::vec4_bytes(&m.memory)),
            memory_count: up("memory_count", &m.memory_count),
            weight_delta: up("weight_delta", &m.weight_delta),
        }
    }

    /// Reads every field back into `m` (which has the sizes of the uploaded modulation).
    pub fn read_into(&self, ctx: &GpuContext, m: &mut Modulation) -> Result<(), GpuError> {
        let f = |v: &Vec<f32>| v.len() * 4;
        let out = buffers::read(
            ctx,
            &[
                (&self.gain, f(&m.gain)),
                (&self.shift, f(&m.shift)),
                (&self.lr_mult, f(&m.lr_mult)),
                (&self.threshold, f(&m.threshold)),
                (&self.emission_gain, f(&m.emission_gain)),
                (&self.memory, m.memory.len() * 16),
                (&self.memory_count, f(&m.memory_count)),
                (&self.weight_delta, f(&m.weight_delta)),
            ],
        )?;
        m.gain = buffers::to_f32(&out[0]);
        m.shift = buffers::to_f32(&out[1]);
        m.lr_mult = buffers::to_f32(&out[2]);
        m.threshold = buffers::to_f32(&out[3]);
        m.emission_gain = buffers::to_f32(&out[4]);
        m.memory = buffers::to_vec4(&out[5]);
        m.memory_count = buffers::to_f32(&out[6]);
        m.weight_delta = buffers::to_f32(&out[7]);
        Ok(())
    }
}

/// Runs the apply stage once from CPU arrays: `m` and `pathway` are updated in place from the
/// fixed-point `releases` (2^-24 units, `[i · stride + channel]`). The check against the
/// CPU twin.
#[allow(clippy::too_many_arguments)]
pub fn run_once(
    ctx: &GpuContext,
    graph: &Graph,
    species: usize,
    p: &ApplyParams,
    m: &mut Modulation,
    pathway: &mut [f32],
    releases: &[i64],
    edge_hops: &[f32],
    activity: &[f32],
) -> Result<(), GpuError> {
    use buffers::{f32_bytes, storage, u32_bytes};
    let n = graph.n();
    let stage = ApplyStage::new(ctx)?;
    let params = buffers::uniform(ctx, "apply params", &params_bytes(n, species, p));
    let mb = ModulationBuffers::new(ctx, m);
    let path = storage(ctx, "pathway", &f32_bytes(pathway.iter().copied()));
    let rel = storage(
        ctx,
        "releases",
        &u32_bytes(releases.iter().flat_map(|&v| [v as u32, (v as u64 >> 32) as u32])),
    );
    let hops = storage(ctx, "edge_hops", &f32_bytes(edge_hops.iter().copied()));
    let act = storage(ctx, "activity", &f32_bytes(activity.iter().copied()));
    let up = |label: &str, words: &[u32]| storage(ctx, label, &u32_bytes(words.iter().copied()));
    let in_offsets = up("in_offsets", &graph.in_offsets);
    let in_edges = up("in_edges", &graph.in_edges);
    let edge_src = up("edge_src", &graph.edge_src);
    let b = ApplyBindings {
        params: &params,
        gain: &mb.gain,
        shift: &mb.shift,
        lr_mult: &mb.lr_mult,
        threshold: &mb.threshold,
        emission_gain: &mb.emission_gain,
        memory: &mb.memory,
        memory_count: &mb.memory_count,
        weight_delta: &mb.weight_delta,
        pathway: &path,
        releases: &rel,
        edge_hops: &hops,
        activity: &act,
        in_offsets: &in_offsets,
        in_edges: &in_edges,
        edge_src: &edge_src,
        n,
    };
    buffers::scoped(ctx, || {
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        stage.encode(ctx, &mut encoder, &b)?;
        ctx.queue.submit([encoder.finish()]);
        Ok::<(), GpuError>(())
    })??;
    mb.read_into(ctx, m)?;
    let out = buffers::read(ctx, &[(&path, pathway.len() * 4)])?;
    pathway.copy_from_slice(&buffers::to_f32(&out[0]));
    Ok(())
}
