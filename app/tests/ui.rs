//! Behaviour tests of the lab window, headless, with egui_kittest: the real [`LabApp`] runs
//! frame by frame and the tests act as a user would (clicking widgets found by their
//! accessibility label or text, clicking nodes in the network view) and check the simulation
//! the app holds.
//!
//! The harness gives the app no eframe storage, so no state saved by a previous run of the
//! lab is read; every test also names its preset. The app asks for a repaint every frame, so
//! the tests run a fixed number of frames (`step`, `run_steps`), never `run()`.

mod common;

use std::path::Path;

use common::{click_first_vesicle, lab, preset, tmp};
use eframe::egui::{self, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;
use nv_lab::lab::panels::network::node_positions_id;

/// The world's step count.
fn step_of(h: &Harness<'_, LabApp>) -> u64 {
    h.state().sim().world().step
}

/// Clicks the widget labelled `label`: runs the frames of the click (pointer move, press,
/// release: one each) and one more, since a frame's accessibility tree is built while the
/// click is handled and can still show what the click removes.
fn click(h: &mut Harness<'_, LabApp>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

#[test]
fn step_play_and_pause_move_the_step_count() {
    let mut h = lab(preset("tiny_chain.ron"));
    assert_eq!(step_of(&h), 0, "the lab opens paused");
    h.run_steps(5);
    assert_eq!(step_of(&h), 0, "nothing runs while paused");

    click(&mut h, "⏭ Step");
    assert_eq!(step_of(&h), 1, "Step takes exactly one step");
    h.run_steps(5);
    assert_eq!(step_of(&h), 1, "and pauses");

    click(&mut h, "▶ Play");
    assert!(h.state().sim().playing);
    let started = step_of(&h);
    h.run_steps(10);
    let ran = step_of(&h);
    assert!(ran > started, "Play runs the world ({started} → {ran})");
    assert!(ran <= started + 10, "at speed 1, at most one step a frame ({started} → {ran})");
    assert!(
        h.query_by_label_contains(&format!("step {ran} ·")).is_some(),
        "the top bar shows the step count"
    );

    click(&mut h, "⏸ Pause");
    assert!(!h.state().sim().playing);
    let paused = step_of(&h);
    h.run_steps(10);
    assert_eq!(step_of(&h), paused, "Pause stops the world");
    assert!(h.query_by_label("▶ Play").is_some(), "the button offers Play again");
}

#[test]
fn loading_a_preset_from_its_card_changes_the_graph() {
    let mut h = lab(preset("spiral_film.ron"));
    let before = h.state().sim().world().n();
    assert_ne!(before, 400, "the default preset is not the 20 × 20 grid");

    click(&mut h, "Pathway carving");
    h.run_steps(2);
    let sim = h.state().sim();
    assert_eq!(sim.world().n(), 400, "the 20 × 20 grid of the pathway carving preset");
    assert_eq!(sim.world().preset.name, "Pathway carving");
    let file = sim.path.as_deref().and_then(Path::file_name);
    assert_eq!(file.and_then(|f| f.to_str()), Some("pathway_carving.ron"));
    assert!(h.query_by_label_contains("Pathway carving — ").is_some(), "the view's title follows");
}

#[test]
fn a_malformed_preset_shows_its_error_and_keeps_the_world() {
    let dir = tmp("ui", "malformed");
    let bad = dir.join("bad_field.ron");
    // The tiny chain with an unknown field in its first species, on a line of its own.
    let good = std::fs::read_to_string(preset("tiny_chain.ron")).expect("the shipped preset");
    let anchor = "            name: \"pulse\",\n";
    assert!(good.contains(anchor), "the tiny chain's species is named pulse");
    let text = good.replacen(anchor, &format!("{anchor}            mobility_typo: 2.0,\n"), 1);
    let line = text.lines().position(|l| l.contains("mobility_typo")).expect("inserted") + 1;
    std::fs::write(&bad, text).expect("the bad preset is written");

    let mut h = lab(preset("tiny_chain.ron"));
    click(&mut h, "⏩ 100");
    assert_eq!(step_of(&h), 100);
    let nodes = h.state().sim().world().n();

    h.state_mut().queue(AppCommand::LoadPreset(bad.clone()));
    h.run_steps(2);
    let sim = h.state().sim();
    assert_eq!(sim.world().step, 100, "the old world keeps running from where it was");
    assert_eq!(sim.world().n(), nodes);
    assert_eq!(sim.world().preset.name, "Tiny chain");
    assert_eq!(sim.path.as_deref(), Some(preset("tiny_chain.ron").as_path()), "as opened");

    let located = format!("{}:{line}", bad.display());
    let error = h.get_by_label_contains(&located);
    let shown = format!("{error:?}");
    assert!(shown.contains("⚠"), "the error is shown as a warning: {shown}");
    assert!(shown.contains("mobility_typo"), "it names the unknown field: {shown}");

    // The old world still steps, and the error can be dismissed.
    click(&mut h, "⏭ Step");
    assert_eq!(step_of(&h), 101);
    click(&mut h, "✖ dismiss");
    assert!(h.query_by_label_contains(&located).is_none(), "dismissed");
}

#[test]
fn clicking_a_node_shows_it_in_the_inspector() {
    let mut h = lab(preset("tiny_chain.ron"));
    assert!(
        h.query_by_label("Click a node in the network to inspect it, or a vesicle to follow it.")
            .is_some()
    );

    // Where the network view drew node 3 last frame.
    let positions: Vec<Pos2> = h
        .ctx
        .data(|d| d.get_temp(node_positions_id()))
        .expect("the network view records where it drew the nodes");
    let at = positions[3];
    h.event(egui::Event::PointerMoved(at));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.step();
    h.run_steps(1);
    assert_eq!(h.state().selected(), Some(3), "the click selects the node under it");

    // The inspector's first rows: "node" 3 and "role · layer" with the node's role.
    let world = &h.state().sim().world();
    let role = format!("{} · {}", world.graph.role[3].name(), world.graph.layer[3]);
    let row_value = |name: &str| {
        let key = h.get_by_label(name).rect();
        let values: Vec<String> = h
            .get_all_by(|n| n.role() == egui::accesskit::Role::Label)
            .filter(|n| {
                let r = n.rect();
                r.min.x > key.max.x && r.center().y > key.min.y && r.center().y < key.max.y
            })
            .filter_map(|n| n.accesskit_node().value())
            .collect();
        values
    };
    let node = row_value("node");
    assert!(
        node.iter().any(|v| v == "3" || v.starts_with("3 ")),
        "the inspector's node row shows 3: {node:?}"
    );
    let roles = row_value("role · layer");
    assert!(roles.contains(&role), "the inspector shows the node's role {role:?}: {roles:?}");
}

#[test]
fn editing_a_species_changes_the_engine_without_a_reset() {
    let mut h = lab(preset("tiny_chain.ron"));
    click(&mut h, "⏩ 100");
    let (hop, live) = {
        let w = &h.state().sim().world();
        (w.species[0].hop, w.pool().map(|p| p.live))
    };
    assert_eq!(step_of(&h), 100);

    // The species editor's live edit: the first species three times as mobile.
    let mut species = h.state().sim().world().preset.species.clone();
    species[0].kernel.mobility *= 3.0;
    let mobility = species[0].kernel.mobility;
    h.state_mut().queue(AppCommand::EditSpecies(species));
    h.run_steps(2);

    let w = &h.state().sim().world();
    assert!(w.species[0].hop > hop, "the engine hops more often ({hop} → {})", w.species[0].hop);
    let dt = w.preset.dt;
    assert!((w.species[0].hop - (1.0 - (-mobility * dt).exp())).abs() < 1e-6, "H = 1 − exp(−μ dt)");
    assert_eq!(w.preset.species[0].kernel.mobility, mobility);
    assert_eq!(w.step, 100, "a live edit keeps the step count");
    assert_eq!(w.pool().map(|p| p.live), live, "and every vesicle");
    assert!(h.query_by_label_contains("species edit not applied").is_none(), "no error is shown");
    click(&mut h, "⏭ Step");
    assert_eq!(step_of(&h), 101, "the edited world runs on");
}

#[test]
fn clicking_a_vesicle_follows_it() {
    let mut h = lab(preset("tiny_chain.ron"));
    click(&mut h, "⏩ 100");
    let id = click_first_vesicle(&mut h);
    let tracked = h.state().sim().tracked.as_ref().map(|t| t.id);
    assert_eq!(tracked, Some(id), "the click follows the vesicle under it");
    assert!(
        h.query_by_label_contains(&format!("Vesicle #{id}")).is_some(),
        "the inspector shows the followed vesicle"
    );
}

#[test]
fn dragging_a_node_moves_it_and_dragging_elsewhere_pans() {
    let mut h = lab(preset("tiny_chain.ron"));
    h.run_steps(2);
    let positions = |h: &Harness<'_, LabApp>| -> Vec<Pos2> {
        h.ctx.data(|d| d.get_temp(node_positions_id())).expect("the view records its nodes")
    };
    let before = positions(&h);
    let drag = |h: &mut Harness<'_, LabApp>, from: Pos2, to: Pos2| {
        h.event(egui::Event::PointerMoved(from));
        h.event(egui::Event::PointerButton {
            pos: from,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::default(),
        });
        h.step();
        for k in 1..=4 {
            h.event(egui::Event::PointerMoved(from + (to - from) * (k as f32 / 4.0)));
            h.step();
        }
        h.event(egui::Event::PointerButton {
            pos: to,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::default(),
        });
        h.run_steps(2);
    };
    // Node 2 follows the pointer; the other nodes stay where they were.
    let target = before[2] + egui::vec2(0.0, 120.0);
    drag(&mut h, before[2], target);
    let after = positions(&h);
    assert!(after[2].distance(target) < 2.0, "node 2 at {:?}, wanted {target:?}", after[2]);
    for i in [0, 1, 3, 4] {
        assert!(
            after[i].distance(before[i]) < 0.5,
            "node {i} moved: {:?} → {:?}",
            before[i],
            after[i]
        );
    }
    // A drag on empty space pans every node by the same amount.
    let empty = before[0] + egui::vec2(0.0, -150.0);
    drag(&mut h, empty, empty + egui::vec2(40.0, 0.0));
    let panned = positions(&h);
    for i in 0..5 {
        let d = panned[i] - after[i];
        assert!((d.x - 40.0).abs() < 2.0 && d.y.abs() < 1.0, "node {i} moved by {d:?}");
    }
}
