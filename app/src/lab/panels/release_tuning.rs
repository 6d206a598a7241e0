//! Release tuning (right panel, "Releases" tab): every release operator's strength η and
//! projection u as sliders, beside a live readout of what the releases do: the distribution of
//! gain and shift over the nodes, the summed release of the last step per channel, and the
//! host's loss. Slider moves are live species edits ([`AppCommand::EditSpecies`]), so a person
//! can tune while the world runs.

use super::PanelCx;
use eframe::egui::{self, Color32, RichText};
use nv_core::compile::channel;
use nv_core::modulation::Releases;
use nv_core::release::{Amount, MemoryRate, ReleaseOp};

use crate::lab::command::AppCommand;
use crate::lab::sim::Simulation;

/// Bins of the gain and shift histograms.
const BINS: usize = 24;

/// Panel width above which the readout sits beside the sliders instead of above them.
const SIDE_BY_SIDE: f32 = 620.0;
/// The releases tab: every release operator's strength and projection, and the readout.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.sim, cx.commands);
}

/// Draws the release-tuning panel and pushes the live edits its sliders make.
pub(crate) fn draw(ui: &mut egui::Ui, sim: &Simulation, commands: &mut Vec<AppCommand>) {
    ui.heading("Release tuning");
    ui.label(
        RichText::new("Drag a strength while the world runs; the readout shows the last step.")
            .small()
            .weak(),
    );
    meta_sliders(ui, sim, commands);
    let original = &sim.world().preset.species;
    let mut species = original.clone();
    if ui.available_width() >= SIDE_BY_SIDE {
        ui.columns(2, |cols| {
            egui::ScrollArea::vertical()
                .id_salt("release_sliders")
                .auto_shrink([false, false])
                .show(&mut cols[0], |ui| sliders(ui, sim, &mut species));
            egui::ScrollArea::vertical()
                .id_salt("release_readout")
                .auto_shrink([false, false])
                .show(&mut cols[1], |ui| readout(ui, sim));
        });
    } else {
        readout(ui, sim);
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("release_sliders")
            .auto_shrink([false, false])
            .show(ui, |ui| sliders(ui, sim, &mut species));
    }
    if species != *original {
        commands.push(AppCommand::EditSpecies(species));
    }
}

/// The preset's meta signals with a `Slider` source, as sliders (a trigger `Meta(name)`
/// reads them; e.g. `pathway_carving`'s "release" starts and stops the carvers).
fn meta_sliders(ui: &mut egui::Ui, sim: &Simulation, commands: &mut Vec<AppCommand>) {
    use nv_core::preset::MetaSource;
    let meta = &sim.world().preset.meta;
    if !meta.iter().any(|m| matches!(m.source, MetaSource::Slider(_))) {
        return;
    }
    ui.label(RichText::new("Meta signals").strong()).on_hover_text(
        "Global signals the preset declares as sliders: species whose trigger is Meta(name) \
         emit by them, and payloads may carry them. A change applies from the next step.",
    );
    for (k, m) in meta.iter().enumerate() {
        let MetaSource::Slider(value) = m.source else { continue };
        let mut v = value;
        let bound = sticky_bound(ui, ui.id().with(("meta_range", k)), value.max(1.0) / 5.0);
        let slider = egui::Slider::new(&mut v, 0.0..=bound.max(1.0))
            .clamping(egui::SliderClamping::Never)
            .text(&m.name);
        if ui.add(slider).changed() && v != value {
            commands.push(AppCommand::SetMetaSlider(k, v));
        }
    }
    ui.separator();
}

/// A value's histogram: `counts[b]` values fall in bin b of `[lo, hi]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f32,
    /// Upper edge of the last bin.
    pub hi: f32,
    /// Values per bin.
    pub counts: Vec<u32>,
    /// Mean of the finite values (NaN when there are none).
    pub mean: f32,
    /// Smallest and largest finite value (NaN when there are none).
    pub min: f32,
    /// See `min`.
    pub max: f32,
}

/// Bins the finite `values` into `bins` equal bins over their range (widened to at least
/// 10⁻³ around the value when they are all equal). Non-finite values are left out.
pub fn histogram(values: &[f32], bins: usize) -> Histogram {
    let bins = bins.max(1);
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (mut min, mut max, mut sum, mut count) = (f32::INFINITY, f32::NEG_INFINITY, 0.0f64, 0u64);
    for v in finite.clone() {
        min = min.min(v);
        max = max.max(v);
        sum += v as f64;
        count += 1;
    }
    if count == 0 {
        return Histogram {
            lo: 0.0,
            hi: 1.0,
            counts: vec![0; bins],
            mean: f32::NAN,
            min: f32::NAN,
            max: f32::NAN,
        };
    }
    let (lo, hi) = if max - min < 1e-3 {
        let mid = 0.5 * (min + max);
        (mid - 5e-4, mid + 5e-4)
    } else {
        (min, max)
    };
    let mut counts = vec![0u32; bins];
    let width = (hi - lo) / bins as f32;
    for v in finite {
        let b = (((v - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    Histogram { lo, hi, counts, mean: (sum / count as f64) as f32, min, max }
}

/// The sum over nodes of every release channel.
pub fn channel_totals(releases: &Releases) -> Vec<f64> {
    let mut totals = vec![0.0; releases.stride];
    for node in releases.data.chunks_exact(releases.stride.max(1)) {
        for (t, v) in totals.iter_mut().zip(node) {
            *t += v;
        }
    }
    totals
}

/// The smallest of 0.001, 0.002, 0.005, 0.01, …, 1, 2, 5, 10, … that is at least |x| (|x|
/// itself beyond 5·10⁹; 1 for a non-finite x): a round end for a slider's range.
pub fn nice_bound(x: f32) -> f32 {
    let x = if x.is_finite() { x.abs() } else { 1.0 };
    for e in -3..=9 {
        for m in [1.0f32, 2.0, 5.0] {
            // Divide for negative decades so that 0.05 is the f32 nearest 0.05.
            let b = if e < 0 { m / 10f32.powi(-e) } else { m * 10f32.powi(e) };
            if b >= x {
                return b;
            }
        }
    }
    x
}

/// The end of a slider's symmetric range for `value`, kept between frames under `id` so that
/// it does not move while the slider is dragged: first five times the value (rounded up to
/// 1-2-5, at least 0.01), and widened the same way only when the value leaves it (a value
/// typed beyond the ends).
fn sticky_bound(ui: &egui::Ui, id: egui::Id, value: f32) -> f32 {
    let stored: Option<f32> = ui.ctx().data(|d| d.get_temp(id));
    let bound = match stored {
        Some(b) if value.abs() <= b => b,
        _ => nice_bound((5.0 * value.abs()).max(0.01)),
    };
    ui.ctx().data_mut(|d| d.insert_temp(id, bound));
    bound
}

/// `v` with three decimals and no "-0.000".
fn fmt3(v: f32) -> String {
    if v.abs() < 5e-4 { "0.000".into() } else { format!("{v:.3}") }
}

/// The live readout: gain and shift over nodes, channel sums, host loss.
fn readout(ui: &mut egui::Ui, sim: &Simulation) {
    let w = sim.world();
    let m = &w.modulation;
    ui.label(RichText::new("Live effect").strong());
    paint_histogram(ui, "gain g", &m.gain, 1.0, Color32::from_rgb(110, 190, 250));
    paint_histogram(ui, "shift β", &m.shift, 0.0, Color32::from_rgb(250, 170, 90));
    let totals = channel_totals(&w.releases);
    let t = |c: usize| totals.get(c).copied().unwrap_or(0.0);
    ui.label(RichText::new("Released in the last step (Σ over nodes)").weak())
        .on_hover_text("The summed amounts q of every docking of the last step, per channel.");
    egui::Grid::new("release_totals").num_columns(2).striped(true).show(ui, |ui| {
        for (name, v) in [
            ("gain Σq", t(channel::GAIN)),
            ("shift Σq", t(channel::SHIFT)),
            ("learning rate Σq", t(channel::LEARNING_RATE)),
            ("threshold Σq", t(channel::THRESHOLD)),
            ("weight Σq", t(channel::WEIGHT)),
            ("memory arrivals (running)", t(channel::MEM_RUN_COUNT)),
            ("memory Σε (fixed)", t(channel::MEM_FIX_WEIGHT)),
        ] {
            ui.label(name);
            ui.label(format!("{v:.4}"));
            ui.end_row();
        }
        for (k, s) in w.species.iter().enumerate() {
            let v = t(channel::EMISSION_GAIN + k);
            if v != 0.0 {
                ui.label(format!("emission gain of {} Σq", s.name));
                ui.label(format!("{v:.4}"));
                ui.end_row();
            }
        }
    });
    match w.signals.loss {
        Some(loss) => {
            ui.label(format!("host loss {loss:.4}")).on_hover_text(
                "The host's test loss this step; the line shows its recent history.",
            );
            sparkline(ui, &sim.history.loss, Color32::from_rgb(220, 120, 120));
        }
        None => {
            ui.label(RichText::new("This host has no loss.").weak());
        }
    }
}

/// A small painted histogram of `values` with the default value marked.
fn paint_histogram(ui: &mut egui::Ui, name: &str, values: &[f32], default: f32, color: Color32) {
    let h = histogram(values, BINS);
    ui.label(format!("{name}: min {} · mean {} · max {}", fmt3(h.min), fmt3(h.mean), fmt3(h.max)));
    let width = ui.available_width().max(60.0);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 44.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let top = h.counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    let bar = rect.width() / h.counts.len() as f32;
    for (b, &c) in h.counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let x0 = rect.left() + b as f32 * bar;
        let height = (c as f32 / top) * (rect.height() - 2.0);
        let r = egui::Rect::from_min_max(
            egui::pos2(x0 + 0.5, rect.bottom() - height),
            egui::pos2(x0 + bar - 0.5, rect.bottom()),
        );
        painter.rect_filled(r, 0.0, color);
    }
    if (h.lo..=h.hi).contains(&default) {
        let x = rect.left() + (default - h.lo) / (h.hi - h.lo) * rect.width();
        painter.vline(x, rect.y_range(), egui::Stroke::new(1.0, ui.visuals().weak_text_color()));
    }
    response.on_hover_text(format!(
        "Nodes per bin over [{:.4}, {:.4}]; the thin line marks the default {default}.",
        h.lo, h.hi
    ));
}

/// The last few hundred finite values of a series as a line.
fn sparkline(ui: &mut egui::Ui, series: &[f64], color: Color32) {
    let tail: Vec<f64> = series.iter().rev().take(400).copied().filter(|v| v.is_finite()).collect();
    let width = ui.available_width().max(60.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 36.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    if tail.len() < 2 {
        return;
    }
    let lo = tail.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = tail.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-9);
    let last = (tail.len() - 1) as f32;
    let points: Vec<egui::Pos2> = tail
        .iter()
        .rev()
        .enumerate()
        .map(|(i, v)| {
            let x = rect.left() + i as f32 / last * rect.width();
            let y = rect.bottom() - 2.0 - ((v - lo) / span) as f32 * (rect.height() - 4.0);
            egui::pos2(x, y)
        })
        .collect();
    painter.add(egui::Shape::line(points, egui::Stroke::new(1.5, color)));
}

/// The last step's total of the channel an operator writes, with a label, if it has one.
fn effect(sim: &Simulation, totals: &[f64], op: &ReleaseOp) -> Option<(String, f64)> {
    let w = sim.world();
    let t = |c: usize| totals.get(c).copied().unwrap_or(0.0);
    let index = |name: &str| w.species.iter().position(|s| s.name == name);
    Some(match op {
        ReleaseOp::Gain(_) => ("gain Σq".into(), t(channel::GAIN)),
        ReleaseOp::Shift(_) => ("shift Σq".into(), t(channel::SHIFT)),
        ReleaseOp::Film { .. } => ("gain + shift Σq".into(), t(channel::GAIN) + t(channel::SHIFT)),
        ReleaseOp::Weight(_) => ("weight Σq".into(), t(channel::WEIGHT)),
        ReleaseOp::LearningRate(_) => ("learning-rate Σq".into(), t(channel::LEARNING_RATE)),
        ReleaseOp::Threshold(_) => ("threshold Σq".into(), t(channel::THRESHOLD)),
        ReleaseOp::EmissionGain { species, .. } => {
            (format!("emission gain of {species} Σq"), t(channel::EMISSION_GAIN + index(species)?))
        }
        ReleaseOp::Memory(MemoryRate::Running) => {
            ("memory arrivals".into(), t(channel::MEM_RUN_COUNT))
        }
        ReleaseOp::Memory(MemoryRate::Fixed(_)) => ("memory Σε".into(), t(channel::MEM_FIX_WEIGHT)),
        // Its effect is the branching ratio, stated under its slider (`branching`).
        ReleaseOp::Cascade { .. } => return None,
    })
}

/// Every operator of every species, as sliders.
fn sliders(ui: &mut egui::Ui, sim: &Simulation, species: &mut [nv_core::species::Species]) {
    let mut any = false;
    let totals = channel_totals(&sim.world().releases);
    ui.spacing_mut().slider_width = (ui.available_width() - 140.0).clamp(80.0, 220.0);
    for (k, s) in species.iter_mut().enumerate() {
        if s.releases.is_empty() {
            continue;
        }
        any = true;
        let [r, g, b] = s.color;
        let title = RichText::new(&s.name).strong().color(Color32::from_rgb(r, g, b));
        let parent = s.clone();
        egui::CollapsingHeader::new(title).id_salt(("tune_species", k)).default_open(true).show(
            ui,
            |ui| {
                for (j, op) in s.releases.iter_mut().enumerate() {
                    ui.push_id(("tune_op", k, j), |ui| {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(op.kind_name()).strong())
                                .on_hover_text(op.doc());
                            if let Some((label, v)) = effect(sim, &totals, op) {
                                ui.label(RichText::new(format!("{label} = {v:.4}")).small().weak())
                                    .on_hover_text(
                                        "The whole channel's total over nodes in the last step \
                                         (every operator writing it counts).",
                                    );
                            }
                        });
                        op_sliders(ui, op);
                        if let ReleaseOp::Cascade { chi, species: target, .. } = op {
                            branching(ui, sim, &parent, k, *chi, target);
                        }
                    });
                    ui.add_space(4.0);
                }
            },
        );
    }
    if !any {
        ui.label("No species has a release operator; add one in the Species tab.");
    }
}

/// The branching ratio of a `Cascade` release (MODEL §6): the law m = χ·E where the rates are
/// uniform, and, when the children are of the parent's own species, the ratio measured over
/// the run (children born per life ended).
fn branching(
    ui: &mut egui::Ui,
    sim: &Simulation,
    parent: &nv_core::species::Species,
    k: usize,
    chi: f32,
    target: &str,
) {
    let w = sim.world();
    let law = nv_core::cascade::branching_law(parent, chi, w.preset.dt);
    let text = match law {
        Ok(l) => {
            let regime = if l.m < 1.0 {
                format!("mean cascade size 1/(1 − m) = {:.1}", 1.0 / (1.0 - l.m))
            } else if l.m == 1.0 {
                "critical: heavy-tailed sizes".to_string()
            } else {
                "supercritical: the population grows until the capacity drops births".to_string()
            };
            format!(
                "branching ratio m = χ·E = {:.3} (E = {:.4} dockings per life: S = {:.5}, D = \
                 {:.5}); {regime}",
                l.m, l.dockings, l.survival, l.docking
            )
        }
        Err(why) => format!("no closed-form branching ratio: {why}"),
    };
    ui.label(RichText::new(text).small()).on_hover_text(
        "MODEL §6: a vesicle survives a step with probability S = e^(−dt/L), docks with D = \
         1 − e^(−k·dt) (k = k0/2 when the docking gain is 0) and stays after docking with \
         1 − p_abs, so it docks E = S·D/(1 − S·(1 − D·p_abs)) times in its life; each docking \
         has Poisson(χ) children, so m = χ·E.",
    );
    let ended = w.totals.died[k] + w.totals.absorbed[k];
    if target == parent.name && ended > 0.0 {
        let measured = w.totals.cascade_born[k] / ended;
        ui.label(
            RichText::new(format!(
                "measured over the run: m̂ = {measured:.3} children per life ended ({ended:.0} \
                 lives)"
            ))
            .small()
            .weak(),
        );
    }
}

/// The sliders of one operator.
fn op_sliders(ui: &mut egui::Ui, op: &mut ReleaseOp) {
    let unit = op.eta_unit();
    match op {
        ReleaseOp::Gain(a)
        | ReleaseOp::Shift(a)
        | ReleaseOp::Weight(a)
        | ReleaseOp::LearningRate(a)
        | ReleaseOp::Threshold(a)
        | ReleaseOp::EmissionGain { amount: a, .. } => amount_sliders(ui, a, unit, ""),
        ReleaseOp::Film { gain, shift } => {
            amount_sliders(ui, gain, "gain per unit u·c", "gain ");
            amount_sliders(ui, shift, "shift per unit u·c", "shift ");
        }
        ReleaseOp::Memory(MemoryRate::Fixed(eps)) => {
            ui.add(
                egui::Slider::new(eps, 0.001..=1.0)
                    .logarithmic(true)
                    .clamping(egui::SliderClamping::Edits)
                    .text("ε"),
            )
            .on_hover_text("Mixing rate ε of the memory trace, in (0, 1].");
        }
        ReleaseOp::Memory(MemoryRate::Running) => {
            ui.label(RichText::new("running average: ε = 1/count, nothing to tune").weak());
        }
        ReleaseOp::Cascade { chi, .. } => {
            let bound = sticky_bound(ui, ui.id().with("chi_range"), chi.max(0.4));
            ui.add(
                egui::Slider::new(chi, 0.0..=bound)
                    .clamping(egui::SliderClamping::Never)
                    .text("χ children"),
            )
            .on_hover_text("Mean children per docking, ≥ 0.");
            *chi = chi.max(0.0);
        }
    }
}

/// η and the four components of u as sliders; the range holds the current value.
fn amount_sliders(ui: &mut egui::Ui, a: &mut Amount, unit: &str, prefix: &str) {
    let bound = sticky_bound(ui, ui.id().with((prefix, "eta_range")), a.eta);
    ui.add(
        egui::Slider::new(&mut a.eta, -bound..=bound)
            .clamping(egui::SliderClamping::Never)
            .text(format!("{prefix}η")),
    )
    .on_hover_text(format!(
        "Strength η ({unit}): q = η·(u·c). The slider spans ±{bound}; type a value beyond \
         it in the box to widen the range."
    ));
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{prefix}u")).weak())
            .on_hover_text("Projection u of the payload c: which part of the content counts.");
        for (d, u) in a.u.iter_mut().enumerate() {
            ui.add(
                egui::DragValue::new(u)
                    .range(-1.0e6..=1.0e6)
                    .clamp_existing_to_range(false)
                    .speed(0.01)
                    .max_decimals(3)
                    .prefix(format!("c{d}: ")),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_values() {
        let h = histogram(&[0.0, 0.0, 1.0, 0.5, f32::NAN], 2);
        assert_eq!((h.lo, h.hi), (0.0, 1.0));
        assert_eq!(h.counts, vec![2, 2]);
        assert_eq!(h.mean, 0.375);
        assert_eq!((h.min, h.max), (0.0, 1.0));
    }

    #[test]
    fn histogram_of_equal_and_empty_values() {
        let h = histogram(&[1.0; 5], 4);
        assert!(h.lo < 1.0 && h.hi > 1.0);
        assert_eq!(h.counts.iter().sum::<u32>(), 5);
        let e = histogram(&[], 0);
        assert_eq!(e.counts, vec![0]);
        assert!(e.mean.is_nan());
    }

    #[test]
    fn totals_sum_over_nodes() {
        let mut r = Releases::zeros(3, 2);
        r.node_mut(0)[channel::GAIN] = 1.0;
        r.node_mut(2)[channel::GAIN] = 0.5;
        r.node_mut(1)[channel::EMISSION_GAIN + 1] = -2.0;
        let t = channel_totals(&r);
        assert_eq!(t.len(), channel::stride(2));
        assert_eq!(t[channel::GAIN], 1.5);
        assert_eq!(t[channel::EMISSION_GAIN + 1], -2.0);
        assert_eq!(t[channel::SHIFT], 0.0);
    }

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_bound(0.05), 0.05);
        assert_eq!(nice_bound(0.004), 0.005);
        assert_eq!(nice_bound(0.0), 0.001);
        assert_eq!(nice_bound(0.7), 1.0);
        assert_eq!(nice_bound(-1.5), 2.0);
        assert_eq!(nice_bound(3.0), 5.0);
        assert_eq!(nice_bound(7.0), 10.0);
        assert_eq!(nice_bound(10.0), 10.0);
        assert_eq!(nice_bound(f32::NAN), 1.0);
        assert_eq!(nice_bound(3.0e10), 3.0e10);
    }
}
