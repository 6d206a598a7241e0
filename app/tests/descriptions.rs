//! Every shipped preset's description promises only what the lab shows: each tab it names
//! exists, each slider it names is one of the preset's meta sliders, each plot it names is
//! drawn for its host, and each file it names is one `nvlab run` writes.

use std::path::Path;

use nv_core::host::HostSpec;
use nv_core::preset::MetaSource;
use nv_lab::lab::panels::{CENTRAL_TABS, RIGHT_TABS};

/// The files `nvlab run` writes (README, "Files written by `nvlab run`").
const RUN_FILES: [&str; 8] = [
    "summary.json",
    "timeseries.csv",
    "host.csv",
    "nodes.csv",
    "edges.csv",
    "cascades.csv",
    "graph.json",
    "twin.csv",
];

/// The words right before `marker` in `text` (e.g. the tab's name before " tab").
fn names_before<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .filter_map(|(i, _)| text[..i].split_whitespace().last())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect()
}

#[test]
fn every_description_names_only_what_the_lab_shows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets");
    let tabs: Vec<&str> = RIGHT_TABS
        .iter()
        .map(|(_, label, _)| *label)
        .chain(CENTRAL_TABS.iter().map(|(_, label, ..)| *label))
        .collect();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the presets folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let preset = nv_core::preset::load(&path).expect("a shipped preset loads");
        let d = &preset.description;
        let file = path.display();
        for tab in names_before(d, " tab") {
            assert!(tabs.contains(&tab), "{file}: names a `{tab}` tab; the tabs are {tabs:?}");
        }
        for (i, _) in d.match_indices("slider '") {
            let name = d[i + 8..].split('\'').next().unwrap_or_default();
            let is_slider = preset
                .meta
                .iter()
                .any(|m| m.name == name && matches!(m.source, MetaSource::Slider(_)));
            assert!(is_slider, "{file}: names a slider '{name}' that is not a meta slider");
        }
        for plot in names_before(d, " plot") {
            let has_loss = matches!(preset.host, HostSpec::Mlp(_));
            let drawn = match plot {
                "loss" | "accuracy" | "gain" => has_loss,
                "count" | "counts" | "docking" | "dockings" => true,
                _ => false,
            };
            assert!(drawn, "{file}: names a `{plot}` plot the lab does not draw for this host");
        }
        for word in d.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':') {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '_');
            if word.ends_with(".csv") || word.ends_with(".json") {
                assert!(RUN_FILES.contains(&word), "{file}: names a file `{word}` nothing writes");
            }
        }
        for panel in ["cascade panel", "pathway panel", "pathway list", "gain plot"] {
            let allowed = panel == "gain plot" && matches!(preset.host, HostSpec::Mlp(_));
            assert!(
                allowed || !d.contains(panel),
                "{file}: promises a {panel}, which the lab lacks"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "every shipped preset was read: {checked}");
}
