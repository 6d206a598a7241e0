//! How much memory a preset asks for, estimated from its sizes alone (nothing is built or
//! allocated), and the check against a budget that refuses a small file asking for the machine.
//!
//! The estimate counts the arrays a world keeps, at their full size:
//!
//! - **nodes** (n): the graph's per-node arrays (role, layer, position, CSR offsets), the
//!   world's (signals, brush, receptors, modulation, releases and their accumulators, with
//!   [`crate::compile::channel::stride`] channels), and per species the counts, dockings,
//!   emission gains and, in density mode, ρ, C and the step's scratch;
//! - **edges** (m, stored; an undirected graph stores each edge twice): the graph's CSR and two
//!   moves per edge, the world's weights, pathway and hop arrays, per species the kernel and
//!   its running sums, and the generator's edge list while building;
//! - **vesicles**: `capacity` × [`BYTES_PER_VESICLE`] (the pool at its cap, particle and twin
//!   modes);
//! - a **spiking host**: per neuron its parameters and LIF state, per synapse the network's
//!   synapse, weights and topology, and the synaptic inputs in flight at worst (every synapse
//!   carrying a spike per `1 + n_ref` steps for `delay` steps: the calendar queue's bound);
//! - an **MLP host**: its data set and per-sample activations of a batch.
//!
//! Graph sizes come from the generator's parameters (upper bounds: a grid counts all its
//! neighbours, a random graph its expected edges); an edge list's size is only known once read
//! and is bounded by [`crate::graph::edge_file::MAX_EDGE_LIST_BYTES`] instead. The estimate is
//! meant to be within about a factor of two of the peak; it ignores allocator overheads,
//! the GPU engine's copies and the files written.

use super::error::{ErrorKind, PRESET_FILE, PresetError};
use super::{Mode, Preset};
use crate::graph::generators::GraphSpec;
use crate::host::HostSpec;
use crate::spiking::spec::{Connectivity, PopulationKind};

/// Bytes one vesicle slot takes in the pool: id, parent, root and birth step (u64), species
/// (u16), location, previous node, hops, generation and cascade (u32), integrated activity
/// (f32), payload (4 × f32) and the alive flag.
pub const BYTES_PER_VESICLE: u64 = 4 * 8 + 2 + 5 * 4 + 4 + 16 + 1;

/// The default memory budget: 8 GiB.
pub const DEFAULT_BUDGET: u64 = 8 << 30;

/// Bytes per node, whatever the species (graph and world arrays).
const NODE_BYTES: f64 = 48.0 + 96.0 + 8.0 * 2.0 * crate::compile::channel::EMISSION_GAIN as f64;
/// Bytes per node and species in particle mode (counts, dockings, emission gain, releases and
/// their accumulator channel, dock accumulators).
const NODE_SPECIES_BYTES: f64 = 4.0 * 4.0 + 8.0 * 2.0;
/// Bytes per node and species added in density mode (ρ, C and the step's scratch).
const NODE_SPECIES_DENSITY_BYTES: f64 = 6.0 * 4.0 + 4.0 * 16.0;
/// Bytes per stored edge (graph CSR, two moves, world weights, pathway, hops, and the
/// generator's edge list while building).
const EDGE_BYTES: f64 = 28.0 + 2.0 * 12.0 + 20.0 + 24.0;
/// Bytes per stored edge and species (kernel probabilities and running sums, two moves).
const EDGE_SPECIES_BYTES: f64 = 2.0 * (4.0 + 8.0);
/// Bytes per spiking neuron (parameters, LIF state, rates, activity).
const NEURON_BYTES: f64 = 80.0 + 5.0 * 8.0 + 16.0;
/// Bytes per synapse (the network's synapse, weights, STDP state, topology).
const SYNAPSE_BYTES: f64 = 24.0 + 3.0 * 8.0 + 8.0;
/// Bytes per synaptic input in flight (a `(post, weight)` pair).
const ARRIVAL_BYTES: f64 = 16.0;

/// One part of an estimate: what, where in the preset, and how many bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// What is counted, e.g. `vesicles (capacity 2147483648)`.
    pub what: String,
    /// The preset field to change to shrink it, e.g. `capacity`.
    pub path: String,
    /// Bytes.
    pub bytes: f64,
}

/// A preset's estimated memory, by part (see the module docs for what is counted).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Estimate {
    /// The parts, in a fixed order.
    pub parts: Vec<Part>,
}

impl Estimate {
    /// The total, bytes.
    pub fn total(&self) -> f64 {
        self.parts.iter().map(|p| p.bytes).sum()
    }

    /// The largest part, if any.
    pub fn largest(&self) -> Option<&Part> {
        self.parts.iter().max_by(|a, b| a.bytes.total_cmp(&b.bytes))
    }
}

/// `bytes` for a person: `512 B`, `1.5 MiB`, `128.0 GiB`.
pub fn human(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{v:.0} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

/// Nodes and stored edges of a plain graph, from its parameters (upper bounds; an edge list
/// counts its declared `nodes`, or none, and no edges: see the module docs).
fn graph_size(spec: &GraphSpec, directed: bool) -> (f64, f64) {
    let dup = if directed { 1.0 } else { 2.0 };
    let (n, pairs) = match spec {
        GraphSpec::Grid { width, height, diagonal, .. } => {
            let n = *width as f64 * *height as f64;
            (n, n * if *diagonal { 4.0 } else { 2.0 })
        }
        GraphSpec::Ring { n, k } => (*n as f64, *n as f64 * *k as f64),
        GraphSpec::WattsStrogatz { n, k, .. } => (*n as f64, *n as f64 * *k as f64),
        GraphSpec::BarabasiAlbert { n, m } => (*n as f64, *n as f64 * *m as f64),
        GraphSpec::ErdosRenyi { n, p } => {
            let n = *n as f64;
            (n, p.clamp(0.0, 1.0) * n * (n - 1.0).max(0.0) / 2.0)
        }
        GraphSpec::Layered { sizes, density } => {
            let n = sizes.iter().map(|&s| s as f64).sum();
            let pairs = sizes.windows(2).map(|w| w[0] as f64 * w[1] as f64).sum::<f64>()
                * density.clamp(0.0, 1.0);
            (n, pairs)
        }
        GraphSpec::EdgeList { nodes, .. } => (nodes.map_or(0.0, f64::from), 0.0),
    };
    (n, pairs * dup)
}

/// The estimate for `preset` run in `mode` (a twin run holds a particle and a density world).
pub fn estimate(preset: &Preset, mode: Mode) -> Estimate {
    let s = preset.species.len() as f64;
    let mut parts = Vec::new();
    let mut push = |what: String, path: &str, bytes: f64| {
        parts.push(Part { what, path: path.to_owned(), bytes });
    };
    let (n, m, host_path) = match &preset.host {
        HostSpec::Graph(p) => {
            let (n, m) = graph_size(&p.graph, p.directed);
            (n, m, "host.Graph.graph")
        }
        HostSpec::Mlp(spec) => {
            let mut layers = vec![spec.features.len() as f64];
            layers.extend(spec.hidden.iter().map(|&h| h as f64));
            layers.push(1.0);
            let n: f64 = layers.iter().sum();
            let m: f64 = layers.windows(2).map(|w| w[0] * w[1]).sum();
            // The data set (features and label per sample) and a batch's activations.
            let data = spec.samples as f64 * (spec.features.len() as f64 + 3.0) * 4.0;
            let batch = spec.batch_size as f64 * 2.0 * (n + m) * 4.0;
            push(
                format!("MLP data set ({} samples) and batch", spec.samples),
                "host.Mlp",
                data + batch,
            );
            (n, m, "host.Mlp.hidden")
        }
        HostSpec::Spiking(spec) => {
            let size = |name: &str| {
                spec.populations.iter().find(|p| p.name == name).map_or(0.0, |p| p.size as f64)
            };
            let n: f64 = spec.populations.iter().map(|p| p.size as f64).sum();
            let mut synapses = 0.0;
            let mut in_flight = 0.0;
            for pr in &spec.projections {
                let (pre, post) = (size(&pr.from), size(&pr.to));
                let count = match pr.connectivity {
                    Connectivity::All => pre * post,
                    Connectivity::OneToOne => pre.min(post),
                    Connectivity::Random { p } => p.clamp(0.0, 1.0) * pre * post,
                    Connectivity::FixedFanIn { k } => k as f64 * post,
                };
                // A pre neuron spikes at most once per 1 + n_ref steps; each spike stays in
                // the calendar for `delay` steps on each of its synapses.
                let n_ref = spec.populations.iter().find(|p| p.name == pr.from).map_or(0.0, |p| {
                    match &p.kind {
                        PopulationKind::Lif(l) => {
                            crate::spiking::lif::refractory_steps(l.t_ref, preset.dt as f64) as f64
                        }
                        _ => 0.0,
                    }
                });
                synapses += count;
                in_flight += count * (pr.delay.max(1) as f64 / (1.0 + n_ref)).ceil();
            }
            push(format!("{n:.0} spiking neurons"), "host.Spiking.populations", n * NEURON_BYTES);
            push(
                format!("{synapses:.0} synapses"),
                "host.Spiking.projections",
                synapses * SYNAPSE_BYTES,
            );
            push(
                "synaptic inputs in flight at worst (synapses × delay)".into(),
                "host.Spiking.projections",
                in_flight * ARRIVAL_BYTES,
            );
            (n, synapses, "host.Spiking.projections")
        }
    };
    let worlds: &[Mode] = match mode {
        Mode::Twin => &[Mode::Particle, Mode::Density],
        Mode::Particle => &[Mode::Particle],
        Mode::Density => &[Mode::Density],
    };
    for &w in worlds {
        let per_species =
            NODE_SPECIES_BYTES + if w == Mode::Density { NODE_SPECIES_DENSITY_BYTES } else { 0.0 };
        push(format!("{n:.0} nodes"), host_path, n * NODE_BYTES);
        push(format!("{n:.0} nodes × {s:.0} species"), "species", n * s * per_species);
        push(format!("{m:.0} stored edges"), host_path, m * EDGE_BYTES);
        push(
            format!("{m:.0} stored edges × {s:.0} species"),
            "species",
            m * s * EDGE_SPECIES_BYTES,
        );
        if w == Mode::Particle {
            let cap = preset.capacity.max(0) as f64;
            push(
                format!("vesicles at capacity ({} × {BYTES_PER_VESICLE} B)", preset.capacity),
                "capacity",
                cap * BYTES_PER_VESICLE as f64,
            );
        }
    }
    Estimate { parts }
}

/// What to change to shrink the part at `path`.
fn advice(path: &str) -> &'static str {
    match path {
        "capacity" => "lower `capacity`",
        "species" => "use fewer species or a smaller graph",
        "host.Spiking.populations" => "use smaller populations",
        "host.Spiking.projections" => {
            "use fewer synapses (a sparser connectivity) or shorter delays"
        }
        "host.Mlp" | "host.Mlp.hidden" => "use fewer samples or smaller hidden layers",
        _ => "use a smaller graph",
    }
}

/// Refuses `preset` (run in `mode`) when its [`estimate`] exceeds `budget` bytes, with the
/// estimate, its largest parts, the budget and what to change, at the field path of the
/// largest part (the caller names the file and locates it). Returns the estimate otherwise.
pub fn check(preset: &Preset, mode: Mode, budget: u64) -> Result<Estimate, PresetError> {
    let e = estimate(preset, mode);
    let total = e.total();
    if total <= budget as f64 {
        return Ok(e);
    }
    let mut parts: Vec<&Part> = e.parts.iter().filter(|p| p.bytes > 0.0).collect();
    parts.sort_by(|a, b| b.bytes.total_cmp(&a.bytes));
    let top: Vec<String> =
        parts.iter().take(3).map(|p| format!("{} {}", p.what, human(p.bytes))).collect();
    let largest = parts.first().map_or("capacity", |p| p.path.as_str());
    let mut err = PresetError::new(
        ErrorKind::Value,
        PRESET_FILE,
        largest,
        format!(
            "the preset needs about {} ({}), over the memory budget of {}: {}, or raise \
             --memory-budget",
            human(total),
            top.join(", "),
            human(budget as f64),
            advice(largest)
        ),
    );
    if largest == "capacity" {
        err = err.with_value(preset.capacity.to_string());
    }
    Err(err)
}
