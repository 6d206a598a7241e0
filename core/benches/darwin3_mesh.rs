//! Criterion benches of the Darwin3 placement and mesh timing model (DARWIN3.md §4.1, §4.8).
//!
//! Placement: networks of 10⁴ and 10⁵ neurons cut into chunks of at most 4096 (3 and 25 chunks,
//! each sending to the next three, plus one host-input chunk feeding the first), and a stress
//! case of 500 small chunks (each sending to 3 of the next 8 and to one random chunk), with
//! zig-zag, greedy and greedy + 20,000 annealing moves. Mesh: one step of 10⁵ and 10⁶ random
//! packets (tiles and host edges, all classes, injected in cycles 0..1000) with contention.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nv_core::darwin3::mesh::{MeshModel, MeshSettings};
use nv_core::darwin3::placement::AnnealSettings;
use nv_core::darwin3::{Chunk, Placement, place};
use nv_core::rng::{Rng, UniformSeq};

/// A uniform index in `0..n`.
fn index(seq: &mut UniformSeq<'_>, n: usize) -> usize {
    ((u64::from(seq.next_word()) * n as u64) >> 32) as usize
}

fn chunk(len: u32, input: bool) -> Chunk {
    Chunk { population: 0, start: 0, len, dendrite_words: 4 * len, axon_words: len, input }
}

/// A network of `neurons` in chunks of ≤ 4096, each sending to the next three, fed by one input.
fn network(neurons: u32) -> (Vec<Chunk>, Vec<(usize, usize, f64)>) {
    let mut chunks = vec![chunk(256, true)];
    let mut left = neurons;
    while left > 0 {
        let len = left.min(4096);
        chunks.push(chunk(len, false));
        left -= len;
    }
    let n = chunks.len();
    let mut traffic = vec![(0, 1, 50.0)];
    for a in 1..n {
        for b in a + 1..(a + 4).min(n) {
            traffic.push((a, b, 10.0 * (b - a) as f64));
        }
    }
    (chunks, traffic)
}

/// 500 small chunks: 3 links each among the next 8 and one to a random chunk.
fn stress() -> (Vec<Chunk>, Vec<(usize, usize, f64)>) {
    let n = 500;
    let rng = Rng::new(7);
    let mut seq = UniformSeq::new(&rng, 0, 0, 0);
    let chunks = (0..n).map(|_| chunk(64, false)).collect();
    let mut traffic = Vec::new();
    for a in 0..n {
        for _ in 0..3 {
            let b = a + 1 + index(&mut seq, 8);
            if b < n {
                traffic.push((a, b, 0.1 + 9.9 * seq.next_f64()));
            }
        }
        traffic.push((a, index(&mut seq, n), 0.1 + 9.9 * seq.next_f64()));
    }
    (chunks, traffic)
}

fn placement(c: &mut Criterion) {
    let mut group = c.benchmark_group("darwin3_placement");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let cases = [
        ("1e4_neurons", network(10_000)),
        ("1e5_neurons", network(100_000)),
        ("500_chunks", stress()),
    ];
    let anneal = AnnealSettings { seed: 1, iterations: 20_000, start_temperature: 1.0 };
    let methods = [
        ("zigzag", Placement::zigzag()),
        ("greedy", Placement::greedy()),
        ("greedy_anneal", Placement::greedy().annealed(anneal)),
    ];
    for (case, (chunks, traffic)) in &cases {
        for (name, method) in methods {
            group.bench_function(BenchmarkId::new(name, case), |b| {
                b.iter(|| match place(chunks, traffic, method) {
                    Ok(coords) => std::hint::black_box(coords),
                    Err(e) => panic!("{case} does not place with {name}: {e}"),
                });
            });
        }
    }
    group.finish();
}

fn mesh(c: &mut Criterion) {
    let mut group = c.benchmark_group("darwin3_mesh_step");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for n in [100_000, 1_000_000] {
        let packets = nv_core::darwin3::bench::random_packets(n, 3);
        let mut model = match MeshModel::new(MeshSettings::default()) {
            Ok(m) => m,
            Err(e) => panic!("default settings: {e}"),
        };
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| match model.step(&packets, &[]) {
                Ok(report) => std::hint::black_box(report.makespan),
                Err(e) => panic!("{e}"),
            });
        });
    }
    group.finish();
}

criterion_group!(benches, placement, mesh);
criterion_main!(benches);
