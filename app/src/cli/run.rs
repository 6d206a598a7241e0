//! `nvlab run PRESET`: run a preset headless and stream its files into a folder.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use nv_core::backend::{Backend, CpuBackend};
use nv_core::gpu::{GpuBackend, GpuContext};
use nv_core::graph::edge_file::Folders;
use nv_core::observe::{RunWriter, Summary, fnv1a_hex, species_totals};
use nv_core::twin::Twin;
use nv_core::{Mode, World};

use super::out_dir::OutDir;

/// The run mode, as typed on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Discrete vesicles.
    Particle,
    /// The mean-field density relaxation.
    Density,
    /// Both, side by side, with their per-node discrepancy.
    Twin,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Particle => Mode::Particle,
            ModeArg::Density => Mode::Density,
            ModeArg::Twin => Mode::Twin,
        }
    }
}

/// The engine that moves the population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// The CPU engine (rayon threads).
    Cpu,
    /// The GPU engine (wgpu compute; every mode). The host stays on the CPU.
    Gpu,
}

impl BackendArg {
    /// `"cpu"` or `"gpu"`.
    pub fn name(self) -> &'static str {
        match self {
            BackendArg::Cpu => "cpu",
            BackendArg::Gpu => "gpu",
        }
    }
}

/// The engines of a run and what they run on.
pub struct Engines {
    /// `count` engines of one kind (the GPU ones share the default adapter's device).
    pub engines: Vec<Box<dyn Backend + Send>>,
    /// `"cpu"`, or `"gpu: "` and the adapter's name and API.
    pub description: String,
}

/// `count` engines of kind `backend`, or an error saying why not.
pub fn engines(backend: BackendArg, count: usize) -> anyhow::Result<Engines> {
    Ok(match backend {
        BackendArg::Cpu => Engines {
            engines: (0..count)
                .map(|_| Box::new(CpuBackend::new()) as Box<dyn Backend + Send>)
                .collect(),
            description: "cpu".into(),
        },
        BackendArg::Gpu => {
            let ctx = GpuContext::new_blocking()
                .map_err(|e| anyhow::anyhow!("{e}; run with --backend cpu"))?;
            Engines {
                description: format!("gpu: {}", ctx.adapter_name()),
                engines: (0..count)
                    .map(|_| Box::new(GpuBackend::new(ctx.clone())) as Box<dyn Backend + Send>)
                    .collect(),
            }
        }
    })
}

/// Arguments of `nvlab run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// A preset file, or the name of a shipped preset (see `nvlab presets`).
    pub preset: String,
    /// Steps to run (default: the preset's `run.steps`).
    #[arg(long)]
    pub steps: Option<u64>,
    /// Seed (default: the preset's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// particle, density or twin (default: the preset's `run.mode`).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Output folder (default: out/<preset file name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write nodes.csv every K steps.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub every: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// The engine: cpu, or gpu (the same output files; on lavapipe the same bytes, on a GPU
    /// that fuses multiply-adds density values may differ in their last bits).
    #[arg(long, value_enum, default_value_t = BackendArg::Cpu)]
    pub backend: BackendArg,
    /// No progress bar and no final report.
    #[arg(long, short)]
    pub quiet: bool,
    /// Where files named in the preset may be read from.
    #[command(flatten)]
    pub build: super::build_args::BuildArgs,
}

/// Prints a line above the progress bar, or on stderr when there is no bar to print above
/// (`--quiet`, or stderr is not a terminal: indicatif then drops `println`).
fn say(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        eprintln!("{line}");
    } else {
        bar.println(line);
    }
}

/// Runs the preset.
pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let path = super::resolve_preset(&args.preset);
    let mut preset = match nv_core::preset::load(&path) {
        Ok(p) => p,
        Err(e) => bail!("{e}"),
    };
    if let Some(seed) = args.seed {
        preset.seed = seed;
    }
    let steps = args.steps.unwrap_or(preset.run.steps);
    let mode: Mode = args.mode.map_or(preset.run.mode, Mode::from);
    // A preset asking for more memory than the budget is refused before anything is built.
    if let Err(e) = args.build.check_memory(&preset, mode, &path) {
        bail!("{e}");
    }
    let threads = args.threads.map_or_else(rayon::current_num_threads, |t| t as usize);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the worker threads")?;
    let stem = path.file_stem().map_or("run".into(), |s| s.to_string_lossy().into_owned());
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join(&stem));
    let base = path.parent().map(PathBuf::from).unwrap_or_default();
    let folders = Folders::with_data_dir(&base, args.build.data_dir());
    let hash = fnv1a_hex(
        nv_core::preset::to_string(&preset).map_err(|e| anyhow::anyhow!("{e}"))?.as_bytes(),
    );
    let name = preset.name.clone();
    let seed = preset.seed;
    let interrupted = super::interrupt::install();

    pool.install(|| -> anyhow::Result<ExitCode> {
        let (main, density) = match mode {
            Mode::Twin => {
                let t = Twin::new_in(preset, &folders)
                    .map_err(|e| anyhow::anyhow!("{}", e.located_in_file(&path)))?;
                (t.particles, Some(t.density))
            }
            m => (
                World::new_in(preset, m, &folders)
                    .map_err(|e| anyhow::anyhow!("{}", e.located_in_file(&path)))?,
                None,
            ),
        };
        // The files go to a fresh staging folder, moved into place at the end (see out_dir).
        let staged = OutDir::prepare(&out)?;
        let plan = Plan {
            steps,
            threads,
            mode: mode.name(),
            preset: name,
            preset_hash: hash,
            seed,
            interrupted,
        };
        let result = run_into(args, &staged, main, density, plan);
        let (outcome, summary) = match result {
            Ok(done) => done,
            Err(e) => {
                let _ = std::fs::remove_dir_all(staged.staging());
                return Err(e);
            }
        };
        staged.commit()?;
        if let Some(why) = outcome {
            bail!("the run stopped: {why} (the files up to the step before are in {})", out.display());
        }
        if !args.quiet {
            eprintln!(
                "{}{} steps of {} ({}, {} engine) in {:.2} s on {threads} threads → {}",
                if summary.interrupted { "interrupted after " } else { "" },
                summary.steps,
                summary.preset,
                mode.name(),
                args.backend.name(),
                summary.wall_seconds,
                out.display()
            );
            for t in &summary.totals {
                eprintln!(
                    "  {:<16} free {:>10.0}  emitted {:>10.0}  docked {:>10.0}  died {:>10.0}  dropped {:>6.0}",
                    t.species, t.free, t.emitted + t.cascade_born, t.docked, t.died, t.dropped
                );
            }
        }
        Ok(if summary.interrupted { ExitCode::from(130) } else { ExitCode::SUCCESS })
    })
}

/// What a run is asked to do, and what its summary names.
struct Plan {
    /// Steps asked for.
    steps: u64,
    /// Worker threads.
    threads: usize,
    /// The mode's name.
    mode: &'static str,
    /// The preset's name.
    preset: String,
    /// The preset's hash.
    preset_hash: String,
    /// The seed.
    seed: u64,
    /// Raised by Ctrl-C or SIGTERM.
    interrupted: Arc<AtomicBool>,
}

/// Steps the worlds `plan.steps` steps (fewer when interrupted or when a step fails) writing
/// the files into `staged`'s staging folder, and finishes them. Returns why a step failed, if
/// one did (the files then hold the steps before it), and the summary written.
fn run_into(
    args: &RunArgs,
    staged: &OutDir,
    main: World,
    density: Option<World>,
    plan: Plan,
) -> anyhow::Result<(Option<String>, Summary)> {
    let Plan { steps, threads, mode, preset, preset_hash, seed, interrupted } = plan;
    let dir = staged.staging();
    let mut writer = RunWriter::create(dir, &main, args.every, density.is_some())
        .with_context(|| format!("cannot write into {}", dir.display()))?;
    let Engines { engines: mut made, description: engine_description } =
        engines(args.backend, 1 + usize::from(density.is_some()))?;
    let mut engine = made.remove(0);
    engine.load(main).map_err(|e| anyhow::anyhow!("{}", e.error))?;
    // Twin mode: the density world on an engine of its own, stepped beside the particles.
    let mut twin = made.pop();
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(steps) };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} steps ({per_sec}, eta {eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if let Some(d) = density {
        for w in &d.warnings {
            say(&bar, format!("warning (mean field): {w}"));
        }
        let e = twin.as_mut().context("an engine for the density world")?;
        e.load(d).map_err(|e| anyhow::anyhow!("{}", e.error))?;
    }
    let start = Instant::now();
    let mut warned = 0;
    let mut taken = 0;
    let mut stopped = None;
    while taken < steps {
        // Ctrl-C or SIGTERM: stop between steps, then flush and summarise below.
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
        // A step that leaves a NaN or an infinity stops the run with what, where and why.
        let stepped = match twin.as_mut() {
            Some(d) => {
                let (a, b) = rayon::join(|| engine.advance(1), || d.advance(1));
                a.and(b)
            }
            None => engine.advance(1),
        };
        if let Err(e) = stepped {
            stopped = Some(e.to_string());
            break;
        }
        let main = engine.host().context("the engine holds the world")?;
        let density = match twin.as_ref() {
            Some(d) => Some(d.host().context("the twin engine holds the density world")?),
            None => None,
        };
        writer.record(main, density).context("cannot write the run's files")?;
        // Warnings raised at build time and while running, each once (the world keeps the
        // newest hundred).
        for w in main.warnings.iter().skip(warned.min(main.warnings.len())) {
            say(&bar, format!("warning: {w}"));
        }
        warned = warned.max(main.warnings.len());
        if taken % 16 == 0 {
            bar.set_position(taken + 1);
            if main.pool().is_some() {
                bar.set_message(format!("{} vesicles", engine.population()));
            }
        }
        taken += 1;
    }
    let main = engine.store()?;
    let density = twin.as_mut().map(|d| d.store()).transpose()?;
    bar.finish_and_clear();
    let summary = Summary {
        preset,
        preset_hash,
        seed,
        steps: taken,
        mode: mode.into(),
        threads,
        engine: engine_description,
        version: env!("CARGO_PKG_VERSION").into(),
        wall_seconds: start.elapsed().as_secs_f64(),
        totals: species_totals(&main),
        density_totals: density.as_ref().map(species_totals),
        cascades_finished: main.cascades.finished_total,
        warnings: main.warnings.clone(),
        interrupted: stopped.is_none() && taken < steps,
        stopped: stopped.clone(),
    };
    writer.finish(&main, &summary).context("cannot write the run's files")?;
    Ok((stopped, summary))
}
