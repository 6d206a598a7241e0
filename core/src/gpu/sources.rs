//! The WGSL sources of the GPU engine: the only place that embeds `shaders/*.wgsl`.
//!
//! WGSL has no `#include`, so every stage's full source is `common.wgsl`, then the library its
//! family shares (`fields_common.wgsl` for the fields, density and apply stages,
//! `population_common.wgsl` for the population stages), then the stage file, joined by
//! newlines. The runtime and the naga validation test (`core/tests/gpu.rs`) both read the
//! shaders through [`stage_source`], and that test fails on any `.wgsl` file in `shaders/`
//! that is neither a library ([`LIBRARIES`]) nor listed in [`STAGES`].

/// The shared helpers (the counter-based RNG, fast math, fixed point), prepended to every
/// stage.
pub const COMMON: &str = include_str!("../../../shaders/common.wgsl");
/// The helpers of the fields, density and apply stages.
const FIELDS_COMMON: &str = include_str!("../../../shaders/fields_common.wgsl");
/// The structs and helpers of the population stages.
const POPULATION_COMMON: &str = include_str!("../../../shaders/population_common.wgsl");

/// The stems of the shared files that are not stages.
pub const LIBRARIES: &[&str] = &["common", "fields_common", "population_common"];

const RNG_GOLDEN: &str = include_str!("../../../shaders/rng_golden.wgsl");
const FASTMATH_GOLDEN: &str = include_str!("../../../shaders/fastmath_golden.wgsl");
const KERNEL: &str = include_str!("../../../shaders/kernel.wgsl");
const DENSITY: &str = include_str!("../../../shaders/density.wgsl");
const APPLY: &str = include_str!("../../../shaders/apply.wgsl");
const DECAY_DOCK_HOP: &str = include_str!("../../../shaders/decay_dock_hop.wgsl");
const ACCUMULATE: &str = include_str!("../../../shaders/accumulate.wgsl");
const SCAN: &str = include_str!("../../../shaders/scan.wgsl");
const COMPACT: &str = include_str!("../../../shaders/compact.wgsl");
const EMIT: &str = include_str!("../../../shaders/emit.wgsl");

/// The population stages, in the order a step runs them.
pub const POPULATION_STAGES: &[&str] = &["decay_dock_hop", "accumulate", "scan", "compact", "emit"];

/// The names of all compute stages: the stems of their files in `shaders/`.
pub const STAGES: &[&str] = &[
    "rng_golden",
    "fastmath_golden",
    "kernel",
    "density",
    "apply",
    "decay_dock_hop",
    "accumulate",
    "scan",
    "compact",
    "emit",
];

/// The stage file alone and the library it needs (empty for none), or `None` for an unknown
/// name.
fn stage_file(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "rng_golden" => Some((RNG_GOLDEN, "")),
        "fastmath_golden" => Some((FASTMATH_GOLDEN, "")),
        "kernel" => Some((KERNEL, FIELDS_COMMON)),
        "density" => Some((DENSITY, FIELDS_COMMON)),
        "apply" => Some((APPLY, FIELDS_COMMON)),
        "decay_dock_hop" => Some((DECAY_DOCK_HOP, POPULATION_COMMON)),
        "accumulate" => Some((ACCUMULATE, POPULATION_COMMON)),
        "scan" => Some((SCAN, POPULATION_COMMON)),
        "compact" => Some((COMPACT, POPULATION_COMMON)),
        "emit" => Some((EMIT, POPULATION_COMMON)),
        _ => None,
    }
}

/// The full WGSL source of stage `name` (`common.wgsl`, its family's library, the stage file),
/// or `None` if `name` is not in [`STAGES`].
pub fn stage_source(name: &str) -> Option<String> {
    stage_file(name).map(|(stage, library)| format!("{COMMON}\n{library}\n{stage}"))
}
