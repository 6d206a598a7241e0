//! MODEL §3 stage 4: the modulation relaxes toward its defaults, then the step's summed
//! releases apply; the pathway traces decay and take the step's hops. Twin of
//! `shaders/apply.wgsl`, which does the same per node (a node's scalars, its emission gains,
//! and the weight deltas and traces of its in-edges); every element goes through the same
//! operations in the same order here, stage by stage over whole arrays.
//!
//! Binding order of the shader, and where each binding lives here:
//!  0 params ([`ApplyParams`]), 1 gain, 2 shift, 3 lr_mult, 4 threshold, 5 emission_gain,
//!  6 memory, 7 memory_count, 8 weight_delta (the [`Modulation`] fields), 9 pathway,
//!  10 releases ([`Releases`]; the shader reads the fixed-point (lo, hi) words), 11 edge_hops,
//!  12 activity, 13 in_offsets, 14 in_edges, 15 edge_src (the [`Graph`]).
//!
//! Additive quantities (gain → 1, shift, threshold shift, weight deltas, memory → 0) relax
//! exponentially, multiplicative ones (learning-rate multiplier, emission gains → 1) in log
//! space.

use crate::compile::channel;
use crate::fastmath;
use crate::graph::Graph;
use crate::modulation::{Modulation, Releases};
use crate::preset::ModulationSpec;

/// The per-step factors of the stage (binding 0 of the shader, with the sizes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApplyParams {
    /// exp(−dt/τ) of gain, shift, threshold shift and the multipliers (1: no relaxation).
    pub relax: f32,
    /// exp(−dt/τ_w) of the weight deltas.
    pub relax_weight: f32,
    /// exp(−dt/τ_m) of the memory slots.
    pub relax_memory: f32,
    /// exp(−dt/τ_π) of the pathway traces.
    pub keep: f32,
}

fn decay(tau: Option<f32>, dt: f32) -> f32 {
    tau.map_or(1.0, |t| (-dt / t).exp())
}

impl ApplyParams {
    /// The factors for a step of `dt` under `spec` and the pathway time constant.
    pub fn new(spec: &ModulationSpec, pathway_tau: Option<f32>, dt: f32) -> Self {
        Self {
            relax: decay(spec.tau, dt),
            relax_weight: decay(spec.tau_weight, dt),
            relax_memory: decay(spec.tau_memory, dt),
            keep: decay(pathway_tau, dt),
        }
    }
}

/// The whole stage: [`relax`], [`apply_releases`], then [`pathways`].
pub fn run(
    m: &mut Modulation,
    pathway: &mut [f32],
    p: &ApplyParams,
    releases: &Releases,
    edge_hops: &[f32],
    activity: &[f32],
    graph: &Graph,
) {
    relax(m, p);
    apply_releases(m, releases, graph, activity);
    pathways(pathway, p.keep, edge_hops);
}

/// Relaxes every quantity toward its default over one step.
pub fn relax(m: &mut Modulation, p: &ApplyParams) {
    let k = p.relax;
    if k < 1.0 {
        // 1 + (g − 1)·k, written g·k + (1 − k): a GPU compiler may rewrite the lerp form
        // (Mesa's NIR makes it this one), so both backends round this form's operations.
        for g in &mut m.gain {
            *g = *g * k + (1.0 - k);
        }
        for v in m.shift.iter_mut().chain(&mut m.threshold) {
            *v *= k;
        }
        for v in m.lr_mult.iter_mut().chain(&mut m.emission_gain) {
            // At its default (the common case) a multiplier stays put: skip the pow.
            if *v != 1.0 {
                *v = fastmath::pow(*v, k);
            }
        }
    }
    if p.relax_weight < 1.0 {
        for w in &mut m.weight_delta {
            *w *= p.relax_weight;
        }
    }
    if p.relax_memory < 1.0 {
        for v in m.memory.iter_mut().flatten() {
            *v *= p.relax_memory;
        }
    }
}

/// Applies one step's summed releases. `activity` is a_j of the step (for `Weight`, spread
/// over each node's in-edges).
pub fn apply_releases(m: &mut Modulation, releases: &Releases, graph: &Graph, activity: &[f32]) {
    let n = graph.n();
    let species = releases.stride - channel::EMISSION_GAIN;
    for i in 0..n {
        let r = releases.node(i);
        m.gain[i] += r[channel::GAIN] as f32;
        m.shift[i] += r[channel::SHIFT] as f32;
        m.threshold[i] += r[channel::THRESHOLD] as f32;
        if r[channel::LEARNING_RATE] != 0.0 {
            m.lr_mult[i] *= fastmath::exp(r[channel::LEARNING_RATE] as f32);
        }
        for s in 0..species {
            let q = r[channel::EMISSION_GAIN + s];
            if q != 0.0 {
                m.emission_gain[s * n + i] *= fastmath::exp(q as f32);
            }
        }
        let qw = r[channel::WEIGHT] as f32;
        if qw != 0.0 {
            for &e in graph.in_edges_of(i) {
                let j = graph.edge_src[e as usize] as usize;
                m.weight_delta[e as usize] += qw * activity[j];
            }
        }
        apply_memory(m, i, r);
    }
}

/// Memory arrivals of one step, order-free: fixed-ε arrivals first (the slot keeps
/// Π(1 − ε) of itself and takes the ε-weighted mean of the arrivals for the rest; exactly
/// the sequential rule when the arrivals are equal), then running-average arrivals
/// (M ← (M·count + Σc) / (count + k)). In f32 from the sums rounded to f32, as the shader.
fn apply_memory(m: &mut Modulation, i: usize, r: &[f64]) {
    let w = r[channel::MEM_FIX_WEIGHT] as f32;
    if w > 0.0 {
        let retain = fastmath::exp(r[channel::MEM_FIX_LOG_RETAIN] as f32);
        for (d, v) in m.memory[i].iter_mut().enumerate() {
            let mean = r[channel::MEM_FIX_SUM + d] as f32 / w;
            *v = retain * *v + (1.0 - retain) * mean;
        }
    }
    let k = r[channel::MEM_RUN_COUNT] as f32;
    if k > 0.0 {
        let count = m.memory_count[i];
        for (d, v) in m.memory[i].iter_mut().enumerate() {
            *v = (*v * count + r[channel::MEM_RUN_SUM + d] as f32) / (count + k);
        }
        m.memory_count[i] = count + k;
    }
}

/// The pathway traces decay by `keep` and take the step's hops.
pub fn pathways(pathway: &mut [f32], keep: f32, edge_hops: &[f32]) {
    for (p, h) in pathway.iter_mut().zip(edge_hops) {
        *p = *p * keep + h;
    }
}
