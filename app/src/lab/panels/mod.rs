//! The lab's panels, one file each, named as the user sees them.

pub mod boundary;
pub mod inspector;
pub mod library;
pub mod menu_bar;
pub mod network;
pub mod plots;
pub mod release_tuning;
pub mod species_editor;
pub mod top_bar;

use eframe::egui::Color32;

/// The display colour of species `k` of a world.
pub fn species_color(world: &nv_core::World, k: usize) -> Color32 {
    let [r, g, b] = world.species.get(k).map_or([200, 200, 200], |s| s.color);
    Color32::from_rgb(r, g, b)
}
