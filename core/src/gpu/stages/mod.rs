//! The compute stages: one module per WGSL file in `shaders/`, each with a struct holding its
//! pipeline and bind-group layout, an `encode` that records it into a command encoder from a
//! `…Bindings` struct of buffers in binding order, and a `run_once` that runs it from CPU
//! arrays (the check against its CPU twin in `crate::cpu`).

// ---- gpudensity block: the fields, density and apply stages ----
pub mod apply;
pub mod buffers;
pub mod density;
pub mod kernel;
pub mod params;
// ---- end gpudensity block ----
