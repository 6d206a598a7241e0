//! Regression tests of the trust issue, as a user meets them in the window: the species
//! editor's add / duplicate / delete, every way of opening a preset keeping the engine and
//! taking the preset's mode, the Darwin3 tab that maps without waiting for input, a run that
//! meets a NaN stopping with the world kept finite, and what density mode says it shows.

mod common;

use common::{adapter_or_skip, kittest_wgpu_setup, lab, preset, tmp};
use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use nv_core::Mode;
use nv_core::backend::BackendKind;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;
use nv_lab::lab::darwin3::panel::MAPPING;
use nv_lab::lab::{LabOptions, panels};

/// Clicks the widget labelled `label` (the frames of the click and one more).
fn click(h: &mut Harness<'_, LabApp>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

/// Clicks the tab (a selectable label) named `label` (the same word may also be a heading),
/// and lets the panels settle to the new content's width.
fn tab(h: &mut Harness<'_, LabApp>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    h.run_steps(6);
}

/// Clicks the first widget labelled `label` (the species list's "➕ add" comes before the
/// release list's).
fn click_first(h: &mut Harness<'_, LabApp>, label: &str) {
    h.get_all_by_label(label).next().unwrap_or_else(|| panic!("no `{label}`")).click();
    h.step();
    h.step();
}

/// The species names of the world.
fn names(h: &Harness<'_, LabApp>) -> Vec<String> {
    h.state().sim().world().preset.species.iter().map(|s| s.name.clone()).collect()
}

/// The species editor's add and duplicate once crashed the window, every time: the handler
/// selected the new species and the same frame indexed the old, shorter list.
#[test]
fn species_add_duplicate_and_delete_work_on_the_shipped_presets() {
    for file in ["tiny_chain.ron", "spiral_film.ron", "cascade_critical.ron"] {
        let mut h = lab(preset(file));
        tab(&mut h, "Species");
        let before = names(&h);
        click_first(&mut h, "➕ add");
        let added = names(&h);
        assert_eq!(added.len(), before.len() + 1, "{file}: add makes a species");
        assert!(added.last().is_some_and(|n| n.starts_with("species")), "{file}: {added:?}");
        click(&mut h, "⎘ duplicate");
        let duplicated = names(&h);
        assert_eq!(duplicated.len(), before.len() + 2, "{file}: duplicate makes one more");
        assert!(
            duplicated.last().is_some_and(|n| n.contains("copy")),
            "{file}: the new species (selected after the add) is copied: {duplicated:?}"
        );
        click(&mut h, "🗑 delete");
        assert_eq!(names(&h).len(), before.len() + 1, "{file}: delete removes the selected one");
        h.run_steps(3);
        assert!(h.state().sim().world().check().is_empty(), "{file}: the world is sound");
    }
}

/// An edit queued against a list that has changed since is checked against the list as it
/// is: an index past its end changes nothing and says so.
#[test]
fn a_stale_species_edit_is_refused_with_a_message() {
    use nv_lab::lab::command::SpeciesListEdit;
    let mut h = lab(preset("tiny_chain.ron"));
    h.state_mut().queue(AppCommand::EditSpeciesList(SpeciesListEdit::Duplicate(7)));
    h.state_mut().queue(AppCommand::EditSpeciesList(SpeciesListEdit::Delete(0)));
    h.run_steps(2);
    assert_eq!(names(&h), vec!["pulse".to_string()], "nothing changed");
    assert!(h.query_by_label_contains("species not changed").is_some(), "the window says why");
}

/// A card load takes the preset's `run` mode (film_limit runs in twin mode).
#[test]
fn a_card_load_takes_the_presets_mode() {
    let mut h = lab(preset("tiny_chain.ron"));
    assert_eq!(h.state().sim().mode, Mode::Particle);
    click(&mut h, "FiLM limit");
    h.run_steps(2);
    assert_eq!(h.state().sim().world().preset.name, "FiLM limit");
    assert_eq!(h.state().sim().mode, Mode::Twin, "film_limit's run section asks for twin mode");
    click(&mut h, "Pathway carving");
    h.run_steps(2);
    assert_eq!(h.state().sim().world().preset.name, "Pathway carving");
    assert_eq!(h.state().sim().mode, Mode::Particle, "pathway_carving runs on particles");
}

/// Every way of opening a preset keeps the chosen engine: a card once switched the GPU engine
/// off until restart.
#[test]
fn a_card_load_keeps_the_gpu_engine() {
    if !adapter_or_skip("a_card_load_keeps_the_gpu_engine") {
        return;
    }
    let options = LabOptions { preset: Some(preset("tiny_chain.ron")), ..Default::default() };
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .wgpu_setup(kittest_wgpu_setup())
        .build_eframe(move |cc| LabApp::new(cc, options));
    h.run_steps(2);
    click(&mut h, "GPU");
    assert_eq!(h.state().sim().backend(), BackendKind::Gpu);
    click(&mut h, "Pathway carving");
    h.run_steps(2);
    assert_eq!(h.state().sim().world().preset.name, "Pathway carving");
    assert_eq!(h.state().sim().backend(), BackendKind::Gpu, "the card keeps the engine");
    assert!(h.state().sim().gpu.is_some(), "and the device");
    h.state_mut().queue(AppCommand::Step(3));
    h.run_steps(1);
    assert_eq!(h.state().sim().world().step, 3, "and runs on it");
}

/// Opened while paused on a spiking preset, the Darwin3 tab says it is mapping, and the
/// worker's result arrives without any input: the worker asks for a repaint when it is done.
#[test]
fn the_darwin3_tab_maps_without_waiting_for_input() {
    let mut h = lab(preset("spiking_feedforward.ron"));
    assert!(!h.state().sim().playing);
    click(&mut h, "Darwin3");
    assert!(h.state().darwin3_busy(), "the session started");
    assert!(h.query_by_label_contains("Mapping the network onto Darwin3").is_some());
    assert!(h.query_by_label_contains("No spiking network").is_none());
    assert!(MAPPING.contains("worker thread"));
    // Frames without input, as eframe runs them on the worker's repaint request.
    for _ in 0..600 {
        if h.state().darwin3_view().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.step();
    }
    assert!(h.state().darwin3_view().is_some(), "the mapping arrived");
    assert!(!h.state().darwin3_busy());
    assert!(h.query_by_label_contains("Mapping the network").is_none());
    // A switch in the tab is a command through the app's one applier: it reruns the session.
    click(&mut h, "saturation");
    assert!(h.state().darwin3_busy(), "removing a source reruns the session");
}

/// A run whose state goes non-finite stops: the window pauses, says what went wrong and where,
/// and the world is back at its last finite state.
#[test]
fn a_run_that_meets_a_nan_pauses_at_its_last_finite_state() {
    let dir = tmp("trust_ui", "nan");
    let path = dir.join("runaway.ron");
    let text = std::fs::read_to_string(preset("spiral_film.ron")).expect("the shipped preset");
    let text = text.replace("LearningRate((eta: 0.01,", "LearningRate((eta: 100.0,");
    std::fs::write(&path, text).expect("the test preset is written");
    let mut h = lab(path);
    click(&mut h, "▶ Play");
    h.run_steps(40);
    let sim = h.state().sim();
    assert!(!sim.playing, "the run paused");
    assert!(sim.world().nonfinite.is_none(), "the world is back at a finite state");
    assert!(sim.world().check().is_empty(), "{:?}", sim.world().check());
    assert!(sim.world().first_nonfinite().is_none());
    let shown = h.query_by_label_contains("Stopped: step").is_some();
    assert!(shown, "the window says why it stopped");
    assert!(h.query_by_label_contains("lr_mult").is_some(), "and names the quantity");
    // The message can be dismissed, and the world stays as it is.
    let step = h.state().sim().world().step;
    click(&mut h, "✖ dismiss");
    assert!(h.query_by_label_contains("Stopped: step").is_none());
    assert_eq!(h.state().sim().world().step, step);
}

/// "⏩ 100"-style batches stop at the step that meets a NaN instead of running into it again.
#[test]
fn a_batch_of_steps_stops_at_the_nan() {
    let dir = tmp("trust_ui", "nan_batch");
    let path = dir.join("runaway.ron");
    let text = std::fs::read_to_string(preset("spiral_film.ron")).expect("the shipped preset");
    let text = text.replace("LearningRate((eta: 0.01,", "LearningRate((eta: 100.0,");
    std::fs::write(&path, text).expect("the test preset is written");
    let mut h = lab(path);
    h.state_mut().queue(AppCommand::Step(500));
    h.run_steps(3);
    let w = h.state().sim().world();
    assert!(w.step < 20, "the batch stopped early, at step {}", w.step);
    assert!(w.nonfinite.is_none() && w.check().is_empty());
    assert!(h.query_by_label_contains("Stopped: step").is_some());
}

/// Density mode draws a docking ring only where at least the threshold of dockings is
/// expected, and calls its numbers expected values.
#[test]
fn density_mode_says_its_numbers_are_expected_values() {
    let mut h = lab(preset("tiny_chain.ron"));
    click(&mut h, "Density");
    assert_eq!(h.state().sim().mode, Mode::Density);
    h.state_mut().queue(AppCommand::Step(20));
    h.run_steps(2);
    assert!(h.query_by_label_contains("expected free").is_some());
    let ring = format!(
        "white ring: ≥ {} expected dockings this step",
        panels::network::DENSITY_RING_THRESHOLD
    );
    let legend = panels::network::legend(h.state().sim(), false);
    assert!(legend.contains(&ring), "the legend says when a ring is drawn: {legend:?}");
    let w = h.state().sim().world();
    let expected: f32 = w.docks.iter().sum();
    assert!(expected > 0.0, "expected dockings are positive everywhere they are drawn from");
}

/// A `Manual` species says how it is driven (nothing paints the brush yet).
#[test]
fn a_manual_species_says_how_it_is_driven() {
    let mut h = lab(preset("tiny_chain.ron"));
    tab(&mut h, "Species");
    let mut species = h.state().sim().world().preset.species.clone();
    species[0].emission.trigger = nv_core::species::Trigger::Manual;
    h.state_mut().queue(AppCommand::EditSpecies(species));
    h.run_steps(3);
    assert!(h.query_by_label_contains("nothing in the window or the command line").is_some());
}

/// File ▸ Open… and the frames until the lab's path box shows (where the system has no
/// file-dialog service, as here and in CI). `false` where a real dialog opened instead: the
/// caller has nothing to test then.
fn open_path_box(h: &mut Harness<'_, LabApp>) -> bool {
    h.state_mut().queue(AppCommand::OpenDialog);
    h.run_steps(2);
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.step();
        if h.query_by_label_contains("shows no file dialog").is_some() {
            return true;
        }
    }
    assert!(std::env::var("CI").is_err(), "CI has no file-dialog portal: the box must open");
    eprintln!("a real file dialog opened on this system: the path box is not needed");
    false
}

/// Without a file-dialog service (no desktop portal, as under Xvfb here and in CI), File ▸
/// Open… falls back to the lab's own path box: a path typed there (with Tab completion) opens
/// the preset. Where a real dialog opens instead, the test says so and stops.
#[test]
fn without_a_file_dialog_the_path_box_opens_the_preset() {
    let mut h = lab(preset("tiny_chain.ron"));
    if !open_path_box(&mut h) {
        return;
    }
    let target = preset("pathway_carving.ron");
    let text = target.display().to_string();
    let typed = &text[..text.len() - "way_carving.ron".len()];
    let field = h
        .query_all_by_role(Role::TextInput)
        .find(|n| n.value().is_some_and(|v| v.contains("presets")))
        .expect("the path box starts in the presets folder");
    field.focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text(typed.to_string()));
    h.step();
    h.key_press(egui::Key::Tab);
    h.run_steps(2);
    click(&mut h, "OK");
    h.run_steps(2);
    assert_eq!(h.state().sim().world().preset.name, "Pathway carving", "the typed path opened");
    assert!(h.query_by_label_contains("shows no file dialog").is_none(), "the box closed");
}

/// A small file that asks for more memory than the budget (2^31 vesicles) is refused by the
/// window too, with its place and the estimate, and the current world is kept.
#[test]
fn a_preset_over_the_memory_budget_is_refused_and_the_world_kept() {
    let dir = tmp("trust_ui", "memory");
    let path = dir.join("huge.ron");
    let text = std::fs::read_to_string(preset("tiny_chain.ron")).expect("the shipped preset");
    std::fs::write(&path, text.replace("capacity: 10000,", "capacity: 2147483648,"))
        .expect("written");
    let mut h = lab(preset("tiny_chain.ron"));
    h.state_mut().queue(AppCommand::Step(7));
    h.run_steps(2);
    h.state_mut().queue(AppCommand::LoadPreset(path.clone()));
    h.run_steps(2);
    assert_eq!(h.state().sim().world().step, 7, "the old world is kept");
    let located = format!("{}:", path.display());
    assert!(h.query_by_label_contains(&located).is_some(), "the error names the file");
    assert!(h.query_by_label_contains("budget").is_some(), "and the budget");
}

/// A message never moves or resizes the views: the network view draws its nodes at the same
/// places with an error shown as without it.
#[test]
fn a_message_does_not_move_the_network_view() {
    use nv_lab::lab::panels::network::node_positions_id;
    let positions = |h: &Harness<'_, LabApp>| -> Vec<egui::Pos2> {
        h.ctx.data(|d| d.get_temp(node_positions_id())).expect("the view records its nodes")
    };
    let mut h = lab(preset("tiny_chain.ron"));
    let before = positions(&h);
    let long =
        "a very long message that would push the view if it were laid out inline: ".repeat(8);
    h.state_mut().queue(AppCommand::ShowError(long));
    h.run_steps(3);
    assert!(h.query_by_label_contains("a very long message").is_some(), "the error is shown");
    assert_eq!(positions(&h), before, "the nodes did not move");
}

/// The path box: a listed entry is taken by clicking it, and Cancel closes the box without
/// doing anything.
#[test]
fn the_path_box_takes_a_clicked_entry_and_cancels() {
    let mut h = lab(preset("tiny_chain.ron"));
    if !open_path_box(&mut h) {
        return;
    }
    let entry = preset("sparse_agents.ron").canonicalize().expect("shipped");
    let listed = h
        .query_all_by_role(Role::Button)
        .filter_map(|n| n.accesskit_node().label())
        .find(|l| l.ends_with("sparse_agents.ron"));
    let listed = listed.expect("the presets folder's files are listed");
    click(&mut h, &listed);
    let taken = h
        .query_all_by_role(Role::TextInput)
        .any(|n| n.value().is_some_and(|v| v.ends_with("sparse_agents.ron")));
    assert!(taken, "the clicked entry is in the box");
    click(&mut h, "Cancel");
    assert!(h.query_by_label_contains("shows no file dialog").is_none(), "closed");
    assert_eq!(h.state().sim().world().preset.name, "Tiny chain", "nothing was opened");
    assert!(entry.is_file());
}
