//! Criterion benches of the whole step (`World::step_once`) on the synthetic world of
//! `nv_core::bench`: the particle step at 10⁴, 10⁵ and 10⁶ vesicles and the density step
//! holding the same mean numbers, on a 10⁴-node graph of mean degree 8. Throughput is in
//! vesicles (particle) or node-species (density) per step.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nv_core::Mode;
use nv_core::bench::{BenchConfig, bench_world};

/// Vesicle counts benched.
const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

fn config(vesicles: usize) -> BenchConfig {
    BenchConfig { vesicles, ..BenchConfig::default() }
}

fn group(c: &mut Criterion, name: &str, mode: Mode) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for vesicles in SIZES {
        let cfg = config(vesicles);
        let mut world = match bench_world(&cfg, mode) {
            Ok(w) => w,
            Err(e) => panic!("the bench world does not build: {e}"),
        };
        world.advance(5);
        let elements = match mode {
            Mode::Density => world.n() * world.species.len(),
            Mode::Particle | Mode::Twin => vesicles,
        };
        group.throughput(Throughput::Elements(elements as u64));
        group.bench_function(BenchmarkId::from_parameter(vesicles), |b| {
            b.iter(|| {
                world.step_once();
                std::hint::black_box(&world.counts);
            });
        });
    }
    group.finish();
}

fn particle_step(c: &mut Criterion) {
    group(c, "particle_step", Mode::Particle);
}

fn density_step(c: &mut Criterion) {
    group(c, "density_step", Mode::Density);
}

criterion_group!(benches, particle_step, density_step);
criterion_main!(benches);
