//! Cascades in the window: the Releases tab states the branching ratio of a `Cascade` release
//! by MODEL §6's law and as measured over the run.

mod common;

use common::{lab, preset};
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use nv_lab::lab::command::AppCommand;

/// `cascade_critical`'s description works out m = χ·E = 0.99; the tab says the same, and the
/// measured ratio after a run.
#[test]
fn the_releases_tab_states_the_branching_ratio() {
    let mut h = lab(preset("cascade_critical.ron"));
    h.get_by_role_and_label(Role::Button, "Releases").click();
    h.run_steps(4);
    h.state_mut().queue(AppCommand::Step(2000));
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("branching ratio m = χ·E = 0.990").is_some(),
        "the law's ratio is shown"
    );
    assert!(h.query_by_label_contains("mean cascade size 1/(1 − m) = 100").is_some());
    assert!(h.query_by_label_contains("measured over the run: m̂ = ").is_some());
}

/// The Cascades tab lists open and finished cascades; a header sorts by its column (again:
/// the other way), and the minimum size filters.
#[test]
fn the_cascades_tab_lists_sorts_and_filters() {
    let mut h = lab(preset("cascade_critical.ron"));
    h.state_mut().queue(AppCommand::Step(3000));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Cascades").click();
    h.run_steps(4);
    let w = h.state().sim().world();
    let (open, finished) = (w.cascades.open_count(), w.cascades.finished_total);
    assert!(finished > 100, "3000 steps finish many cascades: {finished}");
    let summary = format!("{open} open · {finished} finished in all");
    assert!(h.query_by_label_contains(&summary).is_some(), "the tab says what it holds");
    // Sort by size: the largest first, and the top row's size is the largest kept.
    let largest = w.cascades.finished.iter().map(|c| c.size).max().unwrap_or(1);
    let largest =
        largest.max(w.cascades.live(w.step).iter().map(|c| c.record.size).max().unwrap_or(1));
    h.get_by_label("size").click();
    h.run_steps(3);
    assert!(h.query_by_label("size ▼").is_some(), "sorted by size, descending");
    let top = largest.to_string();
    assert!(h.query_all_by_label(&top).next().is_some(), "the largest is in view");
    h.get_by_label("size ▼").click();
    h.run_steps(3);
    assert!(h.query_by_label("size ▲").is_some(), "again: ascending");
    // Filter by a minimum size above every cascade: nothing matches.
    let field = h.get_by_role_and_label(Role::SpinButton, "min size");
    field.click();
    h.run_steps(1);
    h.event(eframe::egui::Event::Text((largest + 1).to_string()));
    h.key_press(eframe::egui::Key::Enter);
    h.run_steps(3);
    assert!(h.query_by_label_contains("No cascade matches").is_some());
}

/// A world without cascading species says how to get some.
#[test]
fn the_cascades_tab_explains_a_world_without_cascades() {
    let mut h = lab(preset("tiny_chain.ron"));
    h.get_by_role_and_label(Role::Button, "Cascades").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("No species of this world has a Cascade release").is_some());
}

/// Hovering an edge of the network view shows its weight, its pathway trace π and its hops.
#[test]
fn hovering_an_edge_shows_its_trace() {
    use eframe::egui::{Event, Pos2};
    use nv_lab::lab::panels::network::node_positions_id;
    let mut h = lab(preset("tiny_chain.ron"));
    h.state_mut().queue(AppCommand::Step(60));
    h.run_steps(2);
    let nodes: Vec<Pos2> =
        h.ctx.data(|d| d.get_temp(node_positions_id())).expect("the view records its nodes");
    let mid = nodes[0] + (nodes[1] - nodes[0]) * 0.5;
    h.event(Event::PointerMoved(mid));
    // Still, past the tooltip delay.
    for _ in 0..30 {
        std::thread::sleep(std::time::Duration::from_millis(30));
        h.step();
    }
    let pi = h.state().sim().world().pathway[0];
    assert!(pi > 0.0, "traffic has left a trace on edge 0 → 1");
    let shown = h.query_by_label_contains("edge 0: 0 → 1");
    assert!(shown.is_some(), "the tooltip names the edge");
    assert!(h.query_by_label_contains(&format!("pathway trace π = {pi:.4}")).is_some());
}

/// A preset's `Slider` meta signal has a slider in the Releases tab; setting it to 0 stops the
/// carvers of `pathway_carving` (their trigger is that signal), as its description says.
#[test]
fn a_meta_slider_drives_its_signal() {
    use nv_core::preset::MetaSource;
    let mut h = lab(preset("pathway_carving.ron"));
    h.get_by_role_and_label(Role::Button, "Releases").click();
    h.run_steps(4);
    assert!(h.query_by_role_and_label(Role::Slider, "release").is_some(), "a slider for it");
    h.state_mut().queue(AppCommand::Step(50));
    h.run_steps(2);
    h.state_mut().queue(AppCommand::SetMetaSlider(0, 0.0));
    h.state_mut().queue(AppCommand::Step(1));
    h.run_steps(2);
    let w = h.state().sim().world();
    assert_eq!(w.preset.meta[0].source, MetaSource::Slider(0.0));
    assert_eq!(w.meta[0], 0.0, "the signal is 0 from the next step");
    let emitted = w.totals.emitted[0];
    h.state_mut().queue(AppCommand::Step(50));
    h.run_steps(2);
    let w = h.state().sim().world();
    let later = w.totals.emitted[0];
    assert!(later - emitted < 5.0, "hardly any carver emitted at 0: {}", later - emitted);
    // A meta signal that is not a slider is refused with a message, nothing changed.
    h.state_mut().queue(AppCommand::SetMetaSlider(5, 1.0));
    h.run_steps(2);
    assert!(h.query_by_label_contains("meta signal not changed").is_some());
}

/// Twin mode: the bottom plots add the particles' RMS z and relative L1 against the mean
/// field, and the network view can colour its nodes by z.
#[test]
fn twin_mode_shows_the_discrepancy() {
    use egui_kittest::kittest::NodeT;
    let mut h = lab(preset("film_limit.ron"));
    assert_eq!(h.state().sim().mode, nv_core::Mode::Twin, "film_limit opens in twin mode");
    h.state_mut().queue(AppCommand::Step(40));
    h.run_steps(2);
    let history = &h.state().sim().history;
    assert_eq!(history.rms_z.len(), 1, "one series per species");
    assert_eq!(history.rms_z[0].len(), history.step.len(), "a sample per step");
    let last = *history.rms_z[0].last().expect("samples");
    assert!(last.is_finite() && last > 0.0, "RMS z = {last}");
    let twin = h.state().sim().twin.as_ref().expect("a twin");
    let z = nv_lab::lab::panels::network::node_z(h.state().sim().world(), twin);
    let rms = (z.iter().map(|v| v * v).sum::<f32>() / z.len() as f32).sqrt();
    assert!(rms.is_finite());
    let toggled = |h: &egui_kittest::Harness<'_, nv_lab::lab::app::LabApp>| {
        h.get_by_label("colour nodes by z = (N − ρ)/√ρ").accesskit_node().toggled()
    };
    let before = toggled(&h);
    h.get_by_label("colour nodes by z = (N − ρ)/√ρ").click();
    h.run_steps(3);
    assert_ne!(toggled(&h), before, "the switch flips");
}

/// The Cascades tab's distributions: measured sizes beside the branching-process prediction.
#[test]
fn the_cascades_tab_compares_sizes_with_the_law() {
    let mut h = lab(preset("cascade_critical.ron"));
    h.state_mut().queue(AppCommand::Step(2000));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Cascades").click();
    h.run_steps(3);
    h.get_by_label("Distributions: measured against the law").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("mean size: measured ").is_some());
    assert!(h.query_by_label_contains("m from the mean size: 1 − 1/⟨s⟩ = ").is_some());
    assert!(h.query_by_label_contains("predicted ").is_some());
}
