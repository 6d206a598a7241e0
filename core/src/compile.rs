//! Species compiled against a built graph: names resolved to indices, node sets to lists,
//! per-step constants precomputed from dt. This is what the step reads.

use crate::graph::{Direction, Graph};
use crate::preset::{MetaSignal, Preset};
use crate::release::{Amount, MemoryRate, ReleaseOp};
use crate::species::{LifetimeLaw, Mat4, Species, Trigger};

/// Release accumulator channels per node (fixed-point sums, see [`crate::cpu::accumulate`]).
pub mod channel {
    /// Σ q of `Gain` (and the gain half of `Film`).
    pub const GAIN: usize = 0;
    /// Σ q of `Shift` (and the shift half of `Film`).
    pub const SHIFT: usize = 1;
    /// Σ q of `LearningRate`.
    pub const LEARNING_RATE: usize = 2;
    /// Σ q of `Threshold`.
    pub const THRESHOLD: usize = 3;
    /// Σ q of `Weight` (spread over incoming edges × a_j when applied).
    pub const WEIGHT: usize = 4;
    /// Σ c of running-average `Memory` arrivals (4 channels).
    pub const MEM_RUN_SUM: usize = 5;
    /// Number of running-average `Memory` arrivals.
    pub const MEM_RUN_COUNT: usize = 9;
    /// Σ ε·c of fixed-ε `Memory` arrivals (4 channels).
    pub const MEM_FIX_SUM: usize = 10;
    /// Σ ε of fixed-ε `Memory` arrivals.
    pub const MEM_FIX_WEIGHT: usize = 14;
    /// Σ ln(1 − ε) of fixed-ε `Memory` arrivals (the slot's retention, in log space).
    pub const MEM_FIX_LOG_RETAIN: usize = 15;
    /// First `EmissionGain` channel: Σ q for species κ' at `EMISSION_GAIN + κ'`.
    pub const EMISSION_GAIN: usize = 16;

    /// Channels per node for `species` species.
    pub fn stride(species: usize) -> usize {
        EMISSION_GAIN + species
    }
}

/// A trigger with its meta signal resolved to an index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CompiledTrigger {
    /// a_i.
    Activity,
    /// e_i.
    Error,
    /// |e|_i.
    ErrorMagnitude,
    /// m_k.
    Meta(usize),
    /// The brush.
    Manual,
}

/// A release operator with species names resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum CompiledRelease {
    /// Adds to channel `channel` the amount.
    Add {
        /// Target channel (see [`channel`]).
        channel: usize,
        /// The amount q = η u·c.
        amount: Amount,
    },
    /// `Memory` with its mixing rate.
    Memory(CompiledMemory),
    /// `Cascade`: Poisson(χ) children of `species` with payload `transform · c`.
    Cascade {
        /// Child species index.
        species: usize,
        /// Mean children per docking.
        chi: f32,
        /// Payload transform A.
        transform: Mat4,
    },
}

/// A `Memory` mixing rate with its constants precomputed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CompiledMemory {
    /// ε = 1/count.
    Running,
    /// A fixed ε.
    Fixed {
        /// ε.
        eps: f32,
        /// ln(1 − ε), floored at ln(10⁻¹²) so ε = 1 stays finite.
        log_retain: f64,
    },
}

impl From<MemoryRate> for CompiledMemory {
    fn from(rate: MemoryRate) -> Self {
        match rate {
            MemoryRate::Running => CompiledMemory::Running,
            MemoryRate::Fixed(eps) => {
                CompiledMemory::Fixed { eps, log_retain: (1.0 - eps as f64).max(1e-12).ln() }
            }
        }
    }
}

/// A species ready for the step.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledSpecies {
    /// Name.
    pub name: String,
    /// Display colour.
    pub color: [u8; 3],
    /// Trigger.
    pub trigger: CompiledTrigger,
    /// Source nodes, sorted.
    pub sources: Vec<u32>,
    /// r_max · N, vesicles per second per source.
    pub rate: f32,
    /// s_e.
    pub slope: f32,
    /// θ_e.
    pub threshold: f32,
    /// P / N.
    pub payload: Mat4,
    /// The meta signal used as m in the payload.
    pub payload_meta: Option<usize>,
    /// Lifetime law.
    pub law: LifetimeLaw,
    /// Mean lifetime L, seconds.
    pub life: f32,
    /// Per-step survival S = exp(−dt/L) under the exponential law (also used by the density
    /// step for the fixed law, which it approximates).
    pub survival: f32,
    /// Per-step death probability 1 − S = 1 − exp(−dt/L), computed without cancellation.
    pub death: f32,
    /// Payload fade factor exp(−dt/τ_c) per step (1 without fade).
    pub fade: f32,
    /// ln of `fade`, −dt/τ_c (0 without fade): the payload after k steps is c·exp(k·ln_fade).
    pub ln_fade: f32,
    /// Steps a vesicle lives under the fixed law: round(L/dt), at least 1. It dies in the
    /// step where its remaining lifetime τ = L − age falls to within half a step of 0.
    pub life_steps: u64,
    /// Hop probability H = 1 − exp(−μ dt).
    pub hop: f32,
    /// 1 / H (0 when H = 0).
    pub inv_hop: f32,
    /// Direction of travel.
    pub direction: Direction,
    /// 1 / T.
    pub inv_temperature: f32,
    /// α_w.
    pub alpha_weight: f32,
    /// α_a.
    pub alpha_activity: f32,
    /// α_ρ.
    pub alpha_density: f32,
    /// The species α_ρ couples to.
    pub density_species: usize,
    /// α_π.
    pub alpha_pathway: f32,
    /// Learned bias per move (length: the graph's move count).
    pub bias: Vec<f32>,
    /// k0 dt (rate times step).
    pub dock_rate_dt: f32,
    /// γ.
    pub dock_gain: f32,
    /// θ_d.
    pub dock_threshold: f32,
    /// W.
    pub projection: Mat4,
    /// Docking probability when it does not depend on content (γ = 0), else `None`.
    pub dock_const: Option<f32>,
    /// An upper bound of the docking probability whatever the content: a uniform at or above
    /// it cannot dock (k0·dt with a margin for rounding; 1 − exp(−k·dt) ≤ k·dt ≤ k0·dt).
    pub dock_bound: f32,
    /// p_abs.
    pub absorption: f32,
    /// Release operators.
    pub releases: Vec<CompiledRelease>,
    /// Whether a docking of this species can emit children (it starts tracked cascades).
    pub cascades: bool,
}

/// An error compiling a species: the field path within the preset and a message.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    /// Field path, e.g. `species[0].kernel.bias[2]`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

fn index_of(names: &[&str], name: &str) -> Option<usize> {
    names.iter().position(|n| *n == name)
}

/// The docking probability at cosine `cos` (MODEL §2): 1 − exp(−k0·dt·σ(γ(cos − θ_d))).
#[inline(always)]
pub fn dock_probability(rate_dt: f32, gain: f32, threshold: f32, cos: f32) -> f32 {
    let k = rate_dt * crate::fastmath::sigmoid(gain * (cos - threshold));
    -crate::fastmath::exp_m1(-k)
}

/// Compiles every species of `preset` against `graph`.
pub fn compile_species(
    preset: &Preset,
    graph: &Graph,
) -> Result<Vec<CompiledSpecies>, CompileError> {
    let names: Vec<&str> = preset.species.iter().map(|s| s.name.as_str()).collect();
    preset
        .species
        .iter()
        .enumerate()
        .map(|(k, s)| compile_one(k, s, &names, &preset.meta, preset.dt, graph))
        .collect()
}

fn compile_one(
    k: usize,
    s: &Species,
    names: &[&str],
    meta: &[MetaSignal],
    dt: f32,
    graph: &Graph,
) -> Result<CompiledSpecies, CompileError> {
    let path = |field: &str| format!("species[{k}].{field}");
    let meta_names: Vec<&str> = meta.iter().map(|m| m.name.as_str()).collect();
    let meta_index = |name: &str, field: &str| {
        index_of(&meta_names, name).ok_or_else(|| CompileError {
            path: path(field),
            message: format!("no meta signal named `{name}` (defined: {meta_names:?})"),
        })
    };
    let species_index = |name: &str, field: &str| {
        index_of(names, name).ok_or_else(|| CompileError {
            path: path(field),
            message: format!("no species named `{name}` (defined: {names:?})"),
        })
    };
    let trigger = match &s.emission.trigger {
        Trigger::Activity => CompiledTrigger::Activity,
        Trigger::Error => CompiledTrigger::Error,
        Trigger::ErrorMagnitude => CompiledTrigger::ErrorMagnitude,
        Trigger::Meta(name) => CompiledTrigger::Meta(meta_index(name, "emission.trigger")?),
        Trigger::Manual => CompiledTrigger::Manual,
    };
    let payload_meta = match (&s.emission.payload_meta, trigger) {
        (Some(name), _) => Some(meta_index(name, "emission.payload_meta")?),
        (None, CompiledTrigger::Meta(m)) => Some(m),
        (None, _) => (!meta.is_empty()).then_some(0),
    };
    let sources = s
        .emission
        .sources
        .resolve_some(graph)
        .map_err(|message| CompileError { path: path("emission.sources"), message })?;
    let scale = s.scale;
    let mut payload = s.emission.payload;
    for row in &mut payload {
        for v in row.iter_mut() {
            *v /= scale;
        }
    }
    let density_species = match &s.kernel.density_species {
        Some(name) => species_index(name, "kernel.density_species")?,
        None => k,
    };
    let mut bias = vec![0.0f32; graph.moves()];
    for (b, mb) in s.kernel.bias.iter().enumerate() {
        let field = format!("kernel.bias[{b}]");
        if mb.from as usize >= graph.n() || mb.to as usize >= graph.n() {
            return Err(CompileError {
                path: path(&field),
                message: format!(
                    "move {} -> {} names a node outside 0..{}",
                    mb.from,
                    mb.to,
                    graph.n()
                ),
            });
        }
        let range = graph.moves_of(mb.from as usize, s.kernel.direction);
        let Some(mv) = range.clone().find(|&mv| graph.move_target[mv] == mb.to) else {
            return Err(CompileError {
                path: path(&field),
                message: format!(
                    "there is no {:?} move from node {} to node {}",
                    s.kernel.direction, mb.from, mb.to
                ),
            });
        };
        bias[mv] = mb.value;
    }
    let mut releases = Vec::with_capacity(s.releases.len());
    let mut cascades = false;
    for (r, op) in s.releases.iter().enumerate() {
        let field = format!("releases[{r}]");
        let add = |channel, amount: &Amount| CompiledRelease::Add { channel, amount: *amount };
        match op {
            ReleaseOp::Gain(a) => releases.push(add(channel::GAIN, a)),
            ReleaseOp::Shift(a) => releases.push(add(channel::SHIFT, a)),
            ReleaseOp::Film { gain, shift } => {
                releases.push(add(channel::GAIN, gain));
                releases.push(add(channel::SHIFT, shift));
            }
            ReleaseOp::Weight(a) => releases.push(add(channel::WEIGHT, a)),
            ReleaseOp::LearningRate(a) => releases.push(add(channel::LEARNING_RATE, a)),
            ReleaseOp::Threshold(a) => releases.push(add(channel::THRESHOLD, a)),
            ReleaseOp::EmissionGain { species, amount } => {
                let target = species_index(species, &format!("{field}.species"))?;
                releases.push(add(channel::EMISSION_GAIN + target, amount));
            }
            ReleaseOp::Memory(rate) => releases.push(CompiledRelease::Memory((*rate).into())),
            ReleaseOp::Cascade { species, chi, transform } => {
                let target = species_index(species, &format!("{field}.species"))?;
                cascades = true;
                releases.push(CompiledRelease::Cascade {
                    species: target,
                    chi: *chi,
                    transform: *transform,
                });
            }
        }
    }
    let dock_rate_dt = s.docking.rate * dt;
    let dock_const = (s.docking.gain == 0.0)
        .then(|| dock_probability(dock_rate_dt, 0.0, s.docking.threshold, 0.0));
    Ok(CompiledSpecies {
        name: s.name.clone(),
        color: s.color,
        trigger,
        sources,
        rate: s.emission.rate * scale,
        slope: s.emission.slope,
        threshold: s.emission.threshold,
        payload,
        payload_meta,
        law: s.lifetime.law,
        life: s.lifetime.mean,
        survival: (-dt / s.lifetime.mean).exp(),
        death: -(-dt / s.lifetime.mean).exp_m1(),
        fade: s.payload_fade.map_or(1.0, |tau| (-dt / tau).exp()),
        ln_fade: s.payload_fade.map_or(0.0, |tau| -dt / tau),
        life_steps: ((s.lifetime.mean / dt).round() as u64).max(1),
        hop: -(-s.kernel.mobility * dt).exp_m1(),
        inv_hop: {
            let h = -(-s.kernel.mobility * dt).exp_m1();
            if h > 0.0 { 1.0 / h } else { 0.0 }
        },
        direction: s.kernel.direction,
        inv_temperature: 1.0 / s.kernel.temperature,
        alpha_weight: s.kernel.alpha_weight,
        alpha_activity: s.kernel.alpha_activity,
        alpha_density: s.kernel.alpha_density,
        density_species,
        alpha_pathway: s.kernel.alpha_pathway,
        bias,
        dock_rate_dt,
        dock_gain: s.docking.gain,
        dock_threshold: s.docking.threshold,
        projection: s.docking.projection,
        dock_const,
        dock_bound: match dock_const {
            Some(d) => d.next_up(),
            None => (dock_rate_dt * 1.0001).next_up(),
        },
        absorption: s.absorption,
        releases,
        cascades,
    })
}

impl CompiledSpecies {
    /// The payload `c` of a vesicle after `age_steps` steps of fading.
    #[inline(always)]
    pub fn faded(&self, c: [f32; 4], age_steps: u64) -> [f32; 4] {
        if self.ln_fade == 0.0 {
            return c;
        }
        // The shader-reproducible exp (plain f32 arithmetic), so the GPU fades alike.
        let f = crate::fastmath::exp(self.ln_fade * age_steps as f32);
        c.map(|v| v * f)
    }

    /// Whether the kernel depends only on the learned biases (every α is 0), so it never
    /// changes and is computed once.
    pub fn kernel_is_static(&self) -> bool {
        self.alpha_weight == 0.0
            && self.alpha_activity == 0.0
            && self.alpha_density == 0.0
            && self.alpha_pathway == 0.0
    }

    /// The docking probability of a vesicle with payload `c` at a node with unit receptor `r`.
    #[inline(always)]
    pub fn dock_p(&self, c: [f32; 4], r: [f32; 4]) -> f32 {
        match self.dock_const {
            Some(d) => d,
            None => {
                let wc = crate::species::mat_vec(&self.projection, c);
                let cos = crate::species::cosine(wc, r);
                dock_probability(self.dock_rate_dt, self.dock_gain, self.dock_threshold, cos)
            }
        }
    }
}
