//! Stable compaction of the population: every live slot moves to the number of live slots
//! before it (the exclusive prefix sum of the live flags), so the living stay dense and in id
//! order. Twin of `shaders/compact.wgsl` (binding order: live flags, positions, from, to);
//! [`crate::vesicles::VesiclePool::compact`] applies it to every column.

/// Destination slot of every slot (meaningful for live ones) and the number of live slots:
/// the exclusive prefix sum of the flags.
pub fn positions(live: &[bool]) -> (Vec<u32>, usize) {
    let flags: Vec<u32> = live.iter().map(|&l| l as u32).collect();
    let (pos, total) = super::scan::exclusive_scan(&flags);
    (pos, total as usize)
}

/// Keeps the entries of `column` whose slot is live, in order: entry k lands at
/// `positions(live).0[k]`.
pub fn compact_column<T>(column: &mut Vec<T>, live: &[bool]) {
    let mut flags = live.iter();
    column.retain(|_| flags.next().copied().unwrap_or(false));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_lands_on_the_prefix_sums() {
        let live = [true, false, false, true, true, false, true];
        let mut col: Vec<u32> = (0..7).collect();
        compact_column(&mut col, &live);
        let (pos, total) = positions(&live);
        assert_eq!(total, col.len());
        for (k, &l) in live.iter().enumerate() {
            if l {
                assert_eq!(col[pos[k] as usize], k as u32);
            }
        }
    }
}
