//! The lab's own path box, for systems without a file-dialog service (no desktop portal): a
//! window where the path is typed, with completion from the file system (Tab completes the
//! longest common part; the matching entries are listed and clickable). It checks the path
//! before it answers: an existing file to open, an existing folder to save into.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};

use super::command::AppCommand;
use super::dialogs::DialogKind;

/// Most entries the completion list shows.
pub const MAX_COMPLETIONS: usize = 12;

/// A path being typed for a file action.
#[derive(Clone, Debug, PartialEq)]
pub struct PathBox {
    /// The action it answers.
    pub kind: DialogKind,
    /// The path typed so far.
    pub text: String,
    /// Why the last "OK" was refused.
    pub error: Option<String>,
}

/// The folder part and the name part of `text` (the name being typed).
fn split(text: &str) -> (PathBuf, String) {
    if text.is_empty() {
        return (PathBuf::from("."), String::new());
    }
    if text.ends_with(std::path::MAIN_SEPARATOR) || text.ends_with('/') {
        return (PathBuf::from(text), String::new());
    }
    let path = Path::new(text);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = path.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty());
    (dir.unwrap_or_else(|| PathBuf::from(".")), name)
}

impl PathBox {
    /// A path box for `kind`, starting at `start` (a folder and a suggested name); a folder
    /// ends with a separator, so its entries are listed at once.
    pub fn new(kind: DialogKind, start: &Path) -> Self {
        let mut text = start.display().to_string();
        if start.is_dir() && !text.ends_with(['/', std::path::MAIN_SEPARATOR]) {
            text.push(std::path::MAIN_SEPARATOR);
        }
        Self { kind, text, error: None }
    }

    /// What the box asks for, in words.
    pub fn what(&self) -> &'static str {
        match self.kind {
            DialogKind::Open => "the preset file to open",
            DialogKind::SaveAs => "the file to save the preset as (.ron)",
            DialogKind::ExportSeries => "the CSV file to export the series to",
            DialogKind::ExportBundle => "the folder to write the run bundle into",
            DialogKind::ExportDarwin3Metrics => "the CSV file to export the Darwin3 metrics to",
        }
    }

    /// The entries of the typed folder whose names start with the typed name, sorted, folders
    /// ending with `/` (at most [`MAX_COMPLETIONS`]), as full texts to put in the box.
    pub fn completions(&self) -> Vec<String> {
        let (dir, prefix) = split(&self.text);
        let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
        let mut out: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.starts_with(&prefix) || (name.starts_with('.') && !prefix.starts_with('.'))
                {
                    return None;
                }
                let folder = e.file_type().is_ok_and(|t| t.is_dir());
                let full = dir.join(&name).display().to_string();
                Some(if folder { format!("{full}/") } else { full })
            })
            .collect();
        out.sort();
        out.truncate(MAX_COMPLETIONS);
        if self.text.is_empty() || !self.text.contains(['/', std::path::MAIN_SEPARATOR]) {
            // Typed without a folder: show the names as typed, not with `./`.
            for c in &mut out {
                if let Some(rest) = c.strip_prefix("./") {
                    *c = rest.to_string();
                }
            }
        }
        out
    }

    /// Tab: extends the text to the longest beginning every completion shares.
    pub fn complete(&mut self) {
        let all = self.completions();
        let Some(first) = all.first() else { return };
        let mut common = first.clone();
        for c in &all[1..] {
            let n = common.chars().zip(c.chars()).take_while(|(a, b)| a == b).count();
            common = common.chars().take(n).collect();
        }
        if common.len() > self.text.len() {
            self.text = common;
        }
    }

    /// The path, if the action can use it: an existing file to open, an existing folder to
    /// save or export into (a bundle's folder may exist or not; its parent must).
    pub fn check(&self) -> Result<PathBuf, String> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err("type a path".into());
        }
        let path = PathBuf::from(text);
        match self.kind {
            DialogKind::Open if path.is_file() => Ok(path),
            DialogKind::Open => Err(format!("{} is not a file", path.display())),
            _ if path.is_dir() && self.kind != DialogKind::ExportBundle => {
                Err(format!("{} is a folder: add a file name", path.display()))
            }
            _ => {
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                match parent {
                    Some(p) if !p.is_dir() => Err(format!("there is no folder {}", p.display())),
                    _ => Ok(path),
                }
            }
        }
    }
}

/// Draws the path box while one is open; "OK" pushes [`AppCommand::PathTyped`] with a path
/// that passed [`PathBox::check`], "Cancel" (or Escape) closes it.
pub fn show(ctx: &egui::Context, open: &mut Option<PathBox>, commands: &mut Vec<AppCommand>) {
    let Some(pb) = open.as_mut() else { return };
    let mut close = false;
    egui::Window::new("Type a path").collapsible(false).resizable(false).default_width(520.0).show(
        ctx,
        |ui| {
            ui.label(format!(
                "This system shows no file dialog (no desktop portal): type {} instead. Tab \
                 completes; click an entry to take it.",
                pb.what()
            ));
            let edit = ui.add(
                egui::TextEdit::singleline(&mut pb.text)
                    .desired_width(f32::INFINITY)
                    .lock_focus(true)
                    .id_salt("path_box_text"),
            );
            if edit.changed() {
                pb.error = None;
            }
            if edit.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Tab)) {
                pb.complete();
            }
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            for c in pb.completions() {
                if ui.small_button(RichText::new(&c).monospace()).clicked() {
                    pb.text = c;
                    pb.error = None;
                }
            }
            if let Some(e) = &pb.error {
                ui.label(RichText::new(e).color(egui::Color32::from_rgb(240, 100, 80)));
            }
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() || enter {
                    match pb.check() {
                        Ok(path) => {
                            commands.push(AppCommand::PathTyped(pb.kind, path));
                            close = true;
                        }
                        Err(e) => pb.error = Some(e),
                    }
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    close = true;
                }
            });
        },
    );
    if close {
        *open = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> PathBuf {
        let d = std::env::temp_dir().join(format!("nvlab-path-box-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("presets")).expect("a test folder");
        std::fs::write(d.join("preset_a.ron"), "x").expect("written");
        std::fs::write(d.join("preset_b.ron"), "x").expect("written");
        d
    }

    #[test]
    fn completion_lists_and_extends() {
        let d = folder();
        let mut pb = PathBox::new(DialogKind::Open, &d.join("pre"));
        let all = pb.completions();
        let shown: Vec<&str> =
            all.iter().filter_map(|c| c.rsplit('/').find(|s| !s.is_empty())).collect();
        assert_eq!(shown, vec!["preset_a.ron", "preset_b.ron", "presets"], "{all:?}");
        assert!(all[2].ends_with("presets/"), "folders end with a slash");
        pb.complete();
        assert_eq!(pb.text, d.join("preset").display().to_string(), "the common part");
        pb.text.push_str("_a");
        pb.complete();
        assert_eq!(pb.text, d.join("preset_a.ron").display().to_string());
        assert_eq!(pb.check(), Ok(d.join("preset_a.ron")));
    }

    #[test]
    fn the_path_is_checked_for_its_action() {
        let d = folder();
        let open = PathBox::new(DialogKind::Open, &d.join("missing.ron"));
        assert!(open.check().is_err_and(|e| e.contains("not a file")));
        let save = PathBox::new(DialogKind::SaveAs, &d.join("new.ron"));
        assert_eq!(save.check(), Ok(d.join("new.ron")));
        let nowhere = PathBox::new(DialogKind::SaveAs, &d.join("no/such/new.ron"));
        assert!(nowhere.check().is_err_and(|e| e.contains("no folder")));
        let a_folder = PathBox::new(DialogKind::ExportSeries, &d.join("presets"));
        assert!(a_folder.check().is_err_and(|e| e.contains("add a file name")));
        let bundle = PathBox::new(DialogKind::ExportBundle, &d.join("presets"));
        assert_eq!(bundle.check(), Ok(d.join("presets")));
    }
}
