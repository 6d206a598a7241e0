//! The timing model of the mesh for the panel (DARWIN3.md §4.8). It does not change what the
//! emulator delivers (every packet arrives next step); it estimates when packets would arrive
//! within the step, how loaded each link is and whether the step overruns its budget.
//!
//! Per step, the input is the packets (each with its injection cycle, counted from the start of
//! the step) and every core's compute cycles. Each packet follows its X-then-Y route
//! ([`links::route`]) and then the LOCAL ejection port of its destination.
//!
//! Without contention a packet injected at `t0` with `F` flits and `h` hops arrives at
//! `t0 + h · t_hop + F − 1`.
//!
//! With contention, each directed link and each ejection port carries at most one flit per cycle.
//! The exact approximation (virtual cut-through with unbounded router buffers):
//! - packets are processed one after the other in injection order (ties keep input order); a
//!   packet never overtakes one processed before it on a shared link or port;
//! - each link or port keeps one number, the cycle from which it is free. The packet's head
//!   reaches the next link at cycle `t` and enters it at `s = max(t, free)`; the link is then
//!   busy for `F` cycles (`free = s + F`) and the head reaches the following link at
//!   `s + t_hop`;
//! - after the last link the head takes the ejection port the same way, and the tail arrives
//!   `t_hop + F − 1` cycles after the head entered it;
//! - a blocked head does not hold the links behind it (its flits wait in the router's buffer),
//!   and a gap left on a link before a later-processed packet's reservation is never filled by an
//!   earlier one. So the delays are those of a FIFO per link in processing order, and the cost is
//!   O(links crossed) per packet with no per-cycle simulation.
//!
//! A core finishes a step at `max(compute cycles, last arrival at it)` (injection cycles already
//! count the sender's compute time, so the two are not added); the step makespan is the latest
//! finish over all cores and host edges. A makespan above the budget `clock × step duration`
//! flags an overrun. Strict mode decides what happens to packets arriving after the budget.

use serde::{Deserialize, Serialize};

use super::geometry::{CoreCoord, GRID};
use super::links::{self, LINK_SLOTS};
use super::packet::Packet;

/// Tiles on the chip.
const TILES: usize = (GRID * GRID) as usize;
/// Ejection ports: one per tile, then one per virtual host coordinate (west rows, east rows).
const PORTS: usize = TILES + 2 * GRID as usize;
/// Bins of the hop histogram: the longest route, from one host edge to the other across every
/// row, has 25 + 23 + 1 links plus the ejection.
pub const HOP_BINS: usize = 51;

/// What happens to packets that arrive after the step's budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StrictMode {
    /// Late packets are only counted (default).
    #[default]
    None,
    /// Late packets are dropped.
    DropLate,
    /// Late packets are delivered one step later: the model re-injects them at cycle 0 of the
    /// next step from their source. A deferred packet that is late again is dropped.
    DeferToNextStep,
}

/// Settings of the timing model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeshSettings {
    /// Chip clock, Hz (default 333 MHz, the runtime's default).
    pub clock_hz: f64,
    /// Length of a time step, seconds (default 0.5 ms, the board's default `step_size`).
    pub step_seconds: f64,
    /// Cycles per hop (default 1).
    pub t_hop: u64,
    /// Whether links and ejection ports carry at most one flit per cycle (default on).
    pub contention: bool,
    /// What happens to late packets (default: counted only).
    pub strict: StrictMode,
}

impl Default for MeshSettings {
    fn default() -> Self {
        Self {
            clock_hz: 333.0e6,
            step_seconds: 0.5e-3,
            t_hop: 1,
            contention: true,
            strict: StrictMode::None,
        }
    }
}

impl MeshSettings {
    /// The step budget in cycles, `round(clock × step duration)` (166,500 by default).
    pub fn budget_cycles(&self) -> u64 {
        (self.clock_hz * self.step_seconds).round().max(0.0) as u64
    }
}

/// Input the model cannot time.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MeshError {
    /// A packet starts or ends off the chip and off the host edges.
    #[error(
        "packet {packet}: {end} ({x}, {y}) is neither a tile (x, y in 0..24) nor a host edge \
         (x = -1 or 24, y in 0..24)"
    )]
    BadEndpoint {
        /// Index of the packet in the step's input.
        packet: usize,
        /// "source" or "destination".
        end: &'static str,
        /// Its x.
        x: i32,
        /// Its y.
        y: i32,
    },
    /// The compute cycles are not one per tile.
    #[error("compute cycles: {got} values, expected one per tile ({TILES}) or none")]
    ComputeLength {
        /// Values given.
        got: usize,
    },
    /// The settings give no usable budget or hop time.
    #[error(
        "mesh settings: clock {clock_hz} Hz, step {step_seconds} s and t_hop {t_hop} must be \
         finite and positive"
    )]
    BadSettings {
        /// The clock.
        clock_hz: f64,
        /// The step duration.
        step_seconds: f64,
        /// Cycles per hop.
        t_hop: u64,
    },
}

/// What one step of traffic did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Flits per directed link, by dense link index ([`links::Link::index`], [`LINK_SLOTS`]).
    pub link_flits: Vec<u64>,
    /// Packets sent per tile (row-major index), mirrors `SR_SPKOUTCNT`.
    pub packets_out: Vec<u32>,
    /// Packets received per tile (row-major index), mirrors `SR_SPKINCNT`.
    pub packets_in: Vec<u32>,
    /// Packets sent from the host edges.
    pub host_out: u64,
    /// Packets received by the host edges.
    pub host_in: u64,
    /// Packets per hop count (index = hops, [`HOP_BINS`] bins).
    pub hop_histogram: Vec<u64>,
    /// Arrival cycle of the tail flit of each input packet, in input order.
    pub arrivals: Vec<u64>,
    /// Packets deferred from the previous step and re-injected at cycle 0 of this one.
    pub deferred_in: usize,
    /// Latest finish over all cores and host edges, cycles.
    pub makespan: u64,
    /// The step budget, cycles.
    pub budget: u64,
    /// Whether the makespan exceeds the budget.
    pub overrun: bool,
    /// Input packets (indices) arriving after the budget, in input order.
    pub late: Vec<u32>,
    /// Deferred packets (re-injected this step) that arrived late again; they are dropped.
    pub late_deferred: usize,
    /// Packets dropped for being late (input ones and late deferred ones).
    pub dropped: usize,
    /// Packets deferred to the next step.
    pub deferred_out: usize,
}

/// Totals over every step run since the model was made or reset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MeshTotals {
    /// Steps run.
    pub steps: u64,
    /// Packets routed (deferred ones count again in the step they are re-injected).
    pub packets: u64,
    /// Flits per directed link, by dense link index (for drawing link loads).
    pub link_flits: Vec<u64>,
    /// Packets sent per tile.
    pub packets_out: Vec<u64>,
    /// Packets received per tile.
    pub packets_in: Vec<u64>,
    /// Packets per hop count.
    pub hop_histogram: Vec<u64>,
    /// The makespan of every step, cycles, in step order.
    pub makespans: Vec<u64>,
    /// Steps that overran the budget.
    pub overruns: u64,
    /// Packets that arrived late.
    pub late: u64,
    /// Packets dropped.
    pub dropped: u64,
    /// Packets deferred.
    pub deferred: u64,
}

/// The mesh timing model: settings, the packets deferred to the next step and run totals.
#[derive(Clone, Debug)]
pub struct MeshModel {
    settings: MeshSettings,
    deferred: Vec<Packet>,
    totals: MeshTotals,
}

impl MeshModel {
    /// A model with `settings`, checked.
    pub fn new(settings: MeshSettings) -> Result<Self, MeshError> {
        let ok = settings.clock_hz.is_finite()
            && settings.clock_hz > 0.0
            && settings.step_seconds.is_finite()
            && settings.step_seconds > 0.0
            && settings.t_hop > 0;
        if !ok {
            return Err(MeshError::BadSettings {
                clock_hz: settings.clock_hz,
                step_seconds: settings.step_seconds,
                t_hop: settings.t_hop,
            });
        }
        Ok(Self { settings, deferred: Vec::new(), totals: empty_totals() })
    }

    /// The settings.
    pub fn settings(&self) -> &MeshSettings {
        &self.settings
    }

    /// Totals since the model was made or reset.
    pub fn totals(&self) -> &MeshTotals {
        &self.totals
    }

    /// Packets waiting to be re-injected next step (strict mode "defer").
    pub fn deferred(&self) -> &[Packet] {
        &self.deferred
    }

    /// Forgets the totals and the deferred packets.
    pub fn reset(&mut self) {
        self.deferred.clear();
        self.totals = empty_totals();
    }

    /// Times one step: `packets` with their injection cycles and `compute_cycles`, one per tile in
    /// row-major order (or empty for none). Deferred packets from the previous step go first.
    pub fn step(
        &mut self,
        packets: &[Packet],
        compute_cycles: &[u64],
    ) -> Result<StepReport, MeshError> {
        if !compute_cycles.is_empty() && compute_cycles.len() != TILES {
            return Err(MeshError::ComputeLength { got: compute_cycles.len() });
        }
        for (i, p) in packets.iter().enumerate() {
            for (end, c) in [("source", p.src), ("destination", p.dst)] {
                if !links::is_endpoint(c) {
                    return Err(MeshError::BadEndpoint { packet: i, end, x: c.x, y: c.y });
                }
            }
        }
        let deferred = std::mem::take(&mut self.deferred);
        // Processing order: deferred packets (re-injected at cycle 0) first, then the inputs, by
        // injection cycle; the (cycle, position) key makes the unstable sort keep input order.
        // The packets are copied into that order so the loop below reads them sequentially.
        let deferred_in = deferred.len();
        let mut order: Vec<(u64, u32, Packet)> = deferred
            .iter()
            .map(|&p| (0, p))
            .chain(packets.iter().map(|&p| (p.inject_cycle, p)))
            .enumerate()
            .map(|(k, (cycle, p))| (cycle, k as u32, p))
            .collect();
        if !order.is_sorted_by_key(|&(cycle, _, _)| cycle) {
            order.sort_unstable_by_key(|&(cycle, k, _)| (cycle, k));
        }

        let budget = self.settings.budget_cycles();
        let t_hop = self.settings.t_hop;
        let mut report = StepReport {
            link_flits: vec![0; LINK_SLOTS],
            packets_out: vec![0; TILES],
            packets_in: vec![0; TILES],
            host_out: 0,
            host_in: 0,
            hop_histogram: vec![0; HOP_BINS],
            arrivals: vec![0; packets.len()],
            deferred_in,
            makespan: compute_cycles.iter().copied().max().unwrap_or(0),
            budget,
            overrun: false,
            late: Vec::new(),
            late_deferred: 0,
            dropped: 0,
            deferred_out: 0,
        };
        let mut link_free = vec![0u64; if self.settings.contention { LINK_SLOTS } else { 0 }];
        let mut port_free = vec![0u64; if self.settings.contention { PORTS } else { 0 }];

        for &(inject_cycle, k, p) in &order {
            let input = (k as usize).checked_sub(deferred_in);
            let flits = u64::from(p.class.flits());
            let mut head = inject_cycle;
            let mut links_crossed = 0usize;
            for link in links::route(p.src, p.dst) {
                let i = link.index();
                report.link_flits[i] += flits;
                links_crossed += 1;
                if self.settings.contention {
                    let enter = head.max(link_free[i]);
                    link_free[i] = enter + flits;
                    head = enter + t_hop;
                } else {
                    head += t_hop;
                }
            }
            if self.settings.contention {
                let port = port_index(p.dst);
                head = head.max(port_free[port]);
                port_free[port] = head + flits;
            }
            let arrival = head + t_hop + flits - 1;
            report.hop_histogram[(links_crossed + 1).min(HOP_BINS - 1)] += 1;
            count_end(p.src, &mut report.packets_out, &mut report.host_out);
            count_end(p.dst, &mut report.packets_in, &mut report.host_in);
            report.makespan = report.makespan.max(arrival);
            let late = arrival > budget;
            match input {
                Some(i) => {
                    report.arrivals[i] = arrival;
                    if late {
                        report.late.push(i as u32);
                    }
                }
                None => report.late_deferred += usize::from(late),
            }
            if late {
                let defer = self.settings.strict == StrictMode::DeferToNextStep && input.is_some();
                if defer {
                    self.deferred.push(p);
                    report.deferred_out += 1;
                } else if self.settings.strict != StrictMode::None {
                    report.dropped += 1;
                }
            }
        }
        report.late.sort_unstable();
        report.overrun = report.makespan > budget;
        self.add_to_totals(&report, order.len());
        Ok(report)
    }

    fn add_to_totals(&mut self, report: &StepReport, packets: usize) {
        let t = &mut self.totals;
        t.steps += 1;
        t.packets += packets as u64;
        add_into(&mut t.link_flits, report.link_flits.iter().copied());
        add_into(&mut t.packets_out, report.packets_out.iter().map(|&n| u64::from(n)));
        add_into(&mut t.packets_in, report.packets_in.iter().map(|&n| u64::from(n)));
        add_into(&mut t.hop_histogram, report.hop_histogram.iter().copied());
        t.makespans.push(report.makespan);
        t.overruns += u64::from(report.overrun);
        t.late += (report.late.len() + report.late_deferred) as u64;
        t.dropped += report.dropped as u64;
        t.deferred += report.deferred_out as u64;
    }
}

/// Totals with zeroed per-link, per-tile and per-hop vectors.
fn empty_totals() -> MeshTotals {
    MeshTotals {
        link_flits: vec![0; LINK_SLOTS],
        packets_out: vec![0; TILES],
        packets_in: vec![0; TILES],
        hop_histogram: vec![0; HOP_BINS],
        ..MeshTotals::default()
    }
}

/// Adds `values` element-wise into `into`.
fn add_into(into: &mut [u64], values: impl Iterator<Item = u64>) {
    for (a, b) in into.iter_mut().zip(values) {
        *a += b;
    }
}

/// Counts a packet at a tile or at the host.
fn count_end(c: CoreCoord, per_tile: &mut [u32], host: &mut u64) {
    if c.on_chip() {
        per_tile[c.index()] += 1;
    } else {
        *host += 1;
    }
}

/// The ejection port of an endpoint: its tile, or one per virtual host coordinate.
fn port_index(c: CoreCoord) -> usize {
    if c.on_chip() {
        c.index()
    } else if c.x == links::WEST_EDGE_X {
        TILES + c.y as usize
    } else {
        TILES + GRID as usize + c.y as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::darwin3::links::{Direction, Link};
    use crate::darwin3::packet::PacketClass;

    fn packet(src: (i32, i32), dst: (i32, i32), class: PacketClass, t: u64) -> Packet {
        Packet {
            src: CoreCoord::new(src.0, src.1),
            dst: CoreCoord::new(dst.0, dst.1),
            class,
            inject_cycle: t,
        }
    }

    fn load(report: &StepReport, x: i32, y: i32, dir: Direction) -> u64 {
        report.link_flits[Link { from: CoreCoord::new(x, y), dir }.index()]
    }

    #[test]
    fn budget_is_clock_times_step() {
        assert_eq!(MeshSettings::default().budget_cycles(), 166_500);
    }

    #[test]
    fn free_mesh_arrival_is_hops_plus_flits() {
        let settings = MeshSettings { contention: false, ..MeshSettings::default() };
        let mut mesh = MeshModel::new(settings).expect("valid settings");
        let p = [
            packet((2, 5), (4, 3), PacketClass::Spike, 10),
            packet((2, 5), (4, 3), PacketClass::Write, 10),
        ];
        let r = mesh.step(&p, &[]).expect("valid packets");
        // h = 2 + 2 + 1 = 5 hops; the tail follows F − 1 cycles after the head.
        assert_eq!(r.arrivals, vec![10 + 5 + 1, 10 + 5 + 3]);
        assert_eq!(r.hop_histogram[5], 2);
        assert_eq!(r.makespan, 18);
    }

    #[test]
    fn link_loads_of_a_hand_computed_example() {
        let mut mesh = MeshModel::new(MeshSettings::default()).expect("valid settings");
        let p = [
            packet((1, 1), (3, 1), PacketClass::Spike, 0),
            packet((2, 1), (2, 3), PacketClass::Write, 0),
            packet((-1, 1), (2, 2), PacketClass::Spike, 0),
        ];
        let r = mesh.step(&p, &[]).expect("valid packets");
        assert_eq!(load(&r, 1, 1, Direction::East), 2 + 2);
        assert_eq!(load(&r, 2, 1, Direction::East), 2);
        assert_eq!(load(&r, 2, 1, Direction::South), 4 + 2);
        assert_eq!(load(&r, 2, 2, Direction::South), 4);
        assert_eq!(load(&r, -1, 1, Direction::East), 2);
        assert_eq!(load(&r, 0, 1, Direction::East), 2);
        assert_eq!(r.link_flits.iter().sum::<u64>(), 2 * 2 + 4 * 2 + 2 * 4);
        assert_eq!(r.packets_out[CoreCoord::new(2, 1).index()], 1);
        assert_eq!(r.packets_in[CoreCoord::new(2, 3).index()], 1);
        assert_eq!((r.host_out, r.host_in), (1, 0));
        // A and B cross 2 links each, C 4 (the west edge link included), plus the ejection.
        assert_eq!(r.hop_histogram[3], 2);
        assert_eq!(r.hop_histogram[5], 1);
    }

    #[test]
    fn a_shared_link_delays_the_second_packet_by_its_flits() {
        let mut mesh = MeshModel::new(MeshSettings::default()).expect("valid settings");
        let p = [
            packet((0, 1), (3, 1), PacketClass::Spike, 0),
            packet((0, 1), (3, 1), PacketClass::Spike, 0),
            // Shares only the link (1, 1) → (2, 1), which the first two hold at cycles 1..5.
            packet((1, 1), (2, 4), PacketClass::Spike, 0),
        ];
        let r = mesh.step(&p, &[]).expect("valid packets");
        // Free: 0 + 4 hops + 1. Second: waits 2 cycles at the first link.
        assert_eq!(r.arrivals[0], 5);
        assert_eq!(r.arrivals[1], 7);
        // The third enters (1, 1) east at cycle 5 (after 1..3 and 3..5), then 3 links south
        // and the ejection (5 hops from cycle 5), tail one cycle later.
        assert_eq!(r.arrivals[2], 5 + 5 + 1);
        let free = MeshSettings { contention: false, ..MeshSettings::default() };
        let r = MeshModel::new(free).expect("valid settings").step(&p, &[]).expect("valid");
        assert_eq!(r.arrivals, vec![5, 5, 6]);
    }

    #[test]
    fn packets_are_timed_in_injection_order_whatever_the_input_order() {
        let a = packet((0, 2), (5, 2), PacketClass::Write, 3);
        let b = packet((1, 2), (6, 2), PacketClass::Spike, 1);
        let mut mesh = MeshModel::new(MeshSettings::default()).expect("valid settings");
        let ab = mesh.step(&[a, b], &[]).expect("valid");
        let ba = mesh.step(&[b, a], &[]).expect("valid");
        assert_eq!(ab.arrivals, vec![ba.arrivals[1], ba.arrivals[0]]);
        // b (injected at 1) is timed first and stays one link ahead of a: neither waits.
        assert_eq!(ab.arrivals[0], 3 + 6 + 3);
        assert_eq!(ab.arrivals[1], 1 + 6 + 1);
    }

    #[test]
    fn a_tiny_budget_flags_an_overrun() {
        let settings =
            MeshSettings { clock_hz: 1.0e6, step_seconds: 10.0e-6, ..Default::default() };
        let mut mesh = MeshModel::new(settings).expect("valid settings");
        assert_eq!(mesh.settings().budget_cycles(), 10);
        let r = mesh.step(&[packet((1, 0), (3, 0), PacketClass::Spike, 0)], &[]).expect("valid");
        assert_eq!((r.makespan, r.overrun), (4, false));
        let mut compute = vec![0; TILES];
        compute[7] = 11;
        let r = mesh.step(&[], &compute).expect("valid");
        assert_eq!((r.makespan, r.overrun), (11, true));
        let r = mesh.step(&[packet((1, 0), (20, 9), PacketClass::Spike, 0)], &[]).expect("valid");
        assert!(r.overrun);
        assert_eq!(r.late, vec![0]);
        assert_eq!(r.dropped, 0);
        assert_eq!(mesh.totals().makespans, vec![4, 11, 30]);
        assert_eq!((mesh.totals().overruns, mesh.totals().late), (2, 1));
    }

    #[test]
    fn strict_modes_drop_or_defer_late_packets() {
        let tiny = MeshSettings { clock_hz: 1.0e6, step_seconds: 10.0e-6, ..Default::default() };
        let late = packet((1, 0), (12, 0), PacketClass::Spike, 0); // arrives at 13
        let near = packet((1, 0), (2, 0), PacketClass::Spike, 0); // arrives at 3
        let drop = MeshSettings { strict: StrictMode::DropLate, ..tiny };
        let mut mesh = MeshModel::new(drop).expect("valid settings");
        let r = mesh.step(&[late, near], &[]).expect("valid");
        assert_eq!((r.late.clone(), r.dropped, r.deferred_out), (vec![0], 1, 0));
        assert!(mesh.deferred().is_empty());

        let defer = MeshSettings { strict: StrictMode::DeferToNextStep, ..tiny };
        let mut mesh = MeshModel::new(defer).expect("valid settings");
        let r = mesh.step(&[near, late], &[]).expect("valid");
        assert_eq!((r.late.clone(), r.dropped, r.deferred_out), (vec![1], 0, 1));
        assert_eq!(mesh.deferred(), &[late]);
        let r = mesh.step(&[near], &[]).expect("valid");
        // The deferred packet is re-injected at cycle 0, still late, and dropped this time.
        assert_eq!((r.deferred_in, r.late_deferred, r.dropped, r.deferred_out), (1, 1, 1, 0));
        assert!(r.late.is_empty());
        assert_eq!(r.hop_histogram.iter().sum::<u64>(), 2);
        assert!(mesh.deferred().is_empty());
        let t = mesh.totals();
        assert_eq!((t.steps, t.packets, t.late, t.dropped, t.deferred), (2, 4, 2, 1, 1));
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut mesh = MeshModel::new(MeshSettings::default()).expect("valid settings");
        let off = packet((1, 0), (25, 0), PacketClass::Spike, 0);
        assert!(matches!(
            mesh.step(&[off], &[]),
            Err(MeshError::BadEndpoint { packet: 0, end: "destination", x: 25, y: 0 })
        ));
        assert!(matches!(mesh.step(&[], &[1, 2]), Err(MeshError::ComputeLength { got: 2 })));
        let bad = MeshSettings { clock_hz: f64::NAN, ..MeshSettings::default() };
        assert!(MeshModel::new(bad).is_err());
        assert_eq!(mesh.totals().steps, 0);
    }
}
