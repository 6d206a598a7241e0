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
    /// Show this error (e.g. what was dropped onto the window and could not be opened).
    ShowError(String),
    /// Set the value of meta signal `k`, a `Slider` source (a live edit of the preset).
    SetMetaSlider(usize, f32),
    /// What the Darwin3 tab asked for (a settings edit, a rerun, an export).
    Darwin3(super::darwin3::Darwin3Action),
    // Species editor and release tuning (`panels/species_editor.rs`, `release_tuning.rs`).
    /// Replace the species' recipes in the running world (and its twin), keeping every
    /// vesicle; the list has as many species as before. On error the world is unchanged and
    /// the message is shown.
    EditSpecies(Vec<nv_core::species::Species>),
    /// Rebuild the world from its preset with this species list (the first species of a
    /// preset that has none).
    RebuildWithSpecies(Vec<nv_core::species::Species>),
    /// Add, duplicate or delete a species (the count changes, which a live edit cannot): the
    /// edit is made on the world's list as it is when applied, then the world is rebuilt.
    EditSpeciesList(SpeciesListEdit),
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
    /// A path typed into the lab's own path box (where the system has no file dialog), for
    /// the action the dialog was opened for: taken as the dialog's answer.
    PathTyped(super::dialogs::DialogKind, PathBuf),
}

/// A change to the number of species, made against the list as it is when applied.
#[derive(Clone, Debug, PartialEq)]
pub enum SpeciesListEdit {
    /// Append a new species with default parameters.
    Add,
    /// Append a copy of species `k` under a fresh name.
    Duplicate(usize),
    /// Delete species `k` and the references to it.
    Delete(usize),
}

impl SpeciesListEdit {
    /// Makes the edit on `list`; returns the index of the species to select afterwards, or
    /// why the edit does not apply to this list (and `list` is unchanged).
    pub fn apply(&self, list: &mut Vec<nv_core::species::Species>) -> Result<usize, String> {
        use nv_core::preset::species_edits::{duplicate_species, remove_species, unique_name};
        use nv_core::preset::validate::MAX_SPECIES;
        let full = || format!("a preset has at most {MAX_SPECIES} species");
        match *self {
            Self::Add => {
                if list.len() >= MAX_SPECIES {
                    return Err(full());
                }
                let name = unique_name(list, "species");
                list.push(super::panels::species_editor::new_species(&name, list.len()));
                Ok(list.len() - 1)
            }
            Self::Duplicate(k) => {
                if list.len() >= MAX_SPECIES {
                    return Err(full());
                }
                if k >= list.len() {
                    return Err(format!("there is no species {k} to duplicate"));
                }
                Ok(duplicate_species(list, k))
            }
            Self::Delete(k) => {
                if list.len() <= 1 {
                    return Err("the last species cannot be deleted".into());
                }
                if k >= list.len() {
                    return Err(format!("there is no species {k} to delete"));
                }
                remove_species(list, k);
                Ok(k.min(list.len() - 1))
            }
        }
    }
}
