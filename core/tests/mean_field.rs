//! MODEL §4: with feedback off, the density map is exact in expectation. Emissions are Poisson
//! and vesicles move independently, so each particle count N_i(t) is exactly Poisson with mean
//! ρ_i(t), independently across nodes and species (Poisson colouring). The statistic
//! χ² = Σ (N − ρ)² / ρ over K cells with ρ ≥ 5 then has mean K and standard deviation √(2K);
//! the tests accept |χ² − K| < 5√(2K).

mod common;

use nv_core::Mode;
use nv_core::twin::Twin;

fn chi_square(twin: &Twin) -> (f64, usize) {
    let n = twin.particles.n();
    let (mut chi2, mut cells) = (0.0f64, 0usize);
    for k in 0..twin.particles.species.len() {
        for i in 0..n {
            let rho = twin.density.counts[k * n + i] as f64;
            if rho >= 5.0 {
                let d = twin.particles.counts[k * n + i] as f64 - rho;
                chi2 += d * d / rho;
                cells += 1;
            }
        }
    }
    (chi2, cells)
}

fn run_and_test(text: &str, steps: u64, min_cells: usize) {
    let p = common::preset(text);
    let mut twin = Twin::new(p, std::path::Path::new(".")).expect("builds");
    for _ in 0..steps {
        twin.advance(1);
        common::check(&twin.particles);
        common::check(&twin.density);
    }
    let (chi2, k) = chi_square(&twin);
    assert!(k >= min_cells, "only {k} cells with rho >= 5");
    let sigma = (2.0 * k as f64).sqrt();
    assert!(
        (chi2 - k as f64).abs() < 5.0 * sigma,
        "chi2 = {chi2:.1} over {k} cells (expected {k} ± {sigma:.1})"
    );
    // Total payload mass: Σ c over vesicles vs Σ C. Compound Poisson: the variance of the sum is
    // estimated by Σ c² (n = all live vesicles); accept 5 sigma.
    let pool = twin.particles.pool().expect("particles");
    let dens = twin.density.density().expect("density");
    for d in 0..4 {
        let (mut sum, mut sq) = (0.0f64, 0.0f64);
        for s in 0..pool.len() {
            if pool.alive[s] {
                let c = twin.particles.payload_of(s).expect("live vesicle")[d] as f64;
                sum += c;
                sq += c * c;
            }
        }
        let expected: f64 = dens.mass.iter().map(|m| m[d] as f64).sum();
        assert!(
            (sum - expected).abs() <= 5.0 * sq.sqrt() + 1e-3 * expected.abs() + 1e-6,
            "payload component {d}: particles {sum:.2}, density {expected:.2}, sigma {:.2}",
            sq.sqrt()
        );
    }
}

/// An undirected ring, kernel direction `Both`, every static kernel term on, a time-varying
/// stimulus (fields depend on time, never on the vesicles).
#[test]
fn exact_on_ring_both_directions() {
    let text = r#"(
        format: 1, name: "mf ring", seed: 3, dt: 0.1,
        host: Graph((
            graph: Ring(n: 16, k: 2),
            weights: Uniform(-1.0, 1.0),
            stimuli: [
                (nodes: Range(0, 5), wave: Constant(level: 1.0)),
                (nodes: Range(8, 12), wave: Sine(amplitude: 1.0, period: 3.0)),
            ],
        )),
        species: [(
            name: "v",
            emission: (trigger: Activity, rate: 8000.0, slope: 3.0, threshold: 0.3,
                       payload: ((1.0, 0.0, 0.0, 0.5), (0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0))),
            lifetime: (law: Exponential, mean: 3.0),
            payload_fade: Some(5.0),
            kernel: (mobility: 2.0, direction: Both, temperature: 0.7, alpha_weight: 1.0,
                     alpha_activity: 0.5,
                     bias: [(from: 0, to: 1, value: 2.0), (from: 5, to: 4, value: -1.5)]),
            docking: (rate: 0.5),
            absorption: 0.6,
            releases: [Memory(Running)],
        )],
    )"#;
    run_and_test(text, 60, 16);
}

/// A directed grid with one forward and one backward species (edges only one way).
#[test]
fn exact_on_directed_grid_forward_and_backward() {
    let text = r#"(
        format: 1, name: "mf grid", seed: 9, dt: 0.05,
        host: Graph((
            graph: Grid(width: 5, height: 5),
            directed: true,
            weights: Normal(1.0),
            stimuli: [(nodes: Nodes([0, 6, 12, 24]), wave: Constant(level: 2.0))],
        )),
        species: [
            (
                name: "fwd",
                emission: (trigger: Activity, rate: 6000.0, slope: 2.0, threshold: 1.0),
                lifetime: (mean: 4.0),
                kernel: (mobility: 3.0, direction: Forward, alpha_weight: 0.8),
                docking: (rate: 0.4),
                absorption: 1.0,
            ),
            (
                name: "bwd",
                emission: (trigger: Activity, rate: 6000.0, slope: 2.0, threshold: 1.0),
                lifetime: (mean: 2.0),
                kernel: (mobility: 1.5, direction: Backward, temperature: 2.0, alpha_activity: 1.0),
                docking: (rate: 1.0),
                absorption: 0.3,
            ),
        ],
    )"#;
    run_and_test(text, 80, 20);
}

/// Density mode alone reaches the analytic steady state on a single node:
/// ρ* = λ dt / (1 − S(1 − D p_abs)) when nothing can hop.
#[test]
fn density_steady_state_single_node() {
    let text = r#"(
        format: 1, name: "one", dt: 0.1,
        host: Graph((graph: Ring(n: 3, k: 1), directed: true,
                     stimuli: [(nodes: All, wave: Constant(level: 0.0))])),
        species: [(
            name: "v",
            emission: (rate: 10.0, slope: 0.0, sources: Nodes([1])),
            lifetime: (mean: 2.0),
            kernel: (mobility: 0.0),
            docking: (rate: 1.0),
            absorption: 0.5,
        )],
    )"#;
    let mut w = common::world(text, Mode::Density);
    w.advance(2000);
    let dt = 0.1f64;
    let s = (-dt / 2.0).exp();
    let d = 1.0 - (-(1.0 * 0.5) * dt).exp(); // gain 0: k = k0 σ(0) = k0 / 2
    let lambda_dt = 10.0 * 0.5 * dt; // slope 0: σ(0) = 1/2
    let expected = lambda_dt / (1.0 - s * (1.0 - d * 0.5));
    let got = w.counts[1] as f64;
    assert!((got - expected).abs() < 1e-3 * expected, "rho = {got}, expected {expected}");
}
