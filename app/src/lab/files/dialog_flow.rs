//! File dialogs in the File menu's flow: where a dialog starts, what its answer (or the path
//! box's) does, and saving with the read-only shipped library respected.

use std::path::{Path, PathBuf};

use super::document::{remember, save_to};
use super::{Effects, Lab};
use crate::lab::command::AppCommand;
use crate::lab::dialogs::{DialogKind, DialogSpec, PendingDialog, Poll};
use crate::lab::path_box::PathBox;
use crate::lab::sim::Simulation;
use crate::presets::PresetFolders;

/// What a dialog that gave no path says (a cancel, or a system without a dialog portal).
pub(super) const NO_CHOICE: &str = "no file chosen";

/// A file name made from a preset name: letters, digits, `-` and `_` kept, the rest `_`.
pub(super) fn file_stem(sim: &Simulation) -> String {
    if let Some(stem) = sim.path.as_deref().and_then(Path::file_stem) {
        return stem.to_string_lossy().into_owned();
    }
    let s: String = sim
        .world()
        .preset
        .name
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    if s.is_empty() { "preset".into() } else { s }
}

/// The folder a dialog starts in: the world's file's, else the shipped presets'.
pub(super) fn start_dir(sim: &Simulation, folders: &PresetFolders) -> PathBuf {
    sim.path
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| p.is_dir())
        .map_or_else(|| folders.shipped.clone(), Path::to_path_buf)
}

/// `path`, with `.ron` added when it has no extension.
pub fn with_ron_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() { path.with_extension("ron") } else { path }
}

/// Opens the file dialog `spec` describes (its answer comes back through [`poll_dialog`]),
/// unless one is open already.
pub(super) fn open_dialog(spec: DialogSpec, lab: &mut Lab<'_>, fx: &mut Effects) {
    if lab.files.dialog.is_some() {
        fx.notice = Some("a file dialog is already open: answer or close it first".into());
        if spec.kind == DialogKind::SaveAs {
            lab.files.after_save = None;
        }
        return;
    }
    match PendingDialog::open(spec) {
        Ok(d) => lab.files.dialog = Some(d),
        Err(e) => fx.error = Some(e),
    }
}

/// A save dialog's [`DialogSpec`].
pub(super) fn save_spec(
    kind: DialogKind,
    title: &str,
    sim: &Simulation,
    folders: &PresetFolders,
    name: String,
) -> DialogSpec {
    let filter = match kind {
        DialogKind::SaveAs => Some(("RON preset".into(), "ron".into())),
        DialogKind::ExportSeries | DialogKind::ExportDarwin3Metrics => {
            Some(("CSV".into(), "csv".into()))
        }
        DialogKind::Open | DialogKind::ExportBundle => None,
    };
    // Nothing is written into the shipped presets: from one of them, start in My presets.
    let mut dir = start_dir(sim, folders);
    if crate::presets::is_shipped_in(&dir.join("x.ron"), &folders.shipped)
        && std::fs::create_dir_all(&folders.user).is_ok()
    {
        dir = folders.user.clone();
    }
    DialogSpec { kind, title: title.into(), dir, name: Some(name), filter }
}

/// Takes the open dialog's answer, if it came, and turns it into the command it asked for (a
/// chosen path) or a notice (cancelled). Called every frame; never blocks.
pub fn poll_dialog(lab: &mut Lab<'_>) -> Effects {
    let Some(d) = &lab.files.dialog else { return Effects::default() };
    let kind = d.kind;
    match d.poll() {
        Poll::Waiting => Effects::default(),
        Poll::Answered(path) => {
            lab.files.dialog = None;
            dialog_answer(kind, path, lab)
        }
        Poll::Unavailable => {
            // No file dialog on this system: the lab's own path box asks instead.
            let start = d.start.clone();
            lab.files.dialog = None;
            lab.files.path_box = Some(PathBox::new(kind, &start));
            Effects::default()
        }
    }
}

/// What a dialog's answer does: the command with the chosen path, or a notice when no path
/// was chosen (a "Save" answer to the unsaved prompt then does not go on either).
pub fn dialog_answer(kind: DialogKind, path: Option<PathBuf>, lab: &mut Lab<'_>) -> Effects {
    let mut fx = Effects::default();
    let what = match kind {
        DialogKind::Open => "Open",
        DialogKind::SaveAs => "Save as",
        DialogKind::ExportSeries => "Export series",
        DialogKind::ExportBundle => "Export run bundle",
        DialogKind::ExportDarwin3Metrics => "Export Darwin3 metrics",
    };
    match (kind, path) {
        (DialogKind::Open, Some(p)) => lab.commands.push(AppCommand::LoadPreset(p)),
        (DialogKind::SaveAs, Some(p)) => {
            lab.commands.push(AppCommand::SaveAs(Some(with_ron_extension(p))));
        }
        (DialogKind::ExportSeries, Some(p)) => lab.commands.push(AppCommand::ExportSeries(Some(p))),
        (DialogKind::ExportBundle, Some(p)) => lab.commands.push(AppCommand::ExportBundle(Some(p))),
        (DialogKind::ExportDarwin3Metrics, Some(p)) => {
            lab.commands.push(AppCommand::ExportDarwin3Metrics(Some(p)));
        }
        (_, None) => {
            if kind == DialogKind::SaveAs {
                lab.files.after_save = None;
            }
            fx.notice = Some(format!("{what}: {NO_CHOICE}"));
        }
    }
    fx
}

/// Saves to `path` as [`AppCommand::SaveAs`] does, and resumes a command waiting on it. The
/// shipped presets are a read-only library: a path in their folder is refused.
pub(super) fn save_and_resume(path: &Path, lab: &mut Lab<'_>, fx: &mut Effects) {
    if crate::presets::is_shipped_in(path, &lab.folders.shipped) {
        fx.error = Some(format!(
            "not saved: {} is in the shipped presets, which are read-only; save into My presets \
             ({}) or any other folder",
            path.display(),
            lab.folders.user.display()
        ));
        lab.files.after_save = None;
        return;
    }
    match save_to(lab.sim, path) {
        Ok(()) => {
            remember(lab.recent, path);
            fx.saved = true;
            fx.notice = Some(format!("saved {}", path.display()));
            if let Some(cmd) = lab.files.after_save.take() {
                lab.commands.push(cmd);
            }
        }
        Err(e) => {
            fx.error = Some(format!("not saved: {e}"));
            lab.files.after_save = None;
        }
    }
}
