//! The one place commands are applied: after the UI pass, against the state as it is then.
//! Panels only push commands; file commands go through `files::apply`, whose effects come
//! back here; every way of opening a preset ends in [`LabApp::install`].

use eframe::egui;
use nv_core::Mode;
use nv_core::backend::BackendKind;

use super::LabApp;
use super::ui_state::RightTab;
use crate::lab::command::{AppCommand, SpeciesListEdit};
use crate::lab::files;
use crate::lab::panels::{self, network::ViewState};
use crate::lab::sim::Simulation;

impl LabApp {
    /// Applies the queued commands (after the UI pass).
    pub(super) fn apply(&mut self, ctx: &egui::Context) {
        // A command that would replace a world with unsaved changes waits for the prompt.
        self.commands = files::guard(
            &mut self.files,
            files::is_dirty(&self.sim),
            std::mem::take(&mut self.commands),
        );
        for cmd in std::mem::take(&mut self.commands) {
            match cmd {
                AppCommand::TogglePlay => self.sim.playing = !self.sim.playing,
                AppCommand::Step(n) => {
                    self.sim.playing = false;
                    // A step that stops the run (a non-finite value) ends the batch.
                    for _ in 0..n {
                        if !self.sim.step() {
                            break;
                        }
                    }
                    self.sim.progress = 1.0;
                }
                AppCommand::Reset => self.rebuild(self.sim.world().preset.clone(), self.sim.mode),
                AppCommand::SetSeed(seed) => {
                    let mut p = self.sim.world().preset.clone();
                    p.seed = seed;
                    self.rebuild(p, self.sim.mode);
                }
                AppCommand::SetMode(mode) => self.rebuild(self.sim.world().preset.clone(), mode),
                AppCommand::SetSpeed(s) => self.sim.speed = s,
                AppCommand::SetBackend(kind) => {
                    let unavailable =
                        self.gpu_unavailable.as_ref().filter(|_| kind == BackendKind::Gpu);
                    self.error = match unavailable {
                        Some(why) => Some(format!("the GPU engine is not available: {why}")),
                        None => self.sim.set_backend(kind).err(),
                    };
                }
                AppCommand::LoadPreset(path) => match Simulation::open(&path) {
                    Ok(s) => {
                        self.install(s);
                        files::remember(&mut self.state.recent, &path);
                        self.state.last_preset = Some(path);
                    }
                    // The current world is kept.
                    Err(e) => self.error = Some(e),
                },
                AppCommand::SelectNode(n) => {
                    self.selected = n;
                    self.sim.track(None);
                }
                AppCommand::SelectVesicle(id) => {
                    self.sim.track(id);
                    if id.is_some() {
                        self.state.right_tab = RightTab::Inspector;
                    }
                }
                AppCommand::Screenshot(path) => {
                    self.pending_screenshot = Some(path);
                    ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                        egui::UserData::default(),
                    ));
                }
                AppCommand::ToggleHelp => self.show_help = !self.show_help,
                AppCommand::ShowError(e) => self.error = Some(e),
                AppCommand::SetMetaSlider(k, value) => {
                    if let Err(e) = self.sim.set_meta_slider(k, value) {
                        self.error = Some(format!("meta signal not changed: {e}"));
                    }
                }
                AppCommand::Darwin3(action) => {
                    let world = self.sim.world();
                    if let Some(why) = self.darwin3.act(action, world, ctx, &mut self.commands) {
                        self.notice = Some(why);
                    }
                }
                cmd @ (AppCommand::OpenDialog
                | AppCommand::Save
                | AppCommand::SaveAs(_)
                | AppCommand::CopyPreset
                | AppCommand::ShowPaste
                | AppCommand::PastePreset(_)
                | AppCommand::ExportSeries(_)
                | AppCommand::ExportBundle(_)
                | AppCommand::ExportDarwin3Metrics(None)
                | AppCommand::Unsaved(_)
                | AppCommand::PathTyped(..)) => self.file_command(cmd, ctx),
                AppCommand::ExportDarwin3Metrics(Some(path)) => self.export_darwin3_metrics(&path),
                AppCommand::EditSpecies(species) => {
                    if let Err(e) = self.sim.edit_species(species) {
                        self.error = Some(format!("species edit not applied: {e}"));
                    }
                }
                AppCommand::RebuildWithSpecies(species) => {
                    let mut p = self.sim.world().preset.clone();
                    p.species = species;
                    self.rebuild(p, self.sim.mode);
                }
                AppCommand::EditSpeciesList(edit) => self.edit_species_list(edit, ctx),
            }
        }
    }

    /// Makes `s`, a newly opened world (a card, File ▸ Open, a dropped or pasted preset), the
    /// lab's world: every way of opening a preset comes here. It runs in its preset's mode (the
    /// `run` section; `s` was built in it), at the current speed, on the engine the current
    /// world runs on (on the GPU when it can; the notice says why not); the selection, the
    /// view and the Darwin3 run (which belongs to the old world) are dropped.
    fn install(&mut self, mut s: Simulation) {
        self.darwin3.forget();
        s.speed = self.sim.speed;
        s.gpu = self.sim.gpu.clone();
        if self.sim.backend() == BackendKind::Gpu
            && let Err(e) = s.set_backend(BackendKind::Gpu)
        {
            self.notice = Some(e);
        }
        self.sim = s;
        self.selected = None;
        self.seed_text = self.sim.world().preset.seed.to_string();
        self.state.view = ViewState::default();
        self.state.mode = Some(self.sim.mode);
        self.error = None;
    }

    /// Adds, duplicates or deletes a species, validated against the world's species list as
    /// it is now (not as the panel saw it), then rebuilds; the editor selects the species the
    /// edit made. An edit that no longer applies (an index past the end, a full list, the last
    /// species) says why and changes nothing.
    fn edit_species_list(&mut self, edit: SpeciesListEdit, ctx: &egui::Context) {
        let mut list = self.sim.world().preset.species.clone();
        let selected = match edit.apply(&mut list) {
            Ok(selected) => selected,
            Err(why) => {
                self.error = Some(format!("species not changed: {why}"));
                return;
            }
        };
        let mut p = self.sim.world().preset.clone();
        p.species = list;
        self.rebuild(p, self.sim.mode);
        if self.error.is_none() {
            panels::species_editor::select(ctx, selected);
        }
    }

    fn rebuild(&mut self, preset: nv_core::Preset, mode: Mode) {
        match self.sim.rebuilt(preset, mode) {
            Ok(s) => {
                self.sim = s;
                self.seed_text = self.sim.world().preset.seed.to_string();
                self.state.mode = Some(mode);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Applies a File-menu command (`files::apply`) and what it asks of the window: a message,
    /// text for the clipboard, a pasted world (installed as a loaded one is).
    fn file_command(&mut self, cmd: AppCommand, ctx: &egui::Context) {
        let fx = self.with_files(|lab| files::apply(cmd, lab));
        self.file_effects(fx, ctx);
    }

    /// Runs `f` on the parts of the lab that file commands read and change.
    fn with_files<R>(&mut self, f: impl FnOnce(&mut files::Lab<'_>) -> R) -> R {
        f(&mut files::Lab {
            sim: &mut self.sim,
            files: &mut self.files,
            recent: &mut self.state.recent,
            commands: &mut self.commands,
            folders: &self.folders,
        })
    }

    /// Takes a file dialog's answer when it came (the dialogs run on their own threads and
    /// never block the window); while one is open the window looks again ten times a second.
    pub(super) fn poll_dialog(&mut self, ctx: &egui::Context) {
        let fx = self.with_files(files::poll_dialog);
        self.file_effects(fx, ctx);
        if self.files.dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// Does what a file command asks of the window.
    fn file_effects(&mut self, fx: files::Effects, ctx: &egui::Context) {
        if let Some(text) = fx.copy {
            ctx.copy_text(text);
        }
        if let Some(s) = fx.world {
            self.install(s);
        }
        if fx.saved {
            self.my_cards = panels::library::cards_in(&self.folders.user);
        }
        if fx.notice.is_some() {
            self.notice = fx.notice;
        }
        if fx.error.is_some() {
            self.error = fx.error;
        }
    }
}
