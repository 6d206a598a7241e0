//! The simulation the lab runs: a world (or a particle world and its density twin), played
//! within a per-frame time budget so the window stays responsive at any speed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nv_core::backend::BackendKind;
use nv_core::gpu::GpuContext;
use nv_core::twin::{Discrepancy, discrepancy};
use nv_core::{Mode, Preset, World};

use super::engine::{Engine, StepFailure};
use super::history::History;

/// Longest time the simulation may take out of one frame.
pub const FRAME_BUDGET: Duration = Duration::from_millis(12);

/// On the GPU engine, how often the population is read back for the view and the inspector
/// (and kept as the last good state): a read is O(vesicles), so not every frame.
pub const SYNC_INTERVAL: Duration = Duration::from_millis(100);

/// How often, at most, the CPU engine's world (and its twin) is copied as the last finite
/// state, which a step that leaves a NaN or an infinity goes back to: a copy is O(vesicles).
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// A copy of the worlds taken when their state was finite (see [`CHECKPOINT_INTERVAL`]).
struct Checkpoint {
    /// When it was taken.
    at: Instant,
    /// The main world.
    world: World,
    /// The density twin, in twin mode.
    twin: Option<World>,
}

/// A vesicle followed by the inspector: its path so far and, once gone, when.
#[derive(Clone, Debug, PartialEq)]
pub struct Tracked {
    /// Stable id.
    pub id: u64,
    /// Nodes visited, in order, from the moment it was selected.
    pub path: Vec<u32>,
    /// The step after which it was no longer alive (died or absorbed), if so.
    pub gone_at: Option<u64>,
}

/// A running simulation.
pub struct Simulation {
    /// The preset file, if it came from one.
    pub path: Option<PathBuf>,
    /// The engine running the main world: particles (particle and twin modes) or density.
    engine: Engine,
    /// eframe's wgpu device as the GPU engine's context (`None`: no GPU engine here).
    pub gpu: Option<GpuContext>,
    /// What happened to the engine that the window should tell (a GPU fallback), until read.
    pub notice: Option<String>,
    /// On the GPU: when the population was last read back, and at which step.
    synced: (Instant, u64),
    /// The density twin (twin mode).
    pub twin: Option<World>,
    /// The mode.
    pub mode: Mode,
    /// Whether it is running.
    pub playing: bool,
    /// Steps per frame; below 1, slow motion.
    pub speed: f32,
    /// Fractional steps owed (slow motion and budget overruns).
    owed: f32,
    /// Where a step in slow motion is, in [0, 1), for drawing hops in flight.
    pub progress: f32,
    /// Recorded series.
    pub history: History,
    /// Measured steps per second.
    pub steps_per_s: f64,
    /// The vesicle the inspector follows.
    pub tracked: Option<Tracked>,
    rate_window: (Instant, u64),
    /// The last finite state on the CPU engine (see [`CHECKPOINT_INTERVAL`]).
    checkpoint: Option<Checkpoint>,
    /// Why the run stopped, until read: a step left a non-finite value in the state; the
    /// message names it, its node, the step, the likely cause and the step the world went
    /// back to.
    pub halted: Option<String>,
    /// The preset as last loaded or saved (`None`: never saved to a file, e.g. pasted text);
    /// the world has unsaved changes when its preset differs (see `files::is_dirty`).
    pub saved: Option<Preset>,
}

impl Simulation {
    /// Builds a simulation of `preset` in `mode`; `path` is where it came from.
    pub fn new(preset: Preset, mode: Mode, path: Option<PathBuf>) -> Result<Self, String> {
        let base = path.as_deref().and_then(Path::parent).unwrap_or(Path::new(".")).to_path_buf();
        let main_mode = if mode == Mode::Density { Mode::Density } else { Mode::Particle };
        let locate = |e: nv_core::PresetError| match &path {
            Some(p) => e.located_in_file(p).to_string(),
            None => e.to_string(),
        };
        // A preset that would need more memory than the budget is refused before anything is
        // built (the same estimate and budget as `nvlab run`'s default).
        nv_core::preset::memory::check(&preset, mode, nv_core::preset::memory::DEFAULT_BUDGET)
            .map_err(locate)?;
        let world = World::new(preset.clone(), main_mode, &base).map_err(locate)?;
        let twin = if mode == Mode::Twin {
            Some(World::new(preset, Mode::Density, &base).map_err(locate)?)
        } else {
            None
        };
        let species = world.species.len();
        let saved = Some(world.preset.clone());
        Ok(Self {
            path,
            engine: Engine::cpu(world),
            gpu: None,
            notice: None,
            synced: (Instant::now(), 0),
            twin,
            mode,
            playing: false,
            speed: 1.0,
            owed: 0.0,
            progress: 0.0,
            history: History::new(species),
            steps_per_s: 0.0,
            tracked: None,
            rate_window: (Instant::now(), 0),
            checkpoint: None,
            halted: None,
            saved,
        })
    }

    /// Loads a preset file in the mode of its `run` section (what every way of opening a
    /// preset in the lab does).
    pub fn open(path: &Path) -> Result<Self, String> {
        let preset = nv_core::preset::load(path).map_err(|e| e.to_string())?;
        let mode = preset.run.mode;
        Self::new(preset, mode, Some(path.to_path_buf()))
    }

    /// Loads a preset file in `mode`.
    pub fn load(path: &Path, mode: Mode) -> Result<Self, String> {
        let preset = nv_core::preset::load(path).map_err(|e| e.to_string())?;
        Self::new(preset, mode, Some(path.to_path_buf()))
    }

    /// The same preset rebuilt (a reset), keeping play state, speed and engine: on the GPU,
    /// a world the GPU engine cannot run (density and twin modes) goes to the CPU, and
    /// [`Simulation::notice`] says so.
    pub fn rebuilt(&self, preset: Preset, mode: Mode) -> Result<Self, String> {
        let mut s = Self::new(preset, mode, self.path.clone())?;
        s.playing = self.playing;
        s.speed = self.speed;
        s.saved = self.saved.clone();
        s.gpu = self.gpu.clone();
        if self.backend() == BackendKind::Gpu {
            s.notice = s.set_backend(BackendKind::Gpu).err();
        }
        Ok(s)
    }

    /// The main world. On the GPU engine its population (`World::pool`) is the one of the
    /// last read-back (at most [`SYNC_INTERVAL`] old while playing); everything else is
    /// current.
    pub fn world(&self) -> &World {
        self.engine.world()
    }

    /// Live vesicles now, on either engine.
    pub fn population(&self) -> usize {
        self.engine.population()
    }

    /// On the GPU engine: its population buffer (on eframe's device) and live count, for the
    /// view to draw without a read-back.
    pub fn population_buffer(&self) -> Option<(&eframe::egui_wgpu::wgpu::Buffer, u32)> {
        self.engine.population_buffer()
    }

    /// Which engine runs the main world.
    pub fn backend(&self) -> BackendKind {
        self.engine.kind()
    }

    /// Moves the main world to the `kind` engine, keeping its whole state (step, population,
    /// host): the run continues where it was. When the GPU engine cannot take it (twin mode,
    /// an unsupported release, the device's limits, no device), the world stays
    /// on the CPU, unchanged, and the error says why.
    pub fn set_backend(&mut self, kind: BackendKind) -> Result<(), String> {
        match kind {
            BackendKind::Cpu => self.engine.to_cpu(),
            BackendKind::Gpu => {
                if self.twin.is_some() {
                    return Err("twin mode runs on the CPU engine (the GPU engine moves \
                                particles only); staying on the CPU"
                        .into());
                }
                let ctx = self.gpu.as_ref().ok_or(
                    "no GPU engine: the window runs without a wgpu device; staying on the CPU",
                )?;
                self.engine.to_gpu(ctx)?;
                self.synced = (Instant::now(), self.world().step);
                Ok(())
            }
        }
    }

    /// Replaces the species' recipes in the running world (and its twin), keeping every
    /// vesicle: the species editor's live edit. The count must stay the same. On any error
    /// both worlds are left as they were and the message says why.
    pub fn edit_species(&mut self, species: Vec<nv_core::species::Species>) -> Result<(), String> {
        let before = self.world().preset.species.clone();
        self.edit_world(|w| w.set_species(species.clone())).map_err(|e| e.to_string())?;
        if let Some(twin) = self.twin.as_mut()
            && let Err(e) = twin.set_species(species)
        {
            // Keep both worlds on one recipe: undo the main world's edit (it was valid before;
            // twin mode runs on the CPU, so this is no round trip).
            let (back, _) = self.engine.edit(None, |w| w.set_species(before));
            if let Err(back) = back {
                return Err(format!("{e} (and the particle world could not be restored: {back})"));
            }
            return Err(e.to_string());
        }
        Ok(())
    }

    /// Applies `edit` to the main world (on the GPU engine: read back, edited, loaded again;
    /// when the GPU then refuses it, it stays on the CPU and [`Simulation::notice`] says so).
    pub fn edit_world<R>(&mut self, edit: impl FnOnce(&mut World) -> R) -> R {
        // A checkpoint from before the edit would undo it: the next step takes a new one.
        self.checkpoint = None;
        let (out, notice) = self.engine.edit(self.gpu.as_ref(), edit);
        if notice.is_some() {
            self.notice = notice;
        }
        out
    }

    /// Sets meta signal `k`, a `Slider` source, to `value` in both worlds (from the next step
    /// on). `Err` when `k` is not a slider or the value is not finite; nothing changes then.
    pub fn set_meta_slider(&mut self, k: usize, value: f32) -> Result<(), String> {
        use nv_core::preset::MetaSource;
        if !value.is_finite() {
            return Err(format!("a meta signal must be a finite number, not {value}"));
        }
        let set = |w: &mut World| match w.preset.meta.get_mut(k).map(|m| &mut m.source) {
            Some(MetaSource::Slider(v)) => {
                *v = value;
                Ok(())
            }
            _ => Err(format!("meta signal {k} is not a slider")),
        };
        self.edit_world(set)?;
        if let Some(twin) = self.twin.as_mut() {
            set(twin)?;
        }
        Ok(())
    }

    /// One step of every world, recorded. A GPU failure continues on the CPU from the last
    /// good state ([`Simulation::notice`] says so).
    ///
    /// A step that leaves a NaN or an infinity in either world stops the run: the worlds go
    /// back to their last finite state, the simulation pauses and [`Simulation::halted`]
    /// says what went wrong. Returns whether the step was taken.
    pub fn step(&mut self) -> bool {
        if self.backend() == BackendKind::Cpu {
            self.keep_checkpoint();
        }
        let stepped = match self.twin.as_mut() {
            Some(d) => {
                let e = &mut self.engine;
                let (main, ()) = rayon::join(|| e.advance(1), || d.step_once());
                match (main, d.nonfinite.clone()) {
                    (Ok(()), Some(bad)) => Err(StepFailure::NonFinite {
                        message: format!("mean field: {bad}"),
                        restored: None,
                    }),
                    (other, _) => other,
                }
            }
            None => self.engine.advance(1),
        };
        match stepped {
            Ok(()) => {}
            Err(StepFailure::FellBack(notice)) => self.fell_back(notice),
            Err(StepFailure::NonFinite { message, restored }) => {
                self.halt(message, restored);
                return false;
            }
        }
        self.history.push(self.engine.world(), self.twin.as_ref());
        if self.backend() == BackendKind::Cpu {
            self.follow();
        }
        true
    }

    /// Copies the worlds as the last finite state when the last copy is older than
    /// [`CHECKPOINT_INTERVAL`] (or there is none).
    fn keep_checkpoint(&mut self) {
        if self.checkpoint.as_ref().is_some_and(|c| c.at.elapsed() < CHECKPOINT_INTERVAL) {
            return;
        }
        self.checkpoint = Some(Checkpoint {
            at: Instant::now(),
            world: self.engine.world().clone(),
            twin: self.twin.clone(),
        });
    }

    /// After a step left a non-finite value: back to the last finite state, paused, with the
    /// message. `restored`: the step the engine already went back to (the GPU engine's own
    /// last good state), else the CPU checkpoint is restored.
    fn halt(&mut self, message: String, restored: Option<u64>) {
        self.playing = false;
        // The GPU engine went back to its own last good state; it never has a twin (twin mode
        // runs on the CPU). On the CPU, the checkpoint.
        let step = match (restored, self.checkpoint.take()) {
            (Some(step), _) => step,
            (None, Some(c)) => {
                let step = c.world.step;
                self.engine = Engine::cpu(c.world);
                if c.twin.is_some() {
                    self.twin = c.twin;
                }
                step
            }
            (None, None) => self.world().step,
        };
        self.history.keep_until(step);
        self.synced = (Instant::now(), step);
        self.halted = Some(format!(
            "Stopped: {message}. The world is back at step {step}, its last finite state, and \
             paused; change the parameter and press play, or reset (R)."
        ));
    }

    /// After a GPU failure the world is back at its last good state on the CPU: the series
    /// drop what came after it, and the window is told.
    fn fell_back(&mut self, notice: String) {
        let step = self.world().step;
        self.history.keep_until(step);
        self.synced = (Instant::now(), step);
        self.notice = Some(notice);
    }

    /// On the GPU engine: reads the population back when it is older than
    /// [`SYNC_INTERVAL`] and the world has moved on since, then follows the tracked vesicle.
    fn sync(&mut self) {
        let (at, step) = self.synced;
        let now = self.world().step;
        if self.backend() != BackendKind::Gpu || now == step || at.elapsed() < SYNC_INTERVAL {
            return;
        }
        match self.engine.sync() {
            Ok(()) => {
                self.synced = (Instant::now(), now);
                self.follow();
            }
            Err(notice) => self.fell_back(notice),
        }
    }

    /// Starts (or stops, with `None`) following a vesicle.
    pub fn track(&mut self, id: Option<u64>) {
        self.tracked = id.map(|id| Tracked { id, path: Vec::new(), gone_at: None });
        self.follow();
    }

    /// Records where the followed vesicle is now.
    fn follow(&mut self) {
        let world = self.engine.world();
        let (Some(t), Some(pool)) = (self.tracked.as_mut(), world.pool()) else { return };
        if t.gone_at.is_some() {
            return;
        }
        match pool.slot_of(t.id) {
            Some(slot) => {
                let at = pool.loc[slot];
                if t.path.last() != Some(&at) {
                    t.path.push(at);
                }
            }
            None => t.gone_at = Some(world.step),
        }
    }

    /// Advances for one frame: the steps the speed asks for, within [`FRAME_BUDGET`].
    pub fn frame(&mut self) {
        if self.playing {
            self.owed += self.speed;
            let start = Instant::now();
            while self.owed >= 1.0 {
                if !self.step() {
                    self.owed = 0.0;
                    break;
                }
                self.owed -= 1.0;
                if start.elapsed() > FRAME_BUDGET {
                    // Do not pile up debt the machine cannot pay: drop it.
                    self.owed = self.owed.min(1.0);
                    break;
                }
            }
            self.progress = self.owed.clamp(0.0, 1.0);
        } else {
            self.progress = 1.0;
        }
        self.sync();
        let (since, at) = self.rate_window;
        let dt = since.elapsed().as_secs_f64();
        if dt >= 0.5 {
            let step = self.world().step;
            self.steps_per_s = step.saturating_sub(at) as f64 / dt;
            self.rate_window = (Instant::now(), step);
        }
    }

    /// The particle–density disagreement of species `k` (twin mode).
    pub fn discrepancy(&self, k: usize) -> Option<Discrepancy> {
        self.twin.as_ref().map(|d| discrepancy(self.world(), d, k))
    }
}
