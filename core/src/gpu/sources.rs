//! The WGSL sources of the GPU engine: the only place that embeds `shaders/*.wgsl`.
//!
//! WGSL has no `#include`, so every stage's full source is `common.wgsl`, a newline, then the
//! stage file. The runtime and the naga validation test (`core/tests/gpu.rs`) both read the
//! shaders through [`stage_source`], and that test fails on any `.wgsl` file in `shaders/`
//! that is neither `common.wgsl` nor listed in [`STAGES`].

/// The shared helpers (the counter-based RNG), prepended to every stage.
pub const COMMON: &str = include_str!("../../../shaders/common.wgsl");

const RNG_GOLDEN: &str = include_str!("../../../shaders/rng_golden.wgsl");

// ---- Population stages (decay_dock_hop, accumulate, scan, compact, emit) ----
const DECAY_DOCK_HOP: &str = include_str!("../../../shaders/decay_dock_hop.wgsl");
const ACCUMULATE: &str = include_str!("../../../shaders/accumulate.wgsl");
const SCAN: &str = include_str!("../../../shaders/scan.wgsl");
const COMPACT: &str = include_str!("../../../shaders/compact.wgsl");
const EMIT: &str = include_str!("../../../shaders/emit.wgsl");
/// The population stages, in the order a step runs them.
pub const POPULATION_STAGES: &[&str] = &["decay_dock_hop", "accumulate", "scan", "compact", "emit"];
// ---- end of population stages ----

/// The names of all compute stages: the stems of their files in `shaders/`.
pub const STAGES: &[&str] =
    &["rng_golden", "decay_dock_hop", "accumulate", "scan", "compact", "emit"];

/// The stage file alone (without `common.wgsl`), or `None` for an unknown name.
fn stage_file(name: &str) -> Option<&'static str> {
    match name {
        "rng_golden" => Some(RNG_GOLDEN),
        // Population stages.
        "decay_dock_hop" => Some(DECAY_DOCK_HOP),
        "accumulate" => Some(ACCUMULATE),
        "scan" => Some(SCAN),
        "compact" => Some(COMPACT),
        "emit" => Some(EMIT),
        _ => None,
    }
}

/// The full WGSL source of stage `name` (`common.wgsl` + `"\n"` + the stage file), or `None`
/// if `name` is not in [`STAGES`].
pub fn stage_source(name: &str) -> Option<String> {
    stage_file(name).map(|stage| format!("{COMMON}\n{stage}"))
}
