//! On-chip learning (DARWIN3.md §4.6): 7-bit traces, the pair-based weight change with WPAR
//! coefficients and S = 7, the three-factor multiply by the 8-bit reward trace, and the reward
//! trace's decay (§4.9).
//!
//! One 7-bit trace per neuron serves as its pre trace (1A-X, kept at the source) and its post
//! trace (1A-Y): both are updated by the neuron's own spikes with the same parameters, so they
//! are equal (§4.6 "keep the pre trace at the source").

use serde::{Deserialize, Serialize};

use super::arith::{Rounding, XorShift32, clamp_weight, round_shift};

/// Largest trace value (7 bits).
pub const TRACE_MAX: u8 = 127;

/// How a spike sets the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceMode {
    /// x ← 127 on a spike (SPAIC's nearest STDP).
    Nearest,
    /// x ← min(127, x + inc) on a spike.
    Additive {
        /// Increment per spike.
        inc: u8,
    },
}

/// STDP settings (the `CR_LPAR*`, `CR_WPAR*` and `CR_LI` registers).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StdpConfig {
    /// Spike law of the traces.
    pub mode: TraceMode,
    /// Trace decay x ← x − (x >> k); 15 means no decay (LPAR = 15).
    pub trace_shift: u8,
    /// WPAR0, the LTP coefficient (pre trace × post spike).
    pub wpar0: i8,
    /// WPAR1, the LTD coefficient (post trace × pre spike; negative for depression).
    pub wpar1: i8,
    /// Multiply Δ by the post neuron's reward trace (three-factor).
    pub three_factor: bool,
    /// Reward trace decay r ← r − (r >> k).
    pub reward_shift: u8,
    /// Learning interval `CR_LI`: the weight phase runs when t mod (LI + 1) = 0.
    pub interval: u32,
    /// Final shift S of Δ (default 7: a full trace counts as 1.0).
    pub s: u32,
}

impl Default for StdpConfig {
    /// The Lite3 settings: WPAR0 = 3, WPAR1 = −1, nearest traces decaying by 1/16.
    fn default() -> Self {
        Self {
            mode: TraceMode::Nearest,
            trace_shift: 4,
            wpar0: 3,
            wpar1: -1,
            three_factor: false,
            reward_shift: 4,
            interval: 0,
            s: 7,
        }
    }
}

/// Phase 4: decay, then the spike law.
#[inline(always)]
pub fn update_trace(x: u8, spiked: bool, cfg: &StdpConfig) -> u8 {
    // A 7-bit value shifted by 7 or more is 0: k ≥ 7 means no decay.
    let decayed = x - (x >> cfg.trace_shift.min(7));
    if !spiked {
        return decayed;
    }
    match cfg.mode {
        TraceMode::Nearest => TRACE_MAX,
        TraceMode::Additive { inc } => decayed.saturating_add(inc).min(TRACE_MAX),
    }
}

/// Reward trace decay by shift (arithmetic, so −1 decays to 0). Like the traces, a positive
/// value below 2^k no longer decays (r >> k = 0): the hardware-style shift decay stalls there.
#[inline(always)]
pub fn decay_reward(r: i8, k: u8) -> i8 {
    if k >= 8 { r } else { r - (r >> k) }
}

/// The inputs of one synapse's weight update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pairing {
    /// Pre trace x_j.
    pub x: u8,
    /// Pre spike bit x0_j of the previous step.
    pub x0: bool,
    /// Post trace y_i.
    pub y: u8,
    /// Post spike bit y0_i of the previous step.
    pub y0: bool,
    /// Post reward trace r_i.
    pub r: i8,
}

/// Phase 2: the new stored weight w ← clamp_w(w + round(Δ >> S)).
pub fn update_weight(
    w: i32,
    p: Pairing,
    cfg: &StdpConfig,
    w_bits: u8,
    rounding: Rounding,
    rng: &mut XorShift32,
) -> i32 {
    let mut delta = cfg.wpar0 as i64 * p.x as i64 * i64::from(p.y0)
        + cfg.wpar1 as i64 * p.y as i64 * i64::from(p.x0);
    if cfg.three_factor {
        delta = (delta * p.r as i64) >> 7;
    }
    if delta == 0 {
        return w;
    }
    let step = round_shift(delta, cfg.s, rounding, rng);
    clamp_weight((w as i64 + step).clamp(i32::MIN as i64, i32::MAX as i64) as i32, w_bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_decay_and_reset() {
        let cfg = StdpConfig::default();
        assert_eq!(update_trace(0, true, &cfg), 127);
        assert_eq!(update_trace(127, false, &cfg), 127 - 7);
        let add = StdpConfig { mode: TraceMode::Additive { inc: 100 }, ..cfg };
        assert_eq!(update_trace(64, true, &add), 127);
        let none = StdpConfig { trace_shift: 15, ..cfg };
        assert_eq!(update_trace(50, false, &none), 50);
        assert_eq!(decay_reward(-1, 4), 0);
        assert_eq!(decay_reward(-64, 4), -60);
    }

    #[test]
    fn full_trace_pairing_moves_by_wpar() {
        let cfg = StdpConfig::default();
        let mut rng = XorShift32::new(3);
        let ltp = Pairing { x: 127, x0: false, y: 0, y0: true, r: 0 };
        // 3·127 / 128 = 2.98 → 3.
        assert_eq!(update_weight(10, ltp, &cfg, 8, Rounding::SymmetricHalfAway, &mut rng), 13);
        let ltd = Pairing { x: 0, x0: true, y: 127, y0: false, r: 0 };
        assert_eq!(update_weight(-128, ltd, &cfg, 8, Rounding::SymmetricHalfAway, &mut rng), -128);
        let three = StdpConfig { three_factor: true, ..cfg };
        let rewarded = Pairing { r: 64, ..ltp };
        // (381·64) >> 7 = 190; 190/128 → 1.
        assert_eq!(update_weight(0, rewarded, &three, 8, Rounding::SymmetricHalfAway, &mut rng), 1);
        assert_eq!(update_weight(0, ltp, &three, 8, Rounding::SymmetricHalfAway, &mut rng), 0);
    }
}
