//! The plotted time series, one sample per step, and their decimation for drawing.

/// Recorded series.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Step of each sample.
    pub step: Vec<f64>,
    /// Free vesicles per species (outer: species).
    pub free: Vec<Vec<f64>>,
    /// Dockings per step per species.
    pub docked: Vec<Vec<f64>>,
    /// Host loss (NaN where none).
    pub loss: Vec<f64>,
    /// Host accuracy (NaN where none).
    pub accuracy: Vec<f64>,
    /// Mean gain over nodes.
    pub mean_gain: Vec<f64>,
    /// Twin mode, per species: the RMS over nodes of z = (N − ρ)/√ρ (empty outside twin mode).
    pub rms_z: Vec<Vec<f64>>,
    /// Twin mode, per species: Σ|N − ρ| / Σρ (empty outside twin mode).
    pub relative_l1: Vec<Vec<f64>>,
}

impl History {
    /// An empty history for `species` species.
    pub fn new(species: usize) -> Self {
        Self {
            free: vec![Vec::new(); species],
            docked: vec![Vec::new(); species],
            ..Self::default()
        }
    }

    /// Drops the samples after `step` (a run that went back to an earlier state, as after a
    /// GPU failure).
    pub fn keep_until(&mut self, step: u64) {
        let keep = self.step.partition_point(|&s| s <= step as f64);
        self.step.truncate(keep);
        for v in self.free.iter_mut().chain(self.docked.iter_mut()) {
            v.truncate(keep);
        }
        for v in [&mut self.loss, &mut self.accuracy, &mut self.mean_gain] {
            v.truncate(keep);
        }
        for v in self.rms_z.iter_mut().chain(self.relative_l1.iter_mut()) {
            v.truncate(keep);
        }
    }

    /// Appends one sample; `twin`, the density twin in twin mode, adds the particles' and the
    /// mean field's disagreement per species.
    pub fn push(&mut self, world: &nv_core::World, twin: Option<&nv_core::World>) {
        if let Some(density) = twin {
            let ns = world.species.len();
            self.rms_z.resize(ns, Vec::new());
            self.relative_l1.resize(ns, Vec::new());
            for k in 0..ns {
                let d = nv_core::twin::discrepancy(world, density, k);
                self.rms_z[k].push(d.rms_z);
                self.relative_l1[k].push(d.relative_l1);
            }
        }
        self.step.push(world.step as f64);
        for (k, v) in self.free.iter_mut().enumerate() {
            v.push(world.free(k));
        }
        for (k, v) in self.docked.iter_mut().enumerate() {
            v.push(world.last.docked.get(k).copied().unwrap_or(0.0));
        }
        self.loss.push(world.signals.loss.map_or(f64::NAN, f64::from));
        self.accuracy.push(world.signals.accuracy.map_or(f64::NAN, f64::from));
        let g = &world.modulation.gain;
        self.mean_gain.push(g.iter().map(|&x| x as f64).sum::<f64>() / g.len().max(1) as f64);
    }
}

/// At most `2 · buckets` points of `(x, y)` keeping each bucket's minimum and maximum, so
/// spikes stay visible however long the run.
pub fn decimate(x: &[f64], y: &[f64], buckets: usize) -> Vec<[f64; 2]> {
    let len = x.len().min(y.len());
    if len <= 2 * buckets.max(1) {
        return (0..len).filter(|&i| y[i].is_finite()).map(|i| [x[i], y[i]]).collect();
    }
    let per = len.div_ceil(buckets);
    let mut out = Vec::with_capacity(2 * buckets);
    for start in (0..len).step_by(per) {
        let end = (start + per).min(len);
        let (mut lo, mut hi) = (None::<usize>, None::<usize>);
        for i in start..end {
            if !y[i].is_finite() {
                continue;
            }
            if lo.is_none_or(|l| y[i] < y[l]) {
                lo = Some(i);
            }
            if hi.is_none_or(|h| y[i] > y[h]) {
                hi = Some(i);
            }
        }
        if let (Some(a), Some(b)) = (lo, hi) {
            let (first, second) = if a <= b { (a, b) } else { (b, a) };
            out.push([x[first], y[first]]);
            if second != first {
                out.push([x[second], y[second]]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{History, decimate};

    #[test]
    fn keep_until_drops_the_later_samples_of_every_series() {
        let mut h = History::new(2);
        for step in 1..=10 {
            h.step.push(step as f64);
            for v in h.free.iter_mut().chain(h.docked.iter_mut()) {
                v.push(step as f64);
            }
            for v in [&mut h.loss, &mut h.accuracy, &mut h.mean_gain] {
                v.push(step as f64);
            }
        }
        h.keep_until(6);
        assert_eq!(h.step, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        for v in h.free.iter().chain(&h.docked).chain([&h.loss, &h.accuracy, &h.mean_gain]) {
            assert_eq!(v, &h.step, "every series ends at step 6");
        }
        h.keep_until(20);
        assert_eq!(h.step.len(), 6, "nothing after the last sample to drop");
    }

    #[test]
    fn decimation_keeps_extremes() {
        let x: Vec<f64> = (0..10_000).map(f64::from).collect();
        let mut y = vec![0.0; 10_000];
        y[5_001] = 9.0;
        y[7_777] = -3.0;
        let d = decimate(&x, &y, 100);
        assert!(d.len() <= 200);
        assert!(d.iter().any(|p| p[1] == 9.0) && d.iter().any(|p| p[1] == -3.0));
        assert_eq!(decimate(&x[..10], &y[..10], 100).len(), 10);
    }
}
