//! The toolchain's connection storage (DARWIN3.md §3.2), built per chunk: dendrite records
//! (type 0 absolute, type 4 relative to the packet's `neu_idx`) over deduplicated 12-bit
//! neuron-id lists (four per word) and weight lists (48/w per word), and per-neuron axon target
//! lists, identical lists shared. The emulator integrates through these tables (§4.7), so the
//! word counts are those of the data it actually reads.
//!
//! Record rules: one record per (source neuron, target chunk, delay). It is type 4 with a
//! shared weight when all its weights are equal and no target lies below the source's
//! `neu_idx` (one-to-one and convolution-like patterns then share one record), type 0
//! otherwise. A record holding a plastic synapse keeps its own weight list and is never shared.
//! A hidden neuron without any target gets the toolchain's dummy target (§3.2
//! `remove_empty_axon`): a type-4, zero-weight record on its own core.

use std::collections::HashMap;

use super::arith::weights_per_word;

/// The dendrite type field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DendriteKind {
    /// Type 0: the id list holds absolute local indices.
    Absolute,
    /// Type 4: the id list holds offsets added to the packet's `neu_idx`.
    Relative,
}

impl DendriteKind {
    /// The 3-bit type field.
    pub fn code(self) -> u64 {
        match self {
            DendriteKind::Absolute => 0,
            DendriteKind::Relative => 4,
        }
    }
}

/// One dendrite record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DendriteRecord {
    /// Absolute or relative ids.
    pub kind: DendriteKind,
    /// Offset of the id list in [`DendriteTables::ids`].
    pub ids: u32,
    /// Entries, 1..=4096.
    pub len: u32,
    /// `Some(w)` when every entry has weight w (share flag), else the weight list's offset.
    pub shared: Option<i32>,
    /// Offset of the weight list in [`DendriteTables::weights`] (unused when shared).
    pub weights: u32,
    /// Weight step exponent: an entry adds w·2^shift (emulator field, see `quantise`).
    pub shift: u8,
    /// Delay in steps the record's spikes wait (1 on the chip; more only in queue mode).
    pub delay: u32,
    /// Presynaptic neuron of a plastic record (`u32::MAX` for shared records).
    pub pre: u32,
    /// Whether the record is the dummy target of a neuron without synapses.
    pub dummy: bool,
}

impl DendriteRecord {
    /// The 48-bit metadata word of §3.2 (addresses are table offsets in words).
    pub fn word(&self, id_word: u32, weight_word: u32) -> u64 {
        let (share, low) = match self.shared {
            Some(w) => (1u64, (w as u16) as u64),
            None => (0, weight_word as u64 & 0xffff),
        };
        ((id_word as u64 & 0xffff) << 32)
            | (self.kind.code() << 29)
            | (((self.len - 1) as u64 & 0xfff) << 17)
            | (share << 16)
            | low
    }
}

/// What makes two records identical: kind, id list, length, shared weight, weight list,
/// shift, delay.
type RecordKey = (DendriteKind, u32, u32, Option<i32>, u32, u8, u32);

/// One incoming connection group, as the table builder receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct DendriteRequest {
    /// Presynaptic global neuron.
    pub pre: u32,
    /// The source's `neu_idx` (its local index in its chunk).
    pub neu_index: u32,
    /// Delay in steps.
    pub delay: u32,
    /// Weight step exponent.
    pub shift: u8,
    /// (local target, stored weight, plastic) sorted by target.
    pub entries: Vec<(u16, i32, bool)>,
}

/// The dendrite memory of one chunk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DendriteTables {
    /// Records; the index is the dendrite id.
    pub records: Vec<DendriteRecord>,
    /// Concatenated unique id lists.
    pub ids: Vec<u16>,
    /// Concatenated weight lists (stored weights, w_bits wide).
    pub weights: Vec<i32>,
    /// Per weight entry: whether STDP may change it.
    pub plastic: Vec<bool>,
    /// Words of the id lists.
    pub id_words: u32,
    /// Words of the weight lists.
    pub weight_words: u32,
    id_lists: HashMap<Vec<u16>, u32>,
    weight_lists: HashMap<Vec<i32>, u32>,
    record_index: HashMap<RecordKey, u32>,
}

impl DendriteTables {
    /// Words of records and tables (no per-neuron reserves).
    pub fn table_words(&self) -> u32 {
        self.records.len() as u32 + self.id_words + self.weight_words
    }

    /// Synaptic entries over all records.
    pub fn entries(&self) -> u64 {
        self.records.iter().map(|r| r.len as u64).sum()
    }

    fn intern_ids(&mut self, ids: Vec<u16>) -> u32 {
        if let Some(&at) = self.id_lists.get(&ids) {
            return at;
        }
        let at = self.ids.len() as u32;
        self.id_words += (ids.len() as u32).div_ceil(4);
        self.ids.extend_from_slice(&ids);
        self.id_lists.insert(ids, at);
        at
    }

    fn push_weights(&mut self, w: &[i32], plastic: &[bool], w_bits: u8) -> u32 {
        let at = self.weights.len() as u32;
        self.weight_words += (w.len() as u32).div_ceil(weights_per_word(w_bits));
        self.weights.extend_from_slice(w);
        self.plastic.extend_from_slice(plastic);
        at
    }

    /// Adds (or finds) the record for `req`; returns its dendrite id.
    pub fn add(&mut self, req: &DendriteRequest, w_bits: u8, dummy: bool) -> u32 {
        let any_plastic = req.entries.iter().any(|e| e.2);
        let first_w = req.entries[0].1;
        let all_equal = req.entries.iter().all(|e| e.1 == first_w);
        let relative =
            !any_plastic && all_equal && req.entries.iter().all(|e| e.0 as u32 >= req.neu_index);
        let (kind, ids) = if relative {
            let ids = req.entries.iter().map(|e| (e.0 as u32 - req.neu_index) as u16).collect();
            (DendriteKind::Relative, ids)
        } else {
            (DendriteKind::Absolute, req.entries.iter().map(|e| e.0).collect())
        };
        let len = req.entries.len() as u32;
        let ids = self.intern_ids(ids);
        let shared = (all_equal && !any_plastic).then_some(first_w);
        let weights = if shared.is_some() {
            0
        } else {
            let w: Vec<i32> = req.entries.iter().map(|e| e.1).collect();
            let p: Vec<bool> = req.entries.iter().map(|e| e.2).collect();
            if any_plastic {
                self.push_weights(&w, &p, w_bits)
            } else if let Some(&at) = self.weight_lists.get(&w) {
                at
            } else {
                let at = self.push_weights(&w, &p, w_bits);
                self.weight_lists.insert(w, at);
                at
            }
        };
        let key = (kind, ids, len, shared, weights, req.shift, req.delay);
        if !any_plastic && let Some(&d) = self.record_index.get(&key) {
            return d;
        }
        let d = self.records.len() as u32;
        self.records.push(DendriteRecord {
            kind,
            ids,
            len,
            shared,
            weights,
            shift: req.shift,
            delay: req.delay,
            pre: if any_plastic { req.pre } else { u32::MAX },
            dummy,
        });
        if !any_plastic {
            self.record_index.insert(key, d);
        }
        d
    }

    /// The targets and added values of dendrite `d` for a packet carrying `neu_index`:
    /// (local target, value added to the weight sum).
    pub fn expand(&self, d: u32, neu_index: u32) -> impl Iterator<Item = (u32, i32)> + '_ {
        let r = &self.records[d as usize];
        let base = if r.kind == DendriteKind::Relative { neu_index } else { 0 };
        let ids = &self.ids[r.ids as usize..(r.ids + r.len) as usize];
        ids.iter().enumerate().map(move |(k, &id)| {
            let w = r.shared.unwrap_or_else(|| self.weights[r.weights as usize + k]);
            (base + id as u32, w << r.shift)
        })
    }
}

/// One axon target entry: a packet to (chunk, dendrite).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AxonTarget {
    /// Target chunk index.
    pub chunk: u32,
    /// Dendrite id at the target.
    pub dendrite: u32,
}

/// Encodes an axon target entry (§3.2): last flag, Δx and Δy as sign + 4-bit magnitude,
/// 15-bit dendrite id. Returns `None` when |Δ| > 15 or the id exceeds 15 bits.
pub fn axon_entry_word(last: bool, dx: i32, dy: i32, dendrite: u32) -> Option<u32> {
    if dx.abs() > 15 || dy.abs() > 15 || dendrite >= 1 << 15 {
        return None;
    }
    Some(
        (u32::from(last) << 25)
            | (u32::from(dx < 0) << 24)
            | ((dx.unsigned_abs()) << 20)
            | (u32::from(dy < 0) << 19)
            | ((dy.unsigned_abs()) << 15)
            | dendrite,
    )
}

/// The axon memory of one chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AxonTables {
    /// Per local neuron: index of its target list in `lists`.
    pub list_of: Vec<u32>,
    /// Unique target lists (shared by neurons with identical lists).
    pub lists: Vec<Vec<AxonTarget>>,
}

impl AxonTables {
    /// Builds the tables from each local neuron's targets, sharing identical lists.
    pub fn new(per_neuron: Vec<Vec<AxonTarget>>) -> Self {
        let mut index: HashMap<Vec<AxonTarget>, u32> = HashMap::new();
        let mut lists = Vec::new();
        let mut list_of = Vec::with_capacity(per_neuron.len());
        for targets in per_neuron {
            let at = *index.entry(targets.clone()).or_insert_with(|| {
                lists.push(targets);
                lists.len() as u32 - 1
            });
            list_of.push(at);
        }
        Self { list_of, lists }
    }

    /// Axon words: one metadata word per neuron plus the unique list entries.
    pub fn words(&self) -> u32 {
        self.list_of.len() as u32 + self.lists.iter().map(|l| l.len() as u32).sum::<u32>()
    }

    /// The targets of local neuron `n`.
    pub fn targets(&self, n: u32) -> &[AxonTarget] {
        &self.lists[self.list_of[n as usize] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pre: u32, neu: u32, entries: Vec<(u16, i32, bool)>) -> DendriteRequest {
        DendriteRequest { pre, neu_index: neu, delay: 1, shift: 0, entries }
    }

    #[test]
    fn one_to_one_shares_one_relative_record() {
        let mut t = DendriteTables::default();
        let ids: Vec<u32> =
            (0..50).map(|i| t.add(&req(i, i, vec![(i as u16, 3, false)]), 8, false)).collect();
        assert!(ids.iter().all(|&d| d == 0));
        assert_eq!(t.records.len(), 1);
        assert_eq!(t.table_words(), 2);
        assert_eq!(t.expand(0, 7).collect::<Vec<_>>(), vec![(7, 3)]);
    }

    #[test]
    fn identical_lists_are_deduplicated_and_plastic_ones_are_not() {
        let mut t = DendriteTables::default();
        let e = vec![(0u16, 1, false), (1, 2, false), (2, 3, false)];
        assert_eq!(t.add(&req(0, 0, e.clone()), 8, false), 0);
        assert_eq!(t.add(&req(1, 1, e.clone()), 8, false), 0);
        let p: Vec<_> = e.iter().map(|&(a, b, _)| (a, b, true)).collect();
        assert_eq!(t.add(&req(2, 2, p.clone()), 8, false), 1);
        assert_eq!(t.add(&req(3, 3, p), 8, false), 2);
        assert_eq!(t.id_words, 1);
        assert_eq!(t.weight_words, 3);
    }

    #[test]
    fn words_encode_the_fields() {
        let r = DendriteRecord {
            kind: DendriteKind::Relative,
            ids: 0,
            len: 3,
            shared: Some(-1),
            weights: 0,
            shift: 0,
            delay: 1,
            pre: u32::MAX,
            dummy: false,
        };
        assert_eq!(r.word(5, 0), (5 << 32) | (4 << 29) | (2 << 17) | (1 << 16) | 0xffff);
        assert_eq!(
            axon_entry_word(true, -3, 2, 7),
            Some((1 << 25) | (1 << 24) | (3 << 20) | (2 << 15) | 7)
        );
        assert_eq!(axon_entry_word(false, 16, 0, 0), None);
    }
}
