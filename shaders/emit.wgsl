// emit.wgsl: appends the step's births behind the compacted living, with stable ids and
// lineage (MODEL §3, stage 4). Items are the old slots (a docked parent's cascade children,
// counted by decay_dock_hop.wgsl) followed by the (species, node) cells of emission (counts
// drawn on the CPU from the (node, species) streams, see core/src/cpu/emit.rs `node_counts`).
// Birth k of the step (k = the exclusive prefix sum over items, scan.wgsl, plus its rank in
// the item) lands in slot `live + k` with id `next_id + k` while k < capacity − live, and is
// dropped after: the order, ids and drops of the CPU's pushes (core/src/world.rs). Twin of
// core/src/cpu/emit.rs (births) and the append in core/src/world.rs.
//
// Bindings (kept in sync with core/src/gpu/stages/emit.rs `Bindings`):
//  0 params     StepParams (uniform; `len` = the old slots)
//  1 species    SpeciesParams per species
//  2 releases   Release records
//  3 counts     births per item: children per old slot, then emissions per [κ · n + i]
//  4 offsets    exclusive prefix sum of `counts`
//  5 totals     u32: [0] live vesicles after compaction, [1] births of the step
//  6 payloads   emission payload per [κ · n + i]
//  7 parents    the population before compaction (old slots)
//  8 vesicles   the population after compaction (births are written here)
//  9 tallies    counts, events, cascade slots (u32 atomics)

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(1) var<storage, read> species: array<SpeciesParams>;
@group(0) @binding(2) var<storage, read> releases: array<Release>;
@group(0) @binding(3) var<storage, read> counts: array<u32>;
@group(0) @binding(4) var<storage, read> offsets: array<u32>;
@group(0) @binding(5) var<storage, read> totals: array<u32>;
@group(0) @binding(6) var<storage, read> payloads: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read> parents: array<Vesicle>;
@group(0) @binding(8) var<storage, read_write> vesicles: array<Vesicle>;
@group(0) @binding(9) var<storage, read_write> tallies: array<atomic<u32>>;

// Places birth number k of the step; returns false when the population is full.
fn place(k: u32, b: Vesicle, cascade_child: bool) -> bool {
    let live = totals[0];
    let s = b.species;
    if k >= params.capacity - live {
        atomicAdd(&tallies[params.events_at + EVENT_DROPPED * params.species + s], 1u);
        return false;
    }
    var v = b;
    v.id = add64(params.next_id, k);
    if !cascade_child {
        v.root = v.id;
    }
    vesicles[live + k] = v;
    atomicAdd(&tallies[s * params.n + v.loc], 1u);
    if cascade_child {
        atomicAdd(&tallies[params.events_at + EVENT_CASCADE_BORN * params.species + s], 1u);
        if v.cascade != NONE32 {
            let slots = (arrayLength(&tallies) - params.cascade_at) / 3u;
            atomicAdd(&tallies[params.cascade_at + CASCADE_ALIVE * slots + v.cascade], 1u);
            atomicAdd(&tallies[params.cascade_at + CASCADE_ADDED * slots + v.cascade], 1u);
            atomicMax(&tallies[params.cascade_at + CASCADE_DEPTH * slots + v.cascade], v.generation);
        }
    } else {
        atomicAdd(&tallies[params.events_at + EVENT_EMITTED * params.species + s], 1u);
    }
    return true;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let t = flat_index(gid, groups.x);
    let items = params.len + params.species * params.n;
    if t >= items {
        return;
    }
    let count = counts[t];
    if count == 0u {
        return;
    }
    let first = offsets[t];
    var b: Vesicle;
    b.hops = 0u;
    b.integ = 0.0;
    b.alive = 1u;
    b.born = add64(vec2<u32>(params.step, 0u), 1u);
    var cascade_child = false;
    if t < params.len {
        // Cascade children of a docked parent: its species' one cascade release.
        let p = parents[t];
        let sp = species[p.species];
        let op = releases[sp.release_first + sp.cascade_op];
        let c = faded(p.payload, sp.ln_fade, params.step - p.born.x);
        b.species = op.target_species;
        b.loc = p.loc;
        b.payload = mat_vec(op.transform, c);
        b.parent = p.id;
        b.root = p.root;
        b.generation = p.generation + 1u;
        b.cascade = p.cascade;
        cascade_child = true;
    } else {
        let cell = t - params.len;
        b.species = cell / params.n;
        b.loc = cell % params.n;
        b.payload = payloads[cell];
        b.parent = vec2<u32>(NONE32, NONE32);
        b.generation = 0u;
        b.cascade = NONE32;
    }
    b.prev = b.loc;
    for (var j = 0u; j < count; j++) {
        if !place(first + j, b, cascade_child) {
            // Every later birth of this item is dropped too.
            let s = b.species;
            atomicAdd(&tallies[params.events_at + EVENT_DROPPED * params.species + s], count - j - 1u);
            break;
        }
    }
}
