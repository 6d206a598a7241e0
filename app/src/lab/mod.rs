//! The lab window (eframe/egui): the network with its vesicles, the preset library, the
//! controls, the inspector and the plots. `nvlab` with no subcommand opens it.
//!
//! Panels never change the simulation directly: they push [`command::AppCommand`]s, which
//! [`app::LabApp`] applies after the UI pass.

pub mod app;
pub mod command;
pub mod darwin3;
pub mod files;
pub mod history;
pub mod panels;
pub mod screenshot;
pub mod sim;

use std::path::PathBuf;

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
}

/// Opens the lab window and runs it until it is closed.
pub fn run(options: LabOptions) -> anyhow::Result<()> {
    let native = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Neuro-Vesicles Lab")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    let wanted = options.screenshot.clone();
    let ok = options.screenshot_ok.clone();
    eframe::run_native(
        "nvlab",
        native,
        Box::new(move |cc| Ok(Box::new(app::LabApp::new(cc, options)))),
    )
    .map_err(|e| anyhow::anyhow!("the lab window could not start: {e}"))?;
    if let Some(path) = wanted
        && !ok.load(std::sync::atomic::Ordering::Relaxed)
    {
        anyhow::bail!("no usable screenshot was saved to {} (blank or not taken)", path.display());
    }
    Ok(())
}
