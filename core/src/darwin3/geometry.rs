//! The chip's geometry and per-core capacities (DARWIN3.md §1 and §4.1).
//!
//! A 24 × 24 mesh of tiles; x is the column (west → east), y the row (north is smaller y).
//! Tile (0, 0) is the RISC-V core and holds no neurons. A core is big when `x mod 4 < 2`.

use serde::{Deserialize, Serialize};

/// Tiles per side of the mesh.
pub const GRID: i32 = 24;
/// Most neurons one core holds (12-bit neuron indices).
pub const MAX_NEURONS_PER_CORE: u32 = 4096;
/// Dendrite memory of a big core, 48-bit words.
pub const BIG_DENDRITE_WORDS: u32 = 1 << 16;
/// Dendrite memory of a little core, 48-bit words.
pub const LITTLE_DENDRITE_WORDS: u32 = 1 << 13;
/// Axon memory of every core, words.
pub const AXON_WORDS: u32 = 1 << 14;
/// Longest neuron program, 16-bit instructions.
pub const MAX_PROGRAM: u32 = 128;
/// Largest |Δx| or |Δy| an axon target entry can encode (sign + 4 bits).
pub const MAX_HOPS: i32 = 15;
/// Most dendrite records one core addresses (15-bit dendrite ids).
pub const MAX_DENDRITES: u32 = 1 << 15;
/// Longest dendrite list (12-bit length field).
pub const MAX_DENDRITE_LEN: u32 = 4096;
/// Number of neuron cores: every tile but the RISC-V one.
pub const NEURON_CORES: usize = (GRID * GRID - 1) as usize;

/// The two tile types, which differ in dendrite memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CoreKind {
    /// 2^16 dendrite words (`x mod 4 ∈ {0, 1}`).
    Big,
    /// 2^13 dendrite words.
    Little,
}

impl CoreKind {
    /// Dendrite memory of this kind of core, in 48-bit words.
    pub fn dendrite_words(self) -> u32 {
        match self {
            CoreKind::Big => BIG_DENDRITE_WORDS,
            CoreKind::Little => LITTLE_DENDRITE_WORDS,
        }
    }

    /// Lower-case name, as written in exports.
    pub fn name(self) -> &'static str {
        match self {
            CoreKind::Big => "big",
            CoreKind::Little => "little",
        }
    }
}

/// A tile's coordinates. Virtual off-chip coordinates (x = −1 west, x = 24 east) name the host
/// I/O edges, so the fields are signed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct CoreCoord {
    /// Column, west → east.
    pub x: i32,
    /// Row, north → south.
    pub y: i32,
}

impl CoreCoord {
    /// The RISC-V tile, which holds no neurons.
    pub const RISCV: CoreCoord = CoreCoord { x: 0, y: 0 };

    /// A coordinate.
    pub const fn new(x: i32, y: i32) -> Self {
        Self { x, y }
    }

    /// Whether the tile is on the chip.
    pub fn on_chip(self) -> bool {
        (0..GRID).contains(&self.x) && (0..GRID).contains(&self.y)
    }

    /// Whether neurons may be placed here: on the chip and not the RISC-V tile.
    pub fn is_neuron_core(self) -> bool {
        self.on_chip() && self != Self::RISCV
    }

    /// Big or little, by the toolchain's rule `x mod 4 < 2` (meaningful on the chip only).
    pub fn kind(self) -> CoreKind {
        if self.x.rem_euclid(4) < 2 { CoreKind::Big } else { CoreKind::Little }
    }

    /// Row-major index `y · 24 + x` of an on-chip tile.
    pub fn index(self) -> usize {
        (self.y * GRID + self.x) as usize
    }

    /// The tile with row-major index `i`.
    pub fn from_index(i: usize) -> Self {
        Self { x: i as i32 % GRID, y: i as i32 / GRID }
    }

    /// Mesh hops from here to `to` under dimension-order routing, `|Δx| + |Δy|`.
    pub fn hops_to(self, to: CoreCoord) -> u32 {
        self.x.abs_diff(to.x) + self.y.abs_diff(to.y)
    }

    /// Every neuron core, in row-major order (575 of them).
    pub fn neuron_cores() -> impl Iterator<Item = CoreCoord> {
        (0..(GRID * GRID) as usize).map(Self::from_index).filter(|c| c.is_neuron_core())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_toolchain() {
        let cores: Vec<_> = CoreCoord::neuron_cores().collect();
        assert_eq!(cores.len(), NEURON_CORES);
        let big = cores.iter().filter(|c| c.kind() == CoreKind::Big).count();
        assert_eq!(big, 287);
        assert_eq!(cores.len() - big, 288);
        assert_eq!(NEURON_CORES as u32 * MAX_NEURONS_PER_CORE, 2_355_200);
        assert!(!CoreCoord::RISCV.is_neuron_core());
        assert!(!CoreCoord::new(-1, 3).on_chip());
    }
}
