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

/// The shipped presets folder (see [`crate::presets::shipped_dir`]).
pub fn presets_dir() -> PathBuf {
    crate::presets::shipped_dir()
}

/// A preset argument: a path, or a shipped preset's name (see [`crate::presets::resolve`]).
pub fn resolve_preset(arg: &str) -> PathBuf {
    crate::presets::resolve(arg)
}

/// Every `.ron` file in `dir`, sorted by name (see [`crate::presets::list`]).
pub fn list_presets(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    crate::presets::list(dir)
}
