//! The emulator (DARWIN3.md §4.4): integer cores stepping a mapped network through the
//! dendrite and axon tables, with STDP, reward packets for vesicles, and per-core counters for
//! the timing model.
//!
//! Step t, bank b = t mod B (B = 2 on the chip; max-delay + 1 in [`DelayMode::Queue`]):
//! 1. host input: the given input neurons' spikes expand through their dendrites into
//!    wgtsum[b] (as if delivered in step t − 1's routing); reward hops of step t − 1 dock;
//! 2. weight phase (learning, t mod (LI + 1) = 0) from the spike bits of step t − 1;
//! 3. inference: every core runs its program over its neurons, reading and zeroing wgtsum[b];
//! 4. trace phase: spike bits and traces of every neuron (inputs included), reward decay;
//! 5. routing: each spike walks its axon list; each entry is a packet whose dendrite record
//!    is expanded into the target core's wgtsum[(t + delay) mod B]; queued reward hops between
//!    cores become reward packets;
//! 6. output: the step's spikes, packets and counters.
//!
//! A packet's `inject_cycle` is its core's compute time so far in the step: the weight-phase
//! instructions, the instructions of neurons 0..=n (n the spiking neuron), and 2 cycles per
//! flit pair injected before it. Host input packets are injected at cycle 0.
//!
//! Cores are independent in phase 3 and run in parallel; everything else runs in core order,
//! so the output does not depend on thread count.
//!
//! **Divergence switches** (§4.10): what each [`EmuConfig`] knob removes when set to its
//! "reference-like" value. The comparison layer runs the float reference with matching
//! settings for the sources that cannot be switched off.
//!
//! | §4.10 source | knob | reference-like setting |
//! |---|---|---|
//! | 1 weight quantisation | `w_bits` | 16 (only the rounding to 1 LSB remains) |
//! | 2 leak | `model` | `Clif` (exact propagator form, P0/P4 in Q0.8); `LifShift` is the coarsest |
//! | 3 rounding, saturation | `rounding`, `overflow` | `SymmetricHalfAway`, `Saturate` |
//! | 4 synaptic delay | `delays` | `Queue` (per-delay banks); `OneStep` is the chip |
//! | 5 trace quantisation | `stdp.mode` | `Nearest` matches SPAIC nearest STDP; 7 bits stay |
//! | 6 learning order, normalisation | — | run the reference with the hardware ordering and no normalisation |
//! | 7 ties at threshold | — | the reference also uses ≥ |
//! | 8 stochastic rounding | `rounding` | not `Stochastic` (or a fixed `seed`) |
//!
//! Refractory: the float reference holds v at v_reset while I keeps integrating; the emulator
//! skips integration (§4.5), a divergence only when `refractory` is on.
//!
//! **Relaxed numerics** ([`EmuConfig::relaxed`], [`super::relaxed`]): the inference phase and
//! the weight sums it reads run on f64 with some of the integer arithmetic replaced by the
//! reference's (exact leak factors, no 16-bit bound, real-valued state and weights, the
//! reference's refractory period); routing, delays, packets and counters stay the chip's.
//! Tier A only, without learning.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::arith::{Overflow, Rounding, XorShift32, fit16, sat8};
use super::geometry::CoreCoord;
use super::interpreter::{Fault, Program};
use super::mapping::{DelayMode, MapConfig, Mapping, NetworkTables, build_tables, validate};
use super::neuron::{CoreNeurons, CoreProgram, NeuronModel, ResetMode};
use super::packet::{Packet, PacketClass};
use super::programs::{TierBCore, build as build_program};
use super::quantise::{QuantScales, quantise};
use super::relaxed::{Relaxed, RelaxedNeurons};
use super::stdp::{Pairing, StdpConfig, decay_reward, update_trace, update_weight};
use super::tables::{DendriteKind, DendriteTables};
use crate::spiking::{NeuronKind, SpikingNetwork};

/// Instructions of the per-synapse weight segment (`LSSYN` · `LSLS` · 2 `UPTSYN` · `LSSYN` ·
/// `NPC`, Lite3 stdpex segment 1).
pub const WEIGHT_SEGMENT_INSTRUCTIONS: u64 = 6;
/// Instructions of the per-neuron trace segment (`LSLS` · `UPTLS` · `LSLS` · `NPC`).
pub const TRACE_SEGMENT_INSTRUCTIONS: u64 = 4;

/// Which implementation runs the neuron programs in the inference phase (§4.5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tier {
    /// The built-in parametric models ([`CoreNeurons::infer`]).
    #[default]
    A,
    /// The ISA interpreter running the generated programs ([`super::programs`]); the
    /// instruction counters are the instructions actually executed.
    B,
}

/// Everything that makes the emulation differ from the float reference (table in the module
/// docs), plus the seed of stochastic rounding.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmuConfig {
    /// Weight width, bits (2, 4, 6, 8, 16; default 8).
    pub w_bits: u8,
    /// Neuron model (the leak form).
    pub model: NeuronModel,
    /// Reset mode (default to the reset value).
    pub reset: ResetMode,
    /// Refractory counter (default off).
    pub refractory: bool,
    /// Linear decay per step, LSB (0 = off).
    pub vt_dec: i16,
    /// Product rounding.
    pub rounding: Rounding,
    /// 16-bit overflow.
    pub overflow: Overflow,
    /// Delays longer than one step.
    pub delays: DelayMode,
    /// Allow > 15-hop connections (relay; default off).
    pub relay: bool,
    /// STDP, `None` = inference only.
    pub stdp: Option<StdpConfig>,
    /// Seed of the per-core xorshift generators.
    pub seed: u64,
    /// Tier A (built-in models, default) or Tier B (the interpreter); same results.
    #[serde(default)]
    pub tier: Tier,
    /// Relaxed numerics (`None`, the default: the chip's integer arithmetic). `Some` runs the
    /// inference on f64 with the knobs set replaced by the reference's arithmetic;
    /// `Some(Relaxed::default())` reproduces the integer Tier-A models bit for bit.
    #[serde(default)]
    pub relaxed: Option<Relaxed>,
}

impl Default for EmuConfig {
    fn default() -> Self {
        Self {
            w_bits: 8,
            model: NeuronModel::default(),
            reset: ResetMode::default(),
            refractory: false,
            vt_dec: 0,
            rounding: Rounding::default(),
            overflow: Overflow::default(),
            delays: DelayMode::default(),
            relay: false,
            stdp: None,
            seed: 1,
            tier: Tier::A,
            relaxed: None,
        }
    }
}

impl EmuConfig {
    /// The mapping settings implied.
    pub fn map_config(&self) -> MapConfig {
        MapConfig {
            w_bits: self.w_bits,
            model: self.model,
            learning: self.stdp.is_some(),
            relay: self.relay,
            delays: self.delays,
        }
    }
}

/// Per-core counters of one step (mirrors `SR_SPKINCNT`, `SR_SPKOUTCNT`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreCounters {
    /// The core.
    pub coord: CoreCoord,
    /// Spike packets received.
    pub spikes_in: u64,
    /// Spikes its neurons emitted.
    pub spikes_out: u64,
    /// Dendrite entries expanded into its weight sums.
    pub synaptic_events: u64,
    /// Neuron and learning instructions executed.
    pub instructions: u64,
    /// Flits injected.
    pub flits_out: u64,
}

impl CoreCounters {
    /// C_core of §4.8: instructions + synaptic events + 2 cycles per injected packet flit pair.
    pub fn compute_cycles(&self) -> u64 {
        self.instructions + self.synaptic_events + self.flits_out
    }
}

/// What one step produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepOutput {
    /// The step index.
    pub step: u64,
    /// Global ids of the LIF neurons that spiked, ascending.
    pub spikes: Vec<u32>,
    /// Packets injected this step (host input first, then per core in neuron order).
    pub packets: Vec<Packet>,
    /// Per on-chip core, in chunk order.
    pub counters: Vec<CoreCounters>,
    /// Ids passed as input spikes that are not input neurons (ignored).
    pub ignored_inputs: Vec<u32>,
    /// Tier-B program faults of this step, "core (x, y): neuron … pc …: why" (the faulting
    /// neuron's execution stops there; always empty with Tier A and the generated programs).
    pub faults: Vec<String>,
}

struct Core {
    chunk: usize,
    coord: CoreCoord,
    neurons: CoreNeurons,
    tier_b: Option<TierBCore>,
    faults: Vec<Fault>,
    wgtsum: Vec<Vec<i16>>,
    rng: XorShift32,
    spikes: Vec<(u16, u64)>,
    counters: CoreCounters,
}

/// A queued vesicle hop: docks at `to` next step.
#[derive(Clone, Copy, Debug)]
struct RewardHop {
    from: u32,
    to: u32,
    payload: i8,
}

/// The emulated chip.
pub struct Emulator {
    cfg: EmuConfig,
    prog: CoreProgram,
    mapping: Mapping,
    tables: NetworkTables,
    scales: QuantScales,
    /// Core index of each chunk (`usize::MAX` for host input chunks).
    core_of_chunk: Vec<usize>,
    cores: Vec<Core>,
    banks: usize,
    t: u64,
    trace: Vec<u8>,
    spiked: Vec<bool>,
    reward: Vec<i8>,
    queued_hops: Vec<RewardHop>,
    arriving_hops: Vec<RewardHop>,
    is_input: Vec<bool>,
    relaxed: Option<RelaxedNeurons>,
    /// Real-valued relaxed numerics: the LIF spikes of the last step, delivered with the host
    /// input of the next step in increasing neuron order (the reference's summation order).
    pending: Vec<u32>,
}

impl Emulator {
    /// Quantises `net`, validates `mapping` (every rule of §4.1) and builds the cores.
    pub fn new(net: &SpikingNetwork, mapping: &Mapping, cfg: EmuConfig) -> Result<Self, String> {
        let map_cfg = cfg.map_config();
        validate(mapping, net, &map_cfg)
            .map_err(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
        let q = quantise(net, cfg.model, cfg.w_bits)?;
        if cfg.relaxed.is_some() && (cfg.tier == Tier::B || cfg.stdp.is_some()) {
            return Err("relaxed numerics run the built-in models (Tier A) without learning: \
                        the interpreter and the learning rules are the chip's integer arithmetic"
                .into());
        }
        let tables = build_tables(net, &q, &mapping.chunks, &map_cfg);
        let max_delay = tables
            .dendrites
            .iter()
            .flat_map(|d| d.records.iter().map(|r| r.delay))
            .max()
            .unwrap_or(1);
        let banks = (max_delay as usize + 1).max(2);
        let prog = CoreProgram {
            model: cfg.model,
            reset: cfg.reset,
            refractory: cfg.refractory,
            vt_dec: cfg.vt_dec,
            rounding: cfg.rounding,
            overflow: cfg.overflow,
        };
        let mut cores = Vec::new();
        let mut core_of_chunk = vec![usize::MAX; mapping.chunks.len()];
        for (c, ch) in mapping.chunks.iter().enumerate() {
            if ch.input {
                continue;
            }
            let init: Vec<_> = ch
                .neurons()
                .map(|n| q.neurons[n as usize].ok_or(format!("neuron {n} is not a LIF neuron")))
                .collect::<Result<_, _>>()?;
            let coord = mapping.coords[c];
            core_of_chunk[c] = cores.len();
            let tier_b = match cfg.tier {
                Tier::A => None,
                Tier::B => Some(
                    build_program(&prog, &init, cfg.w_bits)
                        .map_err(|e| format!("core ({}, {}): {e}", coord.x, coord.y))?,
                ),
            };
            let seed = (cfg.seed as u32)
                ^ (cfg.seed >> 32) as u32
                ^ (coord.index() as u32).wrapping_mul(0x9e37_79b9);
            cores.push(Core {
                chunk: c,
                coord,
                neurons: CoreNeurons::new(&init),
                tier_b,
                faults: Vec::new(),
                wgtsum: vec![vec![0; ch.len as usize]; banks],
                rng: XorShift32::new(crate::rng::mix32(seed)),
                spikes: Vec::new(),
                counters: CoreCounters { coord, ..CoreCounters::default() },
            });
        }
        let n = net.len();
        let relaxed = cfg.relaxed.map(|knobs| {
            let per_synapse = cfg.delays == DelayMode::Queue;
            RelaxedNeurons::new(net, &q, &prog, knobs, per_synapse, cfg.w_bits)
        });
        Ok(Self {
            cfg,
            prog,
            mapping: mapping.clone(),
            tables,
            scales: q.scales,
            core_of_chunk,
            cores,
            banks,
            t: 0,
            trace: vec![0; n],
            spiked: vec![false; n],
            reward: vec![0; n],
            queued_hops: Vec::new(),
            arriving_hops: Vec::new(),
            is_input: net.neurons.iter().map(|k| matches!(k, NeuronKind::Input(_))).collect(),
            relaxed,
            pending: Vec::new(),
        })
    }

    /// The quantisation scales (for the panel and `metrics.json`).
    pub fn scales(&self) -> &QuantScales {
        &self.scales
    }

    /// The tables the emulator integrates through.
    pub fn tables(&self) -> &NetworkTables {
        &self.tables
    }

    /// The mapping.
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// The next step index.
    pub fn time(&self) -> u64 {
        self.t
    }

    /// The membrane potential of a LIF neuron relative to rest, LSB (`None` for inputs).
    pub fn vt(&self, neuron: u32) -> Option<i16> {
        let (core, l) = self.core_local(neuron)?;
        let core = &self.cores[core];
        Some(match &core.tier_b {
            Some(b) => b.memory.vt[l],
            None => core.neurons.vt[l],
        })
    }

    /// The Tier-B program of the core at `coord` (`None` with Tier A or for a core without
    /// neurons); `Program::listing` is the panel's listing.
    pub fn core_program(&self, coord: CoreCoord) -> Option<&Program> {
        let core = self.cores.iter().find(|c| c.coord == coord)?;
        core.tier_b.as_ref().map(|b| &b.program)
    }

    /// The relaxed neurons' membrane potential of a LIF neuron (`None` without relaxed
    /// numerics or for an input): mV when real-valued, LSB relative to rest on the grid.
    pub fn relaxed_v(&self, neuron: u32) -> Option<f64> {
        let r = self.relaxed.as_ref()?;
        (self.is_input.get(neuron as usize) == Some(&false)).then(|| r.v[neuron as usize])
    }

    /// The relaxed neurons' synaptic current of a LIF neuron (`None` without relaxed numerics).
    pub fn relaxed_current(&self, neuron: u32) -> Option<f64> {
        self.relaxed.as_ref()?.current.get(neuron as usize).copied()
    }

    /// The 7-bit trace of a neuron.
    pub fn trace(&self, neuron: u32) -> Option<u8> {
        self.trace.get(neuron as usize).copied()
    }

    /// The reward trace of a neuron.
    pub fn reward(&self, neuron: u32) -> Option<i8> {
        self.reward.get(neuron as usize).copied()
    }

    fn core_local(&self, neuron: u32) -> Option<(usize, usize)> {
        let c = *self.tables.chunk_of.get(neuron as usize)? as usize;
        let core = self.core_of_chunk[c];
        (core != usize::MAX).then(|| (core, (neuron - self.mapping.chunks[c].start) as usize))
    }

    /// Docks a vesicle at `neuron` now: r ← sat8(r + payload) (§4.9).
    pub fn send_reward(&mut self, neuron: u32, payload: i8) -> Result<(), String> {
        let r = self
            .reward
            .get_mut(neuron as usize)
            .ok_or(format!("neuron {neuron} does not exist"))?;
        *r = sat8(*r as i32 + payload as i32);
        Ok(())
    }

    /// Moves a vesicle from `from` to `to`: sent in this step's routing phase (a reward packet
    /// when the cores differ, free within a core) and docked at the start of the next step.
    pub fn hop_reward(&mut self, from: u32, to: u32, payload: i8) -> Result<(), String> {
        let n = self.reward.len() as u32;
        if from >= n || to >= n {
            return Err(format!("hop {from} → {to}: the network has {n} neurons"));
        }
        self.queued_hops.push(RewardHop { from, to, payload });
        Ok(())
    }

    /// Expands dendrite `d` of chunk `target` for neu_idx `b` into the bank of step `t + delay`
    /// (`offset` = 0 for host input, 1 for routed spikes).
    fn deliver(&mut self, target: usize, d: u32, b: u32, offset: u64) {
        let core_i = self.core_of_chunk[target];
        let tables: &DendriteTables = &self.tables.dendrites[target];
        let r = tables.records[d as usize];
        let bank = ((self.t + r.delay as u64 + offset - 1) % self.banks as u64) as usize;
        let core = &mut self.cores[core_i];
        let ws = &mut core.wgtsum[bank];
        let base = if r.kind == DendriteKind::Relative { b } else { 0 };
        let ids = &tables.ids[r.ids as usize..(r.ids + r.len) as usize];
        let of = self.prog.overflow;
        match r.shared {
            Some(w) => {
                let v = w << r.shift;
                for &id in ids {
                    let s = &mut ws[(base + id as u32) as usize];
                    *s = fit16(*s as i32 + v, of);
                }
            }
            None => {
                let wl = &tables.weights[r.weights as usize..(r.weights + r.len) as usize];
                for (&id, &w) in ids.iter().zip(wl) {
                    let s = &mut ws[(base + id as u32) as usize];
                    *s = fit16(*s as i32 + (w << r.shift), of);
                }
            }
        }
        core.counters.spikes_in += 1;
        core.counters.synaptic_events += r.len as u64;
    }

    /// Runs one time step; `input_spikes` are the input neurons whose spikes integrate at this
    /// step (to pair with a reference in which they spiked at step t − 1 with delay 1).
    pub fn step(&mut self, input_spikes: &[u32]) -> StepOutput {
        let mut out = StepOutput { step: self.t, ..StepOutput::default() };
        for core in &mut self.cores {
            core.counters = CoreCounters { coord: core.coord, ..CoreCounters::default() };
            core.spikes.clear();
        }
        // 1. Host input and arriving reward hops.
        let mut inputs: Vec<u32> = Vec::with_capacity(input_spikes.len());
        for &n in input_spikes {
            if self.is_input.get(n as usize) == Some(&true) {
                inputs.push(n);
            } else {
                out.ignored_inputs.push(n);
            }
        }
        inputs.sort_unstable();
        inputs.dedup();
        for &n in &inputs {
            let c = self.tables.chunk_of[n as usize] as usize;
            let b = n - self.mapping.chunks[c].start;
            let targets = self.tables.axons[c].targets(b).to_vec();
            for tgt in targets {
                self.deliver(tgt.chunk as usize, tgt.dendrite, b, 0);
                out.packets.push(Packet {
                    src: self.mapping.coords[c],
                    dst: self.mapping.coords[tgt.chunk as usize],
                    class: PacketClass::Spike,
                    inject_cycle: 0,
                });
            }
        }
        if let Some(relaxed) = self.relaxed.as_mut() {
            if relaxed.real() {
                // Spikes of step t − 1 (inputs and LIF neurons together), increasing.
                let mut due = std::mem::take(&mut self.pending);
                due.extend_from_slice(&inputs);
                due.sort_unstable();
                for &n in &due {
                    relaxed.deliver(n, self.t, 0);
                }
            } else {
                for &n in &inputs {
                    relaxed.deliver(n, self.t, 0);
                }
            }
        }
        for hop in std::mem::take(&mut self.arriving_hops) {
            let r = &mut self.reward[hop.to as usize];
            *r = sat8(*r as i32 + hop.payload as i32);
        }
        // 2. Weight phase.
        if let Some(stdp) = self.cfg.stdp
            && self.t.is_multiple_of(stdp.interval as u64 + 1)
        {
            self.weight_phase(&stdp);
        }
        // 3. Inference.
        let bank = (self.t % self.banks as u64) as usize;
        let prog = self.prog;
        if let Some(relaxed) = self.relaxed.as_mut() {
            let t = self.t;
            for core in &mut self.cores {
                let start = self.mapping.chunks[core.chunk].start;
                core.wgtsum[bank].fill(0);
                let mut cycle = core.counters.instructions;
                for l in 0..core.neurons.len() {
                    cycle += prog.instructions(core.neurons.bias[l] != 0) as u64;
                    if relaxed.infer(start as usize + l, t, &mut core.rng) {
                        core.spikes.push((l as u16, cycle));
                    }
                }
                core.counters.instructions = cycle;
                core.counters.spikes_out = core.spikes.len() as u64;
            }
        } else {
            self.cores.par_iter_mut().for_each(|core| Self::infer_core(core, &prog, bank));
        }
        for core in &mut self.cores {
            for f in core.faults.drain(..) {
                out.faults.push(format!("core ({}, {}): {f}", core.coord.x, core.coord.y));
            }
        }
        // 4. Traces.
        for v in &mut self.spiked {
            *v = false;
        }
        for &n in &inputs {
            self.spiked[n as usize] = true;
        }
        for core in &self.cores {
            let start = self.mapping.chunks[core.chunk].start;
            for &(l, _) in &core.spikes {
                self.spiked[(start + l as u32) as usize] = true;
            }
        }
        if let Some(stdp) = self.cfg.stdp {
            for (x, &s) in self.trace.iter_mut().zip(&self.spiked) {
                *x = update_trace(*x, s, &stdp);
            }
            for r in &mut self.reward {
                *r = decay_reward(*r, stdp.reward_shift);
            }
            for core in &mut self.cores {
                core.counters.instructions +=
                    TRACE_SEGMENT_INSTRUCTIONS * core.neurons.len() as u64;
            }
        }
        // 5. Routing.
        for ci in 0..self.cores.len() {
            let chunk = self.cores[ci].chunk;
            let start = self.mapping.chunks[chunk].start;
            let src = self.cores[ci].coord;
            let spikes = std::mem::take(&mut self.cores[ci].spikes);
            let mut flits = 0u64;
            for &(l, cycle) in &spikes {
                out.spikes.push(start + l as u32);
                let targets = self.tables.axons[chunk].targets(l as u32).to_vec();
                for tgt in targets {
                    out.packets.push(Packet {
                        src,
                        dst: self.mapping.coords[tgt.chunk as usize],
                        class: PacketClass::Spike,
                        inject_cycle: cycle + flits,
                    });
                    flits += PacketClass::Spike.flits() as u64;
                    self.deliver(tgt.chunk as usize, tgt.dendrite, l as u32, 1);
                }
            }
            self.cores[ci].counters.flits_out += flits;
            self.cores[ci].spikes = spikes;
        }
        if let Some(relaxed) = self.relaxed.as_mut() {
            let lif = out.spikes.iter().copied();
            if relaxed.real() {
                self.pending.extend(lif);
            } else {
                for n in lif {
                    relaxed.deliver(n, self.t, 1);
                }
            }
        }
        for hop in std::mem::take(&mut self.queued_hops) {
            let from = self.tables.chunk_of[hop.from as usize] as usize;
            let to = self.tables.chunk_of[hop.to as usize] as usize;
            if from != to {
                let inject_cycle = match self.core_of_chunk[from] {
                    usize::MAX => 0,
                    core => {
                        let c = &mut self.cores[core].counters;
                        let at = c.compute_cycles();
                        c.flits_out += PacketClass::Reward.flits() as u64;
                        at
                    }
                };
                out.packets.push(Packet {
                    src: self.mapping.coords[from],
                    dst: self.mapping.coords[to],
                    class: PacketClass::Reward,
                    inject_cycle,
                });
            }
            self.arriving_hops.push(hop);
        }
        // 6. Output.
        out.counters = self.cores.iter().map(|c| c.counters).collect();
        self.t += 1;
        out
    }

    /// Phase 3 on one core with the integer models (Tier A or B).
    fn infer_core(core: &mut Core, prog: &CoreProgram, bank: usize) {
        let start = core.counters.instructions;
        let ws = &mut core.wgtsum[bank];
        let used = match &mut core.tier_b {
            Some(b) => b.machine.run_core(
                &b.program,
                &b.settings,
                &mut b.memory,
                ws,
                &mut core.rng,
                &mut core.spikes,
                &mut core.faults,
                start,
            ),
            None => core.neurons.infer(prog, ws, &mut core.rng, &mut core.spikes, start),
        };
        core.counters.instructions += used;
        core.counters.spikes_out = core.spikes.len() as u64;
    }

    /// Phase 2: every plastic synapse, from the traces and spike bits of step t − 1.
    fn weight_phase(&mut self, stdp: &StdpConfig) {
        let w_bits = self.cfg.w_bits;
        let rounding = self.cfg.rounding;
        for core in &mut self.cores {
            let chunk = core.chunk;
            let start = self.mapping.chunks[chunk].start;
            let tables = &mut self.tables.dendrites[chunk];
            let mut updates = 0u64;
            for r in 0..tables.records.len() {
                let rec = tables.records[r];
                if rec.pre == u32::MAX {
                    continue;
                }
                let j = rec.pre as usize;
                let (x, x0) = (self.trace[j], self.spiked[j]);
                for k in 0..rec.len as usize {
                    let wi = rec.weights as usize + k;
                    if !tables.plastic[wi] {
                        continue;
                    }
                    let i = (start + tables.ids[rec.ids as usize + k] as u32) as usize;
                    let p =
                        Pairing { x, x0, y: self.trace[i], y0: self.spiked[i], r: self.reward[i] };
                    tables.weights[wi] =
                        update_weight(tables.weights[wi], p, stdp, w_bits, rounding, &mut core.rng);
                    updates += 1;
                }
            }
            core.counters.instructions += WEIGHT_SEGMENT_INSTRUCTIONS * updates;
        }
    }
}
