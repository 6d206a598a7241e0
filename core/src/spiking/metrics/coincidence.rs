//! Kistler's coincidence factor Γ (Kistler et al. 1997; DARWIN3.md §5), the emulated train
//! playing the model and the reference the data:
//! `Γ = (N_coinc − 2νΔ·N_ref) / (½(N_hw + N_ref)(1 − 2νΔ))`, with ν = N_hw / T the emulated
//! rate and Δ the window. Γ = 1 is perfect, 0 chance level.
//!
//! Convention (neither elephant nor PySpike has Γ): `N_coinc` counts the reference spikes that
//! have at least one emulated spike within `|Δstep| ≤ window` (inclusive). Windows and T are in
//! steps, so `νΔ = N_hw·window / steps` is independent of dt.

/// The number of reference spikes with an emulated spike within ±`window` steps.
pub fn coincidences(reference: &[u64], emulated: &[u64], window: u64) -> u64 {
    let mut j = 0;
    let mut count = 0;
    for &r in reference {
        while j < emulated.len() && emulated[j].saturating_add(window) < r {
            j += 1;
        }
        if emulated.get(j).is_some_and(|&e| e <= r.saturating_add(window)) {
            count += 1;
        }
    }
    count
}

/// Kistler's Γ over `steps` steps with a ±`window`-step coincidence window; `None` when it is
/// undefined (no spike at all, or `1 − 2νΔ ≤ 0` because the emulated train is too dense for
/// the window).
pub fn coincidence_factor(
    reference: &[u64],
    emulated: &[u64],
    steps: u64,
    window: u64,
) -> Option<f64> {
    if steps == 0 {
        return None;
    }
    let (n_ref, n_hw) = (reference.len() as f64, emulated.len() as f64);
    let nu_delta = (emulated.len() as u64).saturating_mul(window) as f64 / steps as f64;
    let denominator = 0.5 * (n_hw + n_ref) * (1.0 - 2.0 * nu_delta);
    if denominator <= 0.0 {
        return None;
    }
    let n_coinc = coincidences(reference, emulated, window) as f64;
    Some((n_coinc - 2.0 * nu_delta * n_ref) / denominator)
}
