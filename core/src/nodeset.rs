//! Sets of nodes named in a preset: by role, by list, by range, or all of them.

use serde::{Deserialize, Serialize};

use crate::graph::{Graph, Role};

/// A set of nodes, resolved against a graph when a world is built.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum NodeSet {
    /// Every node.
    #[default]
    All,
    /// Every node with this role.
    Role(Role),
    /// These node ids (0-based).
    Nodes(Vec<u32>),
    /// Node ids `start..end` (end exclusive).
    Range(u32, u32),
    /// Every node whose layer index is this one.
    Layer(u32),
}

impl NodeSet {
    /// The sorted, deduplicated node ids in `graph`, or the first id that does not exist.
    pub fn resolve(&self, graph: &Graph) -> Result<Vec<u32>, u32> {
        let n = graph.n() as u32;
        let mut ids: Vec<u32> = match self {
            NodeSet::All => (0..n).collect(),
            NodeSet::Role(r) => graph.nodes_with_role(*r),
            NodeSet::Nodes(v) => {
                if let Some(&bad) = v.iter().find(|&&i| i >= n) {
                    return Err(bad);
                }
                v.clone()
            }
            NodeSet::Range(a, b) => {
                if *b > n {
                    return Err(*b - 1);
                }
                (*a..*b).collect()
            }
            NodeSet::Layer(l) => (0..n).filter(|&i| graph.layer[i as usize] == *l).collect(),
        };
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// [`NodeSet::resolve`] for a set that must select at least one node (a stimulus' `nodes`,
    /// an emission's `sources`): the error says which node does not exist, or that the set
    /// selects no node of `graph`.
    pub fn resolve_some(&self, graph: &Graph) -> Result<Vec<u32>, String> {
        let ids = self.resolve(graph).map_err(|bad| {
            format!("node {bad} does not exist (the graph has nodes 0..{})", graph.n())
        })?;
        if ids.is_empty() {
            return Err(format!(
                "{self:?} selects no node of this graph (at least one node is needed)"
            ));
        }
        Ok(ids)
    }
}
