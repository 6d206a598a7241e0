//! The options every command that builds a world from a preset shares (`run`, `validate`,
//! `darwin3`): where files named in the preset may be read from, and the memory budget a
//! preset's estimate must fit in.

use std::path::{Path, PathBuf};

use clap::Args;
use nv_core::Mode;
use nv_core::preset::memory::{self, DEFAULT_BUDGET};
use nv_core::preset::{Preset, PresetError};

/// Options for building a world from a preset.
#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// One more folder edge lists named in the preset may be read from (besides the preset's
    /// own folder; absolute paths and paths leaving these folders are refused).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The most memory a preset may ask for, in bytes with an optional K, M, G or T suffix
    /// (powers of 1024; `8G`, `512M`). A preset whose estimate exceeds it is refused before
    /// anything is built. The default, 8G, does not depend on the machine.
    #[arg(long, value_name = "BYTES", default_value = "8G", value_parser = parse_bytes)]
    pub memory_budget: u64,
}

impl Default for BuildArgs {
    fn default() -> Self {
        Self { data_dir: None, memory_budget: DEFAULT_BUDGET }
    }
}

impl BuildArgs {
    /// The data folder, if given.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Refuses `preset`, read from `path`, when its memory estimate in `mode` exceeds the
    /// budget; the error is located in the file like a build error. Returns the estimate,
    /// bytes.
    pub fn check_memory(
        &self,
        preset: &Preset,
        mode: Mode,
        path: &Path,
    ) -> Result<f64, PresetError> {
        memory::check(preset, mode, self.memory_budget)
            .map(|e| e.total())
            .map_err(|e| e.located_in_file(path))
    }
}

/// Parses a byte count: digits with an optional `K`, `M`, `G` or `T` suffix (powers of 1024),
/// optionally followed by `B` or `iB` (`8G`, `8GiB`, `512M`, `1000000`).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("`{text}`: the suffix must be K, M, G or T")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().map_err(|_| {
        format!("`{text}` is not a byte count: expected digits with an optional K, M, G or T")
    })?;
    n.checked_mul(1u64 << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("`{text}` must be between 1 byte and 16 EiB"))
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn byte_counts_parse() {
        assert_eq!(parse_bytes("8G"), Ok(8 << 30));
        assert_eq!(parse_bytes("8GiB"), Ok(8 << 30));
        assert_eq!(parse_bytes("512m"), Ok(512 << 20));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert!(parse_bytes("8X").is_err());
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("lots").is_err());
    }
}
