//! Tier B of the Darwin3 emulator (DARWIN3.md §4.5, §4.11): the golden instruction words, the
//! round trip of every word, faults instead of hangs, and the contract that the Tier-B
//! programs reproduce the Tier-A models exactly (rasters and final vt) on a random network.

use nv_core::darwin3::arith::{Overflow, Rounding, XorShift32};
use nv_core::darwin3::emulator::{EmuConfig, Emulator, Tier};
use nv_core::darwin3::interpreter::{CoreSettings, Machine, NeuronMemory, Program};
use nv_core::darwin3::isa::{Instruction, JumpCond, ResetSel, SpikeMode, decode, encode};
use nv_core::darwin3::mapping::Mapping;
use nv_core::darwin3::neuron::{NeuronModel, ResetMode};
use nv_core::rng::{Rng, UniformSeq};
use nv_core::spiking::{InputSource, LifParams, NeuronKind, Population, SpikingNetwork, Synapse};

#[test]
fn golden_words_decode_as_published() {
    assert_eq!(decode(0x1967), Ok(Instruction::Addi { rs: 2, imm: -25 }));
    let gsprs = Instruction::Gsprs {
        rs: 0,
        gspm: SpikeMode::Default,
        no_reset: false,
        gsp: true,
        vcp: true,
        rsm: ResetSel::Zero,
    };
    assert_eq!(decode(0xc00d), Ok(gsprs));
    assert_eq!(encode(&gsprs), 0xc00d);
    let lsis = decode(0x8074).expect("LSIS");
    assert_eq!(lsis, Instruction::Lsis { store: false, mask: 0b0111_0100 });
    assert_eq!(lsis.to_string(), "LSIS ld Vt|Vth|I|wgtsum");
    assert_eq!(decode(0x8452).map(|i| i.to_string()), Ok("LSIS st Vt|I|res".into()));
}

/// Every one of the 65 536 words either decodes and encodes back to itself or is rejected,
/// and every mnemonic of the subset is reached.
#[test]
fn every_instruction_round_trips() {
    let mut mnemonics = std::collections::BTreeSet::new();
    for w in 0..=u16::MAX {
        if let Ok(i) = decode(w) {
            assert_eq!(encode(&i), w, "{w:#06x} = {i}");
            assert_eq!(decode(encode(&i)), Ok(i));
            mnemonics.insert(i.to_string().split(' ').next().unwrap_or_default().to_owned());
        }
    }
    let all = "ADD And CMP GSPRS JC JMP JNC LSIP LSIS LSLS LSSYN MOV MUL NPC Nand Nor Not Or \
               SFTI SUB UPTIS UPTLS UPTSYN UPTVT Xnor Xor ADDI";
    for m in all.split_whitespace() {
        assert!(mnemonics.contains(m), "{m} never decoded: {mnemonics:?}");
    }
    let e = decode(0b01000 << 11).expect_err("TS is outside the subset");
    assert!(e.contains("TS") && e.contains("0b01000"), "{e}");
}

fn run_one(code: Vec<Instruction>) -> Result<u32, String> {
    let prog = Program::new(code)?;
    let mut m = Machine::default();
    let mut mem = NeuronMemory::zeroed(3);
    let mut rng = XorShift32::new(7);
    m.run_neuron(&prog, &CoreSettings::default(), &mut mem, 2, 0, &mut rng, None)
        .map(|r| r.instructions)
        .map_err(|f| f.to_string())
}

#[test]
fn a_runaway_loop_is_a_fault_not_a_hang() {
    let looping = vec![
        Instruction::Addi { rs: 1, imm: 1 },
        Instruction::Jc { cond: JumpCond::Always, addr: 0 },
        Instruction::Npc,
    ];
    let e = run_one(looping).expect_err("never reaches NPC");
    assert!(e.starts_with("neuron 2 pc 0 (ADDI r1, 1)"), "{e}");
    assert!(e.contains("more than 128 instructions"), "{e}");
    // ADDI + 42 iterations × 3 + NPC = 128 instructions is the limit; 43 iterations are not.
    let counted = |n: i8| {
        vec![
            Instruction::Addi { rs: 2, imm: n },
            Instruction::Addi { rs: 2, imm: -1 },
            Instruction::Cmp { rs: 2, rt: 0, func: nv_core::darwin3::isa::CmpFunc::Eq0 },
            Instruction::Jc { cond: JumpCond::IfNotFlag, addr: 1 },
            Instruction::Npc,
        ]
    };
    assert_eq!(run_one(counted(42)), Ok(1 + 42 * 3 + 1));
    assert!(run_one(counted(43)).is_err());
}

#[test]
fn a_jump_out_of_the_program_is_a_fault() {
    let code = vec![
        Instruction::Cmp { rs: 0, rt: 0, func: nv_core::darwin3::isa::CmpFunc::Eq0 },
        Instruction::Jc { cond: JumpCond::IfFlag, addr: 127 },
        Instruction::Npc,
    ];
    let e = run_one(code).expect_err("127 is past the end");
    assert!(e.starts_with("neuron 2 pc 1 (JC 127)"), "{e}");
    assert!(e.contains("outside the program"), "{e}");
    assert!(Program::new(vec![Instruction::Npc; 129]).is_err(), "129 instructions");
}

/// A random network: 40 inputs → 120 hidden (recurrent) → 40 out. `mixed` gives every neuron
/// its own τ_m, reset value, refractory period and (for a third of them) a constant drive, so
/// the programs need the shift loop and the in-program reset; otherwise all share one set.
fn network(mixed: bool, seed: u64) -> SpikingNetwork {
    let rng = Rng::new(seed);
    let mut u = UniformSeq::new(&rng, 0, 0, 0);
    let sizes = [(40u32, true), (120, false), (40, false)];
    let mut neurons = Vec::new();
    let mut populations = Vec::new();
    for (layer, &(len, input)) in sizes.iter().enumerate() {
        populations.push(Population {
            name: format!("p{layer}"),
            start: neurons.len() as u32,
            len,
            layer: layer as u32,
        });
        for _ in 0..len {
            if input {
                neurons.push(NeuronKind::Input(InputSource::Schedule { steps: Vec::new() }));
                continue;
            }
            let mut p = LifParams {
                tau_m: 0.02,
                tau_s: 0.005,
                v_rest: -65.0,
                v_reset: -65.0,
                theta: -50.0,
                t_ref: 0.002,
                i_ext: 0.0,
            };
            if mixed {
                p.tau_m = [0.003, 0.008, 0.012, 0.02, 0.04][(u.next_f64() * 5.0) as usize % 5];
                p.v_reset = -70.0 + 10.0 * u.next_f64();
                p.t_ref = 0.004 * u.next_f64();
                p.i_ext = if u.next_f64() < 0.33 { 6.0 * u.next_f64() } else { 0.0 };
            }
            neurons.push(NeuronKind::Lif(p));
        }
    }
    let mut synapses = Vec::new();
    let mut connect = |pre: std::ops::Range<u32>,
                       post: std::ops::Range<u32>,
                       p: f64,
                       lo: f64,
                       hi: f64| {
        for i in pre {
            for j in post.clone() {
                if i != j && u.next_f64() < p {
                    let weight = lo + (hi - lo) * u.next_f64();
                    synapses.push(Synapse { pre: i, post: j, weight, delay: 1, plastic: false });
                }
            }
        }
    };
    connect(0..40, 40..160, 0.3, -2.0, 9.0);
    connect(40..160, 40..160, 0.05, -6.0, 6.0);
    connect(40..160, 160..200, 0.3, -3.0, 8.0);
    synapses.sort_by_key(|s| (s.pre, s.post));
    let net = SpikingNetwork { dt: 0.001, neurons, populations, synapses };
    net.check().expect("a valid test network");
    net
}

/// The raster (spiking ids per step) and every LIF neuron's vt after `steps` steps.
fn run(net: &SpikingNetwork, cfg: EmuConfig, steps: u32) -> (Vec<Vec<u32>>, Vec<i16>, u64) {
    let mapping = Mapping::west_block(net, &cfg.map_config()).expect("maps");
    let mut emu = Emulator::new(net, &mapping, cfg).expect("builds");
    let mut instructions = 0;
    let raster = (0..steps)
        .map(|t| {
            let input: Vec<u32> = (0..40).filter(|i| (i * 13 + t * 7) % 4 == 0).collect();
            let out = emu.step(&input);
            assert!(out.faults.is_empty(), "{:?}", out.faults);
            instructions += out.counters.iter().map(|c| c.instructions).sum::<u64>();
            out.spikes
        })
        .collect();
    let vt = (40..200).map(|n| emu.vt(n).expect("a LIF neuron")).collect();
    (raster, vt, instructions)
}

/// The Tier-A/Tier-B contract (§4.5, §4.11) for every model and reset mode, on a uniform
/// network (default settings; then floor rounding with wrapping overflow) and a mixed one
/// (refractory, linear decay, stochastic rounding, per-neuron leak shift, reset value and
/// drive), 300 steps each. Exact equality; every configuration must spike (> 300 spikes,
/// the output layer included).
#[test]
fn tier_b_programs_reproduce_tier_a_exactly() {
    let models = [
        NeuronModel::LifShift,
        NeuronModel::LifMul,
        NeuronModel::Clif,
        NeuronModel::AdaptiveLif { th_inc: 300, th_sub: 3 },
    ];
    for (mixed, wrap) in [(false, false), (false, true), (true, false)] {
        let net = network(mixed, 11 + mixed as u64);
        for model in models {
            for reset in [ResetMode::ToRest, ResetMode::Subtract, ResetMode::None] {
                let mut a = EmuConfig { model, reset, w_bits: 8, ..EmuConfig::default() };
                if mixed {
                    a.refractory = true;
                    a.vt_dec = 3;
                    a.rounding = Rounding::Stochastic;
                }
                if wrap {
                    a.overflow = Overflow::Wrap;
                    a.rounding = Rounding::Floor;
                }
                let b = EmuConfig { tier: Tier::B, ..a };
                let (ra, va, ia) = run(&net, a, 300);
                let (rb, vb, ib) = run(&net, b, 300);
                let what = format!("{model:?} {reset:?} mixed={mixed} wrap={wrap}");
                let spikes: usize = ra.iter().map(Vec::len).sum();
                assert!(spikes > 300, "{what}: only {spikes} spikes");
                assert!(ra.iter().flatten().any(|&n| n >= 160), "{what}: the output layer fires");
                assert_eq!(ra, rb, "{what}: rasters differ");
                assert_eq!(va, vb, "{what}: vt differs");
                assert!(ia > 0 && ib > 0, "{what}: instruction counts {ia}, {ib}");
            }
        }
    }
}

/// Cores run in parallel in the inference phase; Tier B with stochastic rounding gives the
/// same raster and vt on 1 and 4 threads.
#[test]
fn tier_b_is_the_same_on_one_and_four_threads() {
    let net = network(true, 5);
    let cfg = EmuConfig {
        tier: Tier::B,
        rounding: Rounding::Stochastic,
        refractory: true,
        ..EmuConfig::default()
    };
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| run(&net, cfg, 200))
    };
    let one = on(1);
    assert!(one.0.iter().map(Vec::len).sum::<usize>() > 200, "the network must spike");
    assert_eq!(one, on(4));
}

#[test]
fn an_emulator_lists_its_tier_b_programs() {
    let net = network(false, 3);
    let cfg = EmuConfig { tier: Tier::B, model: NeuronModel::LifShift, ..EmuConfig::default() };
    let mapping = Mapping::west_block(&net, &cfg.map_config()).expect("maps");
    let emu = Emulator::new(&net, &mapping, cfg).expect("builds");
    let coord = mapping.coords[1];
    let prog = emu.core_program(coord).expect("a Tier-B core");
    let listing = prog.listing();
    assert!(listing.starts_with("  0  8064  LSIS ld Vt|Vth|wgtsum"), "{listing}");
    assert!(listing.trim_end().ends_with("c800  NPC"), "{listing}");
    for (w, i) in prog.words().iter().zip(prog.code()) {
        assert_eq!(decode(*w).as_ref(), Ok(i));
    }
    let tier_a = Emulator::new(&net, &mapping, EmuConfig::default()).expect("builds");
    assert!(tier_a.core_program(coord).is_none());
}
