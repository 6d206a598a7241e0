//! Fixed-point release accumulators (the CPU twin of the shaders' integer atomics).
//!
//! Releases are summed per node and channel as `i64` in units of 2^−24, so the sum does not
//! depend on the order vesicles are processed in: the same on 1 or 2 threads, and on the GPU.
//!
//! Binding order of the GPU twin (`shaders/accumulate.wgsl`): items `(index, amount)`, sums
//! (two u32 words per `i64` of [`Accumulators::releases`]).

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};

use crate::modulation::Releases;

/// Fixed-point scale: 2^24 units per 1.0.
pub const SCALE: f64 = 16_777_216.0;

/// Converts to fixed point, rounding half away from zero (saturating; NaN → 0). Written
/// without `f64::round`, which is a library call on baseline x86-64.
#[inline(always)]
pub fn to_fixed(x: f64) -> i64 {
    let y = x * SCALE;
    (y + 0.5f64.copysign(y)) as i64
}

/// Per-step accumulators shared by the threads of the vesicle stage.
#[derive(Debug)]
pub struct Accumulators {
    /// Channels per node.
    pub stride: usize,
    /// Release sums, `[node · stride + channel]`, fixed point.
    pub releases: Vec<AtomicI64>,
    /// Dockings per species and node this step, `[κ · n + i]`.
    pub docks: Vec<AtomicU32>,
}

fn zeros_i64(len: usize) -> Vec<AtomicI64> {
    (0..len).map(|_| AtomicI64::new(0)).collect()
}

fn zeros_u32(len: usize) -> Vec<AtomicU32> {
    (0..len).map(|_| AtomicU32::new(0)).collect()
}

/// A clone holds the same sums (they are per-step scratch, cleared before every step).
impl Clone for Accumulators {
    fn clone(&self) -> Self {
        Self {
            stride: self.stride,
            releases: self
                .releases
                .iter()
                .map(|a| AtomicI64::new(a.load(Ordering::Relaxed)))
                .collect(),
            docks: self.docks.iter().map(|a| AtomicU32::new(a.load(Ordering::Relaxed))).collect(),
        }
    }
}

impl Accumulators {
    /// Zeroed accumulators.
    pub fn new(n: usize, species: usize) -> Self {
        let stride = crate::compile::channel::stride(species);
        Self { stride, releases: zeros_i64(n * stride), docks: zeros_u32(n * species) }
    }

    /// Zeroes every accumulator for the next step.
    pub fn clear(&mut self) {
        for a in &mut self.releases {
            *a.get_mut() = 0;
        }
        for a in &mut self.docks {
            *a.get_mut() = 0;
        }
    }

    /// Adds `amount` to channel `ch` of node `i`.
    #[inline(always)]
    pub fn add(&self, i: usize, ch: usize, amount: f64) {
        self.releases[i * self.stride + ch].fetch_add(to_fixed(amount), Ordering::Relaxed);
    }

    /// Writes the release sums, as floating point, into `out` (same layout).
    pub fn releases_into(&mut self, out: &mut Releases) {
        out.data.resize(self.releases.len(), 0.0);
        out.stride = self.stride;
        for (d, a) in out.data.iter_mut().zip(&mut self.releases) {
            *d = *a.get_mut() as f64 / SCALE;
        }
    }
}

/// Reads an atomic array into plain integers.
pub fn snapshot(a: &mut [AtomicU32]) -> Vec<u32> {
    a.iter_mut().map(|x| *x.get_mut()).collect()
}
