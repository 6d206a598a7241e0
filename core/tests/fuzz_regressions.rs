//! Presets the preset fuzzer (`app/tests/preset_fuzz.rs`) found crashing, each kept as a
//! regression test: they must build (or be refused with a located error), never panic.

mod common;

use nv_core::Mode;

/// `Random(p: 1e-45)`: the geometric gap between synapses is about 10^45, which overflowed
/// the index (a panic in debug builds, a wrap in release).
#[test]
fn a_vanishing_connection_probability_builds_no_synapse() {
    let text = include_str!("../../presets/spiking_feedforward.ron").replace(
        "connectivity: Random(p: 0.5), weight: Uniform(low: 3.0, high: 7.0), delay: 2",
        "connectivity: Random(p: 1e-45), weight: Uniform(low: 3.0, high: 7.0), delay: 2",
    );
    assert!(text.contains("Random(p: 1e-45)"), "the fixture still has the projection");
    let mut w = common::world(&text, Mode::Particle);
    w.advance(5);
    assert!(w.check().is_empty(), "{:?}", w.check());
}
