//! The van Rossum distance (DARWIN3.md §5) in closed form with the paper normalisation:
//! `D² = ½[Σᵢⱼ e^(−|tᵢ−tⱼ|/τ) + Σᵢⱼ e^(−|sᵢ−sⱼ|/τ) − 2Σᵢⱼ e^(−|tᵢ−sⱼ|/τ)]`, so that one spike
//! against none gives `D = 1/√2`.
//!
//! Elephant's `van_rossum_distance` returns `√2 · D` (one spike against none gives 1): divide
//! elephant's value by √2 to compare. The double sums are evaluated in O(n + m) with the
//! running "markage" sums of Houghton & Kreuz (2012). The limits follow elephant: τ = 0 gives
//! `√((n_a + n_b)/2)` (coincident spikes are not credited) and τ = ∞ gives `|n_a − n_b|/√2`.

/// `m[i] = Σ_{j<i} e^(−(t_i − t_j)/τ)` for a sorted train.
fn markage(train: &[f64], tau: f64) -> Vec<f64> {
    let mut marks = Vec::with_capacity(train.len());
    let mut running = 0.0;
    for (i, &t) in train.iter().enumerate() {
        if i > 0 {
            running = (running + 1.0) * (-(t - train[i - 1]) / tau).exp();
        }
        marks.push(running);
    }
    marks
}

/// `Σᵢ Σ_{j: other_j ≤ or < train_i} e^(−(train_i − other_j)/τ)`: the part of the cross sum
/// where `other` is not later (`inclusive`) or strictly earlier than `train`.
fn one_sided_cross(
    train: &[f64],
    other: &[f64],
    other_marks: &[f64],
    tau: f64,
    inclusive: bool,
) -> f64 {
    let mut sum = 0.0;
    let mut j = 0;
    for &t in train {
        while j < other.len() && (other[j] < t || (inclusive && other[j] == t)) {
            j += 1;
        }
        if j > 0 {
            sum += (-(t - other[j - 1]) / tau).exp() * (1.0 + other_marks[j - 1]);
        }
    }
    sum
}

/// The van Rossum distance between two sorted trains (times in any unit, `tau` in the same
/// unit, ≥ 0 or `f64::INFINITY`), with the paper normalisation (elephant / √2).
pub fn van_rossum_distance(a: &[f64], b: &[f64], tau: f64) -> f64 {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    if tau == 0.0 {
        return ((na + nb) / 2.0).sqrt();
    }
    if tau.is_infinite() {
        return (na - nb).abs() / std::f64::consts::SQRT_2;
    }
    if a == b {
        return 0.0;
    }
    let (marks_a, marks_b) = (markage(a, tau), markage(b, tau));
    let self_a = na + 2.0 * marks_a.iter().sum::<f64>();
    let self_b = nb + 2.0 * marks_b.iter().sum::<f64>();
    let cross =
        one_sided_cross(a, b, &marks_b, tau, true) + one_sided_cross(b, a, &marks_a, tau, false);
    (0.5 * (self_a + self_b - 2.0 * cross)).max(0.0).sqrt()
}
