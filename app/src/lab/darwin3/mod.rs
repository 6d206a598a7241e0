//! The Darwin3 panel: a spiking network mapped onto the emulated Darwin3 chip, shown as the
//! 24 × 24 mesh with its memory use and link traffic, the emulated and reference rasters, their
//! comparison metrics and the per-step timing. The panel draws a [`view::Darwin3View`] (plain
//! data an adapter fills from `nv_core::darwin3` and `nv_core::spiking`) and returns
//! [`actions::Darwin3Action`]s for the app to apply.
//!
//! The emulation is built from public information, not the vendor's toolchain; the panel says
//! so at all times ([`panel::EMULATION_STATEMENT`]).

pub mod actions;
pub mod adapter;
pub mod core_details;
pub mod makespan;
pub mod mesh_map;
pub mod metrics_table;
pub mod panel;
pub mod rasters;
pub mod state;
pub mod tab;
pub mod view;

pub use actions::{Darwin3Action, Darwin3Export};
pub use state::Darwin3PanelState;
pub use tab::Darwin3Tab;
pub use view::Darwin3View;
