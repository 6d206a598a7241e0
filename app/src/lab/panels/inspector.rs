//! The right panel: everything about the selected node, and the twin discrepancy.

use eframe::egui::{self, RichText};

use crate::lab::sim::Simulation;

fn row(ui: &mut egui::Ui, name: &str, value: String) {
    ui.label(RichText::new(name).weak());
    ui.label(value);
    ui.end_row();
}

/// Draws the inspector.
pub fn show(ui: &mut egui::Ui, sim: &Simulation, selected: Option<usize>) {
    let w = &sim.world;
    ui.heading("Inspector");
    match selected.filter(|&i| i < w.n()) {
        None => {
            ui.label("Click a node in the network to inspect it.");
        }
        Some(i) => {
            let g = &w.graph;
            let m = &w.modulation;
            let n = w.n();
            egui::Grid::new("node").num_columns(2).striped(true).show(ui, |ui| {
                let label = if g.label[i].is_empty() {
                    String::new()
                } else {
                    format!(" “{}”", g.label[i])
                };
                row(ui, "node", format!("{i}{label}"));
                row(ui, "role · layer", format!("{} · {}", g.role[i].name(), g.layer[i]));
                row(
                    ui,
                    "in / out edges",
                    format!("{} / {}", g.in_edges_of(i).len(), g.out_edges(i).len()),
                );
                row(ui, "activity a", format!("{:.4}", w.signals.activity[i]));
                row(ui, "error e", format!("{:.4}", w.signals.error[i]));
                row(ui, "gain g", format!("{:.4}", m.gain[i]));
                row(ui, "shift β", format!("{:.4}", m.shift[i]));
                row(ui, "lr multiplier η", format!("{:.4}", m.lr_mult[i]));
                row(ui, "threshold Δθ", format!("{:.4}", m.threshold[i]));
                let mem = m.memory[i];
                row(
                    ui,
                    "memory M",
                    format!("({:.3}, {:.3}, {:.3}, {:.3})", mem[0], mem[1], mem[2], mem[3]),
                );
                row(ui, "memory arrivals", format!("{:.0}", m.memory_count[i]));
            });
            ui.separator();
            egui::Grid::new("node_species").num_columns(4).striped(true).show(ui, |ui| {
                ui.label(RichText::new("species").weak());
                ui.label(RichText::new(if w.density().is_some() { "ρ" } else { "free" }).weak());
                ui.label(RichText::new("docked").weak());
                ui.label(
                    RichText::new(if sim.twin.is_some() { "ρ (twin)" } else { "emission gain" })
                        .weak(),
                );
                ui.end_row();
                for (k, s) in w.species.iter().enumerate() {
                    ui.label(RichText::new(&s.name).color(super::species_color(w, k)));
                    ui.label(format!("{:.2}", w.counts[k * n + i]));
                    ui.label(format!("{:.2}", w.docks[k * n + i]));
                    match &sim.twin {
                        Some(d) => ui.label(format!("{:.2}", d.counts[k * n + i])),
                        None => ui.label(format!("{:.3}", m.emission_gain[k * n + i])),
                    };
                    ui.end_row();
                }
            });
        }
    }
    if sim.twin.is_some() {
        ui.separator();
        ui.label(RichText::new("Particles vs mean field").strong());
        for k in 0..w.species.len() {
            if let Some(d) = sim.discrepancy(k) {
                ui.label(format!(
                    "{}: N = {:.0}, ρ = {:.1}, rms z = {:.2}, L1 = {:.3}",
                    w.species[k].name, d.totals.0, d.totals.1, d.rms_z, d.relative_l1
                ));
            }
        }
        ui.label(
            RichText::new("rms z ≈ 1 where the mean field is exact (Poisson counts).")
                .small()
                .weak(),
        );
    }
    if !w.warnings.is_empty() {
        ui.separator();
        ui.label(RichText::new("Warnings").strong());
        for m in w.warnings.iter().rev().take(5) {
            ui.label(RichText::new(m).small().color(egui::Color32::from_rgb(230, 170, 60)));
        }
    }
}
