//! MODEL §5, the dense short-lived regime: with population scale N (emission × N, payload ÷ N)
//! the per-node gain of the particle run approaches the density run's, with variance ∝ 1/N.
//! Measured on the shipped `film_limit` preset (12 nodes, twin runs of 600 steps, samples from
//! step 200 on): the mean squared gain difference is expected to fall 100× from N = 1 to
//! N = 100. Successive samples are correlated over about τ_mod/dt = 50 steps, so each estimate
//! rests on about 100 effective samples (relative standard error ≈ 15 %); the test accepts a
//! ratio between 40 and 250, more than four standard errors either way in log space.

use std::path::Path;

use nv_core::preset;
use nv_core::twin::Twin;

fn mean_squared_gain_difference(scale: f32) -> f64 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets");
    let mut p = preset::load(&dir.join("film_limit.ron")).unwrap_or_else(|e| panic!("{e}"));
    p.species[0].scale = scale;
    let mut twin = Twin::new(p, &dir).unwrap_or_else(|e| panic!("{e}"));
    let (mut sum, mut samples) = (0.0f64, 0usize);
    for step in 0..600 {
        twin.advance(1);
        if step >= 200 {
            let (a, b) = (&twin.particles.modulation.gain, &twin.density.modulation.gain);
            sum += a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum::<f64>();
            samples += a.len();
        }
    }
    sum / samples as f64
}

#[test]
fn gain_variance_falls_like_one_over_n() {
    let coarse = mean_squared_gain_difference(1.0);
    let fine = mean_squared_gain_difference(100.0);
    let ratio = coarse / fine;
    eprintln!("film limit: N = 1: {coarse:.3e}, N = 100: {fine:.3e}, ratio {ratio:.1}");
    assert!(coarse > 0.0 && fine > 0.0);
    assert!(
        (40.0..250.0).contains(&ratio),
        "N = 1: {coarse:.3e}, N = 100: {fine:.3e}, ratio {ratio:.1}"
    );
}
