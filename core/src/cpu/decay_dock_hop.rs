//! The vesicle stage (MODEL §3, stage 3): every free vesicle, independently, decays, docks
//! (releasing into the fixed-point accumulators and maybe absorbed) or hops, then its payload
//! fades. Twin of `shaders/decay_dock_hop.wgsl`. Parallel over slot chunks with rayon; every
//! draw is keyed by the vesicle's stable id, so the result does not depend on the chunking.

use std::sync::atomic::Ordering;

use rayon::prelude::*;

use crate::compile::{CompiledRelease, CompiledSpecies, channel};
use crate::rng::{self, Rng, UniformSeq, stream};
use crate::species::{LifetimeLaw, mat_vec};
use crate::vesicles::{Birth, ChunkMut, NO_CASCADE, VesiclePool};

use super::accumulate::Accumulators;
use super::kernel::pick_move;

/// Slots per parallel task.
pub const CHUNK: usize = 16 * 1024;

/// Read-only inputs of the stage.
pub struct StageInputs<'a> {
    /// The generator.
    pub rng: &'a Rng,
    /// Step index (the counter).
    pub step: u32,
    /// dt, seconds.
    pub dt: f32,
    /// Compiled species.
    pub species: &'a [CompiledSpecies],
    /// The graph.
    pub graph: &'a crate::graph::Graph,
    /// Kernel probabilities per species and move.
    pub kernel: &'a [Vec<f32>],
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
    /// Cascade births, in slot order (= parent id order).
    pub births: Vec<Birth>,
    /// Per species: deaths by decay.
    pub died: Vec<u64>,
    /// Per species: dockings.
    pub docked: Vec<u64>,
    /// Per species: absorptions.
    pub absorbed: Vec<u64>,
}

impl StageOutput {
    fn new(species: usize) -> Self {
        Self {
            births: Vec::new(),
            died: vec![0; species],
            docked: vec![0; species],
            absorbed: vec![0; species],
        }
    }

    fn merge(mut self, other: Self) -> Self {
        self.births.extend(other.births);
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

/// Runs the stage over the whole pool. Returns cascade births and counters; the pool's dead
/// slots are marked (`alive = false`) and `live` updated.
pub fn run(pool: &mut VesiclePool, input: &StageInputs, acc: &Accumulators) -> StageOutput {
    let s = input.species.len();
    let out = pool
        .chunks_mut(CHUNK)
        .into_par_iter()
        .map(|chunk| run_chunk(chunk, input, acc))
        .reduce(|| StageOutput::new(s), StageOutput::merge);
    let dead: u64 = out.died.iter().sum::<u64>() + out.absorbed.iter().sum::<u64>();
    pool.live -= dead as usize;
    out
}

fn run_chunk(c: ChunkMut<'_>, input: &StageInputs, acc: &Accumulators) -> StageOutput {
    let n = input.graph.n();
    let mut out = StageOutput::new(input.species.len());
    let dt = input.dt;
    for k in 0..c.id.len() {
        if !c.alive[k] {
            continue;
        }
        let id = c.id[k];
        let s = c.species[k] as usize;
        let sp = &input.species[s];
        let i = c.loc[k] as usize;
        c.prev[k] = c.loc[k];
        let w = input.rng.words(input.step, id, stream::VESICLE_A);

        // Decay.
        c.tau[k] -= dt;
        c.age[k] += dt;
        let dies = match sp.law {
            LifetimeLaw::Exponential => rng::unit(w[0]) < sp.death,
            LifetimeLaw::Fixed => c.tau[k] <= 0.5 * dt,
        };
        if dies {
            c.alive[k] = false;
            out.died[s] += 1;
            release_cascade(c.cascade[k], input);
            continue;
        }
        c.integ[k] += input.activity[i] * dt;

        // Dock.
        let payload = c.payload[k];
        if rng::unit(w[1]) < sp.dock_p(payload, input.receptors[i]) {
            out.docked[s] += 1;
            acc.docks[s * n + i].fetch_add(1, Ordering::Relaxed);
            release(
                sp,
                i,
                payload,
                id,
                c.root[k],
                c.generation[k],
                c.cascade[k],
                input,
                acc,
                &mut out,
            );
            if rng::unit(w[2]) < sp.absorption {
                c.alive[k] = false;
                out.absorbed[s] += 1;
                release_cascade(c.cascade[k], input);
                continue;
            }
        } else if rng::unit(w[3]) < sp.hop {
            // Hop.
            let range = input.graph.moves_of(i, sp.direction);
            if !range.is_empty() {
                let u = rng::unit(input.rng.words(input.step, id, stream::VESICLE_B)[0]);
                let mv = pick_move(&input.kernel[s], range, u);
                acc.edge_hops[input.graph.move_edge[mv] as usize].fetch_add(1, Ordering::Relaxed);
                c.loc[k] = input.graph.move_target[mv];
                c.hops[k] += 1;
            }
        }

        // Payload fade.
        if sp.fade != 1.0 {
            for v in &mut c.payload[k] {
                *v *= sp.fade;
            }
        }
        acc.counts[s * n + c.loc[k] as usize].fetch_add(1, Ordering::Relaxed);
    }
    out
}

#[inline(always)]
fn release_cascade(slot: u32, input: &StageInputs) {
    if slot != NO_CASCADE {
        input.cascade_alive[slot as usize].fetch_sub(1, Ordering::Relaxed);
    }
}

/// Applies every release operator of a docking of a vesicle with payload `c` at node `i`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn release(
    sp: &CompiledSpecies,
    i: usize,
    c: [f32; 4],
    id: u64,
    root: u64,
    generation: u32,
    cascade: u32,
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
                let children = rng::poisson(*chi as f64, &mut seq);
                let child_payload = mat_vec(transform, c);
                for _ in 0..children {
                    out.births.push(Birth {
                        species: *species as u16,
                        node: i as u32,
                        payload: child_payload,
                        parent: id,
                        root,
                        generation: generation + 1,
                        cascade,
                    });
                }
            }
        }
    }
}

/// Accumulates one `Memory` arrival (see `Modulation::apply_memory` for the rule).
#[inline(always)]
pub fn memory_release(rate: crate::release::MemoryRate, i: usize, c: [f32; 4], acc: &Accumulators) {
    match rate {
        crate::release::MemoryRate::Running => {
            for (d, v) in c.iter().enumerate() {
                acc.add(i, channel::MEM_RUN_SUM + d, *v as f64);
            }
            acc.add(i, channel::MEM_RUN_COUNT, 1.0);
        }
        crate::release::MemoryRate::Fixed(eps) => {
            for (d, v) in c.iter().enumerate() {
                acc.add(i, channel::MEM_FIX_SUM + d, (eps * v) as f64);
            }
            acc.add(i, channel::MEM_FIX_WEIGHT, eps as f64);
            acc.add(i, channel::MEM_FIX_LOG_RETAIN, (1.0 - eps as f64).max(1e-12).ln());
        }
    }
}
