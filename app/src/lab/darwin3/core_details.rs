//! A core's details as a two-column grid: what the mesh map's tooltip and its side box show.

use eframe::egui::{self, RichText};
use nv_core::darwin3::{CoreCoord, CoreKind};

use super::view::CoreView;

/// "big" or "little" with its dendrite memory, or the virtual I/O side.
pub fn kind_text(coord: CoreCoord) -> String {
    if coord == CoreCoord::RISCV {
        return "RISC-V core (holds no neurons)".into();
    }
    if !coord.on_chip() {
        let side = if coord.x < 0 { "west" } else { "east" };
        return format!("virtual host I/O tile ({side} edge)");
    }
    match coord.kind() {
        CoreKind::Big => "big core (2^16 dendrite words)".into(),
        CoreKind::Little => "little core (2^13 dendrite words)".into(),
    }
}

/// Words used of available, with the percentage.
fn words(used: u32, available: u32, fraction: f64) -> String {
    format!("{used} of {available} ({:.1} %)", fraction * 100.0)
}

/// Draws the details of the tile at `coord`; `core` is its record (`None`: nothing mapped).
pub fn show(ui: &mut egui::Ui, coord: CoreCoord, core: Option<&CoreView>) {
    ui.label(RichText::new(format!("core ({}, {})", coord.x, coord.y)).strong());
    ui.label(kind_text(coord));
    let Some(c) = core else {
        if coord != CoreCoord::RISCV {
            ui.label(RichText::new("unused: no neurons mapped here").weak());
        }
        return;
    };
    let id = ui.id().with(("darwin3_core_details", coord.x, coord.y));
    egui::Grid::new(id).num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
        let mut row = |key: &str, value: String| {
            ui.label(key);
            ui.label(value);
            ui.end_row();
        };
        row("neurons", c.neurons.to_string());
        if coord.on_chip() {
            row(
                "dendrite words",
                words(c.dendrite_words_used, c.dendrite_words_available, c.dendrite_use()),
            );
            row("axon words", words(c.axon_words_used, c.axon_words_available, c.axon_use()));
            row("model", c.neuron_model.clone());
            row(
                "program",
                format!(
                    "{} instructions; {:.1} run per neuron per step",
                    c.program_len, c.instructions_per_neuron
                ),
            );
        }
        row("spikes in / out", format!("{} / {}", c.spikes_in, c.spikes_out));
        row("packets in / out", format!("{} / {}", c.packets_in, c.packets_out));
        row("vesicle packets", c.vesicle_packets.to_string());
        for (k, chunk) in c.populations.iter().enumerate() {
            let key = if k == 0 { "populations" } else { "" };
            let last = chunk.first + chunk.len.saturating_sub(1);
            row(key, format!("{} (neurons {}–{last})", chunk.population, chunk.first));
        }
    });
    if !c.program.is_empty() {
        ui.collapsing("program listing", |ui| {
            ui.label(egui::RichText::new(&c.program).monospace().small());
        });
    }
}
