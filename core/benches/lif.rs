//! Criterion bench of the spiking reference ([`LifReference::step`]) on a sparse network of
//! 10⁵ neurons: 10⁴ Poisson inputs at 20 Hz, 9·10⁴ default LIF neurons, each hearing 40
//! inputs (FixedFanIn, 4–7 mV) and about 90 recurrent LIF neurons (Random p = 10⁻³, −1 to
//! 1.5 mV, delay 3 steps), dt = 0.1 ms; and the same without the recurrent projection (the
//! neuron update with few synaptic events). Throughput is in neuron-steps per step; run with
//! `RAYON_NUM_THREADS=2 cargo bench -p nv_core --bench lif`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nv_core::spiking::LifReference;
use nv_core::spiking::spec::{
    Connectivity, LifSpec, PopulationKind, PopulationSpec, ProjectionSpec, SpikingSpec, WeightDist,
};

/// The benched network's spec (`recurrent`: with the LIF → LIF projection).
fn spec(recurrent: bool) -> SpikingSpec {
    let projection = |from: &str, connectivity, weight, delay| ProjectionSpec {
        from: from.into(),
        to: "lif".into(),
        connectivity,
        weight,
        delay,
        plastic: false,
    };
    SpikingSpec {
        populations: vec![
            PopulationSpec {
                name: "in".into(),
                size: 10_000,
                kind: PopulationKind::Poisson { rate: 20.0 },
            },
            PopulationSpec {
                name: "lif".into(),
                size: 90_000,
                kind: PopulationKind::Lif(LifSpec::default()),
            },
        ],
        projections: vec![
            projection(
                "in",
                Connectivity::FixedFanIn { k: 40 },
                WeightDist::Uniform { low: 4.0, high: 7.0 },
                1,
            ),
            projection(
                "lif",
                Connectivity::Random { p: if recurrent { 1e-3 } else { 0.0 } },
                WeightDist::Uniform { low: -1.0, high: 1.5 },
                3,
            ),
        ],
        stdp: None,
        activity_tau: 0.05,
    }
}

fn lif_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("lif_reference");
    group.sample_size(20).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for (name, recurrent) in [("step_1e5_neurons", true), ("step_1e5_neurons_feedforward", false)] {
        bench_one(&mut group, name, recurrent);
    }
    group.finish();
}

fn bench_one(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    recurrent: bool,
) {
    let (net, _) = match nv_core::spiking::build(&spec(recurrent), 1e-4, 1) {
        Ok(built) => built,
        Err(e) => panic!("the bench network does not build: {e}"),
    };
    let weights = net.weights();
    let mut reference = match LifReference::new(&net, 1) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    // Past the onset transient.
    let warm = reference.run(2000, &weights).len();
    println!(
        "{name}: {} neurons, {} synapses, {:.1} spikes per neuron per second after warm-up",
        net.len(),
        net.synapses.len(),
        warm as f64 / net.len() as f64 / 0.2
    );
    group.throughput(Throughput::Elements(net.len() as u64));
    group.bench_function(name, |b| {
        b.iter(|| std::hint::black_box(reference.step(None, &weights).len()));
    });
}

criterion_group!(benches, lif_step);
criterion_main!(benches);
