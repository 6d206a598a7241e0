//! The synaptic inputs in flight: a calendar queue with one list of `(post neuron, weight)`
//! arrivals per step of delay, so its size follows the spikes actually in flight rather than
//! neurons × delay slots.
//!
//! Arrivals are drained in the order they were pushed (by sending step, then sending neuron,
//! then synapse): added into a zeroed per-neuron sum in that order, each neuron's input is the
//! same floating-point sum, bit for bit, as the dense ring buffer of one slot per neuron and
//! delay step that this queue replaced.

/// Arrivals due at the next `slots` steps, one list per step modulo `slots`.
#[derive(Clone, Debug)]
pub struct DelayCalendar {
    lists: Vec<Vec<(u32, f64)>>,
}

impl DelayCalendar {
    /// An empty calendar for delays of 1 to `slots` steps (`slots` ≥ 1).
    pub fn new(slots: usize) -> Self {
        Self { lists: vec![Vec::new(); slots.max(1)] }
    }

    /// The number of slots (the longest delay, in steps).
    pub fn slots(&self) -> usize {
        self.lists.len()
    }

    /// Schedules `weight` to arrive at neuron `post` in slot `slot` (step modulo
    /// [`Self::slots`]).
    pub fn push(&mut self, slot: usize, post: u32, weight: f64) {
        self.lists[slot].push((post, weight));
    }

    /// Adds the arrivals of slot `slot` into `due` (indexed by neuron), in the order they were
    /// pushed, and empties the slot (keeping its memory for the next round).
    pub fn drain_into(&mut self, slot: usize, due: &mut [f64]) {
        let list = &mut self.lists[slot];
        for &(post, w) in list.iter() {
            due[post as usize] += w;
        }
        list.clear();
    }

    /// Arrivals scheduled and not yet drained.
    pub fn in_flight(&self) -> usize {
        self.lists.iter().map(Vec::len).sum()
    }
}
