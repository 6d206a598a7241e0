//! The simulation the lab runs: a world (or a particle world and its density twin), played
//! within a per-frame time budget so the window stays responsive at any speed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nv_core::twin::{Discrepancy, discrepancy};
use nv_core::{Mode, Preset, World};

use super::history::History;

/// Longest time the simulation may take out of one frame.
pub const FRAME_BUDGET: Duration = Duration::from_millis(12);

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
    /// The main world: particles (particle and twin modes) or density.
    pub world: World,
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
            Some(p) => {
                let e = e.in_file(p.display().to_string());
                match std::fs::read_to_string(p) {
                    Ok(text) => e.located_in(&text).to_string(),
                    Err(_) => e.to_string(),
                }
            }
            None => e.to_string(),
        };
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
            world,
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
            saved,
        })
    }

    /// Loads a preset file.
    pub fn load(path: &Path, mode: Mode) -> Result<Self, String> {
        let preset = nv_core::preset::load(path).map_err(|e| e.to_string())?;
        Self::new(preset, mode, Some(path.to_path_buf()))
    }

    /// The same preset rebuilt (a reset), keeping play state and speed.
    pub fn rebuilt(&self, preset: Preset, mode: Mode) -> Result<Self, String> {
        let mut s = Self::new(preset, mode, self.path.clone())?;
        s.playing = self.playing;
        s.speed = self.speed;
        s.saved = self.saved.clone();
        Ok(s)
    }

    /// Replaces the species' recipes in the running world (and its twin), keeping every
    /// vesicle: the species editor's live edit. The count must stay the same. On any error
    /// both worlds are left as they were and the message says why.
    pub fn edit_species(&mut self, species: Vec<nv_core::species::Species>) -> Result<(), String> {
        let before = self.world.preset.species.clone();
        self.world.set_species(species.clone()).map_err(|e| e.to_string())?;
        if let Some(twin) = self.twin.as_mut()
            && let Err(e) = twin.set_species(species)
        {
            // Keep both worlds on one recipe: undo the main world's edit (it was valid before).
            if let Err(back) = self.world.set_species(before) {
                return Err(format!("{e} (and the particle world could not be restored: {back})"));
            }
            return Err(e.to_string());
        }
        Ok(())
    }

    /// One step of every world, recorded.
    pub fn step(&mut self) {
        match self.twin.as_mut() {
            Some(d) => {
                let w = &mut self.world;
                rayon::join(|| w.step_once(), || d.step_once());
            }
            None => self.world.step_once(),
        }
        self.history.push(&self.world);
        self.follow();
    }

    /// Starts (or stops, with `None`) following a vesicle.
    pub fn track(&mut self, id: Option<u64>) {
        self.tracked = id.map(|id| Tracked { id, path: Vec::new(), gone_at: None });
        self.follow();
    }

    /// Records where the followed vesicle is now.
    fn follow(&mut self) {
        let (Some(t), Some(pool)) = (self.tracked.as_mut(), self.world.pool()) else { return };
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
            None => t.gone_at = Some(self.world.step),
        }
    }

    /// Advances for one frame: the steps the speed asks for, within [`FRAME_BUDGET`].
    pub fn frame(&mut self) {
        if self.playing {
            self.owed += self.speed;
            let start = Instant::now();
            while self.owed >= 1.0 {
                self.step();
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
        let (since, at) = self.rate_window;
        let dt = since.elapsed().as_secs_f64();
        if dt >= 0.5 {
            self.steps_per_s = (self.world.step - at) as f64 / dt;
            self.rate_window = (Instant::now(), self.world.step);
        }
    }

    /// The particle–density disagreement of species `k` (twin mode).
    pub fn discrepancy(&self, k: usize) -> Option<Discrepancy> {
        self.twin.as_ref().map(|d| discrepancy(&self.world, d, k))
    }
}
