//! Node positions for the view: grid, circle, layered columns and a deterministic
//! Fruchterman–Reingold force-directed layout.
//!
//! Every function returns one `[x, y]` per node, roughly inside `[-1, 1]²` (the view fits them
//! to the screen). All of them are pure functions of their arguments: the force-directed layout
//! draws its start jitter from the counter-based [`Rng`] and iterates in a fixed order, so the
//! same graph and seed always give the same positions.

use crate::rng::{self, Rng};

/// The largest node count for which [`force_directed`] runs (its cost is O(n²) per
/// iteration); above it, it returns the [`circle`] layout.
pub const FORCE_MAX_NODES: usize = 2000;

/// Random stream of the force-directed start jitter (`BUILD + 5`, step 0, keyed by node).
pub(crate) const STREAM_LAYOUT: u32 = rng::stream::BUILD + 5;

/// Positions of a `width × height` grid: node `y · width + x` sits at column `x`, row `y`.
///
/// Cells are square; the longer side spans `[-1, 1]` and the layout is centred on the origin.
/// `x` grows with the column and `y` with the row. An empty grid gives no positions.
pub fn grid(width: u32, height: u32) -> Vec<[f32; 2]> {
    let (w, h) = (width as usize, height as usize);
    let span = w.max(h).saturating_sub(1).max(1) as f32;
    let scale = 2.0 / span;
    let cx = (w as f32 - 1.0) * 0.5;
    let cy = (h as f32 - 1.0) * 0.5;
    let mut pos = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            pos.push([(x as f32 - cx) * scale, (y as f32 - cy) * scale]);
        }
    }
    pos
}

/// Positions of `n` nodes evenly spaced on the unit circle, node 0 at angle 0 and counting
/// counter-clockwise. A single node sits at the origin.
pub fn circle(n: usize) -> Vec<[f32; 2]> {
    if n == 1 {
        return vec![[0.0, 0.0]];
    }
    (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            [a.cos() as f32, a.sin() as f32]
        })
        .collect()
}

/// Positions of a layered graph: one column per layer index (layer 0 at `x = -1`, the last at
/// `x = 1`), the nodes of each layer spread vertically in index order and centred on `y = 0`.
///
/// The vertical spacing is the same in every column: the largest layer spans `[-1, 1]`.
pub fn layered(layer: &[u32]) -> Vec<[f32; 2]> {
    let layers = layer.iter().copied().max().map_or(0, |l| l as usize + 1);
    let mut count = vec![0usize; layers];
    for &l in layer {
        count[l as usize] += 1;
    }
    let tallest = count.iter().copied().max().unwrap_or(1);
    let dy = if tallest > 1 { 2.0 / (tallest - 1) as f32 } else { 0.0 };
    let dx = if layers > 1 { 2.0 / (layers - 1) as f32 } else { 0.0 };
    let x0 = if layers > 1 { -1.0 } else { 0.0 };
    let mut seen = vec![0usize; layers];
    layer
        .iter()
        .map(|&l| {
            let l = l as usize;
            let k = seen[l];
            seen[l] += 1;
            let centre = (count[l] as f32 - 1.0) * 0.5;
            [x0 + l as f32 * dx, (k as f32 - centre) * dy]
        })
        .collect()
}

/// The number of force-directed iterations used for `n` nodes by [`auto`]: about 10⁸ pair
/// interactions in all, between 20 and 200 iterations.
pub fn default_iterations(n: usize) -> u32 {
    let n2 = (n as u64).saturating_mul(n as u64).max(1);
    (100_000_000 / n2).clamp(20, 200) as u32
}

/// The layout the generators use for graphs without a natural geometry: [`force_directed`]
/// with [`default_iterations`] up to [`FORCE_MAX_NODES`] nodes, the [`circle`] above.
pub fn auto(n: usize, edges: &[(usize, usize)], seed: u64) -> Vec<[f32; 2]> {
    force_directed(n, edges, seed, default_iterations(n))
}

/// A deterministic Fruchterman–Reingold layout of `n` nodes joined by undirected `edges`
/// (pairs of node ids; self-loops and ids `≥ n` are ignored), run for `iterations` rounds.
///
/// It starts from the [`circle`] layout with a small jitter drawn from `Rng::new(seed)`
/// (stream `BUILD + 5`, keyed by node), uses the ideal edge length `k = √(4 / n)` for the
/// `[-1, 1]²` square, repulsion `k² / d`, attraction `d² / k`, a weak pull towards the origin
/// (so separate components stay close) and a temperature that cools linearly from 0.2 to 0.
/// The result is centred and scaled so the largest coordinate is 1. Cost: O(n² + |E|) per
/// iteration; above [`FORCE_MAX_NODES`] nodes it returns the circle layout unchanged.
pub fn force_directed(
    n: usize,
    edges: &[(usize, usize)],
    seed: u64,
    iterations: u32,
) -> Vec<[f32; 2]> {
    let start = circle(n);
    if n <= 1 || n > FORCE_MAX_NODES {
        return start;
    }
    let rng = Rng::new(seed);
    let k = (4.0 / n as f64).sqrt();
    let jitter = 0.05 * k;
    let mut p: Vec<[f64; 2]> = start
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w = rng.words(0, i as u64, STREAM_LAYOUT);
            [
                s[0] as f64 + jitter * (rng::unit_f64(w[0], w[1]) - 0.5),
                s[1] as f64 + jitter * (rng::unit_f64(w[2], w[3]) - 0.5),
            ]
        })
        .collect();
    let k2 = k * k;
    let gravity = 1.0;
    let t0 = 0.2;
    let eps = 1e-9;
    let mut disp = vec![[0.0f64; 2]; n];
    for it in 0..iterations {
        for (d, q) in disp.iter_mut().zip(&p) {
            *d = [-gravity * q[0], -gravity * q[1]];
        }
        for i in 0..n {
            let (pi, rest) = p[i..].split_first().expect("i < n, so the slice is not empty");
            let mut acc = [0.0f64; 2];
            for (off, pj) in rest.iter().enumerate() {
                let dx = pi[0] - pj[0];
                let dy = pi[1] - pj[1];
                let d2 = (dx * dx + dy * dy).max(eps);
                // Repulsion k²/d along the unit vector (dx, dy)/d: k² (dx, dy) / d².
                let f = k2 / d2;
                acc[0] += dx * f;
                acc[1] += dy * f;
                let j = i + 1 + off;
                disp[j][0] -= dx * f;
                disp[j][1] -= dy * f;
            }
            disp[i][0] += acc[0];
            disp[i][1] += acc[1];
        }
        for &(a, b) in edges {
            if a == b || a >= n || b >= n {
                continue;
            }
            let dx = p[a][0] - p[b][0];
            let dy = p[a][1] - p[b][1];
            let d = (dx * dx + dy * dy).sqrt();
            // Attraction d²/k along the unit vector: (dx, dy) · d / k.
            let f = d / k;
            disp[a][0] -= dx * f;
            disp[a][1] -= dy * f;
            disp[b][0] += dx * f;
            disp[b][1] += dy * f;
        }
        let t = t0 * (1.0 - it as f64 / iterations as f64);
        for (q, d) in p.iter_mut().zip(&disp) {
            let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if len > 0.0 && len.is_finite() {
                let step = len.min(t) / len;
                q[0] += d[0] * step;
                q[1] += d[1] * step;
            }
        }
    }
    normalise(&p)
}

/// Centres positions on their mean and scales them so the largest coordinate is 1.
fn normalise(p: &[[f64; 2]]) -> Vec<[f32; 2]> {
    let n = p.len().max(1) as f64;
    let cx = p.iter().map(|q| q[0]).sum::<f64>() / n;
    let cy = p.iter().map(|q| q[1]).sum::<f64>() / n;
    let r = p.iter().fold(0.0f64, |r, q| r.max((q[0] - cx).abs()).max((q[1] - cy).abs()));
    let s = if r > 0.0 { 1.0 / r } else { 1.0 };
    p.iter().map(|q| [((q[0] - cx) * s) as f32, ((q[1] - cy) * s) as f32]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_box(p: &[[f32; 2]]) -> bool {
        p.iter().all(|q| q.iter().all(|c| c.is_finite() && c.abs() <= 1.0 + 1e-5))
    }

    #[test]
    fn grid_is_centred_and_square() {
        let p = grid(3, 2);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], [-1.0, -0.5]);
        assert_eq!(p[2], [1.0, -0.5]);
        assert_eq!(p[5], [1.0, 0.5]);
        assert_eq!(grid(1, 1), vec![[0.0, 0.0]]);
        assert!(in_box(&grid(7, 40)));
    }

    #[test]
    fn circle_is_on_the_unit_circle() {
        let p = circle(8);
        assert_eq!(p.len(), 8);
        for q in &p {
            assert!(((q[0] * q[0] + q[1] * q[1]).sqrt() - 1.0).abs() < 1e-6);
        }
        assert_eq!(p[0], [1.0, 0.0]);
        assert_eq!(circle(1), vec![[0.0, 0.0]]);
        assert!(circle(0).is_empty());
    }

    #[test]
    fn layered_columns_are_centred() {
        let p = layered(&[0, 0, 1, 1, 1, 2]);
        assert_eq!(p[0], [-1.0, -0.5]);
        assert_eq!(p[1], [-1.0, 0.5]);
        assert_eq!(p[2], [0.0, -1.0]);
        assert_eq!(p[3], [0.0, 0.0]);
        assert_eq!(p[4], [0.0, 1.0]);
        assert_eq!(p[5], [1.0, 0.0]);
        assert_eq!(layered(&[0]), vec![[0.0, 0.0]]);
    }

    #[test]
    fn force_directed_is_deterministic_and_bounded() {
        // Two 5-cycles joined by one edge.
        let mut edges: Vec<(usize, usize)> = (0..5).map(|i| (i, (i + 1) % 5)).collect();
        edges.extend((0..5).map(|i| (5 + i, 5 + (i + 1) % 5)));
        edges.push((0, 5));
        let a = force_directed(10, &edges, 3, 100);
        let b = force_directed(10, &edges, 3, 100);
        assert_eq!(a, b);
        assert!(in_box(&a));
        assert_ne!(a, force_directed(10, &edges, 4, 100));
        // Linked nodes end up closer, on average, than unlinked ones.
        let dist =
            |i: usize, j: usize| ((a[i][0] - a[j][0]).powi(2) + (a[i][1] - a[j][1]).powi(2)).sqrt();
        let linked: f32 = edges.iter().map(|&(i, j)| dist(i, j)).sum::<f32>() / edges.len() as f32;
        let mut all = 0.0;
        for i in 0..10 {
            for j in i + 1..10 {
                all += dist(i, j);
            }
        }
        assert!(linked < all / 45.0, "linked {linked} vs mean {}", all / 45.0);
    }

    #[test]
    fn force_directed_falls_back_to_circle() {
        assert_eq!(force_directed(2001, &[(0, 1)], 1, 5), circle(2001));
        assert_eq!(force_directed(1, &[], 1, 5), vec![[0.0, 0.0]]);
        assert_eq!(default_iterations(2000), 25);
        assert_eq!(default_iterations(10), 200);
    }
}
