//! The Darwin3 panel's own UI state: selections, the shared time cursor, the raster's window,
//! the table's sort, the settings draft and the caches. Nothing here reaches the emulation.

use eframe::egui;
use nv_core::darwin3::CoreCoord;

use super::view::Darwin3Settings;

/// What the mesh map colours the cores (or the links) by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColourBy {
    /// Neurons mapped.
    #[default]
    Neurons,
    /// The fuller memory (dendrite or axon), percent of the available.
    MemoryUse,
    /// Spike packets received.
    SpikesIn,
    /// Spikes emitted.
    SpikesOut,
    /// Flits per link (the cores are drawn neutral, the links coloured).
    LinkFlits,
    /// Reward-class (vesicle) packets received.
    VesiclePackets,
}

impl ColourBy {
    /// Every choice, in the order the map offers them.
    pub const ALL: [ColourBy; 6] = [
        ColourBy::Neurons,
        ColourBy::MemoryUse,
        ColourBy::SpikesIn,
        ColourBy::SpikesOut,
        ColourBy::LinkFlits,
        ColourBy::VesiclePackets,
    ];

    /// Its name in the map's menu and legend.
    pub fn label(self) -> &'static str {
        match self {
            ColourBy::Neurons => "neurons",
            ColourBy::MemoryUse => "memory use %",
            ColourBy::SpikesIn => "spikes in",
            ColourBy::SpikesOut => "spikes out",
            ColourBy::LinkFlits => "flits per link",
            ColourBy::VesiclePackets => "vesicle packets",
        }
    }
}

/// The part of the rasters shown: steps `[x0, x1)` and rows `[y0, y1)` (fractional while
/// zooming). `None` in the panel state means "everything".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RasterWindow {
    /// First step shown.
    pub x0: f64,
    /// End of the steps shown.
    pub x1: f64,
    /// First row shown.
    pub y0: f64,
    /// End of the rows shown.
    pub y1: f64,
}

/// The dense raster image last drawn, kept while its window and size do not change.
pub struct RasterImage {
    /// What it was drawn for: window, bins across, bins down.
    pub key: (RasterWindow, usize, usize),
    /// The uploaded image.
    pub texture: egui::TextureHandle,
}

/// The metrics table's rows in the order of a sort.
pub struct SortedRows {
    /// The sort they follow (as [`Darwin3PanelState::sort`]).
    pub sort: Option<(usize, bool)>,
    /// Indices into the metrics' rows, in display order.
    pub rows: Vec<usize>,
}

/// The panel's UI state, owned by the app and passed to every [`super::panel::show`].
#[derive(Default)]
pub struct Darwin3PanelState {
    /// The core whose details the side box shows.
    pub selected_core: Option<CoreCoord>,
    /// The neuron highlighted in the rasters (picked in the metrics table).
    pub selected_neuron: Option<u32>,
    /// The shared time cursor, a step: the rasters and the makespan plot both draw it, and
    /// hovering either moves it.
    pub cursor: Option<u32>,
    /// What the mesh map colours by.
    pub colour_by: ColourBy,
    /// Whether the mesh map draws link traffic.
    pub hide_links: bool,
    /// The rasters' zoom and pan (`None`: all steps and neurons).
    pub window: Option<RasterWindow>,
    /// The metrics table's sort: column (0 = neuron, 1 + k = metric column k) and ascending.
    pub sort: Option<(usize, bool)>,
    /// The settings being edited, and the run settings they started from.
    pub draft: Option<(Darwin3Settings, Darwin3Settings)>,
    /// The table's row order (`None`: not computed for this view yet).
    pub order: Option<SortedRows>,
    /// The dense raster image cache.
    pub raster_image: Option<RasterImage>,
}

impl Darwin3PanelState {
    /// Forgets what was derived from the view (sorted rows, the raster image); call it when the
    /// view is replaced. Selections, the cursor and the zoom stay.
    pub fn invalidate(&mut self) {
        self.order = None;
        self.raster_image = None;
    }

    /// The settings draft, reset to `run` when a run with other settings arrived.
    pub fn draft(&mut self, run: Darwin3Settings) -> &mut Darwin3Settings {
        if self.draft.is_none_or(|(_, base)| base != run) {
            self.draft = Some((run, run));
        }
        &mut self.draft.get_or_insert((run, run)).0
    }
}
