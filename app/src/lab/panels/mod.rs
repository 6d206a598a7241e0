//! The lab's panels, one file each, named as the user sees them.

pub mod boundary;
pub mod cascades;
pub mod inspector;
pub mod library;
pub mod menu_bar;
pub mod network;
pub mod plots;
pub mod release_tuning;
pub mod species_editor;
pub mod top_bar;

use std::path::PathBuf;

use eframe::egui::{self, Color32};

use crate::lab::app::{CentralTab, RightTab};
use crate::lab::command::AppCommand;
use crate::lab::sim::Simulation;

/// What every panel reads, and where it puts what the person asked for: the one context all
/// panels take (`fn show(ui, cx)`). Panels never change the world; they push commands, which
/// the app applies after the UI pass against the state as it is then.
pub struct PanelCx<'a> {
    /// The running simulation.
    pub sim: &'a Simulation,
    /// The commands of this frame.
    pub commands: &'a mut Vec<AppCommand>,
    /// The node the inspector shows, if any.
    pub selected: Option<usize>,
    /// Pan and zoom of the network view (persisted).
    pub view: &'a mut network::ViewState,
    /// How the network view draws the vesicles.
    pub vesicle_draw: network::VesicleDraw,
    /// The library: the shipped presets' cards, then the user's own ("My presets").
    pub cards: (&'a [library::Card], &'a [library::Card]),
    /// Recently opened or saved files, most recent first (the File menu's list).
    pub recent: &'a mut Vec<PathBuf>,
    /// The seed box's text, kept between frames while it is typed.
    pub seed_text: &'a mut String,
    /// The top bar's readout (frame rate, renderer, why the GPU engine cannot be chosen).
    pub readout: top_bar::Readout<'a>,
    /// The Darwin3 tab's run, state and worker.
    pub darwin3: &'a mut crate::lab::darwin3::Darwin3Tab,
}

/// A tab's drawing function.
pub type TabFn = fn(&mut egui::Ui, &mut PanelCx<'_>);

/// The tabs of the right-hand panel, in order: which, its label, what draws it. Adding a tab
/// is one line here, a variant of [`RightTab`] and its file.
pub const RIGHT_TABS: [(RightTab, &str, TabFn); 3] = [
    (RightTab::Inspector, "Inspector", inspector::show),
    (RightTab::Species, "Species", species_editor::show),
    (RightTab::Releases, "Releases", release_tuning::show),
];

/// The display colour of species `k` of a world.
pub fn species_color(world: &nv_core::World, k: usize) -> Color32 {
    let [r, g, b] = world.species.get(k).map_or([200, 200, 200], |s| s.color);
    Color32::from_rgb(r, g, b)
}

/// The Darwin3 tab's drawing function.
fn darwin3(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    cx.darwin3.show(ui, cx.commands);
}

/// The tabs of the central area, in order: which, its label, its hover text, what draws it.
/// Adding a tab is one line here, a variant of [`CentralTab`] and its file.
pub const CENTRAL_TABS: [(CentralTab, &str, &str, TabFn); 3] = [
    (CentralTab::Network, "Network", "The network and its vesicles", network::show),
    (CentralTab::Cascades, "Cascades", "Live and finished cascades, sortable", cascades::show),
    (CentralTab::Darwin3, "Darwin3", "The network mapped onto an emulated Darwin3 chip", darwin3),
];
