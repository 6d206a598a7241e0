//! Twin mode (MODEL §4): the particle process and its mean field run from one preset and seed,
//! side by side, and their per-node disagreement is measured.

use std::path::Path;

use crate::graph::edge_file::Folders;
use crate::preset::{Mode, Preset, PresetError};
use crate::world::World;

/// The per-node disagreement between particles and density for one species.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discrepancy {
    /// N_i − ρ_i per node.
    pub diff: Vec<f32>,
    /// (N_i − ρ_i)/√ρ_i per node (0 where ρ_i < 1e-9): about N(0, 1) where the mean field is
    /// exact and the counts are Poisson-like.
    pub z: Vec<f32>,
    /// Root mean square of `z` over nodes.
    pub rms_z: f64,
    /// Σ|N_i − ρ_i| / Σρ_i.
    pub relative_l1: f64,
    /// Total particles and total density.
    pub totals: (f64, f64),
}

/// A particle world and a density world stepped in lockstep.
#[derive(Debug)]
pub struct Twin {
    /// The discrete population.
    pub particles: World,
    /// The mean field.
    pub density: World,
}

impl Twin {
    /// Builds both worlds from one preset.
    pub fn new(preset: Preset, base_dir: &Path) -> Result<Self, PresetError> {
        Self::new_in(preset, &Folders::new(base_dir))
    }

    /// [`Twin::new`], with files named in the preset read only from the allowed `folders`.
    pub fn new_in(preset: Preset, folders: &Folders) -> Result<Self, PresetError> {
        Ok(Self {
            particles: World::new_in(preset.clone(), Mode::Particle, folders)?,
            density: World::new_in(preset, Mode::Density, folders)?,
        })
    }

    /// Advances both by `steps`.
    pub fn advance(&mut self, steps: u64) {
        for _ in 0..steps {
            rayon::join(|| self.particles.step_once(), || self.density.step_once());
        }
    }

    /// The disagreement for species `k`.
    pub fn discrepancy(&self, k: usize) -> Discrepancy {
        discrepancy(&self.particles, &self.density, k)
    }
}

/// The disagreement of species `k` between a particle world and a density world.
pub fn discrepancy(particles: &World, density: &World, k: usize) -> Discrepancy {
    let n = particles.n();
    let counts = &particles.counts[k * n..(k + 1) * n];
    let rho = &density.counts[k * n..(k + 1) * n];
    let mut d = Discrepancy::default();
    let (mut sum_z2, mut sum_abs, mut sum_rho, mut sum_n) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (&c, &r) in counts.iter().zip(rho) {
        let diff = c - r;
        let z = if r > 1e-9 { diff / r.sqrt() } else { 0.0 };
        d.diff.push(diff);
        d.z.push(z);
        sum_z2 += (z as f64) * (z as f64);
        sum_abs += (diff as f64).abs();
        sum_rho += r as f64;
        sum_n += c as f64;
    }
    d.rms_z = (sum_z2 / n.max(1) as f64).sqrt();
    d.relative_l1 = if sum_rho > 0.0 { sum_abs / sum_rho } else { 0.0 };
    d.totals = (sum_n, sum_rho);
    d
}
