//! The WGSL sources of the GPU engine: the only place that embeds `shaders/*.wgsl`.
//!
//! WGSL has no `#include`, so every stage's full source is `common.wgsl`, a newline, then the
//! stage file. The runtime and the naga validation test (`core/tests/gpu.rs`) both read the
//! shaders through [`stage_source`], and that test fails on any `.wgsl` file in `shaders/`
//! that is neither `common.wgsl` nor listed in [`STAGES`].

/// The shared helpers (the counter-based RNG), prepended to every stage.
pub const COMMON: &str = include_str!("../../../shaders/common.wgsl");

const RNG_GOLDEN: &str = include_str!("../../../shaders/rng_golden.wgsl");

// ---- gpudensity block: the fields, density and apply stages ----
const KERNEL: &str = include_str!("../../../shaders/kernel.wgsl");
const DENSITY: &str = include_str!("../../../shaders/density.wgsl");
const APPLY: &str = include_str!("../../../shaders/apply.wgsl");
// ---- end gpudensity block ----

/// The names of all compute stages: the stems of their files in `shaders/`.
pub const STAGES: &[&str] = &[
    "rng_golden",
    // ---- gpudensity block ----
    "kernel",
    "density",
    "apply",
    // ---- end gpudensity block ----
];

/// The stage file alone (without `common.wgsl`), or `None` for an unknown name.
fn stage_file(name: &str) -> Option<&'static str> {
    match name {
        "rng_golden" => Some(RNG_GOLDEN),
        // ---- gpudensity block ----
        "kernel" => Some(KERNEL),
        "density" => Some(DENSITY),
        "apply" => Some(APPLY),
        // ---- end gpudensity block ----
        _ => None,
    }
}

/// The full WGSL source of stage `name` (`common.wgsl` + `"\n"` + the stage file), or `None`
/// if `name` is not in [`STAGES`].
pub fn stage_source(name: &str) -> Option<String> {
    stage_file(name).map(|stage| format!("{COMMON}\n{stage}"))
}
