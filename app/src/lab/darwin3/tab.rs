//! The Darwin3 tab as the window holds it: the run it shows, the panel's state, the session on
//! its worker thread and the settings the next session runs with, in one struct. The app
//! calls it before the UI ([`Darwin3Tab::poll`]) and to draw ([`Darwin3Tab::show`], whose
//! actions become [`AppCommand::Darwin3`] commands); the app's one applier hands those back
//! ([`Darwin3Tab::act`]) and, after the UI, lets it start a session ([`Darwin3Tab::tick`]).

use eframe::egui;
use nv_core::World;

use super::adapter::Darwin3Runner;
use super::view::Darwin3Settings;
use super::{Darwin3Action, Darwin3Export, Darwin3PanelState, Darwin3View, panel};
use crate::lab::command::AppCommand;

/// Everything the Darwin3 tab holds between frames.
#[derive(Default)]
pub struct Darwin3Tab {
    /// The run it shows (`None`: the world has no mapped spiking network yet).
    view: Option<Darwin3View>,
    /// The panel's UI state (selections, cursor, zoom).
    state: Darwin3PanelState,
    /// The session running on its worker thread, if any.
    runner: Darwin3Runner,
    /// The settings the next session runs with.
    settings: Darwin3Settings,
}

impl Darwin3Tab {
    /// Shows this run (`None`: the empty state); the panel's derived caches are dropped, its
    /// selections and zoom kept.
    pub fn set_view(&mut self, view: Option<Darwin3View>) {
        self.view = view;
        self.state.invalidate();
    }

    /// The run the tab shows.
    pub fn view(&self) -> Option<&Darwin3View> {
        self.view.as_ref()
    }

    /// The panel's UI state, read-only.
    pub fn state(&self) -> &Darwin3PanelState {
        &self.state
    }

    /// Whether a session is running on its worker thread.
    pub fn busy(&self) -> bool {
        self.runner.busy()
    }

    /// Drops the run and any session still running: they belong to a world that is gone.
    pub fn forget(&mut self) {
        self.runner.cancel();
        self.set_view(None);
    }

    /// Starts a session for `world` with the current settings; `Err` says why none can run
    /// (the world has no spiking host, no thread).
    fn start(&mut self, world: &World, ctx: &egui::Context) -> Result<(), String> {
        self.runner.start(world, self.settings, ctx).map_err(|e| format!("Darwin3: {e}"))
    }

    /// Before the UI: takes a finished session's view (the worker asks for a repaint when it
    /// finishes, so this runs then, input or not).
    pub fn poll(&mut self) {
        if let Some(view) = self.runner.poll() {
            self.set_view(Some(view));
        }
    }

    /// Draws the tab; what the person asks of it becomes commands.
    pub fn show(&mut self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        let busy = self.runner.busy();
        let actions = panel::show(ui, self.view.as_ref(), &mut self.state, busy);
        commands.extend(actions.into_iter().map(AppCommand::Darwin3));
    }

    /// Carries out one of the panel's actions (from the app's applier): an export becomes a
    /// command; settings edits and reruns start a new session. Returns a message when a
    /// session cannot start.
    pub fn act(
        &mut self,
        action: Darwin3Action,
        world: &World,
        ctx: &egui::Context,
        commands: &mut Vec<AppCommand>,
    ) -> Option<String> {
        let rerun = match action {
            Darwin3Action::Export(Darwin3Export::MetricsCsv) => {
                commands.push(AppCommand::ExportDarwin3Metrics(None));
                false
            }
            Darwin3Action::Rerun(settings) => {
                self.settings = settings;
                true
            }
            edit => edit.edit(&mut self.settings),
        };
        if rerun { self.start(world, ctx).err() } else { None }
    }

    /// After the UI: starts a session when the tab is `shown` for a spiking world that has
    /// none yet. Returns a message when it cannot start.
    pub fn tick(&mut self, shown: bool, world: &World, ctx: &egui::Context) -> Option<String> {
        let spiking = matches!(world.host, nv_core::host::Host::Spiking(_));
        if shown && spiking && self.view.is_none() && !self.runner.busy() {
            return self.start(world, ctx).err();
        }
        None
    }

    /// The per-neuron metrics as CSV, or why there are none.
    pub fn metrics_csv(&self) -> Result<String, String> {
        self.view
            .as_ref()
            .map(Darwin3View::metrics_csv)
            .ok_or_else(|| "no Darwin3 run to export: map a spiking network first".to_string())
    }
}
