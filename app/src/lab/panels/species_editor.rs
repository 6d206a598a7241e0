//! The species editor (right panel, "Species" tab): every parameter of a species recipe
//! (MODEL §2) with its unit, its allowed range and a tooltip.
//!
//! The panel edits a copy of the running world's species list. When a value changes it pushes
//! [`AppCommand::EditSpecies`], a live edit that keeps every vesicle; adding, duplicating or
//! deleting a species changes the count and pushes [`AppCommand::RebuildWithSpecies`], which
//! rebuilds the world. Text fields (the name, node lists) are edited in a buffer and only
//! applied once they parse; their errors are shown next to them. The few parameters that only
//! reach vesicles emitted after the change say so on their control.

use super::PanelCx;
use std::ops::RangeInclusive;

use eframe::egui::{self, Color32, RichText};
use nv_core::graph::{Direction, Graph, Role};
use nv_core::nodeset::NodeSet;
use nv_core::preset::species_edits::rename_species;
use nv_core::preset::validate::MAX_SPECIES;
use nv_core::release::{Amount, MemoryRate, ReleaseOp};
use nv_core::species::{
    Docking, Emission, IDENTITY, Kernel, Lifetime, LifetimeLaw, Mat4, MoveBias, Species, Trigger,
};

use crate::lab::command::{AppCommand, SpeciesListEdit};
use crate::lab::sim::Simulation;

/// Colour of inline error messages.
const ERROR_COLOR: Color32 = Color32::from_rgb(240, 100, 80);

/// What a control says when a change only reaches vesicles emitted after it.
const NEW_ONLY: &str = "Applies to vesicles emitted from now on; vesicles already in flight keep \
                        what they were born with. Reset the world (R) to apply it to all.";

/// Where the editor keeps its memory in egui's temporary storage.
const STATE_ID: &str = "nv_species_editor_state";

/// The editor's memory between frames (kept in egui's temporary storage).
#[derive(Clone, Debug, Default)]
struct EditorState {
    /// Index of the species being edited.
    selected: usize,
    /// The name being typed: (species index, name it started from, text).
    name: Option<(usize, String, String)>,
    /// Why the last rename was refused.
    name_error: Option<String>,
    /// The node list being typed: (species index, list it started from, text).
    nodes: Option<(usize, Vec<u32>, String)>,
    /// Why the last kernel-bias edit was refused.
    bias_error: Option<String>,
    /// The release kind chosen in the "add" box (index into [`RELEASE_KINDS`]).
    new_op: usize,
}

/// The nine release operators, as the "add" box lists them.
pub const RELEASE_KINDS: [&str; 9] = [
    "Gain",
    "Shift",
    "Film",
    "Weight",
    "LearningRate",
    "Threshold",
    "EmissionGain",
    "Memory",
    "Cascade",
];

/// What the editor reads about the world besides the species themselves.
struct Context<'a> {
    graph: &'a Graph,
    meta: Vec<String>,
    names: Vec<String>,
    receptor_default: [f32; 4],
    receptor_overrides: usize,
}
/// The species tab: the editor of the world's species.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.sim, cx.commands);
}

/// Draws the species editor and pushes the commands its edits call for.
fn draw(ui: &mut egui::Ui, sim: &Simulation, commands: &mut Vec<AppCommand>) {
    let id = egui::Id::new(STATE_ID);
    let mut state: EditorState = ui.ctx().data(|d| d.get_temp(id)).unwrap_or_default();
    let world = sim.world();
    let original = &world.preset.species;
    let mut species = original.clone();

    ui.heading("Species");
    if species.is_empty() {
        ui.label("This preset has no species.");
        if ui.button("➕ add a species (rebuilds the world)").clicked() {
            commands.push(AppCommand::RebuildWithSpecies(vec![new_species("species 1", 0)]));
        }
        return;
    }
    state.selected = state.selected.min(species.len() - 1);
    species_list(ui, &mut state, &species, commands);
    ui.separator();

    let cx = Context {
        graph: &world.graph,
        meta: world.preset.meta.iter().map(|m| m.name.clone()).collect(),
        names: species.iter().map(|s| s.name.clone()).collect(),
        receptor_default: world.preset.receptors.default,
        receptor_overrides: world.preset.receptors.overrides.len(),
    };
    let k = state.selected;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        section(ui, "Identity", true, |ui| identity(ui, &mut state, &mut species, k));
        let s = &mut species[k];
        section(ui, "Emission", true, |ui| emission(ui, &mut state, &cx, k, &mut s.emission));
        section(ui, "Lifetime, fade and absorption", false, |ui| lifetime(ui, s));
        section(ui, "Migration kernel", false, |ui| kernel(ui, &mut state, &cx, &mut s.kernel));
        section(ui, "Docking and receptors", false, |ui| docking(ui, &cx, &mut s.docking));
        let own = s.name.clone();
        section(ui, "Release operators", true, |ui| {
            release_ops(ui, &mut state, &cx, &own, &mut s.releases);
        });
        ui.add_space(8.0);
        if ui
            .small_button("⟲ reset the world")
            .on_hover_text(
                "Rebuilds the world from the edited preset (same seed): every vesicle is \
                 re-emitted under the current recipe.",
            )
            .clicked()
        {
            commands.push(AppCommand::Reset);
        }
    });
    ui.ctx().data_mut(|d| d.insert_temp(id, state));

    if species != *original {
        commands.push(AppCommand::EditSpecies(species));
    }
}

/// A collapsing section.
fn section(ui: &mut egui::Ui, title: &str, open: bool, body: impl FnOnce(&mut egui::Ui)) {
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .id_salt(("species_section", title))
        .default_open(open)
        .show(ui, body);
}

/// Selects species `k` in the editor from the next frame on (the applier calls it after an
/// add or a duplicate, so the new species is the one shown).
pub fn select(ctx: &egui::Context, k: usize) {
    let id = egui::Id::new(STATE_ID);
    let mut state: EditorState = ctx.data(|d| d.get_temp(id)).unwrap_or_default();
    state.selected = k;
    ctx.data_mut(|d| d.insert_temp(id, state));
}

/// The species as selectable chips, with add / duplicate / delete. These change the number
/// of species, so they are commands made against the list as it is when they are applied (the
/// editor keeps drawing this frame's list, and selects the new species once it exists).
fn species_list(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    species: &[Species],
    commands: &mut Vec<AppCommand>,
) {
    ui.horizontal_wrapped(|ui| {
        for (k, s) in species.iter().enumerate() {
            let [r, g, b] = s.color;
            let text = RichText::new(&s.name).color(Color32::from_rgb(r, g, b));
            if ui.selectable_label(state.selected == k, text).clicked() {
                state.selected = k;
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        let room = species.len() < MAX_SPECIES;
        let full = format!("a preset has at most {MAX_SPECIES} species");
        if ui
            .add_enabled(room, egui::Button::new("➕ add"))
            .on_hover_text("Adds a new species with default parameters. Rebuilds the world.")
            .on_disabled_hover_text(&full)
            .clicked()
        {
            commands.push(AppCommand::EditSpeciesList(SpeciesListEdit::Add));
        }
        if ui
            .add_enabled(room, egui::Button::new("⎘ duplicate"))
            .on_hover_text("Adds a copy of the selected species. Rebuilds the world.")
            .on_disabled_hover_text(&full)
            .clicked()
        {
            commands.push(AppCommand::EditSpeciesList(SpeciesListEdit::Duplicate(state.selected)));
        }
        if ui
            .add_enabled(species.len() > 1, egui::Button::new("🗑 delete"))
            .on_hover_text(
                "Deletes the selected species. Release operators of other species that target \
                 it are removed too, and chemotaxis toward it falls back to the species itself. \
                 Rebuilds the world.",
            )
            .on_disabled_hover_text("the last species cannot be deleted")
            .clicked()
        {
            commands.push(AppCommand::EditSpeciesList(SpeciesListEdit::Delete(state.selected)));
        }
        ui.label(RichText::new("(these rebuild the world)").small().weak());
    });
}

/// A species with default parameters, coloured from a small palette by `k`.
pub fn new_species(name: &str, k: usize) -> Species {
    const PALETTE: [[u8; 3]; 6] = [
        [230, 160, 40],
        [90, 170, 240],
        [120, 210, 110],
        [230, 90, 150],
        [170, 130, 240],
        [240, 220, 90],
    ];
    Species {
        name: name.to_string(),
        color: PALETTE[k % PALETTE.len()],
        emission: Emission {
            trigger: Trigger::Activity,
            sources: NodeSet::All,
            rate: 1.0,
            slope: 1.0,
            threshold: 0.0,
            payload: IDENTITY,
            payload_meta: None,
        },
        lifetime: Lifetime::default(),
        payload_fade: None,
        kernel: Kernel::default(),
        docking: Docking::default(),
        absorption: 1.0,
        releases: vec![ReleaseOp::Gain(Amount { eta: 0.05, u: [1.0, 0.0, 0.0, 0.0] })],
        scale: 1.0,
    }
}

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
fn number(
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
const ANY: RangeInclusive<f32> = -1.0e6..=1.0e6;

/// Name, colour and population scale.
fn identity(ui: &mut egui::Ui, state: &mut EditorState, species: &mut [Species], k: usize) {
    let current = species[k].name.clone();
    let fresh = !matches!(&state.name, Some((i, from, _)) if *i == k && *from == current);
    if fresh {
        state.name = Some((k, current.clone(), current.clone()));
        state.name_error = None;
    }
    egui::Grid::new("species_identity").num_columns(2).show(ui, |ui| {
        let tip = "The species' name, unique in the preset. Other species refer to it by name \
                   (EmissionGain and Cascade targets, chemotaxis); renaming updates those \
                   references. Press Enter or ✔ to apply.";
        ui.label("name").on_hover_text(tip);
        ui.horizontal(|ui| {
            if let Some((_, _, text)) = state.name.as_mut() {
                let edit = ui.add(egui::TextEdit::singleline(text).desired_width(130.0));
                if edit.changed() {
                    state.name_error = None;
                }
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let apply = ui.small_button("✔").on_hover_text("rename (a live edit)").clicked();
                if (enter || apply) && *text != current {
                    let wanted = text.clone();
                    match rename_species(species, k, &wanted) {
                        Ok(()) => {
                            let name = species[k].name.clone();
                            state.name = Some((k, name.clone(), name));
                        }
                        Err(e) => state.name_error = Some(e),
                    }
                }
            }
        });
        ui.end_row();
        if let Some(e) = &state.name_error {
            ui.label("");
            ui.label(RichText::new(e).color(ERROR_COLOR).small());
            ui.end_row();
        }
        let tip = "Colour of this species' vesicles in the network view and the plots.";
        ui.label("colour").on_hover_text(tip);
        ui.color_edit_button_srgb(&mut species[k].color).on_hover_text(tip);
        ui.end_row();
        number(
            ui,
            "population scale N · new vesicles",
            &format!(
                "Dense-regime scale N (MODEL §5): emission rates are multiplied by N and payloads \
                 divided by N, so the expected release stays the same while the number of \
                 vesicles grows (its noise shrinks like 1/√N). Dimensionless, > 0; default 1. \
                 The rate changes at once; the payload division: {NEW_ONLY}"
            ),
            &mut species[k].scale,
            0.001..=1.0e6,
            0.01,
        );
    });
}

/// The trigger's label.
fn trigger_label(t: &Trigger) -> String {
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
fn emission(ui: &mut egui::Ui, state: &mut EditorState, cx: &Context, k: usize, e: &mut Emission) {
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
fn node_set(
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

/// A 4 × 4 grid of drag values, with column headers and a reset to the identity.
fn matrix(ui: &mut egui::Ui, id: &str, m: &mut Mat4, columns: [&str; 4]) {
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
                    ui.add(
                        egui::DragValue::new(v)
                            .range(ANY)
                            .clamp_existing_to_range(false)
                            .speed(0.01)
                            .max_decimals(3),
                    );
                }
                ui.end_row();
            }
        });
        if ui.small_button("= I").on_hover_text("reset to the identity").clicked() {
            *m = IDENTITY;
        }
    });
}

/// Lifetime law and mean, payload fade, absorption.
fn lifetime(ui: &mut egui::Ui, s: &mut Species) {
    egui::Grid::new("species_lifetime").num_columns(2).show(ui, |ui| {
        let tip = "Exponential: each step a vesicle dies with probability 1 − exp(−dt/L), so \
                   lifetimes are memoryless with mean L (the density view is exact). Fixed: every \
                   vesicle lives exactly L (rounded to whole steps); the density view then uses \
                   the exponential law of the same mean. Default: exponential.";
        ui.label("lifetime law").on_hover_text(tip);
        let law = &mut s.lifetime.law;
        egui::ComboBox::from_id_salt("life_law")
            .selected_text(match law {
                LifetimeLaw::Exponential => "exponential",
                LifetimeLaw::Fixed => "fixed",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(law, LifetimeLaw::Exponential, "exponential");
                ui.selectable_value(law, LifetimeLaw::Fixed, "fixed");
            })
            .response
            .on_hover_text(tip);
        ui.end_row();
        number(
            ui,
            "mean lifetime L (s)",
            "How long a vesicle lives, in seconds of simulated time: the mean of the \
             exponential law or the exact span of the fixed one. > 0; default 10.",
            &mut s.lifetime.mean,
            0.001..=1.0e6,
            0.1,
        );
        let tip = "Payload fade: each step the payload shrinks by exp(−dt/τ_c), so old vesicles \
                   carry less. Off (the default): the payload never fades.";
        ui.label("payload fades").on_hover_text(tip);
        let mut fades = s.payload_fade.is_some();
        if ui.checkbox(&mut fades, "").on_hover_text(tip).changed() {
            s.payload_fade = fades.then_some(10.0);
        }
        ui.end_row();
        if let Some(tau) = s.payload_fade.as_mut() {
            number(
                ui,
                "fade time τ_c (s)",
                "Time constant of the payload fade in seconds: after τ_c a payload is down to \
                 1/e ≈ 37 %. > 0.",
                tau,
                0.001..=1.0e6,
                0.1,
            );
        }
        let tip = "Probability p_abs that a docking vesicle is absorbed (and gone). Otherwise \
                   it stays free at the node, does not hop that step and can dock again \
                   (\"kiss and run\"). In [0, 1]; default 1.";
        ui.label("absorption p_abs").on_hover_text(tip);
        ui.add(
            egui::Slider::new(&mut s.absorption, 0.0..=1.0).clamping(egui::SliderClamping::Edits),
        )
        .on_hover_text(tip);
        ui.end_row();
    });
}

/// The direction's label.
fn direction_label(d: Direction) -> &'static str {
    match d {
        Direction::Forward => "forward (out-edges)",
        Direction::Backward => "backward (in-edges)",
        Direction::Both => "both ways",
    }
}

/// Whether `from → to` is a move along `direction`.
fn is_move(graph: &Graph, direction: Direction, from: u32, to: u32) -> bool {
    (from as usize) < graph.n()
        && graph.moves_of(from as usize, direction).any(|mv| graph.move_target[mv] == to)
}

/// Mobility, direction, temperature, every α term and the learned biases.
fn kernel(ui: &mut egui::Ui, state: &mut EditorState, cx: &Context, kn: &mut Kernel) {
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
fn kernel_biases(ui: &mut egui::Ui, state: &mut EditorState, graph: &Graph, kn: &mut Kernel) {
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

/// Base rate, selectivity, threshold, projection, and the receptors it matches.
fn docking(ui: &mut egui::Ui, cx: &Context, d: &mut Docking) {
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

/// A release operator of kind `kind` (index into [`RELEASE_KINDS`]) with default fields;
/// `own` is the species it belongs to (the default target of EmissionGain and Cascade).
pub fn new_release(kind: usize, own: &str) -> ReleaseOp {
    let amount = |eta| Amount { eta, u: [1.0, 0.0, 0.0, 0.0] };
    match kind {
        1 => ReleaseOp::Shift(amount(0.05)),
        2 => ReleaseOp::Film { gain: amount(0.05), shift: amount(0.05) },
        3 => ReleaseOp::Weight(amount(0.01)),
        4 => ReleaseOp::LearningRate(amount(0.1)),
        5 => ReleaseOp::Threshold(amount(0.05)),
        6 => ReleaseOp::EmissionGain { species: own.to_string(), amount: amount(-0.1) },
        7 => ReleaseOp::Memory(MemoryRate::Running),
        8 => ReleaseOp::Cascade { species: own.to_string(), chi: 0.5, transform: IDENTITY },
        _ => ReleaseOp::Gain(amount(0.05)),
    }
}

/// What an operator does, for its tooltip.
pub fn release_doc(op: &ReleaseOp) -> &'static str {
    match op {
        ReleaseOp::Gain(_) => "Gain: g_i += q, with q = η·(u·c). Scales the node's pre-activation.",
        ReleaseOp::Shift(_) => "Shift: β_i += q. Moves the node's pre-activation.",
        ReleaseOp::Film { .. } => {
            "FiLM: g_i += q_gain and β_i += q_shift, each with its own strength and projection."
        }
        ReleaseOp::Weight(_) => {
            "Weight: w_ji += q · a_j on every incoming edge j to i (a parameter write, like a \
             hypernetwork). Deltas relax with the preset's weight time constant."
        }
        ReleaseOp::LearningRate(_) => {
            "Learning rate: η_i ← η_i · exp(q) (three-factor plasticity of the host's SGD)."
        }
        ReleaseOp::Threshold(_) => "Threshold: Δθ_i += q (spiking hosts).",
        ReleaseOp::EmissionGain { .. } => {
            "Emission gain: G_i^κ' ← G_i^κ' · exp(q) for the target species κ': vesicles \
             excite (q > 0) or inhibit (q < 0) another species' emission at the node."
        }
        ReleaseOp::Memory(_) => {
            "Memory: M_i ← (1 − ε) M_i + ε c, a trace of the payloads that docked at the node."
        }
        ReleaseOp::Cascade { .. } => {
            "Cascade: each docking emits Poisson(χ) vesicles of the target species at the node \
             with payload A · c."
        }
    }
}

/// The unit of η for an operator.
pub fn eta_unit(op: &ReleaseOp) -> &'static str {
    match op {
        ReleaseOp::Gain(_) | ReleaseOp::Film { .. } => "gain per unit u·c",
        ReleaseOp::Shift(_) => "shift per unit u·c",
        ReleaseOp::Weight(_) => "weight per unit u·c·a_j",
        ReleaseOp::LearningRate(_) | ReleaseOp::EmissionGain { .. } => "log-factor per unit u·c",
        ReleaseOp::Threshold(_) => "threshold per unit u·c",
        ReleaseOp::Memory(_) | ReleaseOp::Cascade { .. } => "",
    }
}

/// The list of release operators, each with its fields, with add and remove.
fn release_ops(
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
                        .on_hover_text(release_doc(op));
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
        let kind = state.new_op.min(RELEASE_KINDS.len() - 1);
        egui::ComboBox::from_id_salt("new_release").selected_text(RELEASE_KINDS[kind]).show_ui(
            ui,
            |ui| {
                for (i, name) in RELEASE_KINDS.iter().enumerate() {
                    ui.selectable_value(&mut state.new_op, i, *name);
                }
            },
        );
        if ui.button("➕ add").on_hover_text(release_doc(&new_release(kind, own))).clicked() {
            ops.push(new_release(kind, own));
        }
    });
}

/// An amount's η and u.
fn amount(ui: &mut egui::Ui, id: &str, a: &mut Amount, unit: &str) {
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
                ui.add(
                    egui::DragValue::new(v)
                        .range(ANY)
                        .clamp_existing_to_range(false)
                        .speed(0.01)
                        .max_decimals(3),
                )
                .on_hover_text(tip);
            }
        });
        ui.end_row();
    });
}

/// A species picker for EmissionGain and Cascade targets.
fn target(ui: &mut egui::Ui, cx: &Context, name: &mut String, tip: &str) {
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
fn release_fields(ui: &mut egui::Ui, cx: &Context, op: &mut ReleaseOp) {
    let unit = eta_unit(op);
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

#[cfg(test)]
mod tests {
    use super::*;
    use nv_core::preset::species_edits::{duplicate_species, remove_species, unique_name};

    fn named(name: &str) -> Species {
        new_species(name, 0)
    }

    #[test]
    fn node_lists_parse() {
        assert_eq!(parse_node_list("0, 3, 7", 8), Ok(vec![0, 3, 7]));
        assert_eq!(parse_node_list(" 1 2,,3 ", 8), Ok(vec![1, 2, 3]));
        assert_eq!(parse_node_list("", 8), Ok(vec![]));
        assert!(parse_node_list("0, x", 8).is_err());
        assert!(parse_node_list("-1", 8).is_err());
        assert!(parse_node_list("8", 8).is_err());
        assert_eq!(format_node_list(&[0, 3, 7]), "0, 3, 7");
        let ids = vec![4, 1, 9];
        assert_eq!(parse_node_list(&format_node_list(&ids), 10), Ok(ids));
    }

    #[test]
    fn every_release_kind_has_a_default() {
        for (i, name) in RELEASE_KINDS.iter().enumerate() {
            let op = new_release(i, "self");
            assert_eq!(op.kind_name(), *name);
            assert!(!release_doc(&op).is_empty());
        }
    }

    fn load(name: &str, mode: nv_core::Mode) -> Simulation {
        let path = crate::cli::presets_dir().join(name);
        Simulation::load(&path, mode).expect("the shipped preset loads")
    }

    #[test]
    fn a_rename_is_a_live_edit_of_both_twins() {
        let mut sim = load("activator_inhibitor.ron", nv_core::Mode::Twin);
        for _ in 0..5 {
            sim.step();
        }
        let alive = sim.world().pool().map(|p| p.len());
        let mut list = sim.world().preset.species.clone();
        rename_species(&mut list, 1, "damper").expect("a fresh name is accepted");
        sim.edit_species(list).expect("a consistent rename is a valid live edit");
        assert_eq!(sim.world().pool().map(|p| p.len()), alive, "every vesicle is kept");
        let twin = sim.twin.as_ref().expect("twin mode has a twin");
        for w in [sim.world(), twin] {
            assert_eq!(w.preset.species[1].name, "damper");
            assert!(matches!(&w.preset.species[0].releases[1],
                ReleaseOp::EmissionGain { species, .. } if species == "damper"));
        }
        sim.step();
    }

    #[test]
    fn a_bad_edit_leaves_the_world_as_it_was() {
        let mut sim = load("activator_inhibitor.ron", nv_core::Mode::Twin);
        let before = sim.world().preset.species.clone();
        let mut list = before.clone();
        list[0].absorption = 2.0;
        assert!(sim.edit_species(list).is_err());
        let mut list = before.clone();
        list[0].name = "inhibitor".into();
        assert!(sim.edit_species(list).is_err(), "duplicate names are refused");
        let mut list = before.clone();
        list.push(new_species("extra", 2));
        assert!(sim.edit_species(list).is_err(), "a live edit keeps the count");
        assert_eq!(sim.world().preset.species, before);
        assert_eq!(sim.twin.as_ref().map(|t| &t.preset.species), Some(&before));
    }

    #[test]
    fn add_duplicate_and_delete_rebuild_valid_worlds() {
        let sim = load("activator_inhibitor.ron", nv_core::Mode::Particle);
        let mut list = sim.world().preset.species.clone();
        duplicate_species(&mut list, 0);
        let name = unique_name(&list, "species");
        list.push(new_species(&name, list.len()));
        for kind in 0..RELEASE_KINDS.len() {
            list[3].releases.push(new_release(kind, "activator"));
        }
        remove_species(&mut list, 1);
        let mut preset = sim.world().preset.clone();
        preset.species = list;
        let rebuilt = sim.rebuilt(preset, nv_core::Mode::Particle).expect("the edited list builds");
        assert_eq!(rebuilt.world().species.len(), 3);
    }

    /// Draws every section of every species of every shipped preset (and the tuning panel)
    /// twice, headless: nothing panics, and drawing alone changes no value (no spurious edit).
    #[test]
    fn drawing_changes_nothing() {
        let dir = crate::cli::presets_dir();
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("the presets folder exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty());
        let ctx = egui::Context::default();
        for path in paths {
            let mut sim =
                Simulation::load(&path, nv_core::Mode::Twin).expect("shipped presets load");
            sim.step();
            let world = sim.world();
            let cx = Context {
                graph: &world.graph,
                meta: world.preset.meta.iter().map(|m| m.name.clone()).collect(),
                names: world.preset.species.iter().map(|s| s.name.clone()).collect(),
                receptor_default: world.preset.receptors.default,
                receptor_overrides: world.preset.receptors.overrides.len(),
            };
            let original = world.preset.species.clone();
            let mut species = original.clone();
            let mut commands = Vec::new();
            for _ in 0..2 {
                let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
                    let mut state = EditorState::default();
                    for k in 0..species.len() {
                        identity(ui, &mut state, &mut species, k);
                        let s = &mut species[k];
                        emission(ui, &mut state, &cx, k, &mut s.emission);
                        lifetime(ui, s);
                        kernel(ui, &mut state, &cx, &mut s.kernel);
                        docking(ui, &cx, &mut s.docking);
                        let own = s.name.clone();
                        release_ops(ui, &mut state, &cx, &own, &mut s.releases);
                    }
                    draw(ui, &sim, &mut commands);
                    super::super::release_tuning::draw(ui, &sim, &mut commands);
                });
                out.textures_delta.clear();
            }
            assert_eq!(species, original, "{}", path.display());
            assert!(commands.is_empty(), "{}: {commands:?}", path.display());
        }
    }

    #[test]
    fn new_species_is_valid() {
        let s = named("x");
        assert!(s.lifetime.mean > 0.0 && s.scale > 0.0 && s.kernel.temperature > 0.0);
        assert!((0.0..=1.0).contains(&s.absorption));
    }
}
