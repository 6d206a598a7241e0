//! The network view: nodes coloured by activity, density halos, pathway traces as edge width,
//! and the vesicles as species-coloured dots, moving along their edges in slow motion. Drag a
//! node to move it, drag elsewhere to pan, scroll to zoom, click a node to inspect it or a
//! vesicle to follow it.
//!
//! With the wgpu renderer the dots are instanced quads drawn by a paint callback
//! (`lab/vesicle_gpu.rs`); with glow they are egui circles. Either way at most a disc-full per
//! node is drawn, and above a budget one in k (the view says so).

use super::PanelCx;
use eframe::egui::{self, Color32, Pos2, Rect, Sense, Stroke, Vec2};
use eframe::egui_wgpu;

use crate::lab::command::AppCommand;
use crate::lab::engine_instances::EngineFeed;
use crate::lab::sim::Simulation;
use crate::lab::vesicle_gpu::{self, FLASH, VesicleCallback, VesicleFrame, VesicleInstance};

/// The legend's lines under the view: what the node colour, the halo, the edge width and the
/// white ring mean for this simulation's host and mode (`colour_by_z`: the twin's z colouring
/// is on).
pub fn legend(sim: &Simulation, colour_by_z: bool) -> [String; 4] {
    let w = sim.world();
    let halo = if sim.twin.is_some() {
        "halo: mean-field density ρ (dots: the particles)"
    } else if w.density().is_some() {
        "halo: expected density ρ"
    } else {
        "halo: vesicles at the node"
    };
    let colour = if colour_by_z && sim.twin.is_some() {
        "node colour: z = (N − ρ)/√ρ (blue < 0 < orange)".to_string()
    } else if matches!(w.host, nv_core::host::Host::Spiking(_)) {
        format!(
            "node colour: spike rate (orange at {SPIKING_RATE_SCALE:.0} spikes/s); white dot: spiked"
        )
    } else {
        "node colour: activity (blue < 0 < orange)".to_string()
    };
    let ring = if w.mode() == nv_core::Mode::Density {
        format!("white ring: ≥ {DENSITY_RING_THRESHOLD} expected dockings this step")
    } else {
        "white ring: docking this step".to_string()
    };
    [
        colour,
        halo.to_string(),
        "edge width: pathway trace π (scale at the right; hover an edge)".to_string(),
        ring,
    ]
}

/// How close (points) the pointer must come to an edge to pick it.
pub const EDGE_PICK_DISTANCE: f32 = 5.0;

/// The edge under the point `p` of the view: the nearest within [`EDGE_PICK_DISTANCE`], away
/// from the nodes' discs (a node under the pointer is the node's, not an edge's).
pub fn edge_at(pos: &[Pos2], graph: &nv_core::graph::Graph, p: Pos2, node_r: f32) -> Option<usize> {
    if pos.iter().any(|q| q.distance(p) <= node_r + 2.0) {
        return None;
    }
    let distance = |e: usize| {
        let (a, b) = (pos[graph.edge_src[e] as usize], pos[graph.edge_dst[e] as usize]);
        let ab = b - a;
        let t = if ab.length_sq() > 0.0 {
            ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (a + t * ab).distance(p)
    };
    (0..graph.m())
        .map(|e| (e, distance(e)))
        .filter(|&(_, d)| d <= EDGE_PICK_DISTANCE)
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(e, _)| e)
}

/// What the tooltip of edge `e` says: its ends, its effective weight (host + vesicle delta),
/// its pathway trace against the largest, and its hops in the last step.
pub fn edge_details(w: &nv_core::World, e: usize, max_pi: f32) -> String {
    let g = &w.graph;
    let host = w.weight.get(e).copied().unwrap_or(0.0);
    let delta = w.modulation.weight_delta.get(e).copied().unwrap_or(0.0);
    let pi = w.pathway.get(e).copied().unwrap_or(0.0);
    let hops = w.edge_hops.get(e).copied().unwrap_or(0.0);
    let hops_what = if w.mode() == nv_core::Mode::Density { "expected hops" } else { "hops" };
    format!(
        "edge {e}: {} → {}\nweight {:.4} (host {host:.4}, vesicle Δ {delta:+.4})\npathway \
         trace π = {pi:.4} ({:.0} % of the largest, {max_pi:.4})\n{hops_what} in the last step: \
         {hops}",
        g.edge_src[e],
        g.edge_dst[e],
        host + delta,
        100.0 * pi / max_pi,
    )
}

/// The pathway trace's colour scale, at the bottom right of the view: the colours and widths
/// edges take from 0 to the largest π (square-root scale).
fn pathway_scale(painter: &egui::Painter, rect: Rect, max_pi: f32) {
    let (w, h) = (120.0, 10.0);
    let left = rect.right() - w - 16.0;
    let top = rect.bottom() - 34.0;
    let steps = 24;
    for i in 0..steps {
        let t = (i as f32 + 0.5) / steps as f32;
        let x = left + w * i as f32 / steps as f32;
        let color = Color32::from_rgba_unmultiplied(255, 200, 90, (40.0 + 200.0 * t) as u8);
        let cell = Rect::from_min_size(Pos2::new(x, top), Vec2::new(w / steps as f32 + 0.5, h));
        painter.rect_filled(cell, 0.0, color);
    }
    let font = egui::FontId::proportional(11.0);
    let grey = Color32::from_gray(150);
    painter.text(Pos2::new(left, top + h + 2.0), egui::Align2::LEFT_TOP, "0", font.clone(), grey);
    painter.text(
        Pos2::new(left + w, top + h + 2.0),
        egui::Align2::RIGHT_TOP,
        format!("{max_pi:.3}"),
        font.clone(),
        grey,
    );
    painter.text(
        Pos2::new(left + w / 2.0, top - 2.0),
        egui::Align2::CENTER_BOTTOM,
        "pathway trace π (√ scale)",
        font,
        grey,
    );
}

/// In density mode, the expected dockings per step at a node from which its white ring is
/// drawn (expected values are never zero, so a ring on every node would say nothing).
pub const DENSITY_RING_THRESHOLD: f32 = 0.5;
/// Most vesicles drawn one by one with egui's painter (glow); above it every k-th is drawn and
/// the view says so.
pub const DRAW_BUDGET: usize = 30_000;

/// Most vesicles drawn one by one as instanced quads (wgpu); above it every k-th is drawn and
/// the view says so.
pub const GPU_DRAW_BUDGET: usize = 1 << 20;

/// How the vesicles are drawn. Both draw at most a disc-full per node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VesicleDraw {
    /// egui circles, [`DRAW_BUDGET`] in all.
    Painter,
    /// Instanced quads on the wgpu device, [`GPU_DRAW_BUDGET`] in all.
    Gpu,
}

/// Where the view drew each node last frame (screen points, by node index), kept in egui's
/// temporary memory under this id; the UI tests read it to click a node.
pub fn node_positions_id() -> egui::Id {
    egui::Id::new("nvlab_network_node_positions")
}

/// How many vesicles the view last drew straight from the GPU engine's buffer (a `u32`; 0
/// when it drew from the CPU), kept in egui's temporary memory under this id.
pub fn engine_drawn_id() -> egui::Id {
    egui::Id::new("nvlab_network_engine_drawn")
}

/// The radius (points) of the disc around its node that a vesicle is drawn in, as of last
/// frame, kept in egui's temporary memory under this id; with [`node_positions_id`] and
/// [`vesicle_offset`] the UI tests find where a vesicle was drawn (paused, after a step).
pub fn vesicle_spread_id() -> egui::Id {
    egui::Id::new("nvlab_network_vesicle_spread")
}

/// Pan and zoom of the view (persisted; missing fields take their defaults).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// Zoom factor (1: the graph fits the panel).
    pub zoom: f32,
    /// Pan, in points.
    pub pan: [f32; 2],
    /// In twin mode: colour the nodes by the particles' disagreement with the mean field,
    /// z = (N − ρ)/√ρ, instead of their activity.
    pub colour_by_z: bool,
}

impl Default for ViewState {
    fn default() -> Self {
        Self { zoom: 1.0, pan: [0.0, 0.0], colour_by_z: false }
    }
}

/// Per node, z = (N − ρ)/√ρ of the free vesicles of every species together (N the particles,
/// ρ the mean field; 0 where ρ is below 10⁻⁹).
pub fn node_z(particles: &nv_core::World, density: &nv_core::World) -> Vec<f32> {
    let (n, ns) = (particles.n(), particles.species.len());
    (0..n)
        .map(|i| {
            let total = |w: &nv_core::World| (0..ns).map(|k| w.counts[k * n + i]).sum::<f32>();
            let (count, rho) = (total(particles), total(density));
            if rho > 1e-9 { (count - rho) / rho.sqrt() } else { 0.0 }
        })
        .collect()
}

/// Maps layout positions to the screen.
struct Transform {
    center: Pos2,
    mid: [f32; 2],
    scale: f32,
}

impl Transform {
    /// Fits `pos` into `rect`, leaving `margin` points free on each side (left, top, right,
    /// bottom) for the legends.
    fn new(pos: &[[f32; 2]], rect: Rect, margin: [f32; 4], view: &ViewState) -> Self {
        let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
        for p in pos {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let span = [(hi[0] - lo[0]).max(1e-6), (hi[1] - lo[1]).max(1e-6)];
        let inner = Rect::from_min_max(
            rect.min + Vec2::new(margin[0], margin[1]),
            rect.max - Vec2::new(margin[2], margin[3]),
        );
        let fit = (inner.width() / span[0]).min(inner.height() / span[1]).max(1e-3);
        Self {
            center: inner.center() + Vec2::from(view.pan),
            mid: [(lo[0] + hi[0]) * 0.5, (lo[1] + hi[1]) * 0.5],
            scale: fit * view.zoom,
        }
    }

    fn at(&self, p: [f32; 2]) -> Pos2 {
        self.center
            + Vec2::new((p[0] - self.mid[0]) * self.scale, (p[1] - self.mid[1]) * self.scale)
    }
}

impl Transform {
    /// The layout coordinates drawn at screen point `q`.
    fn inverse(&self, q: Pos2) -> [f32; 2] {
        let d = q - self.center;
        [self.mid[0] + d.x / self.scale, self.mid[1] + d.y / self.scale]
    }
}

/// A drag that starts on a node moves that node (and the vesicles drawn around it) for the
/// rest of this world; any other drag pans the view. The node being dragged is kept in egui's
/// temporary memory between frames.
fn drag_node_or_pan(
    ui: &egui::Ui,
    response: &egui::Response,
    tf: &Transform,
    node_r: f32,
    moved: &mut [[f32; 2]],
    pos: &mut [Pos2],
    view: &mut ViewState,
) {
    let dragging_id = egui::Id::new("nvlab_dragging_node");
    // Hit-test where the button went down: by the time a drag is recognised the pointer has
    // already left the node.
    if response.drag_started()
        && let Some(p) = ui.input(|i| i.pointer.press_origin())
    {
        let hit = (0..pos.len())
            .map(|i| (i, pos[i].distance(p)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|&(_, d)| d <= node_r + 3.0)
            .map(|(i, _)| i);
        ui.ctx().data_mut(|d| d.insert_temp::<Option<usize>>(dragging_id, hit));
    }
    let node = ui.ctx().data(|d| d.get_temp::<Option<usize>>(dragging_id)).flatten();
    if response.dragged() {
        match (node, response.interact_pointer_pos()) {
            (Some(i), Some(p)) if i < pos.len() => {
                moved[i] = tf.inverse(p);
                pos[i] = p;
            }
            _ => {
                let d = response.drag_delta();
                view.pan = [view.pan[0] + d.x, view.pan[1] + d.y];
            }
        }
    }
    if response.drag_stopped() {
        ui.ctx().data_mut(|d| d.insert_temp::<Option<usize>>(dragging_id, None));
    }
}

/// The spike rate (spikes per second) a spiking host's node colour shows as activity 1.
const SPIKING_RATE_SCALE: f32 = 20.0;

/// Blue (negative) – grey (0) – orange (positive) for a signed value.
fn diverging(v: f32) -> Color32 {
    let t = v.tanh();
    let grey = [70.0, 74.0, 82.0];
    let end = if t >= 0.0 { [245.0, 166.0, 35.0] } else { [70.0, 140.0, 240.0] };
    let a = t.abs();
    let c: Vec<u8> = (0..3).map(|i| (grey[i] + (end[i] - grey[i]) * a) as u8).collect();
    Color32::from_rgb(c[0], c[1], c[2])
}

/// A small deterministic offset for the vesicle of stable id `id` around its node, within
/// `radius` points, so many do not overlap (the shader `vesicles.wgsl` places the instanced
/// quads the same way).
pub fn vesicle_offset(id: u64, radius: f32) -> Vec2 {
    let h = vesicle_gpu::jitter_hash(id);
    let angle = (h & 0xffff) as f32 / 65536.0 * std::f32::consts::TAU;
    let r = radius * ((h >> 16) as f32 / 65536.0).sqrt();
    Vec2::angled(angle) * r
}
/// The network tab: the graph, its vesicles, the legend; clicks and drags push commands.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw_view(ui, cx.sim, cx.view, cx.selected, cx.vesicle_draw, cx.commands);
}

/// Draws the view, the vesicles as `draw` says; pushes a selection when a node or a vesicle is
/// clicked.
fn draw_view(
    ui: &mut egui::Ui,
    sim: &Simulation,
    view: &mut ViewState,
    selected: Option<usize>,
    draw: VesicleDraw,
    out: &mut Vec<AppCommand>,
) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let rect = response.rect;
    painter.rect_filled(rect, 0.0, Color32::from_rgb(18, 20, 26));
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        if scroll != 0.0 {
            view.zoom = (view.zoom * (scroll * 0.002).exp()).clamp(0.1, 50.0);
        }
    }
    if response.double_clicked() {
        *view = ViewState::default();
    }
    let w = sim.world();
    let g = &w.graph;
    let n = g.n();
    let legend_top = 24.0 + 18.0 * w.species.len() as f32;
    let side = (rect.width() * 0.22).min(rect.height() * 0.4).clamp(90.0, 240.0);
    let right = if matches!(w.host, nv_core::host::Host::Mlp(_)) { side + 40.0 } else { 40.0 };
    let tf = Transform::new(&g.pos, rect, [130.0, legend_top.min(120.0), right, 90.0], view);
    let node_r =
        (tf.scale * 0.35 / (n as f32).sqrt().max(1.0)).clamp(2.5, 14.0) * view.zoom.sqrt().min(2.0);
    // Nodes the person dragged keep their place for this world (layout coordinates).
    let moved_id = egui::Id::new(("nvlab_moved_nodes", &w.preset.name, n, g.m()));
    let mut moved: Vec<[f32; 2]> = ui.ctx().data(|d| d.get_temp(moved_id)).unwrap_or_default();
    if moved.len() != n || response.double_clicked() {
        moved = g.pos.clone();
    }
    let mut pos: Vec<Pos2> = moved.iter().map(|&p| tf.at(p)).collect();
    drag_node_or_pan(ui, &response, &tf, node_r, &mut moved, &mut pos, view);
    ui.ctx().data_mut(|d| {
        d.insert_temp(moved_id, moved.clone());
        d.insert_temp(node_positions_id(), pos.clone());
    });

    // Edges, with pathway traces as width and colour.
    let max_pi = w.pathway.iter().copied().fold(0.0f32, f32::max).max(1e-6);
    let draw_edges = g.m() <= 60_000;
    if draw_edges {
        for e in 0..g.m() {
            let (a, b) = (pos[g.edge_src[e] as usize], pos[g.edge_dst[e] as usize]);
            let t = (w.pathway[e] / max_pi).sqrt();
            let stroke = if t > 0.02 {
                Stroke::new(
                    0.6 + 3.5 * t,
                    Color32::from_rgba_unmultiplied(255, 200, 90, (40.0 + 200.0 * t) as u8),
                )
            } else {
                Stroke::new(0.6, Color32::from_rgba_unmultiplied(120, 130, 150, 60))
            };
            painter.line_segment([a, b], stroke);
        }
    }

    // The edge under the pointer: highlighted, with its weight, trace and traffic.
    let pointer = response.hover_pos().filter(|_| draw_edges);
    if let Some(e) = pointer.and_then(|p| edge_at(&pos, g, p, node_r)) {
        let (a, b) = (pos[g.edge_src[e] as usize], pos[g.edge_dst[e] as usize]);
        painter.line_segment([a, b], Stroke::new(3.0, Color32::from_rgb(240, 240, 255)));
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(edge_details(w, e, max_pi));
        });
    }
    if draw_edges {
        pathway_scale(&painter, rect, max_pi);
    }

    // Density halos: free vesicles (or ρ) summed over species; in twin mode the mean field's ρ,
    // so the halos (expected) and the dots (drawn) can be compared node by node.
    let ns = w.species.len();
    let halo_counts = sim.twin.as_ref().map_or(&w.counts, |d| &d.counts);
    let totals: Vec<f32> = (0..n).map(|i| (0..ns).map(|k| halo_counts[k * n + i]).sum()).collect();
    let max_total = totals.iter().copied().fold(0.0f32, f32::max).max(1e-6);
    for i in 0..n {
        if totals[i] > 0.0 {
            let t = (totals[i] / max_total).sqrt();
            painter.circle_filled(
                pos[i],
                node_r * (1.3 + 1.7 * t),
                Color32::from_rgba_unmultiplied(120, 220, 255, (18.0 + 60.0 * t) as u8),
            );
        }
    }
    // Nodes by activity (a spiking host's in units of SPIKING_RATE_SCALE, its neurons that
    // spiked this step in white); docking flashes.
    let docks: Vec<f32> = (0..n).map(|i| (0..ns).map(|k| w.docks[k * n + i]).sum()).collect();
    // In density mode dockings are expected values, never exactly zero: a ring marks a node
    // where at least DENSITY_RING_THRESHOLD dockings are expected this step.
    let ring_at =
        if w.mode() == nv_core::Mode::Density { DENSITY_RING_THRESHOLD } else { f32::MIN_POSITIVE };
    let (scale, spiked) = match &w.host {
        nv_core::host::Host::Spiking(h) => (1.0 / SPIKING_RATE_SCALE, h.spikes()),
        _ => (1.0, &[][..]),
    };
    let z = sim.twin.as_ref().filter(|_| view.colour_by_z).map(|d| node_z(w, d));
    for i in 0..n {
        let colour = match &z {
            Some(z) => diverging(z[i] / 2.0),
            None => diverging(w.signals.activity[i] * scale),
        };
        painter.circle_filled(pos[i], node_r, colour);
        if spiked.binary_search(&(i as u32)).is_ok() {
            painter.circle_filled(pos[i], node_r * 0.5, Color32::WHITE);
        }
        if docks[i] >= ring_at {
            painter.circle_stroke(
                pos[i],
                node_r + 2.0,
                Stroke::new(1.5, Color32::from_rgb(255, 255, 255)),
            );
        }
        if selected == Some(i) {
            painter.circle_stroke(
                pos[i],
                node_r + 5.0,
                Stroke::new(2.0, Color32::from_rgb(120, 255, 160)),
            );
        }
    }

    // Vesicles, interpolated along their hop in slow motion. The dot nearest a click (within a
    // few points) becomes the followed vesicle.
    let click = response.clicked().then(|| response.interact_pointer_pos()).flatten();
    let mut nearest_vesicle: Option<(u64, f32)> = None;
    let tracked = sim.tracked.as_ref().filter(|t| t.gone_at.is_none()).map(|t| t.id);
    let mut tracked_at = None;
    let mut note = None;
    if let Some(pool) = w.pool() {
        let gpu = draw == VesicleDraw::Gpu;
        // On the GPU engine with wgpu the instances are written on the device from the
        // engine's own buffer; the pool (read back now and then) serves clicks and the
        // followed vesicle only.
        let feed = if gpu { sim.population_buffer() } else { None };
        let live = feed.map_or(pool.live, |(_, live)| live as usize);
        let budget = if gpu { GPU_DRAW_BUDGET } else { DRAW_BUDGET };
        let every = live.div_ceil(budget).max(1);
        let colors: Vec<Color32> = (0..ns).map(|k| super::species_color(w, k)).collect();
        let dot = (node_r * 0.28).clamp(1.2, 3.5);
        let spread = node_r * 1.4;
        ui.ctx().data_mut(|d| d.insert_temp(vesicle_spread_id(), spread));
        // Past about this many dots a node's disc is full: more would only cost frame time (fill
        // rate on the GPU, tessellation with the painter), and the halo already tells the count.
        let per_node = ((spread / dot).powi(2) * 1.5).clamp(20.0, 400.0) as u32;
        // From the engine's buffer there is no per-node count: draw one in `every` so that
        // about a disc-full per node is drawn in all (the busier nodes get more).
        let every =
            if feed.is_some() { live.div_ceil(per_node as usize * n).max(every) } else { every };
        let mut at_node = vec![0u32; n];
        let mut capped = false;
        let mut drawn = 0usize;
        let mut instances =
            Vec::with_capacity(if gpu && feed.is_none() { live / every + 1 } else { 0 });
        let scan = feed.is_none() || click.is_some() || tracked.is_some();
        for s in (0..pool.len()).filter(|_| scan) {
            if !pool.alive[s] {
                continue;
            }
            drawn += 1;
            if !drawn.is_multiple_of(every) {
                continue;
            }
            let (from, to) = (pool.prev[s] as usize, pool.loc[s] as usize);
            let is_tracked = tracked == Some(pool.id[s]);
            let seen = &mut at_node[to];
            if *seen >= per_node && !is_tracked {
                capped = true;
                continue;
            }
            *seen += 1;
            let species = pool.species[s] as usize;
            // Its species docked at its node this step: drawn brighter (as the white ring).
            let docked = w.docks.get(species * n + to).is_some_and(|&d| d > 0.0);
            if gpu {
                if feed.is_none() {
                    instances.push(VesicleInstance {
                        from: from as u32,
                        to: to as u32,
                        species_flags: species as u32 | if docked { FLASH } else { 0 },
                        hash: vesicle_gpu::jitter_hash(pool.id[s]),
                    });
                }
                // Positions on the CPU only where a click or the followed vesicle needs them.
                if click.is_none() && !is_tracked {
                    continue;
                }
            }
            let (a, b) = (pos[from], pos[to]);
            let p = a + (b - a) * sim.progress + vesicle_offset(pool.id[s], spread);
            if !gpu {
                let color = colors[species];
                let color = if docked { color.lerp_to_gamma(Color32::WHITE, 0.25) } else { color };
                painter.circle_filled(p, dot, color);
            }
            if let Some(c) = click {
                let d = p.distance(c);
                if d <= dot + 3.0 && nearest_vesicle.is_none_or(|(_, best)| d < best) {
                    nearest_vesicle = Some((pool.id[s], d));
                }
            }
            if is_tracked {
                tracked_at = Some(p);
            }
        }
        if gpu {
            let frame = VesicleFrame {
                view: vesicle_gpu::ViewUniform {
                    center: tf.center.into(),
                    mid: tf.mid,
                    scale: tf.scale,
                    progress: sim.progress,
                    dot,
                    jitter: spread,
                    rect_min: rect.min.into(),
                    rect_size: rect.size().into(),
                    species_count: ns as u32,
                    ..Default::default()
                },
                nodes: moved.clone(),
                colors,
                instances,
            };
            let drawn = feed.map_or(0, |(_, live)| live.div_ceil(every as u32));
            ui.ctx().data_mut(|d| d.insert_temp(engine_drawn_id(), drawn));
            let engine = feed.map(|(population, live)| EngineFeed {
                population: population.clone(),
                live,
                every: every as u32,
                nodes: n as u32,
                docked: w.docks.iter().map(|&d| u32::from(d > 0.0)).collect(),
            });
            painter.add(egui_wgpu::Callback::new_paint_callback(
                rect,
                VesicleCallback { frame, engine },
            ));
        }
        if feed.is_some() {
            note = Some(format!(
                "{live} vesicles, drawn from the GPU engine's buffer{}",
                if every > 1 { format!(" (1 in {every})") } else { String::new() }
            ));
        } else if every > 1 || capped {
            note = Some(format!(
                "{live} vesicles: showing at most {per_node} per node{}",
                if every > 1 { format!(" (1 in {every})") } else { String::new() }
            ));
        }
    }
    // The followed vesicle: its path so far, and a ring.
    if let Some(t) = sim.tracked.as_ref() {
        let trail: Vec<Pos2> = t.path.iter().map(|&i| pos[i as usize]).collect();
        if trail.len() > 1 {
            painter
                .add(egui::Shape::line(trail, Stroke::new(2.0, Color32::from_rgb(120, 255, 160))));
        }
    }
    if let Some(p) = tracked_at {
        painter.circle_stroke(p, 6.0, Stroke::new(2.0, Color32::from_rgb(120, 255, 160)));
    }

    // The MLP's decision boundary, top right.
    let inset =
        Rect::from_min_size(rect.right_top() + Vec2::new(-side - 12.0, 12.0), Vec2::splat(side));
    super::boundary::paint(&painter, inset, w);

    // Legend.
    let mut y = rect.top() + 8.0;
    let font = egui::FontId::proportional(12.0);
    for k in 0..ns {
        let p = Pos2::new(rect.left() + 14.0, y + 7.0);
        painter.circle_filled(p, 5.0, super::species_color(w, k));
        painter.text(
            p + Vec2::new(10.0, 0.0),
            egui::Align2::LEFT_CENTER,
            &w.species[k].name,
            font.clone(),
            Color32::LIGHT_GRAY,
        );
        y += 18.0;
    }
    let lines = legend(sim, view.colour_by_z);
    if sim.twin.is_some() {
        // The twin's colouring switch and, when on, the z scale, above the π scale.
        let at = Rect::from_min_size(
            rect.right_bottom() + Vec2::new(-250.0, -92.0),
            Vec2::new(240.0, 20.0),
        );
        ui.put(at, egui::Checkbox::new(&mut view.colour_by_z, "colour nodes by z = (N − ρ)/√ρ"))
            .on_hover_text(
                "Twin mode: each node's free particles N against the mean field's ρ, in units \
                 of the Poisson spread √ρ (about ±1 where the mean field is exact).",
            );
    }
    for (k, l) in lines.iter().chain(note.iter()).enumerate() {
        painter.text(
            Pos2::new(
                rect.left() + 8.0,
                rect.bottom() - 10.0 - 16.0 * (lines.len() + note.iter().count() - 1 - k) as f32,
            ),
            egui::Align2::LEFT_BOTTOM,
            l,
            font.clone(),
            Color32::from_gray(150),
        );
    }
    if !draw_edges {
        painter.text(
            rect.right_top() + Vec2::new(-8.0, 8.0),
            egui::Align2::RIGHT_TOP,
            "edges hidden (more than 60,000)",
            font,
            Color32::from_gray(150),
        );
    }

    // Selection: a vesicle under the click, else the nearest node within reach of it.
    if let Some((id, _)) = nearest_vesicle {
        out.push(AppCommand::SelectVesicle(Some(id)));
    } else if let Some(click) = click {
        let best = (0..n)
            .map(|i| (i, pos[i].distance(click)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|&(_, d)| d <= node_r + 6.0)
            .map(|(i, _)| i);
        out.push(AppCommand::SelectNode(best));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of three nodes (0 → 1 → 2) at x = 0, 100, 200: the pointer picks the nearest
    /// edge within reach, and a node's disc is the node's.
    #[test]
    fn the_edge_under_the_pointer_is_picked_away_from_nodes() {
        let path = crate::presets::shipped_dir().join("tiny_chain.ron");
        let world = nv_core::World::load(&path, nv_core::Mode::Particle).expect("loads");
        let g = &world.graph;
        let pos: Vec<Pos2> = (0..g.n()).map(|i| Pos2::new(100.0 * i as f32, 0.0)).collect();
        assert_eq!(edge_at(&pos, g, Pos2::new(50.0, 3.0), 10.0), Some(0));
        assert_eq!(edge_at(&pos, g, Pos2::new(150.0, -4.0), 10.0), Some(1));
        assert_eq!(edge_at(&pos, g, Pos2::new(150.0, 9.0), 10.0), None, "too far");
        assert_eq!(edge_at(&pos, g, Pos2::new(104.0, 0.0), 10.0), None, "on node 1");
        let text = edge_details(&world, 0, 1.0);
        assert!(text.starts_with("edge 0: 0 → 1") && text.contains("pathway trace π"), "{text}");
    }
}
