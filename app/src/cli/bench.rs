//! `nvlab bench`: the particle and density steps against a streaming baseline.

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use nv_core::bench::{BenchConfig, run as run_bench};

/// Arguments of `nvlab bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Vesicles in the population.
    #[arg(long, default_value_t = 1_000_000)]
    pub vesicles: usize,
    /// Nodes in the graph (at least 2; a smaller number is refused with exit code 2).
    #[arg(long, default_value_t = 10_000, value_parser = at_least::<2>)]
    pub nodes: usize,
    /// Mean degree of the graph.
    #[arg(long, default_value_t = 8)]
    pub degree: usize,
    /// Timed steps.
    #[arg(long, default_value_t = 50)]
    pub steps: u64,
    /// Worker threads (default: all cores; at least 1, 0 is refused with exit code 2).
    #[arg(long, value_parser = at_least::<1>)]
    pub threads: Option<usize>,
    /// cpu: the particle and density steps against a streaming baseline; gpu: the GPU engine
    /// with 10^5, 10^6 and 10^7 vesicles (capped by the device) against the CPU engine.
    #[arg(long, value_enum, default_value_t = super::run::BackendArg::Cpu)]
    pub backend: super::run::BackendArg,
}

/// Parses a whole number of at least `MIN` (clap reports the error, exit code 2).
fn at_least<const MIN: usize>(text: &str) -> Result<usize, String> {
    let n: usize = text.parse().map_err(|e| format!("`{text}` is not a whole number: {e}"))?;
    if n < MIN { Err(format!("{n} is too small: at least {MIN} is allowed")) } else { Ok(n) }
}

/// Runs the benchmark and prints its table.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the worker threads")?;
    let cfg = BenchConfig {
        vesicles: args.vesicles,
        nodes: args.nodes,
        degree: args.degree,
        steps: args.steps,
        ..BenchConfig::default()
    };
    if args.backend == super::run::BackendArg::Gpu {
        let ctx = nv_core::gpu::GpuContext::new_blocking()
            .map_err(|e| anyhow::anyhow!("{e}; run with --backend cpu"))?;
        let sizes = [100_000, 1_000_000, 10_000_000];
        let report = pool
            .install(|| nv_core::gpu::bench::run(&ctx, &cfg, &sizes))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("{report}");
        return Ok(ExitCode::SUCCESS);
    }
    let report = pool.install(|| run_bench(&cfg)).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
