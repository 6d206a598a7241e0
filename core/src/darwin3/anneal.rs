//! Local search on a placement ([`super::placement`]): a repair pass for connections out of
//! reach, and simulated-annealing refinement.
//!
//! Repair: each chunk with a connection out of reach moves to (or swaps with the chunk on) the
//! core that removes the most out-of-reach connections of the chunks moved, the cheaper one on
//! ties; chunks are visited in index order, for up to [`REPAIR_PASSES`] passes or until a pass
//! changes nothing.
//!
//! Annealing:
//! Each iteration draws a chunk placed on the chip and a neuron core. If the core is free the
//! chunk moves there; if another chunk sits there the two swap. A move that puts a chunk needing a
//! big core on a little one is skipped, and so is one that raises the number of out-of-reach
//! connections of the chunks it moves. Otherwise the Metropolis rule accepts it: always when the
//! cost (Σ traffic × hops) does not grow, with probability e^(−Δ/T) when it grows by Δ. The
//! temperature falls geometrically from `start_temperature` × the mean traffic of a connection to
//! a thousandth of that. The best placement seen is kept, so refinement never raises the cost.
//!
//! The draws of iteration i are `Rng::new(seed).words(0, i, STREAM_ANNEAL)`: the result is a
//! function of the seed, the chunks and the traffic only. Host inputs never move.

use super::geometry::{CoreCoord, GRID, NEURON_CORES};
use super::placement::{AnnealSettings, Problem, within_reach};
use crate::rng::{self, Rng};

/// The random stream of annealing draws.
const STREAM_ANNEAL: u32 = rng::stream::BUILD + 0xd3;
/// End temperature as a fraction of the start temperature.
const COOLING: f64 = 1.0e-3;

/// Most passes of the repair.
pub(super) const REPAIR_PASSES: usize = 8;

/// Moves chunks so that fewer connections are out of reach (module doc).
pub(super) fn repair(problem: &Problem<'_>, coords: &mut [CoreCoord]) {
    let movable: Vec<usize> = (0..coords.len()).filter(|&i| !problem.chunks[i].input).collect();
    let cores: Vec<CoreCoord> = CoreCoord::neuron_cores().collect();
    let mut occupant: Vec<Option<usize>> = vec![None; (GRID * GRID) as usize];
    for &i in &movable {
        occupant[coords[i].index()] = Some(i);
    }
    for _ in 0..REPAIR_PASSES {
        let mut changed = false;
        for &a in &movable {
            let from = coords[a];
            let broken = problem.adjacency[a].iter().any(|&(j, _)| !within_reach(from, coords[j]));
            if !broken {
                continue;
            }
            let mut best: Option<(i64, f64, Move)> = None;
            for &target in &cores {
                if target == from || !problem.fits(a, target) {
                    continue;
                }
                let b = occupant[target.index()];
                if b.is_some_and(|b| !problem.fits(b, from)) {
                    continue;
                }
                let moved = Move { a, a_to: target, b, b_to: from };
                let (cost_before, broken_before) = moved.local_cost(problem, coords, false);
                let (cost_after, broken_after) = moved.local_cost(problem, coords, true);
                let fixed = i64::from(broken_after) - i64::from(broken_before);
                let delta = cost_after - cost_before;
                let better = match &best {
                    None => fixed < 0,
                    Some((f, d, _)) => fixed < *f || (fixed == *f && delta < *d),
                };
                if better {
                    best = Some((fixed, delta, moved));
                }
            }
            if let Some((_, _, moved)) = best {
                moved.apply(coords, &mut occupant);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Refines `coords` in place (only chunks placed on the chip move).
pub(super) fn refine(problem: &Problem<'_>, coords: &mut [CoreCoord], settings: &AnnealSettings) {
    let movable: Vec<usize> = (0..coords.len()).filter(|&i| !problem.chunks[i].input).collect();
    let links: usize = problem.adjacency.iter().map(Vec::len).sum();
    let total_rate: f64 = problem.adjacency.iter().flatten().map(|&(_, r)| r).sum();
    if movable.is_empty() || links == 0 || total_rate <= 0.0 || settings.iterations == 0 {
        return;
    }
    let cores: Vec<CoreCoord> = CoreCoord::neuron_cores().collect();
    let mut occupant: Vec<Option<usize>> = vec![None; (GRID * GRID) as usize];
    for &i in &movable {
        occupant[coords[i].index()] = Some(i);
    }
    let rng = Rng::new(settings.seed);
    let t_start = settings.start_temperature.max(0.0) * total_rate / links as f64;
    let mut current = 0.0f64;
    let mut best = 0.0f64;
    let mut best_coords = coords.to_vec();
    for it in 0..settings.iterations {
        let w = rng.words(0, it, STREAM_ANNEAL);
        let a = movable[pick(w[0], movable.len())];
        let target = cores[pick(w[1], NEURON_CORES)];
        let from = coords[a];
        if target == from || !problem.fits(a, target) {
            continue;
        }
        let b = occupant[target.index()];
        if b.is_some_and(|b| !problem.fits(b, from)) {
            continue;
        }
        let moved = Move { a, a_to: target, b, b_to: from };
        let (before, broken_before) = moved.local_cost(problem, coords, false);
        let (after, broken_after) = moved.local_cost(problem, coords, true);
        if broken_after > broken_before {
            continue;
        }
        let delta = after - before;
        let progress = it as f64 / settings.iterations as f64;
        let temperature = t_start * COOLING.powf(progress);
        let accept = delta <= 0.0
            || (temperature > 0.0 && rng::unit_f64(w[2], w[3]) < (-delta / temperature).exp());
        if !accept {
            continue;
        }
        moved.apply(coords, &mut occupant);
        current += delta;
        if current < best {
            best = current;
            best_coords.copy_from_slice(coords);
        }
    }
    coords.copy_from_slice(&best_coords);
}

/// A uniform index in `0..n` from a random word.
fn pick(word: u32, n: usize) -> usize {
    ((u64::from(word) * n as u64) >> 32) as usize
}

/// Chunk `a` to `a_to`, and chunk `b` (if any) to `b_to`, a's old core.
struct Move {
    a: usize,
    a_to: CoreCoord,
    b: Option<usize>,
    b_to: CoreCoord,
}

impl Move {
    /// Carries the move out on the coordinates and the core occupancy.
    fn apply(&self, coords: &mut [CoreCoord], occupant: &mut [Option<usize>]) {
        coords[self.a] = self.a_to;
        occupant[self.a_to.index()] = Some(self.a);
        occupant[self.b_to.index()] = self.b;
        if let Some(b) = self.b {
            coords[b] = self.b_to;
        }
    }

    /// The cost and the out-of-reach count of the connections touching the moved chunks, before
    /// (`applied` false) or after the move. A connection between a and b counts twice on both
    /// sides, with the same length, so it cancels in the difference.
    fn local_cost(&self, problem: &Problem<'_>, coords: &[CoreCoord], applied: bool) -> (f64, u32) {
        let at = |i: usize| {
            if applied && i == self.a {
                self.a_to
            } else if applied && Some(i) == self.b {
                self.b_to
            } else {
                coords[i]
            }
        };
        let mut cost = 0.0;
        let mut broken = 0;
        for i in std::iter::once(self.a).chain(self.b) {
            let here = at(i);
            for &(j, rate) in &problem.adjacency[i] {
                let there = at(j);
                cost += rate * f64::from(here.hops_to(there));
                broken += u32::from(!within_reach(here, there));
            }
        }
        (cost, broken)
    }
}
