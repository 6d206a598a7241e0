//! Host networks (MODEL §1): what vesicles live beside and read signals from.
//!
//! A host owns the graph's computation. Each step it is updated first, with the modulation
//! state of the previous step, and fills the per-node signals vesicles read: activity `a_i`,
//! error `e_i` and error magnitude `|e|_i`, plus the global loss and accuracy where it has them.

pub mod dataset;
pub mod mlp;
pub mod plain;
pub mod spiking;

use serde::{Deserialize, Serialize};

pub use mlp::{Mlp, MlpSpec};
pub use plain::{PlainHost, PlainSpec};
pub use spiking::SpikingHost;

pub use crate::spiking::SpikingSpec;

/// Which host a preset uses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum HostSpec {
    /// A rate MLP trained online by SGD on a 2-D data set.
    Mlp(MlpSpec),
    /// A plain graph with no host computation; activity comes from stimuli.
    Graph(PlainSpec),
    /// A spiking LIF network (MODEL §8).
    Spiking(SpikingSpec),
}

/// Per-node signals a host writes each step (all of length n).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    /// Activity a_i (rate MLP: batch-mean activation; plain graph: modulated stimulus drive;
    /// spiking: low-pass spike rate, spikes per second).
    pub activity: Vec<f32>,
    /// Error e_i = ∂loss/∂z_i, batch mean (0 where the host has none).
    pub error: Vec<f32>,
    /// Error magnitude, batch mean of |∂loss/∂z_i|.
    pub error_abs: Vec<f32>,
    /// Host loss this step (test loss for the MLP), if the host has one.
    pub loss: Option<f32>,
    /// Host accuracy this step (test accuracy for the MLP), if the host has one.
    pub accuracy: Option<f32>,
}

impl Signals {
    /// Zeroed signals for n nodes.
    pub fn zeros(n: usize) -> Self {
        Self {
            activity: vec![0.0; n],
            error: vec![0.0; n],
            error_abs: vec![0.0; n],
            loss: None,
            accuracy: None,
        }
    }
}

/// The node modulation state a host reads (MODEL §1), all of length n (edges: m).
#[derive(Clone, Copy, Debug)]
pub struct ModulationView<'a> {
    /// Gain g_i (default 1).
    pub gain: &'a [f32],
    /// Shift β_i (default 0).
    pub shift: &'a [f32],
    /// Learning-rate multiplier η_i (default 1).
    pub lr_mult: &'a [f32],
    /// Weight delta per edge written by `Weight` releases (default 0), added to the weights.
    pub weight_delta: &'a [f32],
    /// Spiking threshold shift Δθ_i written by `Threshold` releases (default 0), mV.
    pub threshold: &'a [f32],
}

/// A built host.
#[derive(Clone, Debug)]
pub enum Host {
    /// A rate MLP.
    Mlp(Box<Mlp>),
    /// A plain graph driven by stimuli.
    Plain(PlainHost),
    /// A spiking LIF network.
    Spiking(Box<SpikingHost>),
}

/// An error building a host: the field path under `host` and a message.
#[derive(Clone, Debug, PartialEq)]
pub struct HostError {
    /// Field path, e.g. `host.Graph.graph`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// The bad value as written in the preset, where there is one (an edge-list path).
    pub value: Option<String>,
}

impl Host {
    /// Builds the host and its graph. `dt` is the preset's step in seconds (the spiking host
    /// integrates with it); `base_dir` resolves relative file names (edge lists).
    pub fn build(
        spec: &HostSpec,
        seed: u64,
        dt: f32,
        base_dir: &std::path::Path,
    ) -> Result<(Host, crate::graph::Graph), HostError> {
        Self::build_in(spec, seed, dt, &crate::graph::edge_file::Folders::new(base_dir))
    }

    /// [`Host::build`], with edge lists read only from the allowed `folders` (see
    /// [`crate::graph::edge_file`]).
    pub fn build_in(
        spec: &HostSpec,
        seed: u64,
        dt: f32,
        folders: &crate::graph::edge_file::Folders,
    ) -> Result<(Host, crate::graph::Graph), HostError> {
        let error =
            |path: &str, message: String| HostError { path: path.into(), message, value: None };
        match spec {
            HostSpec::Mlp(m) => {
                let (mlp, graph) = Mlp::new(m, seed).map_err(|m| error("host.Mlp", m))?;
                Ok((Host::Mlp(Box::new(mlp)), graph))
            }
            HostSpec::Graph(p) => {
                let graph = crate::graph::generators::build_in(
                    &p.graph, p.directed, &p.weights, seed, folders,
                )
                .map_err(|e| match e {
                    // Refused paths and unreadable or malformed files are placed at the path.
                    crate::graph::GraphError::EdgeListPath { path, message } => HostError {
                        path: "host.Graph.graph.EdgeList.path".into(),
                        message,
                        value: Some(format!("{path:?}")),
                    },
                    e @ crate::graph::GraphError::EdgeList { .. } => {
                        error("host.Graph.graph.EdgeList.path", e.to_string())
                    }
                    e => error("host.Graph.graph", e.to_string()),
                })?;
                let host = PlainHost::new(p, &graph).map_err(|m| error("host.Graph", m))?;
                Ok((Host::Plain(host), graph))
            }
            HostSpec::Spiking(s) => {
                let (host, graph) =
                    SpikingHost::new(s, dt, seed).map_err(|m| error("host.Spiking", m))?;
                Ok((Host::Spiking(Box::new(host)), graph))
            }
        }
    }

    /// One host update (MODEL §3, stage 1) with the modulation of the previous step.
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        graph: &crate::graph::Graph,
        step: u64,
        dt: f32,
        rng: &crate::rng::Rng,
        weight: &mut [f32],
        brush: &[f32],
        modulation: &ModulationView,
        signals: &mut Signals,
    ) {
        match self {
            Host::Mlp(m) => m.step(graph, step, rng, weight, modulation, signals),
            Host::Plain(p) => p.step(step, dt, rng, brush, modulation, signals),
            Host::Spiking(s) => s.step(weight, modulation, signals),
        }
    }
}
