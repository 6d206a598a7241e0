//! Unit laws of the stages of one step (MODEL §2–3), each against its closed form.

mod common;

use nv_core::Mode;

/// One pulse of emission at step 0 only: `rate` per second for one step on node 0 of a
/// 3-node directed ring, then a silent world.
fn pulse(rate: f64, species_body: &str) -> String {
    format!(
        r#"(
        format: 1, name: "pulse", seed: 1, dt: 0.1,
        host: Graph((graph: Ring(n: 3), directed: true)),
        modulation: (tau: None),
        meta: [(name: "go", source: Schedule(Pulse(amplitude: 1.0, start: 0.0, width: 0.05)))],
        species: [(
            name: "v",
            emission: (trigger: Meta("go"), rate: {rate}, slope: 80.0, threshold: 0.5, sources: Nodes([0])),
            {species_body}
        )],
    )"#
    )
}

#[test]
fn exponential_survival() {
    // N0 ≈ 20,000 vesicles, no docking, no hops: after k steps each survives with S^k.
    let mut w = common::world(
        &pulse(200_000.0, "lifetime: (mean: 2.0), kernel: (mobility: 0.0), docking: (rate: 0.0)"),
        Mode::Particle,
    );
    w.step_once();
    let n0 = w.free(0);
    assert!(n0 > 19_000.0, "n0 = {n0}");
    w.advance(20);
    let p = (-0.1f64 * 20.0 / 2.0).exp();
    let expected = n0 * p;
    let sigma = (n0 * p * (1.0 - p)).sqrt();
    let got = w.free(0);
    assert!((got - expected).abs() < 5.0 * sigma, "{got} vs {expected} ± {sigma}");
    common::check(&w);
}

#[test]
fn fixed_lifetime_dies_on_time() {
    // L = 1.0 s, dt = 0.1: a vesicle born at the end of step 0 lives through steps 1..=9 and
    // dies in step 10.
    let mut w = common::world(
        &pulse(
            1000.0,
            "lifetime: (law: Fixed, mean: 1.0), kernel: (mobility: 0.0), docking: (rate: 0.0)",
        ),
        Mode::Particle,
    );
    w.step_once();
    let n0 = w.free(0);
    assert!(n0 > 50.0);
    w.advance(9);
    assert_eq!(w.free(0), n0, "died early");
    w.step_once();
    assert_eq!(w.free(0), 0.0, "did not die on time");
    assert_eq!(w.totals.died[0], n0);
}

#[test]
fn hop_fraction_matches_mobility() {
    // No docking, long life: in one step a fraction H = 1 − exp(−μ dt) hop. A directed ring
    // points from lower to higher ids, so node 0 has two moves: to 1 and to 2.
    let mut w = common::world(
        &pulse(100_000.0, "lifetime: (mean: 1e6), kernel: (mobility: 3.0), docking: (rate: 0.0)"),
        Mode::Particle,
    );
    w.step_once();
    let n0 = w.free(0);
    w.step_once();
    let h = 1.0 - (-3.0f64 * 0.1).exp();
    let hopped = (w.counts[1] + w.counts[2]) as f64;
    let sigma = (n0 * h * (1.0 - h)).sqrt();
    assert!((hopped - n0 * h).abs() < 5.0 * sigma, "{hopped} vs {} ± {sigma}", n0 * h);
    assert_eq!(w.edge_hops.iter().sum::<f32>() as f64, hopped);
    // The pathway trace took the hops (it decays with τ_π = 20 s before the increment).
    let e01 = w.graph.find_edge(0, 1).expect("edge");
    let e02 = w.graph.find_edge(0, 2).expect("edge");
    assert_eq!(w.pathway[e01], w.counts[1]);
    assert_eq!(w.pathway[e02], w.counts[2]);
    // Equal kernel logits: the two moves split the hops evenly (binomial, 5 sigma).
    let half = hopped / 2.0;
    assert!((w.counts[1] as f64 - half).abs() < 5.0 * (hopped * 0.25).sqrt());
}

#[test]
fn content_dependent_docking() {
    // Payload (1, 0, 0, 0); receptor of node 0 at 60° from it: cos = 0.5. γ = 4, θ = 0.2,
    // k0 = 2: D = 1 − exp(−k0 σ(γ(0.5 − 0.2)) dt).
    let body = "lifetime: (mean: 1e6), kernel: (mobility: 0.0), \
                docking: (rate: 2.0, gain: 4.0, threshold: 0.2), absorption: 1.0";
    let text = pulse(100_000.0, body)
        .replace("payload_placeholder", "")
        .replace(
            "modulation: (tau: None),",
            "modulation: (tau: None), receptors: (overrides: [(Nodes([0]), (0.5, 0.8660254, 0.0, 0.0))]),",
        )
        .replace("sources: Nodes([0])", "sources: Nodes([0]), payload: ((0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0))");
    let mut w = common::world(&text, Mode::Particle);
    w.step_once();
    let n0 = w.free(0);
    w.step_once();
    let k = 2.0 / (1.0 + (-(4.0f64 * 0.3)).exp());
    let d = 1.0 - (-k * 0.1).exp();
    let docked = w.last.docked[0];
    let sigma = (n0 * d * (1.0 - d)).sqrt();
    assert!((docked - n0 * d).abs() < 5.0 * sigma, "{docked} vs {} ± {sigma}", n0 * d);
    assert_eq!(w.last.absorbed[0], docked);
}

#[test]
fn releases_apply_their_amounts() {
    // Certain docking (k0 dt = 100) at node 0 of vesicles with payload (2, 0, 0, 1):
    // Gain +0.1·2 each, Shift −0.5·1 each (u = e3), LearningRate q = 0.01·2.
    let body = "lifetime: (mean: 1e6), kernel: (mobility: 0.0), docking: (rate: 1000.0), \
                absorption: 1.0, releases: [Gain((eta: 0.1)), Shift((eta: -0.5, u: (0.0, 0.0, 0.0, 1.0))), \
                LearningRate((eta: 0.01)), Memory(Running)]";
    let text = pulse(1000.0, body).replace(
        "sources: Nodes([0])",
        "sources: Nodes([0]), payload: ((0.0, 0.0, 0.0, 2.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))",
    );
    let mut w = common::world(&text, Mode::Particle);
    w.step_once();
    let n0 = w.free(0) as f32;
    assert!(n0 > 50.0);
    w.step_once();
    assert_eq!(w.last.docked[0] as f32, n0);
    let close = |a: f32, b: f32| (a - b).abs() <= 1e-4 * b.abs().max(1.0);
    assert!(close(w.modulation.gain[0], 1.0 + 0.2 * n0), "gain {}", w.modulation.gain[0]);
    assert!(close(w.modulation.shift[0], -0.5 * n0), "shift {}", w.modulation.shift[0]);
    assert!(close(w.modulation.lr_mult[0], (0.02 * n0).exp()), "lr {}", w.modulation.lr_mult[0]);
    assert!(close(w.modulation.memory[0][0], 2.0) && close(w.modulation.memory[0][3], 1.0));
    assert_eq!(w.modulation.memory_count[0], n0);
    assert_eq!(w.modulation.gain[1], 1.0);
}

#[test]
fn full_population_drops_births_and_warns() {
    let text =
        pulse(100_000.0, "lifetime: (mean: 1e6), kernel: (mobility: 0.0), docking: (rate: 0.0)")
            .replace("dt: 0.1,", "dt: 0.1, capacity: 500,");
    let mut w = common::world(&text, Mode::Particle);
    w.step_once();
    assert_eq!(w.free(0), 500.0);
    assert!(w.totals.dropped[0] > 9000.0);
    assert!(w.warnings.iter().any(|m| m.contains("population is full")), "{:?}", w.warnings);
    common::check(&w);
}

#[test]
fn live_species_edit_keeps_the_population() {
    let mut w = common::world(
        &pulse(1000.0, "lifetime: (mean: 1e6), kernel: (mobility: 0.0), docking: (rate: 0.0)"),
        Mode::Particle,
    );
    w.step_once();
    let n0 = w.free(0);
    assert!(n0 > 50.0);
    // Let them move: every vesicle at node 0 now hops (mobility high) to nodes 1 and 2.
    let mut species = w.preset.species.clone();
    species[0].kernel.mobility = 1000.0;
    w.set_species(species.clone()).expect("valid edit");
    w.step_once();
    assert_eq!(w.free(0), n0, "the edit lost vesicles");
    assert_eq!(w.counts[0], 0.0, "nobody hopped after the edit");
    common::check(&w);
    // A bad edit is refused and changes nothing.
    species[0].kernel.temperature = -1.0;
    let err = w.set_species(species).expect_err("invalid");
    assert!(err.to_string().contains("temperature"), "{err}");
    assert_eq!(w.preset.species[0].kernel.temperature, 1.0);
    // Adding a species needs a rebuild.
    let mut more = w.preset.species.clone();
    more.push(more[0].clone());
    more[1].name = "other".into();
    assert!(w.set_species(more).is_err());
}
