//! The Cascades tab: a table of the live and the finished cascades (MODEL §6) with their root
//! species, root node, birth step, size, depth, duration, live members and status; sortable by
//! any column, filtered by species and a minimum size.
//!
//! What is kept: the world keeps a summary (not the tree) of its most recent finished
//! cascades (`CASCADES_KEPT`); the table shows the open ones and, of the finished, the most
//! recent [`SHOWN_FINISHED`] (the tab says how many there are in all). The rows are rebuilt at
//! most [`REFRESH`] apart while the world runs, so a long run with the tab open costs a sort
//! of at most that many rows a few times a second.

use std::time::{Duration, Instant};

use eframe::egui::{self, RichText};
use nv_core::World;

use super::PanelCx;

/// Most finished cascades the table shows (the most recent).
pub const SHOWN_FINISHED: usize = 20_000;
/// Most time between two rebuilds of the rows while the world changes.
pub const REFRESH: Duration = Duration::from_millis(250);
/// Height of one row, in points.
const ROW_HEIGHT: f32 = 18.0;

/// A column of the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Column {
    /// The cascade's number (in order of root birth).
    #[default]
    Number,
    /// The root's species.
    Species,
    /// The root's node.
    RootNode,
    /// The step the root was born at.
    Born,
    /// Members so far, the root included.
    Size,
    /// Largest generation.
    Depth,
    /// Steps from the root's birth to the last death (or to now, while open).
    Duration,
    /// Members alive now.
    Live,
    /// Open or finished.
    Status,
}

impl Column {
    /// Every column, in table order.
    pub const ALL: [Column; 9] = [
        Column::Number,
        Column::Species,
        Column::RootNode,
        Column::Born,
        Column::Size,
        Column::Depth,
        Column::Duration,
        Column::Live,
        Column::Status,
    ];

    /// The header.
    pub fn label(self) -> &'static str {
        match self {
            Column::Number => "#",
            Column::Species => "root species",
            Column::RootNode => "root node",
            Column::Born => "born (step)",
            Column::Size => "size",
            Column::Depth => "depth",
            Column::Duration => "duration (steps)",
            Column::Live => "live",
            Column::Status => "status",
        }
    }
}

/// One row: a cascade, open or finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its number.
    pub number: u64,
    /// The root's species.
    pub species: u16,
    /// The root's node.
    pub root_node: u32,
    /// The root's birth step.
    pub born: u64,
    /// Members so far.
    pub size: u64,
    /// Largest generation.
    pub depth: u32,
    /// Steps so far (open) or in all (finished).
    pub duration: u64,
    /// Members alive now (0 when finished).
    pub live: u32,
    /// Whether it is still open.
    pub open: bool,
}

impl Row {
    /// The row of a cascade's `record`, with `live` members alive, `open` or finished.
    fn of(record: &nv_core::cascade::CascadeRecord, live: u32, open: bool) -> Self {
        Row {
            number: record.number,
            species: record.species,
            root_node: record.root_node,
            born: record.start,
            size: record.size,
            depth: record.depth,
            duration: record.duration,
            live,
            open,
        }
    }

    /// The value the rows are sorted by in `column` (status: open first).
    fn key(&self, column: Column) -> u64 {
        match column {
            Column::Number => self.number,
            Column::Species => self.species as u64,
            Column::RootNode => self.root_node as u64,
            Column::Born => self.born,
            Column::Size => self.size,
            Column::Depth => self.depth as u64,
            Column::Duration => self.duration,
            Column::Live => self.live as u64,
            Column::Status => u64::from(!self.open),
        }
    }
}

/// The table's settings and its rows (kept in egui's temporary storage between frames).
#[derive(Clone, Debug, Default)]
pub struct TableState {
    /// The sort column and whether descending.
    pub sort: (Column, bool),
    /// Only cascades whose root is of this species (`None`: all).
    pub species: Option<u16>,
    /// Only cascades of at least this size.
    pub min_size: u64,
    /// The rows, sorted and filtered.
    rows: Vec<Row>,
    /// When the rows were built, and from what.
    built: Option<(Instant, Built)>,
}

/// What a table of rows was built from: the step, the sort, the species and the minimum size.
type Built = (u64, (Column, bool), Option<u16>, u64);

/// The rows of `world`'s cascades: the open ones and the most recent [`SHOWN_FINISHED`]
/// finished, filtered and sorted.
pub fn rows(world: &World, species: Option<u16>, min_size: u64, sort: (Column, bool)) -> Vec<Row> {
    let t = &world.cascades;
    let live = t.live(world.step).into_iter().map(|c| Row::of(&c.record, c.alive, true));
    let skip = t.finished.len().saturating_sub(SHOWN_FINISHED);
    let finished = t.finished.iter().skip(skip).map(|c| Row::of(c, 0, false));
    let mut out: Vec<Row> = live
        .chain(finished)
        .filter(|r| species.is_none_or(|s| r.species == s) && r.size >= min_size)
        .collect();
    let (column, descending) = sort;
    out.sort_by(|a, b| {
        let order = a.key(column).cmp(&b.key(column)).then(a.number.cmp(&b.number));
        if descending { order.reverse() } else { order }
    });
    out
}

/// Where the table keeps its state.
fn state_id() -> egui::Id {
    egui::Id::new("nv_cascades_table")
}

/// The Cascades tab.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    let world = cx.sim.world();
    let mut state: TableState = ui.ctx().data(|d| d.get_temp(state_id())).unwrap_or_default();
    let tracker = &world.cascades;
    let cascading: Vec<usize> =
        (0..world.species.len()).filter(|&k| world.species[k].cascades).collect();
    ui.heading("Cascades");
    if cascading.is_empty() {
        ui.label(
            "No species of this world has a Cascade release: add one in the Species tab (a \
             release that emits Poisson(χ) vesicles at each docking), or open cascade_critical.",
        );
        return;
    }
    let kept = tracker.finished.len();
    let shown = kept.min(SHOWN_FINISHED);
    let kept_text = if kept as u64 == tracker.finished_total {
        "a summary of each is kept (root, size, depth, duration)".to_string()
    } else {
        format!("summaries kept for the last {kept} (root, size, depth, duration)")
    };
    let shown_text = if shown == kept {
        "the table shows them all and every open one".to_string()
    } else {
        format!("the table shows the {shown} most recent and every open one")
    };
    ui.label(
        RichText::new(format!(
            "{} open · {} finished in all; {kept_text}; {shown_text}",
            tracker.open_count(),
            tracker.finished_total,
        ))
        .small(),
    );
    ui.horizontal(|ui| {
        ui.label("root species");
        let name = |k: Option<u16>| {
            k.and_then(|k| world.preset.species.get(k as usize))
                .map_or("all".to_string(), |s| s.name.clone())
        };
        egui::ComboBox::from_id_salt("cascade_species").selected_text(name(state.species)).show_ui(
            ui,
            |ui| {
                ui.selectable_value(&mut state.species, None, "all");
                for &k in &cascading {
                    ui.selectable_value(&mut state.species, Some(k as u16), name(Some(k as u16)));
                }
            },
        );
        let label = ui.label("min size");
        ui.add(egui::DragValue::new(&mut state.min_size).range(0..=u64::MAX).speed(1.0))
            .labelled_by(label.id)
            .on_hover_text("Only cascades with at least this many members (the root included).");
    });
    egui::CollapsingHeader::new(RichText::new("Distributions: measured against the law").strong())
        .id_salt("cascade_distributions")
        .default_open(false)
        .show(ui, |ui| distributions(ui, world, &cascading));
    let wanted: Built = (world.step, state.sort, state.species, state.min_size);
    let stale = match state.built {
        None => true,
        Some((at, built)) => {
            (built.1, built.2, built.3) != (wanted.1, wanted.2, wanted.3)
                || (built.0 != wanted.0 && at.elapsed() >= REFRESH)
        }
    };
    if stale {
        state.rows = rows(world, state.species, state.min_size, state.sort);
        state.built = Some((Instant::now(), wanted));
    }
    if cx.sim.playing {
        ui.ctx().request_repaint_after(REFRESH);
    }
    let widths = [60.0, 90.0, 70.0, 80.0, 60.0, 50.0, 100.0, 50.0, 70.0];
    ui.horizontal(|ui| {
        for (column, w) in Column::ALL.into_iter().zip(widths) {
            let arrow = match state.sort {
                (c, false) if c == column => " ▲",
                (c, true) if c == column => " ▼",
                _ => "",
            };
            let header =
                egui::Button::new(RichText::new(format!("{}{arrow}", column.label())).strong())
                    .frame(false)
                    .min_size(egui::vec2(w, ROW_HEIGHT));
            if ui.add_sized([w, ROW_HEIGHT], header).on_hover_text("sort by this column").clicked()
            {
                state.sort = match state.sort {
                    (c, descending) if c == column => (c, !descending),
                    _ => (column, true),
                };
            }
        }
    });
    ui.separator();
    let rows = &state.rows;
    if rows.is_empty() {
        ui.label("No cascade matches (yet): run the world, or lower the minimum size.");
    }
    egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
        ui,
        ROW_HEIGHT,
        rows.len(),
        |ui, range| {
            for r in &rows[range] {
                ui.horizontal(|ui| {
                    let species = world
                        .preset
                        .species
                        .get(r.species as usize)
                        .map_or("?".to_string(), |s| s.name.clone());
                    let cells = [
                        r.number.to_string(),
                        species,
                        r.root_node.to_string(),
                        r.born.to_string(),
                        r.size.to_string(),
                        r.depth.to_string(),
                        r.duration.to_string(),
                        r.live.to_string(),
                        if r.open { "open".into() } else { "finished".into() },
                    ];
                    for (text, w) in cells.into_iter().zip(widths) {
                        ui.add_sized([w, ROW_HEIGHT], egui::Label::new(text).truncate());
                    }
                });
            }
        },
    );
    ui.ctx().data_mut(|d| d.insert_temp(state_id(), state));
}

/// Trees the branching-process prediction draws.
pub const PREDICTED_TREES: u64 = 20_000;
/// The prediction's largest tree (a tree is cut there).
pub const PREDICTED_CAP: u64 = 1_000_000;

/// The law's prediction for a cascading species: sizes and depths of [`PREDICTED_TREES`]
/// simulated trees of MODEL §6's branching process with the species' own rates and χ (its
/// first `Cascade` release into itself), or why there is none. Cached in egui's memory by the
/// parameters (a draw takes a fraction of a second).
fn prediction(ctx: &egui::Context, world: &World, k: usize) -> Result<Vec<(u64, u32)>, String> {
    use nv_core::release::ReleaseOp;
    let s = &world.preset.species[k];
    let chi = s.releases.iter().find_map(|op| match op {
        ReleaseOp::Cascade { species, chi, .. } if *species == s.name => Some(*chi),
        _ => None,
    });
    let Some(chi) = chi else {
        return Err("its cascades are of another species: no single-species law".into());
    };
    let law = nv_core::cascade::branching_law(s, chi, world.preset.dt)
        .map_err(|why| format!("no closed-form law: {why}"))?;
    let key = egui::Id::new((
        "cascade_prediction",
        chi.to_bits(),
        law.survival.to_bits(),
        law.docking.to_bits(),
        s.absorption.to_bits(),
    ));
    if let Some(trees) = ctx.data(|d| d.get_temp::<std::sync::Arc<Vec<(u64, u32)>>>(key)) {
        return Ok(trees.as_ref().clone());
    }
    let trees = nv_core::cascade::simulate_trees(
        &law,
        s.absorption as f64,
        chi as f64,
        PREDICTED_TREES,
        PREDICTED_CAP,
    );
    ctx.data_mut(|d| d.insert_temp(key, std::sync::Arc::new(trees.clone())));
    Ok(trees)
}

/// log₁₀ of a CCDF's points, for a log-log plot.
fn log_points(ccdf: &[(u64, f64)]) -> Vec<[f64; 2]> {
    ccdf.iter().map(|&(x, p)| [(x as f64).log10(), p.log10()]).collect()
}

/// Sizes and depths of the finished cascades kept, as log-log complementary CDFs beside the
/// branching-process prediction, per cascading species; and the law's m beside the measured.
fn distributions(ui: &mut egui::Ui, world: &World, cascading: &[usize]) {
    use egui_plot::{Legend, Line, Plot, PlotPoints};
    use nv_core::cascade::ccdf;
    for &k in cascading {
        let s = &world.preset.species[k];
        let mut sizes: Vec<u64> = Vec::new();
        let mut depths: Vec<u64> = Vec::new();
        let recent = world.cascades.finished.iter().rev().take(SHOWN_FINISHED);
        for c in recent.filter(|c| c.species as usize == k) {
            sizes.push(c.size);
            depths.push(c.depth as u64 + 1);
        }
        let what = format!("{}: the {} most recent finished cascades", s.name, sizes.len());
        ui.label(RichText::new(what).strong());
        if sizes.len() >= 2 {
            // m from the mean size, 1 − 1/⟨s⟩ (a subcritical Galton–Watson tree has mean size
            // 1/(1 − m)), with its standard error by the delta method.
            let n = sizes.len() as f64;
            let mean = sizes.iter().sum::<u64>() as f64 / n;
            let var = sizes.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let se = (var / n).sqrt() / (mean * mean);
            ui.label(
                RichText::new(format!(
                    "m from the mean size: 1 − 1/⟨s⟩ = {:.4} ± {se:.4} (over {n:.0} finished \
                     cascades; the open ones, often the largest, are not counted, so it reads \
                     low while they run)",
                    1.0 - 1.0 / mean
                ))
                .small(),
            );
        }
        let predicted = prediction(ui.ctx(), world, k);
        match &predicted {
            Ok(trees) => {
                let mean = trees.iter().map(|t| t.0 as f64).sum::<f64>() / trees.len() as f64;
                let measured = if sizes.is_empty() {
                    "none finished yet".to_string()
                } else {
                    format!("{:.1}", sizes.iter().sum::<u64>() as f64 / sizes.len() as f64)
                };
                ui.label(RichText::new(format!(
                    "mean size: measured {measured}, predicted {mean:.1} ({PREDICTED_TREES} trees \
                     of the branching process with this species' S, D, p_abs and χ); depth is \
                     plotted as generations + 1"
                )).small());
            }
            Err(why) => {
                ui.label(RichText::new(format!("no prediction: {why}")).small());
            }
        }
        let plot = |ui: &mut egui::Ui,
                    id: &str,
                    what: &str,
                    measured: &mut Vec<u64>,
                    theory: Option<Vec<u64>>| {
            Plot::new((id, k))
                .legend(Legend::default())
                .height(160.0)
                .width((ui.available_width() / 2.0 - 8.0).max(120.0))
                .x_axis_label(format!("log₁₀ {what}"))
                .y_axis_label(format!("log₁₀ P({what} ≥ x)"))
                .show(ui, |p| {
                    p.line(Line::new("measured", PlotPoints::from(log_points(&ccdf(measured)))));
                    if let Some(mut t) = theory {
                        p.line(Line::new("predicted", PlotPoints::from(log_points(&ccdf(&mut t)))));
                    }
                });
        };
        let theory_sizes = predicted.as_ref().ok().map(|t| t.iter().map(|x| x.0).collect());
        let theory_depths =
            predicted.as_ref().ok().map(|t| t.iter().map(|x| x.1 as u64 + 1).collect());
        ui.horizontal(|ui| {
            plot(ui, "cascade_size_ccdf", "size", &mut sizes, theory_sizes);
            plot(ui, "cascade_depth_ccdf", "depth + 1", &mut depths, theory_depths);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(steps: u64) -> World {
        let path = crate::presets::shipped_dir().join("cascade_critical.ron");
        let mut w = World::load(&path, nv_core::Mode::Particle).expect("the shipped preset loads");
        w.advance(steps);
        w
    }

    #[test]
    fn rows_are_every_open_and_recent_finished_cascade_sorted_and_filtered() {
        let w = world(3000);
        let all = rows(&w, None, 0, (Column::Number, false));
        let open = w.cascades.open_count();
        assert_eq!(all.len(), open + w.cascades.finished.len().min(SHOWN_FINISHED));
        assert!(all.windows(2).all(|p| p[0].number < p[1].number), "sorted by number");
        assert_eq!(all.iter().filter(|r| r.open).count(), open);
        // Finished rows carry the records' values, roots where they were born.
        for r in all.iter().filter(|r| !r.open) {
            let rec = w.cascades.finished.iter().find(|c| c.number == r.number).expect("kept");
            assert_eq!(
                (r.size, r.depth, r.duration, r.root_node),
                (rec.size, rec.depth, rec.duration, rec.root_node)
            );
        }
        let big = rows(&w, None, 5, (Column::Size, true));
        assert!(big.iter().all(|r| r.size >= 5));
        assert!(big.windows(2).all(|p| p[0].size >= p[1].size), "largest first");
        assert!(rows(&w, Some(7), 0, (Column::Number, false)).is_empty(), "no species 7");
    }
}
