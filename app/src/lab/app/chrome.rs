//! The window's chrome around the panels: the keyboard shortcuts, the messages (error and
//! notice), the shortcut overlay, and screenshots.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::LabApp;
use super::setup::frame_report;
use crate::lab::command::AppCommand;
use crate::lab::screenshot;

impl LabApp {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        ctx.input(|i| {
            if i.key_pressed(egui::Key::Space) {
                self.commands.push(AppCommand::TogglePlay);
            }
            if i.key_pressed(egui::Key::ArrowRight) {
                self.commands.push(AppCommand::Step(1));
            }
            if i.key_pressed(egui::Key::R) {
                self.commands.push(AppCommand::Reset);
            }
            if i.key_pressed(egui::Key::F12) {
                let name = format!("nvlab-step{}.png", self.sim.world().step);
                self.commands.push(AppCommand::Screenshot(PathBuf::from(name)));
            }
            if i.key_pressed(egui::Key::Questionmark) {
                self.commands.push(AppCommand::ToggleHelp);
            }
        });
    }

    /// Saves a screenshot that arrived, and ends a `--screenshot` run.
    pub(super) fn screenshots(&mut self, ctx: &egui::Context) {
        let images: Vec<std::sync::Arc<egui::ColorImage>> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Screenshot { image, .. } => Some(image.clone()),
                    _ => None,
                })
                .collect()
        });
        for image in images {
            let Some(path) = self.pending_screenshot.take() else { continue };
            match screenshot::save_png(&image, &path) {
                Ok(()) => {
                    let is_blank = screenshot::is_blank(&image);
                    if !is_blank {
                        self.options
                            .screenshot_ok
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    let blank = if is_blank { " (the image is blank!)" } else { "" };
                    self.notice = Some(format!("saved {}{blank}", path.display()));
                    eprintln!(
                        "nvlab: saved {} ({}×{}){blank}; {}; {} vesicles; renderer {}",
                        path.display(),
                        image.size[0],
                        image.size[1],
                        frame_report(&self.frame_times),
                        self.sim.population(),
                        self.renderer.0,
                    );
                }
                Err(e) => self.error = Some(format!("cannot save {}: {e}", path.display())),
            }
            if self.options.screenshot.is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    pub(super) fn help(&mut self, ctx: &egui::Context) {
        let mut open = self.show_help;
        egui::Window::new("Shortcuts").open(&mut open).collapsible(false).show(ctx, |ui| {
            egui::Grid::new("keys").num_columns(2).show(ui, |ui| {
                for (k, what) in [
                    ("Space", "play / pause"),
                    ("Right arrow", "one step"),
                    ("R", "reset the world (same preset and seed)"),
                    ("F12", "save a screenshot (PNG) in the current folder"),
                    ("?", "this overlay"),
                    ("Ctrl+O / Ctrl+S / Ctrl+Shift+S", "open / save / save as (File menu)"),
                    ("drop a .ron", "open it (Ctrl+V outside a text box pastes a preset)"),
                    ("drag / scroll", "pan / zoom the network; double-click resets the view"),
                    ("click a node", "inspect it"),
                ] {
                    ui.label(RichText::new(k).strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
        self.show_help = open;
    }
}

/// The error and the notice, drawn over the top of the central view, under its tabs (they
/// never move or resize the views under them), wrapped to its width, each with a ✖ that
/// dismisses it.
pub(super) fn messages(ui: &egui::Ui, error: &mut Option<String>, notice: &mut Option<String>) {
    let rect = ui.max_rect();
    let width = (rect.width() - 24.0).max(120.0);
    let mut y = ui.cursor().top() + 6.0;
    let red = egui::Color32::from_rgb(240, 100, 80);
    for (which, text) in [(0, error.clone()), (1, notice.clone())] {
        let Some(text) = text else { continue };
        let area = egui::Area::new(egui::Id::new(("lab_message", which)))
            .order(egui::Order::Foreground)
            .fixed_pos(egui::pos2(rect.left() + 12.0, y))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(width);
                    ui.horizontal_top(|ui| {
                        let (button, label) = if which == 0 {
                            ("✖ dismiss", RichText::new(format!("⚠ {text}")).color(red))
                        } else {
                            ("✖ ok", RichText::new(&text))
                        };
                        if ui.small_button(button).on_hover_text("hide this message").clicked() {
                            if which == 0 {
                                *error = None;
                            } else {
                                *notice = None;
                            }
                        }
                        ui.add(egui::Label::new(label).wrap());
                    });
                });
            });
        y = area.response.rect.bottom() + 4.0;
    }
}
