//! Pair-based STDP with pre and post traces, two- or three-factor (MODEL §8; the rule and its
//! orderings are documented on [`StdpSpec`]).
//!
//! Per neuron: a pre trace x and a post trace y. Per plastic synapse, in three-factor form: an
//! eligibility trace e. The learner is driven around each reference step:
//! [`Stdp::before_step`] (the previous step's pairings, in `previous_step` ordering) and
//! [`Stdp::after_step`] (this step's traces and, in the default ordering, its pairings). Pairings
//! walk the spiking neurons' synapse rows in increasing order; the three-factor update is
//! elementwise over synapses, so the result does not depend on the thread count.

use rayon::prelude::*;

use super::spec::StdpSpec;
use super::topology::Topology;

/// Synapses per parallel task of the three-factor update.
const CHUNK: usize = 16_384;

/// The learner's state.
#[derive(Clone, Debug)]
pub struct Stdp {
    spec: StdpSpec,
    /// e^(−dt/τ_plus).
    decay_pre: f64,
    /// e^(−dt/τ_minus).
    decay_post: f64,
    /// e^(−dt/τ_e).
    decay_eligibility: f64,
    /// dt/τ_e: the share of the eligibility turned into weight per step (at η = 1).
    eligibility_rate: f64,
    pre_trace: Vec<f64>,
    post_trace: Vec<f64>,
    eligibility: Vec<f64>,
    /// The spikes of the previous step (`previous_step` ordering).
    previous: Vec<u32>,
}

impl Stdp {
    /// A learner with zero traces for `topology`, stepping by `dt` seconds.
    pub fn new(spec: &StdpSpec, topology: &Topology, dt: f64) -> Self {
        Self {
            spec: *spec,
            decay_pre: (-dt / spec.tau_plus).exp(),
            decay_post: (-dt / spec.tau_minus).exp(),
            decay_eligibility: (-dt / spec.tau_e).exp(),
            eligibility_rate: dt / spec.tau_e,
            pre_trace: vec![0.0; topology.n()],
            post_trace: vec![0.0; topology.n()],
            eligibility: if spec.three_factor { vec![0.0; topology.m()] } else { Vec::new() },
            previous: Vec::new(),
        }
    }

    /// The rule.
    pub fn spec(&self) -> &StdpSpec {
        &self.spec
    }

    /// Pre trace x per neuron.
    pub fn pre_trace(&self) -> &[f64] {
        &self.pre_trace
    }

    /// Post trace y per neuron.
    pub fn post_trace(&self) -> &[f64] {
        &self.post_trace
    }

    /// Eligibility e per synapse, mV (empty in two-factor form; 0 on non-plastic synapses).
    pub fn eligibility(&self) -> &[f64] {
        &self.eligibility
    }

    /// Before the reference step: in `previous_step` ordering, the pairings of the previous
    /// step's spikes; in three-factor form then the weight update with `lr_mult` (η per
    /// neuron). Nothing in the default ordering.
    pub fn before_step(&mut self, topo: &Topology, lr_mult: &[f32], weights: &mut [f64]) {
        if !self.spec.previous_step {
            return;
        }
        let previous = std::mem::take(&mut self.previous);
        self.decay_eligibility_all();
        self.depress(topo, &previous, weights);
        self.potentiate(topo, &previous, weights);
        self.previous = previous;
        self.three_factor_update(topo, lr_mult, weights);
    }

    /// After the reference step with its `spikes` (increasing): traces decay and take the
    /// spikes; in the default ordering the pairings apply (pre spikes first, then post) and,
    /// in three-factor form, the weight update with `lr_mult`.
    pub fn after_step(
        &mut self,
        topo: &Topology,
        spikes: &[u32],
        lr_mult: &[f32],
        weights: &mut [f64],
    ) {
        for x in &mut self.pre_trace {
            *x *= self.decay_pre;
        }
        for y in &mut self.post_trace {
            *y *= self.decay_post;
        }
        if self.spec.previous_step {
            self.bump(spikes, true);
            self.bump(spikes, false);
            self.previous.clear();
            self.previous.extend_from_slice(spikes);
            return;
        }
        self.decay_eligibility_all();
        self.bump(spikes, true);
        self.depress(topo, spikes, weights);
        self.bump(spikes, false);
        self.potentiate(topo, spikes, weights);
        self.three_factor_update(topo, lr_mult, weights);
    }

    /// Adds this step's spikes to the pre (`pre = true`) or post traces.
    fn bump(&mut self, spikes: &[u32], pre: bool) {
        let trace = if pre { &mut self.pre_trace } else { &mut self.post_trace };
        for &i in spikes {
            let x = &mut trace[i as usize];
            *x = if self.spec.nearest { 1.0 } else { *x + 1.0 };
        }
    }

    /// Pre spikes: every plastic synapse j → i of a spiking j changes by −a_minus · y_i.
    fn depress(&mut self, topo: &Topology, spikes: &[u32], weights: &mut [f64]) {
        for &j in spikes {
            for s in topo.outgoing(j as usize) {
                if topo.plastic[s] {
                    let d = -self.spec.a_minus * self.post_trace[topo.post[s] as usize];
                    self.change(s, d, weights);
                }
            }
        }
    }

    /// Post spikes: every plastic synapse j → i of a spiking i changes by a_plus · x_j.
    fn potentiate(&mut self, topo: &Topology, spikes: &[u32], weights: &mut [f64]) {
        for &i in spikes {
            for &s in topo.incoming(i as usize) {
                let s = s as usize;
                if topo.plastic[s] {
                    let d = self.spec.a_plus * self.pre_trace[topo.pre[s] as usize];
                    self.change(s, d, weights);
                }
            }
        }
    }

    /// One pairing's change: into the eligibility (three-factor) or the clamped weight.
    fn change(&mut self, s: usize, d: f64, weights: &mut [f64]) {
        if self.spec.three_factor {
            self.eligibility[s] += d;
        } else {
            weights[s] = (weights[s] + d).clamp(self.spec.w_min, self.spec.w_max);
        }
    }

    fn decay_eligibility_all(&mut self) {
        let k = self.decay_eligibility;
        self.eligibility.par_iter_mut().with_min_len(CHUNK).for_each(|e| *e *= k);
    }

    /// Three-factor form: w ← clamp(w + η_post · e · dt/τ_e) on every plastic synapse.
    fn three_factor_update(&mut self, topo: &Topology, lr_mult: &[f32], weights: &mut [f64]) {
        if !self.spec.three_factor {
            return;
        }
        let (rate, lo, hi) = (self.eligibility_rate, self.spec.w_min, self.spec.w_max);
        weights.par_chunks_mut(CHUNK).zip(self.eligibility.par_chunks(CHUNK)).enumerate().for_each(
            |(c, (w, e))| {
                for k in 0..w.len() {
                    let s = c * CHUNK + k;
                    if topo.plastic[s] && e[k] != 0.0 {
                        let eta = lr_mult[topo.post[s] as usize] as f64;
                        w[k] = (w[k] + eta * e[k] * rate).clamp(lo, hi);
                    }
                }
            },
        );
    }
}
