//! The per-step non-finite check: a step that leaves a NaN or an infinity in the state stops
//! the run, and the message names the quantity, the node, the step and the likely cause.

mod common;

use nv_core::Mode;
use nv_core::backend::{Backend, BackendError, CpuBackend};

/// `spiral_film` with its `LearningRate` release at η = 100: η_i = e^(100·…) overflows.
fn runaway_learning_rate() -> String {
    include_str!("../../presets/spiral_film.ron")
        .replace("LearningRate((eta: 0.01,", "LearningRate((eta: 100.0,")
}

#[test]
fn a_runaway_learning_rate_stops_the_run_and_names_its_cause() {
    let mut w = common::world(&runaway_learning_rate(), Mode::Particle);
    w.advance(200);
    let bad = w.nonfinite.clone().expect("the run met a non-finite value");
    assert!(w.step < 200, "it stopped at step {}", w.step);
    assert_eq!(bad.step, w.step, "it stopped right after the step that made it");
    assert_eq!(bad.quantity, "lr_mult", "{bad}");
    assert!(bad.node.is_some(), "{bad}");
    let text = bad.to_string();
    assert!(text.contains("LearningRate") && text.contains("η = 100"), "{text}");
    // Nothing before that step was non-finite (the check runs every step).
    let mut again = common::world(&runaway_learning_rate(), Mode::Particle);
    again.advance(bad.step - 1);
    assert!(again.nonfinite.is_none() && again.first_nonfinite().is_none());
}

#[test]
fn the_cpu_backend_reports_it_as_an_error() {
    let mut cpu = CpuBackend::new();
    cpu.load(common::world(&runaway_learning_rate(), Mode::Particle)).expect("loads");
    match cpu.advance(200) {
        Err(BackendError::NonFinite(bad)) => assert_eq!(bad.quantity, "lr_mult"),
        other => panic!("expected a non-finite error, got {other:?}"),
    }
}

#[test]
fn a_density_run_that_overflows_stops_too() {
    // Pathway feedback of 3·10^38 overflows the kernel's softmax in the mean field.
    let text = include_str!("../../presets/pathway_carving.ron")
        .replace("alpha_pathway: 0.03,", "alpha_pathway: 3e38,");
    let mut w = common::world(&text, Mode::Density);
    w.advance(300);
    let bad = w.nonfinite.clone().expect("the mean field met a non-finite value");
    assert!(w.step < 300, "{bad}");
}

#[test]
fn shipped_presets_stay_finite() {
    for name in ["tiny_chain", "spiral_film", "cascade_critical", "film_limit"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../presets")
            .join(format!("{name}.ron"));
        let mut w = nv_core::World::load(&path, Mode::Particle).expect("loads");
        w.advance(300);
        assert!(w.nonfinite.is_none(), "{name}: {:?}", w.nonfinite);
        assert_eq!(w.step, 300);
    }
}
