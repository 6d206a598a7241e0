//! What the lab needs from its window at start: how the vesicles can be drawn and the
//! renderer's name, the GPU engine on eframe's device, the built-in fallback world, the
//! default preset, and the frame-time report of a `--screenshot` run.

use std::path::PathBuf;

use nv_core::Mode;
use nv_core::gpu::GpuContext;

use crate::lab::panels::network::VesicleDraw;
use crate::lab::sim::Simulation;
use crate::lab::vesicle_gpu;

/// How the vesicles can be drawn in the window `cc` describes, and the renderer's name and
/// details for the top bar. With wgpu the instanced renderer is installed on eframe's device.
pub(super) fn renderer_of(cc: &eframe::CreationContext<'_>) -> (VesicleDraw, (String, String)) {
    let painter = "vesicles drawn with egui's painter (at most a disc-full per node)";
    match cc.wgpu_render_state.as_ref() {
        Some(rs) => {
            let info = rs.adapter.get_info();
            let name = format!("wgpu · {}", info.backend);
            let device =
                format!("wgpu on {} ({}, {:?})", info.name, info.backend, info.device_type);
            if vesicle_gpu::install(rs) {
                (VesicleDraw::Gpu, (name, format!("{device}; vesicles drawn as instanced quads")))
            } else {
                let why = "the device cannot read storage buffers in a vertex shader";
                (VesicleDraw::Painter, (name, format!("{device}; {why}: {painter}")))
            }
        }
        None if cc.gl.is_some() => {
            (VesicleDraw::Painter, ("glow".into(), format!("OpenGL (glow); {painter}")))
        }
        None => (VesicleDraw::Painter, ("no GPU".into(), format!("no renderer; {painter}"))),
    }
}

/// eframe's wgpu device as the GPU engine's context, so the engine and the renderer share one
/// device; or why there is none. GPU errors on that device are reported, not panics (see
/// `engine::report_gpu_errors`).
pub(super) fn gpu_engine_of(cc: &eframe::CreationContext<'_>) -> Result<GpuContext, String> {
    match cc.wgpu_render_state.as_ref() {
        Some(rs) => {
            crate::lab::engine::report_gpu_errors(&rs.device);
            Ok(GpuContext::from_device(rs.device.clone(), rs.queue.clone(), rs.adapter.get_info()))
        }
        None if cc.gl.is_some() => Err("the window runs on glow (OpenGL); the GPU engine needs \
                                         the wgpu renderer (start with --renderer wgpu)"
            .into()),
        None => Err("no GPU adapter: the window has no wgpu device".into()),
    }
}

/// Mean and 95th-percentile frame time over the frames after the first ten.
pub(super) fn frame_report(times: &[f32]) -> String {
    let mut t: Vec<f32> = times.iter().skip(10).copied().collect();
    if t.is_empty() {
        return "too few frames to time".into();
    }
    t.sort_by(f32::total_cmp);
    let mean = t.iter().sum::<f32>() / t.len() as f32;
    let p95 = t[(t.len() * 95 / 100).min(t.len() - 1)];
    format!(
        "frame time mean {:.1} ms ({:.0} fps), 95th percentile {:.1} ms, over {} frames",
        mean * 1e3,
        1.0 / mean,
        p95 * 1e3,
        t.len()
    )
}

/// The tiny chain, built into the binary: what the lab shows when nothing else loads.
pub(super) fn fallback() -> Simulation {
    let preset = nv_core::preset::from_str(
        include_str!("../../../../presets/tiny_chain.ron"),
        "tiny_chain.ron (built in)",
    )
    .expect("the built-in tiny_chain preset is valid (the preset tests load it)");
    Simulation::new(preset, Mode::Particle, None)
        .expect("the built-in tiny_chain preset builds (the preset tests build it)")
}

/// The shipped default preset.
pub(super) fn default_preset() -> PathBuf {
    crate::presets::shipped_dir().join("spiral_film.ron")
}
