//! Spike-count error and correlation (DARWIN3.md §5): the relative count error over neurons,
//! Pearson's r of the per-neuron counts, and the binned per-neuron correlation, which is
//! elephant's `correlation_coefficient` of a `BinnedSpikeTrain` holding the reference and the
//! emulated train of one neuron.
//!
//! Counts are integers, so every Pearson r here is computed from exact integer sums and
//! rounded once: `r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²))`.

/// `Σ|n_emulated − n_reference| / Σ n_reference` over neurons; `None` when the reference has no
/// spike at all.
pub fn relative_count_error(reference: &[u64], emulated: &[u64]) -> Option<f64> {
    let total: u64 = reference.iter().sum();
    let error: u64 = reference.iter().zip(emulated).map(|(&r, &e)| r.abs_diff(e)).sum();
    (total > 0).then(|| error as f64 / total as f64)
}

/// Exact sums of paired integer samples, from which Pearson's r is formed.
#[derive(Clone, Copy, Debug, Default)]
struct PairSums {
    n: i128,
    x: i128,
    y: i128,
    xx: i128,
    yy: i128,
    xy: i128,
}

impl PairSums {
    fn add(&mut self, x: u64, y: u64) {
        let (x, y) = (i128::from(x), i128::from(y));
        self.x += x;
        self.y += y;
        self.xx += x * x;
        self.yy += y * y;
        self.xy += x * y;
    }

    /// Pearson's r; `None` when either sample is constant (elephant and numpy give NaN).
    fn pearson(&self) -> Option<f64> {
        let var_x = self.n * self.xx - self.x * self.x;
        let var_y = self.n * self.yy - self.y * self.y;
        if var_x <= 0 || var_y <= 0 {
            return None;
        }
        let cov = self.n * self.xy - self.x * self.y;
        Some(cov as f64 / ((var_x as f64) * (var_y as f64)).sqrt())
    }
}

/// Pearson's r between paired counts (per-neuron counts of the two simulators); `None` when
/// there are fewer than two pairs or either side is constant.
pub fn pearson(x: &[u64], y: &[u64]) -> Option<f64> {
    let mut sums = PairSums { n: x.len().min(y.len()) as i128, ..PairSums::default() };
    for (&a, &b) in x.iter().zip(y) {
        sums.add(a, b);
    }
    sums.pearson()
}

/// Per-bin spike counts of a sorted train in bins of `bin` steps: (bin index, count) for the
/// non-empty bins among the `n_bins` full bins. A trailing partial bin is dropped, as
/// elephant's `BinnedSpikeTrain` does with `t_stop` not a multiple of the bin size.
fn bin_counts(train: &[u64], bin: u64, n_bins: u64) -> impl Iterator<Item = (u64, u64)> + '_ {
    let mut rest = train.iter().map(move |&s| s / bin).take_while(move |&b| b < n_bins).peekable();
    std::iter::from_fn(move || {
        let index = rest.next()?;
        let mut count = 1;
        while rest.next_if_eq(&index).is_some() {
            count += 1;
        }
        Some((index, count))
    })
}

/// Pearson's r of the per-bin counts of two sorted trains over `steps` steps in bins of `bin`
/// steps (elephant `correlation_coefficient(BinnedSpikeTrain([a, b], bin_size))[0, 1]`).
/// `None` when `bin` is zero, there are fewer than two full bins, or either train has constant
/// bin counts (elephant returns NaN).
pub fn binned_correlation(a: &[u64], b: &[u64], steps: u64, bin: u64) -> Option<f64> {
    if bin == 0 {
        return None;
    }
    let n_bins = steps / bin;
    let mut sums = PairSums { n: i128::from(n_bins), ..PairSums::default() };
    let mut bins_a = bin_counts(a, bin, n_bins).peekable();
    let mut bins_b = bin_counts(b, bin, n_bins).peekable();
    loop {
        let (x, y) = match (bins_a.peek().copied(), bins_b.peek().copied()) {
            (None, None) => break,
            (Some((ia, ca)), Some((ib, cb))) if ia == ib => {
                bins_a.next();
                bins_b.next();
                (ca, cb)
            }
            (Some((ia, ca)), Some((ib, _))) if ia < ib => {
                bins_a.next();
                (ca, 0)
            }
            (Some((_, ca)), None) => {
                bins_a.next();
                (ca, 0)
            }
            (_, Some((_, cb))) => {
                bins_b.next();
                (0, cb)
            }
        };
        sums.add(x, y);
    }
    sums.pearson()
}
