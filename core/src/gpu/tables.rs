//! Cascade child counts on the GPU: the inversion thresholds of a Poisson(χ) law, so that a
//! shader draws exactly the count [`crate::rng::poisson`] draws on the CPU from the same word,
//! without f64 arithmetic (WGSL has none).
//!
//! Below λ = 10 the CPU sampler takes one word w, u = (w + 0.5)·2^−32 (exact in f64), and
//! counts how many running sums cdf_0 < cdf_1 < … (computed in f64 in a fixed order) lie below
//! u. Here the same sums are computed in the same order, and each is turned into the smallest
//! word whose u exceeds it: the count is then the number of thresholds the word reaches.

/// Largest χ the tables cover (the CPU switches to rejection sampling at 10).
pub const MAX_CHI: f64 = 10.0;

/// The smallest word `w` with (w + 0.5)·2^−32 > `cdf`, or 2^32 when there is none.
fn threshold(cdf: f64) -> u64 {
    let u = |w: u64| (w as f64 + 0.5) * (1.0 / 4_294_967_296.0);
    let mut w = ((cdf * 4_294_967_296.0 - 0.5).floor().max(0.0) as u64).min(1 << 32);
    while w < (1 << 32) && u(w) <= cdf {
        w += 1;
    }
    while w > 0 && u(w - 1) > cdf {
        w -= 1;
    }
    w
}

/// The thresholds of Poisson(`lambda`), `lambda` < [`MAX_CHI`]: the count drawn from word w is
/// the number of leading thresholds t with w ≥ t (they ascend). Empty for `lambda` ≤ 0.
pub fn poisson_thresholds(lambda: f64) -> Vec<u32> {
    let mut out = Vec::new();
    if lambda.is_nan() || lambda <= 0.0 {
        return out;
    }
    let mut p = (-lambda).exp();
    let mut cdf = p;
    let mut k = 0u64;
    while k < 1000 {
        let t = threshold(cdf);
        if t >= 1 << 32 {
            break;
        }
        out.push(t as u32);
        k += 1;
        p *= lambda / k as f64;
        cdf += p;
    }
    out
}

/// The count the thresholds give for `word` (the shader's loop, for tests).
pub fn count(table: &[u32], word: u32) -> u64 {
    table.iter().take_while(|&&t| word >= t).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, UniformSeq, poisson};

    #[test]
    fn thresholds_reproduce_the_cpu_sampler() {
        let rng = Rng::new(5);
        for &chi in &[0.01f64, 0.5, 1.53576, 3.0, 9.9] {
            let table = poisson_thresholds(chi);
            for id in 0..200_000u64 {
                let mut seq = UniformSeq::new(&rng, 3, id, 0x100);
                let want = poisson(chi, &mut seq);
                let word = rng.words(3, id, 0x100)[0];
                assert_eq!(count(&table, word), want, "chi {chi} id {id}");
            }
            // Words at the thresholds and just below them.
            for &t in &table {
                for w in [t.saturating_sub(1), t] {
                    let u = (w as f64 + 0.5) * (1.0 / 4_294_967_296.0);
                    let mut p = (-chi).exp();
                    let mut cdf = p;
                    let mut k = 0u64;
                    while u > cdf && k < 1000 {
                        k += 1;
                        p *= chi / k as f64;
                        cdf += p;
                    }
                    assert_eq!(count(&table, w), k, "chi {chi} word {w}");
                }
            }
        }
        assert!(poisson_thresholds(0.0).is_empty());
    }
}
