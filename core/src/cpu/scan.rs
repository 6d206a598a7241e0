//! Exclusive prefix sums of counts (wrapping u32, as on the GPU). Twin of `shaders/scan.wgsl`:
//! compaction scans live flags into destination slots, emission scans birth counts into birth
//! numbers.
//!
//! Binding order of the GPU twin: params, input, output, block sums (scratch), totals.

/// The exclusive prefix sum of `input` and its total.
pub fn exclusive_scan(input: &[u32]) -> (Vec<u32>, u32) {
    let mut total = 0u32;
    let out = input
        .iter()
        .map(|&x| {
            let before = total;
            total = total.wrapping_add(x);
            before
        })
        .collect();
    (out, total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn scan_is_exclusive() {
        assert_eq!(super::exclusive_scan(&[3, 0, 2, 1]), (vec![0, 3, 3, 5], 6));
        assert_eq!(super::exclusive_scan(&[]), (vec![], 0));
    }
}
