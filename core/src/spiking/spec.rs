//! The spiking host as a preset writes it (MODEL §8): populations of LIF neurons or spike
//! sources, projections between them, optional STDP and the activity filter.
//!
//! Units: seconds for times, millivolts for potentials, currents and weights (MODEL §8 writes
//! v, I and I_ext in mV), spikes per second for rates, steps of the preset's `dt` for delays
//! and schedules. [`SpikingSpec::check`] validates every value with its field path;
//! [`super::build`] turns a valid spec into a [`super::SpikingNetwork`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The most neurons a spiking host may have.
pub const MAX_NEURONS: u64 = 1 << 24;

/// The most synapses a spiking host may have (all projections together, upper bound).
pub const MAX_SYNAPSES: u64 = 100_000_000;

/// The longest synaptic delay, in steps.
pub const MAX_DELAY: u32 = 4096;

/// A spiking LIF host (a preset's `host: Spiking((...))`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpikingSpec {
    /// The populations, in order: neuron indices follow this order, the layer of a
    /// population is its index, inputs (Poisson, schedule) have the input role and the last
    /// population the output role. At least one.
    pub populations: Vec<PopulationSpec>,
    /// The projections (default none).
    #[serde(default)]
    pub projections: Vec<ProjectionSpec>,
    /// Spike-timing-dependent plasticity of the `plastic` projections (default `None`: no
    /// plasticity; a plastic projection then is an error).
    #[serde(default)]
    pub stdp: Option<StdpSpec>,
    /// Time constant of the low-pass spike rate written as the node activity, seconds, > 0.
    /// Each spike adds `1 / activity_tau` to the activity, which decays by
    /// `exp(−dt / activity_tau)` per step: the activity is a rate in spikes per second.
    /// Default 0.05.
    #[serde(default = "default_activity_tau")]
    pub activity_tau: f64,
}

fn default_activity_tau() -> f64 {
    0.05
}

/// One population: a named group of neurons of one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Name, unique in the host; projections refer to it.
    pub name: String,
    /// Number of neurons, ≥ 1.
    pub size: u32,
    /// What the neurons are.
    pub kind: PopulationKind,
}

/// What the neurons of a population are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PopulationKind {
    /// Leaky integrate-and-fire neurons (every parameter has a default: `Lif(())`).
    Lif(LifSpec),
    /// Poisson spike sources: at most one spike per step, with probability
    /// `1 − exp(−rate · dt)`.
    Poisson {
        /// Mean rate, spikes per second, ≥ 0.
        rate: f64,
    },
    /// Spikes at given steps.
    Schedule {
        /// Strictly increasing step lists: one per neuron, or a single list every neuron
        /// of the population shares.
        steps: Vec<Vec<u64>>,
    },
}

/// LIF parameters with their defaults (MODEL §8).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifSpec {
    /// Membrane time constant τ_m, seconds, > 0. Default 0.02.
    #[serde(default = "default_tau_m")]
    pub tau_m: f64,
    /// Synaptic current time constant τ_s, seconds, > 0 and ≠ τ_m. Default 0.005.
    #[serde(default = "default_tau_s")]
    pub tau_s: f64,
    /// Resting potential, mV. Default −65.
    #[serde(default = "default_v_rest")]
    pub v_rest: f64,
    /// Reset potential after a spike, mV. Default −65.
    #[serde(default = "default_v_rest")]
    pub v_reset: f64,
    /// Threshold θ, mV (the effective threshold is θ + Δθ_i). Default −50.
    #[serde(default = "default_theta")]
    pub theta: f64,
    /// Refractory period, seconds, ≥ 0 (rounded to whole steps). Default 0.002.
    #[serde(default = "default_t_ref")]
    pub t_ref: f64,
    /// Constant external drive I_ext, mV. Default 0.
    #[serde(default)]
    pub i_ext: f64,
}

fn default_tau_m() -> f64 {
    0.02
}
fn default_tau_s() -> f64 {
    0.005
}
fn default_v_rest() -> f64 {
    -65.0
}
fn default_theta() -> f64 {
    -50.0
}
fn default_t_ref() -> f64 {
    0.002
}

impl Default for LifSpec {
    fn default() -> Self {
        Self {
            tau_m: default_tau_m(),
            tau_s: default_tau_s(),
            v_rest: default_v_rest(),
            v_reset: default_v_rest(),
            theta: default_theta(),
            t_ref: default_t_ref(),
            i_ext: 0.0,
        }
    }
}

/// Synapses from one population to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectionSpec {
    /// The presynaptic population's name.
    pub from: String,
    /// The postsynaptic population's name (a LIF population).
    pub to: String,
    /// Which pairs are connected (default `All`). Within one population (`from == to`) a
    /// neuron is never connected to itself.
    #[serde(default)]
    pub connectivity: Connectivity,
    /// Initial weights, mV added to the post neuron's current per spike (negative:
    /// inhibitory). Default `Constant(1.0)`.
    #[serde(default = "default_weight")]
    pub weight: WeightDist,
    /// Delay in steps, 1 to [`MAX_DELAY`]: a spike at step t arrives at step t + delay.
    /// Default 1.
    #[serde(default = "default_delay")]
    pub delay: u32,
    /// Whether STDP changes these weights (needs `stdp`). Default false.
    #[serde(default)]
    pub plastic: bool,
}

fn default_weight() -> WeightDist {
    WeightDist::Constant(1.0)
}
fn default_delay() -> u32 {
    1
}

/// Which pre–post pairs a projection connects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Connectivity {
    /// Every pre to every post.
    #[default]
    All,
    /// Pre k to post k (the populations have the same size).
    OneToOne,
    /// Each pair independently with probability `p` in [0, 1].
    Random {
        /// Connection probability.
        p: f64,
    },
    /// Each post neuron draws `k` distinct pre neurons uniformly.
    FixedFanIn {
        /// Inputs per post neuron (at most the pre population's size, less one within a
        /// population).
        k: u32,
    },
}

/// How initial weights are drawn, mV.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum WeightDist {
    /// The same weight everywhere.
    Constant(f64),
    /// Uniform in [low, high).
    Uniform {
        /// Lower bound, mV.
        low: f64,
        /// Upper bound, mV (≥ low).
        high: f64,
    },
    /// Normal with this mean and standard deviation.
    Normal {
        /// Mean, mV.
        mean: f64,
        /// Standard deviation, mV, ≥ 0.
        std: f64,
    },
}

/// Pair-based STDP with pre and post traces; optionally three-factor (MODEL §8).
///
/// Every neuron has a pre trace x and a post trace y, decaying with τ_plus and τ_minus and
/// growing by 1 per spike (or set to 1 with `nearest`). A pre spike of j depresses j → i by
/// `a_minus · y_i`; a post spike of i potentiates j → i by `a_plus · x_j`. Two-factor: the
/// change applies at once. Three-factor: it feeds the synapse's eligibility trace e (decay
/// τ_e), and each step the weight moves by `η_i · e · dt / τ_e`, η_i the post neuron's
/// learning-rate multiplier (set by `LearningRate` vesicles); η = 0 freezes the weights.
/// Weights stay in [w_min, w_max].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdpSpec {
    /// Pre-trace time constant, seconds, > 0. Default 0.02.
    #[serde(default = "default_tau_trace")]
    pub tau_plus: f64,
    /// Post-trace time constant, seconds, > 0. Default 0.02.
    #[serde(default = "default_tau_trace")]
    pub tau_minus: f64,
    /// Potentiation per pairing at a full trace, mV, ≥ 0. Default 0.1.
    #[serde(default = "default_a_plus")]
    pub a_plus: f64,
    /// Depression per pairing at a full trace, mV, ≥ 0. Default 0.12.
    #[serde(default = "default_a_minus")]
    pub a_minus: f64,
    /// Smallest weight, mV. Default 0.
    #[serde(default)]
    pub w_min: f64,
    /// Largest weight, mV (≥ w_min). Default 10.
    #[serde(default = "default_w_max")]
    pub w_max: f64,
    /// Traces are set to 1 by a spike instead of growing by 1 (nearest-spike pairing).
    /// Default false.
    #[serde(default)]
    pub nearest: bool,
    /// Three-factor form: pairings feed an eligibility trace that η_i turns into weight
    /// changes. Default false (two-factor: pairings change the weight at once, η ignored).
    #[serde(default)]
    pub three_factor: bool,
    /// Eligibility-trace time constant τ_e, seconds, > 0. Default 0.5.
    #[serde(default = "default_tau_e")]
    pub tau_e: f64,
    /// Learning sees the previous step's spikes, as on Darwin3 (DARWIN3.md §4.6): at the
    /// start of step t the pairings of step t − 1's spikes apply, with the traces as they
    /// stood after that step (a spike already in its own neuron's trace, so coincident pre
    /// and post spikes both potentiate and depress). Default false: at the end of step t,
    /// pre spikes pair first (with the post traces before this step's post spikes), then
    /// post spikes (with the pre traces including this step's pre spikes), as Brian2's
    /// `on_pre` then `on_post`.
    #[serde(default)]
    pub previous_step: bool,
}

fn default_tau_trace() -> f64 {
    0.02
}
fn default_a_plus() -> f64 {
    0.1
}
fn default_a_minus() -> f64 {
    0.12
}
fn default_w_max() -> f64 {
    10.0
}
fn default_tau_e() -> f64 {
    0.5
}

impl Default for StdpSpec {
    fn default() -> Self {
        Self {
            tau_plus: default_tau_trace(),
            tau_minus: default_tau_trace(),
            a_plus: default_a_plus(),
            a_minus: default_a_minus(),
            w_min: 0.0,
            w_max: default_w_max(),
            nearest: false,
            three_factor: false,
            tau_e: default_tau_e(),
            previous_step: false,
        }
    }
}

/// One problem found by [`SpikingSpec::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct SpecProblem {
    /// Field path below the spec, e.g. `populations[1].size`.
    pub path: String,
    /// The bad value as written.
    pub value: String,
    /// What is allowed.
    pub message: String,
}

impl PopulationKind {
    /// Whether the population is a spike source (input role).
    pub fn is_input(&self) -> bool {
        !matches!(self, PopulationKind::Lif(_))
    }
}

impl SpikingSpec {
    /// The index of the population named `name`.
    pub fn population(&self, name: &str) -> Option<usize> {
        self.populations.iter().position(|p| p.name == name)
    }

    /// The largest number of synapses the projections can make (the expected number for
    /// `Random`, plus five standard deviations).
    pub fn synapse_bound(&self) -> u64 {
        self.projections
            .iter()
            .map(|p| {
                let (Some(a), Some(b)) = (self.population(&p.from), self.population(&p.to)) else {
                    return 0;
                };
                let (na, nb) = (self.populations[a].size as u64, self.populations[b].size as u64);
                match p.connectivity {
                    Connectivity::All => na * nb,
                    Connectivity::OneToOne => nb,
                    Connectivity::Random { p } => {
                        let mean = p.clamp(0.0, 1.0) * (na * nb) as f64;
                        (mean + 5.0 * mean.sqrt()).ceil() as u64
                    }
                    Connectivity::FixedFanIn { k } => k as u64 * nb,
                }
            })
            .sum()
    }

    /// Checks every value; every problem found, with its path below the spec.
    pub fn check(&self) -> Vec<SpecProblem> {
        let mut out = Vec::new();
        let mut fail = |path: String, value: String, message: String| {
            if !out.iter().any(|p: &SpecProblem| p.path == path) {
                out.push(SpecProblem { path, value, message });
            }
        };
        if self.populations.is_empty() {
            fail("populations".into(), "[]".into(), "at least one population is needed".into());
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut total = 0u64;
        for (k, p) in self.populations.iter().enumerate() {
            let at = |f: &str| format!("populations[{k}].{f}");
            if p.name.trim().is_empty() {
                fail(at("name"), format!("{:?}", p.name), "must not be empty".into());
            } else if let Some(first) = seen.get(p.name.as_str()) {
                fail(
                    at("name"),
                    format!("{:?}", p.name),
                    format!("population names must be unique: populations[{first}] has it too"),
                );
            } else {
                seen.insert(&p.name, k);
            }
            if p.size == 0 {
                fail(at("size"), "0".into(), "must be at least 1 neuron".into());
            }
            total += p.size as u64;
            match &p.kind {
                PopulationKind::Lif(l) => {
                    for (name, v) in [("tau_m", l.tau_m), ("tau_s", l.tau_s)] {
                        if !(v.is_finite() && v > 0.0) {
                            fail(
                                at(&format!("kind.Lif.{name}")),
                                v.to_string(),
                                "must be > 0 seconds".into(),
                            );
                        }
                    }
                    if (l.tau_s - l.tau_m).abs() <= 1e-9 * l.tau_m.abs() {
                        fail(
                            at("kind.Lif.tau_s"),
                            l.tau_s.to_string(),
                            format!(
                                "must differ from tau_m = {} (the exact propagator divides by τ_s − τ_m)",
                                l.tau_m
                            ),
                        );
                    }
                    if !(l.t_ref.is_finite() && l.t_ref >= 0.0) {
                        fail(
                            at("kind.Lif.t_ref"),
                            l.t_ref.to_string(),
                            "must be >= 0 seconds".into(),
                        );
                    }
                    for (name, v) in [
                        ("v_rest", l.v_rest),
                        ("v_reset", l.v_reset),
                        ("theta", l.theta),
                        ("i_ext", l.i_ext),
                    ] {
                        if !v.is_finite() {
                            fail(
                                at(&format!("kind.Lif.{name}")),
                                v.to_string(),
                                "must be a finite number of mV".into(),
                            );
                        }
                    }
                }
                PopulationKind::Poisson { rate } => {
                    if !(rate.is_finite() && *rate >= 0.0) {
                        fail(
                            at("kind.Poisson.rate"),
                            rate.to_string(),
                            "must be >= 0 spikes per second".into(),
                        );
                    }
                }
                PopulationKind::Schedule { steps } => {
                    if steps.len() != 1 && steps.len() != p.size as usize {
                        fail(
                            at("kind.Schedule.steps"),
                            format!("{} lists", steps.len()),
                            format!(
                                "needs one step list per neuron ({}) or a single shared list",
                                p.size
                            ),
                        );
                    }
                    for (j, list) in steps.iter().enumerate() {
                        if let Some(w) = list.windows(2).position(|w| w[0] >= w[1]) {
                            fail(
                                at(&format!("kind.Schedule.steps[{j}]")),
                                format!("{} then {}", list[w], list[w + 1]),
                                "steps must be strictly increasing".into(),
                            );
                        }
                    }
                }
            }
        }
        if total > MAX_NEURONS {
            fail(
                "populations".into(),
                format!("{total} neurons"),
                format!("at most {MAX_NEURONS} neurons"),
            );
        }
        let names: Vec<&str> = self.populations.iter().map(|p| p.name.as_str()).collect();
        let missing = |name: &str| {
            format!(
                "no population is named `{name}`; populations in this host: {}",
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            )
        };
        for (k, pr) in self.projections.iter().enumerate() {
            let at = |f: &str| format!("projections[{k}].{f}");
            let from = self.population(&pr.from);
            let to = self.population(&pr.to);
            if from.is_none() {
                fail(at("from"), format!("{:?}", pr.from), missing(&pr.from));
            }
            match to {
                None => fail(at("to"), format!("{:?}", pr.to), missing(&pr.to)),
                Some(t) if self.populations[t].kind.is_input() => fail(
                    at("to"),
                    format!("{:?}", pr.to),
                    "must be a LIF population (spike sources take no input)".into(),
                ),
                _ => {}
            }
            if let (Some(a), Some(b)) = (from, to) {
                let (na, nb) = (self.populations[a].size, self.populations[b].size);
                match pr.connectivity {
                    Connectivity::OneToOne if na != nb => fail(
                        at("connectivity"),
                        "OneToOne".into(),
                        format!("needs populations of the same size ({na} and {nb})"),
                    ),
                    Connectivity::OneToOne if a == b => fail(
                        at("connectivity"),
                        "OneToOne".into(),
                        "within one population it would connect each neuron to itself".into(),
                    ),
                    Connectivity::Random { p } if !(0.0..=1.0).contains(&p) => {
                        fail(at("connectivity.Random.p"), p.to_string(), "must be in [0, 1]".into())
                    }
                    Connectivity::FixedFanIn { k } => {
                        let most = if a == b { na.saturating_sub(1) } else { na };
                        if k > most {
                            fail(
                                at("connectivity.FixedFanIn.k"),
                                k.to_string(),
                                format!("must be at most {most} (distinct pre neurons available)"),
                            );
                        }
                    }
                    _ => {}
                }
            }
            match pr.weight {
                WeightDist::Constant(w) if !w.is_finite() => fail(
                    at("weight.Constant"),
                    w.to_string(),
                    "must be a finite number of mV".into(),
                ),
                WeightDist::Uniform { low, high }
                    if !(low.is_finite() && high.is_finite() && low <= high) =>
                {
                    fail(
                        at("weight.Uniform"),
                        format!("[{low}, {high})"),
                        "needs finite low <= high (mV)".into(),
                    )
                }
                WeightDist::Normal { mean, std }
                    if !(mean.is_finite() && std.is_finite() && std >= 0.0) =>
                {
                    fail(
                        at("weight.Normal"),
                        format!("mean {mean}, std {std}"),
                        "needs a finite mean and std >= 0 (mV)".into(),
                    )
                }
                _ => {}
            }
            if !(1..=MAX_DELAY).contains(&pr.delay) {
                fail(at("delay"), pr.delay.to_string(), format!("must be 1 to {MAX_DELAY} steps"));
            }
            if pr.plastic && self.stdp.is_none() {
                fail(
                    at("plastic"),
                    "true".into(),
                    "a plastic projection needs an `stdp` section".into(),
                );
            }
        }
        let bound = self.synapse_bound();
        if bound > MAX_SYNAPSES {
            fail(
                "projections".into(),
                format!("up to {bound} synapses"),
                format!("at most {MAX_SYNAPSES} synapses"),
            );
        }
        if let Some(s) = &self.stdp {
            for (name, v) in
                [("tau_plus", s.tau_plus), ("tau_minus", s.tau_minus), ("tau_e", s.tau_e)]
            {
                if !(v.is_finite() && v > 0.0) {
                    fail(format!("stdp.{name}"), v.to_string(), "must be > 0 seconds".into());
                }
            }
            for (name, v) in [("a_plus", s.a_plus), ("a_minus", s.a_minus)] {
                if !(v.is_finite() && v >= 0.0) {
                    fail(format!("stdp.{name}"), v.to_string(), "must be >= 0 mV".into());
                }
            }
            if !(s.w_min.is_finite() && s.w_max.is_finite() && s.w_min <= s.w_max) {
                fail(
                    "stdp.w_max".into(),
                    s.w_max.to_string(),
                    format!("must be finite and >= w_min = {} mV", s.w_min),
                );
            }
        }
        if !(self.activity_tau.is_finite() && self.activity_tau > 0.0) {
            fail(
                "activity_tau".into(),
                self.activity_tau.to_string(),
                "must be > 0 seconds".into(),
            );
        }
        out
    }
}
