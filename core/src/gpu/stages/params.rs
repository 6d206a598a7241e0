//! The species constants as the shaders read them: `SpeciesParams` and `ReleaseOp` of
//! `shaders/common.wgsl` (gpudensity block), packed from [`CompiledSpecies`], and the other
//! per-species and per-node arrays of the fields stage.

use crate::compile::{CompiledMemory, CompiledRelease, CompiledSpecies, CompiledTrigger};
use crate::graph::Direction;
use crate::host::Signals;
use crate::species::Mat4;

/// `NO_INDEX` of `common.wgsl`: no meta signal.
const NO_INDEX: u32 = u32::MAX;

/// Bytes of one `SpeciesParams` (24 scalars, then two 4 × 4 matrices).
pub const SPECIES_PARAMS_BYTES: usize = 224;

/// Bytes of one `ReleaseOp`.
pub const RELEASE_OP_BYTES: usize = 112;

fn direction_code(d: Direction) -> u32 {
    match d {
        Direction::Forward => 0,
        Direction::Backward => 1,
        Direction::Both => 2,
    }
}

/// Rows in order: in WGSL `m[r]` is then row r.
fn mat_words(m: &Mat4) -> impl Iterator<Item = u32> + '_ {
    m.iter().flatten().map(|x| x.to_bits())
}

/// The `SpeciesParams` array and the `ReleaseOp` list of `species`, as bytes.
pub fn species_bytes(species: &[CompiledSpecies]) -> (Vec<u8>, Vec<u8>) {
    let mut params = Vec::with_capacity(species.len() * SPECIES_PARAMS_BYTES / 4);
    let mut ops: Vec<u32> = Vec::new();
    for s in species {
        let start = (ops.len() * 4 / RELEASE_OP_BYTES) as u32;
        for op in &s.releases {
            let (kind, target, eta, chi, u, transform, eps, log_retain) = match op {
                CompiledRelease::Add { channel, amount } => (
                    0u32,
                    *channel as u32,
                    amount.eta,
                    0.0,
                    amount.u,
                    crate::species::IDENTITY,
                    0.0,
                    0.0,
                ),
                CompiledRelease::Memory(CompiledMemory::Running) => {
                    (1, 0, 0.0, 0.0, [0.0; 4], crate::species::IDENTITY, 0.0, 0.0)
                }
                CompiledRelease::Memory(CompiledMemory::Fixed { eps, log_retain }) => {
                    (2, 0, 0.0, 0.0, [0.0; 4], crate::species::IDENTITY, *eps, *log_retain as f32)
                }
                CompiledRelease::Cascade { species, chi, transform } => {
                    (3, *species as u32, 0.0, *chi, [0.0; 4], *transform, 0.0, 0.0)
                }
            };
            ops.extend([kind, target, eta.to_bits(), f32::to_bits(chi)]);
            ops.extend(u.map(f32::to_bits));
            ops.extend(mat_words(&transform));
            ops.extend([f32::to_bits(eps), log_retain.to_bits(), 0, 0]);
        }
        let end = (ops.len() * 4 / RELEASE_OP_BYTES) as u32;
        let (trigger, trigger_meta) = match s.trigger {
            CompiledTrigger::Activity => (0, 0),
            CompiledTrigger::Error => (1, 0),
            CompiledTrigger::ErrorMagnitude => (2, 0),
            CompiledTrigger::Meta(k) => (3, k as u32),
            CompiledTrigger::Manual => (4, 0),
        };
        let f = f32::to_bits;
        params.extend([
            f(s.inv_temperature),
            f(s.alpha_weight),
            f(s.alpha_activity),
            f(s.alpha_density),
            f(s.alpha_pathway),
            s.density_species as u32,
            direction_code(s.direction),
            f(s.hop),
            f(s.dock_rate_dt),
            f(s.dock_gain),
            f(s.dock_threshold),
            f(s.dock_const.unwrap_or(0.0)),
            u32::from(s.dock_const.is_some()),
            f(s.absorption),
            f(s.survival),
            f(s.fade),
            f(s.rate),
            f(s.slope),
            f(s.threshold),
            trigger,
            trigger_meta,
            s.payload_meta.map_or(NO_INDEX, |k| k as u32),
            start,
            end,
        ]);
        params.extend(mat_words(&s.projection));
        params.extend(mat_words(&s.payload));
    }
    (super::buffers::u32_bytes(params), super::buffers::u32_bytes(ops))
}

/// The learned biases of every species, `[κ · moves + mv]`.
pub fn bias_bytes(species: &[CompiledSpecies]) -> Vec<u8> {
    super::buffers::f32_bytes(species.iter().flat_map(|s| s.bias.iter().copied()))
}

/// 1 at the sources of each species, else 0, `[κ · n + i]`.
pub fn source_bytes(species: &[CompiledSpecies], n: usize) -> Vec<u8> {
    let mut flags = vec![0u32; species.len() * n];
    for (k, s) in species.iter().enumerate() {
        for &i in &s.sources {
            flags[k * n + i as usize] = 1;
        }
    }
    super::buffers::u32_bytes(flags)
}

/// Per node (activity, error, |error|, brush).
pub fn signal_bytes(signals: &Signals, brush: &[f32]) -> Vec<u8> {
    let n = signals.activity.len();
    super::buffers::f32_bytes(
        (0..n)
            .flat_map(|i| [signals.activity[i], signals.error[i], signals.error_abs[i], brush[i]]),
    )
}
