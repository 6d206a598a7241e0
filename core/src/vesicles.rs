//! The vesicle population: a struct of arrays with a fixed capacity, stable ids and lineage.
//!
//! Slots hold vesicles in increasing id order at all times: births are appended with fresh,
//! increasing ids and compaction is stable. So the slot order is canonical (the same on every
//! backend and thread count) and cascade births, collected in slot order, are ordered by
//! parent id. Dead vesicles keep their slot (with `alive = false`) until the next compaction,
//! which runs when more than an eighth of the slots are dead or room is needed.

/// No parent (a vesicle emitted by a trigger) or no tracked cascade.
pub const NONE: u64 = u64::MAX;
/// No tracked cascade (the vesicle's cascade slot).
pub const NO_CASCADE: u32 = u32::MAX;

/// A vesicle to be born at the end of a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Birth {
    /// Species index.
    pub species: u16,
    /// Node it is born at.
    pub node: u32,
    /// Payload c.
    pub payload: [f32; 4],
    /// Parent's id, or [`NONE`].
    pub parent: u64,
    /// Root's id (its cascade), or [`NONE`] for a root (its own id is used).
    pub root: u64,
    /// Generation: 0 for a root, parent's + 1 for a cascade child.
    pub generation: u32,
    /// Tracked cascade slot, or [`NO_CASCADE`].
    pub cascade: u32,
}

/// `count` vesicles born from one record: a docking's cascade children or a node's emissions
/// of one step. However many are drawn, they take O(1) memory; the population takes as many
/// as it has room for and counts the rest as dropped (see [`VesiclePool::push_many`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Births {
    /// What each of them is born with.
    pub birth: Birth,
    /// How many (a Poisson draw; may exceed any capacity).
    pub count: u64,
}

/// The population, struct of arrays.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VesiclePool {
    /// Most vesicles alive at once.
    pub capacity: usize,
    /// Stable id, given at birth, never reused.
    pub id: Vec<u64>,
    /// Species index κ.
    pub species: Vec<u16>,
    /// Location ℓ (node).
    pub loc: Vec<u32>,
    /// Location at the start of the last step (for drawing a hop in flight).
    pub prev: Vec<u32>,
    /// Hops made (internal state s).
    pub hops: Vec<u32>,
    /// Activity integrated over the nodes visited, Σ a·dt (internal state s).
    pub integ: Vec<f32>,
    /// Payload c at birth. The payload fades as c·exp(−age/τ_c) (MODEL §2); the fade is
    /// applied when the payload is used (see [`crate::world::World::payload_of`]), so the
    /// stored value never changes.
    pub payload: Vec<[f32; 4]>,
    /// Whether the slot holds a live vesicle.
    pub alive: Vec<bool>,
    /// Parent id or [`NONE`].
    pub parent: Vec<u64>,
    /// Root id (the cascade the vesicle belongs to).
    pub root: Vec<u64>,
    /// Generation in its cascade.
    pub generation: Vec<u32>,
    /// Tracked cascade slot or [`NO_CASCADE`].
    pub cascade: Vec<u32>,
    /// The first step the vesicle takes part in (it was born at the end of the one before).
    /// Its age after step t is (t + 1 − born)·dt; its remaining lifetime τ = L − age.
    pub born: Vec<u64>,
    /// The next id to give.
    pub next_id: u64,
    /// Live vesicles.
    pub live: usize,
}

/// Mutable views of one contiguous range of slots, for the parallel vesicle stage.
pub struct ChunkMut<'a> {
    /// Stable ids.
    pub id: &'a [u64],
    /// Species.
    pub species: &'a [u16],
    /// Locations.
    pub loc: &'a mut [u32],
    /// Previous locations.
    pub prev: &'a mut [u32],
    /// Hop counts.
    pub hops: &'a mut [u32],
    /// Integrated activity.
    pub integ: &'a mut [f32],
    /// Payloads at birth.
    pub payload: &'a [[f32; 4]],
    /// First steps.
    pub born: &'a [u64],
    /// Liveness.
    pub alive: &'a mut [bool],
    /// Roots.
    pub root: &'a [u64],
    /// Generations.
    pub generation: &'a [u32],
    /// Cascade slots.
    pub cascade: &'a [u32],
}

macro_rules! split_field {
    ($rest:ident, $field:ident, $len:expr, mut) => {{
        let (head, tail) = std::mem::take(&mut $rest.$field).split_at_mut($len);
        $rest.$field = tail;
        head
    }};
    ($rest:ident, $field:ident, $len:expr) => {{
        let (head, tail) = $rest.$field.split_at($len);
        $rest.$field = tail;
        head
    }};
}

impl VesiclePool {
    /// An empty pool with room for `capacity` live vesicles (memory grows as needed).
    pub fn new(capacity: usize) -> Self {
        Self { capacity, ..Self::default() }
    }

    /// Slots in use (live and dead).
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether no slot is in use.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// Appends a vesicle with a fresh id that takes part from step `step` on; returns the id,
    /// or `None` when the population is full (the caller counts the drop).
    pub fn push(&mut self, b: &Birth, step: u64) -> Option<u64> {
        if self.live >= self.capacity {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.id.push(id);
        self.species.push(b.species);
        self.loc.push(b.node);
        self.prev.push(b.node);
        self.hops.push(0);
        self.integ.push(0.0);
        self.payload.push(b.payload);
        self.alive.push(true);
        self.parent.push(b.parent);
        self.root.push(if b.root == NONE { id } else { b.root });
        self.generation.push(b.generation);
        self.cascade.push(b.cascade);
        self.born.push(step);
        self.live += 1;
        Some(id)
    }

    /// Room left: how many more vesicles may be alive at once.
    pub fn room(&self) -> usize {
        self.capacity.saturating_sub(self.live)
    }

    /// Removes dead slots, keeping the order of the living (stable; see
    /// [`crate::cpu::compact`], the twin of the GPU's compaction).
    pub fn compact(&mut self) {
        use crate::cpu::compact::compact_column;
        let alive = std::mem::take(&mut self.alive);
        macro_rules! compact {
            ($($f:ident),*) => {$( compact_column(&mut self.$f, &alive); )*};
        }
        compact!(
            id, species, loc, prev, hops, integ, payload, parent, root, generation, cascade, born
        );
        self.alive = vec![true; self.id.len()];
        self.live = self.id.len();
    }

    /// Compacts if more than an eighth of the slots are dead.
    pub fn maybe_compact(&mut self) {
        let dead = self.len() - self.live;
        if dead > 0 && dead * 8 > self.len() {
            self.compact();
        }
    }

    /// Splits the slots into chunks of `chunk` for the parallel stage.
    pub fn chunks_mut(&mut self, chunk: usize) -> Vec<ChunkMut<'_>> {
        let chunk = chunk.max(1);
        let mut rest = ChunkMut {
            id: &self.id,
            species: &self.species,
            loc: &mut self.loc,
            prev: &mut self.prev,
            hops: &mut self.hops,
            integ: &mut self.integ,
            payload: &self.payload,
            born: &self.born,
            alive: &mut self.alive,
            root: &self.root,
            generation: &self.generation,
            cascade: &self.cascade,
        };
        let mut out = Vec::with_capacity(rest.id.len().div_ceil(chunk));
        while !rest.id.is_empty() {
            let len = chunk.min(rest.id.len());
            out.push(ChunkMut {
                id: split_field!(rest, id, len),
                species: split_field!(rest, species, len),
                loc: split_field!(rest, loc, len, mut),
                prev: split_field!(rest, prev, len, mut),
                hops: split_field!(rest, hops, len, mut),
                integ: split_field!(rest, integ, len, mut),
                payload: split_field!(rest, payload, len),
                born: split_field!(rest, born, len),
                alive: split_field!(rest, alive, len, mut),
                root: split_field!(rest, root, len),
                generation: split_field!(rest, generation, len),
                cascade: split_field!(rest, cascade, len),
            });
        }
        out
    }

    /// The slot of the live vesicle with this id (ids are sorted by slot).
    pub fn slot_of(&self, id: u64) -> Option<usize> {
        self.id.binary_search(&id).ok().filter(|&s| self.alive[s])
    }

    /// Removes every vesicle.
    pub fn clear(&mut self) {
        let (capacity, next_id) = (self.capacity, self.next_id);
        *self = Self::new(capacity);
        self.next_id = next_id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn birth(node: u32) -> Birth {
        Birth {
            species: 0,
            node,
            payload: [1.0, 0.0, 0.0, 0.0],
            parent: NONE,
            root: NONE,
            generation: 0,
            cascade: NO_CASCADE,
        }
    }

    #[test]
    fn push_compact_keeps_order_and_capacity() {
        let mut p = VesiclePool::new(3);
        for n in 0..4 {
            let r = p.push(&birth(n), 0);
            assert_eq!(r.is_some(), n < 3);
        }
        assert_eq!(p.live, 3);
        p.alive[1] = false;
        p.live -= 1;
        p.compact();
        assert_eq!(p.id, vec![0, 2]);
        assert_eq!(p.loc, vec![0, 2]);
        assert_eq!(p.root, vec![0, 2]);
        assert_eq!(p.slot_of(2), Some(1));
        assert!(p.push(&birth(9), 1).is_some());
        assert_eq!(p.id, vec![0, 2, 3]);
        let chunks = p.chunks_mut(2);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].id, &[3]);
    }
}
