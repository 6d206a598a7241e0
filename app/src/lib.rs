//! nv_lab: the Neuro-Vesicles Lab application: the lab window ([`lab`]) and the headless
//! subcommands ([`cli`]) of the `nvlab` binary. A library so the UI tests (egui_kittest) and
//! the binary share one build of it.

pub mod cli;
pub mod lab;
pub mod presets;
