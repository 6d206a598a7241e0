//! One step of the density relaxation (MODEL §4) over the fields of the step, pass by pass.
//! Twin of `shaders/density.wgsl`: [`coefficients`] and [`births_and_releases`] together are
//! its entry point `local` (one thread per node there), [`gather`] is `gather` (per node and
//! species, over the in-moves of the node: `Graph::in_moves_of`) and [`flux`] is `flux` (per
//! edge). Each output element is computed from a fixed expression by one task, so the result
//! does not depend on the thread count.
//!
//! ρ'_i = S·[(1 − p_abs)D_i ρ_i + (1 − D_i)(1 − H_i)ρ_i + Σ_j (1 − D_j)H_j P(j → i)ρ_j] + B_i.
//!
//! Binding order of the shader, and where each binding lives here:
//!  0 params (n, species, stride, edges, moves), 1 species, 2 release_ops (the [`CompiledSpecies`]
//!  and their releases), 3 move_offsets, 4 move_forward_len, 5 in_move_offsets,
//!  6 in_move_forward_len, 7 in_moves, 8 move_from, 9 edge_moves (the [`Graph`]), 10 kernel,
//!  11 dock, 12 births, 13 birth_payload ([`Fields`]), 14 rho, 15 mass, then the outputs
//!  16 stay, 17 leave, 18 docks ([`Coefficients`]), 19 birth_rho, 20 birth_mass,
//!  21 cascade_rho ([`Births`]), 22 releases ([`Releases`]; fixed-point (lo, hi) words on the
//!  GPU), 23 next_rho, 24 next_mass, 25 edge_flux.

use rayon::prelude::*;

use crate::compile::{CompiledMemory, CompiledRelease, CompiledSpecies, channel};
use crate::cpu::accumulate::{SCALE, to_fixed};
use crate::graph::Graph;
use crate::modulation::Releases;
use crate::species::mat_vec;

/// The fields of the step the density reads (the outputs of the kernel stage).
pub struct Fields<'a> {
    /// Kernel probabilities per species and move (0 off the species' allowed moves).
    pub kernel: &'a [Vec<f32>],
    /// Docking probability D_i at the mean payload, `[κ · n + i]`.
    pub dock: &'a [f32],
    /// Expected emission births λ_i·dt, `[κ · n + i]` (0 off the sources).
    pub births: &'a [f32],
    /// Their payload, `[κ · n + i]`.
    pub birth_payload: &'a [[f32; 4]],
}

/// The per-node coefficients of the step, `[κ · n + i]`.
pub struct Coefficients<'a> {
    /// S·[(1 − p_abs)D + (1 − D)(1 − H)].
    pub stay: &'a mut [f32],
    /// S·(1 − D)·H.
    pub leave: &'a mut [f32],
    /// Expected dockings S·D·ρ.
    pub docks: &'a mut [f32],
}

/// The births of the step, node-major `[i · S + κ]`.
pub struct Births<'a> {
    /// Births (emission, then cascades).
    pub rho: &'a mut [f32],
    /// Their payload mass.
    pub mass: &'a mut [[f32; 4]],
    /// The part of `rho` from cascades.
    pub cascade: &'a mut [f32],
}

/// Writes the stay, leave and docking coefficients of every species at every node.
pub fn coefficients(
    graph: &Graph,
    species: &[CompiledSpecies],
    fields: &Fields,
    rho: &[f32],
    out: Coefficients,
) {
    let n = graph.n();
    for (k, s) in species.iter().enumerate() {
        let range = k * n..(k + 1) * n;
        let (rho, dock) = (&rho[range.clone()], &fields.dock[range.clone()]);
        out.stay[range.clone()]
            .par_iter_mut()
            .zip(&mut out.leave[range.clone()])
            .zip(&mut out.docks[range])
            .enumerate()
            .for_each(|(i, ((stay, leave), docks))| {
                let d = dock[i];
                let h = if graph.moves_of(i, s.direction).is_empty() { 0.0 } else { s.hop };
                let surv = s.survival;
                *stay = surv * ((1.0 - s.absorption) * d + (1.0 - d) * (1.0 - h));
                *leave = surv * (1.0 - d) * h;
                *docks = surv * d * rho[i];
            });
    }
}

/// Writes the births of every node (emission, then the cascades of its dockings) and its
/// expected releases (overwritten). Releases are summed like the particle engine's and the
/// shader's: each term in f32, rounded to fixed point (2^-24 units, [`to_fixed`]), the sum
/// exact in `i64`, so the apply stage reads the same values on both backends.
pub fn births_and_releases(
    species: &[CompiledSpecies],
    fields: &Fields,
    rho: &[f32],
    mass: &[[f32; 4]],
    releases: &mut Releases,
    out: Births,
) {
    let ns = species.len();
    let n = fields.dock.len() / ns.max(1);
    let stride = releases.stride;
    releases
        .data
        .par_chunks_mut(stride)
        .zip(out.rho.par_chunks_mut(ns))
        .zip(out.mass.par_chunks_mut(ns))
        .zip(out.cascade.par_chunks_mut(ns))
        .enumerate()
        .for_each_init(
            || vec![0i64; stride],
            |sums, (i, (((r, brho), bmass), crho))| {
                for k in 0..ns {
                    let b = fields.births[k * n + i];
                    brho[k] = b;
                    bmass[k] = fields.birth_payload[k * n + i].map(|c| b * c);
                    crho[k] = 0.0;
                }
                sums.fill(0);
                for (k, s) in species.iter().enumerate() {
                    let dock_fraction = s.survival * fields.dock[k * n + i];
                    let docked = dock_fraction * rho[k * n + i];
                    if docked <= 0.0 {
                        continue;
                    }
                    let dm = mass[k * n + i].map(|m| dock_fraction * m);
                    expected_releases(s, docked, dm, sums, brho, bmass, crho);
                }
                for (r, &sum) in r.iter_mut().zip(sums.iter()) {
                    *r = sum as f64 / SCALE;
                }
            },
        );
}

/// Adds the expected releases of `docked` expected dockings of species `s` carrying payload
/// mass `dm` at one node into its fixed-point release row `r`, and the cascade births into the
/// node's birth rows (indexed by species).
fn expected_releases(
    s: &CompiledSpecies,
    docked: f32,
    dm: [f32; 4],
    r: &mut [i64],
    birth_rho: &mut [f32],
    birth_mass: &mut [[f32; 4]],
    cascade_rho: &mut [f32],
) {
    let mut add = |ch: usize, x: f32| r[ch] = r[ch].wrapping_add(to_fixed(x as f64));
    for op in &s.releases {
        match op {
            CompiledRelease::Add { channel, amount } => add(*channel, amount.of(dm)),
            CompiledRelease::Memory(CompiledMemory::Running) => {
                for (d, &x) in dm.iter().enumerate() {
                    add(channel::MEM_RUN_SUM + d, x);
                }
                add(channel::MEM_RUN_COUNT, docked);
            }
            CompiledRelease::Memory(CompiledMemory::Fixed { eps, log_retain }) => {
                for (d, &x) in dm.iter().enumerate() {
                    add(channel::MEM_FIX_SUM + d, eps * x);
                }
                add(channel::MEM_FIX_WEIGHT, eps * docked);
                add(channel::MEM_FIX_LOG_RETAIN, docked * *log_retain as f32);
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

/// The next state: per species and node, what stays, what arrives over the in-moves the
/// species can take, and the births. `next_rho` and `next_mass` are `[κ · n + i]`.
#[allow(clippy::too_many_arguments)]
pub fn gather(
    graph: &Graph,
    species: &[CompiledSpecies],
    kernel: &[Vec<f32>],
    rho: &[f32],
    mass: &[[f32; 4]],
    stay: &[f32],
    leave: &[f32],
    births: &Births,
    next_rho: &mut [f32],
    next_mass: &mut [[f32; 4]],
) {
    let n = graph.n();
    let ns = species.len();
    for (k, s) in species.iter().enumerate() {
        let range = k * n..(k + 1) * n;
        let p = &kernel[k];
        let (rho, mass) = (&rho[range.clone()], &mass[range.clone()]);
        let (stay, leave) = (&stay[range.clone()], &leave[range.clone()]);
        let (brho, bmass) = (&*births.rho, &*births.mass);
        let fade = s.fade;
        next_rho[range.clone()].par_iter_mut().zip(&mut next_mass[range]).enumerate().for_each(
            |(i, (r_out, m_out))| {
                let mut r = stay[i] * rho[i];
                let mut m = mass[i].map(|x| stay[i] * x);
                for &mv in graph.in_moves_of(i, s.direction) {
                    let mv = mv as usize;
                    let j = graph.move_source(mv);
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
            },
        );
    }
}

/// Expected hops per edge (both moves along it, every species), from the state before the
/// step.
pub fn flux(graph: &Graph, kernel: &[Vec<f32>], rho: &[f32], leave: &[f32], edge_flux: &mut [f32]) {
    let n = graph.n();
    edge_flux.par_iter_mut().enumerate().for_each(|(e, flux)| {
        let [fwd, bwd] = graph.edge_moves[e].map(|mv| mv as usize);
        let (a, b) = (graph.move_source(fwd), graph.move_source(bwd));
        let mut total = 0.0f32;
        for (k, p) in kernel.iter().enumerate() {
            total += leave[k * n + a] * p[fwd] * rho[k * n + a];
            total += leave[k * n + b] * p[bwd] * rho[k * n + b];
        }
        *flux = total;
    });
}
