//! The fields of the step (MODEL §3, stage 2): the migration kernel of every species over every
//! move, computed once per step. Twin of `shaders/kernel.wgsl`.

use rayon::prelude::*;

use crate::compile::CompiledSpecies;
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

/// Writes P_κ(i → j) for every move of every node into `p` (length: moves). Moves the species
/// may not take get 0; a node with no allowed move has all zeros (its vesicles stay).
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
                let all = graph.move_offsets[i] as usize..graph.move_offsets[i + 1] as usize;
                let allowed = graph.moves_of(i, s.direction);
                let mut max = f32::NEG_INFINITY;
                for mv in all.clone() {
                    let out = &mut piece[mv - base];
                    if allowed.contains(&mv) {
                        let e = graph.move_edge[mv] as usize;
                        let j = graph.move_target[mv] as usize;
                        let logit = (s.bias[mv]
                            + s.alpha_weight * input.weight[e].abs()
                            + s.alpha_activity * input.activity[j]
                            + s.alpha_density * dens[j]
                            + s.alpha_pathway * input.pathway[e])
                            * s.inv_temperature;
                        *out = logit;
                        max = max.max(logit);
                    } else {
                        *out = 0.0;
                    }
                }
                if allowed.is_empty() {
                    continue;
                }
                let mut sum = 0.0f32;
                for mv in allowed.clone() {
                    let out = &mut piece[mv - base];
                    *out = (*out - max).exp();
                    sum += *out;
                }
                let inv = 1.0 / sum;
                for mv in allowed {
                    piece[mv - base] *= inv;
                }
            }
        },
    );
}

/// Picks a move in `range` with probabilities `p` by inversion of the uniform `u`. The last
/// allowed move takes any rounding remainder.
#[inline(always)]
pub fn pick_move(p: &[f32], range: std::ops::Range<usize>, u: f32) -> usize {
    let mut acc = 0.0f32;
    let last = range.end - 1;
    for mv in range {
        acc += p[mv];
        if u < acc {
            return mv;
        }
    }
    last
}
