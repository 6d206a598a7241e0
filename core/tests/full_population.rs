//! A full population: births beyond the capacity are dropped and counted without being made,
//! however many a draw asks for (issue: a huge emission rate or cascade χ once allocated one
//! record per birth and aborted). Both engines drop the same births.

mod common;

use nv_core::backend::Backend;
use nv_core::gpu::GpuBackend;
use nv_core::{Mode, World};

/// The shipped tiny chain (capacity 10,000) with its emission rate replaced by `rate` and
/// `extra` appended to its release list.
fn tiny_chain(rate: &str, extra: &str) -> String {
    let text = include_str!("../../presets/tiny_chain.ron");
    let text = text.replace("rate: 5.0,", &format!("rate: {rate},"));
    text.replace(
        "Gain((eta: 0.05, u: (0.0, 0.0, 0.0, 1.0))),",
        &format!("Gain((eta: 0.05, u: (0.0, 0.0, 0.0, 1.0))), {extra}"),
    )
}

/// Steps `w` `steps` times, checking the invariants after each step; returns the births
/// dropped in all.
fn run(w: &mut World, steps: u64) -> f64 {
    for _ in 0..steps {
        w.step_once();
        common::check(w);
        assert!(w.pool().expect("particles").live <= 10_000, "over the capacity");
    }
    w.totals.dropped.iter().sum()
}

#[test]
fn a_huge_emission_rate_fills_the_population_and_drops_the_rest() {
    // 10^12 vesicles/s at dt = 0.1: about 10^11 births per step (4 TB as records).
    let mut w = common::world(&tiny_chain("1e12", ""), Mode::Particle);
    let dropped = run(&mut w, 5);
    assert_eq!(w.pool().expect("particles").live, 10_000, "the population is full");
    assert!(dropped > 1e11, "the births beyond the capacity are counted: {dropped}");
    assert!(w.warnings.iter().any(|m| m.contains("the population is full")), "{:?}", w.warnings);
    // Emitted counts only the births that joined.
    let joined = w.totals.emitted[0] + w.totals.cascade_born[0];
    assert!(joined <= 10_000.0 + w.totals.died[0] + w.totals.absorbed[0], "{joined}");
}

#[test]
fn a_huge_cascade_chi_drops_children_without_making_them() {
    // Every docking asks for about 5·10^5 children; the capacity is 10^4.
    let extra = r#"Cascade(species: "pulse", chi: 500000.0),"#;
    let mut w = common::world(&tiny_chain("50.0", extra), Mode::Particle);
    let dropped = run(&mut w, 40);
    assert!(w.totals.docked[0] > 0.0, "something docked");
    assert!(dropped > 1e5, "children beyond the capacity are counted as dropped: {dropped}");
    assert!(w.totals.cascade_born[0] > 0.0, "children that fit joined");
}

#[test]
fn the_gpu_engine_drops_the_same_births() {
    let Some(ctx) = common::gpu_context("the_gpu_engine_drops_the_same_births") else { return };
    let text = tiny_chain("1e12", "");
    let mut cpu = common::world(&text, Mode::Particle);
    let mut gpu = GpuBackend::new(ctx);
    gpu.load(common::world(&text, Mode::Particle)).unwrap_or_else(|e| panic!("{}", e.error));
    for step in 0..5 {
        cpu.step_once();
        gpu.advance(1).expect("GPU step");
        let g = gpu.host().expect("loaded");
        assert_eq!(cpu.totals, g.totals, "totals after step {step}");
        assert_eq!(cpu.counts, g.counts, "counts after step {step}");
    }
}
