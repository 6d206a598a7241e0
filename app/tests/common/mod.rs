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
