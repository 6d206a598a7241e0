//! Exact raster agreement (DARWIN3.md §5): the Hamming distance between two binary rasters,
//! the first step where they differ, and per-neuron precision and recall with a ±k-step
//! tolerance.
//!
//! The tolerance matching is one-to-one and greedy: both trains are walked in time order and
//! each reference spike takes the earliest still unmatched emulated spike within ±k steps.
//! With equal symmetric windows this greedy two-pointer walk is a maximum-cardinality matching
//! (the fixture generator checked it against a bipartite maximum matching on every case).

use serde::Serialize;

/// How two trains of one neuron agree step by step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RasterAgreement {
    /// Steps where exactly one of the two trains spikes (the Hamming distance of the rasters).
    pub hamming: u64,
    /// The first step where the rasters differ; `None` when they are identical.
    pub first_divergence: Option<u64>,
    /// Reference–emulated pairs matched one-to-one within ±k steps.
    pub matched: u64,
    /// `matched / n_emulated`; `None` when the emulated train is empty.
    pub precision: Option<f64>,
    /// `matched / n_reference`; `None` when the reference train is empty.
    pub recall: Option<f64>,
}

/// The steps where exactly one of the two sorted trains spikes: (count, first such step).
pub fn hamming(reference: &[u64], emulated: &[u64]) -> (u64, Option<u64>) {
    let (mut i, mut j, mut count, mut first) = (0, 0, 0u64, None);
    loop {
        let step = match (reference.get(i), emulated.get(j)) {
            (None, None) => break,
            (Some(&a), Some(&b)) if a == b => {
                i += 1;
                j += 1;
                continue;
            }
            (Some(&a), Some(&b)) if a < b => {
                i += 1;
                a
            }
            (Some(&a), None) => {
                i += 1;
                a
            }
            (_, Some(&b)) => {
                j += 1;
                b
            }
        };
        count += 1;
        first = first.or(Some(step));
    }
    (count, first)
}

/// The number of one-to-one pairs (reference, emulated) with `|a − b| ≤ k` steps, by the
/// greedy two-pointer walk (maximum cardinality for equal windows).
pub fn tolerance_matches(reference: &[u64], emulated: &[u64], k: u64) -> u64 {
    let (mut i, mut j, mut matched) = (0, 0, 0u64);
    while i < reference.len() && j < emulated.len() {
        let (a, b) = (reference[i], emulated[j]);
        if b.saturating_add(k) < a {
            j += 1;
        } else if a.saturating_add(k) < b {
            i += 1;
        } else {
            matched += 1;
            i += 1;
            j += 1;
        }
    }
    matched
}

/// `numerator / denominator`, `None` when the denominator is zero.
pub(crate) fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Raster agreement of one neuron with a ±`k`-step tolerance for precision and recall.
pub fn raster_agreement(reference: &[u64], emulated: &[u64], k: u64) -> RasterAgreement {
    let (hamming, first_divergence) = hamming(reference, emulated);
    let matched = tolerance_matches(reference, emulated, k);
    RasterAgreement {
        hamming,
        first_divergence,
        matched,
        precision: ratio(matched, emulated.len() as u64),
        recall: ratio(matched, reference.len() as u64),
    }
}
