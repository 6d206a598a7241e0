//! The engine a simulation's main world runs on: the CPU backend, or the GPU backend on
//! eframe's own wgpu device. Switching hands the world over whole (same step, same
//! population), and any GPU failure lands back on the CPU with the last good state.

use eframe::egui_wgpu::wgpu;
use nv_core::World;
use nv_core::backend::{Backend, BackendError, BackendKind, CpuBackend, LoadError};
use nv_core::gpu::{GpuBackend, GpuContext};

/// Why [`Engine::advance`] stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum StepFailure {
    /// The GPU failed; the world runs on on the CPU from its last good state (the notice).
    FellBack(String),
    /// A step left a NaN or an infinity in the state (`message` names it and its likely
    /// cause). `restored`: the step of the last good state the engine went back to itself
    /// (the GPU engine's), or `None` when the world is left as that step made it (the CPU).
    NonFinite {
        /// What went non-finite, where, at which step, and the likely cause.
        message: String,
        /// The step the engine restored, if it did.
        restored: Option<u64>,
    },
}

/// The backend holding the main world. It always holds one (between the calls of a switch
/// too: every path that takes the world out puts a world back).
pub enum Engine {
    /// The CPU engine.
    Cpu(Box<CpuBackend>),
    /// The GPU engine.
    Gpu(Box<GpuBackend>),
}

impl Engine {
    /// `world` on the CPU engine.
    pub fn cpu(world: World) -> Self {
        Self::Cpu(loaded_cpu(world))
    }

    /// Which engine runs the world.
    pub fn kind(&self) -> BackendKind {
        self.backend().kind()
    }

    fn backend(&self) -> &dyn Backend {
        match self {
            Self::Cpu(b) => b.as_ref(),
            Self::Gpu(b) => b.as_ref(),
        }
    }

    /// The world: host, modulation, counts and events are current; on the GPU the
    /// population (`World::pool`) is the one of the last [`Engine::sync`].
    pub fn world(&self) -> &World {
        self.backend().host().expect("the engine always holds a world (see `Engine`)")
    }

    /// Live vesicles now (current on both engines; 0 in density mode).
    pub fn population(&self) -> usize {
        self.backend().population()
    }

    /// On the GPU: the population buffer the last step wrote and its live count (for drawing
    /// on the same device; see `GpuBackend::population_buffer`).
    pub fn population_buffer(&self) -> Option<(&wgpu::Buffer, u32)> {
        match self {
            Self::Cpu(_) => None,
            Self::Gpu(b) => b.population_buffer(),
        }
    }

    /// Advances `steps` steps. A GPU failure moves the world back to the CPU at its last
    /// good state ([`StepFailure::FellBack`]). A step that leaves a non-finite value stops the
    /// run ([`StepFailure::NonFinite`]): on the CPU the world is left as that step made it
    /// (the caller restores its own checkpoint); on the GPU it is back at the engine's last
    /// good state, still on the GPU.
    pub fn advance(&mut self, steps: u64) -> Result<(), StepFailure> {
        let result = match self {
            Self::Cpu(b) => b.advance(steps),
            Self::Gpu(b) => b.advance(steps),
        };
        match result {
            Ok(()) => Ok(()),
            Err(BackendError::NonFinite(bad)) => {
                let restored = match self {
                    Self::Cpu(_) => None,
                    Self::Gpu(gpu) => {
                        let world =
                            gpu.recover().expect("a loaded GPU backend keeps its last good state");
                        let step = world.step;
                        if let Err(LoadError { world, .. }) = gpu.load(world) {
                            *self = Self::cpu(*world);
                        }
                        Some(step)
                    }
                };
                Err(StepFailure::NonFinite { message: bad.to_string(), restored })
            }
            Err(e) => match self {
                Self::Cpu(_) => Err(StepFailure::FellBack(e.to_string())),
                Self::Gpu(_) => Err(StepFailure::FellBack(
                    self.fall_back(&format!("GPU error during a step: {e}")),
                )),
            },
        }
    }

    /// On the GPU: reads the population back (what the view draws and the inspector
    /// follows) and keeps it as the last good state. O(vesicles); nothing on the CPU.
    pub fn sync(&mut self) -> Result<(), String> {
        match self {
            Self::Cpu(_) => Ok(()),
            Self::Gpu(b) => match b.checkpoint() {
                Ok(()) => Ok(()),
                Err(e) => Err(self.fall_back(&format!("GPU error while reading back: {e}"))),
            },
        }
    }

    /// Moves the world onto the GPU engine on `ctx`. When the GPU refuses it (a mode, a
    /// release or a limit it does not support) the world stays on the CPU, unchanged, and
    /// the error says why.
    pub fn to_gpu(&mut self, ctx: &GpuContext) -> Result<(), String> {
        let Self::Cpu(cpu) = self else { return Ok(()) };
        let world = cpu.store().map_err(|e| e.to_string())?;
        let mut gpu = GpuBackend::new(ctx.clone());
        match gpu.load(world) {
            Ok(()) => {
                *self = Self::Gpu(Box::new(gpu));
                Ok(())
            }
            Err(LoadError { error, world }) => {
                *cpu = loaded_cpu(*world);
                Err(format!("the GPU engine cannot run this world: {error}; staying on the CPU"))
            }
        }
    }

    /// Moves the world back to the CPU engine (the one read of the whole population). A
    /// GPU failure on the way continues from the last good state, with the notice.
    pub fn to_cpu(&mut self) -> Result<(), String> {
        if self.kind() == BackendKind::Cpu {
            return Ok(());
        }
        let (world, notice) = self.take_world();
        *self = Self::cpu(world);
        notice.map_or(Ok(()), Err)
    }

    /// Applies `edit` to the whole world (on the GPU: read back, edited on the CPU, loaded
    /// again on `ctx`). When the GPU fails or refuses the edited world, it stays on the CPU:
    /// the second value says why.
    pub fn edit<R>(
        &mut self,
        ctx: Option<&GpuContext>,
        edit: impl FnOnce(&mut World) -> R,
    ) -> (R, Option<String>) {
        let was_gpu = self.kind() == BackendKind::Gpu;
        let (mut world, mut notice) = self.take_world();
        let out = edit(&mut world);
        *self = Self::cpu(world);
        if was_gpu && notice.is_none() {
            notice = match ctx {
                Some(ctx) => self.to_gpu(ctx).err(),
                None => Some("no GPU device to go back to; continuing on the CPU".into()),
            };
        }
        (out, notice)
    }

    /// Takes the world out with its whole population (the engine is left empty on the CPU:
    /// the caller puts a world back). After a GPU failure, the last good state and the
    /// notice that says so.
    fn take_world(&mut self) -> (World, Option<String>) {
        match std::mem::replace(self, Self::Cpu(Box::default())) {
            Self::Cpu(mut cpu) => {
                (cpu.store().expect("the engine always holds a world (see `Engine`)"), None)
            }
            Self::Gpu(mut gpu) => match gpu.store() {
                Ok(world) => (world, None),
                Err(e) => {
                    let world =
                        gpu.recover().expect("a loaded GPU backend keeps its last good state");
                    let notice = format!(
                        "GPU error while reading back: {e}; continuing on the CPU from the \
                         last good state (step {})",
                        world.step
                    );
                    (world, Some(notice))
                }
            },
        }
    }

    /// After a GPU failure: the last good state on the CPU; returns the notice.
    fn fall_back(&mut self, what: &str) -> String {
        let Self::Gpu(gpu) = self else { return what.to_owned() };
        let world = gpu.recover().expect("a loaded GPU backend keeps its last good state");
        let step = world.step;
        *self = Self::cpu(world);
        format!("{what}; continuing on the CPU from the last good state (step {step})")
    }
}

/// Makes GPU errors outside an error scope (a lost device during a read-back) a message on
/// stderr instead of wgpu's default panic, so the engine's own results report them and the
/// window falls back to the CPU ([`Engine::advance`], [`Engine::sync`]).
pub fn report_gpu_errors(device: &wgpu::Device) {
    device.on_uncaptured_error(std::sync::Arc::new(|e: wgpu::Error| {
        eprintln!("nvlab: GPU error: {e}");
    }));
}

/// A CPU backend holding `world`.
fn loaded_cpu(world: World) -> Box<CpuBackend> {
    let mut cpu = Box::new(CpuBackend::new());
    cpu.load(world).expect("the CPU backend takes every world");
    cpu
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_chain() -> World {
        let path = crate::cli::presets_dir().join("tiny_chain.ron");
        let preset = nv_core::preset::load(&path).expect("the shipped preset loads");
        let base = path.parent().expect("a folder").to_path_buf();
        World::new(preset, nv_core::Mode::Particle, &base).expect("the shipped preset builds")
    }

    /// A step on the GPU engine that leaves a NaN stops the run: the engine goes back to its
    /// last good state and stays on the GPU, and that state is finite.
    #[test]
    fn a_nan_on_the_gpu_engine_goes_back_to_its_last_good_state() {
        let ctx = match GpuContext::new_blocking() {
            Ok(ctx) => ctx,
            Err(e) => {
                assert!(std::env::var("CI").is_err(), "no wgpu adapter in CI: {e}");
                eprintln!(
                    "a_nan_on_the_gpu_engine_goes_back_to_its_last_good_state: skipped ({e})"
                );
                return;
            }
        };
        report_gpu_errors(&ctx.device);
        let path = crate::cli::presets_dir().join("spiral_film.ron");
        let text = std::fs::read_to_string(&path).expect("the shipped preset");
        let text = text.replace("LearningRate((eta: 0.01,", "LearningRate((eta: 100.0,");
        let preset = nv_core::preset::from_str(&text, "runaway.ron").expect("parses");
        let base = path.parent().expect("a folder").to_path_buf();
        let world = World::new(preset, nv_core::Mode::Particle, &base).expect("builds");
        let mut engine = Engine::cpu(world);
        engine.to_gpu(&ctx).expect("spiral_film runs on the GPU");
        engine.sync().expect("a first good state");
        let failure = engine.advance(200).expect_err("the run meets an infinity");
        let StepFailure::NonFinite { message, restored } = failure else {
            panic!("a non-finite stop, not {failure:?}");
        };
        assert!(message.contains("lr_mult"), "{message}");
        assert_eq!(restored, Some(0), "back at the last good state");
        assert_eq!(engine.kind(), BackendKind::Gpu, "still on the GPU");
        assert_eq!(engine.world().step, 0);
        assert!(engine.world().first_nonfinite().is_none());
    }

    /// A device lost mid-run (destroyed here): the step fails, the world is back on the CPU at
    /// the last good state (the last sync), and it runs on from there as a CPU-only run does.
    #[test]
    fn a_lost_device_falls_back_to_the_last_good_state() {
        let ctx = match GpuContext::new_blocking() {
            Ok(ctx) => ctx,
            Err(e) => {
                assert!(std::env::var("CI").is_err(), "no wgpu adapter in CI: {e}");
                eprintln!("a_lost_device_falls_back_to_the_last_good_state: skipped ({e})");
                return;
            }
        };
        report_gpu_errors(&ctx.device);
        let mut engine = Engine::cpu(tiny_chain());
        engine.advance(10).expect("CPU steps");
        engine.to_gpu(&ctx).expect("tiny_chain runs on the GPU");
        engine.advance(10).expect("GPU steps");
        engine.sync().expect("the population reads back");
        engine.advance(5).expect("GPU steps");
        ctx.device.destroy();
        let Err(StepFailure::FellBack(notice)) = engine.advance(1) else {
            panic!("the device is gone: the step falls back to the CPU");
        };
        assert!(notice.contains("last good state (step 20)"), "{notice}");
        assert_eq!(engine.kind(), BackendKind::Cpu);
        assert_eq!(engine.world().step, 20);
        engine.advance(7).expect("on the CPU");
        let mut reference = tiny_chain();
        reference.advance(27);
        assert_eq!(engine.world().counts, reference.counts, "runs on as a CPU-only run");
        assert_eq!(engine.world().totals, reference.totals);
    }
}
