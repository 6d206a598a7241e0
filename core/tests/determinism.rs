//! Determinism (MODEL §3): same preset and seed, same run, whatever the thread count, and
//! after a save/load round trip of the preset.

mod common;

use nv_core::{Mode, World};

const TEXT: &str = r#"(
    format: 1, name: "det", seed: 77, dt: 0.1,
    host: Graph((graph: WattsStrogatz(n: 200, k: 3, p: 0.2),
                 stimuli: [(nodes: Range(0, 20), wave: Poisson(rate: 5.0, amplitude: 1.0))])),
    pathway: (tau: Some(5.0)),
    species: [
        (
            name: "a",
            emission: (trigger: Activity, rate: 200.0, slope: 4.0, threshold: 0.5),
            lifetime: (mean: 3.0),
            kernel: (mobility: 2.0, direction: Both, alpha_pathway: 0.3, alpha_density: -0.01,
                     density_species: Some("b")),
            docking: (rate: 0.5, gain: 3.0, threshold: 0.2),
            absorption: 0.5,
            payload_fade: Some(4.0),
            releases: [Gain((eta: 0.01)), EmissionGain(species: "b", amount: (eta: 0.02)),
                       Cascade(species: "b", chi: 0.3)],
        ),
        (
            name: "b",
            emission: (trigger: Activity, rate: 20.0),
            lifetime: (law: Fixed, mean: 1.5),
            kernel: (mobility: 1.0, direction: Both, alpha_density: 0.05),
            releases: [Shift((eta: -0.01)), Memory(Fixed(0.2)), Weight((eta: 0.001))],
        ),
    ],
)"#;

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
    let one = run_with_threads(1, TEXT, 120);
    let two = run_with_threads(2, TEXT, 120);
    assert_same(&one, &two);
    let four = run_with_threads(4, TEXT, 120);
    assert_same(&one, &four);
}

#[test]
fn same_run_after_save_and_load() {
    let p = common::preset(TEXT);
    let text = nv_core::preset::to_string(&p).expect("serialises");
    let a = run_with_threads(2, TEXT, 60);
    let b = run_with_threads(2, &text, 60);
    assert_same(&a, &b);
}

#[test]
fn another_seed_gives_another_run() {
    let a = run_with_threads(2, TEXT, 30);
    let b = run_with_threads(2, &TEXT.replace("seed: 77", "seed: 78"), 30);
    assert_ne!(a.pool(), b.pool());
}

#[test]
fn density_mode_is_deterministic() {
    let pool = |t| rayon::ThreadPoolBuilder::new().num_threads(t).build().expect("pool");
    let run = |t| {
        pool(t).install(|| {
            let mut w = common::world(TEXT, Mode::Density);
            w.advance(80);
            common::check(&w);
            w
        })
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.density(), b.density());
    assert_eq!(a.modulation, b.modulation);
}
