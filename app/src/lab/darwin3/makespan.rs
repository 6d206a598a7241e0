//! The per-step makespan against the step budget, under the rasters and on their step axis:
//! bars per step (the largest of a pixel's steps when they are dense), overruns in red, the
//! budget as a line, and the shared time cursor's step highlighted. Hovering moves the cursor.

use eframe::egui::{self, Color32, Pos2, Rect, RichText, Sense, Stroke, Vec2};

use super::rasters::{CURSOR, LEFT_MARGIN, window};
use super::state::Darwin3PanelState;
use super::view::{Rasters, StepTiming};

const BAR: Color32 = Color32::from_rgb(60, 160, 170);
const OVER: Color32 = Color32::from_rgb(230, 70, 60);

/// Where the plot area was drawn last frame (screen points), kept in egui's temporary memory
/// under this id; the UI tests read it to hover a step.
pub fn plot_rect_id() -> egui::Id {
    egui::Id::new("nvlab_darwin3_makespan_plot")
}

/// The line under the plot: the cursor's step against the budget.
pub fn readout(t: &StepTiming, cursor: Option<u32>) -> String {
    match cursor.and_then(|s| t.makespan_cycles.get(s as usize).map(|&m| (s, m))) {
        Some((s, m)) => {
            let share = m as f64 / t.budget_cycles.max(1) as f64 * 100.0;
            let over = if m > t.budget_cycles { " — OVERRUN" } else { "" };
            format!(
                "makespan at step {s}: {m} cycles of a {} cycle budget ({share:.1} %){over}",
                t.budget_cycles
            )
        }
        None => "makespan: hover a step".into(),
    }
}

/// Draws the plot in a `height`-point tall area.
pub fn show(
    ui: &mut egui::Ui,
    t: &StepTiming,
    r: &Rasters,
    state: &mut Darwin3PanelState,
    height: f32,
) {
    let overruns = t.overruns();
    let list: Vec<String> = overruns.iter().take(8).map(u32::to_string).collect();
    let more = if overruns.len() > 8 { ", …" } else { "" };
    let summary = if overruns.is_empty() {
        "no step overran its budget".to_owned()
    } else {
        format!("{} overrun steps: {}{more}", overruns.len(), list.join(", "))
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("makespan per step (cycles) vs step budget").small().strong())
            .on_hover_text(
                "The mesh model's estimate (DARWIN3.md §4.8): 1 cycle per instruction, synaptic \
                 event and flit, XY routes, one flit per link per cycle. A step longer than the \
                 budget would make the hardware's results unreliable.",
            );
        let colour = if overruns.is_empty() { Color32::GRAY } else { OVER };
        ui.label(RichText::new(summary).small().color(colour));
    });
    let size = Vec2::new(ui.available_width(), height.max(40.0));
    let (response, painter) = ui.allocate_painter(size, Sense::hover());
    let full = response.rect;
    let plot = Rect::from_min_max(full.min + Vec2::new(LEFT_MARGIN, 2.0), full.max);
    painter.rect_filled(full, 0.0, Color32::from_rgb(16, 18, 24));
    ui.ctx().data_mut(|d| d.insert_temp(plot_rect_id(), plot));
    let w = window(r, state);
    let top = t.makespan_cycles.iter().copied().max().unwrap_or(0).max(t.budget_cycles).max(1);
    let y_of = |c: u64| plot.bottom() - plot.height() * (c as f64 / (top as f64 * 1.1)) as f32;
    let px_step = f64::from(plot.width()) / (w.x1 - w.x0);
    let to_x = |s: f64| plot.left() + ((s - w.x0) * px_step) as f32;
    let clip = painter.with_clip_rect(plot);
    let (lo, hi) =
        (w.x0.floor().max(0.0) as usize, (w.x1.ceil() as usize).min(t.makespan_cycles.len()));
    // One bar per pixel column at most: the largest makespan of its steps.
    let columns = (plot.width().max(1.0) as usize).min(hi.saturating_sub(lo).max(1));
    let per = (hi.saturating_sub(lo) as f64 / columns as f64).max(1.0);
    for k in 0..columns {
        let (a, b) =
            (lo + (k as f64 * per) as usize, (lo + ((k + 1) as f64 * per) as usize).min(hi));
        let Some(m) = t.makespan_cycles.get(a..b.max(a + 1).min(hi)).and_then(|s| s.iter().max())
        else {
            continue;
        };
        let x0 = to_x(a as f64);
        let x1 = to_x(b.max(a + 1) as f64);
        let bar = Rect::from_min_max(
            Pos2::new(x0, y_of(*m)),
            Pos2::new((x1 - 1.0).max(x0 + 1.0), plot.bottom()),
        );
        clip.rect_filled(bar, 0.0, if *m > t.budget_cycles { OVER } else { BAR });
    }
    let yb = y_of(t.budget_cycles);
    clip.extend(egui::Shape::dashed_line(
        &[Pos2::new(plot.left(), yb), Pos2::new(plot.right(), yb)],
        Stroke::new(1.0, OVER),
        6.0,
        4.0,
    ));
    painter.text(
        Pos2::new(full.left() + 4.0, yb),
        egui::Align2::LEFT_CENTER,
        format!("budget {}", t.budget_cycles),
        egui::FontId::proportional(10.0),
        OVER,
    );
    if let Some(p) = response.hover_pos().filter(|p| plot.contains(*p)) {
        let s = (w.x0 + f64::from(p.x - plot.left()) / px_step).floor();
        if s >= 0.0 && s < f64::from(r.steps) && state.cursor != Some(s as u32) {
            state.cursor = Some(s as u32);
            // The rasters above were drawn with the old cursor: draw again.
            ui.ctx().request_repaint();
        }
    }
    if let Some(s) = state.cursor {
        let x = to_x(f64::from(s) + 0.5);
        clip.line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            Stroke::new(1.0, CURSOR),
        );
        if let Some(&m) = t.makespan_cycles.get(s as usize) {
            let bar = Rect::from_min_max(
                Pos2::new(to_x(f64::from(s)), y_of(m)),
                Pos2::new(to_x(f64::from(s) + 1.0).max(to_x(f64::from(s)) + 2.0), plot.bottom()),
            );
            clip.rect_filled(bar, 0.0, CURSOR);
        }
    }
    ui.label(RichText::new(readout(t, state.cursor)).small());
}
