//! Determinism (MODEL §3): same preset and seed, same run, whatever the thread count, and
//! after a save/load round trip of the preset.

mod common;

use nv_core::{Mode, World};

/// The mixed world at the default capacity (4 Mi vesicles).
fn text() -> String {
    common::mixed_preset(4_194_304)
}

fn run_with_threads(threads: usize, text: &str, steps: u64) -> World {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| {
        let mut w = common::world(text, Mode::Particle);
        for _ in 0..steps {
            w.step_once();
        }
        common::check(&w);
        w
    })
}

fn assert_same(a: &World, b: &World) {
    let (pa, pb) = (a.pool().expect("particles"), b.pool().expect("particles"));
    assert!(pa.live > 1000, "too few vesicles to be a real test: {}", pa.live);
    assert_eq!(pa, pb, "populations differ");
    assert_eq!(a.modulation, b.modulation, "modulation differs");
    assert_eq!(a.pathway, b.pathway, "pathways differ");
    assert_eq!(a.counts, b.counts, "counts differ");
    assert_eq!(a.totals, b.totals, "totals differ");
}

#[test]
fn same_run_on_one_and_two_threads() {
    let one = run_with_threads(1, &text(), 120);
    let two = run_with_threads(2, &text(), 120);
    assert_same(&one, &two);
    let four = run_with_threads(4, &text(), 120);
    assert_same(&one, &four);
}

#[test]
fn same_run_after_save_and_load() {
    let p = common::preset(&text());
    let saved = nv_core::preset::to_string(&p).expect("serialises");
    let a = run_with_threads(2, &text(), 60);
    let b = run_with_threads(2, &saved, 60);
    assert_same(&a, &b);
}

#[test]
fn another_seed_gives_another_run() {
    let a = run_with_threads(2, &text(), 30);
    let b = run_with_threads(2, &text().replace("seed: 77", "seed: 78"), 30);
    assert_ne!(a.pool(), b.pool());
}

#[test]
fn density_mode_is_deterministic() {
    let pool = |t| rayon::ThreadPoolBuilder::new().num_threads(t).build().expect("pool");
    let run = |t| {
        pool(t).install(|| {
            let mut w = common::world(&text(), Mode::Density);
            w.advance(80);
            common::check(&w);
            w
        })
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.density(), b.density());
    assert_eq!(a.modulation, b.modulation);
}
