//! Where an edge-list file may be read from, and the checks made before it is read.
//!
//! A preset is a file people share, so the path in `EdgeList(path: ..)` may only name a file
//! inside the preset's folder (or one more folder the user names, `--data-dir`):
//!
//! - an absolute path (`/etc/passwd`, `C:\x`) is refused;
//! - the path is joined to each allowed folder in turn and canonicalised (symbolic links
//!   followed); a path that then lies outside that folder (`../x.csv`, a link pointing out) is
//!   refused, without reading it;
//! - the file must be a regular file (checked from its metadata before it is opened, so a FIFO,
//!   a device such as `/dev/zero` or a folder is refused without reading) of at most
//!   [`MAX_EDGE_LIST_BYTES`] bytes, and at most that many bytes are ever read.
//!
//! Errors are plain messages; the caller places them at the preset's `path` field. A message
//! never quotes the content of a file.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest edge-list file read, in bytes: 256 MiB (about ten million edges with weights).
pub const MAX_EDGE_LIST_BYTES: u64 = 256 << 20;

/// The folders files named in a preset may be read from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folders {
    /// The preset's own folder (relative paths are resolved against it first).
    pub preset_dir: PathBuf,
    /// One more allowed folder (`--data-dir`), tried when the file is not in the preset's.
    pub data_dir: Option<PathBuf>,
}

impl Folders {
    /// Only the preset's folder `preset_dir` (an empty path means the current folder).
    pub fn new(preset_dir: &Path) -> Self {
        Self { preset_dir: preset_dir.to_path_buf(), data_dir: None }
    }

    /// The preset's folder and one more allowed folder, if given.
    pub fn with_data_dir(preset_dir: &Path, data_dir: Option<&Path>) -> Self {
        Self { preset_dir: preset_dir.to_path_buf(), data_dir: data_dir.map(Path::to_path_buf) }
    }

    /// The allowed folders, the preset's first; an empty path is the current folder.
    fn all(&self) -> Vec<&Path> {
        fn fix(p: &Path) -> &Path {
            if p.as_os_str().is_empty() { Path::new(".") } else { p }
        }
        let mut v: Vec<&Path> = vec![fix(&self.preset_dir)];
        v.extend(self.data_dir.as_deref().map(fix));
        v
    }

    /// How the allowed folders are named in messages.
    fn describe(&self) -> String {
        match self.all().as_slice() {
            [one] => format!("the preset's folder `{}`", one.display()),
            [one, two] => {
                format!(
                    "the preset's folder `{}` or the data folder `{}`",
                    one.display(),
                    two.display()
                )
            }
            _ => "the preset's folder".into(),
        }
    }
}

/// A file found by [`resolve`]: the path shown in messages and the canonical path read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The allowed folder joined with the path as written (for messages).
    pub shown: PathBuf,
    /// The canonical path (symbolic links resolved), inside an allowed folder.
    pub canonical: PathBuf,
}

/// Whether `relative` climbs above its starting folder when read component by component
/// (`../x`, `a/../../x`), without touching the file system.
fn climbs_out(relative: &Path) -> bool {
    let mut depth: i64 = 0;
    for c in relative.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return true,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// Finds `relative` in the allowed `folders` (see the module docs) and checks that it is a
/// regular file of at most [`MAX_EDGE_LIST_BYTES`] bytes, without opening it.
pub fn resolve(relative: &str, folders: &Folders) -> Result<Resolved, String> {
    let rel = Path::new(relative);
    if rel.is_absolute()
        || rel.has_root()
        || matches!(rel.components().next(), Some(Component::Prefix(_)))
    {
        return Err(format!(
            "absolute paths are not allowed: name a file inside {} (a relative path such as \
             `edges.csv`)",
            folders.describe()
        ));
    }
    if climbs_out(rel) {
        return Err(format!(
            "the path leaves {}: edge lists must lie inside it (copy the file there, or pass \
             --data-dir)",
            folders.describe()
        ));
    }
    let mut outside = false;
    for folder in folders.all() {
        let shown = folder.join(rel);
        let Ok(canonical) = std::fs::canonicalize(&shown) else { continue };
        let Ok(root) = std::fs::canonicalize(folder) else { continue };
        if !canonical.starts_with(&root) {
            outside = true;
            continue;
        }
        let meta = std::fs::metadata(&canonical)
            .map_err(|e| format!("cannot read the edge list `{}`: {e}", shown.display()))?;
        if !meta.is_file() {
            return Err(format!(
                "`{}` is not a regular file (a folder, a FIFO or a device): edge lists must be \
                 regular files",
                shown.display()
            ));
        }
        if meta.len() > MAX_EDGE_LIST_BYTES {
            return Err(format!(
                "`{}` is {} bytes, over the limit of {MAX_EDGE_LIST_BYTES} bytes (256 MiB) for \
                 an edge list",
                shown.display(),
                meta.len()
            ));
        }
        return Ok(Resolved { shown, canonical });
    }
    if outside {
        return Err(format!(
            "the path leads (through a symbolic link) outside {}: edge lists must lie inside it",
            folders.describe()
        ));
    }
    Err(format!("cannot read the edge list: no file `{relative}` in {}", folders.describe()))
}

/// Reads the file [`resolve`] found, at most [`MAX_EDGE_LIST_BYTES`] bytes of it (a file that
/// grew past the limit since it was checked is refused), as UTF-8 text.
pub fn read(file: &Resolved) -> Result<String, String> {
    let shown = file.shown.display();
    let f = std::fs::File::open(&file.canonical)
        .map_err(|e| format!("cannot read the edge list `{shown}`: {e}"))?;
    let mut bytes = Vec::new();
    f.take(MAX_EDGE_LIST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the edge list `{shown}`: {e}"))?;
    if bytes.len() as u64 > MAX_EDGE_LIST_BYTES {
        return Err(format!(
            "`{shown}` is over the limit of {MAX_EDGE_LIST_BYTES} bytes (256 MiB) for an edge list"
        ));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("`{shown}` is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbing_is_seen_without_the_file_system() {
        assert!(climbs_out(Path::new("../x.csv")));
        assert!(climbs_out(Path::new("a/../../x.csv")));
        assert!(!climbs_out(Path::new("a/../x.csv")));
        assert!(!climbs_out(Path::new("./data/x.csv")));
    }
}
