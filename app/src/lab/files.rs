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
//! `series.csv` (above), `graph.json` and `edges.csv` (as `nvlab run` writes them, now).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use nv_core::observe::{SpeciesTotals, fnv1a_hex, species_totals, write_graph_json};
use serde::Serialize;

use super::command::AppCommand;
use super::dialogs::{DialogKind, DialogSpec, PendingDialog, Poll};
use super::path_box::PathBox;
use super::sim::Simulation;
use crate::presets::PresetFolders;

/// The most files the recent list keeps.
pub const RECENT_MAX: usize = 10;

/// What a dialog that gave no path says (a cancel, or a system without a dialog portal).
const NO_CHOICE: &str = "no file chosen";

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
fn absolute(path: &Path) -> PathBuf {
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

/// Every plotted series: its name (as the plot legend shows it) and its values, one per
/// recorded step (see the module docs for the columns).
pub fn plotted_series(sim: &Simulation) -> Vec<(String, &[f64])> {
    let h = &sim.history;
    let mut out: Vec<(String, &[f64])> = Vec::new();
    for (k, s) in sim.world().species.iter().enumerate() {
        if let Some(v) = h.free.get(k) {
            out.push((format!("{} free", s.name), v));
        }
        if let Some(v) = h.docked.get(k) {
            out.push((format!("{} docked/step", s.name), v));
        }
    }
    if h.loss.iter().any(|v| v.is_finite()) {
        out.push(("test loss".into(), &h.loss));
        out.push(("test accuracy".into(), &h.accuracy));
        out.push(("mean gain".into(), &h.mean_gain));
    }
    out
}

/// The plotted series as CSV text (module docs: one row per step, one column per series).
pub fn series_csv(sim: &Simulation) -> String {
    let series = plotted_series(sim);
    let steps = &sim.history.step;
    let mut out = String::with_capacity(16 * (steps.len() + 1) * (series.len() + 1));
    out.push_str("step");
    for (name, _) in &series {
        out.push(',');
        out.push_str(&nv_core::csv::cell(name));
    }
    out.push('\n');
    for (i, step) in steps.iter().enumerate() {
        out.push_str(&step.to_string());
        for (_, values) in &series {
            out.push(',');
            if let Some(v) = values.get(i).filter(|v| v.is_finite()) {
                out.push_str(&v.to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// Counts temporary files so that two writes from one process never share one.
static WRITE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over `path` (on failure `path` is untouched).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path (no file name)")
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        WRITE_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Writes the plotted series to `path` as CSV (atomically); returns the number of data rows
/// (one per recorded step).
pub fn export_series(sim: &Simulation, path: &Path) -> Result<usize, String> {
    write_atomic(path, series_csv(sim).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(sim.history.step.len())
}

/// `summary.json` of a run bundle.
#[derive(Clone, Debug, Serialize)]
pub struct BundleSummary {
    /// Preset name.
    pub preset: String,
    /// FNV-1a 64 hash of the preset as canonical RON, hex (as `nvlab run` writes it).
    pub preset_hash: String,
    /// The preset file the world came from, if any.
    pub source: Option<String>,
    /// Whether the world had changes not saved to that file (`preset.ron` has them).
    pub unsaved_changes: bool,
    /// The seed.
    pub seed: u64,
    /// Steps taken.
    pub steps: u64,
    /// particle, density or twin.
    pub mode: String,
    /// nvlab version.
    pub version: String,
    /// Rows of `series.csv`.
    pub series_rows: usize,
    /// Totals per species (of the particle world in twin mode).
    pub totals: Vec<SpeciesTotals>,
    /// Totals per species of the density world (twin mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub density_totals: Option<Vec<SpeciesTotals>>,
}

/// Writes a run bundle into the folder `dir` (created if needed; files of the same names are
/// replaced): `preset.ron`, `summary.json`, `series.csv`, `graph.json`, `edges.csv` (module
/// docs).
pub fn export_bundle(sim: &Simulation, dir: &Path) -> Result<(), String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("cannot write {what}: {e}");
    std::fs::create_dir_all(dir).map_err(|e| fail(&dir.display().to_string(), &e))?;
    let w = sim.world();
    let text = preset_text(sim)?;
    nv_core::preset::save(&w.preset, &dir.join("preset.ron")).map_err(|e| e.to_string())?;
    let rows = export_series(sim, &dir.join("series.csv"))?;
    let summary = BundleSummary {
        preset: w.preset.name.clone(),
        preset_hash: fnv1a_hex(text.as_bytes()),
        source: sim.path.as_ref().map(|p| p.display().to_string()),
        unsaved_changes: is_dirty(sim),
        seed: w.preset.seed,
        steps: w.step,
        mode: sim.mode.name().into(),
        version: env!("CARGO_PKG_VERSION").into(),
        series_rows: rows,
        totals: species_totals(w),
        density_totals: sim.twin.as_ref().map(species_totals),
    };
    let json = serde_json::to_string_pretty(&summary).map_err(|e| fail("summary.json", &e))?;
    write_atomic(&dir.join("summary.json"), json.as_bytes())
        .map_err(|e| fail("summary.json", &e))?;
    write_graph_json(w, &dir.join("graph.json")).map_err(|e| fail("graph.json", &e))?;
    let g = &w.graph;
    let mut edges = String::from("src,dst,weight,pathway\n");
    for e in 0..g.m() {
        let weight = w.weight.get(e).copied().unwrap_or(0.0)
            + w.modulation.weight_delta.get(e).copied().unwrap_or(0.0);
        let pathway = w.pathway.get(e).copied().unwrap_or(0.0);
        edges.push_str(&format!("{},{},{weight},{pathway}\n", g.edge_src[e], g.edge_dst[e]));
    }
    write_atomic(&dir.join("edges.csv"), edges.as_bytes()).map_err(|e| fail("edges.csv", &e))
}

/// A file name made from a preset name: letters, digits, `-` and `_` kept, the rest `_`.
fn file_stem(sim: &Simulation) -> String {
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
fn start_dir(sim: &Simulation, folders: &PresetFolders) -> PathBuf {
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
fn open_dialog(spec: DialogSpec, lab: &mut Lab<'_>, fx: &mut Effects) {
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
fn save_spec(
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
fn save_and_resume(path: &Path, lab: &mut Lab<'_>, fx: &mut Effects) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use nv_core::Mode;

    fn shipped(name: &str) -> PathBuf {
        crate::cli::presets_dir().join(name)
    }

    fn tmp_dir(tag: &str) -> PathBuf {
        let n = WRITE_COUNTER.fetch_add(1, Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("nvlab-files-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    }

    fn tiny() -> Simulation {
        Simulation::load(&shipped("tiny_chain.ron"), Mode::Particle).expect("tiny_chain loads")
    }

    struct Parts {
        sim: Simulation,
        files: FileState,
        recent: Vec<PathBuf>,
        commands: Vec<AppCommand>,
        folders: PresetFolders,
    }

    impl Parts {
        fn new(sim: Simulation) -> Self {
            let folders = PresetFolders {
                shipped: crate::presets::shipped_dir(),
                user: tmp_dir("my-presets"),
            };
            Self {
                sim,
                files: FileState::default(),
                recent: Vec::new(),
                commands: Vec::new(),
                folders,
            }
        }

        fn apply(&mut self, cmd: AppCommand) -> Effects {
            let mut lab = Lab {
                sim: &mut self.sim,
                files: &mut self.files,
                recent: &mut self.recent,
                commands: &mut self.commands,
                folders: &self.folders,
            };
            apply(cmd, &mut lab)
        }
    }

    #[test]
    fn save_then_load_is_equal_and_clean() {
        let dir = tmp_dir("save");
        let mut sim = tiny();
        sim.edit_world(|w| w.preset.seed = 4242);
        assert!(is_dirty(&sim), "a changed seed is an unsaved change");
        let path = dir.join("mine.ron");
        save_to(&mut sim, &path).expect("saves");
        assert!(!is_dirty(&sim));
        assert_eq!(sim.path.as_deref(), Some(path.as_path()));
        let back = Simulation::load(&path, Mode::Particle).expect("loads back");
        assert_eq!(back.world().preset, sim.world().preset);
        assert!(!is_dirty(&back));
        // No temporary file is left next to it.
        let names: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // Through the command: the recent list gets the file.
        let mut parts = Parts::new(tiny());
        parts.sim.edit_world(|w| w.preset.seed = 7);
        let other = dir.join("other.ron");
        let fx = parts.apply(AppCommand::SaveAs(Some(other.clone())));
        assert!(fx.error.is_none(), "{:?}", fx.error);
        assert!(!is_dirty(&parts.sim));
        assert_eq!(parts.recent, vec![absolute(&other)]);
        assert_eq!(nv_core::preset::load(&other).expect("loads").seed, 7);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn saving_somewhere_impossible_keeps_the_world_unsaved() {
        let mut sim = tiny();
        sim.edit_world(|w| w.preset.seed = 9);
        let err = save_to(&mut sim, Path::new("/nonexistent-dir-nvlab/x.ron"));
        assert!(err.is_err());
        assert!(is_dirty(&sim));
        assert_eq!(sim.path.as_deref(), Some(shipped("tiny_chain.ron").as_path()));
    }

    #[test]
    fn recent_list_order_and_pruning() {
        let dir = tmp_dir("recent");
        let files: Vec<PathBuf> = (0..12).map(|i| dir.join(format!("p{i}.ron"))).collect();
        for f in &files {
            std::fs::write(f, "x").expect("write");
        }
        let mut recent = Vec::new();
        for f in &files {
            remember(&mut recent, f);
        }
        assert_eq!(recent.len(), RECENT_MAX);
        assert_eq!(recent[0], absolute(&files[11]), "most recent first");
        assert_eq!(recent[9], absolute(&files[2]));
        remember(&mut recent, &files[5]);
        assert_eq!(recent[0], absolute(&files[5]));
        assert_eq!(recent.len(), RECENT_MAX, "no duplicates");
        assert_eq!(recent.iter().filter(|p| **p == absolute(&files[5])).count(), 1);
        std::fs::remove_file(&files[11]).expect("rm");
        std::fs::remove_file(&files[3]).expect("rm");
        recent.push(recent[0].clone());
        prune(&mut recent);
        assert_eq!(recent.len(), RECENT_MAX - 2);
        assert!(recent.iter().all(|p| p.is_file()));
        assert_eq!(recent[0], absolute(&files[5]));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unsaved_changes_are_detected_and_guarded() {
        let mut sim = tiny();
        assert!(!is_dirty(&sim));
        assert_eq!(marker(&sim), "");
        // A reset keeps the saved copy; a new seed is a change.
        let mut p = sim.world().preset.clone();
        p.seed += 1;
        sim = sim.rebuilt(p, Mode::Particle).expect("rebuilds");
        assert!(is_dirty(&sim));
        assert!(window_title(&sim).starts_with("• "));
        let mut files = FileState::default();
        let load = AppCommand::LoadPreset(shipped("spiral_film.ron"));
        let now = guard(&mut files, is_dirty(&sim), vec![AppCommand::Step(1), load.clone()]);
        assert_eq!(now, vec![AppCommand::Step(1)]);
        assert_eq!(files.pending, Some(load.clone()));
        // Discard: the command comes back and goes through.
        let mut parts = Parts::new(sim);
        parts.files = files;
        parts.apply(AppCommand::Unsaved(UnsavedAnswer::Discard));
        assert!(parts.files.pending.is_none());
        assert_eq!(parts.commands, vec![load.clone()]);
        let cmds = std::mem::take(&mut parts.commands);
        assert_eq!(guard(&mut parts.files, true, cmds), vec![load.clone()]);
        assert!(!parts.files.confirmed, "one discard lets one command through");
        // Cancel drops it; a clean world never asks.
        parts.files.pending = Some(load.clone());
        parts.apply(AppCommand::Unsaved(UnsavedAnswer::Cancel));
        assert!(parts.files.pending.is_none() && parts.commands.is_empty());
        assert_eq!(guard(&mut parts.files, false, vec![load.clone()]), vec![load]);
        // A pasted preset has no file: unsaved.
        let text = preset_text(&tiny()).expect("text");
        let pasted = from_text(&text).expect("pastes");
        assert!(is_dirty(&pasted));
        assert_eq!(pasted.world().preset, tiny().world().preset);
    }

    /// Ctrl+S on a shipped preset never writes the shipped file: it saves the user's copy in
    /// My presets under a fresh name and continues from it; a save into the shipped folder is
    /// refused.
    #[test]
    fn saving_a_shipped_preset_makes_a_copy_in_my_presets() {
        let original = std::fs::read(shipped("tiny_chain.ron")).expect("shipped");
        let mut parts = Parts::new(tiny());
        parts.sim.edit_world(|w| w.preset.seed = 77);
        let fx = parts.apply(AppCommand::Save);
        assert!(fx.error.is_none(), "{:?}", fx.error);
        assert!(fx.saved);
        let copy = parts.folders.user.join("tiny_chain.ron");
        assert_eq!(parts.sim.path.as_deref(), Some(copy.as_path()), "it edits the copy now");
        assert!(fx.notice.is_some_and(|n| n.contains("shipped preset (read-only)")));
        assert_eq!(nv_core::preset::load(&copy).expect("the copy loads").seed, 77);
        assert_eq!(std::fs::read(shipped("tiny_chain.ron")).ok(), Some(original.clone()));
        // Saving the copy again writes the copy; another shipped save gets a fresh name.
        let fx = parts.apply(AppCommand::Save);
        assert!(fx.error.is_none() && fx.saved);
        let mut again = Parts::new(tiny());
        again.folders.user = parts.folders.user.clone();
        again.apply(AppCommand::Save);
        assert_eq!(again.sim.path, Some(parts.folders.user.join("tiny_chain-2.ron")));
        // Save as into the shipped folder is refused, and nothing is written there.
        let target = shipped("tiny_chain_mine.ron");
        let fx = parts.apply(AppCommand::SaveAs(Some(target.clone())));
        assert!(fx.error.is_some_and(|e| e.contains("read-only")));
        assert!(!target.exists());
        assert_eq!(std::fs::read(shipped("tiny_chain.ron")).ok(), Some(original));
    }

    #[test]
    fn save_answer_saves_then_resumes() {
        let dir = tmp_dir("resume");
        let path = dir.join("p.ron");
        std::fs::copy(shipped("tiny_chain.ron"), &path).expect("copy");
        let mut parts = Parts::new(Simulation::load(&path, Mode::Particle).expect("loads"));
        parts.sim.edit_world(|w| w.preset.seed = 99);
        let load = AppCommand::LoadPreset(shipped("spiral_film.ron"));
        parts.files.pending = Some(load.clone());
        parts.apply(AppCommand::Unsaved(UnsavedAnswer::Save));
        assert_eq!(parts.commands, vec![AppCommand::Save]);
        parts.commands.clear();
        let fx = parts.apply(AppCommand::Save);
        assert!(fx.error.is_none(), "{:?}", fx.error);
        assert_eq!(parts.commands, vec![load]);
        assert!(!is_dirty(&parts.sim));
        assert_eq!(nv_core::preset::load(&path).expect("loads").seed, 99);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn dialog_answers_become_commands_without_blocking() {
        let mut parts = Parts::new(tiny());
        let answer = |parts: &mut Parts, kind, path: Option<&str>| {
            let (send, recv) = std::sync::mpsc::channel();
            parts.files.dialog = Some(PendingDialog::from_channel(kind, recv));
            let mut lab = Lab {
                sim: &mut parts.sim,
                files: &mut parts.files,
                recent: &mut parts.recent,
                commands: &mut parts.commands,
                folders: &parts.folders,
            };
            // No answer yet: nothing happens and the dialog stays open.
            let fx = poll_dialog(&mut lab);
            assert!(fx.notice.is_none() && lab.commands.is_empty() && lab.files.dialog.is_some());
            send.send(path.map(PathBuf::from)).expect("the receiver is alive");
            let fx = poll_dialog(&mut lab);
            assert!(lab.files.dialog.is_none(), "an answered dialog is closed");
            (fx, std::mem::take(lab.commands))
        };
        let (_, cmds) = answer(&mut parts, DialogKind::Open, Some("/a/p.ron"));
        assert_eq!(cmds, vec![AppCommand::LoadPreset(PathBuf::from("/a/p.ron"))]);
        let (_, cmds) = answer(&mut parts, DialogKind::SaveAs, Some("/a/mine"));
        assert_eq!(cmds, vec![AppCommand::SaveAs(Some(PathBuf::from("/a/mine.ron")))]);
        let (_, cmds) = answer(&mut parts, DialogKind::ExportSeries, Some("/a/s.csv"));
        assert_eq!(cmds, vec![AppCommand::ExportSeries(Some(PathBuf::from("/a/s.csv")))]);
        let (_, cmds) = answer(&mut parts, DialogKind::ExportBundle, Some("/a/run"));
        assert_eq!(cmds, vec![AppCommand::ExportBundle(Some(PathBuf::from("/a/run")))]);
        // A cancelled "Save as" that the unsaved prompt's Save asked for: the load waiting on
        // it is dropped, and the notice says nothing was chosen.
        parts.files.after_save = Some(AppCommand::LoadPreset(shipped("spiral_film.ron")));
        let (fx, cmds) = answer(&mut parts, DialogKind::SaveAs, None);
        assert!(cmds.is_empty());
        assert!(parts.files.after_save.is_none());
        assert!(fx.notice.is_some_and(|n| n.starts_with("Save as: no file chosen")));
        // A second dialog while one is open is refused with a notice.
        let (_send, recv) = std::sync::mpsc::channel();
        parts.files.dialog = Some(PendingDialog::from_channel(DialogKind::Open, recv));
        let fx = parts.apply(AppCommand::OpenDialog);
        assert!(fx.notice.is_some_and(|n| n.contains("already open")));
        assert_eq!(parts.files.dialog.as_ref().map(|d| d.kind), Some(DialogKind::Open));
    }

    #[test]
    fn series_csv_header_and_rows() {
        let mut sim = tiny();
        for _ in 0..25 {
            sim.step();
        }
        let dir = tmp_dir("csv");
        let path = dir.join("s.csv");
        assert_eq!(export_series(&sim, &path).expect("writes"), 25);
        let text = std::fs::read_to_string(&path).expect("reads");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 26, "header and one row per step");
        let mut header = vec!["step".to_string()];
        for s in &sim.world().species {
            header.push(format!("{} free", s.name));
            header.push(format!("{} docked/step", s.name));
        }
        assert_eq!(lines[0], header.join(","));
        assert!(lines[1].starts_with("1,"));
        assert!(lines[25].starts_with("25,"));
        assert!(lines.iter().all(|l| l.split(',').count() == header.len()));
        // The MLP host adds loss, accuracy and mean gain.
        let mut mlp =
            Simulation::load(&shipped("spiral_film.ron"), Mode::Particle).expect("spiral loads");
        mlp.step();
        let csv = series_csv(&mlp);
        assert!(
            csv.lines().next().is_some_and(|h| h.ends_with(",test loss,test accuracy,mean gain"))
        );
        assert_eq!(csv.lines().count(), 2);
        assert_eq!(nv_core::csv::cell("a,b \"c\""), "\"a,b \"\"c\"\"\"");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn run_bundle_has_its_files() {
        let mut sim = tiny();
        for _ in 0..5 {
            sim.step();
        }
        let dir = tmp_dir("bundle").join("run");
        export_bundle(&sim, &dir).expect("writes");
        for f in ["preset.ron", "summary.json", "series.csv", "graph.json", "edges.csv"] {
            assert!(dir.join(f).is_file(), "{f}");
        }
        let back = nv_core::preset::load(&dir.join("preset.ron")).expect("loads");
        assert_eq!(back, sim.world().preset);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("r"))
                .expect("json");
        assert_eq!(summary["seed"], sim.world().preset.seed);
        assert_eq!(summary["steps"], 5);
        assert_eq!(summary["series_rows"], 5);
        let edges = std::fs::read_to_string(dir.join("edges.csv")).expect("r");
        assert_eq!(edges.lines().count(), sim.world().graph.m() + 1);
        if let Some(parent) = dir.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }

    #[test]
    fn malformed_file_gives_line_and_column_and_keeps_the_world() {
        let dir = tmp_dir("bad");
        let good = std::fs::read_to_string(shipped("tiny_chain.ron")).expect("reads");
        // A stray character on line 3 (a syntax error) and an unknown field.
        let mut lines: Vec<&str> = good.lines().collect();
        lines.insert(2, "    ]]]");
        let bad = dir.join("bad.ron");
        std::fs::write(&bad, lines.join("\n")).expect("write");
        let err = Simulation::load(&bad, Mode::Particle).err().expect("does not load");
        let at = format!("{}:", bad.display());
        assert!(err.starts_with(&at), "{err}");
        let pos: Vec<&str> = err[at.len()..].splitn(3, ':').collect();
        assert!(
            pos.len() == 3 && pos[0].parse::<usize>().is_ok() && pos[1].parse::<usize>().is_ok(),
            "line and column: {err}"
        );
        // Pasted text: the same, and the world and file state are unchanged.
        let mut parts = Parts::new(tiny());
        parts.sim.step();
        let before =
            (parts.sim.world().preset.clone(), parts.sim.world().step, parts.sim.path.clone());
        let text = good.replacen("name:", "nmae:", 1);
        let fx = parts.apply(AppCommand::PastePreset(text));
        let e = fx.error.expect("an error");
        assert!(e.starts_with("<text>:"), "{e}");
        assert!(
            e.contains("nmae") && e.contains("name"),
            "names the field and what is allowed: {e}"
        );
        assert!(fx.world.is_none());
        assert_eq!(
            (parts.sim.world().preset.clone(), parts.sim.world().step, parts.sim.path.clone()),
            before
        );
        assert_eq!(parts.files.paste_error.as_deref(), Some(e.as_str()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn pasting_good_text_gives_a_world() {
        let mut parts = Parts::new(tiny());
        parts.files.paste_open = true;
        let text = preset_text(&parts.sim).expect("text");
        let fx = parts.apply(AppCommand::PastePreset(text));
        let world = fx.world.expect("a world");
        assert_eq!(world.world().preset, parts.sim.world().preset);
        assert!(world.path.is_none());
        assert!(!parts.files.paste_open);
        let fx = parts.apply(AppCommand::CopyPreset);
        assert!(fx.copy.is_some_and(|t| t.contains("format")));
    }

    #[test]
    fn dropped_files_are_sorted_out() {
        let (cmd, msg) = dropped(&[PathBuf::from("/a/x.png"), PathBuf::from("/a/p.RON")]);
        assert_eq!(cmd, Some(AppCommand::LoadPreset(PathBuf::from("/a/p.RON"))));
        assert!(msg.is_some_and(|m| m.contains("x.png") && m.contains(".ron")));
        let (cmd, msg) = dropped(&[PathBuf::from("/a/p.ron")]);
        assert!(cmd.is_some() && msg.is_none());
        let (cmd, msg) = dropped(&[PathBuf::from("notes.txt")]);
        assert!(cmd.is_none() && msg.is_some());
        assert_eq!(with_ron_extension(PathBuf::from("a/b")), PathBuf::from("a/b.ron"));
    }
}
