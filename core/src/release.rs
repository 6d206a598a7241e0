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
