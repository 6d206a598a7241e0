//! Two-dimensional toy data sets for the rate MLP (MODEL §1), after TensorFlow Playground.
//!
//! Four binary classification problems on the plane, with labels `+1` and `−1` and points
//! roughly inside `[-6, 6]²`:
//!
//! - [`DatasetKind::Spiral`]: two interleaved spirals (radius up to 5, 1.75 turns).
//! - [`DatasetKind::Xor`]: the four quadrants, `+1` where `x · y ≥ 0`.
//! - [`DatasetKind::Circles`]: an inner disc (radius < 2.5, `+1`) inside an outer ring
//!   (radius 3.5 to 5, `−1`).
//! - [`DatasetKind::Gaussians`]: two isotropic blobs centred on `(2, 2)` (`+1`) and `(−2, −2)`
//!   (`−1`).
//!
//! Generation is a pure function of `(kind, samples, noise, seed)`: sample `s` draws its four
//! random words from the counter-based [`Rng`] at step 0, key `s`, stream [`GENERATE_STREAM`],
//! so changing the sample count does not move earlier points (except on the spiral, whose arms
//! are spread over the count). Labels alternate by sample index (`+1` for even `s`, `−1` for
//! odd `s`, before noise), so every set is balanced up to one sample when `noise` is 0.
//! [`split`] shuffles deterministically into a training and a test set.

use serde::{Deserialize, Serialize};

use crate::rng::{self, Rng, stream};

/// Stream of the sample draws of [`generate`] (in the `BUILD` range, step 0, keyed by sample).
pub const GENERATE_STREAM: u32 = stream::BUILD + 0x0010_0000;
/// Stream of the shuffle draws of [`split`] (in the `BUILD` range, step 0, keyed by position).
pub const SPLIT_STREAM: u32 = stream::BUILD + 0x0010_0001;

/// Which toy problem to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatasetKind {
    /// Two interleaved spirals; noise jitters each point uniformly by up to `±noise` units.
    Spiral,
    /// Quadrants labelled by the sign of `x · y`; noise flips labels near the axes.
    Xor,
    /// An inner disc against an outer ring; noise flips labels near the gap.
    Circles,
    /// Two Gaussian blobs; noise widens them (variance 0.5 at noise 0 up to 4 at noise 1).
    Gaussians,
}

impl DatasetKind {
    /// Every kind, in declaration order.
    pub const ALL: [DatasetKind; 4] =
        [DatasetKind::Spiral, DatasetKind::Xor, DatasetKind::Circles, DatasetKind::Gaussians];

    /// Lower-case name, as written in exports and shown in the UI.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Spiral => "spiral",
            DatasetKind::Xor => "xor",
            DatasetKind::Circles => "circles",
            DatasetKind::Gaussians => "gaussians",
        }
    }
}

/// One labelled point of a data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// First coordinate, in data units (roughly −6 to 6).
    pub x: f32,
    /// Second coordinate, in data units (roughly −6 to 6).
    pub y: f32,
    /// Class label, `+1.0` or `−1.0`.
    pub label: f32,
}

/// Generates `samples` labelled points of `kind`, deterministically from `seed`.
///
/// `noise` follows TensorFlow Playground's slider, as a fraction (0 = clean, Playground's
/// "50 %" = 0.5); it is clamped to `[0, 1]`, and a non-finite value counts as 0:
///
/// - spiral: each coordinate moves by a uniform amount in `[−noise, noise]` units;
/// - xor and circles: the points stay put, but each label is taken at the point moved by a
///   uniform amount in `[−5·noise, 5·noise]` per coordinate, so labels near the boundary flip;
/// - gaussians: each blob's variance is `0.5 + 3.5·noise` per coordinate (Box–Muller normals).
///
/// Returns an empty vector when `samples` is 0.
pub fn generate(kind: DatasetKind, samples: usize, noise: f32, seed: u64) -> Vec<Sample> {
    let noise = if noise.is_finite() { noise.clamp(0.0, 1.0) } else { 0.0 };
    let rng = Rng::new(seed);
    // Points per spiral arm (the even-indexed arm gets the extra point when `samples` is odd).
    let per_arm = samples.div_ceil(2).max(1) as f32;
    (0..samples)
        .map(|s| {
            let w = rng.words(0, s as u64, GENERATE_STREAM);
            let positive = s % 2 == 0;
            let sign = if positive { 1.0 } else { -1.0 };
            match kind {
                DatasetKind::Spiral => {
                    let i = (s / 2) as f32;
                    let r = i / per_arm * 5.0;
                    let delta = if positive { 0.0 } else { std::f32::consts::PI };
                    let t = 1.75 * i / per_arm * std::f32::consts::TAU + delta;
                    let x = r * t.sin() + symmetric(w[0]) * noise;
                    let y = r * t.cos() + symmetric(w[1]) * noise;
                    Sample { x, y, label: sign }
                }
                DatasetKind::Xor => {
                    // Quadrants in the order (+,+), (+,−), (−,−), (−,+): labels alternate.
                    let (sx, sy) = match s % 4 {
                        0 => (1.0, 1.0),
                        1 => (1.0, -1.0),
                        2 => (-1.0, -1.0),
                        _ => (-1.0, 1.0),
                    };
                    const PADDING: f32 = 0.3;
                    let x = sx * (5.0 * rng::unit(w[0]) + PADDING);
                    let y = sy * (5.0 * rng::unit(w[1]) + PADDING);
                    let nx = x + 5.0 * symmetric(w[2]) * noise;
                    let ny = y + 5.0 * symmetric(w[3]) * noise;
                    let label = if nx * ny >= 0.0 { 1.0 } else { -1.0 };
                    Sample { x, y, label }
                }
                DatasetKind::Circles => {
                    const RADIUS: f32 = 5.0;
                    let r = if positive {
                        0.5 * RADIUS * rng::unit(w[0])
                    } else {
                        RADIUS * (0.7 + 0.3 * rng::unit(w[0]))
                    };
                    let angle = std::f32::consts::TAU * rng::unit(w[1]);
                    let x = r * angle.sin();
                    let y = r * angle.cos();
                    let nx = x + RADIUS * symmetric(w[2]) * noise;
                    let ny = y + RADIUS * symmetric(w[3]) * noise;
                    let label = if (nx * nx + ny * ny).sqrt() < 0.5 * RADIUS { 1.0 } else { -1.0 };
                    Sample { x, y, label }
                }
                DatasetKind::Gaussians => {
                    let std_dev = (0.5 + 3.5 * noise).sqrt();
                    let (n1, n2) = box_muller(w[0], w[1]);
                    let centre = 2.0 * sign;
                    Sample { x: centre + std_dev * n1, y: centre + std_dev * n2, label: sign }
                }
            }
        })
        .collect()
}

/// How many of `len` samples [`split`] puts in the training set: `round(len · train_fraction)`,
/// the fraction clamped to `[0, 1]` (a non-finite one counts as 0.5), then to `1..=len − 1`
/// when `len ≥ 2`.
pub fn train_count(len: usize, train_fraction: f32) -> usize {
    let fraction = if train_fraction.is_finite() { train_fraction.clamp(0.0, 1.0) } else { 0.5 };
    let n_train = (len as f64 * fraction as f64).round() as usize;
    if len >= 2 { n_train.clamp(1, len - 1) } else { n_train.min(len) }
}

/// Splits `samples` into `(train, test)` after a deterministic Fisher–Yates shuffle from `seed`.
///
/// The training set gets `round(len · train_fraction)` samples, with `train_fraction` clamped
/// to `[0, 1]` (a non-finite value counts as 0.5); when there are at least 2 samples the count is
/// further clamped to `1..=len − 1`, so neither set is empty. Sample order inside each set is the
/// shuffled order.
pub fn split(samples: &[Sample], train_fraction: f32, seed: u64) -> (Vec<Sample>, Vec<Sample>) {
    let len = samples.len();
    let n_train = train_count(len, train_fraction);
    let rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        let w = rng.words(0, i as u64, SPLIT_STREAM)[0];
        let j = ((w as u64 * (i as u64 + 1)) >> 32) as usize;
        order.swap(i, j);
    }
    let train = order[..n_train].iter().map(|&k| samples[k]).collect();
    let test = order[n_train..].iter().map(|&k| samples[k]).collect();
    (train, test)
}

/// A uniform in `[−1, 1)` from one word.
#[inline]
fn symmetric(w: u32) -> f32 {
    2.0 * rng::unit(w) - 1.0
}

/// Two independent standard normals from two words (Box–Muller; the radius uses a uniform in
/// `(0, 1]`, so it is finite: at most about 5.77).
#[inline]
fn box_muller(a: u32, b: u32) -> (f32, f32) {
    let u1 = rng::unit_open0(a) as f64;
    let u2 = rng::unit(b) as f64;
    let r = (-2.0 * u1.ln()).sqrt();
    let theta = std::f64::consts::TAU * u2;
    ((r * theta.cos()) as f32, (r * theta.sin()) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_seed_dependent() {
        for kind in DatasetKind::ALL {
            let a = generate(kind, 300, 0.2, 5);
            let b = generate(kind, 300, 0.2, 5);
            let c = generate(kind, 300, 0.2, 6);
            assert_eq!(a, b, "{}", kind.name());
            assert_ne!(a, c, "{}", kind.name());
            // A prefix does not depend on the sample count.
            let short = generate(kind, 100, 0.2, 5);
            if kind != DatasetKind::Spiral {
                assert_eq!(&a[..100], &short[..], "{}", kind.name());
            }
        }
    }

    #[test]
    fn labels_balanced_and_points_in_range() {
        for kind in DatasetKind::ALL {
            let data = generate(kind, 500, 0.0, 11);
            assert_eq!(data.len(), 500);
            let pos = data.iter().filter(|s| s.label == 1.0).count();
            let neg = data.iter().filter(|s| s.label == -1.0).count();
            assert_eq!((pos, neg), (250, 250), "{}", kind.name());
            for s in &data {
                assert!(s.x.abs() <= 6.5 && s.y.abs() <= 6.5, "{}: {s:?}", kind.name());
            }
            // With noise, labels stay roughly balanced (5 sigma of a fair coin over 500 is 56),
            // except for circles, where (as in Playground) noise pushes more of the small inner
            // disc outside radius 2.5 than it pulls ring points in.
            let noisy = generate(kind, 500, 0.5, 11);
            let pos = noisy.iter().filter(|s| s.label == 1.0).count() as i64;
            if kind == DatasetKind::Circles {
                assert!((125..250).contains(&pos), "circles: {pos} positives");
            } else {
                assert!((pos - 250).abs() < 56, "{}: {pos} positives", kind.name());
            }
            assert!(noisy.iter().all(|s| s.label == 1.0 || s.label == -1.0));
        }
    }

    #[test]
    fn clean_labels_match_geometry() {
        for s in generate(DatasetKind::Xor, 400, 0.0, 3) {
            assert_eq!(s.label, if s.x * s.y >= 0.0 { 1.0 } else { -1.0 });
            assert!(s.x.abs() >= 0.3 && s.y.abs() >= 0.3);
        }
        for s in generate(DatasetKind::Circles, 400, 0.0, 3) {
            let r = (s.x * s.x + s.y * s.y).sqrt();
            assert!(if s.label > 0.0 { r < 2.5 } else { (3.49..=5.01).contains(&r) }, "{s:?}");
        }
        // Gaussian blobs: sample means near the centres (std 0.71 / sqrt(250) = 0.045; 5 sigma).
        let g = generate(DatasetKind::Gaussians, 500, 0.0, 3);
        for label in [1.0f32, -1.0] {
            let pts: Vec<&Sample> = g.iter().filter(|s| s.label == label).collect();
            let mx = pts.iter().map(|s| s.x as f64).sum::<f64>() / pts.len() as f64;
            let my = pts.iter().map(|s| s.y as f64).sum::<f64>() / pts.len() as f64;
            assert!((mx - 2.0 * label as f64).abs() < 0.23, "mean x {mx}");
            assert!((my - 2.0 * label as f64).abs() < 0.23, "mean y {my}");
        }
    }

    #[test]
    fn bad_noise_is_tamed() {
        let a = generate(DatasetKind::Spiral, 50, f32::NAN, 1);
        let b = generate(DatasetKind::Spiral, 50, 0.0, 1);
        assert_eq!(a, b);
        let c = generate(DatasetKind::Gaussians, 50, 7.0, 1);
        let d = generate(DatasetKind::Gaussians, 50, 1.0, 1);
        assert_eq!(c, d);
        assert!(generate(DatasetKind::Xor, 0, 0.1, 1).is_empty());
    }

    #[test]
    fn split_is_a_deterministic_partition() {
        let data = generate(DatasetKind::Circles, 101, 0.1, 9);
        let (train, test) = split(&data, 0.5, 4);
        assert_eq!(train.len(), 51);
        assert_eq!(test.len(), 50);
        assert_eq!(split(&data, 0.5, 4), (train.clone(), test.clone()));
        assert_ne!(split(&data, 0.5, 5).0, train);
        // Same multiset of points.
        let key = |s: &Sample| (s.x.to_bits(), s.y.to_bits(), s.label.to_bits());
        let mut all: Vec<_> = train.iter().chain(&test).map(key).collect();
        let mut orig: Vec<_> = data.iter().map(key).collect();
        all.sort_unstable();
        orig.sort_unstable();
        assert_eq!(all, orig);
        // Neither side is ever empty with at least two samples.
        let (tr, te) = split(&data[..2], 0.0, 1);
        assert_eq!((tr.len(), te.len()), (1, 1));
        let (tr, te) = split(&data, f32::NAN, 1);
        assert_eq!((tr.len(), te.len()), (51, 50));
        let (tr, te) = split(&data[..1], 0.5, 1);
        assert_eq!(tr.len() + te.len(), 1);
    }
}
