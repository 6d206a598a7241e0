//! The continuous density relaxation (MODEL §4): per species, the expected number of free
//! vesicles ρ_i and their expected payload mass C_i, advanced by the linear map of the particle
//! process over the fields of the step. Twin of `shaders/density.wgsl` (a gather over the
//! in-moves of each node).
//!
//! ρ'_i = S·[(1 − p_abs)D_i ρ_i + (1 − D_i)(1 − H_i)ρ_i + Σ_j (1 − D_j)H_j P(j → i)ρ_j] + B_i.
//! Docking that depends on content is evaluated at the mean payload C_i/ρ_i (the closure).
//!
//! Every pass is parallel over nodes (or edges) and each output element is computed by one
//! task from a fixed expression, so the result does not depend on the thread count; the few
//! totals are summed over fixed-size blocks in order.

use rayon::prelude::*;

use crate::compile::{CompiledMemory, CompiledRelease, CompiledSpecies, channel};
use crate::cpu::emit::{EmitInputs, emission_payload, expected_births};
use crate::graph::Graph;
use crate::modulation::Releases;
use crate::species::mat_vec;
use crate::world::SpeciesEvents;

/// The density state, `[κ · n + i]`, with the step's scratch buffers.
#[derive(Clone, Debug, Default)]
pub struct DensityState {
    /// ρ, expected free vesicles.
    pub rho: Vec<f32>,
    /// C, expected payload mass.
    pub mass: Vec<[f32; 4]>,
    scratch: Scratch,
}

impl PartialEq for DensityState {
    fn eq(&self, other: &Self) -> bool {
        self.rho == other.rho && self.mass == other.mass
    }
}

/// Buffers reused from step to step (their contents do not outlive a step).
#[derive(Clone, Debug, Default)]
struct Scratch {
    /// S·[(1 − p_abs)D + (1 − D)(1 − H)], `[κ · n + i]`.
    stay: Vec<f32>,
    /// S·(1 − D)·H.
    leave: Vec<f32>,
    /// S·D.
    dock: Vec<f32>,
    /// Births per node, node-major `[i · S + κ]`: emission and cascades.
    birth_rho: Vec<f32>,
    /// Their payload mass.
    birth_mass: Vec<[f32; 4]>,
    /// The part of `birth_rho` from cascades.
    cascade_rho: Vec<f32>,
    /// The next state.
    next_rho: Vec<f32>,
    /// The next payload mass.
    next_mass: Vec<[f32; 4]>,
}

impl DensityState {
    /// All zeros.
    pub fn zeros(n: usize, species: usize) -> Self {
        Self {
            rho: vec![0.0; n * species],
            mass: vec![[0.0; 4]; n * species],
            scratch: Scratch::default(),
        }
    }
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

/// Where one density step writes its per-node and per-edge results (the world's buffers).
pub struct DensityOutputs<'a> {
    /// Expected releases per node and channel (overwritten).
    pub releases: &'a mut Releases,
    /// Expected dockings per species and node, `[κ · n + i]` (overwritten).
    pub docks: &'a mut [f32],
    /// Expected hops per edge (overwritten).
    pub edge_flux: &'a mut [f32],
}

/// Block size of the ordered sums.
const SUM_BLOCK: usize = 4096;

/// Σ f(x) over `xs` in f64, summed per fixed block in parallel and then in block order: the
/// same bits whatever the thread count.
fn ordered_sum<T: Sync>(xs: &[T], f: impl Fn(&T) -> f64 + Sync) -> f64 {
    let blocks: Vec<f64> =
        xs.par_chunks(SUM_BLOCK).map(|b| b.iter().map(&f).sum::<f64>()).collect();
    blocks.iter().sum()
}

/// Advances `state` by one step, writing expected releases, dockings and edge flux into `out`;
/// returns the step's expected events (nothing is ever dropped).
pub fn step(state: &mut DensityState, input: &DensityInputs, out: DensityOutputs) -> SpeciesEvents {
    let g = input.graph;
    let n = g.n();
    let ns = input.species.len();
    let DensityState { rho, mass, scratch: sc } = state;
    for v in [&mut sc.stay, &mut sc.leave, &mut sc.dock, &mut sc.next_rho] {
        v.resize(n * ns, 0.0);
    }
    sc.next_mass.resize(n * ns, [0.0; 4]);
    for v in [&mut sc.birth_rho, &mut sc.cascade_rho] {
        v.clear();
        v.resize(n * ns, 0.0);
    }
    sc.birth_mass.clear();
    sc.birth_mass.resize(n * ns, [0.0; 4]);
    let mut ev = SpeciesEvents::zeros(ns);

    // 1. Per-node coefficients and expected dockings.
    for (k, s) in input.species.iter().enumerate() {
        let range = k * n..(k + 1) * n;
        let (rho, mass) = (&rho[range.clone()], &mass[range.clone()]);
        sc.stay[range.clone()]
            .par_iter_mut()
            .zip(&mut sc.leave[range.clone()])
            .zip(&mut sc.dock[range.clone()])
            .zip(&mut out.docks[range.clone()])
            .enumerate()
            .for_each(|(i, (((st, le), dk), docks))| {
                let r = rho[i];
                let mean = if r > 0.0 { mass[i].map(|m| m / r) } else { [0.0; 4] };
                let d = s.dock_p(mean, input.receptors[i]);
                let h = if g.moves_of(i, s.direction).is_empty() { 0.0 } else { s.hop };
                let surv = s.survival;
                *st = surv * ((1.0 - s.absorption) * d + (1.0 - d) * (1.0 - h));
                *le = surv * (1.0 - d) * h;
                *dk = surv * d;
                *docks = *dk * r;
            });
        let docked = ordered_sum(&out.docks[range.clone()], |&d| d as f64);
        ev.docked[k] = docked;
        ev.absorbed[k] = docked * s.absorption as f64;
        ev.died[k] = ordered_sum(rho, |&r| r as f64) * (1.0 - s.survival as f64);
    }

    // 2. Emission births (a pass over each species' sources).
    for (k, s) in input.species.iter().enumerate() {
        if s.rate <= 0.0 {
            continue;
        }
        let mut total = 0.0f64;
        for &i in &s.sources {
            let i = i as usize;
            let b = expected_births(k, s, i, n, input.dt, &input.emit);
            let c = emission_payload(s, i, &input.emit);
            sc.birth_rho[i * ns + k] += b;
            let m = &mut sc.birth_mass[i * ns + k];
            for d in 0..4 {
                m[d] += b * c[d];
            }
            total += b as f64;
        }
        ev.emitted[k] = total;
    }

    // 3. Releases and cascade births, per node.
    let stride = out.releases.stride;
    out.releases
        .data
        .par_chunks_mut(stride)
        .zip(sc.birth_rho.par_chunks_mut(ns))
        .zip(sc.birth_mass.par_chunks_mut(ns))
        .zip(sc.cascade_rho.par_chunks_mut(ns))
        .enumerate()
        .for_each(|(i, (((r, brho), bmass), crho))| {
            r.fill(0.0);
            for (k, s) in input.species.iter().enumerate() {
                let docked = sc.dock[k * n + i] * rho[k * n + i];
                if docked <= 0.0 {
                    continue;
                }
                let dm = mass[k * n + i].map(|m| sc.dock[k * n + i] * m);
                expected_releases(s, docked, dm, r, brho, bmass, crho);
            }
        });
    for k in 0..ns {
        ev.cascade_born[k] = (0..n).map(|i| sc.cascade_rho[i * ns + k] as f64).sum();
    }

    // 4. Transport: a gather over the in-moves each species can take, plus births.
    for (k, s) in input.species.iter().enumerate() {
        let range = k * n..(k + 1) * n;
        let p = &input.kernel[k];
        let (rho, mass) = (&rho[range.clone()], &mass[range.clone()]);
        let (stay, leave) = (&sc.stay[range.clone()], &sc.leave[range.clone()]);
        let (brho, bmass) = (&sc.birth_rho, &sc.birth_mass);
        let fade = s.fade;
        sc.next_rho[range.clone()]
            .par_iter_mut()
            .zip(&mut sc.next_mass[range])
            .enumerate()
            .for_each(|(i, (r_out, m_out))| {
                let mut r = stay[i] * rho[i];
                let mut m = mass[i].map(|x| stay[i] * x);
                for &mv in g.in_moves_of(i, s.direction) {
                    let mv = mv as usize;
                    let j = g.move_source(mv);
                    let f = leave[j] * p[mv];
                    r += f * rho[j];
                    for d in 0..4 {
                        m[d] += f * mass[j][d];
                    }
                }
                *r_out = r + brho[i * ns + k];
                for d in 0..4 {
                    m_out[d] = fade * m[d] + bmass[i * ns + k][d];
                }
            });
    }

    // 5. Expected hops per edge (both moves along it, every species), from the old state.
    out.edge_flux.par_iter_mut().enumerate().for_each(|(e, flux)| {
        let [fwd, bwd] = g.edge_moves[e].map(|mv| mv as usize);
        let (a, b) = (g.move_source(fwd), g.move_source(bwd));
        let mut total = 0.0f32;
        for k in 0..ns {
            let p = &input.kernel[k];
            total += sc.leave[k * n + a] * p[fwd] * rho[k * n + a];
            total += sc.leave[k * n + b] * p[bwd] * rho[k * n + b];
        }
        *flux = total;
    });

    std::mem::swap(rho, &mut sc.next_rho);
    std::mem::swap(mass, &mut sc.next_mass);
    ev
}

/// Adds the expected releases of `docked` expected dockings of species `s` carrying payload
/// mass `dm` at one node into its release row `r`, and the cascade births into the node's
/// birth rows (indexed by species).
fn expected_releases(
    s: &CompiledSpecies,
    docked: f32,
    dm: [f32; 4],
    r: &mut [f64],
    birth_rho: &mut [f32],
    birth_mass: &mut [[f32; 4]],
    cascade_rho: &mut [f32],
) {
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
                birth_rho[*species] += chi * docked;
                cascade_rho[*species] += chi * docked;
                for d in 0..4 {
                    birth_mass[*species][d] += chi * child[d];
                }
            }
        }
    }
}
