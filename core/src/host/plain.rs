//! The plain-graph host (MODEL §1): no host computation; a node's activity is its stimulus drive.
//!
//! Each step the drive of node i is the sum of the stimuli that cover it at time `t = step · dt`
//! plus the user's brush. The drive is optionally low-pass filtered with time constant
//! `activity_tau`, and the node's FiLM modulation turns it into activity, as for a linear unit:
//! `a_i = g_i · x_i + β_i`. Plain graphs have no error signal, loss or accuracy.
//!
//! Poisson stimuli draw from the counter-based [`Rng`] on stream `HOST + stimulus index`, keyed
//! by node (the step's upper 32 bits go into the key's upper half), so a run is reproducible
//! step by step.

use serde::{Deserialize, Serialize};

use crate::graph::Graph;
use crate::graph::generators::{GraphSpec, WeightInit};
use crate::host::{ModulationView, Signals};
use crate::nodeset::NodeSet;
use crate::rng::{self, Rng, UniformSeq};

/// The largest number of stimuli one host may have (each Poisson stimulus owns a random stream).
pub const MAX_STIMULI: usize = 4096;

/// A plain graph host: the graph to generate and the stimuli that drive it (a preset field).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlainSpec {
    /// How the graph is generated.
    pub graph: GraphSpec,
    /// Store edges one way only (default false: every edge in both directions).
    #[serde(default)]
    pub directed: bool,
    /// Initial edge weights (default `Constant(1.0)`).
    #[serde(default = "default_weights")]
    pub weights: WeightInit,
    /// The stimuli; their drives add up (default none).
    #[serde(default)]
    pub stimuli: Vec<Stimulus>,
    /// Time constant of the activity's low-pass filter of the drive, in seconds, > 0.
    /// Default `None`: activity follows the drive instantly.
    #[serde(default)]
    pub activity_tau: Option<f32>,
}

/// The default initial weight: `Constant(1.0)`.
fn default_weights() -> WeightInit {
    WeightInit::Constant(1.0)
}

/// One stimulus: a waveform applied to a set of nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stimulus {
    /// The driven nodes (default `All`); must select at least one node.
    #[serde(default)]
    pub nodes: NodeSet,
    /// The waveform, in drive units.
    pub wave: Wave,
}

/// A stimulus waveform. Times are seconds of simulated time (`step · dt`); values are drive
/// units (activity units before modulation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Wave {
    /// A constant `level` at all times.
    Constant {
        /// The drive (finite).
        level: f32,
    },
    /// `amplitude` during `[start, start + width)`, else 0; with a `period`, repeated at
    /// `start + k · period` for k = 0, 1, … (nothing before `start`).
    Pulse {
        /// The drive while on (finite).
        amplitude: f32,
        /// Onset of the first pulse, s (finite).
        start: f32,
        /// Duration of each pulse, s (finite, ≥ 0).
        width: f32,
        /// Time between onsets, s (finite, > 0). Default `None`: a single pulse.
        #[serde(default)]
        period: Option<f32>,
    },
    /// `offset + amplitude · sin(2π t / period + phase)`.
    Sine {
        /// Peak deviation from `offset` (finite).
        amplitude: f32,
        /// Period, s (finite, > 0).
        period: f32,
        /// Phase, radians (finite). Default 0.
        #[serde(default)]
        phase: f32,
        /// Mean level (finite). Default 0.
        #[serde(default)]
        offset: f32,
    },
    /// Random events: each step each node gets a Poisson(`rate · dt`) number of events and its
    /// drive for that step grows by `amplitude × count`.
    Poisson {
        /// Mean events per second per node (finite, ≥ 0).
        rate: f32,
        /// Drive added per event (finite).
        amplitude: f32,
    },
}

impl Wave {
    /// The value at time `t` seconds, or `None` for the random [`Wave::Poisson`] (whose mean
    /// is `rate · amplitude` per second of `dt`, i.e. `rate · dt · amplitude` per step).
    pub fn value(&self, t: f64) -> Option<f32> {
        match *self {
            Wave::Constant { level } => Some(level),
            Wave::Pulse { amplitude, start, width, period } => {
                let since = t - start as f64;
                if since < 0.0 {
                    return Some(0.0);
                }
                let phase = match period {
                    Some(p) => since.rem_euclid(p as f64),
                    None => since,
                };
                Some(if phase < width as f64 { amplitude } else { 0.0 })
            }
            Wave::Sine { amplitude, period, phase, offset } => {
                let arg = std::f64::consts::TAU * t / period as f64 + phase as f64;
                Some((offset as f64 + amplitude as f64 * arg.sin()) as f32)
            }
            Wave::Poisson { .. } => None,
        }
    }

    /// The variant's name (`Sine`), as a preset writes it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Wave::Constant { .. } => "Constant",
            Wave::Pulse { .. } => "Pulse",
            Wave::Sine { .. } => "Sine",
            Wave::Poisson { .. } => "Poisson",
        }
    }

    /// Checks the numbers (the ranges documented on each field): the first bad one, with its
    /// field name, value and what is allowed. Used for stimuli and for a meta signal's
    /// `Schedule`.
    pub fn check(&self) -> Result<(), WaveProblem> {
        let problem = |field, value, allowed| Err(WaveProblem { field, value, allowed });
        let finite = |field, v: f32| {
            if v.is_finite() { Ok(()) } else { problem(field, v, "must be finite") }
        };
        let positive = |field, v: f32| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                problem(field, v, "must be finite and > 0 (seconds)")
            }
        };
        match *self {
            Wave::Constant { level } => finite("level", level),
            Wave::Pulse { amplitude, start, width, period } => {
                finite("amplitude", amplitude)?;
                finite("start", start)?;
                if !(width.is_finite() && width >= 0.0) {
                    return problem("width", width, "must be finite and ≥ 0 (seconds)");
                }
                match period {
                    Some(p) => positive("period", p),
                    None => Ok(()),
                }
            }
            Wave::Sine { amplitude, period, phase, offset } => {
                finite("amplitude", amplitude)?;
                positive("period", period)?;
                finite("phase", phase)?;
                finite("offset", offset)
            }
            Wave::Poisson { rate, amplitude } => {
                if !(rate.is_finite() && rate >= 0.0) {
                    return problem(
                        "rate",
                        rate,
                        "must be finite and ≥ 0 (events per second per node)",
                    );
                }
                finite("amplitude", amplitude)
            }
        }
    }
}

/// A number of a [`Wave`] outside its range ([`Wave::check`]).
#[derive(Clone, Debug, PartialEq)]
pub struct WaveProblem {
    /// The field, e.g. `period`.
    pub field: &'static str,
    /// Its value.
    pub value: f32,
    /// What is allowed, e.g. `must be finite and > 0 (seconds)`.
    pub allowed: &'static str,
}

impl std::fmt::Display for WaveProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` = {} {}", self.field, self.value, self.allowed)
    }
}

/// A stimulus with its node set resolved.
#[derive(Clone, Debug)]
struct Resolved {
    nodes: Vec<u32>,
    wave: Wave,
}

/// The plain-graph host: resolved stimuli and the low-pass filter state.
#[derive(Clone, Debug)]
pub struct PlainHost {
    n: usize,
    stimuli: Vec<Resolved>,
    tau: Option<f32>,
    /// Filtered drive x_i (equal to the drive when there is no filter).
    filtered: Vec<f32>,
    /// Scratch for the drive.
    scratch: Vec<f32>,
}

impl PlainHost {
    /// A host for `graph` (built from `spec.graph`): resolves every stimulus' node set and
    /// checks its numbers. The error names the stimulus index and the field.
    pub fn new(spec: &PlainSpec, graph: &Graph) -> Result<Self, String> {
        let n = graph.n();
        if spec.stimuli.len() > MAX_STIMULI {
            return Err(format!(
                "{} stimuli is too many: at most {MAX_STIMULI} are allowed",
                spec.stimuli.len()
            ));
        }
        if let Some(tau) = spec.activity_tau
            && !(tau.is_finite() && tau > 0.0)
        {
            return Err(format!(
                "`activity_tau` = {tau} must be finite and > 0 seconds (or left out for no filter)"
            ));
        }
        let mut stimuli = Vec::with_capacity(spec.stimuli.len());
        for (i, s) in spec.stimuli.iter().enumerate() {
            s.wave.check().map_err(|e| format!("stimulus {i}: {e}"))?;
            let nodes =
                s.nodes.resolve_some(graph).map_err(|e| format!("stimulus {i}: `nodes`: {e}"))?;
            stimuli.push(Resolved { nodes, wave: s.wave.clone() });
        }
        Ok(Self {
            n,
            stimuli,
            tau: spec.activity_tau,
            filtered: vec![0.0; n],
            scratch: vec![0.0; n],
        })
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The filtered drive x_i of the last step (the drive itself without `activity_tau`).
    pub fn filtered(&self) -> &[f32] {
        &self.filtered
    }

    /// Clears the low-pass filter state (back to 0, as at the start of a run).
    pub fn reset(&mut self) {
        self.filtered.fill(0.0);
    }

    /// Writes into `out` (length n) the sum of all stimuli at `t = step · dt` seconds.
    /// The user's brush is not included (the caller adds it).
    pub fn drive(&self, step: u64, dt: f32, rng: &Rng, out: &mut [f32]) {
        debug_assert_eq!(out.len(), self.n, "drive buffer length");
        out.fill(0.0);
        let t = step as f64 * dt as f64;
        for (s, stim) in self.stimuli.iter().enumerate() {
            match stim.wave {
                Wave::Poisson { rate, amplitude } => {
                    let lambda = rate as f64 * dt as f64;
                    if lambda <= 0.0 || amplitude == 0.0 {
                        continue;
                    }
                    let stream = rng::stream::HOST + s as u32;
                    let high = (step >> 32) << 32;
                    for &i in &stim.nodes {
                        let Some(slot) = out.get_mut(i as usize) else { continue };
                        let mut seq = UniformSeq::new(rng, step as u32, high | i as u64, stream);
                        let count = rng::poisson(lambda, &mut seq);
                        if count > 0 {
                            *slot += amplitude * count as f32;
                        }
                    }
                }
                ref wave => {
                    let v = wave.value(t).unwrap_or(0.0);
                    if v == 0.0 {
                        continue;
                    }
                    for &i in &stim.nodes {
                        if let Some(slot) = out.get_mut(i as usize) {
                            *slot += v;
                        }
                    }
                }
            }
        }
    }

    /// Advances the host by one step of `dt` seconds and fills `signals`.
    ///
    /// `drive_i = stimuli(t) + brush_i` (a short or empty `brush` counts as 0), `x_i` is the
    /// drive or, with `activity_tau`, its exact exponential low-pass
    /// `x ← x + (drive − x)(1 − e^(−dt/τ))`; activity `a_i = g_i · x_i + β_i` with the gain
    /// and shift of `modulation`. Error and error magnitude are 0; loss and accuracy `None`.
    pub fn step(
        &mut self,
        step: u64,
        dt: f32,
        rng: &Rng,
        brush: &[f32],
        modulation: &ModulationView<'_>,
        signals: &mut Signals,
    ) {
        let mut drive = std::mem::take(&mut self.scratch);
        drive.resize(self.n, 0.0);
        self.drive(step, dt, rng, &mut drive);
        for (d, b) in drive.iter_mut().zip(brush) {
            *d += *b;
        }
        match self.tau {
            Some(tau) => {
                let alpha = 1.0 - (-(dt as f64) / tau as f64).exp();
                let alpha = alpha as f32;
                for (x, d) in self.filtered.iter_mut().zip(&drive) {
                    *x += (*d - *x) * alpha;
                }
            }
            None => self.filtered.copy_from_slice(&drive),
        }
        self.scratch = drive;
        let n = self.n;
        signals.activity.resize(n, 0.0);
        signals.error.clear();
        signals.error.resize(n, 0.0);
        signals.error_abs.clear();
        signals.error_abs.resize(n, 0.0);
        for (i, (a, x)) in signals.activity.iter_mut().zip(&self.filtered).enumerate() {
            let g = modulation.gain.get(i).copied().unwrap_or(1.0);
            let b = modulation.shift.get(i).copied().unwrap_or(0.0);
            *a = g * *x + b;
        }
        signals.loss = None;
        signals.accuracy = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Role;
    use crate::graph::generators::build;
    use std::path::Path;

    fn spec(stimuli: Vec<Stimulus>, tau: Option<f32>) -> PlainSpec {
        PlainSpec {
            graph: GraphSpec::Ring { n: 10, k: 1 },
            directed: false,
            weights: WeightInit::default(),
            stimuli,
            activity_tau: tau,
        }
    }

    fn host(spec: &PlainSpec) -> Result<PlainHost, String> {
        let g = build(&spec.graph, spec.directed, &spec.weights, 1, Path::new(".")).expect("graph");
        PlainHost::new(spec, &g)
    }

    fn stim(nodes: NodeSet, wave: Wave) -> Stimulus {
        Stimulus { nodes, wave }
    }

    struct Mods {
        gain: Vec<f32>,
        shift: Vec<f32>,
        lr: Vec<f32>,
        dw: Vec<f32>,
        theta: Vec<f32>,
    }

    impl Mods {
        fn new(n: usize) -> Self {
            Self {
                gain: vec![1.0; n],
                shift: vec![0.0; n],
                lr: vec![1.0; n],
                dw: vec![],
                theta: vec![0.0; n],
            }
        }
        fn view(&self) -> ModulationView<'_> {
            ModulationView {
                gain: &self.gain,
                shift: &self.shift,
                lr_mult: &self.lr,
                weight_delta: &self.dw,
                threshold: &self.theta,
            }
        }
    }

    #[test]
    fn waves_at_known_times() {
        let c = Wave::Constant { level: 2.0 };
        assert_eq!(c.value(123.0), Some(2.0));
        let single = Wave::Pulse { amplitude: 3.0, start: 1.0, width: 0.5, period: None };
        assert_eq!(single.value(0.99), Some(0.0));
        assert_eq!(single.value(1.0), Some(3.0));
        assert_eq!(single.value(1.49), Some(3.0));
        assert_eq!(single.value(1.5), Some(0.0));
        assert_eq!(single.value(3.2), Some(0.0));
        let train = Wave::Pulse { amplitude: 3.0, start: 1.0, width: 0.5, period: Some(2.0) };
        assert_eq!(train.value(0.5), Some(0.0));
        assert_eq!(train.value(3.2), Some(3.0));
        assert_eq!(train.value(3.6), Some(0.0));
        assert_eq!(train.value(101.25), Some(3.0));
        let s = Wave::Sine { amplitude: 2.0, period: 4.0, phase: 0.0, offset: 1.0 };
        assert!((s.value(0.0).expect("det") - 1.0).abs() < 1e-6);
        assert!((s.value(1.0).expect("det") - 3.0).abs() < 1e-6);
        assert!((s.value(3.0).expect("det") + 1.0).abs() < 1e-6);
        let sp = Wave::Sine {
            amplitude: 1.0,
            period: 1.0,
            phase: std::f32::consts::FRAC_PI_2,
            offset: 0.0,
        };
        assert!((sp.value(0.0).expect("det") - 1.0).abs() < 1e-6);
        assert_eq!(Wave::Poisson { rate: 1.0, amplitude: 1.0 }.value(0.0), None);
    }

    #[test]
    fn drive_sums_stimuli_over_their_nodes() {
        let sp = spec(
            vec![
                stim(NodeSet::All, Wave::Constant { level: 1.0 }),
                stim(
                    NodeSet::Nodes(vec![2, 3]),
                    Wave::Pulse { amplitude: 5.0, start: 0.1, width: 0.1, period: None },
                ),
                stim(
                    NodeSet::Range(3, 5),
                    Wave::Sine { amplitude: 1.0, period: 0.8, phase: 0.0, offset: 0.0 },
                ),
            ],
            None,
        );
        let h = host(&sp).expect("valid");
        let rng = Rng::new(1);
        let mut out = vec![0.0; 10];
        // dt = 0.1, step 1: t = 0.1, the pulse [0.1, 0.2) is on.
        h.drive(1, 0.1, &rng, &mut out);
        assert_eq!(out[0], 1.0);
        assert_eq!(out[2], 6.0);
        let sine = (std::f64::consts::TAU * 0.1 / 0.8).sin() as f32;
        assert!((out[3] - (6.0 + sine)).abs() < 1e-6);
        assert!((out[4] - (1.0 + sine)).abs() < 1e-6);
        h.drive(2, 0.1, &rng, &mut out);
        // t = 0.2: the sine is at its peak.
        assert!((out[4] - 2.0).abs() < 1e-5);
        assert_eq!(out[9], 1.0);
    }

    #[test]
    fn step_applies_brush_modulation_and_filter() {
        let sp = spec(vec![stim(NodeSet::All, Wave::Constant { level: 1.0 })], None);
        let mut h = host(&sp).expect("valid");
        let rng = Rng::new(1);
        let mut mods = Mods::new(10);
        mods.gain[1] = 2.0;
        mods.shift[1] = 0.5;
        let mut sig = Signals::default();
        let mut brush = vec![0.0; 10];
        brush[1] = 1.0;
        h.step(0, 0.01, &rng, &brush, &mods.view(), &mut sig);
        assert_eq!(sig.activity.len(), 10);
        assert_eq!(sig.activity[0], 1.0);
        assert_eq!(sig.activity[1], 2.0 * 2.0 + 0.5);
        assert!(sig.error.iter().chain(&sig.error_abs).all(|&e| e == 0.0));
        assert_eq!(sig.error.len(), 10);
        assert_eq!((sig.loss, sig.accuracy), (None, None));
        // Empty brush: drive only.
        h.step(1, 0.01, &rng, &[], &mods.view(), &mut sig);
        assert_eq!(sig.activity[1], 2.5);

        // Low-pass: after k steps x = 1 − e^(−k dt / τ).
        let sp = spec(vec![stim(NodeSet::All, Wave::Constant { level: 1.0 })], Some(0.1));
        let mut h = host(&sp).expect("valid");
        let mods = Mods::new(10);
        for k in 0..20 {
            h.step(k, 0.01, &rng, &[], &mods.view(), &mut sig);
        }
        let want = 1.0 - (-20.0f32 * 0.01 / 0.1).exp();
        assert!((sig.activity[0] - want).abs() < 1e-5, "{} vs {want}", sig.activity[0]);
        assert_eq!(h.filtered()[0], sig.activity[0]);
        h.reset();
        assert_eq!(h.filtered()[0], 0.0);
    }

    #[test]
    fn poisson_mean_and_determinism() {
        // 1000 nodes × 100 steps, lambda = rate·dt = 0.5, amplitude 2: mean drive 1.0 per node
        // and step; sigma of the mean = amplitude · √(lambda / N) = 2 · √(0.5 / 1e5) ≈ 0.0045.
        let mut sp =
            spec(vec![stim(NodeSet::All, Wave::Poisson { rate: 5.0, amplitude: 2.0 })], None);
        sp.graph = GraphSpec::Ring { n: 1000, k: 1 };
        let h = host(&sp).expect("valid");
        let rng = Rng::new(21);
        let mut out = vec![0.0; 1000];
        let (mut sum, mut count) = (0.0f64, 0usize);
        let mut first = Vec::new();
        for step in 0..100 {
            h.drive(step, 0.1, &rng, &mut out);
            if step == 3 {
                first = out.clone();
            }
            sum += out.iter().map(|&v| v as f64).sum::<f64>();
            count += out.len();
        }
        let mean = sum / count as f64;
        let sigma = 2.0 * (0.5f64 / count as f64).sqrt();
        assert!((mean - 1.0).abs() < 5.0 * sigma, "mean {mean}");
        h.drive(3, 0.1, &rng, &mut out);
        assert_eq!(out, first);
        h.drive(4, 0.1, &rng, &mut out);
        assert_ne!(out, first);
        // Counts are integers: the drive is a multiple of the amplitude.
        assert!(first.iter().all(|&v| (v / 2.0).fract() == 0.0));
    }

    #[test]
    fn bad_stimuli_are_named() {
        let cases: Vec<(Stimulus, &str)> = vec![
            (stim(NodeSet::Nodes(vec![1, 12]), Wave::Constant { level: 1.0 }), "node 12"),
            (stim(NodeSet::Role(Role::Input), Wave::Constant { level: 1.0 }), "selects no node"),
            (stim(NodeSet::All, Wave::Constant { level: f32::NAN }), "`level`"),
            (
                stim(
                    NodeSet::All,
                    Wave::Pulse { amplitude: 1.0, start: 0.0, width: -1.0, period: None },
                ),
                "`width`",
            ),
            (
                stim(
                    NodeSet::All,
                    Wave::Pulse { amplitude: 1.0, start: 0.0, width: 1.0, period: Some(0.0) },
                ),
                "`period`",
            ),
            (
                stim(
                    NodeSet::All,
                    Wave::Sine { amplitude: 1.0, period: -2.0, phase: 0.0, offset: 0.0 },
                ),
                "`period`",
            ),
            (
                stim(
                    NodeSet::All,
                    Wave::Sine { amplitude: 1.0, period: 2.0, phase: f32::INFINITY, offset: 0.0 },
                ),
                "`phase`",
            ),
            (stim(NodeSet::All, Wave::Poisson { rate: -1.0, amplitude: 1.0 }), "`rate`"),
        ];
        for (s, want) in cases {
            let sp = spec(vec![stim(NodeSet::All, Wave::Constant { level: 0.0 }), s], None);
            let e = host(&sp).expect_err("invalid");
            assert!(e.starts_with("stimulus 1: "), "{e}");
            assert!(e.contains(want), "{e} (wanted {want})");
        }
        let e = host(&spec(vec![], Some(0.0))).expect_err("tau");
        assert!(e.contains("activity_tau"), "{e}");
    }

    #[test]
    fn ron_round_trip() {
        let text = r#"(
            graph: Grid(width: 4, height: 3, periodic: true),
            weights: Uniform(-0.5, 0.5),
            stimuli: [
                (nodes: Nodes([0, 5]), wave: Pulse(amplitude: 1.0, start: 0.5, width: 0.1, period: Some(1.0))),
                (wave: Poisson(rate: 2.0, amplitude: 0.3)),
                (nodes: Layer(0), wave: Sine(amplitude: 1.0, period: 2.0)),
            ],
            activity_tau: Some(0.05),
        )"#;
        let sp: PlainSpec = ron::from_str(text).expect("parse");
        assert!(!sp.directed);
        assert_eq!(sp.stimuli[1].nodes, NodeSet::All);
        assert_eq!(
            sp.stimuli[2].wave,
            Wave::Sine { amplitude: 1.0, period: 2.0, phase: 0.0, offset: 0.0 }
        );
        let back: PlainSpec = ron::from_str(&ron::to_string(&sp).expect("write")).expect("reparse");
        assert_eq!(back, sp);
        assert!(host(&sp).is_ok());
        let minimal: PlainSpec = ron::from_str("(graph: Ring(n: 8))").expect("minimal");
        assert_eq!(minimal.weights, WeightInit::Constant(1.0));
        assert!(ron::from_str::<PlainSpec>("(graph: Ring(n: 8), colour: 1)").is_err());
        assert!(ron::from_str::<PlainSpec>("(graph: Ring(n: 8, q: 1))").is_err());
    }
}
