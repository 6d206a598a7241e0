//! The menu bar at the top of the window (File: open, recent, save, copy and paste the preset
//! as text, exports, screenshot), the "Discard unsaved changes?" prompt, the paste window, and
//! the file input that has no widget: Ctrl+O / Ctrl+S / Ctrl+Shift+S, files dropped onto the
//! window, and a preset pasted (Ctrl+V) outside any text box.
//!
//! Like every panel, it only pushes [`AppCommand`]s; the file work is in `lab/files.rs`.

use super::PanelCx;
use std::path::PathBuf;

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, RichText};

use crate::lab::command::AppCommand;
use crate::lab::files::{self, FileState, UnsavedAnswer};
use crate::lab::sim::Simulation;

/// Ctrl+O (⌘O on a Mac): Open….
const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Ctrl+S: Save.
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
/// Ctrl+Shift+S: Save as….
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);

/// A menu entry with its shortcut shown on the right.
fn item(ui: &mut egui::Ui, label: &str, shortcut: &str) -> egui::Response {
    ui.add(egui::Button::new(label).shortcut_text(shortcut))
}
/// The menu bar (File).
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.sim, cx.recent, cx.commands);
}

/// Draws the menu bar. `recent` is the recent files list (its "Clear" entry empties it).
fn draw(ui: &mut egui::Ui, sim: &Simulation, recent: &mut Vec<PathBuf>, out: &mut Vec<AppCommand>) {
    let fmt = |s: &KeyboardShortcut| ui.ctx().format_shortcut(s);
    let (open, save, save_as) = (fmt(&OPEN), fmt(&SAVE), fmt(&SAVE_AS));
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if item(ui, "Open…", &open).clicked() {
                out.push(AppCommand::OpenDialog);
            }
            ui.menu_button("Open recent", |ui| {
                let existing: Vec<&PathBuf> = recent.iter().filter(|p| p.is_file()).collect();
                if existing.is_empty() {
                    ui.label(RichText::new("no recent files").weak());
                }
                for p in existing {
                    let name =
                        p.file_name().map_or_else(|| p.display().to_string(), |n| n.display().to_string());
                    if ui.button(name).on_hover_text(p.display().to_string()).clicked() {
                        out.push(AppCommand::LoadPreset(p.clone()));
                    }
                }
                ui.separator();
                if ui.add_enabled(!recent.is_empty(), egui::Button::new("Clear the list")).clicked() {
                    recent.clear();
                }
            });
            ui.separator();
            let save_tip = match &sim.path {
                Some(p) => format!("Save to {}", p.display()),
                None => "This world has no file yet: Save asks where".into(),
            };
            if item(ui, "Save", &save).on_hover_text(save_tip).clicked() {
                out.push(AppCommand::Save);
            }
            if item(ui, "Save as…", &save_as).clicked() {
                out.push(AppCommand::SaveAs(None));
            }
            ui.separator();
            if ui
                .button("Copy preset as text")
                .on_hover_text("The preset (seed and live edits included) as RON, to the clipboard")
                .clicked()
            {
                out.push(AppCommand::CopyPreset);
            }
            if ui
                .button("Paste preset…")
                .on_hover_text("Opens a box to paste a preset's RON text into (Ctrl+V)")
                .clicked()
            {
                out.push(AppCommand::ShowPaste);
            }
            ui.separator();
            if ui
                .button("Export series CSV…")
                .on_hover_text("Every plotted series, one row per step, one column per series")
                .clicked()
            {
                out.push(AppCommand::ExportSeries(None));
            }
            if ui
                .button("Export run bundle…")
                .on_hover_text("A folder: preset.ron, summary.json (seed, steps, totals), series.csv, graph.json, edges.csv")
                .clicked()
            {
                out.push(AppCommand::ExportBundle(None));
            }
            if item(ui, "Screenshot", "F12")
                .on_hover_text("A PNG of the window, in the current folder")
                .clicked()
            {
                let name = format!("nvlab-step{}.png", sim.world().step);
                out.push(AppCommand::Screenshot(PathBuf::from(name)));
            }
        });
        if files::is_dirty(sim) {
            ui.separator();
            ui.label(RichText::new("• unsaved changes").weak()).on_hover_text(
                "The preset (seed or live edits) differs from its file: File ▸ Save keeps them",
            );
        }
    });
}

/// The "Discard unsaved changes?" prompt, while a command waits on it.
pub fn prompt(ctx: &egui::Context, files: &FileState, sim: &Simulation, out: &mut Vec<AppCommand>) {
    let Some(pending) = &files.pending else { return };
    let what = match pending {
        AppCommand::PastePreset(_) => "Loading the pasted preset".to_string(),
        AppCommand::LoadPreset(p) => format!(
            "Opening {}",
            p.file_name().map_or_else(|| p.display().to_string(), |n| n.display().to_string())
        ),
        _ => "This".to_string(),
    };
    let modal = egui::Modal::new(egui::Id::new("nvlab_unsaved_prompt")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.heading("Discard unsaved changes?");
        ui.label(format!(
            "“{}” has changes that are not in a file. {what} replaces this world.",
            sim.world().preset.name
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                out.push(AppCommand::Unsaved(UnsavedAnswer::Save));
            }
            if ui.button("Discard").clicked() {
                out.push(AppCommand::Unsaved(UnsavedAnswer::Discard));
            }
            if ui.button("Cancel").clicked() {
                out.push(AppCommand::Unsaved(UnsavedAnswer::Cancel));
            }
        });
    });
    if modal.should_close() && !out.iter().any(|c| matches!(c, AppCommand::Unsaved(_))) {
        out.push(AppCommand::Unsaved(UnsavedAnswer::Cancel));
    }
}

/// The paste window: a text box to paste a preset's RON into, and Load.
pub fn paste_window(ctx: &egui::Context, files: &mut FileState, out: &mut Vec<AppCommand>) {
    if !files.paste_open {
        return;
    }
    let mut open = true;
    egui::Window::new("Paste a preset")
        .open(&mut open)
        .default_size([560.0, 440.0])
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label("Paste a preset's RON text below (Ctrl+V), then Load. The current world is kept if it does not load.");
            if let Some(e) = &files.paste_error {
                ui.label(RichText::new(format!("⚠ {e}")).color(egui::Color32::from_rgb(240, 100, 80)));
            }
            ui.horizontal(|ui| {
                let has_text = !files.paste_text.trim().is_empty();
                if ui.add_enabled(has_text, egui::Button::new("Load")).clicked() {
                    out.push(AppCommand::PastePreset(files.paste_text.clone()));
                }
                if ui.button("Clear").clicked() {
                    files.paste_text.clear();
                    files.paste_error = None;
                }
            });
            egui::ScrollArea::vertical().id_salt("paste_text").show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut files.paste_text)
                        .code_editor()
                        .desired_rows(20)
                        .desired_width(f32::INFINITY)
                        .hint_text("Preset(\n    format: 1,\n    name: \"…\",\n    …\n)"),
                );
            });
        });
    if !open {
        files.paste_open = false;
    }
}

/// Whether pasted `text` looks like a preset (RON that names its format or is a `Preset(…)`).
fn looks_like_preset(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("Preset(") || (t.starts_with('(') && t.contains("format"))
}

/// The file input without widgets: the shortcuts, dropped files (a `.ron` loads; anything
/// else sets `error` to say so), a preset pasted outside a text box (opens the paste
/// window with it), the drop hint while files hover, and the window title with the unsaved
/// marker.
pub fn input(
    ctx: &egui::Context,
    files: &mut FileState,
    sim: &Simulation,
    out: &mut Vec<AppCommand>,
) {
    ctx.input_mut(|i| {
        // Longest first: Ctrl+Shift+S also matches Ctrl+S's logical keys.
        if i.consume_shortcut(&SAVE_AS) {
            out.push(AppCommand::SaveAs(None));
        }
        if i.consume_shortcut(&SAVE) {
            out.push(AppCommand::Save);
        }
        if i.consume_shortcut(&OPEN) {
            out.push(AppCommand::OpenDialog);
        }
    });
    let (dropped, hovering, pasted) = ctx.input(|i| {
        let dropped: Vec<PathBuf> =
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect();
        let pasted = i.events.iter().find_map(|e| match e {
            egui::Event::Paste(text) if looks_like_preset(text) => Some(text.clone()),
            _ => None,
        });
        (dropped, !i.raw.hovered_files.is_empty(), pasted)
    });
    if !dropped.is_empty() {
        let (cmd, msg) = files::dropped(&dropped);
        out.extend(cmd);
        out.extend(msg.map(AppCommand::ShowError));
    }
    if let Some(text) = pasted
        && !ctx.egui_wants_keyboard_input()
    {
        files.paste_text = text;
        files.paste_error = None;
        files.paste_open = true;
    }
    if hovering {
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::new("nvlab_drop"),
        ));
        let rect = ctx.content_rect();
        painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(160));
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "Drop a .ron preset to open it",
            egui::FontId::proportional(28.0),
            egui::Color32::WHITE,
        );
    }
    let title = files::window_title(sim);
    if title != files.title {
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
        files.title = title;
    }
}
