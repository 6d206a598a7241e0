//! The Darwin3 emulator against its contract (DARWIN3.md §4.11): the constant-input LIF period,
//! `Clif` against the exact float LIF, determinism across thread counts, the capacity edges of
//! §4.1, the Lite3 memory example and the tables round trip.

use nv_core::darwin3::emulator::{EmuConfig, Emulator};
use nv_core::darwin3::mapping::{MapConfig, Mapping, build_tables, partition, validate};
use nv_core::darwin3::neuron::NeuronModel;
use nv_core::darwin3::quantise::quantise;
use nv_core::darwin3::{Chunk, CoreCoord};
use nv_core::rng::{Rng, UniformSeq};
use nv_core::spiking::{InputSource, LifParams, NeuronKind, Population, SpikingNetwork, Synapse};

const LIF: LifParams = LifParams {
    tau_m: 0.02,
    tau_s: 0.005,
    v_rest: -65.0,
    v_reset: -65.0,
    theta: -50.0,
    t_ref: 0.0,
    i_ext: 0.0,
};

/// A network of populations (name, size, is_input) and synapses.
fn network(pops: &[(&str, u32, bool)], mut synapses: Vec<Synapse>) -> SpikingNetwork {
    let mut neurons = Vec::new();
    let mut populations = Vec::new();
    for (layer, &(name, len, input)) in pops.iter().enumerate() {
        populations.push(Population {
            name: name.into(),
            start: neurons.len() as u32,
            len,
            layer: layer as u32,
        });
        for _ in 0..len {
            neurons.push(if input {
                NeuronKind::Input(InputSource::Schedule { steps: Vec::new() })
            } else {
                NeuronKind::Lif(LIF)
            });
        }
    }
    synapses.sort_by_key(|s| (s.pre, s.post));
    let net = SpikingNetwork { dt: 0.001, neurons, populations, synapses };
    net.check().expect("a valid test network");
    net
}

fn syn(pre: u32, post: u32, weight: f64) -> Synapse {
    Synapse { pre, post, weight, delay: 1, plastic: false }
}

/// All pairs pre ∈ a, post ∈ b with weights uniform in [lo, hi) from `seed`.
fn full(
    a: std::ops::Range<u32>,
    b: std::ops::Range<u32>,
    lo: f64,
    hi: f64,
    seed: u64,
) -> Vec<Synapse> {
    let rng = Rng::new(seed);
    let mut seq = UniformSeq::new(&rng, 0, 0, 0);
    let mut out = Vec::new();
    for i in a {
        for j in b.clone() {
            out.push(syn(i, j, lo + (hi - lo) * seq.next_f64()));
        }
    }
    out
}

fn single_chunk_mapping(net: &SpikingNetwork, coords: &[CoreCoord]) -> Mapping {
    let chunks = net
        .populations
        .iter()
        .enumerate()
        .map(|(p, pop)| Chunk {
            population: p,
            start: pop.start,
            len: pop.len,
            dendrite_words: 0,
            axon_words: 0,
            input: matches!(net.neurons[pop.start as usize], NeuronKind::Input(_)),
        })
        .collect();
    Mapping::new(chunks, coords.to_vec()).expect("as many coordinates as chunks")
}

fn rules(errors: &[nv_core::darwin3::RuleViolation]) -> Vec<u8> {
    errors.iter().map(|e| e.rule).collect()
}

/// §4.11: a `LifShift` neuron (k = 4) fed the same weight sum c every step spikes first at
/// the step at which the integer recurrence v ← v − (v >> 4) + c first reaches vth, then
/// periodically (reset to rest).
#[test]
fn constant_input_lif_shift_period_is_the_integer_recurrence() {
    let net = network(&[("in", 1, true), ("lif", 1, false)], vec![syn(0, 1, 5.0)]);
    let cfg = EmuConfig { model: NeuronModel::LifShift, w_bits: 16, ..EmuConfig::default() };
    let mapping = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
    let mut emu = Emulator::new(&net, &mapping, cfg).expect("builds");
    let tables = emu.tables();
    let record = &tables.dendrites[1];
    let c = record.expand(0, 0).next().expect("one entry").1;
    let vth = 16_384;
    assert!(c > 0 && c < vth / 4, "c = {c}");
    let mut v: i32 = 0;
    let mut expected = Vec::new();
    for t in 0..400u64 {
        v = v - (v >> 4) + c;
        if v >= vth {
            expected.push(t);
            v = 0;
        }
    }
    assert!(expected.len() >= 2, "the recurrence must spike: c = {c}");
    let spikes: Vec<u64> = (0..400).filter(|_| !emu.step(&[0]).spikes.is_empty()).collect();
    assert_eq!(spikes, expected);
    let period = expected[1] - expected[0];
    assert!(expected.windows(2).all(|w| w[1] - w[0] == period));
}

/// The exact float LIF of MODEL §8 (no refractory), for the comparison below.
fn float_lif_counts(net: &SpikingNetwork, inputs: &[Vec<u32>], steps: usize) -> Vec<u32> {
    let n = net.len();
    let (a, b) = ((-net.dt / LIF.tau_m).exp(), (-net.dt / LIF.tau_s).exp());
    let c = LIF.tau_s / (LIF.tau_s - LIF.tau_m) * (b - a);
    let mut v = vec![LIF.v_rest; n];
    let mut cur = vec![0.0; n];
    let mut due = vec![0.0; n];
    let mut counts = vec![0u32; n];
    for input in inputs.iter().take(steps) {
        let mut spiking: Vec<u32> = input.clone();
        for i in 0..n {
            if net.lif(i).is_none() {
                continue;
            }
            cur[i] += due[i];
            due[i] = 0.0;
            v[i] = LIF.v_rest + (v[i] - LIF.v_rest) * a + cur[i] * c;
            cur[i] *= b;
            if v[i] >= LIF.theta {
                v[i] = LIF.v_reset;
                counts[i] += 1;
                spiking.push(i as u32);
            }
        }
        for s in &net.synapses {
            if spiking.contains(&s.pre) {
                due[s.post as usize] += s.weight;
            }
        }
    }
    counts
}

/// `Clif` with 16-bit weights against the exact float LIF on a 40 → 10 → 5 feedforward net
/// driven by a fixed random raster (40 inputs, 10 % per step, 300 steps). Deterministic on
/// both sides; the tolerance is on state precision: the total spike count agrees within 5 %
/// and every neuron within 3 spikes (quantisation of v to 1/1092 mV and of P0, P4 to 1/256).
#[test]
fn clif_spike_counts_track_the_float_lif() {
    let mut synapses = full(0..40, 40..50, 0.0, 6.0, 11);
    synapses.extend(full(40..50, 50..55, 0.0, 12.0, 12));
    let net = network(&[("in", 40, true), ("hidden", 10, false), ("out", 5, false)], synapses);
    let steps = 300;
    let rng = Rng::new(5);
    let inputs: Vec<Vec<u32>> = (0..steps)
        .map(|t| {
            let mut seq = UniformSeq::new(&rng, t as u32, 0, 1);
            (0..40).filter(|_| seq.next_f64() < 0.1).collect()
        })
        .collect();
    let reference = float_lif_counts(&net, &inputs, steps);
    let cfg = EmuConfig { model: NeuronModel::Clif, w_bits: 16, ..EmuConfig::default() };
    let mapping = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
    let mut emu = Emulator::new(&net, &mapping, cfg).expect("builds");
    let mut counts = vec![0u32; net.len()];
    // The float reference integrates an input spike of step t at t + 1; the chip integrates
    // host input in the step it is given, so input of step t is passed at t + 1.
    for t in 0..=steps {
        let given: &[u32] = if t == 0 { &[] } else { &inputs[t - 1] };
        for n in emu.step(given).spikes {
            counts[n as usize] += 1;
        }
    }
    let total_ref: u32 = reference.iter().sum();
    let total: u32 = counts.iter().sum();
    assert!(total_ref > 50, "the reference must be active: {total_ref}");
    assert!(total.abs_diff(total_ref) * 20 <= total_ref, "emulated {total} vs float {total_ref}");
    for i in 40..55 {
        assert!(
            counts[i].abs_diff(reference[i]) <= 3,
            "neuron {i}: {} vs {}",
            counts[i],
            reference[i]
        );
    }
}

fn raster_with_threads(threads: usize) -> Vec<(Vec<u32>, u64)> {
    let mut synapses = full(0..30, 30..130, -1.0, 4.0, 21);
    synapses.extend(full(30..130, 130..160, -2.0, 6.0, 22));
    let net = network(&[("in", 30, true), ("a", 100, false), ("b", 30, false)], synapses);
    let cfg = EmuConfig {
        rounding: nv_core::darwin3::arith::Rounding::Stochastic,
        w_bits: 4,
        ..EmuConfig::default()
    };
    let mapping = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| {
        let mut emu = Emulator::new(&net, &mapping, cfg).expect("builds");
        (0..200u32)
            .map(|t| {
                let input: Vec<u32> = (0..30).filter(|i| (i * 7 + t) % 5 == 0).collect();
                let o = emu.step(&input);
                let cycles = o.packets.iter().map(|p| p.inject_cycle).sum();
                (o.spikes, cycles)
            })
            .collect()
    })
}

#[test]
fn same_raster_on_one_two_and_four_threads() {
    let one = raster_with_threads(1);
    assert!(one.iter().map(|s| s.0.len()).sum::<usize>() > 0, "the network must spike");
    assert_eq!(one, raster_with_threads(2));
    assert_eq!(one, raster_with_threads(4));
}

#[test]
fn a_core_holds_4096_neurons_but_not_4097() {
    for (n, ok) in [(4096u32, true), (4097, false)] {
        let net = network(&[("in", 1, true), ("big", n, false)], vec![syn(0, 1, 1.0)]);
        let m = single_chunk_mapping(&net, &[CoreCoord::new(-1, 0), CoreCoord::new(1, 1)]);
        let result = validate(&m, &net, &MapConfig::default());
        match result {
            Ok(report) => {
                assert!(ok, "{n} neurons accepted");
                assert_eq!(report.warnings[0].rule, 7, "the silent neurons got dummy targets");
            }
            Err(e) => {
                assert!(!ok, "{n} neurons rejected: {e:?}");
                assert_eq!(rules(&e), vec![1]);
                assert!(e[0].to_string().starts_with("rule 1: at most 4096 neurons per core"));
            }
        }
    }
}

#[test]
fn fifteen_hops_are_accepted_and_sixteen_rejected() {
    let net = network(
        &[("in", 1, true), ("a", 1, false), ("b", 1, false)],
        vec![syn(0, 1, 1.0), syn(1, 2, 1.0), syn(2, 1, 1.0)],
    );
    let west = CoreCoord::new(-1, 0);
    let ok = single_chunk_mapping(&net, &[west, CoreCoord::new(1, 3), CoreCoord::new(16, 3)]);
    validate(&ok, &net, &MapConfig::default()).expect("Δx = 15 is allowed");
    let bad = single_chunk_mapping(&net, &[west, CoreCoord::new(0, 3), CoreCoord::new(16, 3)]);
    let e = validate(&bad, &net, &MapConfig::default()).expect_err("Δx = 16 is not");
    assert_eq!(rules(&e), vec![5, 5]);
    assert!(e[0].to_string().ends_with("core (0,3) → (16,3) is 16 hops in x"));
    let far = single_chunk_mapping(&net, &[west, CoreCoord::new(0, 3), CoreCoord::new(0, 19)]);
    let e = validate(&far, &net, &MapConfig::default()).expect_err("Δy = 16 is not");
    assert_eq!(rules(&e), vec![5, 5]);
    assert_eq!(
        e[0].to_string(),
        "rule 5: at most 15 hops between connected cores: core (0,3) → (0,19) is 16 hops in y"
    );
    let relay = MapConfig { relay: true, ..MapConfig::default() };
    validate(&far, &net, &relay).expect("the relay option lifts rule 5");
}

/// 500 inputs fully connected to 100 neurons need 500 records + 25 id words + 500 × 17 weight
/// words = 9025 dendrite words: a big core holds them, a little core (8192) does not.
#[test]
fn little_core_dendrite_overflow_is_detected() {
    let mut synapses = full(0..500, 500..600, -1.0, 1.0, 3);
    synapses.extend((500..600).map(|i| syn(i, i + 100, 1.0)));
    let net = network(&[("in", 500, true), ("a", 100, false), ("b", 100, false)], synapses);
    let cfg = MapConfig { model: NeuronModel::LifShift, ..MapConfig::default() };
    let west = CoreCoord::new(-1, 0);
    let big = single_chunk_mapping(&net, &[west, CoreCoord::new(1, 1), CoreCoord::new(4, 1)]);
    let report = validate(&big, &net, &cfg).expect("a big core holds 9025 words");
    assert_eq!(report.cores[0].dendrite_words, 9025);
    let little = single_chunk_mapping(&net, &[west, CoreCoord::new(2, 1), CoreCoord::new(4, 1)]);
    let e = validate(&little, &net, &cfg).expect_err("a little core does not");
    assert_eq!(rules(&e), vec![3]);
    assert!(e[0].detail.contains("little core (2,1) needs 9025 dendrite words, has 8192"));
}

#[test]
fn the_riscv_tile_and_bad_input_edges_are_rejected() {
    let net = network(&[("in", 2, true), ("a", 2, false)], vec![syn(0, 2, 1.0), syn(1, 3, 1.0)]);
    let m = single_chunk_mapping(&net, &[CoreCoord::new(-1, 0), CoreCoord::RISCV]);
    let e = validate(&m, &net, &MapConfig::default()).expect_err("(0,0) holds no neurons");
    assert_eq!(rules(&e), vec![2]);
    let m = single_chunk_mapping(&net, &[CoreCoord::new(3, 0), CoreCoord::new(1, 1)]);
    let e = validate(&m, &net, &MapConfig::default()).expect_err("input on the chip");
    assert_eq!(rules(&e), vec![8]);
    let m = single_chunk_mapping(&net, &[CoreCoord::new(24, 0), CoreCoord::new(20, 1)]);
    validate(&m, &net, &MapConfig::default()).expect("east edge for x > 15");
    let mut m = single_chunk_mapping(&net, &[CoreCoord::new(-1, 0), CoreCoord::new(20, 1)]);
    assert_eq!(rules(&validate(&m, &net, &MapConfig::default()).expect_err("west")), vec![8]);
    m.assign_input_edges(&net, &MapConfig::default()).expect("quantises");
    assert_eq!(m.coords[0], CoreCoord::new(24, 0));
    validate(&m, &net, &MapConfig::default()).expect("the east edge was chosen");
}

/// The Lite3 example (§3.3, §4.11): core (0,2) holds 100 neurons fed by 256 inputs through
/// standard (1 → N) connections and by a full 100 × 100 projection: 356 dendrite records. The
/// toolchain's 6433 words are reproduced exactly: 356 records + 25 words for the one
/// deduplicated id list 0..99 + 356 × ⌈100 / 6⌉ = 6052 weight words (8-bit weights). Neither
/// side reserves per-neuron words here: a `LifShift` layer with one threshold keeps vth in a
/// register and has no inference state (rule 3 adds N = 100 words when state is used).
#[test]
fn lite3_core_0_2_has_356_dendrites_in_6433_words_like_the_toolchain() {
    let mut synapses = full(0..256, 256..356, 0.0, 1.0, 7);
    synapses.extend(full(356..456, 256..356, -1.0, 0.0, 8));
    synapses.extend((256..356).map(|i| syn(i, i + 100, 1.0)));
    let net = network(&[("in", 256, true), ("exc", 100, false), ("inh", 100, false)], synapses);
    let cfg = MapConfig { model: NeuronModel::LifShift, ..MapConfig::default() };
    let chunks = partition(&net, &cfg).expect("partitions");
    assert_eq!(chunks.len(), 3);
    assert_eq!(chunks[1].dendrite_words, 6433);
    let q = quantise(&net, cfg.model, cfg.w_bits).expect("quantises");
    let tables = build_tables(&net, &q, &chunks, &cfg);
    assert_eq!(tables.dendrites[1].records.len(), 356);
    assert_eq!(tables.dendrites[1].id_words, 25);
    assert_eq!(tables.dendrites[1].weight_words, 6052);
    // The one-to-one exc → inh projection with equal weights is one relative record.
    assert_eq!(tables.dendrites[2].records.len(), 1);
    assert_eq!(tables.dendrites[2].table_words(), 2);
    let with_state = MapConfig { model: NeuronModel::Clif, ..cfg };
    assert_eq!(partition(&net, &with_state).expect("partitions")[1].dendrite_words, 6533);
}

/// Expanding every axon entry of every source through the dendrite tables gives back exactly
/// the network's synapses with their quantised weights.
#[test]
fn tables_round_trip_to_the_quantised_synapses() {
    let mut synapses = full(0..50, 50..250, -2.0, 3.0, 31);
    synapses.retain(|s| (s.pre * 31 + s.post * 17) % 3 == 0);
    synapses.extend(full(50..250, 250..260, -1.0, 2.0, 32));
    synapses.extend((50..150).map(|i| syn(i, i + 100, 0.5)));
    let net = network(&[("in", 50, true), ("a", 200, false), ("b", 10, false)], synapses);
    for w_bits in [2, 8, 16] {
        let cfg = MapConfig { w_bits, ..MapConfig::default() };
        let chunks = partition(&net, &cfg).expect("partitions");
        let q = quantise(&net, cfg.model, w_bits).expect("quantises");
        let tables = build_tables(&net, &q, &chunks, &cfg);
        let mut expanded = Vec::new();
        for pre in 0..net.len() as u32 {
            let c = tables.chunk_of[pre as usize] as usize;
            let b = pre - chunks[c].start;
            for t in tables.axons[c].targets(b) {
                let rec = tables.dendrites[t.chunk as usize].records[t.dendrite as usize];
                if rec.dummy {
                    continue;
                }
                for (l, w) in tables.dendrites[t.chunk as usize].expand(t.dendrite, b) {
                    expanded.push((pre, chunks[t.chunk as usize].start + l, w));
                }
            }
        }
        let mut expected: Vec<(u32, u32, i32)> = net
            .synapses
            .iter()
            .enumerate()
            .map(|(k, s)| (s.pre, s.post, q.weights[k] << q.shifts[k]))
            .collect();
        expanded.sort_unstable();
        expected.sort_unstable();
        assert_eq!(expanded, expected, "w_bits = {w_bits}");
    }
}

/// STDP (§4.6): a pre spike followed by a post spike potentiates a plastic synapse
/// (WPAR0 = 3 per full-trace pairing); in three-factor mode nothing moves without reward, and
/// a reward hop between cores is a reward packet that docks the next step.
#[test]
fn stdp_potentiates_and_three_factor_waits_for_reward() {
    let mut plastic = syn(0, 1, 8.0);
    plastic.plastic = true;
    let net = network(
        &[("in", 1, true), ("a", 1, false), ("b", 1, false)],
        vec![plastic, syn(1, 2, 1.0)],
    );
    let weight = |emu: &Emulator| emu.tables().dendrites[1].weights[0];
    // LTP only (WPAR1 = 0): the input fires every step, so LTD would pair with every step.
    let stdp = nv_core::darwin3::stdp::StdpConfig { wpar1: 0, ..Default::default() };
    for three_factor in [false, true] {
        let cfg = EmuConfig {
            model: NeuronModel::LifShift,
            w_bits: 16,
            stdp: Some(nv_core::darwin3::stdp::StdpConfig { three_factor, ..stdp }),
            ..EmuConfig::default()
        };
        let mapping = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
        let mut emu = Emulator::new(&net, &mapping, cfg).expect("builds");
        let w0 = weight(&emu);
        if three_factor {
            emu.hop_reward(2, 1, 100).expect("valid neurons");
            let hop = emu.step(&[]);
            let rewards: Vec<_> = hop
                .packets
                .iter()
                .filter(|p| p.class == nv_core::darwin3::PacketClass::Reward)
                .collect();
            assert_eq!(rewards.len(), 1, "a hop between cores is one reward packet");
            assert_eq!(emu.reward(1), Some(0), "it docks next step");
        }
        let mut fired = 0;
        for _ in 0..40 {
            fired += emu.step(&[0]).spikes.iter().filter(|&&n| n == 1).count();
        }
        assert!(fired > 0, "the post neuron must fire");
        let w1 = weight(&emu);
        assert!(w1 > w0, "three_factor = {three_factor}: {w0} → {w1}");
        if !three_factor {
            continue;
        }
        let before = weight(&emu);
        for _ in 0..200 {
            emu.step(&[]);
        }
        // Shift decay stalls below 2^k (15 − (15 >> 4) = 15): cancel the residue.
        assert_eq!(emu.reward(1), Some(15), "the reward trace decays to 2^k − 1");
        emu.send_reward(1, -15).expect("a valid neuron");
        assert_eq!(emu.reward(1), Some(0));
        let silent_w = weight(&emu);
        for _ in 0..40 {
            emu.step(&[0]);
        }
        assert_eq!(weight(&emu), silent_w, "no reward, no change");
        assert!(silent_w >= before);
    }
}

/// Delays > 1: the chip delivers in one step; the queue mode reproduces a delay of 3.
#[test]
fn queue_mode_emulates_longer_delays() {
    let mut s = syn(0, 1, 400.0);
    s.delay = 3;
    let net = network(&[("in", 1, true), ("a", 1, false)], vec![s]);
    for (delays, expected) in [
        (nv_core::darwin3::mapping::DelayMode::OneStep, 0u64),
        (nv_core::darwin3::mapping::DelayMode::Queue, 2),
    ] {
        let cfg = EmuConfig { delays, ..EmuConfig::default() };
        let mapping = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
        let mut emu = Emulator::new(&net, &mapping, cfg).expect("builds");
        let first =
            (0..10u64).find(|&t| !emu.step(if t == 0 { &[0] } else { &[] }).spikes.is_empty());
        assert_eq!(first, Some(expected), "{delays:?}");
    }
}

/// Partition (§3.4): 5000 neurons need two chunks of 2500; the map places them and
/// `locate` finds every neuron's core and local index.
#[test]
fn large_populations_split_into_even_chunks() {
    let synapses = (0..5000).map(|i| syn(i % 10, 10 + i, 20.0)).collect();
    let net = network(&[("in", 10, true), ("big", 5000, false)], synapses);
    let cfg = EmuConfig::default();
    let m = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
    let lens: Vec<u32> = m.chunks.iter().map(|c| c.len).collect();
    assert_eq!(lens, vec![10, 2500, 2500]);
    assert_eq!(m.locate(10 + 2500), Some((m.coords[2], 0)));
    assert_eq!(m.locate(5010), None);
    let mut emu = Emulator::new(&net, &m, cfg).expect("builds");
    let out = emu.step(&[0]);
    assert_eq!(out.counters.len(), 2);
    assert_eq!(out.counters[0].synaptic_events + out.counters[1].synaptic_events, 500);
}

/// A rule-8 violation says `rule 8` and the targets' x range in words, never Rust's
/// `(Some(20), Some(20))`. (The placements never produce one, so it is checked here on a
/// mapping made by hand rather than through `nvlab darwin3`.)
#[test]
fn rule_8_names_the_x_range_plainly() {
    let net = network(
        &[("in", 1, true), ("a", 1, false), ("b", 1, false)],
        vec![syn(0, 1, 1.0), syn(0, 2, 1.0)],
    );
    let coords = [CoreCoord::new(-1, 0), CoreCoord::new(8, 1), CoreCoord::new(20, 1)];
    let m = single_chunk_mapping(&net, &coords);
    let e = validate(&m, &net, &MapConfig::default()).expect_err("west input, east target");
    assert_eq!(rules(&e), vec![8]);
    let text = e[0].to_string();
    assert!(text.starts_with("rule 8: host input at a virtual edge coordinate"), "{text}");
    assert!(text.ends_with("input chunk 0 at (-1,0) drives cores with x from 8 to 20"), "{text}");
    assert!(!text.contains("Some("), "{text}");
    let m = single_chunk_mapping(&net, &[CoreCoord::new(-1, 0), coords[2], coords[2]]);
    let text = validate(&m, &net, &MapConfig::default()).expect_err("x = 20")[0].to_string();
    assert!(text.contains("drives cores with x = 20"), "{text}");
}
