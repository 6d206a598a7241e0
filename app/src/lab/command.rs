//! Everything a person can do in the lab, as one command each. Panels push commands; the app
//! applies them after the UI pass, so no panel changes the world while others draw it.

use std::path::PathBuf;

use nv_core::Mode;

/// One user action.
#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    /// Start or stop running.
    TogglePlay,
    /// Take `n` steps now (and pause).
    Step(u64),
    /// Rebuild the world from its preset (same seed).
    Reset,
    /// Set the seed and rebuild.
    SetSeed(u64),
    /// Switch particles / density / twin and rebuild.
    SetMode(Mode),
    /// Steps per frame (below 1: slow motion, one step every 1/x frames).
    SetSpeed(f32),
    /// Load a preset file (the current world is kept if it fails).
    LoadPreset(PathBuf),
    /// Select a node for the inspector (None clears).
    SelectNode(Option<usize>),
    /// Save a screenshot of the window to this file.
    Screenshot(PathBuf),
    /// Show or hide the shortcut overlay.
    ToggleHelp,
}
