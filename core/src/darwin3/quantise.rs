//! Float → integer (DARWIN3.md §3.1 step 2, §2.8, §4.10 items 1–2): one voltage scale for the
//! whole network, per-projection weight steps from the Lite3 97th-percentile rule, and the
//! per-neuron leak factors.
//!
//! - **Voltage scale** V (LSB per mV): potentials are stored relative to each neuron's rest, and
//!   V maps the largest |θ − v_rest| or |v_reset − v_rest| of the network to 2^14 (the
//!   factories' "1.0"), which leaves a factor 2 of headroom below 16-bit saturation.
//! - **Synaptic gain.** The float reference adds w to a current I that decays with τ_s and
//!   drives v (MODEL §8). `Clif` keeps I in "vt kick per step" units, so a weight enters as
//!   w·c with c = τ_s/(τ_s − τ_m)·(b − a) (a = e^(−dt/τ_m), b = e^(−dt/τ_s)): the same
//!   recurrence as the exact propagator. The delta-synapse models (`LifShift`, `LifMul`,
//!   `AdaptiveLif`) take the kick of equal membrane area, w·c/(1 − b).
//! - **Weights per projection** (source population → target population): the Lite3 rule maps
//!   the 97th percentile p of |w·gain·V| to 2^(bits−1) − 1. Weight sums are added unscaled on
//!   the chip, so the step of a stored weight must be a whole number of LSB: the emulator uses
//!   the smallest power of two 2^e ≥ p / (2^(bits−1) − 1) (e ≥ 0), stores q = clamp(round(w·
//!   gain·V / 2^e)) in the weight table and adds q·2^e. With 16-bit weights e is 0 for any
//!   network whose thresholds fit, so quantisation is only the rounding to 1 LSB ("off").
//! - **Leak factors**: P0 = round(256·a), P4 = round(256·b), clamped to 0..255; the `LifShift`
//!   k = round(−log2(1 − a)), clamped to 1..15.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::arith::{check_weight_width, clamp_weight, weight_max};
use super::neuron::{NeuronInit, NeuronModel};
use crate::spiking::{LifParams, SpikingNetwork};

/// The value the largest threshold or reset magnitude maps to (2^14 = the factories' 1.0).
pub const VOLTAGE_FULL_SCALE: f64 = 16_384.0;

/// Percentile of |w| mapped to the largest weight (Lite3 `quant()`).
pub const WEIGHT_PERCENTILE: f64 = 0.97;

/// The scale of one projection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectionScale {
    /// Source population name.
    pub source: String,
    /// Target population name.
    pub target: String,
    /// Synapses in the projection.
    pub synapses: usize,
    /// 97th percentile of |w|, mV (float weights as given).
    pub p97_mv: f64,
    /// 97th percentile of |w · gain · V|, LSB.
    pub p97_lsb: f64,
    /// Weight step exponent e: a stored weight q adds q·2^e LSB.
    pub shift: u8,
    /// Synapses whose weight was clamped to the weight range.
    pub clamped: usize,
}

/// The scales chosen, for the panel and `metrics.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantScales {
    /// Voltage scale V, LSB per mV.
    pub v_scale: f64,
    /// Weight width, bits.
    pub w_bits: u8,
    /// One entry per projection, ordered by (source, target) population index.
    pub projections: Vec<ProjectionScale>,
}

/// The integer network: neuron parameters and per-synapse stored weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantised {
    /// The scales.
    pub scales: QuantScales,
    /// Per neuron (global id): its integer parameters, `None` for an input neuron.
    pub neurons: Vec<Option<NeuronInit>>,
    /// Per synapse (network order): the stored weight q (w_bits wide).
    pub weights: Vec<i32>,
    /// Per synapse: the step exponent e of its projection.
    pub shifts: Vec<u8>,
}

/// round(256·x), clamped to 0..255.
pub fn q8_factor(x: f64) -> u8 {
    (256.0 * x).round().clamp(0.0, 255.0) as u8
}

/// The `LifShift` k with 1 − 2^−k closest to `a` in log terms, clamped to 1..15.
pub fn shift_for_decay(a: f64) -> u8 {
    let k = -(1.0 - a).max(1e-12).log2();
    k.round().clamp(1.0, 15.0) as u8
}

/// (a, b, c): the propagator terms of MODEL §8.
fn propagators(p: &LifParams, dt: f64) -> (f64, f64, f64) {
    let a = (-dt / p.tau_m).exp();
    let b = (-dt / p.tau_s).exp();
    let c = p.tau_s / (p.tau_s - p.tau_m) * (b - a);
    (a, b, c)
}

/// The factor from a float weight (mV added to I) to the integrated variable, per model.
fn synaptic_gain(p: &LifParams, dt: f64, model: NeuronModel) -> f64 {
    let (_, b, c) = propagators(p, dt);
    match model {
        NeuronModel::Clif => c,
        _ => c / (1.0 - b),
    }
}

fn round_half_away(x: f64) -> i64 {
    x.round() as i64
}

/// Quantises `net` for `model` with `w_bits`-wide weights. Errors name what cannot be
/// represented.
pub fn quantise(net: &SpikingNetwork, model: NeuronModel, w_bits: u8) -> Result<Quantised, String> {
    check_weight_width(w_bits)?;
    net.check()?;
    let dt = net.dt;
    if (0..net.len()).all(|i| net.lif(i).is_none()) {
        return Err("no LIF neuron to map: every neuron of the network is an input".into());
    }
    let mut max_v: f64 = 0.0;
    for i in 0..net.len() {
        if let Some(p) = net.lif(i) {
            max_v = max_v.max((p.theta - p.v_rest).abs()).max((p.v_reset - p.v_rest).abs());
            if (p.tau_m - p.tau_s).abs() < 1e-15 || p.tau_m <= 0.0 || p.tau_s <= 0.0 {
                return Err(format!("neuron {i}: τ_m and τ_s must be > 0 and different"));
            }
        }
    }
    if !(max_v.is_finite() && max_v > 1e-9) {
        return Err("every LIF neuron has θ = v_reset = v_rest; no voltage scale fits".into());
    }
    let v_scale = VOLTAGE_FULL_SCALE / max_v;
    let to_i16 = |x: f64, what: &str, i: usize| -> Result<i16, String> {
        let r = x.round();
        if (i16::MIN as f64..=i16::MAX as f64).contains(&r) {
            Ok(r as i16)
        } else {
            Err(format!("neuron {i}: {what} = {r} LSB does not fit 16 bits"))
        }
    };
    let mut neurons = Vec::with_capacity(net.len());
    for i in 0..net.len() {
        let Some(p) = net.lif(i) else {
            neurons.push(None);
            continue;
        };
        let (a, _, _) = propagators(p, dt);
        let k = shift_for_decay(a);
        let drive = match model {
            NeuronModel::LifShift => p.i_ext * (-(k as f64)).exp2(),
            _ => p.i_ext * (1.0 - a),
        };
        let n_ref = crate::spiking::refractory_steps(p.t_ref, dt);
        neurons.push(Some(NeuronInit {
            vth: to_i16((p.theta - p.v_rest) * v_scale, "θ − v_rest", i)?,
            v_reset: to_i16((p.v_reset - p.v_rest) * v_scale, "v_reset − v_rest", i)?,
            bias: to_i16(drive * v_scale, "I_ext drive per step", i)?,
            p0: q8_factor(a),
            p4: q8_factor((-dt / p.tau_s).exp()),
            k_leak: k,
            refractory: n_ref.saturating_sub(1).min(255) as u8,
        }));
    }
    // Exact integer weights (LSB), grouped by projection.
    let mut exact = Vec::with_capacity(net.synapses.len());
    let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (k, s) in net.synapses.iter().enumerate() {
        let p = net.lif(s.post as usize).expect("checked: synapses end at LIF neurons");
        exact.push(s.weight * synaptic_gain(p, dt, model) * v_scale);
        let key = (pop(net, s.pre), pop(net, s.post));
        groups.entry(key).or_default().push(k);
    }
    let qmax = weight_max(w_bits) as f64;
    let mut weights = vec![0i32; net.synapses.len()];
    let mut shifts = vec![0u8; net.synapses.len()];
    let mut projections = Vec::with_capacity(groups.len());
    for ((src, dst), members) in groups {
        let p97_lsb = percentile(members.iter().map(|&k| exact[k].abs()).collect());
        let p97_mv = percentile(members.iter().map(|&k| net.synapses[k].weight.abs()).collect());
        let mut shift = 0u8;
        while shift < 30 && p97_lsb / (1u64 << shift) as f64 > qmax {
            shift += 1;
        }
        let step = (1u64 << shift) as f64;
        let mut clamped = 0;
        for &k in &members {
            let raw = round_half_away(exact[k] / step).clamp(i32::MIN as i64, i32::MAX as i64);
            let q = clamp_weight(raw as i32, w_bits);
            clamped += usize::from(q as i64 != raw);
            weights[k] = q;
            shifts[k] = shift;
        }
        projections.push(ProjectionScale {
            source: net.populations[src].name.clone(),
            target: net.populations[dst].name.clone(),
            synapses: members.len(),
            p97_mv,
            p97_lsb,
            shift,
            clamped,
        });
    }
    Ok(Quantised { scales: QuantScales { v_scale, w_bits, projections }, neurons, weights, shifts })
}

fn pop(net: &SpikingNetwork, i: u32) -> usize {
    net.population_of(i).expect("checked: populations tile the neurons")
}

/// Nearest-rank percentile [`WEIGHT_PERCENTILE`] of the values (0 for none).
fn percentile(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let rank = ((WEIGHT_PERCENTILE * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leak_factors() {
        assert_eq!(q8_factor((-1.0f64 / 15.5).exp()), 240);
        assert_eq!(q8_factor(1.0), 255);
        assert_eq!(shift_for_decay(15.0 / 16.0), 4);
        assert_eq!(shift_for_decay(0.0), 1);
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(v), 97.0);
        assert_eq!(percentile(vec![5.0]), 5.0);
    }
}
