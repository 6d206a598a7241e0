//! The species editor (right panel, "Species" tab): every parameter of a species recipe
//! (MODEL §2) with its unit, its allowed range and a tooltip.
//!
//! The panel edits a copy of the running world's species list. When a value changes it pushes
//! [`AppCommand::EditSpecies`], a live edit that keeps every vesicle; adding, duplicating or
//! deleting a species changes the count and pushes [`AppCommand::RebuildWithSpecies`], which
//! rebuilds the world. Text fields (the name, node lists) are edited in a buffer and only
//! applied once they parse; their errors are shown next to them. The few parameters that only
//! reach vesicles emitted after the change say so on their control.
//!
//! One file per section of the editor: `identity`, `emission`, `lifetime`, `kernel`,
//! `docking`, `releases`; the shared number, matrix and node-list fields in `fields`.

use super::PanelCx;

use eframe::egui::{self, Color32, RichText};
use nv_core::graph::Graph;
use nv_core::nodeset::NodeSet;
use nv_core::preset::validate::MAX_SPECIES;
use nv_core::release::{Amount, ReleaseOp};
use nv_core::species::{Docking, Emission, IDENTITY, Kernel, Lifetime, Species, Trigger};

use crate::lab::command::{AppCommand, SpeciesListEdit};
use crate::lab::sim::Simulation;

mod docking;
mod emission;
mod fields;
mod identity;
mod kernel;
mod lifetime;
mod releases;
#[cfg(test)]
mod tests;

use docking::docking;
use emission::emission;
use identity::identity;
use kernel::kernel;
use lifetime::lifetime;
use releases::release_ops;

pub use emission::manual_note;
pub use fields::{format_node_list, parse_node_list};

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
    /// The release kind chosen in the "add" box (index into [`ReleaseOp::KINDS`]).
    new_op: usize,
}

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
