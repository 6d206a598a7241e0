//! The right panel: everything about the selected node, and the twin discrepancy.

use super::PanelCx;
use eframe::egui::{self, RichText};

use crate::lab::sim::Simulation;

fn row(ui: &mut egui::Ui, name: &str, value: String) {
    ui.label(RichText::new(name).weak());
    ui.label(value);
    ui.end_row();
}

/// The followed vesicle: payload bars, species, lifetime gauge, age, hops, lineage, path.
fn vesicle(ui: &mut egui::Ui, sim: &Simulation, t: &crate::lab::sim::Tracked) {
    let w = sim.world();
    ui.label(RichText::new(format!("Vesicle #{}", t.id)).strong());
    let slot = w.pool().and_then(|p| p.slot_of(t.id));
    let (Some(slot), Some(pool)) = (slot, w.pool()) else {
        ui.label(format!(
            "no longer alive (died or absorbed) after step {}",
            t.gone_at.unwrap_or(w.step)
        ));
        path(ui, t);
        return;
    };
    let k = pool.species[slot] as usize;
    let payload = w.payload_of(slot).unwrap_or_default();
    let (age, remaining) = w.age_of(slot).unwrap_or_default();
    let life = w.species[k].life;
    egui::Grid::new("vesicle").num_columns(2).striped(true).show(ui, |ui| {
        ui.label(RichText::new("species").weak());
        ui.label(RichText::new(&w.species[k].name).color(super::species_color(w, k)));
        ui.end_row();
        row(ui, "at node", pool.loc[slot].to_string());
        row(ui, "age", format!("{age:.1} s"));
        ui.label(RichText::new("lifetime").weak());
        let law = match w.species[k].law {
            nv_core::species::LifetimeLaw::Fixed => format!("{remaining:.1} s left of {life:.1} s"),
            nv_core::species::LifetimeLaw::Exponential => format!("mean {life:.1} s (memoryless)"),
        };
        ui.add(egui::ProgressBar::new((age / life).clamp(0.0, 1.0)).text(law));
        ui.end_row();
        row(ui, "hops", pool.hops[slot].to_string());
        row(ui, "∫ activity dt", format!("{:.3}", pool.integ[slot]));
        row(ui, "generation", pool.generation[slot].to_string());
        let parent = pool.parent[slot];
        row(
            ui,
            "parent",
            if parent == nv_core::vesicles::NONE {
                "none (emitted)".into()
            } else {
                format!("#{parent}")
            },
        );
        row(ui, "cascade root", format!("#{}", pool.root[slot]));
    });
    ui.label(RichText::new("payload c").weak());
    let max = payload.iter().fold(1e-9f32, |m, v| m.max(v.abs()));
    for (d, v) in payload.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("c{d} {v:+.3}"));
            let bar =
                egui::ProgressBar::new(v.abs() / max).desired_width(140.0).fill(if *v >= 0.0 {
                    egui::Color32::from_rgb(245, 166, 35)
                } else {
                    egui::Color32::from_rgb(70, 140, 240)
                });
            ui.add(bar);
        });
    }
    path(ui, t);
}

/// The nodes a followed vesicle has visited.
fn path(ui: &mut egui::Ui, t: &crate::lab::sim::Tracked) {
    let shown: Vec<String> = t.path.iter().rev().take(40).rev().map(u32::to_string).collect();
    let more = if t.path.len() > 40 { "… " } else { "" };
    ui.label(RichText::new("nodes visited since selected, in order").weak());
    ui.label(format!("{more}{}", shown.join(", ")));
}

/// The spiking state of neuron `i`: membrane, current, effective threshold, last spike, rate.
fn neuron(
    ui: &mut egui::Ui,
    h: &nv_core::host::SpikingHost,
    i: usize,
    shift: f32,
    step: u64,
    dt: f32,
) {
    let r = h.reference();
    ui.label(RichText::new("Neuron").strong());
    egui::Grid::new("neuron").num_columns(2).striped(true).show(ui, |ui| {
        match r.theta(i) {
            Some(theta) => {
                row(ui, "membrane v", format!("{:.3} mV", r.v()[i]));
                row(ui, "current I", format!("{:.3} mV", r.current()[i]));
                row(
                    ui,
                    "threshold θ + Δθ",
                    format!("{:.3} mV ({theta:.1} {shift:+.3})", theta + shift as f64),
                );
            }
            None => row(ui, "kind", "spike source (no membrane)".into()),
        }
        let last = match r.last_spike(i) {
            Some(s) => {
                let ago = step.saturating_sub(s + 1);
                format!("step {s} ({:.1} ms ago)", ago as f64 * dt as f64 * 1000.0)
            }
            None => "never".into(),
        };
        row(ui, "last spike", last);
        row(ui, "rate (low-pass)", format!("{:.1} spikes/s", h.rate()[i]));
    });
}
/// The inspector tab: the followed vesicle and the selected node.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.sim, cx.selected);
}

/// Draws the inspector.
fn draw(ui: &mut egui::Ui, sim: &Simulation, selected: Option<usize>) {
    let w = sim.world();
    ui.heading("Inspector");
    if let Some(t) = &sim.tracked {
        vesicle(ui, sim, t);
        ui.separator();
    }
    match selected.filter(|&i| i < w.n()) {
        None => {
            ui.label("Click a node in the network to inspect it, or a vesicle to follow it.");
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
            if let nv_core::host::Host::Spiking(h) = &w.host {
                ui.separator();
                neuron(ui, h, i, m.threshold[i], w.step, w.preset.dt);
            }
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
