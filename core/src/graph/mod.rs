//! The host network G = (V, E) (MODEL §1): compressed sparse rows over out- and in-edges,
//! per-node roles, layers and layout positions, and the "moves" a vesicle can make.
//!
//! Edges are directed, `src → dst`, and stored sorted by `(src, dst)` so that edge `e` of node
//! `i` lies in `out_offsets[i]..out_offsets[i + 1]`. An undirected plain graph stores each edge
//! in both directions. The in-adjacency lists edge ids sorted by `(dst, src)`.
//!
//! A **move** is one way to leave a node: along an out-edge (forward) or against an in-edge
//! (backward). Node `i` owns moves `move_offsets[i]..move_offsets[i + 1]`: first its forward
//! moves (in out-edge order), then its backward moves (in in-edge order). A species' direction
//! selects the forward part, the backward part or both. Per-species learned kernel biases are
//! indexed by move.

pub mod edge_file;
pub mod edge_list;
pub mod generators;
pub mod layout;

use serde::{Deserialize, Serialize};

/// The role a node plays in the host network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// An input of a rate MLP (or a layered graph's first layer).
    Input,
    /// A hidden unit.
    Hidden,
    /// An output unit.
    Output,
    /// A node of a plain graph.
    Plain,
}

impl Role {
    /// Lower-case name, as written in exports.
    pub fn name(self) -> &'static str {
        match self {
            Role::Input => "input",
            Role::Hidden => "hidden",
            Role::Output => "output",
            Role::Plain => "plain",
        }
    }
}

/// A directed graph in CSR form with per-node metadata. Immutable once built.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// Role of each node.
    pub role: Vec<Role>,
    /// Layer index of each node (0 for plain graphs unless the generator sets one).
    pub layer: Vec<u32>,
    /// Layout position of each node, in arbitrary units (the view fits them to the screen).
    pub pos: Vec<[f32; 2]>,
    /// Optional display label of each node (from an imported edge list), empty otherwise.
    pub label: Vec<String>,
    /// `n + 1` offsets into the edge arrays, by source node.
    pub out_offsets: Vec<u32>,
    /// Source node of each edge.
    pub edge_src: Vec<u32>,
    /// Destination node of each edge.
    pub edge_dst: Vec<u32>,
    /// Initial weight of each edge (the host's weights start here).
    pub edge_weight: Vec<f32>,
    /// `n + 1` offsets into `in_edges`, by destination node.
    pub in_offsets: Vec<u32>,
    /// Edge ids sorted by `(dst, src)`.
    pub in_edges: Vec<u32>,
    /// `n + 1` offsets into the move arrays, by the node a move leaves.
    pub move_offsets: Vec<u32>,
    /// Number of forward moves of each node (the first ones of its range).
    pub move_forward_len: Vec<u32>,
    /// Node a move leaves.
    pub move_from: Vec<u32>,
    /// Node a move arrives at.
    pub move_target: Vec<u32>,
    /// Edge a move travels along (in either direction).
    pub move_edge: Vec<u32>,
    /// `n + 1` offsets into `in_moves`, by the node moves arrive at.
    pub in_move_offsets: Vec<u32>,
    /// Number of forward moves among each node's in-moves (the first ones of its range).
    pub in_move_forward_len: Vec<u32>,
    /// The two moves along each edge: `[forward from its source, backward from its
    /// destination]`.
    pub edge_moves: Vec<[u32; 2]>,
    /// Move ids grouped by the node they arrive at: each node's forward in-moves, then its
    /// backward ones, each in move order (the gather list of the density step).
    pub in_moves: Vec<u32>,
}

/// An error building a graph from user input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// The graph would have no nodes.
    #[error("the graph has no nodes (at least 1 is needed)")]
    Empty,
    /// An edge names a node that does not exist.
    #[error("edge {index} ({src} -> {dst}) names a node outside 0..{n}")]
    DanglingEdge {
        /// Position of the edge in the input list.
        index: usize,
        /// Its source.
        src: usize,
        /// Its destination.
        dst: usize,
        /// Number of nodes.
        n: usize,
    },
    /// A weight is NaN or infinite.
    #[error("edge {index} has a non-finite weight {weight}")]
    BadWeight {
        /// Position of the edge in the input list.
        index: usize,
        /// The weight.
        weight: f32,
    },
    /// Too many nodes or edges for 32-bit indices.
    #[error("the graph is too large: {what} (at most {max})")]
    TooLarge {
        /// What overflowed.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// A generator parameter is outside its range.
    #[error("{generator}: {message}")]
    BadParameter {
        /// The generator's name.
        generator: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// An edge-list path was refused (absolute, outside the allowed folders, not a regular
    /// file, too large) or the file could not be read.
    #[error("{message}")]
    EdgeListPath {
        /// The path as written in the preset.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// An edge-list file could not be parsed.
    #[error("{path}:{line}: {message}")]
    EdgeList {
        /// The file.
        path: String,
        /// 1-based line number (0 when the file could not be opened).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The largest node or edge count (indices are `u32`, and moves are twice the edges).
pub const MAX_INDEX: usize = (u32::MAX / 2) as usize;

impl Graph {
    /// Builds a graph from nodes and an edge list `(src, dst, weight)`. Duplicate edges are kept
    /// (they are parallel edges); self-loops are allowed. `role`, `layer`, `pos` must have the
    /// same length, the node count.
    pub fn from_edges(
        role: Vec<Role>,
        layer: Vec<u32>,
        pos: Vec<[f32; 2]>,
        edges: &[(usize, usize, f32)],
    ) -> Result<Self, GraphError> {
        let n = role.len();
        if n == 0 {
            return Err(GraphError::Empty);
        }
        assert_eq!(layer.len(), n, "layer length");
        assert_eq!(pos.len(), n, "pos length");
        if n > MAX_INDEX {
            return Err(GraphError::TooLarge { what: "nodes", max: MAX_INDEX });
        }
        if edges.len() > MAX_INDEX {
            return Err(GraphError::TooLarge { what: "edges", max: MAX_INDEX });
        }
        for (index, &(src, dst, weight)) in edges.iter().enumerate() {
            if src >= n || dst >= n {
                return Err(GraphError::DanglingEdge { index, src, dst, n });
            }
            if !weight.is_finite() {
                return Err(GraphError::BadWeight { index, weight });
            }
        }
        // Counting sort by source (stable), then each source's edges by destination.
        let mut out_offsets = vec![0u32; n + 1];
        for &(src, _, _) in edges {
            out_offsets[src + 1] += 1;
        }
        for i in 0..n {
            out_offsets[i + 1] += out_offsets[i];
        }
        let m = edges.len();
        let mut sorted: Vec<(u32, u32, f32)> = vec![(0, 0, 0.0); m];
        let mut fill: Vec<u32> = out_offsets[..n].to_vec();
        for &(src, dst, w) in edges {
            sorted[fill[src] as usize] = (src as u32, dst as u32, w);
            fill[src] += 1;
        }
        for i in 0..n {
            let seg = &mut sorted[out_offsets[i] as usize..out_offsets[i + 1] as usize];
            seg.sort_by_key(|e| e.1);
        }
        let edge_src: Vec<u32> = sorted.iter().map(|e| e.0).collect();
        let edge_dst: Vec<u32> = sorted.iter().map(|e| e.1).collect();
        let edge_weight: Vec<f32> = sorted.iter().map(|e| e.2).collect();
        // Edge ids by (dst, src, id): a stable counting sort by destination of edges that are
        // already in (src, dst) order.
        let in_offsets = offsets(n, &edge_dst);
        let in_edges = bucket(&in_offsets, &edge_dst);

        let mut move_offsets = Vec::with_capacity(n + 1);
        let mut move_forward_len = Vec::with_capacity(n);
        let mut move_from = Vec::with_capacity(2 * m);
        let mut move_target = Vec::with_capacity(2 * m);
        let mut move_edge = Vec::with_capacity(2 * m);
        move_offsets.push(0u32);
        for i in 0..n {
            let out = out_offsets[i] as usize..out_offsets[i + 1] as usize;
            move_forward_len.push(out.len() as u32);
            for e in out {
                move_from.push(i as u32);
                move_target.push(edge_dst[e]);
                move_edge.push(e as u32);
            }
            for &e in &in_edges[in_offsets[i] as usize..in_offsets[i + 1] as usize] {
                move_from.push(i as u32);
                move_target.push(edge_src[e as usize]);
                move_edge.push(e);
            }
            move_offsets.push(move_target.len() as u32);
        }
        // Group by (target, backward?): a stable counting sort over 2n keys.
        let mut is_backward = vec![false; move_target.len()];
        let mut edge_moves = vec![[0u32; 2]; m];
        for i in 0..n {
            let start = move_offsets[i] as usize;
            let mid = start + move_forward_len[i] as usize;
            for mv in start..move_offsets[i + 1] as usize {
                let backward = mv >= mid;
                is_backward[mv] = backward;
                edge_moves[move_edge[mv] as usize][usize::from(backward)] = mv as u32;
            }
        }
        let keys: Vec<u32> =
            move_target.iter().zip(&is_backward).map(|(&t, &b)| 2 * t + u32::from(b)).collect();
        let key_offsets = offsets(2 * n, &keys);
        let in_moves = bucket(&key_offsets, &keys);
        let in_move_offsets: Vec<u32> = (0..=n).map(|i| key_offsets[2 * i]).collect();
        let in_move_forward_len: Vec<u32> =
            (0..n).map(|i| key_offsets[2 * i + 1] - key_offsets[2 * i]).collect();
        let label = vec![String::new(); n];
        Ok(Self {
            role,
            layer,
            pos,
            label,
            out_offsets,
            edge_src,
            edge_dst,
            edge_weight,
            in_offsets,
            in_edges,
            move_offsets,
            move_forward_len,
            move_from,
            move_target,
            move_edge,
            in_move_offsets,
            in_move_forward_len,
            edge_moves,
            in_moves,
        })
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.role.len()
    }

    /// Number of directed edges.
    pub fn m(&self) -> usize {
        self.edge_src.len()
    }

    /// Number of moves (twice the edges).
    pub fn moves(&self) -> usize {
        self.move_target.len()
    }

    /// The moves of node `i` allowed by `direction`, as a range of move ids.
    pub fn moves_of(&self, i: usize, direction: Direction) -> std::ops::Range<usize> {
        let start = self.move_offsets[i] as usize;
        let end = self.move_offsets[i + 1] as usize;
        let mid = start + self.move_forward_len[i] as usize;
        match direction {
            Direction::Forward => start..mid,
            Direction::Backward => mid..end,
            Direction::Both => start..end,
        }
    }

    /// The node move `mv` leaves.
    #[inline(always)]
    pub fn move_source(&self, mv: usize) -> usize {
        self.move_from[mv] as usize
    }

    /// The in-moves of node `i` that a species moving in `direction` can take.
    pub fn in_moves_of(&self, i: usize, direction: Direction) -> &[u32] {
        let start = self.in_move_offsets[i] as usize;
        let mid = start + self.in_move_forward_len[i] as usize;
        let end = self.in_move_offsets[i + 1] as usize;
        match direction {
            Direction::Forward => &self.in_moves[start..mid],
            Direction::Backward => &self.in_moves[mid..end],
            Direction::Both => &self.in_moves[start..end],
        }
    }

    /// Whether move `mv` goes against its edge.
    pub fn move_is_backward(&self, mv: usize) -> bool {
        let i = self.move_source(mv);
        mv >= self.move_offsets[i] as usize + self.move_forward_len[i] as usize
    }

    /// Out-edges of node `i` as a range of edge ids.
    pub fn out_edges(&self, i: usize) -> std::ops::Range<usize> {
        self.out_offsets[i] as usize..self.out_offsets[i + 1] as usize
    }

    /// In-edges of node `i` (edge ids).
    pub fn in_edges_of(&self, i: usize) -> &[u32] {
        &self.in_edges[self.in_offsets[i] as usize..self.in_offsets[i + 1] as usize]
    }

    /// Whether every edge `i → j` has a reverse `j → i` (an undirected graph stored both ways).
    pub fn is_symmetric(&self) -> bool {
        (0..self.m())
            .all(|e| self.find_edge(self.edge_dst[e] as usize, self.edge_src[e] as usize).is_some())
    }

    /// Ids of nodes with a given role.
    pub fn nodes_with_role(&self, role: Role) -> Vec<u32> {
        (0..self.n() as u32).filter(|&i| self.role[i as usize] == role).collect()
    }

    /// The edge `src → dst`, if any (the first one when parallel edges exist).
    pub fn find_edge(&self, src: usize, dst: usize) -> Option<usize> {
        let range = self.out_edges(src);
        let slice = &self.edge_dst[range.clone()];
        slice.binary_search(&(dst as u32)).ok().map(|k| {
            let mut k = k;
            while k > 0 && slice[k - 1] == dst as u32 {
                k -= 1;
            }
            range.start + k
        })
    }
}

/// Which edges a vesicle may travel (MODEL §2, migration kernel).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Along out-edges, `i → j` for edges `i → j`.
    #[default]
    Forward,
    /// Against in-edges, `i → j` for edges `j → i` (the way errors travel).
    Backward,
    /// Either way.
    Both,
}

/// CSR offsets of the keys `0..n` (the keys need not be sorted).
fn offsets(n: usize, keys: &[u32]) -> Vec<u32> {
    let mut off = vec![0u32; n + 1];
    for &k in keys {
        off[k as usize + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    off
}

/// Indices `0..keys.len()` grouped by key (a stable counting sort), given the keys' offsets.
fn bucket(offsets: &[u32], keys: &[u32]) -> Vec<u32> {
    let mut fill: Vec<u32> = offsets[..offsets.len() - 1].to_vec();
    let mut out = vec![0u32; keys.len()];
    for (idx, &k) in keys.iter().enumerate() {
        out[fill[k as usize] as usize] = idx as u32;
        fill[k as usize] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Graph {
        let n = 3;
        Graph::from_edges(
            vec![Role::Plain; n],
            vec![0; n],
            vec![[0.0, 0.0]; n],
            &[(1, 2, 0.5), (0, 1, 1.0), (0, 2, -2.0)],
        )
        .expect("valid")
    }

    #[test]
    fn csr_is_sorted_and_complete() {
        let g = chain();
        assert_eq!(g.edge_src, vec![0, 0, 1]);
        assert_eq!(g.edge_dst, vec![1, 2, 2]);
        assert_eq!(g.out_offsets, vec![0, 2, 3, 3]);
        assert_eq!(g.in_offsets, vec![0, 0, 1, 3]);
        assert_eq!(g.in_edges_of(2), &[1, 2]);
        assert_eq!(g.moves(), 6);
        // Node 2 has no forward moves and two backward ones (to 0 and 1).
        let r = g.moves_of(2, Direction::Backward);
        let t: Vec<u32> = r.map(|mv| g.move_target[mv]).collect();
        assert_eq!(t, vec![0, 1]);
        assert!(g.moves_of(2, Direction::Forward).is_empty());
        assert_eq!(g.find_edge(0, 2), Some(1));
        assert_eq!(g.find_edge(2, 0), None);
        // Every move appears once in the gather list of its target.
        let mut seen = vec![0; g.moves()];
        for i in 0..g.n() {
            for &mv in &g.in_moves[g.in_move_offsets[i] as usize..g.in_move_offsets[i + 1] as usize]
            {
                assert_eq!(g.move_target[mv as usize] as usize, i);
                seen[mv as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
        for i in 0..g.n() {
            for dir in [Direction::Forward, Direction::Backward] {
                for &mv in g.in_moves_of(i, dir) {
                    assert_eq!(g.move_is_backward(mv as usize), dir == Direction::Backward);
                }
            }
        }
        for e in 0..g.m() {
            let [f, b] = g.edge_moves[e];
            assert_eq!(g.move_edge[f as usize] as usize, e);
            assert_eq!(g.move_edge[b as usize] as usize, e);
            assert!(!g.move_is_backward(f as usize) && g.move_is_backward(b as usize));
        }
        assert!(g.move_is_backward(g.moves_of(2, Direction::Backward).start));
        assert!(!g.move_is_backward(0));
    }

    #[test]
    fn rejects_bad_input() {
        let r = Graph::from_edges(vec![], vec![], vec![], &[]);
        assert_eq!(r, Err(GraphError::Empty));
        let r = Graph::from_edges(vec![Role::Plain], vec![0], vec![[0.0; 2]], &[(0, 3, 1.0)]);
        assert!(matches!(r, Err(GraphError::DanglingEdge { .. })));
        let r = Graph::from_edges(vec![Role::Plain], vec![0], vec![[0.0; 2]], &[(0, 0, f32::NAN)]);
        assert!(matches!(r, Err(GraphError::BadWeight { .. })));
    }
}
