//! The MLP's decision boundary, as in TensorFlow Playground: the network's output over the
//! data plane as a heat map, with the test points on top. Drawn as an inset of the network view.

use eframe::egui::{Color32, Painter, Pos2, Rect, Stroke, Vec2};
use nv_core::World;
use nv_core::host::{Host, ModulationView};

/// Cells per side of the heat map.
const GRID: usize = 40;
/// Half-width of the plane shown, in data units.
const EXTENT: f32 = 6.5;

/// Orange (+1) – dark (0) – blue (−1), as the output's sign decides the class.
fn output_color(v: f32) -> Color32 {
    let t = v.clamp(-1.0, 1.0);
    let base = [28.0, 30.0, 38.0];
    let end = if t >= 0.0 { [245.0, 150.0, 40.0] } else { [60.0, 130.0, 235.0] };
    let a = t.abs() * 0.85;
    Color32::from_rgb(
        (base[0] + (end[0] - base[0]) * a) as u8,
        (base[1] + (end[1] - base[1]) * a) as u8,
        (base[2] + (end[2] - base[2]) * a) as u8,
    )
}

/// Paints the inset into `rect` if the world's host is an MLP; returns whether it did.
pub fn paint(painter: &Painter, rect: Rect, world: &World) -> bool {
    let Host::Mlp(mlp) = &world.host else { return false };
    let view = ModulationView {
        gain: &world.modulation.gain,
        shift: &world.modulation.shift,
        lr_mult: &world.modulation.lr_mult,
        weight_delta: &world.modulation.weight_delta,
        threshold: &world.modulation.threshold,
    };
    let cell = rect.width() / GRID as f32;
    let to_data = |k: usize| -EXTENT + (k as f32 + 0.5) * (2.0 * EXTENT / GRID as f32);
    let points: Vec<[f32; 2]> =
        (0..GRID * GRID).map(|c| [to_data(c % GRID), -to_data(c / GRID)]).collect();
    let mut out = vec![0.0f32; points.len()];
    mlp.predict_many(&world.graph, &world.weight, &view, &points, &mut out);
    for (c, v) in out.iter().enumerate() {
        let min = rect.min + Vec2::new((c % GRID) as f32 * cell, (c / GRID) as f32 * cell);
        painter.rect_filled(
            Rect::from_min_size(min, Vec2::splat(cell + 0.5)),
            0.0,
            output_color(*v),
        );
    }
    let to_screen = |x: f32, y: f32| {
        Pos2::new(
            rect.left() + (x + EXTENT) / (2.0 * EXTENT) * rect.width(),
            rect.top() + (EXTENT - y) / (2.0 * EXTENT) * rect.height(),
        )
    };
    for s in mlp.test() {
        let fill = if s.label > 0.0 {
            Color32::from_rgb(250, 170, 60)
        } else {
            Color32::from_rgb(80, 150, 255)
        };
        painter.circle(to_screen(s.x, s.y), 2.2, fill, Stroke::new(0.6, Color32::WHITE));
    }
    painter.rect_stroke(
        rect,
        2.0,
        Stroke::new(1.0, Color32::from_gray(120)),
        eframe::egui::StrokeKind::Outside,
    );
    painter.text(
        rect.right_bottom() + Vec2::new(0.0, 4.0),
        eframe::egui::Align2::RIGHT_TOP,
        "network output over the data plane",
        eframe::egui::FontId::proportional(11.0),
        Color32::from_gray(160),
    );
    true
}
