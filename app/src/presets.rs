//! Where presets live: the shipped library (read-only: the lab never writes into it) and the
//! user's own presets folder ("My presets", a per-user data folder), and the rules for saving
//! a preset somewhere new (the files it references travel with it).

use std::path::{Path, PathBuf};

use nv_core::Preset;
use nv_core::graph::generators::GraphSpec;
use nv_core::host::HostSpec;

/// The shipped presets folder: `$NVLAB_PRESETS`, else `presets/` beside the current folder or
/// above the executable (a cargo build runs from `target/<profile>/`), else the source tree's.
pub fn shipped_dir() -> PathBuf {
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

/// The user's own presets folder ("My presets"): `$NVLAB_USER_PRESETS`, else `presets` in the
/// per-user data folder (`~/.local/share/nvlab/presets` on Linux,
/// `~/Library/Application Support/org.neuro-vesicles.nvlab/presets` on macOS,
/// `%APPDATA%\neuro-vesicles\nvlab\data\presets` on Windows), else `./my-presets` when the
/// system names no home folder. It is made when the first preset is saved into it.
pub fn user_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NVLAB_USER_PRESETS") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "neuro-vesicles", "nvlab")
        .map(|d| d.data_dir().join("presets"))
        .unwrap_or_else(|| PathBuf::from("my-presets"))
}

/// The two presets folders the lab knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetFolders {
    /// The shipped library: read-only (see [`shipped_dir`]).
    pub shipped: PathBuf,
    /// The user's own presets, "My presets" (see [`user_dir`]).
    pub user: PathBuf,
}

impl Default for PresetFolders {
    fn default() -> Self {
        Self { shipped: shipped_dir(), user: user_dir() }
    }
}

/// A preset argument: a path to a file, or the name of a shipped preset (`spiral_film` or
/// `spiral_film.ron`).
pub fn resolve(arg: &str) -> PathBuf {
    let path = PathBuf::from(arg);
    if path.exists() {
        return path;
    }
    let with_ext = if arg.ends_with(".ron") { arg.to_string() } else { format!("{arg}.ron") };
    let shipped = shipped_dir().join(with_ext);
    if shipped.exists() { shipped } else { path }
}

/// Every `.ron` file in `dir`, sorted by name.
pub fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    Ok(files)
}

/// `path` made absolute and free of `.`/`..` and symlinks where it exists (for comparing
/// folders); the parent is resolved when the file itself does not exist yet.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => {
            canonical(parent).join(name)
        }
        _ => std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.into()),
    }
}

/// Whether `path` lies in the shipped presets folder `shipped` (which the lab never writes).
pub fn is_shipped_in(path: &Path, shipped: &Path) -> bool {
    canonical(path).starts_with(canonical(shipped))
}

/// The first of `dir/stem.ron`, `dir/stem-2.ron`, `dir/stem-3.ron`, … that does not exist.
pub fn fresh_path(dir: &Path, stem: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.ron"));
    if !first.exists() {
        return first;
    }
    (2..).map(|i| dir.join(format!("{stem}-{i}.ron"))).find(|p| !p.exists()).unwrap_or(first)
}

/// The files a preset reads, relative to its folder (today: an edge list).
pub fn referenced_files(preset: &Preset) -> Vec<PathBuf> {
    match &preset.host {
        HostSpec::Graph(plain) => match &plain.graph {
            GraphSpec::EdgeList { path, .. } => vec![PathBuf::from(path)],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Copies the files `preset` references from the folder it was read from (`from`) into the
/// folder it is being saved to (`to`), at the same relative paths, so the saved preset loads
/// from its new place. Nothing is copied when the folders are the same; a file already there
/// with the same bytes is left alone, one with other bytes is refused (never overwritten).
/// Returns the files copied.
pub fn copy_referenced(preset: &Preset, from: &Path, to: &Path) -> Result<Vec<PathBuf>, String> {
    if canonical(from) == canonical(to) {
        return Ok(Vec::new());
    }
    let mut copied = Vec::new();
    for rel in referenced_files(preset) {
        if rel.is_absolute() || rel.components().any(|c| c == std::path::Component::ParentDir) {
            return Err(format!(
                "the preset's edge list `{}` is not inside its folder: it cannot travel with it",
                rel.display()
            ));
        }
        let (src, dst) = (from.join(&rel), to.join(&rel));
        let bytes = std::fs::read(&src)
            .map_err(|e| format!("cannot read the edge list {}: {e}", src.display()))?;
        if let Ok(there) = std::fs::read(&dst) {
            if there == bytes {
                continue;
            }
            return Err(format!(
                "{} already exists with other contents; save the preset into another folder",
                dst.display()
            ));
        }
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot make {}: {e}", parent.display()))?;
        }
        std::fs::write(&dst, &bytes)
            .map_err(|e| format!("cannot copy the edge list to {}: {e}", dst.display()))?;
        copied.push(dst);
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nvlab-presets-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a test folder");
        dir
    }

    #[test]
    fn shipped_files_are_recognised_by_folder() {
        let shipped = shipped_dir();
        assert!(is_shipped_in(&shipped.join("tiny_chain.ron"), &shipped));
        assert!(is_shipped_in(&shipped.join("not_there_yet.ron"), &shipped));
        assert!(!is_shipped_in(&tmp("elsewhere").join("tiny_chain.ron"), &shipped));
    }

    #[test]
    fn fresh_paths_never_overwrite() {
        let dir = tmp("fresh");
        assert_eq!(fresh_path(&dir, "a"), dir.join("a.ron"));
        std::fs::write(dir.join("a.ron"), "x").expect("written");
        assert_eq!(fresh_path(&dir, "a"), dir.join("a-2.ron"));
    }

    #[test]
    fn edge_lists_travel_with_the_preset() {
        let (from, to) = (tmp("from"), tmp("to"));
        std::fs::create_dir_all(from.join("data")).expect("a data folder");
        std::fs::write(from.join("data/edges.csv"), "0,1\n1,2\n").expect("written");
        let text = include_str!("../../presets/tiny_chain.ron")
            .replace("Layered(sizes: [1, 1, 1, 1, 1])", "EdgeList(path: \"data/edges.csv\")");
        let preset = nv_core::preset::from_str(&text, "t.ron").expect("loads");
        let copied = copy_referenced(&preset, &from, &to).expect("copies");
        assert_eq!(copied, vec![to.join("data/edges.csv")]);
        assert_eq!(std::fs::read(to.join("data/edges.csv")).ok(), Some(b"0,1\n1,2\n".to_vec()));
        // Again: the same bytes are there, nothing to do; other bytes are never overwritten.
        assert_eq!(copy_referenced(&preset, &from, &to), Ok(Vec::new()));
        std::fs::write(to.join("data/edges.csv"), "9,9\n").expect("written");
        assert!(copy_referenced(&preset, &from, &to).is_err());
        assert_eq!(copy_referenced(&preset, &from, &from), Ok(Vec::new()), "same folder");
    }
}
