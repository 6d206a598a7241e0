//! The mesh's directed links and dimension-order routes (DARWIN3.md §1 "NoC topology",
//! "Routing algorithm" and §4.8).
//!
//! Every router has the ports LOCAL = 0, EAST = 1, NORTH = 2, WEST = 3, SOUTH = 4; north is
//! decreasing y. A [`Link`] is the output port of one tile towards its neighbour. Host I/O uses
//! virtual coordinates off the west (x = −1) and east (x = 24) edges: a packet from (−1, y) enters
//! through the west port of tile (0, y), and a packet to (24, y) leaves through the east port of
//! tile (23, y). So every row has four edge links: west in and out, east in and out.
//!
//! Dense link index ([`Link::index`]): `4 · tile + (port − 1)` for the 576 on-chip tiles (2304
//! slots, of which the 48 north ports of row 0 and south ports of row 23 lead nowhere and are
//! never used), then `2304 + y` for the link from (−1, y) into (0, y) and `2328 + y` for the link
//! from (24, y) into (23, y): [`LINK_SLOTS`] = 2352 in all.

use serde::{Deserialize, Serialize};

use super::geometry::{CoreCoord, GRID};

/// A router output port towards a neighbour (LOCAL, the ejection port, is not a link).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Direction {
    /// Port 1, towards x + 1.
    East,
    /// Port 2, towards y − 1.
    North,
    /// Port 3, towards x − 1.
    West,
    /// Port 4, towards y + 1.
    South,
}

impl Direction {
    /// The four directions in port order.
    pub const ALL: [Direction; 4] =
        [Direction::East, Direction::North, Direction::West, Direction::South];

    /// The router port number (`dst_port` field): East 1, North 2, West 3, South 4.
    pub fn port(self) -> u8 {
        match self {
            Direction::East => 1,
            Direction::North => 2,
            Direction::West => 3,
            Direction::South => 4,
        }
    }

    /// The coordinate step `(dx, dy)` of this direction.
    pub fn step(self) -> (i32, i32) {
        match self {
            Direction::East => (1, 0),
            Direction::North => (0, -1),
            Direction::West => (-1, 0),
            Direction::South => (0, 1),
        }
    }
}

/// Tiles on the chip (24 × 24).
const TILES: usize = (GRID * GRID) as usize;
/// First index of the links entering from the west host edge.
const WEST_IN_BASE: usize = 4 * TILES;
/// First index of the links entering from the east host edge.
const EAST_IN_BASE: usize = WEST_IN_BASE + GRID as usize;
/// Size of the dense link index (some on-chip slots lead off the north and south edges and are
/// never used; see the module doc).
pub const LINK_SLOTS: usize = EAST_IN_BASE + GRID as usize;

/// The virtual x of the west host edge.
pub const WEST_EDGE_X: i32 = -1;
/// The virtual x of the east host edge.
pub const EAST_EDGE_X: i32 = GRID;

/// Whether `c` is a virtual host coordinate: x = −1 or x = 24 with a row on the chip.
pub fn is_virtual(c: CoreCoord) -> bool {
    (c.x == WEST_EDGE_X || c.x == EAST_EDGE_X) && (0..GRID).contains(&c.y)
}

/// Whether packets may start or end at `c`: a tile on the chip or a virtual host coordinate.
pub fn is_endpoint(c: CoreCoord) -> bool {
    c.on_chip() || is_virtual(c)
}

/// The tile through which `c` enters or leaves the chip: itself on the chip, the edge tile of its
/// row for a virtual coordinate.
pub fn edge_tile(c: CoreCoord) -> CoreCoord {
    CoreCoord::new(c.x.clamp(0, GRID - 1), c.y)
}

/// One directed link: the output port `dir` of tile `from` (or the input link of a virtual host
/// coordinate `from`, whose only direction is towards the chip).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// The sending tile or virtual host coordinate.
    pub from: CoreCoord,
    /// The output port.
    pub dir: Direction,
}

impl Link {
    /// The receiving tile or virtual host coordinate.
    pub fn to(self) -> CoreCoord {
        let (dx, dy) = self.dir.step();
        CoreCoord::new(self.from.x + dx, self.from.y + dy)
    }

    /// Whether the link exists: both ends are endpoints and they are neighbours.
    pub fn exists(self) -> bool {
        let to = self.to();
        is_endpoint(self.from) && is_endpoint(to) && (self.from.on_chip() || to.on_chip())
    }

    /// The dense index of an existing link (see the module doc).
    pub fn index(self) -> usize {
        match self.from.x {
            WEST_EDGE_X => WEST_IN_BASE + self.from.y as usize,
            EAST_EDGE_X => EAST_IN_BASE + self.from.y as usize,
            _ => 4 * self.from.index() + (self.dir.port() - 1) as usize,
        }
    }

    /// The link with dense index `i < LINK_SLOTS` (which may be an unused slot: check
    /// [`Link::exists`]).
    pub fn from_index(i: usize) -> Link {
        if i >= EAST_IN_BASE {
            Link {
                from: CoreCoord::new(EAST_EDGE_X, (i - EAST_IN_BASE) as i32),
                dir: Direction::West,
            }
        } else if i >= WEST_IN_BASE {
            Link {
                from: CoreCoord::new(WEST_EDGE_X, (i - WEST_IN_BASE) as i32),
                dir: Direction::East,
            }
        } else {
            Link { from: CoreCoord::from_index(i / 4), dir: Direction::ALL[i % 4] }
        }
    }

    /// Every existing link, in dense-index order (2304 of them).
    pub fn all() -> impl Iterator<Item = Link> {
        (0..LINK_SLOTS).map(Link::from_index).filter(|l| l.exists())
    }
}

/// The links of the dimension-order route from `src` to `dst`: X first, then Y (the host
/// encoder's order, DARWIN3.md §1). A virtual source first enters its row's edge tile; a virtual
/// destination is reached from its row's edge tile. Both ends must be endpoints
/// ([`is_endpoint`]); a route from a tile to itself has no links.
pub fn route(src: CoreCoord, dst: CoreCoord) -> XyRoute {
    let start = edge_tile(src);
    let target = edge_tile(dst);
    let entry = is_virtual(src).then_some(Link {
        from: src,
        dir: if src.x == WEST_EDGE_X { Direction::East } else { Direction::West },
    });
    let exit = is_virtual(dst).then_some(Link {
        from: target,
        dir: if dst.x == WEST_EDGE_X { Direction::West } else { Direction::East },
    });
    XyRoute { at: start, target, entry, exit }
}

/// Links a packet crosses from `src` to `dst` (the length of [`route`]).
pub fn link_count(src: CoreCoord, dst: CoreCoord) -> u32 {
    let a = edge_tile(src);
    let b = edge_tile(dst);
    a.hops_to(b) + u32::from(is_virtual(src)) + u32::from(is_virtual(dst))
}

/// The hop count of DARWIN3.md §4.8: links crossed plus 1 for the local ejection, so
/// `|Δx| + |Δy| + 1` (a packet to its own tile has 1 hop).
pub fn hop_count(src: CoreCoord, dst: CoreCoord) -> u32 {
    link_count(src, dst) + 1
}

/// An X-then-Y route, link by link (see [`route`]).
#[derive(Clone, Debug)]
pub struct XyRoute {
    at: CoreCoord,
    target: CoreCoord,
    entry: Option<Link>,
    exit: Option<Link>,
}

impl Iterator for XyRoute {
    type Item = Link;

    #[inline]
    fn next(&mut self) -> Option<Link> {
        if let Some(link) = self.entry.take() {
            return Some(link);
        }
        let dir = if self.at.x < self.target.x {
            Direction::East
        } else if self.at.x > self.target.x {
            Direction::West
        } else if self.at.y > self.target.y {
            Direction::North
        } else if self.at.y < self.target.y {
            Direction::South
        } else {
            return self.exit.take();
        };
        let link = Link { from: self.at, dir };
        self.at = link.to();
        Some(link)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_index_round_trips_and_counts_every_link() {
        let links: Vec<Link> = Link::all().collect();
        // 2 · 23 · 24 horizontal pairs, the same vertical, both ways, plus 4 edge links per row.
        assert_eq!(links.len(), 2 * 2 * 23 * 24 + 4 * 24);
        for l in &links {
            assert_eq!(Link::from_index(l.index()), *l);
            assert!(l.index() < LINK_SLOTS);
        }
        assert!(!Link { from: CoreCoord::new(5, 0), dir: Direction::North }.exists());
        assert!(Link { from: CoreCoord::new(0, 7), dir: Direction::West }.exists());
    }

    #[test]
    fn route_goes_x_first_then_y() {
        let links: Vec<Link> = route(CoreCoord::new(2, 5), CoreCoord::new(4, 3)).collect();
        let expected = [
            (2, 5, Direction::East),
            (3, 5, Direction::East),
            (4, 5, Direction::North),
            (4, 4, Direction::North),
        ];
        assert_eq!(links.len(), expected.len());
        for (l, &(x, y, d)) in links.iter().zip(&expected) {
            assert_eq!((l.from, l.dir), (CoreCoord::new(x, y), d));
        }
        assert_eq!(hop_count(CoreCoord::new(2, 5), CoreCoord::new(4, 3)), 5);
        assert_eq!(route(CoreCoord::new(3, 3), CoreCoord::new(3, 3)).count(), 0);
        assert_eq!(hop_count(CoreCoord::new(3, 3), CoreCoord::new(3, 3)), 1);
    }

    #[test]
    fn virtual_ends_use_the_edge_tile_of_their_row() {
        let links: Vec<Link> = route(CoreCoord::new(-1, 4), CoreCoord::new(1, 2)).collect();
        assert_eq!(links[0], Link { from: CoreCoord::new(-1, 4), dir: Direction::East });
        assert_eq!(links.len(), 1 + 1 + 2);
        assert_eq!(links.last().map(|l| l.to()), Some(CoreCoord::new(1, 2)));
        let out: Vec<Link> = route(CoreCoord::new(20, 3), CoreCoord::new(24, 9)).collect();
        assert_eq!(out.len(), 3 + 6 + 1);
        assert_eq!(out[3], Link { from: CoreCoord::new(23, 3), dir: Direction::South });
        assert_eq!(out.last(), Some(&Link { from: CoreCoord::new(23, 9), dir: Direction::East }));
        assert_eq!(hop_count(CoreCoord::new(20, 3), CoreCoord::new(24, 9)), 11);
    }

    #[test]
    fn every_route_is_connected_and_as_long_as_its_hop_count_says() {
        let ends: Vec<CoreCoord> =
            (0..26 * 24).step_by(7).map(|i| CoreCoord::new(i % 26 - 1, i / 26)).collect();
        for &a in &ends {
            for &b in &ends {
                let links: Vec<Link> = route(a, b).collect();
                assert_eq!(links.len() as u32 + 1, hop_count(a, b));
                let mut at = a;
                for l in &links {
                    assert!(l.exists(), "{l:?}");
                    assert_eq!(l.from, at);
                    at = l.to();
                }
                assert_eq!(at, if links.is_empty() { a } else { b });
            }
        }
    }
}
