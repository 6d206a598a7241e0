//! A Darwin3 session: the floating-point reference (MODEL §8) and the emulated chip run side by
//! side on the same input spikes, the network placed and validated, the mesh timed, the
//! vesicles carried as reward packets, and the two rasters compared (DARWIN3.md §4.10, §5).
//!
//! This is what `nvlab darwin3` and the lab's Darwin3 tab show. The order of work:
//! 1. the reference runs `steps` steps from rest on the network's weights and records every
//!    spike, the input spikes included (their rates also estimate the traffic for placement);
//! 2. the network is cut into chunks, the chunks are placed (zig-zag or greedy, optionally
//!    annealed) and the mapping is validated against every rule of §4.1;
//! 3. the emulator runs the same steps: the input spikes of reference step s are given to the
//!    emulator at step s + 1, where they integrate at s + d as in the reference (the host input
//!    of the chip is delivered one routing phase early; see [`super::emulator`]);
//! 4. each step's packets and per-core compute cycles go through the mesh model;
//! 5. the LIF neurons' rasters are compared with [`crate::spiking::metrics::compare`].
//!
//! **Divergence switches.** Each removes one source of difference between chip and reference
//! by giving the emulator the reference's behaviour in that respect:
//!
//! | source (§4.10) | present (the chip) | removed |
//! |---|---|---|
//! | weight quantisation | `w_bits` as chosen | 16-bit weights |
//! | leak form | the chosen neuron model | `Clif`, the propagator form of the reference |
//! | rounding | products floored (arithmetic shift) | symmetric round-half-away |
//! | delay alignment | every projection delivers in one step | per-synapse delays honoured |
//! | leak precision | Q0.8 leak factors (244/256 for e^(−1/20)) | exact e^(−dt/τ) |
//! | saturation | 16-bit state and weight sums | unbounded |
//! | LSB | v and I on the voltage grid (1/V mV), weights on the weight grid | f64 in mV |
//! | refractory | a refractory neuron skips its program, dropping its input | I keeps integrating |
//!
//! The last four run the inference on the relaxed numerics of [`super::relaxed`] (f64, Tier A:
//! a session asking for Tier B runs Tier A then, [`SessionSettings::effective_tier`]); the
//! schedule (routing, delays, the one-step host input offset) stays the chip's. With all eight
//! removed the chip agrees with the reference spike for spike (`core/tests/darwin3_session.rs`
//! on both shipped spiking presets). Leak form, leak precision and LSB change what the chip
//! runs: [`SessionSettings::emu_config`] is the effective configuration.
//!
//! **Vesicles.** Given the vesicle traffic of a world (per step, the hops along synapses), each
//! hop is sent with [`Emulator::hop_reward`]: a reward packet (2 flits) when the two neurons sit
//! on different cores, docking at the target's 8-bit reward trace the next step. Every hop
//! carries [`REWARD_QUANTUM`] [DEFAULT; DARWIN3.md §4.9 leaves the payload to the designer].

use serde::Serialize;

use super::arith::{Rounding, WEIGHT_WIDTHS};
use super::emulator::{EmuConfig, Emulator, Tier};
use super::geometry::{
    AXON_WORDS, CoreCoord, CoreKind, GRID, LITTLE_DENDRITE_WORDS, MAX_NEURONS_PER_CORE,
};
use super::mapping::{DelayMode, Mapping, MappingReport, RuleViolation, partition, validate};
use super::mesh::{MeshModel, MeshSettings, MeshTotals};
use super::neuron::NeuronModel;
use super::packet::PacketClass;
use super::placement::{Placement, place};
use super::quantise::QuantScales;
use super::relaxed::Relaxed;
use crate::spiking::metrics::{Comparison, MetricOptions, compare};
use crate::spiking::{LifReference, NeuronKind, SpikingNetwork};

/// Reward added to a neuron's 8-bit reward trace per vesicle hop.
pub const REWARD_QUANTUM: i8 = 16;

/// Steps a session may run (the rasters are kept whole).
pub const MAX_STEPS: u64 = 1_000_000;

/// The sources of divergence a person can remove (module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// Use 16-bit weights.
    pub quantisation: bool,
    /// Use the `Clif` model, whatever model is chosen.
    pub leak_form: bool,
    /// Round products half away from zero instead of flooring them.
    pub rounding: bool,
    /// Honour every synapse's delay instead of the chip's one step per projection.
    pub delay_alignment: bool,
    /// Exact leak factors e^(−dt/τ) instead of the Q0.8 ones (not the leak *form*).
    #[serde(default)]
    pub leak_precision: bool,
    /// No 16-bit saturation of state and weight sums.
    #[serde(default)]
    pub saturation: bool,
    /// Real-valued v, I and weights instead of the chip's voltage and weight LSB grid.
    #[serde(default)]
    pub lsb: bool,
    /// The reference's refractory period: v held at v_reset while I keeps integrating,
    /// instead of the chip's skipped program (whose weight sum is dropped).
    #[serde(default)]
    pub refractory: bool,
}

impl Removed {
    /// Every source removed.
    pub const ALL: Removed = Removed {
        quantisation: true,
        leak_form: true,
        rounding: true,
        delay_alignment: true,
        leak_precision: true,
        saturation: true,
        lsb: true,
        refractory: true,
    };

    /// The relaxed numerics these removals ask for (`None` when the integer chip suffices).
    pub fn relaxed(&self) -> Option<Relaxed> {
        let r = Relaxed {
            exact_leak: self.leak_precision,
            unbounded: self.saturation,
            real: self.lsb,
            refractory_integrates: self.refractory,
        };
        (r != Relaxed::default()).then_some(r)
    }
}

/// What a session runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SessionSettings {
    /// Steps to run, 1..=[`MAX_STEPS`].
    pub steps: u64,
    /// How chunks are placed.
    #[serde(skip)]
    pub placement: Placement,
    /// Weight width, bits (2, 4, 6, 8 or 16).
    pub w_bits: u8,
    /// The neuron model.
    pub model: NeuronModel,
    /// Divergence sources removed.
    pub removed: Removed,
    /// Seed of the reference's Poisson inputs and of annealing.
    pub seed: u64,
    /// Built-in models (A) or the ISA interpreter on generated programs (B); the rasters are
    /// identical, B lists each core's program and counts the instructions it executes.
    pub tier: Tier,
}

impl SessionSettings {
    /// Defaults: 8-bit weights, `LifMul` (the chip's default leak), zig-zag, nothing removed.
    pub fn new(steps: u64, seed: u64) -> Self {
        Self {
            steps,
            placement: Placement::zigzag(),
            w_bits: 8,
            model: NeuronModel::LifMul,
            removed: Removed::default(),
            seed,
            tier: Tier::A,
        }
    }

    /// Checks the settings alone, before any network is looked at: 1..=[`MAX_STEPS`] steps and
    /// a weight width of [`WEIGHT_WIDTHS`]. The error names the setting, its value and what
    /// the chip takes.
    pub fn check(&self) -> Result<(), SessionError> {
        if !(1..=MAX_STEPS).contains(&self.steps) {
            return Err(SessionError::Invalid(format!(
                "steps = {}: a session runs 1 to {MAX_STEPS} steps",
                self.steps
            )));
        }
        if !WEIGHT_WIDTHS.contains(&self.w_bits) {
            return Err(SessionError::Invalid(format!(
                "weight width = {} bits: the chip's weights are 2, 4, 6, 8 or 16 bits wide",
                self.w_bits
            )));
        }
        Ok(())
    }

    /// The tier that runs: the chosen one, or Tier A when a removal needs the relaxed numerics
    /// (the interpreter runs only the chip's integer arithmetic).
    pub fn effective_tier(&self) -> Tier {
        if self.removed.relaxed().is_some() { Tier::A } else { self.tier }
    }

    /// The emulator configuration these settings imply for `network` (the switches applied;
    /// the refractory counter is on when any neuron has a refractory period, as in the
    /// reference).
    pub fn emu_config(&self, network: &SpikingNetwork) -> EmuConfig {
        let r = self.removed;
        let refractory = network.neurons.iter().any(|k| match k {
            NeuronKind::Lif(p) => crate::spiking::refractory_steps(p.t_ref, network.dt) >= 1,
            NeuronKind::Input(_) => false,
        });
        EmuConfig {
            refractory,
            w_bits: if r.quantisation { 16 } else { self.w_bits },
            model: if r.leak_form { NeuronModel::Clif } else { self.model },
            rounding: if r.rounding { Rounding::SymmetricHalfAway } else { Rounding::Floor },
            delays: if r.delay_alignment { DelayMode::Queue } else { DelayMode::OneStep },
            seed: self.seed,
            tier: self.effective_tier(),
            relaxed: r.relaxed(),
            ..EmuConfig::default()
        }
    }
}

/// Vesicle hops along synapses, per step: `(pre neuron, post neuron, count)`.
pub type VesicleTraffic = Vec<Vec<(u32, u32, u32)>>;

/// A core's totals over the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoreTotals {
    /// The core.
    pub coord: CoreCoord,
    /// Its chunk (index into the mapping's chunks).
    pub chunk: usize,
    /// Spike packets received.
    pub spikes_in: u64,
    /// Spikes its neurons emitted.
    pub spikes_out: u64,
    /// Dendrite entries expanded.
    pub synaptic_events: u64,
    /// Instructions executed.
    pub instructions: u64,
    /// Packets it injected (spikes and rewards).
    pub packets_out: u64,
    /// Packets delivered to it.
    pub packets_in: u64,
    /// Reward (vesicle) packets it injected.
    pub vesicle_packets: u64,
}

/// Why a session could not run; the current state of the caller is untouched.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionError {
    /// The settings or the network are not usable (what and what is allowed).
    Invalid(String),
    /// The mapping breaks rules of DARWIN3.md §4.1.
    Mapping(Vec<RuleViolation>),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::Invalid(m) => f.write_str(m),
            SessionError::Mapping(v) => {
                write!(f, "the mapping breaks {} rule(s):", v.len())?;
                for r in v {
                    write!(f, "\n  {r}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SessionError {}

/// Everything a session produced.
#[derive(Clone, Debug)]
pub struct Session {
    /// The settings it ran with.
    pub settings: SessionSettings,
    /// The emulator configuration used.
    pub emu_config: EmuConfig,
    /// The network (with the weights it ran on).
    pub network: SpikingNetwork,
    /// Chunks and their cores.
    pub mapping: Mapping,
    /// Per-core memory use and warnings (rule 7).
    pub report: MappingReport,
    /// The quantisation scales.
    pub scales: QuantScales,
    /// Reference spike steps per neuron (inputs included).
    pub reference: Vec<Vec<u64>>,
    /// Emulated spike steps per neuron (inputs: the reference's input spikes).
    pub emulated: Vec<Vec<u64>>,
    /// Every input spike `(neuron, step)`, in step order.
    pub inputs: Vec<(u32, u64)>,
    /// The LIF neurons, in index order (the rows of `comparison`).
    pub lif_neurons: Vec<u32>,
    /// Per core, in chunk order (on-chip chunks only).
    pub cores: Vec<CoreTotals>,
    /// Mesh totals: per-link flits, hop histogram, makespans, overruns.
    pub mesh: MeshTotals,
    /// Largest flits one link carried in one step, by dense link index.
    pub link_peak: Vec<u64>,
    /// The step budget, cycles.
    pub budget_cycles: u64,
    /// The rasters compared, LIF neurons only.
    pub comparison: Comparison,
    /// Each on-chip core's program listing (Tier B; empty under Tier A).
    pub programs: Vec<(CoreCoord, String)>,
}

/// What the network needs of the chip and what the chip has ([`preflight`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Capacity {
    /// On-chip chunks, one neuron core each.
    pub cores_needed: usize,
    /// Of those, the chunks whose dendrite words only a big core holds (> 2^13).
    pub big_cores_needed: usize,
    /// Neuron cores of the chip (575).
    pub cores_available: usize,
    /// Big neuron cores of the chip (287).
    pub big_cores_available: usize,
    /// Dendrite words of all chunks.
    pub dendrite_words_needed: u64,
    /// Dendrite words of the whole chip.
    pub dendrite_words_available: u64,
}

impl std::fmt::Display for Capacity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} neuron cores ({} of {} big), {} of {} dendrite words",
            self.cores_needed,
            self.cores_available,
            self.big_cores_needed,
            self.big_cores_available,
            self.dendrite_words_needed,
            self.dendrite_words_available
        )
    }
}

/// Everything about `network` and `settings` that can be checked before the reference, the
/// vesicle traffic or the emulator runs: the settings ([`SessionSettings::check`]), the
/// network's invariants, at least one LIF neuron, its quantisation and chunking for the
/// chosen model and weight width (cheap: one pass over the synapses), and the chip's capacity:
/// as many neuron cores as chunks, as many big cores as chunks that need one, and each chunk's
/// axon words. Returns what the network needs and the chip has.
pub fn preflight(
    network: &SpikingNetwork,
    settings: &SessionSettings,
) -> Result<Capacity, SessionError> {
    let invalid = SessionError::Invalid;
    settings.check()?;
    network.check().map_err(invalid)?;
    if !network.neurons.iter().any(|k| matches!(k, NeuronKind::Lif(_))) {
        return Err(invalid(format!(
            "no LIF neuron to map: the network's {} neurons are all inputs, and Darwin3 cores \
             hold LIF neurons (add a population with kind `Lif(())`)",
            network.len()
        )));
    }
    let map_cfg = settings.emu_config(network).map_config();
    let chunks = partition(network, &map_cfg).map_err(invalid)?;
    let on_chip: Vec<_> = chunks.iter().filter(|c| !c.input).collect();
    let cores = CoreCoord::neuron_cores();
    let (all, big) =
        cores.fold((0, 0), |(a, b), c| (a + 1, b + usize::from(c.kind() == CoreKind::Big)));
    let capacity = Capacity {
        cores_needed: on_chip.len(),
        big_cores_needed: on_chip
            .iter()
            .filter(|c| c.dendrite_words > LITTLE_DENDRITE_WORDS)
            .count(),
        cores_available: all,
        big_cores_available: big,
        dendrite_words_needed: on_chip.iter().map(|c| c.dendrite_words as u64).sum(),
        dendrite_words_available: CoreCoord::neuron_cores()
            .map(|c| c.kind().dendrite_words() as u64)
            .sum(),
    };
    if capacity.cores_needed > capacity.cores_available
        || capacity.big_cores_needed > capacity.big_cores_available
    {
        return Err(invalid(format!(
            "the network does not fit the chip: it needs {capacity} (at most \
             {MAX_NEURONS_PER_CORE} neurons per core; a narrower weight width needs fewer \
             dendrite words)"
        )));
    }
    if let Some(c) = on_chip.iter().find(|c| c.axon_words > AXON_WORDS) {
        return Err(invalid(format!(
            "population `{}` (neurons {}..{}) needs {} axon words on one core, more than the \
             {AXON_WORDS} a core has",
            network.populations[c.population].name,
            c.start,
            c.start + c.len,
            c.axon_words
        )));
    }
    Ok(capacity)
}

/// Where a running session is, for progress reports: `phase` ("reference", "chip"), steps
/// done and the total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What runs: "reference" (the float reference) or "chip" (the emulator and the mesh).
    pub phase: &'static str,
    /// Steps done in this phase.
    pub done: u64,
    /// Steps of the phase.
    pub total: u64,
}

/// Steps between two progress reports.
const PROGRESS_EVERY: u64 = 64;

/// Runs a session on `network` (see the module docs), after [`preflight`]. `vesicles`, when given, holds per step
/// the vesicle hops to carry as reward packets (shorter than `steps` is fine).
pub fn run(
    network: &SpikingNetwork,
    settings: &SessionSettings,
    vesicles: Option<&VesicleTraffic>,
) -> Result<Session, SessionError> {
    run_with_progress(network, settings, vesicles, &mut |_| {})
}

/// [`run`], calling `progress` every few steps of the reference and of the chip.
pub fn run_with_progress(
    network: &SpikingNetwork,
    settings: &SessionSettings,
    vesicles: Option<&VesicleTraffic>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Session, SessionError> {
    let invalid = SessionError::Invalid;
    preflight(network, settings)?;
    let n = network.len();
    let steps = settings.steps;

    // 1. The reference.
    let mut reference = LifReference::new(network, settings.seed).map_err(invalid)?;
    let weights = network.weights();
    let is_input: Vec<bool> =
        network.neurons.iter().map(|k| matches!(k, NeuronKind::Input(_))).collect();
    let mut ref_raster: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut inputs_by_step: Vec<Vec<u32>> = Vec::with_capacity(steps as usize);
    for t in 0..steps {
        let spikes = reference.step(None, &weights);
        let mut ins = Vec::new();
        for &i in spikes {
            ref_raster[i as usize].push(t);
            if is_input[i as usize] {
                ins.push(i);
            }
        }
        inputs_by_step.push(ins);
        if (t + 1).is_multiple_of(PROGRESS_EVERY) || t + 1 == steps {
            progress(Progress { phase: "reference", done: t + 1, total: steps });
        }
    }

    // 2. Chunks, traffic, placement, validation.
    let emu_config = settings.emu_config(network);
    let map_cfg = emu_config.map_config();
    let chunks = partition(network, &map_cfg).map_err(invalid)?;
    let chunk_of = |i: u32| chunks.partition_point(|c| c.start + c.len <= i);
    let rate: Vec<f64> = ref_raster.iter().map(|s| s.len() as f64 / steps as f64).collect();
    let mut pairs: Vec<(u32, usize)> =
        network.synapses.iter().map(|s| (s.pre, chunk_of(s.post))).collect();
    pairs.dedup();
    let mut traffic: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
    for (pre, b) in pairs {
        *traffic.entry((chunk_of(pre), b)).or_default() += rate[pre as usize];
    }
    let traffic: Vec<(usize, usize, f64)> =
        traffic.into_iter().map(|((a, b), r)| (a, b, r)).collect();
    let mut placement = settings.placement;
    if let Some(a) = placement.anneal.as_mut() {
        a.seed = settings.seed;
    }
    let coords = place(&chunks, &traffic, placement).map_err(|e| invalid(e.to_string()))?;
    let mapping = Mapping::new(chunks, coords).map_err(invalid)?;
    let report = validate(&mapping, network, &map_cfg).map_err(SessionError::Mapping)?;

    // 3–4. The emulator and the mesh.
    let mut emulator = Emulator::new(network, &mapping, emu_config).map_err(invalid)?;
    let mesh_settings = MeshSettings::default();
    let budget_cycles = mesh_settings.budget_cycles();
    let mut mesh = MeshModel::new(mesh_settings).map_err(|e| invalid(e.to_string()))?;
    let mut cores: Vec<CoreTotals> = Vec::new();
    let mut emu_raster: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut link_peak = Vec::new();
    let mut compute = vec![0u64; (GRID * GRID) as usize];
    let no_hops = Vec::new();
    for t in 0..steps {
        if let Some(v) = vesicles {
            for &(from, to, count) in v.get(t as usize).unwrap_or(&no_hops) {
                for _ in 0..count {
                    emulator.hop_reward(from, to, REWARD_QUANTUM).map_err(invalid)?;
                }
            }
        }
        let given: &[u32] = if t == 0 { &[] } else { &inputs_by_step[t as usize - 1] };
        let out = emulator.step(given);
        for &i in &out.spikes {
            emu_raster[i as usize].push(t);
        }
        if cores.is_empty() {
            cores = out
                .counters
                .iter()
                .map(|c| CoreTotals {
                    coord: c.coord,
                    chunk: 0,
                    spikes_in: 0,
                    spikes_out: 0,
                    synaptic_events: 0,
                    instructions: 0,
                    packets_out: 0,
                    packets_in: 0,
                    vesicle_packets: 0,
                })
                .collect();
            let on_chip = mapping.coords.iter().enumerate().filter(|(_, c)| c.on_chip());
            for (total, (chunk, _)) in cores.iter_mut().zip(on_chip) {
                total.chunk = chunk;
            }
        }
        compute.fill(0);
        for (total, c) in cores.iter_mut().zip(&out.counters) {
            total.spikes_in += c.spikes_in;
            total.spikes_out += c.spikes_out;
            total.synaptic_events += c.synaptic_events;
            total.instructions += c.instructions;
            compute[c.coord.index()] = c.compute_cycles();
        }
        let step = mesh.step(&out.packets, &compute).map_err(|e| invalid(e.to_string()))?;
        if link_peak.is_empty() {
            link_peak = vec![0; step.link_flits.len()];
        }
        for (peak, &f) in link_peak.iter_mut().zip(&step.link_flits) {
            *peak = (*peak).max(f);
        }
        for p in out.packets.iter().filter(|p| p.class == PacketClass::Reward) {
            if let Some(total) = cores.iter_mut().find(|c| c.coord == p.src) {
                total.vesicle_packets += 1;
            }
        }
        if (t + 1).is_multiple_of(PROGRESS_EVERY) || t + 1 == steps {
            progress(Progress { phase: "chip", done: t + 1, total: steps });
        }
    }
    let programs = cores
        .iter()
        .filter_map(|c| emulator.core_program(c.coord).map(|p| (c.coord, p.listing())))
        .collect();
    let totals = mesh.totals().clone();
    for total in &mut cores {
        let i = total.coord.index();
        total.packets_out = totals.packets_out.get(i).copied().unwrap_or(0);
        total.packets_in = totals.packets_in.get(i).copied().unwrap_or(0);
    }
    // Input neurons "spike" on the chip when the host sends them, one step after the
    // reference drew them.
    for (i, input) in is_input.iter().enumerate() {
        if *input {
            emu_raster[i] = ref_raster[i].clone();
        }
    }

    // 5. The comparison, LIF neurons only.
    let lif_neurons: Vec<u32> = (0..n as u32).filter(|&i| !is_input[i as usize]).collect();
    let pick = |r: &[Vec<u64>]| -> Vec<Vec<u64>> {
        lif_neurons.iter().map(|&i| r[i as usize].clone()).collect()
    };
    let comparison = compare(
        &pick(&ref_raster),
        &pick(&emu_raster),
        steps,
        network.dt,
        &MetricOptions::default(),
    )
    .map_err(|e| invalid(e.to_string()))?;
    let inputs = inputs_by_step
        .iter()
        .enumerate()
        .flat_map(|(t, s)| s.iter().map(move |&i| (i, t as u64)))
        .collect();
    Ok(Session {
        settings: *settings,
        emu_config,
        network: network.clone(),
        scales: emulator.scales().clone(),
        mapping,
        report,
        reference: ref_raster,
        emulated: emu_raster,
        inputs,
        lif_neurons,
        cores,
        mesh: totals,
        link_peak,
        budget_cycles,
        comparison,
        programs,
    })
}

/// One divergence source of [`Removed`], for naming and attribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Source {
    /// Weight quantisation (the chosen width).
    Quantisation,
    /// The leak form (the chosen model instead of `Clif`).
    LeakForm,
    /// Floored products.
    Rounding,
    /// One step per projection.
    DelayAlignment,
    /// Q0.8 leak factors.
    LeakPrecision,
    /// 16-bit saturation.
    Saturation,
    /// The voltage and weight LSBs.
    Lsb,
    /// The chip's refractory period (input dropped).
    Refractory,
}

impl Source {
    /// Every source, in the order the tab and `nvlab darwin3` list them.
    pub const ALL: [Source; 8] = [
        Source::Quantisation,
        Source::LeakForm,
        Source::Rounding,
        Source::DelayAlignment,
        Source::LeakPrecision,
        Source::Saturation,
        Source::Lsb,
        Source::Refractory,
    ];

    /// Whether removing it runs the chip's inference on f64 (the relaxed numerics, Tier A)
    /// instead of its integers.
    pub fn relaxes_arithmetic(self) -> bool {
        matches!(
            self,
            Source::LeakPrecision | Source::Saturation | Source::Lsb | Source::Refractory
        )
    }

    /// Its name in `nvlab darwin3 --remove` (and in `metrics.json`).
    pub fn cli_name(self) -> &'static str {
        match self {
            Source::Quantisation => "quantisation",
            Source::LeakForm => "leak",
            Source::Rounding => "rounding",
            Source::DelayAlignment => "delay",
            Source::LeakPrecision => "leak-precision",
            Source::Saturation => "saturation",
            Source::Lsb => "lsb",
            Source::Refractory => "refractory",
        }
    }
}

impl Removed {
    /// Whether `source` is removed.
    pub fn get(&self, source: Source) -> bool {
        match source {
            Source::Quantisation => self.quantisation,
            Source::LeakForm => self.leak_form,
            Source::Rounding => self.rounding,
            Source::DelayAlignment => self.delay_alignment,
            Source::LeakPrecision => self.leak_precision,
            Source::Saturation => self.saturation,
            Source::Lsb => self.lsb,
            Source::Refractory => self.refractory,
        }
    }

    /// Sets whether `source` is removed.
    pub fn set(&mut self, source: Source, removed: bool) {
        let field = match source {
            Source::Quantisation => &mut self.quantisation,
            Source::LeakForm => &mut self.leak_form,
            Source::Rounding => &mut self.rounding,
            Source::DelayAlignment => &mut self.delay_alignment,
            Source::LeakPrecision => &mut self.leak_precision,
            Source::Saturation => &mut self.saturation,
            Source::Lsb => &mut self.lsb,
            Source::Refractory => &mut self.refractory,
        };
        *field = removed;
    }
}

/// The headline agreement of one session (LIF neurons).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// Fraction of LIF neurons whose trains are identical, spike for spike (1 = exact
    /// agreement of the whole raster).
    pub identical: f64,
    /// Mean SPIKE-synchronisation (`None` without spikes).
    pub spike_sync: Option<f64>,
    /// Σ|n_emu − n_ref| / Σ n_ref (`None` without reference spikes).
    pub count_error: Option<f64>,
}

impl Agreement {
    /// The agreement of a finished session.
    pub fn of(s: &Session) -> Self {
        let m = &s.comparison.summary;
        Self {
            identical: if m.neurons == 0 {
                1.0
            } else {
                m.identical_neurons as f64 / m.neurons as f64
            },
            spike_sync: m.mean_spike_sync,
            count_error: m.relative_count_error,
        }
    }
}

/// How much of the gap one source causes: the agreement with only that source removed (from
/// the settings' own removals: what removing it gains) and with every source but it removed
/// (what it alone costs).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SourceAttribution {
    /// The source.
    pub source: Source,
    /// The settings' removals plus this source.
    pub only_removed: Agreement,
    /// Every source removed but this one.
    pub all_but: Agreement,
}

/// The gap attributed to each source (see [`attribute`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attribution {
    /// The settings as given.
    pub baseline: Agreement,
    /// Every source removed.
    pub all_removed: Agreement,
    /// One row per source of [`Source::ALL`].
    pub sources: Vec<SourceAttribution>,
}

/// Attributes the gap between chip and reference to its sources: 2 + 2 × 8 sessions of
/// `settings.steps` steps, without vesicle traffic (reward packets change no spike without
/// learning). `progress(done, total)` is called after each session.
pub fn attribute(
    network: &SpikingNetwork,
    settings: &SessionSettings,
    mut progress: impl FnMut(usize, usize),
) -> Result<Attribution, SessionError> {
    let total = 2 + 2 * Source::ALL.len();
    let mut done = 0;
    let mut agreement = |removed: Removed| -> Result<Agreement, SessionError> {
        let s = run(network, &SessionSettings { removed, ..*settings }, None)?;
        done += 1;
        progress(done, total);
        Ok(Agreement::of(&s))
    };
    let baseline = agreement(settings.removed)?;
    let all_removed = agreement(Removed::ALL)?;
    let mut sources = Vec::with_capacity(Source::ALL.len());
    for source in Source::ALL {
        let mut only = settings.removed;
        only.set(source, true);
        let mut all_but = Removed::ALL;
        all_but.set(source, false);
        sources.push(SourceAttribution {
            source,
            only_removed: agreement(only)?,
            all_but: agreement(all_but)?,
        });
    }
    Ok(Attribution { baseline, all_removed, sources })
}
