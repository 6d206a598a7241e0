//! Frame time of the lab window on wgpu, headless (egui_kittest's wgpu renderer, no display
//! needed): the vesicles as instanced quads beside the same window with egui's painter, on the
//! `film_limit` preset at population scales of about 10⁴ and 10⁵ vesicles: on its 12-node ring
//! (scales 500 and 6000: a disc-full per node, about 560 dots, is drawn) and on a 4000-node ring
//! (scales 6 and 60: up to 80,000 dots with wgpu, 30,000 with the painter).
//!
//! ```sh
//! cargo run --release -p nv_lab --example frame_time            # the fastest adapter (a GPU)
//! cargo run --release -p nv_lab --example frame_time -- --cpu   # a software one (lavapipe)
//! ```
//!
//! Each frame is the app's UI pass (one simulation step at speed 1), egui's tessellation, the
//! render on the adapter and the copy of the image back to the CPU (the part a window does not
//! have; the same for both ways of drawing). Options: `--frames N` (default 150, after 30
//! frames of warm-up), `--ring N --scales a,b` (one ring of N nodes at these scales instead of
//! the two above), `--backend gpu` (the world runs on the GPU engine on the renderer's device,
//! and the instanced quads are written from the engine's buffer on the device).

#[path = "timing/mod.rs"]
mod timing;

use std::time::Instant;

use eframe::egui_wgpu::{self, wgpu};
use egui_kittest::Harness;
use nv_core::backend::BackendKind;
use nv_lab::lab::LabOptions;
use nv_lab::lab::app::LabApp;

/// Frames run before the timing starts (the population reaches its steady state).
const WARM_UP: usize = 30;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let frames: usize = value("--frames").map_or(Ok(150), |v| v.parse())?;
    let workloads: Vec<(usize, Vec<f64>)> = match (value("--ring"), value("--scales")) {
        (Some(n), Some(scales)) => {
            vec![(n.parse()?, scales.split(',').map(str::parse).collect::<Result<_, _>>()?)]
        }
        (None, None) => vec![(12, vec![500.0, 6000.0]), (4000, vec![6.0, 60.0])],
        _ => anyhow::bail!("--ring and --scales go together"),
    };
    let cpu = args.iter().any(|a| a == "--cpu");
    let gpu_engine = match value("--backend").map(String::as_str) {
        None | Some("cpu") => false,
        Some("gpu") => true,
        Some(other) => anyhow::bail!("--backend is cpu or gpu, not {other}"),
    };

    let text = std::fs::read_to_string(nv_lab::cli::presets_dir().join("film_limit.ron"))?;
    let ring = "Ring(n: 12, k: 1)";
    anyhow::ensure!(
        text.contains("scale: 100.0") && text.contains(ring),
        "film_limit.ron has no `scale: 100.0` or no `{ring}`"
    );
    let dir = std::env::temp_dir().join(format!("nvlab-frame-time-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let engine = if gpu_engine { "GPU" } else { "CPU" };
    println!(
        "| nodes | scale | vesicles | engine | drawn as | mean frame | 95th percentile | adapter |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (nodes, scales) in workloads {
        for scale in scales {
            let path = dir.join(format!("film_limit_{nodes}_{scale}.ron"));
            let preset = text
                .replace("scale: 100.0", &format!("scale: {scale:.1}"))
                .replace(ring, &format!("Ring(n: {nodes}, k: 1)"));
            std::fs::write(&path, preset)?;
            // The engine's buffer is drawn by the instanced path only.
            let ways: &[bool] = if gpu_engine { &[false] } else { &[true, false] };
            for &painter in ways {
                let (times, live, adapter) = measure(&path, painter, cpu, gpu_engine, frames)?;
                let (mean, p95) = timing::summary(&times);
                let how = if painter { "egui painter" } else { "instanced quads" };
                println!(
                    "| {nodes} | {scale} | {live} | {engine} | {how} | {mean:.1} ms | {p95:.1} ms \
                     | {adapter} |"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The adapter setup: the fastest adapter, or a software one with `cpu`; the device gets the
/// adapter's own limits, as in the window (the GPU engine needs them).
fn setup(cpu: bool) -> egui_wgpu::WgpuSetup {
    let mut setup = egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    setup.native_adapter_selector = Some(std::sync::Arc::new(move |adapters, _surface| {
        let rank = |a: &wgpu::Adapter| match (a.get_info().device_type, cpu) {
            (wgpu::DeviceType::Cpu, true) | (wgpu::DeviceType::DiscreteGpu, false) => 0,
            (wgpu::DeviceType::IntegratedGpu, false) => 1,
            (wgpu::DeviceType::Cpu, false) => 3,
            _ => 2,
        };
        adapters.iter().min_by_key(|a| rank(a)).cloned().ok_or_else(|| "no adapter".to_owned())
    }));
    egui_wgpu::WgpuSetup::CreateNew(nv_lab::lab::wgpu_setup(setup))
}

/// Runs the lab on `preset`, playing, and times `frames` frames after the warm-up; returns
/// the frame times (seconds), the vesicles alive at the end and the adapter's name.
fn measure(
    preset: &std::path::Path,
    painter: bool,
    cpu: bool,
    gpu_engine: bool,
    frames: usize,
) -> anyhow::Result<(Vec<f64>, usize, String)> {
    let options = LabOptions {
        preset: Some(preset.to_path_buf()),
        play: true,
        painter_vesicles: painter,
        gpu_engine,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .wgpu_setup(setup(cpu))
        .build_eframe(move |cc| LabApp::new(cc, options));
    let mut times = Vec::with_capacity(frames);
    for i in 0..WARM_UP + frames {
        let start = Instant::now();
        h.step();
        h.render().map_err(|e| anyhow::anyhow!("render failed: {e}"))?;
        if i >= WARM_UP {
            times.push(start.elapsed().as_secs_f64());
        }
    }
    let wanted = if gpu_engine { BackendKind::Gpu } else { BackendKind::Cpu };
    anyhow::ensure!(
        h.state().sim().backend() == wanted,
        "the world is not on the {} engine",
        wanted.name()
    );
    let live = h.state().sim().population();
    anyhow::ensure!(live > 0, "no vesicles alive: nothing was measured");
    let adapter = h.state().renderer_name().split(';').next().unwrap_or_default().to_owned();
    Ok((times, live, adapter))
}
