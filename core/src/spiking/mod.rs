//! The spiking extension (MODEL §8): a current-based LIF network integrated exactly between
//! steps, its inputs, STDP, and the description shared with the Darwin3 emulator.

pub mod metrics;
pub mod network;

pub use network::{InputSource, LifParams, NeuronKind, Population, SpikingNetwork, Synapse};
