//! What the lab remembers between runs (`UiState`, read with defaults as a whole) and the
//! tabs it remembers.

use std::path::PathBuf;

use nv_core::Mode;
use serde::{Deserialize, Serialize};

use crate::lab::panels::network::ViewState;

/// What the lab remembers between runs. Read with defaults for every field as a whole, so a
/// field added, renamed or missing in a saved state never discards the rest of the layout.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    /// The last preset opened.
    pub last_preset: Option<PathBuf>,
    /// The last mode.
    pub mode: Option<Mode>,
    /// The last speed.
    pub speed: Option<f32>,
    /// Pan and zoom of the network view.
    pub view: ViewState,
    /// Whether the first-run hint was dismissed.
    pub hint_seen: bool,
    /// Recently opened or saved preset files, most recent first (at most 10).
    pub recent: Vec<PathBuf>,
    /// The tab the right-hand panel shows.
    pub right_tab: RightTab,
    /// The view the centre shows.
    pub central_tab: CentralTab,
}

/// The views of the central area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CentralTab {
    /// The network with its vesicles.
    #[default]
    Network,
    /// The Darwin3 emulation panel.
    Darwin3,
    /// The table of live and finished cascades.
    Cascades,
}

/// The tabs of the right-hand panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightTab {
    /// The selected node.
    #[default]
    Inspector,
    /// The species editor.
    Species,
    /// Release-operator tuning with its live readout.
    Releases,
}

pub(super) const STATE_KEY: &str = "nvlab_ui_state";

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved state from another version (a field missing, one unknown) keeps what it has.
    #[test]
    fn a_saved_state_with_missing_or_unknown_fields_keeps_the_rest() {
        let text = "(mode: Some(Twin), speed: Some(4.0), hint_seen: true, future_field: 3)";
        let state: UiState = ron::from_str(text).expect("reads with defaults");
        assert_eq!(state.mode, Some(Mode::Twin));
        assert_eq!(state.speed, Some(4.0));
        assert!(state.hint_seen);
        assert!(state.recent.is_empty() && state.last_preset.is_none());
    }
}
