//! `nvlab validate PRESET...`: load, validate and build each preset; print every error.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nv_core::graph::edge_file::Folders;
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
        // The memory estimate first, then building the world checks what only the graph can
        // tell (node ids, edges).
        let built = nv_core::preset::load(&path).and_then(|preset| {
            let estimate = args.build.check_memory(&preset, preset.run.mode, &path)?;
            let base = path.parent().unwrap_or(Path::new("."));
            World::new_in(
                preset,
                Mode::Particle,
                &Folders::with_data_dir(base, args.build.data_dir()),
            )
            .map(|w| (w, estimate))
            .map_err(|e| e.located_in_file(&path))
        });
        match built {
            Ok((w, estimate)) => writeln!(
                out,
                "ok    {}: {} ({} nodes, {} edges, {} species, memory estimate {})",
                path.display(),
                w.preset.name,
                w.n(),
                w.graph.m(),
                w.species.len(),
                nv_core::preset::memory::human(estimate)
            )?,
            Err(e) => {
                failed += 1;
                writeln!(out, "error {e}")?;
            }
        }
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
