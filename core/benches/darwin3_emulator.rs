//! Criterion benches of the Darwin3 emulator on `nv_core::darwin3::bench::bench_network`:
//! one emulated step at 10⁴ and 10⁵ LIF neurons (fan-in 50), throughput in neuron-steps, and
//! the mapping (partition, tables, placement, validation) at the same sizes.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nv_core::darwin3::bench::bench_network;
use nv_core::darwin3::{EmuConfig, Emulator, Mapping};

/// LIF neuron counts benched.
const SIZES: [u32; 2] = [10_000, 100_000];
/// Synapses per LIF neuron.
const FAN_IN: u32 = 50;

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("darwin3_step");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let net = bench_network(n, FAN_IN, 7);
        let cfg = EmuConfig::default();
        let mapping = match Mapping::west_block(&net, &cfg.map_config()) {
            Ok(m) => m,
            Err(e) => panic!("the bench network does not map: {e}"),
        };
        let mut emu = match Emulator::new(&net, &mapping, cfg) {
            Ok(e) => e,
            Err(e) => panic!("the emulator does not build: {e}"),
        };
        let input: Vec<u32> = (0..1000).filter(|i| i % 20 == 0).collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| std::hint::black_box(emu.step(&input).spikes.len()));
        });
    }
    group.finish();
    let mut group = c.benchmark_group("darwin3_map");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for n in SIZES {
        let net = bench_network(n, FAN_IN, 7);
        let cfg = EmuConfig::default().map_config();
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                std::hint::black_box(Mapping::west_block(&net, &cfg).map(|m| m.chunks.len()))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, step);
criterion_main!(benches);
