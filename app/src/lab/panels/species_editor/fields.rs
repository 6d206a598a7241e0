//! The species editor's shared fields: a labelled number with its unit and range, a 4 × 4
//! matrix, node lists typed as text.

use std::ops::RangeInclusive;

use eframe::egui::{self, RichText};
use nv_core::species::{IDENTITY, Mat4};

/// Parses a node list such as `0, 3, 7` (commas and/or spaces) for a graph of `n` nodes.
/// The list may be empty (no node emits).
pub fn parse_node_list(text: &str, n: usize) -> Result<Vec<u32>, String> {
    let mut ids = Vec::new();
    for token in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let id: u32 = token.parse().map_err(|_| format!("`{token}` is not a node id"))?;
        if id as usize >= n {
            return Err(format!("node {id} does not exist (the graph has nodes 0..{n})"));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Writes a node list as `0, 3, 7`.
pub fn format_node_list(ids: &[u32]) -> String {
    ids.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// A labelled number in a two-column grid: the label carries the unit; the drag value
/// enforces `range` on what the user enters (values already outside it are left alone).
pub(super) fn number(
    ui: &mut egui::Ui,
    label: &str,
    tip: &str,
    value: &mut f32,
    range: RangeInclusive<f32>,
    speed: f64,
) {
    ui.label(label).on_hover_text(tip);
    ui.add(
        egui::DragValue::new(value)
            .range(range)
            .clamp_existing_to_range(false)
            .speed(speed)
            .max_decimals(4),
    )
    .on_hover_text(tip);
    ui.end_row();
}

/// The widest range of an unconstrained number (the engine only asks for finite values).
pub(super) const ANY: RangeInclusive<f32> = -1.0e6..=1.0e6;

/// A 4 × 4 grid of drag values, with column headers and a reset to the identity.
pub(super) fn matrix(ui: &mut egui::Ui, id: &str, m: &mut Mat4, columns: [&str; 4]) {
    ui.horizontal(|ui| {
        egui::Grid::new(id).num_columns(5).spacing([3.0, 2.0]).show(ui, |ui| {
            ui.label("");
            for c in columns {
                ui.label(RichText::new(c).weak());
            }
            ui.end_row();
            for (r, row) in m.iter_mut().enumerate() {
                ui.label(RichText::new(format!("c{r}")).weak());
                for v in row.iter_mut() {
                    component(ui, v);
                }
                ui.end_row();
            }
        });
        if ui.small_button("= I").on_hover_text("reset to the identity").clicked() {
            *m = IDENTITY;
        }
    });
}

/// One unconstrained component of a vector or matrix, as a small drag field.
pub(super) fn component(ui: &mut egui::Ui, v: &mut f32) -> egui::Response {
    ui.add(
        egui::DragValue::new(v)
            .range(ANY)
            .clamp_existing_to_range(false)
            .speed(0.01)
            .max_decimals(3),
    )
}
