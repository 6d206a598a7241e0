//! Where the population runs: the [`Backend`] trait, implemented by the CPU engine
//! ([`CpuBackend`]) and the GPU engine ([`crate::gpu::GpuBackend`]).
//!
//! A backend takes a [`World`] over ([`Backend::load`]), advances it, shows its per-step
//! observables (O(nodes): per-node per-species counts, events, releases) and gives the world
//! back ([`Backend::store`]) with the whole population, so a run can switch backend mid-run
//! and continue exactly where it was. The host network always runs on the CPU.

use crate::World;
use crate::gpu::GpuError;
use crate::modulation::Releases;
use crate::world::SpeciesEvents;

/// Which engine a backend is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// The CPU engine (rayon).
    Cpu,
    /// The GPU engine (wgpu compute).
    Gpu,
}

impl BackendKind {
    /// `"cpu"` or `"gpu"`.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Gpu => "gpu",
        }
    }
}

/// Why a backend could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// Nothing is loaded.
    #[error("no world is loaded in the {0} backend")]
    Empty(&'static str),
    /// The GPU failed or cannot run the world.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// A step left a NaN or an infinity in the state; the run stops there.
    #[error("{0}")]
    NonFinite(crate::nonfinite::NonFinite),
}

/// `Err` when the last step of `world` left a non-finite value in its state.
pub fn check_finite(world: &World) -> Result<(), BackendError> {
    world.nonfinite.clone().map_or(Ok(()), |bad| Err(BackendError::NonFinite(bad)))
}

/// A failed [`Backend::load`]: the error and the world, unchanged.
#[derive(Debug)]
pub struct LoadError {
    /// What went wrong.
    pub error: BackendError,
    /// The world that was to be loaded, as it was.
    pub world: Box<World>,
}

/// The per-step observables of a backend (O(nodes)).
#[derive(Clone, Debug, PartialEq)]
pub struct Observables {
    /// Steps taken.
    pub step: u64,
    /// Free vesicles per species and node after the last step, `[κ · n + i]`.
    pub counts: Vec<f32>,
    /// Events of the last step.
    pub last: SpeciesEvents,
    /// Events since the start.
    pub totals: SpeciesEvents,
    /// Releases summed over the last step, per node and channel.
    pub releases: Releases,
}

impl Observables {
    /// The observables a world holds after its last step.
    pub fn of(world: &World) -> Self {
        Self {
            step: world.step,
            counts: world.counts.clone(),
            last: world.last.clone(),
            totals: world.totals.clone(),
            releases: world.releases.clone(),
        }
    }
}

/// An engine that advances a world's population.
pub trait Backend {
    /// Which engine this is.
    fn kind(&self) -> BackendKind;
    /// Takes `world` over (its whole state: host, modulation, population). On error the world
    /// comes back unchanged inside the [`LoadError`].
    fn load(&mut self, world: World) -> Result<(), LoadError>;
    /// Advances `steps` steps.
    fn advance(&mut self, steps: u64) -> Result<(), BackendError>;
    /// The observables of the last step.
    fn observe(&self) -> Result<Observables, BackendError>;
    /// The loaded world without a population sync: host, modulation, pathways, counts, events
    /// and cascades are current; on the GPU the population (`World::pool`, or ρ, C and the
    /// pathway traces of `World::density` in density mode, whose ρ `counts` holds) is as it was
    /// at the last load or store.
    fn host(&self) -> Option<&World>;
    /// Live vesicles now (0 when nothing is loaded or in density mode).
    fn population(&self) -> usize;
    /// Gives the world back with its whole population (on the GPU, the one explicit read of
    /// the population); the backend is then empty.
    fn store(&mut self) -> Result<World, BackendError>;
}

/// The CPU engine: the world steps itself ([`World::step_once`]).
#[derive(Debug, Default)]
pub struct CpuBackend {
    world: Option<World>,
}

impl CpuBackend {
    /// An empty CPU backend.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Backend for CpuBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Cpu
    }

    fn load(&mut self, world: World) -> Result<(), LoadError> {
        self.world = Some(world);
        Ok(())
    }

    fn advance(&mut self, steps: u64) -> Result<(), BackendError> {
        let world = self.world.as_mut().ok_or(BackendError::Empty("cpu"))?;
        world.advance(steps);
        check_finite(world)
    }

    fn observe(&self) -> Result<Observables, BackendError> {
        self.world.as_ref().map(Observables::of).ok_or(BackendError::Empty("cpu"))
    }

    fn host(&self) -> Option<&World> {
        self.world.as_ref()
    }

    fn population(&self) -> usize {
        self.world.as_ref().and_then(|w| w.pool()).map_or(0, |p| p.live)
    }

    fn store(&mut self) -> Result<World, BackendError> {
        self.world.take().ok_or(BackendError::Empty("cpu"))
    }
}
