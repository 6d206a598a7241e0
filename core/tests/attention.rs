//! MODEL §5, the attention limit: key nodes j emit value payloads v_j at a rate ∝ Z_j, the
//! kernel from key j to query i is exp(q_i·k_j)/Z_j, and a running-average `Memory` release
//! makes each query's slot converge to Σ_j softmax_j(q_i·k_j) v_j. Each key is its own species
//! (its own source and rate); the slot of query i is the mean of K_i arrivals drawn from the
//! softmax, so its error has standard deviation √(Var_i / K_i): we accept 5 of those, and
//! check the error shrinks as the number of arrivals grows.

mod common;

use std::path::Path;

use nv_core::Mode;

const Q: [[f32; 2]; 3] = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5]];
const K: [[f32; 2]; 4] = [[1.0, 0.2], [-0.5, 1.0], [0.3, -1.0], [0.0, 0.0]];
const V: [f32; 4] = [1.0, -2.0, 0.5, 3.0];

fn score(i: usize, j: usize) -> f32 {
    Q[i][0] * K[j][0] + Q[i][1] * K[j][1]
}

/// Keys are nodes 0..4, queries 4..7; edges key → query.
fn preset_text(rate: f32) -> String {
    let nk = K.len();
    let nq = Q.len();
    let mut edges = String::new();
    for j in 0..nk {
        for i in 0..nq {
            edges.push_str(&format!("{j},{}\n", nk + i));
        }
    }
    // Edge lists are read from the preset's folder: the world is built in the temporary one.
    let path = "attention_edges.csv";
    std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(path), edges)
        .expect("write");
    let mut species = String::new();
    for (j, v) in V.iter().enumerate() {
        let z: f32 = (0..nq).map(|i| score(i, j).exp()).sum();
        let bias: Vec<String> = (0..nq)
            .map(|i| format!("(from: {j}, to: {}, value: {})", nk + i, score(i, j)))
            .collect();
        species.push_str(&format!(
            r#"(
                name: "key{j}",
                emission: (trigger: Meta("one"), sources: Nodes([{j}]), rate: {r}, slope: 50.0,
                           threshold: 0.5,
                           payload: ((0.0, 0.0, 0.0, {v}), (0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0))),
                lifetime: (mean: 1000.0),
                kernel: (mobility: 200.0, bias: [{b}]),
                docking: (rate: 200.0, gain: 50.0, threshold: 0.5,
                          projection: ((0.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0))),
                absorption: 1.0,
                releases: [Memory(Running)],
            ),"#,
            r = rate * z,
            v = v,
            b = bias.join(", "),
        ));
    }
    format!(
        r#"(
        format: 1, name: "attention", seed: 5, dt: 0.1,
        host: Graph((graph: EdgeList(path: "{path}"), directed: true)),
        modulation: (tau: None),
        receptors: (default: (1.0, 0.0, 0.0, 0.0), overrides: [(Range({nk}, {n}), (0.0, 1.0, 0.0, 0.0))]),
        meta: [(name: "one", source: Slider(1.0))],
        species: [{species}],
    )"#,
        n = nk + nq
    )
}

/// Returns the largest error in units of its standard deviation, and the largest raw error.
fn run(rate: f32, steps: u64) -> (f64, f64) {
    let preset = common::preset(&preset_text(rate));
    let mut w = nv_core::World::new(preset, Mode::Particle, Path::new(env!("CARGO_TARGET_TMPDIR")))
        .expect("the attention world builds");
    w.advance(steps);
    common::check(&w);
    let nk = K.len();
    let (mut worst_z, mut worst) = (0.0f64, 0.0f64);
    for i in 0..Q.len() {
        let z: f64 = (0..nk).map(|j| (score(i, j) as f64).exp()).sum();
        let p: Vec<f64> = (0..nk).map(|j| (score(i, j) as f64).exp() / z).collect();
        let mean: f64 = (0..nk).map(|j| p[j] * V[j] as f64).sum();
        let var: f64 = (0..nk).map(|j| p[j] * (V[j] as f64 - mean).powi(2)).sum();
        let node = nk + i;
        let arrivals = w.modulation.memory_count[node] as f64;
        assert!(arrivals > 50.0, "query {i}: only {arrivals} arrivals");
        let got = w.modulation.memory[node][0] as f64;
        let err = (got - mean).abs();
        worst = worst.max(err);
        worst_z = worst_z.max(err / (var / arrivals).sqrt());
    }
    (worst_z, worst)
}

#[test]
fn memory_converges_to_softmax_attention() {
    let (z_small, err_small) = run(20.0, 100);
    let (z_large, err_large) = run(2000.0, 100);
    assert!(z_small < 5.0, "small N: error {z_small:.2} sigma");
    assert!(z_large < 5.0, "large N: error {z_large:.2} sigma");
    // 100× the arrivals: the error bound shrinks 10×; the observed worst error must be small.
    assert!(err_large < 0.05, "large N: worst error {err_large}");
    assert!(
        err_large < err_small || err_small < 0.02,
        "no convergence: {err_small} -> {err_large}"
    );
}
