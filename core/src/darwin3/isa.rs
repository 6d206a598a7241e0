//! The 16-bit neuron instruction words of Darwin3 (DARWIN3.md §2.4), for the publicly used
//! subset: an [`Instruction`] per mnemonic, [`encode`], [`decode`] and a disassembler
//! (`Display`, the panel's program listing).
//!
//! Every word has the opcode in [15:11]. [`decode`] is strict: an opcode outside the subset
//! (the extended `SA`, `TS`, `STORE`, `LOAD`, `SP`, `WMOV`, `ADDA`, `STATE` and the unassigned
//! 27..31), a reserved field value or a set bit outside the instruction's fields is an error
//! that names it, so that `encode(decode(w)?) == w` for every word `decode` accepts.

use std::fmt;

/// A running register index, 0..=15.
pub type Reg = u8;

/// The condition `CMP` writes to the flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpFunc {
    /// R[rs] ≥ R[rt].
    Ge,
    /// R[rs] = R[rt].
    Eq,
    /// R[rs] ≥ 0.
    Ge0,
    /// R[rs] = 0.
    Eq0,
}

/// When `JC` jumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JumpCond {
    /// Always (cmpf = 0, `jmp`).
    Always,
    /// If the flag is set (cmpf = 1, cmpr = 0, `jc`).
    IfFlag,
    /// If the flag is clear (cmpf = 1, cmpr = 1, `jnc`).
    IfNotFlag,
}

/// The bitwise operations of `LOGIC`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicFunc {
    /// R[rs] & R[rt].
    And,
    /// R[rs] | R[rt].
    Or,
    /// R[rs] ^ R[rt].
    Xor,
    /// !R[rt].
    Not,
    /// !(R[rs] & R[rt]).
    Nand,
    /// !(R[rs] | R[rt]).
    Nor,
    /// !(R[rs] ^ R[rt]).
    Xnor,
}

/// What a spike carries (`GSPRS` gspm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpikeMode {
    /// The default packet.
    Default,
    /// The neuron index.
    NeuronIndex,
    /// An axon index taken from R[rs].
    AxonIndex,
}

/// The `GSPRS` reset mode (rsm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResetSel {
    /// No change.
    Nop,
    /// vt ← the core's reset value (`CR_VTDEC`[31:16]).
    Zero,
    /// vt ← vt − vth (R0 − R1).
    SubVth,
    /// vt ← vt − the core's `vt_dec` (`CR_VTDEC`[15:0]).
    SubVtdec,
}

/// One decoded instruction. Field names follow §2.4; masks keep their bit order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Instruction {
    /// R[rs] ← R[rs] + R[rt]; `ns` is carried (meaning not public).
    Add {
        /// Destination and first operand.
        rs: Reg,
        /// Second operand.
        rt: Reg,
        /// The `ns` bit.
        ns: bool,
    },
    /// R[rs] ← R[rs] − R[rt].
    Sub {
        /// Destination and first operand.
        rs: Reg,
        /// Second operand.
        rt: Reg,
        /// The `ns` bit.
        ns: bool,
    },
    /// R[rs] ← mulq(R[rs], R[rt], q): q is the core's `CR_QA` shift (qf = 0) or nibble `rq` of
    /// R8 (qf = 1; ALIF's R8 = 15 << 8 with rq = 2 gives the Q15 shift).
    Mul {
        /// Destination and first operand.
        rs: Reg,
        /// Second operand.
        rt: Reg,
        /// Shift from a register instead of `CR_QA`.
        qf: bool,
        /// Which nibble of R8 holds the shift, 0..=3.
        rq: u8,
    },
    /// R[rs] ← R[rs] + imm, imm in −64..=63.
    Addi {
        /// Destination.
        rs: Reg,
        /// The signed 7-bit immediate.
        imm: i8,
    },
    /// Shift R[rs] by imm (0..=15); a right shift is arithmetic.
    Sfti {
        /// Destination.
        rs: Reg,
        /// Right (sf = 1) or left.
        right: bool,
        /// The `ns` bit (carried).
        ns: bool,
        /// Shift amount, 0..=15.
        imm: u8,
    },
    /// flag ← func(R[rs], R[rt]).
    Cmp {
        /// First operand.
        rs: Reg,
        /// Second operand.
        rt: Reg,
        /// The comparison.
        func: CmpFunc,
    },
    /// Conditional jump to `addr` (0..=127).
    Jc {
        /// The condition.
        cond: JumpCond,
        /// Target instruction index.
        addr: u8,
    },
    /// R[rs] ← R[rt].
    Mov {
        /// Destination.
        rs: Reg,
        /// Source.
        rt: Reg,
    },
    /// R[rs] ← func(R[rs], R[rt]).
    Logic {
        /// Destination and first operand.
        rs: Reg,
        /// Second operand.
        rt: Reg,
        /// The operation.
        func: LogicFunc,
    },
    /// Load (store = false) or store the inference state selected by `mask`: b6 Vt↔R0,
    /// b5 Vth↔R1, b4 I↔R2, b3 rpd↔R3, b2 wgtsum→R4 (load only), b1 res↔R5, b0 rand→R6
    /// (load only), b7 rmsb16 (meaning not public).
    Lsis {
        /// Store instead of load.
        store: bool,
        /// Field mask.
        mask: u8,
    },
    /// vt update: fcs = 1 adds the weight sum; fcs = 0 is the `CPAR` leak form.
    Uptvt {
        /// Add-the-weight-sum form.
        fcs: bool,
        /// Terms of the fcs = 0 form (2 bits).
        fcph: u8,
    },
    /// Linear update of vth (b0), I (b1) or res (b2) by P2 (b0), P3 (b1) or P4 (b2).
    Uptis {
        /// Targets (3 bits).
        unph: u8,
        /// Parameter selection (3 bits).
        fcph: u8,
    },
    /// Load or store the neuron's parameters PAR0..PAR5 (mask bit k = PARk) ↔ R13..R15.
    Lsip {
        /// Store instead of load.
        store: bool,
        /// The `pos` bit (meaning not public).
        pos: bool,
        /// PAR mask (6 bits).
        mask: u8,
    },
    /// Load or store learning state (mask bits as §2.4 `LSLS`) ↔ R8..R12.
    Lsls {
        /// Store instead of load.
        store: bool,
        /// The `pre` flag (where pre-synaptic state lives is not public).
        pre: bool,
        /// Field mask.
        mask: u8,
    },
    /// Trace update of the selected traces (5 bits: 1A_X, 1B_X, 1A_Y, 1B_Y, R).
    Uptls {
        /// Trace mask.
        unph: u8,
    },
    /// Load or store the current synapse's weight ↔ R7.
    Lssyn {
        /// Store instead of load.
        store: bool,
    },
    /// w ← w + WPAR[pno] · Π(selected terms).
    Uptsyn {
        /// WPAR index, 0..=15.
        pno: u8,
        /// Term mask (7 bits: 0_X, 1A_X, 1B_X, 0_Y, 1A_Y, 1B_Y, R).
        terms: u8,
    },
    /// Generate spike / reset.
    Gsprs {
        /// Register of the axon index (gspm = `AxonIndex`).
        rs: Reg,
        /// What the spike carries.
        gspm: SpikeMode,
        /// `rstn` = 1 disables the reset.
        no_reset: bool,
        /// Emit a spike.
        gsp: bool,
        /// Compare vt ≥ vth first.
        vcp: bool,
        /// The reset mode.
        rsm: ResetSel,
    },
    /// End of this neuron's segment.
    Npc,
}

/// Opcode numbers of the subset.
mod op {
    pub const ADD: u16 = 0b00000;
    pub const SUB: u16 = 0b00001;
    pub const MUL: u16 = 0b00010;
    pub const ADDI: u16 = 0b00011;
    pub const SFTI: u16 = 0b00100;
    pub const CMP: u16 = 0b00101;
    pub const JC: u16 = 0b00110;
    pub const MOV: u16 = 0b01001;
    pub const LOGIC: u16 = 0b01010;
    pub const LSIS: u16 = 0b10000;
    pub const UPTVT: u16 = 0b10001;
    pub const UPTIS: u16 = 0b10010;
    pub const LSIP: u16 = 0b10011;
    pub const LSLS: u16 = 0b10100;
    pub const UPTLS: u16 = 0b10101;
    pub const LSSYN: u16 = 0b10110;
    pub const UPTSYN: u16 = 0b10111;
    pub const GSPRS: u16 = 0b11000;
    pub const NPC: u16 = 0b11001;
}

/// Names of the opcodes outside the subset, for errors.
fn unsupported_name(opcode: u16) -> &'static str {
    match opcode {
        0b00111 => "SA",
        0b01000 => "TS",
        0b01011 => "STORE",
        0b01100 => "LOAD",
        0b01101 => "SP",
        0b01110 => "WMOV",
        0b01111 => "ADDA",
        0b11010 => "STATE",
        _ => "unassigned",
    }
}

fn bit(b: bool, at: u32) -> u16 {
    (b as u16) << at
}

fn rs_rt(rs: Reg, rt: Reg) -> u16 {
    ((rs as u16 & 0xf) << 7) | ((rt as u16 & 0xf) << 3)
}

/// The 16-bit word of `inst`. Fields wider than their slot are truncated to it; every value
/// [`decode`] produces encodes back to its word.
pub fn encode(inst: &Instruction) -> u16 {
    use Instruction as I;
    let (opcode, body): (u16, u16) = match *inst {
        I::Add { rs, rt, ns } => (op::ADD, rs_rt(rs, rt) | bit(ns, 2)),
        I::Sub { rs, rt, ns } => (op::SUB, rs_rt(rs, rt) | bit(ns, 2)),
        I::Mul { rs, rt, qf, rq } => (op::MUL, rs_rt(rs, rt) | bit(qf, 2) | (rq as u16 & 3)),
        I::Addi { rs, imm } => (op::ADDI, rs_rt(rs, 0) | (imm as u16 & 0x7f)),
        I::Sfti { rs, right, ns, imm } => {
            (op::SFTI, rs_rt(rs, 0) | bit(right, 6) | bit(ns, 4) | (imm as u16 & 0xf))
        }
        I::Cmp { rs, rt, func } => (op::CMP, rs_rt(rs, rt) | func as u16),
        I::Jc { cond, addr } => {
            let c = match cond {
                JumpCond::Always => 0,
                JumpCond::IfFlag => 0b10 << 9,
                JumpCond::IfNotFlag => 0b11 << 9,
            };
            (op::JC, c | (addr as u16 & 0x7f))
        }
        I::Mov { rs, rt } => (op::MOV, rs_rt(rs, rt)),
        I::Logic { rs, rt, func } => (op::LOGIC, rs_rt(rs, rt) | func as u16),
        I::Lsis { store, mask } => (op::LSIS, bit(store, 10) | mask as u16),
        I::Uptvt { fcs, fcph } => (op::UPTVT, bit(fcs, 10) | (fcph as u16 & 3)),
        I::Uptis { unph, fcph } => (op::UPTIS, ((unph as u16 & 7) << 8) | (fcph as u16 & 7)),
        I::Lsip { store, pos, mask } => {
            (op::LSIP, bit(store, 10) | bit(pos, 6) | (mask as u16 & 0x3f))
        }
        I::Lsls { store, pre, mask } => (op::LSLS, bit(store, 10) | bit(pre, 8) | mask as u16),
        I::Uptls { unph } => (op::UPTLS, (unph as u16 & 0x1f) << 6),
        I::Lssyn { store } => (op::LSSYN, bit(store, 10)),
        I::Uptsyn { pno, terms } => (op::UPTSYN, ((pno as u16 & 0xf) << 7) | (terms as u16 & 0x7f)),
        I::Gsprs { rs, gspm, no_reset, gsp, vcp, rsm } => (
            op::GSPRS,
            rs_rt(rs, 0)
                | ((gspm as u16) << 5)
                | bit(no_reset, 4)
                | bit(gsp, 3)
                | bit(vcp, 2)
                | rsm as u16,
        ),
        I::Npc => (op::NPC, 0),
    };
    (opcode << 11) | body
}

/// Decodes a word. Errors name the opcode (or mnemonic) and what is wrong.
pub fn decode(word: u16) -> Result<Instruction, String> {
    use Instruction as I;
    let opcode = word >> 11;
    let rs = ((word >> 7) & 0xf) as Reg;
    let rt = ((word >> 3) & 0xf) as Reg;
    let b = |at: u32| word & (1 << at) != 0;
    let reserved = |name: &str, mask: u16| -> Result<(), String> {
        if word & mask != 0 {
            Err(format!(
                "{word:#06x}: {name} has reserved bits {:#06x} set (they must be 0)",
                word & mask
            ))
        } else {
            Ok(())
        }
    };
    let inst = match opcode {
        op::ADD | op::SUB => {
            let name = if opcode == op::ADD { "ADD" } else { "SUB" };
            reserved(name, 0b11)?;
            if opcode == op::ADD {
                I::Add { rs, rt, ns: b(2) }
            } else {
                I::Sub { rs, rt, ns: b(2) }
            }
        }
        op::MUL => I::Mul { rs, rt, qf: b(2), rq: (word & 3) as u8 },
        op::ADDI => {
            let imm7 = (word & 0x7f) as i8;
            I::Addi { rs, imm: (imm7 << 1) >> 1 }
        }
        op::SFTI => {
            reserved("SFTI", 1 << 5)?;
            I::Sfti { rs, right: b(6), ns: b(4), imm: (word & 0xf) as u8 }
        }
        op::CMP => {
            let func = match word & 7 {
                0 => CmpFunc::Ge,
                1 => CmpFunc::Eq,
                2 => CmpFunc::Ge0,
                3 => CmpFunc::Eq0,
                f => return Err(format!("{word:#06x}: CMP func {f} is reserved (0..=3 allowed)")),
            };
            I::Cmp { rs, rt, func }
        }
        op::JC => {
            reserved("JC", 0b11 << 7)?;
            let cond = match (b(10), b(9)) {
                (false, false) => JumpCond::Always,
                (true, false) => JumpCond::IfFlag,
                (true, true) => JumpCond::IfNotFlag,
                (false, true) => {
                    return Err(format!("{word:#06x}: JC with cmpf = 0 and cmpr = 1 is reserved"));
                }
            };
            I::Jc { cond, addr: (word & 0x7f) as u8 }
        }
        op::MOV => {
            reserved("MOV", 0b111)?;
            I::Mov { rs, rt }
        }
        op::LOGIC => {
            let func = match word & 7 {
                0 => LogicFunc::And,
                1 => LogicFunc::Or,
                2 => LogicFunc::Xor,
                3 => LogicFunc::Not,
                4 => LogicFunc::Nand,
                5 => LogicFunc::Nor,
                6 => LogicFunc::Xnor,
                _ => return Err(format!("{word:#06x}: LOGIC func 7 is reserved (0..=6 allowed)")),
            };
            I::Logic { rs, rt, func }
        }
        op::LSIS => {
            reserved("LSIS", 0b11 << 8)?;
            I::Lsis { store: b(10), mask: (word & 0xff) as u8 }
        }
        op::UPTVT => {
            reserved("UPTVT", 0xff << 2)?;
            I::Uptvt { fcs: b(10), fcph: (word & 3) as u8 }
        }
        op::UPTIS => {
            reserved("UPTIS", 0x1f << 3)?;
            I::Uptis { unph: ((word >> 8) & 7) as u8, fcph: (word & 7) as u8 }
        }
        op::LSIP => {
            reserved("LSIP", 0b111 << 7)?;
            I::Lsip { store: b(10), pos: b(6), mask: (word & 0x3f) as u8 }
        }
        op::LSLS => {
            reserved("LSLS", 1 << 9)?;
            I::Lsls { store: b(10), pre: b(8), mask: (word & 0xff) as u8 }
        }
        op::UPTLS => {
            reserved("UPTLS", 0x3f)?;
            I::Uptls { unph: ((word >> 6) & 0x1f) as u8 }
        }
        op::LSSYN => {
            reserved("LSSYN", 0x3ff)?;
            I::Lssyn { store: b(10) }
        }
        op::UPTSYN => I::Uptsyn { pno: ((word >> 7) & 0xf) as u8, terms: (word & 0x7f) as u8 },
        op::GSPRS => {
            let gspm = match (word >> 5) & 3 {
                0 => SpikeMode::Default,
                1 => SpikeMode::NeuronIndex,
                2 => SpikeMode::AxonIndex,
                _ => return Err(format!("{word:#06x}: GSPRS gspm 3 is reserved (0..=2 allowed)")),
            };
            let rsm = match word & 3 {
                0 => ResetSel::Nop,
                1 => ResetSel::Zero,
                2 => ResetSel::SubVth,
                _ => ResetSel::SubVtdec,
            };
            I::Gsprs { rs, gspm, no_reset: b(4), gsp: b(3), vcp: b(2), rsm }
        }
        op::NPC => {
            reserved("NPC", 0x7ff)?;
            I::Npc
        }
        other => {
            return Err(format!(
                "{word:#06x}: opcode {other:#07b} ({}) is not in the emulated subset \
                 (ADD SUB MUL ADDI SFTI CMP JC MOV LOGIC LSIS UPTVT UPTIS LSIP LSLS UPTLS \
                 LSSYN UPTSYN GSPRS NPC)",
                unsupported_name(other)
            ));
        }
    };
    Ok(inst)
}

/// Writes the names of the set bits of `mask` (bit k named `names[k]`), joined by `|`.
fn write_mask(f: &mut fmt::Formatter<'_>, mask: u8, names: &[&str]) -> fmt::Result {
    let mut first = true;
    for (k, name) in names.iter().enumerate().rev() {
        if mask & (1 << k) != 0 {
            write!(f, "{}{name}", if first { "" } else { "|" })?;
            first = false;
        }
    }
    if first {
        write!(f, "-")?;
    }
    Ok(())
}

/// `LSIS` field names, bit 0 first.
const LSIS_FIELDS: [&str; 8] = ["rand", "res", "wgtsum", "rpd", "I", "Vth", "Vt", "rmsb16"];
/// `LSLS` field names, bit 0 first.
const LSLS_FIELDS: [&str; 8] = ["1A_X", "1B_X", "1A_Y", "1B_Y", "1_R", "0_X", "0_Y", "0_R"];
/// `UPTLS` trace names, bit 0 first.
const UPTLS_FIELDS: [&str; 5] = ["1A_X", "1B_X", "1A_Y", "1B_Y", "R"];
/// `UPTSYN` term names, bit 0 first.
const UPTSYN_TERMS: [&str; 7] = ["0_X", "1A_X", "1B_X", "0_Y", "1A_Y", "1B_Y", "R"];

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Instruction as I;
        let ld = |store: bool| if store { "st" } else { "ld" };
        let ns = |n: bool| if n { " ns" } else { "" };
        match *self {
            I::Add { rs, rt, ns: n } => write!(f, "ADD r{rs}, r{rt}{}", ns(n)),
            I::Sub { rs, rt, ns: n } => write!(f, "SUB r{rs}, r{rt}{}", ns(n)),
            I::Mul { rs, rt, qf, rq } => {
                if qf {
                    write!(f, "MUL r{rs}, r{rt}, q=r8.{rq}")
                } else {
                    write!(f, "MUL r{rs}, r{rt}, q=QA")
                }
            }
            I::Addi { rs, imm } => write!(f, "ADDI r{rs}, {imm}"),
            I::Sfti { rs, right, ns: n, imm } => {
                write!(f, "SFTI r{rs}, {} {imm}{}", if right { ">>" } else { "<<" }, ns(n))
            }
            I::Cmp { rs, rt, func } => match func {
                CmpFunc::Ge => write!(f, "CMP r{rs} >= r{rt}"),
                CmpFunc::Eq => write!(f, "CMP r{rs} == r{rt}"),
                CmpFunc::Ge0 => write!(f, "CMP r{rs} >= 0"),
                CmpFunc::Eq0 => write!(f, "CMP r{rs} == 0"),
            },
            I::Jc { cond, addr } => match cond {
                JumpCond::Always => write!(f, "JMP {addr}"),
                JumpCond::IfFlag => write!(f, "JC {addr}"),
                JumpCond::IfNotFlag => write!(f, "JNC {addr}"),
            },
            I::Mov { rs, rt } => write!(f, "MOV r{rs}, r{rt}"),
            I::Logic { rs, rt, func } => write!(f, "{func:?} r{rs}, r{rt}"),
            I::Lsis { store, mask } => {
                write!(f, "LSIS {} ", ld(store))?;
                write_mask(f, mask, &LSIS_FIELDS)
            }
            I::Uptvt { fcs: true, .. } => write!(f, "UPTVT vt += wgtsum"),
            I::Uptvt { fcs: false, fcph } => {
                write!(f, "UPTVT vt = P0*vt")?;
                if fcph & 1 != 0 {
                    write!(f, " + I")?;
                }
                if fcph & 2 != 0 {
                    write!(f, " + res")?;
                }
                Ok(())
            }
            I::Uptis { unph, fcph } => {
                write!(f, "UPTIS ")?;
                write_mask(f, unph, &["vth", "I", "res"])?;
                write!(f, " *= ")?;
                write_mask(f, fcph, &["P2", "P3", "P4"])
            }
            I::Lsip { store, pos, mask } => {
                write!(f, "LSIP {} ", ld(store))?;
                write_mask(f, mask, &["PAR0", "PAR1", "PAR2", "PAR3", "PAR4", "PAR5"])?;
                if pos {
                    write!(f, " pos")?;
                }
                Ok(())
            }
            I::Lsls { store, pre, mask } => {
                write!(f, "LSLS {} ", ld(store))?;
                write_mask(f, mask, &LSLS_FIELDS)?;
                if pre {
                    write!(f, " pre")?;
                }
                Ok(())
            }
            I::Uptls { unph } => {
                write!(f, "UPTLS ")?;
                write_mask(f, unph, &UPTLS_FIELDS)
            }
            I::Lssyn { store } => write!(f, "LSSYN {}", ld(store)),
            I::Uptsyn { pno, terms } => {
                write!(f, "UPTSYN WPAR{pno} * ")?;
                write_mask(f, terms, &UPTSYN_TERMS)
            }
            I::Gsprs { rs, gspm, no_reset, gsp, vcp, rsm } => {
                write!(f, "GSPRS")?;
                if vcp {
                    write!(f, " vcp")?;
                }
                if gsp {
                    write!(f, " gsp")?;
                }
                if no_reset {
                    write!(f, " rstn")?;
                } else {
                    write!(f, " rsm={rsm:?}")?;
                }
                match gspm {
                    SpikeMode::Default => Ok(()),
                    SpikeMode::NeuronIndex => write!(f, " neuron-index"),
                    SpikeMode::AxonIndex => write!(f, " axon=r{rs}"),
                }
            }
            I::Npc => write!(f, "NPC"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_words() {
        assert_eq!(decode(0x1967), Ok(Instruction::Addi { rs: 2, imm: -25 }));
        assert_eq!(
            decode(0xc00d),
            Ok(Instruction::Gsprs {
                rs: 0,
                gspm: SpikeMode::Default,
                no_reset: false,
                gsp: true,
                vcp: true,
                rsm: ResetSel::Zero,
            })
        );
        assert_eq!(decode(0x8074), Ok(Instruction::Lsis { store: false, mask: 0x74 }));
        assert_eq!(decode(0x8452), Ok(Instruction::Lsis { store: true, mask: 0x52 }));
        assert_eq!(decode(0x8074).map(|i| i.to_string()), Ok("LSIS ld Vt|Vth|I|wgtsum".into()));
        assert_eq!(decode(0x1967).map(|i| i.to_string()), Ok("ADDI r2, -25".into()));
    }

    /// Every accepted word encodes back to itself.
    #[test]
    fn every_word_round_trips() {
        let mut accepted = 0;
        for w in 0..=u16::MAX {
            if let Ok(i) = decode(w) {
                assert_eq!(encode(&i), w, "{w:#06x} decoded to {i:?}");
                accepted += 1;
            }
        }
        assert!(accepted > 10_000, "{accepted}");
    }

    #[test]
    fn unsupported_opcodes_are_named() {
        let e = decode(0b00111 << 11).expect_err("SA is extended");
        assert!(e.contains("SA"), "{e}");
        let e = decode(0b11010 << 11).expect_err("STATE is extended");
        assert!(e.contains("STATE"), "{e}");
        let e = decode(0xffff).expect_err("opcode 31 is unassigned");
        assert!(e.contains("unassigned"), "{e}");
        assert!(decode((0b11001 << 11) | 1).is_err(), "NPC with a stray bit");
    }
}
