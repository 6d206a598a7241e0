//! The top bar: play, step, reset, speed, seed, mode, and the live readout.

use super::PanelCx;
use eframe::egui::{self, RichText};
use nv_core::Mode;
use nv_core::backend::BackendKind;

use crate::lab::command::AppCommand;
use crate::lab::sim::Simulation;

/// What the bar reads out besides the simulation.
pub struct Readout<'a> {
    /// The measured frame rate.
    pub fps: f32,
    /// The renderer's short name ("wgpu · Vulkan", "glow").
    pub renderer: &'a str,
    /// The renderer's details (adapter, how the vesicles are drawn), shown on hover.
    pub renderer_details: &'a str,
    /// Whether the renderer is a fallback (wgpu could not start): shown in a warning colour.
    pub fallback: bool,
    /// Why the GPU engine cannot be chosen (`None`: it can).
    pub gpu_unavailable: Option<&'a str>,
}

/// The backend switch: CPU or GPU, the GPU disabled with the reason when it cannot be had.
fn backend(
    ui: &mut egui::Ui,
    sim: &Simulation,
    gpu_unavailable: Option<&str>,
    out: &mut Vec<AppCommand>,
) {
    ui.label(RichText::new("Backend").weak());
    let now = sim.backend();
    let cpu = ui
        .selectable_label(now == BackendKind::Cpu, "CPU")
        .on_hover_text("The CPU engine: every mode");
    if cpu.clicked() && now != BackendKind::Cpu {
        out.push(AppCommand::SetBackend(BackendKind::Cpu));
    }
    let gpu_tip = match (gpu_unavailable, sim.gpu.as_ref()) {
        (Some(why), _) => format!("The GPU engine is not available: {why}"),
        (None, Some(ctx)) => format!(
            "The GPU engine on {}: the population stays on the device (particle mode; the \
             world moves over with its state)",
            ctx.adapter_name()
        ),
        (None, None) => "The GPU engine is not available: no wgpu device".to_owned(),
    };
    let enabled = gpu_unavailable.is_none() && sim.gpu.is_some();
    let gpu = ui
        .add_enabled(enabled, egui::Button::selectable(now == BackendKind::Gpu, "GPU"))
        .on_hover_text(&gpu_tip)
        .on_disabled_hover_text(&gpu_tip);
    if gpu.clicked() && now != BackendKind::Gpu {
        out.push(AppCommand::SetBackend(BackendKind::Gpu));
    }
}
/// The top bar: transport, speed, seed, mode, backend, renderer and the live readout.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.sim, &cx.readout, cx.seed_text, cx.commands);
}

/// Draws the bar.
fn draw(
    ui: &mut egui::Ui,
    sim: &Simulation,
    readout: &Readout<'_>,
    seed_text: &mut String,
    out: &mut Vec<AppCommand>,
) {
    ui.horizontal_wrapped(|ui| {
        let play = if sim.playing { "⏸ Pause" } else { "▶ Play" };
        if ui.button(play).on_hover_text("Space").clicked() {
            out.push(AppCommand::TogglePlay);
        }
        if ui.button("⏭ Step").on_hover_text("Right arrow").clicked() {
            out.push(AppCommand::Step(1));
        }
        if ui.button("⏩ 100").on_hover_text("Take 100 steps").clicked() {
            out.push(AppCommand::Step(100));
        }
        if ui
            .button("⟲ Reset")
            .on_hover_text("R: rebuild the world from its preset and seed")
            .clicked()
        {
            out.push(AppCommand::Reset);
        }
        ui.separator();
        let mut speed = sim.speed;
        let slider =
            egui::Slider::new(&mut speed, 0.05..=200.0).logarithmic(true).text("steps/frame");
        if ui.add(slider).on_hover_text("Below 1: slow motion").changed() {
            out.push(AppCommand::SetSpeed(speed));
        }
        ui.separator();
        ui.label("seed");
        let resp = ui.add(egui::TextEdit::singleline(seed_text).desired_width(90.0));
        if resp.lost_focus() {
            match seed_text.trim().parse::<u64>() {
                Ok(s) if s != sim.world().preset.seed => out.push(AppCommand::SetSeed(s)),
                Ok(_) => {}
                Err(_) => *seed_text = sim.world().preset.seed.to_string(),
            }
        }
        ui.separator();
        for (mode, label, tip) in [
            (Mode::Particle, "Particles", "Discrete vesicles"),
            (Mode::Density, "Density", "The mean-field density relaxation"),
            (Mode::Twin, "Twin", "Particles and their mean field side by side"),
        ] {
            if ui.selectable_label(sim.mode == mode, label).on_hover_text(tip).clicked()
                && sim.mode != mode
            {
                out.push(AppCommand::SetMode(mode));
            }
        }
        ui.separator();
        backend(ui, sim, readout.gpu_unavailable, out);
        let renderer = RichText::new(format!("Renderer: {}", readout.renderer));
        let renderer = if readout.fallback {
            renderer.color(egui::Color32::from_rgb(230, 160, 60))
        } else {
            renderer.weak()
        };
        ui.label(renderer).on_hover_text(readout.renderer_details);
        ui.separator();
        let alive = sim.world().pool().map(|_| sim.population()).map_or_else(
            || {
                format!(
                    "{:.0} expected",
                    (0..sim.world().species.len()).map(|k| sim.world().free(k)).sum::<f64>()
                )
            },
            |live| live.to_string(),
        );
        let dropped: f64 = sim.world().totals.dropped.iter().sum();
        ui.label(format!(
            "step {} · {:.0} fps · {:.0} steps/s · {alive} vesicles",
            sim.world().step,
            readout.fps,
            sim.steps_per_s
        ));
        if dropped > 0.0 {
            ui.label(
                RichText::new(format!("{dropped:.0} births dropped (population full)"))
                    .color(egui::Color32::from_rgb(230, 90, 70)),
            );
        }
        if ui.button("?").on_hover_text("Shortcuts").clicked() {
            out.push(AppCommand::ToggleHelp);
        }
    });
}
