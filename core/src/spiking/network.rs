//! The built spiking network (MODEL §8): neurons with their LIF parameters, populations,
//! synapses with weights and delays, and the input sources.
//!
//! This is the one description that the floating-point reference ([`crate::spiking`]), the
//! Darwin3 emulator ([`crate::darwin3`]) and the `network.json` export all read, so the three
//! always agree on what the network is. Units: seconds for times, millivolts for potentials
//! and currents (MODEL §8 writes v, I and I_ext in mV), steps for delays.

use serde::{Deserialize, Serialize};

/// The leaky integrate-and-fire parameters of one neuron (MODEL §8).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LifParams {
    /// Membrane time constant τ_m, seconds (> 0, ≠ τ_s).
    pub tau_m: f64,
    /// Synaptic current time constant τ_s, seconds (> 0, ≠ τ_m).
    pub tau_s: f64,
    /// Resting potential v_rest, mV.
    pub v_rest: f64,
    /// Reset potential v_reset, mV.
    pub v_reset: f64,
    /// Threshold θ, mV (the effective threshold is θ + Δθ_i, Δθ written by `Threshold` releases).
    pub theta: f64,
    /// Refractory period t_ref, seconds (≥ 0); n_ref = ⌊t_ref/dt + 10⁻³⌋ steps
    /// ([`crate::spiking::refractory_steps`]).
    pub t_ref: f64,
    /// Constant external drive I_ext, mV.
    pub i_ext: f64,
}

/// What a neuron is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NeuronKind {
    /// A spike source driven from outside (Poisson or a schedule); it has no membrane.
    Input(InputSource),
    /// A LIF neuron integrated exactly between steps.
    Lif(LifParams),
}

/// How an input neuron spikes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InputSource {
    /// A Poisson spike source: at most one spike per step, with probability
    /// `1 − exp(−rate · dt)`, drawn from the counter-based RNG (seeded, replayable).
    Poisson {
        /// Mean rate, spikes per second (≥ 0).
        rate: f64,
    },
    /// Spikes at exactly these steps (sorted, no repeats).
    Schedule {
        /// The steps at which the neuron spikes.
        steps: Vec<u64>,
    },
}

/// A named group of consecutive neurons (a layer), the unit that mapping places on cores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Population {
    /// Name, unique in the network (e.g. `input`, `hidden`, `output`).
    pub name: String,
    /// First neuron index.
    pub start: u32,
    /// Number of neurons (≥ 1).
    pub len: u32,
    /// Layer index, for layout (inputs 0).
    pub layer: u32,
}

/// One synapse pre → post.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Synapse {
    /// Presynaptic neuron.
    pub pre: u32,
    /// Postsynaptic neuron (a LIF neuron).
    pub post: u32,
    /// Weight w, mV added to the post neuron's current I per spike.
    pub weight: f64,
    /// Delay in steps, ≥ 1: a spike of `pre` at step t reaches `post` at step t + delay.
    pub delay: u32,
    /// Whether STDP changes this weight.
    pub plastic: bool,
}

/// A whole spiking network, as built from a preset.
///
/// Invariants (checked by [`SpikingNetwork::check`]): populations tile `0..neurons.len()` in
/// order without gaps; synapses are sorted by `(pre, post)` (the host graph's edge order, so
/// synapse k is graph edge k); every `post` is a LIF neuron; delays are ≥ 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpikingNetwork {
    /// The time step dt, seconds.
    pub dt: f64,
    /// Every neuron, in index order.
    pub neurons: Vec<NeuronKind>,
    /// The populations, in index order.
    pub populations: Vec<Population>,
    /// Every synapse, sorted by `(pre, post)`.
    pub synapses: Vec<Synapse>,
}

impl SpikingNetwork {
    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.neurons.len()
    }

    /// Whether the network has no neurons.
    pub fn is_empty(&self) -> bool {
        self.neurons.is_empty()
    }

    /// The weight of every synapse, in synapse order, mV (what [`crate::spiking::LifReference::step`]
    /// takes).
    pub fn weights(&self) -> Vec<f64> {
        self.synapses.iter().map(|s| s.weight).collect()
    }

    /// The population neuron `i` belongs to (index into `populations`).
    pub fn population_of(&self, i: u32) -> Option<usize> {
        let k = self.populations.partition_point(|p| p.start + p.len <= i);
        (k < self.populations.len() && self.populations[k].start <= i).then_some(k)
    }

    /// The LIF parameters of neuron `i`, or `None` for an input.
    pub fn lif(&self, i: usize) -> Option<&LifParams> {
        match &self.neurons[i] {
            NeuronKind::Lif(p) => Some(p),
            NeuronKind::Input(_) => None,
        }
    }

    /// Checks the invariants listed on the type; the error says which one fails and where.
    pub fn check(&self) -> Result<(), String> {
        if !(self.dt.is_finite() && self.dt > 0.0) {
            return Err(format!("dt = {} must be finite and > 0 seconds", self.dt));
        }
        let mut next = 0u32;
        for (k, p) in self.populations.iter().enumerate() {
            if p.start != next || p.len == 0 {
                return Err(format!(
                    "population {k} `{}` covers {}..{} but must start at {next} and be non-empty",
                    p.name,
                    p.start,
                    p.start + p.len
                ));
            }
            next += p.len;
        }
        if next as usize != self.neurons.len() {
            return Err(format!(
                "the populations cover {next} neurons but the network has {}",
                self.neurons.len()
            ));
        }
        for (k, s) in self.synapses.iter().enumerate() {
            if s.pre as usize >= self.neurons.len() || s.post as usize >= self.neurons.len() {
                return Err(format!("synapse {k} ({} → {}) names a missing neuron", s.pre, s.post));
            }
            if self.lif(s.post as usize).is_none() {
                return Err(format!("synapse {k} ends at input neuron {}", s.post));
            }
            if s.delay == 0 {
                return Err(format!("synapse {k} has delay 0; delays are ≥ 1 step"));
            }
            if !s.weight.is_finite() {
                return Err(format!("synapse {k} has a weight of {}", s.weight));
            }
            if k > 0 {
                let prev = &self.synapses[k - 1];
                if (prev.pre, prev.post) > (s.pre, s.post) {
                    return Err(format!("synapse {k} is out of (pre, post) order"));
                }
            }
        }
        Ok(())
    }
}
