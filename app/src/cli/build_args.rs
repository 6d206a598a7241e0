//! The options every command that builds a world from a preset shares (`run`, `validate`,
//! `darwin3`): where files named in the preset may be read from.

use std::path::{Path, PathBuf};

use clap::Args;

/// Options for building a world from a preset.
#[derive(Args, Debug, Clone, Default)]
pub struct BuildArgs {
    /// One more folder edge lists named in the preset may be read from (besides the preset's
    /// own folder; absolute paths and paths leaving these folders are refused).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl BuildArgs {
    /// The data folder, if given.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }
}
