//! The floating-point reference of MODEL §8: a current-based LIF network integrated exactly
//! between steps, in f64.
//!
//! Step t, for every neuron (MODEL §8, the order Brian2 2.9 follows with `method='exact'`,
//! `threshold='v >= theta'`, `refractory=t_ref` and synaptic delay (d − 1)·dt):
//! 1. the synaptic input due at step t is added to I (a [`DelayCalendar`] of `max_delay` slots
//!    holds the `(post, weight)` arrivals due at the next steps);
//! 2. a refractory neuron (it spiked at step s and t < s + n_ref, n_ref = [`refractory_steps`]:
//!    ⌊t_ref/dt + 10⁻³⌋) keeps v = v_reset; any other takes the exact step
//!    `v ← v_rest + I_ext + (v − v_rest − I_ext)·a + I·τ_s/(τ_s − τ_m)·(b − a)`, with
//!    a = e^(−dt/τ_m), b = e^(−dt/τ_s); then I ← I·b for every neuron;
//! 3. a non-refractory neuron with v ≥ θ + Δθ_i spikes and v ← v_reset;
//! 4. the spikes of step t (inputs included) are scattered: w_ji is due at i at step t + d_ji.
//!
//! Inputs spike by themselves: a Poisson source with probability 1 − e^(−rate·dt) per step, the
//! uniform drawn from [`Rng`] on stream [`POISSON_STREAM`] keyed by (neuron, step), so a run is
//! replayable from any step; a schedule at its listed steps. A neuron's update depends only on
//! its own state and inputs, and every post neuron adds its inputs in increasing pre order,
//! so the result is the same bit for bit on any number of threads (rayon over neuron chunks).

use std::collections::HashMap;

use rayon::prelude::*;

use super::calendar::DelayCalendar;
use super::topology::Topology;
use super::{InputSource, NeuronKind, SpikingNetwork};
use crate::rng::{self, Rng};

/// The random stream of Poisson inputs (keyed by neuron, the step's upper 32 bits in the key's
/// upper half).
pub const POISSON_STREAM: u32 = rng::stream::HOST + 0x8000;

/// The tolerance added to t_ref / dt before flooring in [`refractory_steps`] (Brian2's own).
pub const REFRACTORY_TOLERANCE: f64 = 1e-3;

/// The refractory steps n_ref of a refractory period `t_ref` (seconds) at step `dt` (seconds),
/// MODEL §8: n_ref = ⌊t_ref/dt + 10⁻³⌋, Brian2's rounding, so a fractional t_ref/dt of x.5 or
/// more is *not* rounded up (2.5 ms at 1 ms → 2 steps) while a t_ref a hair under a whole
/// number of steps still counts it (1.9999999 ms at 1 ms → 2). A negative, NaN or zero
/// `t_ref` gives 0; the one rule used by the reference and by the Darwin3 quantiser.
pub fn refractory_steps(t_ref: f64, dt: f64) -> u64 {
    let steps = (t_ref / dt + REFRACTORY_TOLERANCE).floor();
    if steps.is_finite() && steps > 0.0 {
        // `as` saturates at u64::MAX for a huge ratio.
        steps as u64
    } else {
        0
    }
}

/// Neurons per parallel task.
const CHUNK: usize = 2048;

/// The constants of one distinct set of LIF parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Propagator {
    /// e^(−dt/τ_m).
    a: f64,
    /// e^(−dt/τ_s).
    b: f64,
    /// τ_s/(τ_s − τ_m)·(b − a): the weight of I in the v update.
    c: f64,
    v_rest: f64,
    i_ext: f64,
    v_reset: f64,
    theta: f64,
    /// Refractory steps, [`refractory_steps`].
    n_ref: i64,
}

/// What drives one neuron.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Drive {
    /// A LIF neuron with this propagator.
    Lif(u32),
    /// A Poisson source with this spike probability per step.
    Poisson(f64),
    /// A scheduled source with this schedule.
    Schedule(u32),
}

/// Never spiked: far enough in the past that no neuron is refractory.
const NEVER: i64 = i64::MIN / 4;

/// The exact-integration LIF reference (MODEL §8), runnable on its own.
#[derive(Clone, Debug)]
pub struct LifReference {
    topology: Topology,
    rng: Rng,
    dt: f64,
    propagators: Vec<Propagator>,
    drive: Vec<Drive>,
    schedules: Vec<Vec<u64>>,
    v: Vec<f64>,
    current: Vec<f64>,
    last_spike: Vec<i64>,
    /// Arrivals due at the next `slots` steps, slot `t mod slots`.
    calendar: DelayCalendar,
    /// The input due at each neuron this step (zero between steps).
    due: Vec<f64>,
    slots: usize,
    step: u64,
    spikes: Vec<u32>,
    input_spikes: Vec<u32>,
}

impl LifReference {
    /// A reference at rest (v = v_rest, I = 0, no input due, step 0) for `net`; `seed` seeds the
    /// Poisson inputs. The error says which invariant of the network fails.
    pub fn new(net: &SpikingNetwork, seed: u64) -> Result<Self, String> {
        net.check()?;
        let dt = net.dt;
        let topology = Topology::new(net);
        let mut propagators: Vec<Propagator> = Vec::new();
        let mut known: HashMap<[u64; 7], u32> = HashMap::new();
        let mut schedules = Vec::new();
        let mut drive = Vec::with_capacity(net.len());
        let mut v = Vec::with_capacity(net.len());
        for (i, kind) in net.neurons.iter().enumerate() {
            match kind {
                NeuronKind::Lif(p) => {
                    if !(p.tau_m > 0.0 && p.tau_s > 0.0 && p.tau_m != p.tau_s && p.t_ref >= 0.0) {
                        return Err(format!(
                            "neuron {i}: needs τ_m > 0, τ_s > 0, τ_s ≠ τ_m and t_ref ≥ 0 \
                             (τ_m = {}, τ_s = {}, t_ref = {})",
                            p.tau_m, p.tau_s, p.t_ref
                        ));
                    }
                    let key = [
                        p.tau_m.to_bits(),
                        p.tau_s.to_bits(),
                        p.v_rest.to_bits(),
                        p.v_reset.to_bits(),
                        p.theta.to_bits(),
                        p.t_ref.to_bits(),
                        p.i_ext.to_bits(),
                    ];
                    let index = *known.entry(key).or_insert_with(|| {
                        let a = (-dt / p.tau_m).exp();
                        let b = (-dt / p.tau_s).exp();
                        propagators.push(Propagator {
                            a,
                            b,
                            c: p.tau_s / (p.tau_s - p.tau_m) * (b - a),
                            v_rest: p.v_rest,
                            i_ext: p.i_ext,
                            v_reset: p.v_reset,
                            theta: p.theta,
                            n_ref: refractory_steps(p.t_ref, dt).min(i64::MAX as u64 / 4) as i64,
                        });
                        (propagators.len() - 1) as u32
                    });
                    drive.push(Drive::Lif(index));
                    v.push(p.v_rest);
                }
                NeuronKind::Input(InputSource::Poisson { rate }) => {
                    drive.push(Drive::Poisson(-(-rate.max(0.0) * dt).exp_m1()));
                    v.push(0.0);
                }
                NeuronKind::Input(InputSource::Schedule { steps }) => {
                    drive.push(Drive::Schedule(schedules.len() as u32));
                    schedules.push(steps.clone());
                    v.push(0.0);
                }
            }
        }
        let n = net.len();
        let slots = topology.max_delay as usize;
        Ok(Self {
            topology,
            rng: Rng::new(seed),
            dt,
            propagators,
            drive,
            schedules,
            v,
            current: vec![0.0; n],
            last_spike: vec![NEVER; n],
            calendar: DelayCalendar::new(slots),
            due: vec![0.0; n],
            slots,
            step: 0,
            spikes: Vec::new(),
            input_spikes: Vec::new(),
        })
    }

    /// Advances one step (the step index is [`Self::steps_taken`]) and returns the neurons
    /// that spiked in it, inputs included, in increasing order.
    ///
    /// `threshold_shift`: Δθ_i per neuron in mV (length n), or `None` for no shift.
    /// `weights`: w per synapse in mV, in synapse order (length m): the weights the spikes
    /// of this step carry (they arrive `delay` steps later with this value).
    pub fn step(&mut self, threshold_shift: Option<&[f32]>, weights: &[f64]) -> &[u32] {
        let n = self.v.len();
        assert_eq!(weights.len(), self.topology.m(), "one weight per synapse");
        if let Some(shift) = threshold_shift {
            assert_eq!(shift.len(), n, "one threshold shift per neuron");
        }
        let t = self.step;
        let slots = self.slots;
        let slot = (t % slots as u64) as usize;
        let (propagators, drive, schedules, rng) =
            (&self.propagators, &self.drive, &self.schedules, &self.rng);

        // Phase 1: the arrivals due now, summed per neuron in the order they were scheduled.
        self.calendar.drain_into(slot, &mut self.due);

        // Phases 1–3, one chunk of neurons per task.
        let lists: Vec<Vec<u32>> = self
            .v
            .par_chunks_mut(CHUNK)
            .zip(self.current.par_chunks_mut(CHUNK))
            .zip(self.last_spike.par_chunks_mut(CHUNK))
            .zip(self.due.par_chunks_mut(CHUNK))
            .enumerate()
            .map(|(c, (((v, cur), last), due))| {
                let start = c * CHUNK;
                let mut fired = Vec::new();
                for k in 0..v.len() {
                    let i = start + k;
                    // Inputs arriving at an input neuron are dropped, as they always were.
                    let input = std::mem::take(&mut due[k]);
                    match drive[i] {
                        Drive::Lif(p) => {
                            let p = &propagators[p as usize];
                            let current = cur[k] + input;
                            let refractory = (t as i64) < last[k] + p.n_ref;
                            if refractory {
                                v[k] = p.v_reset;
                            } else {
                                let rest = p.v_rest + p.i_ext;
                                v[k] = rest + (v[k] - rest) * p.a + current * p.c;
                            }
                            cur[k] = current * p.b;
                            let shift = threshold_shift.map_or(0.0, |s| s[i] as f64);
                            if !refractory && v[k] >= p.theta + shift {
                                v[k] = p.v_reset;
                                last[k] = t as i64;
                                fired.push(i as u32);
                            }
                        }
                        Drive::Poisson(prob) => {
                            let key = ((t >> 32) << 32) | i as u64;
                            let w = rng.words(t as u32, key, POISSON_STREAM);
                            if rng::unit_f64(w[0], w[1]) < prob {
                                last[k] = t as i64;
                                fired.push(i as u32);
                            }
                        }
                        Drive::Schedule(s) => {
                            if schedules[s as usize].binary_search(&t).is_ok() {
                                last[k] = t as i64;
                                fired.push(i as u32);
                            }
                        }
                    }
                }
                fired
            })
            .collect();
        self.spikes.clear();
        for list in lists {
            self.spikes.extend_from_slice(&list);
        }
        self.input_spikes.clear();
        self.input_spikes.extend(
            self.spikes
                .iter()
                .copied()
                .filter(|&i| !matches!(self.drive[i as usize], Drive::Lif(_))),
        );

        // Phase 4: the step's spikes are scheduled in increasing pre order, each pre's
        // synapses in order, so every post neuron adds its inputs in increasing pre order.
        if !self.spikes.is_empty() && self.topology.m() > 0 {
            let (topo, spikes, calendar) = (&self.topology, &self.spikes, &mut self.calendar);
            for &j in spikes {
                for s in topo.outgoing(j as usize) {
                    // (t + delay) mod slots, with 1 ≤ delay ≤ slots.
                    let mut due = slot + topo.delay[s] as usize;
                    if due >= slots {
                        due -= slots;
                    }
                    calendar.push(due, topo.post[s], weights[s]);
                }
            }
        }
        self.step += 1;
        &self.spikes
    }

    /// Runs `steps` steps with fixed weights and no threshold shift; the spikes as
    /// `(step, neuron)`, in order.
    pub fn run(&mut self, steps: u64, weights: &[f64]) -> Vec<(u64, u32)> {
        let mut out = Vec::new();
        for _ in 0..steps {
            let t = self.step;
            out.extend(self.step(None, weights).iter().map(|&i| (t, i)));
        }
        out
    }

    /// Steps taken so far (the index of the next step).
    pub fn steps_taken(&self) -> u64 {
        self.step
    }

    /// The time step, seconds.
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.v.len()
    }

    /// Whether there are no neurons.
    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }

    /// The synapse rows.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The neurons that spiked in the last step, inputs included, increasing.
    pub fn spikes(&self) -> &[u32] {
        &self.spikes
    }

    /// The input neurons that spiked in the last step, increasing.
    pub fn input_spikes(&self) -> &[u32] {
        &self.input_spikes
    }

    /// Membrane potential v per neuron after the last step, mV (0 for inputs, which have none).
    pub fn v(&self) -> &[f64] {
        &self.v
    }

    /// Synaptic current I per neuron after the last step (after its decay), mV.
    pub fn current(&self) -> &[f64] {
        &self.current
    }

    /// The step of neuron `i`'s last spike, if it has spiked.
    pub fn last_spike(&self, i: usize) -> Option<u64> {
        let s = self.last_spike[i];
        (s >= 0).then_some(s as u64)
    }

    /// The effective base threshold θ of neuron `i`, mV (`None` for an input).
    pub fn theta(&self, i: usize) -> Option<f64> {
        match self.drive[i] {
            Drive::Lif(p) => Some(self.propagators[p as usize].theta),
            _ => None,
        }
    }

    /// Whether neuron `i` is a spike source.
    pub fn is_input(&self, i: usize) -> bool {
        !matches!(self.drive[i], Drive::Lif(_))
    }
}
