//! `nvlab validate PRESET...`: load, validate and build each preset; print every error.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use nv_core::{Mode, World};

/// Arguments of `nvlab validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Preset files or shipped preset names.
    #[arg(required = true)]
    pub presets: Vec<String>,
    /// Where files named in the presets may be read from.
    #[command(flatten)]
    pub build: super::build_args::BuildArgs,
}

/// Validates every preset; exit 0 when all are valid, 1 otherwise.
pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut failed = 0;
    let mut out = std::io::stdout().lock();
    for arg in &args.presets {
        let path = super::resolve_preset(arg);
        // Building the world also checks what only the graph can tell (node ids, edges).
        match World::load_in(&path, Mode::Particle, args.build.data_dir()) {
            Ok(w) => writeln!(
                out,
                "ok    {}: {} ({} nodes, {} edges, {} species)",
                path.display(),
                w.preset.name,
                w.n(),
                w.graph.m(),
                w.species.len()
            )?,
            Err(e) => {
                failed += 1;
                writeln!(out, "error {e}")?;
            }
        }
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
