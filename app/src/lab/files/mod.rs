//! The lab's files: open, save and save as (atomic), the recent files, unsaved changes, the
//! preset as text, dropped files, and the exports (the plotted series as CSV, a run bundle).
//!
//! Everything here is a plain function over paths and the [`Simulation`], so it is tested
//! without a window. The menu bar ([`super::panels::menu_bar`]) and the file dialogs only make
//! [`AppCommand`]s that carry a path (a dialog command becomes the same command with the path
//! chosen, [`poll_dialog`]: the dialogs run on their own threads, `lab/dialogs.rs`), and
//! [`apply`] carries them out; [`super::app::LabApp`] applies what it returns
//! (a message, text for the clipboard, a pasted world).
//!
//! # The series CSV
//!
//! [`export_series`] writes one row per recorded step and one column per plotted series:
//!
//! ```text
//! step,<species> free,<species> docked/step,...,test loss,test accuracy,mean gain
//! ```
//!
//! `step` is the number of steps taken; `<species> free` the free vesicles of the species after
//! the step (expected values in density mode); `<species> docked/step` its dockings in the
//! step; `test loss`, `test accuracy` and `mean gain` (the host's test-set loss and accuracy
//! and the mean node gain) only when the host reports a loss, as the plots show them. A value
//! that is not a number is an empty cell; a name with a comma or a quote is quoted.
//!
//! # The run bundle
//!
//! [`export_bundle`] writes into one folder: `preset.ron` (the world's preset, seed included,
//! as a loadable file), `summary.json` ([`BundleSummary`]: preset name and hash, seed, steps,
//! mode, the file it came from, whether it had unsaved changes, the totals per species),
//! `series.csv` (above), `graph.json`, `edges.csv` and `cascades.csv` (as `nvlab run` writes
//! them, now).

mod atomic;
mod dialog_flow;
mod document;
mod exports;
#[cfg(test)]
mod tests;

pub use atomic::write_atomic;
pub use dialog_flow::{dialog_answer, poll_dialog, with_ron_extension};
pub use document::{
    FileState, RECENT_MAX, UnsavedAnswer, dropped, from_text, guard, is_dirty, marker, preset_text,
    prune, remember, replaces_world, save_to, window_title,
};
pub use exports::{BundleSummary, export_bundle, export_series, plotted_series, series_csv};

use std::path::PathBuf;

use dialog_flow::{file_stem, open_dialog, save_and_resume, save_spec, start_dir};

use super::command::AppCommand;
use super::dialogs::{DialogKind, DialogSpec};
use super::sim::Simulation;
use crate::presets::PresetFolders;

/// What the window must do after [`apply`].
#[derive(Default)]
pub struct Effects {
    /// A message for the notice line.
    pub notice: Option<String>,
    /// An error for the error line (the world is unchanged).
    pub error: Option<String>,
    /// Text to put on the clipboard.
    pub copy: Option<String>,
    /// A new world to install, as a loaded one is (a pasted preset).
    pub world: Option<Simulation>,
    /// A preset file was written (the library's "My presets" is read again).
    pub saved: bool,
}

/// The parts of the lab that file commands read and change.
pub struct Lab<'a> {
    /// The running simulation.
    pub sim: &'a mut Simulation,
    /// The file state.
    pub files: &'a mut FileState,
    /// The recent files (persisted), most recent first.
    pub recent: &'a mut Vec<PathBuf>,
    /// Commands for the next frame (a dialog's answer, a resumed command).
    pub commands: &'a mut Vec<AppCommand>,
    /// The shipped (read-only) and the user's presets folders.
    pub folders: &'a PresetFolders,
}

/// Carries out a file command ([`AppCommand::OpenDialog`] to [`AppCommand::Unsaved`]); other
/// commands do nothing. Commands with a path never open a dialog; those without one open it
/// on its own thread and return at once (the answer comes through [`poll_dialog`]).
pub fn apply(cmd: AppCommand, lab: &mut Lab<'_>) -> Effects {
    let mut fx = Effects::default();
    match cmd {
        AppCommand::OpenDialog => {
            let spec = DialogSpec {
                kind: DialogKind::Open,
                title: "Open a preset".into(),
                dir: start_dir(lab.sim, lab.folders),
                name: None,
                filter: Some(("RON preset".into(), "ron".into())),
            };
            open_dialog(spec, lab, &mut fx);
        }
        AppCommand::PathTyped(kind, path) => return dialog_answer(kind, Some(path), lab),
        AppCommand::Save => match lab.sim.path.clone() {
            // A shipped preset is never overwritten: Save makes the user's own copy in My
            // presets (a fresh name, never over another file) and continues from it.
            Some(p) if crate::presets::is_shipped_in(&p, &lab.folders.shipped) => {
                let user = lab.folders.user.clone();
                if let Err(e) = std::fs::create_dir_all(&user) {
                    fx.error = Some(format!("not saved: cannot make {}: {e}", user.display()));
                    lab.files.after_save = None;
                } else {
                    let copy = crate::presets::fresh_path(&user, &file_stem(lab.sim));
                    save_and_resume(&copy, lab, &mut fx);
                    if fx.error.is_none() {
                        fx.notice = Some(format!(
                            "{} is a shipped preset (read-only): saved your copy as {} in My \
                             presets; you now edit the copy",
                            p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into()),
                            copy.display()
                        ));
                    }
                }
            }
            Some(p) => save_and_resume(&p, lab, &mut fx),
            None => lab.commands.push(AppCommand::SaveAs(None)),
        },
        AppCommand::SaveAs(Some(p)) => save_and_resume(&p, lab, &mut fx),
        AppCommand::SaveAs(None) => {
            let name = format!("{}.ron", file_stem(lab.sim));
            let spec =
                save_spec(DialogKind::SaveAs, "Save the preset as", lab.sim, lab.folders, name);
            open_dialog(spec, lab, &mut fx);
        }
        AppCommand::CopyPreset => match preset_text(lab.sim) {
            Ok(text) => {
                fx.notice = Some(format!(
                    "copied the preset as text ({} lines): paste it with File ▸ Paste preset",
                    text.lines().count()
                ));
                fx.copy = Some(text);
            }
            Err(e) => fx.error = Some(format!("cannot copy the preset: {e}")),
        },
        AppCommand::ShowPaste => lab.files.paste_open = true,
        AppCommand::PastePreset(text) => match from_text(&text) {
            Ok(sim) => {
                fx.notice = Some(format!("loaded the pasted preset “{}”", sim.world().preset.name));
                fx.world = Some(sim);
                lab.files.paste_open = false;
                lab.files.paste_text.clear();
                lab.files.paste_error = None;
            }
            // The current world is kept.
            Err(e) => {
                lab.files.paste_error = Some(e.clone());
                fx.error = Some(e);
            }
        },
        AppCommand::ExportSeries(Some(p)) => match export_series(lab.sim, &p) {
            Ok(rows) => fx.notice = Some(format!("wrote {} ({rows} steps)", p.display())),
            Err(e) => fx.error = Some(e),
        },
        AppCommand::ExportSeries(None) => {
            let name = format!("{}-series.csv", file_stem(lab.sim));
            let spec = save_spec(
                DialogKind::ExportSeries,
                "Export the plotted series",
                lab.sim,
                lab.folders,
                name,
            );
            open_dialog(spec, lab, &mut fx);
        }
        AppCommand::ExportBundle(Some(dir)) => match export_bundle(lab.sim, &dir) {
            Ok(()) => fx.notice = Some(format!("wrote the run bundle {}", dir.display())),
            Err(e) => fx.error = Some(e),
        },
        AppCommand::ExportBundle(None) => {
            let name = format!("{}-step{}", file_stem(lab.sim), lab.sim.world().step);
            let title = "Export a run bundle (a folder of that name is made)";
            open_dialog(
                save_spec(DialogKind::ExportBundle, title, lab.sim, lab.folders, name),
                lab,
                &mut fx,
            );
        }
        AppCommand::ExportDarwin3Metrics(None) => {
            let name = format!("{}-darwin3-metrics.csv", file_stem(lab.sim));
            let title = "Export the Darwin3 per-neuron metrics";
            let spec =
                save_spec(DialogKind::ExportDarwin3Metrics, title, lab.sim, lab.folders, name);
            open_dialog(spec, lab, &mut fx);
        }
        AppCommand::Unsaved(answer) => {
            let pending = lab.files.pending.take();
            match answer {
                UnsavedAnswer::Save => {
                    lab.files.after_save = pending;
                    lab.commands.push(AppCommand::Save);
                }
                UnsavedAnswer::Discard => {
                    if let Some(cmd) = pending {
                        lab.files.confirmed = true;
                        lab.commands.push(cmd);
                    }
                }
                UnsavedAnswer::Cancel => {}
            }
        }
        _ => {}
    }
    fx
}
