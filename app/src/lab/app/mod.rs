//! `LabApp`: the window's state and its frame. Each frame, [`eframe::App::logic`] takes what
//! arrived (the frame clock, dialog answers, the Darwin3 worker's result), steps the
//! simulation within its budget and collects what it has to tell; [`eframe::App::ui`] draws
//! the panels (each a `fn show(ui, &mut PanelCx)`, the right-hand tabs from one list), which
//! push commands, and then applies them in one place (`apply.rs`).
//!
//! The rest lives beside it: what is remembered between runs (`ui_state.rs`), what the window
//! gives the lab at start (`setup.rs`), the chrome around the panels (`chrome.rs`).

mod apply;
mod chrome;
mod setup;
mod ui_state;

pub use ui_state::{CentralTab, RightTab, UiState};

use chrome::messages;
use setup::{default_preset, fallback, gpu_engine_of, renderer_of};
use ui_state::STATE_KEY;

use std::path::PathBuf;
use std::time::Instant;

use eframe::egui::{self, RichText};
use nv_core::Mode;
use nv_core::backend::BackendKind;

use super::LabOptions;
use super::command::AppCommand;
use super::darwin3::{Darwin3PanelState, Darwin3Tab, Darwin3View};
use super::files::{self, FileState};
use super::panels::{self, CENTRAL_TABS, PanelCx, RIGHT_TABS, library::Card, network::VesicleDraw};
use super::sim::Simulation;
use crate::presets::PresetFolders;

/// The lab.
pub struct LabApp {
    state: UiState,
    sim: Simulation,
    cards: Vec<Card>,
    selected: Option<usize>,
    error: Option<String>,
    notice: Option<String>,
    seed_text: String,
    show_help: bool,
    commands: Vec<AppCommand>,
    options: LabOptions,
    frames: u32,
    last_frame: Instant,
    fps: f32,
    /// Frame times in seconds (a `--screenshot` run reports them).
    frame_times: Vec<f32>,
    pending_screenshot: Option<PathBuf>,
    /// The File menu's state: the unsaved-changes prompt, the paste window.
    files: FileState,
    /// How the network view draws the vesicles (instanced on wgpu, else egui's painter).
    vesicle_draw: VesicleDraw,
    /// The renderer, as the top bar names it, and its details (hover text).
    renderer: (String, String),
    /// Why the GPU engine cannot be chosen (`None`: it can, on eframe's wgpu device).
    gpu_unavailable: Option<String>,
    /// The Darwin3 tab: its run, its state, its worker and its settings.
    darwin3: Darwin3Tab,
    /// The shipped (read-only) presets folder and the user's own.
    folders: PresetFolders,
    /// The cards of the user's own presets ("My presets"), read again after each save.
    my_cards: Vec<Card>,
}

impl LabApp {
    /// Builds the lab: restores the UI state and opens the preset (the one asked for, else the
    /// last one, else `spiral_film`; if it does not load, the shipped tiny chain, with the
    /// error shown).
    pub fn new(cc: &eframe::CreationContext<'_>, options: LabOptions) -> Self {
        // The proportional font lacks arrows and a few symbols the presets and the model use
        // (→, ●); the monospace one has them: use it as a fallback.
        let mut fonts = egui::FontDefinitions::default();
        if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
            family.push("Hack".to_owned());
        }
        cc.egui_ctx.set_fonts(fonts);
        let mut state: UiState =
            cc.storage.and_then(|s| eframe::get_value(s, STATE_KEY)).unwrap_or_default();
        files::prune(&mut state.recent);
        let mode = state.mode.unwrap_or(Mode::Particle);
        let wanted = options
            .preset
            .clone()
            .or_else(|| state.last_preset.clone().filter(|p| p.exists()))
            .unwrap_or_else(default_preset);
        let mut error = None;
        // A preset named on the command line opens as every load does, in its own mode; the
        // last preset comes back in the mode it was left in.
        let opened = if options.preset.is_some() {
            Simulation::open(&wanted)
        } else {
            Simulation::load(&wanted, mode)
        };
        let mut sim = match opened {
            Ok(s) => s,
            Err(e) => {
                error = Some(e);
                fallback()
            }
        };
        sim.speed = state.speed.unwrap_or(1.0);
        sim.playing = options.play;
        let (mut vesicle_draw, mut renderer) = renderer_of(cc);
        if options.painter_vesicles && vesicle_draw == VesicleDraw::Gpu {
            vesicle_draw = VesicleDraw::Painter;
            renderer.0.push_str(" (painter)");
            renderer.1.push_str("; --painter: vesicles drawn with egui's painter instead");
        }
        if let Some(why) = &options.renderer_notice {
            renderer.0.push_str(" (fallback)");
            renderer.1 = format!("{why}. {}", renderer.1);
        }
        let gpu = gpu_engine_of(cc);
        let gpu_unavailable = gpu.as_ref().err().cloned();
        sim.gpu = gpu.ok();
        let mut commands = Vec::new();
        if options.gpu_engine {
            commands.push(AppCommand::SetBackend(BackendKind::Gpu));
        }
        let seed_text = sim.world().preset.seed.to_string();
        let folders = PresetFolders {
            shipped: crate::presets::shipped_dir(),
            user: options.user_presets.clone().unwrap_or_else(crate::presets::user_dir),
        };
        if options.darwin3_tab {
            state.central_tab = CentralTab::Darwin3;
        }
        Self {
            state,
            seed_text,
            sim,
            cards: panels::library::cards_in(&folders.shipped),
            my_cards: panels::library::cards_in(&folders.user),
            folders,
            selected: None,
            error,
            notice: options.renderer_notice.clone(),
            show_help: false,
            commands,
            options,
            frames: 0,
            last_frame: Instant::now(),
            fps: 0.0,
            frame_times: Vec::new(),
            pending_screenshot: None,
            files: FileState::default(),
            vesicle_draw,
            renderer,
            gpu_unavailable,
            darwin3: Darwin3Tab::default(),
        }
    }

    /// Shows this Darwin3 run in the Darwin3 tab (`None`: the empty state).
    pub fn set_darwin3_view(&mut self, view: Option<Darwin3View>) {
        self.darwin3.set_view(view);
    }

    /// The Darwin3 run the Darwin3 tab shows.
    pub fn darwin3_view(&self) -> Option<&Darwin3View> {
        self.darwin3.view()
    }

    /// The Darwin3 panel's UI state (selections, cursor), read-only.
    pub fn darwin3_state(&self) -> &Darwin3PanelState {
        self.darwin3.state()
    }

    /// Whether a Darwin3 session is running on its worker thread.
    pub fn darwin3_busy(&self) -> bool {
        self.darwin3.busy()
    }

    /// Writes the Darwin3 per-neuron metrics to `path`.
    fn export_darwin3_metrics(&mut self, path: &std::path::Path) {
        let written = self.darwin3.metrics_csv().and_then(|csv| {
            files::write_atomic(path, csv.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        });
        match written {
            Ok(()) => self.notice = Some(format!("wrote {}", path.display())),
            Err(e) => self.error = Some(e),
        }
    }

    /// The running simulation, read-only (the UI tests check the world through it).
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The renderer's details as the top bar shows them on hover (adapter, backend, how the
    /// vesicles are drawn).
    pub fn renderer_name(&self) -> &str {
        &self.renderer.1
    }

    /// The node the inspector shows, if any.
    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// Queues a command as a panel would; it is applied after the next UI pass. The UI tests
    /// use it for what has no widget to click (loading a file by path).
    pub fn queue(&mut self, cmd: AppCommand) {
        self.commands.push(cmd);
    }
}

impl eframe::App for LabApp {
    /// Before the UI of each frame (and when a worker asks for a repaint): the frame clock,
    /// the file dialogs' answers, the Darwin3 worker's result, the simulation's steps for this
    /// frame and what they have to tell, and screenshots that arrived.
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let now = Instant::now();
        let dt = now.duration_since(self.last_frame).as_secs_f32();
        self.last_frame = now;
        if dt > 0.0 {
            self.fps = 0.9 * self.fps + 0.1 / dt;
            if self.options.screenshot.is_some() {
                self.frame_times.push(dt);
            }
        }
        self.poll_dialog(ctx);
        self.darwin3.poll();
        self.sim.frame();
        if let Some(n) = self.sim.notice.take() {
            self.notice = Some(n);
        }
        if let Some(h) = self.sim.halted.take() {
            self.error = Some(h);
        }
        self.screenshots(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        panels::menu_bar::input(&ctx, &mut self.files, &self.sim, &mut self.commands);

        let mut cx = PanelCx {
            sim: &self.sim,
            commands: &mut self.commands,
            selected: self.selected,
            view: &mut self.state.view,
            vesicle_draw: self.vesicle_draw,
            cards: (&self.cards, &self.my_cards),
            recent: &mut self.state.recent,
            seed_text: &mut self.seed_text,
            darwin3: &mut self.darwin3,
            readout: panels::top_bar::Readout {
                fps: self.fps,
                renderer: &self.renderer.0,
                renderer_details: &self.renderer.1,
                fallback: self.options.renderer_notice.is_some(),
                gpu_unavailable: self.gpu_unavailable.as_deref(),
            },
        };
        egui::Panel::top("menu_bar").show(ui, |ui| panels::menu_bar::show(ui, &mut cx));
        egui::Panel::top("top_bar").show(ui, |ui| panels::top_bar::show(ui, &mut cx));
        egui::Panel::left("library")
            .resizable(true)
            .default_size(290.0)
            .show(ui, |ui| panels::library::show(ui, &mut cx));
        let right_tab = &mut self.state.right_tab;
        egui::Panel::right("inspector").resizable(true).default_size(300.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                for (tab, label, _) in RIGHT_TABS {
                    ui.selectable_value(right_tab, tab, label);
                }
            });
            ui.separator();
            if let Some((_, _, draw)) = RIGHT_TABS.iter().find(|(tab, _, _)| tab == right_tab) {
                draw(ui, &mut cx);
            }
        });
        // The Darwin3 tab has its own time plots (rasters, makespan) and needs the height.
        if self.state.central_tab == CentralTab::Network {
            egui::Panel::bottom("plots")
                .resizable(true)
                .default_size(200.0)
                .show(ui, |ui| panels::plots::show(ui, &mut cx));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if !self.state.hint_seen {
                ui.horizontal(|ui| {
                    ui.label(RichText::new("New here? Pick an experiment in the preset library on the left, then press Space to run it.").italics());
                    if ui.small_button("got it").clicked() {
                        self.state.hint_seen = true;
                    }
                });
            }
            let title = format!(
                "{} — {} · {}",
                self.sim.world().preset.name,
                self.sim.path.as_ref().map_or("(unsaved)".into(), |p| p.display().to_string()),
                match self.sim.mode {
                    Mode::Particle => "particles",
                    Mode::Density => "density (mean field; a fixed lifetime law is approximated by the exponential one)",
                    Mode::Twin => "twin: dots are the particles, halos the mean field",
                }
            );
            let title = format!("{}{title}", files::marker(&self.sim));
            let central_tab = &mut self.state.central_tab;
            ui.horizontal(|ui| {
                for (tab, label, tip, _) in CENTRAL_TABS {
                    ui.selectable_value(central_tab, tab, label).on_hover_text(tip);
                }
                ui.label(RichText::new(title).small().weak());
            });
            messages(ui, &mut self.error, &mut self.notice);
            if let Some((.., draw)) = CENTRAL_TABS.iter().find(|(tab, ..)| tab == central_tab) {
                draw(ui, &mut cx);
            }
        });
        self.help(&ctx);
        panels::menu_bar::prompt(&ctx, &self.files, &self.sim, &mut self.commands);
        panels::menu_bar::paste_window(&ctx, &mut self.files, &mut self.commands);
        super::path_box::show(&ctx, &mut self.files.path_box, &mut self.commands);
        self.apply(&ctx);
        let shown = self.state.central_tab == CentralTab::Darwin3;
        if let Some(why) = self.darwin3.tick(shown, self.sim.world(), &ctx) {
            self.notice = Some(why);
        }

        self.frames += 1;
        if let Some(path) = &self.options.screenshot
            && self.frames == self.options.frames.max(1)
            && self.pending_screenshot.is_none()
        {
            self.commands.push(AppCommand::Screenshot(path.clone()));
        }
        // Redraw continuously only while something moves; an idle lab costs nothing.
        if self.sim.playing
            || self.options.screenshot.is_some()
            || self.pending_screenshot.is_some()
        {
            ctx.request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.state.speed = Some(self.sim.speed);
        self.state.mode = Some(self.sim.mode);
        if let Some(p) = &self.sim.path {
            self.state.last_preset = Some(p.clone());
        }
        eframe::set_value(storage, STATE_KEY, &self.state);
    }
}
