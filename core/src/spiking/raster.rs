//! A bounded record of spikes as `(step, neuron)`: the newest [`Raster::capacity`] are kept,
//! the oldest dropped and counted.

use std::collections::VecDeque;

/// Spikes kept by default in a host's rasters.
pub const RASTER_KEPT: usize = 1_000_000;

/// The newest spikes, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Raster {
    capacity: usize,
    spikes: VecDeque<(u64, u32)>,
    dropped: u64,
}

impl Raster {
    /// An empty raster keeping at most `capacity` spikes.
    pub fn new(capacity: usize) -> Self {
        Self { capacity, spikes: VecDeque::new(), dropped: 0 }
    }

    /// Records the spikes of `step`, dropping the oldest beyond the capacity.
    pub fn push(&mut self, step: u64, neurons: &[u32]) {
        self.spikes.extend(neurons.iter().map(|&i| (step, i)));
        let over = self.spikes.len().saturating_sub(self.capacity);
        if over > 0 {
            self.spikes.drain(..over);
            self.dropped += over as u64;
        }
    }

    /// The kept spikes, `(step, neuron)`, oldest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &(u64, u32)> {
        self.spikes.iter()
    }

    /// Number of kept spikes.
    pub fn len(&self) -> usize {
        self.spikes.len()
    }

    /// Whether no spike is kept.
    pub fn is_empty(&self) -> bool {
        self.spikes.is_empty()
    }

    /// The most spikes kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Spikes dropped so far because the raster was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}
