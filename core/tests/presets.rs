//! Every shipped preset loads, validates, builds a world in both modes, keeps its invariants
//! for a few steps, and round-trips (load → save → load gives an equal preset).

use std::path::{Path, PathBuf};

use nv_core::{Mode, World, preset};

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("presets folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
}

const REQUIRED: [&str; 10] = [
    "spiral_film",
    "pathway_carving",
    "cascade_critical",
    "activator_inhibitor",
    "attention_limit",
    "film_limit",
    "sparse_agents",
    "tiny_chain",
    "spiking_feedforward",
    "spiking_recurrent_stdp",
];

#[test]
fn the_required_presets_ship() {
    let names: Vec<String> = shipped()
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    for r in REQUIRED {
        assert!(names.iter().any(|n| n == r), "presets/{r}.ron is missing");
    }
}

#[test]
fn every_preset_loads_runs_and_round_trips() {
    for path in shipped() {
        let p = preset::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.description.len() > 80, "{}: write a real description", path.display());
        let text = preset::to_string(&p).unwrap_or_else(|e| panic!("{e}"));
        let again = preset::from_str(&text, "<saved>").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p, again, "{} does not round-trip", path.display());
        for mode in [Mode::Particle, Mode::Density] {
            let mut w = World::load(&path, mode).unwrap_or_else(|e| panic!("{e}"));
            for _ in 0..20 {
                w.step_once();
            }
            let bad = w.check();
            assert!(bad.is_empty(), "{} ({mode:?}): {bad:?}", path.display());
        }
    }
}
