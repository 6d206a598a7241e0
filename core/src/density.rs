//! The continuous density relaxation (MODEL §4): per species, the expected number of free
//! vesicles ρ_i and their expected payload mass C_i, advanced by the linear map of the particle
//! process over the fields of the step. The passes are `crate::cpu::density`, the twin of
//! `shaders/density.wgsl` (a gather over the in-moves of each node).
//!
//! ρ'_i = S·[(1 − p_abs)D_i ρ_i + (1 − D_i)(1 − H_i)ρ_i + Σ_j (1 − D_j)H_j P(j → i)ρ_j] + B_i.
//! Docking that depends on content is evaluated at the mean payload C_i/ρ_i (the closure).
//!
//! Every pass is parallel over nodes (or edges) and each output element is computed by one
//! task from a fixed expression, so the result does not depend on the thread count; the few
//! totals are summed over fixed-size blocks in order.

use rayon::prelude::*;

use crate::compile::CompiledSpecies;
use crate::cpu::density::{self as pass, Births, Coefficients, Fields};
use crate::cpu::emit::EmitInputs;
use crate::cpu::kernel::{NodeFieldInputs, node_fields};
use crate::graph::Graph;
use crate::modulation::Releases;
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
    /// The docking probability D at the mean payload.
    dock: Vec<f32>,
    /// Expected emission births λ·dt, `[κ · n + i]`.
    births: Vec<f32>,
    /// Their payload.
    birth_payload: Vec<[f32; 4]>,
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
/// returns the step's expected events (nothing is ever dropped). The passes are the stages
/// `crate::cpu::kernel::node_fields` (docking and emission fields) and `crate::cpu::density`.
pub fn step(state: &mut DensityState, input: &DensityInputs, out: DensityOutputs) -> SpeciesEvents {
    let g = input.graph;
    let n = g.n();
    let ns = input.species.len();
    let DensityState { rho, mass, scratch: sc } = state;
    for v in [
        &mut sc.stay,
        &mut sc.leave,
        &mut sc.dock,
        &mut sc.births,
        &mut sc.next_rho,
        &mut sc.birth_rho,
        &mut sc.cascade_rho,
    ] {
        v.resize(n * ns, 0.0);
    }
    for v in [&mut sc.birth_payload, &mut sc.birth_mass, &mut sc.next_mass] {
        v.resize(n * ns, [0.0; 4]);
    }

    // The docking and emission fields.
    let field_inputs =
        NodeFieldInputs { emit: &input.emit, receptors: input.receptors, rho, mass, dt: input.dt };
    for (k, s) in input.species.iter().enumerate() {
        let range = k * n..(k + 1) * n;
        node_fields(
            k,
            s,
            &field_inputs,
            &mut sc.dock[range.clone()],
            &mut sc.births[range.clone()],
            &mut sc.birth_payload[range.clone()],
        );
    }
    let fields = Fields {
        kernel: input.kernel,
        dock: &sc.dock,
        births: &sc.births,
        birth_payload: &sc.birth_payload,
    };

    // Coefficients and expected dockings, then births and releases.
    pass::coefficients(
        g,
        input.species,
        &fields,
        rho,
        Coefficients { stay: &mut sc.stay, leave: &mut sc.leave, docks: out.docks },
    );
    let births =
        Births { rho: &mut sc.birth_rho, mass: &mut sc.birth_mass, cascade: &mut sc.cascade_rho };
    pass::births_and_releases(input.species, &fields, rho, mass, out.releases, births);

    // Transport, then the expected hops from the state before the step.
    let births =
        Births { rho: &mut sc.birth_rho, mass: &mut sc.birth_mass, cascade: &mut sc.cascade_rho };
    pass::gather(
        g,
        input.species,
        input.kernel,
        rho,
        mass,
        &sc.stay,
        &sc.leave,
        &births,
        &mut sc.next_rho,
        &mut sc.next_mass,
    );
    pass::flux(g, input.kernel, rho, &sc.leave, out.edge_flux);
    let ev = events(
        input.species,
        &StepSums { rho, births: &sc.births, docks: out.docks, cascade_rho: &sc.cascade_rho },
    );

    std::mem::swap(rho, &mut sc.next_rho);
    std::mem::swap(mass, &mut sc.next_mass);
    ev
}

/// The per-node quantities of one density step that its expected events sum.
pub struct StepSums<'a> {
    /// ρ before the step, `[κ · n + i]`.
    pub rho: &'a [f32],
    /// Expected emission births λ_i·dt, `[κ · n + i]`.
    pub births: &'a [f32],
    /// Expected dockings, `[κ · n + i]`.
    pub docks: &'a [f32],
    /// Expected cascade births, node-major `[i · S + κ]`.
    pub cascade_rho: &'a [f32],
}

/// The expected events of one density step, as ordered f64 sums of its per-node quantities
/// (the same order on any thread count; the GPU backend sums its read-back arrays with it).
pub fn events(species: &[CompiledSpecies], sums: &StepSums) -> SpeciesEvents {
    let ns = species.len();
    let n = sums.rho.len() / ns.max(1);
    let mut ev = SpeciesEvents::zeros(ns);
    for (k, s) in species.iter().enumerate() {
        let range = k * n..(k + 1) * n;
        ev.emitted[k] = s.sources.iter().map(|&i| sums.births[k * n + i as usize] as f64).sum();
        let docked = ordered_sum(&sums.docks[range.clone()], |&d| d as f64);
        ev.docked[k] = docked;
        ev.absorbed[k] = docked * s.absorption as f64;
        ev.died[k] = ordered_sum(&sums.rho[range], |&r| r as f64) * (1.0 - s.survival as f64);
        ev.cascade_born[k] = (0..n).map(|i| sums.cascade_rho[i * ns + k] as f64).sum();
    }
    ev
}
