// scan.wgsl: exclusive prefix sum of `input[0 .. len]` into `output`, and the total into
// `totals[total_at]`, in three entry points over blocks of 1024 items (256 threads × 4):
// `reduce` sums each block, `scan_blocks` (one workgroup) turns the block sums into block
// offsets and the total, `downsweep` writes every item's offset. Integer sums, so the result
// is exact and independent of the order. Twin of core/src/cpu/scan.rs.
//
// Bindings (kept in sync with core/src/gpu/stages/scan.rs `Bindings`):
//  0 params      ScanParams (uniform)
//  1 input       u32 per item
//  2 output      exclusive prefix sum per item
//  3 block_sums  one u32 per block (scratch)
//  4 totals      u32; the total goes to `totals[total_at]`

struct ScanParams {
    len: u32,
    total_at: u32,
    blocks: u32,
    groups_x: u32,
}

@group(0) @binding(0) var<uniform> sp: ScanParams;
@group(0) @binding(1) var<storage, read> input: array<u32>;
@group(0) @binding(2) var<storage, read_write> output: array<u32>;
@group(0) @binding(3) var<storage, read_write> block_sums: array<u32>;
@group(0) @binding(4) var<storage, read_write> totals: array<u32>;

const ITEMS: u32 = 4u;
const BLOCK: u32 = 1024u;

var<workgroup> shared_sums: array<u32, 256>;

fn item(k: u32) -> u32 {
    return select(0u, input[k], k < sp.len);
}

// Inclusive scan of `shared_sums` across the workgroup (Hillis–Steele); returns this thread's
// exclusive prefix and leaves the workgroup total in `shared_sums[255]`.
fn workgroup_exclusive(local: u32, value: u32) -> u32 {
    shared_sums[local] = value;
    workgroupBarrier();
    for (var d = 1u; d < 256u; d = d * 2u) {
        var add = 0u;
        if local >= d {
            add = shared_sums[local - d];
        }
        workgroupBarrier();
        shared_sums[local] = shared_sums[local] + add;
        workgroupBarrier();
    }
    return shared_sums[local] - value;
}

@compute @workgroup_size(256)
fn reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    let block = wid.y * sp.groups_x + wid.x;
    let base = block * BLOCK + local * ITEMS;
    var sum = 0u;
    for (var k = 0u; k < ITEMS; k++) {
        sum += item(base + k);
    }
    let before = workgroup_exclusive(local, sum);
    if local == 255u && block < sp.blocks {
        block_sums[block] = before + sum;
    }
}

@compute @workgroup_size(256)
fn scan_blocks(@builtin(local_invocation_index) local: u32) {
    var carry = 0u;
    for (var base = 0u; base < sp.blocks; base += BLOCK) {
        var vals: array<u32, 4>;
        var sum = 0u;
        for (var k = 0u; k < ITEMS; k++) {
            let b = base + local * ITEMS + k;
            vals[k] = select(0u, block_sums[b], b < sp.blocks);
            sum += vals[k];
        }
        let before = workgroup_exclusive(local, sum);
        let chunk_total = shared_sums[255];
        var run = carry + before;
        for (var k = 0u; k < ITEMS; k++) {
            let b = base + local * ITEMS + k;
            if b < sp.blocks {
                block_sums[b] = run;
            }
            run += vals[k];
        }
        carry += chunk_total;
        workgroupBarrier();
    }
    if local == 0u {
        totals[sp.total_at] = carry;
    }
}

@compute @workgroup_size(256)
fn downsweep(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    let block = wid.y * sp.groups_x + wid.x;
    let base = block * BLOCK + local * ITEMS;
    var vals: array<u32, 4>;
    var sum = 0u;
    for (var k = 0u; k < ITEMS; k++) {
        vals[k] = item(base + k);
        sum += vals[k];
    }
    let before = workgroup_exclusive(local, sum);
    if block >= sp.blocks {
        return;
    }
    var run = block_sums[block] + before;
    for (var k = 0u; k < ITEMS; k++) {
        if base + k < sp.len {
            output[base + k] = run;
        }
        run += vals[k];
    }
}
