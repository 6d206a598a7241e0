//! Tier-B neuron programs (DARWIN3.md §4.5, §2.1, §2.2): an interpreter of the 16-bit ISA
//! subset of [`super::isa`] that runs one core's program for every neuron in index order.
//!
//! - The running registers R0..R15 (i16) and the flag are per core ([`Machine`]); they persist
//!   across neurons and steps. Per-neuron state lives in [`NeuronMemory`] and moves only through
//!   `LSIS`, `LSIP` and `LSLS` (and `LSSYN` for the current synapse's weight).
//! - Every register write-back goes through `fit16` with the core's overflow setting;
//!   products use `mulq` with the core's rounding and the core's xorshift (§4.3), so the
//!   arithmetic is Tier A's.
//! - A neuron's execution ends at `NPC`. Running off the end of the program, a jump outside
//!   0..=127 or beyond the program, or more than [`MAX_EXECUTED`] instructions is a [`Fault`]
//!   naming the neuron, pc and instruction, never a hang.
//!
//! Semantics chosen where §2.4 leaves them open [DEFAULT]:
//! - `UPTVT` fcs = 0: R0 ← mulq(P0, R0, q) + (fcph b0 ? R2) + (fcph b1 ? R5), one write-back
//!   (the factories' P7·(I<<2)>>8 = I identity, and the IFB bias in `res`).
//! - `UPTIS`: each selected target (b0 R1, b1 R2, b2 R5) ← mulq(P, target, q), P the lowest
//!   selected of P2, P3, P4.
//! - P0..P5 are the bytes of R13..R15 as `LSIP` loaded them (P2j low, P2j+1 high byte);
//!   P6..P11 are the core's `CPAR`.
//! - `GSPRS`: fire = vcp ? R0 ≥ R1 : true; the flag ← fire; a spike iff gsp and fire; the reset
//!   (unless rstn) iff fire. rsm `Zero` loads the core's reset value.
//! - `LSIS` b2 (wgtsum) reads this step's weight sum; the core zeroes it after every neuron,
//!   whatever the program does (the double-buffered bank is cleared). b0 (rand) draws from
//!   the core's xorshift. Storing either, or touching b7 (rmsb16), is a fault.
//! - `UPTLS`: each selected trace t ← t − (t >> LPAR[k]) (k the trace's bit), then for the X
//!   (Y) traces t ← min(127, t + LPAR[5]) if X0 (Y0) is set.
//! - `UPTSYN`: R7 ← clamp_w(R7 + round(WPAR[pno] · Π terms >> 7·(trace terms))), spike bits
//!   counting 1, traces as Q7 fractions, the reward trace as a signed Q7.

use std::fmt;

use super::arith::{Overflow, Rounding, XorShift32, clamp_weight, fit16, mulq, round_shift};
use super::isa::{CmpFunc, Instruction, JumpCond, LogicFunc, ResetSel, encode};

/// Largest program, instructions (§4.1 MaxProgram).
pub const MAX_PROGRAM: usize = 128;
/// Most instructions one neuron execution may run.
pub const MAX_EXECUTED: u32 = 128;

/// A core's program: 1..=128 instructions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    code: Vec<Instruction>,
}

impl Program {
    /// A program; errors if it is empty or longer than [`MAX_PROGRAM`].
    pub fn new(code: Vec<Instruction>) -> Result<Self, String> {
        if code.is_empty() || code.len() > MAX_PROGRAM {
            return Err(format!(
                "a program has 1..={MAX_PROGRAM} instructions, this one has {}",
                code.len()
            ));
        }
        Ok(Self { code })
    }

    /// The instructions.
    pub fn code(&self) -> &[Instruction] {
        &self.code
    }

    /// The 16-bit words.
    pub fn words(&self) -> Vec<u16> {
        self.code.iter().map(encode).collect()
    }

    /// The listing: one line per instruction, `address  word  mnemonic`.
    pub fn listing(&self) -> String {
        let mut s = String::new();
        for (pc, inst) in self.code.iter().enumerate() {
            s.push_str(&format!("{pc:3}  {:04x}  {inst}\n", encode(inst)));
        }
        s
    }
}

/// The per-core control registers the instructions read (§2.5, §4.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoreSettings {
    /// `CR_QA` product shift.
    pub qa_shift: u32,
    /// Product rounding.
    pub rounding: Rounding,
    /// Register overflow.
    pub overflow: Overflow,
    /// The reset value of `GSPRS` rsm = `Zero` (`CR_VTDEC`[31:16]).
    pub vt_reset: i16,
    /// The decrement of rsm = `SubVtdec` (`CR_VTDEC`[15:0]).
    pub vt_dec: i16,
    /// `CPAR0..11`.
    pub cpar: [u8; 12],
    /// `WPAR0..15`.
    pub wpar: [i8; 16],
    /// `LPAR0..7`.
    pub lpar: [u8; 8],
    /// Weight width, bits.
    pub w_bits: u8,
}

impl Default for CoreSettings {
    fn default() -> Self {
        Self {
            qa_shift: 8,
            rounding: Rounding::default(),
            overflow: Overflow::default(),
            vt_reset: 0,
            vt_dec: 0,
            cpar: [0; 12],
            wpar: [0; 16],
            lpar: [0; 8],
            w_bits: 8,
        }
    }
}

/// One neuron's learning state (§2.3): 7-bit traces, spike bits, 8-bit reward traces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LearnState {
    /// Pre trace 1A.
    pub x_a: u8,
    /// Pre trace 1B.
    pub x_b: u8,
    /// Post trace 1A.
    pub y_a: u8,
    /// Post trace 1B.
    pub y_b: u8,
    /// Pre spike bit X0.
    pub x0: bool,
    /// Post spike bit Y0.
    pub y0: bool,
    /// Reward trace PRT1-R.
    pub r1: u8,
    /// Reward trace PRT0-R.
    pub r0: u8,
}

/// The per-neuron memories of one core (§2.3, §4.2), structure-of-arrays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NeuronMemory {
    /// vt memory.
    pub vt: Vec<i16>,
    /// Threshold.
    pub vth: Vec<i16>,
    /// I.
    pub i_state: Vec<i16>,
    /// res.
    pub res: Vec<i16>,
    /// Refractory counter.
    pub rpd: Vec<u8>,
    /// Inference parameters PAR0..PAR5.
    pub par: Vec<[u8; 6]>,
    /// Learning state.
    pub learn: Vec<LearnState>,
}

impl NeuronMemory {
    /// `n` neurons with everything zero.
    pub fn zeroed(n: usize) -> Self {
        Self {
            vt: vec![0; n],
            vth: vec![0; n],
            i_state: vec![0; n],
            res: vec![0; n],
            rpd: vec![0; n],
            par: vec![[0; 6]; n],
            learn: vec![LearnState::default(); n],
        }
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.vt.len()
    }

    /// Whether there are no neurons.
    pub fn is_empty(&self) -> bool {
        self.vt.is_empty()
    }
}

/// A program fault: the neuron, the pc and the instruction there (if any), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Local neuron index.
    pub neuron: usize,
    /// Program counter of the faulting instruction.
    pub pc: usize,
    /// The instruction at `pc`, `None` when pc is past the end.
    pub instruction: Option<Instruction>,
    /// What went wrong.
    pub reason: String,
    /// Instructions executed before the fault.
    pub executed: u32,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "neuron {} pc {}", self.neuron, self.pc)?;
        if let Some(i) = self.instruction {
            write!(f, " ({i})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for Fault {}

/// What one neuron execution did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NeuronRun {
    /// Instructions executed, `NPC` included.
    pub instructions: u32,
    /// Whether a `GSPRS` emitted a spike.
    pub spiked: bool,
}

/// A core's running registers and flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Machine {
    /// R0..R15.
    pub regs: [i16; 16],
    /// The compare flag.
    pub flag: bool,
}

/// The byte `k` of a 16-bit register pair view.
fn byte(r: i16, high: bool) -> u8 {
    if high { (r as u16 >> 8) as u8 } else { r as u16 as u8 }
}

fn set_byte(r: &mut i16, high: bool, v: u8) {
    let u = *r as u16;
    *r = if high { (u & 0x00ff) | ((v as u16) << 8) } else { (u & 0xff00) | v as u16 } as i16;
}

fn trace_bits(r: i16) -> u8 {
    (r as u16 & 0x7f) as u8
}

fn set_trace(r: &mut i16, v: u8) {
    *r = ((*r as u16 & !0x7f) | (v as u16 & 0x7f)) as i16;
}

impl Machine {
    /// Parameter Pk: bytes of R13..R15 for k < 6, else `CPAR[k]`.
    fn param(&self, k: usize, s: &CoreSettings) -> i32 {
        if k < 6 { byte(self.regs[13 + k / 2], k % 2 == 1) as i32 } else { s.cpar[k] as i32 }
    }

    /// Runs the program for neuron `n`; `wgtsum` is its weight sum this step and `synapse` the
    /// current synapse's weight in a per-synapse segment (`None` otherwise).
    #[allow(clippy::too_many_arguments)]
    pub fn run_neuron(
        &mut self,
        prog: &Program,
        s: &CoreSettings,
        mem: &mut NeuronMemory,
        n: usize,
        wgtsum: i16,
        rng: &mut XorShift32,
        mut synapse: Option<&mut i16>,
    ) -> Result<NeuronRun, Fault> {
        use Instruction as I;
        let of = s.overflow;
        let mut run = NeuronRun::default();
        let mut pc = 0usize;
        loop {
            let Some(&inst) = prog.code.get(pc) else {
                return Err(Fault {
                    neuron: n,
                    pc,
                    instruction: None,
                    reason: "ran past the end of the program without NPC".into(),
                    executed: run.instructions,
                });
            };
            let executed = run.instructions;
            let fault =
                |reason: String| Fault { neuron: n, pc, instruction: Some(inst), reason, executed };
            if run.instructions >= MAX_EXECUTED {
                return Err(fault(format!(
                    "more than {MAX_EXECUTED} instructions executed for one neuron"
                )));
            }
            run.instructions += 1;
            let r = &mut self.regs;
            let mut next = pc + 1;
            match inst {
                I::Add { rs, rt, .. } => {
                    r[rs as usize] = fit16(r[rs as usize] as i32 + r[rt as usize] as i32, of)
                }
                I::Sub { rs, rt, .. } => {
                    r[rs as usize] = fit16(r[rs as usize] as i32 - r[rt as usize] as i32, of)
                }
                I::Mul { rs, rt, qf, rq } => {
                    let q = if qf { ((r[8] as u16 >> (4 * rq)) & 0xf) as u32 } else { s.qa_shift };
                    let p = mulq(r[rs as usize] as i32, r[rt as usize] as i32, q, s.rounding, rng);
                    r[rs as usize] = fit16(p, of);
                }
                I::Addi { rs, imm } => {
                    r[rs as usize] = fit16(r[rs as usize] as i32 + imm as i32, of)
                }
                I::Sfti { rs, right, imm, .. } => {
                    let v = r[rs as usize] as i32;
                    r[rs as usize] = fit16(if right { v >> imm } else { v << imm }, of);
                }
                I::Cmp { rs, rt, func } => {
                    let (a, b) = (r[rs as usize], r[rt as usize]);
                    self.flag = match func {
                        CmpFunc::Ge => a >= b,
                        CmpFunc::Eq => a == b,
                        CmpFunc::Ge0 => a >= 0,
                        CmpFunc::Eq0 => a == 0,
                    };
                }
                I::Jc { cond, addr } => {
                    let take = match cond {
                        JumpCond::Always => true,
                        JumpCond::IfFlag => self.flag,
                        JumpCond::IfNotFlag => !self.flag,
                    };
                    if take {
                        if addr as usize >= prog.code.len() {
                            return Err(fault(format!(
                                "jump to {addr}, outside the program (0..{})",
                                prog.code.len()
                            )));
                        }
                        next = addr as usize;
                    }
                }
                I::Mov { rs, rt } => r[rs as usize] = r[rt as usize],
                I::Logic { rs, rt, func } => {
                    let (a, b) = (r[rs as usize], r[rt as usize]);
                    r[rs as usize] = match func {
                        LogicFunc::And => a & b,
                        LogicFunc::Or => a | b,
                        LogicFunc::Xor => a ^ b,
                        LogicFunc::Not => !b,
                        LogicFunc::Nand => !(a & b),
                        LogicFunc::Nor => !(a | b),
                        LogicFunc::Xnor => !(a ^ b),
                    };
                }
                I::Lsis { store, mask } => {
                    if mask & 0x80 != 0 {
                        return Err(fault("LSIS rmsb16 (bit 7) has no public meaning".into()));
                    }
                    if store && mask & 0b101 != 0 {
                        return Err(fault("LSIS cannot store wgtsum (b2) or rand (b0)".into()));
                    }
                    let fields: [(u8, usize); 5] = [(6, 0), (5, 1), (4, 2), (3, 3), (1, 5)];
                    for (b, reg) in fields {
                        if mask & (1 << b) == 0 {
                            continue;
                        }
                        let slot: &mut i16 = match b {
                            6 => &mut mem.vt[n],
                            5 => &mut mem.vth[n],
                            4 => &mut mem.i_state[n],
                            1 => &mut mem.res[n],
                            _ => {
                                if store {
                                    mem.rpd[n] = r[3] as u8;
                                } else {
                                    r[3] = mem.rpd[n] as i16;
                                }
                                continue;
                            }
                        };
                        if store {
                            *slot = r[reg];
                        } else {
                            r[reg] = *slot;
                        }
                    }
                    if !store && mask & 0b100 != 0 {
                        r[4] = wgtsum;
                    }
                    if !store && mask & 1 != 0 {
                        r[6] = rng.next_u32() as i16;
                    }
                }
                I::Uptvt { fcs: true, .. } => r[0] = fit16(r[0] as i32 + r[4] as i32, of),
                I::Uptvt { fcs: false, fcph } => {
                    let p0 = self.param(0, s);
                    let r = &mut self.regs;
                    let mut v = mulq(p0, r[0] as i32, s.qa_shift, s.rounding, rng);
                    if fcph & 1 != 0 {
                        v += r[2] as i32;
                    }
                    if fcph & 2 != 0 {
                        v += r[5] as i32;
                    }
                    r[0] = fit16(v, of);
                }
                I::Uptis { unph, fcph } => {
                    let Some(k) = (0..3).find(|k| fcph & (1 << k) != 0) else {
                        return Err(fault("UPTIS selects no parameter (fcph = 0)".into()));
                    };
                    let p = self.param(2 + k, s);
                    for (b, reg) in [(0, 1), (1, 2), (2, 5)] {
                        if unph & (1 << b) != 0 {
                            let v = self.regs[reg] as i32;
                            self.regs[reg] = fit16(mulq(p, v, s.qa_shift, s.rounding, rng), of);
                        }
                    }
                }
                I::Lsip { store, pos, mask } => {
                    if pos {
                        return Err(fault("LSIP pos = 1 has no public meaning".into()));
                    }
                    for k in 0..6 {
                        if mask & (1 << k) == 0 {
                            continue;
                        }
                        let reg = &mut r[13 + k / 2];
                        if store {
                            mem.par[n][k] = byte(*reg, k % 2 == 1);
                        } else {
                            set_byte(reg, k % 2 == 1, mem.par[n][k]);
                        }
                    }
                }
                I::Lsls { store, pre, mask } => {
                    if pre {
                        return Err(fault(
                            "LSLS pre = 1: where pre-synaptic state lives is not public".into(),
                        ));
                    }
                    let l = &mut mem.learn[n];
                    for b in 0..8 {
                        if mask & (1 << b) == 0 {
                            continue;
                        }
                        match (b, store) {
                            (0, false) => set_trace(&mut r[8], l.x_a),
                            (0, true) => l.x_a = trace_bits(r[8]),
                            (1, false) => set_trace(&mut r[10], l.x_b),
                            (1, true) => l.x_b = trace_bits(r[10]),
                            (2, false) => set_trace(&mut r[9], l.y_a),
                            (2, true) => l.y_a = trace_bits(r[9]),
                            (3, false) => set_trace(&mut r[11], l.y_b),
                            (3, true) => l.y_b = trace_bits(r[11]),
                            (4, false) => set_byte(&mut r[12], false, l.r1),
                            (4, true) => l.r1 = byte(r[12], false),
                            (5, false) => r[8] = (r[8] & !0x80) | ((l.x0 as i16) << 7),
                            (5, true) => l.x0 = r[8] & 0x80 != 0,
                            (6, false) => r[9] = (r[9] & !0x80) | ((l.y0 as i16) << 7),
                            (6, true) => l.y0 = r[9] & 0x80 != 0,
                            (_, false) => set_byte(&mut r[12], true, l.r0),
                            (_, true) => l.r0 = byte(r[12], true),
                        }
                    }
                }
                I::Uptls { unph } => {
                    let x0 = r[8] & 0x80 != 0;
                    let y0 = r[9] & 0x80 != 0;
                    // (bit, register, spike bit)
                    let traces = [(0, 8, Some(x0)), (1, 10, Some(x0)), (2, 9, Some(y0))];
                    let traces = traces.into_iter().chain([(3, 11, Some(y0)), (4, 12, None)]);
                    for (b, reg, spike) in traces {
                        if unph & (1 << b) == 0 {
                            continue;
                        }
                        let t = if reg == 12 { byte(r[12], false) } else { trace_bits(r[reg]) };
                        let k = s.lpar[b] as u32;
                        let decayed = t - if k >= 8 { 0 } else { t >> k };
                        let t = match spike {
                            Some(true) => (decayed as u32 + s.lpar[5] as u32).min(127) as u8,
                            _ => decayed,
                        };
                        if reg == 12 {
                            set_byte(&mut r[12], false, t);
                        } else {
                            set_trace(&mut r[reg], t);
                        }
                    }
                }
                I::Lssyn { store } => {
                    let Some(w) = synapse.as_deref_mut() else {
                        return Err(fault("LSSYN outside a per-synapse segment".into()));
                    };
                    if store {
                        *w = r[7];
                    } else {
                        r[7] = *w;
                    }
                }
                I::Uptsyn { pno, terms } => {
                    let mut d = s.wpar[pno as usize] as i64;
                    let mut q7 = 0u32;
                    let values = [
                        (r[8] & 0x80 != 0) as i64,
                        trace_bits(r[8]) as i64,
                        trace_bits(r[10]) as i64,
                        (r[9] & 0x80 != 0) as i64,
                        trace_bits(r[9]) as i64,
                        trace_bits(r[11]) as i64,
                        byte(r[12], false) as i8 as i64,
                    ];
                    for (b, v) in values.into_iter().enumerate() {
                        if terms & (1 << b) != 0 {
                            d *= v;
                            if ![0, 3].contains(&b) {
                                q7 += 7;
                            }
                        }
                    }
                    let d = round_shift(d, q7, s.rounding, rng);
                    r[7] = clamp_weight((r[7] as i64 + d).clamp(-65_536, 65_536) as i32, s.w_bits)
                        as i16;
                }
                I::Gsprs { no_reset, gsp, vcp, rsm, .. } => {
                    let fire = !vcp || r[0] >= r[1];
                    self.flag = fire;
                    if fire && gsp {
                        run.spiked = true;
                    }
                    if fire && !no_reset {
                        r[0] = match rsm {
                            ResetSel::Nop => r[0],
                            ResetSel::Zero => s.vt_reset,
                            ResetSel::SubVth => fit16(r[0] as i32 - r[1] as i32, of),
                            ResetSel::SubVtdec => fit16(r[0] as i32 - s.vt_dec as i32, of),
                        };
                    }
                }
                I::Npc => return Ok(run),
            }
            pc = next;
        }
    }

    /// The inference phase on one core: runs `prog` for every neuron in index order, zeroing
    /// its weight sum after it. Pushes (local index, cycle after the neuron's execution) per
    /// spike and returns the instructions executed; the first fault stops that neuron only,
    /// and every fault is returned in `faults`.
    #[allow(clippy::too_many_arguments)]
    pub fn run_core(
        &mut self,
        prog: &Program,
        s: &CoreSettings,
        mem: &mut NeuronMemory,
        wgtsum: &mut [i16],
        rng: &mut XorShift32,
        spikes: &mut Vec<(u16, u64)>,
        faults: &mut Vec<Fault>,
        start_cycle: u64,
    ) -> u64 {
        let mut cycle = start_cycle;
        for (n, slot) in wgtsum.iter_mut().enumerate().take(mem.len()) {
            let ws = std::mem::take(slot);
            match self.run_neuron(prog, s, mem, n, ws, rng, None) {
                Ok(run) => {
                    cycle += run.instructions as u64;
                    if run.spiked {
                        spikes.push((n as u16, cycle));
                    }
                }
                Err(f) => {
                    cycle += f.executed as u64;
                    faults.push(f);
                }
            }
        }
        cycle - start_cycle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::darwin3::isa::decode;

    fn prog(words: &[u16]) -> Program {
        Program::new(words.iter().map(|&w| decode(w).expect("a valid word")).collect())
            .expect("a valid program")
    }

    fn run(p: &Program, wgtsum: i16) -> (Machine, NeuronMemory, Result<NeuronRun, Fault>) {
        let mut m = Machine::default();
        let mut mem = NeuronMemory::zeroed(1);
        mem.vth[0] = 100;
        let mut rng = XorShift32::new(1);
        let r = m.run_neuron(p, &CoreSettings::default(), &mut mem, 0, wgtsum, &mut rng, None);
        (m, mem, r)
    }

    #[test]
    fn if_neuron_spikes_and_resets() {
        // LSIS ld Vt|Vth|wgtsum; UPTVT fcs=1; GSPRS vcp gsp rsm=ZERO; LSIS st Vt; NPC.
        let p = prog(&[0x8064, 0x8c00, 0xc00d, 0x8440, 0xc800]);
        let (_, mem, r) = run(&p, 150);
        assert_eq!(r, Ok(NeuronRun { instructions: 5, spiked: true }));
        assert_eq!(mem.vt[0], 0);
        let (_, mem, r) = run(&p, 60);
        assert_eq!(r, Ok(NeuronRun { instructions: 5, spiked: false }));
        assert_eq!(mem.vt[0], 60);
    }

    #[test]
    fn arithmetic_saturates_and_shifts_floor() {
        // ADDI r1, 63 ×… : build 32767 + 1 via SUB/ADDI/SFTI, then check saturation.
        let code = vec![
            Instruction::Sub { rs: 1, rt: 1, ns: false },
            Instruction::Addi { rs: 1, imm: 1 },
            Instruction::Sfti { rs: 1, right: false, ns: false, imm: 15 },
            Instruction::Addi { rs: 2, imm: -3 },
            Instruction::Sfti { rs: 2, right: true, ns: false, imm: 1 },
            Instruction::Npc,
        ];
        let (m, _, r) = run(&Program::new(code).expect("valid"), 0);
        assert!(r.is_ok());
        assert_eq!(m.regs[1], i16::MAX, "1 << 15 saturates");
        assert_eq!(m.regs[2], -2, "−3 >> 1 rounds toward −∞");
    }

    /// The Lite3 stdpex segments (§2.7): the compiled `UPTSYN` words 0xb80a (WPAR0 · 1A_X · 0_Y)
    /// and 0xb891 (WPAR1 · 0_X · 1A_Y) with WPAR0 = 3, WPAR1 = −1, then the trace segment.
    #[test]
    fn learning_segments_update_the_weight_and_traces() {
        // LSSYN ld; LSLS ld 0_Y|0_X|1A_Y|1A_X; UPTSYN ×2; LSSYN st; NPC.
        let syn = prog(&[0xb000, 0xa065, 0xb80a, 0xb891, 0xb400, 0xc800]);
        assert_eq!(syn.code()[2].to_string(), "UPTSYN WPAR0 * 0_Y|1A_X");
        assert_eq!(syn.code()[3].to_string(), "UPTSYN WPAR1 * 1A_Y|0_X");
        let s = CoreSettings {
            wpar: [3, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ..Default::default()
        };
        let mut mem = NeuronMemory::zeroed(1);
        mem.learn[0] = LearnState { x_a: 127, y_a: 64, x0: true, y0: true, ..Default::default() };
        let mut m = Machine::default();
        let mut rng = XorShift32::new(1);
        let mut w = 10i16;
        let r = m.run_neuron(&syn, &s, &mut mem, 0, 0, &mut rng, Some(&mut w));
        assert_eq!(r.map(|r| r.instructions), Ok(6));
        // LTP round(3·127/128) = 3, LTD round(−64/128) = −1 (half away from zero).
        assert_eq!(w, 10 + 3 - 1);
        assert!(m.run_neuron(&syn, &s, &mut mem, 0, 0, &mut rng, None).is_err(), "no synapse");
        // LSLS ld 0_Y|0_X|1A_Y|1A_X; UPTLS 1A_X|1A_Y; LSLS st 1A_Y|1A_X; NPC.
        let trace = prog(&[0xa065, 0xa940, 0xa405, 0xc800]);
        let s = CoreSettings { lpar: [2, 0, 3, 0, 0, 10, 0, 0], ..Default::default() };
        m.run_neuron(&trace, &s, &mut mem, 0, 0, &mut rng, None).expect("runs");
        // 127 − 31 + 10 = 106; 64 − 8 + 10 = 66.
        assert_eq!((mem.learn[0].x_a, mem.learn[0].y_a), (106, 66));
    }

    #[test]
    fn missing_npc_is_a_fault() {
        let p = prog(&[0x8064]);
        let (_, _, r) = run(&p, 0);
        let f = r.expect_err("no NPC");
        assert_eq!((f.neuron, f.pc, f.instruction), (0, 1, None));
    }
}
