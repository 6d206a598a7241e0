//! The files module's tests, without a window: save and load, the recent list, unsaved
//! changes and their prompt, the read-only shipped library, dialog answers, the exports.

use super::atomic::WRITE_COUNTER;
use super::dialog_flow::*;
use super::document::*;
use super::*;
use crate::lab::dialogs::PendingDialog;
use nv_core::Mode;
use std::path::Path;
use std::sync::atomic::Ordering;

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
        let folders =
            PresetFolders { shipped: crate::presets::shipped_dir(), user: tmp_dir("my-presets") };
        Self { sim, files: FileState::default(), recent: Vec::new(), commands: Vec::new(), folders }
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
    assert!(csv.lines().next().is_some_and(|h| h.ends_with(",test loss,test accuracy,mean gain")));
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
    for f in ["preset.ron", "summary.json", "series.csv", "graph.json", "edges.csv", "cascades.csv"]
    {
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

/// The bundle's `cascades.csv` holds every finished cascade the world keeps, as `nvlab run`
/// writes it.
#[test]
fn run_bundle_has_the_finished_cascades() {
    let mut sim =
        Simulation::load(&shipped("cascade_critical.ron"), Mode::Particle).expect("loads");
    for _ in 0..600 {
        sim.step();
    }
    let finished = sim.world().cascades.finished.len();
    assert!(finished > 10, "600 steps finish cascades: {finished}");
    let dir = tmp_dir("bundle_cascades").join("run");
    export_bundle(&sim, &dir).expect("writes");
    let text = std::fs::read_to_string(dir.join("cascades.csv")).expect("written");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("cascade,root_species,size,depth,duration"));
    assert_eq!(lines.count(), finished);
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
    let before = (parts.sim.world().preset.clone(), parts.sim.world().step, parts.sim.path.clone());
    let text = good.replacen("name:", "nmae:", 1);
    let fx = parts.apply(AppCommand::PastePreset(text));
    let e = fx.error.expect("an error");
    assert!(e.starts_with("<text>:"), "{e}");
    assert!(e.contains("nmae") && e.contains("name"), "names the field and what is allowed: {e}");
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
