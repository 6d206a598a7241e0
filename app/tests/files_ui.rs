//! The File menu in the real lab window, headless (egui_kittest): the menu's entries, the
//! unsaved marker, the "Discard unsaved changes?" prompt (Cancel keeps the world, Discard
//! loads), Save to a path, and the paste window loading a preset's text.
//!
//! The dialogs (rfd) are not opened here: every file operation has a command that carries its
//! path, queued as a panel would.

mod common;

use common::{lab, preset, tmp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;

/// Queues `cmd` and runs the frames that apply it and show the result.
fn queue(h: &mut Harness<'_, LabApp>, cmd: AppCommand) {
    h.state_mut().queue(cmd);
    h.run_steps(3);
}

/// Clicks the widget labelled `label` and runs the frames of the click.
fn click(h: &mut Harness<'_, LabApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(3);
}

#[test]
fn the_file_menu_lists_its_entries() {
    let mut h = lab(preset("tiny_chain.ron"));
    click(&mut h, "File");
    for entry in [
        "Open…",
        "Open recent",
        "Save",
        "Save as…",
        "Copy preset as text",
        "Paste preset…",
        "Export series CSV…",
        "Export run bundle…",
        "Screenshot",
    ] {
        // Entries with a shortcut have it in their label ("Save as… Ctrl+Shift+S").
        assert!(h.query_all_by_label_contains(entry).next().is_some(), "the File menu has {entry}");
    }
}

#[test]
fn unsaved_changes_are_marked_and_asked_about() {
    let dir = tmp("files_ui", "prompt");
    let file = dir.join("chain.ron");
    std::fs::copy(preset("tiny_chain.ron"), &file).expect("copy");
    let mut h = lab(file.clone());
    assert!(h.query_by_label("• unsaved changes").is_none(), "a loaded file is clean");
    queue(&mut h, AppCommand::SetSeed(4242));
    assert!(h.query_by_label("• unsaved changes").is_some(), "a new seed is a change");
    assert!(h.query_by_label_contains("• Tiny chain — ").is_some(), "the title is marked");

    // Cancel keeps the world.
    queue(&mut h, AppCommand::LoadPreset(preset("spiral_film.ron")));
    assert!(h.query_by_label("Discard unsaved changes?").is_some(), "the prompt shows");
    click(&mut h, "Cancel");
    assert!(h.query_by_label("Discard unsaved changes?").is_none());
    assert_eq!(h.state().sim().world().preset.seed, 4242, "the world is kept");
    assert_eq!(h.state().sim().path.as_deref(), Some(file.as_path()));

    // Discard loads.
    queue(&mut h, AppCommand::LoadPreset(preset("spiral_film.ron")));
    click(&mut h, "Discard");
    h.run_steps(2);
    assert_eq!(h.state().sim().path.as_deref(), Some(preset("spiral_film.ron").as_path()));
    assert!(h.query_by_label("• unsaved changes").is_none());
}

#[test]
fn save_answer_writes_the_file_then_loads() {
    let dir = tmp("files_ui", "save");
    let file = dir.join("chain.ron");
    std::fs::copy(preset("tiny_chain.ron"), &file).expect("copy");
    let mut h = lab(file.clone());
    queue(&mut h, AppCommand::SetSeed(77));
    queue(&mut h, AppCommand::LoadPreset(preset("spiral_film.ron")));
    click(&mut h, "Save");
    h.run_steps(3);
    assert_eq!(nv_core::preset::load(&file).expect("loads").seed, 77, "saved first");
    assert_eq!(h.state().sim().path.as_deref(), Some(preset("spiral_film.ron").as_path()));
}

#[test]
fn save_as_and_paste_work_by_command() {
    let dir = tmp("files_ui", "save_as");
    let mut h = lab(preset("tiny_chain.ron"));
    queue(&mut h, AppCommand::SetSeed(5));
    let out = dir.join("copy.ron");
    queue(&mut h, AppCommand::SaveAs(Some(out.clone())));
    assert!(h.query_by_label("• unsaved changes").is_none());
    assert_eq!(h.state().sim().path.as_deref(), Some(out.as_path()));
    assert_eq!(nv_core::preset::load(&out).expect("loads").seed, 5);

    // The paste window: a bad text shows its error and keeps the world; a good one loads.
    queue(&mut h, AppCommand::ShowPaste);
    assert!(h.query_by_label("Paste a preset").is_some());
    let text = std::fs::read_to_string(preset("attention_limit.ron")).expect("reads");
    queue(&mut h, AppCommand::PastePreset(text.replacen("name:", "nmae:", 1)));
    let shown = h.query_all_by_label_contains("<text>:").count();
    assert!(shown >= 1, "the error shows its line and column");
    assert_eq!(h.state().sim().path.as_deref(), Some(out.as_path()), "the world is kept");
    queue(&mut h, AppCommand::PastePreset(text));
    assert!(h.state().sim().path.is_none(), "a pasted preset has no file");
    assert!(h.query_by_label("• unsaved changes").is_some(), "and is unsaved");
    assert!(h.query_by_label("Paste a preset").is_none(), "the window closes");
}
