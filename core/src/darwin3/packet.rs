//! Packets on the mesh (DARWIN3.md §1 "Packet classes", §3.6 and §4.8): what the emulator
//! sends each step and what the mesh model routes.

use serde::{Deserialize, Serialize};

use super::geometry::CoreCoord;

/// The 3-bit packet class of a head flit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PacketClass {
    /// Class 0: a spike (head + tail).
    Spike,
    /// Class 1: a write (head, address body, two data flits).
    Write,
    /// Class 2: a read (head + tail).
    Read,
    /// Class 5: a reward spike; the lab sends vesicle hops and releases as these (§4.9).
    Reward,
}

impl PacketClass {
    /// The class field value.
    pub fn code(self) -> u8 {
        match self {
            PacketClass::Spike => 0,
            PacketClass::Write => 1,
            PacketClass::Read => 2,
            PacketClass::Reward => 5,
        }
    }

    /// Flits per packet: spike 2, reward 2, write 4, read 2.
    pub fn flits(self) -> u32 {
        match self {
            PacketClass::Write => 4,
            PacketClass::Spike | PacketClass::Read | PacketClass::Reward => 2,
        }
    }
}

/// One packet injected during a step's routing phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Packet {
    /// The sending core (or a virtual edge coordinate for host input).
    pub src: CoreCoord,
    /// The receiving core (or a virtual edge coordinate for output).
    pub dst: CoreCoord,
    /// What it carries.
    pub class: PacketClass,
    /// The cycle within the step at which the source core injects it (its compute time so far).
    pub inject_cycle: u64,
}
