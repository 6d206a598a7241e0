//! The synapses of a [`SpikingNetwork`] as compressed rows: outgoing synapses by presynaptic
//! neuron (their own order, since synapses are sorted by `(pre, post)`) and incoming synapse
//! ids by postsynaptic neuron. The reference and STDP walk these on the step path.

use std::ops::Range;

use super::SpikingNetwork;

/// Out- and in-adjacency of the synapses, by synapse index (= host graph edge index).
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// `n + 1` offsets: synapses of pre neuron j are `out_offsets[j]..out_offsets[j + 1]`.
    pub out_offsets: Vec<u32>,
    /// Presynaptic neuron of each synapse.
    pub pre: Vec<u32>,
    /// Postsynaptic neuron of each synapse (increasing within one pre neuron's range).
    pub post: Vec<u32>,
    /// Delay of each synapse, steps (≥ 1).
    pub delay: Vec<u32>,
    /// Whether STDP changes each synapse.
    pub plastic: Vec<bool>,
    /// `n + 1` offsets into `in_synapses`, by post neuron.
    pub in_offsets: Vec<u32>,
    /// Synapse ids grouped by post neuron, increasing within a group.
    pub in_synapses: Vec<u32>,
    /// The longest delay, steps (1 when there are no synapses).
    pub max_delay: u32,
}

impl Topology {
    /// The rows of a network whose synapses are sorted by `(pre, post)` (see
    /// [`SpikingNetwork::check`]).
    pub fn new(net: &SpikingNetwork) -> Self {
        let n = net.len();
        let m = net.synapses.len();
        let mut out_offsets = vec![0u32; n + 1];
        let mut in_offsets = vec![0u32; n + 1];
        for s in &net.synapses {
            out_offsets[s.pre as usize + 1] += 1;
            in_offsets[s.post as usize + 1] += 1;
        }
        for i in 0..n {
            out_offsets[i + 1] += out_offsets[i];
            in_offsets[i + 1] += in_offsets[i];
        }
        let mut fill: Vec<u32> = in_offsets[..n].to_vec();
        let mut in_synapses = vec![0u32; m];
        for (k, s) in net.synapses.iter().enumerate() {
            let slot = &mut fill[s.post as usize];
            in_synapses[*slot as usize] = k as u32;
            *slot += 1;
        }
        Self {
            out_offsets,
            pre: net.synapses.iter().map(|s| s.pre).collect(),
            post: net.synapses.iter().map(|s| s.post).collect(),
            delay: net.synapses.iter().map(|s| s.delay).collect(),
            plastic: net.synapses.iter().map(|s| s.plastic).collect(),
            in_offsets,
            in_synapses,
            max_delay: net.synapses.iter().map(|s| s.delay).max().unwrap_or(1).max(1),
        }
    }

    /// Number of neurons.
    pub fn n(&self) -> usize {
        self.out_offsets.len() - 1
    }

    /// Number of synapses.
    pub fn m(&self) -> usize {
        self.post.len()
    }

    /// The synapses leaving neuron `j`.
    pub fn outgoing(&self, j: usize) -> Range<usize> {
        self.out_offsets[j] as usize..self.out_offsets[j + 1] as usize
    }

    /// The synapses arriving at neuron `i`.
    pub fn incoming(&self, i: usize) -> &[u32] {
        &self.in_synapses[self.in_offsets[i] as usize..self.in_offsets[i + 1] as usize]
    }
}
