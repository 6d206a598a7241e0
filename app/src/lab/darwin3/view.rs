//! The Darwin3 panel's view model: plain data, filled by an adapter from the emulator
//! (`nv_core::darwin3`) and the float reference (`nv_core::spiking`), read by the panel.
//!
//! Nothing here computes the emulation; the few methods only derive what the panel shows
//! (memory use in percent, the overrun steps, a CSV of the metrics). Counts are totals over the
//! whole run unless a field says "per step". Steps are integers from 0; `dt` converts them to
//! seconds.

use nv_core::darwin3::CoreCoord;

/// Everything the panel shows about one emulated run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Darwin3View {
    /// The cores that hold neurons, and the virtual host I/O tiles (x = −1 west, x = 24 east)
    /// that inputs or outputs use. Cores not listed are drawn as unused; the RISC-V tile (0, 0)
    /// is never listed.
    pub cores: Vec<CoreView>,
    /// Every directed mesh link that carried at least one flit, between neighbouring tiles
    /// (virtual I/O tiles included).
    pub links: Vec<LinkView>,
    /// The reference and emulated spike rasters.
    pub rasters: Rasters,
    /// The spike-train comparison of the two rasters.
    pub metrics: Metrics,
    /// The per-step timing estimate of the mesh model.
    pub timing: StepTiming,
    /// What the mapping validator said (DARWIN3.md §4.1 rules); empty when the mapping is clean.
    pub validation: Vec<ValidationMessage>,
    /// The settings this run was made with (the panel edits a copy and asks for a rerun).
    pub settings: Darwin3Settings,
    /// One line about the run, e.g. "mapped 3 populations onto 4 cores; 200 steps in 12 ms".
    pub status: String,
    /// The gap attributed to each source, when asked for ([`Darwin3Settings::attribution`]).
    pub attribution: Option<GapAttribution>,
}

/// One core (or virtual I/O tile) of the mapping, with its memory use and traffic counters.
/// The default is an empty record at (0, 0): set the coordinate.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreView {
    /// Where it is; off the chip (x = −1 or 24) for a virtual host I/O tile. Big or little
    /// follows from the coordinate ([`CoreCoord::kind`]).
    pub coord: CoreCoord,
    /// Neurons mapped onto it (at most 4096).
    pub neurons: u32,
    /// Dendrite memory used, 48-bit words (records, id tables, weight tables, state).
    pub dendrite_words_used: u32,
    /// Dendrite memory of the core, words (65536 big, 8192 little; 0 for a virtual tile).
    pub dendrite_words_available: u32,
    /// Axon memory used, words (per-neuron metadata and target lists).
    pub axon_words_used: u32,
    /// Axon memory of the core, words (16384; 0 for a virtual tile).
    pub axon_words_available: u32,
    /// The neuron model's name, e.g. "LifMul" (empty for a virtual tile).
    pub neuron_model: String,
    /// Length of the neuron program, 16-bit instructions (at most 128).
    pub program_len: u32,
    /// The program's listing, one instruction per line (`pc  word  mnemonic`); empty when the
    /// built-in models ran (Tier A).
    pub program: String,
    /// Instructions executed per neuron per step, averaged over neurons and steps.
    pub instructions_per_neuron: f64,
    /// Spike packets received (mirrors `SR_SPKINCNT`).
    pub spikes_in: u64,
    /// Spikes its neurons emitted (mirrors `SR_SPKOUTCNT`).
    pub spikes_out: u64,
    /// Packets of every class the core received.
    pub packets_in: u64,
    /// Packets of every class the core injected.
    pub packets_out: u64,
    /// Reward-class packets (vesicle hops) received.
    pub vesicle_packets: u64,
    /// The population chunks mapped here.
    pub populations: Vec<MappedChunk>,
}

/// A run of consecutive neurons of one population placed on a core.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MappedChunk {
    /// The population's name.
    pub population: String,
    /// First global neuron index.
    pub first: u32,
    /// Number of neurons.
    pub len: u32,
}

/// One directed mesh link and the flits it carried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkView {
    /// The tile the flits leave.
    pub from: CoreCoord,
    /// The neighbouring tile they enter (one hop away).
    pub to: CoreCoord,
    /// Flits over the whole run.
    pub flits_total: u64,
    /// The most flits in any one step.
    pub flits_per_step_max: u64,
}

/// The two rasters, neuron by neuron, with the labels the panel groups them by.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rasters {
    /// Steps run (spike steps are `0..steps`).
    pub steps: u32,
    /// The time step, seconds.
    pub dt: f64,
    /// Population names, by population index.
    pub populations: Vec<String>,
    /// Every neuron, by global index.
    pub neurons: Vec<NeuronLabel>,
    /// The float reference's spike steps per neuron (sorted ascending, no repeats).
    pub reference: Vec<Vec<u32>>,
    /// The emulator's spike steps per neuron (sorted ascending, no repeats).
    pub emulated: Vec<Vec<u32>>,
}

/// A neuron's label and population.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NeuronLabel {
    /// Shown in the table and the raster's tooltip, e.g. "hidden 12".
    pub label: String,
    /// Index into [`Rasters::populations`].
    pub population: usize,
}

/// How a metric's number is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ValueFormat {
    /// A whole number (counts, steps).
    Integer,
    /// A fraction in [0, 1], written as a percentage.
    Percent,
    /// A real number, three significant decimals.
    #[default]
    Real,
}

impl ValueFormat {
    /// The value as the panel writes it; `None` is "—" (not defined, e.g. no divergence).
    pub fn write(self, value: Option<f64>) -> String {
        match value {
            None => "—".into(),
            Some(v) if !v.is_finite() => "—".into(),
            Some(v) => match self {
                ValueFormat::Integer => format!("{v:.0}"),
                ValueFormat::Percent => format!("{:.1} %", v * 100.0),
                ValueFormat::Real => format!("{v:.3}"),
            },
        }
    }
}

/// A named column of the per-neuron table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricColumn {
    /// Header, e.g. "van Rossum".
    pub name: String,
    /// One line shown on hover, e.g. "distance of the exponentially filtered trains, τ = 5 steps".
    pub explanation: String,
    /// How its values are written.
    pub format: ValueFormat,
}

/// One neuron's row of the per-neuron table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NeuronMetrics {
    /// Global neuron index (into [`Rasters::neurons`]).
    pub neuron: u32,
    /// One value per column of [`Metrics::columns`]; `None` where undefined.
    pub values: Vec<Option<f64>>,
}

/// One summary number with its one-line explanation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SummaryMetric {
    /// Name, e.g. "exact agreement".
    pub name: String,
    /// The value; `None` where undefined.
    pub value: Option<f64>,
    /// How it is written.
    pub format: ValueFormat,
    /// One line: what it measures and which way is better.
    pub explanation: String,
}

/// The comparison of the emulated raster with the reference (DARWIN3.md §5).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// The whole-network numbers, shown first.
    pub summary: Vec<SummaryMetric>,
    /// The per-neuron table's columns, e.g. exact agreement, first divergence, count ref,
    /// count emu, van Rossum, Victor–Purpura, SPIKE-sync.
    pub columns: Vec<MetricColumn>,
    /// One row per neuron compared.
    pub rows: Vec<NeuronMetrics>,
}

/// The mesh model's timing estimate (DARWIN3.md §4.8).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepTiming {
    /// The makespan of each step, chip cycles (index = step).
    pub makespan_cycles: Vec<u64>,
    /// The cycles one step may take (clock × step length, e.g. 166,500 at 333 MHz and 0.5 ms).
    pub budget_cycles: u64,
}

impl StepTiming {
    /// The steps whose makespan exceeds the budget (on hardware their results are unreliable).
    pub fn overruns(&self) -> Vec<u32> {
        (0..self.makespan_cycles.len() as u32)
            .filter(|&s| self.makespan_cycles[s as usize] > self.budget_cycles)
            .collect()
    }
}

/// How serious a validation message is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Severity {
    /// The mapping cannot run on the chip.
    #[default]
    Error,
    /// The mapping runs, with a fix applied or a caveat.
    Warning,
}

/// One message of the mapping validator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidationMessage {
    /// The rule's number in DARWIN3.md §4.1 (1 = neurons per core … 8 = host I/O).
    pub rule: u8,
    /// What is wrong and what is allowed.
    pub text: String,
    /// Error or warning.
    pub severity: Severity,
}

/// How populations are placed on the mesh (DARWIN3.md §4.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    /// The toolchain's zig-zag walk, row by row, skipping the RISC-V tile.
    #[default]
    Zigzag,
    /// Greedy: minimise Σ hops × spike rate.
    Greedy,
    /// Greedy, then improved by simulated annealing.
    GreedyAnneal,
}

impl Placement {
    /// Every placement, in the order the panel offers them.
    pub const ALL: [Placement; 3] = [Placement::Zigzag, Placement::Greedy, Placement::GreedyAnneal];

    /// Its name in the panel.
    pub fn label(self) -> &'static str {
        match self {
            Placement::Zigzag => "zig-zag",
            Placement::Greedy => "greedy",
            Placement::GreedyAnneal => "greedy + anneal",
        }
    }

    /// One line on what it does.
    pub fn explanation(self) -> &'static str {
        match self {
            Placement::Zigzag => {
                "The public toolchain's placement: a serpentine walk over the mesh, row by row, \
                 skipping the RISC-V tile."
            }
            Placement::Greedy => {
                "Places populations one by one where Σ hops × spike rate to the placed ones is \
                 least (an emulator default, not the toolchain's)."
            }
            Placement::GreedyAnneal => {
                "The greedy placement, then improved by simulated annealing on the same cost."
            }
        }
    }
}

/// A source of divergence between the emulation and the float reference (DARWIN3.md §4.10)
/// that the user can remove, to see how much of the gap it explains: nv_core's own
/// [`Source`](nv_core::darwin3::session::Source), named and explained for the panel by
/// [`SourceText`].
pub use nv_core::darwin3::session::Source as DivergenceSource;

/// How the panel names and explains a divergence source.
pub trait SourceText {
    /// Its name on the switch.
    fn label(self) -> &'static str;
    /// What the divergence is and what removing it does (the switch's tooltip).
    fn explanation(self) -> &'static str;
}

impl SourceText for DivergenceSource {
    fn label(self) -> &'static str {
        match self {
            DivergenceSource::Quantisation => "weight quantisation",
            DivergenceSource::LeakForm => "leak form",
            DivergenceSource::Rounding => "rounding",
            DivergenceSource::DelayAlignment => "delay alignment",
            DivergenceSource::LeakPrecision => "leak precision",
            DivergenceSource::Saturation => "saturation",
            DivergenceSource::Lsb => "LSB",
            DivergenceSource::Refractory => "refractory",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            DivergenceSource::Quantisation => {
                "The chip stores weights as signed integers of the chosen width (8 bits by \
                 default) with one scale per projection. Removing it gives the emulator \
                 16-bit weights, so only the rounding to one voltage step remains."
            }
            DivergenceSource::LeakForm => {
                "The chosen model leaks by a shift (LifShift) or a Q0.8 multiplier (LifMul) in \
                 place of the reference's exact current-based propagator. Removing it runs the \
                 current-based Clif program, the reference's form (its Q0.8 factors remain)."
            }
            DivergenceSource::Rounding => {
                "The chip's products are floored by an arithmetic shift, which biases every \
                 leak downwards. Removing it rounds them half away from zero (the CR_QA \
                 default mode), the closest integer arithmetic gets to the float reference."
            }
            DivergenceSource::DelayAlignment => {
                "Every synaptic hop on the chip costs exactly one step, whatever the \
                 synapse's delay. Removing it keeps one weight-sum bank per delay, so every \
                 spike arrives after its own delay as in the reference."
            }
            DivergenceSource::LeakPrecision => {
                "The chip's leak factors are Q0.8 fractions, round(256·e^(−dt/τ))/256, e.g. \
                 244/256 = 0.953 for e^(−1/20) = 0.951. Removing it uses the exact factors \
                 (on f64 arithmetic; not the leak form, which is its own switch)."
            }
            DivergenceSource::Saturation => {
                "The chip's state and weight sums are 16-bit and saturate. Removing it lifts \
                 the bound (on f64 arithmetic)."
            }
            DivergenceSource::Lsb => {
                "The chip holds v and I on a fixed-point grid (1 LSB = 1/V mV, V mapping the \
                 largest threshold to 2^14) and adds weights on the weight grid. Removing it \
                 runs v, I and the weights in f64 mV with the reference's own expressions; a \
                 weight whose step is one LSB becomes exact (a coarser step is quantisation). \
                 Rounding has no effect then."
            }
            DivergenceSource::Refractory => {
                "A refractory neuron on the chip skips its program, so the input of that step \
                 is dropped and I does not decay; the reference holds v at v_reset while I \
                 keeps decaying and integrating. Removing it gives the chip the reference's \
                 refractory step (on f64 arithmetic)."
            }
        }
    }
}

/// Which divergence sources are removed (true: the emulator imitates the reference there):
/// nv_core's own [`Removed`](nv_core::darwin3::session::Removed).
pub use nv_core::darwin3::session::Removed as DivergenceSwitches;

/// The emulator's built-in neuron models (DARWIN3.md §4.5, tier A).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NeuronModel {
    /// vt ← vt − (vt >> k), then integrate (the public `lif_config` style).
    LifShift,
    /// vt ← P0·(vt − v_rest) >> 8 + v_rest, then integrate (the default).
    #[default]
    LifMul,
    /// Current-based: I ← P4·I >> 8 + wgtsum; vt ← P0·vt >> 8 + I + P1.
    Clif,
    /// LifMul with an adaptive threshold θ held in `res`.
    AdaptiveLif,
}

impl NeuronModel {
    /// Every model, in the order the panel offers them.
    pub const ALL: [NeuronModel; 4] =
        [NeuronModel::LifShift, NeuronModel::LifMul, NeuronModel::Clif, NeuronModel::AdaptiveLif];

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            NeuronModel::LifShift => "LifShift",
            NeuronModel::LifMul => "LifMul",
            NeuronModel::Clif => "Clif",
            NeuronModel::AdaptiveLif => "AdaptiveLif",
        }
    }
}

/// The weight widths a core can be set to (`CR_QA`[26:24]).
pub const WEIGHT_BITS: [u8; 5] = [2, 4, 6, 8, 16];

/// What the user can change before a rerun.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Darwin3Settings {
    /// How populations are placed.
    pub placement: Placement,
    /// The divergence sources removed from the comparison.
    pub removed: DivergenceSwitches,
    /// Weight width, bits (one of [`WEIGHT_BITS`]; default 8).
    pub weight_bits: u8,
    /// The neuron model the cores run.
    pub neuron_model: NeuronModel,
    /// Also attribute the gap to each source ([`GapAttribution`]: 2 + 2 × 8 more sessions on
    /// the worker); set by "attribute the gap", cleared by any other edit.
    pub attribution: bool,
}

impl Default for Darwin3Settings {
    fn default() -> Self {
        Self {
            placement: Placement::default(),
            removed: DivergenceSwitches::default(),
            weight_bits: 8,
            neuron_model: NeuronModel::default(),
            attribution: false,
        }
    }
}

impl Darwin3Settings {
    /// The weights the chip effectively runs with, and why when that is not the chosen
    /// width, e.g. "16 bit (weight quantisation removed; chosen: 8 bit)".
    pub fn weight_text(&self) -> String {
        let b = self.weight_bits;
        let r = &self.removed;
        match (r.quantisation, r.lsb) {
            (true, true) => format!("f64 (weight quantisation and LSB removed; chosen: {b} bit)"),
            (true, false) if b != 16 => {
                format!("16 bit (weight quantisation removed; chosen: {b} bit)")
            }
            (false, true) if b == 16 => format!("f64 (weight LSB removed; chosen: {b} bit)"),
            (false, true) => format!("{b} bit grid, f64 sums (LSB removed)"),
            _ => format!("{b} bit"),
        }
    }

    /// The neuron model the chip effectively runs, and why when that is not the chosen one,
    /// e.g. "Clif (leak form removed; chosen: LifMul)".
    pub fn model_text(&self) -> String {
        let m = self.neuron_model;
        if self.removed.leak_form && m != NeuronModel::Clif {
            format!("Clif (leak form removed; chosen: {})", m.label())
        } else {
            m.label().to_string()
        }
    }

    /// The arithmetic the chip effectively runs when a removed source relaxes it (`None`: the
    /// chip's integers), e.g. "arithmetic: f64 on the chip's schedule (leak precision, LSB
    /// removed) · Tier A".
    pub fn arithmetic_text(&self) -> Option<String> {
        let relaxed: Vec<&str> = DivergenceSource::ALL
            .iter()
            .filter(|s| s.relaxes_arithmetic() && self.removed.get(**s))
            .map(|s| s.label())
            .collect();
        (!relaxed.is_empty()).then(|| {
            format!(
                "arithmetic: f64 on the chip's schedule ({} removed) · Tier A (the interpreter \
                 runs only the chip's integers)",
                relaxed.join(", ")
            )
        })
    }
}

/// The headline agreement of one session.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Agreement {
    /// Fraction of LIF neurons whose trains are identical (1 = exact agreement).
    pub identical: f64,
    /// Mean SPIKE-synchronisation.
    pub spike_sync: Option<f64>,
    /// Relative spike-count error Σ|n_emu − n_ref| / Σ n_ref.
    pub count_error: Option<f64>,
}

/// One source's share of the gap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceShare {
    /// The source.
    pub source: DivergenceSource,
    /// The run's removals plus this source: what removing it gains.
    pub only_removed: Agreement,
    /// Every source removed but this one: what it alone costs.
    pub all_but: Agreement,
}

/// How much of the gap each source causes, for the settings of the run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GapAttribution {
    /// The run as set.
    pub baseline: Agreement,
    /// Every source removed.
    pub all_removed: Agreement,
    /// One row per source, in [`DivergenceSource::ALL`] order.
    pub rows: Vec<SourceShare>,
}

impl Default for CoreView {
    fn default() -> Self {
        Self {
            coord: CoreCoord::new(0, 0),
            neurons: 0,
            dendrite_words_used: 0,
            dendrite_words_available: 0,
            axon_words_used: 0,
            axon_words_available: 0,
            neuron_model: String::new(),
            program_len: 0,
            program: String::new(),
            instructions_per_neuron: 0.0,
            spikes_in: 0,
            spikes_out: 0,
            packets_in: 0,
            packets_out: 0,
            vesicle_packets: 0,
            populations: Vec::new(),
        }
    }
}

impl CoreView {
    /// Dendrite memory used, fraction of the available (0 where none is available).
    pub fn dendrite_use(&self) -> f64 {
        fraction(self.dendrite_words_used, self.dendrite_words_available)
    }

    /// Axon memory used, fraction of the available (0 where none is available).
    pub fn axon_use(&self) -> f64 {
        fraction(self.axon_words_used, self.axon_words_available)
    }

    /// The fuller of the two memories, as a fraction.
    pub fn memory_use(&self) -> f64 {
        self.dendrite_use().max(self.axon_use())
    }
}

fn fraction(used: u32, available: u32) -> f64 {
    if available == 0 { 0.0 } else { f64::from(used) / f64::from(available) }
}

impl Darwin3View {
    /// The per-neuron metrics as CSV: `neuron,label,population,<column>...`, one row per
    /// neuron in table order; an undefined value is an empty cell, a number is written in full
    /// precision (not the panel's rounding).
    pub fn metrics_csv(&self) -> String {
        let r = &self.rasters;
        let mut out = String::from("neuron,label,population");
        for c in &self.metrics.columns {
            out.push(',');
            out.push_str(&nv_core::csv::cell(&c.name));
        }
        out.push('\n');
        for row in &self.metrics.rows {
            let label = r.neurons.get(row.neuron as usize);
            let population =
                label.and_then(|l| r.populations.get(l.population)).map_or("", String::as_str);
            out.push_str(&format!(
                "{},{},{}",
                row.neuron,
                nv_core::csv::cell(label.map_or("", |l| l.label.as_str())),
                nv_core::csv::cell(population)
            ));
            for v in &row.values {
                out.push(',');
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overruns_are_the_steps_over_budget() {
        let t = StepTiming { makespan_cycles: vec![10, 200, 100, 101], budget_cycles: 100 };
        assert_eq!(t.overruns(), vec![1, 3], "equal to the budget is not an overrun");
    }

    #[test]
    fn switches_set_and_read_each_source() {
        let mut s = DivergenceSwitches::default();
        for source in DivergenceSource::ALL {
            assert!(!s.get(source));
            s.set(source, true);
            assert!(s.get(source));
        }
        assert_eq!(
            s,
            DivergenceSwitches {
                quantisation: true,
                leak_form: true,
                rounding: true,
                delay_alignment: true,
                leak_precision: true,
                saturation: true,
                lsb: true,
                refractory: true,
            }
        );
        assert_eq!(s, DivergenceSwitches::ALL);
    }

    #[test]
    fn effective_settings_say_why_they_differ_from_the_chosen_ones() {
        let mut s = Darwin3Settings::default();
        assert_eq!((s.weight_text(), s.model_text()), ("8 bit".into(), "LifMul".into()));
        assert_eq!(s.arithmetic_text(), None);
        s.removed.quantisation = true;
        s.removed.leak_form = true;
        assert_eq!(s.weight_text(), "16 bit (weight quantisation removed; chosen: 8 bit)");
        assert_eq!(s.model_text(), "Clif (leak form removed; chosen: LifMul)");
        s.removed.lsb = true;
        s.removed.saturation = true;
        assert_eq!(s.weight_text(), "f64 (weight quantisation and LSB removed; chosen: 8 bit)");
        let a = s.arithmetic_text().expect("relaxed");
        assert!(a.contains("(saturation, LSB removed)") && a.contains("Tier A"), "{a}");
        s.weight_bits = 16;
        s.removed = DivergenceSwitches { quantisation: true, ..Default::default() };
        assert_eq!(s.weight_text(), "16 bit", "chosen and effective agree");
    }

    #[test]
    fn memory_use_is_the_fuller_memory() {
        let c = CoreView {
            dendrite_words_used: 4096,
            dendrite_words_available: 8192,
            axon_words_used: 4096,
            axon_words_available: 16384,
            ..Default::default()
        };
        assert_eq!(c.dendrite_use(), 0.5);
        assert_eq!(c.axon_use(), 0.25);
        assert_eq!(c.memory_use(), 0.5);
        assert_eq!(CoreView::default().memory_use(), 0.0, "a virtual tile has no memory");
    }

    #[test]
    fn metrics_csv_has_a_header_and_a_row_per_neuron() {
        let view = Darwin3View {
            rasters: Rasters {
                populations: vec!["in, put".into()],
                neurons: vec![NeuronLabel { label: "n0".into(), population: 0 }],
                ..Default::default()
            },
            metrics: Metrics {
                columns: vec![
                    MetricColumn { name: "count ref".into(), ..Default::default() },
                    MetricColumn { name: "first divergence".into(), ..Default::default() },
                ],
                rows: vec![NeuronMetrics { neuron: 0, values: vec![Some(3.0), None] }],
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            view.metrics_csv(),
            "neuron,label,population,count ref,first divergence\n0,n0,\"in, put\",3,\n"
        );
    }

    #[test]
    fn values_are_written_by_format() {
        assert_eq!(ValueFormat::Percent.write(Some(0.5)), "50.0 %");
        assert_eq!(ValueFormat::Integer.write(Some(12.0)), "12");
        assert_eq!(ValueFormat::Real.write(Some(0.12345)), "0.123");
        assert_eq!(ValueFormat::Real.write(None), "—");
        assert_eq!(ValueFormat::Real.write(Some(f64::NAN)), "—");
    }
}
