//! The spike time tiling coefficient (Cutts & Eglen 2014; DARWIN3.md §5) as elephant's
//! `spike_time_tiling_coefficient` computes it:
//! `STTC = ½(P_A − T_B)/(1 − P_A T_B) + ½(P_B − T_A)/(1 − P_B T_A)`, where `P_A` is the
//! fraction of A's spikes within ±Δt of a spike of B (inclusive: elephant tests with
//! `numpy.isclose(atol = Δt)`) and `T_A` the fraction of the recording within ±Δt of a spike
//! of A. A term whose `P·T` equals 1 is replaced by 1, as elephant does.
//!
//! Everything is counted in steps (window, coverage, recording length), so the value does not
//! depend on dt; the result is symmetric in its two trains.

use super::raster::ratio;

/// The number of spikes of `train` within ±`window` steps of a spike of `other`.
fn tiled_spikes(train: &[u64], other: &[u64], window: u64) -> u64 {
    super::coincidence::coincidences(train, other, window)
}

/// The steps of `[0, steps]` covered by ±`window` around the spikes of a non-empty train.
fn covered_steps(train: &[u64], steps: u64, window: u64) -> u64 {
    let gaps: u64 = train
        .windows(2)
        .map(|pair| pair[1].saturating_sub(pair[0]).min(window.saturating_mul(2)))
        .sum();
    let first = train[0].min(window);
    let last = steps.saturating_sub(train[train.len() - 1]).min(window);
    gaps + first + last
}

/// One half of the coefficient: `½(P − T)/(1 − P·T)`, or ½ when `P·T = 1`.
fn half_term(p: f64, t: f64) -> f64 {
    if p * t == 1.0 { 0.5 } else { 0.5 * (p - t) / (1.0 - p * t) }
}

/// STTC of two sorted trains over `steps` steps with a ±`window`-step window; `None` when
/// either train is empty (elephant returns NaN) or `steps` is zero.
pub fn sttc(a: &[u64], b: &[u64], steps: u64, window: u64) -> Option<f64> {
    if a.is_empty() || b.is_empty() || steps == 0 {
        return None;
    }
    let t_a = ratio(covered_steps(a, steps, window), steps)?;
    let t_b = ratio(covered_steps(b, steps, window), steps)?;
    let p_a = ratio(tiled_spikes(a, b, window), a.len() as u64)?;
    let p_b = ratio(tiled_spikes(b, a, window), b.len() as u64)?;
    Some(half_term(p_a, t_b) + half_term(p_b, t_a))
}
