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
    /// Move the running world to the CPU or the GPU engine (keeping its state).
    SetBackend(nv_core::backend::BackendKind),
    /// Steps per frame (below 1: slow motion, one step every 1/x frames).
    SetSpeed(f32),
    /// Load a preset file (the current world is kept if it fails).
    LoadPreset(PathBuf),
    /// Select a node for the inspector (None clears).
    SelectNode(Option<usize>),
    /// Follow a vesicle (by stable id) in the inspector (None stops).
    SelectVesicle(Option<u64>),
    /// Save a screenshot of the window to this file.
    Screenshot(PathBuf),
    /// Show or hide the shortcut overlay.
    ToggleHelp,
    // Species editor and release tuning (`panels/species_editor.rs`, `release_tuning.rs`).
    /// Replace the species' recipes in the running world (and its twin), keeping every
    /// vesicle; the list has as many species as before. On error the world is unchanged and
    /// the message is shown.
    EditSpecies(Vec<nv_core::species::Species>),
    /// Rebuild the world from its preset with this species list (adding, duplicating or
    /// deleting a species changes the count, which a live edit cannot).
    RebuildWithSpecies(Vec<nv_core::species::Species>),
    // File menu (applied with the functions of `files.rs`). A command that replaces a world
    // with unsaved changes (`LoadPreset`, `PastePreset`) first asks "Discard unsaved changes?".
    /// File ▸ Open…: ask for a preset file with a dialog, then `LoadPreset` it.
    OpenDialog,
    /// Save the world's preset to its file (Ctrl+S); with no file, as `SaveAs(None)`.
    Save,
    /// Save the world's preset to this file (atomic: write, then rename) and make it the
    /// current file; `None` asks for the path with a dialog first.
    SaveAs(Option<PathBuf>),
    /// Copy the world's preset to the clipboard as RON text.
    CopyPreset,
    /// Open the window that a preset's text is pasted into.
    ShowPaste,
    /// Load a preset from RON text (the current world is kept if it fails).
    PastePreset(String),
    /// Write every plotted series to this CSV file (`None`: ask with a dialog).
    ExportSeries(Option<PathBuf>),
    /// Write a run bundle (preset, seed, series) into this folder (`None`: ask with a dialog).
    ExportBundle(Option<PathBuf>),
    /// Write the Darwin3 tab's per-neuron metrics to this CSV file (`None`: ask with a dialog).
    ExportDarwin3Metrics(Option<PathBuf>),
    /// The answer to the "Discard unsaved changes?" prompt.
    Unsaved(super::files::UnsavedAnswer),
}
