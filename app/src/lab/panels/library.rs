//! The left panel: the preset library as cards, and the current world's species.

use super::PanelCx;
use std::path::PathBuf;

use eframe::egui::{self, RichText};

use crate::lab::command::AppCommand;
use crate::lab::sim::Simulation;

/// A shipped preset, as its card shows it.
#[derive(Clone, Debug)]
pub struct Card {
    /// File.
    pub path: PathBuf,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// Reads the cards of every preset in `dir` (unloadable ones show their error; a folder that
/// does not exist has none).
pub fn cards_in(dir: &std::path::Path) -> Vec<Card> {
    let files = crate::presets::list(dir).unwrap_or_default();
    files
        .into_iter()
        .map(|path| match nv_core::preset::load(&path) {
            Ok(p) => Card { path, name: p.name, description: p.description, tags: p.tags },
            Err(e) => Card {
                name: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                description: format!("does not load: {e}"),
                tags: vec!["error".into()],
                path,
            },
        })
        .collect()
}

/// Draws one card; a click on it loads its preset.
fn card(ui: &mut egui::Ui, card: &Card, sim: &Simulation, out: &mut Vec<AppCommand>) {
    let current = sim.path.as_deref() == Some(card.path.as_path());
    let frame = egui::Frame::group(ui.style()).fill(if current {
        ui.visuals().selection.bg_fill.gamma_multiply(0.35)
    } else {
        ui.visuals().faint_bg_color
    });
    let resp = frame
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(&card.name).strong());
            if !card.tags.is_empty() {
                ui.label(RichText::new(card.tags.join(" · ")).small().weak());
            }
            let short: String = card.description.chars().take(150).collect();
            let more = if card.description.chars().count() > 150 { "…" } else { "" };
            ui.label(RichText::new(format!("{short}{more}")).small());
        })
        .response
        .interact(egui::Sense::click())
        .on_hover_text(&card.description);
    if resp.clicked() && !current {
        out.push(AppCommand::LoadPreset(card.path.clone()));
    }
}
/// The left panel: the library and the species list.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.cards.0, cx.cards.1, cx.sim, cx.commands);
}

/// Draws the library (the shipped presets, read-only, then the user's own, "My presets") and
/// the species list.
fn draw(
    ui: &mut egui::Ui,
    shipped: &[Card],
    mine: &[Card],
    sim: &Simulation,
    out: &mut Vec<AppCommand>,
) {
    ui.heading("Presets");
    egui::ScrollArea::vertical().id_salt("library").max_height(ui.available_height() * 0.62).show(
        ui,
        |ui| {
            for c in shipped {
                card(ui, c, sim, out);
            }
            ui.add_space(6.0);
            ui.label(RichText::new("My presets").strong()).on_hover_text(
                "Your own presets. The shipped ones above are read-only: saving one (Ctrl+S) \
                 puts your copy here.",
            );
            if mine.is_empty() {
                ui.label(
                    RichText::new("None yet: save a preset (Ctrl+S) and it appears here.")
                        .small()
                        .weak(),
                );
            }
            for c in mine {
                card(ui, c, sim, out);
            }
        },
    );
    ui.separator();
    ui.heading("Species");
    let w = sim.world();
    for (k, s) in w.species.iter().enumerate() {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().circle_filled(rect.center(), 5.5, super::species_color(w, k));
            ui.label(RichText::new(&s.name).strong());
            if w.mode() == nv_core::Mode::Density {
                ui.label(format!(
                    "{:.1} expected free · {:.1} expected docked/step",
                    w.free(k),
                    w.last.docked[k]
                ))
                .on_hover_text("Density mode: the mean field's expected values, not counts");
            } else {
                ui.label(format!("{:.0} free · {:.0} docked/step", w.free(k), w.last.docked[k]));
            }
        });
    }
}
