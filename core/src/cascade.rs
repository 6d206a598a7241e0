//! Cascade bookkeeping (MODEL §6): the tree of vesicles descending from one root vesicle
//! emitted by a non-cascade trigger. Roots of species that can cascade get a tracked slot; the
//! slot counts live members, total size and depth, and is closed (recorded) when its last
//! member dies.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::vesicles::NO_CASCADE;

/// A finished cascade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CascadeRecord {
    /// Sequential cascade number (in order of root birth).
    pub number: u64,
    /// Stable id of the root vesicle.
    pub root: u64,
    /// Species of the root.
    pub species: u16,
    /// The node the root was born at.
    pub root_node: u32,
    /// The step at whose end the root was born.
    pub start: u64,
    /// Vesicles in the tree, the root included.
    pub size: u64,
    /// Largest generation reached (0: the root alone).
    pub depth: u32,
    /// Steps from the root's birth (at the end of a step) to the step in which its last member
    /// died: at least 1.
    pub duration: u64,
}

/// A cascade still open: its record so far (the duration up to now) and its live members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveCascade {
    /// What it has been so far.
    pub record: CascadeRecord,
    /// Members alive now.
    pub alive: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Active {
    number: u64,
    root: u64,
    species: u16,
    node: u32,
    size: u64,
    depth: u32,
    start: u64,
}

impl Active {
    /// Its record as of the end of step `now` (the duration up to then).
    fn record(&self, now: u64) -> CascadeRecord {
        CascadeRecord {
            number: self.number,
            root: self.root,
            species: self.species,
            root_node: self.node,
            start: self.start,
            size: self.size,
            depth: self.depth,
            duration: now.saturating_sub(self.start),
        }
    }
}

/// Tracks open cascades and keeps the finished ones.
#[derive(Debug, Default)]
pub struct CascadeTracker {
    active: Vec<Option<Active>>,
    /// Live members per slot (the vesicle stage decrements these).
    pub alive: Vec<AtomicU32>,
    free: Vec<u32>,
    next_number: u64,
    /// Finished cascades in order of completion (at most `keep`, oldest dropped first).
    pub finished: std::collections::VecDeque<CascadeRecord>,
    /// Finished cascades ever (including those no longer kept).
    pub finished_total: u64,
    /// Most finished records kept.
    pub keep: usize,
}

impl Clone for CascadeTracker {
    fn clone(&self) -> Self {
        Self {
            active: self.active.clone(),
            alive: self.alive.iter().map(|a| AtomicU32::new(a.load(Ordering::Relaxed))).collect(),
            free: self.free.clone(),
            next_number: self.next_number,
            finished: self.finished.clone(),
            finished_total: self.finished_total,
            keep: self.keep,
        }
    }
}

impl CascadeTracker {
    /// A tracker keeping up to `keep` finished records.
    pub fn new(keep: usize) -> Self {
        Self { keep, ..Self::default() }
    }

    /// Opens a cascade for a root born at `node` at the end of step `step`; returns its slot.
    pub fn open(&mut self, root: u64, species: u16, node: u32, step: u64) -> u32 {
        let a = Active {
            number: self.next_number,
            root,
            species,
            node,
            size: 1,
            depth: 0,
            start: step,
        };
        self.next_number += 1;
        match self.free.pop() {
            Some(slot) => {
                self.active[slot as usize] = Some(a);
                *self.alive[slot as usize].get_mut() = 1;
                slot
            }
            None => {
                self.active.push(Some(a));
                self.alive.push(AtomicU32::new(1));
                (self.active.len() - 1) as u32
            }
        }
    }

    /// Records a child of `generation` joining the cascade in `slot`.
    pub fn add_child(&mut self, slot: u32, generation: u32) {
        if slot == NO_CASCADE {
            return;
        }
        if let Some(a) = self.active[slot as usize].as_mut() {
            a.size += 1;
            a.depth = a.depth.max(generation);
            self.alive[slot as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Takes the counts of `slot` kept on the GPU: `children` children joined it this step, the
    /// deepest of generation `deepest`, and it has `alive` live members now.
    pub fn merge_counted(&mut self, slot: u32, children: u64, deepest: u32, alive: u32) {
        let Some(Some(a)) = self.active.get_mut(slot as usize) else {
            return;
        };
        if children > 0 {
            a.size += children;
            a.depth = a.depth.max(deepest);
        }
        *self.alive[slot as usize].get_mut() = alive;
    }

    /// Tracked slots (open or free).
    pub fn slots(&self) -> usize {
        self.active.len()
    }

    /// Closes every cascade with no live member after `step`.
    pub fn sweep(&mut self, step: u64) {
        for slot in 0..self.active.len() {
            if *self.alive[slot].get_mut() != 0 {
                continue;
            }
            if let Some(a) = self.active[slot].take() {
                self.finished_total += 1;
                if self.keep > 0 {
                    if self.finished.len() == self.keep {
                        self.finished.pop_front();
                    }
                    self.finished.push_back(a.record(step));
                }
                self.free.push(slot as u32);
            }
        }
    }

    /// Cascades still open.
    pub fn open_count(&self) -> usize {
        self.active.iter().filter(|a| a.is_some()).count()
    }

    /// The cascades still open after step `now`, in slot order, with their live members.
    pub fn live(&self, now: u64) -> Vec<LiveCascade> {
        self.active
            .iter()
            .zip(&self.alive)
            .filter_map(|(a, alive)| {
                a.map(|a| LiveCascade {
                    record: a.record(now),
                    alive: alive.load(Ordering::Relaxed),
                })
            })
            .collect()
    }
}

/// The cascade law of MODEL §6 for one species: how often a vesicle docks in its life and the
/// branching ratio m = χ·E of a `Cascade` release with mean χ children per docking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BranchingLaw {
    /// Per-step survival S = e^(−dt/L).
    pub survival: f64,
    /// Per-step docking probability D = 1 − e^(−k·dt), with k = k0/2 (docking gain γ = 0).
    pub docking: f64,
    /// Mean dockings in a life, E = S·D / (1 − S·(1 − D·p_abs)).
    pub dockings: f64,
    /// The branching ratio m = χ·E.
    pub m: f64,
}

/// The cascade law of `species` with χ children per docking at time step `dt` (s), when its
/// rates are uniform: an exponential lifetime and a docking rate that does not depend on the
/// payload (docking gain γ = 0). `Err` says why the law does not apply otherwise (then only
/// a measured ratio is meaningful).
pub fn branching_law(
    species: &crate::species::Species,
    chi: f32,
    dt: f32,
) -> Result<BranchingLaw, &'static str> {
    use crate::species::LifetimeLaw;
    if species.lifetime.law != LifetimeLaw::Exponential {
        return Err("a fixed lifetime: survival is not the same every step");
    }
    if species.docking.gain != 0.0 {
        return Err("docking depends on the payload (docking gain γ ≠ 0)");
    }
    let dt = dt as f64;
    let survival = (-dt / species.lifetime.mean as f64).exp();
    let k = species.docking.rate as f64 / 2.0;
    let docking = -(-k * dt).exp_m1();
    let p_abs = species.absorption as f64;
    let dockings = survival * docking / (1.0 - survival * (1.0 - docking * p_abs));
    Ok(BranchingLaw { survival, docking, dockings, m: chi as f64 * dockings })
}

/// Sizes and depths of `trees` cascades of the branching process that MODEL §6 describes for
/// one species (each step a vesicle survives with S, then docks with D and is absorbed after a
/// docking with p_abs; each docking has Poisson(χ) children of the same law), drawn with a
/// fixed seed: the prediction the measured distributions are compared with. A tree is cut at
/// `cap` members (its size is then `cap`), and the draw stops early, with fewer trees, once
/// [`SIMULATED_MEMBERS`] members were drawn in all (a supercritical law would otherwise take
/// `trees × cap`). Deterministic for the same arguments.
pub fn simulate_trees(
    law: &BranchingLaw,
    absorption: f64,
    chi: f64,
    trees: u64,
    cap: u64,
) -> Vec<(u64, u32)> {
    let mut budget = SIMULATED_MEMBERS;
    use crate::rng::{Rng, UniformSeq, poisson};
    let rng = Rng::new(0x6361_7363_6164_6573);
    let mut out = Vec::with_capacity(trees as usize);
    for t in 0..trees {
        let mut seq = UniformSeq::new(&rng, 0, t, 0);
        // Members still to live: their generations.
        let mut pending: Vec<u32> = vec![0];
        let (mut size, mut depth) = (1u64, 0u32);
        while let Some(generation) = pending.pop() {
            loop {
                if seq.next_f64() >= law.survival {
                    break;
                }
                if seq.next_f64() < law.docking {
                    let children = poisson(chi, &mut seq).min(cap.saturating_sub(size));
                    size += children;
                    if children > 0 {
                        depth = depth.max(generation + 1);
                        pending.extend(std::iter::repeat_n(generation + 1, children as usize));
                    }
                    if seq.next_f64() < absorption {
                        break;
                    }
                }
            }
            if size >= cap || size >= budget {
                break;
            }
        }
        out.push((size, depth));
        budget = budget.saturating_sub(size);
        if budget == 0 {
            break;
        }
    }
    out
}

/// Most members [`simulate_trees`] draws in all.
pub const SIMULATED_MEMBERS: u64 = 5_000_000;

/// The complementary CDF of `values` as points (x, P(X ≥ x)) at each distinct value, for a
/// log-log plot.
pub fn ccdf(values: &mut [u64]) -> Vec<(u64, f64)> {
    values.sort_unstable();
    let n = values.len() as f64;
    let mut out = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let v = values[i];
        out.push((v, (values.len() - i) as f64 / n));
        while i < values.len() && values[i] == v {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod law_tests {
    use super::*;

    /// The numbers `cascade_critical`'s description works out: L = 2 s, k0 = 1 /s (k = 0.5),
    /// p_abs = 0.5, dt = 0.1 s, χ = 1.53576: S = 0.95123, D = 0.04877, E = 0.64463, m = 0.99.
    #[test]
    fn cascade_critical_is_just_below_one() {
        let preset = crate::preset::from_str(
            include_str!("../../presets/cascade_critical.ron"),
            "cascade_critical.ron",
        )
        .expect("the shipped preset loads");
        let s = &preset.species[0];
        let law = branching_law(s, 1.53576, preset.dt).expect("uniform rates");
        assert!((law.survival - 0.95123).abs() < 1e-5, "{law:?}");
        assert!((law.docking - 0.04877).abs() < 1e-5, "{law:?}");
        assert!((law.dockings - 0.64463).abs() < 1e-5, "{law:?}");
        assert!((law.m - 0.99).abs() < 1e-4, "{law:?}");
        // The simulated process has the law's mean size 1/(1 − m) = 100. 20,000 trees; the
        // size is heavy-tailed (its standard deviation √(σ²/(1 − m)³) is over a thousand), so
        // the test allows 5 standard errors of the sample's own spread.
        let trees = simulate_trees(&law, s.absorption as f64, 1.53576, 20_000, 1_000_000);
        let n = trees.len() as f64;
        let mean = trees.iter().map(|t| t.0 as f64).sum::<f64>() / n;
        let var = trees.iter().map(|t| (t.0 as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (var / n).sqrt();
        assert!((mean - 100.0).abs() < 5.0 * se, "mean size {mean} ± {se}");
        // A supercritical law stops at the budget instead of drawing trees × cap members.
        let wild = BranchingLaw { m: 50.0, ..law };
        let many = simulate_trees(&wild, 0.0, 100.0, 20_000, 1_000_000);
        let drawn: u64 = many.iter().map(|t| t.0).sum();
        assert!(drawn <= SIMULATED_MEMBERS + 1_000_000 && many.len() < 20_000, "{drawn}");
        let mut sizes: Vec<u64> = trees.iter().map(|t| t.0).collect();
        let c = ccdf(&mut sizes);
        assert_eq!(c[0], (1, 1.0), "every tree has at least its root");
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1), "decreasing");
        let mut fixed = s.clone();
        fixed.lifetime.law = crate::species::LifetimeLaw::Fixed;
        assert!(branching_law(&fixed, 1.0, preset.dt).is_err());
    }
}
