//! Frame time with the Cascades tab open against the same run with it closed (the network
//! view instead): `cascade_critical` advanced `--steps` steps (default 10⁵, thousands of
//! finished cascades), then played at one step a frame; each round renders `--frames` frames
//! (default 150, after 30 of warm-up) headless with egui_kittest's wgpu renderer on a software
//! adapter, the two tabs interleaved over `--rounds` rounds (default 2), so both see the same
//! machine load. Prints one table row per round and tab.
//!
//! ```sh
//! cargo run --release -p nv_lab --example cascades_frame_time
//! ```

#[path = "timing/mod.rs"]
mod timing;

use std::time::Instant;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nv_lab::lab::LabOptions;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;

/// Frames rendered before timing starts.
const WARM_UP: usize = 30;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let frames: usize = value("--frames").map_or(Ok(150), |v| v.parse())?;
    let steps: u64 = value("--steps").map_or(Ok(100_000), |v| v.parse())?;
    let rounds: usize = value("--rounds").map_or(Ok(2), |v| v.parse())?;
    let preset = nv_lab::presets::shipped_dir().join("cascade_critical.ron");
    println!("| round | tab | finished cascades | mean frame | 95th percentile |");
    println!("|---|---|---|---|---|");
    for round in 1..=rounds {
        for tab in ["Network", "Cascades"] {
            let (times, finished) = measure(&preset, steps, tab, frames)?;
            let (mean, p95) = timing::summary(&times);
            println!("| {round} | {tab} | {finished} | {mean:.1} ms | {p95:.1} ms |");
        }
    }
    Ok(())
}

/// The lab on `preset` after `steps` steps, playing, on `tab`: the times of `frames` frames.
fn measure(
    preset: &std::path::Path,
    steps: u64,
    tab: &str,
    frames: usize,
) -> anyhow::Result<(Vec<f64>, u64)> {
    let options = LabOptions { preset: Some(preset.to_path_buf()), ..Default::default() };
    let setup = egui_kittest::wgpu::default_wgpu_setup();
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .wgpu_setup(setup)
        .build_eframe(move |cc| LabApp::new(cc, options));
    h.state_mut().queue(AppCommand::Step(steps));
    h.run_steps(2);
    h.get_by_role_and_label(eframe::egui::accesskit::Role::Button, tab).click();
    h.run_steps(3);
    h.state_mut().queue(AppCommand::TogglePlay);
    let mut times = Vec::with_capacity(frames);
    for i in 0..WARM_UP + frames {
        let start = Instant::now();
        h.step();
        h.render().map_err(|e| anyhow::anyhow!("render failed: {e}"))?;
        if i >= WARM_UP {
            times.push(start.elapsed().as_secs_f64());
        }
    }
    anyhow::ensure!(h.state().sim().playing, "the world was not playing");
    Ok((times, h.state().sim().world().cascades.finished_total))
}
