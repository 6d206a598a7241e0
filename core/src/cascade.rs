//! Cascade bookkeeping (MODEL §6): the tree of vesicles descending from one root vesicle
//! emitted by a non-cascade trigger. Roots of species that can cascade get a tracked slot; the
//! slot counts live members, total size and depth, and is closed (recorded) when its last
//! member dies.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::vesicles::NO_CASCADE;

/// A finished cascade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CascadeRecord {
    /// Sequential cascade number (in order of root birth).
    pub number: u64,
    /// Stable id of the root vesicle.
    pub root: u64,
    /// Species of the root.
    pub species: u16,
    /// Vesicles in the tree, the root included.
    pub size: u64,
    /// Largest generation reached (0: the root alone).
    pub depth: u32,
    /// Steps from the root's birth (at the end of a step) to the step in which its last member
    /// died: at least 1.
    pub duration: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Active {
    number: u64,
    root: u64,
    species: u16,
    size: u64,
    depth: u32,
    start: u64,
}

/// Tracks open cascades and keeps the finished ones.
#[derive(Debug, Default)]
pub struct CascadeTracker {
    active: Vec<Option<Active>>,
    /// Live members per slot (the vesicle stage decrements these).
    pub alive: Vec<AtomicU32>,
    free: Vec<u32>,
    next_number: u64,
    /// Finished cascades in order of completion (at most `keep`, oldest dropped first).
    pub finished: std::collections::VecDeque<CascadeRecord>,
    /// Finished cascades ever (including those no longer kept).
    pub finished_total: u64,
    /// Most finished records kept.
    pub keep: usize,
}

impl Clone for CascadeTracker {
    fn clone(&self) -> Self {
        Self {
            active: self.active.clone(),
            alive: self.alive.iter().map(|a| AtomicU32::new(a.load(Ordering::Relaxed))).collect(),
            free: self.free.clone(),
            next_number: self.next_number,
            finished: self.finished.clone(),
            finished_total: self.finished_total,
            keep: self.keep,
        }
    }
}

impl CascadeTracker {
    /// A tracker keeping up to `keep` finished records.
    pub fn new(keep: usize) -> Self {
        Self { keep, ..Self::default() }
    }

    /// Opens a cascade for a root born at the end of step `step`; returns its slot.
    pub fn open(&mut self, root: u64, species: u16, step: u64) -> u32 {
        let a = Active { number: self.next_number, root, species, size: 1, depth: 0, start: step };
        self.next_number += 1;
        match self.free.pop() {
            Some(slot) => {
                self.active[slot as usize] = Some(a);
                *self.alive[slot as usize].get_mut() = 1;
                slot
            }
            None => {
                self.active.push(Some(a));
                self.alive.push(AtomicU32::new(1));
                (self.active.len() - 1) as u32
            }
        }
    }

    /// Records a child of `generation` joining the cascade in `slot`.
    pub fn add_child(&mut self, slot: u32, generation: u32) {
        if slot == NO_CASCADE {
            return;
        }
        if let Some(a) = self.active[slot as usize].as_mut() {
            a.size += 1;
            a.depth = a.depth.max(generation);
            self.alive[slot as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Takes the counts of `slot` kept on the GPU: `children` children joined it this step, the
    /// deepest of generation `deepest`, and it has `alive` live members now.
    pub fn merge_counted(&mut self, slot: u32, children: u64, deepest: u32, alive: u32) {
        let Some(Some(a)) = self.active.get_mut(slot as usize) else {
            return;
        };
        if children > 0 {
            a.size += children;
            a.depth = a.depth.max(deepest);
        }
        *self.alive[slot as usize].get_mut() = alive;
    }

    /// Tracked slots (open or free).
    pub fn slots(&self) -> usize {
        self.active.len()
    }

    /// Closes every cascade with no live member after `step`.
    pub fn sweep(&mut self, step: u64) {
        for slot in 0..self.active.len() {
            if *self.alive[slot].get_mut() != 0 {
                continue;
            }
            if let Some(a) = self.active[slot].take() {
                self.finished_total += 1;
                if self.keep > 0 {
                    if self.finished.len() == self.keep {
                        self.finished.pop_front();
                    }
                    self.finished.push_back(CascadeRecord {
                        number: a.number,
                        root: a.root,
                        species: a.species,
                        size: a.size,
                        depth: a.depth,
                        duration: step - a.start,
                    });
                }
                self.free.push(slot as u32);
            }
        }
    }

    /// Cascades still open.
    pub fn open_count(&self) -> usize {
        self.active.iter().filter(|a| a.is_some()).count()
    }
}
