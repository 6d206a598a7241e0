//! The bottom panel: counts per species, dockings, and the host's loss and accuracy, with one
//! shared time axis and one shared time cursor (hover one plot and the other shows the same
//! step); series are decimated (min/max per bucket) so long runs stay smooth.

use super::PanelCx;
use eframe::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

/// The link group of the plots' step axes and cursors.
const TIME: &str = "nvlab_time_axis";

use crate::lab::history::decimate;
use crate::lab::sim::Simulation;

/// A plot over steps, on the shared step axis and cursor.
fn time_plot(id: &str, height: f32, width: f32) -> Plot<'static> {
    Plot::new(id)
        .link_axis(TIME, [true, false])
        .link_cursor(TIME, [true, false])
        .legend(Legend::default())
        .height(height)
        .width(width)
        .x_axis_label("step")
}
/// The bottom panel: the time plots.
pub fn show(ui: &mut egui::Ui, cx: &mut PanelCx<'_>) {
    draw(ui, cx.sim);
}

/// Draws the plots.
fn draw(ui: &mut egui::Ui, sim: &Simulation) {
    let h = &sim.history;
    let w = sim.world();
    let buckets = (ui.available_width() as usize).max(100);
    let height = ui.available_height().max(80.0);
    let has_host = h.loss.iter().any(|v| v.is_finite());
    let twin = !h.rms_z.is_empty();
    let plots = 1 + usize::from(has_host) + usize::from(twin);
    let width = ui.available_width() / plots as f32 - 6.0 * (plots - 1) as f32;
    ui.horizontal(|ui| {
        time_plot("counts", height, width).show(ui, |p| {
            for (k, s) in w.species.iter().enumerate() {
                let pts = decimate(&h.step, &h.free[k], buckets);
                p.line(
                    Line::new(format!("{} free", s.name), PlotPoints::from(pts))
                        .color(super::species_color(w, k)),
                );
                let docks = decimate(&h.step, &h.docked[k], buckets);
                p.line(
                    Line::new(format!("{} docked/step", s.name), PlotPoints::from(docks))
                        .color(super::species_color(w, k).gamma_multiply(0.5)),
                );
            }
        });
        if has_host {
            time_plot("host", height, width).include_y(0.0).include_y(1.0).show(ui, |p| {
                p.line(Line::new(
                    "test loss",
                    PlotPoints::from(decimate(&h.step, &h.loss, buckets)),
                ));
                p.line(Line::new(
                    "test accuracy",
                    PlotPoints::from(decimate(&h.step, &h.accuracy, buckets)),
                ));
                p.line(Line::new(
                    "mean gain",
                    PlotPoints::from(decimate(&h.step, &h.mean_gain, buckets)),
                ));
            });
        }
        if twin {
            // Particles against their mean field: z ≈ N(0, 1) per node where the mean field is
            // exact, so an RMS z near 1 is agreement.
            time_plot("twin", height, width).include_y(0.0).include_y(1.0).show(ui, |p| {
                for (k, s) in w.species.iter().enumerate() {
                    let color = super::species_color(w, k);
                    let rms = decimate(&h.step, &h.rms_z[k], buckets);
                    p.line(
                        Line::new(format!("{} RMS z", s.name), PlotPoints::from(rms)).color(color),
                    );
                    let l1 = decimate(&h.step, &h.relative_l1[k], buckets);
                    p.line(
                        Line::new(format!("{} relative L1", s.name), PlotPoints::from(l1))
                            .color(color.gamma_multiply(0.5)),
                    );
                }
            });
        }
    });
}
