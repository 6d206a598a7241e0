//! Throughput of the GPU engine against the CPU engine, measured in the same run on the same
//! synthetic world ([`crate::bench::bench_world`]): `nvlab bench --backend gpu`.

use std::fmt;
use std::time::Instant;

use crate::Mode;
use crate::backend::Backend;
use crate::bench::{BenchConfig, bench_world};

use super::backend::{GpuBackend, VESICLE_BYTES, max_vesicles};
use super::context::GpuContext;

/// Bytes of device memory one vesicle-step reads and writes (see `shaders/README.md`):
/// `decay_dock_hop` reads and writes the 80-byte vesicle and writes a live flag and a birth
/// count (168); the two scans read each flag or count twice and write an offset (2 × 12);
/// `compact` reads the flag, its position and the vesicle and writes the vesicle (168); `emit`
/// reads the birth count (4). Per-node tables (kernel, receptors, activity, accumulators) stay
/// in cache and are not counted.
pub const BYTES_PER_VESICLE_STEP: u64 = 2 * VESICLE_BYTES + 8 + 2 * 12 + 8 + 2 * VESICLE_BYTES + 4;

/// One population size.
#[derive(Clone, Debug, PartialEq)]
pub struct GpuBenchRow {
    /// Vesicles asked for.
    pub asked: usize,
    /// Vesicles run (the asked number, or the most the device holds).
    pub vesicles: usize,
    /// Vesicle-steps per second on the GPU engine (whole steps: host, uploads, read-back).
    pub gpu_per_s: f64,
    /// Vesicle-steps per second on the CPU engine, same world, same run.
    pub cpu_per_s: f64,
}

/// What [`run`] measured.
#[derive(Clone, Debug, PartialEq)]
pub struct GpuBenchReport {
    /// The adapter.
    pub adapter: String,
    /// Timed steps per size and engine.
    pub steps: u64,
    /// The most vesicles the device holds and the limit that sets it.
    pub cap: (u64, &'static str),
    /// One row per size.
    pub rows: Vec<GpuBenchRow>,
}

/// Times `steps` steps of the synthetic world (nodes and degree from `cfg`) with each of
/// `sizes` vesicles on the GPU and then the CPU engine (after one untimed step each).
pub fn run(ctx: &GpuContext, cfg: &BenchConfig, sizes: &[usize]) -> Result<GpuBenchReport, String> {
    let cap = max_vesicles(&ctx.device.limits());
    let mut rows = Vec::new();
    for &asked in sizes {
        let vesicles = asked.min(cap.0 as usize);
        let c = BenchConfig { vesicles, ..*cfg };
        let mut gpu = GpuBackend::new(ctx.clone());
        gpu.load(bench_world(&c, Mode::Particle).map_err(|e| e.to_string())?)
            .map_err(|e| e.error.to_string())?;
        gpu.advance(1).map_err(|e| e.to_string())?;
        let start = Instant::now();
        gpu.advance(cfg.steps).map_err(|e| e.to_string())?;
        let gpu_s = start.elapsed().as_secs_f64();
        drop(gpu);
        let mut cpu = bench_world(&c, Mode::Particle).map_err(|e| e.to_string())?;
        cpu.step_once();
        let start = Instant::now();
        cpu.advance(cfg.steps);
        let cpu_s = start.elapsed().as_secs_f64();
        let work = (vesicles as u64 * cfg.steps) as f64;
        rows.push(GpuBenchRow {
            asked,
            vesicles,
            gpu_per_s: work / gpu_s.max(1e-12),
            cpu_per_s: work / cpu_s.max(1e-12),
        });
    }
    Ok(GpuBenchReport { adapter: ctx.adapter_name(), steps: cfg.steps, cap, rows })
}

impl fmt::Display for GpuBenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "GPU engine on {} ({} timed steps per size)", self.adapter, self.steps)?;
        writeln!(
            f,
            "device memory per vesicle-step: {BYTES_PER_VESICLE_STEP} bytes read + written; \
             at most {} vesicles ({})",
            self.cap.0, self.cap.1
        )?;
        writeln!(
            f,
            "{:>12} {:>12} {:>16} {:>16} {:>10} {:>12}",
            "asked", "vesicles", "GPU v-steps/s", "CPU v-steps/s", "GPU/CPU", "GPU GB/s"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:>12} {:>12} {:>16.3e} {:>16.3e} {:>10.2} {:>12.2}",
                r.asked,
                r.vesicles,
                r.gpu_per_s,
                r.cpu_per_s,
                r.gpu_per_s / r.cpu_per_s.max(1e-12),
                r.gpu_per_s * BYTES_PER_VESICLE_STEP as f64 / 1e9
            )?;
            if r.vesicles < r.asked {
                writeln!(
                    f,
                    "{:>12} capped at {} vesicles by the device's {}",
                    "", r.vesicles, self.cap.1
                )?;
            }
        }
        Ok(())
    }
}
