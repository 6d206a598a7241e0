//! The comparison's numbers: the summary metrics with one-line explanations, and the sortable
//! per-neuron table (click a header to sort, again to reverse; click a neuron to highlight it
//! in the rasters). Rows are laid out only where visible, so 10^4 neurons scroll smoothly.

use std::cmp::Ordering;

use eframe::egui::{self, RichText};

use super::actions::Darwin3Action;
use super::state::{Darwin3PanelState, SortedRows};
use super::view::{Metrics, Rasters};

const NEURON_W: f32 = 110.0;
const POPULATION_W: f32 = 80.0;
const VALUE_W: f32 = 96.0;
const ROW_H: f32 = 18.0;

/// The table's row order (indices into `m.rows`) for `sort`: column 0 is the neuron, column
/// 1 + k the metric column k; undefined values go last either way; ties keep neuron order.
pub fn sorted_rows(m: &Metrics, sort: Option<(usize, bool)>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..m.rows.len()).collect();
    let by_neuron = |a: &usize, b: &usize| m.rows[*a].neuron.cmp(&m.rows[*b].neuron);
    match sort {
        None => {}
        Some((0, ascending)) => {
            order.sort_by(|a, b| if ascending { by_neuron(a, b) } else { by_neuron(b, a) })
        }
        Some((col, ascending)) => {
            let value = |i: usize| m.rows[i].values.get(col - 1).copied().flatten();
            order.sort_by(|&a, &b| match (value(a), value(b)) {
                (Some(x), Some(y)) => {
                    let o = x.total_cmp(&y);
                    let o = if ascending { o } else { o.reverse() };
                    o.then_with(|| by_neuron(&a, &b))
                }
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => by_neuron(&a, &b),
            });
        }
    }
    order
}

/// Draws the summary and the table.
pub fn show(
    ui: &mut egui::Ui,
    m: &Metrics,
    r: &Rasters,
    state: &mut Darwin3PanelState,
    out: &mut Vec<Darwin3Action>,
) {
    egui::Grid::new("darwin3_summary").num_columns(3).spacing([14.0, 2.0]).striped(true).show(
        ui,
        |ui| {
            for s in &m.summary {
                ui.label(RichText::new(&s.name).strong());
                ui.label(s.format.write(s.value));
                ui.label(RichText::new(&s.explanation).weak());
                ui.end_row();
            }
        },
    );
    ui.separator();
    let stale =
        state.order.as_ref().is_none_or(|o| o.sort != state.sort || o.rows.len() != m.rows.len());
    if stale {
        state.order = Some(SortedRows { sort: state.sort, rows: sorted_rows(m, state.sort) });
    }
    let order = state.order.as_ref().map(|o| o.rows.clone()).unwrap_or_default();
    egui::ScrollArea::horizontal().id_salt("darwin3_table_h").show(ui, |ui| {
        ui.horizontal(|ui| {
            let mut header = |ui: &mut egui::Ui, col: usize, name: &str, tip: &str, width: f32| {
                let arrow = match state.sort {
                    Some((c, true)) if c == col => " ⏶",
                    Some((c, false)) if c == col => " ⏷",
                    _ => "",
                };
                let text = RichText::new(format!("{name}{arrow}")).strong();
                let button = egui::Button::new(text).frame(false);
                let clicked = ui.add_sized([width, ROW_H], button).on_hover_text(tip).clicked();
                if clicked {
                    state.sort = match state.sort {
                        Some((c, true)) if c == col => Some((col, false)),
                        _ => Some((col, true)),
                    };
                }
            };
            header(ui, 0, "neuron", "sort by neuron index", NEURON_W);
            ui.add_sized(
                [POPULATION_W, ROW_H],
                egui::Label::new(RichText::new("population").strong()),
            );
            for (k, c) in m.columns.iter().enumerate() {
                header(ui, k + 1, &c.name, &c.explanation, VALUE_W);
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("darwin3_table_v")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_H, order.len(), |ui, range| {
                for &i in &order[range] {
                    let row = &m.rows[i];
                    let label = r.neurons.get(row.neuron as usize);
                    ui.horizontal(|ui| {
                        let selected = state.selected_neuron == Some(row.neuron);
                        let name =
                            label.map_or_else(|| row.neuron.to_string(), |l| l.label.clone());
                        let response = ui
                            .add_sized([NEURON_W, ROW_H], egui::Button::selectable(selected, name));
                        if response.on_hover_text("highlight in the rasters").clicked() {
                            let pick = if selected { None } else { Some(row.neuron) };
                            state.selected_neuron = pick;
                            out.push(Darwin3Action::SelectNeuron(pick));
                        }
                        let pop = label
                            .and_then(|l| r.populations.get(l.population))
                            .map_or("", String::as_str);
                        ui.add_sized([POPULATION_W, ROW_H], egui::Label::new(pop).truncate());
                        for (k, c) in m.columns.iter().enumerate() {
                            let v = row.values.get(k).copied().flatten();
                            ui.add_sized([VALUE_W, ROW_H], egui::Label::new(c.format.write(v)));
                        }
                    });
                }
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::darwin3::view::{MetricColumn, NeuronMetrics};

    fn metrics() -> Metrics {
        let row = |neuron, v: Option<f64>| NeuronMetrics { neuron, values: vec![v] };
        Metrics {
            columns: vec![MetricColumn::default()],
            rows: vec![row(0, Some(2.0)), row(1, None), row(2, Some(1.0)), row(3, Some(2.0))],
            ..Default::default()
        }
    }

    #[test]
    fn sorting_puts_undefined_last_and_keeps_ties_in_neuron_order() {
        let m = metrics();
        assert_eq!(sorted_rows(&m, None), vec![0, 1, 2, 3]);
        assert_eq!(sorted_rows(&m, Some((1, true))), vec![2, 0, 3, 1]);
        assert_eq!(sorted_rows(&m, Some((1, false))), vec![0, 3, 2, 1]);
        assert_eq!(sorted_rows(&m, Some((0, false))), vec![3, 2, 1, 0]);
    }
}
