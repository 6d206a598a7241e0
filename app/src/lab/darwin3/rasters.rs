//! The reference and emulated rasters overlaid: steps across, neurons down, grouped by
//! population. A spike both runs agree on is white; a reference-only spike a hollow blue tick;
//! an emulated-only spike a filled orange one. Hovering moves the shared time cursor (the
//! makespan plot shows the same step); scroll zooms the steps, shift + scroll the neurons, drag
//! pans, double-click shows everything. When more than one step or neuron falls on a pixel the
//! view bins spikes into an image (and says so), so 10^4 neurons × 10^3 steps stay fast.

use eframe::egui::{self, Color32, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, Vec2};

use super::state::{Darwin3PanelState, RasterImage, RasterWindow};
use super::view::Rasters;

/// Points left of the plot area for the population names; the makespan plot below uses the
/// same margin so the two share their step axis.
pub const LEFT_MARGIN: f32 = 90.0;

/// Reference-only spikes.
pub const REFERENCE_ONLY: Color32 = Color32::from_rgb(80, 150, 255);
/// Emulated-only spikes.
pub const EMULATED_ONLY: Color32 = Color32::from_rgb(255, 150, 40);
/// Spikes both runs have.
pub const AGREE: Color32 = Color32::from_rgb(235, 235, 235);
/// Most spikes drawn as single ticks; above it the view bins them.
pub const TICK_BUDGET: usize = 60_000;

/// The time cursor.
pub const CURSOR: Color32 = Color32::from_rgb(255, 230, 80);

/// Where the rasters' plot area was drawn last frame (screen points), kept in egui's temporary
/// memory under this id; the UI tests read it to hover a step.
pub fn plot_rect_id() -> egui::Id {
    egui::Id::new("nvlab_darwin3_raster_plot")
}

/// Rows of the raster: neuron indices grouped by population (stable: index order within one).
pub fn row_order(r: &Rasters) -> Vec<u32> {
    let mut order: Vec<u32> = (0..r.neurons.len() as u32).collect();
    order.sort_by_key(|&n| r.neurons[n as usize].population);
    order
}

/// The window shown: the state's, else everything.
pub fn window(r: &Rasters, state: &Darwin3PanelState) -> RasterWindow {
    state.window.unwrap_or(RasterWindow {
        x0: 0.0,
        x1: f64::from(r.steps.max(1)),
        y0: 0.0,
        y1: r.neurons.len().max(1) as f64,
    })
}

/// Whether a spike of one run at a step agrees with the other run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Agree,
    ReferenceOnly,
    EmulatedOnly,
}

/// The part of a sorted spike train in `[from, to)`.
fn within(train: &[u32], from: u32, to: u32) -> &[u32] {
    let a = train.partition_point(|&t| t < from);
    let b = train.partition_point(|&t| t < to);
    &train[a..b.max(a)]
}

/// Walks the spikes of both runs in `[from, to)` in step order, classified.
fn merged(reference: &[u32], emulated: &[u32], from: u32, to: u32, mut f: impl FnMut(u32, Kind)) {
    let (a, b) = (within(reference, from, to), within(emulated, from, to));
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x == y => {
                f(x, Kind::Agree);
                i += 1;
                j += 1;
            }
            (Some(&x), Some(&y)) if x < y => {
                f(x, Kind::ReferenceOnly);
                i += 1;
            }
            (Some(&x), None) => {
                f(x, Kind::ReferenceOnly);
                i += 1;
            }
            (_, Some(&y)) => {
                f(y, Kind::EmulatedOnly);
                j += 1;
            }
            (None, None) => break,
        }
    }
}

/// Clamps a window into the rasters' extent, keeping at least a few steps and rows.
fn clamp(w: RasterWindow, steps: f64, rows: f64) -> RasterWindow {
    let fit = |a: f64, b: f64, max: f64, min_span: f64| {
        let span = (b - a).clamp(min_span.min(max), max);
        let a = a.clamp(0.0, max - span);
        (a, a + span)
    };
    let (x0, x1) = fit(w.x0, w.x1, steps, 8.0);
    let (y0, y1) = fit(w.y0, w.y1, rows, 4.0);
    RasterWindow { x0, x1, y0, y1 }
}

/// Draws the rasters in a `height`-point tall area.
pub fn show(ui: &mut egui::Ui, r: &Rasters, state: &mut Darwin3PanelState, height: f32) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("■ both agree").color(AGREE).small());
        ui.label(RichText::new("□ reference only").color(REFERENCE_ONLY).small());
        ui.label(RichText::new("■ emulated only").color(EMULATED_ONLY).small());
        ui.label(
            RichText::new(
                "scroll: zoom steps · shift+scroll: zoom neurons · drag: pan · double-click: all",
            )
            .small()
            .weak(),
        );
    });
    let order = row_order(r);
    let (steps, rows) = (f64::from(r.steps.max(1)), order.len().max(1) as f64);
    let size = Vec2::new(ui.available_width(), height.max(60.0));
    let (response, painter) = ui.allocate_painter(size, Sense::click_and_drag());
    let full = response.rect;
    let plot =
        Rect::from_min_max(full.min + Vec2::new(LEFT_MARGIN, 0.0), full.max - Vec2::new(0.0, 16.0));
    painter.rect_filled(full, 0.0, Color32::from_rgb(16, 18, 24));
    ui.ctx().data_mut(|d| d.insert_temp(plot_rect_id(), plot));
    let mut w = window(r, state);

    // Zoom and pan.
    if response.double_clicked() {
        state.window = None;
        w = window(r, state);
    } else {
        let (scroll, shift) = ui.input(|i| (i.smooth_scroll_delta, i.modifiers.shift));
        let delta = scroll.x + scroll.y;
        if response.hovered() && delta != 0.0 {
            let k = f64::from((-delta * 0.003).exp());
            let p = response.hover_pos().unwrap_or(plot.center());
            if shift {
                let at = w.y0 + f64::from((p.y - plot.top()) / plot.height()) * (w.y1 - w.y0);
                (w.y0, w.y1) = (at - (at - w.y0) * k, at + (w.y1 - at) * k);
            } else {
                let at = w.x0 + f64::from((p.x - plot.left()) / plot.width()) * (w.x1 - w.x0);
                (w.x0, w.x1) = (at - (at - w.x0) * k, at + (w.x1 - at) * k);
            }
            w = clamp(w, steps, rows);
            state.window = Some(w);
        }
        if response.dragged() {
            let d = response.drag_delta();
            let dx = f64::from(d.x / plot.width()) * (w.x1 - w.x0);
            let dy = f64::from(d.y / plot.height()) * (w.y1 - w.y0);
            w = clamp(
                RasterWindow { x0: w.x0 - dx, x1: w.x1 - dx, y0: w.y0 - dy, y1: w.y1 - dy },
                steps,
                rows,
            );
            state.window = Some(w);
        }
    }
    let px_step = f64::from(plot.width()) / (w.x1 - w.x0);
    let px_row = f64::from(plot.height()) / (w.y1 - w.y0);
    let to_x = |s: f64| plot.left() + ((s - w.x0) * px_step) as f32;
    let to_y = |row: f64| plot.top() + ((row - w.y0) * px_row) as f32;
    let (row_lo, row_hi) =
        (w.y0.floor().max(0.0) as usize, (w.y1.ceil() as usize).min(order.len()));
    let (step_lo, step_hi) = (w.x0.floor().max(0.0) as u32, (w.x1.ceil() as u32).min(r.steps));

    // Population bands and names.
    let clip = painter.with_clip_rect(full);
    let mut start = row_lo;
    while start < row_hi {
        let pop = r.neurons[order[start] as usize].population;
        let mut end = start + 1;
        while end < row_hi && r.neurons[order[end] as usize].population == pop {
            end += 1;
        }
        let band = Rect::from_x_y_ranges(
            full.left()..=plot.right(),
            to_y(start as f64).max(plot.top())..=to_y(end as f64).min(plot.bottom()),
        );
        if pop % 2 == 1 {
            clip.rect_filled(band, 0.0, Color32::from_rgb(26, 29, 37));
        }
        clip.line_segment(
            [Pos2::new(full.left(), band.top()), Pos2::new(plot.right(), band.top())],
            Stroke::new(0.5, Color32::from_rgb(70, 74, 86)),
        );
        let name = r.populations.get(pop).map_or("?", String::as_str);
        clip.text(
            Pos2::new(full.left() + 4.0, band.top() + 2.0),
            egui::Align2::LEFT_TOP,
            format!("{name} ({})", end - start),
            egui::FontId::proportional(11.0),
            Color32::from_rgb(190, 195, 205),
        );
        start = end;
    }
    let clip = painter.with_clip_rect(plot);
    // Single ticks only while they are at least 1.5 points apart and few enough to draw.
    let visible: usize = order[row_lo..row_hi]
        .iter()
        .map(|&n| {
            let n = n as usize;
            within(&r.reference[n], step_lo, step_hi).len()
                + within(&r.emulated[n], step_lo, step_hi).len()
        })
        .sum();
    let dense = px_step < 1.5 || px_row < 1.5 || visible > TICK_BUDGET;
    let mut note = None;
    if dense {
        let bins_x = ((plot.width() / 2.0) as usize).clamp(1, (step_hi - step_lo).max(1) as usize);
        let bins_y = ((plot.height() / 2.0) as usize).clamp(1, (row_hi - row_lo).max(1));
        let key = (w, bins_x, bins_y);
        if state.raster_image.as_ref().is_none_or(|i| i.key != key) {
            let image = binned_image(r, &order, w, bins_x, bins_y);
            let texture =
                ui.ctx().load_texture("darwin3_raster", image, egui::TextureOptions::NEAREST);
            state.raster_image = Some(RasterImage { key, texture });
        }
        if let Some(img) = &state.raster_image {
            let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
            clip.image(img.texture.id(), plot, uv, Color32::WHITE);
        }
        note = Some(format!(
            "dense view: each cell bins {:.1} steps × {:.1} neurons (brighter = more spikes); \
             zoom in for single spikes",
            (w.x1 - w.x0) / bins_x as f64,
            (w.y1 - w.y0) / bins_y as f64
        ));
    } else {
        let tick_w = (px_step * 0.7).clamp(1.0, 6.0) as f32;
        let tick_h = (px_row * 0.8).clamp(1.0, 12.0) as f32;
        for (row, &n) in order.iter().enumerate().take(row_hi).skip(row_lo) {
            let n = n as usize;
            let yc = to_y(row as f64 + 0.5);
            merged(&r.reference[n], &r.emulated[n], step_lo, step_hi, |s, kind| {
                let xc = to_x(f64::from(s) + 0.5);
                let rect = Rect::from_center_size(Pos2::new(xc, yc), Vec2::new(tick_w, tick_h));
                match kind {
                    Kind::Agree => {
                        clip.rect_filled(rect, 0.0, AGREE);
                    }
                    Kind::ReferenceOnly => {
                        clip.rect_stroke(
                            rect,
                            0.0,
                            Stroke::new(1.0, REFERENCE_ONLY),
                            StrokeKind::Inside,
                        );
                    }
                    Kind::EmulatedOnly => {
                        clip.rect_filled(rect, 0.0, EMULATED_ONLY);
                    }
                }
            });
        }
    }

    // The neuron picked in the table, over the spikes.
    if let Some(n) = state.selected_neuron
        && let Some(row) = order.iter().position(|&k| k == n)
    {
        let (top, bottom) = (to_y(row as f64), to_y(row as f64 + 1.0));
        let band = Rect::from_x_y_ranges(plot.x_range(), top - 1.0..=bottom.max(top + 1.0) + 1.0);
        clip.rect_filled(band, 0.0, Color32::from_rgba_unmultiplied(255, 70, 170, 40));
        clip.rect_stroke(
            band,
            0.0,
            Stroke::new(1.0, Color32::from_rgb(255, 70, 170)),
            StrokeKind::Outside,
        );
    }

    // Step axis.
    for k in 0..=4 {
        let s = w.x0 + (w.x1 - w.x0) * f64::from(k) / 4.0;
        painter.text(
            Pos2::new(to_x(s), plot.bottom() + 2.0),
            if k == 4 { egui::Align2::RIGHT_TOP } else { egui::Align2::CENTER_TOP },
            format!("{s:.0}"),
            egui::FontId::proportional(10.0),
            Color32::from_rgb(160, 165, 175),
        );
    }

    // The shared cursor: hovering sets it.
    let mut hovered_neuron = None;
    if let Some(p) = response.hover_pos().filter(|p| plot.contains(*p)) {
        let s = (w.x0 + f64::from(p.x - plot.left()) / px_step).floor();
        if s >= 0.0 && s < f64::from(r.steps) {
            state.cursor = Some(s as u32);
        }
        let row = (w.y0 + f64::from(p.y - plot.top()) / px_row).floor();
        hovered_neuron = order.get(row.max(0.0) as usize).copied();
    }
    if let Some(s) = state.cursor {
        let x = to_x(f64::from(s) + 0.5);
        clip.line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            Stroke::new(1.0, CURSOR),
        );
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(readout(r, state.cursor, hovered_neuron)).small());
        if let Some(n) = note {
            ui.label(RichText::new(n).small().italics());
        }
    });
}

/// The line under the rasters: the cursor's step and time, and the hovered neuron's spikes.
fn readout(r: &Rasters, cursor: Option<u32>, neuron: Option<u32>) -> String {
    let Some(s) = cursor else {
        return "hover the rasters to place the time cursor".into();
    };
    let mut text = format!("cursor: step {s} (t = {:.2} ms)", f64::from(s) * r.dt * 1e3);
    if let Some(n) = neuron {
        let has = |trains: &[Vec<u32>]| {
            trains.get(n as usize).is_some_and(|t| t.binary_search(&s).is_ok())
        };
        let yes_no = |b: bool| if b { "spike" } else { "silent" };
        let label = r.neurons.get(n as usize).map_or("?", |l| l.label.as_str());
        text += &format!(
            " · {label}: reference {}, emulated {}",
            yes_no(has(&r.reference)),
            yes_no(has(&r.emulated))
        );
    }
    text
}

/// Bins the spikes in the window into a `bins_x × bins_y` image: brightness by spike count
/// (square root, so sparse bins still show), hue by the mix of agreeing (white),
/// reference-only (blue) and emulated-only (orange) spikes.
fn binned_image(
    r: &Rasters,
    order: &[u32],
    w: RasterWindow,
    bins_x: usize,
    bins_y: usize,
) -> egui::ColorImage {
    let mut counts = vec![[0u32; 3]; bins_x * bins_y];
    let (from, to) = (w.x0.floor().max(0.0) as u32, (w.x1.ceil() as u32).min(r.steps));
    let (row_lo, row_hi) =
        (w.y0.floor().max(0.0) as usize, (w.y1.ceil() as usize).min(order.len()));
    let sx = bins_x as f64 / (w.x1 - w.x0);
    let sy = bins_y as f64 / (w.y1 - w.y0);
    for (row, &n) in order.iter().enumerate().take(row_hi).skip(row_lo) {
        let by = ((row as f64 + 0.5 - w.y0) * sy).floor();
        if by < 0.0 || by >= bins_y as f64 {
            continue;
        }
        let n = n as usize;
        merged(&r.reference[n], &r.emulated[n], from, to, |s, kind| {
            let bx = ((f64::from(s) + 0.5 - w.x0) * sx).floor();
            if bx >= 0.0 && bx < bins_x as f64 {
                let k = match kind {
                    Kind::Agree => 0,
                    Kind::ReferenceOnly => 1,
                    Kind::EmulatedOnly => 2,
                };
                counts[by as usize * bins_x + bx as usize][k] += 1;
            }
        });
    }
    let max = counts.iter().map(|c| c.iter().sum::<u32>()).max().unwrap_or(0).max(1);
    let colours = [AGREE, REFERENCE_ONLY, EMULATED_ONLY];
    let pixels = counts
        .iter()
        .map(|c| {
            let total: u32 = c.iter().sum();
            if total == 0 {
                return Color32::TRANSPARENT;
            }
            let bright = (f64::from(total) / f64::from(max)).sqrt() * 0.8 + 0.2;
            let mut rgb = [0.0f64; 3];
            for (k, colour) in colours.iter().enumerate() {
                let share = f64::from(c[k]) / f64::from(total);
                for (ch, v) in rgb.iter_mut().zip([colour.r(), colour.g(), colour.b()]) {
                    *ch += share * f64::from(v);
                }
            }
            let [red, green, blue] = rgb.map(|v| (v * bright).round().clamp(0.0, 255.0) as u8);
            Color32::from_rgb(red, green, blue)
        })
        .collect();
    egui::ColorImage::new([bins_x, bins_y], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::darwin3::view::NeuronLabel;

    #[test]
    fn merge_classifies_agreements_and_mismatches() {
        let mut seen = Vec::new();
        merged(&[1, 3, 5, 9], &[3, 4, 5, 10], 2, 10, |s, k| seen.push((s, k)));
        let kinds: Vec<(u32, u8)> = seen.iter().map(|&(s, k)| (s, k as u8)).collect();
        let (a, r, e) = (Kind::Agree as u8, Kind::ReferenceOnly as u8, Kind::EmulatedOnly as u8);
        assert_eq!(kinds, vec![(3, a), (4, e), (5, a), (9, r)], "1 and 10 are outside [2, 10)");
    }

    #[test]
    fn rows_group_by_population_keeping_index_order() {
        let label = |p| NeuronLabel { label: String::new(), population: p };
        let r =
            Rasters { neurons: vec![label(1), label(0), label(1), label(0)], ..Default::default() };
        assert_eq!(row_order(&r), vec![1, 3, 0, 2]);
    }

    #[test]
    fn binning_counts_every_spike_once() {
        let n = 50u32;
        let r = Rasters {
            steps: 100,
            neurons: vec![NeuronLabel::default(); n as usize],
            reference: (0..n).map(|i| (0..100).filter(|s| (s + i) % 3 == 0).collect()).collect(),
            emulated: (0..n).map(|i| (0..100).filter(|s| (s + i) % 4 == 0).collect()).collect(),
            ..Default::default()
        };
        let w = RasterWindow { x0: 0.0, x1: 100.0, y0: 0.0, y1: f64::from(n) };
        let img = binned_image(&r, &row_order(&r), w, 10, 5);
        assert_eq!(img.size, [10, 5]);
        assert!(img.pixels.iter().all(|p| *p != Color32::TRANSPARENT), "every bin has spikes");
    }

    #[test]
    fn clamping_keeps_the_window_inside() {
        let w = clamp(RasterWindow { x0: -5.0, x1: 3.0, y0: 90.0, y1: 120.0 }, 100.0, 100.0);
        assert_eq!((w.x0, w.x1), (0.0, 8.0), "at least 8 steps, from 0");
        assert_eq!((w.y0, w.y1), (70.0, 100.0), "shifted back inside");
    }
}
