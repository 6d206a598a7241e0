//! Frame-time statistics shared by the examples.

/// Mean and 95th percentile of `times` (seconds), in milliseconds.
pub fn summary(times: &[f64]) -> (f64, f64) {
    let mut t = times.to_vec();
    t.sort_by(f64::total_cmp);
    let mean = t.iter().sum::<f64>() / t.len().max(1) as f64;
    let p95 = t.get((t.len() * 95 / 100).min(t.len().saturating_sub(1))).copied().unwrap_or(0.0);
    (mean * 1e3, p95 * 1e3)
}
