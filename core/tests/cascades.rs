//! MODEL §6: a cascade's mean size is 1/(1 − m) below criticality, m = χ·E with
//! E = S·D / (1 − S(1 − D·p_abs)) dockings per vesicle. Roots are emitted during a pulse, then
//! emission stops and the run goes on until every cascade has finished, so no cascade is
//! censored. The tolerance is 5 standard errors of the mean, the standard error estimated from
//! the sample (n = the number of finished cascades, about 6,000–15,000 per case).

mod common;

use nv_core::Mode;

fn preset_text(chi: f64) -> String {
    format!(
        r#"(
        format: 1, name: "cascade", seed: 17, dt: 0.1,
        host: Graph((graph: WattsStrogatz(n: 50, k: 2, p: 0.1))),
        meta: [(name: "on", source: Schedule(Pulse(amplitude: 1.0, start: 0.0, width: 20.0)))],
        species: [(
            name: "c",
            emission: (trigger: Meta("on"), rate: 10.0, slope: 60.0, threshold: 0.5),
            lifetime: (mean: 2.0),
            kernel: (mobility: 1.0, direction: Both),
            docking: (rate: 1.0),
            absorption: 0.5,
            releases: [Cascade(species: "c", chi: {chi})],
        )],
    )"#
    )
}

fn dockings_per_vesicle() -> f64 {
    let dt = 0.1f64;
    let s = (-dt / 2.0).exp();
    let d = 1.0 - (-(1.0 * 0.5) * dt).exp(); // docking gain 0: k = k0 / 2
    s * d / (1.0 - s * (1.0 - d * 0.5))
}

#[test]
fn mean_cascade_size_matches_branching_theory() {
    let e = dockings_per_vesicle();
    for &m in &[0.3f64, 0.6, 0.9] {
        let chi = m / e;
        let mut w = common::world(&preset_text(chi), Mode::Particle);
        let mut steps = 0;
        while (steps < 250 || w.cascades.open_count() > 0) && steps < 20_000 {
            w.step_once();
            steps += 1;
        }
        common::check(&w);
        assert_eq!(w.cascades.open_count(), 0, "m = {m}: cascades still open after {steps} steps");
        let sizes: Vec<f64> = w.cascades.finished.iter().map(|c| c.size as f64).collect();
        let n = sizes.len() as f64;
        assert!(n > 5000.0, "m = {m}: only {n} cascades");
        let mean = sizes.iter().sum::<f64>() / n;
        let var = sizes.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (var / n).sqrt();
        let theory = 1.0 / (1.0 - m);
        assert!(
            (mean - theory).abs() < 5.0 * se,
            "m = {m}: mean size {mean:.3} ± {se:.3} (n = {n}), theory {theory:.3}"
        );
        for c in &w.cascades.finished {
            assert!(c.duration >= 1, "a cascade lasted no step: {c:?}");
            assert!((c.depth as u64) < c.size, "deeper than it is large: {c:?}");
        }
        // Every member was counted: births = sizes − roots.
        let total: f64 = sizes.iter().sum();
        let born = w.totals.emitted[0] + w.totals.cascade_born[0];
        assert_eq!(total, born, "m = {m}: cascade sizes do not add up to births");
    }
}
