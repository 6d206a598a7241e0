//! The world: graph, host, species, modulation, pathways and the population (particles or
//! density), advanced one step at a time in the order of MODEL §3.

use std::path::{Path, PathBuf};

use crate::cascade::CascadeTracker;
use crate::compile::{CompiledSpecies, compile_species};
use crate::cpu::accumulate::{Accumulators, snapshot};
use crate::cpu::apply::{self, ApplyParams};
use crate::cpu::decay_dock_hop::{self, StageInputs};
use crate::cpu::emit::{self, EmitInputs};
use crate::cpu::kernel::{KernelInputs, MoveCdf, cumulative, kernel_probabilities};
use crate::density::{self, DensityInputs, DensityOutputs, DensityState};
use crate::graph::Graph;
use crate::graph::edge_file::Folders;
use crate::host::{Host, ModulationView, Signals};
use crate::modulation::{Modulation, Releases};
use crate::preset::{Mode, Preset, PresetError, error::build_error};
use crate::rng::Rng;
use crate::vesicles::{Births, NO_CASCADE, VesiclePool};

/// Finished cascades kept for inspection and export.
pub const CASCADES_KEPT: usize = 1_000_000;

/// Per-species event counts (expected values in density mode).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpeciesEvents {
    /// Vesicles emitted by triggers.
    pub emitted: Vec<f64>,
    /// Vesicles born in cascades.
    pub cascade_born: Vec<f64>,
    /// Dockings.
    pub docked: Vec<f64>,
    /// Absorptions (after docking).
    pub absorbed: Vec<f64>,
    /// Deaths by decay.
    pub died: Vec<f64>,
    /// Births dropped because the population was full.
    pub dropped: Vec<f64>,
}

impl SpeciesEvents {
    /// Zeros for `s` species.
    pub fn zeros(s: usize) -> Self {
        Self {
            emitted: vec![0.0; s],
            cascade_born: vec![0.0; s],
            docked: vec![0.0; s],
            absorbed: vec![0.0; s],
            died: vec![0.0; s],
            dropped: vec![0.0; s],
        }
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &SpeciesEvents) {
        for (a, b) in [
            (&mut self.emitted, &other.emitted),
            (&mut self.cascade_born, &other.cascade_born),
            (&mut self.docked, &other.docked),
            (&mut self.absorbed, &other.absorbed),
            (&mut self.died, &other.died),
            (&mut self.dropped, &other.dropped),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// The population: discrete vesicles or their density.
#[derive(Clone, Debug)]
pub enum Population {
    /// Discrete vesicles.
    Particles(Box<VesiclePool>),
    /// The mean field.
    Density(Box<DensityState>),
}

/// The whole simulated world. A clone is a full, independent copy (the GPU engine keeps one as
/// its last good state).
#[derive(Clone, Debug)]
pub struct World {
    /// The preset the world was built from (kept in sync with live edits).
    pub preset: Preset,
    /// Folder relative file names in the preset are resolved against.
    pub base_dir: PathBuf,
    /// One more folder files named in the preset may be read from (`--data-dir`), if any.
    pub data_dir: Option<PathBuf>,
    /// The host network's graph.
    pub graph: Graph,
    /// The host.
    pub host: Host,
    /// Species compiled for the step.
    pub species: Vec<CompiledSpecies>,
    /// The generator (from the preset's seed).
    pub rng: Rng,
    /// Steps taken.
    pub step: u64,
    /// Host signals of the last step.
    pub signals: Signals,
    /// Meta signal values of the last step.
    pub meta: Vec<f32>,
    /// The user's brush intensity per node (the `Manual` trigger).
    pub brush: Vec<f32>,
    /// Host edge weights (the MLP trains these); effective weight = weight + weight delta.
    pub weight: Vec<f32>,
    /// Modulation state.
    pub modulation: Modulation,
    /// Pathway trace π per edge.
    pub pathway: Vec<f32>,
    /// Unit receptor vector per node.
    pub receptors: Vec<[f32; 4]>,
    /// Kernel probabilities of the last step, per species and move (0 outside each node's
    /// allowed moves).
    pub kernel: Vec<Vec<f32>>,
    /// Their running sums within each node's allowed moves, with targets (particle sampling).
    pub kernel_cdf: Vec<Vec<MoveCdf>>,
    /// Per species: whether `kernel` is up to date and will stay so (a static kernel).
    kernel_fresh: Vec<bool>,
    /// The population.
    pub population: Population,
    /// Free vesicles per species and node after the last step, `[κ · n + i]` (ρ in density
    /// mode).
    pub counts: Vec<f32>,
    /// Dockings per species and node in the last step (expected in density mode).
    pub docks: Vec<f32>,
    /// Hops per edge in the last step (expected in density mode).
    pub edge_hops: Vec<f32>,
    /// Releases summed over the last step, per node and channel.
    pub releases: Releases,
    /// Events of the last step.
    pub last: SpeciesEvents,
    /// Events since the start.
    pub totals: SpeciesEvents,
    /// Cascades (particle mode).
    pub cascades: CascadeTracker,
    /// Warnings raised while running (e.g. the population is full), newest last.
    pub warnings: Vec<String>,
    /// The first non-finite value a step left in the state, if any (checked after every
    /// step; see [`World::first_nonfinite`]). Once set, [`World::advance`] takes no more steps.
    pub nonfinite: Option<crate::nonfinite::NonFinite>,
    acc: Option<Accumulators>,
    effective_weight: Vec<f32>,
}

/// Unit receptor vectors from the preset (zero vectors stay zero: they match nothing).
fn receptors(preset: &Preset, graph: &Graph) -> Result<Vec<[f32; 4]>, PresetError> {
    let mut r = vec![preset.receptors.default; graph.n()];
    for (k, (set, v)) in preset.receptors.overrides.iter().enumerate() {
        let nodes = set.resolve(graph).map_err(|bad| {
            build_error(
                &preset.name,
                &format!("receptors.overrides[{k}]"),
                format!("node {bad} does not exist (the graph has nodes 0..{})", graph.n()),
            )
        })?;
        for i in nodes {
            r[i as usize] = *v;
        }
    }
    for v in &mut r {
        let norm = crate::species::dot(*v, *v).sqrt();
        if norm > 0.0 {
            for x in v.iter_mut() {
                *x /= norm;
            }
        }
    }
    Ok(r)
}

impl World {
    /// Builds a world from a validated preset. `mode` is `Particle` or `Density` (a twin run
    /// holds one of each, see [`crate::twin`]). `base_dir` resolves relative file names.
    pub fn new(preset: Preset, mode: Mode, base_dir: &Path) -> Result<Self, PresetError> {
        Self::new_in(preset, mode, &Folders::new(base_dir))
    }

    /// [`World::new`], with files named in the preset (edge lists) read only from the allowed
    /// `folders`: the preset's folder (the world's `base_dir`) and an optional data folder.
    pub fn new_in(preset: Preset, mode: Mode, folders: &Folders) -> Result<Self, PresetError> {
        let (host, graph) =
            Host::build_in(&preset.host, preset.seed, preset.dt, folders).map_err(|e| {
                let err = build_error(&preset.name, &e.path, e.message);
                match e.value {
                    Some(v) => err.with_value(v),
                    None => err,
                }
            })?;
        let species = compile_species(&preset, &graph)
            .map_err(|e| build_error(&preset.name, &e.path, e.message))?;
        let receptors = receptors(&preset, &graph)?;
        let n = graph.n();
        let s = species.len();
        let population = match mode {
            Mode::Density => Population::Density(Box::new(DensityState::zeros(n, s))),
            Mode::Particle | Mode::Twin => {
                Population::Particles(Box::new(VesiclePool::new(preset.capacity.max(0) as usize)))
            }
        };
        let acc = matches!(population, Population::Particles(_)).then(|| Accumulators::new(n, s));
        let meta = vec![0.0; preset.meta.len()];
        let weight = graph.edge_weight.clone();
        let mut warnings = Vec::new();
        if graph.m() > 0 && graph.is_symmetric() {
            for s in species.iter().filter(|s| s.direction == crate::graph::Direction::Both) {
                warnings.push(format!(
                    "species `{}`: direction Both on an undirected graph gives every neighbour \
                     two moves (along each stored direction), and with alpha_pathway > 0 a \
                     vesicle can lock onto one edge; Forward already reaches every neighbour",
                    s.name
                ));
            }
        }
        if mode == Mode::Density {
            for s in species.iter().filter(|s| s.law == crate::species::LifetimeLaw::Fixed) {
                warnings.push(format!(
                    "species `{}`: density mode approximates its fixed lifetime ({} s) by the \
                     exponential law of the same mean (the mean field carries no ages)",
                    s.name, s.life
                ));
            }
        }
        Ok(Self {
            base_dir: folders.preset_dir.clone(),
            data_dir: folders.data_dir.clone(),
            rng: Rng::new(preset.seed),
            step: 0,
            signals: Signals::zeros(n),
            meta,
            brush: vec![0.0; n],
            effective_weight: weight.clone(),
            weight,
            modulation: Modulation::new(&graph, s),
            pathway: vec![0.0; graph.m()],
            receptors,
            kernel: vec![vec![0.0; graph.moves()]; s],
            kernel_cdf: vec![vec![MoveCdf::default(); graph.moves()]; s],
            kernel_fresh: vec![false; s],
            population,
            counts: vec![0.0; n * s],
            docks: vec![0.0; n * s],
            edge_hops: vec![0.0; graph.m()],
            releases: Releases::zeros(n, s),
            last: SpeciesEvents::zeros(s),
            totals: SpeciesEvents::zeros(s),
            cascades: CascadeTracker::new(CASCADES_KEPT),
            warnings,
            nonfinite: None,
            acc,
            species,
            graph,
            host,
            preset,
        })
    }

    /// Loads a preset file and builds a world in `mode`. Errors raised while building (a graph
    /// generator's, a node id outside the graph) name the file, line and column too.
    pub fn load(path: &Path, mode: Mode) -> Result<Self, PresetError> {
        Self::load_in(path, mode, None)
    }

    /// [`World::load`], with `data_dir` as one more folder files named in the preset may be
    /// read from.
    pub fn load_in(path: &Path, mode: Mode, data_dir: Option<&Path>) -> Result<Self, PresetError> {
        let preset = crate::preset::load(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::new_in(preset, mode, &Folders::with_data_dir(base, data_dir))
            .map_err(|e| e.located_in_file(path))
    }

    /// The folders files named in the preset may be read from.
    pub fn folders(&self) -> Folders {
        Folders::with_data_dir(&self.base_dir, self.data_dir.as_deref())
    }

    /// Replaces the species' recipes in the running world, keeping every vesicle, the host
    /// and the modulation (the live edit of the species editor). The list must have as many
    /// species as before (adding or removing one needs a rebuild); the new recipes are
    /// validated and compiled first, and on any error the world is left as it was.
    pub fn set_species(
        &mut self,
        species: Vec<crate::species::Species>,
    ) -> Result<(), PresetError> {
        if species.len() != self.species.len() {
            return Err(build_error(
                &self.preset.name,
                "species",
                format!(
                    "a live edit keeps the number of species ({}); adding or removing one \
                     rebuilds the world",
                    self.species.len()
                ),
            ));
        }
        let mut preset = self.preset.clone();
        preset.species = species;
        if let Err(errors) = crate::preset::validate::validate(&preset)
            && let Some(first) = errors.into_iter().next()
        {
            return Err(first.in_file(self.preset.name.clone()));
        }
        let compiled = compile_species(&preset, &self.graph)
            .map_err(|e| build_error(&preset.name, &e.path, e.message))?;
        self.species = compiled;
        self.preset = preset;
        // Directions may have changed: the kernels are rebuilt from zero next step.
        for (p, c) in self.kernel.iter_mut().zip(&mut self.kernel_cdf) {
            p.fill(0.0);
            c.fill(MoveCdf::default());
        }
        self.kernel_fresh.fill(false);
        Ok(())
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.graph.n()
    }

    /// The mode this world runs in.
    pub fn mode(&self) -> Mode {
        match self.population {
            Population::Particles(_) => Mode::Particle,
            Population::Density(_) => Mode::Density,
        }
    }

    /// Simulated time, seconds.
    pub fn time(&self) -> f64 {
        self.step as f64 * self.preset.dt as f64
    }

    /// The particles, if this is a particle world.
    pub fn pool(&self) -> Option<&VesiclePool> {
        match &self.population {
            Population::Particles(p) => Some(p),
            Population::Density(_) => None,
        }
    }

    /// The density, if this is a density world.
    pub fn density(&self) -> Option<&DensityState> {
        match &self.population {
            Population::Density(d) => Some(d),
            Population::Particles(_) => None,
        }
    }

    /// The payload of the vesicle in `slot` now (faded by its age), particle mode.
    pub fn payload_of(&self, slot: usize) -> Option<[f32; 4]> {
        let pool = self.pool()?;
        let sp = self.species.get(*pool.species.get(slot)? as usize)?;
        Some(sp.faded(pool.payload[slot], self.step.saturating_sub(pool.born[slot])))
    }

    /// The age of the vesicle in `slot`, seconds, and its remaining lifetime τ = L − age.
    pub fn age_of(&self, slot: usize) -> Option<(f32, f32)> {
        let pool = self.pool()?;
        let sp = self.species.get(*pool.species.get(slot)? as usize)?;
        let age = self.step.saturating_sub(pool.born[slot]) as f32 * self.preset.dt;
        Some((age, sp.life - age))
    }

    /// Free vesicles of species `k` (expected, in density mode).
    pub fn free(&self, k: usize) -> f64 {
        let n = self.n();
        self.counts[k * n..(k + 1) * n].iter().map(|&c| c as f64).sum()
    }

    /// Advances `steps` steps.
    /// Takes `steps` steps, stopping early after a step that left a non-finite value in the
    /// state ([`World::nonfinite`] says which).
    pub fn advance(&mut self, steps: u64) {
        for _ in 0..steps {
            if self.nonfinite.is_some() {
                break;
            }
            self.step_once();
        }
    }

    /// One step, MODEL §3.
    pub fn step_once(&mut self) {
        self.prepare_step();
        let (events, warning) = self.population_stage();
        self.finish_step(events, warning);
    }

    /// Stages 1 and 2 of a step on the CPU: the host update and the fields (kernels and their
    /// running sums). A backend that moves the population and the kernels elsewhere (the GPU)
    /// calls [`World::prepare_host`] instead, runs stage 2, stage 3 and the births itself, then
    /// calls [`World::finish_step`].
    pub fn prepare_step(&mut self) {
        self.prepare_host();
        self.prepare_kernels();
    }

    /// Stage 1 of a step and the effective weights w + Δw the kernels read: the part of
    /// [`World::prepare_step`] a backend that computes the kernels itself (the GPU) runs.
    pub fn prepare_host(&mut self) {
        // 1. Host update with the modulation of the previous step.
        self.host_phase();
        for (e, w) in self.effective_weight.iter_mut().enumerate() {
            *w = self.weight[e] + self.modulation.weight_delta[e];
        }
    }

    /// The effective weight w + Δw per edge, as of the last [`World::prepare_host`].
    pub fn effective_weight(&self) -> &[f32] {
        &self.effective_weight
    }

    /// Stage 2 of a step on the CPU: the kernels and, in particle mode, their running sums,
    /// for every species whose kernel is not both static and already computed.
    fn prepare_kernels(&mut self) {
        let inputs = KernelInputs {
            weight: &self.effective_weight,
            activity: &self.signals.activity,
            density: &self.counts,
            pathway: &self.pathway,
        };
        let particles = matches!(self.population, Population::Particles(_));
        for (k, s) in self.species.iter().enumerate() {
            if self.kernel_fresh[k] {
                continue;
            }
            kernel_probabilities(s, &self.graph, &inputs, &mut self.kernel[k]);
            if particles {
                cumulative(&self.graph, s.direction, &self.kernel[k], &mut self.kernel_cdf[k]);
            }
            self.kernel_fresh[k] = s.kernel_is_static();
        }
    }

    /// The signals emission reads this step.
    pub fn emit_inputs(&self) -> EmitInputs<'_> {
        EmitInputs {
            signals: &self.signals,
            meta: &self.meta,
            brush: &self.brush,
            emission_gain: &self.modulation.emission_gain,
        }
    }

    /// Stage 3 and the births on the CPU: the events of the step and a warning, if any.
    fn population_stage(&mut self) -> (SpeciesEvents, Option<String>) {
        let dt = self.preset.dt;
        let t = self.step;
        let t32 = t as u32;
        let n = self.n();
        let ns = self.species.len();
        let emit_inputs = EmitInputs {
            signals: &self.signals,
            meta: &self.meta,
            brush: &self.brush,
            emission_gain: &self.modulation.emission_gain,
        };

        // 3. The population.
        let mut events = SpeciesEvents::zeros(ns);
        let mut warning = None;
        match &mut self.population {
            Population::Particles(pool) => {
                let acc = self.acc.get_or_insert_with(|| Accumulators::new(n, ns));
                acc.clear();
                let mut out = decay_dock_hop::run(
                    pool,
                    &StageInputs {
                        rng: &self.rng,
                        step: t32,
                        now: t,
                        dt,
                        species: &self.species,
                        graph: &self.graph,
                        kernel_cdf: &self.kernel_cdf,
                        receptors: &self.receptors,
                        activity: &self.signals.activity,
                        cascade_alive: &self.cascades.alive,
                    },
                    acc,
                );
                acc.releases_into(&mut self.releases);
                for k in 0..ns {
                    events.died[k] = out.died[k] as f64;
                    events.docked[k] = out.docked[k] as f64;
                    events.absorbed[k] = out.absorbed[k] as f64;
                }
                let emitted = emit::births(&self.species, &self.rng, t32, n, dt, &emit_inputs);
                let mut counts: Vec<u32> = std::mem::take(&mut out.counts);
                for (d, c) in self.docks.iter_mut().zip(snapshot(&mut acc.docks)) {
                    *d = c as f32;
                }
                self.edge_hops.fill(0.0);
                for &mv in &out.hop_moves {
                    self.edge_hops[self.graph.move_edge[mv as usize] as usize] += 1.0;
                }
                // 4 (births): cascade births, then emissions; they act from the next step. Dead
                // slots are reclaimed once they are an eighth of the pool, or when the births
                // would not fit beside them.
                pool.maybe_compact();
                let wanted = out.births.iter().chain(&emitted).map(|b| b.count);
                let wanted = wanted.fold(0u64, u64::saturating_add);
                if (pool.len() as u64).saturating_add(wanted) > pool.capacity as u64 {
                    pool.compact();
                }
                let species = &self.species;
                let cascades = &mut self.cascades;
                // Each record's births join while there is room; the rest are dropped and
                // counted, without being made (a draw may exceed any capacity).
                let mut append =
                    |group: &Births, cascade_child: bool, events: &mut SpeciesEvents| {
                        let k = group.birth.species as usize;
                        let kept = group.count.min(pool.room() as u64);
                        events.dropped[k] += (group.count - kept) as f64;
                        let tracked_root = !cascade_child && species[k].cascades;
                        let mut b = group.birth;
                        if tracked_root {
                            b.cascade = NO_CASCADE;
                        }
                        for _ in 0..kept {
                            // `kept` is at most the room left, so every push finds a place.
                            let Some(id) = pool.push(&b, t + 1) else { break };
                            if tracked_root {
                                let slot = cascades.open(id, b.species, b.node, t);
                                if let Some(last) = pool.cascade.last_mut() {
                                    *last = slot;
                                }
                            } else if cascade_child {
                                cascades.add_child(b.cascade, b.generation);
                            }
                        }
                        counts[k * n + b.node as usize] += kept as u32;
                        if cascade_child {
                            events.cascade_born[k] += kept as f64;
                        } else {
                            events.emitted[k] += kept as f64;
                        }
                    };
                for b in &out.births {
                    append(b, true, &mut events);
                }
                for b in &emitted {
                    append(b, false, &mut events);
                }
                for (c, v) in self.counts.iter_mut().zip(counts) {
                    *c = v as f32;
                }
                self.cascades.sweep(t);
                let dropped: f64 = events.dropped.iter().sum();
                if dropped > 0.0 {
                    warning = Some(format!(
                        "step {t}: the population is full ({} vesicles): {dropped} births dropped",
                        pool.capacity
                    ));
                }
            }
            Population::Density(state) => {
                events = density::step(
                    state,
                    &DensityInputs {
                        graph: &self.graph,
                        species: &self.species,
                        kernel: &self.kernel,
                        receptors: &self.receptors,
                        dt,
                        emit: emit_inputs,
                    },
                    DensityOutputs {
                        releases: &mut self.releases,
                        docks: &mut self.docks,
                        edge_flux: &mut self.edge_hops,
                    },
                );
                self.counts.copy_from_slice(&state.rho);
            }
        }

        (events, warning)
    }

    /// Stages 4 and 5 of a step, after the population stage wrote `counts`, `docks`,
    /// `edge_hops` and `releases`: the warning is kept, modulation relaxes and takes the
    /// releases, pathways decay and take their increments, events are recorded and the step
    /// count advances.
    pub fn finish_step(&mut self, events: SpeciesEvents, warning: Option<String>) {
        let dt = self.preset.dt;
        if let Some(w) = warning {
            self.warn(w);
        }

        // 4. Modulation relaxes, then releases apply; pathways decay and take their increments.
        apply::run(
            &mut self.modulation,
            &mut self.pathway,
            &ApplyParams::new(&self.preset.modulation, self.preset.pathway.tau, dt),
            &self.releases,
            &self.edge_hops,
            &self.signals.activity,
            &self.graph,
        );

        // 5. Observables.
        self.record_events(events);
    }

    /// MODEL §3 stage 5: the step's events become the last ones and join the totals, and the
    /// step count advances (the GPU density engine calls this after its apply stage).
    pub(crate) fn record_events(&mut self, events: SpeciesEvents) {
        self.totals.add(&events);
        self.last = events;
        self.step += 1;
        if self.nonfinite.is_none() {
            self.nonfinite = self.first_nonfinite();
        }
    }

    /// MODEL §3 stage 1: the host steps with the modulation of the previous step, and the meta
    /// signals take their values for step `self.step` (the GPU density runner calls this too).
    pub(crate) fn host_phase(&mut self) {
        let dt = self.preset.dt;
        let t = self.step;
        {
            let view = ModulationView {
                gain: &self.modulation.gain,
                shift: &self.modulation.shift,
                lr_mult: &self.modulation.lr_mult,
                weight_delta: &self.modulation.weight_delta,
                threshold: &self.modulation.threshold,
            };
            self.host.step(
                &self.graph,
                t,
                dt,
                &self.rng,
                &mut self.weight,
                &self.brush,
                &view,
                &mut self.signals,
            );
        }
        self.update_meta(t, dt);
    }

    fn warn(&mut self, message: String) {
        const KEEP: usize = 100;
        if self.warnings.len() == KEEP {
            self.warnings.remove(0);
        }
        self.warnings.push(message);
    }

    fn update_meta(&mut self, t: u64, dt: f32) {
        use crate::preset::MetaSource;
        for (k, m) in self.preset.meta.iter().enumerate() {
            self.meta[k] = match &m.source {
                MetaSource::Loss => self.signals.loss.unwrap_or(0.0),
                MetaSource::Accuracy => self.signals.accuracy.unwrap_or(0.0),
                MetaSource::Schedule(wave) => schedule_value(wave, t, dt, &self.rng, k),
                MetaSource::Slider(v) => *v,
            };
        }
    }
}

/// The value of a meta schedule at step `t`; a `Poisson` wave draws its count from the meta
/// signal's own stream.
fn schedule_value(wave: &crate::host::plain::Wave, t: u64, dt: f32, rng: &Rng, k: usize) -> f32 {
    use crate::host::plain::Wave;
    match (wave.value(t as f64 * dt as f64), wave) {
        (Some(v), _) => v,
        (None, Wave::Poisson { rate, amplitude }) => {
            let mut seq = crate::rng::UniformSeq::new(
                rng,
                t as u32,
                k as u64,
                crate::rng::stream::HOST + 0x4000,
            );
            amplitude * crate::rng::poisson(*rate as f64 * dt as f64, &mut seq) as f32
        }
        (None, _) => 0.0,
    }
}
