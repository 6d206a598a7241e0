//! The spike-train comparison metrics (DARWIN3.md §5) against golden values computed offline by
//! elephant 1.2.1 and PySpike 0.9.0 (`tests/fixtures/spike_metrics.json`, which records each
//! library, version, parameter and normalisation), plus edge cases, symmetry and `compare`.
//! Tolerances: 1e-9 for raster, counts, van Rossum, Victor–Purpura, Γ and STTC; 1e-6 for the
//! ISI-distance, SPIKE-distance and SPIKE-synchronization.

use nv_core::spiking::metrics::{
    MetricOptions, MetricsError, coincidence, compare, counts, kreuz, raster, sttc, van_rossum,
    victor_purpura,
};
use serde_json::Value;

const FIXTURES: &str = include_str!("fixtures/spike_metrics.json");
const TIGHT: f64 = 1e-9;
const KREUZ: f64 = 1e-6;

fn fixtures() -> Value {
    serde_json::from_str(FIXTURES).expect("fixture JSON parses")
}

/// A number of the fixture: a float, "inf", or null (undefined).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::String(s) if s == "inf" => Some(f64::INFINITY),
        other => Some(other.as_f64().expect("a number")),
    }
}

fn steps_of(v: &Value) -> Vec<u64> {
    v.as_array().expect("train").iter().map(|s| s.as_u64().expect("step")).collect()
}

fn assert_close(what: &str, got: Option<f64>, expected: Option<f64>, tol: f64) {
    match (got, expected) {
        (Some(g), Some(e)) => assert!((g - e).abs() <= tol, "{what}: got {g}, expected {e}"),
        (None, None) => {}
        _ => panic!("{what}: got {got:?}, expected {expected:?}"),
    }
}

/// One fixture case: the trains in steps and in times, and its expected values.
struct Case {
    name: String,
    steps: u64,
    reference: Vec<u64>,
    emulated: Vec<u64>,
    t_ref: Vec<f64>,
    t_hw: Vec<f64>,
    t_end: f64,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let all = fixtures();
    all["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let steps = c["steps"].as_u64().expect("steps");
            let dt = c["dt"].as_f64().expect("dt");
            let reference = steps_of(&c["reference"]);
            let emulated = steps_of(&c["emulated"]);
            let times = |t: &[u64]| t.iter().map(|&s| s as f64 * dt).collect::<Vec<f64>>();
            Case {
                name: c["name"].as_str().expect("name").to_owned(),
                steps,
                t_ref: times(&reference),
                t_hw: times(&emulated),
                reference,
                emulated,
                t_end: steps as f64 * dt,
                expected: c["expected"].clone(),
            }
        })
        .collect()
}

fn entries<'a>(e: &'a Value, key: &str) -> &'a Vec<Value> {
    e[key].as_array().expect("parameter sweep")
}

#[test]
fn fixtures_cover_the_required_cases() {
    let names: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    for required in [
        "random_independent",
        "empty_both",
        "empty_reference",
        "identical",
        "single_spike_each",
        "coincident_partial",
        "shifted_by_3",
        "different_rates",
    ] {
        assert!(names.iter().any(|n| n == required), "missing fixture case {required}");
    }
    assert_eq!(fixtures()["versions"]["elephant"], "1.2.1");
    assert_eq!(fixtures()["versions"]["pyspike"], "0.9.0");
}

#[test]
fn raster_agreement_matches_the_fixtures() {
    for c in cases() {
        let e = &c.expected;
        let (hamming, first) = raster::hamming(&c.reference, &c.emulated);
        assert_eq!(hamming, e["hamming"].as_u64().expect("hamming"), "{}", c.name);
        assert_eq!(first, e["first_divergence"].as_u64(), "{}", c.name);
        for t in entries(e, "tolerance") {
            let k = t["k"].as_u64().expect("k");
            let r = raster::raster_agreement(&c.reference, &c.emulated, k);
            assert_eq!(r.matched, t["matched"].as_u64().expect("matched"), "{} k={k}", c.name);
            assert_close(
                &format!("{} precision k={k}", c.name),
                r.precision,
                number(&t["precision"]),
                TIGHT,
            );
            assert_close(
                &format!("{} recall k={k}", c.name),
                r.recall,
                number(&t["recall"]),
                TIGHT,
            );
        }
    }
}

#[test]
fn van_rossum_matches_elephant_over_sqrt2() {
    for c in cases() {
        for v in entries(&c.expected, "van_rossum") {
            let tau = number(&v["tau"]).expect("tau");
            let got = van_rossum::van_rossum_distance(&c.t_ref, &c.t_hw, tau);
            let what = format!("{} vR tau={tau}", c.name);
            assert_close(&what, Some(got), number(&v["value"]), TIGHT);
            let elephant = number(&v["elephant"]).expect("elephant value");
            assert_close(&what, Some(got * std::f64::consts::SQRT_2), Some(elephant), TIGHT);
        }
    }
}

#[test]
fn victor_purpura_matches_elephant() {
    for c in cases() {
        for v in entries(&c.expected, "victor_purpura") {
            let q = number(&v["q"]).expect("q");
            let got = victor_purpura::victor_purpura_distance(&c.t_ref, &c.t_hw, q);
            assert_close(&format!("{} VP q={q}", c.name), Some(got), number(&v["value"]), TIGHT);
        }
    }
}

#[test]
fn kreuz_measures_match_pyspike() {
    for c in cases() {
        let e = &c.expected;
        let isi = kreuz::isi_distance(&c.t_ref, &c.t_hw, 0.0, c.t_end);
        let spike = kreuz::spike_distance(&c.t_ref, &c.t_hw, 0.0, c.t_end);
        let sync = kreuz::spike_sync(&c.t_ref, &c.t_hw, 0.0, c.t_end);
        assert_close(&format!("{} ISI", c.name), Some(isi), number(&e["isi_distance"]), KREUZ);
        assert_close(
            &format!("{} SPIKE", c.name),
            Some(spike),
            number(&e["spike_distance"]),
            KREUZ,
        );
        assert_close(&format!("{} SYNC", c.name), Some(sync), number(&e["spike_sync"]), KREUZ);
        let isi_swapped = kreuz::isi_distance(&c.t_hw, &c.t_ref, 0.0, c.t_end);
        let spike_swapped = kreuz::spike_distance(&c.t_hw, &c.t_ref, 0.0, c.t_end);
        let sync_swapped = kreuz::spike_sync(&c.t_hw, &c.t_ref, 0.0, c.t_end);
        let what = format!("{} swapped", c.name);
        assert_close(&what, Some(isi_swapped), number(&e["isi_distance_swapped"]), KREUZ);
        assert_close(&what, Some(spike_swapped), number(&e["spike_distance_swapped"]), KREUZ);
        assert_close(&what, Some(sync_swapped), number(&e["spike_sync_swapped"]), KREUZ);
    }
}

#[test]
fn coincidence_factor_matches_the_definition() {
    for c in cases() {
        for g in entries(&c.expected, "gamma") {
            let w = g["window"].as_u64().expect("window");
            let n = coincidence::coincidences(&c.reference, &c.emulated, w);
            assert_eq!(n, g["coincidences"].as_u64().expect("coincidences"), "{} w={w}", c.name);
            let got = coincidence::coincidence_factor(&c.reference, &c.emulated, c.steps, w);
            assert_close(&format!("{} Gamma w={w}", c.name), got, number(&g["value"]), TIGHT);
        }
    }
}

#[test]
fn sttc_matches_elephant_both_ways() {
    for c in cases() {
        for s in entries(&c.expected, "sttc") {
            let w = s["window"].as_u64().expect("window");
            let what = format!("{} STTC w={w}", c.name);
            let got = sttc::sttc(&c.reference, &c.emulated, c.steps, w);
            assert_close(&what, got, number(&s["value"]), TIGHT);
            let swapped = sttc::sttc(&c.emulated, &c.reference, c.steps, w);
            assert_close(&what, swapped, number(&s["swapped"]), TIGHT);
        }
    }
}

#[test]
fn binned_correlation_matches_elephant() {
    for c in cases() {
        for b in entries(&c.expected, "binned_correlation") {
            let bin = b["bin"].as_u64().expect("bin");
            assert_eq!(c.steps / bin, b["n_bins"].as_u64().expect("n_bins"), "{}", c.name);
            let got = counts::binned_correlation(&c.reference, &c.emulated, c.steps, bin);
            assert_close(&format!("{} binned B={bin}", c.name), got, number(&b["value"]), TIGHT);
        }
    }
}

#[test]
fn population_counts_match_numpy() {
    let all = fixtures();
    let pop = &all["population"];
    let trains = |v: &Value| v.as_array().expect("trains").iter().map(steps_of).collect::<Vec<_>>();
    let (reference, emulated) = (trains(&pop["reference"]), trains(&pop["emulated"]));
    let n_ref: Vec<u64> = reference.iter().map(|t| t.len() as u64).collect();
    let n_hw: Vec<u64> = emulated.iter().map(|t| t.len() as u64).collect();
    let e = &pop["expected"];
    let error = counts::relative_count_error(&n_ref, &n_hw);
    assert_close("relative count error", error, number(&e["relative_count_error"]), TIGHT);
    assert_close("count Pearson", counts::pearson(&n_hw, &n_ref), number(&e["pearson"]), TIGHT);
    let steps = pop["steps"].as_u64().expect("steps");
    let cmp = compare(&reference, &emulated, steps, 0.001, &MetricOptions::default())
        .expect("valid trains");
    assert_close("summary error", cmp.summary.relative_count_error, error, 0.0);
    assert_close("summary r", cmp.summary.count_correlation, number(&e["pearson"]), TIGHT);
}

#[test]
fn edge_cases_follow_the_library_conventions() {
    let none: [f64; 0] = [];
    // van Rossum: one spike against none is 1/√2 (elephant: 1); the limits.
    let one = van_rossum::van_rossum_distance(&[0.5], &none, 0.01);
    assert!((one - std::f64::consts::FRAC_1_SQRT_2).abs() < TIGHT);
    assert!(
        (van_rossum::van_rossum_distance(&[1.0, 2.0], &[1.0], 0.0) - 1.5f64.sqrt()).abs() < TIGHT
    );
    let inf = van_rossum::van_rossum_distance(&[1.0, 2.0, 3.0], &[1.0], f64::INFINITY);
    assert!((inf - 2.0 / std::f64::consts::SQRT_2).abs() < TIGHT);
    // Victor–Purpura: q = 0 counts, q = ∞ adds, far spikes cost 2, near ones q·Δt.
    assert_eq!(victor_purpura::victor_purpura_distance(&[1.0, 2.0, 3.0], &[5.0], 0.0), 2.0);
    assert_eq!(victor_purpura::victor_purpura_distance(&[1.0], &[1.0], f64::INFINITY), 2.0);
    assert_eq!(victor_purpura::victor_purpura_distance(&[1.0], &[9.0], 1.0), 2.0);
    assert!((victor_purpura::victor_purpura_distance(&[1.0], &[1.5], 1.0) - 0.5).abs() < TIGHT);
    // Kreuz: empty against empty.
    assert_eq!(kreuz::isi_distance(&none, &none, 0.0, 1.0), 0.0);
    assert_eq!(kreuz::spike_distance(&none, &none, 0.0, 1.0), 0.0);
    assert_eq!(kreuz::spike_sync(&none, &none, 0.0, 1.0), 1.0);
    assert_eq!(kreuz::spike_sync(&[0.3], &none, 0.0, 1.0), 0.0);
    // STTC and Γ are undefined with an empty train; binned r with a constant train.
    assert_eq!(sttc::sttc(&[], &[3], 10, 1), None);
    assert_eq!(coincidence::coincidence_factor(&[], &[], 10, 1), None);
    assert_eq!(counts::binned_correlation(&[1, 2], &[], 20, 5), None);
    assert_eq!(counts::binned_correlation(&[1, 2], &[1, 2], 20, 0), None);
    // Identical trains: perfect on every metric.
    let t = [3u64, 7, 20, 21, 40];
    let f: Vec<f64> = t.iter().map(|&s| s as f64 * 0.001).collect();
    assert_eq!(raster::raster_agreement(&t, &t, 0).precision, Some(1.0));
    assert_eq!(van_rossum::van_rossum_distance(&f, &f, 0.004), 0.0);
    assert_eq!(victor_purpura::victor_purpura_distance(&f, &f, 300.0), 0.0);
    assert_eq!(kreuz::isi_distance(&f, &f, 0.0, 0.05), 0.0);
    assert_eq!(kreuz::spike_distance(&f, &f, 0.0, 0.05), 0.0);
    assert_eq!(kreuz::spike_sync(&f, &f, 0.0, 0.05), 1.0);
    assert_eq!(sttc::sttc(&t, &t, 50, 2), Some(1.0));
    // Tolerance matching is one-to-one: two emulated spikes cannot both match one reference.
    assert_eq!(raster::tolerance_matches(&[10], &[9, 11], 1), 1);
    assert_eq!(raster::tolerance_matches(&[10, 12], &[11, 13], 1), 2);
}

#[test]
fn symmetric_metrics_are_symmetric() {
    for c in cases() {
        let (a, b, t) = (&c.t_ref, &c.t_hw, c.t_end);
        let pairs = [
            (
                van_rossum::van_rossum_distance(a, b, t / 20.0),
                van_rossum::van_rossum_distance(b, a, t / 20.0),
            ),
            (
                victor_purpura::victor_purpura_distance(a, b, 10.0 / t),
                victor_purpura::victor_purpura_distance(b, a, 10.0 / t),
            ),
            (kreuz::isi_distance(a, b, 0.0, t), kreuz::isi_distance(b, a, 0.0, t)),
            (kreuz::spike_distance(a, b, 0.0, t), kreuz::spike_distance(b, a, 0.0, t)),
            (kreuz::spike_sync(a, b, 0.0, t), kreuz::spike_sync(b, a, 0.0, t)),
        ];
        for (i, (x, y)) in pairs.into_iter().enumerate() {
            assert!((x - y).abs() < TIGHT, "{} metric {i}: {x} vs {y}", c.name);
        }
        let (h1, h2) = (
            raster::hamming(&c.reference, &c.emulated),
            raster::hamming(&c.emulated, &c.reference),
        );
        assert_eq!(h1, h2, "{}", c.name);
    }
}

#[test]
fn compare_summarises_and_rejects_bad_input() {
    let reference = vec![vec![1, 5, 9], vec![], vec![2, 3]];
    let emulated = vec![vec![1, 5, 9], vec![4], vec![2, 3]];
    let cmp = compare(&reference, &emulated, 10, 0.001, &MetricOptions::default()).expect("valid");
    assert_eq!(cmp.neurons.len(), 3);
    assert!(!cmp.summary.exact_agreement);
    assert_eq!(cmp.summary.identical_neurons, 2);
    assert_eq!(cmp.summary.hamming, 1);
    let first = cmp.summary.first_divergence.expect("neuron 1 diverges");
    assert_eq!((first.step, first.neuron), (4, 1));
    assert_eq!(cmp.summary.recall, Some(1.0));
    assert_eq!(cmp.summary.precision, Some(5.0 / 6.0));
    let json = serde_json::to_string(&cmp).expect("Comparison serialises");
    assert!(json.contains("\"first_divergence\""));
    let same =
        compare(&reference, &reference, 10, 0.001, &MetricOptions::default()).expect("valid");
    assert!(same.summary.exact_agreement && same.summary.first_divergence.is_none());

    let opts = MetricOptions::default();
    assert!(matches!(
        compare(&reference, &emulated[..2], 10, 0.001, &opts),
        Err(MetricsError::NeuronCount { .. })
    ));
    assert!(matches!(
        compare(&[vec![3, 3]], &[vec![]], 10, 0.001, &opts),
        Err(MetricsError::Train { .. })
    ));
    assert!(matches!(
        compare(&[vec![10]], &[vec![]], 10, 0.001, &opts),
        Err(MetricsError::Train { .. })
    ));
    assert!(matches!(
        compare(&[vec![]], &[vec![]], 10, 0.0, &opts),
        Err(MetricsError::Parameter { .. })
    ));
    let no_bins = MetricOptions { bin_steps: 0, ..opts };
    assert!(matches!(
        compare(&[vec![]], &[vec![]], 10, 0.001, &no_bins),
        Err(MetricsError::Parameter { .. })
    ));
}

/// 10⁴ neurons × 10³ steps at about 5 % spikes per step: the comparison runs and is identical
/// on 1 and 4 threads (speed is measured separately, not asserted).
#[test]
fn large_population_is_deterministic_across_threads() {
    let rng = nv_core::rng::Rng::new(7);
    let (neurons, steps) = (10_000usize, 1_000u64);
    let train = |neuron: usize, stream: u32| -> Vec<u64> {
        (0..steps).filter(|&s| rng.uniform(s as u32, neuron as u64, stream) < 0.05).collect()
    };
    let reference: Vec<Vec<u64>> = (0..neurons).map(|n| train(n, 1)).collect();
    let emulated: Vec<Vec<u64>> =
        (0..neurons).map(|n| if n % 3 == 0 { train(n, 1) } else { train(n, 2) }).collect();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool").install(|| {
            compare(&reference, &emulated, steps, 0.001, &MetricOptions::default()).expect("valid")
        })
    };
    let (one, four) = (run(1), run(4));
    assert_eq!(one, four);
    assert_eq!(one.summary.identical_neurons, neurons.div_ceil(3));
}
