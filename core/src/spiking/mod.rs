//! The spiking extension (MODEL §8): a current-based LIF network integrated exactly between
//! steps, its inputs, STDP, and the description shared with the Darwin3 emulator.
//!
//! - [`spec`]: the preset types ([`SpikingSpec`]) and their checks;
//! - [`build()`]: spec + seed → [`SpikingNetwork`] + host graph;
//! - [`lif`]: the floating-point reference ([`LifReference`]), runnable on its own;
//! - [`stdp`]: pair-based STDP, two- or three-factor ([`Stdp`]);
//! - [`topology`], [`raster`]: synapse rows and bounded spike records.
//!
//! The host that runs all this inside a world is [`crate::host::spiking`].

pub mod build;
pub mod calendar;
pub mod lif;
pub mod metrics;
pub mod network;
pub mod raster;
pub mod spec;
pub mod stdp;
pub mod topology;

pub use build::build;
pub use lif::{LifReference, refractory_steps};
pub use network::{InputSource, LifParams, NeuronKind, Population, SpikingNetwork, Synapse};
pub use raster::Raster;
pub use spec::SpikingSpec;
pub use stdp::Stdp;
pub use topology::Topology;
