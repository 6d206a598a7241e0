//! Spike-train comparison metrics (DARWIN3.md §5): how closely the Darwin3 emulator's spike
//! trains follow the floating-point LIF reference, per neuron and in summary, for the lab panel
//! and `metrics.json`.
//!
//! Trains are sorted, distinct spike steps per neuron inside `[0, steps)`; spike times are
//! `t = step · dt` (seconds) on both sides, and the Kreuz measures run over the edges
//! `[0, steps · dt]`. Windows (raster tolerance, Γ, STTC, bins) are in steps, τ and q in
//! seconds. Each family lives in its own file; [`compare`] runs them all.

pub mod coincidence;
pub mod counts;
pub mod kreuz;
pub mod raster;
pub mod sttc;
pub mod van_rossum;
pub mod victor_purpura;

use rayon::prelude::*;
use serde::Serialize;

pub use raster::RasterAgreement;

/// The parameters of the metrics that have one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricOptions {
    /// Tolerance k of the raster precision and recall, steps (default 1).
    pub tolerance_steps: u64,
    /// Bin width B of the binned per-neuron correlation, steps (≥ 1, default 10).
    pub bin_steps: u64,
    /// van Rossum time constant τ, seconds (≥ 0 or infinite, default 0.01).
    pub van_rossum_tau: f64,
    /// Victor–Purpura cost q of moving a spike, per second (≥ 0 or infinite, default 100).
    pub victor_purpura_cost: f64,
    /// Coincidence window Δ of Kistler's Γ, steps (default 2).
    pub coincidence_window_steps: u64,
    /// STTC window Δt, steps (default 5).
    pub sttc_window_steps: u64,
}

impl Default for MetricOptions {
    fn default() -> Self {
        Self {
            tolerance_steps: 1,
            bin_steps: 10,
            van_rossum_tau: 0.01,
            victor_purpura_cost: 100.0,
            coincidence_window_steps: 2,
            sttc_window_steps: 5,
        }
    }
}

/// Why two sets of trains cannot be compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    /// The two sides do not have the same number of neurons.
    #[error("the reference has {reference} neurons and the emulation {emulated}; they must match")]
    NeuronCount {
        /// Neurons in the reference.
        reference: usize,
        /// Neurons in the emulation.
        emulated: usize,
    },
    /// A train is not strictly increasing or has a spike at or after `steps`.
    #[error(
        "{side} neuron {neuron}: spike step {step} is {problem}; trains must be strictly \
         increasing steps in [0, {steps})"
    )]
    Train {
        /// `reference` or `emulated`.
        side: &'static str,
        /// The neuron index.
        neuron: usize,
        /// The offending step.
        step: u64,
        /// What is wrong with it.
        problem: &'static str,
        /// The run length, steps.
        steps: u64,
    },
    /// A run length, step or option is out of range.
    #[error("{name} = {value} is not allowed; {allowed}")]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What is allowed.
        allowed: &'static str,
    },
}

/// Every metric for one neuron (reference vs emulated).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeuronMetrics {
    /// Spikes in the reference train.
    pub count_reference: u64,
    /// Spikes in the emulated train.
    pub count_emulated: u64,
    /// Hamming distance, first divergence, precision and recall.
    pub raster: RasterAgreement,
    /// Pearson r of the per-bin counts; `None` when undefined (a train with constant bins).
    pub binned_correlation: Option<f64>,
    /// van Rossum distance with the paper normalisation (elephant / √2).
    pub van_rossum: f64,
    /// Victor–Purpura distance.
    pub victor_purpura: f64,
    /// ISI-distance in [0, 1].
    pub isi_distance: f64,
    /// SPIKE-distance in [0, 1].
    pub spike_distance: f64,
    /// SPIKE-synchronization in [0, 1].
    pub spike_sync: f64,
    /// Kistler's Γ; `None` when undefined.
    pub coincidence_factor: Option<f64>,
    /// STTC in [−1, 1]; `None` when either train is empty.
    pub sttc: Option<f64>,
}

/// Population summary: totals, count statistics and means of the per-neuron metrics (each mean
/// over the neurons where the metric is defined; `None` when it is defined for none).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Neurons compared.
    pub neurons: usize,
    /// True when every raster is identical.
    pub exact_agreement: bool,
    /// Neurons whose rasters are identical.
    pub identical_neurons: usize,
    /// The earliest step where any neuron diverges, and that neuron (lowest index on ties).
    pub first_divergence: Option<FirstDivergence>,
    /// Total Hamming distance over neurons.
    pub hamming: u64,
    /// Total reference spikes.
    pub spikes_reference: u64,
    /// Total emulated spikes.
    pub spikes_emulated: u64,
    /// `Σ|n_hw − n_ref| / Σ n_ref`; `None` when the reference has no spike.
    pub relative_count_error: Option<f64>,
    /// Pearson r of the per-neuron counts; `None` when either side's counts are constant.
    pub count_correlation: Option<f64>,
    /// Pooled precision `Σ matched / Σ n_hw`.
    pub precision: Option<f64>,
    /// Pooled recall `Σ matched / Σ n_ref`.
    pub recall: Option<f64>,
    /// Mean binned correlation.
    pub mean_binned_correlation: Option<f64>,
    /// Mean van Rossum distance.
    pub mean_van_rossum: Option<f64>,
    /// Mean Victor–Purpura distance.
    pub mean_victor_purpura: Option<f64>,
    /// Mean ISI-distance.
    pub mean_isi_distance: Option<f64>,
    /// Mean SPIKE-distance.
    pub mean_spike_distance: Option<f64>,
    /// Mean SPIKE-synchronization.
    pub mean_spike_sync: Option<f64>,
    /// Mean Γ.
    pub mean_coincidence_factor: Option<f64>,
    /// Mean STTC.
    pub mean_sttc: Option<f64>,
}

/// Where the rasters first differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FirstDivergence {
    /// The step.
    pub step: u64,
    /// The neuron (the lowest index among those diverging at that step).
    pub neuron: usize,
}

/// The comparison of two runs: options, run length, per-neuron metrics and the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The options used.
    pub options: MetricOptions,
    /// Run length, steps.
    pub steps: u64,
    /// Step length, seconds.
    pub dt: f64,
    /// Per-neuron metrics, in neuron order.
    pub neurons: Vec<NeuronMetrics>,
    /// The population summary.
    pub summary: Summary,
}

/// Checks that every train is strictly increasing and inside `[0, steps)`.
fn check_trains(side: &'static str, trains: &[Vec<u64>], steps: u64) -> Result<(), MetricsError> {
    for (neuron, train) in trains.iter().enumerate() {
        let error = |step, problem| MetricsError::Train { side, neuron, step, problem, steps };
        if let Some(pair) = train.windows(2).find(|pair| pair[1] <= pair[0]) {
            return Err(error(pair[1], "not after the previous spike"));
        }
        if let Some(&last) = train.last().filter(|&&last| last >= steps) {
            return Err(error(last, "outside the run"));
        }
    }
    Ok(())
}

/// Checks the run length, step and options.
fn check_parameters(steps: u64, dt: f64, options: &MetricOptions) -> Result<(), MetricsError> {
    let bad = |name, value, allowed| Err(MetricsError::Parameter { name, value, allowed });
    if steps == 0 {
        return bad("steps", 0.0, "a comparison needs at least one step");
    }
    if !(dt.is_finite() && dt > 0.0) {
        return bad("dt", dt, "the step must be a positive, finite number of seconds");
    }
    if options.bin_steps == 0 {
        return bad("bin_steps", 0.0, "bins are at least one step wide");
    }
    if options.van_rossum_tau.is_nan() || options.van_rossum_tau < 0.0 {
        return bad("van_rossum_tau", options.van_rossum_tau, "τ is ≥ 0 seconds (or infinite)");
    }
    if options.victor_purpura_cost.is_nan() || options.victor_purpura_cost < 0.0 {
        return bad("victor_purpura_cost", options.victor_purpura_cost, "q is ≥ 0 per second");
    }
    Ok(())
}

/// Every metric of one neuron.
fn neuron_metrics(
    reference: &[u64],
    emulated: &[u64],
    steps: u64,
    dt: f64,
    options: &MetricOptions,
) -> NeuronMetrics {
    let times = |train: &[u64]| train.iter().map(|&s| s as f64 * dt).collect::<Vec<f64>>();
    let (a, b) = (times(reference), times(emulated));
    let t_end = steps as f64 * dt;
    NeuronMetrics {
        count_reference: reference.len() as u64,
        count_emulated: emulated.len() as u64,
        raster: raster::raster_agreement(reference, emulated, options.tolerance_steps),
        binned_correlation: counts::binned_correlation(
            reference,
            emulated,
            steps,
            options.bin_steps,
        ),
        van_rossum: van_rossum::van_rossum_distance(&a, &b, options.van_rossum_tau),
        victor_purpura: victor_purpura::victor_purpura_distance(
            &a,
            &b,
            options.victor_purpura_cost,
        ),
        isi_distance: kreuz::isi_distance(&a, &b, 0.0, t_end),
        spike_distance: kreuz::spike_distance(&a, &b, 0.0, t_end),
        spike_sync: kreuz::spike_sync(&a, &b, 0.0, t_end),
        coincidence_factor: coincidence::coincidence_factor(
            reference,
            emulated,
            steps,
            options.coincidence_window_steps,
        ),
        sttc: sttc::sttc(reference, emulated, steps, options.sttc_window_steps),
    }
}

/// The mean of the defined values, in neuron order.
fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, n) = values.flatten().fold((0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The population summary of per-neuron metrics.
fn summarise(neurons: &[NeuronMetrics]) -> Summary {
    let counts_ref: Vec<u64> = neurons.iter().map(|m| m.count_reference).collect();
    let counts_hw: Vec<u64> = neurons.iter().map(|m| m.count_emulated).collect();
    let (spikes_reference, spikes_emulated) = (counts_ref.iter().sum(), counts_hw.iter().sum());
    let matched: u64 = neurons.iter().map(|m| m.raster.matched).sum();
    let first_divergence = neurons
        .iter()
        .enumerate()
        .filter_map(|(neuron, m)| {
            m.raster.first_divergence.map(|step| FirstDivergence { step, neuron })
        })
        .min_by_key(|d| (d.step, d.neuron));
    let identical_neurons = neurons.iter().filter(|m| m.raster.hamming == 0).count();
    let over = |f: fn(&NeuronMetrics) -> Option<f64>| mean(neurons.iter().map(f));
    Summary {
        neurons: neurons.len(),
        exact_agreement: identical_neurons == neurons.len(),
        identical_neurons,
        first_divergence,
        hamming: neurons.iter().map(|m| m.raster.hamming).sum(),
        spikes_reference,
        spikes_emulated,
        relative_count_error: counts::relative_count_error(&counts_ref, &counts_hw),
        count_correlation: counts::pearson(&counts_hw, &counts_ref),
        precision: raster::ratio(matched, spikes_emulated),
        recall: raster::ratio(matched, spikes_reference),
        mean_binned_correlation: over(|m| m.binned_correlation),
        mean_van_rossum: over(|m| Some(m.van_rossum)),
        mean_victor_purpura: over(|m| Some(m.victor_purpura)),
        mean_isi_distance: over(|m| Some(m.isi_distance)),
        mean_spike_distance: over(|m| Some(m.spike_distance)),
        mean_spike_sync: over(|m| Some(m.spike_sync)),
        mean_coincidence_factor: over(|m| m.coincidence_factor),
        mean_sttc: over(|m| m.sttc),
    }
}

/// Compares the emulated trains with the reference, neuron by neuron (trains are sorted,
/// distinct spike steps in `[0, steps)`, one per neuron, the same neuron count on both sides;
/// `dt` in seconds). Neurons are processed in parallel; the result does not depend on the
/// thread count.
pub fn compare(
    reference: &[Vec<u64>],
    emulated: &[Vec<u64>],
    steps: u64,
    dt: f64,
    options: &MetricOptions,
) -> Result<Comparison, MetricsError> {
    if reference.len() != emulated.len() {
        return Err(MetricsError::NeuronCount {
            reference: reference.len(),
            emulated: emulated.len(),
        });
    }
    check_parameters(steps, dt, options)?;
    check_trains("reference", reference, steps)?;
    check_trains("emulated", emulated, steps)?;
    let neurons: Vec<NeuronMetrics> = reference
        .par_iter()
        .zip(emulated.par_iter())
        .map(|(r, e)| neuron_metrics(r, e, steps, dt, options))
        .collect();
    let summary = summarise(&neurons);
    Ok(Comparison { options: *options, steps, dt, neurons, summary })
}
