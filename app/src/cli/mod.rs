//! The headless subcommands, one file each, and where presets are found.

pub mod bench;
pub mod build_args;
pub mod darwin3;
pub mod interrupt;
pub mod out_dir;
pub mod presets;
pub mod run;
pub mod validate;

use std::path::{Path, PathBuf};

/// The shipped presets folder: `$NVLAB_PRESETS`, else `presets/` beside the current folder or
/// above the executable (a cargo build runs from `target/<profile>/`), else the source tree's.
pub fn presets_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NVLAB_PRESETS") {
        return PathBuf::from(dir);
    }
    let mut candidates = vec![PathBuf::from("presets")];
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            candidates.push(up.join("presets"));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets"));
    candidates.into_iter().find(|p| p.is_dir()).unwrap_or_else(|| PathBuf::from("presets"))
}

/// A preset argument: a path to a file, or the name of a shipped preset (`spiral_film` or
/// `spiral_film.ron`).
pub fn resolve_preset(arg: &str) -> PathBuf {
    let path = PathBuf::from(arg);
    if path.exists() {
        return path;
    }
    let dir = presets_dir();
    let with_ext = if arg.ends_with(".ron") { arg.to_string() } else { format!("{arg}.ron") };
    let shipped = dir.join(with_ext);
    if shipped.exists() { shipped } else { path }
}

/// Every `.ron` file in `dir`, sorted by name.
pub fn list_presets(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    Ok(files)
}
