//! `nvlab presets`: the shipped presets with their descriptions.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

/// Arguments of `nvlab presets`.
#[derive(Args, Debug)]
pub struct PresetsArgs {
    /// Print only the file names.
    #[arg(long)]
    pub names: bool,
}

/// Lists the presets folder.
pub fn run(args: &PresetsArgs) -> anyhow::Result<ExitCode> {
    let dir = super::presets_dir();
    let files = super::list_presets(&dir)
        .with_context(|| format!("cannot read the presets folder {}", dir.display()))?;
    let mut bad = 0;
    let mut out = std::io::stdout().lock();
    for path in files {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if args.names {
            writeln!(out, "{stem}")?;
            continue;
        }
        match nv_core::preset::load(&path) {
            Ok(p) => {
                let tags = if p.tags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", p.tags.join(", "))
                };
                writeln!(out, "{stem} — {}{tags}", p.name)?;
                writeln!(out, "{}\n", wrap(&p.description, 96, "    "))?;
            }
            Err(e) => {
                bad += 1;
                writeln!(out, "{stem} — does not load: {e}\n")?;
            }
        }
    }
    Ok(if bad == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Wraps `text` at `width` columns with `indent` before every line.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}
