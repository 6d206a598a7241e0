//! The lab window (eframe/egui): the network with its vesicles, the preset library, the
//! controls, the inspector and the plots. `nvlab` with no subcommand opens it.
//!
//! Panels never change the simulation directly: they push [`command::AppCommand`]s, which
//! [`app::LabApp`] applies after the UI pass.

pub mod app;
pub mod command;
pub mod darwin3;
pub mod dialogs;
pub mod engine;
pub mod engine_instances;
pub mod files;
pub mod history;
pub mod panels;
pub mod path_box;
pub mod screenshot;
pub mod sim;
pub mod vesicle_gpu;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How the lab starts.
#[derive(Clone, Debug, Default)]
pub struct LabOptions {
    /// The preset to open (default: the last one, else `spiral_film`).
    pub preset: Option<PathBuf>,
    /// Save a screenshot of the window to this PNG file after `frames` frames, then quit.
    pub screenshot: Option<PathBuf>,
    /// Frames to run before the screenshot.
    pub frames: u32,
    /// Start running (the screenshot mode uses this to show vesicles in flight).
    pub play: bool,
    /// Set once a screenshot was saved and is not blank (read after the window closes).
    pub screenshot_ok: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The renderer to start with (default wgpu; [`run`] falls back to glow when wgpu cannot
    /// start).
    pub renderer: eframe::Renderer,
    /// Why the lab runs on another renderer than the one asked for (shown in the window).
    pub renderer_notice: Option<String>,
    /// Draw the vesicles with egui's painter even on wgpu (to compare it with the instanced
    /// quads).
    pub painter_vesicles: bool,
    /// Open on the Darwin3 tab instead of the network.
    pub darwin3_tab: bool,
    /// Start on the GPU engine (needs the wgpu renderer; otherwise the window says why and
    /// runs on the CPU).
    pub gpu_engine: bool,
    /// The user's presets folder, "My presets" (default: [`crate::presets::user_dir`]).
    pub user_presets: Option<PathBuf>,
}

/// A wgpu setup for eframe that opens the engine's preferred backends (a primary API such as
/// Vulkan when there is one, else OpenGL: never both, whose drivers race at exit,
/// [`nv_core::gpu::context::preferred_backends`]) and asks for the adapter's own limits (the
/// GPU engine binds more storage buffers per stage than wgpu's defaults allow), so the engine
/// and the renderer can share eframe's device.
pub fn wgpu_setup(
    mut setup: eframe::egui_wgpu::WgpuSetupCreateNew,
) -> eframe::egui_wgpu::WgpuSetupCreateNew {
    setup.instance_descriptor.backends = nv_core::gpu::context::preferred_backends();
    let base = setup.device_descriptor.clone();
    setup.device_descriptor = Arc::new(move |adapter| {
        let mut descriptor = base(adapter);
        if adapter.get_info().backend != eframe::wgpu::Backend::Gl {
            descriptor.required_limits = adapter.limits();
        }
        descriptor
    });
    setup
}

/// Opens the lab window and runs it until it is closed. With the wgpu renderer (the default),
/// if wgpu cannot start (no adapter, no surface) before the lab was created, the window opens
/// again with glow, and says so.
pub fn run(options: LabOptions) -> anyhow::Result<()> {
    let wanted = options.screenshot.clone();
    let ok = options.screenshot_ok.clone();
    let started = Arc::new(AtomicBool::new(false));
    let result = match (start(options.clone(), &started), options.renderer) {
        (Err(e), eframe::Renderer::Wgpu) if !started.load(Ordering::Relaxed) => {
            let notice = format!(
                "wgpu could not start ({e}); running on glow (OpenGL), vesicles drawn with egui's \
                 painter"
            );
            eprintln!("nvlab: {notice}");
            let glow = LabOptions {
                renderer: eframe::Renderer::Glow,
                renderer_notice: Some(notice),
                ..options
            };
            start(glow, &started)
        }
        (result, _) => result,
    };
    result.map_err(|e| anyhow::anyhow!("the lab window could not start: {e}"))?;
    if let Some(path) = wanted
        && !ok.load(Ordering::Relaxed)
    {
        anyhow::bail!("no usable screenshot was saved to {} (blank or not taken)", path.display());
    }
    Ok(())
}

/// Runs the window once on `options.renderer`; `started` is set when the lab was created.
fn start(options: LabOptions, started: &Arc<AtomicBool>) -> eframe::Result {
    let native = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Neuro-Vesicles Lab")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 600.0]),
        renderer: options.renderer,
        wgpu_options: eframe::egui_wgpu::WgpuConfiguration {
            wgpu_setup: eframe::egui_wgpu::WgpuSetup::CreateNew(wgpu_setup(
                eframe::egui_wgpu::WgpuSetupCreateNew::without_display_handle(),
            )),
            ..Default::default()
        },
        ..Default::default()
    };
    let started = started.clone();
    eframe::run_native(
        "nvlab",
        native,
        Box::new(move |cc| {
            started.store(true, Ordering::Relaxed);
            Ok(Box::new(app::LabApp::new(cc, options)))
        }),
    )
}
