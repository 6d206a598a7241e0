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
