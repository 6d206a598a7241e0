//! The top bar's backend switch, headless on wgpu (egui_kittest's renderer on a software
//! adapter: lavapipe here and in CI): the GPU engine runs on the harness's own wgpu device,
//! as it runs on eframe's in the window. Without an adapter the tests print a notice and
//! pass, except in CI (`CI=true`), where a missing adapter fails.

mod common;

use common::{adapter_or_skip, kittest_wgpu_setup, preset};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use nv_core::Mode;
use nv_core::backend::BackendKind;
use nv_lab::lab::LabOptions;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;
use nv_lab::lab::panels::network::engine_drawn_id;
use nv_lab::lab::sim::Simulation;

/// The lab on wgpu with the device the window asks for (the adapter's own limits), opened
/// on the shipped `preset_file`, paused.
fn lab_on_wgpu(preset_file: &str) -> Harness<'static, LabApp> {
    let setup = kittest_wgpu_setup();
    let options = LabOptions { preset: Some(preset(preset_file)), ..Default::default() };
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .wgpu_setup(setup)
        .build_eframe(move |cc| LabApp::new(cc, options));
    h.run_steps(2);
    h
}

/// Clicks the widget labelled `label` (the frames of the click and one more).
fn click(h: &mut Harness<'_, LabApp>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

/// Takes `n` steps with the Step command.
fn steps(h: &mut Harness<'_, LabApp>, n: u64) {
    h.state_mut().queue(AppCommand::Step(n));
    h.run_steps(1);
}

/// What a run must continue exactly: step, per-node per-species counts, events since the
/// start, live vesicles.
fn state(sim: &Simulation) -> (u64, Vec<f32>, nv_core::world::SpeciesEvents, usize) {
    let w = sim.world();
    (w.step, w.counts.clone(), w.totals.clone(), sim.population())
}

#[test]
fn switching_cpu_gpu_cpu_mid_run_continues_as_a_cpu_only_run() {
    if !adapter_or_skip("switching_cpu_gpu_cpu_mid_run_continues_as_a_cpu_only_run") {
        return;
    }
    for file in ["tiny_chain.ron", "pathway_carving.ron"] {
        let mut reference =
            Simulation::load(&preset(file), Mode::Particle).expect("the shipped preset loads");
        let mut h = lab_on_wgpu(file);
        assert!(
            !h.get_by_label("GPU").accesskit_node().is_disabled(),
            "{file}: GPU can be chosen on wgpu"
        );

        steps(&mut h, 15);
        click(&mut h, "GPU");
        assert_eq!(h.state().sim().backend(), BackendKind::Gpu, "{file}: now on the GPU");
        for _ in 0..15 {
            reference.step();
        }
        assert_eq!(state(h.state().sim()), state(&reference), "{file}: the switch keeps it");

        steps(&mut h, 40);
        for _ in 0..40 {
            reference.step();
        }
        assert_eq!(state(h.state().sim()), state(&reference), "{file}: 40 steps on the GPU");
        assert!(h.state().sim().population() > 0, "{file}: vesicles alive");
        h.run_steps(1); // a frame that draws the world after those steps
        let drawn: Option<u32> = h.ctx.data(|d| d.get_temp(engine_drawn_id()));
        assert_eq!(
            drawn,
            Some(h.state().sim().population() as u32),
            "{file}: the view draws every vesicle from the engine's own buffer"
        );
        h.render().expect("the window renders the engine's vesicles on wgpu");

        click(&mut h, "CPU");
        assert_eq!(h.state().sim().backend(), BackendKind::Cpu, "{file}: back on the CPU");
        let drawn: Option<u32> = h.ctx.data(|d| d.get_temp(engine_drawn_id()));
        assert_eq!(drawn, Some(0), "{file}: the CPU's instances again");
        steps(&mut h, 25);
        for _ in 0..25 {
            reference.step();
        }
        assert_eq!(state(h.state().sim()), state(&reference), "{file}: and on after it");
        let (a, b) = (h.state().sim().world(), reference.world());
        let (pa, pb) = (a.pool().expect("particles"), b.pool().expect("particles"));
        let live = |p: &nv_core::vesicles::VesiclePool| -> Vec<(u64, u16, u32)> {
            (0..p.len())
                .filter(|&s| p.alive[s])
                .map(|s| (p.id[s], p.species[s], p.loc[s]))
                .collect()
        };
        assert_eq!(live(pa), live(pb), "{file}: every vesicle where the CPU-only run has it");
        let plotted = &h.state().sim().history.free;
        assert_eq!(plotted, &reference.history.free, "{file}: the plotted series too");
    }
}

#[test]
fn gpu_is_refused_in_twin_mode_and_density_runs_on_it() {
    if !adapter_or_skip("gpu_is_refused_in_twin_mode_and_density_runs_on_it") {
        return;
    }
    let mut h = lab_on_wgpu("tiny_chain.ron");
    click(&mut h, "Twin");
    assert_eq!(h.state().sim().mode, Mode::Twin);
    steps(&mut h, 12);
    let before = state(h.state().sim());

    click(&mut h, "GPU");
    assert_eq!(h.state().sim().backend(), BackendKind::Cpu, "stays on the CPU");
    assert!(
        h.query_by_label_contains("twin mode runs on the CPU engine").is_some(),
        "the window says why"
    );
    assert_eq!(state(h.state().sim()), before, "the world is kept as it was");
    steps(&mut h, 3);
    assert_eq!(h.state().sim().world().step, 15, "and runs on");

    // The mean field alone runs on the GPU engine and advances there.
    click(&mut h, "Density");
    assert_eq!(h.state().sim().mode, Mode::Density);
    click(&mut h, "GPU");
    assert_eq!(h.state().sim().backend(), BackendKind::Gpu, "density runs on the GPU");
    let at = h.state().sim().world().step;
    steps(&mut h, 5);
    click(&mut h, "CPU");
    assert_eq!(h.state().sim().backend(), BackendKind::Cpu);
    assert_eq!(h.state().sim().world().step, at + 5, "the GPU steps were kept");
}
