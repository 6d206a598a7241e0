//! The Darwin3 panel: the emulation statement (always shown), the run's status, the settings
//! strip, the mapping's validation messages, then the mesh map with the selected core's
//! details (left, full height), and on the right the rasters over the makespan plot on one
//! step axis, with the metrics below them. It draws a [`Darwin3View`] and returns what the user asked for as
//! [`Darwin3Action`]s; it never runs anything itself.

use eframe::egui::{self, Color32, RichText, Vec2};

use super::actions::{Darwin3Action, Darwin3Export};
use super::state::Darwin3PanelState;
use super::view::SourceText as _;
use super::view::{
    Darwin3View, DivergenceSource, NeuronModel, Placement, Severity, ValueFormat, WEIGHT_BITS,
};
use super::{core_details, makespan, mesh_map, metrics_table, rasters};

/// The plain statement the panel always shows: what this emulation is and is not.
pub const EMULATION_STATEMENT: &str = "This is an emulation of the Darwin3 chip built from \
    public information (Ma et al. 2024, National Science Review 11(5) nwae102, and public \
    toolchain code), not the vendor's toolchain; where no public source exists it follows our \
    own defaults (DARWIN3.md §4).";

/// What the panel says when the world has no spiking network to map.
pub const EMPTY_STATE: &str = "No spiking network in this world: load spiking_feedforward to \
    map a network onto Darwin3. The panel then shows the mapping on the 24 × 24 mesh, the \
    emulated and reference rasters, their comparison and the per-step timing.";

/// What the tab says while a session runs and there is no view yet.
pub const MAPPING: &str = "Mapping the network onto Darwin3… (the float reference and the \
    emulated chip run 1,000 steps each on a worker thread; the window stays live)";

/// Draws the panel for `view` (`None`: the explanatory empty state, or [`MAPPING`] while
/// `busy`, a session running on its worker thread) and returns the actions.
pub fn show(
    ui: &mut egui::Ui,
    view: Option<&Darwin3View>,
    state: &mut Darwin3PanelState,
    busy: bool,
) -> Vec<Darwin3Action> {
    let mut out = Vec::new();
    ui.label(RichText::new(EMULATION_STATEMENT).small().color(Color32::from_rgb(230, 200, 120)));
    let Some(view) = view else {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            if busy {
                ui.spinner();
                ui.label(RichText::new(MAPPING).size(15.0));
            } else {
                ui.label(RichText::new(EMPTY_STATE).size(15.0));
            }
        });
        return out;
    };
    if busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(RichText::new("rerunning with the new settings…").small());
        });
    }
    if !view.status.is_empty() {
        ui.label(RichText::new(&view.status).small().weak());
    }
    settings_strip(ui, view, state, &mut out);
    attribution(ui, view, busy, &mut out);
    validation(ui, view);
    ui.separator();

    let left = (ui.available_width() * 0.4).clamp(240.0, 640.0);
    egui::Panel::left("darwin3_mesh").resizable(true).default_size(left).show(ui, |ui| {
        // The details beside the map when the panel is wide, under it otherwise.
        let (w, h) = (ui.available_width(), ui.available_height());
        let details_w = 230.0;
        if w - details_w > h * 0.8 {
            ui.horizontal_top(|ui| {
                let map = Vec2::new((w - details_w - 8.0).min(h * 1.05), h);
                ui.allocate_ui(map, |ui| mesh_map::show(ui, view, state, &mut out));
                ui.separator();
                ui.vertical(|ui| core_box(ui, view, state));
            });
        } else {
            let details_h = 200.0;
            let map = Vec2::new(w, (h - details_h).max(160.0));
            ui.allocate_ui(map, |ui| mesh_map::show(ui, view, state, &mut out));
            ui.separator();
            core_box(ui, view, state);
        }
    });
    egui::CentralPanel::default().show(ui, |ui| {
        // The rasters keep at least 60 % of the height by default.
        let metrics_h = (ui.available_height() * 0.4).clamp(120.0, 320.0);
        egui::Panel::bottom("darwin3_metrics")
            .resizable(true)
            .default_size(metrics_h)
            .show(ui, |ui| metrics_table::show(ui, &view.metrics, &view.rasters, state, &mut out));
        egui::CentralPanel::default().show(ui, |ui| {
            let total = ui.available_height();
            let raster_h = (total * 0.66 - 40.0).max(80.0);
            rasters::show(ui, &view.rasters, state, raster_h);
            let plot_h = (ui.available_height() - 40.0).max(40.0);
            makespan::show(ui, &view.timing, &view.rasters, state, plot_h);
        });
    });
    out
}

/// The side box: the selected core's details.
fn core_box(ui: &mut egui::Ui, view: &Darwin3View, state: &Darwin3PanelState) {
    egui::ScrollArea::vertical().id_salt("darwin3_core_box").show(ui, |ui| {
        match state.selected_core {
            Some(c) => core_details::show(ui, c, view.cores.iter().find(|k| k.coord == c)),
            None => {
                ui.label(RichText::new("Click a core on the map to see its details.").weak());
            }
        }
    });
}

/// Placement, the divergence switches, weight bits, neuron model, Rerun and Export.
fn settings_strip(
    ui: &mut egui::Ui,
    view: &Darwin3View,
    state: &mut Darwin3PanelState,
    out: &mut Vec<Darwin3Action>,
) {
    let draft = state.draft(view.settings);
    ui.horizontal_wrapped(|ui| {
        ui.label("placement");
        egui::ComboBox::from_id_salt("darwin3_placement")
            .selected_text(draft.placement.label())
            .show_ui(ui, |ui| {
                for p in Placement::ALL {
                    let picked = ui
                        .selectable_label(draft.placement == p, p.label())
                        .on_hover_text(p.explanation());
                    if picked.clicked() && draft.placement != p {
                        draft.placement = p;
                        out.push(Darwin3Action::SetPlacement(p));
                    }
                }
            });
        ui.separator();
        ui.label("remove divergence:").on_hover_text(
            "Each switch removes one known source of divergence between the chip and the float \
             reference (DARWIN3.md §4.10), so you can see how much of the gap it explains.",
        );
        for source in DivergenceSource::ALL {
            let mut removed = draft.removed.get(source);
            let changed = ui
                .checkbox(&mut removed, source.label())
                .on_hover_text(source.explanation())
                .changed();
            if changed {
                draft.removed.set(source, removed);
                out.push(Darwin3Action::SetDivergence { source, removed });
            }
        }
        ui.separator();
        ui.label("weights");
        egui::ComboBox::from_id_salt("darwin3_weight_bits")
            .selected_text(draft.weight_text())
            .show_ui(ui, |ui| {
                for bits in WEIGHT_BITS {
                    let picked =
                        ui.selectable_label(draft.weight_bits == bits, format!("{bits} bit"));
                    if picked.clicked() && draft.weight_bits != bits {
                        draft.weight_bits = bits;
                        out.push(Darwin3Action::SetWeightBits(bits));
                    }
                }
            })
            .response
            .on_hover_text(
                "Signed weight width per core (CR_QA[26:24]); the chip's default is 8. The box \
                 shows the weights the chip effectively runs with: removing weight \
                 quantisation gives it 16-bit weights, removing the LSB too real-valued ones.",
            );
        ui.label("model");
        egui::ComboBox::from_id_salt("darwin3_model")
            .selected_text(draft.model_text())
            .show_ui(ui, |ui| {
                for m in NeuronModel::ALL {
                    let picked = ui.selectable_label(draft.neuron_model == m, m.label());
                    if picked.clicked() && draft.neuron_model != m {
                        draft.neuron_model = m;
                        out.push(Darwin3Action::SetNeuronModel(m));
                    }
                }
            })
            .response
            .on_hover_text(
                "The neuron program. The box shows the model the chip effectively runs: \
                 removing the leak form runs Clif, the reference's current-based form.",
            );
        if let Some(text) = draft.arithmetic_text() {
            ui.label(RichText::new(text).small().weak());
        }
        ui.separator();
        let pending = *draft != view.settings;
        let text = if pending { "⟲ Rerun (settings changed)" } else { "⟲ Rerun" };
        let button = egui::Button::new(text).selected(pending);
        if ui
            .add(button)
            .on_hover_text("Map, emulate and compare again with these settings")
            .clicked()
        {
            out.push(Darwin3Action::Rerun(*draft));
        }
        if ui.button("Export metrics CSV").on_hover_text("The per-neuron table as CSV").clicked() {
            out.push(Darwin3Action::Export(Darwin3Export::MetricsCsv));
        }
    });
}

/// Header of the attribution table.
pub const ATTRIBUTION_TITLE: &str = "where the gap comes from";

/// The gap attributed to each source: a button that asks for it, then a table with, per
/// source, the agreement with only that source removed (on top of the run's removals) and with
/// every source but it removed.
fn attribution(ui: &mut egui::Ui, view: &Darwin3View, busy: bool, out: &mut Vec<Darwin3Action>) {
    egui::CollapsingHeader::new(ATTRIBUTION_TITLE)
        .id_salt("darwin3_attribution")
        .default_open(view.attribution.is_some())
        .show(ui, |ui| {
            let Some(a) = &view.attribution else {
                ui.horizontal(|ui| {
                    let button = ui.add_enabled(!busy, egui::Button::new("attribute the gap"));
                    let tip = "Runs 2 + 2 × 8 more sessions on the worker: the run as set, every \
                               source removed, and for each source only it removed and every \
                               source but it removed.";
                    if button.on_hover_text(tip).clicked() {
                        out.push(Darwin3Action::AttributeGap);
                    }
                    ui.label(
                        RichText::new("how much of the gap each divergence source causes")
                            .small()
                            .weak(),
                    );
                });
                return;
            };
            let cell = |a: &super::view::Agreement| {
                format!(
                    "{} · {} · {}",
                    ValueFormat::Percent.write(Some(a.identical)),
                    ValueFormat::Percent.write(a.spike_sync),
                    ValueFormat::Percent.write(a.count_error)
                )
            };
            ui.label(
                RichText::new(
                    "Each cell: identical neurons (exact agreement) · SPIKE-sync · count error. \
                     \"only removed\" adds the source to the run's removals (what removing it \
                     gains); \"all but\" removes every other source (what it alone costs).",
                )
                .small()
                .weak(),
            );
            egui::Grid::new("darwin3_attribution_grid").num_columns(3).striped(true).show(
                ui,
                |ui| {
                    ui.label(RichText::new("source").strong());
                    ui.label(RichText::new("only removed").strong());
                    ui.label(RichText::new("all but").strong());
                    ui.end_row();
                    ui.label("run as set");
                    ui.label(cell(&a.baseline));
                    ui.label("");
                    ui.end_row();
                    for row in &a.rows {
                        ui.label(row.source.label()).on_hover_text(row.source.explanation());
                        ui.label(cell(&row.only_removed));
                        ui.label(cell(&row.all_but));
                        ui.end_row();
                    }
                    ui.label("every source removed");
                    ui.label(cell(&a.all_removed));
                    ui.label("");
                    ui.end_row();
                },
            );
        });
}

/// The mapping validator's messages, errors first.
fn validation(ui: &mut egui::Ui, view: &Darwin3View) {
    if view.validation.is_empty() {
        ui.label(RichText::new("✔ mapping valid: every rule of DARWIN3.md §4.1 holds").small());
        return;
    }
    let errors = view.validation.iter().filter(|m| m.severity == Severity::Error).count();
    let title = format!("mapping: {errors} errors, {} warnings", view.validation.len() - errors);
    egui::CollapsingHeader::new(title).id_salt("darwin3_validation").default_open(true).show(
        ui,
        |ui| {
            egui::ScrollArea::vertical().max_height(90.0).show(ui, |ui| {
                for severity in [Severity::Error, Severity::Warning] {
                    for m in view.validation.iter().filter(|m| m.severity == severity) {
                        let (word, colour) = match severity {
                            Severity::Error => ("error", Color32::from_rgb(240, 100, 80)),
                            Severity::Warning => ("warning", Color32::from_rgb(230, 180, 60)),
                        };
                        ui.label(
                            RichText::new(format!("rule {} · {word}: {}", m.rule, m.text))
                                .color(colour)
                                .small(),
                        );
                    }
                }
            });
        },
    );
}
