//! Helpers shared by the lab's UI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use nv_lab::lab::LabOptions;
use nv_lab::lab::app::LabApp;

/// A shipped preset.
pub fn preset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets").join(name)
}

/// A fresh folder of the test group `group`.
pub fn tmp(group: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(group).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the test folder can be made");
    dir
}

/// The lab at its usual window size, opened on `preset`, after its first frames. The harness
/// gives the app no eframe storage, so nothing saved by an earlier run is read.
pub fn lab(preset: PathBuf) -> Harness<'static, LabApp> {
    let options = LabOptions { preset: Some(preset), ..Default::default() };
    let mut harness = Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(move |cc| LabApp::new(cc, options));
    harness.run_steps(2);
    harness
}

/// Clicks, on a paused world, where the network view drew the first vesicle alive (its node's
/// position plus its offset in the node's disc) and returns that vesicle's stable id. The
/// first vesicle in slot order is always drawn (the per-node cap keeps the first ones).
pub fn click_first_vesicle(h: &mut Harness<'_, LabApp>) -> u64 {
    use eframe::egui::{self, Pos2};
    use nv_lab::lab::panels::network::{node_positions_id, vesicle_offset, vesicle_spread_id};
    let (id, node) = {
        let pool = h.state().sim().world().pool().expect("a particle world");
        let slot = (0..pool.len()).find(|&s| pool.alive[s]).expect("a vesicle is alive");
        (pool.id[slot], pool.loc[slot] as usize)
    };
    assert!(!h.state().sim().playing, "paused, so the vesicle sits at its node");
    let nodes: Vec<Pos2> =
        h.ctx.data(|d| d.get_temp(node_positions_id())).expect("the view records its nodes");
    let spread: f32 =
        h.ctx.data(|d| d.get_temp(vesicle_spread_id())).expect("the view records its spread");
    let at = nodes[node] + vesicle_offset(id, spread);
    h.event(egui::Event::PointerMoved(at));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.step();
    h.run_steps(1);
    id
}
