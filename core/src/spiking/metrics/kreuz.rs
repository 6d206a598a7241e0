//! Kreuz's parameter-free measures (DARWIN3.md §5) as PySpike 0.9 defines them for
//! `SpikeTrain(times, edges=(t_start, t_end))` with its defaults (`MRTS = 0`, `RI = False`,
//! `max_tau = None`): the ISI-distance (Kreuz 2007), the SPIKE-distance (Kreuz 2013) and
//! SPIKE-synchronization (Kreuz 2015).
//!
//! PySpike's conventions, kept here:
//! - An empty train counts as a train with spikes at both edges for the ISI- and
//!   SPIKE-distances; SPIKE-synchronization of two empty trains is 1 and of an empty train
//!   against a non-empty one is 0.
//! - Edge ISIs: before the first spike the ISI is `max(t₀ − t_start, t₁ − t₀)`, after the last
//!   `max(t_end − t_last, t_last − t_prev)`; a single spike uses its distances to the edges.
//! - SPIKE-distance edges: auxiliary spikes sit at `min(t_start, 2t₀ − t₁)` and
//!   `max(t_end, 2t_last − t_prev)` (at the edges for a one-spike train); they count as spikes
//!   when finding the nearest spike of the other train, and the distance carried by an
//!   auxiliary spike is that of its neighbouring real spike ("Eero's correction"). A single
//!   spike lying exactly on `t_start` keeps PySpike's special case: its train runs to `t_end`
//!   with the nearest-spike distance measured at `t_end`.
//! - SPIKE-synchronization tests each spike against the latest earlier spike of the other
//!   train with the window `τ = ½·min(neighbouring ISIs of both spikes, t_end − t_start)`
//!   (strict `<`); spikes at the same time are always coincident.
//!
//! Spike times must be sorted, distinct and inside `[t_start, t_end]`, with `t_start < t_end`.

/// The spikes PySpike uses for the distances: the train, or both edges when it is empty.
fn non_empty(train: &[f64], t_start: f64, t_end: f64) -> Vec<f64> {
    if train.is_empty() { vec![t_start, t_end] } else { train.to_vec() }
}

/// The piecewise-constant ISI of one train as consecutive (segment end, ISI) pairs covering
/// `[t_start, t_end]`, with PySpike's edge ISIs.
fn isi_segments(spikes: &[f64], t_start: f64, t_end: f64) -> Vec<(f64, f64)> {
    let n = spikes.len();
    let mut segments = Vec::with_capacity(n + 1);
    if spikes[0] > t_start {
        let first = spikes[0] - t_start;
        segments.push((spikes[0], if n > 1 { first.max(spikes[1] - spikes[0]) } else { first }));
    }
    for pair in spikes.windows(2) {
        segments.push((pair[1], pair[1] - pair[0]));
    }
    let last = t_end - spikes[n - 1];
    segments.push((t_end, if n > 1 { last.max(spikes[n - 1] - spikes[n - 2]) } else { last }));
    segments
}

/// The ISI-distance `D_I = (1/T)∫|x − y|/max(x, y) dt` in [0, 1] (PySpike `isi_distance`).
pub fn isi_distance(a: &[f64], b: &[f64], t_start: f64, t_end: f64) -> f64 {
    let seg_a = isi_segments(&non_empty(a, t_start, t_end), t_start, t_end);
    let seg_b = isi_segments(&non_empty(b, t_start, t_end), t_start, t_end);
    let (mut i, mut j, mut t, mut integral) = (0, 0, t_start, 0.0);
    while i < seg_a.len() && j < seg_b.len() {
        let ((end_a, x), (end_b, y)) = (seg_a[i], seg_b[j]);
        let end = end_a.min(end_b);
        if end > t {
            integral += (x - y).abs() / x.max(y) * (end - t);
            t = end;
        }
        i += usize::from(end_a == end);
        j += usize::from(end_b == end);
    }
    integral / (t_end - t_start)
}

/// A train prepared for the SPIKE-distance: its spikes with PySpike's auxiliary edge spikes.
struct Extended {
    /// Auxiliary spike, real spikes, auxiliary spike (sorted).
    points: Vec<f64>,
}

impl Extended {
    fn new(spikes: &[f64], t_start: f64, t_end: f64) -> Self {
        let n = spikes.len();
        let (low, high) = if n > 1 {
            (
                t_start.min(2.0 * spikes[0] - spikes[1]),
                t_end.max(2.0 * spikes[n - 1] - spikes[n - 2]),
            )
        } else {
            (t_start, t_end)
        };
        let mut points = Vec::with_capacity(n + 2);
        points.push(low);
        points.extend_from_slice(spikes);
        points.push(high);
        Self { points }
    }

    /// The distance from `t` to the nearest point (auxiliary spikes included).
    fn nearest(&self, t: f64) -> f64 {
        let k = self.points.partition_point(|&p| p < t);
        let after = self.points.get(k).map_or(f64::INFINITY, |&p| p - t);
        let before = if k > 0 { t - self.points[k - 1] } else { f64::INFINITY };
        after.min(before)
    }
}

/// The knots (time, distance to the other train) between which PySpike's `S_n(t)` is linear;
/// the first knot is ≤ `t_start`, the last ≥ `t_end`.
fn spike_knots(
    spikes: &[f64],
    own: &Extended,
    other: &Extended,
    t_start: f64,
    t_end: f64,
) -> Vec<(f64, f64)> {
    let n = spikes.len();
    let mut knots = Vec::with_capacity(n + 2);
    if spikes[0] > t_start {
        knots.push((own.points[0], other.nearest(spikes[0])));
    }
    knots.extend(spikes.iter().map(|&s| (s, other.nearest(s))));
    if n == 1 && spikes[0] <= t_start {
        knots.push((t_end, other.nearest(t_end)));
    } else {
        knots.push((own.points[n + 1], knots[knots.len() - 1].1));
    }
    knots
}

/// Where a time lies in a train's knots: the interval's (distance weight at t, ISI).
fn profile_at(knots: &[(f64, f64)], k: usize, t: f64) -> (f64, f64) {
    let ((t_p, d_p), (t_f, d_f)) = (knots[k], knots[k + 1]);
    let isi = t_f - t_p;
    ((d_p * (t_f - t) + d_f * (t - t_p)) / isi, isi)
}

/// `S(t) = (S₁x₂ + S₂x₁) / (2⟨x⟩²)` from the two trains' weighted distances and ISIs.
fn dissimilarity(s1: f64, x1: f64, s2: f64, x2: f64) -> f64 {
    let mean = 0.5 * (x1 + x2);
    0.5 * (s1 * x2 + s2 * x1) / (mean * mean)
}

/// The SPIKE-distance `D_S = (1/T)∫S(t) dt` in [0, 1] (PySpike `spike_distance`).
pub fn spike_distance(a: &[f64], b: &[f64], t_start: f64, t_end: f64) -> f64 {
    let (a, b) = (non_empty(a, t_start, t_end), non_empty(b, t_start, t_end));
    let (ext_a, ext_b) = (Extended::new(&a, t_start, t_end), Extended::new(&b, t_start, t_end));
    let knots_a = spike_knots(&a, &ext_a, &ext_b, t_start, t_end);
    let knots_b = spike_knots(&b, &ext_b, &ext_a, t_start, t_end);
    // Index of the interval [knots[k], knots[k + 1]) holding t, skipping empty intervals.
    let advance = |knots: &[(f64, f64)], mut k: usize, t: f64| {
        while k + 2 < knots.len() && knots[k + 1].0 <= t {
            k += 1;
        }
        k
    };
    let (mut i, mut j, mut t, mut integral) = (0, 0, t_start, 0.0);
    while t < t_end {
        i = advance(&knots_a, i, t);
        j = advance(&knots_b, j, t);
        let end = knots_a[i + 1].0.min(knots_b[j + 1].0).min(t_end);
        let ((s1, x1), (s2, x2)) = (profile_at(&knots_a, i, t), profile_at(&knots_b, j, t));
        let start_value = dissimilarity(s1, x1, s2, x2);
        let ((s1, x1), (s2, x2)) = (profile_at(&knots_a, i, end), profile_at(&knots_b, j, end));
        let end_value = dissimilarity(s1, x1, s2, x2);
        integral += 0.5 * (start_value + end_value) * (end - t);
        t = end;
    }
    integral / (t_end - t_start)
}

/// Half the smallest ISI next to spike `k` of `train` (`cap` when it has no neighbour).
fn half_isi(train: &[f64], k: usize, cap: f64) -> f64 {
    let before = if k > 0 { train[k] - train[k - 1] } else { cap };
    let after = train.get(k + 1).map_or(cap, |&next| next - train[k]);
    0.5 * before.min(after)
}

/// SPIKE-synchronization in [0, 1]: the fraction of all spikes that are coincident
/// (PySpike `spike_sync`); 1 when both trains are empty.
pub fn spike_sync(a: &[f64], b: &[f64], t_start: f64, t_end: f64) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let cap = t_end - t_start;
    let coincident = |x: &[f64], k: usize, y: &[f64], l: usize| {
        x[k] - y[l] < half_isi(x, k, cap).min(half_isi(y, l, cap))
    };
    let (mut i, mut j, mut coincidences) = (0, 0, 0usize);
    while i < a.len() || j < b.len() {
        let next_a = a.get(i).copied().unwrap_or(f64::INFINITY);
        let next_b = b.get(j).copied().unwrap_or(f64::INFINITY);
        if next_a == next_b {
            coincidences += 2;
            i += 1;
            j += 1;
        } else if next_a < next_b {
            coincidences += if j > 0 && coincident(a, i, b, j - 1) { 2 } else { 0 };
            i += 1;
        } else {
            coincidences += if i > 0 && coincident(b, j, a, i - 1) { 2 } else { 0 };
            j += 1;
        }
    }
    coincidences as f64 / total as f64
}
