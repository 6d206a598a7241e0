//! An emulation of the Darwin3 neuromorphic chip built from public information
//! (`../shared/DARWIN3.md`): its geometry, the mapping of a spiking network onto its cores,
//! integer neuron models, STDP, the mesh network and vesicles as reward packets.
//!
//! This is not the vendor's toolchain: where no public source exists the emulator follows the
//! defaults of DARWIN3.md section 4, and the lab says so wherever it shows the emulation.

mod anneal;
pub mod arith;
pub mod bench;
pub mod chunk;
pub mod emulator;
pub mod from_world;
pub mod geometry;
pub mod interpreter;
pub mod isa;
pub mod links;
pub mod mapping;
pub mod mesh;
pub mod neuron;
pub mod packet;
pub mod placement;
pub mod programs;
pub mod quantise;
pub mod relaxed;
pub mod session;
pub mod stdp;
pub mod tables;

pub use chunk::Chunk;
pub use emulator::{CoreCounters, EmuConfig, Emulator, StepOutput, Tier};
pub use geometry::{CoreCoord, CoreKind};
pub use links::{Direction, Link};
pub use mapping::{MapConfig, Mapping, MappingReport, RuleViolation, validate};
pub use mesh::{MeshModel, MeshSettings, StepReport, StrictMode};
pub use packet::{Packet, PacketClass};
pub use placement::{AnnealSettings, Placement, PlacementError, PlacementMethod, place};
