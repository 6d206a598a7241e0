//! Helpers shared by the lab's UI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use eframe::egui_wgpu::WgpuSetup;
use egui_kittest::Harness;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::{LabOptions, wgpu_setup};

/// A shipped preset.
pub fn preset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets").join(name)
}

/// Whether a wgpu adapter exists; without one, a notice (outside CI) or a failure (in CI).
pub fn adapter_or_skip(test: &str) -> bool {
    match nv_core::gpu::GpuContext::new_blocking() {
        Ok(_) => true,
        Err(e) => {
            assert!(
                std::env::var("CI").is_err(),
                "{test}: no wgpu adapter in CI (is mesa-vulkan-drivers installed?): {e}"
            );
            eprintln!("{test}: skipped, no wgpu adapter on this machine ({e})");
            false
        }
    }
}

/// egui_kittest's wgpu setup (software adapters first) with the window's choices: the
/// preferred backends and the adapter's own limits (`nv_lab::lab::wgpu_setup`).
pub fn kittest_wgpu_setup() -> WgpuSetup {
    match egui_kittest::wgpu::default_wgpu_setup() {
        WgpuSetup::CreateNew(create) => WgpuSetup::CreateNew(wgpu_setup(create)),
        existing => existing,
    }
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
    let options = LabOptions {
        preset: Some(preset),
        user_presets: Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("my-presets")),
        ..Default::default()
    };
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

/// A small, seeded generator (splitmix64) for the randomised tests (the monkey, the preset
/// fuzzer): the same seed, the same draws.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A draw in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
