//! Release operators (MODEL §2): what a docking vesicle does to its node.
//!
//! Every operator but `Memory` and `Cascade` has an amount q = η · (u · c) that depends on the
//! payload c. Releases of one step are summed per node and channel in fixed-point integers
//! (order-free, as on the GPU) and applied after modulation relaxes (MODEL §3, stage 4).

use serde::{Deserialize, Serialize};

use crate::species::{IDENTITY, Mat4, dot};

fn identity() -> Mat4 {
    IDENTITY
}

fn unit_u() -> [f32; 4] {
    [1.0, 0.0, 0.0, 0.0]
}

/// An amount q = eta · (u · c).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// Strength η (units of the target quantity per unit of projected payload).
    pub eta: f32,
    /// Projection u of the payload. Default (1, 0, 0, 0).
    #[serde(default = "unit_u")]
    pub u: [f32; 4],
}

impl Amount {
    /// q for payload c.
    #[inline(always)]
    pub fn of(&self, c: [f32; 4]) -> f32 {
        self.eta * dot(self.u, c)
    }
}

/// How a `Memory` release mixes a payload into the node's slot M_i.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum MemoryRate {
    /// ε = 1/count: the slot is the running average of every payload that ever docked there.
    #[default]
    Running,
    /// A fixed ε in (0, 1]: an exponential trace of arrivals.
    Fixed(f32),
}

/// One release operator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ReleaseOp {
    /// g_i += q.
    Gain(Amount),
    /// β_i += q.
    Shift(Amount),
    /// g_i += q_gain and β_i += q_shift (FiLM), each with its own projection.
    Film {
        /// Amount added to the gain.
        gain: Amount,
        /// Amount added to the shift.
        shift: Amount,
    },
    /// w_ji += q · a_j on every incoming edge j → i (a parameter write).
    Weight(Amount),
    /// η_i ← η_i · exp(q) (three-factor plasticity).
    LearningRate(Amount),
    /// Δθ_i += q (spiking hosts).
    Threshold(Amount),
    /// G_i^κ' ← G_i^κ' · exp(q) for the named species κ'.
    EmissionGain {
        /// The species whose emission is scaled.
        species: String,
        /// The amount.
        amount: Amount,
    },
    /// M_i ← (1 − ε) M_i + ε c (a topological memory trace).
    Memory(#[serde(default)] MemoryRate),
    /// Emits Poisson(χ) new vesicles of the named species at the node, payload A · c.
    Cascade {
        /// The species of the children.
        species: String,
        /// Mean number of children per docking χ ≥ 0.
        chi: f32,
        /// The payload transform A. Default identity.
        #[serde(default = "identity")]
        transform: Mat4,
    },
}

impl ReleaseOp {
    /// The nine kinds of operator, in the order the species editor lists them.
    pub const KINDS: [&'static str; 9] = [
        "Gain",
        "Shift",
        "Film",
        "Weight",
        "LearningRate",
        "Threshold",
        "EmissionGain",
        "Memory",
        "Cascade",
    ];

    /// An operator of kind `kind` (index into [`ReleaseOp::KINDS`]) with default fields; `own`
    /// is the species it belongs to (the default target of EmissionGain and Cascade).
    pub fn of_kind(kind: usize, own: &str) -> ReleaseOp {
        let amount = |eta| Amount { eta, u: [1.0, 0.0, 0.0, 0.0] };
        match kind {
            1 => ReleaseOp::Shift(amount(0.05)),
            2 => ReleaseOp::Film { gain: amount(0.05), shift: amount(0.05) },
            3 => ReleaseOp::Weight(amount(0.01)),
            4 => ReleaseOp::LearningRate(amount(0.1)),
            5 => ReleaseOp::Threshold(amount(0.05)),
            6 => ReleaseOp::EmissionGain { species: own.to_string(), amount: amount(-0.1) },
            7 => ReleaseOp::Memory(MemoryRate::Running),
            8 => ReleaseOp::Cascade { species: own.to_string(), chi: 0.5, transform: IDENTITY },
            _ => ReleaseOp::Gain(amount(0.05)),
        }
    }

    /// What the operator does, in one or two sentences (the editor's tooltip).
    pub fn doc(&self) -> &'static str {
        match self {
            ReleaseOp::Gain(_) => {
                "Gain: g_i += q, with q = η·(u·c). Scales the node's pre-activation."
            }
            ReleaseOp::Shift(_) => "Shift: β_i += q. Moves the node's pre-activation.",
            ReleaseOp::Film { .. } => {
                "FiLM: g_i += q_gain and β_i += q_shift, each with its own strength and projection."
            }
            ReleaseOp::Weight(_) => {
                "Weight: w_ji += q · a_j on every incoming edge j to i (a parameter write, like a \
                 hypernetwork). Deltas relax with the preset's weight time constant."
            }
            ReleaseOp::LearningRate(_) => {
                "Learning rate: η_i ← η_i · exp(q) (three-factor plasticity of the host's SGD)."
            }
            ReleaseOp::Threshold(_) => "Threshold: Δθ_i += q (spiking hosts).",
            ReleaseOp::EmissionGain { .. } => {
                "Emission gain: G_i^κ' ← G_i^κ' · exp(q) for the target species κ': vesicles \
                 excite (q > 0) or inhibit (q < 0) another species' emission at the node."
            }
            ReleaseOp::Memory(_) => {
                "Memory: M_i ← (1 − ε) M_i + ε c, a trace of the payloads that docked at the node."
            }
            ReleaseOp::Cascade { .. } => {
                "Cascade: each docking emits Poisson(χ) vesicles of the target species at the node \
                 with payload A · c."
            }
        }
    }

    /// The unit of the operator's strength η (empty where it has none).
    pub fn eta_unit(&self) -> &'static str {
        match self {
            ReleaseOp::Gain(_) | ReleaseOp::Film { .. } => "gain per unit u·c",
            ReleaseOp::Shift(_) => "shift per unit u·c",
            ReleaseOp::Weight(_) => "weight per unit u·c·a_j",
            ReleaseOp::LearningRate(_) | ReleaseOp::EmissionGain { .. } => {
                "log-factor per unit u·c"
            }
            ReleaseOp::Threshold(_) => "threshold per unit u·c",
            ReleaseOp::Memory(_) | ReleaseOp::Cascade { .. } => "",
        }
    }

    /// The operator's name as the UI and exports show it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ReleaseOp::Gain(_) => "Gain",
            ReleaseOp::Shift(_) => "Shift",
            ReleaseOp::Film { .. } => "Film",
            ReleaseOp::Weight(_) => "Weight",
            ReleaseOp::LearningRate(_) => "LearningRate",
            ReleaseOp::Threshold(_) => "Threshold",
            ReleaseOp::EmissionGain { .. } => "EmissionGain",
            ReleaseOp::Memory(_) => "Memory",
            ReleaseOp::Cascade { .. } => "Cascade",
        }
    }
}
