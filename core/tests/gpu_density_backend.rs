//! Density mode on the GPU backend against the CPU backend, end to end through the
//! [`Backend`] trait: the observables every step (ρ per node and species, the expected events),
//! the state handed back by `store` (ρ, C, pathway traces, modulation) and a run that switches
//! backend mid-run.
//!
//! Needs a GPU adapter (Mesa's lavapipe in CI): without one each test prints a notice and
//! passes, except under `CI=true`, where a missing adapter fails.
//!
//! Tolerances: none on lavapipe, where the device rounds like the CPU
//! (`common::rounds_like_the_cpu`): the GPU density engine's stages do the CPU twins' f32
//! operations in the same order (see `core/tests/gpu_stages.rs`), so the runs must stay the
//! same bits, events and release sums included. On a GPU that fuses multiply-adds: every
//! compared array within 1e-5 · max |cpu| (per array, per species for ρ), every expected event
//! within 1e-5 · max(|cpu|, |gpu|) plus 1e-9, every release sum within 1e-5 · max |cpu| plus 8
//! fixed-point units (2^-24 each).

mod common;

use std::path::Path;

use nv_core::backend::{Backend, CpuBackend};
use nv_core::cpu::accumulate::SCALE;
use nv_core::gpu::GpuBackend;
use nv_core::world::SpeciesEvents;
use nv_core::{Mode, World};

/// Steps of a run, compared after every step.
const STEPS: u64 = 200;

/// The tolerance on this device: 0 where it rounds like the CPU, else 1e-5.
fn tolerance(ctx: &nv_core::gpu::GpuContext) -> f64 {
    if common::rounds_like_the_cpu(ctx) { 0.0 } else { 1e-5 }
}

fn preset_world(name: &str) -> World {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets").join(format!("{name}.ron"));
    World::load(&path, Mode::Density).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// max |gpu − cpu| ≤ tol · max |cpu| (an all-zero array must match to 1e-30); the error.
fn assert_close(what: &str, gpu: &[f32], cpu: &[f32], tol: f64) -> f64 {
    assert_eq!(gpu.len(), cpu.len(), "{what}: lengths");
    let scale = cpu.iter().fold(0.0f64, |m, &x| m.max(x.abs() as f64)).max(1e-30);
    let worst =
        gpu.iter().zip(cpu).map(|(&g, &c)| (g as f64 - c as f64).abs()).fold(0.0, f64::max) / scale;
    assert!(worst <= tol, "{what}: max |gpu − cpu| / max |cpu| = {worst:e} > {tol:e}");
    worst
}

fn flat4(v: &[[f32; 4]]) -> Vec<f32> {
    v.iter().flatten().copied().collect()
}

fn assert_events_close(what: &str, gpu: &SpeciesEvents, cpu: &SpeciesEvents, tol: f64) {
    let rows = |e: &SpeciesEvents| {
        [
            ("emitted", e.emitted.clone()),
            ("cascade_born", e.cascade_born.clone()),
            ("docked", e.docked.clone()),
            ("absorbed", e.absorbed.clone()),
            ("died", e.died.clone()),
            ("dropped", e.dropped.clone()),
        ]
    };
    for ((name, g), (_, c)) in rows(gpu).into_iter().zip(rows(cpu)) {
        for (k, (g, c)) in g.iter().zip(&c).enumerate() {
            let bound = if tol == 0.0 { 0.0 } else { tol * g.abs().max(c.abs()) + 1e-9 };
            assert!((g - c).abs() <= bound, "{what}: {name}[{k}]: cpu {c} gpu {g}");
        }
    }
}

/// ρ per species relative to that species' largest value (a species far below another keeps
/// its own scale).
fn assert_counts_close(what: &str, gpu: &World, cpu: &World, tol: f64) -> f64 {
    let n = cpu.n();
    (0..cpu.species.len())
        .map(|k| {
            let r = k * n..(k + 1) * n;
            assert_close(
                &format!("{what}: ρ of {}", cpu.species[k].name),
                &gpu.counts[r.clone()],
                &cpu.counts[r],
                tol,
            )
        })
        .fold(0.0, f64::max)
}

/// The whole state a density world carries from step to step, and its last diagnostics.
fn assert_state_close(what: &str, gpu: &World, cpu: &World, tol: f64) {
    assert_eq!(gpu.step, cpu.step, "{what}: step");
    let (dg, dc) = (gpu.density().expect("density"), cpu.density().expect("density"));
    assert_close(&format!("{what}: ρ"), &dg.rho, &dc.rho, tol);
    assert_close(&format!("{what}: C"), &flat4(&dg.mass), &flat4(&dc.mass), tol);
    assert_close(&format!("{what}: pathway"), &gpu.pathway, &cpu.pathway, tol);
    let (mg, mc) = (&gpu.modulation, &cpu.modulation);
    assert_close(&format!("{what}: gain"), &mg.gain, &mc.gain, tol);
    assert_close(&format!("{what}: shift"), &mg.shift, &mc.shift, tol);
    assert_close(&format!("{what}: lr_mult"), &mg.lr_mult, &mc.lr_mult, tol);
    assert_close(&format!("{what}: threshold"), &mg.threshold, &mc.threshold, tol);
    assert_close(&format!("{what}: emission gain"), &mg.emission_gain, &mc.emission_gain, tol);
    assert_close(&format!("{what}: memory"), &flat4(&mg.memory), &flat4(&mc.memory), tol);
    assert_close(&format!("{what}: weight delta"), &mg.weight_delta, &mc.weight_delta, tol);
    assert_close(&format!("{what}: docks"), &gpu.docks, &cpu.docks, tol);
    assert_close(&format!("{what}: edge hops"), &gpu.edge_hops, &cpu.edge_hops, tol);
    for (k, (g, c)) in gpu.kernel.iter().zip(&cpu.kernel).enumerate() {
        assert_close(&format!("{what}: kernel[{k}]"), g, c, tol);
    }
    // Releases: the same f32 terms rounded to 2^-24 units and summed exactly on both sides; a
    // term that differs in its last bits may round to a neighbouring unit.
    let scale = cpu.releases.data.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let stride = cpu.releases.stride;
    for (c, (g, c_)) in gpu.releases.data.iter().zip(&cpu.releases.data).enumerate() {
        let bound = if tol == 0.0 { 0.0 } else { tol * scale + 8.0 / SCALE };
        assert!(
            (g - c_).abs() <= bound,
            "{what}: release node {} channel {}: cpu {c_} gpu {g}",
            c / stride,
            c % stride
        );
    }
    assert_events_close(&format!("{what}: totals"), &gpu.totals, &cpu.totals, tol);
}

/// Steps both backends one step at a time, comparing the observables after every step and
/// the stored state at the end.
fn end_to_end(ctx: nv_core::gpu::GpuContext, name: &str) {
    let tol = tolerance(&ctx);
    let world = preset_world(name);
    let mut cpu = CpuBackend::new();
    let mut gpu = GpuBackend::new(ctx);
    cpu.load(world.clone()).expect("cpu load");
    gpu.load(world).unwrap_or_else(|e| panic!("{name}: GPU load: {}", e.error));
    assert_eq!(gpu.population(), 0, "no vesicles in density mode");
    let mut worst = 0.0f64;
    for step in 1..=STEPS {
        cpu.advance(1).expect("cpu step");
        gpu.advance(1).expect("gpu step");
        let (oc, og) = (cpu.observe().expect("cpu"), gpu.observe().expect("gpu"));
        assert_eq!(og.step, oc.step, "{name}: step");
        let what = format!("{name} step {step}");
        let (wc, wg) = (cpu.host().expect("cpu world"), gpu.host().expect("gpu world"));
        worst = worst.max(assert_counts_close(&what, wg, wc, tol));
        assert_events_close(&what, &og.last, &oc.last, tol);
        assert_events_close(&what, &og.totals, &oc.totals, tol);
        assert_eq!(og.releases.stride, oc.releases.stride, "{what}: release stride");
    }
    println!("{name}: {STEPS} steps, ρ within {worst:e} of the CPU's (tolerance {tol:e})");
    let (wc, wg) = (cpu.store().expect("cpu store"), gpu.store().expect("gpu store"));
    assert_state_close(name, &wg, &wc, tol);
}

#[test]
fn activator_inhibitor_density_runs_on_the_gpu_backend() {
    let Some(ctx) = common::gpu_context("activator_inhibitor_density_runs_on_the_gpu_backend")
    else {
        return;
    };
    end_to_end(ctx, "activator_inhibitor");
}

#[test]
fn film_limit_density_runs_on_the_gpu_backend() {
    let Some(ctx) = common::gpu_context("film_limit_density_runs_on_the_gpu_backend") else {
        return;
    };
    end_to_end(ctx, "film_limit");
}

#[test]
fn pathway_carving_density_runs_on_the_gpu_backend() {
    let Some(ctx) = common::gpu_context("pathway_carving_density_runs_on_the_gpu_backend") else {
        return;
    };
    end_to_end(ctx, "pathway_carving");
}

/// CPU for 10 steps, GPU for 10, CPU for 10 (each switch through `store` and `load`) against
/// 30 steps on the CPU alone: the state carries across both switches (the same bits on
/// lavapipe).
#[test]
fn switching_backend_mid_run_keeps_the_density_state() {
    let Some(ctx) = common::gpu_context("switching_backend_mid_run_keeps_the_density_state") else {
        return;
    };
    let tol = tolerance(&ctx);
    for name in ["activator_inhibitor", "pathway_carving"] {
        let world = preset_world(name);
        let mut alone = world.clone();
        alone.advance(30);

        let mut cpu = CpuBackend::new();
        let mut gpu = GpuBackend::new(ctx.clone());
        cpu.load(world).expect("cpu load");
        cpu.advance(10).expect("cpu");
        let w = cpu.store().expect("cpu store");
        gpu.load(w).unwrap_or_else(|e| panic!("{name}: GPU load: {}", e.error));
        gpu.advance(10).expect("gpu");
        let w = gpu.store().expect("gpu store");
        assert_eq!(w.step, 20, "{name}: the GPU leg advanced the step count");
        cpu.load(w).expect("cpu load");
        cpu.advance(10).expect("cpu");
        let switched = cpu.store().expect("cpu store");

        assert_state_close(&format!("{name}: CPU → GPU → CPU"), &switched, &alone, tol);
        assert_counts_close(name, &switched, &alone, tol);
        assert_events_close(&format!("{name}: last"), &switched.last, &alone.last, tol);
    }
}

/// A switch that comes straight back (load, then store without a step) returns the state
/// exactly: ρ, C and the pathway traces cross the bus as they are.
#[test]
fn a_gpu_round_trip_without_steps_is_exact() {
    let Some(ctx) = common::gpu_context("a_gpu_round_trip_without_steps_is_exact") else {
        return;
    };
    let mut world = preset_world("activator_inhibitor");
    world.advance(15);
    let mut gpu = GpuBackend::new(ctx);
    gpu.load(world.clone()).unwrap_or_else(|e| panic!("GPU load: {}", e.error));
    let back = gpu.store().expect("store");
    assert_eq!(back.density(), world.density(), "ρ and C");
    assert_eq!(back.pathway, world.pathway, "pathway traces");
    assert_eq!(back.counts, world.counts, "counts");
    assert_eq!(back.step, world.step, "step");
}
