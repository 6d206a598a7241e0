//! The modulation state of the host (MODEL §1) and how releases change it (MODEL §3, stage 4).
//!
//! The relaxation toward the defaults and the application of the step's summed releases are
//! the stage `crate::cpu::apply` (twin of `shaders/apply.wgsl`).

use crate::compile::channel;
use crate::graph::Graph;

/// Per-node (and per-edge) modulation state.
#[derive(Clone, Debug, PartialEq)]
pub struct Modulation {
    /// Gain g_i (default 1).
    pub gain: Vec<f32>,
    /// Shift β_i (default 0).
    pub shift: Vec<f32>,
    /// Learning-rate multiplier η_i (default 1).
    pub lr_mult: Vec<f32>,
    /// Spiking threshold shift Δθ_i (default 0).
    pub threshold: Vec<f32>,
    /// Emission gain G_i^κ, species-major: `[κ · n + i]` (default 1).
    pub emission_gain: Vec<f32>,
    /// Memory slot M_i (default 0).
    pub memory: Vec<[f32; 4]>,
    /// Running-average arrivals counted so far at each node.
    pub memory_count: Vec<f32>,
    /// Weight delta per edge written by `Weight` releases (default 0).
    pub weight_delta: Vec<f32>,
}

/// Summed releases of one step: `channel::stride(S)` channels per node, node-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Releases {
    /// Channels per node.
    pub stride: usize,
    /// `[i · stride + channel]`.
    pub data: Vec<f64>,
}

impl Releases {
    /// Zeroed sums for n nodes and `species` species.
    pub fn zeros(n: usize, species: usize) -> Self {
        let stride = channel::stride(species);
        Self { stride, data: vec![0.0; n * stride] }
    }

    /// The channels of node i.
    pub fn node(&self, i: usize) -> &[f64] {
        &self.data[i * self.stride..(i + 1) * self.stride]
    }

    /// The channels of node i, mutable.
    pub fn node_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.stride..(i + 1) * self.stride]
    }
}

impl Modulation {
    /// Defaults for a graph and `species` species.
    pub fn new(graph: &Graph, species: usize) -> Self {
        let n = graph.n();
        Self {
            gain: vec![1.0; n],
            shift: vec![0.0; n],
            lr_mult: vec![1.0; n],
            threshold: vec![0.0; n],
            emission_gain: vec![1.0; n * species],
            memory: vec![[0.0; 4]; n],
            memory_count: vec![0.0; n],
            weight_delta: vec![0.0; graph.m()],
        }
    }
}
