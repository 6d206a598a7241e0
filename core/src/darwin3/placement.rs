//! Placement: which core each chunk goes to (DARWIN3.md §3.4 and §4.1 "Placement").
//!
//! Two methods, both under the same rules, and an optional annealing refinement
//! ([`super::anneal`]):
//! - [`PlacementMethod::ZigZag`], the toolchain's boustrophedon walk: row 0 west → east, row 1
//!   east → west, and so on, skipping the RISC-V tile (0, 0). Chunks take walk positions in chunk
//!   order; a chunk that needs a big core takes the next free big one, so the order differs from
//!   the toolchain's only when such chunks are present.
//! - [`PlacementMethod::Greedy`], "minimise Σ hops × traffic": the chunk with the most traffic to
//!   the chunks already placed (host inputs count as placed) goes next, onto the free core with
//!   the least cost to its placed neighbours, preferring cores that keep every placed neighbour
//!   within reach.
//!
//! The rules every method keeps:
//! - no chunk on (0, 0), one chunk per core, at most 575 chunks on the chip;
//! - a chunk with more than 8192 dendrite words only on a big core (`x mod 4 < 2`, 287 of them),
//!   none with more than 65536; a chunk that fits a little core takes a big one only while enough
//!   big cores stay free for the chunks that need them;
//! - host-input chunks are not placed on cores: the k-th input chunk sits at the virtual
//!   coordinate (−1, k mod 24), or (24, k mod 24) when most of its traffic (weighted) goes to
//!   cores with x > 15;
//! - connected chunks stay within reach: |Δx| ≤ 15 and |Δy| ≤ 15 (the 4-bit relative address of
//!   an axon target entry), a host coordinate counting from the edge tile it enters through.
//!   When the first layout breaks this, a repair pass ([`super::anneal`]) moves the chunks
//!   concerned (so zig-zag then departs from the walk for them); a placement that still breaks
//!   it is an error that names the pair.
//!
//! The cost of a placement ([`placement_cost`]) is Σ traffic × (|Δx| + |Δy|) over the traffic
//! entries, the links the packets cross (host coordinates at their virtual x).

use serde::{Deserialize, Serialize};

use super::anneal;
use super::chunk::Chunk;
use super::geometry::{
    BIG_DENDRITE_WORDS, CoreCoord, CoreKind, GRID, LITTLE_DENDRITE_WORDS, MAX_HOPS, NEURON_CORES,
};
use super::links::{EAST_EDGE_X, WEST_EDGE_X, edge_tile};

/// Big neuron cores on the chip (the RISC-V tile is big and holds none).
pub const BIG_NEURON_CORES: usize = 287;

/// How chunks are first laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacementMethod {
    /// The toolchain's boustrophedon walk (default, as the toolchain does).
    #[default]
    ZigZag,
    /// Greedy minimisation of Σ hops × traffic.
    Greedy,
}

/// Simulated-annealing refinement of a placement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnealSettings {
    /// Seed of the move and acceptance draws; the result is a function of the seed.
    pub seed: u64,
    /// Moves tried (default 20,000).
    pub iterations: u64,
    /// Start temperature relative to the mean traffic of a connection (default 1.0: making an
    /// average connection one hop longer is accepted with probability e⁻¹ at the start). It falls
    /// geometrically to a thousandth of that.
    pub start_temperature: f64,
}

impl Default for AnnealSettings {
    fn default() -> Self {
        Self { seed: 1, iterations: 20_000, start_temperature: 1.0 }
    }
}

/// A placement method with its optional refinement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// The initial layout.
    pub method: PlacementMethod,
    /// Annealing after it, if any (default none).
    pub anneal: Option<AnnealSettings>,
}

impl Placement {
    /// The toolchain's zig-zag walk, unrefined.
    pub fn zigzag() -> Self {
        Self { method: PlacementMethod::ZigZag, anneal: None }
    }

    /// Greedy placement, unrefined.
    pub fn greedy() -> Self {
        Self { method: PlacementMethod::Greedy, anneal: None }
    }

    /// The same method followed by annealing.
    pub fn annealed(self, settings: AnnealSettings) -> Self {
        Self { anneal: Some(settings), ..self }
    }
}

/// Why chunks cannot be placed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlacementError {
    /// More chunks than neuron cores.
    #[error("{chunks} chunks need a core each, but the chip has {NEURON_CORES} neuron cores")]
    TooManyChunks {
        /// Chunks to place on the chip (host inputs excluded).
        chunks: usize,
    },
    /// More chunks need a big core than there are big cores.
    #[error(
        "{chunks} chunks need more than {LITTLE_DENDRITE_WORDS} dendrite words (a big core), \
         but the chip has {BIG_NEURON_CORES} big neuron cores"
    )]
    TooManyBigChunks {
        /// Chunks that need a big core.
        chunks: usize,
    },
    /// A chunk needs more dendrite memory than any core has.
    #[error(
        "chunk {chunk} needs {words} dendrite words, more than a big core's {BIG_DENDRITE_WORDS}"
    )]
    DendriteOverflow {
        /// Index of the chunk.
        chunk: usize,
        /// Words it needs.
        words: u32,
    },
    /// A traffic entry names a chunk that does not exist.
    #[error("traffic entry {entry} ({a} -> {b}) names a chunk outside 0..{chunks}")]
    TrafficIndex {
        /// Position of the entry.
        entry: usize,
        /// Its source chunk.
        a: usize,
        /// Its target chunk.
        b: usize,
        /// Number of chunks.
        chunks: usize,
    },
    /// A traffic entry has a negative or non-finite rate.
    #[error("traffic entry {entry} has rate {rate}; rates must be finite and >= 0")]
    TrafficRate {
        /// Position of the entry.
        entry: usize,
        /// The rate.
        rate: f64,
    },
    /// Two connected chunks ended up too far apart for relative addressing.
    #[error(
        "chunks {a} at ({ax}, {ay}) and {b} at ({bx}, {by}) are connected but {dx} columns and \
         {dy} rows apart (at most {MAX_HOPS} each); try the greedy placement or fewer chunks"
    )]
    OutOfReach {
        /// One chunk.
        a: usize,
        /// Its x.
        ax: i32,
        /// Its y.
        ay: i32,
        /// The other chunk.
        b: usize,
        /// Its x.
        bx: i32,
        /// Its y.
        by: i32,
        /// Columns apart (from the edge tile for a host coordinate).
        dx: u32,
        /// Rows apart.
        dy: u32,
    },
    /// A placement breaks a placement rule (reported by [`check_placement`]).
    #[error("chunk {chunk} at ({x}, {y}): {rule}")]
    Rule {
        /// Index of the chunk.
        chunk: usize,
        /// Its x.
        x: i32,
        /// Its y.
        y: i32,
        /// The rule it breaks.
        rule: &'static str,
    },
}

/// Whether chunk `c` needs a big core.
pub fn needs_big_core(c: &Chunk) -> bool {
    c.dendrite_words > LITTLE_DENDRITE_WORDS
}

/// Whether two placed chunks can address each other: |Δx| ≤ 15 and |Δy| ≤ 15, a host coordinate
/// counting from the edge tile of its row.
pub fn within_reach(a: CoreCoord, b: CoreCoord) -> bool {
    let (dx, dy) = reach_distance(a, b);
    dx <= MAX_HOPS as u32 && dy <= MAX_HOPS as u32
}

/// Columns and rows between two placed chunks for the reach rule.
fn reach_distance(a: CoreCoord, b: CoreCoord) -> (u32, u32) {
    let (a, b) = (edge_tile(a), edge_tile(b));
    (a.x.abs_diff(b.x), a.y.abs_diff(b.y))
}

/// Σ traffic × (|Δx| + |Δy|) of a placement (`coords[i]` is chunk i's coordinate), summed in
/// traffic order.
pub fn placement_cost(coords: &[CoreCoord], traffic: &[(usize, usize, f64)]) -> f64 {
    traffic.iter().map(|&(a, b, rate)| rate * f64::from(coords[a].hops_to(coords[b]))).sum()
}

/// The toolchain's boustrophedon walk over the 575 neuron cores: even rows west → east, odd rows
/// east → west, skipping (0, 0).
pub fn zigzag_walk() -> impl Iterator<Item = CoreCoord> {
    (0..GRID)
        .flat_map(|y| {
            (0..GRID).map(move |i| CoreCoord::new(if y % 2 == 0 { i } else { GRID - 1 - i }, y))
        })
        .filter(|c| c.is_neuron_core())
}

/// Places `chunks` given `traffic` (chunk a → chunk b, expected packets per step) with `method`.
/// Returns one coordinate per chunk: a neuron core, or a virtual host coordinate for input chunks.
pub fn place(
    chunks: &[Chunk],
    traffic: &[(usize, usize, f64)],
    method: Placement,
) -> Result<Vec<CoreCoord>, PlacementError> {
    let problem = Problem::new(chunks, traffic)?;
    let mut coords = match method.method {
        PlacementMethod::ZigZag => problem.zigzag(),
        PlacementMethod::Greedy => problem.greedy(),
    };
    problem.set_input_sides(&mut coords);
    if problem.first_out_of_reach(&coords).is_some() {
        anneal::repair(&problem, &mut coords);
        problem.set_input_sides(&mut coords);
    }
    if let Some(settings) = method.anneal {
        let mut refined = coords.clone();
        anneal::refine(&problem, &mut refined, &settings);
        problem.set_input_sides(&mut refined);
        let better = placement_cost(&refined, traffic) < placement_cost(&coords, traffic);
        if better && problem.first_out_of_reach(&refined).is_none() {
            coords = refined;
        }
    }
    check_placement(chunks, traffic, &coords)?;
    Ok(coords)
}

/// Checks the rules every placement keeps (module doc) and returns the first broken one. The full
/// mapping validator checks the rest (memory budgets, neuron counts).
pub fn check_placement(
    chunks: &[Chunk],
    traffic: &[(usize, usize, f64)],
    coords: &[CoreCoord],
) -> Result<(), PlacementError> {
    let problem = Problem::new(chunks, traffic)?;
    if coords.len() != chunks.len() {
        return Err(PlacementError::Rule {
            chunk: coords.len().min(chunks.len()),
            x: 0,
            y: 0,
            rule: "there must be exactly one coordinate per chunk",
        });
    }
    let mut taken = vec![false; (GRID * GRID) as usize];
    let mut inputs = 0;
    for (i, (chunk, &c)) in chunks.iter().zip(coords).enumerate() {
        let rule = |rule| PlacementError::Rule { chunk: i, x: c.x, y: c.y, rule };
        if chunk.input {
            let row = (inputs % GRID as usize) as i32;
            inputs += 1;
            if (c.x != WEST_EDGE_X && c.x != EAST_EDGE_X) || c.y != row {
                return Err(rule("an input chunk sits at (-1, k mod 24) or (24, k mod 24)"));
            }
            continue;
        }
        if !c.is_neuron_core() {
            return Err(rule("a chunk must sit on a neuron core: x, y in 0..24, not (0, 0)"));
        }
        if needs_big_core(chunk) && c.kind() != CoreKind::Big {
            return Err(rule("more than 8192 dendrite words need a big core (x mod 4 < 2)"));
        }
        if std::mem::replace(&mut taken[c.index()], true) {
            return Err(rule("two chunks share this core"));
        }
    }
    match problem.first_out_of_reach(coords) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The chunks and their traffic, checked, with the adjacency both placement and annealing use.
pub(super) struct Problem<'a> {
    /// The chunks.
    pub chunks: &'a [Chunk],
    /// The traffic entries.
    pub traffic: &'a [(usize, usize, f64)],
    /// Per chunk: (neighbour, rate) for every traffic entry touching it, both directions.
    pub adjacency: Vec<Vec<(usize, f64)>>,
}

impl<'a> Problem<'a> {
    /// Checks the input and builds the adjacency.
    pub fn new(
        chunks: &'a [Chunk],
        traffic: &'a [(usize, usize, f64)],
    ) -> Result<Self, PlacementError> {
        for (i, c) in chunks.iter().enumerate() {
            if !c.input && c.dendrite_words > BIG_DENDRITE_WORDS {
                return Err(PlacementError::DendriteOverflow { chunk: i, words: c.dendrite_words });
            }
        }
        let on_chip = chunks.iter().filter(|c| !c.input).count();
        if on_chip > NEURON_CORES {
            return Err(PlacementError::TooManyChunks { chunks: on_chip });
        }
        let big = chunks.iter().filter(|c| !c.input && needs_big_core(c)).count();
        if big > BIG_NEURON_CORES {
            return Err(PlacementError::TooManyBigChunks { chunks: big });
        }
        let mut adjacency = vec![Vec::new(); chunks.len()];
        for (entry, &(a, b, rate)) in traffic.iter().enumerate() {
            if a >= chunks.len() || b >= chunks.len() {
                return Err(PlacementError::TrafficIndex { entry, a, b, chunks: chunks.len() });
            }
            if !rate.is_finite() || rate < 0.0 {
                return Err(PlacementError::TrafficRate { entry, rate });
            }
            if a != b {
                adjacency[a].push((b, rate));
                adjacency[b].push((a, rate));
            }
        }
        Ok(Self { chunks, traffic, adjacency })
    }

    /// Whether chunk `i` may sit on `core` (kind only; occupancy is the caller's).
    pub fn fits(&self, i: usize, core: CoreCoord) -> bool {
        !needs_big_core(&self.chunks[i]) || core.kind() == CoreKind::Big
    }

    /// Coordinates with every input chunk on the west edge and every other one unset (RISC-V).
    fn inputs_west(&self) -> Vec<CoreCoord> {
        let mut k = 0;
        self.chunks
            .iter()
            .map(|c| {
                if c.input {
                    k += 1;
                    CoreCoord::new(WEST_EDGE_X, ((k - 1) % GRID as usize) as i32)
                } else {
                    CoreCoord::RISCV
                }
            })
            .collect()
    }

    /// The zig-zag layout (module doc).
    fn zigzag(&self) -> Vec<CoreCoord> {
        let mut coords = self.inputs_west();
        let mut cores = CoreAllocator::new(self);
        let walk: Vec<CoreCoord> = zigzag_walk().collect();
        for (i, chunk) in self.chunks.iter().enumerate() {
            if chunk.input {
                continue;
            }
            let core = walk
                .iter()
                .copied()
                .find(|&c| cores.allows(self, i, c))
                .expect("the up-front counts leave a fitting free core for every chunk");
            cores.take(self, i, core);
            coords[i] = core;
        }
        coords
    }

    /// The greedy layout (module doc).
    fn greedy(&self) -> Vec<CoreCoord> {
        let n = self.chunks.len();
        let mut coords = self.inputs_west();
        let mut placed: Vec<bool> = self.chunks.iter().map(|c| c.input).collect();
        let total: Vec<f64> =
            self.adjacency.iter().map(|adj| adj.iter().map(|&(_, r)| r).sum()).collect();
        let mut to_placed = vec![0.0f64; n];
        for i in (0..n).filter(|&i| placed[i]) {
            for &(j, r) in &self.adjacency[i] {
                to_placed[j] += r;
            }
        }
        let mut cores = CoreAllocator::new(self);
        let walk: Vec<CoreCoord> = CoreCoord::neuron_cores().collect();
        let mut remaining: Vec<usize> = (0..n).filter(|&i| !placed[i]).collect();
        while !remaining.is_empty() {
            // The unplaced chunk with the most traffic to placed ones, then the most traffic,
            // then the lowest index.
            let (slot, &i) = remaining
                .iter()
                .enumerate()
                .max_by(|&(_, &a), &(_, &b)| {
                    to_placed[a]
                        .total_cmp(&to_placed[b])
                        .then(total[a].total_cmp(&total[b]))
                        .then(b.cmp(&a))
                })
                .expect("the loop runs while chunks remain");
            remaining.swap_remove(slot);
            let field = CostField::new(&self.adjacency[i], &coords, &placed);
            let core = walk
                .iter()
                .copied()
                .filter(|&c| cores.allows(self, i, c))
                .min_by(|&a, &b| {
                    field
                        .in_reach(b)
                        .cmp(&field.in_reach(a))
                        .then(field.cost(a).total_cmp(&field.cost(b)))
                        .then(centre_distance(a).cmp(&centre_distance(b)))
                })
                .expect("the up-front counts leave a fitting free core for every chunk");
            cores.take(self, i, core);
            coords[i] = core;
            placed[i] = true;
            for &(j, r) in &self.adjacency[i] {
                to_placed[j] += r;
            }
        }
        coords
    }

    /// Moves each input chunk to the east edge when most of its traffic goes to x > 15.
    fn set_input_sides(&self, coords: &mut [CoreCoord]) {
        for (i, chunk) in self.chunks.iter().enumerate() {
            if !chunk.input {
                continue;
            }
            let (mut east, mut all) = (0.0, 0.0);
            for &(j, r) in &self.adjacency[i] {
                all += r;
                if coords[j].x > MAX_HOPS {
                    east += r;
                }
            }
            coords[i].x = if east > 0.5 * all { EAST_EDGE_X } else { WEST_EDGE_X };
        }
    }

    /// The first connected pair (in traffic order) that is out of reach.
    pub fn first_out_of_reach(&self, coords: &[CoreCoord]) -> Option<PlacementError> {
        self.traffic.iter().find(|&&(a, b, _)| !within_reach(coords[a], coords[b])).map(
            |&(a, b, _)| {
                let (dx, dy) = reach_distance(coords[a], coords[b]);
                PlacementError::OutOfReach {
                    a,
                    ax: coords[a].x,
                    ay: coords[a].y,
                    b,
                    bx: coords[b].x,
                    by: coords[b].y,
                    dx,
                    dy,
                }
            },
        )
    }
}

/// Twice the L1 distance of a core from the centre of the grid (a tie-break towards the middle).
fn centre_distance(c: CoreCoord) -> u32 {
    (2 * c.x - (GRID - 1)).unsigned_abs() + (2 * c.y - (GRID - 1)).unsigned_abs()
}

/// Free cores, with the rule that keeps enough big cores for the chunks that need them.
struct CoreAllocator {
    taken: Vec<bool>,
    big_free: usize,
    big_needed: usize,
}

impl CoreAllocator {
    fn new(problem: &Problem<'_>) -> Self {
        let big_needed = problem.chunks.iter().filter(|c| !c.input && needs_big_core(c)).count();
        Self { taken: vec![false; (GRID * GRID) as usize], big_free: BIG_NEURON_CORES, big_needed }
    }

    /// Whether chunk `i` may take the free core `c` now.
    fn allows(&self, problem: &Problem<'_>, i: usize, c: CoreCoord) -> bool {
        if self.taken[c.index()] || !problem.fits(i, c) {
            return false;
        }
        let big_chunk = needs_big_core(&problem.chunks[i]);
        big_chunk || c.kind() != CoreKind::Big || self.big_free > self.big_needed
    }

    fn take(&mut self, problem: &Problem<'_>, i: usize, c: CoreCoord) {
        self.taken[c.index()] = true;
        if c.kind() == CoreKind::Big {
            self.big_free -= 1;
        }
        if needs_big_core(&problem.chunks[i]) {
            self.big_needed -= 1;
        }
    }
}

/// The cost of putting one chunk on each core given its placed neighbours. Manhattan cost is
/// separable, so it is a column term plus a row term, each tabulated from the neighbours' weights
/// per column and per row: O(neighbours + 24²) per chunk instead of O(neighbours × cores).
struct CostField {
    column_cost: [f64; GRID as usize],
    row_cost: [f64; GRID as usize],
    /// Allowed columns and rows: within 15 of every placed neighbour (inclusive bounds).
    x_range: (i32, i32),
    y_range: (i32, i32),
}

impl CostField {
    fn new(adjacency: &[(usize, f64)], coords: &[CoreCoord], placed: &[bool]) -> Self {
        // Columns −1..=24 at index x + 1.
        let mut per_column = [0.0f64; GRID as usize + 2];
        let mut per_row = [0.0f64; GRID as usize];
        let mut x_range = (0, GRID - 1);
        let mut y_range = (0, GRID - 1);
        for &(j, rate) in adjacency.iter().filter(|&&(j, _)| placed[j]) {
            let c = coords[j];
            per_column[(c.x + 1) as usize] += rate;
            per_row[c.y as usize] += rate;
            let e = edge_tile(c);
            x_range = (x_range.0.max(e.x - MAX_HOPS), x_range.1.min(e.x + MAX_HOPS));
            y_range = (y_range.0.max(e.y - MAX_HOPS), y_range.1.min(e.y + MAX_HOPS));
        }
        let mut column_cost = [0.0; GRID as usize];
        let mut row_cost = [0.0; GRID as usize];
        for x in 0..GRID {
            column_cost[x as usize] = per_column
                .iter()
                .enumerate()
                .map(|(k, &w)| w * f64::from(x.abs_diff(k as i32 - 1)))
                .sum();
            row_cost[x as usize] =
                per_row.iter().enumerate().map(|(k, &w)| w * f64::from(x.abs_diff(k as i32))).sum();
        }
        Self { column_cost, row_cost, x_range, y_range }
    }

    fn cost(&self, c: CoreCoord) -> f64 {
        self.column_cost[c.x as usize] + self.row_cost[c.y as usize]
    }

    fn in_reach(&self, c: CoreCoord) -> bool {
        (self.x_range.0..=self.x_range.1).contains(&c.x)
            && (self.y_range.0..=self.y_range.1).contains(&c.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(dendrite_words: u32, input: bool) -> Chunk {
        Chunk { population: 0, start: 0, len: 1, dendrite_words, axon_words: 1, input }
    }

    #[test]
    fn zigzag_walk_is_the_serpentine() {
        let walk: Vec<CoreCoord> = zigzag_walk().collect();
        assert_eq!(walk.len(), NEURON_CORES);
        assert_eq!(walk[0], CoreCoord::new(1, 0));
        assert_eq!(walk[22], CoreCoord::new(23, 0));
        assert_eq!(walk[23], CoreCoord::new(23, 1));
        assert_eq!(walk[46], CoreCoord::new(0, 1));
        assert_eq!(walk[47], CoreCoord::new(0, 2));
        for pair in walk.windows(2) {
            assert_eq!(pair[0].hops_to(pair[1]), 1, "{pair:?}");
        }
    }

    #[test]
    fn the_cost_field_is_the_brute_force_cost() {
        let coords = [
            CoreCoord::new(-1, 3),
            CoreCoord::new(5, 20),
            CoreCoord::new(17, 0),
            CoreCoord::new(24, 9),
            CoreCoord::RISCV,
        ];
        let placed = [true, true, true, true, false];
        let adjacency = [(0, 1.5), (1, 2.0), (2, 0.25), (3, 3.0), (4, 100.0), (1, 1.0)];
        let field = CostField::new(&adjacency, &coords, &placed);
        for c in CoreCoord::neuron_cores() {
            let brute: f64 = adjacency
                .iter()
                .filter(|&&(j, _)| placed[j])
                .map(|&(j, r)| r * f64::from(c.hops_to(coords[j])))
                .sum();
            assert!((field.cost(c) - brute).abs() < 1e-9, "{c:?}");
            let reach = adjacency
                .iter()
                .filter(|&&(j, _)| placed[j])
                .all(|&(j, _)| within_reach(c, coords[j]));
            assert_eq!(field.in_reach(c), reach, "{c:?}");
        }
    }

    #[test]
    fn inputs_take_the_edge_of_their_targets() {
        // Greedy keeps both targets within reach of the west edge, so both inputs stay west.
        let chunks = [chunk(0, true), chunk(0, true), chunk(100, false), chunk(100, false)];
        let coords = place(&chunks, &[(0, 2, 1.0), (1, 3, 1.0)], Placement::greedy())
            .expect("two chunks fit");
        assert_eq!(coords[0], CoreCoord::new(-1, 0));
        assert_eq!(coords[1], CoreCoord::new(-1, 1));
        assert!(coords[2].x <= MAX_HOPS && coords[3].x <= MAX_HOPS);
        // Zig-zag with 20 chunks puts chunk 20 (fed by the input) at x = 20 > 15: east edge.
        let mut chunks = vec![chunk(0, true)];
        chunks.extend((0..20).map(|_| chunk(10, false)));
        let coords = place(&chunks, &[(0, 20, 1.0)], Placement::zigzag()).expect("fits");
        assert_eq!(coords[20], CoreCoord::new(20, 0));
        assert_eq!(coords[0], CoreCoord::new(24, 0));
    }

    #[test]
    fn a_big_chunk_skips_little_cores_in_the_walk() {
        let chunks = [chunk(100, false), chunk(100, false), chunk(9000, false), chunk(100, false)];
        let coords = place(&chunks, &[], Placement::zigzag()).expect("fits");
        // Walk: (1,0) big, (2,0) little, (3,0) little, (4,0) big.
        assert_eq!(
            coords,
            vec![
                CoreCoord::new(1, 0),
                CoreCoord::new(2, 0),
                CoreCoord::new(4, 0),
                CoreCoord::new(3, 0)
            ]
        );
    }

    #[test]
    fn bad_traffic_is_an_error() {
        let chunks = [chunk(1, false), chunk(1, false)];
        assert!(matches!(
            place(&chunks, &[(0, 2, 1.0)], Placement::greedy()),
            Err(PlacementError::TrafficIndex { entry: 0, b: 2, .. })
        ));
        assert!(matches!(
            place(&chunks, &[(0, 1, f64::NAN)], Placement::greedy()),
            Err(PlacementError::TrafficRate { entry: 0, .. })
        ));
        assert!(matches!(
            place(&[chunk(70_000, false)], &[], Placement::zigzag()),
            Err(PlacementError::DendriteOverflow { chunk: 0, words: 70_000 })
        ));
    }
}
