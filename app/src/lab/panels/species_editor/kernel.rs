//! The species editor's "Migration kernel" section: mobility, direction, temperature, the
//! α coefficients and the per-move biases.

use eframe::egui::{self, RichText};
use nv_core::graph::{Direction, Graph};
use nv_core::species::{Kernel, MoveBias};

use super::fields::{ANY, number};
use super::{Context, ERROR_COLOR, EditorState};

/// The direction's label.
pub(super) fn direction_label(d: Direction) -> &'static str {
    match d {
        Direction::Forward => "forward (out-edges)",
        Direction::Backward => "backward (in-edges)",
        Direction::Both => "both ways",
    }
}

/// Whether `from → to` is a move along `direction`.
pub(super) fn is_move(graph: &Graph, direction: Direction, from: u32, to: u32) -> bool {
    (from as usize) < graph.n()
        && graph.moves_of(from as usize, direction).any(|mv| graph.move_target[mv] == to)
}

/// Mobility, direction, temperature, every α term and the learned biases.
pub(super) fn kernel(ui: &mut egui::Ui, state: &mut EditorState, cx: &Context, kn: &mut Kernel) {
    ui.label(
        RichText::new(
            "A free vesicle hops with probability 1 − exp(−μ·dt) to a neighbour j drawn from \
             softmax_j((b_ij + α_w|w_ij| + α_a a_j + α_ρ ρ_j + α_π π_ij) / T).",
        )
        .small()
        .weak(),
    );
    egui::Grid::new("species_kernel").num_columns(2).show(ui, |ui| {
        number(
            ui,
            "mobility μ (hops/s)",
            "How often a free vesicle tries to hop, per second: each step it hops with \
             probability 1 − exp(−μ·dt). 0 keeps vesicles where they were born. ≥ 0; default 1.",
            &mut kn.mobility,
            0.0..=1.0e6,
            0.05,
        );
        let tip = "Which edges a vesicle may travel: along their direction (forward), against it \
                   (backward, the way errors flow) or both. A node with no allowed edge keeps \
                   its vesicles. Changing it drops the learned biases that are not moves in the \
                   new direction. Default: forward.";
        ui.label("direction").on_hover_text(tip);
        let before = kn.direction;
        egui::ComboBox::from_id_salt("direction")
            .selected_text(direction_label(kn.direction))
            .show_ui(ui, |ui| {
                for d in [Direction::Forward, Direction::Backward, Direction::Both] {
                    ui.selectable_value(&mut kn.direction, d, direction_label(d));
                }
            })
            .response
            .on_hover_text(tip);
        if kn.direction != before {
            let d = kn.direction;
            kn.bias.retain(|b| is_move(cx.graph, d, b.from, b.to));
        }
        ui.end_row();
        number(
            ui,
            "temperature T",
            "Softmax temperature, dimensionless: small T makes the vesicle follow the largest \
             logit almost surely, large T makes hops nearly uniform. > 0; default 1.",
            &mut kn.temperature,
            0.001..=1.0e6,
            0.01,
        );
        number(
            ui,
            "α_w (per |weight|)",
            "Attraction to strong edges: adds α_w·|w_ij| to the logit of each move. Negative \
             values avoid strong edges. Default 0.",
            &mut kn.alpha_weight,
            ANY,
            0.01,
        );
        number(
            ui,
            "α_a (per unit activity)",
            "Attraction to active targets: adds α_a·a_j, the target's activity. Default 0.",
            &mut kn.alpha_activity,
            ANY,
            0.01,
        );
        number(
            ui,
            "α_ρ (per vesicle)",
            "Chemotaxis: adds α_ρ·ρ_j, the number of free vesicles of the chosen species at the \
             target. > 0 attracts (aggregation), < 0 repels (spreading). Default 0.",
            &mut kn.alpha_density,
            ANY,
            0.01,
        );
        let tip = "The species whose density α_ρ follows. Default: this species itself.";
        ui.label("density of").on_hover_text(tip);
        egui::ComboBox::from_id_salt("density_species")
            .selected_text(kn.density_species.clone().unwrap_or_else(|| "this species".into()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut kn.density_species, None, "this species");
                for name in &cx.names {
                    ui.selectable_value(&mut kn.density_species, Some(name.clone()), name);
                }
            })
            .response
            .on_hover_text(tip);
        ui.end_row();
        number(
            ui,
            "α_π (per trace unit)",
            "Attraction to pathway traces π_ij (each hop adds 1 to its edge's trace, which then \
             decays). > 0 lets traffic reinforce itself and carve pathways. Default 0.",
            &mut kn.alpha_pathway,
            ANY,
            0.01,
        );
    });
    kernel_biases(ui, state, cx.graph, kn);
}

/// The learned biases b_ij as rows (from, to, value) with add and remove.
pub(super) fn kernel_biases(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    graph: &Graph,
    kn: &mut Kernel,
) {
    ui.label("learned biases b_ij").on_hover_text(
        "Per-move logit offsets (dimensionless), the learned part of the kernel: a move with \
         bias b is e^b times as likely as one with bias 0, other terms equal. Moves not listed \
         have bias 0. `to` lists only the moves allowed by the direction.",
    );
    let n = graph.n();
    let direction = kn.direction;
    let mut remove = None;
    if kn.bias.is_empty() {
        ui.label(RichText::new("none: every allowed move has bias 0").small().weak());
    }
    egui::Grid::new("species_bias").num_columns(4).striped(true).show(ui, |ui| {
        if !kn.bias.is_empty() {
            ui.label(RichText::new("from").weak());
            ui.label(RichText::new("to").weak());
            ui.label(RichText::new("b").weak());
            ui.label("");
            ui.end_row();
        }
        for (r, b) in kn.bias.iter_mut().enumerate() {
            let before = *b;
            ui.add(egui::DragValue::new(&mut b.from).range(0..=n.saturating_sub(1) as u32));
            let targets: Vec<u32> = if (b.from as usize) < n {
                graph.moves_of(b.from as usize, direction).map(|mv| graph.move_target[mv]).collect()
            } else {
                Vec::new()
            };
            egui::ComboBox::from_id_salt(("bias_to", r)).selected_text(b.to.to_string()).show_ui(
                ui,
                |ui| {
                    for t in &targets {
                        ui.selectable_value(&mut b.to, *t, t.to_string());
                    }
                },
            );
            ui.add(
                egui::DragValue::new(&mut b.value)
                    .range(ANY)
                    .clamp_existing_to_range(false)
                    .speed(0.02)
                    .max_decimals(3),
            );
            if ui.small_button("✖").on_hover_text("remove this bias").clicked() {
                remove = Some(r);
            }
            ui.end_row();
            if *b != before && is_move(graph, direction, b.from, b.to) {
                state.bias_error = None;
            }
            if !is_move(graph, direction, b.from, b.to) {
                match targets.first() {
                    Some(&t) => b.to = t,
                    None => {
                        state.bias_error =
                            Some(format!("node {} has no {direction:?} move", b.from));
                        *b = before;
                    }
                }
            }
        }
    });
    if let Some(r) = remove {
        kn.bias.remove(r);
    }
    if let Some(e) = &state.bias_error {
        ui.label(RichText::new(format!("{e} (not applied)")).color(ERROR_COLOR).small());
    }
    let first = (0..n).find_map(|i| {
        graph.moves_of(i, direction).next().map(|mv| MoveBias {
            from: i as u32,
            to: graph.move_target[mv],
            value: 0.0,
        })
    });
    if ui
        .add_enabled(first.is_some(), egui::Button::new("➕ add bias"))
        .on_disabled_hover_text("the graph has no move in this direction")
        .clicked()
        && let Some(b) = first
    {
        kn.bias.push(b);
        state.bias_error = None;
    }
}
