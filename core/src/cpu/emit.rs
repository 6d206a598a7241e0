//! Emission (MODEL §2): each source node emits Poisson(λ_i·dt) vesicles per step, with
//! λ_i = r_max·N·G_i^κ·σ(s_e(x_i − θ_e)) and payload P·[a_i, e_i, m, 1]/N. Draws come from the
//! (node, species) stream, so emission does not depend on anything but the fields.
//! Twin of `shaders/emit.wgsl`.
//!
//! Binding order of the GPU twin (`shaders/emit.wgsl`): params, species, releases, birth counts
//! (cascade children per slot, then [`node_counts`] per (species, node)), their prefix sums,
//! totals, emission payloads ([`emission_payload`]), parents, vesicles, tallies.

use rayon::prelude::*;

use crate::compile::{CompiledSpecies, CompiledTrigger};
use crate::fastmath::sigmoid;
use crate::host::Signals;
use crate::rng::{self, Rng, UniformSeq, stream};
use crate::species::mat_vec;
use crate::vesicles::{Birth, Births, NO_CASCADE, NONE};

/// The signals emission reads.
pub struct EmitInputs<'a> {
    /// Host signals of the step.
    pub signals: &'a Signals,
    /// Meta signal values m_k.
    pub meta: &'a [f32],
    /// Brush intensity per node (the `Manual` trigger).
    pub brush: &'a [f32],
    /// Emission gains `[κ · n + i]`.
    pub emission_gain: &'a [f32],
}

/// The trigger signal x_i of a species at node i.
#[inline(always)]
pub fn trigger_signal(s: &CompiledSpecies, i: usize, input: &EmitInputs) -> f32 {
    match s.trigger {
        CompiledTrigger::Activity => input.signals.activity[i],
        CompiledTrigger::Error => input.signals.error[i],
        CompiledTrigger::ErrorMagnitude => input.signals.error_abs[i],
        CompiledTrigger::Meta(k) => input.meta[k],
        CompiledTrigger::Manual => input.brush[i],
    }
}

/// Expected births λ_i·dt of species `k` at node i.
#[inline(always)]
pub fn expected_births(
    k: usize,
    s: &CompiledSpecies,
    i: usize,
    n: usize,
    dt: f32,
    input: &EmitInputs,
) -> f32 {
    let x = trigger_signal(s, i, input);
    s.rate * input.emission_gain[k * n + i] * sigmoid(s.slope * (x - s.threshold)) * dt
}

/// The payload a vesicle of species `s` gets when emitted at node i.
#[inline(always)]
pub fn emission_payload(s: &CompiledSpecies, i: usize, input: &EmitInputs) -> [f32; 4] {
    let m = s.payload_meta.map_or(0.0, |k| input.meta[k]);
    mat_vec(&s.payload, [input.signals.activity[i], input.signals.error[i], m, 1.0])
}

/// The emission counts of one step: per species, `(source node, count)` for every source,
/// each drawn from the (node, species) stream (the GPU engine uploads these and appends the
/// births itself, see `shaders/emit.wgsl`).
pub fn node_counts(
    species: &[CompiledSpecies],
    rng: &Rng,
    step: u32,
    n: usize,
    dt: f32,
    input: &EmitInputs,
) -> Vec<Vec<(u32, u64)>> {
    species
        .iter()
        .enumerate()
        .map(|(k, s)| {
            if s.rate <= 0.0 {
                return Vec::new();
            }
            s.sources
                .par_iter()
                .map(|&i| {
                    let lambda = expected_births(k, s, i as usize, n, dt, input) as f64;
                    let mut seq = UniformSeq::new(rng, step, i as u64, stream::EMIT + k as u32);
                    (i, rng::poisson(lambda, &mut seq))
                })
                .collect()
        })
        .collect()
}

/// The emission births of one step, one record per (species, node) that emits, ordered by
/// (species, node).
pub fn births(
    species: &[CompiledSpecies],
    rng: &Rng,
    step: u32,
    n: usize,
    dt: f32,
    input: &EmitInputs,
) -> Vec<Births> {
    let mut out = Vec::new();
    for (k, (s, per_node)) in
        species.iter().zip(node_counts(species, rng, step, n, dt, input)).enumerate()
    {
        for (i, count) in per_node {
            if count == 0 {
                continue;
            }
            let birth = Birth {
                species: k as u16,
                node: i,
                payload: emission_payload(s, i as usize, input),
                parent: NONE,
                root: NONE,
                generation: 0,
                cascade: NO_CASCADE,
            };
            out.push(Births { birth, count });
        }
    }
    out
}

/// Caps emission counts, in their birth order, so that no more than `room` are kept in all:
/// the counts beyond it are added to `dropped` (per species) and set to what is kept. Births
/// beyond the room could never join the population; capping them first keeps every sum of
/// counts below the capacity (the GPU engine sums them in 32 bits).
pub fn cap_counts(per_species: &mut [Vec<(u32, u64)>], room: u64, dropped: &mut [f64]) {
    let mut left = room;
    for (k, list) in per_species.iter_mut().enumerate() {
        for (_, count) in list.iter_mut() {
            let kept = (*count).min(left);
            dropped[k] += (*count - kept) as f64;
            left -= kept;
            *count = kept;
        }
    }
}
