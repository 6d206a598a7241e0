//! The Victor–Purpura distance (DARWIN3.md §5): the cheapest way to turn one train into the
//! other when inserting or deleting a spike costs 1 and moving one by Δt costs `q·|Δt|`.
//!
//! The dynamic programme keeps one row, O(n·m) time and O(m) memory. The limits follow
//! elephant's `victor_purpura_distance`: q = 0 gives `|n_a − n_b|`, q = ∞ gives `n_a + n_b`.

/// The Victor–Purpura distance between two sorted trains; `q` (≥ 0 or `f64::INFINITY`) is the
/// cost per unit of time of moving a spike, in the inverse unit of the spike times.
pub fn victor_purpura_distance(a: &[f64], b: &[f64], q: f64) -> f64 {
    if q == 0.0 {
        return (a.len() as f64 - b.len() as f64).abs();
    }
    if q.is_infinite() {
        return (a.len() + b.len()) as f64;
    }
    // row[j] = G[i][j]: the cost of turning a[..i] into b[..j].
    let mut row: Vec<f64> = (0..=b.len()).map(|j| j as f64).collect();
    for (i, &ta) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = (i + 1) as f64;
        for (j, &tb) in b.iter().enumerate() {
            let above = row[j + 1];
            let best = (above + 1.0).min(row[j] + 1.0).min(diagonal + q * (ta - tb).abs());
            diagonal = above;
            row[j + 1] = best;
        }
    }
    row[b.len()]
}
