//! Presets of a few hundred bytes that ask for the machine are refused from their memory
//! estimate, before anything is built; the shipped presets stay well within the default budget.

use nv_core::preset::memory::{self, DEFAULT_BUDGET};
use nv_core::preset::{self, Preset};
use nv_core::{Mode, World};

fn parse(text: &str) -> Preset {
    preset::from_str(text, "big.ron").unwrap_or_else(|e| panic!("the preset parses: {e}"))
}

fn refusal(text: &str) -> String {
    let p = parse(text);
    match memory::check(&p, p.run.mode, DEFAULT_BUDGET) {
        Ok(e) => panic!("accepted with an estimate of {}", memory::human(e.total())),
        Err(e) => e.to_string(),
    }
}

fn tiny_chain() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../presets/tiny_chain.ron"))
        .expect("tiny_chain")
}

#[test]
fn a_huge_capacity_is_refused_with_the_estimate_and_budget() {
    let text = tiny_chain().replace("capacity: 10000,", "capacity: 2147483648,");
    let msg = refusal(&text);
    assert!(msg.contains("capacity = 2147483648"), "{msg}");
    assert!(msg.contains("over the memory budget of 8.0 GiB"), "{msg}");
    assert!(msg.contains("lower `capacity`"), "{msg}");
    // 2^31 × 75 B = 150 GiB.
    assert!(msg.contains("150.0 GiB"), "{msg}");
}

#[test]
fn huge_spiking_populations_with_long_delays_are_refused() {
    let text = r#"(
    format: 1, name: "big spiking", dt: 0.001,
    host: Spiking((
        populations: [
            (name: "a", size: 8000000, kind: Poisson(rate: 10.0)),
            (name: "b", size: 8000000, kind: Lif(())),
        ],
        projections: [(from: "a", to: "b", connectivity: OneToOne, weight: Constant(1.0), delay: 4096)],
    )),
    species: [],
)"#;
    let msg = refusal(text);
    assert!(msg.contains("host.Spiking"), "{msg}");
    assert!(msg.contains("in flight"), "{msg}");
}

#[test]
fn a_big_grid_with_many_species_is_refused() {
    let species: Vec<String> =
        (0..256).map(|k| format!("(name: \"s{k}\", emission: (rate: 1.0))")).collect();
    let text = format!(
        r#"(format: 1, name: "grid", host: Graph((graph: Grid(width: 1414, height: 1414, periodic: true, diagonal: true))), species: [{}])"#,
        species.join(", ")
    );
    let msg = refusal(&text);
    assert!(msg.contains("species"), "{msg}");
    assert!(msg.contains("256 species"), "{msg}");
}

/// 7000 × 7000 is 49 M edge pairs, stored twice on an undirected graph: about 12 GiB, refused;
/// directed, 49 M stored edges at about 120 B each (one species) fit in 8 GiB. The decision
/// follows the estimate, whatever it is.
#[test]
fn a_dense_layered_graph_is_judged_by_its_estimate() {
    for directed in [false, true] {
        let text = format!(
            r#"(format: 1, name: "layers", host: Graph((graph: Layered(sizes: [7000, 7000], density: 1.0), directed: {directed})), species: [(name: "v", emission: (rate: 1.0))])"#
        );
        let p = parse(&text);
        let e = memory::estimate(&p, Mode::Particle);
        let stored = if directed { 49e6 } else { 98e6 };
        // At least the graph's CSR and the world's per-edge arrays, 50 B per stored edge.
        assert!(e.total() > stored * 50.0, "{}", memory::human(e.total()));
        let refused = memory::check(&p, Mode::Particle, DEFAULT_BUDGET).is_err();
        assert_eq!(refused, e.total() > DEFAULT_BUDGET as f64);
        assert_eq!(refused, !directed, "{}", memory::human(e.total()));
    }
}

/// Every shipped preset, in every mode, is estimated under an eighth of the default budget,
/// and the estimate is at least what its world's main arrays take once built.
#[test]
fn shipped_presets_are_well_within_the_default_budget() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../presets");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("presets") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "ron") {
            continue;
        }
        let p = preset::load(&path).expect("a shipped preset loads");
        for mode in [Mode::Particle, Mode::Density, Mode::Twin] {
            let e = memory::check(&p, mode, DEFAULT_BUDGET / 8)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            assert!(e.total() > 0.0);
        }
        let w = World::load(&path, Mode::Particle).expect("builds");
        let e = memory::estimate(&p, Mode::Particle);
        let kernels = w.kernel.iter().map(|k| k.len() * 4).sum::<usize>();
        assert!(e.total() >= kernels as f64, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 10, "{seen} presets");
}
