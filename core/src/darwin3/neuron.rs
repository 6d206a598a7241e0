//! Tier-A neuron programs (DARWIN3.md §4.5): the built-in integer models `LifShift`, `LifMul`,
//! `Clif` and `AdaptiveLif`, their reset modes, refractory counter and linear decay, run over
//! one core's neurons held as structure-of-arrays.
//!
//! Potentials are stored relative to each neuron's resting potential, so the rest value is 0
//! (`CR_VTDEC`[31:16] then holds the reset value, as the Lite3 author used it).
//!
//! Instruction counts per neuron execution, the timing model's cycles (§4.8). They count the
//! instructions of the equivalent public programs (§2.6), `NPC` included:
//!
//! | model | program | count |
//! |---|---|---|
//! | `LifShift` | `LSIS` ld · `MOV` · `SFTI` · `SUB` · `UPTVT` fcs=1 · `GSPRS` · `LSIS` st · `NPC` (Lite3 `lif_config`) | 8 |
//! | `LifMul` | `LSIS` ld · `LSIP` ld · `UPTVT` fcs=0 · `UPTVT` fcs=1 · `GSPRS` · `LSIS` st · `NPC` | 7 |
//! | `Clif` | `LSIS` ld · `LSIP` ld · `UPTIS` · `ADD` · `UPTVT` fcs=0 · `GSPRS` · `LSIS` st · `NPC` (`darwin_clif`) | 8 |
//! | `AdaptiveLif` | `LifMul` + `ADD` (vth + θ) · `CMP` · `JC` · `ADD`/`SUB` θ · `MOV` (Lite3 stdpex, without the epoch counter) | 12 |
//!
//! Options add: a bias (IFB-style `ADD` of `res`) 1, refractory (`CMP` · `JC` · `ADDI`) 3,
//! linear decay (`CMP` · `JC` · `SUB`) 3.
//!
//! Every intermediate is written back as a 16-bit register would be (`fit16`, one write-back
//! per instruction of the equivalent program): the bias is added before the weight sum, and
//! the adaptive threshold vth + θ and θ itself are 16-bit. The Tier-B programs of
//! [`super::programs`] reproduce these models bit for bit.

use serde::{Deserialize, Serialize};

use super::arith::{Overflow, Rounding, XorShift32, fit16, mulq};

/// The Tier-A neuron models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum NeuronModel {
    /// vt ← vt − (vt >> k); vt ← vt + wgtsum (leak factor 1 − 2^−k, Lite3 `lif_config`).
    LifShift,
    /// vt ← mulq(P0, vt, 8); vt ← vt + wgtsum (the `UPTVT` fcs=0 leak).
    LifMul,
    /// Current-based: I ← mulq(P4, I, 8) + wgtsum; vt ← mulq(P0, vt, 8) + I (`darwin_clif`).
    #[default]
    Clif,
    /// `LifMul` with an adaptive threshold θ in `res` (Lite3 stdpex).
    AdaptiveLif {
        /// θ increment on a spike, LSB.
        th_inc: i16,
        /// θ decrement per silent step while θ ≥ 1, LSB.
        th_sub: i16,
    },
}

impl NeuronModel {
    /// Instructions of one neuron execution without options (table in the module docs).
    pub fn base_instructions(self) -> u32 {
        match self {
            NeuronModel::LifShift => 8,
            NeuronModel::LifMul => 7,
            NeuronModel::Clif => 8,
            NeuronModel::AdaptiveLif { .. } => 12,
        }
    }

    /// Whether the model keeps per-neuron inference state (I or res) in dendrite memory.
    pub fn uses_inference_state(self) -> bool {
        !matches!(self, NeuronModel::LifShift | NeuronModel::LifMul)
    }
}

/// What a spike does to vt (`GSPRS` rsm).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetMode {
    /// vt ← the reset value (rsm=ZERO, value in `CR_VTDEC`[31:16]).
    #[default]
    ToRest,
    /// vt ← vt − vth (rsm=SUB_VTH).
    Subtract,
    /// vt unchanged (rsm=NOP).
    None,
}

/// Extra instructions of the bias add.
pub const BIAS_INSTRUCTIONS: u32 = 1;
/// Extra instructions of the refractory check.
pub const REFRACTORY_INSTRUCTIONS: u32 = 3;
/// Extra instructions of the linear decay.
pub const DECAY_INSTRUCTIONS: u32 = 3;

/// The settings shared by every neuron of a core (its program and control registers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoreProgram {
    /// The model.
    pub model: NeuronModel,
    /// Reset mode.
    pub reset: ResetMode,
    /// Whether the refractory counter is used (default off).
    pub refractory: bool,
    /// Linear decay toward rest per step, LSB (0 = off; `CR_VTDEC`[15:0]).
    pub vt_dec: i16,
    /// Product rounding of `mulq`.
    pub rounding: Rounding,
    /// Register overflow behaviour.
    pub overflow: Overflow,
}

impl CoreProgram {
    /// Instructions one neuron execution costs, options included.
    pub fn instructions(&self, has_bias: bool) -> u32 {
        self.model.base_instructions()
            + if has_bias { BIAS_INSTRUCTIONS } else { 0 }
            + if self.refractory { REFRACTORY_INSTRUCTIONS } else { 0 }
            + if self.vt_dec != 0 { DECAY_INSTRUCTIONS } else { 0 }
    }
}

/// One neuron's integer parameters and initial state, as the quantiser produces them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeuronInit {
    /// Threshold relative to rest, LSB.
    pub vth: i16,
    /// Reset value relative to rest, LSB.
    pub v_reset: i16,
    /// Constant drive added to vt each step, LSB (0 = none).
    pub bias: i16,
    /// P0 = round(256·e^(−dt/τm)) (`LifMul`, `Clif`, `AdaptiveLif`).
    pub p0: u8,
    /// P4 = round(256·e^(−dt/τs)) (`Clif`).
    pub p4: u8,
    /// Shift k of the `LifShift` leak 1 − 2^−k.
    pub k_leak: u8,
    /// Refractory steps loaded into rpd on a spike.
    pub refractory: u8,
}

/// The neurons of one core, structure-of-arrays (the vt memory and the inference state,
/// parameter and refractory fields of §4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreNeurons {
    /// Membrane potential relative to rest, LSB.
    pub vt: Vec<i16>,
    /// Threshold, LSB.
    pub vth: Vec<i16>,
    /// Synaptic current (`Clif`), LSB.
    pub i_state: Vec<i16>,
    /// Free state: θ of `AdaptiveLif`.
    pub res: Vec<i16>,
    /// Refractory counter.
    pub rpd: Vec<u8>,
    /// Reset value.
    pub v_reset: Vec<i16>,
    /// Bias per step.
    pub bias: Vec<i16>,
    /// P0 per neuron.
    pub p0: Vec<u8>,
    /// P4 per neuron.
    pub p4: Vec<u8>,
    /// LifShift k per neuron.
    pub k_leak: Vec<u8>,
    /// Refractory length per neuron.
    pub refractory: Vec<u8>,
}

impl CoreNeurons {
    /// Neurons at rest with these parameters.
    pub fn new(init: &[NeuronInit]) -> Self {
        let n = init.len();
        Self {
            vt: vec![0; n],
            vth: init.iter().map(|p| p.vth).collect(),
            i_state: vec![0; n],
            res: vec![0; n],
            rpd: vec![0; n],
            v_reset: init.iter().map(|p| p.v_reset).collect(),
            bias: init.iter().map(|p| p.bias).collect(),
            p0: init.iter().map(|p| p.p0).collect(),
            p4: init.iter().map(|p| p.p4).collect(),
            k_leak: init.iter().map(|p| p.k_leak).collect(),
            refractory: init.iter().map(|p| p.refractory).collect(),
        }
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.vt.len()
    }

    /// Whether the core has no neurons.
    pub fn is_empty(&self) -> bool {
        self.vt.is_empty()
    }

    /// The inference phase (§4.4 step 3): runs the program for every neuron in index order,
    /// reading and zeroing `wgtsum`. Pushes (local index, cycle after the neuron's execution)
    /// for each spike and returns the instructions executed.
    pub fn infer(
        &mut self,
        prog: &CoreProgram,
        wgtsum: &mut [i16],
        rng: &mut XorShift32,
        spikes: &mut Vec<(u16, u64)>,
        start_cycle: u64,
    ) -> u64 {
        let of = prog.overflow;
        let rm = prog.rounding;
        let mut cycle = start_cycle;
        let n = self.len();
        for (i, slot) in wgtsum.iter_mut().enumerate().take(n) {
            let ws = *slot as i32;
            *slot = 0;
            cycle += prog.instructions(self.bias[i] != 0) as u64;
            if prog.refractory && self.rpd[i] > 0 {
                self.rpd[i] -= 1;
                continue;
            }
            let mut vt = self.vt[i] as i32;
            if prog.vt_dec != 0 {
                let d = prog.vt_dec as i32;
                vt = if vt > 0 { (vt - d).max(0) } else { (vt + d).min(0) };
            }
            let bias = self.bias[i] as i32;
            vt = match prog.model {
                NeuronModel::LifShift => {
                    let leaked = vt - (vt >> self.k_leak[i]);
                    let biased = fit16(leaked + bias, of);
                    fit16(biased as i32 + ws, of) as i32
                }
                NeuronModel::LifMul | NeuronModel::AdaptiveLif { .. } => {
                    let leaked = fit16(mulq(self.p0[i] as i32, vt, 8, rm, rng) + bias, of);
                    fit16(leaked as i32 + ws, of) as i32
                }
                NeuronModel::Clif => {
                    let cur =
                        fit16(mulq(self.p4[i] as i32, self.i_state[i] as i32, 8, rm, rng) + ws, of);
                    self.i_state[i] = cur;
                    fit16(mulq(self.p0[i] as i32, vt, 8, rm, rng) + cur as i32 + bias, of) as i32
                }
            };
            let theta = self.res[i] as i32;
            let vth_eff = match prog.model {
                NeuronModel::AdaptiveLif { .. } => fit16(self.vth[i] as i32 + theta, of) as i32,
                _ => self.vth[i] as i32,
            };
            let spiked = vt >= vth_eff;
            if spiked {
                vt = match prog.reset {
                    ResetMode::ToRest => self.v_reset[i] as i32,
                    ResetMode::Subtract => fit16(vt - self.vth[i] as i32, of) as i32,
                    ResetMode::None => vt,
                };
                if prog.refractory {
                    self.rpd[i] = self.refractory[i];
                }
                spikes.push((i as u16, cycle));
            }
            if let NeuronModel::AdaptiveLif { th_inc, th_sub } = prog.model {
                let t = if spiked {
                    theta + th_inc as i32
                } else if theta >= 1 {
                    theta - th_sub as i32
                } else {
                    theta
                };
                self.res[i] = fit16(t, of);
            }
            self.vt[i] = vt as i16;
        }
        cycle - start_cycle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(model: NeuronModel, vth: i16) -> (CoreNeurons, CoreProgram) {
        let init =
            NeuronInit { vth, v_reset: 0, bias: 0, p0: 240, p4: 200, k_leak: 4, refractory: 2 };
        (CoreNeurons::new(&[init]), CoreProgram { model, ..CoreProgram::default() })
    }

    fn run(neurons: &mut CoreNeurons, prog: &CoreProgram, input: i16, steps: usize) -> Vec<usize> {
        let mut rng = XorShift32::new(1);
        let mut out = Vec::new();
        for t in 0..steps {
            let mut ws = vec![input];
            let mut spikes = Vec::new();
            neurons.infer(prog, &mut ws, &mut rng, &mut spikes, 0);
            assert_eq!(ws[0], 0, "the weight sum is zeroed");
            if !spikes.is_empty() {
                out.push(t);
            }
        }
        out
    }

    #[test]
    fn threshold_is_inclusive() {
        let (mut n, prog) = one(NeuronModel::LifShift, 100);
        // vt = 0 − 0 + 100 = 100 ≥ 100 spikes at the first step.
        assert_eq!(run(&mut n, &prog, 100, 1), vec![0]);
        let (mut n, prog) = one(NeuronModel::LifShift, 101);
        assert!(run(&mut n, &prog, 100, 1).is_empty());
    }

    #[test]
    fn refractory_skips_integration() {
        let (mut n, mut prog) = one(NeuronModel::LifShift, 100);
        prog.refractory = true;
        // Spike at 0, then 2 steps silent, spike at 3, …
        assert_eq!(run(&mut n, &prog, 100, 7), vec![0, 3, 6]);
    }

    #[test]
    fn subtract_reset_keeps_the_excess() {
        let (mut n, mut prog) = one(NeuronModel::LifShift, 100);
        prog.reset = ResetMode::Subtract;
        run(&mut n, &prog, 130, 1);
        assert_eq!(n.vt[0], 30);
    }

    #[test]
    fn adaptive_threshold_grows_and_decays() {
        let (mut n, prog) = one(NeuronModel::AdaptiveLif { th_inc: 50, th_sub: 1 }, 100);
        run(&mut n, &prog, 100, 1);
        assert_eq!(n.res[0], 50);
        run(&mut n, &prog, 0, 3);
        assert_eq!(n.res[0], 47);
    }

    #[test]
    fn linear_decay_stops_at_rest() {
        let (mut n, mut prog) = one(NeuronModel::LifShift, 1000);
        prog.vt_dec = 7;
        n.k_leak[0] = 15;
        n.vt[0] = 10;
        run(&mut n, &prog, 0, 1);
        assert_eq!(n.vt[0], 3);
        run(&mut n, &prog, 0, 1);
        assert_eq!(n.vt[0], 0);
    }

    #[test]
    fn clif_current_decays_by_p4() {
        let (mut n, prog) = one(NeuronModel::Clif, i16::MAX);
        run(&mut n, &prog, 1000, 1);
        assert_eq!(n.i_state[0], 1000);
        assert_eq!(n.vt[0], 1000);
        run(&mut n, &prog, 0, 1);
        // I = round(200·1000/256) = 781; vt = round(240·1000/256) + 781 = 938 + 781.
        assert_eq!(n.i_state[0], 781);
        assert_eq!(n.vt[0], 938 + 781);
    }
}
