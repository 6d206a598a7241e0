//! Throughput of the emulator: a deterministic layered network (input → hidden layers) mapped
//! with [`Mapping::west_block`], timed for mapping and for emulated neuron-steps per second.
//! Used by `benches/darwin3_emulator.rs`; [`random_packets`] feeds the mesh bench and tests.

use std::time::Instant;

use super::emulator::{EmuConfig, Emulator};
use super::geometry::CoreCoord;
use super::mapping::Mapping;
use super::packet::{Packet, PacketClass};
use crate::rng::{Rng, UniformSeq};
use crate::spiking::{InputSource, LifParams, NeuronKind, Population, SpikingNetwork, Synapse};

/// Width of the presynaptic window of a bench neuron.
pub const WINDOW: u32 = 256;

/// The LIF parameters of every bench neuron.
const BENCH_LIF: LifParams = LifParams {
    tau_m: 0.02,
    tau_s: 0.005,
    v_rest: -65.0,
    v_reset: -65.0,
    theta: -50.0,
    t_ref: 0.0,
    i_ext: 0.0,
};

/// A network of `neurons` LIF neurons in 4 equal layers after 1000 inputs; each LIF neuron
/// receives `fan_in` synapses from a window of [`WINDOW`] neurons of the previous layer around
/// its own relative position (topographic, as convolutional layers are; fully random fan-in
/// from 25 000 sources would not compress into the cores' dendrite memory). Weights are
/// uniform in [0, 4) mV, excitatory: activity propagates at a few spikes per neuron per 100
/// steps (not saturated).
pub fn bench_network(neurons: u32, fan_in: u32, seed: u64) -> SpikingNetwork {
    let inputs = 1000;
    let layer = neurons / 4;
    let sizes = [inputs, layer, layer, layer, neurons - 3 * layer];
    let mut nodes = Vec::new();
    let mut populations = Vec::new();
    for (l, &len) in sizes.iter().enumerate() {
        populations.push(Population {
            name: format!("layer{l}"),
            start: nodes.len() as u32,
            len,
            layer: l as u32,
        });
        for _ in 0..len {
            nodes.push(if l == 0 {
                NeuronKind::Input(InputSource::Poisson { rate: 20.0 })
            } else {
                NeuronKind::Lif(BENCH_LIF)
            });
        }
    }
    let rng = Rng::new(seed);
    let mut synapses = Vec::new();
    for l in 1..populations.len() {
        let (prev, cur) = (&populations[l - 1], &populations[l]);
        for post in cur.start..cur.start + cur.len {
            let mut seq = UniformSeq::new(&rng, 0, post as u64, 0);
            let centre = (post - cur.start) as u64 * prev.len as u64 / cur.len as u64;
            for _ in 0..fan_in {
                let off = (seq.next_word() % WINDOW) as u64;
                let pre = prev.start + ((centre + off) % prev.len as u64) as u32;
                synapses.push(Synapse {
                    pre,
                    post,
                    weight: 4.0 * seq.next_f64(),
                    delay: 1,
                    plastic: false,
                });
            }
        }
    }
    synapses.sort_by_key(|s| (s.pre, s.post));
    synapses.dedup_by_key(|s| (s.pre, s.post));
    SpikingNetwork { dt: 0.001, neurons: nodes, populations, synapses }
}

/// What [`measure`] found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Darwin3Bench {
    /// LIF neurons emulated.
    pub neurons: u32,
    /// Seconds to partition, build the tables, place and validate.
    pub map_seconds: f64,
    /// Emulated neuron-steps per second.
    pub neuron_steps_per_second: f64,
    /// Mean spikes per step.
    pub spikes_per_step: f64,
}

/// Maps [`bench_network`] and emulates `steps` steps with 5 % of the inputs spiking per step.
pub fn measure(neurons: u32, fan_in: u32, steps: u32) -> Result<Darwin3Bench, String> {
    let net = bench_network(neurons, fan_in, 7);
    let cfg = EmuConfig::default();
    let t0 = Instant::now();
    let mapping = Mapping::west_block(&net, &cfg.map_config())?;
    let mut emu = Emulator::new(&net, &mapping, cfg)?;
    let map_seconds = t0.elapsed().as_secs_f64();
    let rng = Rng::new(9);
    let t1 = Instant::now();
    let mut spikes = 0usize;
    for t in 0..steps {
        let mut seq = UniformSeq::new(&rng, t, 0, 1);
        let input: Vec<u32> = (0..1000).filter(|_| seq.next_f64() < 0.05).collect();
        spikes += emu.step(&input).spikes.len();
    }
    let secs = t1.elapsed().as_secs_f64().max(1e-9);
    Ok(Darwin3Bench {
        neurons,
        map_seconds,
        neuron_steps_per_second: neurons as f64 * steps as f64 / secs,
        spikes_per_step: spikes as f64 / steps as f64,
    })
}

/// `n` random packets between tiles and host edges (x = −1 and 24), all classes, injected in
/// cycles 0..1000; the same `seed`, the same packets.
pub fn random_packets(n: usize, seed: u64) -> Vec<Packet> {
    let rng = Rng::new(seed);
    let mut seq = UniformSeq::new(&rng, 0, 2, 0);
    let mut index = |n: usize| ((u64::from(seq.next_word()) * n as u64) >> 32) as usize;
    let ends: Vec<CoreCoord> = (0..26 * 24).map(|i| CoreCoord::new(i % 26 - 1, i / 26)).collect();
    let classes = [PacketClass::Spike, PacketClass::Write, PacketClass::Read, PacketClass::Reward];
    (0..n)
        .map(|_| Packet {
            src: ends[index(ends.len())],
            dst: ends[index(ends.len())],
            class: classes[index(4)],
            inject_cycle: index(1000) as u64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_network_maps_and_spikes() {
        let b = measure(2000, 50, 100).expect("maps");
        assert!(b.spikes_per_step > 0.0, "{b:?}");
    }
}
