//! Species: the editable recipe of a kind of vesicle (MODEL §2). Serde types, as written in
//! presets; units are seconds of simulated time and "per second" for rates.

use serde::{Deserialize, Serialize};

use crate::graph::Direction;
use crate::nodeset::NodeSet;
use crate::release::ReleaseOp;

/// A 4 × 4 matrix, row-major: `m[row][col]`.
pub type Mat4 = [[f32; 4]; 4];

/// The 4 × 4 identity.
pub const IDENTITY: Mat4 =
    [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]];

/// `m · v`.
#[inline(always)]
pub fn mat_vec(m: &Mat4, v: [f32; 4]) -> [f32; 4] {
    let mut out = [0.0; 4];
    for (o, row) in out.iter_mut().zip(m) {
        *o = row[0] * v[0] + row[1] * v[1] + row[2] * v[2] + row[3] * v[3];
    }
    out
}

/// `a · b`.
#[inline(always)]
pub fn dot(a: [f32; 4], b: [f32; 4]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]
}

fn one() -> f32 {
    1.0
}

/// A kind of vesicle: emission, lifetime, migration, docking, release, decay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Species {
    /// Name, unique within a preset; other species refer to it by this name.
    pub name: String,
    /// Display colour, sRGB.
    #[serde(default = "default_color")]
    pub color: [u8; 3],
    /// How and where vesicles are emitted.
    pub emission: Emission,
    /// How long a vesicle lives.
    #[serde(default)]
    pub lifetime: Lifetime,
    /// Payload fade time constant τ_c in seconds (c ← c·exp(−dt/τ_c) each step); `None`: the
    /// payload never fades. Default `None`.
    #[serde(default)]
    pub payload_fade: Option<f32>,
    /// The migration kernel.
    #[serde(default)]
    pub kernel: Kernel,
    /// Docking.
    #[serde(default)]
    pub docking: Docking,
    /// Probability p_abs that a docked vesicle is absorbed; otherwise it stays free at the node
    /// and does not hop that step ("kiss and run"). In [0, 1]; default 1.
    #[serde(default = "one")]
    pub absorption: f32,
    /// What a docking does, in order.
    #[serde(default)]
    pub releases: Vec<ReleaseOp>,
    /// Population scale N (MODEL §5, dense regime): emission rates are multiplied by N and
    /// payloads divided by N, so the expected total release stays fixed while the number of
    /// vesicles grows. Positive; default 1.
    #[serde(default = "one")]
    pub scale: f32,
}

fn default_color() -> [u8; 3] {
    [230, 160, 40]
}

/// What drives emission at a node (MODEL §2, the trigger signal x_i).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// x_i = a_i, the node's activity.
    #[default]
    Activity,
    /// x_i = e_i, the node's backprop error (signed).
    Error,
    /// x_i = |e_i|, the batch mean of the error's magnitude.
    ErrorMagnitude,
    /// x_i = m_k, the named global meta signal (same at every source).
    Meta(String),
    /// x_i = the user's brush intensity at the node (0 where not painted).
    Manual,
}

/// Emission (MODEL §2): each step, each source node emits Poisson(λ_i·dt) vesicles with
/// λ_i = r_max · N · G_i · σ(s_e·(x_i − θ_e)) and payload c = P · [a_i, e_i, m, 1] / N.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Emission {
    /// The trigger signal.
    #[serde(default)]
    pub trigger: Trigger,
    /// Source nodes. Default: all nodes.
    #[serde(default)]
    pub sources: NodeSet,
    /// Maximum rate r_max per source node, vesicles per second. ≥ 0.
    pub rate: f32,
    /// Slope s_e of the sigmoid (per unit of the trigger signal). Default 1; 0 makes the rate
    /// r_max/2 whatever the signal.
    #[serde(default = "one")]
    pub slope: f32,
    /// Threshold θ_e of the sigmoid, in units of the trigger signal. Default 0.
    #[serde(default)]
    pub threshold: f32,
    /// The payload matrix P: payload = P · [a_i, e_i, m, 1]. Default: the identity.
    #[serde(default = "identity")]
    pub payload: Mat4,
    /// The meta signal used as m in the payload. Default: the trigger's meta signal if it has
    /// one, else the first meta signal of the preset, else 0.
    #[serde(default)]
    pub payload_meta: Option<String>,
}

fn identity() -> Mat4 {
    IDENTITY
}

/// The lifetime law.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LifetimeLaw {
    /// Memoryless: each step a vesicle dies with probability 1 − exp(−dt/L) (exact mean field).
    #[default]
    Exponential,
    /// Every vesicle lives exactly L (rounded to whole steps: it dies in the step where its
    /// remaining lifetime τ falls to within half a step of 0).
    Fixed,
}

/// How long a vesicle lives.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lifetime {
    /// The law.
    #[serde(default)]
    pub law: LifetimeLaw,
    /// Mean lifetime L in seconds. > 0; default 10.
    #[serde(default = "default_life")]
    pub mean: f32,
}

fn default_life() -> f32 {
    10.0
}

impl Default for Lifetime {
    fn default() -> Self {
        Self { law: LifetimeLaw::Exponential, mean: default_life() }
    }
}

/// One learned kernel bias b_ij on the move from node `from` to node `to`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveBias {
    /// Node the move leaves.
    pub from: u32,
    /// Node the move arrives at.
    pub to: u32,
    /// Bias b_ij added to the logit (dimensionless).
    pub value: f32,
}

/// The migration kernel (MODEL §2): a free vesicle hops with probability 1 − exp(−μ·dt), to a
/// neighbour j drawn from softmax_j((b_ij + α_w|w_ij| + α_a a_j + α_ρ ρ_j + α_π π_ij) / T).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kernel {
    /// Mobility μ, hops per second. ≥ 0; default 1.
    #[serde(default = "one")]
    pub mobility: f32,
    /// Which edges may be travelled. Default `Forward`.
    #[serde(default)]
    pub direction: Direction,
    /// Temperature T of the softmax. > 0; default 1.
    #[serde(default = "one")]
    pub temperature: f32,
    /// α_w: attraction to strong edges (|weight|). Default 0.
    #[serde(default)]
    pub alpha_weight: f32,
    /// α_a: attraction to active targets. Default 0.
    #[serde(default)]
    pub alpha_activity: f32,
    /// α_ρ: chemotaxis toward (> 0) or away from (< 0) the density of `density_species`.
    /// Default 0.
    #[serde(default)]
    pub alpha_density: f32,
    /// The species whose density α_ρ couples to. Default: this species.
    #[serde(default)]
    pub density_species: Option<String>,
    /// α_π: attraction to pathway traces (> 0 carves pathways). Default 0.
    #[serde(default)]
    pub alpha_pathway: f32,
    /// Learned per-move biases b_ij; moves not listed have bias 0.
    #[serde(default)]
    pub bias: Vec<MoveBias>,
}

impl Default for Kernel {
    fn default() -> Self {
        Self {
            mobility: 1.0,
            direction: Direction::Forward,
            temperature: 1.0,
            alpha_weight: 0.0,
            alpha_activity: 0.0,
            alpha_density: 0.0,
            density_species: None,
            alpha_pathway: 0.0,
            bias: Vec::new(),
        }
    }
}

/// Docking (MODEL §2): a free vesicle at node i docks with probability 1 − exp(−k_i·dt),
/// k_i = k0 · σ(γ·(cos(W·c, r_i) − θ_d)), r_i the node's receptor vector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docking {
    /// Base rate k0, per second. ≥ 0; default 1. With `gain` 0 the rate is k0/2 everywhere.
    #[serde(default = "one")]
    pub rate: f32,
    /// Receptor selectivity γ (dimensionless). Default 0: content does not matter.
    #[serde(default)]
    pub gain: f32,
    /// Cosine threshold θ_d in [−1, 1]. Default 0.
    #[serde(default)]
    pub threshold: f32,
    /// The projection W applied to the payload before matching receptors. Default identity.
    #[serde(default = "identity")]
    pub projection: Mat4,
}

impl Default for Docking {
    fn default() -> Self {
        Self { rate: 1.0, gain: 0.0, threshold: 0.0, projection: IDENTITY }
    }
}

/// cos(a, b), 0 when either is the zero vector.
#[inline(always)]
pub fn cosine(a: [f32; 4], b: [f32; 4]) -> f32 {
    let na = dot(a, a);
    let nb = dot(b, b);
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    dot(a, b) / (na * nb).sqrt()
}
