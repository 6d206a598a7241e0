//! The Darwin3 mesh timing model and placement (DARWIN3.md §4.1 and §4.8), through the public
//! API: routes, link loads, contention, budgets, and the placement rules and costs.

use nv_core::darwin3::geometry::{CoreKind, NEURON_CORES};
use nv_core::darwin3::links::{self, Direction, LINK_SLOTS, Link};
use nv_core::darwin3::mesh::{MeshModel, MeshSettings, StrictMode};
use nv_core::darwin3::placement::{
    AnnealSettings, Placement, PlacementError, check_placement, needs_big_core, placement_cost,
    zigzag_walk,
};
use nv_core::darwin3::{Chunk, CoreCoord, Packet, PacketClass, place};
use nv_core::rng::{Rng, UniformSeq};

/// A chunk with `words` dendrite words.
fn chunk(words: u32, input: bool) -> Chunk {
    Chunk { population: 0, start: 0, len: 64, dendrite_words: words, axon_words: 64, input }
}

/// A uniform index in `0..n`.
fn index(seq: &mut UniformSeq<'_>, n: usize) -> usize {
    ((u64::from(seq.next_word()) * n as u64) >> 32) as usize
}

/// `n` chunks, each sending to 3 chunks among the next 8 (by index), rates in [0.1, 10).
/// Zig-zag keeps such neighbours within 8 columns and 1 row, so every method can place it.
fn local_graph(n: usize, seed: u64) -> Vec<(usize, usize, f64)> {
    let rng = Rng::new(seed);
    let mut seq = UniformSeq::new(&rng, 0, 0, 0);
    let mut traffic = Vec::new();
    for a in 0..n {
        for _ in 0..3 {
            let b = a + 1 + index(&mut seq, 8);
            if b < n {
                traffic.push((a, b, 0.1 + 9.9 * seq.next_f64()));
            }
        }
    }
    traffic
}

/// `edges` random connections among `n` chunks, rates in [0.1, 10).
fn random_graph(n: usize, edges: usize, seed: u64) -> Vec<(usize, usize, f64)> {
    let rng = Rng::new(seed);
    let mut seq = UniformSeq::new(&rng, 0, 1, 0);
    (0..edges)
        .map(|_| (index(&mut seq, n), index(&mut seq, n), 0.1 + 9.9 * seq.next_f64()))
        .collect()
}

#[test]
fn routes_go_x_first_and_hops_count_the_ejection() {
    let links: Vec<(CoreCoord, Direction)> =
        links::route(CoreCoord::new(5, 5), CoreCoord::new(2, 8)).map(|l| (l.from, l.dir)).collect();
    let expected = vec![
        (CoreCoord::new(5, 5), Direction::West),
        (CoreCoord::new(4, 5), Direction::West),
        (CoreCoord::new(3, 5), Direction::West),
        (CoreCoord::new(2, 5), Direction::South),
        (CoreCoord::new(2, 6), Direction::South),
        (CoreCoord::new(2, 7), Direction::South),
    ];
    assert_eq!(links, expected);
    for a in CoreCoord::neuron_cores().step_by(11) {
        for b in CoreCoord::neuron_cores().step_by(13) {
            let h = links::hop_count(a, b);
            assert_eq!(h, a.x.abs_diff(b.x) + a.y.abs_diff(b.y) + 1);
            assert_eq!(links::route(a, b).count() as u32 + 1, h);
            // X first: once the route turns north or south it never turns east or west again.
            let dirs: Vec<Direction> = links::route(a, b).map(|l| l.dir).collect();
            let first_y = dirs
                .iter()
                .position(|d| matches!(d, Direction::North | Direction::South))
                .unwrap_or(dirs.len());
            assert!(
                dirs[first_y..].iter().all(|d| matches!(d, Direction::North | Direction::South))
            );
        }
    }
}

#[test]
fn a_train_on_one_route_is_pipelined_one_packet_per_flit_count() {
    let p = Packet {
        src: CoreCoord::new(3, 3),
        dst: CoreCoord::new(9, 3),
        class: PacketClass::Spike,
        inject_cycle: 0,
    };
    let mut mesh = MeshModel::new(MeshSettings::default()).expect("valid settings");
    let r = mesh.step(&[p; 10], &[]).expect("valid packets");
    // 6 links + ejection = 7 hops, +1 for the tail, then one packet every 2 cycles.
    let expected: Vec<u64> = (0..10).map(|k| 7 + 1 + 2 * k).collect();
    assert_eq!(r.arrivals, expected);
    assert_eq!(r.link_flits[Link { from: CoreCoord::new(5, 3), dir: Direction::East }.index()], 20);
    assert_eq!(r.packets_in[CoreCoord::new(9, 3).index()], 10);
}

/// 10⁴ random packets (seed 5): flits and packets are conserved, contention only delays, no
/// link carries more flits than there are cycles, and the same input gives the same report.
#[test]
fn random_traffic_conserves_flits_and_only_delays() {
    let packets = nv_core::darwin3::bench::random_packets(10_000, 5);
    let mut mesh = MeshModel::new(MeshSettings::default()).expect("valid settings");
    let r = mesh.step(&packets, &[]).expect("valid packets");
    let free = MeshSettings { contention: false, ..MeshSettings::default() };
    let f = MeshModel::new(free).expect("valid settings").step(&packets, &[]).expect("valid");
    let expected_flits: u64 = packets
        .iter()
        .map(|p| u64::from(p.class.flits()) * u64::from(links::link_count(p.src, p.dst)))
        .sum();
    assert_eq!(r.link_flits.iter().sum::<u64>(), expected_flits);
    assert_eq!(r.link_flits, f.link_flits);
    let received: u64 = r.packets_in.iter().map(|&n| u64::from(n)).sum::<u64>() + r.host_in;
    assert_eq!(received, packets.len() as u64);
    assert_eq!(r.hop_histogram.iter().sum::<u64>(), packets.len() as u64);
    for (i, p) in packets.iter().enumerate() {
        let ideal =
            p.inject_cycle + u64::from(links::hop_count(p.src, p.dst)) + u64::from(p.class.flits())
                - 1;
        assert_eq!(f.arrivals[i], ideal);
        assert!(r.arrivals[i] >= ideal);
    }
    assert!(r.arrivals.iter().zip(&f.arrivals).any(|(a, b)| a > b), "no contention at all");
    for (i, &flits) in r.link_flits.iter().enumerate() {
        assert!(flits <= r.makespan, "link {:?} carries {flits} flits", Link::from_index(i));
        if flits > 0 {
            assert!(Link::from_index(i).exists());
        }
    }
    assert_eq!(r.link_flits.len(), LINK_SLOTS);
    assert_eq!(mesh.step(&packets, &[]).expect("valid"), r);
    assert_eq!(mesh.totals().link_flits.iter().sum::<u64>(), 2 * expected_flits);
}

#[test]
fn strict_mode_drops_or_defers_what_arrives_after_a_tiny_budget() {
    let tiny = MeshSettings { clock_hz: 1.0e6, step_seconds: 50.0e-6, ..MeshSettings::default() };
    let packets = nv_core::darwin3::bench::random_packets(200, 9);
    let mut none = MeshModel::new(tiny).expect("valid settings");
    let r = none.step(&packets, &[]).expect("valid");
    assert!(r.overrun && !r.late.is_empty());
    let late: Vec<u32> =
        (0..packets.len() as u32).filter(|&i| r.arrivals[i as usize] > 50).collect();
    assert_eq!(r.late, late);
    assert_eq!((r.dropped, r.deferred_out), (0, 0));

    let drop = MeshSettings { strict: StrictMode::DropLate, ..tiny };
    let d = MeshModel::new(drop).expect("valid settings").step(&packets, &[]).expect("valid");
    assert_eq!((d.late.clone(), d.dropped), (late.clone(), late.len()));

    let defer = MeshSettings { strict: StrictMode::DeferToNextStep, ..tiny };
    let mut model = MeshModel::new(defer).expect("valid settings");
    let first = model.step(&packets, &[]).expect("valid");
    assert_eq!((first.deferred_out, first.dropped), (late.len(), 0));
    let second = model.step(&[], &[]).expect("valid");
    assert_eq!(second.deferred_in, late.len());
    assert_eq!(second.hop_histogram.iter().sum::<u64>(), late.len() as u64);
    assert_eq!(second.dropped, second.late_deferred);
    assert!(model.deferred().is_empty());
}

#[test]
fn zigzag_follows_the_serpentine_walk() {
    let chunks: Vec<Chunk> = (0..100).map(|_| chunk(1000, false)).collect();
    let coords = place(&chunks, &local_graph(100, 1), Placement::zigzag()).expect("fits");
    let walk: Vec<CoreCoord> = zigzag_walk().take(100).collect();
    assert_eq!(coords, walk);
}

/// Five seeds of a 150-chunk local graph and of a 16-chunk random graph: greedy is cheaper than
/// zig-zag every time, and annealing (2·10⁴ moves) never raises the cost of either.
#[test]
fn greedy_beats_zigzag_and_annealing_never_hurts() {
    for seed in 0..5 {
        for (n, traffic) in [(150, local_graph(150, seed)), (16, random_graph(16, 40, seed))] {
            let chunks: Vec<Chunk> = (0..n).map(|_| chunk(2000, false)).collect();
            let zig = place(&chunks, &traffic, Placement::zigzag()).expect("fits");
            let greedy = place(&chunks, &traffic, Placement::greedy()).expect("fits");
            let (cz, cg) = (placement_cost(&zig, &traffic), placement_cost(&greedy, &traffic));
            assert!(cg < cz, "seed {seed}, {n} chunks: greedy {cg} vs zig-zag {cz}");
            let anneal = AnnealSettings { seed, ..AnnealSettings::default() };
            for (start, cost) in [(Placement::zigzag(), cz), (Placement::greedy(), cg)] {
                let refined = place(&chunks, &traffic, start.annealed(anneal)).expect("fits");
                assert!(placement_cost(&refined, &traffic) <= cost);
                check_placement(&chunks, &traffic, &refined).expect("valid");
                let again = place(&chunks, &traffic, start.annealed(anneal)).expect("fits");
                assert_eq!(refined, again, "annealing is a function of its seed");
            }
            if n == 16 {
                // A row of 16 chunks with random connections is far from optimal.
                let refined =
                    place(&chunks, &traffic, Placement::zigzag().annealed(anneal)).expect("fits");
                assert!(placement_cost(&refined, &traffic) < cz);
            }
        }
    }
}

/// Every method on graphs with host inputs and big chunks keeps the rules: distinct neuron cores,
/// big chunks on big cores, inputs at (−1 or 24, k mod 24), connections within reach.
#[test]
fn every_placement_keeps_the_rules() {
    let n = 300;
    let mut chunks: Vec<Chunk> =
        (0..n).map(|i| chunk(if i % 3 == 0 { 20_000 } else { 500 }, false)).collect();
    chunks.extend((0..30).map(|_| chunk(0, true)));
    let mut traffic = local_graph(n, 3);
    traffic.extend((0..30).map(|k| (n + k, k * 9, 5.0)));
    let methods = [
        Placement::greedy(),
        Placement::greedy().annealed(AnnealSettings { seed: 4, ..AnnealSettings::default() }),
        Placement::zigzag().annealed(AnnealSettings { seed: 4, ..AnnealSettings::default() }),
    ];
    for method in methods {
        let coords = place(&chunks, &traffic, method).expect("fits");
        check_placement(&chunks, &traffic, &coords).expect("valid");
        let mut seen = std::collections::BTreeSet::new();
        for (c, &at) in chunks.iter().zip(&coords) {
            if c.input {
                assert!(at.x == -1 || at.x == 24);
                continue;
            }
            assert!(at.is_neuron_core() && seen.insert(at), "{at:?}");
            if needs_big_core(c) {
                assert_eq!(at.kind(), CoreKind::Big);
            }
        }
        for (k, at) in coords[n..].iter().enumerate() {
            assert_eq!(at.y, (k % 24) as i32);
        }
    }
}

#[test]
fn a_full_chip_with_big_chunks_last_still_fits() {
    // 288 small chunks first would take the big cores the last 287 need, without the reserve.
    let chunks: Vec<Chunk> =
        (0..NEURON_CORES).map(|i| chunk(if i < 288 { 100 } else { 60_000 }, false)).collect();
    for method in [Placement::zigzag(), Placement::greedy()] {
        let coords = place(&chunks, &[], method).expect("575 chunks, 287 big, fit");
        for (c, at) in chunks.iter().zip(&coords) {
            if needs_big_core(c) {
                assert_eq!(at.kind(), CoreKind::Big, "{at:?}");
            }
        }
    }
}

#[test]
fn too_many_chunks_is_a_clear_error() {
    let chunks: Vec<Chunk> = (0..576).map(|_| chunk(100, false)).collect();
    let err = place(&chunks, &[], Placement::greedy()).expect_err("576 chunks cannot fit");
    assert_eq!(err, PlacementError::TooManyChunks { chunks: 576 });
    assert!(err.to_string().contains("575 neuron cores"), "{err}");
    let big: Vec<Chunk> = (0..288).map(|_| chunk(9000, false)).collect();
    let err = place(&big, &[], Placement::zigzag()).expect_err("288 big chunks cannot fit");
    assert_eq!(err, PlacementError::TooManyBigChunks { chunks: 288 });
}

#[test]
fn a_wide_dense_graph_is_repaired_and_an_impossible_one_is_a_clear_error() {
    // Two layers of 20 chunks, all to all: the zig-zag walk spreads them over 23 columns, so the
    // repair pass must move some of them.
    let chunks: Vec<Chunk> = (0..40).map(|_| chunk(1000, false)).collect();
    let traffic: Vec<(usize, usize, f64)> =
        (0..20).flat_map(|a| (20..40).map(move |b| (a, b, 1.0))).collect();
    let walk: Vec<CoreCoord> = zigzag_walk().take(40).collect();
    assert!(check_placement(&chunks, &traffic, &walk).is_err());
    for method in [Placement::zigzag(), Placement::greedy()] {
        let coords = place(&chunks, &traffic, method).expect("repairable");
        check_placement(&chunks, &traffic, &coords).expect("valid");
    }
    // 260 chunks all connected to each other would need a 16 × 16 window of 256 cores.
    let n = 260;
    let chunks: Vec<Chunk> = (0..n).map(|_| chunk(1000, false)).collect();
    let traffic: Vec<(usize, usize, f64)> =
        (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b, 1.0))).collect();
    let err = place(&chunks, &traffic, Placement::greedy()).expect_err("impossible");
    assert!(matches!(err, PlacementError::OutOfReach { .. }), "{err}");
    assert!(err.to_string().contains("at most 15"), "{err}");
}
