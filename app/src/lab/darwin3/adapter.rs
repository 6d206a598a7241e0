//! From the engine to the Darwin3 tab: runs a [`nv_core::darwin3::session`] for the world's
//! spiking network on a worker thread (the window never waits for it) and turns its result
//! into the panel's [`Darwin3View`].

use std::sync::mpsc;
use std::time::Instant;

use eframe::egui;
use nv_core::World;
use nv_core::darwin3::from_world::{network_of, vesicle_traffic};
use nv_core::darwin3::links::Link;
use nv_core::darwin3::neuron::NeuronModel as CoreModel;
use nv_core::darwin3::placement::{AnnealSettings, Placement as CorePlacement};
use nv_core::darwin3::session::{self, Session, SessionError, SessionSettings};
use nv_core::darwin3::{CoreCoord, geometry};
use nv_core::spiking::metrics::NeuronMetrics as CoreNeuronMetrics;

use super::view::{
    Agreement, CoreView, Darwin3Settings, Darwin3View, DivergenceSource, GapAttribution, LinkView,
    MappedChunk, MetricColumn, Metrics, NeuronLabel, NeuronMetrics, NeuronModel, Placement,
    Rasters, Severity, SourceShare, StepTiming, SummaryMetric, ValidationMessage, ValueFormat,
};

/// Steps a session in the lab runs (1 s of simulated time at dt = 1 ms).
pub const LAB_STEPS: u64 = 1000;

/// θ increment and decrement of the lab's `AdaptiveLif`, LSB of the 2^14 = "1.0" voltage
/// scale [DEFAULT].
const ADAPTIVE_TH: (i16, i16) = (256, 1);

/// The core settings the panel's settings ask for.
pub fn session_settings(s: &Darwin3Settings, steps: u64, seed: u64) -> SessionSettings {
    let mut out = SessionSettings::new(steps, seed);
    // The lab runs the generated programs on the interpreter, so every core's program can be
    // listed; Tier A gives the same rasters (`core/tests/darwin3_isa.rs`).
    out.tier = nv_core::darwin3::emulator::Tier::B;
    out.placement = match s.placement {
        Placement::Zigzag => CorePlacement::zigzag(),
        Placement::Greedy => CorePlacement::greedy(),
        Placement::GreedyAnneal => {
            CorePlacement::greedy().annealed(AnnealSettings { seed, ..AnnealSettings::default() })
        }
    };
    out.w_bits = s.weight_bits;
    out.model = match s.neuron_model {
        NeuronModel::LifShift => CoreModel::LifShift,
        NeuronModel::LifMul => CoreModel::LifMul,
        NeuronModel::Clif => CoreModel::Clif,
        NeuronModel::AdaptiveLif => {
            CoreModel::AdaptiveLif { th_inc: ADAPTIVE_TH.0, th_sub: ADAPTIVE_TH.1 }
        }
    };
    out.removed = s.removed;
    out
}

fn agreement(a: &session::Agreement) -> Agreement {
    Agreement { identical: a.identical, spike_sync: a.spike_sync, count_error: a.count_error }
}

/// The panel's attribution of a core attribution (rows in [`DivergenceSource::ALL`] order).
pub fn attribution_view(a: &session::Attribution) -> GapAttribution {
    let rows = DivergenceSource::ALL
        .iter()
        .filter_map(|&source| {
            let row = a.sources.iter().find(|r| r.source == source)?;
            Some(SourceShare {
                source,
                only_removed: agreement(&row.only_removed),
                all_but: agreement(&row.all_but),
            })
        })
        .collect();
    GapAttribution {
        baseline: agreement(&a.baseline),
        all_removed: agreement(&a.all_removed),
        rows,
    }
}

/// A session running on a worker thread, or none.
#[derive(Debug, Default)]
pub struct Darwin3Runner {
    pending: Option<mpsc::Receiver<Darwin3View>>,
}

impl Darwin3Runner {
    /// Whether a session is running.
    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Starts a session for `world` with `settings` (a running one is abandoned; its result is
    /// dropped). A world without a spiking host gets no session: `Err` says why. When it
    /// finishes, the worker asks `ctx` for a repaint, so the window takes the result at once
    /// even when nothing else moves.
    pub fn start(
        &mut self,
        world: &World,
        settings: Darwin3Settings,
        ctx: &egui::Context,
    ) -> Result<(), String> {
        let network = network_of(world)?;
        let world = world.clone();
        let ctx = ctx.clone();
        let (send, receive) = mpsc::channel();
        std::thread::Builder::new()
            .name("darwin3".into())
            .spawn(move || {
                let _ = send.send(run_view(&world, &network, settings));
                ctx.request_repaint();
            })
            .map_err(|e| format!("cannot start the Darwin3 worker: {e}"))?;
        self.pending = Some(receive);
        Ok(())
    }

    /// Abandons the running session (its result is dropped).
    pub fn cancel(&mut self) {
        self.pending = None;
    }

    /// The finished session's view, if it came; never blocks.
    pub fn poll(&mut self) -> Option<Darwin3View> {
        let rx = self.pending.as_ref()?;
        match rx.try_recv() {
            Ok(view) => {
                self.pending = None;
                Some(view)
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                Some(error_view(
                    Darwin3Settings::default(),
                    "the Darwin3 worker stopped unexpectedly",
                ))
            }
        }
    }
}

/// Runs one session and builds its view (or a view that explains the failure).
pub fn run_view(
    world: &World,
    network: &nv_core::spiking::SpikingNetwork,
    settings: Darwin3Settings,
) -> Darwin3View {
    let started = Instant::now();
    let core_settings = session_settings(&settings, LAB_STEPS, world.preset.seed);
    let vesicles = match vesicle_traffic(world, LAB_STEPS) {
        Ok(v) => v,
        Err(e) => return error_view(settings, &e),
    };
    match session::run(network, &core_settings, Some(&vesicles)) {
        Ok(s) => {
            let mut view = view_of(&s, settings, started.elapsed().as_secs_f64());
            if settings.attribution {
                match session::attribute(network, &core_settings, |_, _| {}) {
                    Ok(a) => view.attribution = Some(attribution_view(&a)),
                    Err(e) => view.status.push_str(&format!(" · no attribution: {e}")),
                }
            }
            view
        }
        Err(SessionError::Mapping(rules)) => {
            let mut v = error_view(settings, "the mapping breaks the chip's rules (below)");
            v.validation = rules
                .iter()
                .map(|r| ValidationMessage {
                    rule: r.rule,
                    text: format!("{}: {}", r.title, r.detail),
                    severity: Severity::Error,
                })
                .collect();
            v
        }
        Err(e) => error_view(settings, &e.to_string()),
    }
}

/// An empty view whose status says what went wrong.
fn error_view(settings: Darwin3Settings, why: &str) -> Darwin3View {
    Darwin3View {
        cores: Vec::new(),
        links: Vec::new(),
        rasters: Rasters {
            steps: 0,
            dt: 0.0,
            populations: Vec::new(),
            neurons: Vec::new(),
            reference: Vec::new(),
            emulated: Vec::new(),
        },
        metrics: Metrics { summary: Vec::new(), columns: Vec::new(), rows: Vec::new() },
        timing: StepTiming { makespan_cycles: Vec::new(), budget_cycles: 0 },
        validation: Vec::new(),
        settings,
        status: format!("no emulation: {why}"),
        attribution: None,
    }
}

/// The panel's view of a finished session.
pub fn view_of(s: &Session, settings: Darwin3Settings, seconds: f64) -> Darwin3View {
    let net = &s.network;
    let steps = s.settings.steps;
    let model = s.emu_config.model;
    let program = model.base_instructions();
    let mut cores: Vec<CoreView> = Vec::new();
    for (chunk, &coord) in s.mapping.chunks.iter().zip(&s.mapping.coords) {
        let population = MappedChunk {
            population: net.populations[chunk.population].name.clone(),
            first: chunk.start,
            len: chunk.len,
        };
        if chunk.input {
            let spikes: u64 = chunk.neurons().map(|i| s.reference[i as usize].len() as u64).sum();
            cores.push(CoreView {
                coord,
                neurons: chunk.len,
                neuron_model: "host input (spike source)".into(),
                spikes_out: spikes,
                packets_out: spikes,
                populations: vec![population],
                ..io_core(coord)
            });
            continue;
        }
        let totals = s.cores.iter().find(|c| c.coord == coord);
        let used = s.report.cores.iter().find(|c| c.coord == coord);
        let t = |f: fn(&session::CoreTotals) -> u64| totals.map_or(0, f);
        let runs = (chunk.len as u64 * steps).max(1) as f64;
        let listing = s.programs.iter().find(|(at, _)| *at == coord).map(|(_, l)| l.as_str());
        cores.push(CoreView {
            coord,
            neurons: chunk.len,
            dendrite_words_used: used.map_or(0, |u| u.dendrite_words),
            dendrite_words_available: coord.kind().dendrite_words(),
            axon_words_used: used.map_or(0, |u| u.axon_words),
            axon_words_available: geometry::AXON_WORDS,
            neuron_model: model_name(model),
            program_len: listing.map_or(program, |l| l.lines().count() as u32),
            program: listing.unwrap_or_default().to_string(),
            instructions_per_neuron: t(|c| c.instructions) as f64 / runs,
            spikes_in: t(|c| c.spikes_in),
            spikes_out: t(|c| c.spikes_out),
            packets_in: t(|c| c.packets_in),
            packets_out: t(|c| c.packets_out),
            vesicle_packets: t(|c| c.vesicle_packets),
            populations: vec![population],
        });
    }
    let links = s
        .mesh
        .link_flits
        .iter()
        .enumerate()
        .filter(|(_, f)| **f > 0)
        .map(|(i, &f)| {
            let l = Link::from_index(i);
            LinkView {
                from: l.from,
                to: l.to(),
                flits_total: f,
                flits_per_step_max: s.link_peak.get(i).copied().unwrap_or(0),
            }
        })
        .collect();
    let populations: Vec<String> = net.populations.iter().map(|p| p.name.clone()).collect();
    let neurons = s
        .lif_neurons
        .iter()
        .map(|&i| {
            let p = net.population_of(i).unwrap_or(0);
            let local = i - net.populations.get(p).map_or(0, |p| p.start);
            NeuronLabel { label: format!("{}[{local}]", populations[p]), population: p }
        })
        .collect();
    let pick = |r: &[Vec<u64>]| -> Vec<Vec<u32>> {
        s.lif_neurons
            .iter()
            .map(|&i| r[i as usize].iter().map(|&t| t.min(u32::MAX as u64) as u32).collect())
            .collect()
    };
    let rasters = Rasters {
        steps: steps.min(u32::MAX as u64) as u32,
        dt: net.dt,
        populations,
        neurons,
        reference: pick(&s.reference),
        emulated: pick(&s.emulated),
    };
    let validation = s
        .report
        .warnings
        .iter()
        .map(|r| ValidationMessage {
            rule: r.rule,
            text: format!("{}: {}", r.title, r.detail),
            severity: Severity::Warning,
        })
        .collect();
    let placement = settings.placement.label();
    Darwin3View {
        cores,
        links,
        rasters,
        metrics: metrics_of(s),
        timing: StepTiming {
            makespan_cycles: s.mesh.makespans.clone(),
            budget_cycles: s.budget_cycles,
        },
        validation,
        settings,
        status: format!(
            "{steps} steps from rest · {} neurons on {} cores · {placement} · {} · {} · \
             {} · {} vesicle packets · emulated in {seconds:.2} s",
            net.len(),
            s.cores.len(),
            if s.emu_config.relaxed.is_some_and(|r| r.real) {
                "f64 weights".to_string()
            } else {
                format!("{}-bit weights", s.emu_config.w_bits)
            },
            model_name(model),
            match (s.emu_config.tier, s.emu_config.relaxed.is_some()) {
                (_, true) => "Tier A on f64 (relaxed numerics)",
                (nv_core::darwin3::emulator::Tier::B, false) => "Tier B (interpreter)",
                (nv_core::darwin3::emulator::Tier::A, false) => "Tier A",
            },
            s.cores.iter().map(|c| c.vesicle_packets).sum::<u64>()
        ),
        attribution: None,
    }
}

/// A virtual host I/O tile with nothing in it yet.
fn io_core(coord: CoreCoord) -> CoreView {
    CoreView { coord, ..CoreView::default() }
}

fn model_name(m: CoreModel) -> String {
    match m {
        CoreModel::LifShift => "LifShift".into(),
        CoreModel::LifMul => "LifMul".into(),
        CoreModel::Clif => "Clif".into(),
        CoreModel::AdaptiveLif { .. } => "AdaptiveLif".into(),
    }
}

/// The per-neuron columns: name, explanation, format and how to read it.
type Column = (&'static str, &'static str, ValueFormat, fn(&CoreNeuronMetrics) -> Option<f64>);

const COLUMNS: &[Column] = &[
    ("reference", "spikes of the float reference", ValueFormat::Integer, |m| {
        Some(m.count_reference as f64)
    }),
    ("emulated", "spikes of the emulated chip", ValueFormat::Integer, |m| {
        Some(m.count_emulated as f64)
    }),
    ("Hamming", "steps where exactly one raster has a spike", ValueFormat::Integer, |m| {
        Some(m.raster.hamming as f64)
    }),
    ("first divergence", "first step the rasters differ", ValueFormat::Integer, |m| {
        m.raster.first_divergence.map(|t| t as f64)
    }),
    (
        "precision",
        "emulated spikes with a reference spike within ±1 step",
        ValueFormat::Percent,
        |m| m.raster.precision,
    ),
    (
        "recall",
        "reference spikes with an emulated spike within ±1 step",
        ValueFormat::Percent,
        |m| m.raster.recall,
    ),
    (
        "van Rossum",
        "distance of the trains filtered by e^(−t/10 ms) (paper normalisation)",
        ValueFormat::Real,
        |m| Some(m.van_rossum),
    ),
    (
        "Victor–Purpura",
        "edit cost; moving a spike by Δt costs q·Δt, q = 100/s",
        ValueFormat::Real,
        |m| Some(m.victor_purpura),
    ),
    (
        "SPIKE-sync",
        "fraction of spikes with a coincident partner (Kreuz 2015)",
        ValueFormat::Percent,
        |m| Some(m.spike_sync),
    ),
    ("ISI-distance", "rate-profile dissimilarity, 0..1 (Kreuz 2007)", ValueFormat::Real, |m| {
        Some(m.isi_distance)
    }),
    ("SPIKE-distance", "timing dissimilarity, 0..1 (Kreuz 2013)", ValueFormat::Real, |m| {
        Some(m.spike_distance)
    }),
    (
        "Γ",
        "coincidence factor, window ±2 steps; 1 = perfect, 0 = chance",
        ValueFormat::Real,
        |m| m.coincidence_factor,
    ),
    ("STTC", "spike-time tiling coefficient, window ±5 steps", ValueFormat::Real, |m| m.sttc),
];

fn metrics_of(s: &Session) -> Metrics {
    let c = &s.comparison;
    let m = &c.summary;
    let first = m.first_divergence.as_ref();
    let summary = vec![
        summary(
            "exact agreement",
            Some(if m.exact_agreement { 1.0 } else { 0.0 }),
            ValueFormat::Percent,
            "100 % when the two rasters are identical, spike for spike",
        ),
        summary(
            "identical neurons",
            Some(m.identical_neurons as f64),
            ValueFormat::Integer,
            "LIF neurons whose trains are identical",
        ),
        summary(
            "first divergence",
            first.map(|d| d.step as f64),
            ValueFormat::Integer,
            "the first step at which any neuron differs",
        ),
        summary(
            "spikes (reference)",
            Some(m.spikes_reference as f64),
            ValueFormat::Integer,
            "all spikes of the float reference's LIF neurons",
        ),
        summary(
            "spikes (emulated)",
            Some(m.spikes_emulated as f64),
            ValueFormat::Integer,
            "all spikes of the emulated LIF neurons",
        ),
        summary(
            "count error",
            m.relative_count_error,
            ValueFormat::Percent,
            "Σ|n_emu − n_ref| / Σ n_ref over neurons",
        ),
        summary(
            "count correlation",
            m.count_correlation,
            ValueFormat::Real,
            "Pearson r of the per-neuron spike counts",
        ),
        summary(
            "precision",
            m.precision,
            ValueFormat::Percent,
            "emulated spikes matched by a reference spike within ±1 step",
        ),
        summary(
            "recall",
            m.recall,
            ValueFormat::Percent,
            "reference spikes matched by an emulated spike within ±1 step",
        ),
        summary(
            "SPIKE-sync",
            m.mean_spike_sync,
            ValueFormat::Percent,
            "mean fraction of coincident spikes (Kreuz 2015)",
        ),
        summary(
            "van Rossum",
            m.mean_van_rossum,
            ValueFormat::Real,
            "mean van Rossum distance, τ = 10 ms",
        ),
        summary(
            "Victor–Purpura",
            m.mean_victor_purpura,
            ValueFormat::Real,
            "mean Victor–Purpura distance, q = 100/s",
        ),
        summary("ISI-distance", m.mean_isi_distance, ValueFormat::Real, "mean ISI-distance"),
        summary("SPIKE-distance", m.mean_spike_distance, ValueFormat::Real, "mean SPIKE-distance"),
        summary(
            "Γ",
            m.mean_coincidence_factor,
            ValueFormat::Real,
            "mean coincidence factor (Kistler 1997)",
        ),
        summary("STTC", m.mean_sttc, ValueFormat::Real, "mean spike-time tiling coefficient"),
    ];
    let columns = COLUMNS
        .iter()
        .map(|(name, explanation, format, _)| MetricColumn {
            name: (*name).into(),
            explanation: (*explanation).into(),
            format: *format,
        })
        .collect();
    let rows = c
        .neurons
        .iter()
        .enumerate()
        .map(|(k, n)| NeuronMetrics {
            neuron: k as u32,
            values: COLUMNS.iter().map(|col| (col.3)(n)).collect(),
        })
        .collect();
    Metrics { summary, columns, rows }
}

fn summary(
    name: &str,
    value: Option<f64>,
    format: ValueFormat,
    explanation: &str,
) -> SummaryMetric {
    SummaryMetric { name: name.into(), value, format, explanation: explanation.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nv_core::darwin3::CoreKind;

    #[test]
    fn a_spiking_preset_gives_a_full_view() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../presets/spiking_feedforward.ron");
        let world = World::load(&path, nv_core::Mode::Particle).expect("the preset loads");
        let net = network_of(&world).expect("a spiking host");
        let view = run_view(&world, &net, Darwin3Settings::default());
        assert!(view.status.contains("1000 steps"), "{}", view.status);
        let lif = net.neurons.iter().filter(|k| matches!(k, nv_core::spiking::NeuronKind::Lif(_)));
        assert_eq!(view.rasters.neurons.len(), lif.count());
        assert_eq!(view.metrics.rows.len(), view.rasters.neurons.len());
        assert_eq!(view.metrics.columns.len(), COLUMNS.len());
        // Host input is drawn at its virtual west tile; LIF chunks sit on neuron cores.
        assert!(view.cores.iter().any(|c| c.coord.x == -1));
        assert!(view.cores.iter().filter(|c| c.coord.on_chip()).all(|c| c.coord.is_neuron_core()));
        assert!(view.cores.iter().any(|c| c.coord.on_chip() && c.coord.kind() == CoreKind::Big));
        assert!(!view.links.is_empty());
        assert_eq!(view.timing.makespan_cycles.len(), 1000);
        let emitted: u64 = view.rasters.emulated.iter().map(|t| t.len() as u64).sum();
        assert!(emitted > 0, "the emulated chip fires");
    }

    /// The attribution runs on the worker with the session: on spiking_feedforward with every
    /// source removed but none attributed yet, the view says 100 % identical; asked for, it
    /// has a row per source and the all-removed row agrees exactly.
    #[test]
    fn the_attribution_comes_with_the_session_when_asked_for() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../presets/spiking_feedforward.ron");
        let world = World::load(&path, nv_core::Mode::Particle).expect("the preset loads");
        let net = network_of(&world).expect("a spiking host");
        let mut settings = Darwin3Settings {
            removed: super::super::view::DivergenceSwitches::ALL,
            ..Darwin3Settings::default()
        };
        let view = run_view(&world, &net, settings);
        assert!(view.attribution.is_none(), "not asked for");
        let exact = view.metrics.summary.iter().find(|m| m.name == "exact agreement");
        assert_eq!(exact.and_then(|m| m.value), Some(1.0), "{}", view.status);
        assert!(view.status.contains("f64 weights · Clif · Tier A on f64"), "{}", view.status);
        settings.removed = Default::default();
        settings.attribution = true;
        let view = run_view(&world, &net, settings);
        let a = view.attribution.expect("asked for");
        assert_eq!(a.rows.len(), DivergenceSource::ALL.len());
        assert_eq!(a.all_removed.identical, 1.0);
        assert_eq!(a.baseline.identical, 0.0);
        assert!(view.status.contains("8-bit weights · LifMul · Tier B"), "{}", view.status);
    }

    #[test]
    fn a_world_without_spiking_host_is_refused() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/tiny_chain.ron");
        let world = World::load(&path, nv_core::Mode::Particle).expect("the preset loads");
        let mut runner = Darwin3Runner::default();
        let err = runner
            .start(&world, Darwin3Settings::default(), &egui::Context::default())
            .expect_err("not spiking");
        assert!(err.contains("spiking"), "{err}");
        assert!(!runner.busy());
    }
}
