//! `nvlab`: the Neuro-Vesicles Lab. With no subcommand it opens the lab window; the
//! subcommands run headless.

use nv_lab::{cli, lab};

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Neuro-Vesicles Lab: vesicles that live beside a neural network, emitted by activity,
/// migrating along learned kernels, docking and releasing into the host.
#[derive(Parser, Debug)]
#[command(name = "nvlab", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The lab: open this preset (a file or a shipped preset's name) instead of the last one.
    #[arg(long)]
    preset: Option<String>,
    /// The lab: run the real window for `--frames` frames, save it to this PNG and quit.
    #[arg(long)]
    screenshot: Option<std::path::PathBuf>,
    /// The lab: frames before the screenshot.
    #[arg(long, default_value_t = 30)]
    frames: u32,
    /// The lab: start running at once.
    #[arg(long)]
    play: bool,
    /// The lab: the renderer. wgpu draws the vesicles as instanced quads and falls back to
    /// glow when it cannot start; glow draws them with egui's painter.
    #[arg(long, value_enum, default_value_t = RendererArg::Wgpu)]
    renderer: RendererArg,
    /// The lab: draw the vesicles with egui's painter even on wgpu (to compare).
    #[arg(long)]
    painter: bool,
    /// The lab: open on the Darwin3 tab (the network mapped onto the emulated chip).
    #[arg(long)]
    darwin3: bool,
    /// The lab: the engine to start on (gpu: the GPU engine on the window's wgpu device;
    /// particle mode only, the window says why when it cannot).
    #[arg(long, value_enum, default_value_t = cli::run::BackendArg::Cpu)]
    backend: cli::run::BackendArg,
}

/// The lab window's renderer.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum RendererArg {
    /// wgpu (Vulkan, Metal, DX12 or GL), vesicles as instanced quads.
    Wgpu,
    /// OpenGL through glow, vesicles drawn with egui's painter.
    Glow,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a preset headless and write its files (summary.json, timeseries.csv, …).
    Run(cli::run::RunArgs),
    /// Check presets; exit 0 when all are valid, else print every error and exit 1.
    Validate(cli::validate::ValidateArgs),
    /// List the shipped presets with their descriptions.
    Presets(cli::presets::PresetsArgs),
    /// Measure the particle and density steps against a memory-streaming baseline.
    Bench(cli::bench::BenchArgs),
    /// Map a spiking preset onto the emulated Darwin3 chip, run it beside the float reference
    /// and write the mapping, both rasters, the inputs, the network, per-core and per-link
    /// traffic and the comparison metrics.
    Darwin3(cli::darwin3::Darwin3Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => cli::run::run(&args),
        Some(Command::Validate(args)) => cli::validate::run(&args),
        Some(Command::Presets(args)) => cli::presets::run(&args),
        Some(Command::Bench(args)) => cli::bench::run(&args),
        Some(Command::Darwin3(args)) => cli::darwin3::run(&args),
        None => lab::run(lab::LabOptions {
            preset: cli.preset.as_deref().map(cli::resolve_preset),
            play: cli.play || cli.screenshot.is_some(),
            screenshot: cli.screenshot,
            frames: cli.frames,
            renderer: match cli.renderer {
                RendererArg::Wgpu => eframe::Renderer::Wgpu,
                RendererArg::Glow => eframe::Renderer::Glow,
            },
            painter_vesicles: cli.painter,
            darwin3_tab: cli.darwin3,
            gpu_engine: cli.backend == cli::run::BackendArg::Gpu,
            ..Default::default()
        })
        .map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`nvlab presets | head`) is the reader's choice, not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
