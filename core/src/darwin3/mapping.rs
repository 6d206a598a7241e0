//! Mapping a spiking network onto the chip (DARWIN3.md §3.4, §4.1): partition populations into
//! chunks, build every chunk's tables ([`super::tables`]) to count its words, give each chunk a
//! core, and validate the result against rules 1–8 of §4.1.
//!
//! Host input chunks sit at virtual coordinates: x = −1 (west edge) or x = 24 (east edge, when
//! their targets have x > 15). Rule 5 (±15 hops) is checked between on-chip cores; a host input
//! is checked by rule 8 (its edge must drive the half of the chip its targets are in).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::chunk::Chunk;
use super::geometry::{
    AXON_WORDS, BIG_DENDRITE_WORDS, CoreCoord, CoreKind, GRID, MAX_DENDRITE_LEN, MAX_DENDRITES,
    MAX_HOPS, MAX_NEURONS_PER_CORE,
};
use super::neuron::NeuronModel;
use super::quantise::{Quantised, quantise};
use super::tables::{AxonTables, AxonTarget, DendriteRequest, DendriteTables};
use crate::spiking::{NeuronKind, SpikingNetwork};

/// Words reserved for STDP learning state when a core has plastic synapses (rule 3).
pub const LEARNING_RESERVE: u32 = 4096;
/// Words reserved for per-neuron inference parameters when a core uses them.
pub const PARAMETER_RESERVE: u32 = 4096;

/// How synaptic delays longer than one step are handled (§4.10 item 4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DelayMode {
    /// The chip's behaviour: every projection delivers in exactly one step, whatever the
    /// network's delay (a divergence when the network has delays > 1).
    #[default]
    OneStep,
    /// Emulator extension: records are kept per delay and a spike is added to the weight-sum
    /// bank of step t + d (a ring of max-delay + 1 banks instead of the chip's two).
    Queue,
}

/// What the mapping depends on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapConfig {
    /// Weight width, bits (2, 4, 6, 8 or 16; default 8).
    pub w_bits: u8,
    /// The neuron model (its state needs words).
    pub model: NeuronModel,
    /// Whether STDP runs (reserves learning-state words on cores with plastic synapses).
    pub learning: bool,
    /// Allow connections beyond 15 hops (the unconfirmed relay mechanism; default off).
    pub relay: bool,
    /// Delay handling.
    pub delays: DelayMode,
}

impl Default for MapConfig {
    fn default() -> Self {
        Self {
            w_bits: 8,
            model: NeuronModel::default(),
            learning: false,
            relay: false,
            delays: DelayMode::default(),
        }
    }
}

/// Every chunk's tables.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkTables {
    /// Per global neuron: its chunk.
    pub chunk_of: Vec<u32>,
    /// Per chunk: dendrite memory (empty for host input chunks).
    pub dendrites: Vec<DendriteTables>,
    /// Per chunk: axon memory (for input chunks, the host's `input_neuron.json`).
    pub axons: Vec<AxonTables>,
    /// Per chunk: words reserved for per-neuron state (rule 3).
    pub reserves: Vec<u32>,
    /// Neurons that got the dummy target (rule 7).
    pub dummy_targets: Vec<u32>,
}

impl NetworkTables {
    /// Dendrite words of chunk `c`, reserves included.
    pub fn dendrite_words(&self, c: usize) -> u32 {
        self.dendrites[c].table_words() + self.reserves[c]
    }
}

fn is_input(net: &SpikingNetwork, i: u32) -> bool {
    matches!(net.neurons[i as usize], NeuronKind::Input(_))
}

/// Builds the tables of every chunk. `chunks` must tile the network in order.
pub fn build_tables(
    net: &SpikingNetwork,
    q: &Quantised,
    chunks: &[Chunk],
    cfg: &MapConfig,
) -> NetworkTables {
    let mut chunk_of = vec![0u32; net.len()];
    for (c, ch) in chunks.iter().enumerate() {
        for n in ch.neurons() {
            chunk_of[n as usize] = c as u32;
        }
    }
    let local = |n: u32| n - chunks[chunk_of[n as usize] as usize].start;
    let mut dendrites = vec![DendriteTables::default(); chunks.len()];
    let mut per_neuron: Vec<Vec<Vec<AxonTarget>>> =
        chunks.iter().map(|c| vec![Vec::new(); c.len as usize]).collect();
    let mut dummy_targets = Vec::new();
    let mut k = 0;
    let syn = &net.synapses;
    for pre in 0..net.len() as u32 {
        let start = k;
        while k < syn.len() && syn[k].pre == pre {
            k += 1;
        }
        let mut group: Vec<(u32, u32, u16, usize)> = syn[start..k]
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let d = if cfg.delays == DelayMode::Queue { s.delay } else { 1 };
                (chunk_of[s.post as usize], d, local(s.post) as u16, start + j)
            })
            .collect();
        group.sort_unstable();
        let pc = chunk_of[pre as usize] as usize;
        let targets = &mut per_neuron[pc][local(pre) as usize];
        let mut g = 0;
        while g < group.len() {
            let (tc, d) = (group[g].0, group[g].1);
            let mut e = g;
            let mut entries = Vec::new();
            while e < group.len() && group[e].0 == tc && group[e].1 == d {
                let s = group[e].3;
                entries.push((group[e].2, q.weights[s], syn[s].plastic));
                e += 1;
            }
            let req = DendriteRequest {
                pre,
                neu_index: local(pre),
                delay: d,
                shift: q.shifts[group[g].3],
                entries,
            };
            let dendrite = dendrites[tc as usize].add(&req, cfg.w_bits, false);
            targets.push(AxonTarget { chunk: tc, dendrite });
            g = e;
        }
        if targets.is_empty() && !is_input(net, pre) {
            let l = local(pre);
            let req = DendriteRequest {
                pre,
                neu_index: l,
                delay: 1,
                shift: 0,
                entries: vec![(l as u16, 0, false)],
            };
            let dendrite = dendrites[pc].add(&req, cfg.w_bits, true);
            per_neuron[pc][l as usize].push(AxonTarget { chunk: pc as u32, dendrite });
            dummy_targets.push(pre);
        }
    }
    let axons: Vec<AxonTables> = per_neuron.into_iter().map(AxonTables::new).collect();
    let reserves = chunks
        .iter()
        .enumerate()
        .map(|(c, ch)| if ch.input { 0 } else { reserve(q, ch, &dendrites[c], cfg) })
        .collect();
    NetworkTables { chunk_of, dendrites, axons, reserves, dummy_targets }
}

/// Rule 3 reserves: N words of inference state (models with I or θ, per-neuron thresholds or
/// a bias), 4096 + N when per-neuron parameters differ within the chunk, 4096 for learning.
fn reserve(q: &Quantised, ch: &Chunk, tables: &DendriteTables, cfg: &MapConfig) -> u32 {
    let inits: Vec<_> = ch.neurons().filter_map(|n| q.neurons[n as usize]).collect();
    let Some(first) = inits.first() else { return 0 };
    let params_differ = inits.iter().any(|p| {
        (p.p0, p.p4, p.k_leak, p.refractory, p.v_reset)
            != (first.p0, first.p4, first.k_leak, first.refractory, first.v_reset)
    });
    let state =
        cfg.model.uses_inference_state() || inits.iter().any(|p| p.vth != first.vth || p.bias != 0);
    let n = ch.len;
    let mut words = if params_differ {
        PARAMETER_RESERVE + n
    } else if state {
        n
    } else {
        0
    };
    if cfg.learning && tables.plastic.iter().any(|&p| p) {
        words += LEARNING_RESERVE;
    }
    words
}

/// Splits population `p` into `k` even chunks.
fn split(net: &SpikingNetwork, p: usize, k: u32, input: bool, out: &mut Vec<Chunk>) {
    let pop = &net.populations[p];
    let (base, extra) = (pop.len / k, pop.len % k);
    let mut start = pop.start;
    for i in 0..k {
        let len = base + u32::from(i < extra);
        out.push(Chunk { population: p, start, len, dendrite_words: 0, axon_words: 0, input });
        start += len;
    }
}

/// The partition (§3.4): each population split evenly into the fewest chunks of ≤ 4096
/// neurons whose dendrite words fit a big core. Returns the chunks with their word counts.
pub fn partition(net: &SpikingNetwork, cfg: &MapConfig) -> Result<Vec<Chunk>, String> {
    let q = quantise(net, cfg.model, cfg.w_bits)?;
    let mut inputs = Vec::with_capacity(net.populations.len());
    for pop in &net.populations {
        let ins = (pop.start..pop.start + pop.len).filter(|&n| is_input(net, n)).count() as u32;
        if ins != 0 && ins != pop.len {
            return Err(format!(
                "population `{}` mixes input and LIF neurons; a chunk is one or the other",
                pop.name
            ));
        }
        inputs.push(ins != 0);
    }
    let mut counts: Vec<u32> =
        net.populations.iter().map(|p| p.len.div_ceil(MAX_NEURONS_PER_CORE)).collect();
    loop {
        let mut chunks = Vec::new();
        for p in 0..net.populations.len() {
            split(net, p, counts[p], inputs[p], &mut chunks);
        }
        let tables = build_tables(net, &q, &chunks, cfg);
        let mut grown = false;
        for (c, ch) in chunks.iter().enumerate() {
            if !ch.input && tables.dendrite_words(c) > BIG_DENDRITE_WORDS {
                let p = ch.population;
                if counts[p] >= net.populations[p].len {
                    return Err(format!(
                        "population `{}`: one neuron needs {} dendrite words, more than a big \
                         core's {BIG_DENDRITE_WORDS}",
                        net.populations[p].name,
                        tables.dendrite_words(c)
                    ));
                }
                counts[p] += 1;
                grown = true;
            }
        }
        if !grown {
            for (c, ch) in chunks.iter_mut().enumerate() {
                ch.dendrite_words = if ch.input { 0 } else { tables.dendrite_words(c) };
                ch.axon_words = tables.axons[c].words();
            }
            return Ok(chunks);
        }
    }
}

/// Chunks and the core of each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// The chunks, tiling the network in order.
    pub chunks: Vec<Chunk>,
    /// One coordinate per chunk (virtual edge coordinates for host input chunks).
    pub coords: Vec<CoreCoord>,
}

impl Mapping {
    /// Pairs chunks with coordinates; errors when the counts differ.
    pub fn new(chunks: Vec<Chunk>, coords: Vec<CoreCoord>) -> Result<Self, String> {
        if chunks.len() != coords.len() {
            return Err(format!("{} chunks but {} coordinates", chunks.len(), coords.len()));
        }
        Ok(Self { chunks, coords })
    }

    /// A simple placement for tests and benches: the on-chip chunks fill the west block
    /// (x ≤ 15, so every Δx ≤ 15) row by row, skipping little cores a chunk does not fit;
    /// host inputs sit on the west edge (−1, i mod 24). The placement module offers better.
    pub fn west_block(net: &SpikingNetwork, cfg: &MapConfig) -> Result<Self, String> {
        let chunks = partition(net, cfg)?;
        let mut free = (0..GRID * 16)
            .map(|i| CoreCoord::new(i % 16, i / 16))
            .filter(|c| c.is_neuron_core())
            .peekable();
        let mut coords = Vec::with_capacity(chunks.len());
        let mut inputs = 0;
        for ch in &chunks {
            if ch.input {
                coords.push(CoreCoord::new(-1, inputs % GRID));
                inputs += 1;
                continue;
            }
            let core = loop {
                let c = free.next().ok_or("the chunks do not fit the west block of cores")?;
                if ch.dendrite_words <= c.kind().dendrite_words() {
                    break c;
                }
            };
            coords.push(core);
        }
        Ok(Self { chunks, coords })
    }

    /// Sets every host input chunk's virtual coordinate from its targets (rule 8): the east
    /// edge (24, y) when all its targets have x > 15, else the west edge (−1, y), with y
    /// counting the inputs of each edge (mod 24). On-chip coordinates must be set already.
    pub fn assign_input_edges(
        &mut self,
        net: &SpikingNetwork,
        cfg: &MapConfig,
    ) -> Result<(), String> {
        let q = quantise(net, cfg.model, cfg.w_bits)?;
        let tables = build_tables(net, &q, &self.chunks, cfg);
        let (mut west, mut east) = (0, 0);
        for (c, ch) in self.chunks.iter().enumerate() {
            if !ch.input {
                continue;
            }
            let mut xs =
                tables.axons[c].lists.iter().flatten().map(|t| self.coords[t.chunk as usize].x);
            let first = xs.next();
            let all_east = first.is_some_and(|x| x > 15) && xs.all(|x| x > 15);
            self.coords[c] = if all_east {
                east += 1;
                CoreCoord::new(GRID, (east - 1) % GRID)
            } else {
                west += 1;
                CoreCoord::new(-1, (west - 1) % GRID)
            };
        }
        Ok(())
    }

    /// Neuron → (core, local index).
    pub fn locate(&self, neuron: u32) -> Option<(CoreCoord, u32)> {
        let c = self.chunks.partition_point(|ch| ch.start + ch.len <= neuron);
        let ch = self.chunks.get(c)?;
        (ch.start <= neuron).then(|| (self.coords[c], neuron - ch.start))
    }
}

/// A broken rule of §4.1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleViolation {
    /// Rule number 1–8 (0: the chunks do not tile the network).
    pub rule: u8,
    /// What the rule demands.
    pub title: String,
    /// Where and by how much it is broken.
    pub detail: String,
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}: {}", self.rule, self.title, self.detail)
    }
}

/// The title of rule `n`.
pub fn rule_title(n: u8) -> &'static str {
    match n {
        1 => "at most 4096 neurons per core",
        2 => {
            "neurons only on neuron cores (inside 0..23, not the RISC-V tile (0,0), one chunk per core)"
        }
        3 => "dendrite words within the core's dendrite memory",
        4 => "axon words within 16384",
        5 => "at most 15 hops between connected cores",
        6 => "dendrite lists of at most 4096 entries and at most 32768 dendrites per core",
        7 => "every neuron has at least one axon target",
        8 => {
            "host input at a virtual edge coordinate (x = -1 west, x = 24 east for targets with x > 15)"
        }
        _ => "chunks tile the network in order, one population each",
    }
}

fn violation(rule: u8, detail: String) -> RuleViolation {
    RuleViolation { rule, title: rule_title(rule).to_string(), detail }
}

/// The use of one core.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoreUse {
    /// The core.
    pub coord: CoreCoord,
    /// Big or little.
    pub kind: CoreKind,
    /// Neurons.
    pub neurons: u32,
    /// Dendrite records.
    pub dendrites: u32,
    /// Dendrite words used, reserves included.
    pub dendrite_words: u32,
    /// Axon words used.
    pub axon_words: u32,
}

/// A valid mapping's summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MappingReport {
    /// Per on-chip chunk, in chunk order.
    pub cores: Vec<CoreUse>,
    /// Warnings (rule 7: neurons given the dummy target).
    pub warnings: Vec<RuleViolation>,
}

/// Checks every rule of §4.1; all violations are returned, each naming its rule.
pub fn validate(
    m: &Mapping,
    net: &SpikingNetwork,
    cfg: &MapConfig,
) -> Result<MappingReport, Vec<RuleViolation>> {
    let mut errors = Vec::new();
    let mut next = 0;
    for (c, ch) in m.chunks.iter().enumerate() {
        let pop_ok = net.population_of(ch.start) == Some(ch.population)
            && ch.len > 0
            && net.population_of(ch.start + ch.len - 1) == Some(ch.population);
        if ch.start != next || !pop_ok {
            errors.push(violation(
                0,
                format!("chunk {c} covers {}..{}", ch.start, ch.start + ch.len),
            ));
        }
        next = ch.start + ch.len;
    }
    if next as usize != net.len() || m.chunks.len() != m.coords.len() {
        errors.push(violation(0, format!("chunks cover {next} of {} neurons", net.len())));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let q = match quantise(net, cfg.model, cfg.w_bits) {
        Ok(q) => q,
        Err(e) => return Err(vec![violation(0, e)]),
    };
    let tables = build_tables(net, &q, &m.chunks, cfg);
    let mut cores = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (c, ch) in m.chunks.iter().enumerate() {
        let at = m.coords[c];
        if ch.input {
            let xs: Vec<i32> = tables.axons[c]
                .lists
                .iter()
                .flatten()
                .map(|t| m.coords[t.chunk as usize].x)
                .collect();
            let ok = match at.x {
                -1 => xs.iter().all(|&x| x <= 15),
                GRID => xs.iter().all(|&x| x > 15),
                _ => false,
            };
            if !ok || !(0..GRID).contains(&at.y) {
                let drives = match (xs.iter().min(), xs.iter().max()) {
                    (Some(lo), Some(hi)) if lo == hi => format!("cores with x = {lo}"),
                    (Some(lo), Some(hi)) => format!("cores with x from {lo} to {hi}"),
                    _ => "no core".to_owned(),
                };
                errors.push(violation(
                    8,
                    format!("input chunk {c} at ({},{}) drives {drives}", at.x, at.y),
                ));
            }
            continue;
        }
        if ch.len > MAX_NEURONS_PER_CORE {
            errors.push(violation(1, format!("core ({},{}) holds {} neurons", at.x, at.y, ch.len)));
        }
        if !at.is_neuron_core() {
            let why = if at == CoreCoord::RISCV { "the RISC-V tile" } else { "off the chip" };
            errors.push(violation(2, format!("chunk {c} is placed at ({},{}), {why}", at.x, at.y)));
        } else if let Some(other) = seen.insert(at, c) {
            errors.push(violation(
                2,
                format!("chunks {other} and {c} share core ({},{})", at.x, at.y),
            ));
        }
        let words = tables.dendrite_words(c);
        let cap = at.kind().dendrite_words();
        if at.on_chip() && words > cap {
            errors.push(violation(
                3,
                format!(
                    "{} core ({},{}) needs {words} dendrite words, has {cap} ({} tables + {} reserved)",
                    at.kind().name(),
                    at.x,
                    at.y,
                    tables.dendrites[c].table_words(),
                    tables.reserves[c]
                ),
            ));
        }
        let ax = tables.axons[c].words();
        if ax > AXON_WORDS {
            errors.push(violation(4, format!("core ({},{}) needs {ax} axon words", at.x, at.y)));
        }
        let recs = &tables.dendrites[c].records;
        if recs.len() as u32 > MAX_DENDRITES {
            errors.push(violation(
                6,
                format!("core ({},{}) has {} dendrites", at.x, at.y, recs.len()),
            ));
        }
        if let Some(r) = recs.iter().find(|r| r.len > MAX_DENDRITE_LEN) {
            errors.push(violation(6, format!("core ({},{}) has a list of {}", at.x, at.y, r.len)));
        }
        if !cfg.relay {
            let mut targets: Vec<u32> =
                tables.axons[c].lists.iter().flatten().map(|t| t.chunk).collect();
            targets.sort_unstable();
            targets.dedup();
            for t in targets {
                let to = m.coords[t as usize];
                let (dx, dy) = (to.x.abs_diff(at.x), to.y.abs_diff(at.y));
                for (d, axis) in [(dx, "x"), (dy, "y")] {
                    if d > MAX_HOPS as u32 {
                        errors.push(violation(
                            5,
                            format!(
                                "core ({},{}) → ({},{}) is {d} hops in {axis}",
                                at.x, at.y, to.x, to.y
                            ),
                        ));
                    }
                }
            }
        }
        cores.push(CoreUse {
            coord: at,
            kind: at.kind(),
            neurons: ch.len,
            dendrites: recs.len() as u32,
            dendrite_words: words,
            axon_words: ax,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let warnings = if tables.dummy_targets.is_empty() {
        Vec::new()
    } else {
        // The last population is the network's output: its spikes leave for the host, so a
        // neuron there without synapses is expected (the toolchain gives it an output
        // connection of one axon entry, the same cost as the dummy target modelled here).
        let output = net.populations.last().map(|p| p.start..p.start + p.len);
        let outputs = tables
            .dummy_targets
            .iter()
            .filter(|&&n| output.as_ref().is_some_and(|r| r.contains(&n)))
            .count();
        let others = tables.dummy_targets.len() - outputs;
        let mut text = format!(
            "{} neurons have no synapse (first: {}); each got the toolchain's dummy zero-weight \
             one-to-one target on its own core",
            tables.dummy_targets.len(),
            tables.dummy_targets[0]
        );
        if outputs > 0 {
            text.push_str(&format!(
                " ({outputs} of them in the output population, whose spikes go to the host; \
                 {others} elsewhere)"
            ));
        }
        vec![violation(7, text)]
    };
    Ok(MappingReport { cores, warnings })
}
