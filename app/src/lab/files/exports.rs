//! The exports: the plotted series as CSV and the run bundle (formats in the module docs of
//! `files`).

use std::path::Path;

use nv_core::observe::{
    SpeciesTotals, fnv1a_hex, species_totals, write_cascades_csv, write_edges_csv, write_graph_json,
};
use serde::Serialize;

use super::atomic::write_atomic;
use super::document::{is_dirty, preset_text};
use crate::lab::sim::Simulation;

/// Every plotted series: its name (as the plot legend shows it) and its values, one per
/// recorded step (see the module docs for the columns).
pub fn plotted_series(sim: &Simulation) -> Vec<(String, &[f64])> {
    let h = &sim.history;
    let mut out: Vec<(String, &[f64])> = Vec::new();
    for (k, s) in sim.world().species.iter().enumerate() {
        if let Some(v) = h.free.get(k) {
            out.push((format!("{} free", s.name), v));
        }
        if let Some(v) = h.docked.get(k) {
            out.push((format!("{} docked/step", s.name), v));
        }
    }
    if h.loss.iter().any(|v| v.is_finite()) {
        out.push(("test loss".into(), &h.loss));
        out.push(("test accuracy".into(), &h.accuracy));
        out.push(("mean gain".into(), &h.mean_gain));
    }
    for (k, s) in sim.world().species.iter().enumerate() {
        if let (Some(rms), Some(l1)) = (h.rms_z.get(k), h.relative_l1.get(k)) {
            out.push((format!("{} RMS z", s.name), rms));
            out.push((format!("{} relative L1", s.name), l1));
        }
    }
    out
}

/// The plotted series as CSV text (module docs: one row per step, one column per series).
pub fn series_csv(sim: &Simulation) -> String {
    let series = plotted_series(sim);
    let steps = &sim.history.step;
    let mut out = String::with_capacity(16 * (steps.len() + 1) * (series.len() + 1));
    out.push_str("step");
    for (name, _) in &series {
        out.push(',');
        out.push_str(&nv_core::csv::cell(name));
    }
    out.push('\n');
    for (i, step) in steps.iter().enumerate() {
        out.push_str(&step.to_string());
        for (_, values) in &series {
            out.push(',');
            if let Some(v) = values.get(i).filter(|v| v.is_finite()) {
                out.push_str(&v.to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// Writes the plotted series to `path` as CSV (atomically); returns the number of data rows
/// (one per recorded step).
pub fn export_series(sim: &Simulation, path: &Path) -> Result<usize, String> {
    write_atomic(path, series_csv(sim).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(sim.history.step.len())
}

/// `summary.json` of a run bundle.
#[derive(Clone, Debug, Serialize)]
pub struct BundleSummary {
    /// Preset name.
    pub preset: String,
    /// FNV-1a 64 hash of the preset as canonical RON, hex (as `nvlab run` writes it).
    pub preset_hash: String,
    /// The preset file the world came from, if any.
    pub source: Option<String>,
    /// Whether the world had changes not saved to that file (`preset.ron` has them).
    pub unsaved_changes: bool,
    /// The seed.
    pub seed: u64,
    /// Steps taken.
    pub steps: u64,
    /// particle, density or twin.
    pub mode: String,
    /// nvlab version.
    pub version: String,
    /// Rows of `series.csv`.
    pub series_rows: usize,
    /// Totals per species (of the particle world in twin mode).
    pub totals: Vec<SpeciesTotals>,
    /// Totals per species of the density world (twin mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub density_totals: Option<Vec<SpeciesTotals>>,
}

/// Writes a run bundle into the folder `dir` (created if needed; files of the same names are
/// replaced): `preset.ron`, `summary.json`, `series.csv`, `graph.json`, `edges.csv`, `cascades.csv` (module
/// docs).
pub fn export_bundle(sim: &Simulation, dir: &Path) -> Result<(), String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("cannot write {what}: {e}");
    std::fs::create_dir_all(dir).map_err(|e| fail(&dir.display().to_string(), &e))?;
    let w = sim.world();
    let text = preset_text(sim)?;
    nv_core::preset::save(&w.preset, &dir.join("preset.ron")).map_err(|e| e.to_string())?;
    let rows = export_series(sim, &dir.join("series.csv"))?;
    let summary = BundleSummary {
        preset: w.preset.name.clone(),
        preset_hash: fnv1a_hex(text.as_bytes()),
        source: sim.path.as_ref().map(|p| p.display().to_string()),
        unsaved_changes: is_dirty(sim),
        seed: w.preset.seed,
        steps: w.step,
        mode: sim.mode.name().into(),
        version: env!("CARGO_PKG_VERSION").into(),
        series_rows: rows,
        totals: species_totals(w),
        density_totals: sim.twin.as_ref().map(species_totals),
    };
    let json = serde_json::to_string_pretty(&summary).map_err(|e| fail("summary.json", &e))?;
    write_atomic(&dir.join("summary.json"), json.as_bytes())
        .map_err(|e| fail("summary.json", &e))?;
    write_graph_json(w, &dir.join("graph.json")).map_err(|e| fail("graph.json", &e))?;
    let csv = |name: &str, write: fn(&nv_core::World, &mut Vec<u8>) -> std::io::Result<()>| {
        let mut bytes = Vec::new();
        write(w, &mut bytes).map_err(|e| fail(name, &e))?;
        write_atomic(&dir.join(name), &bytes).map_err(|e| fail(name, &e))
    };
    csv("edges.csv", write_edges_csv)?;
    csv("cascades.csv", write_cascades_csv)
}
