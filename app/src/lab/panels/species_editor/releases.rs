//! The species editor's "Release operators" section: each operator with its fields, add and
//! remove.

use eframe::egui::{self, RichText};
use nv_core::release::{Amount, MemoryRate, ReleaseOp};

use super::fields::{ANY, component, matrix, number};
use super::{Context, EditorState};

/// The list of release operators, each with its fields, with add and remove.
pub(super) fn release_ops(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    cx: &Context,
    own: &str,
    ops: &mut Vec<ReleaseOp>,
) {
    ui.label(
        RichText::new(
            "Applied in order at each docking. Amounts are q = η·(u·c): u picks what part of \
             the payload c counts, η scales it.",
        )
        .small()
        .weak(),
    );
    if ops.is_empty() {
        ui.label(RichText::new("No release: this species docks without effect.").italics());
    }
    let mut remove = None;
    for (j, op) in ops.iter_mut().enumerate() {
        ui.push_id(("release", j), |ui| {
            ui.group(|ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("{}. {}", j + 1, op.kind_name())).strong())
                        .on_hover_text(op.doc());
                    if ui.small_button("✖ remove").on_hover_text("remove this operator").clicked()
                    {
                        remove = Some(j);
                    }
                });
                release_fields(ui, cx, op);
            });
        });
    }
    if let Some(j) = remove {
        ops.remove(j);
    }
    ui.horizontal(|ui| {
        let kind = state.new_op.min(ReleaseOp::KINDS.len() - 1);
        egui::ComboBox::from_id_salt("new_release").selected_text(ReleaseOp::KINDS[kind]).show_ui(
            ui,
            |ui| {
                for (i, name) in ReleaseOp::KINDS.iter().enumerate() {
                    ui.selectable_value(&mut state.new_op, i, *name);
                }
            },
        );
        if ui.button("➕ add").on_hover_text(ReleaseOp::of_kind(kind, own).doc()).clicked() {
            ops.push(ReleaseOp::of_kind(kind, own));
        }
    });
}

/// An amount's η and u.
pub(super) fn amount(ui: &mut egui::Ui, id: &str, a: &mut Amount, unit: &str) {
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        let tip = format!(
            "Strength η ({unit}): the amount is q = η·(u·c). Negative values reverse the effect."
        );
        number(ui, "strength η", &tip, &mut a.eta, ANY, 0.005);
        let tip = "Projection u of the payload (dimensionless): u·c is the part of the content \
                   that sets the amount. Default (1, 0, 0, 0): the first component.";
        ui.label("projection u").on_hover_text(tip);
        ui.horizontal(|ui| {
            for v in &mut a.u {
                component(ui, v).on_hover_text(tip);
            }
        });
        ui.end_row();
    });
}

/// A species picker for EmissionGain and Cascade targets.
pub(super) fn target(ui: &mut egui::Ui, cx: &Context, name: &mut String, tip: &str) {
    ui.horizontal(|ui| {
        ui.label("target species").on_hover_text(tip);
        egui::ComboBox::from_id_salt("target").selected_text(name.as_str()).show_ui(ui, |ui| {
            for n in &cx.names {
                ui.selectable_value(name, n.clone(), n);
            }
        });
    });
}

/// The fields of one operator.
pub(super) fn release_fields(ui: &mut egui::Ui, cx: &Context, op: &mut ReleaseOp) {
    let unit = op.eta_unit();
    match op {
        ReleaseOp::Gain(a)
        | ReleaseOp::Shift(a)
        | ReleaseOp::Weight(a)
        | ReleaseOp::LearningRate(a)
        | ReleaseOp::Threshold(a) => amount(ui, "amount", a, unit),
        ReleaseOp::Film { gain, shift } => {
            ui.label(RichText::new("gain part").weak());
            amount(ui, "film_gain", gain, "gain per unit u·c");
            ui.label(RichText::new("shift part").weak());
            amount(ui, "film_shift", shift, "shift per unit u·c");
        }
        ReleaseOp::EmissionGain { species, amount: a } => {
            target(ui, cx, species, "The species whose emission gain G^κ' at the node is scaled.");
            amount(ui, "amount", a, unit);
        }
        ReleaseOp::Memory(rate) => {
            let tip = "Running: ε = 1/count, the slot is the average of every payload that \
                       docked there. Fixed ε in (0, 1]: an exponential trace that forgets old \
                       arrivals. Default: running.";
            ui.horizontal(|ui| {
                ui.label("mixing ε").on_hover_text(tip);
                let running = matches!(rate, MemoryRate::Running);
                egui::ComboBox::from_id_salt("memory_rate")
                    .selected_text(if running { "running average" } else { "fixed ε" })
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(running, "running average").clicked() {
                            *rate = MemoryRate::Running;
                        }
                        if ui.selectable_label(!running, "fixed ε").clicked() && running {
                            *rate = MemoryRate::Fixed(0.1);
                        }
                    })
                    .response
                    .on_hover_text(tip);
                if let MemoryRate::Fixed(eps) = rate {
                    ui.add(
                        egui::Slider::new(eps, 0.001..=1.0)
                            .logarithmic(true)
                            .clamping(egui::SliderClamping::Edits),
                    )
                    .on_hover_text(tip);
                }
            });
        }
        ReleaseOp::Cascade { species, chi, transform } => {
            target(ui, cx, species, "The species of the children.");
            egui::Grid::new("cascade").num_columns(2).show(ui, |ui| {
                number(
                    ui,
                    "children χ (per docking)",
                    "Mean number of children per docking; each docking emits Poisson(χ). The \
                     branching ratio is χ times the mean number of dockings in a life; at 1 the \
                     cascade is critical. ≥ 0.",
                    chi,
                    0.0..=1000.0,
                    0.01,
                );
            });
            ui.label("child payload A · c").on_hover_text("The children's payload, A·c.");
            matrix(ui, "cascade_a", transform, ["c0", "c1", "c2", "c3"]);
        }
    }
}
