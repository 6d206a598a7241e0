//! The species editor's tests: the list edits, the release kinds, live edits of both
//! twins, and every section drawn on every shipped preset.

use super::*;
use nv_core::preset::species_edits::{
    duplicate_species, remove_species, rename_species, unique_name,
};

fn named(name: &str) -> Species {
    new_species(name, 0)
}

#[test]
fn node_lists_parse() {
    assert_eq!(parse_node_list("0, 3, 7", 8), Ok(vec![0, 3, 7]));
    assert_eq!(parse_node_list(" 1 2,,3 ", 8), Ok(vec![1, 2, 3]));
    assert_eq!(parse_node_list("", 8), Ok(vec![]));
    assert!(parse_node_list("0, x", 8).is_err());
    assert!(parse_node_list("-1", 8).is_err());
    assert!(parse_node_list("8", 8).is_err());
    assert_eq!(format_node_list(&[0, 3, 7]), "0, 3, 7");
    let ids = vec![4, 1, 9];
    assert_eq!(parse_node_list(&format_node_list(&ids), 10), Ok(ids));
}

#[test]
fn every_release_kind_has_a_default() {
    for (i, name) in ReleaseOp::KINDS.iter().enumerate() {
        let op = ReleaseOp::of_kind(i, "self");
        assert_eq!(op.kind_name(), *name);
        assert!(!op.doc().is_empty());
    }
}

fn load(name: &str, mode: nv_core::Mode) -> Simulation {
    let path = crate::cli::presets_dir().join(name);
    Simulation::load(&path, mode).expect("the shipped preset loads")
}

#[test]
fn a_rename_is_a_live_edit_of_both_twins() {
    let mut sim = load("activator_inhibitor.ron", nv_core::Mode::Twin);
    for _ in 0..5 {
        sim.step();
    }
    let alive = sim.world().pool().map(|p| p.len());
    let mut list = sim.world().preset.species.clone();
    rename_species(&mut list, 1, "damper").expect("a fresh name is accepted");
    sim.edit_species(list).expect("a consistent rename is a valid live edit");
    assert_eq!(sim.world().pool().map(|p| p.len()), alive, "every vesicle is kept");
    let twin = sim.twin.as_ref().expect("twin mode has a twin");
    for w in [sim.world(), twin] {
        assert_eq!(w.preset.species[1].name, "damper");
        assert!(matches!(&w.preset.species[0].releases[1],
            ReleaseOp::EmissionGain { species, .. } if species == "damper"));
    }
    sim.step();
}

#[test]
fn a_bad_edit_leaves_the_world_as_it_was() {
    let mut sim = load("activator_inhibitor.ron", nv_core::Mode::Twin);
    let before = sim.world().preset.species.clone();
    let mut list = before.clone();
    list[0].absorption = 2.0;
    assert!(sim.edit_species(list).is_err());
    let mut list = before.clone();
    list[0].name = "inhibitor".into();
    assert!(sim.edit_species(list).is_err(), "duplicate names are refused");
    let mut list = before.clone();
    list.push(new_species("extra", 2));
    assert!(sim.edit_species(list).is_err(), "a live edit keeps the count");
    assert_eq!(sim.world().preset.species, before);
    assert_eq!(sim.twin.as_ref().map(|t| &t.preset.species), Some(&before));
}

#[test]
fn add_duplicate_and_delete_rebuild_valid_worlds() {
    let sim = load("activator_inhibitor.ron", nv_core::Mode::Particle);
    let mut list = sim.world().preset.species.clone();
    duplicate_species(&mut list, 0);
    let name = unique_name(&list, "species");
    list.push(new_species(&name, list.len()));
    for kind in 0..ReleaseOp::KINDS.len() {
        list[3].releases.push(ReleaseOp::of_kind(kind, "activator"));
    }
    remove_species(&mut list, 1);
    let mut preset = sim.world().preset.clone();
    preset.species = list;
    let rebuilt = sim.rebuilt(preset, nv_core::Mode::Particle).expect("the edited list builds");
    assert_eq!(rebuilt.world().species.len(), 3);
}

/// Draws every section of every species of every shipped preset (and the tuning panel)
/// twice, headless: nothing panics, and drawing alone changes no value (no spurious edit).
#[test]
fn drawing_changes_nothing() {
    let dir = crate::cli::presets_dir();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the presets folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let ctx = egui::Context::default();
    for path in paths {
        let mut sim = Simulation::load(&path, nv_core::Mode::Twin).expect("shipped presets load");
        sim.step();
        let world = sim.world();
        let cx = Context {
            graph: &world.graph,
            meta: world.preset.meta.iter().map(|m| m.name.clone()).collect(),
            names: world.preset.species.iter().map(|s| s.name.clone()).collect(),
            receptor_default: world.preset.receptors.default,
            receptor_overrides: world.preset.receptors.overrides.len(),
        };
        let original = world.preset.species.clone();
        let mut species = original.clone();
        let mut commands = Vec::new();
        for _ in 0..2 {
            let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
                let mut state = EditorState::default();
                for k in 0..species.len() {
                    identity(ui, &mut state, &mut species, k);
                    let s = &mut species[k];
                    emission(ui, &mut state, &cx, k, &mut s.emission);
                    lifetime(ui, s);
                    kernel(ui, &mut state, &cx, &mut s.kernel);
                    docking(ui, &cx, &mut s.docking);
                    let own = s.name.clone();
                    release_ops(ui, &mut state, &cx, &own, &mut s.releases);
                }
                draw(ui, &sim, &mut commands);
                super::super::release_tuning::draw(ui, &sim, &mut commands);
            });
            out.textures_delta.clear();
        }
        assert_eq!(species, original, "{}", path.display());
        assert!(commands.is_empty(), "{}: {commands:?}", path.display());
    }
}

#[test]
fn new_species_is_valid() {
    let s = named("x");
    assert!(s.lifetime.mean > 0.0 && s.scale > 0.0 && s.kernel.temperature > 0.0);
    assert!((0.0..=1.0).contains(&s.absorption));
}
