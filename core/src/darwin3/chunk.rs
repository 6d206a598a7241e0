//! A chunk: the neurons of one population that share one core, with the memory they need
//! there. Partitioning cuts populations into chunks; placement gives each chunk a core.

use serde::{Deserialize, Serialize};

/// Consecutive neurons of one population placed together on one core.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    /// Index of the population (into `SpikingNetwork::populations`).
    pub population: usize,
    /// First global neuron index.
    pub start: u32,
    /// Number of neurons, 1..=4096.
    pub len: u32,
    /// Dendrite words its tables need (DARWIN3.md §3.2 budget, reserves included).
    pub dendrite_words: u32,
    /// Axon words its tables need.
    pub axon_words: u32,
    /// Whether the chunk is host input (placed at a virtual edge coordinate, not on a core).
    pub input: bool,
}

impl Chunk {
    /// The global neuron indices of the chunk.
    pub fn neurons(&self) -> std::ops::Range<u32> {
        self.start..self.start + self.len
    }
}
