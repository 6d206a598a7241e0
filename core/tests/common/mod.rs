//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use nv_core::preset::{self, Preset};
use nv_core::{Mode, World};

/// Parses a preset from RON text, panicking with the error (tests only).
pub fn preset(text: &str) -> Preset {
    match preset::from_str(text, "<test>") {
        Ok(p) => p,
        Err(e) => panic!("test preset does not load: {e}"),
    }
}

/// Builds a world from RON text.
pub fn world(text: &str, mode: Mode) -> World {
    match World::new(preset(text), mode, Path::new(".")) {
        Ok(w) => w,
        Err(e) => panic!("test world does not build: {e}"),
    }
}

/// Asserts the world's invariants hold.
pub fn check(w: &World) {
    let bad = w.check();
    assert!(bad.is_empty(), "invariants violated at step {}: {bad:?}", w.step);
}
