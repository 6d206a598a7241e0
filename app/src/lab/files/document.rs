//! The document: the preset file the world came from, unsaved changes and the prompt that
//! guards them, the recent files, saving (the files a preset references travel with it),
//! the preset as text, dropped files.

use std::path::{Path, PathBuf};

use crate::lab::command::AppCommand;
use crate::lab::dialogs::PendingDialog;
use crate::lab::path_box::PathBox;
use crate::lab::sim::Simulation;

/// The most files the recent list keeps.
pub const RECENT_MAX: usize = 10;

/// The answer to the "Discard unsaved changes?" prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsavedAnswer {
    /// Save the world's preset (to its file, else as…), then go on.
    Save,
    /// Go on and lose the changes.
    Discard,
    /// Keep the world; drop the command.
    Cancel,
}

/// The lab window's file state that is not persisted (the recent list is, in `UiState`).
#[derive(Debug, Default)]
pub struct FileState {
    /// A command that would replace a world with unsaved changes, waiting for an answer; the
    /// prompt shows while it is set.
    pub pending: Option<AppCommand>,
    /// The next command that replaces the world goes through without asking ("Discard").
    pub confirmed: bool,
    /// The command to run once the save asked for by the "Save" answer succeeds.
    pub after_save: Option<AppCommand>,
    /// Whether the paste window is open.
    pub paste_open: bool,
    /// The paste window's text.
    pub paste_text: String,
    /// Why the last pasted text did not load.
    pub paste_error: Option<String>,
    /// The window title last sent (sent again only when it changes).
    pub title: String,
    /// The file dialog open now, if any (its answer is polled every frame: [`poll_dialog`]).
    pub dialog: Option<PendingDialog>,
    /// The lab's own path box, open where the system showed no dialog.
    pub path_box: Option<PathBox>,
}

/// Whether the world has changes not in its file: its preset (seed and live edits included)
/// differs from the one last loaded or saved, or it was never saved (pasted text).
pub fn is_dirty(sim: &Simulation) -> bool {
    sim.saved.as_ref() != Some(&sim.world().preset)
}

/// `"• "` when [`is_dirty`], else `""`: the unsaved marker that starts a title.
pub fn marker(sim: &Simulation) -> &'static str {
    if is_dirty(sim) { "• " } else { "" }
}

/// The window title: the preset's name, with the unsaved marker.
pub fn window_title(sim: &Simulation) -> String {
    format!("{}{} — Neuro-Vesicles Lab", marker(sim), sim.world().preset.name)
}

/// Whether `cmd` replaces the world (and so asks first when there are unsaved changes).
pub fn replaces_world(cmd: &AppCommand) -> bool {
    matches!(cmd, AppCommand::LoadPreset(_) | AppCommand::PastePreset(_))
}

/// Holds back a command that would replace a world with unsaved changes (`dirty`) as
/// `files.pending` (the prompt then asks), unless the prompt already said "Discard"; returns
/// the commands to apply now.
pub fn guard(files: &mut FileState, dirty: bool, cmds: Vec<AppCommand>) -> Vec<AppCommand> {
    let mut now = Vec::with_capacity(cmds.len());
    for cmd in cmds {
        if !replaces_world(&cmd) {
            now.push(cmd);
            continue;
        }
        let go = !dirty || files.confirmed;
        files.confirmed = false;
        if go {
            now.push(cmd);
        } else {
            files.pending = Some(cmd);
        }
    }
    now
}

/// `path` made absolute (as given if that fails), so one file is one entry in the recent list.
pub(super) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Puts `path` first in the recent list (once), keeping at most [`RECENT_MAX`] files.
pub fn remember(recent: &mut Vec<PathBuf>, path: &Path) {
    let path = absolute(path);
    recent.retain(|p| *p != path);
    recent.insert(0, path);
    recent.truncate(RECENT_MAX);
}

/// Drops files that no longer exist and repeats from the recent list, keeping at most
/// [`RECENT_MAX`].
pub fn prune(recent: &mut Vec<PathBuf>) {
    let mut seen = Vec::with_capacity(recent.len());
    recent.retain(|p| {
        let keep = p.is_file() && !seen.contains(p);
        if keep {
            seen.push(p.clone());
        }
        keep
    });
    recent.truncate(RECENT_MAX);
}

/// Saves the world's preset to `path` atomically (a temporary file next to it, then a rename:
/// on failure the file is untouched) and makes `path` the world's file, with no unsaved
/// changes.
pub fn save_to(sim: &mut Simulation, path: &Path) -> Result<(), String> {
    // The files the preset reads (an edge list) go beside it, so it loads from its new place.
    let from = sim.world().base_dir.clone();
    let to = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    crate::presets::copy_referenced(&sim.world().preset, &from, to)?;
    nv_core::preset::save(&sim.world().preset, path).map_err(|e| e.to_string())?;
    sim.path = Some(path.to_path_buf());
    sim.saved = Some(sim.world().preset.clone());
    Ok(())
}

/// The world's preset as RON text (what "Copy preset as text" copies; it loads back equal).
pub fn preset_text(sim: &Simulation) -> Result<String, String> {
    nv_core::preset::to_string(&sim.world().preset).map_err(|e| e.to_string())
}

/// A new simulation of the preset in RON `text` (pasted), in the mode of its `run` section;
/// the error names the line, column and field when the text is not a valid preset. It has no
/// file, so it counts as unsaved. Relative file names in the preset are read from the current
/// folder.
pub fn from_text(text: &str) -> Result<Simulation, String> {
    let preset = nv_core::preset::from_str(text, nv_core::preset::error::TEXT_FILE)
        .map_err(|e| e.to_string())?;
    let mode = preset.run.mode;
    let mut sim = Simulation::new(preset, mode, None)?;
    sim.saved = None;
    Ok(sim)
}

/// What to do with files dropped onto the window: load the first `.ron` (a
/// [`AppCommand::LoadPreset`]), and a message for anything else dropped.
pub fn dropped(paths: &[PathBuf]) -> (Option<AppCommand>, Option<String>) {
    let is_ron = |p: &PathBuf| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    let cmd = paths.iter().find(|p| is_ron(p)).map(|p| AppCommand::LoadPreset(p.clone()));
    let others: Vec<String> = paths
        .iter()
        .filter(|p| !is_ron(p))
        .map(|p| p.file_name().map_or_else(|| p.display().to_string(), |n| n.display().to_string()))
        .collect();
    let rons = paths.iter().filter(|p| is_ron(p)).count();
    let mut msg = Vec::new();
    if !others.is_empty() {
        msg.push(format!(
            "{} {} not a preset: drop a .ron preset file to open it",
            others.join(", "),
            if others.len() == 1 { "is" } else { "are" }
        ));
    }
    if rons > 1 {
        msg.push(format!("{rons} presets were dropped: only the first is opened"));
    }
    (cmd, if msg.is_empty() { None } else { Some(msg.join("; ")) })
}
