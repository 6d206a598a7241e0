//! The output folder of `nvlab run`: the run writes into a fresh staging folder beside it
//! (`.NAME.partial-PID`), and only a finished (or interrupted and flushed) run is moved into
//! place, replacing the folder of an earlier run in one rename. A run that is killed leaves
//! the earlier folder as it was and its staging folder beside it; a new file is never written
//! through a symbolic link, and an existing file is never truncated.
//!
//! An existing `--out` folder is replaced only when it holds nothing but the files a run
//! writes ([`RUN_FILES`]); any other file, a symbolic link, or a plain file at that path is
//! refused, so that a mistyped `--out` never deletes anything else.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The files `nvlab run` writes; an existing output folder holding only these is replaced.
pub const RUN_FILES: [&str; 8] = [
    "timeseries.csv",
    "host.csv",
    "nodes.csv",
    "edges.csv",
    "cascades.csv",
    "twin.csv",
    "graph.json",
    "summary.json",
];

/// An output folder being written.
#[derive(Debug)]
pub struct OutDir {
    target: PathBuf,
    staging: PathBuf,
}

/// `dir`'s sibling `.NAME.TAG-PID`.
fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Checks that `target` is missing or an earlier run's folder (see the module docs).
fn check_target(target: &Path) -> anyhow::Result<()> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", target.display())),
    };
    if meta.file_type().is_symlink() {
        bail!(
            "{} is a symbolic link: name a real folder for --out (the run's files are never \
             written through links)",
            target.display()
        );
    }
    if !meta.is_dir() {
        bail!(
            "{} is not a folder: name a new folder or an earlier run's for --out",
            target.display()
        );
    }
    for entry in
        std::fs::read_dir(target).with_context(|| format!("cannot read {}", target.display()))?
    {
        let entry = entry.with_context(|| format!("cannot read {}", target.display()))?;
        let name = entry.file_name();
        let known = RUN_FILES.iter().any(|f| name.as_os_str() == *f);
        let plain = entry.file_type().is_ok_and(|t| t.is_file());
        if !known || !plain {
            bail!(
                "{} holds `{}`, which a run does not write: the folder of an earlier run is \
                 replaced whole, so name a new folder (or an earlier run's) for --out",
                target.display(),
                name.to_string_lossy()
            );
        }
    }
    Ok(())
}

impl OutDir {
    /// Checks `target` and makes a fresh staging folder beside it.
    pub fn prepare(target: &Path) -> anyhow::Result<Self> {
        check_target(target)?;
        let staging = sibling(target, "partial");
        if let Some(parent) = staging.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot make {}", parent.display()))?;
        }
        std::fs::create_dir(&staging)
            .with_context(|| format!("cannot make the staging folder {}", staging.display()))?;
        Ok(Self { target: target.to_path_buf(), staging })
    }

    /// The folder the run writes into until [`OutDir::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The folder the files end up in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the staging folder into place, replacing an earlier run's folder (checked again).
    pub fn commit(self) -> anyhow::Result<()> {
        check_target(&self.target)?;
        let old = sibling(&self.target, "old");
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!("cannot move the earlier run's {} aside", self.target.display())
            })?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!(
                    "cannot move {} to {} (the files are left in the former)",
                    self.staging.display(),
                    self.target.display()
                )
            });
        }
        if had_old {
            std::fs::remove_dir_all(&old).with_context(|| {
                format!("cannot remove the earlier run's files in {}", old.display())
            })?;
        }
        Ok(())
    }
}
