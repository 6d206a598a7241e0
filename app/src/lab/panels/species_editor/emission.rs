//! The species editor's "Emission" section: trigger, sources, rate law and payload.

use eframe::egui::{self, Color32, RichText};
use nv_core::graph::{Graph, Role};
use nv_core::nodeset::NodeSet;
use nv_core::species::{Emission, Trigger};

use super::fields::{ANY, format_node_list, matrix, number, parse_node_list};
use super::{Context, ERROR_COLOR, EditorState, NEW_ONLY};

/// The trigger's label.
pub(super) fn trigger_label(t: &Trigger) -> String {
    match t {
        Trigger::Activity => "activity a_i".into(),
        Trigger::Error => "error e_i (signed)".into(),
        Trigger::ErrorMagnitude => "error magnitude |e_i|".into(),
        Trigger::Meta(name) => format!("meta signal “{name}”"),
        Trigger::Manual => "manual brush".into(),
    }
}

/// How a `Manual` species is driven today: nothing paints the brush yet, so x = 0 at every
/// node and each source emits at the rate the sigmoid gives there.
pub fn manual_note(e: &Emission) -> String {
    let rate = e.rate / (1.0 + (e.slope * e.threshold).exp());
    format!(
        "Manual: x_i is the brush's intensity, and nothing in the window or the command line \
         paints it yet, so x = 0 at every node: each source emits at \
         r_max·σ(−s_e·θ_e) = {rate:.3} vesicles/s (times N and its emission gain). Raise θ_e to \
         silence it, or pick another trigger to drive it."
    )
}

/// Trigger, sources, rate law and payload.
pub(super) fn emission(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    cx: &Context,
    k: usize,
    e: &mut Emission,
) {
    egui::Grid::new("species_emission").num_columns(2).show(ui, |ui| {
        let tip = "The signal x_i that drives emission at each source node: its activity, its \
                   backprop error (signed or magnitude), a global meta signal (the same at every \
                   source) or the user's brush. Default: activity.";
        ui.label("trigger x").on_hover_text(tip);
        let mut options =
            vec![Trigger::Activity, Trigger::Error, Trigger::ErrorMagnitude, Trigger::Manual];
        options.extend(cx.meta.iter().cloned().map(Trigger::Meta));
        egui::ComboBox::from_id_salt("trigger")
            .selected_text(trigger_label(&e.trigger))
            .show_ui(ui, |ui| {
                for t in options {
                    let label = trigger_label(&t);
                    ui.selectable_value(&mut e.trigger, t, label);
                }
            })
            .response
            .on_hover_text(tip);
        ui.end_row();
        if e.trigger == Trigger::Manual {
            ui.label("");
            ui.label(RichText::new(manual_note(e)).small().color(Color32::from_rgb(230, 200, 120)));
            ui.end_row();
        }

        ui.label("sources").on_hover_text(
            "The nodes that emit this species: all of them, those of one role, a list of ids, a \
             range of ids (end excluded) or one layer. Default: all nodes.",
        );
        ui.vertical(|ui| node_set(ui, state, cx.graph, k, &mut e.sources));
        ui.end_row();

        number(
            ui,
            "max rate r_max (1/s)",
            "Largest emission rate of one source node, in vesicles per second, reached when the \
             sigmoid of the trigger saturates: λ_i = r_max · N · G_i · σ(s_e·(x_i − θ_e)). \
             ≥ 0; each step a source emits Poisson(λ_i·dt) vesicles.",
            &mut e.rate,
            0.0..=1.0e6,
            0.05,
        );
        number(
            ui,
            "slope s_e (1/unit of x)",
            "Steepness of the emission sigmoid, per unit of the trigger signal. Large: a sharp \
             on/off switch at the threshold; 0: the rate is r_max/2 whatever the signal; \
             negative: emission falls as the signal rises. Default 1.",
            &mut e.slope,
            ANY,
            0.05,
        );
        number(
            ui,
            "threshold θ_e (unit of x)",
            "Trigger value at which the rate is half of r_max, in the units of the trigger \
             signal. Default 0.",
            &mut e.threshold,
            ANY,
            0.01,
        );

        let tip = format!(
            "Meta signal used as m in the payload input [a, e, m, 1]. Default: the trigger's \
             meta signal if it has one, else the preset's first meta signal, else 0. {NEW_ONLY}"
        );
        ui.label("payload m · new vesicles").on_hover_text(&tip);
        let shown = e.payload_meta.clone().unwrap_or_else(|| "default".into());
        egui::ComboBox::from_id_salt("payload_meta")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut e.payload_meta, None, "default");
                for m in &cx.meta {
                    ui.selectable_value(&mut e.payload_meta, Some(m.clone()), m);
                }
            })
            .response
            .on_hover_text(&tip);
        ui.end_row();
    });
    ui.label("payload matrix P · new vesicles").on_hover_text(NEW_ONLY);
    ui.label(
        RichText::new(
            "c = P · [a, e, m, 1]: each row gives one payload component from the source's \
             activity a, error e, meta signal m and a constant 1 (divided by N).",
        )
        .small()
        .weak(),
    );
    matrix(ui, "payload_p", &mut e.payload, ["a", "e", "m", "1"]);
}

/// The node-set editor: kind, then the kind's own fields; node lists parse as typed and are
/// applied only when valid.
pub(super) fn node_set(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    graph: &Graph,
    k: usize,
    set: &mut NodeSet,
) {
    let n = graph.n();
    let kinds = ["all nodes", "by role", "node list", "id range", "layer"];
    let current = match set {
        NodeSet::All => 0,
        NodeSet::Role(_) => 1,
        NodeSet::Nodes(_) => 2,
        NodeSet::Range(..) => 3,
        NodeSet::Layer(_) => 4,
    };
    let mut chosen = current;
    egui::ComboBox::from_id_salt("sources_kind").selected_text(kinds[current]).show_ui(ui, |ui| {
        for (i, name) in kinds.iter().enumerate() {
            ui.selectable_value(&mut chosen, i, *name);
        }
    });
    if chosen != current {
        *set = match chosen {
            1 => NodeSet::Role(graph.role.first().copied().unwrap_or(Role::Plain)),
            2 => NodeSet::Nodes(if n > 0 { vec![0] } else { Vec::new() }),
            3 => NodeSet::Range(0, n as u32),
            4 => NodeSet::Layer(0),
            _ => NodeSet::All,
        };
    }
    match set {
        NodeSet::All => {}
        NodeSet::Role(role) => {
            egui::ComboBox::from_id_salt("sources_role").selected_text(role.name()).show_ui(
                ui,
                |ui| {
                    for r in [Role::Input, Role::Hidden, Role::Output, Role::Plain] {
                        ui.selectable_value(role, r, r.name());
                    }
                },
            );
        }
        NodeSet::Nodes(ids) => {
            let fresh = !matches!(&state.nodes, Some((i, from, _)) if *i == k && from == ids);
            if fresh {
                state.nodes = Some((k, ids.clone(), format_node_list(ids)));
            }
            if let Some((_, from, text)) = state.nodes.as_mut() {
                ui.add(
                    egui::TextEdit::singleline(text).hint_text("e.g. 0, 3, 7").desired_width(150.0),
                )
                .on_hover_text("Node ids separated by commas or spaces (0-based).");
                match parse_node_list(text, n) {
                    Ok(list) => {
                        if list != *ids {
                            *ids = list.clone();
                            *from = list;
                        }
                    }
                    Err(e) => {
                        ui.label(RichText::new(format!("{e} (not applied)")).color(ERROR_COLOR));
                    }
                }
            }
        }
        NodeSet::Range(a, b) => {
            ui.horizontal(|ui| {
                let max = n as u32;
                ui.label("from");
                ui.add(egui::DragValue::new(a).range(0..=(*b).min(max)));
                ui.label("to (excl.)");
                ui.add(egui::DragValue::new(b).range(*a..=max));
            });
        }
        NodeSet::Layer(l) => {
            let top = graph.layer.iter().copied().max().unwrap_or(0);
            ui.horizontal(|ui| {
                ui.label("layer");
                ui.add(egui::DragValue::new(l).range(0..=top));
            });
        }
    }
    let summary = match set.resolve(graph) {
        Ok(ids) => format!("{} of {n} nodes", ids.len()),
        Err(bad) => format!("node {bad} does not exist"),
    };
    ui.label(RichText::new(summary).small().weak());
}
