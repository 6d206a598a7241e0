//! The fields of the step (MODEL §3, stage 2): the migration kernel of every species over every
//! move with its running sums, and per node the docking probability D_i at the mean payload
//! and the emission λ_i·dt with its payload (MODEL §2). Twin of `shaders/kernel.wgsl`, which
//! computes all of them in one thread per (node, species).
//!
//! Binding order of the shader, and where each binding lives here:
//!  0 params (n, species, moves, dt), 1 species (the [`CompiledSpecies`]), 2 move_offsets,
//!  3 move_forward_len, 4 move_target, 5 move_edge (the [`Graph`]), 6 bias
//!  (`CompiledSpecies::bias`), 7 weight, 8 pathway (in [`KernelInputs`]), 9 signals
//!  (activity, error, |error|, brush per node), 10 meta, 11 emission_gain (in
//!  [`EmitInputs`]), 12 source (`CompiledSpecies::sources` as flags), 13 receptors, 14 rho,
//!  15 mass (in [`NodeFieldInputs`]; `KernelInputs::density` is the same ρ), then the outputs
//!  16 kernel ([`kernel_probabilities`]), 17 cdf ([`cumulative`]), 18 dock, 19 births,
//!  20 birth_payload ([`node_fields`]).

use rayon::prelude::*;

use crate::compile::CompiledSpecies;
use crate::cpu::emit::{EmitInputs, emission_payload, expected_births};
use crate::graph::Graph;

/// Inputs the kernel reads.
pub struct KernelInputs<'a> {
    /// Effective edge weights (w + Δw).
    pub weight: &'a [f32],
    /// Activity a_j.
    pub activity: &'a [f32],
    /// Density of each species, `[κ · n + j]` (free vesicle counts in particle mode).
    pub density: &'a [f32],
    /// Pathway traces π per edge.
    pub pathway: &'a [f32],
}

/// Writes P_κ(i → j) for every allowed move of every node into `p` (length: moves). Entries
/// of moves the species may not take must already be 0 and are not touched; a node with no
/// allowed move keeps its vesicles.
pub fn kernel_probabilities(
    s: &CompiledSpecies,
    graph: &Graph,
    input: &KernelInputs,
    p: &mut [f32],
) {
    let n = graph.n();
    let dens = &input.density[s.density_species * n..(s.density_species + 1) * n];
    let groups = rayon::current_num_threads() * 8;
    super::split_by_nodes(p, &graph.move_offsets, groups).into_par_iter().for_each(
        |(first, last, piece)| {
            let base = graph.move_offsets[first] as usize;
            for i in first..last {
                let allowed = graph.moves_of(i, s.direction);
                if allowed.is_empty() {
                    continue;
                }
                let out = &mut piece[allowed.start - base..allowed.end - base];
                let mut max = f32::NEG_INFINITY;
                for (o, mv) in out.iter_mut().zip(allowed.clone()) {
                    let e = graph.move_edge[mv] as usize;
                    let j = graph.move_target[mv] as usize;
                    let logit = (s.bias[mv]
                        + s.alpha_weight * input.weight[e].abs()
                        + s.alpha_activity * input.activity[j]
                        + s.alpha_density * dens[j]
                        + s.alpha_pathway * input.pathway[e])
                        * s.inv_temperature;
                    *o = logit;
                    max = max.max(logit);
                }
                let mut sum = 0.0f32;
                for o in out.iter_mut() {
                    *o = crate::fastmath::exp(*o - max);
                    sum += *o;
                }
                let inv = 1.0 / sum;
                for o in out.iter_mut() {
                    *o *= inv;
                }
            }
        },
    );
}

/// One move as the particle sampler reads it: the running sum of the kernel probabilities up
/// to and including this move within its node's allowed range, and the node it arrives at.
/// Kept together so that a hop touches one stretch of memory.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MoveCdf {
    /// Running sum of P over the allowed moves of the node, up to this move.
    pub cdf: f32,
    /// The node the move arrives at.
    pub target: u32,
}

/// Writes the running sums of `p` within every node's allowed range for `direction` into
/// `cdf` (with each move's target; other entries are left as they are), summed in move order.
pub fn cumulative(
    graph: &Graph,
    direction: crate::graph::Direction,
    p: &[f32],
    cdf: &mut [MoveCdf],
) {
    let groups = rayon::current_num_threads() * 8;
    super::split_by_nodes(cdf, &graph.move_offsets, groups).into_par_iter().for_each(
        |(first, last, piece)| {
            let base = graph.move_offsets[first] as usize;
            for i in first..last {
                let mut acc = 0.0f32;
                for mv in graph.moves_of(i, direction) {
                    acc += p[mv];
                    piece[mv - base] = MoveCdf { cdf: acc, target: graph.move_target[mv] };
                }
            }
        },
    );
}

/// Picks a move in the non-empty `range` by inversion of the uniform `u` against the running
/// sums: the first move whose sum exceeds `u`; the last takes any rounding remainder.
///
/// The sums do not decrease, so that move's offset is the number of sums (last excluded) at or
/// below `u`: counted without a data-dependent branch, which a random `u` would mispredict.
#[inline(always)]
pub fn pick_move(cdf: &[MoveCdf], range: std::ops::Range<usize>, u: f32) -> usize {
    let last = range.end - 1;
    let below: usize = cdf[range.start..last].iter().map(|m| usize::from(u >= m.cdf)).sum();
    range.start + below
}

/// The per-node inputs of the docking and emission fields.
pub struct NodeFieldInputs<'a> {
    /// The signals emission reads.
    pub emit: &'a EmitInputs<'a>,
    /// Unit receptor per node.
    pub receptors: &'a [[f32; 4]],
    /// ρ, `[κ · n + i]`.
    pub rho: &'a [f32],
    /// C, `[κ · n + i]`.
    pub mass: &'a [[f32; 4]],
    /// dt.
    pub dt: f32,
}

/// Writes the fields of species `k` at every node (each output has length n): the docking
/// probability at the mean payload C_i/ρ_i (0 payload where ρ_i = 0), and at the species'
/// sources the expected births λ_i·dt and their payload (0 elsewhere, and everywhere when the
/// species does not emit).
pub fn node_fields(
    k: usize,
    s: &CompiledSpecies,
    input: &NodeFieldInputs,
    dock: &mut [f32],
    births: &mut [f32],
    birth_payload: &mut [[f32; 4]],
) {
    let n = dock.len();
    let range = k * n..(k + 1) * n;
    let (rho, mass) = (&input.rho[range.clone()], &input.mass[range]);
    dock.par_iter_mut().enumerate().for_each(|(i, d)| {
        let r = rho[i];
        let mean = if r > 0.0 { mass[i].map(|m| m / r) } else { [0.0; 4] };
        *d = s.dock_p(mean, input.receptors[i]);
    });
    births.fill(0.0);
    birth_payload.fill([0.0; 4]);
    if s.rate <= 0.0 {
        return;
    }
    for &i in &s.sources {
        let i = i as usize;
        births[i] = expected_births(k, s, i, n, input.dt, input.emit);
        birth_payload[i] = emission_payload(s, i, input.emit);
    }
}
