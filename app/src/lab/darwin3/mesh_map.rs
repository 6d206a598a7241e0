//! The 24 × 24 mesh as a map: big cores as squares, little cores as discs, the RISC-V tile
//! marked, the virtual host I/O columns (x = −1 west, x = 24 east) when used; cores coloured by
//! a chosen quantity with its scale, link traffic as arrows between neighbouring tiles (width
//! and colour by flits). Hover a tile for its details; click it to select it (its details then
//! stay in the side box). The map zooms to fit the space it is given.

use eframe::egui::{self, Color32, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, Vec2};
use nv_core::darwin3::geometry::GRID;
use nv_core::darwin3::{CoreCoord, CoreKind};

use super::actions::Darwin3Action;
use super::core_details;
use super::state::{ColourBy, Darwin3PanelState};
use super::view::{CoreView, Darwin3View};

/// Where the map drew each tile's centre last frame (screen points), as `([x, y], centre)`,
/// kept in egui's temporary memory under this id; the UI tests read it to hover and click.
pub fn tile_centres_id() -> egui::Id {
    egui::Id::new("nvlab_darwin3_tile_centres")
}

/// The colour scale, dark blue → teal → yellow (perceptually ordered), for `t` in [0, 1].
pub fn scale_colour(t: f64) -> Color32 {
    const STOPS: [[f32; 3]; 5] = [
        [48.0, 18.0, 90.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let t = (t.clamp(0.0, 1.0) as f32) * (STOPS.len() - 1) as f32;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f32;
    let c: Vec<u8> =
        (0..3).map(|k| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f) as u8).collect();
    Color32::from_rgb(c[0], c[1], c[2])
}

/// An unused tile.
const UNUSED: Color32 = Color32::from_rgb(38, 41, 50);

/// The selected tile's outline (apart from the scale's colours).
const SELECTED: Color32 = Color32::from_rgb(255, 70, 170);

/// The value the map colours a core by.
fn quantity(core: &CoreView, by: ColourBy) -> f64 {
    match by {
        ColourBy::Neurons => f64::from(core.neurons),
        ColourBy::MemoryUse => core.memory_use() * 100.0,
        ColourBy::SpikesIn => core.spikes_in as f64,
        ColourBy::SpikesOut => core.spikes_out as f64,
        ColourBy::LinkFlits => 0.0,
        ColourBy::VesiclePackets => core.vesicle_packets as f64,
    }
}

/// The map's columns: x from `first` to `last` inclusive (the virtual I/O columns only when a
/// core or link uses them).
fn columns(view: &Darwin3View) -> (i32, i32) {
    let xs = view.cores.iter().map(|c| c.coord.x).chain(view.links.iter().map(|l| l.from.x));
    let xs: Vec<i32> = xs.chain(view.links.iter().map(|l| l.to.x)).collect();
    let first = if xs.iter().any(|&x| x < 0) { -1 } else { 0 };
    let last = if xs.iter().any(|&x| x >= GRID) { GRID } else { GRID - 1 };
    (first, last)
}

/// Draws the map's header (colour choice), the map, and its legend; returns a selection
/// change as an action.
pub fn show(
    ui: &mut egui::Ui,
    view: &Darwin3View,
    state: &mut Darwin3PanelState,
    out: &mut Vec<Darwin3Action>,
) {
    ui.horizontal(|ui| {
        ui.label("colour by");
        egui::ComboBox::from_id_salt("darwin3_colour_by")
            .selected_text(state.colour_by.label())
            .show_ui(ui, |ui| {
                for by in ColourBy::ALL {
                    ui.selectable_value(&mut state.colour_by, by, by.label());
                }
            });
        let mut links = !state.hide_links;
        if ui.checkbox(&mut links, "links").on_hover_text("Draw the flits per link").changed() {
            state.hide_links = !links;
        }
    });
    let (first, last) = columns(view);
    let cols = (last - first + 1) as f32;
    let legend_h = 46.0;
    let avail = ui.available_size();
    let cell = ((avail.x - 4.0) / cols).min((avail.y - legend_h) / GRID as f32).max(6.0);
    let size = Vec2::new(cell * cols, cell * GRID as f32);
    let (response, painter) = ui.allocate_painter(size, Sense::click());
    let origin = response.rect.min;
    let tile = |c: CoreCoord| {
        Rect::from_min_size(
            origin + Vec2::new((c.x - first) as f32 * cell, c.y as f32 * cell),
            Vec2::splat(cell),
        )
    };
    // The record of each drawn tile, by (x − first) + y · columns.
    let ncols = (last - first + 1) as usize;
    let mut lookup: Vec<Option<usize>> = vec![None; ncols * GRID as usize];
    for (k, core) in view.cores.iter().enumerate() {
        let (x, y) = (core.coord.x - first, core.coord.y);
        if (0..ncols as i32).contains(&x) && (0..GRID).contains(&y) {
            lookup[x as usize + y as usize * ncols] = Some(k);
        }
    }
    let core_at = |c: CoreCoord| {
        let (x, y) = (c.x - first, c.y);
        let inside = (0..ncols as i32).contains(&x) && (0..GRID).contains(&y);
        let k = if inside { lookup[x as usize + y as usize * ncols] } else { None };
        k.map(|k| &view.cores[k])
    };
    let max_value = view
        .cores
        .iter()
        .filter(|c| c.coord.on_chip())
        .map(|c| quantity(c, state.colour_by))
        .fold(0.0, f64::max);
    let max_flits = view.links.iter().map(|l| l.flits_total).max().unwrap_or(0);
    painter.rect_filled(response.rect, 2.0, Color32::from_rgb(16, 18, 24));

    let mut centres: Vec<([i32; 2], Pos2)> =
        Vec::with_capacity(((last - first + 1) * GRID) as usize);
    for y in 0..GRID {
        for x in first..=last {
            let c = CoreCoord::new(x, y);
            let r = tile(c);
            centres.push(([x, y], r.center()));
            draw_tile(&painter, r, c, core_at(c), state, max_value);
        }
    }
    if !state.hide_links {
        for l in &view.links {
            if l.from.hops_to(l.to) != 1 || l.flits_total == 0 {
                continue;
            }
            let f = l.flits_total as f64 / max_flits.max(1) as f64;
            let (a, b) = (tile(l.from).center(), tile(l.to).center());
            let d = (b - a).normalized();
            let side = d.rot90() * cell * 0.16;
            let start = a + d * cell * 0.12 + side;
            let vec = (b - a) - d * cell * 0.24;
            let colour = if state.colour_by == ColourBy::LinkFlits {
                scale_colour(f)
            } else {
                Color32::from_rgba_unmultiplied(235, 235, 240, (90.0 + 150.0 * f) as u8)
            };
            let width = 1.0 + 4.0 * f as f32 * (cell / 24.0).min(1.5);
            painter.arrow(start, vec, Stroke::new(width, colour));
        }
    }
    ui.ctx().data_mut(|d| d.insert_temp(tile_centres_id(), centres));

    // Hover and click: the tile under the pointer.
    let under = |p: Pos2| {
        let x = ((p.x - origin.x) / cell).floor() as i32 + first;
        let y = ((p.y - origin.y) / cell).floor() as i32;
        let c = CoreCoord::new(x, y);
        ((first..=last).contains(&x) && (0..GRID).contains(&y)).then_some(c)
    };
    if let Some(c) = response.hover_pos().and_then(under) {
        painter.rect_stroke(tile(c), 2.0, Stroke::new(1.5, Color32::WHITE), StrokeKind::Inside);
        if c.on_chip() || core_at(c).is_some() {
            response.clone().on_hover_ui_at_pointer(|ui| core_details::show(ui, c, core_at(c)));
        }
    }
    if response.clicked() {
        let picked = response.interact_pointer_pos().and_then(under);
        if picked != state.selected_core {
            state.selected_core = picked;
            out.push(Darwin3Action::SelectCore(picked));
        }
    }
    legend(ui, state.colour_by, max_value, max_flits);
}

/// Draws one tile: big cores as squares, little cores as discs, the RISC-V tile marked,
/// virtual I/O tiles as diamonds; unused tiles dark.
fn draw_tile(
    painter: &egui::Painter,
    r: Rect,
    c: CoreCoord,
    core: Option<&CoreView>,
    state: &Darwin3PanelState,
    max_value: f64,
) {
    let fill = match core {
        Some(k) if state.colour_by == ColourBy::LinkFlits => {
            if k.neurons > 0 {
                Color32::from_rgb(80, 84, 96)
            } else {
                UNUSED
            }
        }
        Some(k) => scale_colour(quantity(k, state.colour_by) / max_value.max(1e-12)),
        None => UNUSED,
    };
    draw_shape(painter, r, c, core.is_some(), fill);
    if state.selected_core == Some(c) {
        painter.rect_stroke(r, 2.0, Stroke::new(2.5, SELECTED), StrokeKind::Inside);
    }
}

/// A tile's shape in `r`: square (big), disc (little), diamond (virtual I/O, when `used`),
/// the RISC-V mark.
fn draw_shape(painter: &egui::Painter, r: Rect, c: CoreCoord, used: bool, fill: Color32) {
    let inner = r.shrink(r.width() * 0.08);
    let outline = Stroke::new(1.0, Color32::from_rgb(120, 126, 140));
    if c == CoreCoord::RISCV {
        painter.rect_filled(inner, 2.0, Color32::from_rgb(90, 40, 110));
        painter.text(
            inner.center(),
            egui::Align2::CENTER_CENTER,
            "RV",
            egui::FontId::monospace((r.width() * 0.4).clamp(6.0, 14.0)),
            Color32::WHITE,
        );
    } else if !c.on_chip() {
        if used {
            let m = inner.center();
            let h = inner.width() * 0.5;
            let pts = vec![m - Vec2::Y * h, m + Vec2::X * h, m + Vec2::Y * h, m - Vec2::X * h];
            painter.add(egui::Shape::convex_polygon(pts, fill, outline));
        }
    } else if c.kind() == CoreKind::Big {
        painter.rect_filled(inner, 1.0, fill);
        painter.rect_stroke(inner, 1.0, outline, StrokeKind::Inside);
    } else {
        painter.circle_filled(inner.center(), inner.width() * 0.42, fill);
        painter.circle_stroke(inner.center(), inner.width() * 0.42, outline);
    }
}

/// The shape key and the colour scale.
fn legend(ui: &mut egui::Ui, by: ColourBy, max_value: f64, max_flits: u64) {
    ui.horizontal_wrapped(|ui| {
        for (c, what) in [
            (CoreCoord::new(1, 1), "big core"),
            (CoreCoord::new(2, 1), "little core"),
            (CoreCoord::new(-1, 1), "host I/O"),
            (CoreCoord::RISCV, "RISC-V"),
        ] {
            let (r, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
            draw_shape(ui.painter(), r, c, true, Color32::from_rgb(80, 84, 96));
            ui.label(RichText::new(what).small());
        }
        let (r, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
        ui.painter().rect_stroke(r, 2.0, Stroke::new(2.0, SELECTED), StrokeKind::Inside);
        ui.label(RichText::new("selected").small());
    });
    ui.horizontal(|ui| {
        let (max, what) = if by == ColourBy::LinkFlits {
            (max_flits as f64, "flits per link")
        } else {
            (max_value, by.label())
        };
        ui.label(RichText::new(format!("{what}: 0")).small());
        let (rect, _) = ui.allocate_exact_size(Vec2::new(120.0, 10.0), Sense::hover());
        let n = 24;
        for i in 0..n {
            let x0 = rect.min.x + rect.width() * i as f32 / n as f32;
            let x1 = rect.min.x + rect.width() * (i + 1) as f32 / n as f32;
            let r = Rect::from_min_max(Pos2::new(x0, rect.min.y), Pos2::new(x1 + 0.5, rect.max.y));
            ui.painter().rect_filled(r, 0.0, scale_colour(i as f64 / (n - 1) as f64));
        }
        ui.label(RichText::new(format!("{max:.0}")).small());
    });
}
