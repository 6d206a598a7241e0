//! The continuous density relaxation (MODEL §4): per species, the expected number of free
//! vesicles ρ_i and their expected payload mass C_i, advanced by the linear map of the particle
//! process over the fields of the step. Twin of `shaders/density.wgsl` (a gather over the
//! in-moves of each node).
//!
//! ρ'_i = S·[(1 − p_abs)D_i ρ_i + (1 − D_i)(1 − H_i)ρ_i + Σ_j (1 − D_j)H_j P(j → i)ρ_j] + B_i.
//! Docking that depends on content is evaluated at the mean payload C_i/ρ_i (the closure).

use rayon::prelude::*;

use crate::compile::{CompiledMemory, CompiledRelease, CompiledSpecies, channel};
use crate::cpu::emit::{EmitInputs, emission_payload, expected_births};
use crate::graph::Graph;
use crate::modulation::Releases;
use crate::species::mat_vec;

/// The density state: `[κ · n + i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct DensityState {
    /// ρ, expected free vesicles.
    pub rho: Vec<f32>,
    /// C, expected payload mass.
    pub mass: Vec<[f32; 4]>,
}

impl DensityState {
    /// All zeros.
    pub fn zeros(n: usize, species: usize) -> Self {
        Self { rho: vec![0.0; n * species], mass: vec![[0.0; 4]; n * species] }
    }
}

/// Expected event counts of one density step, per species.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DensityEvents {
    /// Expected emissions.
    pub emitted: Vec<f64>,
    /// Expected cascade births.
    pub cascade_births: Vec<f64>,
    /// Expected dockings.
    pub docked: Vec<f64>,
    /// Expected absorptions.
    pub absorbed: Vec<f64>,
    /// Expected deaths by decay.
    pub died: Vec<f64>,
    /// Expected dockings per species and node, `[κ · n + i]`.
    pub docks: Vec<f32>,
    /// Expected hops per edge.
    pub edge_flux: Vec<f32>,
}

/// Inputs of one density step.
pub struct DensityInputs<'a> {
    /// The graph.
    pub graph: &'a Graph,
    /// Compiled species.
    pub species: &'a [CompiledSpecies],
    /// Kernel probabilities per species and move.
    pub kernel: &'a [Vec<f32>],
    /// Unit receptors.
    pub receptors: &'a [[f32; 4]],
    /// dt.
    pub dt: f32,
    /// Emission inputs.
    pub emit: EmitInputs<'a>,
}

/// Per-node coefficients of one species for the step.
struct Coefficients {
    /// S·[(1 − p_abs)D + (1 − D)(1 − H)].
    stay: Vec<f32>,
    /// S·(1 − D)·H (times P per move).
    leave: Vec<f32>,
    /// S·D.
    dock: Vec<f32>,
}

fn coefficients(
    s: &CompiledSpecies,
    k: usize,
    input: &DensityInputs,
    state: &DensityState,
) -> Coefficients {
    let g = input.graph;
    let n = g.n();
    let (mut stay, mut leave, mut dock) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    stay.par_iter_mut().zip(leave.par_iter_mut()).zip(dock.par_iter_mut()).enumerate().for_each(
        |(i, ((st, le), dk))| {
            let rho = state.rho[k * n + i];
            let mean = if rho > 0.0 {
                let m = state.mass[k * n + i];
                [m[0] / rho, m[1] / rho, m[2] / rho, m[3] / rho]
            } else {
                [0.0; 4]
            };
            let d = s.dock_p(mean, input.receptors[i]);
            let h = if g.moves_of(i, s.direction).is_empty() { 0.0 } else { s.hop };
            let surv = s.survival;
            *st = surv * ((1.0 - s.absorption) * d + (1.0 - d) * (1.0 - h));
            *le = surv * (1.0 - d) * h;
            *dk = surv * d;
        },
    );
    Coefficients { stay, leave, dock }
}

/// Advances `state` by one step; returns the expected releases (for the modulation) and events.
pub fn step(state: &mut DensityState, input: &DensityInputs) -> (Releases, DensityEvents) {
    let g = input.graph;
    let n = g.n();
    let ns = input.species.len();
    let coeffs: Vec<Coefficients> =
        input.species.iter().enumerate().map(|(k, s)| coefficients(s, k, input, state)).collect();
    let mut releases = Releases::zeros(n, ns);
    let mut ev = DensityEvents {
        emitted: vec![0.0; ns],
        cascade_births: vec![0.0; ns],
        docked: vec![0.0; ns],
        absorbed: vec![0.0; ns],
        died: vec![0.0; ns],
        docks: vec![0.0; ns * n],
        edge_flux: vec![0.0; g.m()],
    };
    // Births (emission and cascades), from the state at the start of the step.
    let mut birth_rho = vec![0.0f32; ns * n];
    let mut birth_mass = vec![[0.0f32; 4]; ns * n];
    for (k, s) in input.species.iter().enumerate() {
        if s.rate > 0.0 {
            for &i in &s.sources {
                let i = i as usize;
                let b = expected_births(k, s, i, n, input.dt, &input.emit);
                let c = emission_payload(s, i, &input.emit);
                birth_rho[k * n + i] += b;
                for d in 0..4 {
                    birth_mass[k * n + i][d] += b * c[d];
                }
                ev.emitted[k] += b as f64;
            }
        }
    }
    for (k, s) in input.species.iter().enumerate() {
        let co = &coeffs[k];
        for i in 0..n {
            let rho = state.rho[k * n + i];
            let m = state.mass[k * n + i];
            let docked = co.dock[i] * rho;
            if docked <= 0.0 {
                continue;
            }
            let dm = [co.dock[i] * m[0], co.dock[i] * m[1], co.dock[i] * m[2], co.dock[i] * m[3]];
            ev.docked[k] += docked as f64;
            ev.absorbed[k] += (docked * s.absorption) as f64;
            ev.docks[k * n + i] = docked;
            let r = releases.node_mut(i);
            for op in &s.releases {
                match op {
                    CompiledRelease::Add { channel, amount } => r[*channel] += amount.of(dm) as f64,
                    CompiledRelease::Memory(CompiledMemory::Running) => {
                        for d in 0..4 {
                            r[channel::MEM_RUN_SUM + d] += dm[d] as f64;
                        }
                        r[channel::MEM_RUN_COUNT] += docked as f64;
                    }
                    CompiledRelease::Memory(CompiledMemory::Fixed { eps, log_retain }) => {
                        let eps = *eps as f64;
                        for d in 0..4 {
                            r[channel::MEM_FIX_SUM + d] += eps * dm[d] as f64;
                        }
                        r[channel::MEM_FIX_WEIGHT] += eps * docked as f64;
                        r[channel::MEM_FIX_LOG_RETAIN] += docked as f64 * log_retain;
                    }
                    CompiledRelease::Cascade { species, chi, transform } => {
                        let child = mat_vec(transform, dm);
                        birth_rho[species * n + i] += chi * docked;
                        for d in 0..4 {
                            birth_mass[species * n + i][d] += chi * child[d];
                        }
                        ev.cascade_births[*species] += (chi * docked) as f64;
                    }
                }
            }
        }
        let alive: f64 = state.rho[k * n..(k + 1) * n].iter().map(|&r| r as f64).sum();
        ev.died[k] = alive * (1.0 - s.survival as f64);
    }
    // Transport: gather over in-moves.
    let mut new = DensityState::zeros(n, ns);
    for (k, s) in input.species.iter().enumerate() {
        let co = &coeffs[k];
        let p = &input.kernel[k];
        let rho = &state.rho[k * n..(k + 1) * n];
        let mass = &state.mass[k * n..(k + 1) * n];
        let brho = &birth_rho[k * n..(k + 1) * n];
        let bmass = &birth_mass[k * n..(k + 1) * n];
        let fade = s.fade;
        new.rho[k * n..(k + 1) * n]
            .par_iter_mut()
            .zip(new.mass[k * n..(k + 1) * n].par_iter_mut())
            .enumerate()
            .for_each(|(i, (r_out, m_out))| {
                let mut r = co.stay[i] * rho[i];
                let mut m = [0.0f32; 4];
                for d in 0..4 {
                    m[d] = co.stay[i] * mass[i][d];
                }
                let moves =
                    &g.in_moves[g.in_move_offsets[i] as usize..g.in_move_offsets[i + 1] as usize];
                for &mv in moves {
                    let mv = mv as usize;
                    let pr = p[mv];
                    if pr == 0.0 {
                        continue;
                    }
                    let j = g.move_source(mv);
                    let f = co.leave[j] * pr;
                    r += f * rho[j];
                    for d in 0..4 {
                        m[d] += f * mass[j][d];
                    }
                }
                *r_out = r + brho[i];
                for d in 0..4 {
                    m_out[d] = fade * m[d] + bmass[i][d];
                }
            });
        for (mv, &pr) in p.iter().enumerate() {
            if pr > 0.0 {
                let j = g.move_source(mv);
                ev.edge_flux[g.move_edge[mv] as usize] += co.leave[j] * pr * rho[j];
            }
        }
    }
    *state = new;
    (releases, ev)
}
