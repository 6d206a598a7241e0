//! Throughput of the step against the memory system: `nvlab bench`.
//!
//! [`bench_world`] builds a deterministic synthetic world: an Erdős–Rényi plain graph, stored
//! undirected (every edge both ways), with edge probability `degree / (nodes − 1)`, so a node
//! has on average `degree` out-edges, and a species that moves `Forward`, so it has on average
//! `degree` moves. Stimuli (a sine on every node and Poisson events on a tenth of them) make
//! the activity vary; the species has every kernel term on (|weight|, activity, density,
//! pathway, per-move biases on a few moves, temperature ≠ 1), content-dependent docking,
//! releases `Gain`, `Shift` and `Memory` and a payload fade. Nothing is emitted, absorbed
//! (kiss and run) or dies (a fixed lifetime of 10⁶ s), so the population stays exactly the
//! `vesicles` it is filled with.
//!
//! [`run`] times `steps` whole steps ([`World::step_once`]) in each mode and, in the same run
//! and on the same rayon pool, a streaming pass over buffers of the size of the bytes the
//! vesicle stage (or the density gather) reads and writes per vesicle (per node and species).
//! The ratio of the two rates says how far the step is from being bound by memory bandwidth.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::graph::Direction;
use crate::host::Host;
use crate::preset::error::build_error;
use crate::rng::{self, Rng};
use crate::species::MoveBias;
use crate::vesicles::{Birth, NO_CASCADE, NONE};
use crate::world::Population;
use crate::{Mode, PresetError, World};

/// The synthetic workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BenchConfig {
    /// Vesicles in the particle world (the density world holds the same mean numbers).
    pub vesicles: usize,
    /// Nodes of the graph.
    pub nodes: usize,
    /// Mean out-degree of a node (= mean number of moves of a vesicle at it).
    pub degree: usize,
    /// Steps timed in each mode.
    pub steps: u64,
    /// Species (identical recipes; the vesicles are shared out evenly between them).
    pub species: usize,
}

impl Default for BenchConfig {
    fn default() -> Self {
        Self { vesicles: 1_000_000, nodes: 10_000, degree: 8, steps: 50, species: 1 }
    }
}

/// Seed of the synthetic world.
const SEED: u64 = 0x0062_656e_6368;

/// Stream of the initial placement and payloads (keyed by vesicle index).
const STREAM_FILL: u32 = rng::stream::BUILD + 0x40;

/// The preset of the synthetic world (without its per-move biases, which need the graph).
fn preset_text(cfg: &BenchConfig) -> String {
    let n = cfg.nodes.max(2);
    let p = (cfg.degree as f64 / (n - 1) as f64).min(1.0);
    let capacity = cfg.vesicles.max(1);
    let tenth = (n / 10).max(1);
    let half = (n / 2).max(1);
    let species: Vec<String> = (0..cfg.species.max(1))
        .map(|k| {
            format!(
                r#"(
            name: "s{k}",
            emission: (trigger: Activity, rate: 0.0),
            lifetime: (law: Fixed, mean: 1000000.0),
            payload_fade: Some(20.0),
            kernel: (mobility: 2.0, direction: Forward, temperature: 0.7, alpha_weight: 0.5,
                     alpha_activity: 1.0, alpha_density: -0.005, alpha_pathway: 0.2),
            docking: (rate: 0.5, gain: 4.0, threshold: 0.3),
            absorption: 0.0,
            releases: [Gain((eta: 0.0005)), Shift((eta: -0.0005, u: (0.0, 1.0, 0.0, 0.0))),
                       Memory(Fixed(0.1))],
        )"#
            )
        })
        .collect();
    format!(
        r#"(
    format: 1, name: "bench", seed: {SEED}, dt: 0.1, capacity: {capacity},
    host: Graph((
        graph: ErdosRenyi(n: {n}, p: {p}),
        weights: Uniform(-1.0, 1.0),
        stimuli: [
            (nodes: All, wave: Sine(amplitude: 0.5, period: 2.0, offset: 0.5)),
            (nodes: Range(0, {tenth}), wave: Poisson(rate: 2.0, amplitude: 1.0)),
        ],
    )),
    pathway: (tau: Some(5.0)),
    receptors: (default: (1.0, 0.0, 0.0, 0.0),
                overrides: [(Range(0, {half}), (0.0, 1.0, 0.0, 0.0))]),
    species: [{}],
)"#,
        species.join(", ")
    )
}

/// The initial payload of vesicle `v` (mean [`MEAN_PAYLOAD`]).
fn payload(words: [u32; 4]) -> [f32; 4] {
    [0.2 + 0.8 * rng::unit(words[1]), rng::unit(words[2]), rng::unit(words[3]) - 0.5, 1.0]
}

/// The mean of [`payload`] over its uniforms.
const MEAN_PAYLOAD: [f32; 4] = [0.6, 0.5, 0.0, 1.0];

/// Builds the synthetic world of `cfg` in `mode` (`Particle` or `Density`; `Twin` builds a
/// particle world), filled with `cfg.vesicles` vesicles spread uniformly at random over the
/// nodes and the species (particles), or the same mean numbers (density).
pub fn bench_world(cfg: &BenchConfig, mode: Mode) -> Result<World, PresetError> {
    let mut preset = crate::preset::from_str(&preset_text(cfg), "<bench>")?;
    let base = Path::new(".");
    // Biases on the first forward move of a few nodes (the graph is rebuilt, identically, by
    // `World::new`).
    let (_, graph) = Host::build(&preset.host, preset.seed, preset.dt, base)
        .map_err(|e| build_error(&preset.name, &e.path, e.message))?;
    let biased: Vec<MoveBias> = (0..graph.n())
        .filter_map(|i| {
            let range = graph.moves_of(i, Direction::Forward);
            (!range.is_empty()).then(|| MoveBias {
                from: i as u32,
                to: graph.move_target[range.start],
                value: if i % 2 == 0 { 1.0 } else { -1.0 },
            })
        })
        .take(16)
        .collect();
    for s in &mut preset.species {
        s.kernel.bias.clone_from(&biased);
    }
    let mode = if mode == Mode::Density { Mode::Density } else { Mode::Particle };
    let mut world = World::new(preset, mode, base)?;
    let n = world.n();
    let ns = world.species.len();
    match &mut world.population {
        Population::Particles(pool) => {
            let rng = Rng::new(SEED);
            for v in 0..cfg.vesicles {
                let w = rng.words(0, v as u64, STREAM_FILL);
                let k = v % ns;
                let node = ((w[0] as u64 * n as u64) >> 32) as u32;
                let birth = Birth {
                    species: k as u16,
                    node,
                    payload: payload(w),
                    parent: NONE,
                    root: NONE,
                    generation: 0,
                    cascade: NO_CASCADE,
                };
                if pool.push(&birth, 0).is_none() {
                    return Err(build_error(
                        "<bench>",
                        "capacity",
                        format!("the pool is full at {v} vesicles"),
                    ));
                }
                world.counts[k * n + node as usize] += 1.0;
            }
        }
        Population::Density(state) => {
            let rho = cfg.vesicles as f32 / (n * ns) as f32;
            state.rho.fill(rho);
            state.mass.fill(MEAN_PAYLOAD.map(|c| c * rho));
            world.counts.clone_from(&state.rho);
        }
    }
    Ok(world)
}

/// Bytes a streaming pass moves per element: `read_only` bytes are read, `read_write` bytes
/// are read and written back (a plain store to memory not in cache reads the line first, so
/// arrays that are only written count here too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traffic {
    /// Bytes only read.
    pub read_only: usize,
    /// Bytes read and written.
    pub read_write: usize,
}

impl Traffic {
    /// Bytes read plus bytes written.
    pub fn total(&self) -> usize {
        self.read_only + 2 * self.read_write
    }
}

/// The bytes the vesicle stage touches per vesicle, from the pool's field sizes. Every live
/// vesicle reads `alive`, `id`, `species`, `loc` and `integ`, and writes `prev` and `integ`.
/// `loc` and `hops` are written on a hop; with 16 slots per cache line and hop probabilities
/// of a few percent or more almost every line of them is written, so they count as written.
/// `payload`, `born` (the fixed law reads it too), `root`, `generation` and `cascade` are read
/// only by vesicles that may dock and are not counted, nor are the per-node tables (kernel,
/// receptors, activity, accumulators), which stay in cache.
pub fn particle_traffic() -> Traffic {
    use std::mem::size_of;
    let read_only = size_of::<bool>() + size_of::<u64>() + size_of::<u16>();
    let read_write = size_of::<u32>() // loc
        + size_of::<u32>() // prev (written only)
        + size_of::<f32>() // integ
        + size_of::<u32>(); // hops
    Traffic { read_only, read_write }
}

/// The bytes the density gather touches per node and species, averaged over `world`'s graph:
/// it reads `in_move_offsets`, `in_moves`, the kernel probabilities and `move_from` per
/// in-move, ρ, C, the stay and leave coefficients and the births per node, and writes the new
/// ρ and C. Gathered reads (ρ_j, C_j, leave_j) count once per node.
pub fn density_traffic(world: &World) -> Traffic {
    use std::mem::size_of;
    let g = &world.graph;
    let n = g.n().max(1);
    let per_move = size_of::<u32>() * 2 + size_of::<f32>(); // in_moves, move_from, kernel
    let moves = g.in_moves.len();
    let per_node = size_of::<u32>() // in_move_offsets
        + size_of::<f32>() + size_of::<[f32; 4]>() // ρ, C
        + 2 * size_of::<f32>() // stay, leave
        + size_of::<f32>() + size_of::<[f32; 4]>(); // birth ρ, C
    let read_only = per_node + (per_move * moves).div_ceil(n);
    let read_write = size_of::<f32>() + size_of::<[f32; 4]>();
    Traffic { read_only, read_write }
}

/// The best of several timed streaming passes over buffers of `elements × traffic` bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stream {
    /// Bytes moved per second (read plus written).
    pub bytes_per_s: f64,
    /// Elements per second: bytes per second over the bytes of one element.
    pub elements_per_s: f64,
}

/// Word blocks a streaming pass is split into for the threads.
const STREAM_BLOCK: usize = 16 * 1024;

/// Times `passes` streaming passes (read the read-only buffer, read and write back the other)
/// with the current rayon pool over `elements` elements of `traffic`; keeps the best.
pub fn stream(elements: usize, traffic: Traffic, passes: usize) -> Stream {
    let blocks = elements.div_ceil(STREAM_BLOCK).max(1);
    let ro_words = (elements * traffic.read_only).div_ceil(8 * blocks).max(1);
    let rw_words = (elements * traffic.read_write).div_ceil(8 * blocks).max(1);
    // Non-zero contents so every page is really written before timing.
    let ro: Vec<u64> = (0..ro_words * blocks).map(|i| i as u64 | 1).collect();
    let mut rw: Vec<u64> = (0..rw_words * blocks).map(|i| i as u64 ^ 0x55).collect();
    let pass = |rw: &mut [u64]| {
        rw.par_chunks_mut(rw_words).zip(ro.par_chunks(ro_words)).for_each(|(w, r)| {
            let s = r.iter().fold(0u64, |a, &x| a.wrapping_add(x));
            for x in w {
                *x = x.wrapping_add(s);
            }
        });
    };
    pass(&mut rw);
    let mut best = Duration::MAX;
    for _ in 0..passes.max(1) {
        let start = Instant::now();
        pass(std::hint::black_box(&mut rw));
        best = best.min(start.elapsed());
    }
    std::hint::black_box(&rw);
    let secs = best.as_secs_f64().max(1e-12);
    let bytes = (ro.len() + 2 * rw.len()) * 8;
    Stream { bytes_per_s: bytes as f64 / secs, elements_per_s: elements as f64 / secs }
}

/// Throughput of one mode beside its streaming baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModeReport {
    /// Elements stepped per second (vesicle-steps or node-species-steps), mean over the
    /// timed steps.
    pub per_s: f64,
    /// Mean time of one whole step.
    pub step: Duration,
    /// Bytes per element the baseline moves.
    pub traffic: Traffic,
    /// The streaming baseline over the same bytes.
    pub baseline: Stream,
}

impl ModeReport {
    /// How many times slower the step is than the streaming baseline (1: memory bound).
    pub fn ratio(&self) -> f64 {
        self.baseline.elements_per_s / self.per_s.max(1e-12)
    }
}

/// What [`run`] measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchReport {
    /// The workload.
    pub config: BenchConfig,
    /// Threads of the rayon pool it ran on.
    pub threads: usize,
    /// Moves (directed edges a species may take) of the graph.
    pub moves: usize,
    /// The particle step: vesicle-steps per second.
    pub particle: ModeReport,
    /// The density step: node-species-steps per second.
    pub density: ModeReport,
}

/// Times `steps` steps of `world`; returns the total time.
fn time_steps(world: &mut World, steps: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..steps {
        world.step_once();
        std::hint::black_box(&world.counts);
    }
    start.elapsed()
}

/// Steps before timing: lets the fields and the modulation settle and the caches warm.
fn warmup(steps: u64) -> u64 {
    (steps / 5).clamp(2, 10)
}

/// Streaming passes timed per baseline (the best counts).
fn passes(steps: u64) -> usize {
    steps.clamp(5, 20) as usize
}

/// Runs the benchmark on the current rayon pool: builds both worlds, warms them up, times
/// `cfg.steps` steps of each and the two streaming baselines.
pub fn run(cfg: &BenchConfig) -> Result<BenchReport, PresetError> {
    let steps = cfg.steps.max(1);
    let threads = rayon::current_num_threads();

    let mut world = bench_world(cfg, Mode::Particle)?;
    let moves = world.graph.moves();
    world.advance(warmup(steps));
    let total = time_steps(&mut world, steps);
    let vesicles = world.pool().map_or(0, |p| p.live);
    drop(world);
    let traffic = particle_traffic();
    let particle = ModeReport {
        per_s: (vesicles as f64 * steps as f64) / total.as_secs_f64().max(1e-12),
        step: total / steps as u32,
        traffic,
        baseline: stream(vesicles, traffic, passes(steps)),
    };

    let mut world = bench_world(cfg, Mode::Density)?;
    world.advance(warmup(steps));
    let total = time_steps(&mut world, steps);
    let elements = world.n() * world.species.len();
    let traffic = density_traffic(&world);
    drop(world);
    let density = ModeReport {
        per_s: (elements as f64 * steps as f64) / total.as_secs_f64().max(1e-12),
        step: total / steps as u32,
        traffic,
        baseline: stream(elements, traffic, passes(steps)),
    };
    Ok(BenchReport { config: *cfg, threads, moves, particle, density })
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        writeln!(
            f,
            "{} vesicles, {} nodes, mean degree {} ({} moves), {} species, {} steps, {} threads",
            c.vesicles,
            c.nodes,
            c.degree,
            self.moves,
            c.species.max(1),
            c.steps,
            self.threads
        )?;
        writeln!(
            f,
            "{:<9} {:>11} {:>16} {:>10} {:>12} {:>16} {:>7}",
            "mode", "step", "elements/s", "B/element", "stream GB/s", "stream elem/s", "ratio"
        )?;
        for (name, m) in [("particle", &self.particle), ("density", &self.density)] {
            writeln!(
                f,
                "{:<9} {:>11} {:>16} {:>10} {:>12.2} {:>16} {:>6.2}×",
                name,
                format!("{:.3} ms", m.step.as_secs_f64() * 1e3),
                format!("{:.4e}", m.per_s),
                m.traffic.total(),
                m.baseline.bytes_per_s / 1e9,
                format!("{:.4e}", m.baseline.elements_per_s),
                m.ratio()
            )?;
        }
        write!(
            f,
            "elements: vesicle-steps (particle), node-species-steps (density); ratio: stream \
             elements/s over step elements/s (1 = as fast as streaming the same bytes)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> BenchConfig {
        BenchConfig { vesicles: 10_000, nodes: 500, degree: 8, steps: 5, species: 1 }
    }

    #[test]
    fn particle_world_keeps_its_population() {
        let cfg = small();
        let mut w = bench_world(&cfg, Mode::Particle).expect("bench world");
        assert!(w.check().is_empty(), "{:?}", w.check());
        assert_eq!(w.pool().map(|p| p.live), Some(cfg.vesicles));
        assert!(w.species[0].bias.iter().filter(|&&b| b != 0.0).count() >= 8);
        let mut docked = 0.0;
        let mut hops = 0.0;
        for _ in 0..20 {
            w.step_once();
            let bad = w.check();
            assert!(bad.is_empty(), "step {}: {bad:?}", w.step);
            assert_eq!(w.pool().map(|p| (p.live, p.len())), Some((cfg.vesicles, cfg.vesicles)));
            assert_eq!(w.free(0), cfg.vesicles as f64);
            docked += w.last.docked[0];
            hops += w.edge_hops.iter().map(|&h| h as f64).sum::<f64>();
        }
        assert!(docked > 0.0 && hops > 0.0, "docked {docked}, hops {hops}");
    }

    #[test]
    fn density_world_keeps_its_mass() {
        let cfg = BenchConfig { species: 2, ..small() };
        let mut w = bench_world(&cfg, Mode::Density).expect("bench world");
        assert!(w.check().is_empty(), "{:?}", w.check());
        for _ in 0..20 {
            w.step_once();
            let bad = w.check();
            assert!(bad.is_empty(), "step {}: {bad:?}", w.step);
        }
        // Survival over 20 steps of a 10⁶ s lifetime: the mass is kept to 1e-4.
        let total = w.free(0) + w.free(1);
        assert!((total / cfg.vesicles as f64 - 1.0).abs() < 1e-4, "total {total}");
    }

    #[test]
    fn run_reports_both_modes() {
        let cfg = BenchConfig { vesicles: 2_000, nodes: 100, degree: 4, steps: 2, species: 1 };
        let r = run(&cfg).expect("runs");
        assert!(r.particle.per_s > 0.0 && r.density.per_s > 0.0);
        assert!(r.particle.baseline.elements_per_s > 0.0 && r.density.ratio() > 0.0);
        // alive, id, species read; loc, prev, integ, hops read and written.
        assert_eq!(r.particle.traffic.total(), 11 + 2 * 16);
        let text = r.to_string();
        assert!(text.contains("particle") && text.contains("density"), "{text}");
    }
}
