//! The spiking reference against closed forms (MODEL §8): constant-input spike times,
//! delays, refractoriness, the exact propagator against a fine Euler integration, Poisson
//! input rates, STDP signs and three-factor gating, the built graph, and determinism across
//! thread counts.

use nv_core::spiking::spec::{
    Connectivity, LifSpec, PopulationKind, PopulationSpec, ProjectionSpec, SpikingSpec, StdpSpec,
    WeightDist,
};
use nv_core::spiking::{
    InputSource, LifParams, LifReference, NeuronKind, Population, SpikingNetwork, Stdp, Synapse,
    refractory_steps,
};

/// The default LIF parameters with `i_ext` and `t_ref` changed.
fn lif(i_ext: f64, t_ref: f64) -> LifParams {
    LifParams {
        tau_m: 0.02,
        tau_s: 0.005,
        v_rest: -65.0,
        v_reset: -65.0,
        theta: -50.0,
        t_ref,
        i_ext,
    }
}

/// A network of the given neurons, one population each, and synapses (sorted here).
fn network(dt: f64, neurons: Vec<NeuronKind>, mut synapses: Vec<Synapse>) -> SpikingNetwork {
    let populations = (0..neurons.len() as u32)
        .map(|i| Population { name: format!("p{i}"), start: i, len: 1, layer: i })
        .collect();
    synapses.sort_by_key(|s| (s.pre, s.post));
    SpikingNetwork { dt, neurons, populations, synapses }
}

fn synapse(pre: u32, post: u32, weight: f64, delay: u32, plastic: bool) -> Synapse {
    Synapse { pre, post, weight, delay, plastic }
}

fn schedule(steps: &[u64]) -> NeuronKind {
    NeuronKind::Input(InputSource::Schedule { steps: steps.to_vec() })
}

/// From rest with constant I_ext, v after k updates is v_rest + I_ext·(1 − a^k); the first
/// spike is at step k* − 1 (k* the first k reaching θ), and after a spike at s the neuron is
/// held for steps s+1 … s+n_ref−1 and restarts from v_reset = v_rest at s + n_ref, so the
/// period is n_ref − 1 + k*.
#[test]
fn constant_input_spike_times_match_the_closed_form() {
    let dt = 1e-4;
    let p = lif(20.0, 0.002);
    let net = network(dt, vec![NeuronKind::Lif(p)], vec![]);
    let mut r = LifReference::new(&net, 1).expect("valid");
    let a = (-dt / p.tau_m).exp();
    let closed = |k: i32| p.v_rest + p.i_ext * (1.0 - a.powi(k));
    let k_star = (1..).find(|&k| closed(k) >= p.theta).expect("v_inf is above θ");
    assert!(closed(k_star) - p.theta > 1e-6 && p.theta - closed(k_star - 1) > 1e-6, "no tie");
    let n_ref = refractory_steps(p.t_ref, dt) as i32;
    let period = (n_ref - 1 + k_star) as u64;
    let mut spikes = Vec::new();
    for t in 0..5000u64 {
        let fired = !r.step(None, &[]).is_empty();
        if t + 1 < k_star as u64 {
            let want = closed(t as i32 + 1);
            assert!((r.v()[0] - want).abs() < 1e-9, "step {t}: v {} vs {want}", r.v()[0]);
        }
        if fired {
            spikes.push(t);
        }
    }
    assert!(spikes.len() > 5);
    for (m, &s) in spikes.iter().enumerate() {
        assert_eq!(s, k_star as u64 - 1 + m as u64 * period, "spike {m} of {spikes:?}");
    }
}

/// A spike at step t reaches the post neuron at exactly t + d: I stays 0 before, and at t + d
/// (after the step) I = w·b and v = v_rest + w·τ_s/(τ_s − τ_m)·(b − a).
#[test]
fn a_spike_arrives_exactly_delay_steps_later() {
    let dt = 1e-4;
    let p = lif(0.0, 0.002);
    for d in [1u32, 2, 7] {
        let net = network(
            dt,
            vec![schedule(&[10]), NeuronKind::Lif(p)],
            vec![synapse(0, 1, 3.0, d, false)],
        );
        let mut r = LifReference::new(&net, 1).expect("valid");
        let w = net.weights();
        let (a, b) = ((-dt / p.tau_m).exp(), (-dt / p.tau_s).exp());
        for t in 0..30u64 {
            let spikes = r.step(None, &w).to_vec();
            assert_eq!(spikes.contains(&0), t == 10);
            assert_eq!(r.input_spikes().contains(&0), t == 10);
            let arrival = 10 + d as u64;
            if t < arrival {
                assert_eq!(r.current()[1], 0.0, "d = {d}, step {t}");
                assert_eq!(r.v()[1], p.v_rest);
            } else if t == arrival {
                assert!((r.current()[1] - 3.0 * b).abs() < 1e-12);
                let want = p.v_rest + 3.0 * p.tau_s / (p.tau_s - p.tau_m) * (b - a);
                assert!((r.v()[1] - want).abs() < 1e-12, "d = {d}");
            }
        }
    }
}

/// With a drive that crosses θ in one step, the neuron spikes every n_ref steps, is held at
/// v_reset in between, and n_ref = ⌊t_ref/dt + 10⁻³⌋ (t_ref = 0.49 ms at dt = 0.1 ms: 4, where
/// rounding would give 5).
#[test]
fn refractory_neurons_hold_v_reset_for_n_ref_steps() {
    let dt = 1e-4;
    let mut p = lif(10_000.0, 0.00049);
    p.v_reset = -70.0;
    let net = network(dt, vec![NeuronKind::Lif(p)], vec![]);
    let mut r = LifReference::new(&net, 1).expect("valid");
    let mut last = None;
    for t in 0..100u64 {
        let fired = !r.step(None, &[]).is_empty();
        if fired {
            if let Some(s) = last {
                assert_eq!(t - s, 4, "spikes at {s} and {t}");
            }
            last = Some(t);
        } else {
            let s = last.expect("spikes at step 0");
            assert!(t - s < 4);
            assert_eq!(r.v()[0], p.v_reset, "held at step {t}");
        }
        assert_eq!(r.last_spike(0), last);
    }
}

/// The exact step against forward Euler with h = dt / 20,000 over 40 steps, v and I
/// integrated together: Euler's global error is O(h), about 1e-5 mV here; tolerance 1e-4 mV.
#[test]
fn the_propagator_matches_a_fine_euler_integration() {
    let dt = 5e-4;
    let mut p = lif(7.0, 0.0);
    p.theta = 100.0; // never spikes
    let net = network(
        dt,
        vec![schedule(&[0, 9]), NeuronKind::Lif(p)],
        vec![synapse(0, 1, 12.0, 1, false)],
    );
    let mut r = LifReference::new(&net, 1).expect("valid");
    let w = net.weights();
    let (mut v, mut i) = (p.v_rest, 0.0f64);
    let sub = 20_000;
    let h = dt / sub as f64;
    let mut worst: f64 = 0.0;
    for t in 0..40u64 {
        r.step(None, &w);
        // Inputs due at step t arrive at its start (spikes at 0 and 9, delay 1).
        if t == 1 || t == 10 {
            i += 12.0;
        }
        for _ in 0..sub {
            let dv = (p.v_rest - v + i + p.i_ext) / p.tau_m;
            let di = -i / p.tau_s;
            v += h * dv;
            i += h * di;
        }
        worst = worst.max((r.v()[1] - v).abs()).max((r.current()[1] - i).abs());
    }
    assert!(worst < 1e-4, "largest difference {worst} mV");
    assert!(worst > 0.0, "Euler is not exact");
}

/// 1,000 Poisson sources at 50 Hz for 2,000 steps of 1 ms: the spike count is
/// Binomial(2·10⁶, p = 1 − e^(−0.05)), mean ≈ 97,541 and σ ≈ 301; tolerance 5σ. Also: each
/// source is replayable (the same seed gives the same spikes).
#[test]
fn poisson_inputs_fire_at_their_rate() {
    let (n, steps, rate, dt) = (1000usize, 2000u64, 50.0, 1e-3);
    let neurons = vec![NeuronKind::Input(InputSource::Poisson { rate }); n];
    let net = SpikingNetwork {
        dt,
        neurons,
        populations: vec![Population { name: "in".into(), start: 0, len: n as u32, layer: 0 }],
        synapses: vec![],
    };
    let mut r = LifReference::new(&net, 7).expect("valid");
    let spikes = r.run(steps, &[]);
    let p = 1.0 - (-rate * dt).exp();
    let trials = (n as u64 * steps) as f64;
    let (mean, sigma) = (trials * p, (trials * p * (1.0 - p)).sqrt());
    let count = spikes.len() as f64;
    assert!((count - mean).abs() < 5.0 * sigma, "{count} spikes, expected {mean} ± {sigma}");
    let again = LifReference::new(&net, 7).expect("valid").run(steps, &[]);
    assert_eq!(spikes, again);
    let other = LifReference::new(&net, 8).expect("valid").run(steps, &[]);
    assert_ne!(spikes, other);
}

/// Pre (neuron 0) at step `pre`, and a forced post spike (neuron 1 gets 1000 mV from neuron 2
/// at `post_driver`, so it fires one step later): the plastic synapse 0 → 1 after 40 steps.
fn stdp_pair(pre: u64, post_driver: u64, spec: StdpSpec, eta: f32) -> (f64, Option<u64>) {
    let dt = 1e-3;
    // A refractory period longer than the run: the post neuron fires exactly once.
    let p = lif(0.0, 0.05);
    let net = network(
        dt,
        vec![schedule(&[pre]), NeuronKind::Lif(p), schedule(&[post_driver])],
        vec![synapse(0, 1, 1.0, 1, true), synapse(2, 1, 1000.0, 1, false)],
    );
    let mut r = LifReference::new(&net, 1).expect("valid");
    let mut stdp = Stdp::new(&spec, r.topology(), dt);
    let mut w = net.weights();
    let eta = vec![eta; 3];
    for _ in 0..40 {
        stdp.before_step(r.topology(), &eta, &mut w);
        let spikes = r.step(None, &w).to_vec();
        stdp.after_step(r.topology(), &spikes, &eta, &mut w);
    }
    (w[0], r.last_spike(1))
}

/// Pre before post potentiates by a_plus·e^(−Δt/τ_plus); post before pre depresses by
/// a_minus·e^(−Δt/τ_minus); both orderings of learning give the same signs.
#[test]
fn stdp_pre_before_post_potentiates() {
    for previous_step in [false, true] {
        let spec = StdpSpec { w_max: 10.0, previous_step, ..StdpSpec::default() };
        let (w, post) = stdp_pair(10, 14, spec, 1.0);
        assert_eq!(post, Some(15));
        let want = 1.0 + spec.a_plus * (-5.0 * 1e-3 / spec.tau_plus).exp();
        assert!((w - want).abs() < 1e-12, "potentiation: {w} vs {want}");
        let (w, post) = stdp_pair(20, 14, spec, 1.0);
        assert_eq!(post, Some(15));
        let want = 1.0 - spec.a_minus * (-5.0 * 1e-3 / spec.tau_minus).exp();
        assert!((w - want).abs() < 1e-12, "depression: {w} vs {want}");
    }
}

/// Three-factor: with η = 0 the weights never move; with η = 1 the eligibility turns into
/// the same sign of change, approaching the two-factor change as steps accumulate
/// (Σ e·dt/τ_e over 40 steps is 1 − e^(−40·dt/τ_e) ≈ 7.7 % of it at τ_e = 0.5 s).
#[test]
fn three_factor_eta_zero_freezes_weights() {
    let spec = StdpSpec { three_factor: true, ..StdpSpec::default() };
    let (w, _) = stdp_pair(10, 14, spec, 0.0);
    assert_eq!(w, 1.0);
    let (w_on, _) = stdp_pair(10, 14, spec, 1.0);
    assert!(w_on > 1.0, "{w_on}");
    let (w_two, _) = stdp_pair(10, 14, StdpSpec::default(), 1.0);
    assert!(w_on - 1.0 < w_two - 1.0);
    let (w_big, _) = stdp_pair(10, 14, spec, 4.0);
    assert!(((w_big - 1.0) - 4.0 * (w_on - 1.0)).abs() < 1e-12, "η scales the change");
}

fn spec_with(populations: Vec<PopulationSpec>, projections: Vec<ProjectionSpec>) -> SpikingSpec {
    SpikingSpec { populations, projections, stdp: None, activity_tau: 0.05 }
}

fn population(name: &str, size: u32, kind: PopulationKind) -> PopulationSpec {
    PopulationSpec { name: name.into(), size, kind }
}

fn projection(from: &str, to: &str, connectivity: Connectivity) -> ProjectionSpec {
    ProjectionSpec {
        from: from.into(),
        to: to.into(),
        connectivity,
        weight: WeightDist::Uniform { low: 0.5, high: 1.5 },
        delay: 2,
        plastic: false,
    }
}

/// The graph's edge k is synapse k; roles and layers follow the populations; fan-in is
/// exact, without self-connections; the build is a function of the seed.
#[test]
fn the_built_graph_matches_the_network() {
    let spec = spec_with(
        vec![
            population("in", 20, PopulationKind::Poisson { rate: 10.0 }),
            population("hid", 30, PopulationKind::Lif(LifSpec::default())),
            population("out", 5, PopulationKind::Lif(LifSpec::default())),
        ],
        vec![
            projection("in", "hid", Connectivity::FixedFanIn { k: 6 }),
            projection("hid", "hid", Connectivity::FixedFanIn { k: 29 }),
            projection("hid", "out", Connectivity::Random { p: 0.3 }),
            projection("in", "out", Connectivity::All),
        ],
    );
    let (net, graph) = nv_core::spiking::build(&spec, 1e-3, 5).expect("builds");
    net.check().expect("invariants");
    assert_eq!(graph.n(), 55);
    assert_eq!(graph.m(), net.synapses.len());
    for (k, s) in net.synapses.iter().enumerate() {
        assert_eq!((graph.edge_src[k], graph.edge_dst[k]), (s.pre, s.post), "edge {k}");
        assert_eq!(graph.edge_weight[k], s.weight as f32);
        assert!(s.pre != s.post);
    }
    use nv_core::graph::Role;
    assert_eq!(graph.role[0], Role::Input);
    assert_eq!(graph.role[20], Role::Hidden);
    assert_eq!(graph.role[54], Role::Output);
    assert_eq!((graph.layer[0], graph.layer[25], graph.layer[50]), (0, 1, 2));
    for i in 20..50usize {
        let from_in = graph.in_edges_of(i).iter().filter(|&&e| graph.edge_src[e as usize] < 20);
        assert_eq!(from_in.count(), 6);
        assert_eq!(graph.in_edges_of(i).len(), 6 + 29);
    }
    let random = net.synapses.iter().filter(|s| (20..50).contains(&s.pre) && s.post >= 50).count();
    // Binomial(150, 0.3): mean 45, σ ≈ 5.6; 5σ.
    assert!((random as f64 - 45.0).abs() < 28.0, "{random}");
    let (again, _) = nv_core::spiking::build(&spec, 1e-3, 5).expect("builds");
    assert_eq!(net, again);
    let (other, _) = nv_core::spiking::build(&spec, 1e-3, 6).expect("builds");
    assert_ne!(net, other);
}

/// A preset text of a recurrent network with Poisson input and three-factor STDP.
fn recurrent_preset(neurons: u32) -> String {
    format!(
        r#"Preset(
    format: 1,
    name: "det",
    dt: 0.001,
    host: Spiking((
        populations: [
            (name: "in", size: 200, kind: Poisson(rate: 40.0)),
            (name: "exc", size: {neurons}, kind: Lif(())),
        ],
        projections: [
            (from: "in", to: "exc", connectivity: FixedFanIn(k: 20), weight: Uniform(low: 1.0, high: 4.0), plastic: true),
            (from: "exc", to: "exc", connectivity: Random(p: 0.02), weight: Normal(mean: 1.0, std: 0.5), delay: 3, plastic: true),
        ],
        stdp: Some((three_factor: true, tau_e: 0.05)),
    )),
    species: [(
        name: "lr",
        emission: (trigger: Activity, rate: 20.0, threshold: 10.0, slope: 0.5),
        kernel: (mobility: 5.0),
        docking: (rate: 2.0),
        releases: [LearningRate((eta: 0.5, u: (0.0, 0.0, 0.0, 1.0))), Threshold((eta: 0.5, u: (0.0, 0.0, 0.0, 1.0)))],
    )],
)"#
    )
}

/// One run's spikes, activities and learned weights.
fn run_world(text: &str, steps: u64) -> (Vec<(u64, u32)>, Vec<f32>, Vec<f64>) {
    let preset = nv_core::preset::from_str(text, "t.ron").expect("valid");
    let mut w = nv_core::World::new(preset, nv_core::Mode::Particle, std::path::Path::new("."))
        .expect("builds");
    w.advance(steps);
    let nv_core::host::Host::Spiking(h) = &w.host else { panic!("a spiking host") };
    (h.raster().iter().copied().collect(), w.signals.activity.clone(), h.weights().to_vec())
}

/// The same preset and seed give the same spikes, activities and weights, bit for bit, on 1
/// and 2 threads (4,800 neurons: more than one parallel chunk).
#[test]
fn a_spiking_world_is_the_same_on_one_and_two_threads() {
    let text = recurrent_preset(4600);
    let pool = |k| rayon::ThreadPoolBuilder::new().num_threads(k).build().expect("pool");
    let one = pool(1).install(|| run_world(&text, 150));
    let two = pool(2).install(|| run_world(&text, 150));
    assert!(one.0.len() > 1000, "the network is active: {} spikes", one.0.len());
    assert!(one.0.iter().any(|&(_, i)| i >= 200), "LIF neurons fire");
    assert_eq!(one.0, two.0);
    assert_eq!(one.1, two.1);
    assert_eq!(one.2, two.2);
    let initial = {
        let p = nv_core::preset::from_str(&text, "t.ron").expect("valid");
        let nv_core::host::HostSpec::Spiking(s) = &p.host else { panic!() };
        nv_core::spiking::build(s, 0.001, p.seed).expect("builds").0.weights()
    };
    assert_ne!(one.2, initial, "STDP changed weights");
}

/// The reference against Brian2 2.9 (`tests/fixtures/brian2_lif.json`, made by a throwaway
/// script whose parameters the file lists): 6 scheduled inputs and 8 LIF neurons with mixed
/// parameters and recurrent synapses of delays 1–5 steps, 3,000 steps of 0.1 ms: the same
/// spikes, spike for spike.
#[test]
fn the_reference_reproduces_brian2_spike_for_spike() {
    assert_matches_brian2("brian2_lif.json", 300);
}

/// The reference against Brian2 2.9 with refractory periods that are not whole numbers of
/// steps (`tests/fixtures/brian2_lif_tref.json`, made by `brian2_lif_tref.py` beside it): at
/// dt = 1 ms, t_ref = 2.5, 1.5, 3.5, 1.9999999 and 0.5 ms (n_ref = 2, 1, 3, 2, 0 by
/// ⌊t_ref/dt + 10⁻³⌋), 4 scheduled inputs and 15 LIF neurons, 600 steps: the same spikes,
/// spike for spike (rounding 2.5 up to 3 would not be).
#[test]
fn the_reference_reproduces_brian2_with_fractional_refractory_periods() {
    assert_matches_brian2("brian2_lif_tref.json", 1000);
}

/// Runs the network a Brian2 fixture under `tests/fixtures/` describes and asserts the same
/// LIF spikes, spike for spike; the fixture must hold more than `min_spikes`.
fn assert_matches_brian2(file: &str, min_spikes: usize) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(file);
    let text = std::fs::read_to_string(path).expect("the fixture");
    let fx: serde_json::Value = serde_json::from_str(&text).expect("json");
    let num = |v: &serde_json::Value| v.as_f64().expect("a number");
    let mut neurons: Vec<NeuronKind> = fx["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|s| {
            let steps = s.as_array().expect("steps").iter().map(|t| t.as_u64().expect("step"));
            schedule(&steps.collect::<Vec<u64>>())
        })
        .collect();
    for p in fx["lif"].as_array().expect("lif") {
        neurons.push(NeuronKind::Lif(LifParams {
            tau_m: num(&p["tau_m"]),
            tau_s: num(&p["tau_s"]),
            v_rest: num(&p["v_rest"]),
            v_reset: num(&p["v_reset"]),
            theta: num(&p["theta"]),
            t_ref: num(&p["t_ref"]),
            i_ext: num(&p["i_ext"]),
        }));
    }
    let synapses = fx["synapses"]
        .as_array()
        .expect("synapses")
        .iter()
        .map(|s| {
            let int = |k: &str| s[k].as_u64().expect("an integer") as u32;
            synapse(int("pre"), int("post"), num(&s["weight"]), int("delay"), false)
        })
        .collect();
    let net = network(num(&fx["dt"]), neurons, synapses);
    let steps = fx["steps"].as_u64().expect("steps");
    let n_inputs = fx["inputs"].as_array().expect("inputs").len() as u32;
    let ours: Vec<(u64, u32)> = LifReference::new(&net, 0)
        .expect("valid")
        .run(steps, &net.weights())
        .into_iter()
        .filter(|&(_, i)| i >= n_inputs)
        .collect();
    let theirs: Vec<(u64, u32)> = fx["spikes"]
        .as_array()
        .expect("spikes")
        .iter()
        .map(|s| (s[0].as_u64().expect("step"), s[1].as_u64().expect("neuron") as u32))
        .collect();
    assert!(theirs.len() > min_spikes, "the fixture is active");
    let first = ours.iter().zip(&theirs).position(|(a, b)| a != b);
    assert_eq!(ours.len(), theirs.len(), "first difference at {first:?}");
    assert_eq!(
        first,
        None,
        "ours {:?} vs Brian2 {:?}",
        first.map(|k| ours[k]),
        first.map(|k| theirs[k])
    );
}

/// MODEL §8's n_ref = ⌊t_ref/dt + 10⁻³⌋ (Brian2's rounding): a fractional ratio of .5 or more
/// is not rounded up, a ratio a hair under a whole number counts it, and 0, negative or NaN
/// periods give no refractory step.
#[test]
fn refractory_steps_floor_with_brian2s_tolerance() {
    assert_eq!(refractory_steps(2.5e-3, 1e-3), 2);
    assert_eq!(refractory_steps(2.0e-3, 1e-3), 2);
    assert_eq!(refractory_steps(1.9999999e-3, 1e-3), 2);
    assert_eq!(refractory_steps(2.9e-3, 1e-3), 2);
    assert_eq!(refractory_steps(0.5e-3, 1e-3), 0);
    assert_eq!(refractory_steps(0.002, 1e-4), 20);
    assert_eq!(refractory_steps(0.0, 1e-3), 0);
    assert_eq!(refractory_steps(-1.0, 1e-3), 0);
    assert_eq!(refractory_steps(f64::NAN, 1e-3), 0);
}

/// A neuron driven hard enough to fire on the first step it may (I_ext = 200 mV above a 15 mV
/// threshold gap) is held for exactly n_ref steps after each spike: spikes n_ref apart for
/// t_ref = 2.5 ms (n_ref 2, not 3), 2 ms, 1.9999999 ms (2) and 3.5 ms (3) at dt = 1 ms, and v
/// stays at v_reset on the held steps.
#[test]
fn a_network_stays_refractory_exactly_n_ref_steps() {
    let dt = 1e-3;
    for (t_ref, n_ref) in [(2.5e-3, 2u64), (2.0e-3, 2), (1.9999999e-3, 2), (3.5e-3, 3)] {
        let mut p = lif(200.0, t_ref);
        p.tau_m = 0.01;
        let net = network(dt, vec![NeuronKind::Lif(p)], vec![]);
        let mut r = LifReference::new(&net, 1).expect("valid");
        let mut spikes = Vec::new();
        for t in 0..40u64 {
            let fired = !r.step(None, &[]).is_empty();
            if fired {
                spikes.push(t);
            } else if let Some(&last) = spikes.last() {
                assert_eq!(r.v()[0], p.v_reset, "t_ref {t_ref}: step {t} is held");
                assert!(t < last + n_ref, "t_ref {t_ref}: held at {t} after {last}");
            }
        }
        assert_eq!(spikes[0], 0, "t_ref {t_ref}: fires on the first step");
        let gaps: Vec<u64> = spikes.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.len() > 5 && gaps.iter().all(|&g| g == n_ref), "t_ref {t_ref}: {gaps:?}");
    }
}
