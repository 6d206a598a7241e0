//! Presets: a whole experiment in one RON file (host, species, parameters, seed).
//!
//! A preset carries a `format` number. The current format is [`FORMAT`]; additive changes keep
//! old files loading (new fields have defaults), and a breaking change would add a converter
//! here, never drop the old format. Loading checks syntax, types, unknown fields (with the
//! closest valid name) and then every value ([`validate`]); each error names the file, line and
//! column, the field path, the bad value and what is allowed.

pub mod error;
pub mod load;
pub mod memory;
pub mod species_edits;
pub mod validate;

use serde::{Deserialize, Serialize};

use crate::host::HostSpec;
use crate::host::plain::Wave;
use crate::nodeset::NodeSet;
use crate::species::Species;

pub use error::PresetError;
pub use load::{from_str, load, save, to_string};

/// The preset format this build writes.
pub const FORMAT: u32 = 1;

/// Default population capacity: room for 4 Mi vesicles.
pub const DEFAULT_CAPACITY: i64 = 4 * 1024 * 1024;

fn default_dt() -> f32 {
    0.1
}

fn default_capacity() -> i64 {
    DEFAULT_CAPACITY
}

/// A whole experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// The file format number (1).
    pub format: u32,
    /// Short name, shown on the preset card.
    pub name: String,
    /// One paragraph: what the preset shows and what to try.
    #[serde(default)]
    pub description: String,
    /// Tags for the preset library (e.g. "mlp", "pathways").
    #[serde(default)]
    pub tags: Vec<String>,
    /// The random seed. Same preset and seed, same run. Default 0.
    #[serde(default)]
    pub seed: u64,
    /// The time step dt in seconds. In (0, 10]; default 0.1.
    #[serde(default = "default_dt")]
    pub dt: f32,
    /// The most vesicles alive at once; births beyond it are dropped and counted.
    /// At least 1; default 4,194,304.
    #[serde(default = "default_capacity")]
    pub capacity: i64,
    /// The host network.
    pub host: HostSpec,
    /// Relaxation of the modulation state.
    #[serde(default)]
    pub modulation: ModulationSpec,
    /// Pathway traces.
    #[serde(default)]
    pub pathway: PathwaySpec,
    /// Receptor vectors r_i.
    #[serde(default)]
    pub receptors: Receptors,
    /// Global meta signals m_k, referred to by name.
    #[serde(default)]
    pub meta: Vec<MetaSignal>,
    /// The vesicle species.
    pub species: Vec<Species>,
    /// Defaults for a run of this preset.
    #[serde(default)]
    pub run: RunSpec,
}

fn default_tau_mod() -> Option<f32> {
    Some(10.0)
}

/// Relaxation of the modulation state toward its defaults (MODEL §1) between releases.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModulationSpec {
    /// τ_mod in seconds for gain, shift, learning-rate multiplier, threshold shift and emission
    /// gains (the multiplicative ones relax in log space). `None`: no relaxation. Default 10.
    #[serde(default = "default_tau_mod")]
    pub tau: Option<f32>,
    /// Relaxation time of the `Weight` release deltas in seconds; `None` (default): weight
    /// writes are permanent.
    #[serde(default)]
    pub tau_weight: Option<f32>,
    /// Relaxation time of the memory slots toward 0 in seconds; `None` (default): memory keeps.
    #[serde(default)]
    pub tau_memory: Option<f32>,
}

impl Default for ModulationSpec {
    fn default() -> Self {
        Self { tau: default_tau_mod(), tau_weight: None, tau_memory: None }
    }
}

fn default_tau_pathway() -> Option<f32> {
    Some(20.0)
}

/// Pathway traces π_ij (MODEL §2): each hop adds 1, and π decays with τ_π.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathwaySpec {
    /// τ_π in seconds; `None`: traces never decay. Default 20.
    #[serde(default = "default_tau_pathway")]
    pub tau: Option<f32>,
}

impl Default for PathwaySpec {
    fn default() -> Self {
        Self { tau: default_tau_pathway() }
    }
}

fn default_receptor() -> [f32; 4] {
    [1.0, 0.0, 0.0, 0.0]
}

/// Receptor vectors r_i: a default and overrides on node sets (later ones win).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receptors {
    /// The receptor of every node not overridden. Default (1, 0, 0, 0).
    #[serde(default = "default_receptor")]
    pub default: [f32; 4],
    /// `(nodes, receptor)` overrides, applied in order.
    #[serde(default)]
    pub overrides: Vec<(NodeSet, [f32; 4])>,
}

impl Default for Receptors {
    fn default() -> Self {
        Self { default: default_receptor(), overrides: Vec::new() }
    }
}

/// A global meta signal m_k(t).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaSignal {
    /// Name species refer to.
    pub name: String,
    /// Where its value comes from.
    pub source: MetaSource,
}

/// The source of a meta signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MetaSource {
    /// The host's loss (0 when it has none).
    Loss,
    /// The host's accuracy (0 when it has none).
    Accuracy,
    /// A schedule over simulated time (a `Poisson` wave draws one count per step).
    Schedule(Wave),
    /// A user slider with this initial value.
    Slider(f32),
}

/// How the particles and the density are run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// Discrete vesicles.
    #[default]
    Particle,
    /// The continuous density relaxation (MODEL §4).
    Density,
    /// Both from one preset and seed, side by side.
    Twin,
}

impl Mode {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Particle => "particle",
            Mode::Density => "density",
            Mode::Twin => "twin",
        }
    }
}

fn default_steps() -> u64 {
    1000
}

/// Defaults for a run of this preset (the command line and the lab can override them).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Steps of a headless run. Default 1000.
    #[serde(default = "default_steps")]
    pub steps: u64,
    /// The mode. Default `Particle`.
    #[serde(default)]
    pub mode: Mode,
}

impl Default for RunSpec {
    fn default() -> Self {
        Self { steps: default_steps(), mode: Mode::Particle }
    }
}
