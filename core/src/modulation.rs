//! The modulation state of the host (MODEL §1) and how releases change it (MODEL §3, stage 4).
//!
//! Between releases every quantity relaxes toward its default: additive ones (gain → 1,
//! shift → 0, threshold shift → 0, weight deltas → 0, memory → 0) exponentially, multiplicative
//! ones (learning-rate multiplier → 1, emission gains → 1) exponentially in log space. Then the
//! step's summed releases are applied.

use crate::compile::channel;
use crate::graph::Graph;
use crate::preset::ModulationSpec;

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

fn decay(tau: Option<f32>, dt: f32) -> f32 {
    tau.map_or(1.0, |t| (-dt / t).exp())
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

    /// Relaxes every quantity toward its default over one step of `dt`.
    pub fn relax(&mut self, spec: &ModulationSpec, dt: f32) {
        let k = decay(spec.tau, dt);
        if k < 1.0 {
            for g in &mut self.gain {
                *g = 1.0 + (*g - 1.0) * k;
            }
            for v in self.shift.iter_mut().chain(&mut self.threshold) {
                *v *= k;
            }
            for v in self.lr_mult.iter_mut().chain(&mut self.emission_gain) {
                // At its default (the common case) a multiplier stays put: skip the powf.
                if *v != 1.0 {
                    *v = v.powf(k);
                }
            }
        }
        let kw = decay(spec.tau_weight, dt);
        if kw < 1.0 {
            for w in &mut self.weight_delta {
                *w *= kw;
            }
        }
        let km = decay(spec.tau_memory, dt);
        if km < 1.0 {
            for m in self.memory.iter_mut().flatten() {
                *m *= km;
            }
        }
    }

    /// Applies one step's summed releases. `activity` is a_j of the step (for `Weight`).
    pub fn apply(&mut self, releases: &Releases, graph: &Graph, activity: &[f32]) {
        let n = graph.n();
        let species = releases.stride - channel::EMISSION_GAIN;
        for i in 0..n {
            let r = releases.node(i);
            self.gain[i] += r[channel::GAIN] as f32;
            self.shift[i] += r[channel::SHIFT] as f32;
            self.threshold[i] += r[channel::THRESHOLD] as f32;
            if r[channel::LEARNING_RATE] != 0.0 {
                self.lr_mult[i] *= (r[channel::LEARNING_RATE] as f32).exp();
            }
            for s in 0..species {
                let q = r[channel::EMISSION_GAIN + s];
                if q != 0.0 {
                    self.emission_gain[s * n + i] *= (q as f32).exp();
                }
            }
            let qw = r[channel::WEIGHT] as f32;
            if qw != 0.0 {
                for &e in graph.in_edges_of(i) {
                    let j = graph.edge_src[e as usize] as usize;
                    self.weight_delta[e as usize] += qw * activity[j];
                }
            }
            self.apply_memory(i, r);
        }
    }

    /// Memory arrivals of one step, order-free: fixed-ε arrivals first (the slot keeps
    /// Π(1 − ε) of itself and takes the ε-weighted mean of the arrivals for the rest; exactly
    /// the sequential rule when the arrivals are equal), then running-average arrivals
    /// (M ← (M·count + Σc) / (count + k)).
    fn apply_memory(&mut self, i: usize, r: &[f64]) {
        let w = r[channel::MEM_FIX_WEIGHT];
        if w > 0.0 {
            let retain = r[channel::MEM_FIX_LOG_RETAIN].exp();
            for (d, m) in self.memory[i].iter_mut().enumerate() {
                let mean = r[channel::MEM_FIX_SUM + d] / w;
                *m = (retain * *m as f64 + (1.0 - retain) * mean) as f32;
            }
        }
        let k = r[channel::MEM_RUN_COUNT];
        if k > 0.0 {
            let count = self.memory_count[i] as f64;
            for (d, m) in self.memory[i].iter_mut().enumerate() {
                *m = ((*m as f64 * count + r[channel::MEM_RUN_SUM + d]) / (count + k)) as f32;
            }
            self.memory_count[i] = (count + k) as f32;
        }
    }
}
