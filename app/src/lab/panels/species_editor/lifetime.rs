//! The species editor's "Lifetime, fade and absorption" section.

use eframe::egui::{self};
use nv_core::species::{LifetimeLaw, Species};

use super::fields::number;

/// Lifetime law and mean, payload fade, absorption.
pub(super) fn lifetime(ui: &mut egui::Ui, s: &mut Species) {
    egui::Grid::new("species_lifetime").num_columns(2).show(ui, |ui| {
        let tip = "Exponential: each step a vesicle dies with probability 1 − exp(−dt/L), so \
                   lifetimes are memoryless with mean L (the density view is exact). Fixed: every \
                   vesicle lives exactly L (rounded to whole steps); the density view then uses \
                   the exponential law of the same mean. Default: exponential.";
        ui.label("lifetime law").on_hover_text(tip);
        let law = &mut s.lifetime.law;
        egui::ComboBox::from_id_salt("life_law")
            .selected_text(match law {
                LifetimeLaw::Exponential => "exponential",
                LifetimeLaw::Fixed => "fixed",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(law, LifetimeLaw::Exponential, "exponential");
                ui.selectable_value(law, LifetimeLaw::Fixed, "fixed");
            })
            .response
            .on_hover_text(tip);
        ui.end_row();
        number(
            ui,
            "mean lifetime L (s)",
            "How long a vesicle lives, in seconds of simulated time: the mean of the \
             exponential law or the exact span of the fixed one. > 0; default 10.",
            &mut s.lifetime.mean,
            0.001..=1.0e6,
            0.1,
        );
        let tip = "Payload fade: each step the payload shrinks by exp(−dt/τ_c), so old vesicles \
                   carry less. Off (the default): the payload never fades.";
        ui.label("payload fades").on_hover_text(tip);
        let mut fades = s.payload_fade.is_some();
        if ui.checkbox(&mut fades, "").on_hover_text(tip).changed() {
            s.payload_fade = fades.then_some(10.0);
        }
        ui.end_row();
        if let Some(tau) = s.payload_fade.as_mut() {
            number(
                ui,
                "fade time τ_c (s)",
                "Time constant of the payload fade in seconds: after τ_c a payload is down to \
                 1/e ≈ 37 %. > 0.",
                tau,
                0.001..=1.0e6,
                0.1,
            );
        }
        let tip = "Probability p_abs that a docking vesicle is absorbed (and gone). Otherwise \
                   it stays free at the node, does not hop that step and can dock again \
                   (\"kiss and run\"). In [0, 1]; default 1.";
        ui.label("absorption p_abs").on_hover_text(tip);
        ui.add(
            egui::Slider::new(&mut s.absorption, 0.0..=1.0).clamping(egui::SliderClamping::Edits),
        )
        .on_hover_text(tip);
        ui.end_row();
    });
}
