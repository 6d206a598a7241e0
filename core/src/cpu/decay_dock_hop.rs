//! The vesicle stage (MODEL §3, stage 3): every free vesicle, independently, decays, docks
//! (releasing into the fixed-point accumulators and maybe absorbed) or hops, then its payload
//! fades. The fade is kept implicit: a payload is stored as it was at birth and used as
//! c·fade^age, exactly the per-step product, without rewriting every payload every step. Twin of `shaders/decay_dock_hop.wgsl`. Parallel over slot chunks with rayon; every
//! draw is keyed by the vesicle's stable id, so the result does not depend on the chunking.
//!
//! Binding order of the GPU twin (`shaders/decay_dock_hop.wgsl`): params, species, releases,
//! constants (move offsets, forward lengths, move edges, cascade tables), kernel running sums
//! (here [`StageInputs::kernel_cdf`]), receptors, activity, vesicles (here the pool), release
//! accumulators (here [`Accumulators`]), tallies (counts, docks, edge hops, events, cascade
//! slots; here [`StageOutput`] and `cascade_alive`), live flags and birth counts (here the
//! pool's `alive` and [`StageOutput::births`]).

use std::sync::atomic::Ordering;

use rayon::prelude::*;

use crate::compile::{CompiledMemory, CompiledRelease, CompiledSpecies, channel};
use crate::rng::{self, Rng, UniformSeq, stream};
use crate::species::{LifetimeLaw, mat_vec};
use crate::vesicles::{Birth, Births, ChunkMut, NO_CASCADE, VesiclePool};

use super::accumulate::Accumulators;
use super::kernel::{MoveCdf, pick_move};

/// Slots per parallel task.
pub const CHUNK: usize = 16 * 1024;

/// Read-only inputs of the stage.
pub struct StageInputs<'a> {
    /// The generator.
    pub rng: &'a Rng,
    /// Step index (the counter of the random draws).
    pub step: u32,
    /// The same step index, whole (for ages).
    pub now: u64,
    /// dt, seconds.
    pub dt: f32,
    /// Compiled species.
    pub species: &'a [CompiledSpecies],
    /// The graph.
    pub graph: &'a crate::graph::Graph,
    /// Cumulative kernel probabilities per species and move (within each node's allowed range;
    /// see [`super::kernel::cumulative`]).
    pub kernel_cdf: &'a [Vec<MoveCdf>],
    /// Unit receptor vectors r_i.
    pub receptors: &'a [[f32; 4]],
    /// Activity a_i.
    pub activity: &'a [f32],
    /// Live vesicles per tracked cascade slot (decremented on death).
    pub cascade_alive: &'a [std::sync::atomic::AtomicU32],
}

/// What the stage produced besides the accumulators.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageOutput {
    /// Cascade births, one record per docking that has children, in slot order (= parent id
    /// order).
    pub births: Vec<Births>,
    /// Per species: deaths by decay.
    pub died: Vec<u64>,
    /// Per species: dockings.
    pub docked: Vec<u64>,
    /// Per species: absorptions.
    pub absorbed: Vec<u64>,
    /// Free vesicles per species and node after the stage, `[κ · n + i]` (empty until the
    /// first vesicle of a task is counted; summed over tasks).
    pub counts: Vec<u32>,
    /// The move of every hop, in slot order (histogrammed into the pathway increments).
    pub hop_moves: Vec<u32>,
    /// Scratch lists of a task's possible dockers and hoppers, reused from chunk to chunk
    /// (empty between chunks).
    dockers: Vec<Docker>,
    hoppers: Vec<Hopper>,
}

impl StageOutput {
    fn new(species: usize) -> Self {
        Self {
            births: Vec::new(),
            died: vec![0; species],
            docked: vec![0; species],
            absorbed: vec![0; species],
            counts: Vec::new(),
            hop_moves: Vec::new(),
            dockers: Vec::new(),
            hoppers: Vec::new(),
        }
    }

    fn merge(mut self, mut other: Self) -> Self {
        self.births.append(&mut other.births);
        self.hop_moves.append(&mut other.hop_moves);
        if self.counts.is_empty() {
            self.counts = other.counts;
        } else {
            for (a, b) in self.counts.iter_mut().zip(&other.counts) {
                *a += b;
            }
        }
        for (a, b) in [
            (&mut self.died, &other.died),
            (&mut self.docked, &other.docked),
            (&mut self.absorbed, &other.absorbed),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self
    }
}

/// Runs the stage over the whole pool. Returns cascade births, counters and the per-node
/// counts; the pool's dead slots are marked (`alive = false`) and `live` updated.
///
/// Each rayon task counts into its own histogram (plain integers; tasks are few, about the
/// thread count), and the histograms are summed: the same integers as atomics would give,
/// without a locked instruction per vesicle.
pub fn run(pool: &mut VesiclePool, input: &StageInputs, acc: &Accumulators) -> StageOutput {
    let s = input.species.len();
    let cells = s * input.graph.n();
    let mut out = pool
        .chunks_mut(CHUNK)
        .into_par_iter()
        .fold(
            || StageOutput::new(s),
            |mut out, chunk| {
                if out.counts.is_empty() {
                    out.counts = vec![0; cells];
                }
                run_chunk(chunk, input, acc, &mut out);
                out
            },
        )
        .reduce(|| StageOutput::new(s), StageOutput::merge);
    if out.counts.is_empty() {
        out.counts = vec![0; cells];
    }
    let dead: u64 = out.died.iter().sum::<u64>() + out.absorbed.iter().sum::<u64>();
    pool.live -= dead as usize;
    out
}

fn run_chunk(c: ChunkMut<'_>, input: &StageInputs, acc: &Accumulators, out: &mut StageOutput) {
    let g = input.graph;
    let n = g.n();
    let dt = input.dt;
    let (rng, step, now) = (input.rng, input.step, input.now);
    let (activity, receptors) = (input.activity, input.receptors);
    let mut counts = std::mem::take(&mut out.counts);
    let mut dockers = std::mem::take(&mut out.dockers);
    let mut hoppers = std::mem::take(&mut out.hoppers);
    let len = c.id.len();
    // Equal lengths, stated once, let the compiler drop the per-field bounds checks.
    assert!(
        c.species.len() == len
            && c.loc.len() == len
            && c.prev.len() == len
            && c.born.len() == len
            && c.hops.len() == len
            && c.integ.len() == len
            && c.payload.len() == len
            && c.alive.len() == len,
        "chunk arrays of unequal length"
    );

    // Pass 1, every vesicle: decay, then the cheap part of docking and hopping. A vesicle
    // whose docking uniform is below the species' bound (p = 1 − exp(−k·dt) ≤ k·dt ≤ k0·dt)
    // may dock and goes to pass 2; one that cannot dock and hops goes to pass 3. The later
    // passes touch node-indexed tables at random; as tight loops over independent entries
    // they overlap those cache misses instead of waiting for each in turn.
    for k in 0..len {
        if !c.alive[k] {
            continue;
        }
        let s = c.species[k] as usize;
        let sp = &input.species[s];
        let i = c.loc[k];
        c.prev[k] = i;
        let w = rng.words(step, c.id[k], stream::VESICLE_A);

        // Decay. Under the fixed law the vesicle dies in its `life_steps`-th step.
        let dies = match sp.law {
            LifetimeLaw::Exponential => rng::unit(w[0]) < sp.death,
            LifetimeLaw::Fixed => now + 1 - c.born[k] >= sp.life_steps,
        };
        if dies {
            c.alive[k] = false;
            out.died[s] += 1;
            release_cascade(c.cascade[k], input);
            continue;
        }
        c.integ[k] += activity[i as usize] * dt;

        let u_dock = rng::unit(w[1]);
        if u_dock < sp.dock_bound {
            dockers.push(Docker {
                k: k as u32,
                u_dock,
                u_absorb: rng::unit(w[2]),
                u_hop: rng::unit(w[3]),
            });
            continue;
        }
        let u_hop = rng::unit(w[3]);
        if u_hop < sp.hop {
            hoppers.push(Hopper { k: k as u32, u: u_hop * sp.inv_hop });
        } else {
            counts[s * n + i as usize] += 1;
        }
    }

    // Pass 2, vesicles that may dock (in slot order, so cascade births stay in id order).
    for d in dockers.iter() {
        let k = d.k as usize;
        let s = c.species[k] as usize;
        let sp = &input.species[s];
        let i = c.loc[k] as usize;
        // The payload faded by its age in steps (the docking rate ignores its scale).
        let payload = sp.faded(c.payload[k], now - c.born[k]);
        if d.u_dock < sp.dock_p(payload, receptors[i]) {
            out.docked[s] += 1;
            acc.docks[s * n + i].fetch_add(1, Ordering::Relaxed);
            let lineage = (c.id[k], c.root[k], c.generation[k], c.cascade[k]);
            release(sp, i, payload, lineage, input, acc, out);
            if d.u_absorb < sp.absorption {
                c.alive[k] = false;
                out.absorbed[s] += 1;
                release_cascade(c.cascade[k], input);
                continue;
            }
            counts[s * n + i] += 1;
        } else if d.u_hop < sp.hop {
            hoppers.push(Hopper { k: d.k, u: d.u_hop * sp.inv_hop });
        } else {
            counts[s * n + i] += 1;
        }
    }

    // Pass 3, hops: given a hop, u_hop is uniform on [0, H), so u_hop / H picks the move.
    for h in hoppers.iter() {
        let k = h.k as usize;
        let s = c.species[k] as usize;
        let i = c.loc[k] as usize;
        let range = g.moves_of(i, input.species[s].direction);
        let mut at = i as u32;
        if !range.is_empty() {
            let cdf = &input.kernel_cdf[s];
            let mv = pick_move(cdf, range, h.u);
            out.hop_moves.push(mv as u32);
            at = cdf[mv].target;
            c.loc[k] = at;
            c.hops[k] += 1;
        }
        counts[s * n + at as usize] += 1;
    }
    dockers.clear();
    hoppers.clear();
    out.dockers = dockers;
    out.hoppers = hoppers;
    out.counts = counts;
}

/// A vesicle that may dock this step, waiting for pass 2, with its step's uniforms.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Docker {
    /// Slot within the chunk.
    k: u32,
    /// Docking uniform.
    u_dock: f32,
    /// Absorption uniform.
    u_absorb: f32,
    /// Hop uniform (used if it does not dock).
    u_hop: f32,
}

/// A vesicle that hops this step, waiting for pass 3.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Hopper {
    /// Slot within the chunk.
    k: u32,
    /// The uniform that picks its move.
    u: f32,
}

#[inline(always)]
fn release_cascade(slot: u32, input: &StageInputs) {
    if slot != NO_CASCADE {
        input.cascade_alive[slot as usize].fetch_sub(1, Ordering::Relaxed);
    }
}

/// Applies every release operator of a docking of a vesicle with payload `c` at node `i`;
/// `lineage` is the vesicle's (id, root, generation, cascade slot).
#[inline(always)]
fn release(
    sp: &CompiledSpecies,
    i: usize,
    c: [f32; 4],
    (id, root, generation, cascade): (u64, u64, u32, u32),
    input: &StageInputs,
    acc: &Accumulators,
    out: &mut StageOutput,
) {
    for (op_index, op) in sp.releases.iter().enumerate() {
        match op {
            CompiledRelease::Add { channel, amount } => {
                acc.add(i, *channel, amount.of(c) as f64);
            }
            CompiledRelease::Memory(rate) => memory_release(*rate, i, c, acc),
            CompiledRelease::Cascade { species, chi, transform } => {
                let mut seq = UniformSeq::new(
                    input.rng,
                    input.step,
                    id,
                    stream::CASCADE + 16 * op_index as u32,
                );
                let count = rng::poisson(*chi as f64, &mut seq);
                if count > 0 {
                    let birth = Birth {
                        species: *species as u16,
                        node: i as u32,
                        payload: mat_vec(transform, c),
                        parent: id,
                        root,
                        generation: generation + 1,
                        cascade,
                    };
                    out.births.push(Births { birth, count });
                }
            }
        }
    }
}

/// Accumulates one `Memory` arrival (see `Modulation::apply_memory` for the rule).
#[inline(always)]
pub fn memory_release(rate: CompiledMemory, i: usize, c: [f32; 4], acc: &Accumulators) {
    match rate {
        CompiledMemory::Running => {
            for (d, v) in c.iter().enumerate() {
                acc.add(i, channel::MEM_RUN_SUM + d, *v as f64);
            }
            acc.add(i, channel::MEM_RUN_COUNT, 1.0);
        }
        CompiledMemory::Fixed { eps, log_retain } => {
            for (d, v) in c.iter().enumerate() {
                acc.add(i, channel::MEM_FIX_SUM + d, (eps * v) as f64);
            }
            acc.add(i, channel::MEM_FIX_WEIGHT, eps as f64);
            acc.add(i, channel::MEM_FIX_LOG_RETAIN, log_retain);
        }
    }
}
