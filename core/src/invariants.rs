//! `World::check()`: the invariants every step must keep. Tests call it after each step; the
//! lab calls it on demand and shows what failed.

use crate::world::{Population, World};

impl World {
    /// Checks every invariant; returns the list of violations (empty when all hold).
    pub fn check(&self) -> Vec<String> {
        let mut bad = Vec::new();
        let n = self.n();
        let ns = self.species.len();
        let mut finite = |name: &str, v: &[f32]| {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                bad.push(format!("{name}[{i}] is not finite ({})", v[i]));
            }
        };
        let m = &self.modulation;
        finite("gain", &m.gain);
        finite("shift", &m.shift);
        finite("lr_mult", &m.lr_mult);
        finite("threshold", &m.threshold);
        finite("emission_gain", &m.emission_gain);
        finite("weight_delta", &m.weight_delta);
        finite("weight", &self.weight);
        finite("pathway", &self.pathway);
        finite("counts", &self.counts);
        let memory: Vec<f32> = m.memory.iter().flatten().copied().collect();
        finite("memory", &memory);
        if m.lr_mult.iter().chain(&m.emission_gain).any(|&x| x < 0.0) {
            bad.push("a multiplicative modulation went negative".into());
        }
        if self.pathway.iter().any(|&p| p < 0.0) {
            bad.push("a pathway trace is negative".into());
        }
        if self.counts.len() != n * ns {
            bad.push(format!("counts has length {} (expected {})", self.counts.len(), n * ns));
        }
        match &self.population {
            Population::Particles(p) => {
                let len = p.len();
                let lens = [
                    p.species.len(),
                    p.loc.len(),
                    p.prev.len(),
                    p.hops.len(),
                    p.integ.len(),
                    p.payload.len(),
                    p.alive.len(),
                    p.parent.len(),
                    p.root.len(),
                    p.generation.len(),
                    p.cascade.len(),
                    p.born.len(),
                ];
                if lens.iter().any(|&l| l != len) {
                    bad.push(format!("pool arrays disagree in length: {len} vs {lens:?}"));
                    return bad;
                }
                let live = p.alive.iter().filter(|&&a| a).count();
                if live != p.live {
                    bad.push(format!("pool.live = {} but {live} slots are alive", p.live));
                }
                if live > p.capacity {
                    bad.push(format!("{live} vesicles alive, over the capacity {}", p.capacity));
                }
                if p.id.windows(2).any(|w| w[0] >= w[1]) {
                    bad.push("ids are not strictly increasing by slot".into());
                }
                if p.id.last().is_some_and(|&id| id >= p.next_id) {
                    bad.push("an id is not below next_id".into());
                }
                let mut counts = vec![0u32; n * ns];
                for s in 0..len {
                    if !p.alive[s] {
                        continue;
                    }
                    let (k, i) = (p.species[s] as usize, p.loc[s] as usize);
                    if k >= ns || i >= n {
                        bad.push(format!("vesicle {} has species {k} at node {i}", p.id[s]));
                        continue;
                    }
                    counts[k * n + i] += 1;
                    if p.payload[s].iter().any(|x| !x.is_finite()) {
                        bad.push(format!("vesicle {} has a non-finite payload", p.id[s]));
                    }
                    let parent = p.parent[s];
                    let orphan = parent == crate::vesicles::NONE;
                    if orphan != (p.generation[s] == 0) {
                        bad.push(format!("vesicle {}: parent and generation disagree", p.id[s]));
                    }
                    if !orphan && (parent >= p.id[s] || p.root[s] > parent) {
                        bad.push(format!("vesicle {}: lineage not older than it", p.id[s]));
                    }
                }
                if counts.iter().zip(&self.counts).any(|(&a, &b)| a as f32 != b) {
                    bad.push("per-node counts disagree with the population".into());
                }
            }
            Population::Density(d) => {
                if d.rho.iter().any(|&r| !r.is_finite() || r < -1e-6) {
                    bad.push("a density is negative or not finite".into());
                }
                if d.mass.iter().flatten().any(|x| !x.is_finite()) {
                    bad.push("a payload mass is not finite".into());
                }
            }
        }
        bad
    }
}
