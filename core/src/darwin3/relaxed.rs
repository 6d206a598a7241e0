//! Relaxed numerics: the emulator's neurons and weight sums on f64 arithmetic, so that the
//! divergence sources that live in the chip's integer arithmetic can be removed one by one
//! (`session::Removed`: `leak_precision`, `saturation`, `lsb`, `refractory`).
//!
//! The schedule is the chip's (routing, per-projection or per-synapse delays, the one-step host
//! input offset, the instruction counts and packets of [`super::emulator`]); only the
//! inference arithmetic and the weight sums it reads are replaced:
//!
//! | knob | kept (the chip) | relaxed (the reference) |
//! |---|---|---|
//! | `exact_leak` | Q0.8 factors P0/256, P4/256 (`LifShift`: 1 − 2^−k) | e^(−dt/τ_m), e^(−dt/τ_s) |
//! | `unbounded` | every write-back saturates to 16 bits | no bound |
//! | `real` | state on the voltage grid (1 LSB = 1/V mV), products rounded by the rounding mode, weights on the weight grid | f64 in mV, the reference's own expressions; a weight whose step is one LSB is exact (a coarser step is quantisation and stays) |
//! | `refractory_integrates` | a refractory neuron skips its program (its weight sum is dropped) | v held at v_reset while I decays and integrates |
//!
//! With every knob kept the relaxed neurons reproduce the integer Tier-A models bit for bit
//! (the grid values are whole numbers held exactly in f64; `core/tests/darwin3_session.rs`
//! checks it on the shipped presets). With `real` set the state is held in mV and updated with
//! the float reference's expressions in its order (MODEL §8), the weights of one emission step
//! are summed in increasing presynaptic order as the reference sums them, so with the `Clif`
//! form, exact leak factors, no bound, the reference's refractory period and aligned delays
//! the chip agrees with the reference spike for spike. Rounding has no effect once `real` is
//! set (nothing is rounded). Wrap overflow is treated as saturation on the mV grid.

use serde::{Deserialize, Serialize};

use super::arith::{Overflow, Rounding, XorShift32, round_shift};
use super::neuron::{CoreProgram, NeuronInit, NeuronModel, ResetMode};
use super::quantise::Quantised;
use crate::spiking::{LifParams, SpikingNetwork};

/// Which parts of the integer arithmetic run on the reference's arithmetic (module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relaxed {
    /// Exact leak factors instead of the Q0.8 ones (`leak_precision` removed).
    pub exact_leak: bool,
    /// No 16-bit saturation of state and weight sums (`saturation` removed).
    pub unbounded: bool,
    /// Real-valued state and weights instead of the voltage and weight LSB grid (`lsb`
    /// removed).
    pub real: bool,
    /// The reference's refractory period: I keeps integrating (`refractory` removed).
    pub refractory_integrates: bool,
}

/// One neuron's constants in the relaxed units (LSB relative to rest on the grid; mV, absolute
/// potentials, when real).
#[derive(Clone, Copy, Debug)]
struct Constants {
    /// The membrane factor used.
    a: f64,
    /// The current factor used (`Clif`).
    b: f64,
    /// The reference's weight of I in the v update (real `Clif` only).
    c: f64,
    /// `LifShift` shift k, used on the grid with the Q-form leak.
    k: u8,
    /// P0, P4 for exact products on the grid.
    p0: i64,
    p4: i64,
    /// Resting potential (0 on the grid) and the reference's rest + I_ext (real).
    v_rest: f64,
    rest_ext: f64,
    /// Threshold and reset, absolute (real) or relative (grid).
    theta: f64,
    v_reset: f64,
    /// Drive added each step (delta models and grid `Clif`).
    bias: f64,
    /// Bounds of v (relative to rest) and of the current / weight sum.
    v_bound: f64,
    i_bound: f64,
    refractory: u32,
}

/// The relaxed state of every neuron (global index; inputs hold zeros) and the weight sums
/// due, a ring of `slots` steps per neuron as in the reference.
#[derive(Clone, Debug)]
pub struct RelaxedNeurons {
    knobs: Relaxed,
    model: NeuronModel,
    reset: ResetMode,
    rounding: Rounding,
    overflow: Overflow,
    refractory_on: bool,
    vt_dec: f64,
    theta_step: (f64, f64),
    consts: Vec<Option<Constants>>,
    /// Membrane potential.
    pub v: Vec<f64>,
    /// Synaptic current (`Clif`): kick units on the grid, the reference's I (decayed) when real.
    pub current: Vec<f64>,
    theta: Vec<f64>,
    rpd: Vec<u32>,
    ring: Vec<f64>,
    slots: usize,
    /// Per presynaptic neuron, its synapses `(post, delay, weight)` in synapse order.
    out: Vec<Vec<(u32, u32, f64)>>,
}

impl RelaxedNeurons {
    /// The relaxed neurons of `net` for the program `prog`, the quantised network `q` (its
    /// voltage scale and stored weights) and the delays (`per_synapse`: each synapse's own;
    /// otherwise one step per projection).
    pub fn new(
        net: &SpikingNetwork,
        q: &Quantised,
        prog: &CoreProgram,
        knobs: Relaxed,
        per_synapse: bool,
        w_bits: u8,
    ) -> Self {
        let dt = net.dt;
        let vs = q.scales.v_scale;
        let real = knobs.real;
        let consts: Vec<Option<Constants>> = (0..net.len())
            .map(|i| {
                let (p, init) = (net.lif(i)?, q.neurons[i]?);
                Some(constants(p, &init, prog.model, dt, vs, knobs))
            })
            .collect();
        let qmax = super::arith::weight_max(w_bits) as f64;
        let mut out = vec![Vec::new(); net.len()];
        let mut max_delay = 1;
        for (k, s) in net.synapses.iter().enumerate() {
            let d = if per_synapse { s.delay } else { 1 };
            max_delay = max_delay.max(d);
            let on_grid = (q.weights[k] as i64 * (1i64 << q.shifts[k])) as f64;
            let w = if real {
                let p = net.lif(s.post as usize).expect("checked: synapses end at LIF neurons");
                let gain = gain_to_integrated(p, dt, prog.model);
                let exact = s.weight * gain * vs;
                // A step of one LSB is the LSB: removed. A coarser step is quantisation.
                let step_is_lsb = q.shifts[k] == 0 && exact.abs() <= qmax + 0.5;
                let lsb = if step_is_lsb { exact } else { on_grid };
                // Into the units the state is held in (mV; the reference's I for Clif).
                if prog.model == NeuronModel::Clif {
                    if step_is_lsb { s.weight } else { lsb / (gain * vs) }
                } else {
                    lsb / vs
                }
            } else {
                on_grid
            };
            out[s.pre as usize].push((s.post, d, w));
        }
        let slots = max_delay as usize + 1;
        let n = net.len();
        let v = consts.iter().map(|c| c.map_or(0.0, |c| c.v_rest)).collect();
        let unit = if real { 1.0 / vs } else { 1.0 };
        Self {
            knobs,
            model: prog.model,
            reset: prog.reset,
            rounding: prog.rounding,
            overflow: prog.overflow,
            refractory_on: prog.refractory,
            vt_dec: prog.vt_dec as f64 * unit,
            theta_step: match prog.model {
                NeuronModel::AdaptiveLif { th_inc, th_sub } => {
                    (th_inc as f64 * unit, th_sub as f64 * unit)
                }
                _ => (0.0, 0.0),
            },
            consts,
            v,
            current: vec![0.0; n],
            theta: vec![0.0; n],
            rpd: vec![0; n],
            ring: vec![0.0; n * slots],
            slots,
            out,
        }
    }

    /// Adds the synapses of `pre` to the sums due at step `now + delay + offset − 1` (as the
    /// emulator's banks: `offset` 0 for host input and deferred spikes, 1 for spikes routed in
    /// step `now`).
    pub fn deliver(&mut self, pre: u32, now: u64, offset: u64) {
        let slots = self.slots as u64;
        for &(post, d, w) in &self.out[pre as usize] {
            let Some(c) = self.consts[post as usize] else { continue };
            let due = (now + d as u64 + offset - 1) % slots;
            let at = post as usize * self.slots + due as usize;
            let bound = if self.model == NeuronModel::Clif { c.i_bound } else { c.v_bound };
            self.ring[at] = self.fit(self.ring[at] + w, bound);
        }
    }

    /// Whether the relaxed neurons run in mV (real) rather than on the grid.
    pub fn real(&self) -> bool {
        self.knobs.real
    }

    fn fit(&self, x: f64, bound: f64) -> f64 {
        if self.knobs.unbounded {
            return x;
        }
        match (self.overflow, self.knobs.real) {
            (Overflow::Wrap, false) => x as i64 as i16 as f64,
            _ => x.clamp(-bound - if self.knobs.real { 0.0 } else { 1.0 }, bound),
        }
    }

    /// v − rest bounded (grid: the state is already relative to rest).
    fn fit_v(&self, v: f64, c: &Constants) -> f64 {
        if self.knobs.real {
            c.v_rest + self.fit(v - c.v_rest, c.v_bound)
        } else {
            self.fit(v, c.v_bound)
        }
    }

    /// factor · x, on the grid rounded as the chip rounds the product.
    fn product(&self, factor: f64, q: i64, x: f64, rng: &mut XorShift32) -> f64 {
        if self.knobs.real {
            factor * x
        } else if !self.knobs.exact_leak {
            round_shift(q * x as i64, 8, self.rounding, rng) as f64
        } else {
            let p = factor * x;
            match self.rounding {
                Rounding::Floor => p.floor(),
                Rounding::SymmetricHalfAway => p.round(),
                Rounding::Stochastic => (p + rng.next_u32() as f64 / 4_294_967_296.0).floor(),
            }
        }
    }

    /// Runs neuron `i` for step `t` (the inference phase); returns whether it spiked.
    pub fn infer(&mut self, i: usize, t: u64, rng: &mut XorShift32) -> bool {
        let Some(c) = self.consts[i] else { return false };
        let at = i * self.slots + (t % self.slots as u64) as usize;
        let ws = std::mem::take(&mut self.ring[at]);
        let real = self.knobs.real;
        if self.refractory_on && self.rpd[i] > 0 {
            self.rpd[i] -= 1;
            if self.knobs.refractory_integrates && self.model == NeuronModel::Clif {
                self.integrate_current(i, &c, ws, rng);
            }
            return false;
        }
        let mut v = self.v[i];
        if self.vt_dec != 0.0 {
            let (rel, d) = (v - c.v_rest, self.vt_dec);
            let rel = if rel > 0.0 { (rel - d).max(0.0) } else { (rel + d).min(0.0) };
            v = c.v_rest + rel;
        }
        v = match self.model {
            NeuronModel::Clif => {
                let current = self.integrate_current(i, &c, ws, rng);
                if real {
                    // MODEL §8: v ← rest + (v − rest)·a + I·c, rest = v_rest + I_ext.
                    self.fit_v(c.rest_ext + (v - c.rest_ext) * c.a + current * c.c, &c)
                } else {
                    let leaked = self.product(c.a, c.p0, v, rng);
                    self.fit_v(leaked + current + c.bias, &c)
                }
            }
            NeuronModel::LifShift if !self.knobs.exact_leak && !real => {
                let leaked = v - (v as i64 >> c.k) as f64;
                let biased = self.fit_v(leaked + c.bias, &c);
                self.fit_v(biased + ws, &c)
            }
            _ => {
                let leaked = if real {
                    c.v_rest + (v - c.v_rest) * c.a + c.bias
                } else {
                    self.product(c.a, c.p0, v, rng) + c.bias
                };
                let leaked = self.fit_v(leaked, &c);
                self.fit_v(leaked + ws, &c)
            }
        };
        let theta = self.theta[i];
        let adaptive = matches!(self.model, NeuronModel::AdaptiveLif { .. });
        let threshold = if adaptive {
            let rel = self.fit(c.theta - c.v_rest + theta, c.v_bound);
            c.v_rest + rel
        } else {
            c.theta
        };
        let spiked = v >= threshold;
        if spiked {
            v = match self.reset {
                ResetMode::ToRest => c.v_reset,
                ResetMode::Subtract => self.fit_v(v - (c.theta - c.v_rest), &c),
                ResetMode::None => v,
            };
            if self.refractory_on {
                self.rpd[i] = c.refractory;
            }
        }
        if adaptive {
            let (inc, sub) = self.theta_step;
            // θ ≥ 1 LSB (1/V mV when real).
            let unit = if real { c.v_bound / i16::MAX as f64 } else { 1.0 };
            let next = if spiked {
                theta + inc
            } else if theta >= unit {
                theta - sub
            } else {
                theta
            };
            self.theta[i] = self.fit(next, c.v_bound);
        }
        self.v[i] = v;
        spiked
    }

    /// The `Clif` current: I ← b·I + wgtsum (grid: kick units, rounded product; real: the
    /// reference's current = I_decayed + due, I_decayed ← current·b). Returns the current the
    /// v update uses.
    fn integrate_current(&mut self, i: usize, c: &Constants, ws: f64, rng: &mut XorShift32) -> f64 {
        if self.knobs.real {
            let current = self.fit(self.current[i] + ws, c.i_bound);
            self.current[i] = current * c.b;
            current
        } else {
            let decayed = self.product(c.b, c.p4, self.current[i], rng);
            let current = self.fit(decayed + ws, c.i_bound);
            self.current[i] = current;
            current
        }
    }
}

/// The factor from a float weight (mV added to I) to the integrated variable (as
/// `quantise` uses it).
fn gain_to_integrated(p: &LifParams, dt: f64, model: NeuronModel) -> f64 {
    let a = (-dt / p.tau_m).exp();
    let b = (-dt / p.tau_s).exp();
    let c = p.tau_s / (p.tau_s - p.tau_m) * (b - a);
    match model {
        NeuronModel::Clif => c,
        _ => c / (1.0 - b),
    }
}

fn constants(
    p: &LifParams,
    init: &NeuronInit,
    model: NeuronModel,
    dt: f64,
    vs: f64,
    knobs: Relaxed,
) -> Constants {
    // The reference's own expressions (`spiking::lif`), so the real path matches it bit for bit.
    let a = (-dt / p.tau_m).exp();
    let b = (-dt / p.tau_s).exp();
    let c = p.tau_s / (p.tau_s - p.tau_m) * (b - a);
    let chip_a = match model {
        NeuronModel::LifShift => 1.0 - (-(init.k_leak as f64)).exp2(),
        _ => init.p0 as f64 / 256.0,
    };
    let (a_used, b_used) = if knobs.exact_leak { (a, b) } else { (chip_a, init.p4 as f64 / 256.0) };
    let max = i16::MAX as f64;
    let refractory = init.refractory as u32;
    if knobs.real {
        let drive = match model {
            NeuronModel::Clif => 0.0,
            NeuronModel::LifShift if !knobs.exact_leak => p.i_ext * (1.0 - chip_a),
            _ => p.i_ext * (1.0 - a_used),
        };
        Constants {
            a: a_used,
            b: b_used,
            c,
            k: init.k_leak,
            p0: init.p0 as i64,
            p4: init.p4 as i64,
            v_rest: p.v_rest,
            rest_ext: p.v_rest + p.i_ext,
            theta: p.theta,
            v_reset: p.v_reset,
            bias: drive,
            v_bound: max / vs,
            i_bound: if model == NeuronModel::Clif { max / (c * vs) } else { max / vs },
            refractory,
        }
    } else {
        Constants {
            a: a_used,
            b: b_used,
            c,
            k: init.k_leak,
            p0: init.p0 as i64,
            p4: init.p4 as i64,
            v_rest: 0.0,
            rest_ext: 0.0,
            theta: init.vth as f64,
            v_reset: init.v_reset as f64,
            bias: init.bias as f64,
            v_bound: max,
            i_bound: max,
            refractory,
        }
    }
}
