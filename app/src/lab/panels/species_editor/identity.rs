//! The species editor's "Identity" section: name (renaming follows every reference), colour
//! and population scale.

use eframe::egui::{self, RichText};
use nv_core::preset::species_edits::rename_species;
use nv_core::species::Species;

use super::fields::number;
use super::{ERROR_COLOR, EditorState, NEW_ONLY};

/// Name, colour and population scale.
pub(super) fn identity(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    species: &mut [Species],
    k: usize,
) {
    let current = species[k].name.clone();
    let fresh = !matches!(&state.name, Some((i, from, _)) if *i == k && *from == current);
    if fresh {
        state.name = Some((k, current.clone(), current.clone()));
        state.name_error = None;
    }
    egui::Grid::new("species_identity").num_columns(2).show(ui, |ui| {
        let tip = "The species' name, unique in the preset. Other species refer to it by name \
                   (EmissionGain and Cascade targets, chemotaxis); renaming updates those \
                   references. Press Enter or ✔ to apply.";
        ui.label("name").on_hover_text(tip);
        ui.horizontal(|ui| {
            if let Some((_, _, text)) = state.name.as_mut() {
                let edit = ui.add(egui::TextEdit::singleline(text).desired_width(130.0));
                if edit.changed() {
                    state.name_error = None;
                }
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let apply = ui.small_button("✔").on_hover_text("rename (a live edit)").clicked();
                if (enter || apply) && *text != current {
                    let wanted = text.clone();
                    match rename_species(species, k, &wanted) {
                        Ok(()) => {
                            let name = species[k].name.clone();
                            state.name = Some((k, name.clone(), name));
                        }
                        Err(e) => state.name_error = Some(e),
                    }
                }
            }
        });
        ui.end_row();
        if let Some(e) = &state.name_error {
            ui.label("");
            ui.label(RichText::new(e).color(ERROR_COLOR).small());
            ui.end_row();
        }
        let tip = "Colour of this species' vesicles in the network view and the plots.";
        ui.label("colour").on_hover_text(tip);
        ui.color_edit_button_srgb(&mut species[k].color).on_hover_text(tip);
        ui.end_row();
        number(
            ui,
            "population scale N · new vesicles",
            &format!(
                "Dense-regime scale N (MODEL §5): emission rates are multiplied by N and payloads \
                 divided by N, so the expected release stays the same while the number of \
                 vesicles grows (its noise shrinks like 1/√N). Dimensionless, > 0; default 1. \
                 The rate changes at once; the payload division: {NEW_ONLY}"
            ),
            &mut species[k].scale,
            0.001..=1.0e6,
            0.01,
        );
    });
}
