//! # nv_core: the Neuro-Vesicles engine
//!
//! A host network (a rate MLP trained online, or a plain graph driven by stimuli) lives beside a
//! population of discrete, mobile vesicles (Li, Xu, Kane, *Neuro-Vesicles*, arXiv 2512.06966).
//! Each step, in this order (`../shared/MODEL.md` §3):
//!
//! 1. the host updates with the modulation state of the previous step;
//! 2. the fields of the step are computed once: per species, the migration kernel over every
//!    node's moves, hop and docking probabilities, emission rates;
//! 3. every free vesicle, independently: decay → dock (release into per-node fixed-point
//!    accumulators; absorb or stay) → hop if it did not dock (count the pathway) → payload fade;
//! 4. modulation relaxes toward its defaults, then the accumulated releases apply; pathway
//!    traces decay and take their increments; cascade births and emissions are appended;
//! 5. observables and events are recorded.
//!
//! All randomness is a hash of (seed, step, stable id, stream) ([`rng`]), so a run is the same
//! whatever the thread count. The same population also has a continuous density relaxation
//! ([`density`]), the mean field of the particle process, exact in expectation when the fields
//! do not depend on the vesicles themselves.

pub mod backend;
pub mod bench;
pub mod cascade;
pub mod compile;
pub mod cpu;
pub mod csv;
pub mod darwin3;
pub mod density;
pub mod fastmath;
pub mod gpu;
pub mod graph;
pub mod host;
pub mod invariants;
pub mod json_stream;
pub mod modulation;
pub mod nodeset;
pub mod nonfinite;
pub mod observe;
pub mod preset;
pub mod release;
pub mod rng;
pub mod species;
pub mod spiking;
pub mod twin;
pub mod vesicles;
pub mod world;

pub use preset::{Mode, Preset, PresetError};
pub use world::World;
