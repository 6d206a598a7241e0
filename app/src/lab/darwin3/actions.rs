//! What the Darwin3 panel asks of the app: [`Darwin3Action`]s, returned from
//! [`super::panel::show`] and applied by the app after the UI pass (as `AppCommand`s are).

use nv_core::darwin3::CoreCoord;

use super::view::{Darwin3Settings, DivergenceSource, NeuronModel, Placement};

/// A file the panel can export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Darwin3Export {
    /// The per-neuron metrics table as CSV ([`super::view::Darwin3View::metrics_csv`]).
    MetricsCsv,
}

/// One request of the panel.
///
/// The settings strip edits a draft of the run's settings: each edit emits the fine-grained
/// action (`SetPlacement`, `SetDivergence`, `SetWeightBits`, `SetNeuronModel`) so an app may rerun
/// at once, and the Rerun button emits [`Darwin3Action::Rerun`] with the whole draft. Selections
/// are already applied to the panel's own state when emitted; the app may follow them (e.g. load
/// the selected core's program listing).
#[derive(Clone, Debug, PartialEq)]
pub enum Darwin3Action {
    /// Map, emulate and compare again with these settings.
    Rerun(Darwin3Settings),
    /// The placement of the draft was changed.
    SetPlacement(Placement),
    /// A divergence source of the draft was removed (`removed: true`) or put back.
    SetDivergence {
        /// Which source.
        source: DivergenceSource,
        /// Whether the reference now imitates the chip there.
        removed: bool,
    },
    /// The weight width of the draft was changed (bits, one of `WEIGHT_BITS`).
    SetWeightBits(u8),
    /// The neuron model of the draft was changed.
    SetNeuronModel(NeuronModel),
    /// A core was selected on the mesh map (`None`: the selection was cleared).
    SelectCore(Option<CoreCoord>),
    /// A neuron was selected in the metrics table (`None`: cleared); the rasters highlight it.
    SelectNeuron(Option<u32>),
    /// Export a file (the app asks where).
    Export(Darwin3Export),
    /// Attribute the gap to each divergence source ("attribute the gap"): rerun with
    /// [`Darwin3Settings::attribution`] set, which runs 2 + 2 × 8 more sessions on the worker.
    AttributeGap,
}

impl Darwin3Action {
    /// Applies a settings edit to `settings`; returns whether the action was one (selections,
    /// reruns and exports leave the settings alone and return false). An edit of the run's
    /// settings clears the attribution request (it belongs to the settings it was made for);
    /// [`Darwin3Action::AttributeGap`] sets it.
    pub fn edit(&self, settings: &mut Darwin3Settings) -> bool {
        settings.attribution = match self {
            Darwin3Action::AttributeGap => true,
            Darwin3Action::SetPlacement(_)
            | Darwin3Action::SetDivergence { .. }
            | Darwin3Action::SetWeightBits(_)
            | Darwin3Action::SetNeuronModel(_) => false,
            _ => settings.attribution,
        };
        match *self {
            Darwin3Action::AttributeGap => {}
            Darwin3Action::SetPlacement(p) => settings.placement = p,
            Darwin3Action::SetDivergence { source, removed } => {
                settings.removed.set(source, removed)
            }
            Darwin3Action::SetWeightBits(bits) => settings.weight_bits = bits,
            Darwin3Action::SetNeuronModel(m) => settings.neuron_model = m,
            Darwin3Action::Rerun(_)
            | Darwin3Action::SelectCore(_)
            | Darwin3Action::SelectNeuron(_)
            | Darwin3Action::Export(_) => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_change_only_their_setting() {
        let mut s = Darwin3Settings::default();
        let edit =
            Darwin3Action::SetDivergence { source: DivergenceSource::LeakForm, removed: true };
        assert!(edit.edit(&mut s));
        assert!(s.removed.leak_form && !s.removed.quantisation);
        assert!(Darwin3Action::SetWeightBits(4).edit(&mut s));
        assert_eq!(s.weight_bits, 4);
        assert!(Darwin3Action::SetPlacement(Placement::Greedy).edit(&mut s));
        assert!(Darwin3Action::SetNeuronModel(NeuronModel::Clif).edit(&mut s));
        let before = s;
        assert!(!Darwin3Action::SelectNeuron(Some(3)).edit(&mut s));
        assert!(!Darwin3Action::Rerun(Darwin3Settings::default()).edit(&mut s));
        assert_eq!(s, before);
    }
}
