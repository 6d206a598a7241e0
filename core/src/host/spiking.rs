//! The spiking LIF host (MODEL §8) inside a world.
//!
//! Each step, with the modulation of the previous step: the effective weights are the host's
//! (STDP-learned) weights plus the `Weight` releases' deltas; in `previous_step` ordering STDP
//! applies the previous step's pairings; the reference ([`LifReference`]) takes one step with
//! the threshold shifts Δθ_i written by `Threshold` releases; STDP takes this step's spikes
//! (three-factor: scaled by the learning-rate multipliers η_i of `LearningRate` releases).
//!
//! Signals: the activity a_i is the neuron's low-pass spike rate in spikes per second (each
//! spike adds 1/`activity_tau`, and a_i decays by exp(−dt/`activity_tau`) per step), so
//! spikes are what the `Activity` emission trigger sees. Error is 0, there is no loss.

use crate::graph::Graph;
use crate::host::{ModulationView, Signals};
use crate::spiking::build::decimal_f64;
use crate::spiking::raster::RASTER_KEPT;
use crate::spiking::{LifReference, Raster, SpikingNetwork, SpikingSpec, Stdp};

/// The spiking host: the network, its reference, the learner and the records.
#[derive(Clone, Debug)]
pub struct SpikingHost {
    network: SpikingNetwork,
    reference: LifReference,
    stdp: Option<Stdp>,
    /// Learned weights per synapse (= graph edge), mV.
    weights: Vec<f64>,
    /// Learned weights plus vesicle weight deltas, mV: what the last step's spikes carried.
    effective: Vec<f64>,
    /// Low-pass spike rate per neuron, spikes per second.
    rate: Vec<f64>,
    rate_keep: f64,
    rate_jump: f64,
    raster: Raster,
    input_raster: Raster,
}

impl SpikingHost {
    /// Builds the network of `spec` with the preset's `dt` (seconds) and `seed`; returns the
    /// host and its graph (nodes = neurons, edge k = synapse k).
    pub fn new(spec: &SpikingSpec, dt: f32, seed: u64) -> Result<(Self, Graph), String> {
        let dt = decimal_f64(dt);
        let (network, graph) = crate::spiking::build(spec, dt, seed)?;
        let reference = LifReference::new(&network, seed)?;
        let stdp = spec.stdp.as_ref().map(|s| Stdp::new(s, reference.topology(), dt));
        let weights = network.weights();
        let n = network.len();
        Ok((
            Self {
                effective: weights.clone(),
                weights,
                stdp,
                rate: vec![0.0; n],
                rate_keep: (-dt / spec.activity_tau).exp(),
                rate_jump: 1.0 / spec.activity_tau,
                raster: Raster::new(RASTER_KEPT),
                input_raster: Raster::new(RASTER_KEPT),
                reference,
                network,
            },
            graph,
        ))
    }

    /// One host step (MODEL §3 stage 1). `weight` is the world's host weight per edge: the
    /// learned weights are written back into it when STDP is on.
    pub fn step(&mut self, weight: &mut [f32], modulation: &ModulationView, signals: &mut Signals) {
        let t = self.reference.steps_taken();
        if let Some(stdp) = &mut self.stdp {
            stdp.before_step(self.reference.topology(), modulation.lr_mult, &mut self.weights);
        }
        for ((e, w), d) in self.effective.iter_mut().zip(&self.weights).zip(modulation.weight_delta)
        {
            *e = w + *d as f64;
        }
        self.reference.step(Some(modulation.threshold), &self.effective);
        let spikes = self.reference.spikes();
        if let Some(stdp) = &mut self.stdp {
            stdp.after_step(
                self.reference.topology(),
                spikes,
                modulation.lr_mult,
                &mut self.weights,
            );
            for (out, w) in weight.iter_mut().zip(&self.weights) {
                *out = *w as f32;
            }
        }
        for r in &mut self.rate {
            *r *= self.rate_keep;
        }
        for &i in spikes {
            self.rate[i as usize] += self.rate_jump;
        }
        for (a, r) in signals.activity.iter_mut().zip(&self.rate) {
            *a = *r as f32;
        }
        signals.error.fill(0.0);
        signals.error_abs.fill(0.0);
        signals.loss = None;
        signals.accuracy = None;
        self.raster.push(t, spikes);
        self.input_raster.push(t, self.reference.input_spikes());
    }

    /// The built network (initial weights).
    pub fn network(&self) -> &SpikingNetwork {
        &self.network
    }

    /// The reference simulator (v, I, last spikes, topology).
    pub fn reference(&self) -> &LifReference {
        &self.reference
    }

    /// The learner, if the host has STDP.
    pub fn stdp(&self) -> Option<&Stdp> {
        self.stdp.as_ref()
    }

    /// The neurons that spiked in the last step, inputs included, increasing.
    pub fn spikes(&self) -> &[u32] {
        self.reference.spikes()
    }

    /// The input neurons that spiked in the last step.
    pub fn input_spikes(&self) -> &[u32] {
        self.reference.input_spikes()
    }

    /// Membrane potential per neuron, mV (0 for inputs).
    pub fn v(&self) -> &[f64] {
        self.reference.v()
    }

    /// Synaptic current per neuron, mV.
    pub fn current(&self) -> &[f64] {
        self.reference.current()
    }

    /// Low-pass spike rate per neuron, spikes per second (the activity signal).
    pub fn rate(&self) -> &[f64] {
        &self.rate
    }

    /// Every spike so far, `(step, neuron)`, the newest [`RASTER_KEPT`] kept.
    pub fn raster(&self) -> &Raster {
        &self.raster
    }

    /// The input neurons' spikes so far, `(step, neuron)`, the newest [`RASTER_KEPT`] kept.
    pub fn input_raster(&self) -> &Raster {
        &self.input_raster
    }

    /// The learned weights per synapse, mV (without the vesicles' weight deltas).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The weights the last step's spikes carried (learned + vesicle deltas), mV.
    pub fn effective_weights(&self) -> &[f64] {
        &self.effective
    }
}
