//! The species editor's "Docking and receptors" section.

use eframe::egui::{self, RichText};
use nv_core::species::Docking;

use super::Context;
use super::fields::{ANY, matrix, number};

/// Base rate, selectivity, threshold, projection, and the receptors it matches.
pub(super) fn docking(ui: &mut egui::Ui, cx: &Context, d: &mut Docking) {
    ui.label(
        RichText::new(
            "A free vesicle docks with probability 1 − exp(−k_i·dt), \
             k_i = k0 · σ(γ·(cos(W·c, r_i) − θ_d)): content decides where it docks.",
        )
        .small()
        .weak(),
    );
    egui::Grid::new("species_docking").num_columns(2).show(ui, |ui| {
        number(
            ui,
            "base rate k0 (1/s)",
            "Largest docking rate, per second, reached where the payload matches the node's \
             receptor well. With γ = 0 the rate is k0/2 everywhere. ≥ 0; default 1.",
            &mut d.rate,
            0.0..=1.0e6,
            0.02,
        );
        number(
            ui,
            "selectivity γ",
            "How strongly docking depends on the match between the projected payload W·c and \
             the node's receptor r_i (dimensionless). 0: content does not matter; large: only \
             nodes whose receptor matches above the threshold take the vesicle. Default 0.",
            &mut d.gain,
            ANY,
            0.05,
        );
        let tip = "Cosine similarity at which the docking rate is k0/2, in [−1, 1]. Default 0.";
        ui.label("threshold θ_d (cosine)").on_hover_text(tip);
        ui.add(
            egui::Slider::new(&mut d.threshold, -1.0..=1.0).clamping(egui::SliderClamping::Edits),
        )
        .on_hover_text(tip);
        ui.end_row();
    });
    ui.label("projection W").on_hover_text(
        "Applied to the payload before it is compared with receptors: W·c. Default identity.",
    );
    ui.label(RichText::new("W · c: each row mixes the payload components c0..c3.").small().weak());
    matrix(ui, "docking_w", &mut d.projection, ["c0", "c1", "c2", "c3"]);
    let [a, b, c, e] = cx.receptor_default;
    ui.label(
        RichText::new(format!(
            "Receptors r_i belong to the preset, not the species: default ({a}, {b}, {c}, {e}) \
             with {} override(s). Edit them in the preset file (a rebuild).",
            cx.receptor_overrides
        ))
        .small()
        .weak(),
    );
}
