//! Image snapshots of the lab window rendered with wgpu (egui_kittest's wgpu renderer, which
//! prefers a software adapter: Mesa's lavapipe here and in CI), so the instanced vesicles of
//! the paint callback are in the picture. The stored images are in `tests/snapshots/`;
//! `UPDATE_SNAPSHOTS=1 cargo test -p nv_lab --test snapshots` writes new ones after a change
//! to the look (check them by eye before committing).
//!
//! The top bar's live readout (frames and steps per second, which depend on the machine's
//! speed) and what follows it on its row are painted over before comparing. The worlds are deterministic: a fixed number of
//! steps of a shipped preset. Without an adapter the tests print a notice and pass, except in
//! CI (`CI=true`), where lavapipe is installed and a missing adapter fails.

mod common;

use std::path::PathBuf;

use common::{adapter_or_skip, click_first_vesicle};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use nv_lab::lab::LabOptions;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;

/// How much a pixel may differ (YIQ distance, kittest's default) and how many may differ: a
/// few antialiased edge pixels between Mesa versions, too few to hide a moved widget or a
/// missing dot.
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(0.6).max_failed_pixels(40)
}

/// The lab on wgpu at its usual window size, opened on the shipped `preset_file` and paused
/// after `steps` steps. The preset's path is relative to the crate (the tests' working
/// folder), so the title the view shows is the same on every checkout.
fn lab_on_wgpu(preset_file: &str, steps: u64) -> Harness<'static, LabApp> {
    let path = PathBuf::from("../presets").join(preset_file);
    assert!(path.is_file(), "run from the crate's folder, as cargo test does");
    let options = LabOptions { preset: Some(path), ..Default::default() };
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .wgpu_setup(common::kittest_wgpu_setup())
        .build_eframe(move |cc| LabApp::new(cc, options));
    h.state_mut().queue(AppCommand::Step(steps));
    h.run_steps(3);
    assert_eq!(h.state().sim().world().step, steps);
    h
}

/// Renders the window, paints over the live readout, and compares with the stored `name`.
fn check(h: &mut Harness<'_, LabApp>, name: &str) {
    let readout = h.get_by_label_contains(" fps · ").rect();
    let ppp = h.ctx.pixels_per_point();
    let mut image = h.render().expect("the window renders on wgpu");
    let px = |v: f32| (v * ppp).round().max(0.0) as u32;
    let (w, ht) = image.dimensions();
    for y in px(readout.min.y)..px(readout.max.y).min(ht) {
        // To the right edge: the readout's width changes with the numbers, and moves what
        // follows it (the `?` button).
        for x in px(readout.min.x)..w {
            image.get_pixel_mut(x, y).0 = [255, 0, 255, 255];
        }
    }
    egui_kittest::image_snapshot_options(&image, name, &options());
}

#[test]
fn tiny_chain_after_a_hundred_steps() {
    if !adapter_or_skip("tiny_chain_after_a_hundred_steps") {
        return;
    }
    let mut h = lab_on_wgpu("tiny_chain.ron", 100);
    assert!(
        h.query_by_label_contains("Renderer: wgpu").is_some(),
        "the top bar names the renderer"
    );
    check(&mut h, "lab_tiny_chain");
}

#[test]
fn clicking_an_instanced_vesicle_follows_it() {
    if !adapter_or_skip("clicking_an_instanced_vesicle_follows_it") {
        return;
    }
    let mut h = lab_on_wgpu("tiny_chain.ron", 100);
    let id = click_first_vesicle(&mut h);
    assert_eq!(h.state().sim().tracked.as_ref().map(|t| t.id), Some(id));
    assert!(h.query_by_label_contains(&format!("Vesicle #{id}")).is_some());
}

#[test]
fn pathway_carving_trail_and_vesicles() {
    if !adapter_or_skip("pathway_carving_trail_and_vesicles") {
        return;
    }
    let mut h = lab_on_wgpu("pathway_carving.ron", 400);
    check(&mut h, "lab_pathway_carving");
}

#[test]
fn film_limit_dense_vesicles_and_a_followed_one() {
    if !adapter_or_skip("film_limit_dense_vesicles_and_a_followed_one") {
        return;
    }
    let mut h = lab_on_wgpu("film_limit.ron", 60);
    let live = h.state().sim().world().pool().map_or(0, |p| p.live);
    assert!(live > 1000, "film_limit has thousands of vesicles in flight: {live}");
    // Follow the first vesicle alive (the inspector shows it, its ring and path are drawn).
    let first = h
        .state()
        .sim()
        .world()
        .pool()
        .and_then(|p| (0..p.len()).find(|&s| p.alive[s]).map(|s| p.id[s]));
    h.state_mut().queue(AppCommand::SelectVesicle(first));
    h.run_steps(2);
    check(&mut h, "lab_film_limit");
}
