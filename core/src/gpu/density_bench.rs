//! Density throughput on the GPU against the CPU in the same run (the workload of
//! [`crate::bench`]: [`bench_world`] in density mode).
//!
//! Three rates, all in node-species-steps per second: the CPU step ([`World::step_once`]),
//! the GPU runner's whole step ([`GpuDensity::advance`]: the host on the CPU, uploads, the
//! three stages, the modulation read back), and the GPU stages alone
//! ([`GpuDensity::step_device`]: steps recorded back to back, one wait at the end).

use std::fmt;
use std::time::{Duration, Instant};

use super::density::GpuDensity;
use super::{GpuContext, GpuError};
use crate::Mode;
use crate::bench::{BenchConfig, bench_world};

/// One timed rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Node-species-steps per second.
    pub per_s: f64,
    /// Time per step.
    pub step: Duration,
}

impl Rate {
    fn new(elements: usize, steps: u64, total: Duration) -> Self {
        Self {
            per_s: elements as f64 * steps as f64 / total.as_secs_f64().max(1e-12),
            step: total / steps as u32,
        }
    }
}

/// What [`run`] measured.
#[derive(Clone, Debug, PartialEq)]
pub struct GpuBenchReport {
    /// The workload.
    pub config: BenchConfig,
    /// The GPU adapter.
    pub adapter: String,
    /// Threads of the rayon pool the CPU step ran on.
    pub threads: usize,
    /// The CPU step.
    pub cpu: Rate,
    /// The GPU runner's whole step (host on the CPU, per-step upload and readback).
    pub gpu_step: Rate,
    /// The GPU stages alone.
    pub gpu_device: Rate,
}

/// Why the benchmark failed.
#[derive(Debug, thiserror::Error)]
pub enum GpuBenchError {
    /// The synthetic world did not build.
    #[error("{0}")]
    Preset(#[from] crate::PresetError),
    /// The GPU failed.
    #[error("{0}")]
    Gpu(#[from] GpuError),
}

/// Builds the density world of `cfg` three times and times `cfg.steps` steps of each rate
/// after a few warm-up steps.
pub fn run(ctx: &GpuContext, cfg: &BenchConfig) -> Result<GpuBenchReport, GpuBenchError> {
    let steps = cfg.steps.max(1);
    let warmup = (steps / 5).clamp(2, 10);

    let mut world = bench_world(cfg, Mode::Density)?;
    let elements = world.n() * world.species.len();
    world.advance(warmup);
    let start = Instant::now();
    world.advance(steps);
    std::hint::black_box(&world.counts);
    let cpu = Rate::new(elements, steps, start.elapsed());

    let mut world = bench_world(cfg, Mode::Density)?;
    let mut runner = GpuDensity::new(ctx, &world)?;
    runner.advance(ctx, &mut world, warmup)?;
    let start = Instant::now();
    runner.advance(ctx, &mut world, steps)?;
    let gpu_step = Rate::new(elements, steps, start.elapsed());

    runner.step_device(ctx, warmup)?;
    let start = Instant::now();
    runner.step_device(ctx, steps)?;
    let gpu_device = Rate::new(elements, steps, start.elapsed());

    Ok(GpuBenchReport {
        config: *cfg,
        adapter: ctx.adapter_name(),
        threads: rayon::current_num_threads(),
        cpu,
        gpu_step,
        gpu_device,
    })
}

impl fmt::Display for GpuBenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        writeln!(
            f,
            "density: {} nodes, mean degree {}, {} species, {} steps; CPU: {} threads; GPU: {}",
            c.nodes,
            c.degree,
            c.species.max(1),
            c.steps,
            self.threads,
            self.adapter
        )?;
        writeln!(f, "{:<28} {:>11} {:>22}", "", "step", "node-species-steps/s")?;
        for (name, r) in [
            ("CPU step", &self.cpu),
            ("GPU step (host, readback)", &self.gpu_step),
            ("GPU stages alone", &self.gpu_device),
        ] {
            writeln!(
                f,
                "{:<28} {:>11} {:>22}",
                name,
                format!("{:.3} ms", r.step.as_secs_f64() * 1e3),
                format!("{:.4e}", r.per_s)
            )?;
        }
        Ok(())
    }
}
