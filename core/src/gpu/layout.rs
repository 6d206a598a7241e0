//! The Rust mirrors of the WGSL structs in `shaders/common.wgsl` (`Vesicle`, `SpeciesParams`,
//! `Release`, `StepParams`, `MoveCdf`) and of the shaders' small parameter blocks. Each is
//! `#[repr(C)]` + `bytemuck::Pod` with the same field order, offsets and size as its WGSL
//! struct (`core/tests/gpu.rs` checks them against naga's layout); kept in sync with
//! `shaders/common.wgsl`.

use bytemuck::{Pod, Zeroable};

use crate::compile::{CompiledMemory, CompiledRelease, CompiledSpecies};
use crate::graph::Direction;
use crate::species::LifetimeLaw;
use crate::vesicles::{NO_CASCADE, NONE, VesiclePool};

/// `u32::MAX`: no index (WGSL `NONE32`).
pub const NONE32: u32 = u32::MAX;

/// Event counters per species in the tallies (WGSL `EVENT_*`), in this order.
pub const EVENTS: usize = 6;
/// Cascade slot arrays in the tallies (WGSL `CASCADE_*`): live members, children added this
/// step, deepest child generation this step.
pub const CASCADE_ARRAYS: usize = 3;

/// Splits a u64 into (low, high) words.
pub fn split(x: u64) -> [u32; 2] {
    [x as u32, (x >> 32) as u32]
}

/// Joins (low, high) words into a u64.
pub fn join(w: [u32; 2]) -> u64 {
    w[0] as u64 | ((w[1] as u64) << 32)
}

/// One vesicle, the GPU's image of one slot of [`VesiclePool`] (WGSL `Vesicle`, 80 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuVesicle {
    /// Stable id (low, high).
    pub id: [u32; 2],
    /// Parent id or [`NONE`].
    pub parent: [u32; 2],
    /// Root id.
    pub root: [u32; 2],
    /// First step the vesicle takes part in.
    pub born: [u32; 2],
    /// Payload at birth.
    pub payload: [f32; 4],
    /// Species index.
    pub species: u32,
    /// Node.
    pub loc: u32,
    /// Node at the start of the last step.
    pub prev: u32,
    /// Hops made.
    pub hops: u32,
    /// Integrated activity.
    pub integ: f32,
    /// Generation in its cascade.
    pub generation: u32,
    /// Tracked cascade slot or [`NO_CASCADE`].
    pub cascade: u32,
    /// 1 when live.
    pub alive: u32,
}

impl GpuVesicle {
    /// The vesicle in `slot` of `pool`.
    pub fn from_pool(pool: &VesiclePool, slot: usize) -> Self {
        Self {
            id: split(pool.id[slot]),
            parent: split(pool.parent[slot]),
            root: split(pool.root[slot]),
            born: split(pool.born[slot]),
            payload: pool.payload[slot],
            species: pool.species[slot] as u32,
            loc: pool.loc[slot],
            prev: pool.prev[slot],
            hops: pool.hops[slot],
            integ: pool.integ[slot],
            generation: pool.generation[slot],
            cascade: pool.cascade[slot],
            alive: pool.alive[slot] as u32,
        }
    }

    /// Appends this vesicle to the arrays of `pool` (ids must keep increasing).
    pub fn push_into(&self, pool: &mut VesiclePool) {
        pool.id.push(join(self.id));
        pool.species.push(self.species as u16);
        pool.loc.push(self.loc);
        pool.prev.push(self.prev);
        pool.hops.push(self.hops);
        pool.integ.push(self.integ);
        pool.payload.push(self.payload);
        pool.alive.push(self.alive != 0);
        pool.parent.push(join(self.parent));
        pool.root.push(join(self.root));
        pool.generation.push(self.generation);
        pool.cascade.push(self.cascade);
        pool.born.push(join(self.born));
        pool.live += (self.alive != 0) as usize;
    }
}

const _: () = assert!(NONE == u64::MAX && NO_CASCADE == NONE32);

/// Per-vesicle constants of a species (WGSL `SpeciesParams`, 128 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuSpecies {
    /// Docking projection W by rows.
    pub projection: [[f32; 4]; 4],
    /// Per-step death probability (exponential law).
    pub death: f32,
    /// Docking probability when it does not depend on content, else −1.
    pub dock_const: f32,
    /// Upper bound of the docking probability.
    pub dock_bound: f32,
    /// p_abs.
    pub absorption: f32,
    /// k0·dt.
    pub dock_rate_dt: f32,
    /// γ.
    pub dock_gain: f32,
    /// θ_d.
    pub dock_threshold: f32,
    /// H.
    pub hop: f32,
    /// 1/H.
    pub inv_hop: f32,
    /// ln of the per-step fade.
    pub ln_fade: f32,
    /// 0 exponential, 1 fixed.
    pub law: u32,
    /// Steps of life under the fixed law (saturated to u32).
    pub life_steps: u32,
    /// 0 forward, 1 backward, 2 both.
    pub direction: u32,
    /// First release record.
    pub release_first: u32,
    /// Release records.
    pub release_count: u32,
    /// Index of the cascade release within the species' records, or [`NONE32`].
    pub cascade_op: u32,
}

/// Release kinds (WGSL `RELEASE_*`).
pub mod release_kind {
    /// Adds η·(u·c) to a channel.
    pub const ADD: u32 = 0;
    /// Running-average memory.
    pub const MEMORY_RUNNING: u32 = 1;
    /// Fixed-ε memory.
    pub const MEMORY_FIXED: u32 = 2;
    /// Cascade.
    pub const CASCADE: u32 = 3;
}

/// One release operator (WGSL `Release`, 112 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuRelease {
    /// Projection u.
    pub u: [f32; 4],
    /// Cascade payload transform A by rows.
    pub transform: [[f32; 4]; 4],
    /// [`release_kind`].
    pub kind: u32,
    /// Target channel of an `ADD`.
    pub channel: u32,
    /// η (ε of a fixed memory).
    pub eta: f32,
    /// Children's species of a cascade.
    pub target_species: u32,
    /// First inversion threshold of a cascade in the constants.
    pub table_first: u32,
    /// Number of thresholds.
    pub table_len: u32,
    /// ln(1 − ε) of a fixed memory in fixed point (low, high).
    pub log_retain: [u32; 2],
}

/// Per-step constants (WGSL `StepParams`, 80 bytes, a uniform).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuStepParams {
    /// The seed's key words.
    pub key: [u32; 4],
    /// Step index.
    pub step: u32,
    /// dt, seconds.
    pub dt: f32,
    /// Nodes.
    pub n: u32,
    /// Species.
    pub species: u32,
    /// Moves of the graph.
    pub moves: u32,
    /// Release channels per node.
    pub stride: u32,
    /// Slots in use at the start of the step.
    pub len: u32,
    /// Most live vesicles.
    pub capacity: u32,
    /// The next id to give (low, high).
    pub next_id: [u32; 2],
    /// Offset of the forward move counts in the constants.
    pub forward_len_at: u32,
    /// Offset of the move edges in the constants.
    pub move_edge_at: u32,
    /// Offset of the docks in the tallies.
    pub docks_at: u32,
    /// Offset of the edge hops in the tallies.
    pub edge_hops_at: u32,
    /// Offset of the events in the tallies.
    pub events_at: u32,
    /// Offset of the cascade slot arrays in the tallies.
    pub cascade_at: u32,
}

/// A move as the sampler reads it (WGSL `MoveCdf`, 8 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuMoveCdf {
    /// Running sum of P within the node's allowed moves.
    pub cdf: f32,
    /// Target node.
    pub target_node: u32,
}

/// Scan parameters (WGSL `ScanParams` in `scan.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuScanParams {
    /// Items.
    pub len: u32,
    /// Where the total goes in `totals`.
    pub total_at: u32,
    /// Blocks of 1024 items.
    pub blocks: u32,
    /// Workgroups along x of the 2-D dispatch.
    pub groups_x: u32,
}

/// Compaction parameters (WGSL `CompactParams` in `compact.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuCompactParams {
    /// Slots.
    pub len: u32,
    /// Workgroups along x of the 2-D dispatch.
    pub groups_x: u32,
}

/// The GPU constants of one compiled species and its release records (appended to
/// `releases`); cascade inversion tables are appended to `tables` (offsets relative to
/// `tables_at`, where the tables start in the constants buffer).
pub fn species_params(
    s: &CompiledSpecies,
    releases: &mut Vec<GpuRelease>,
    tables: &mut Vec<u32>,
    tables_at: u32,
) -> GpuSpecies {
    let release_first = releases.len() as u32;
    let mut cascade_op = NONE32;
    for (r, op) in s.releases.iter().enumerate() {
        let mut g = GpuRelease::zeroed();
        match op {
            CompiledRelease::Add { channel, amount } => {
                g.kind = release_kind::ADD;
                g.channel = *channel as u32;
                g.eta = amount.eta;
                g.u = amount.u;
            }
            CompiledRelease::Memory(CompiledMemory::Running) => {
                g.kind = release_kind::MEMORY_RUNNING
            }
            CompiledRelease::Memory(CompiledMemory::Fixed { eps, log_retain }) => {
                g.kind = release_kind::MEMORY_FIXED;
                g.eta = *eps;
                g.log_retain = split(crate::cpu::accumulate::to_fixed(*log_retain) as u64);
            }
            CompiledRelease::Cascade { species, chi, transform } => {
                g.kind = release_kind::CASCADE;
                g.target_species = *species as u32;
                g.transform = *transform;
                let table = super::tables::poisson_thresholds(*chi as f64);
                g.table_first = tables_at + tables.len() as u32;
                g.table_len = table.len() as u32;
                tables.extend(table);
                cascade_op = r as u32;
            }
        }
        releases.push(g);
    }
    GpuSpecies {
        projection: s.projection,
        death: s.death,
        dock_const: s.dock_const.unwrap_or(-1.0),
        dock_bound: s.dock_bound,
        absorption: s.absorption,
        dock_rate_dt: s.dock_rate_dt,
        dock_gain: s.dock_gain,
        dock_threshold: s.dock_threshold,
        hop: s.hop,
        inv_hop: s.inv_hop,
        ln_fade: s.ln_fade,
        law: match s.law {
            LifetimeLaw::Exponential => 0,
            LifetimeLaw::Fixed => 1,
        },
        life_steps: s.life_steps.min(u32::MAX as u64) as u32,
        direction: match s.direction {
            Direction::Forward => 0,
            Direction::Backward => 1,
            Direction::Both => 2,
        },
        release_first,
        release_count: s.releases.len() as u32,
        cascade_op,
    }
}
