//! Plain-graph generators (MODEL §1): grid, ring, Watts–Strogatz, Barabási–Albert,
//! Erdős–Rényi, layered, and imported edge lists, with their initial edge weights.
//!
//! A generator produces a list of edges `(a, b)`, each once. An undirected graph stores every
//! edge in both directions with the same weight; a directed one stores it as generated:
//! from the lower to the higher node index for the ring, Watts–Strogatz, Erdős–Rényi and
//! Barabási–Albert graphs, right and down for grids, from layer `l` to `l + 1` for layered
//! graphs, and as written for an edge list.
//!
//! All randomness comes from the counter-based [`Rng`] at step 0 on streams `BUILD + 0..6`,
//! keyed by edge index, node index or draw number, so a graph is a pure function of its spec
//! and seed. Random generators never make self-loops or parallel edges.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::graph::edge_file::Folders;
use crate::graph::{Graph, GraphError, Role, edge_list, layout};
use crate::rng::{self, Rng, UniformSeq};

/// The largest node count a generator or edge list may produce.
pub const MAX_NODES: usize = 2_000_000;
/// The largest number of stored (directed) edges a generator or edge list may produce; an
/// undirected edge counts twice.
pub const MAX_EDGES: usize = 50_000_000;

/// Stream of initial weights, keyed by generated edge index.
pub(crate) const STREAM_WEIGHT: u32 = rng::stream::BUILD;
/// Stream of Watts–Strogatz rewiring (a [`UniformSeq`] per lattice edge).
const STREAM_WS: u32 = rng::stream::BUILD + 1;
/// Stream of Barabási–Albert attachment (a [`UniformSeq`] per new node).
const STREAM_BA: u32 = rng::stream::BUILD + 2;
/// Stream of Erdős–Rényi geometric skips, keyed by draw number.
const STREAM_ER: u32 = rng::stream::BUILD + 3;
/// Stream of layered-graph density skips, keyed by draw number.
const STREAM_LAYERED: u32 = rng::stream::BUILD + 4;

/// How a plain graph is generated (a preset field, RON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum GraphSpec {
    /// A `width × height` lattice, node `y · width + x`, each node linked to its right and lower
    /// neighbour (and, with `diagonal`, to both lower diagonal neighbours: 8-neighbourhood).
    /// `periodic` wraps the edges around a torus in each dimension of size ≥ 3 (smaller
    /// dimensions do not wrap, as wrapping would duplicate edges or make self-loops).
    Grid {
        /// Columns, ≥ 1.
        width: u32,
        /// Rows, ≥ 1.
        height: u32,
        /// Wrap around (torus). Default false.
        #[serde(default)]
        periodic: bool,
        /// Add diagonal edges. Default false.
        #[serde(default)]
        diagonal: bool,
    },
    /// A ring of `n` nodes, each linked to its `k` nearest neighbours on each side.
    Ring {
        /// Nodes, ≥ 3.
        n: u32,
        /// Neighbours on each side, 1 ≤ k and 2k < n. Default 1.
        #[serde(default = "default_k")]
        k: u32,
    },
    /// The Watts–Strogatz small world: a [`GraphSpec::Ring`] lattice whose edges are each
    /// rewired with probability `p` to a uniformly chosen node (no self-loops, no duplicates).
    WattsStrogatz {
        /// Nodes, ≥ 3.
        n: u32,
        /// Lattice neighbours on each side, 1 ≤ k and 2k < n.
        k: u32,
        /// Rewiring probability, 0 ≤ p ≤ 1 (0 gives the ring).
        p: f64,
    },
    /// Barabási–Albert preferential attachment: nodes `0..m` start unlinked, node `m` links to
    /// all of them, and every later node links to `m` distinct earlier nodes chosen with
    /// probability proportional to their degree. It has `m · (n − m)` edges.
    BarabasiAlbert {
        /// Nodes, ≥ 2.
        n: u32,
        /// Edges per new node, 1 ≤ m < n.
        m: u32,
    },
    /// The Erdős–Rényi graph G(n, p): each of the n(n − 1)/2 node pairs is linked with
    /// probability `p`, independently (sampled by geometric skipping, O(n + |E|)).
    ErdosRenyi {
        /// Nodes, ≥ 1.
        n: u32,
        /// Edge probability, 0 ≤ p ≤ 1.
        p: f64,
    },
    /// Consecutive layers of the given sizes; each possible edge from a node of layer `l` to a
    /// node of layer `l + 1` is kept with probability `density`. Roles: first layer `Input`,
    /// last `Output` (a single layer is `Input`), the others `Hidden`; the layer index is set.
    Layered {
        /// Nodes per layer, at least one layer, each ≥ 1.
        sizes: Vec<u32>,
        /// Probability of keeping each possible edge, 0 < density ≤ 1. Default 1 (complete).
        #[serde(default = "default_density")]
        density: f64,
    },
    /// A CSV edge list (see [`edge_list`]), `path` relative to the preset's folder.
    EdgeList {
        /// The file, relative to the preset's folder (absolute paths and paths leaving the
        /// folder are refused; see [`edge_file`]).
        path: String,
        /// The node count, when the file should not decide it: ids must be below it (an edge
        /// naming a larger id is a dangling edge, an error) and unnamed ids are isolated
        /// nodes. Default `None`: the largest id + 1, or the number of labels.
        #[serde(default)]
        nodes: Option<u32>,
    },
}

/// The default ring neighbourhood: 1 on each side.
fn default_k() -> u32 {
    1
}

/// The default layered density: every possible edge.
fn default_density() -> f64 {
    1.0
}

impl GraphSpec {
    /// The variant's name, as written in RON and in error messages.
    pub fn name(&self) -> &'static str {
        match self {
            GraphSpec::Grid { .. } => "Grid",
            GraphSpec::Ring { .. } => "Ring",
            GraphSpec::WattsStrogatz { .. } => "WattsStrogatz",
            GraphSpec::BarabasiAlbert { .. } => "BarabasiAlbert",
            GraphSpec::ErdosRenyi { .. } => "ErdosRenyi",
            GraphSpec::Layered { .. } => "Layered",
            GraphSpec::EdgeList { .. } => "EdgeList",
        }
    }
}

/// Initial edge weights. Default: `Constant(1.0)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WeightInit {
    /// Every edge gets this weight (finite).
    Constant(f32),
    /// Uniform in `[lo, hi)` (finite, lo ≤ hi).
    Uniform(f32, f32),
    /// Normal with mean 0 and this standard deviation (finite, ≥ 0).
    Normal(f32),
}

impl Default for WeightInit {
    fn default() -> Self {
        WeightInit::Constant(1.0)
    }
}

impl WeightInit {
    /// Checks the parameters; the error says what is wrong and what is allowed.
    pub fn validate(&self) -> Result<(), GraphError> {
        let bad = |message: String| Err(GraphError::BadParameter { generator: "weights", message });
        match *self {
            WeightInit::Constant(c) if !c.is_finite() => {
                bad(format!("Constant({c}) is not allowed: the weight must be finite"))
            }
            WeightInit::Uniform(lo, hi) if !(lo.is_finite() && hi.is_finite() && lo <= hi) => {
                bad(format!("Uniform({lo}, {hi}) is not allowed: need finite bounds with lo ≤ hi"))
            }
            WeightInit::Normal(s) if !(s.is_finite() && s >= 0.0) => bad(format!(
                "Normal({s}) is not allowed: the standard deviation must be finite and ≥ 0"
            )),
            _ => Ok(()),
        }
    }

    /// The initial weight of generated edge `edge` (its index in generation order), drawn
    /// from `rng` on stream `BUILD`, step 0.
    pub fn sample(&self, rng: &Rng, edge: u64) -> f32 {
        match *self {
            WeightInit::Constant(c) => c,
            WeightInit::Uniform(lo, hi) => {
                let w = rng.words(0, edge, STREAM_WEIGHT);
                let u = rng::unit_f64(w[0], w[1]);
                (lo as f64 + (hi as f64 - lo as f64) * u) as f32
            }
            WeightInit::Normal(std) => {
                let w = rng.words(0, edge, STREAM_WEIGHT);
                // Box–Muller: 1 − u1 lies in (0, 1], so the logarithm is finite.
                let u1 = 1.0 - rng::unit_f64(w[0], w[1]);
                let u2 = rng::unit_f64(w[2], w[3]);
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                (std as f64 * z) as f32
            }
        }
    }
}

/// Builds the graph described by `spec`.
///
/// `directed == false` stores each generated edge in both directions with one weight.
/// `weights` gives the initial weights, `seed` all randomness, and `base_dir` the folder an
/// [`GraphSpec::EdgeList`] path is relative to. Errors: [`GraphError::BadParameter`] for a
/// parameter out of range or a graph over [`MAX_NODES`] / [`MAX_EDGES`],
/// [`GraphError::EdgeListPath`] for an edge list that is refused or cannot be read, and
/// [`GraphError::EdgeList`] for a malformed one.
pub fn build(
    spec: &GraphSpec,
    directed: bool,
    weights: &WeightInit,
    seed: u64,
    base_dir: &Path,
) -> Result<Graph, GraphError> {
    build_in(spec, directed, weights, seed, &Folders::new(base_dir))
}

/// [`build`], with edge lists read from the allowed `folders` (see [`edge_file`]).
pub fn build_in(
    spec: &GraphSpec,
    directed: bool,
    weights: &WeightInit,
    seed: u64,
    folders: &Folders,
) -> Result<Graph, GraphError> {
    weights.validate()?;
    let rng = Rng::new(seed);
    let dup = if directed { 1 } else { 2 };
    let plain = |n: usize| (vec![Role::Plain; n], vec![0u32; n]);
    match spec {
        GraphSpec::Grid { width, height, periodic, diagonal } => {
            let g = "Grid";
            if *width < 1 || *height < 1 {
                return Err(bad(
                    g,
                    format!("width = {width}, height = {height}: both must be ≥ 1"),
                ));
            }
            let n = *width as u64 * *height as u64;
            check_nodes(g, n)?;
            let pairs = grid_edges(*width, *height, *periodic, *diagonal);
            check_edges(g, pairs.len() as u64 * dup)?;
            let (role, layer) = plain(n as usize);
            finish(role, layer, layout::grid(*width, *height), &pairs, directed, weights, &rng)
        }
        GraphSpec::Ring { n, k } => {
            let g = "Ring";
            check_ring(g, *n, *k, dup)?;
            let pairs = ring_edges(*n, *k);
            let (role, layer) = plain(*n as usize);
            finish(role, layer, layout::circle(*n as usize), &pairs, directed, weights, &rng)
        }
        GraphSpec::WattsStrogatz { n, k, p } => {
            let g = "WattsStrogatz";
            check_ring(g, *n, *k, dup)?;
            check_prob(g, "p", *p)?;
            let pairs = watts_strogatz_edges(*n, *k, *p, &rng);
            let (role, layer) = plain(*n as usize);
            finish(role, layer, layout::circle(*n as usize), &pairs, directed, weights, &rng)
        }
        GraphSpec::BarabasiAlbert { n, m } => {
            let g = "BarabasiAlbert";
            check_nodes(g, *n as u64)?;
            if *m < 1 || *m >= *n {
                return Err(bad(g, format!("m = {m} is out of range: need 1 ≤ m < n (n = {n})")));
            }
            check_edges(g, *m as u64 * (*n - *m) as u64 * dup)?;
            let pairs = barabasi_albert_edges(*n, *m, &rng);
            let (role, layer) = plain(*n as usize);
            let pos = layout::auto(*n as usize, &as_usize(&pairs), seed);
            finish(role, layer, pos, &pairs, directed, weights, &rng)
        }
        GraphSpec::ErdosRenyi { n, p } => {
            let g = "ErdosRenyi";
            check_nodes(g, *n as u64)?;
            check_prob(g, "p", *p)?;
            let n64 = *n as u64;
            let expected = n64 as f64 * (n64 as f64 - 1.0) * 0.5 * p * dup as f64;
            if expected > MAX_EDGES as f64 {
                return Err(bad(
                    g,
                    format!(
                        "n = {n}, p = {p} gives about {expected:.0} stored edges, more than the \
                         limit of {MAX_EDGES}: lower n or p"
                    ),
                ));
            }
            let pairs = erdos_renyi_edges(*n, *p, &rng, (MAX_EDGES as u64 / dup) as usize)
                .ok_or_else(|| {
                    bad(
                        g,
                        format!("the sample has more than {MAX_EDGES} stored edges: lower n or p"),
                    )
                })?;
            let (role, layer) = plain(*n as usize);
            let pos = layout::auto(*n as usize, &as_usize(&pairs), seed);
            finish(role, layer, pos, &pairs, directed, weights, &rng)
        }
        GraphSpec::Layered { sizes, density } => {
            let g = "Layered";
            if sizes.is_empty() {
                return Err(bad(g, "sizes is empty: give at least one layer size ≥ 1".into()));
            }
            if let Some(l) = sizes.iter().position(|&s| s < 1) {
                return Err(bad(g, format!("sizes[{l}] = 0: every layer needs ≥ 1 node")));
            }
            if !(density.is_finite() && *density > 0.0 && *density <= 1.0) {
                return Err(bad(
                    g,
                    format!("density = {density} is out of range: need 0 < density ≤ 1"),
                ));
            }
            let n: u64 = sizes.iter().map(|&s| s as u64).sum();
            check_nodes(g, n)?;
            let possible: u64 = sizes.windows(2).map(|w| w[0] as u64 * w[1] as u64).sum();
            let expected = possible as f64 * density * dup as f64;
            if expected > MAX_EDGES as f64 {
                return Err(bad(
                    g,
                    format!(
                        "these layers give about {expected:.0} stored edges, more than the limit \
                         of {MAX_EDGES}: use smaller layers or a lower density"
                    ),
                ));
            }
            let pairs = layered_edges(sizes, *density, &rng, (MAX_EDGES as u64 / dup) as usize)
                .ok_or_else(|| {
                    bad(
                        g,
                        format!(
                            "the sample has more than {MAX_EDGES} stored edges: lower the density"
                        ),
                    )
                })?;
            let last = sizes.len() - 1;
            let mut role = Vec::with_capacity(n as usize);
            let mut layer = Vec::with_capacity(n as usize);
            for (l, &s) in sizes.iter().enumerate() {
                let r = match l {
                    0 => Role::Input,
                    l if l == last => Role::Output,
                    _ => Role::Hidden,
                };
                role.extend(std::iter::repeat_n(r, s as usize));
                layer.extend(std::iter::repeat_n(l as u32, s as usize));
            }
            let pos = layout::layered(&layer);
            finish(role, layer, pos, &pairs, directed, weights, &rng)
        }
        GraphSpec::EdgeList { path, nodes } => {
            if path.trim().is_empty() {
                return Err(bad(
                    "EdgeList",
                    "path is empty: name a CSV file `src,dst[,weight]`".into(),
                ));
            }
            edge_list::load(path, folders, *nodes, directed, weights, seed)
        }
    }
}

/// A [`GraphError::BadParameter`].
fn bad(generator: &'static str, message: String) -> GraphError {
    GraphError::BadParameter { generator, message }
}

/// Checks `1 ≤ n ≤ MAX_NODES`.
fn check_nodes(generator: &'static str, n: u64) -> Result<(), GraphError> {
    if n < 1 || n > MAX_NODES as u64 {
        return Err(bad(
            generator,
            format!("{n} nodes is out of range: need between 1 and {MAX_NODES} nodes"),
        ));
    }
    Ok(())
}

/// Checks a stored edge count against [`MAX_EDGES`].
fn check_edges(generator: &'static str, stored: u64) -> Result<(), GraphError> {
    if stored > MAX_EDGES as u64 {
        return Err(bad(
            generator,
            format!("{stored} stored edges is more than the limit of {MAX_EDGES}"),
        ));
    }
    Ok(())
}

/// Checks a probability: finite and in `[0, 1]`.
fn check_prob(generator: &'static str, name: &str, p: f64) -> Result<(), GraphError> {
    if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
        return Err(bad(
            generator,
            format!("{name} = {p} is out of range: need a finite probability 0 ≤ {name} ≤ 1"),
        ));
    }
    Ok(())
}

/// Checks ring parameters: `n` nodes, `1 ≤ k`, `2k < n`, and the edge limit.
fn check_ring(generator: &'static str, n: u32, k: u32, dup: u64) -> Result<(), GraphError> {
    check_nodes(generator, n as u64)?;
    if n < 3 {
        return Err(bad(
            generator,
            format!("n = {n} is too small: a ring needs n ≥ 3 (so that some k ≥ 1 has 2k < n)"),
        ));
    }
    if k < 1 || 2 * k as u64 >= n as u64 {
        return Err(bad(
            generator,
            format!("k = {k} is out of range: need 1 ≤ k ≤ {} (2k < n = {n})", (n - 1) / 2),
        ));
    }
    check_edges(generator, n as u64 * k as u64 * dup)
}

/// Stores the edges (both directions unless `directed`) with their weights and builds the
/// graph.
fn finish(
    role: Vec<Role>,
    layer: Vec<u32>,
    pos: Vec<[f32; 2]>,
    pairs: &[(u32, u32)],
    directed: bool,
    weights: &WeightInit,
    rng: &Rng,
) -> Result<Graph, GraphError> {
    let mut edges = Vec::with_capacity(pairs.len() * if directed { 1 } else { 2 });
    for (e, &(a, b)) in pairs.iter().enumerate() {
        let w = weights.sample(rng, e as u64);
        edges.push((a as usize, b as usize, w));
        if !directed && a != b {
            edges.push((b as usize, a as usize, w));
        }
    }
    Graph::from_edges(role, layer, pos, &edges)
}

/// Pairs as `usize`, for the layout.
fn as_usize(pairs: &[(u32, u32)]) -> Vec<(usize, usize)> {
    pairs.iter().map(|&(a, b)| (a as usize, b as usize)).collect()
}

/// Grid edges, oriented right and down (wrapping edges too). Requires `width, height ≥ 1`.
fn grid_edges(width: u32, height: u32, periodic: bool, diagonal: bool) -> Vec<(u32, u32)> {
    let (w, h) = (width, height);
    let wrap_x = periodic && w >= 3;
    let wrap_y = periodic && h >= 3;
    let id = |x: u32, y: u32| y * w + x;
    let mut pairs = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let right = if x + 1 < w {
                Some(x + 1)
            } else if wrap_x {
                Some(0)
            } else {
                None
            };
            let left = if x > 0 {
                Some(x - 1)
            } else if wrap_x {
                Some(w - 1)
            } else {
                None
            };
            let down = if y + 1 < h {
                Some(y + 1)
            } else if wrap_y {
                Some(0)
            } else {
                None
            };
            if let Some(xr) = right {
                pairs.push((id(x, y), id(xr, y)));
            }
            if let Some(yd) = down {
                pairs.push((id(x, y), id(x, yd)));
                if diagonal {
                    if let Some(xr) = right {
                        pairs.push((id(x, y), id(xr, yd)));
                    }
                    if let Some(xl) = left {
                        pairs.push((id(x, y), id(xl, yd)));
                    }
                }
            }
        }
    }
    pairs
}

/// Ring lattice edges `{i, i + d mod n}` for `d = 1..=k` (outer) and `i = 0..n` (inner),
/// oriented from the lower to the higher index.
fn ring_edges(n: u32, k: u32) -> Vec<(u32, u32)> {
    let mut pairs = Vec::with_capacity(n as usize * k as usize);
    for d in 1..=k {
        for i in 0..n {
            let j = (i + d) % n;
            pairs.push((i.min(j), i.max(j)));
        }
    }
    pairs
}

/// A uniform index in `0..len` (`len ≥ 1`) from two words of a uniform sequence (53 bits, so
/// the bias is negligible even for long endpoint lists).
fn pick(seq: &mut UniformSeq<'_>, len: usize) -> usize {
    let u = rng::unit_f64(seq.next_word(), seq.next_word());
    ((u * len as f64) as usize).min(len - 1)
}

/// Watts–Strogatz: the ring lattice, then each lattice edge `(i, i + d)` in lattice order is,
/// with probability `p`, moved to `(i, w)` for a uniform `w` that is not `i` and not already
/// linked to `i`. Edges oriented from the lower to the higher index.
fn watts_strogatz_edges(n: u32, k: u32, p: f64, rng: &Rng) -> Vec<(u32, u32)> {
    let mut pairs = ring_edges(n, k);
    if p <= 0.0 {
        return pairs;
    }
    let nu = n as usize;
    let mut adj: Vec<Vec<u32>> = vec![Vec::with_capacity(2 * k as usize); nu];
    for &(a, b) in &pairs {
        adj[a as usize].push(b);
        adj[b as usize].push(a);
    }
    for (e, pair) in pairs.iter_mut().enumerate() {
        let i = (e % nu) as u32;
        let j = (i + (e / nu) as u32 + 1) % n;
        let mut seq = UniformSeq::new(rng, 0, e as u64, STREAM_WS);
        if seq.next_f64() >= p {
            continue;
        }
        let ai = &adj[i as usize];
        if ai.len() + 1 >= nu {
            continue;
        }
        let mut target = None;
        for _ in 0..64 {
            let w = pick(&mut seq, nu) as u32;
            if w != i && !ai.contains(&w) {
                target = Some(w);
                break;
            }
        }
        let w = match target {
            Some(w) => w,
            None => {
                // Dense neighbourhood: pick the r-th free node by a scan.
                let free = nu - 1 - ai.len();
                let mut r = pick(&mut seq, free);
                let mut found = i;
                for cand in 0..n {
                    if cand == i || ai.contains(&cand) {
                        continue;
                    }
                    if r == 0 {
                        found = cand;
                        break;
                    }
                    r -= 1;
                }
                found
            }
        };
        adj[i as usize].retain(|&x| x != j);
        adj[j as usize].retain(|&x| x != i);
        adj[i as usize].push(w);
        adj[w as usize].push(i);
        *pair = (i.min(w), i.max(w));
    }
    pairs
}

/// Barabási–Albert edges `(earlier, new)`: node `m` links to `0..m`, each later node to `m`
/// distinct earlier nodes drawn from the endpoint list (probability ∝ degree).
fn barabasi_albert_edges(n: u32, m: u32, rng: &Rng) -> Vec<(u32, u32)> {
    let total = m as usize * (n - m) as usize;
    let mut pairs = Vec::with_capacity(total);
    let mut pool: Vec<u32> = Vec::with_capacity(2 * total);
    let mut marked = vec![false; n as usize];
    let mut chosen: Vec<u32> = Vec::with_capacity(m as usize);
    for t in m..n {
        chosen.clear();
        if t == m {
            chosen.extend(0..m);
        } else {
            let mut seq = UniformSeq::new(rng, 0, t as u64, STREAM_BA);
            while chosen.len() < m as usize {
                let s = pool[pick(&mut seq, pool.len())];
                if !marked[s as usize] {
                    marked[s as usize] = true;
                    chosen.push(s);
                }
            }
            for &s in &chosen {
                marked[s as usize] = false;
            }
        }
        for &s in &chosen {
            pairs.push((s, t));
            pool.push(s);
            pool.push(t);
        }
    }
    pairs
}

/// Successes among a sequence of Bernoulli(p) trials, found by geometric skipping: each draw
/// (keyed by its number on `stream`) gives the number of failures before the next success.
struct Skipper<'a> {
    rng: &'a Rng,
    stream: u32,
    draw: u64,
    p: f64,
    log_q: f64,
}

impl<'a> Skipper<'a> {
    fn new(rng: &'a Rng, stream: u32, p: f64) -> Self {
        Self { rng, stream, draw: 0, p, log_q: (-p).ln_1p() }
    }

    /// Failures before the next success (`u64::MAX`: none in any finite range).
    fn gap(&mut self) -> u64 {
        if self.p >= 1.0 {
            return 0;
        }
        if self.p <= 0.0 {
            return u64::MAX;
        }
        let w = self.rng.words(0, self.draw, self.stream);
        self.draw += 1;
        let u = 1.0 - rng::unit_f64(w[0], w[1]);
        let g = (u.ln() / self.log_q).floor();
        if g.is_finite() && g < 1.8e19 { g as u64 } else { u64::MAX }
    }

    /// Calls `emit` with the index of each success among trials `0..total`.
    fn run(&mut self, total: u64, mut emit: impl FnMut(u64) -> bool) -> bool {
        let mut pos = 0u64;
        loop {
            pos = pos.saturating_add(self.gap());
            if pos >= total {
                return true;
            }
            if !emit(pos) {
                return false;
            }
            pos += 1;
        }
    }
}

/// Erdős–Rényi pairs `(i, j)`, `i < j`, in lexicographic order; `None` past `max_pairs`.
fn erdos_renyi_edges(n: u32, p: f64, rng: &Rng, max_pairs: usize) -> Option<Vec<(u32, u32)>> {
    let n64 = n as u64;
    let total = n64 * n64.saturating_sub(1) / 2;
    let expected = (total as f64 * p).min(max_pairs as f64);
    let mut pairs = Vec::with_capacity(expected as usize + 16);
    // Row i holds pairs (i, i+1..n): n − 1 − i of them, starting at linear index row_start.
    let mut i = 0u64;
    let mut row_start = 0u64;
    let ok = Skipper::new(rng, STREAM_ER, p).run(total, |pos| {
        while pos >= row_start + (n64 - 1 - i) {
            row_start += n64 - 1 - i;
            i += 1;
        }
        let j = i + 1 + (pos - row_start);
        pairs.push((i as u32, j as u32));
        pairs.len() <= max_pairs
    });
    ok.then_some(pairs)
}

/// Layered pairs from layer `l` to `l + 1`, each kept with probability `density`; `None` past
/// `max_pairs`.
fn layered_edges(
    sizes: &[u32],
    density: f64,
    rng: &Rng,
    max_pairs: usize,
) -> Option<Vec<(u32, u32)>> {
    let mut pairs = Vec::new();
    let mut skip = Skipper::new(rng, STREAM_LAYERED, density);
    let mut base = 0u32;
    for w in sizes.windows(2) {
        let (a, b) = (w[0], w[1]);
        let next = base + a;
        let ok = skip.run(a as u64 * b as u64, |idx| {
            pairs.push((base + (idx / b as u64) as u32, next + (idx % b as u64) as u32));
            pairs.len() <= max_pairs
        });
        if !ok {
            return None;
        }
        base = next;
    }
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(spec: GraphSpec, directed: bool, seed: u64) -> Graph {
        build(&spec, directed, &WeightInit::default(), seed, Path::new(".")).expect("valid spec")
    }

    fn undirected_pairs(g: &Graph) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> =
            (0..g.m()).map(|e| (g.edge_src[e], g.edge_dst[e])).filter(|&(a, b)| a < b).collect();
        v.sort_unstable();
        v
    }

    /// No self-loops, no parallel edges, and every edge has its reverse.
    fn assert_simple_symmetric(g: &Graph) {
        for e in 0..g.m() {
            assert_ne!(g.edge_src[e], g.edge_dst[e], "self-loop at edge {e}");
            if e > 0 {
                assert!(
                    (g.edge_src[e - 1], g.edge_dst[e - 1]) != (g.edge_src[e], g.edge_dst[e]),
                    "parallel edge at {e}"
                );
            }
            assert!(g.find_edge(g.edge_dst[e] as usize, g.edge_src[e] as usize).is_some());
        }
    }

    fn degrees(g: &Graph) -> Vec<usize> {
        (0..g.n()).map(|i| g.out_edges(i).len()).collect()
    }

    #[test]
    fn grid_counts() {
        let g = make(
            GraphSpec::Grid { width: 3, height: 4, periodic: false, diagonal: false },
            false,
            1,
        );
        assert_eq!((g.n(), g.m()), (12, 34));
        assert_simple_symmetric(&g);
        let d = make(
            GraphSpec::Grid { width: 3, height: 4, periodic: false, diagonal: false },
            true,
            1,
        );
        assert_eq!(d.m(), 17);
        assert!((0..d.m()).all(|e| d.edge_src[e] < d.edge_dst[e]));
        // Torus: every node has 4 neighbours.
        let t = make(
            GraphSpec::Grid { width: 4, height: 5, periodic: true, diagonal: false },
            false,
            1,
        );
        assert_eq!(t.m(), 80);
        assert!(degrees(&t).iter().all(|&k| k == 4));
        assert_simple_symmetric(&t);
        // Directed torus: right and down, wrapping, so in- and out-degree 2 everywhere.
        let td =
            make(GraphSpec::Grid { width: 4, height: 5, periodic: true, diagonal: false }, true, 1);
        assert_eq!(td.m(), 40);
        assert!(degrees(&td).iter().all(|&k| k == 2));
        assert!(td.find_edge(3, 0).is_some() && td.find_edge(16, 0).is_some());
        // King's graph 3×3: 6 + 6 straight, 8 diagonal.
        let k = make(
            GraphSpec::Grid { width: 3, height: 3, periodic: false, diagonal: true },
            false,
            1,
        );
        assert_eq!(k.m(), 40);
        assert_simple_symmetric(&k);
        let kt =
            make(GraphSpec::Grid { width: 3, height: 3, periodic: true, diagonal: true }, false, 1);
        assert!(degrees(&kt).iter().all(|&k| k == 8));
        assert_simple_symmetric(&kt);
        // Small periodic dimensions do not wrap.
        let s =
            make(GraphSpec::Grid { width: 2, height: 1, periodic: true, diagonal: true }, false, 1);
        assert_eq!(s.m(), 2);
        assert_eq!(
            make(GraphSpec::Grid { width: 1, height: 1, periodic: true, diagonal: true }, false, 1)
                .m(),
            0
        );
        assert!(g.role.iter().all(|&r| r == Role::Plain));
        assert_eq!(g.pos.len(), 12);
    }

    #[test]
    fn ring_counts() {
        let g = make(GraphSpec::Ring { n: 10, k: 2 }, false, 1);
        assert_eq!((g.n(), g.m()), (10, 40));
        assert!(degrees(&g).iter().all(|&k| k == 4));
        assert_simple_symmetric(&g);
        let d = make(GraphSpec::Ring { n: 10, k: 1 }, true, 1);
        assert_eq!(d.m(), 10);
        assert!((0..d.m()).all(|e| d.edge_src[e] < d.edge_dst[e]));
        let r: GraphSpec = ron::from_str("Ring(n: 5)").expect("ron");
        assert_eq!(r, GraphSpec::Ring { n: 5, k: 1 });
    }

    #[test]
    fn watts_strogatz_p0_is_the_ring_and_rewiring_keeps_counts() {
        let w = WeightInit::Uniform(-1.0, 1.0);
        let ring =
            build(&GraphSpec::Ring { n: 30, k: 3 }, false, &w, 9, Path::new(".")).expect("ring");
        let ws0 =
            build(&GraphSpec::WattsStrogatz { n: 30, k: 3, p: 0.0 }, false, &w, 9, Path::new("."))
                .expect("ws");
        assert_eq!(ring, ws0);
        for &p in &[0.2, 1.0] {
            let g = make(GraphSpec::WattsStrogatz { n: 200, k: 3, p }, false, 5);
            assert_eq!(g.m(), 2 * 200 * 3);
            assert_simple_symmetric(&g);
            assert_ne!(
                undirected_pairs(&g),
                undirected_pairs(&make(GraphSpec::Ring { n: 200, k: 3 }, false, 5))
            );
        }
        // The dense fallback: n = 5, k = 2 is complete, so nothing can be rewired.
        let c = make(GraphSpec::WattsStrogatz { n: 5, k: 2, p: 1.0 }, false, 5);
        assert_eq!(c.m(), 20);
        assert_simple_symmetric(&c);
        let a = make(GraphSpec::WattsStrogatz { n: 100, k: 2, p: 0.3 }, true, 11);
        assert_eq!(a, make(GraphSpec::WattsStrogatz { n: 100, k: 2, p: 0.3 }, true, 11));
        assert!((0..a.m()).all(|e| a.edge_src[e] < a.edge_dst[e]));
    }

    #[test]
    fn barabasi_albert_degree_sum() {
        let (n, m) = (500u32, 3u32);
        let g = make(GraphSpec::BarabasiAlbert { n, m }, false, 2);
        let want = 2 * m as usize * (n - m) as usize;
        assert_eq!(g.m(), want);
        assert_eq!(degrees(&g).iter().sum::<usize>(), want);
        assert_simple_symmetric(&g);
        // Every node after the seed nodes has exactly m earlier neighbours.
        for t in m as usize..n as usize {
            let earlier = g.out_edges(t).filter(|&e| (g.edge_dst[e] as usize) < t).count();
            assert_eq!(earlier, m as usize, "node {t}");
        }
        // Preferential attachment makes hubs: the largest degree is well above m.
        assert!(degrees(&g).into_iter().max().unwrap_or(0) > 6 * m as usize);
        let d = make(GraphSpec::BarabasiAlbert { n, m }, true, 2);
        assert_eq!(d.m(), want / 2);
        assert!((0..d.m()).all(|e| d.edge_src[e] < d.edge_dst[e]));
        assert_eq!(make(GraphSpec::BarabasiAlbert { n: 2, m: 1 }, false, 0).m(), 2);
    }

    #[test]
    fn erdos_renyi_mean_degree() {
        // E ~ Binomial(N = n(n−1)/2, p): mean N p, sigma √(N p (1 − p)); test at 5 sigma.
        let (n, p) = (1500u32, 0.01f64);
        let g = make(GraphSpec::ErdosRenyi { n, p }, false, 3);
        assert_simple_symmetric(&g);
        let pairs = (n as f64) * (n as f64 - 1.0) / 2.0;
        let e = (g.m() / 2) as f64;
        let sigma = (pairs * p * (1.0 - p)).sqrt();
        assert!((e - pairs * p).abs() < 5.0 * sigma, "edges {e}, expected {}", pairs * p);
        let mean_degree = 2.0 * e / n as f64;
        assert!((mean_degree - p * (n as f64 - 1.0)).abs() < 5.0 * 2.0 * sigma / n as f64);
        // Extremes.
        assert_eq!(make(GraphSpec::ErdosRenyi { n: 20, p: 0.0 }, false, 3).m(), 0);
        assert_eq!(make(GraphSpec::ErdosRenyi { n: 20, p: 1.0 }, false, 3).m(), 380);
        assert_eq!(make(GraphSpec::ErdosRenyi { n: 1, p: 1.0 }, false, 3).m(), 0);
    }

    #[test]
    fn erdos_renyi_large_sparse() {
        // n = 200 000, p = 1e-5: ~2e5 edges from ~2e5 draws, not 2e10 trials.
        let (n, p) = (200_000u32, 1e-5f64);
        let g = make(GraphSpec::ErdosRenyi { n, p }, true, 4);
        let pairs = (n as f64) * (n as f64 - 1.0) / 2.0;
        let sigma = (pairs * p * (1.0 - p)).sqrt();
        assert!((g.m() as f64 - pairs * p).abs() < 5.0 * sigma, "edges {}", g.m());
        assert!((0..g.m()).all(|e| g.edge_src[e] < g.edge_dst[e]));
        for e in 1..g.m() {
            assert_ne!((g.edge_src[e - 1], g.edge_dst[e - 1]), (g.edge_src[e], g.edge_dst[e]));
        }
    }

    #[test]
    fn layered_counts_roles_and_layers() {
        let g = make(GraphSpec::Layered { sizes: vec![2, 3, 1], density: 1.0 }, true, 1);
        assert_eq!((g.n(), g.m()), (6, 9));
        assert_eq!(g.layer, vec![0, 0, 1, 1, 1, 2]);
        assert_eq!(
            g.role,
            vec![Role::Input, Role::Input, Role::Hidden, Role::Hidden, Role::Hidden, Role::Output]
        );
        assert!(
            (0..g.m())
                .all(|e| g.layer[g.edge_dst[e] as usize] == g.layer[g.edge_src[e] as usize] + 1)
        );
        assert_eq!(
            make(GraphSpec::Layered { sizes: vec![2, 3, 1], density: 1.0 }, false, 1).m(),
            18
        );
        // Density: E ~ Binomial(100·100 + 100·50, 0.3); 5 sigma.
        let s = make(GraphSpec::Layered { sizes: vec![100, 100, 50], density: 0.3 }, true, 1);
        let (possible, d) = (15_000.0f64, 0.3f64);
        assert!((s.m() as f64 - possible * d).abs() < 5.0 * (possible * d * (1.0 - d)).sqrt());
        let one = make(GraphSpec::Layered { sizes: vec![4], density: 1.0 }, false, 1);
        assert_eq!((one.n(), one.m()), (4, 0));
        assert!(one.role.iter().all(|&r| r == Role::Input));
        let r: GraphSpec = ron::from_str("Layered(sizes: [2, 2])").expect("ron");
        assert_eq!(r, GraphSpec::Layered { sizes: vec![2, 2], density: 1.0 });
    }

    #[test]
    fn deterministic_per_seed() {
        let specs = [
            GraphSpec::WattsStrogatz { n: 60, k: 2, p: 0.3 },
            GraphSpec::BarabasiAlbert { n: 60, m: 2 },
            GraphSpec::ErdosRenyi { n: 60, p: 0.1 },
            GraphSpec::Layered { sizes: vec![10, 10], density: 0.5 },
        ];
        let w = WeightInit::Normal(0.5);
        for spec in &specs {
            let a = build(spec, false, &w, 77, Path::new(".")).expect("a");
            let b = build(spec, false, &w, 77, Path::new(".")).expect("b");
            let c = build(spec, false, &w, 78, Path::new(".")).expect("c");
            assert_eq!(a, b, "{}", spec.name());
            assert_ne!(a, c, "{}", spec.name());
            assert!(a.pos.iter().all(|q| q.iter().all(|v| v.is_finite() && v.abs() <= 1.0 + 1e-5)));
        }
    }

    #[test]
    fn weights_follow_the_init_and_match_both_directions() {
        let spec = GraphSpec::ErdosRenyi { n: 300, p: 0.1 };
        let g = build(&spec, false, &WeightInit::Uniform(2.0, 3.0), 1, Path::new(".")).expect("u");
        for e in 0..g.m() {
            let w = g.edge_weight[e];
            assert!((2.0..3.0).contains(&w));
            let r = g.find_edge(g.edge_dst[e] as usize, g.edge_src[e] as usize).expect("reverse");
            assert_eq!(g.edge_weight[r], w);
        }
        // Normal(0.5): sample mean 0 ± 5 sigma, variance 0.25 within 10%.
        let g = build(&spec, true, &WeightInit::Normal(0.5), 1, Path::new(".")).expect("n");
        let n = g.m() as f64;
        let mean = g.edge_weight.iter().map(|&w| w as f64).sum::<f64>() / n;
        let var = g.edge_weight.iter().map(|&w| (w as f64 - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 5.0 * 0.5 / n.sqrt(), "mean {mean}");
        assert!((var - 0.25).abs() < 0.025, "var {var}");
        let c = make(GraphSpec::Ring { n: 5, k: 1 }, false, 1);
        assert!(c.edge_weight.iter().all(|&w| w == 1.0));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let cases = [
            GraphSpec::Grid { width: 0, height: 3, periodic: false, diagonal: false },
            GraphSpec::Grid { width: 2000, height: 2000, periodic: false, diagonal: false },
            GraphSpec::Ring { n: 0, k: 1 },
            GraphSpec::Ring { n: 2, k: 1 },
            GraphSpec::Ring { n: 10, k: 5 },
            GraphSpec::Ring { n: 10, k: 0 },
            GraphSpec::WattsStrogatz { n: 10, k: 2, p: 1.5 },
            GraphSpec::WattsStrogatz { n: 10, k: 2, p: f64::NAN },
            GraphSpec::BarabasiAlbert { n: 5, m: 5 },
            GraphSpec::BarabasiAlbert { n: 5, m: 0 },
            GraphSpec::ErdosRenyi { n: 0, p: 0.5 },
            GraphSpec::ErdosRenyi { n: 10, p: -0.1 },
            GraphSpec::ErdosRenyi { n: 1_000_000, p: 0.5 },
            GraphSpec::Layered { sizes: vec![], density: 1.0 },
            GraphSpec::Layered { sizes: vec![3, 0], density: 1.0 },
            GraphSpec::Layered { sizes: vec![3, 3], density: 0.0 },
            GraphSpec::Layered { sizes: vec![10_000, 10_000], density: 1.0 },
            GraphSpec::EdgeList { path: " ".into(), nodes: None },
        ];
        for spec in &cases {
            let r = build(spec, false, &WeightInit::default(), 0, Path::new("."));
            match r {
                Err(GraphError::BadParameter { generator, message }) => {
                    assert_eq!(generator, spec.name());
                    assert!(!message.is_empty());
                }
                other => panic!("{spec:?}: expected BadParameter, got {other:?}"),
            }
        }
        for w in [
            WeightInit::Constant(f32::NAN),
            WeightInit::Uniform(1.0, 0.0),
            WeightInit::Normal(-1.0),
        ] {
            let r = build(&GraphSpec::Ring { n: 5, k: 1 }, false, &w, 0, Path::new("."));
            assert!(
                matches!(r, Err(GraphError::BadParameter { generator: "weights", .. })),
                "{w:?}"
            );
        }
        let e = build(
            &GraphSpec::Ring { n: 10, k: 7 },
            false,
            &WeightInit::default(),
            0,
            Path::new("."),
        )
        .expect_err("k too large");
        assert_eq!(e.to_string(), "Ring: k = 7 is out of range: need 1 ≤ k ≤ 4 (2k < n = 10)");
    }

    #[test]
    fn edge_list_spec_reads_relative_to_base_dir() {
        let dir = std::env::temp_dir().join(format!("nv_gen_test_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("g.csv"), "src,dst\n0,1\n1,2\n").expect("write");
        let g = build(
            &GraphSpec::EdgeList { path: "g.csv".into(), nodes: None },
            false,
            &WeightInit::default(),
            0,
            &dir,
        )
        .expect("edge list");
        assert_eq!((g.n(), g.m()), (3, 4));
        let missing = build(
            &GraphSpec::EdgeList { path: "nope.csv".into(), nodes: None },
            false,
            &WeightInit::default(),
            0,
            &dir,
        );
        assert!(matches!(missing, Err(GraphError::EdgeListPath { .. })));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
