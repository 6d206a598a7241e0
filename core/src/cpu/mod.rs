//! The CPU engine: one file per stage of the step (MODEL §3), written in the style of the
//! compute shaders in `shaders/` (same stems): plain loops over plain arrays, integer
//! accumulation where the GPU uses atomics.

pub mod accumulate;
pub mod apply;
pub mod compact;
pub mod decay_dock_hop;
pub mod density;
pub mod emit;
pub mod kernel;
pub mod scan;

/// Splits `data` (indexed by move or edge, grouped by node through `offsets`) into about
/// `groups` contiguous pieces on node boundaries: `(first node, last node + 1, piece)`.
pub fn split_by_nodes<'a, T>(
    mut data: &'a mut [T],
    offsets: &[u32],
    groups: usize,
) -> Vec<(usize, usize, &'a mut [T])> {
    let n = offsets.len() - 1;
    let per = n.div_ceil(groups.max(1)).max(1);
    let mut out = Vec::with_capacity(groups);
    let mut start = 0;
    while start < n {
        let end = (start + per).min(n);
        let len = (offsets[end] - offsets[start]) as usize;
        let (head, tail) = std::mem::take(&mut data).split_at_mut(len);
        data = tail;
        out.push((start, end, head));
        start = end;
    }
    out
}
