//! The Tier-A models written as Tier-B programs (DARWIN3.md §4.5, §2.6): one program per core
//! from the core's [`CoreProgram`] and its neurons' [`NeuronInit`], plus the per-neuron memory
//! and preset registers it expects. Run by [`super::interpreter`], they reproduce Tier A
//! bit for bit (rasters and vt; `core/tests/darwin3_isa.rs`).
//!
//! Memory layout per neuron:
//!
//! | field | holds |
//! |---|---|
//! | `vth` | the threshold |
//! | `res` | the bias (`LifShift`, `LifMul`, `Clif`: IFB style) or θ (`AdaptiveLif`) |
//! | `I` | the synaptic current (`Clif`) or the bias (`AdaptiveLif`) |
//! | `PAR0`, `PAR1` (R13) | P0, the `LifShift` k |
//! | `PAR2`, `PAR3` (R14) | the reset value, 16 bits |
//! | `PAR4`, `PAR5` (R15) | P4, the refractory length |
//!
//! Preset running registers: R10 = `vt_dec`, R11 = θ increment, R12 = θ decrement (the
//! programs never write them, so they persist, as a constant threshold may be preset on the
//! chip). R8 and R9 are scratch. A reset value shared by the whole core goes to `CR_VTDEC`
//! (`GSPRS` rsm = `Zero`); otherwise the program loads it from R14. A `LifShift` k shared by the
//! core is an `SFTI` immediate; otherwise a shift loop reads it from R13.

use super::interpreter::{CoreSettings, Machine, NeuronMemory, Program};
use super::isa::{CmpFunc, Instruction, JumpCond, ResetSel, SpikeMode};
use super::neuron::{CoreProgram, NeuronInit, NeuronModel, ResetMode};

/// Everything one core needs to run Tier B.
#[derive(Clone, Debug, PartialEq)]
pub struct TierBCore {
    /// The program.
    pub program: Program,
    /// Control registers.
    pub settings: CoreSettings,
    /// Running registers with their presets.
    pub machine: Machine,
    /// Per-neuron memory, at rest.
    pub memory: NeuronMemory,
}

/// A tiny assembler with forward labels.
struct Asm {
    code: Vec<Instruction>,
    labels: Vec<Option<usize>>,
    fixups: Vec<(usize, usize)>,
}

impl Asm {
    fn new() -> Self {
        Self { code: Vec::new(), labels: Vec::new(), fixups: Vec::new() }
    }

    fn label(&mut self) -> usize {
        self.labels.push(None);
        self.labels.len() - 1
    }

    fn place(&mut self, label: usize) {
        self.labels[label] = Some(self.code.len());
    }

    fn op(&mut self, inst: Instruction) {
        self.code.push(inst);
    }

    fn jump(&mut self, cond: JumpCond, label: usize) {
        self.fixups.push((self.code.len(), label));
        self.code.push(Instruction::Jc { cond, addr: 0 });
    }

    fn finish(mut self) -> Result<Program, String> {
        for (at, label) in self.fixups {
            let addr = self.labels[label].ok_or("an unplaced label (generator bug)")?;
            if let Instruction::Jc { addr: a, .. } = &mut self.code[at] {
                *a = u8::try_from(addr).map_err(|_| format!("jump target {addr} > 127"))?;
            }
        }
        Program::new(self.code)
    }
}

fn uniform<T: PartialEq + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut it = values;
    let first = it.next()?;
    it.all(|v| v == first).then_some(first)
}

/// Builds the Tier-B program, memory and registers of one core. Errors say what a program
/// cannot express: a `LifShift` k above 15 (the `SFTI` range) or a negative linear decay.
pub fn build(prog: &CoreProgram, init: &[NeuronInit], w_bits: u8) -> Result<TierBCore, String> {
    use Instruction as I;
    use JumpCond::{Always, IfFlag, IfNotFlag};
    if prog.vt_dec < 0 {
        return Err(format!("linear decay {} LSB: Tier B needs 0 or more", prog.vt_dec));
    }
    if let Some(p) = init.iter().find(|p| p.k_leak > 15) {
        return Err(format!("LifShift k = {} does not fit SFTI (0..=15)", p.k_leak));
    }
    let adaptive = matches!(prog.model, NeuronModel::AdaptiveLif { .. });
    let clif = prog.model == NeuronModel::Clif;
    let has_bias = init.iter().any(|p| p.bias != 0);
    let reset_value = uniform(init.iter().map(|p| p.v_reset));
    let shared_k = uniform(init.iter().map(|p| p.k_leak));

    let mut memory = NeuronMemory::zeroed(init.len());
    for (n, p) in init.iter().enumerate() {
        memory.vth[n] = p.vth;
        if adaptive {
            memory.i_state[n] = p.bias;
        } else {
            memory.res[n] = p.bias;
        }
        let [lo, hi] = p.v_reset.to_le_bytes();
        memory.par[n] = [p.p0, p.k_leak, lo, hi, p.p4, p.refractory];
    }
    let mut machine = Machine::default();
    machine.regs[10] = prog.vt_dec;
    if let NeuronModel::AdaptiveLif { th_inc, th_sub } = prog.model {
        machine.regs[11] = th_inc;
        machine.regs[12] = th_sub;
    }
    let settings = CoreSettings {
        rounding: prog.rounding,
        overflow: prog.overflow,
        vt_reset: reset_value.unwrap_or(0),
        vt_dec: prog.vt_dec,
        w_bits,
        ..CoreSettings::default()
    };

    let mut a = Asm::new();
    // Load: Vt, Vth, wgtsum, and what the model reads.
    let mut load = 0b0110_0100u8;
    if prog.refractory {
        load |= 0b1000;
    }
    if clif || (adaptive && has_bias) {
        load |= 0b1_0000;
    }
    if adaptive || has_bias {
        load |= 0b10;
    }
    a.op(I::Lsis { store: false, mask: load });
    a.op(I::Lsip { store: false, pos: false, mask: 0x3f });
    if prog.refractory {
        let active = a.label();
        a.op(I::Cmp { rs: 3, rt: 0, func: CmpFunc::Eq0 });
        a.jump(IfFlag, active);
        a.op(I::Addi { rs: 3, imm: -1 });
        a.op(I::Lsis { store: true, mask: 0b1000 });
        a.op(I::Npc);
        a.place(active);
    }
    if prog.vt_dec != 0 {
        let (done, negative) = (a.label(), a.label());
        a.op(I::Cmp { rs: 0, rt: 0, func: CmpFunc::Eq0 });
        a.jump(IfFlag, done);
        a.op(I::Cmp { rs: 0, rt: 0, func: CmpFunc::Ge0 });
        a.jump(IfNotFlag, negative);
        a.op(I::Sub { rs: 0, rt: 10, ns: false });
        a.op(I::Cmp { rs: 0, rt: 0, func: CmpFunc::Ge0 });
        a.jump(IfFlag, done);
        a.op(I::Sub { rs: 0, rt: 0, ns: false });
        a.jump(Always, done);
        a.place(negative);
        a.op(I::Add { rs: 0, rt: 10, ns: false });
        a.op(I::Cmp { rs: 0, rt: 0, func: CmpFunc::Ge0 });
        a.jump(IfNotFlag, done);
        a.op(I::Sub { rs: 0, rt: 0, ns: false });
        a.place(done);
    }
    match prog.model {
        NeuronModel::LifShift => {
            a.op(I::Mov { rs: 8, rt: 0 });
            match shared_k {
                Some(k) => a.op(I::Sfti { rs: 8, right: true, ns: false, imm: k }),
                None => {
                    let (top, end) = (a.label(), a.label());
                    a.op(I::Mov { rs: 9, rt: 13 });
                    a.op(I::Sfti { rs: 9, right: true, ns: false, imm: 8 });
                    a.place(top);
                    a.op(I::Cmp { rs: 9, rt: 0, func: CmpFunc::Eq0 });
                    a.jump(IfFlag, end);
                    a.op(I::Sfti { rs: 8, right: true, ns: false, imm: 1 });
                    a.op(I::Addi { rs: 9, imm: -1 });
                    a.jump(Always, top);
                    a.place(end);
                }
            }
            a.op(I::Sub { rs: 0, rt: 8, ns: false });
            if has_bias {
                a.op(I::Add { rs: 0, rt: 5, ns: false });
            }
            a.op(I::Uptvt { fcs: true, fcph: 0 });
        }
        NeuronModel::LifMul => {
            a.op(I::Uptvt { fcs: false, fcph: if has_bias { 0b10 } else { 0 } });
            a.op(I::Uptvt { fcs: true, fcph: 0 });
        }
        NeuronModel::AdaptiveLif { .. } => {
            a.op(I::Uptvt { fcs: false, fcph: if has_bias { 0b01 } else { 0 } });
            a.op(I::Uptvt { fcs: true, fcph: 0 });
            a.op(I::Mov { rs: 9, rt: 1 });
            a.op(I::Add { rs: 1, rt: 5, ns: false });
        }
        NeuronModel::Clif => {
            a.op(I::Uptis { unph: 0b010, fcph: 0b100 });
            a.op(I::Add { rs: 2, rt: 4, ns: false });
            a.op(I::Uptvt { fcs: false, fcph: 0b01 | if has_bias { 0b10 } else { 0 } });
        }
    }
    // Spike and reset: the flag holds "fired" after GSPRS.
    let (no_reset, rsm, in_program_reset) = match (prog.reset, reset_value) {
        (ResetMode::None, _) => (false, ResetSel::Nop, None),
        (ResetMode::ToRest, Some(_)) => (false, ResetSel::Zero, None),
        (ResetMode::ToRest, None) => (true, ResetSel::Nop, Some(I::Mov { rs: 0, rt: 14 })),
        (ResetMode::Subtract, _) if adaptive => {
            (true, ResetSel::Nop, Some(I::Sub { rs: 0, rt: 9, ns: false }))
        }
        (ResetMode::Subtract, _) => (false, ResetSel::SubVth, None),
    };
    a.op(I::Gsprs { rs: 0, gspm: SpikeMode::Default, no_reset, gsp: true, vcp: true, rsm });
    let (silent, store) = (a.label(), a.label());
    a.jump(IfNotFlag, silent);
    if let Some(reset) = in_program_reset {
        a.op(reset);
    }
    if prog.refractory {
        a.op(I::Mov { rs: 3, rt: 15 });
        a.op(I::Sfti { rs: 3, right: true, ns: false, imm: 8 });
    }
    if adaptive {
        a.op(I::Add { rs: 5, rt: 11, ns: false });
    }
    a.jump(Always, store);
    a.place(silent);
    if adaptive {
        a.op(I::Cmp { rs: 5, rt: 0, func: CmpFunc::Eq0 });
        a.jump(IfFlag, store);
        a.op(I::Cmp { rs: 5, rt: 0, func: CmpFunc::Ge0 });
        a.jump(IfNotFlag, store);
        a.op(I::Sub { rs: 5, rt: 12, ns: false });
    }
    a.place(store);
    let mut keep = 0b0100_0000u8;
    if prog.refractory {
        keep |= 0b1000;
    }
    if clif {
        keep |= 0b1_0000;
    }
    if adaptive {
        keep |= 0b10;
    }
    a.op(I::Lsis { store: true, mask: keep });
    a.op(I::Npc);
    Ok(TierBCore { program: a.finish()?, settings, machine, memory })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn init(k: u8, v_reset: i16) -> NeuronInit {
        NeuronInit { vth: 1000, v_reset, bias: 0, p0: 240, p4: 200, k_leak: k, refractory: 3 }
    }

    #[test]
    fn lif_shift_listing_uses_an_immediate_when_k_is_shared() {
        let prog = CoreProgram { model: NeuronModel::LifShift, ..CoreProgram::default() };
        let core = build(&prog, &[init(4, 0), init(4, 0)], 8).expect("buildable");
        let listing = core.program.listing();
        assert!(listing.contains("SFTI r8, >> 4"), "{listing}");
        assert!(listing.contains("GSPRS vcp gsp rsm=Zero"), "{listing}");
        let core = build(&prog, &[init(4, 0), init(5, 7)], 8).expect("buildable");
        let listing = core.program.listing();
        assert!(listing.contains("SFTI r8, >> 1"), "a shift loop: {listing}");
        assert!(listing.contains("MOV r0, r14"), "an in-program reset: {listing}");
    }

    #[test]
    fn unrepresentable_settings_are_errors() {
        let prog = CoreProgram { model: NeuronModel::LifShift, ..CoreProgram::default() };
        assert!(build(&prog, &[init(16, 0)], 8).is_err());
        let prog = CoreProgram { vt_dec: -1, ..CoreProgram::default() };
        assert!(build(&prog, &[init(4, 0)], 8).is_err());
    }
}
