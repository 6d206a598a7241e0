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
    /// Nodes in the graph.
    #[arg(long, default_value_t = 10_000)]
    pub nodes: usize,
    /// Mean degree of the graph.
    #[arg(long, default_value_t = 8)]
    pub degree: usize,
    /// Timed steps.
    #[arg(long, default_value_t = 50)]
    pub steps: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
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
    let report = pool.install(|| run_bench(&cfg)).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
