//! `LabApp`: the persisted UI state, the simulation, and the one place commands are applied.

use std::path::PathBuf;
use std::time::Instant;

use eframe::egui::{self, RichText};
use nv_core::Mode;
use nv_core::backend::BackendKind;
use nv_core::gpu::GpuContext;
use serde::{Deserialize, Serialize};

use super::command::{AppCommand, SpeciesListEdit};
use super::darwin3::adapter::Darwin3Runner;
use super::darwin3::view::Darwin3Settings;
use super::darwin3::{self, Darwin3Action, Darwin3Export, Darwin3PanelState, Darwin3View};
use super::files::{self, FileState};
use super::panels::{
    self, PanelCx, RIGHT_TABS, library::Card, network::VesicleDraw, network::ViewState,
};
use super::sim::Simulation;
use super::{LabOptions, screenshot, vesicle_gpu};
use crate::presets::PresetFolders;

/// What the lab remembers between runs. Read with defaults for every field as a whole, so a
/// field added, renamed or missing in a saved state never discards the rest of the layout.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    /// The last preset opened.
    pub last_preset: Option<PathBuf>,
    /// The last mode.
    pub mode: Option<Mode>,
    /// The last speed.
    pub speed: Option<f32>,
    /// Pan and zoom of the network view.
    pub view: ViewState,
    /// Whether the first-run hint was dismissed.
    pub hint_seen: bool,
    /// Recently opened or saved preset files, most recent first (at most 10).
    pub recent: Vec<PathBuf>,
    /// The tab the right-hand panel shows.
    pub right_tab: RightTab,
    /// The view the centre shows.
    pub central_tab: CentralTab,
}

/// The views of the central area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CentralTab {
    /// The network with its vesicles.
    #[default]
    Network,
    /// The Darwin3 emulation panel.
    Darwin3,
}

/// The tabs of the right-hand panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightTab {
    /// The selected node.
    #[default]
    Inspector,
    /// The species editor.
    Species,
    /// Release-operator tuning with its live readout.
    Releases,
}

const STATE_KEY: &str = "nvlab_ui_state";

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
    /// The Darwin3 run the Darwin3 tab shows (`None`: the world has no mapped spiking network).
    darwin3_view: Option<Darwin3View>,
    /// The Darwin3 panel's UI state.
    darwin3_state: Darwin3PanelState,
    /// The Darwin3 panel's actions of this frame, applied after the UI pass.
    darwin3_actions: Vec<Darwin3Action>,
    /// The Darwin3 session running on its worker thread, if any.
    darwin3_runner: Darwin3Runner,
    /// The Darwin3 settings the next session runs with.
    darwin3_settings: Darwin3Settings,
    /// The shipped (read-only) presets folder and the user's own.
    folders: PresetFolders,
    /// The cards of the user's own presets ("My presets"), read again after each save.
    my_cards: Vec<Card>,
}

/// How the vesicles can be drawn in the window `cc` describes, and the renderer's name and
/// details for the top bar. With wgpu the instanced renderer is installed on eframe's device.
fn renderer_of(cc: &eframe::CreationContext<'_>) -> (VesicleDraw, (String, String)) {
    let painter = "vesicles drawn with egui's painter (at most a disc-full per node)";
    match cc.wgpu_render_state.as_ref() {
        Some(rs) => {
            let info = rs.adapter.get_info();
            let name = format!("wgpu · {}", info.backend);
            let device =
                format!("wgpu on {} ({}, {:?})", info.name, info.backend, info.device_type);
            if vesicle_gpu::install(rs) {
                (VesicleDraw::Gpu, (name, format!("{device}; vesicles drawn as instanced quads")))
            } else {
                let why = "the device cannot read storage buffers in a vertex shader";
                (VesicleDraw::Painter, (name, format!("{device}; {why}: {painter}")))
            }
        }
        None if cc.gl.is_some() => {
            (VesicleDraw::Painter, ("glow".into(), format!("OpenGL (glow); {painter}")))
        }
        None => (VesicleDraw::Painter, ("no GPU".into(), format!("no renderer; {painter}"))),
    }
}

/// eframe's wgpu device as the GPU engine's context, so the engine and the renderer share one
/// device; or why there is none. GPU errors on that device are reported, not panics (see
/// `engine::report_gpu_errors`).
fn gpu_engine_of(cc: &eframe::CreationContext<'_>) -> Result<GpuContext, String> {
    match cc.wgpu_render_state.as_ref() {
        Some(rs) => {
            super::engine::report_gpu_errors(&rs.device);
            Ok(GpuContext::from_device(rs.device.clone(), rs.queue.clone(), rs.adapter.get_info()))
        }
        None if cc.gl.is_some() => Err("the window runs on glow (OpenGL); the GPU engine needs \
                                         the wgpu renderer (start with --renderer wgpu)"
            .into()),
        None => Err("no GPU adapter: the window has no wgpu device".into()),
    }
}

/// Mean and 95th-percentile frame time over the frames after the first ten.
fn frame_report(times: &[f32]) -> String {
    let mut t: Vec<f32> = times.iter().skip(10).copied().collect();
    if t.is_empty() {
        return "too few frames to time".into();
    }
    t.sort_by(f32::total_cmp);
    let mean = t.iter().sum::<f32>() / t.len() as f32;
    let p95 = t[(t.len() * 95 / 100).min(t.len() - 1)];
    format!(
        "frame time mean {:.1} ms ({:.0} fps), 95th percentile {:.1} ms, over {} frames",
        mean * 1e3,
        1.0 / mean,
        p95 * 1e3,
        t.len()
    )
}

/// The tiny chain, built into the binary: what the lab shows when nothing else loads.
fn fallback() -> Simulation {
    let preset = nv_core::preset::from_str(
        include_str!("../../../presets/tiny_chain.ron"),
        "tiny_chain.ron (built in)",
    )
    .expect("the built-in tiny_chain preset is valid (the preset tests load it)");
    Simulation::new(preset, Mode::Particle, None)
        .expect("the built-in tiny_chain preset builds (the preset tests build it)")
}

/// The shipped default preset.
fn default_preset() -> PathBuf {
    crate::presets::shipped_dir().join("spiral_film.ron")
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
            darwin3_view: None,
            darwin3_state: Darwin3PanelState::default(),
            darwin3_actions: Vec::new(),
            darwin3_runner: Darwin3Runner::default(),
            darwin3_settings: Darwin3Settings::default(),
        }
    }

    /// Shows this Darwin3 run in the Darwin3 tab (`None`: the empty state); the panel's
    /// derived caches are dropped, its selections and zoom kept.
    pub fn set_darwin3_view(&mut self, view: Option<Darwin3View>) {
        self.darwin3_view = view;
        self.darwin3_state.invalidate();
    }

    /// The Darwin3 run the Darwin3 tab shows.
    pub fn darwin3_view(&self) -> Option<&Darwin3View> {
        self.darwin3_view.as_ref()
    }

    /// The Darwin3 panel's UI state (selections, cursor), read-only.
    pub fn darwin3_state(&self) -> &Darwin3PanelState {
        &self.darwin3_state
    }

    /// Whether a Darwin3 session is running on its worker thread.
    pub fn darwin3_busy(&self) -> bool {
        self.darwin3_runner.busy()
    }

    /// Drops the Darwin3 run and any session still running: they belong to the old world.
    fn forget_darwin3(&mut self) {
        self.darwin3_runner.cancel();
        self.set_darwin3_view(None);
    }

    /// Starts a Darwin3 session for the current world with the current settings.
    fn start_darwin3(&mut self, ctx: &egui::Context) {
        if let Err(e) = self.darwin3_runner.start(self.sim.world(), self.darwin3_settings, ctx) {
            self.notice = Some(format!("Darwin3: {e}"));
        }
    }

    /// Before each frame's UI: takes a finished session's view (the worker asks for a repaint
    /// when it finishes, so this runs then, input or not).
    fn darwin3_poll(&mut self) {
        if let Some(view) = self.darwin3_runner.poll() {
            self.set_darwin3_view(Some(view));
        }
    }

    /// After each frame's UI: starts a session when the Darwin3 tab is shown for a spiking
    /// world that has none yet.
    fn darwin3_tick(&mut self, ctx: &egui::Context) {
        let shown = self.state.central_tab == CentralTab::Darwin3;
        if shown
            && self.darwin3_view.is_none()
            && !self.darwin3_runner.busy()
            && matches!(self.sim.world().host, nv_core::host::Host::Spiking(_))
        {
            self.start_darwin3(ctx);
        }
    }

    /// Applies the Darwin3 panel's actions: exports through the file dialog; selections are
    /// already in the panel's state; settings edits and reruns start a new session.
    fn apply_darwin3(&mut self, ctx: &egui::Context) {
        let mut rerun = false;
        for action in std::mem::take(&mut self.darwin3_actions) {
            match action {
                Darwin3Action::Export(Darwin3Export::MetricsCsv) => {
                    self.commands.push(AppCommand::ExportDarwin3Metrics(None));
                }
                Darwin3Action::Rerun(settings) => {
                    self.darwin3_settings = settings;
                    rerun = true;
                }
                edit => rerun |= edit.edit(&mut self.darwin3_settings),
            }
        }
        if rerun {
            self.start_darwin3(ctx);
        }
    }

    /// Writes the Darwin3 per-neuron metrics to `path`.
    fn export_darwin3_metrics(&mut self, path: &std::path::Path) {
        let Some(view) = &self.darwin3_view else {
            self.error = Some("no Darwin3 run to export: map a spiking network first".into());
            return;
        };
        match files::write_atomic(path, view.metrics_csv().as_bytes()) {
            Ok(()) => self.notice = Some(format!("wrote {}", path.display())),
            Err(e) => self.error = Some(format!("cannot write {}: {e}", path.display())),
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

    fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        ctx.input(|i| {
            if i.key_pressed(egui::Key::Space) {
                self.commands.push(AppCommand::TogglePlay);
            }
            if i.key_pressed(egui::Key::ArrowRight) {
                self.commands.push(AppCommand::Step(1));
            }
            if i.key_pressed(egui::Key::R) {
                self.commands.push(AppCommand::Reset);
            }
            if i.key_pressed(egui::Key::F12) {
                let name = format!("nvlab-step{}.png", self.sim.world().step);
                self.commands.push(AppCommand::Screenshot(PathBuf::from(name)));
            }
            if i.key_pressed(egui::Key::Questionmark) {
                self.commands.push(AppCommand::ToggleHelp);
            }
        });
    }

    /// Applies the queued commands (after the UI pass).
    fn apply(&mut self, ctx: &egui::Context) {
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
                    for _ in 0..n {
                        self.sim.step();
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
        self.forget_darwin3();
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
        let mut lab = files::Lab {
            sim: &mut self.sim,
            files: &mut self.files,
            recent: &mut self.state.recent,
            commands: &mut self.commands,
            folders: &self.folders,
        };
        let fx = files::apply(cmd, &mut lab);
        self.file_effects(fx, ctx);
    }

    /// Takes a file dialog's answer when it came (the dialogs run on their own threads and
    /// never block the window); while one is open the window looks again ten times a second.
    fn poll_dialog(&mut self, ctx: &egui::Context) {
        let mut lab = files::Lab {
            sim: &mut self.sim,
            files: &mut self.files,
            recent: &mut self.state.recent,
            commands: &mut self.commands,
            folders: &self.folders,
        };
        let fx = files::poll_dialog(&mut lab);
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

    /// Saves a screenshot that arrived, and ends a `--screenshot` run.
    fn screenshots(&mut self, ctx: &egui::Context) {
        let images: Vec<std::sync::Arc<egui::ColorImage>> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Screenshot { image, .. } => Some(image.clone()),
                    _ => None,
                })
                .collect()
        });
        for image in images {
            let Some(path) = self.pending_screenshot.take() else { continue };
            match screenshot::save_png(&image, &path) {
                Ok(()) => {
                    let is_blank = screenshot::is_blank(&image);
                    if !is_blank {
                        self.options
                            .screenshot_ok
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    let blank = if is_blank { " (the image is blank!)" } else { "" };
                    self.notice = Some(format!("saved {}{blank}", path.display()));
                    eprintln!(
                        "nvlab: saved {} ({}×{}){blank}; {}; {} vesicles; renderer {}",
                        path.display(),
                        image.size[0],
                        image.size[1],
                        frame_report(&self.frame_times),
                        self.sim.population(),
                        self.renderer.0,
                    );
                }
                Err(e) => self.error = Some(format!("cannot save {}: {e}", path.display())),
            }
            if self.options.screenshot.is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn help(&mut self, ctx: &egui::Context) {
        let mut open = self.show_help;
        egui::Window::new("Shortcuts").open(&mut open).collapsible(false).show(ctx, |ui| {
            egui::Grid::new("keys").num_columns(2).show(ui, |ui| {
                for (k, what) in [
                    ("Space", "play / pause"),
                    ("Right arrow", "one step"),
                    ("R", "reset the world (same preset and seed)"),
                    ("F12", "save a screenshot (PNG) in the current folder"),
                    ("?", "this overlay"),
                    ("Ctrl+O / Ctrl+S / Ctrl+Shift+S", "open / save / save as (File menu)"),
                    ("drop a .ron", "open it (Ctrl+V outside a text box pastes a preset)"),
                    ("drag / scroll", "pan / zoom the network; double-click resets the view"),
                    ("click a node", "inspect it"),
                ] {
                    ui.label(RichText::new(k).strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
        self.show_help = open;
    }
}

/// The error and the notice, drawn over the top of the central view, under its tabs (they
/// never move or resize the views under them), wrapped to its width, each with a ✖ that
/// dismisses it.
fn messages(ui: &egui::Ui, error: &mut Option<String>, notice: &mut Option<String>) {
    let rect = ui.max_rect();
    let width = (rect.width() - 24.0).max(120.0);
    let mut y = ui.cursor().top() + 6.0;
    let red = egui::Color32::from_rgb(240, 100, 80);
    for (which, text) in [(0, error.clone()), (1, notice.clone())] {
        let Some(text) = text else { continue };
        let area = egui::Area::new(egui::Id::new(("lab_message", which)))
            .order(egui::Order::Foreground)
            .fixed_pos(egui::pos2(rect.left() + 12.0, y))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(width);
                    ui.horizontal_top(|ui| {
                        let (button, label) = if which == 0 {
                            ("✖ dismiss", RichText::new(format!("⚠ {text}")).color(red))
                        } else {
                            ("✖ ok", RichText::new(&text))
                        };
                        if ui.small_button(button).on_hover_text("hide this message").clicked() {
                            if which == 0 {
                                *error = None;
                            } else {
                                *notice = None;
                            }
                        }
                        ui.add(egui::Label::new(label).wrap());
                    });
                });
            });
        y = area.response.rect.bottom() + 4.0;
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
        self.darwin3_poll();
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
            ui.horizontal(|ui| {
                let tab = &mut self.state.central_tab;
                ui.selectable_value(tab, CentralTab::Network, "Network");
                ui.selectable_value(tab, CentralTab::Darwin3, "Darwin3")
                    .on_hover_text("The network mapped onto an emulated Darwin3 chip");
                ui.label(RichText::new(title).small().weak());
            });
            messages(ui, &mut self.error, &mut self.notice);
            match self.state.central_tab {
                CentralTab::Network => panels::network::show(ui, &mut cx),
                CentralTab::Darwin3 => {
                    let actions = darwin3::panel::show(
                        ui,
                        self.darwin3_view.as_ref(),
                        &mut self.darwin3_state,
                        self.darwin3_runner.busy(),
                    );
                    self.darwin3_actions.extend(actions);
                }
            }
        });
        self.help(&ctx);
        panels::menu_bar::prompt(&ctx, &self.files, &self.sim, &mut self.commands);
        panels::menu_bar::paste_window(&ctx, &mut self.files, &mut self.commands);
        super::path_box::show(&ctx, &mut self.files.path_box, &mut self.commands);
        self.apply(&ctx);
        self.apply_darwin3(&ctx);
        self.darwin3_tick(&ctx);

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved state from another version (a field missing, one unknown) keeps what it has.
    #[test]
    fn a_saved_state_with_missing_or_unknown_fields_keeps_the_rest() {
        let text = "(mode: Some(Twin), speed: Some(4.0), hint_seen: true, future_field: 3)";
        let state: UiState = ron::from_str(text).expect("reads with defaults");
        assert_eq!(state.mode, Some(Mode::Twin));
        assert_eq!(state.speed, Some(4.0));
        assert!(state.hint_seen);
        assert!(state.recent.is_empty() && state.last_preset.is_none());
    }
}
